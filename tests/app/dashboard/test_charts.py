"""The time series: extended day by day, equal to the run's tables."""

from __future__ import annotations

from sim.app.dashboard.charts import STATES_SHOWN, ChartsView, hosted_spec, totals_spec
from sim.app.dashboard.network_map import map_frame
from sim.app.dashboard.session import DashboardModel


def test_series_grow_day_by_day_and_match_the_tables() -> None:
    model = DashboardModel("mechanisms/burden-sharing")
    charts = ChartsView(model, map_frame(model).colours)
    assert charts.data() == {"hosted": [], "totals": []}  # nothing simulated yet
    for days in (1, 12, 30):  # read between steps, as the page does
        model.run_for(days)
        data = charts.data()
    assert charts.days == model.day + 1 == 43
    states = model.recorder.states_table()
    hosted = states.pivot(index="day", columns="state", values="refugees_hosted")
    relocated = states.pivot(index="day", columns="state", values="relocated_in_cum")
    shown = sorted(hosted.columns, key=lambda s: -hosted[s].max())[:STATES_SHOWN]
    by_line: dict[tuple[str, str], list[int]] = {}
    for row in data["hosted"]:
        by_line.setdefault((row["state"], row["series"]), []).append(row["people"])
    lines = {s for s, series in by_line if series == "refugees hosted"}
    assert lines == {s for s in shown if hosted[s].max() > 0}
    for (state, series), values in by_line.items():
        table = hosted if series == "refugees hosted" else relocated
        assert values == table[state].tolist()
    assert any(series != "refugees hosted" for _, series in by_line)  # burden sharing relocates
    totals = model.datacollector.get_model_vars_dataframe().iloc[1:]
    for name in ("Refugees", "IDPs", "Returnees", "In transit"):
        assert [r["people"] for r in data["totals"] if r["series"] == name] == totals[name].tolist()
    assert "relocated in (cum.)" in charts.legend()


def test_the_charts_are_valid_vega_lite() -> None:
    for spec in (hosted_spec(validate=True), totals_spec(validate=True)):
        assert spec["width"] == "container"
