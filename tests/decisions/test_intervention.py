"""Intervention: the decision rule sets the delay; success brings returns; operations displace."""

from __future__ import annotations

import numpy as np
import pytest

from sim.decisions.deliberation import Deliberation
from tests.conftest import decisions, mechanism

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
