"""Scripted events of every type: accepted in scenario files, applied on their day, logged."""

from __future__ import annotations

import pytest

from sim.scenario.errors import ScenarioError
from tests.conftest import mechanism


def rows(model, kind: str) -> list[dict]:
    return [e for e in model.event_log if e["type"] == kind]


def test_transfers_move_people_and_are_logged_as_scripted() -> None:
    model = mechanism("burden-sharing", "world.alliances.0.burden_sharing.daily_capacity=0",
                      "events.2={day: 60, type: relocation, from: FRN, to: MEM, people: 1000}",
                      "events.3={day: 61, type: evacuation, from: FRN, to: MEB, people: 500}",
                      "events.4={day: 62, type: resettlement, from: FRN, to: THR, people: 250}", days=70)
    flows = model.recorder.flows_table()
    moved = flows[flows.kind.isin(["relocation", "evacuation", "resettlement"])]
    assert moved.groupby("kind")["count"].sum().to_dict() == {"evacuation": 500, "relocation": 1000,
                                                              "resettlement": 250}
    [reloc] = rows(model, "relocation")
    assert reloc["origin"] == "scenario" and reloc["detail"] == {"people": 1000, "asked": 1000}
    summary = model.recorder.summary_table().set_index("state")
    assert summary.relocated["FRN"] == 1000 and summary.resettled["FRN"] == 750


def test_forced_intervention_phases() -> None:
    model = mechanism("intervention", "world.alliances.0.intervention.trigger_displaced=100000000",
                      "events.2={day: 20, type: intervention_started, alliance: ALL}",
                      "events.3={day: 40, type: intervention_failed, alliance: ALL}", days=60)
    phases = [(e["type"], e["day"], e["origin"]) for e in model.event_log if e["type"].startswith("interv")]
    assert phases == [("intervention_started", 20, "scenario"), ("intervention_ended", 40, "scenario"),
                      ("intervention_failed", 40, "scenario")]


def test_scripted_exchange_and_named_ceasefire() -> None:
    model = mechanism("negotiations", "world.negotiations.0.start_day=150",
                      "events.2={day: 30, type: prisoner_exchange, conflict: oria-war}",
                      "events.3={day: 50, type: ceasefire, conflict: oria-war}", days=80)
    [exchange] = rows(model, "prisoner_exchange")
    assert exchange["day"] == 30 and exchange["origin"] == "scenario"
    [ceasefire] = rows(model, "ceasefire")
    assert ceasefire["day"] == 50 and ceasefire["target"] == "oria-war"
    w = model.world
    assert all(w.intensity[w.index[loc]] == 0 for loc in ("ori_north", "ori_east", "ori_capital"))
    assert rows(model, "negotiation_round") == []  # the track ended with the ceasefire


def test_aliases_of_conflict_and_border() -> None:
    model = mechanism("border-stance", "world.states.1.policy.tolerance=null",
                      "events.2={day: 5, type: conflict_onset, locations: [ori_south], intensity: 0.4}",
                      "events.3={day: 6, type: border_policy, state: FRN, policy: closed}", days=10)
    assert model.world.intensity[model.world.index["ori_south"]] == 0.4
    assert model.borders.entry_policy("FRN") == "closed"


@pytest.mark.parametrize(("event", "message"), [
    ("{day: 1, type: intervention_started, alliance: NATO}", "unknown intervening alliance 'NATO'"),
    ("{day: 1, type: prisoner_exchange, conflict: oria}", "unknown negotiated conflict 'oria'"),
    ("{day: 1, type: relocation, from: FRN, to: MEX, people: 5}", "did you mean 'MEM'?"),
])
def test_scripted_decision_events_are_cross_checked(event: str, message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        mechanism("negotiations", f"events.2={event}", days=2)
