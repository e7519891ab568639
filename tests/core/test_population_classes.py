"""Population classes: people living in a state that is not theirs (foreign workers) flee conflict
like residents, and are back home, not displaced, once they reach their own state."""

from __future__ import annotations

import pytest

from sim.scenario.errors import ScenarioError
from tests.conftest import build, line_world, merge, run_model

WORKERS = {"id": "workers", "home": "xbm_home", "at": {"home": 2_000}}


def with_workers(**overrides: object) -> dict:
    """The line world, with 2,000 XBM workers living at 'home' (XAR, in conflict) and their home
    region beyond the camp."""
    data = line_world(**overrides)
    data["world"]["locations"].append({"id": "xbm_home", "state": "XBM", "lat": -0.5, "lon": 1.0})
    data["world"]["routes"].append({"from": "camp", "to": "xbm_home", "km": 80})
    data["world"]["populations"] = [WORKERS]
    return data


def test_workers_flee_home_and_count_as_returns_not_refugees() -> None:
    model = run_model(with_workers())
    assert model.total_people() == 12_000
    stocks = model.recorder.tables()["stocks"]
    last = stocks[stocks.day == model.day]
    workers = last[last.origin_state == "XBM"]
    at_home = workers[workers.host_state == "XBM"].groupby("status")["count"].sum()
    assert set(at_home.index) == {"returnee"} and at_home["returnee"] > 1_000  # not refugees at home
    abroad = workers[workers.host_state == "XAR"].groupby("status")["count"].sum()
    assert set(abroad.index) <= {"resident", "refugee"}  # still in XAR: not yet left, or on the way
    natives = last[(last.origin_state == "XAR") & (last.host_state == "XBM")]
    assert set(natives.status) == {"refugee"}
    summary = model.recorder.summary_table().set_index("state")
    assert summary.returned["XBM"] == at_home["returnee"]  # counted as returns when they arrive


def test_workers_stranded_abroad_are_refugees_and_go_home_with_returns() -> None:
    """With their border closed, the workers wait in XAR's crossing as refugees."""
    data = with_workers(events=[{"day": 0, "type": "border", "state": "XBM", "policy": "closed"}])
    model = run_model(data)
    stocks = model.recorder.tables()["stocks"]
    last = stocks[(stocks.day == model.day) & (stocks.origin_state == "XBM")]
    assert "refugee" in set(last.status) and "returnee" not in set(last.status)


@pytest.mark.parametrize(("change", "message"), [
    ({"home": "camp"}, "has residents of its own|must be a location with population 0"),
    ({"at": {"camp": 10}}, "is in their home state XBM"),
    ({"home": "nowhere"}, "unknown location 'nowhere'"),
])
def test_bad_population_classes_are_refused(change: dict, message: str) -> None:
    data = with_workers()
    data["world"]["populations"] = [merge(WORKERS, change)]
    if change.get("home") == "camp":
        data["world"]["locations"][2]["population"] = 5
    with pytest.raises(ScenarioError, match=message):
        build(data)
