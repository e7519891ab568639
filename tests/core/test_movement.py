"""The movement rules on 3-4-location worlds where the right answer is known by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.core.cohorts import Status
from tests.conftest import line_world, merge, run_model


def camp_series(model) -> np.ndarray:
    loc = model.recorder.locations_table()
    return loc[loc.location == "camp"].total.to_numpy()


def test_closed_border_keeps_everyone_out() -> None:
    data = line_world(events=[{"day": 0, "type": "border", "state": "XBM", "policy": "closed"}])
    model = run_model(data)
    assert camp_series(model).max() == 0
    assert model.population.occupancy[model.world.index["crossing"], Status.IDP] > 0


def test_border_closing_mid_journey_strands_people_before_it() -> None:
    """With awareness 2 people set off for the camp; a closure on day 1 stops them at the crossing."""
    data = line_world(events=[{"day": 1, "type": "border", "state": "XBM", "policy": "closed"}],
                      parameters={"movement": {"awareness": 2}})
    model = run_model(data)
    flows = model.recorder.flows_table()
    blocked = flows[flows.kind == "blocked"]
    assert blocked["count"].sum() > 0
    assert set(zip(blocked.from_location, blocked.to_location, strict=True)) == {("crossing", "camp")}
    assert camp_series(model).max() == 0


def test_reopened_border_lets_people_through() -> None:
    data = line_world(events=[{"day": 0, "type": "border", "state": "XBM", "policy": "closed",
                               "until": 10}])
    series = camp_series(run_model(data))
    assert series[:10].max() == 0
    assert series[-1] > 0


@pytest.mark.parametrize("capacity", [0, 25, 400])
def test_managed_border_passes_at_most_its_daily_capacity(capacity: int) -> None:
    data = line_world(events=[{"day": 0, "type": "border", "state": "XBM", "policy": "managed",
                               "capacity": capacity}])
    model = run_model(data)
    flows = model.recorder.flows_table()
    entries = flows[(flows.kind == "crossing") & (flows.to_state == "XBM")]
    crossings = entries.groupby("day")["count"].sum()
    assert (crossings.max() if len(crossings) else 0) <= capacity
    if capacity == 25:
        assert (crossings == 25).sum() >= 10  # demand exceeds capacity: the gate is used fully
    series = camp_series(model)
    assert (series <= capacity * np.arange(1, len(series) + 1)).all()
    assert model.total_people() == 10_000


def test_full_camp_stops_attracting() -> None:
    """Two equally near camps; once the small one is full nobody else heads there."""
    data = line_world(
        world={
            "locations": [
                {"id": "home", "state": "XAR", "population": 20_000, "lat": 1, "lon": 1, "conflict": 1.0},
                {"id": "small", "state": "XAR", "kind": "camp", "capacity": 300, "lat": 0, "lon": 0},
                {"id": "big", "state": "XAR", "kind": "camp", "lat": 0, "lon": 2},
            ],
            "routes": [{"from": "home", "to": "small", "km": 30}, {"from": "home", "to": "big", "km": 30}],
        },
        parameters={"movement": {"camp_leave_probability": 0.0}, "displacement": {"flee_rate": 0.01}},
    )
    model = run_model(data)
    loc = model.recorder.locations_table()
    small = loc[loc.location == "small"].set_index("day").total
    full_day = int(small[small >= 300].index.min())
    flows = model.recorder.flows_table()
    late = flows[(flows.to_location == "small") & (flows.day > full_day) & (flows.kind == "flight")]
    assert late["count"].sum() == 0
    assert small.max() <= 300 + 200  # at most one day's departures chose it before it filled
    assert loc[loc.location == "big"].total.iloc[-1] > 2 * small.max()


@pytest.mark.parametrize(("km", "speed"), [(250, 100), (200, 100), (90, 100), (1000, 140)])
def test_journey_of_d_km_at_speed_v_takes_ceil_d_over_v_days(km: float, speed: float) -> None:
    data = line_world(
        days=20,
        world={"locations": [
            {"id": "home", "state": "XAR", "population": 1000, "lat": 1, "lon": 1, "conflict": 1.0},
            {"id": "camp", "state": "XBM", "kind": "camp", "lat": 0, "lon": 1}],
            "routes": [{"from": "home", "to": "camp", "km": km}]},
        parameters={"displacement": {"flee_rate": 1.0},
                    "movement": {"max_move_speed": speed, "start_on_foot": False,
                                 "camp_leave_probability": 0.0}},
    )
    series = camp_series(run_model(data))
    travel_days = math.ceil(km / speed)
    assert (series[: travel_days - 1] == 0).all()  # nobody earlier (a trip under a day: none to check)
    assert series[travel_days - 1] == 1000  # left on day 0, there at the end of day ceil(D/v) - 1


def test_first_leg_is_walked() -> None:
    data = line_world(
        days=10,
        parameters={"displacement": {"flee_rate": 1.0},
                    "movement": {"max_walk_speed": 25, "max_move_speed": 200, "conflict_weight": 0.0,
                                 "camp_leave_probability": 0.0, "town_leave_probability": 1.0}},
    )
    series = camp_series(run_model(data))
    # 100 km walked at 25 km/day: at the crossing after day 3; the 50 km ride takes part of day 4
    assert series[3] == 0 and series[4] == 10_000


def test_people_are_conserved_exactly_every_day(world) -> None:
    data = world(days=60, events=[
        {"day": 3, "type": "border", "state": "XBM", "policy": "managed", "capacity": 40, "until": 20},
        {"day": 25, "type": "ceasefire"}],
        parameters={"returns": {"enabled": True, "safe_days": 5, "return_rate": 0.1}})

    def check(model) -> None:
        assert model.total_people() == 10_000
        assert model.population.cube.sum() == 10_000

    model = run_model(data, check)
    assert model.recorder.totals["returnees"] > 0


def test_returns_wait_for_safe_days() -> None:
    data = line_world(days=40, events=[{"day": 10, "type": "ceasefire"}],
                      parameters={"returns": {"enabled": True, "safe_days": 7, "return_rate": 0.5}})
    flows = run_model(data).recorder.flows_table()
    returns = flows[flows.kind == "return"]
    assert returns.day.min() == 9 + 7  # last day of conflict 9: safe from day 16 on
    assert returns["count"].sum() > 0


def test_aid_lowers_onward_movement() -> None:
    base = line_world(days=40, parameters={"movement": {"camp_leave_probability": 0.2}})
    aided = merge(base, {"events": [{"day": 0, "type": "aid", "locations": ["camp"], "level": 1.0}]})
    onward = [run_model(d).recorder.flows_table().query("kind == 'onward' and from_location == 'camp'")
              ["count"].sum() for d in (base, aided)]
    assert onward[1] < 0.7 * onward[0]


def two_homes(returns: bool) -> dict:
    """line_world with a second place in conflict in XAR, so displaced people have two homes."""
    data = line_world(days=20, parameters={"returns": {"enabled": returns, "safe_days": 100}})
    data["world"]["locations"].append({"id": "village", "state": "XAR", "population": 5_000,
                                       "lat": 1.0, "lon": 0.5, "conflict": 1.0})
    data["world"]["routes"].append({"from": "village", "to": "crossing", "km": 80})
    return data


def displaced_homes(model) -> set[str]:
    people, travellers = model.population.people, model.population.travellers
    homes = [(people.origin, people.status), (travellers.origin, travellers.status)]
    ids = model.world.ids
    return {ids[o] for origin, status in homes
            for o in origin[np.isin(status, (Status.IDP, Status.REFUGEE))].tolist()}


def test_without_returns_displaced_people_are_kept_by_home_state() -> None:
    """Only returns read a displaced person's home location; without them one cohort per home
    state holds everyone from that state, and nothing by state changes."""
    def check(model) -> None:
        assert model.total_people() == 15_000
        people = model.population.people
        fled = 15_000 - people.count[people.status == Status.RESIDENT].sum()
        assert model.population.cube[0, :, Status.IDP:Status.REFUGEE + 1].sum() == fled

    model = run_model(two_homes(returns=False), check)
    assert displaced_homes(model) == {"home"}  # one location stands for XAR
    assert model.recorder.totals["refugees"] > 0
    assert displaced_homes(run_model(two_homes(returns=True))) == {"home", "village"}


def test_people_waiting_at_a_managed_gate_off_the_travel_grid_stay_behind_it() -> None:
    """The gate is reached off the sixteenth-of-a-day grid (108.7 km at 200 km/day): nobody may
    reach the camp without being counted through it."""
    data = line_world(events=[{"day": 0, "type": "border", "state": "XBM", "policy": "managed",
                               "capacity": 20}])
    data["world"]["routes"][0]["km"] = 108.7  # 8.7 ticks: rounding to the grid would pass the gate
    data["parameters"]["movement"] = {"start_on_foot": False, "awareness": 2}  # the gate mid-journey
    model = run_model(data)
    flows = model.recorder.flows_table()
    crossed = flows[(flows.kind == "crossing") & (flows.to_state == "XBM")]["count"].sum()
    states = model.recorder.states_table()
    in_xbm = states[(states.day == model.day) & (states.state == "XBM")].refugees_hosted.iloc[0]
    assert in_xbm <= crossed <= 20 * (model.day + 1)


def test_route_choice_in_small_batches_moves_and_conserves_people(monkeypatch: pytest.MonkeyPatch) -> None:
    """Worlds whose leaving rows, padded to a hub's width, would take gigabytes are drawn in
    batches of similar width; forced here on a small world."""
    import sim.core.movement as movement

    monkeypatch.setattr(movement, "MAX_CHOICE_CELLS", 2)
    totals = []
    model = run_model(line_world(), on_step=lambda m: totals.append(m.total_people()))
    assert totals == [10_000] * len(totals)
    assert camp_series(model)[-1] > 1_000


def star_world(leaves: int) -> dict:
    """A conflict hub with ``leaves`` camps around it, 10 to 10 x leaves km away."""
    data = line_world()
    data["world"]["locations"] = [data["world"]["locations"][0]] + [
        {"id": f"camp{i}", "state": "XBM", "kind": "camp", "lat": 0.0, "lon": 1.0} for i in range(leaves)]
    data["world"]["routes"] = [{"from": "home", "to": f"camp{i}", "km": 10 * (i + 1)} for i in range(leaves)]
    return data


def test_route_choice_one_person_at_a_time_draws_from_the_path_weights() -> None:
    """The per-person draw of a wide place's few movers has the multinomial's distribution:
    each path in proportion to its weight, closed paths never."""
    from scipy import stats

    from sim.model import DisplacementModel
    from tests.conftest import build

    model = DisplacementModel(build(star_world(6)))
    choice = model.movement.choice
    weights = np.zeros(choice.weights.shape)
    weights[:, :6] = [0.0, 1.0, 2.0, 3.0, 0.0, 4.0]  # the hub's paths come first
    choice.reset(weights)
    rows = 20_000
    home = np.zeros(rows, dtype=np.int64)
    row, path, count = choice.draw_each(home, home, np.full(rows, 3), np.random.default_rng(5))
    assert np.array_equal(np.bincount(row, weights=count), np.full(rows, 3.0))
    drawn = np.bincount(path, weights=count, minlength=6)
    assert drawn[0] == drawn[4] == 0
    expected = weights[0, [1, 2, 3, 5]] / 10 * 3 * rows
    assert stats.chisquare(drawn[[1, 2, 3, 5]], expected).pvalue > 1e-3


def test_route_choice_one_person_at_a_time_moves_and_conserves_people(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Forced on every row of a small world: people leave, reach the camps, and are conserved."""
    import sim.core.movement as movement

    monkeypatch.setattr(movement, "PER_PERSON_WIDTH", 0)
    totals = []
    model = run_model(star_world(6), on_step=lambda m: totals.append(m.total_people()))
    assert totals == [10_000] * len(totals)
    states = model.recorder.tables()["states"]
    assert states[states.day == model.day].refugees_hosted.sum() > 1_000
