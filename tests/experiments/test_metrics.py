"""The metric catalogue: values read correctly off a run, names and arguments checked."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import sim
from sim.experiments.metrics import CATALOGUE, MetricError, Outcome, parse_metric

ROOT = Path(__file__).resolve().parents[2]
TOY = ROOT / "scenarios" / "toy.yaml"


@pytest.fixture(scope="module")
def toy() -> tuple[sim.DisplacementModel, Outcome]:
    model = sim.DisplacementModel(sim.load_scenario(TOY))
    while model.running:
        model.step()
    spec = model.spec
    return model, Outcome(model.recorder.tables(), spec.start_date, spec.days)


def value(name: str, model: sim.DisplacementModel, outcome: Outcome) -> float:
    return parse_metric(name, model.spec).value(outcome)


def test_values_match_the_tables(toy) -> None:
    model, outcome = toy
    states = outcome.tables["states"]
    xbm = states[states["state"] == "XBM"]
    assert value("peak_refugees_hosted[XBM]", model, outcome) == xbm["refugees_hosted"].max()
    assert value("peak_day[XBM]", model, outcome) == xbm.loc[xbm["refugees_hosted"].idxmax(), "day"]
    assert value("refugee_days[XBM]", model, outcome) == xbm["refugees_hosted"].sum()
    assert value("total_fled", model, outcome) == outcome.tables["summary"]["total_fled"].sum()
    last = states[states["day"] == states["day"].max()]
    assert value("idps_at_end", model, outcome) == last["idps"].sum()
    assert value("idps_on[2024-03-11]", model, outcome) == states.loc[states["day"] == 10, "idps"].sum()
    share = value("refugee_share[XBM]", model, outcome)
    assert share == pytest.approx(last.set_index("state").at["XBM", "refugees_hosted"]
                                  / last["refugees_hosted"].sum())
    events = outcome.tables["events"]
    assert value("ceasefire_day", model, outcome) == events.loc[events["type"] == "ceasefire", "day"].min()
    calm = Outcome({**outcome.tables, "events": events[events["type"] != "ceasefire"]}, outcome.start_date,
                   outcome.days)
    assert value("ceasefire_day", model, calm) == model.spec.days  # never: the run's length
    assert value("displaced_days", model, outcome) > 0


def test_economic_moves_count_free_movement_into_a_state() -> None:
    spec = sim.load_scenario(ROOT / "scenarios" / "mechanisms" / "free-movement.yaml", ["days=40"])
    model = sim.DisplacementModel(spec)
    while model.running:
        model.step()
    outcome = Outcome(model.recorder.tables(), spec.start_date, spec.days)
    flows = outcome.tables["flows"]
    economic = flows[(flows["kind"] == "economic") & (flows["to_state"] == "MEM")]["count"].sum()
    assert value("economic_moves_into[MEM]", model, outcome) == economic > 0
    assert value("economic_moves_into[ORI]", model, outcome) == 0


def test_conflict_metrics_count_spread_and_failed_operations() -> None:
    spec = sim.load_scenario(ROOT / "scenarios" / "mechanisms" / "conflict-dynamics.yaml",
                             ["world.alliances.0.intervention.duration_days=5"])
    model = sim.DisplacementModel(spec)
    while model.running:
        model.step()
    outcome = Outcome(model.recorder.tables(), spec.start_date, spec.days)
    events = outcome.tables["events"]
    spread = int((events["type"] == "conflict_spread").sum())
    failed = int((events["type"] == "intervention_failed").sum())
    assert value("conflict_spread", model, outcome) == spread > 0
    assert value("intervention_failed[ALL]", model, outcome) == failed == 1  # too short to prevail
    assert value("intervention_failed[ALL]", model, Outcome(
        {**outcome.tables, "events": events[events["type"] != "intervention_failed"]},
        outcome.start_date, outcome.days)) == 0


@pytest.mark.parametrize(("text", "message"), [
    ("peak_refugee_hosted[XBM]", "did you mean 'peak_refugees_hosted'"),
    ("peak_refugees_hosted[XBN]", "unknown state 'XBN' (did you mean 'XBM'?)"),
    ("peak_refugees_hosted", "write it as peak_refugees_hosted[STATE]"),
    ("total_fled[XBM]", "write it as total_fled"),
    ("idps_on[2030-01-01]", "outside the run"),
    ("idps_on[March]", "not a date"),
    ("decision_day[NATO]", "the scenario has no alliance"),
    ("peak[", "expected NAME or NAME[ARG]"),
])
def test_bad_metrics_are_clear_errors(text: str, message: str) -> None:
    with pytest.raises(MetricError, match=message.replace("[", r"\[").replace("(", r"\(").replace(")", r"\)")
                       .replace("?", r"\?")):
        parse_metric(text, sim.load_scenario(TOY))


def test_every_metric_is_documented() -> None:
    doc = (ROOT / "docs" / "outputs.md").read_text(encoding="utf-8")
    missing = [name for name in CATALOGUE if f"`{name}" not in doc]
    assert missing == []


def test_policy_metrics_read_the_states_decisions() -> None:
    spec = sim.load_scenario(ROOT / "scenarios" / "mechanisms" / "policy-response.yaml",
                              ["days=80", "world.alliances.0.burden_sharing.daily_capacity=0"])
    model = sim.DisplacementModel(spec)
    while model.running:
        model.step()
    outcome = Outcome(model.recorder.tables(), spec.start_date, spec.days)
    withheld = [e["detail"]["people"] for e in model.event_log if e["type"] == "pledge_shortfall"]
    assert value("unfulfilled_pledges[NBR]", model, outcome) == sum(withheld) > 0
    assert sum(withheld) == model.states[2].decisions.withheld[0]
    assert value("unfulfilled_pledges[FRN]", model, outcome) == 0
    daily = np.ones(spec.days)  # the recognition factor each day, from the logged adjustments
    for e in model.event_log:
        if e["type"] == "policy_adjustment" and e["actor"] == "FRN":
            daily[e["day"]:] = e["detail"]["recognition"]
    assert value("recognition_factor_mean[FRN]", model, outcome) == pytest.approx(daily.mean())
    assert daily.min() < 1.0
    assert value("recognition_factor_mean[MEM]", model, outcome) == 1.0  # its recognition never cut
