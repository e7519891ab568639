"""The map and the charts."""

from __future__ import annotations

from sim.app.dashboard.figures import charts_figure, network_figure, restricted_crossings
from sim.app.dashboard.session import DashboardModel


def test_borders_set_by_states_and_alliances_show_on_the_map() -> None:
    stance = DashboardModel("mechanisms/border-stance")
    stance.run_for(40)  # Frontland manages its border from day 35
    ids = stance.world.ids
    managed = {frozenset((ids[u], ids[v])) for u, v in restricted_crossings(stance)["managed"]}
    assert frozenset(("ori_crossing", "frn_camp")) in managed
    assert stance.borders.restricted_by("FRN") == ["FRN"]

    security = DashboardModel("mechanisms/border-security")
    security.run_for(30)  # members close their borders to non-members
    assert restricted_crossings(security)["closed"]
    assert security.borders.restricted_by("FRN") == ["ALL"]
    network_figure(security, security.in_view, security.size_reference)


def test_figures_draw_before_and_after_steps() -> None:
    model = DashboardModel("toy")
    network_figure(model, model.in_view, model.size_reference), charts_figure(model)
    model.run_for(25)
    assert len(network_figure(model, model.in_view, model.size_reference).axes) == 1
    assert len(charts_figure(model).axes) == 2
