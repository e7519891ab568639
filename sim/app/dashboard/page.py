"""The browser dashboard's page: a SolaraViz page that runs one scenario per browser session.

Every browser session builds its own model inside ``Page``: a model created at module level
would be shared by everyone who opens the page. After each Reset the sidebar shows the levers of
the scenario now loaded. Start it with ``allysim dashboard [SCENARIO]`` (sim/app/dashboard/serve.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import solara
from mesa.visualization import SolaraViz
from mesa.visualization.utils import update_counter

from sim.app.dashboard.figures import charts_figure, network_figure
from sim.app.dashboard.levers import LEVERS
from sim.app.dashboard.picker import initial_scenario, scenario_choices
from sim.app.dashboard.session import DashboardModel, default_render_interval, model_params
from sim.app.dashboard.words import day_label, decision_rows, latest_events


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]], nowrap: Sequence[int] = (),
           row_classes: Sequence[str] = ()) -> None:
    """A plain HTML table (widgets only: solara.Markdown would fetch KaTeX from a CDN).

    A cell is a value, or a pair (value, note) shown as the value over a small grey note.
    """
    with solara.v.SimpleTable(dense=True):
        with solara.v.Html(tag="thead"), solara.v.Html(tag="tr"):
            for header in headers:
                solara.v.Html(tag="th", children=[header])
        with solara.v.Html(tag="tbody"):
            for i, row in enumerate(rows):
                with solara.v.Html(tag="tr", class_=row_classes[i] if i < len(row_classes) else ""):
                    for k, cell in enumerate(row):
                        value, note = cell if isinstance(cell, tuple) else (cell, "")
                        children: list[Any] = [str(value)]
                        if note:
                            children.append(solara.v.Html(tag="div", children=[note],
                                                          class_="caption grey--text text--darken-1"))
                        solara.v.Html(tag="td", children=children,
                                      style_="white-space: nowrap" if k in nowrap else "")


def _line(label: str, text: str) -> None:
    """One 'Label: text' paragraph."""
    solara.v.Html(tag="p", children=[solara.v.Html(tag="b", children=[f"{label}:"]), f" {text}"],
                  class_="my-1")


# ---------------------------------------------------------------------------------------------
# Components (each re-renders when SolaraViz signals a new step)


@solara.component
def NetworkView(model: DashboardModel) -> None:
    """The map; the load error instead, when the scenario was rejected."""
    counter = update_counter.get()
    fig = solara.use_memo(lambda: None if model.error else network_figure(model, model.in_view,
                                                                          model.size_reference),
                          dependencies=[model, counter])
    if fig is None:
        with solara.Error(label=f"Scenario {model.scenario_name!r} could not be loaded"):
            solara.Preformatted(model.error or "")
        return
    solara.FigureMatplotlib(fig, format="png", dependencies=[model, counter])


@solara.component
def ChartsView(model: DashboardModel) -> None:
    """Time series of refugees by host state, IDPs, returnees and people in transit."""
    counter = update_counter.get()
    fig = solara.use_memo(lambda: None if model.error else charts_figure(model),
                          dependencies=[model, counter])
    if fig is None:
        solara.Info("No charts: the scenario was not loaded.")
        return
    solara.FigureMatplotlib(fig, format="png", dependencies=[model, counter])


@solara.component
def SummaryView(model: DashboardModel) -> None:
    """Key numbers of the last simulated day, entry policies, the decision layer's state and
    the levers in effect."""
    update_counter.get()
    if model.error is not None:
        solara.Info("No summary: the scenario was not loaded (the error is shown above). Pick a "
                    "scenario or fix the file, then press Reset.")
        return
    t = model.recorder.totals
    w = model.world
    n = len(model.alliances)
    alliances = f"{n} alliance{'s' if n > 1 else ''}, " if n else ""
    _line("Scenario", f"{model.spec.name} ({w.n} locations, {len(w.state_ids)} states, {alliances}"
          f"{model.spec.days} days, seed {model.seed})")
    _line("Now", day_label(model))
    columns = {"Refugees": t["refugees"], "IDPs": t["idps"], "Returnees": t["returnees"],
               "In transit": t["in_transit"]}
    if relocated := int(model.recorder.relocated_in.sum()):
        columns["Relocated (cum.)"] = relocated
    _table(list(columns), [[f"{n:,}" for n in columns.values()]])
    _line("Entry policies", " · ".join(f"{s.code} {s.decisions.entry_policy()}" for s in model.states))
    if rows := decision_rows(model):
        _line("Decisions", "alliances, states and negotiation tracks today")
        _table(["Who", "What", "Status"], rows)
    _line("Levers in effect", " · ".join(
        f"{lever.name} {lever.current(model.spec)}" + (" (set)" if lever.name in model.overridden else "")
        for lever in model.levers))
    if idle := [lever.name for lever in LEVERS if lever not in model.levers]:
        _line("Levers not applicable", ", ".join(idle) + " (this scenario has nothing they change)")


@solara.component
def EventLogView(model: DashboardModel) -> None:
    """The latest events, newest first; decisions taken by agents are shaded."""
    update_counter.get()
    if model.error is not None:
        return
    events = latest_events(model)
    if not events:
        _line("Latest events", "none yet")
        return
    _line("Latest events", f"the last {len(events)}, newest first; shaded: decided by a state, an "
          "alliance or a negotiation track (origin agent), white: scripted (origin scenario)")
    rows, classes = [], []
    for e in events:
        days = f"{e['first_day']}–{e['day']}" if e["count"] > 1 else e["day"]
        kind = f"{e['type']} ×{e['count']}" if e["count"] > 1 else e["type"]
        rows.append([days, e.get("origin", ""), (kind, e["detail_text"]), e.get("actor", ""),
                     str(e.get("target", "")).replace("<-", "←").replace(",", ", ")])
        classes.append("agent-decision blue lighten-5" if e.get("origin") == "agent" else "scripted-event")
    _table(["Day", "Origin", "Event (details)", "Actor", "Target"], rows, nowrap=(0,),
           row_classes=classes)


COMPONENTS = [NetworkView, ChartsView, SummaryView, EventLogView]


@solara.component
def Page() -> None:
    """One dashboard per browser session: the model is built here, never at module level.

    The model is a reactive value that SolaraViz's Reset replaces; the page then re-renders,
    and the sidebar shows the levers that apply to the new scenario, at the values in effect.
    """
    first = solara.use_memo(lambda: DashboardModel(initial_scenario()), dependencies=[])
    model = solara.use_reactive(first)
    choices = solara.use_memo(scenario_choices, dependencies=[])
    baseline = solara.use_memo(lambda: model_params(first, choices)["baseline"], dependencies=[])
    params = solara.use_memo(lambda: model_params(model.value, choices, baseline),
                             dependencies=[model.value])
    SolaraViz(model, components=COMPONENTS, model_params=params,
              name="allysim: displacement dashboard",
              render_interval=default_render_interval(model.value), play_interval=100)
