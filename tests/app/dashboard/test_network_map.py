"""The map: what each day's datasets hold, and the chart they are drawn with."""

from __future__ import annotations

import numpy as np
import pytest

from sim.app.dashboard.network_map import (
    FAR_COLOUR,
    POLICY_COLOURS,
    MapView,
    map_spec,
    place_labels,
    restricted_crossings,
    road_load,
    today_flows,
)
from sim.app.dashboard.session import DashboardModel
from sim.core.cohorts import Status
from sim.core.flows import FlowKind


def test_borders_set_by_states_and_alliances_show_on_the_map() -> None:
    stance = DashboardModel("mechanisms/border-stance")
    stance.run_for(40)  # Frontland manages its border from day 35
    ids = stance.world.ids
    managed = {frozenset((ids[u], ids[v])) for u, v in restricted_crossings(stance)["managed"]}
    assert frozenset(("ori_crossing", "frn_camp")) in managed
    marks = {m["road"]: m for m in MapView(stance).data()["borders"]}
    assert marks["Southern crossing – Frontline camp"]["entry"] == "into FRN: managed (by FRN)"
    assert marks["Southern crossing – Frontline camp"]["colour"] == POLICY_COLOURS["managed"]

    security = DashboardModel("mechanisms/border-security")
    security.run_for(30)  # members close their borders to non-members
    closed = MapView(security).data()["borders"]
    assert closed and all(m["colour"] == POLICY_COLOURS["closed"] and "closed (by ALL)" in m["entry"]
                          for m in closed)


@pytest.mark.parametrize(("scenario", "days"),
                         [("toy", 6), ("history/kosovo-1999", 10), ("mechanisms/border-stance", 45)])
def test_every_traveller_is_on_one_road(scenario: str, days: int) -> None:
    """People on the roads are the travellers: each between two stops of the journey, or
    queueing at a managed border for the road across it."""
    model = DashboardModel(scenario)
    model.run_for(days)
    load = road_load(model)
    assert model.population.travellers.total() > 0
    assert load.sum() == pytest.approx(model.population.travellers.total())
    rows = MapView(model).data()["roads"]
    assert [r["on_road"] for r in rows] == np.rint(load).astype(int).tolist()


def test_a_place_shows_its_people_by_status_and_its_conflict() -> None:
    model = DashboardModel("history/kosovo-1999")
    model.run_for(15)
    places = {p["name"]: p for p in MapView(model).data()["places"]}
    i = model.world.names.index("Kukes camps")
    occupancy = model.population.occupancy[i]
    kukes = places["Kukes camps"]
    assert (kukes["present"], kukes["refugees"], kukes["residents"]) == (
        occupancy.sum(), occupancy[Status.REFUGEE], occupancy[Status.RESIDENT])
    assert kukes["state"] == "ALB Albania" and kukes["kind"] == "camp (open)"
    assert len(places) == model.world.n
    pristina = places["Prishtina/Pristina"]
    assert pristina["conflict"] > 0 and pristina["ring"] != kukes["ring"]


def test_far_away_states_share_one_legend_entry() -> None:
    model = DashboardModel("history/kosovo-1999")
    view = MapView(model)
    legend = view.legend()
    assert "XKX Kosovo: entry" in legend and "ALB Albania: entry open" in legend
    assert "21 far-away states (DEU, USA, TUR, FRA, NOR, ITA, …), all open" in legend
    assert "DEU Germany" not in legend
    germany = [s.code for s in model.states].index("DEU")
    assert view.frame.colours[germany] == FAR_COLOUR
    assert not view.frame.in_view[model.world.names.index("Berlin")]


def test_people_sent_far_away_are_counted_where_they_left() -> None:
    model = DashboardModel("history/kosovo-1999")
    model.run_for(25)
    _, to, kind, count = today_flows(model)
    view = MapView(model)
    flown = (kind == FlowKind.EVACUATION) & ~view.frame.in_view[to]
    assert flown.any()
    (note,) = view.data()["flown_away"]  # one state (MKD) evacuates
    assert note["people"] == count[flown].sum()
    assert note["text"] == f"{count[flown].sum():,} sent away" and note["to"].startswith("DEU ")


def test_labels_do_not_overlap_and_the_biggest_come_first() -> None:
    names = ["Alpha", "Beta", "Gamma", "Delta"]
    px, py = np.array([100.0, 104.0, 300.0, 590.0]), np.array([100.0, 102.0, 200.0, 50.0])
    chosen = place_labels(names, px, py, np.array([10.0, 50.0, 5.0, 1.0]), width=600, height=400)
    assert chosen == [1, 2]  # Alpha's label would cover Beta's; Delta's would leave the map


def test_the_charts_are_valid_vega_lite() -> None:
    for name in ("toy", "history/kosovo-1999"):
        spec = map_spec(MapView(DashboardModel(name)).frame, validate=True)
        assert "$schema" not in spec
        names = {layer["data"]["name"] for layer in spec["layer"]}
        assert names == {"roads", "airlifts", "places", "borders", "labels", "flown_away"}
