"""The browser dashboard's page: one scenario run per browser session, and a compare mode.

Every browser session builds its own model inside ``Page``: a model created at module level
would be shared by everyone who opens the page. The single-run mode is Mesa's SolaraViz
controller (Reset, ▶/❚❚, Step) with the scenario's levers in the sidebar and four panels: the
map, the charts, the summary and the latest events. Start it with ``allysim dashboard [SCENARIO]``
(sim/app/dashboard/serve.py).

Mesa steps the model in one thread (the play loop, or the thread handling a Step click) while
the page may be drawn in another, so the panels read the model only while holding
``model.lock``, which each step holds too: a panel never shows a half-simulated day. ``Page``
also hands each model the lock Solara holds while it draws the page, and a step waits until no
drawing is under way: the play loop cannot keep Solara drawing without end (and the clicks on
pause or Step waiting).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import solara
from mesa.visualization.solara_viz import ModelController
from mesa.visualization.utils import update_counter
from reacton.core import get_render_context

from sim.app.dashboard import markup
from sim.app.dashboard.charts import ChartsView
from sim.app.dashboard.compare import CompareRequest
from sim.app.dashboard.compare_page import CompareMode, use_compare_job
from sim.app.dashboard.inputs import ParameterInputs, parameter_values
from sim.app.dashboard.levers import LEVERS
from sim.app.dashboard.live_vega import Drawing, LiveChart
from sim.app.dashboard.network_map import MapView
from sim.app.dashboard.picker import initial_scenario, scenario_choices
from sim.app.dashboard.session import DashboardModel, default_render_interval, model_params
from sim.app.dashboard.words import day_label, decision_rows, event_table, latest_events
from sim.core.cohorts import Status
from sim.experiments.comparisons import BASELINE

TITLE = "allysim: displacement dashboard"
SINGLE_RUN = 0  # the first tab; the second is the compare mode
PLAY_INTERVAL = 10  # ms between two steps while playing (the slider's default)
STYLE = """
div:has(> .solara-autorouter-content) { scrollbar-gutter: stable; }  /* a scrollbar never narrows the page */
.allysim-legend { font-size: 12px; line-height: 1.7; }
.allysim-legend-item { display: inline-block; margin-right: 12px; white-space: nowrap; }
.allysim-panel-title { font-size: 15px; font-weight: 500; margin-bottom: 4px; }
.allysim-run-title { font-size: 20px; font-weight: 500; margin: 4px 0 8px; align-items: baseline; }
.allysim-time { font-size: 14px; font-weight: 400; color: #666666; }
.allysim-events td, .allysim-events th { padding: 0 8px !important; overflow-wrap: break-word; }
.v-data-table__wrapper { overflow-x: auto; }
.allysim-row { flex-wrap: wrap; align-items: flex-start; }
.allysim-map-panel { flex: 0 0 auto; width: min-content; max-width: 100%; overflow-x: auto; }
.allysim-charts-panel { flex: 1 1 320px; min-width: 300px; }
"""


@dataclass(frozen=True, eq=False)
class Panels:
    """Everything the four panels show, read from the model in one go under its lock."""

    day: int
    map: Drawing
    map_legend: str
    hosted: Drawing
    hosted_legend: str
    totals: Drawing
    summary: str
    events: str


class RunViews:
    """The map and the charts of one run: built once per model, extended each day."""

    def __init__(self, model: DashboardModel):
        self.map = MapView(model)
        self.charts = ChartsView(model, self.map.frame.colours)

    def read(self, model: DashboardModel) -> Panels:
        """The panels for the last simulated day, read under the model's lock."""
        with model.lock:
            series, charts = self.charts.data(), self.charts
            return Panels(model.day, Drawing(self.map.spec, self.map.data()), self.map.legend(),
                          Drawing(charts.hosted_spec, {"hosted": series["hosted"]}), charts.legend(),
                          Drawing(charts.totals_spec, {"totals": series["totals"]}),
                          summary_html(model), events_html(model))


def summary_html(model: DashboardModel) -> str:
    """The scenario, the day, the totals, entry policies, the decision layer and the levers."""
    t = model.recorder.totals
    w = model.world
    n = len(model.alliances)
    alliances = f"{n} alliance{'s' if n > 1 else ''}, " if n else ""
    parts = [markup.line("Scenario", f"{model.spec.name} ({w.n} locations, {len(w.state_ids)} states, "
                         f"{alliances}{model.spec.days} days, seed {model.seed})"),
             markup.line("Now", day_label(model))]
    columns = {"Refugees": t["refugees"], "IDPs": t["idps"], "Returnees": t["returnees"],
               "In transit": t["in_transit"]}
    if relocated := int(model.recorder.relocated_in.sum()):
        columns["Relocated (cum.)"] = relocated
    if integrated := int(model.population.occupancy[:, Status.INTEGRATED].sum()):
        columns["Integrated"] = integrated
    if deaths := model.deaths:
        columns["Died on the way (cum.)"] = deaths
    parts.append(markup.table(list(columns), [[f"{n:,}" for n in columns.values()]],
                              numeric=range(len(columns))))
    parts.append(markup.line("Entry policies", entry_policies(model)))
    if rows := decision_rows(model):
        parts.append(markup.line("Decisions",
                                 "alliances, states, negotiation tracks and conflict parties today"))
        parts.append(markup.table(["Who", "What", "Status"], rows))
    parts.append(markup.line("Levers in effect", " · ".join(
        f"{lever.name} {lever.current(model.spec)}" + (" (set)" if lever.name in model.overridden else "")
        for lever in model.levers)))
    if idle := [lever.name for lever in LEVERS if lever not in model.levers]:
        parts.append(markup.line("Levers not applicable",
                                 ", ".join(idle) + " (this scenario has nothing they change)"))
    return "".join(parts)


def entry_policies(model: DashboardModel) -> str:
    """Each state's entry policy today, states with the same policy together, restricted first:
    'XKX closed (by XKX) · MKD managed (scripted) · open: ALB, MNE, DEU'."""
    restricted = [f"{s.code} {s.decisions.entry_policy()}" for s in model.states
                  if model.borders.entry_policy(s.code) != "open"]
    open_states = [s.code for s in model.states if model.borders.entry_policy(s.code) == "open"]
    return " · ".join([*restricted, *(["open: " + ", ".join(open_states)] if open_states else [])])


def events_html(model: DashboardModel) -> str:
    """The latest events, newest first; decisions taken by agents are shaded."""
    events = latest_events(model)
    if not events:
        return markup.line("Latest events", "none yet")
    return markup.line("Latest events", f"the last {len(events)}, newest first; shaded: decided by a state, "
                       "an alliance or a negotiation track (origin agent), white: scripted (origin "
                       "scenario)") + event_table(events)


# ---------------------------------------------------------------------------------------------
# Components


def _panel(title: str) -> None:
    solara.v.Html(tag="div", children=[title], class_="allysim-panel-title")


@solara.component
def RunView(model: DashboardModel) -> None:
    """The main area of the single-run mode; it re-renders when Mesa signals a new step."""
    counter = update_counter.get()
    views = solara.use_memo(lambda: None if model.error else RunViews(model), dependencies=[model])
    panels = solara.use_memo(lambda: views and views.read(model), dependencies=[model, counter])
    loaded = views is not None and panels is not None
    with solara.Row(classes=["allysim-run-title"]):
        if loaded:
            solara.v.Html(tag="span", children=[f"{model.spec.name}: {day_label(model)}"])
        # Mesa's clock (days simulated); here rather than in the sidebar: a second component
        # re-rendered each day, or a sidebar part of this one, would cost a second render pass
        solara.v.Html(tag="span", children=[f"Time: {model.time}"], class_="allysim-time")
    if not loaded:
        label = ("Scenario refused" if model.refused
                 else f"Scenario {model.scenario_name!r} could not be loaded")
        with solara.Error(label=label):
            solara.Preformatted(model.error or "")
        solara.Info("No map, charts or summary: the scenario was not loaded. Pick a scenario or fix "
                    "the file, then press Reset.")
        return
    day = {"data-day": str(panels.day)}
    with solara.Row(classes=["allysim-row"]):
        with solara.Card(margin=0, classes=["allysim-map-panel"]):
            _panel("Map")
            with solara.v.Html(tag="div", attributes=day, class_="allysim-map"):
                LiveChart(panels.map)
            solara.HTML(tag="div", unsafe_innerHTML=panels.map_legend)
        with solara.Card(margin=0, classes=["allysim-charts-panel"]):
            _panel("Charts")
            with solara.v.Html(tag="div", attributes=day, class_="allysim-charts"):
                LiveChart(panels.hosted)
                solara.HTML(tag="div", unsafe_innerHTML=panels.hosted_legend)
                LiveChart(panels.totals)
    with solara.Columns([6, 6]):
        with solara.Card(margin=0):
            _panel("Summary")
            solara.HTML(tag="div", unsafe_innerHTML=panels.summary)
        with solara.Card(margin=0):
            _panel("Latest events")
            solara.HTML(tag="div", unsafe_innerHTML=panels.events)


@solara.component
def SingleRun(model: solara.Reactive[DashboardModel], params: dict[str, Any]) -> None:
    """Mesa's controller and the scenario's inputs in the sidebar; the run's panels beside it."""
    play_interval = solara.use_reactive(PLAY_INTERVAL)
    render_interval = solara.use_reactive(default_render_interval(model.value))
    use_threads = solara.use_reactive(False)
    values = solara.use_reactive(parameter_values(params))
    solara.use_effect(lambda: values.set(parameter_values(params)), [params])  # after Reset: in effect
    with solara.Sidebar(), solara.Column():
        with solara.Card("Controls"):
            solara.SliderInt(f"Play Interval (ms): {play_interval.value}", value=play_interval, min=0,
                             max=500, step=10)
            solara.SliderInt(f"Render Interval (steps): {render_interval.value}", value=render_interval,
                             min=1, max=100, step=2)
            solara.Checkbox(label="Use Threads", value=use_threads)
            ModelController(model, model_parameters=values, play_interval=play_interval,
                            render_interval=render_interval, use_threads=use_threads)
        with solara.Card("Model Parameters"):
            ParameterInputs(params, values.value, values.set)
    RunView(model.value)


@solara.component
def Page() -> None:
    """One dashboard per browser session: the model is built here, never at module level.

    The model is a reactive value that Reset replaces; the page then re-renders, and the
    sidebar shows the levers that apply to the new scenario, at the values in effect.
    """
    first = solara.use_memo(lambda: DashboardModel(initial_scenario()), dependencies=[])
    model = solara.use_reactive(first)
    choices = solara.use_memo(scenario_choices, dependencies=[])
    baseline = solara.use_memo(lambda: model_params(first, choices)["baseline"], dependencies=[])
    params = solara.use_memo(lambda: model_params(model.value, choices, baseline),
                             dependencies=[model.value])
    # Steps wait while Solara draws this session's page (see DashboardModel.drawing_lock).
    model.value.drawing_lock = getattr(get_render_context(), "thread_lock", None)
    mode = solara.use_reactive(SINGLE_RUN)
    offered = params["scenario_name"]["values"]  # the picker's list (and the scenario started with)
    job = use_compare_job(first.scenario_name if first.scenario_name in offered else offered[0])

    def watch(request: CompareRequest, arm: str, seed: int) -> None:
        """Open one replicate of a comparison in the single-run mode (same scenario, levers, seed)."""
        name, levers = (request.baseline, {}) if arm == BASELINE else (request.variant, request.levers)
        model.set(DashboardModel(name, rng=seed, **levers))
        mode.set(SINGLE_RUN)

    solara.Title(f"{TITLE}: {model.value.scenario_name}")
    solara.Style(STYLE)
    with solara.AppBar():
        solara.AppBarTitle(TITLE)
    with solara.v.Tabs(v_model=mode.value, on_v_model=mode.set, class_="mb-2"):
        solara.v.Tab(children=["Single run"])
        solara.v.Tab(children=["Compare runs"])
    if mode.value == SINGLE_RUN:
        SingleRun(model, params)
    else:
        CompareMode(offered, job, watch)
