"""Conflict spreads along roads, escalates with the parties' strength and burns out; parties
entrench while a war lasts and gain fighters from prisoner exchanges."""

from __future__ import annotations

import numpy as np
import pytest

from sim.agents import ConflictParty
from sim.model import DisplacementModel
from sim.scenario.errors import ScenarioError
from tests.conftest import decisions, mechanism

NO_INTERVENTION = "world.alliances.0.intervention=null"


def fled(model: DisplacementModel) -> int:
    """Orians who fled their homes over the run."""
    return int(model.recorder.tables()["summary"].set_index("state").at["ORI", "total_fled"])


def test_spread_displaces_more_people_abroad_and_at_home() -> None:
    on, off = [], []
    for seed in range(6):
        with_spread = mechanism("conflict-dynamics", NO_INTERVENTION, seed=seed, days=120)
        without = mechanism("conflict-dynamics", NO_INTERVENTION, "parameters.conflict.spread_rate=0",
                            seed=seed, days=120)
        assert decisions(with_spread, "conflict_spread") and not decisions(without, "conflict_spread")
        on.append(fled(with_spread))
        off.append(fled(without))
    gain = np.mean(on) / np.mean(off)
    assert 1.2 < gain < 2.5, gain  # the capital and the south join the war: far more flee


def test_spread_starts_at_a_neighbour_once_tension_reaches_the_threshold() -> None:
    model = mechanism("conflict-dynamics", NO_INTERVENTION, seed=0, days=10)
    first = decisions(model, "conflict_spread")[0]
    assert first["target"] == "ori_capital" and first["detail"]["from"] in ("ori_north", "ori_east")
    assert first["detail"]["intensity"] >= 0.05  # parameters.conflict.peace_below
    assert first["actor"] == "ORI+NORTHERN_FRONT"
    assert model.world.intensity[model.world.index["frn_camp"]] == 0  # camps do not fight


def test_escalation_and_decay_settle_at_their_balance() -> None:
    """Presence 1 (the weaker party, Oria's government) and no spread: intensity tends to
    escalation / (escalation + decay) = 0.03 / 0.05 = 0.6 from the scripted 0.8."""
    model = mechanism("conflict-dynamics", NO_INTERVENTION, "parameters.conflict.spread_rate=0",
                      "parameters.conflict.entrenchment=0", "parameters.conflict.attrition=0", days=200)
    w = model.world
    assert w.intensity[[w.index["ori_north"], w.index["ori_east"]]] == pytest.approx([0.6, 0.6], abs=1e-3)
    calm = mechanism("conflict-dynamics", NO_INTERVENTION, "parameters.conflict.spread_rate=0",
                     "parameters.conflict.escalation=0", days=200)
    assert calm.world.intensity.max() == 0  # decay alone: fighting burns out below peace_below


def test_parties_entrench_while_the_war_lasts() -> None:
    model = mechanism("conflict-dynamics", NO_INTERVENTION, "parameters.conflict.attrition=0", days=50)
    strength = {p.code: p.strength for p in model.agents_by_type[ConflictParty]}
    assert strength == pytest.approx({"ORI": 1.02 ** 50, "NORTHERN_FRONT": 2.0 * 1.02 ** 50})
    eroded = mechanism("conflict-dynamics", NO_INTERVENTION, "parameters.conflict.entrenchment=0", days=50)
    assert all(p.strength < 1.0 for p in eroded.agents_by_type[ConflictParty] if p.code == "ORI")
    [front] = [p for p in eroded.agents_by_type[ConflictParty] if p.code == "NORTHERN_FRONT"]
    assert "armed group in oria-war" in front.describe()[0] and "strength" in front.describe()[1]


def test_released_prisoners_strengthen_both_sides() -> None:
    model = mechanism("negotiations", "parameters.conflict.exchange_strength=0.5",
                      "world.negotiations.0.ceasefire_step=0", "world.negotiations.0.exchange_probability=1",
                      seed=0, days=120)
    exchanges = len(decisions(model, "prisoner_exchange"))
    assert exchanges >= 2
    assert [p.strength for p in model.agents_by_type[ConflictParty]] == pytest.approx([1.5 ** exchanges] * 2)


def test_a_holding_ceasefire_neither_escalates_nor_takes_up_fighting() -> None:
    model = mechanism("negotiations", "parameters.conflict.spread_rate=0.2",
                      "parameters.conflict.escalation=0.1", "world.negotiations.0.base_ceasefire=1",
                      seed=0, days=120)
    assert decisions(model, "ceasefire")
    w = model.world
    assert w.intensity[[w.index[i] for i in ("ori_north", "ori_east", "ori_capital")]].max() == 0


def test_switching_dynamics_on_leaves_other_draws_alone() -> None:
    """The deliberation of the alliance draws the same days with or without spread."""
    runs = [mechanism("conflict-dynamics", spread, seed=3, days=60)
            for spread in ("parameters.conflict.spread_rate=0", "parameters.conflict.spread_rate=0.05")]
    days = [decisions(run, "intervention_decided")[0]["day"] for run in runs]
    assert days[0] == days[1]


@pytest.mark.parametrize(("override", "message"), [
    ("world.conflicts.0.strengths={REBELS: 2}",
     "world.conflicts[0]: 'strengths' names 'REBELS', which is not one of the parties"),
    ("parameters.conflict.spread_rate=2", "less than or equal to 1"),
    ("parameters.conflict.decay=-0.1", "greater than or equal to 0"),
])
def test_bad_conflict_values_are_located_errors(override: str, message: str) -> None:
    with pytest.raises(ScenarioError) as info:
        mechanism("conflict-dynamics", override, days=1)
    text = str(info.value)
    assert message in text and ("conflict-dynamics.yaml" in text or "--set" in text)
