"""The browser dashboard's page: a SolaraViz page that runs one scenario per browser session.

Every browser session builds its own model inside ``Page``: a model created at module level
would be shared by everyone who opens the page. After each Reset the sidebar shows the levers of
the scenario now loaded. Start it with ``allysim dashboard [SCENARIO]`` (sim/app/dashboard/serve.py).

SolaraViz steps the model in one thread (the play loop, or the thread handling a Step click)
while the page may be drawn in another, so every component reads the model only while holding
``model.lock``, which each step holds too: a panel never shows a half-simulated day. ``Page``
also hands each model the lock Solara holds while it draws the page, and a step waits until no
drawing is under way: the play loop cannot keep Solara drawing without end (and the clicks on
pause or Step waiting).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import solara
from matplotlib.figure import Figure
from mesa.visualization import SolaraViz
from mesa.visualization.utils import update_counter
from reacton.core import get_render_context

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


def draw_map(model: DashboardModel) -> tuple[int, Figure | None]:
    """The last simulated day and the map of it (``None`` for a model that did not load), read
    under the model's lock."""
    with model.lock:
        if model.error:
            return model.day, None
        return model.day, network_figure(model, model.in_view, model.size_reference)


def draw_charts(model: DashboardModel) -> tuple[int, Figure | None]:
    """The last simulated day and the charts up to it (``None`` for a model that did not load),
    read under the model's lock."""
    with model.lock:
        return model.day, None if model.error else charts_figure(model)


def _figure(fig: Figure, day: int, dependencies: Sequence[Any]) -> None:
    """A matplotlib figure as a PNG; ``data-day`` on its wrapper names the day it shows."""
    with solara.v.Html(tag="div", attributes={"data-day": str(day)}):
        solara.FigureMatplotlib(fig, format="png", dependencies=list(dependencies))


# ---------------------------------------------------------------------------------------------
# Components (each re-renders when SolaraViz signals a new step)


@solara.component
def NetworkView(model: DashboardModel) -> None:
    """The map; the load error instead, when the scenario was rejected."""
    counter = update_counter.get()
    day, fig = solara.use_memo(lambda: draw_map(model), dependencies=[model, counter])
    if fig is None:
        label = ("Scenario refused" if model.refused
                 else f"Scenario {model.scenario_name!r} could not be loaded")
        with solara.Error(label=label):
            solara.Preformatted(model.error or "")
        return
    _figure(fig, day, [model, counter])


@solara.component
def ChartsView(model: DashboardModel) -> None:
    """Time series of refugees by host state, IDPs, returnees and people in transit."""
    counter = update_counter.get()
    day, fig = solara.use_memo(lambda: draw_charts(model), dependencies=[model, counter])
    if fig is None:
        solara.Info("No charts: the scenario was not loaded.")
        return
    _figure(fig, day, [model, counter])


@solara.component
def SummaryView(model: DashboardModel) -> None:
    """Key numbers of the last simulated day, entry policies, the decision layer's state and
    the levers in effect."""
    update_counter.get()
    if model.error is not None:
        solara.Info("No summary: the scenario was not loaded (the error is shown above). Pick a "
                    "scenario or fix the file, then press Reset.")
        return
    with model.lock:
        _summary(model)


def _summary(model: DashboardModel) -> None:
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
    with model.lock:
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
    # Steps wait while Solara draws this session's page (see DashboardModel.drawing_lock).
    model.value.drawing_lock = getattr(get_render_context(), "thread_lock", None)
    SolaraViz(model, components=COMPONENTS, model_params=params,
              name="allysim: displacement dashboard",
              render_interval=default_render_interval(model.value), play_interval=100)
