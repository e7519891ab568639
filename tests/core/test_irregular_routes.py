"""Irregular routes: a crossing with its own daily capacity and a risk of death, beyond entry
policies; the dead are counted so that alive plus dead is conserved every day."""

from __future__ import annotations

import numpy as np
import pytest

from sim.scenario.errors import ScenarioError
from tests.conftest import build, line_world, run_model


def sea_crossing(**route: object) -> dict:
    """The line world with its border hop (crossing -> camp) made an irregular route."""
    data = line_world()
    data["world"]["routes"][1] = {"from": "crossing", "to": "camp", "km": 50, "irregular": True, **route}
    return data


def test_deaths_are_counted_and_alive_plus_dead_is_conserved() -> None:
    totals = []
    model = run_model(sea_crossing(risk=0.1), on_step=lambda m: totals.append(m.total_people()))
    assert totals == [10_000] * len(totals)
    flows = model.recorder.flows_table()
    dead = flows[flows.kind == "death"]
    crossed = flows[flows.kind == "crossing"]["count"].sum()  # the only border is the sea route
    assert set(map(frozenset, zip(dead.from_location, dead.to_location, strict=True))) \
        == {frozenset(("crossing", "camp"))}  # either way
    deaths = dead["count"].sum()
    # each of the deaths + crossed people who set out across it died with probability 0.1
    n = deaths + crossed
    assert abs(deaths - 0.1 * n) < 4 * np.sqrt(n * 0.1 * 0.9) and deaths > 0
    states = model.recorder.states_table().set_index(["day", "state"])
    assert states.deaths_cum[(model.day, "XAR")] == deaths == model.deaths
    assert model.recorder.summary_table().set_index("state").deaths["XAR"] == deaths
    assert model.population.total() == 10_000 - deaths


def test_the_route_takes_at_most_its_daily_capacity() -> None:
    model = run_model(sea_crossing(capacity=40))
    flows = model.recorder.flows_table()
    per_day = flows[(flows.kind == "crossing") & (flows.to_state == "XBM")].groupby("day")["count"].sum()
    assert per_day.max() == 40 and (per_day == 40).sum() >= 5
    assert model.total_people() == 10_000


def test_a_closed_border_does_not_close_an_irregular_route() -> None:
    closed = [{"day": 0, "type": "border", "state": "XBM", "policy": "closed"}]
    regular = line_world(events=closed)
    smuggled = sea_crossing()
    smuggled["events"] = closed
    def camp(data: dict) -> int:
        return int(run_model(data).population.occupancy[2].sum())
    assert camp(regular) == 0 and camp(smuggled) > 1000


@pytest.mark.parametrize("route", [{"capacity": 10}, {"risk": 0.1}])
def test_capacity_and_risk_need_an_irregular_route(route: dict) -> None:
    data = line_world()
    data["world"]["routes"][1].update(route)
    with pytest.raises(ScenarioError, match="go with 'irregular: true'"):
        build(data)


def test_search_and_rescue_and_a_crackdown_change_the_route() -> None:
    """From day 10 nobody dies on the crossing and at most 5 a day get across."""
    data = sea_crossing(risk=0.2)
    data["events"] = [{"day": 10, "type": "route", "from": "crossing", "to": "camp", "action": "set",
                       "risk": 0.0, "capacity": 5}]
    flows = run_model(data).recorder.flows_table()
    assert flows[flows.kind == "death"].day.max() < 10
    later = flows[(flows.kind == "crossing") & (flows.day >= 10)].groupby("day")["count"].sum()
    assert later.max() <= 5


@pytest.mark.parametrize(("event", "message"), [
    ({"action": "set"}, "action 'set' needs one"),
    ({"action": "close", "risk": 0.1}, "'capacity' or 'risk' go with action 'set'"),
])
def test_route_terms_go_with_set(event: dict, message: str) -> None:
    data = sea_crossing()
    data["events"] = [{"day": 1, "type": "route", "from": "crossing", "to": "camp", **event}]
    with pytest.raises(ScenarioError, match=message):
        build(data)


def test_only_an_irregular_route_has_terms_to_set() -> None:
    data = line_world(events=[{"day": 1, "type": "route", "from": "home", "to": "crossing",
                               "action": "set", "risk": 0.1}])
    with pytest.raises(ScenarioError, match="is not irregular"):
        build(data)
