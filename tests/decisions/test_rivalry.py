"""Counter-alliances: a rival's intervention or enlargement raises tension where the alliance
has influence; the enlargement event extends the alliance's affinity and collective defence."""

from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import decisions, mechanism, refusal

RIVALRY = "world.alliances.1.rivalry"
SEEDS = range(10)
NBR = 2


def onsets(model) -> int:
    return sum(e["actor"] == "NBR" for e in decisions(model, "conflict_onset"))


def test_a_rivals_moves_raise_conflict_onsets_where_it_has_influence() -> None:
    calm = [onsets(mechanism("rivalry", f"{RIVALRY}=null", seed=s)) for s in SEEDS]
    tense = [onsets(mechanism("rivalry", seed=s)) for s in SEEDS]
    # The hazard is five times higher for 90 days after the intervention and after the
    # enlargement (about 150 of 240 days): about 2.5 onsets expected against 0.7 (1.3 and 2.7
    # on these seeds).
    assert np.mean(tense) >= np.mean(calm) + 0.7
    assert np.mean(tense) <= 4 * max(np.mean(calm), 0.5)


def test_tension_follows_each_move_and_ends_after_its_duration() -> None:
    model = mechanism("rivalry", f"{RIVALRY}.onset_multiplier=1", seed=0)
    started = decisions(model, "intervention_started")[0]["day"]
    raised = decisions(model, "tension_raised")
    assert [(r["day"], r["detail"]["answering"]) for r in raised] == [
        (started + 1, "intervention_started"), (101, "enlargement")]
    [eased] = decisions(model, "tension_eased")
    assert eased["day"] == 101 + 90
    assert model.alliances[1].rivalry.describe()[1].startswith("calm")


def test_ongoing_fighting_escalates_while_tension_lasts_and_falls_back_after() -> None:
    fighting = "events.2={day: 30, type: conflict, locations: [fr2_city], intensity: 0.5}"
    calm = f"world.states.{NBR}.conflict_risk=0"
    during = mechanism("rivalry", fighting, calm, f"{RIVALRY}.reacts_to=[intervention]", seed=0, days=100)
    city = during.world.index["fr2_city"]
    assert during.world.intensity[city] == pytest.approx(0.7)
    assert "fighting escalated at 1 place" in during.alliances[1].rivalry.describe()[1]
    after = mechanism("rivalry", fighting, calm, f"{RIVALRY}.reacts_to=[intervention]", seed=0)
    assert after.world.intensity[city] == pytest.approx(0.5)
    assert decisions(after, "tension_eased")[0]["detail"]["de_escalated"] == ["fr2_city"]


def test_enlargement_extends_affinity_and_collective_defence() -> None:
    defence = "world.alliances.0.collective_defence={deterrence: 0.6, respond: false}"
    before = mechanism("rivalry", defence, f"{RIVALRY}=null", seed=0, days=100)
    after = mechanism("rivalry", defence, f"{RIVALRY}=null", seed=0, days=102)
    frn = 1
    assert not before.world.allied[NBR, frn] and after.world.allied[NBR, frn] and after.world.allied[frn, NBR]
    assert not after.world.allied[NBR, NBR]
    assert before.onsets.hazard()[NBR] == pytest.approx(0.003)
    assert after.onsets.hazard()[NBR] == pytest.approx(0.003 * 0.4)


@pytest.mark.parametrize(("override", "message"), [
    (f"{RIVALRY}.rival=RIV", "world.alliances[1].rivalry.rival: RIV cannot be its own rival"),
    (f"{RIVALRY}.rival=ALX", "rivalry.rival: unknown alliance 'ALX' (did you mean 'ALL'?)"),
    (f"{RIVALRY}.influence=[NBX]", "unknown state 'NBX' (did you mean 'NBR'?)"),
    (f"{RIVALRY}.reacts_to=[threats]", "world.alliances[1].rivalry.reacts_to"),
    (f"{RIVALRY}.onset_multiplier=-1", "greater than or equal to 0"),
    ("events.2.state=FRN", "events[2].state: 'FRN' is already a member of ALL by day 100"),
    ("events.2.alliance=XYZ", "events[2].alliance: unknown alliance 'XYZ'"),
])
def test_invalid_rivalries_and_enlargements_are_located(override: str, message: str) -> None:
    error = refusal("rivalry", override)
    assert message in error
    assert "rivalry.yaml" in error or "--set" in error
