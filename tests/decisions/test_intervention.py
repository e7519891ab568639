"""Intervention: the decision rule sets the delay; success brings returns; operations displace."""

from __future__ import annotations

import numpy as np
import pytest

from sim.decisions.deliberation import Deliberation
from sim.decisions.intervention import revolt_share
from tests.conftest import decisions, mechanism, refusal

RULE = "world.alliances.0.decision_rule"
SPEC = "world.alliances.0.intervention"


def deliberation_days(*overrides: str, seeds: range = range(5)) -> list[int]:
    """Days of deliberation in each seed's run (100 if undecided within 100 days)."""
    out = []
    for seed in seeds:
        decided = decisions(mechanism("intervention", *overrides, seed=seed, days=100),
                            "intervention_decided")
        out.append(decided[0]["detail"]["deliberation_days"] if decided else 100)
    return out


def test_unanimity_deliberates_longer_than_majority() -> None:
    unanimity = deliberation_days(f"{RULE}=unanimity", seeds=range(10))
    majority = deliberation_days(f"{RULE}=majority", seeds=range(10))
    assert np.mean(unanimity) > 2 * np.mean(majority)
    assert np.mean(unanimity) - np.mean(majority) > 8  # days


def test_deliberation_rule_thresholds() -> None:
    rng = np.random.default_rng(0)
    d = Deliberation(np.array([1.0, 1.0, 0.0]), required_share=0.66, started=0)
    assert d.deliberate(rng) and d.votes() == (2, 3)
    d = Deliberation(np.array([1.0, 1.0, 0.0]), required_share=1.0, started=0)
    assert not any(d.deliberate(rng) for _ in range(50))  # one member never agrees: no unanimity


def test_successful_stabilisation_brings_returns() -> None:
    returns = {p: np.mean([mechanism("intervention", f"{SPEC}.success_probability={p}",
                                     f"{SPEC}.collateral=1.0", seed=s).recorder.totals["returnees"]
                           for s in range(4)]) for p in (1.0, 0.0)}
    assert returns[0.0] == 0  # fighting never stops without it in this world
    assert returns[1.0] > 100_000


def fled_during_operations(collateral: float, seed: int) -> int:
    model = mechanism("intervention", f"{SPEC}.collateral={collateral}", f"{SPEC}.success_probability=0",
                      f"{RULE}=majority", seed=seed)
    start = decisions(model, "intervention_started")[0]["day"]
    flows = model.recorder.flows_table()
    during = flows[(flows.kind == "flight") & (flows.day >= start) & (flows.day < start + 60)]
    return int(during["count"].sum())


def test_collateral_damage_raises_displacement_during_operations() -> None:
    with_damage = np.mean([fled_during_operations(3.0, s) for s in range(4)])
    without = np.mean([fled_during_operations(1.0, s) for s in range(4)])
    assert with_damage > 1.5 * without


def test_failed_operation_relapses_and_spreads() -> None:
    model = mechanism("intervention", f"{SPEC}.success_probability=0", f"{SPEC}.fragment_locations=1",
                      f"{RULE}=majority", seed=1)
    [failed] = decisions(model, "intervention_failed")
    [spread] = failed["detail"]["spread_to"]
    assert model.world.intensity[model.world.index[spread]] >= 0.6
    assert [e["type"] for e in model.event_log if e["type"].startswith("intervention")] == [
        "intervention_triggered", "intervention_decided", "intervention_started", "intervention_ended",
        "intervention_failed"]


@pytest.mark.parametrize("rule", ["unanimity", "majority", "qualified:0.6"])
def test_every_decision_is_logged_with_its_actor(rule: str) -> None:
    model = mechanism("intervention", f"{RULE}={rule}", seed=2, days=120)
    rows = decisions(model, "intervention_decided")
    assert rows and rows[0]["actor"] == "ALL" and rows[0]["detail"]["rule"] == rule


# -- emergent outcome -------------------------------------------------------------------------


def outcome(*overrides: str, seed: int) -> tuple[dict, int]:
    """The emergent operation's outcome and the Orians who fled over the run."""
    model = mechanism("conflict-dynamics", *overrides, seed=seed)
    [detail] = [d["detail"] for d in decisions(model, "intervention_outcome")]
    return detail, int(model.recorder.tables()["summary"].set_index("state").at["ORI", "total_fled"])


def test_hesitation_faces_a_stronger_party_and_displaces_more() -> None:
    """Acting at once (every member willing) against the scenario's hesitant unanimity: the
    Northern Front entrenches meanwhile, so the later operation meets it stronger."""
    prompt = [outcome("world.alliances.0.default_willingness=1", seed=s) for s in range(6)]
    late = [outcome(seed=s) for s in range(6)]
    for (now, _), (later, _) in zip(prompt, late, strict=True):
        assert later["opposing_strength_at_start"] > now["opposing_strength_at_start"]
    gain = np.mean([f for _, f in late]) / np.mean([f for _, f in prompt])
    assert 1.02 < gain < 1.3, gain


def test_collateral_damage_erodes_legitimacy_and_feeds_revolt() -> None:
    kept = [outcome(f"{SPEC}.legitimacy_loss=0", seed=s) for s in range(5)]
    eroded = [outcome(f"{SPEC}.legitimacy_loss=0.02", seed=s) for s in range(5)]
    for (k, _), (e, _) in zip(kept, eroded, strict=True):
        operating_days = 61  # from the first day of operations to the last, both included
        assert k["legitimacy"] == 0.8 and e["legitimacy"] == pytest.approx(0.8 - 0.02 * 0.5 * operating_days)
        assert e["in_revolt"] > 2 * k["in_revolt"]
    gain = np.mean([f for _, f in eroded]) / np.mean([f for _, f in kept])
    assert 1.02 < gain < 1.5, gain


def test_the_force_is_what_supporting_members_contribute() -> None:
    model = mechanism("conflict-dynamics", seed=0)
    [detail] = [d["detail"] for d in decisions(model, "intervention_outcome")]
    assert detail["force"] == 0.5 + 1.0 + 0.75 + 0.5 + 0.25  # unanimity: every member supports
    assert detail["success"] == (detail["opposing_strength"] < detail["force"])
    stronger = mechanism("conflict-dynamics", f"{SPEC}.contribution={{MEM: 20}}", seed=0)
    [detail] = [d["detail"] for d in decisions(stronger, "intervention_outcome")]
    assert detail["force"] == 24.0 and detail["success"] and not decisions(stronger, "intervention_failed")


@pytest.mark.parametrize(("legitimacy", "arrest", "threshold"), [(0.8, 0.5, 0.1), (0.3, 0.2, 0.1),
                                                                  (0.5, 0.0, 0.1), (0.2, 0.9, 0.05)])
def test_revolt_share_follows_epsteins_rule(legitimacy: float, arrest: float, threshold: float) -> None:
    rng = np.random.default_rng(0)
    hardship, risk_aversion = rng.random(1_000_000), rng.random(1_000_000)
    simulated = np.mean(hardship * (1 - legitimacy) - risk_aversion * arrest > threshold)
    assert revolt_share(legitimacy, arrest, threshold) == pytest.approx(simulated, abs=2e-3)
    assert revolt_share(1.0, arrest, threshold) == 0.0


@pytest.mark.parametrize(("override", "message"), [
    (f"{SPEC}.contribution={{THR: 2}}", "'THR' is not a member of ALL"),
    ("world.conflicts=[]", "outcome 'emergent' needs a conflict in world.conflicts fought in ORI"),
    (f"{SPEC}.outcome=random", "expected one of 'drawn' or 'emergent'"),
    (f"{SPEC}.legitimacy=1.5", "less than or equal to 1"),
])
def test_bad_emergent_values_are_located_errors(override: str, message: str) -> None:
    error = refusal("conflict-dynamics", override)
    assert message in error and "world.alliances[0].intervention" in error


TIES = [f"world.states.{i}.policy.ties={{ORI: 1.0}}" for i in (1, 3, 4, 5, 6)]  # all five members


def test_members_with_ties_to_the_target_come_round_sooner() -> None:
    plain = deliberation_days(*TIES)  # ties without weight change nothing
    assert plain == deliberation_days()
    tied = deliberation_days(*TIES, f"{SPEC}.interest_weight=3")
    assert np.mean(tied) < 0.5 * np.mean(plain) and np.mean(plain) - np.mean(tied) > 8


def test_members_bearing_costs_come_round_later() -> None:
    model = mechanism("intervention", f"{SPEC}.cost_aversion=1000", seed=0, days=100)
    decided = decisions(model, "intervention_decided")
    willing = decided[0]["detail"]["willingness"] if decided else {}
    assert not decided or willing["FRN"] < 0.5 * willing["MEM"] <= 0.04  # the host of Orians is reluctant
    costly = deliberation_days(f"{SPEC}.cost_aversion=1000")
    assert np.mean(costly) > np.mean(deliberation_days()) + 10


def test_todays_willingness_replaces_yesterdays() -> None:
    d = Deliberation(np.array([0.0, 0.0]), required_share=1.0, started=0)
    rng = np.random.default_rng(0)
    assert not d.deliberate(rng)
    assert d.deliberate(rng, np.array([1.0, 1.0])) and d.votes() == (2, 2)
