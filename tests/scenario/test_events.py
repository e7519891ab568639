"""Scripted events of every type: accepted in scenario files, applied on their day, logged."""

from __future__ import annotations

import pytest

from sim.scenario.errors import ScenarioError
from tests.conftest import decisions, mechanism


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


def test_forced_return_sends_refugees_home_and_counts_them_as_returns() -> None:
    """Voluntary returns are off, so every returnee comes from the scripted return."""
    model = mechanism("burden-sharing", "world.alliances.0.burden_sharing.daily_capacity=0",
                      "parameters.returns.enabled=false",
                      "events.2={day: 60, type: return, from: FRN, share: 0.5}", days=90)
    flows = model.recorder.flows_table().query("kind == 'return'")
    assert set(flows.day) == {60} and set(flows.from_state) == {"FRN"} and set(flows.to_state) == {"ORI"}
    [row] = rows(model, "return")
    sent = row["detail"]["people"]
    assert sent == flows["count"].sum() > 1000 and row["origin"] == "scenario"
    states = model.recorder.states_table().set_index(["day", "state"])
    assert states.returnees[(59, "ORI")] == 0 < states.returnees[(89, "ORI")] <= sent
    # they arrive at their real home locations, not at one place per state
    homes = set(flows.to_location)
    assert homes <= {"ori_north", "ori_east", "ori_capital", "ori_south"} and len(homes) >= 2
    assert model.total_people() == model.recorder.tables()["stocks"].query("day == 89")["count"].sum()


def test_forced_return_takes_only_the_named_origins() -> None:
    model = mechanism("burden-sharing", "world.alliances.0.burden_sharing.daily_capacity=0",
                      "events.2={day: 60, type: return, from: FRN, origins: [NBR], people: 1000}", days=62)
    [row] = rows(model, "return")
    assert row["detail"]["people"] == 0 and row["target"] == "NBR"  # nobody from NBR is in FRN


def test_parameters_event_changes_a_rule_from_its_day() -> None:
    model = mechanism("burden-sharing", "world.alliances.0.burden_sharing.daily_capacity=0",
                      "parameters.returns.return_rate=0",
                      "events.1={day: 10, type: ceasefire}",
                      "events.2={day: 60, type: parameters, set: {returns.return_rate: 0.2}}", days=80)
    returns = model.recorder.flows_table().query("kind == 'return'")
    assert returns.day.min() == 60 and returns["count"].sum() > 1000
    [row] = rows(model, "parameters")
    assert row["detail"] == {"returns.return_rate": 0.2}


@pytest.mark.parametrize(("event", "message"), [
    ("{day: 1, type: parameters, set: {movement.awarenes: 2}}", "unknown parameter 'movement.awarenes'"),
    ("{day: 1, type: parameters, set: {movement.awareness: 2}}", "'movement.awareness' cannot change"),
    ("{day: 1, type: parameters, set: {returns.return_rat: 0.1}}", "did you mean 'returns.return_rate'"),
    ("{day: 1, type: parameters, set: {returns.return_rate: 2}}", "less than or equal to 1"),
    ("{day: 1, type: parameters, set: {movement.camp_weight: 1000000, movement.foreign_weight: 1000000, "
     "movement.weight_power: 100}}", "route weights could reach"),
    ("{day: 1, type: return, from: FRN}", "exactly one of 'people' or 'share'"),
    ("{day: 1, type: return, from: FRN, share: 0.5, eligible: [resident]}", "not resident"),
    ("{day: 1, type: return, from: FRN, share: 0.5, origins: [ORX]}", "did you mean 'ORI'"),
])
def test_bad_parameters_and_return_events_are_refused(event: str, message: str) -> None:
    with pytest.raises(ScenarioError, match=message) as err:
        mechanism("burden-sharing", f"events.2={event}", days=2)
    assert "events" in str(err.value)


def test_an_airlift_from_a_state_in_conflict_takes_its_own_people() -> None:
    """By default an evacuation takes IDPs too; with resident it also takes residents."""
    base = ("world.alliances.0.burden_sharing.daily_capacity=0",)
    idps = mechanism("burden-sharing", *base,
                     "events.2={day: 40, type: evacuation, from: ORI, to: MEM, people: 300}", days=42)
    [row] = rows(idps, "evacuation")
    assert row["detail"]["people"] == 300
    residents = mechanism("burden-sharing", *base, "events.2={day: 0, type: evacuation, from: ORI, "
                          "to: MEM, people: 300, eligible: [resident]}", days=2)
    [row] = rows(residents, "evacuation")
    assert row["detail"]["people"] == 300  # on day 0 nobody is displaced yet: residents were flown out
    only_refugees = mechanism("burden-sharing", *base, "events.2={day: 40, type: evacuation, from: ORI, "
                              "to: MEM, people: 300, eligible: [refugee]}", days=42)
    assert rows(only_refugees, "evacuation")[0]["detail"]["people"] == 0


def test_the_end_of_a_scripted_border_policy_leaves_an_alliance_closure_alone() -> None:
    """FRN manages entry for 60 days; the alliance closes it meanwhile; day 60 reopens nothing."""
    model = mechanism("border-security",
                      "events.2={day: 0, type: border, state: FRN, policy: managed, capacity: 5000, "
                      "until: 60}",
                      days=70)
    [closed] = decisions(model, "border_policy")
    assert 0 < closed["day"] < 60
    assert model.borders.entry_policy("FRN") == "closed"
    restored = [e for e in model.event_log if e["type"] == "border" and e["detail"].get("restored")]
    assert all(not e["target"].startswith("FRN<-ORI") for e in restored)


def test_a_return_event_can_close_camps_for_the_internally_displaced() -> None:
    model = mechanism("burden-sharing", "world.alliances.0.burden_sharing.daily_capacity=0",
                      "events.2={day: 60, type: return, from: ORI, eligible: [idp], share: 1.0}", days=62)
    [row] = rows(model, "return")
    flows = model.recorder.flows_table().query("kind == 'return' and day == 60")
    assert row["detail"]["people"] == flows["count"].sum() > 10_000
    assert set(flows.from_state) == set(flows.to_state) == {"ORI"}
