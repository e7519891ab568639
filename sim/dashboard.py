"""The browser dashboard: a SolaraViz page that runs one scenario per browser session.

Every browser session builds its own model inside the ``Page`` component: a model created at
module level would be shared by everyone who opens the page. SolaraViz's Reset rebuilds the
model as ``type(model)(**params)``, so ``DashboardModel`` takes everything the sidebar sets (the
scenario, the seed and the levers) as keyword arguments and turns the levers into the same
``dotted.path=value`` overrides that ``--set`` uses on the command line.

A scenario that fails to load becomes a model that shows the error on the page instead of a
traceback. Drawing uses matplotlib only, whose output needs no front-end assets when offline.
Start it with ``allysim dashboard [SCENARIO]`` (see ``serve``) or ``solara run sim/dashboard_app.py``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import inspect
import math
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import solara
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from mesa.visualization import SolaraViz
from mesa.visualization.utils import update_counter

from sim.model import DisplacementModel
from sim.scenario import Scenario, ScenarioError, load_scenario

SCENARIO_ENV = "ALLYSIM_SCENARIO"
"""Scenario the page opens with: a path to a YAML file, or the name of one in the scenario folder."""
SCENARIO_DIR_ENV = "ALLYSIM_SCENARIO_DIR"
"""Folder whose ``*.yaml`` files the scenario picker lists (default: ``./scenarios``)."""
RENDER_INTERVAL_ENV = "ALLYSIM_RENDER_INTERVAL"
"""Days simulated between two redraws (default: 1, or 5 for worlds of 100+ locations)."""

APP_FILE = Path(__file__).with_name("dashboard_app.py")
PACKAGE_SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
DEFAULT_SCENARIO = "toy"
BIG_WORLD = 100  # locations; from here on the page redraws every 5 days by default
EVENTS_SHOWN = 12


# ---------------------------------------------------------------------------------------------
# Levers: sidebar inputs that override one scenario parameter each


@dataclass(frozen=True)
class Lever:
    """One sidebar input that overrides one scenario field (the path ``--set`` would take).

    Numbers give a slider (integer bounds and step: an integer slider), ``choices`` a select.
    """

    path: str
    label: str
    min: float = 0.0
    max: float = 1.0
    step: float = 0.01
    choices: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """Keyword argument of ``DashboardModel`` (the last part of the path)."""
        return self.path.rsplit(".", 1)[-1]

    def current(self, spec: Scenario) -> Any:
        """The scenario's own value, or ``None`` where the scenario has no such field."""
        node: Any = spec
        for part in self.path.split("."):
            node = getattr(node, part, None)
            if node is None:
                return None
        return node

    def user_param(self, value: Any) -> dict[str, Any]:
        """The SolaraViz ``model_params`` entry, starting at ``value``."""
        if self.choices:
            start = value if value in self.choices else self.choices[0]
            return {"type": "Select", "label": self.label, "value": start, "values": list(self.choices)}
        is_int = all(isinstance(x, int) for x in (self.min, self.max, self.step))
        start = self.min if value is None else value
        return {"type": "SliderInt" if is_int else "SliderFloat", "label": self.label,
                "value": start, "min": min(self.min, start), "max": max(self.max, start),
                "step": self.step}

    def same(self, a: Any, b: Any) -> bool:
        """Equal, allowing for the rounding of a float slider."""
        if isinstance(a, int | float) and isinstance(b, int | float) and not self.choices:
            return math.isclose(a, b, rel_tol=1e-9, abs_tol=abs(self.step) / 1000)
        return a == b


LEVERS: tuple[Lever, ...] = (
    Lever("parameters.displacement.flee_rate", "Flee rate at full conflict (1/day)", 0.0, 0.1, 0.001),
    Lever("parameters.movement.awareness", "Route awareness (hops)", 1, 3, 1),
    Lever("parameters.movement.camp_weight", "Camp attractiveness (factor)", 0.0, 10.0, 0.1),
    Lever("parameters.returns.return_rate", "Return rate (1/day)", 0.0, 0.1, 0.001),
    Lever("parameters.movement.max_move_speed", "Travel speed (km/day)", 10.0, 500.0, 10.0),
)
LEVERS_BY_NAME: dict[str, Lever] = {lever.name: lever for lever in LEVERS}
if len(LEVERS_BY_NAME) != len(LEVERS) or {"scenario_name", "rng", "baseline"} & set(LEVERS_BY_NAME):
    raise RuntimeError("every lever needs a distinct keyword name (the last part of its path)")


# ---------------------------------------------------------------------------------------------
# Finding scenarios


def scenario_dir() -> Path:
    """The folder the picker lists: $ALLYSIM_SCENARIO_DIR, ./scenarios, or the project's."""
    if env := os.environ.get(SCENARIO_DIR_ENV):
        return Path(env)
    here = Path.cwd() / "scenarios"
    return here if here.is_dir() else PACKAGE_SCENARIOS


def scenario_choices(folder: Path | None = None) -> list[str]:
    """Names (file stems) of the scenario files in the folder, sorted."""
    folder = folder or scenario_dir()
    return sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []


def resolve_scenario(name: str, folder: Path | None = None) -> Path:
    """A picker name (``toy``) as a file in the scenario folder; a path stays a path."""
    path = Path(name)
    if path.suffix in (".yaml", ".yml") or len(path.parts) > 1:
        return path
    return (folder or scenario_dir()) / f"{name}.yaml"


def initial_scenario() -> str:
    """What the page opens with: $ALLYSIM_SCENARIO, else ``toy``, else the first file listed.

    A file inside the scenario folder is given by its picker name, so the picker shows it.
    """
    choices = scenario_choices()
    if env := os.environ.get(SCENARIO_ENV):
        path = resolve_scenario(env)
        listed = scenario_dir() / f"{path.stem}.yaml"
        same = path.stem in choices and path.is_file() and path.resolve() == listed.resolve()
        return path.stem if same else env
    return DEFAULT_SCENARIO if DEFAULT_SCENARIO in choices or not choices else choices[0]


def parse_seed(value: int | str | None) -> int | None:
    """A typed seed as an int; blank means the scenario's own seed."""
    text = "" if value is None else str(value).strip()
    if not text:
        return None
    try:
        seed = int(text)
    except ValueError:
        raise ValueError(f"the seed must be a whole number (0 or more), not {text!r}") from None
    if seed < 0:
        raise ValueError(f"the seed must be 0 or more, not {seed}")
    return seed


def lever_overrides(levers: Mapping[str, Any], baseline: Mapping[str, Any] | None) -> dict[str, str]:
    """``dotted.path=value`` overrides (by lever name) for the levers moved from where they started.

    A lever still at its starting value leaves each scenario its own value, so switching
    scenario does not silently carry the first scenario's parameters over.
    """
    unknown = sorted(set(levers) - set(LEVERS_BY_NAME))
    if unknown:
        raise TypeError(f"unknown lever(s): {', '.join(unknown)}")
    out = {}
    for name, value in levers.items():
        lever = LEVERS_BY_NAME[name]
        if value is None:
            continue
        if baseline is not None and name in baseline and lever.same(value, baseline[name]):
            continue
        out[name] = f"{lever.path}={value}" if isinstance(value, str) else f"{lever.path}={value!r}"
    return out


def _placeholder_scenario() -> Scenario:
    """A one-location world standing in for a scenario that failed to load."""
    return Scenario.model_validate({
        "name": "not-loaded", "start_date": "2000-01-01", "days": 1,
        "world": {"states": [{"id": "NA", "name": "none"}],
                  "locations": [{"id": "none", "state": "NA", "lat": 0.0, "lon": 0.0}]},
    })


# ---------------------------------------------------------------------------------------------
# The model the dashboard runs


class DashboardModel(DisplacementModel):
    """A DisplacementModel built from the sidebar's values, so SolaraViz's Reset can rebuild it.

    ``error`` holds the reason when the scenario, a lever or the seed was rejected; the model
    is then an empty placeholder that does not run, and the page shows the message.
    """

    def __init__(self, scenario_name: str = "", rng: int | str | None = None,
                 baseline: Mapping[str, Any] | None = None, **levers: Any):
        name = scenario_name or initial_scenario()
        path = resolve_scenario(name)
        error = None
        overrides = lever_overrides(levers, baseline)
        try:
            seed = parse_seed(rng)
            spec = load_scenario(path, list(overrides.values()))
        except (ScenarioError, ValueError) as exc:
            error, seed, spec = str(exc), None, _placeholder_scenario()
        super().__init__(spec, rng=seed)
        self.scenario_name = name
        self.scenario_path = path
        self.overridden: set[str] = set(overrides)
        self.error: str | None = error
        self.size_reference = max(1, int(self.occupancy.sum(axis=1).max()))
        if error is not None:
            self.running = False

    def step(self) -> None:
        """Simulate one day (nothing happens in a model whose scenario failed to load)."""
        if self.error is not None:
            self.running = False
            return
        super().step()


def _init_signature() -> inspect.Signature:
    """``__init__`` as SolaraViz should see it: one keyword per lever, no ``**kwargs``.

    SolaraViz's Reset adds a Mesa ``scenario`` argument for models taking ``**kwargs``; an
    explicit signature keeps the call to exactly the sidebar's values.
    """
    kw = inspect.Parameter.KEYWORD_ONLY
    params = list(inspect.signature(DashboardModel.__init__).parameters.values())[:-1]
    params += [inspect.Parameter(lever.name, kw, default=None) for lever in LEVERS]
    return inspect.Signature(params)


DashboardModel.__init__.__signature__ = _init_signature()  # type: ignore[attr-defined]


def model_params(model: DashboardModel, choices: Sequence[str]) -> dict[str, Any]:
    """The sidebar's inputs (SolaraViz ``model_params``), starting from ``model``'s values."""
    values = list(choices)
    if model.scenario_name not in values:
        values.append(model.scenario_name)
    start = {lever.name: lever.current(model.spec) for lever in LEVERS}
    params: dict[str, Any] = {
        "scenario_name": {"type": "Select", "label": "Scenario", "value": model.scenario_name,
                          "values": values},
        "rng": {"type": "InputText", "label": "Random seed (blank: the scenario's)", "value": ""},
        # A plain dict is a fixed value: passed to every Reset, shown nowhere.
        "baseline": {k: v for k, v in start.items() if v is not None},
    }
    for lever in LEVERS:
        if start[lever.name] is not None:  # levers for fields this scenario schema lacks stay hidden
            params[lever.name] = lever.user_param(start[lever.name])
    return params


def default_render_interval(model: DisplacementModel) -> int:
    """$ALLYSIM_RENDER_INTERVAL, else 1, or 5 for big worlds (drawing costs more than a day)."""
    env = os.environ.get(RENDER_INTERVAL_ENV, "").strip()
    if env.isdigit():
        return max(1, int(env))
    return 5 if model.world.n >= BIG_WORLD else 1


# ---------------------------------------------------------------------------------------------
# Drawing


STATE_COLOURS = ("#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22",
                 "#7f7f7f", "#ff7f0e", "#aec7e8", "#98df8a", "#c5b0d5")
KIND_MARKERS = {"town": "o", "conflict_zone": "o", "camp": "^", "idp_camp": "v",
                "border_crossing": "D", "hub": "s"}
CONFLICT = "#d62728"
POLICY_COLOURS = {"closed": "black", "managed": "#ff7f0e"}


def state_colour(index: int) -> str:
    return STATE_COLOURS[index % len(STATE_COLOURS)]


def network_figure(model: DisplacementModel) -> Figure:
    """The road network on its lon/lat layout, one marker per location.

    Colour: state. Shape: kind. Area: people present. Red ring: conflict (width = intensity).
    Crosses on roads: a border crossing that is closed (black) or managed (orange) today.
    Dotted red road: closed route.
    """
    w = model.world
    fig = Figure(figsize=(5.6, 4.6))
    fig.subplots_adjust(left=0.11, right=0.97, top=0.94, bottom=0.36)
    ax = fig.add_subplot()
    pos = np.array([loc.cell.position for loc in model.locations], dtype=float).reshape(-1, 2)

    segments, closed = [], []
    border_marks: dict[str, list[np.ndarray]] = {"closed": [], "managed": []}
    for u, v in model.grid.G.edges():
        seg = pos[[u, v]]
        is_open = bool(w.edge_open[w.edge_of[frozenset((u, v))]])
        (segments if is_open else closed).append(seg)
        if w.state_of[u] != w.state_of[v]:
            policies = {model.borders.crossing_policy(u, v), model.borders.crossing_policy(v, u)}
            worst = "closed" if "closed" in policies else "managed" if "managed" in policies else None
            if worst:
                border_marks[worst].append(seg.mean(axis=0))
    ax.add_collection(LineCollection(segments, colors="#999999", linewidths=1.0, zorder=1))
    if closed:
        ax.add_collection(LineCollection(closed, colors=CONFLICT, linewidths=1.0, linestyles=":",
                                         zorder=1))
    for policy, points in border_marks.items():
        if points:
            xy = np.array(points)
            ax.scatter(xy[:, 0], xy[:, 1], marker="X", s=110, c=POLICY_COLOURS[policy],
                       edgecolors="white", linewidths=0.8, zorder=4)

    present = np.array([p.present for p in model.populations], dtype=float)
    biggest = 500 / math.sqrt(max(1.0, w.n / 12))  # marker area (pt²) of the most crowded location
    sizes = 15 + biggest * np.sqrt(present / model.size_reference)
    intensity = np.array([loc.conflict_intensity for loc in model.locations])
    kinds = [loc.kind for loc in model.locations]
    for kind, marker in KIND_MARKERS.items():
        idx = [i for i, k in enumerate(kinds) if k == kind]
        if not idx:
            continue
        hot = intensity[idx] > 0
        ax.scatter(pos[idx, 0], pos[idx, 1], s=sizes[idx], marker=marker,
                   c=[state_colour(int(w.state_of[i])) for i in idx],
                   edgecolors=np.where(hot, CONFLICT, "#333333").tolist(),
                   linewidths=np.where(hot, 1.0 + 3.0 * intensity[idx], 0.6),
                   alpha=[0.9 if w.open[i] else 0.35 for i in idx], zorder=3)

    labelled = range(w.n) if w.n <= 20 else np.argsort(-present)[:12]
    for i in labelled:
        ax.annotate(w.names[i], pos[i], xytext=(4, 4), textcoords="offset points", fontsize=8,
                    color="#222222", zorder=5)

    lat_mid = float(np.mean(pos[:, 1])) if len(pos) else 0.0
    ax.set_aspect(1 / max(math.cos(math.radians(lat_mid)), 0.2), adjustable="box")
    ax.autoscale_view()
    ax.margins(0.12)
    ax.tick_params(labelsize=7)
    ax.set_xlabel("longitude", fontsize=8)
    ax.set_ylabel("latitude", fontsize=8)
    ax.set_title(f"{model.spec.name}: {day_label(model)}", fontsize=10)
    fig.legend(handles=_legend_handles(model, kinds), fontsize=8, loc="lower center", ncol=2,
               frameon=False, handletextpad=0.3, columnspacing=1.0, labelspacing=0.3)
    return fig


def _legend_handles(model: DisplacementModel, kinds: Sequence[str]) -> list[Line2D]:
    """States (with today's entry policy), the kinds present, conflict and border marks."""
    def handle(label: str, **kw: Any) -> Line2D:
        return Line2D([], [], linestyle="none", label=label, **kw)

    handles = [handle(f"{s.code} {_short(s.name)}: entry {s.entry_policy}", marker="o", markersize=7,
                      markerfacecolor=state_colour(s.index), markeredgecolor="#333333")
               for s in model.states]
    handles += [handle(kind.replace("_", " "), marker=KIND_MARKERS[kind], markersize=6,
                       markerfacecolor="white", markeredgecolor="#333333")
                for kind in KIND_MARKERS if kind in kinds]
    handles.append(handle("conflict (ring width = intensity)", marker="o", markersize=7,
                          markerfacecolor="white", markeredgecolor=CONFLICT, markeredgewidth=2.5))
    handles += [handle(f"border {policy}", marker="X", markersize=8, markerfacecolor=colour,
                       markeredgecolor="white") for policy, colour in POLICY_COLOURS.items()]
    handles.append(Line2D([], [], color=CONFLICT, linestyle=":", label="road closed"))
    return handles


def _short(name: str, width: int = 16) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def charts_figure(model: DisplacementModel) -> Figure:
    """Refugees hosted by each state (and relocations, when any), and the headline totals."""
    fig = Figure(figsize=(5.6, 4.6))
    fig.subplots_adjust(left=0.13, right=0.97, top=0.94, bottom=0.1, hspace=0.3)
    top, bottom = fig.subplots(2, 1, sharex=True)
    states = model.recorder.states_table()
    if states.empty:
        for ax in (top, bottom):
            ax.text(0.5, 0.5, "No day simulated yet: press Step or ▶", ha="center", va="center",
                    transform=ax.transAxes, fontsize=9, color="#666666")
    else:
        hosted = states.pivot(index="day", columns="state", values="refugees_hosted")
        relocated = states.pivot(index="day", columns="state", values="relocated_in_cum")
        shown = [s for s in hosted.columns if hosted[s].max() > 0] or list(hosted.columns)
        shown = sorted(shown, key=lambda s: -hosted[s].max())[:8]
        index = {s.code: s.index for s in model.states}
        for code in shown:
            top.plot(hosted.index, hosted[code], color=state_colour(index[code]), label=code)
        for code in relocated.columns:
            if relocated[code].max() > 0:
                top.plot(relocated.index, relocated[code], color=state_colour(index[code]),
                         linestyle="--", label=f"{code} relocated in (cum.)")
        top.legend(fontsize=8, loc="upper left")
        totals = model.datacollector.get_model_vars_dataframe().iloc[1:]
        days = np.arange(len(totals))
        for column, colour in (("Refugees", "#1f77b4"), ("IDPs", "#ff7f0e"),
                               ("Returnees", "#2ca02c"), ("In transit", "#7f7f7f")):
            bottom.plot(days, totals[column].to_numpy(), color=colour, label=column)
        bottom.legend(fontsize=8, loc="upper left")
    top.set_title("Refugees hosted, by state", fontsize=9)
    bottom.set_title("Totals", fontsize=9)
    bottom.set_xlabel("day", fontsize=8)
    for ax in (top, bottom):
        ax.tick_params(labelsize=7)
        ax.set_ylabel("people", fontsize=8)
        ax.grid(alpha=0.3)
    return fig


def day_label(model: DisplacementModel) -> str:
    """'day 12 of 120 (2024-03-13)' for the last simulated day, or the start date before it."""
    if model.day < 0:
        return f"not started, day 0 is {model.spec.start_date.isoformat()}"
    return f"day {model.day} of {model.spec.days} ({model.date.isoformat()})"


def latest_events(model: DisplacementModel, n: int = EVENTS_SHOWN) -> list[dict[str, Any]]:
    """The last ``n`` logged events, newest first, each with its date."""
    start = model.spec.start_date
    out = []
    for row in reversed(model.event_log[-n:]):
        date = start + dt.timedelta(days=max(int(row["day"]), 0))
        detail = ", ".join(f"{k} {v}" for k, v in (row.get("detail") or {}).items() if v is not None)
        out.append({**row, "date": date.isoformat(), "detail_text": detail})
    return out


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]], nowrap: Sequence[int] = ()) -> None:
    """A plain HTML table (widgets only: solara.Markdown would fetch KaTeX from a CDN)."""
    with solara.v.SimpleTable(dense=True):
        with solara.v.Html(tag="thead"), solara.v.Html(tag="tr"):
            for header in headers:
                solara.v.Html(tag="th", children=[header])
        with solara.v.Html(tag="tbody"):
            for row in rows:
                with solara.v.Html(tag="tr"):
                    for k, cell in enumerate(row):
                        solara.v.Html(tag="td", children=[str(cell)],
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
    fig = solara.use_memo(lambda: None if model.error else network_figure(model),
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
    """Key numbers of the last simulated day, entry policies and the parameters in effect."""
    update_counter.get()
    if model.error is not None:
        solara.Info("No summary: the scenario was not loaded (the error is shown above). Pick a "
                    "scenario or fix the file, then press Reset.")
        return
    t = model.recorder.totals
    w = model.world
    _line("Scenario", f"{model.spec.name} ({w.n} locations, {len(w.state_ids)} states, "
          f"{model.spec.days} days, seed {model.seed})")
    _line("Now", day_label(model))
    columns = {"Refugees": t["refugees"], "IDPs": t["idps"], "Returnees": t["returnees"],
               "In transit": t["in_transit"]}
    if relocated := int(model.recorder.relocated_in.sum()):
        columns["Relocated (cum.)"] = relocated
    _table(list(columns), [[f"{n:,}" for n in columns.values()]])
    _line("Entry policies", " · ".join(f"{s.code} {s.entry_policy}" for s in model.states))
    _line("Parameters", " · ".join(
        f"{lever.name} {lever.current(model.spec)}" + (" (set)" if lever.name in model.overridden else "")
        for lever in LEVERS if lever.current(model.spec) is not None))


@solara.component
def EventLogView(model: DashboardModel) -> None:
    """The latest events (scripted or decided by agents), newest first."""
    update_counter.get()
    if model.error is not None:
        return
    events = latest_events(model)
    if not events:
        _line("Latest events", "none yet")
        return
    _line("Latest events", f"the last {len(events)}, newest first")
    _table(["Day", "Date", "Event", "Actor", "Target", "Details"],
           [[e["day"], e["date"], e["type"], e.get("actor", ""), str(e.get("target", "")).replace("<-", "←"),
             e["detail_text"]] for e in events], nowrap=(1,))


COMPONENTS = [NetworkView, ChartsView, SummaryView, EventLogView]


@solara.component
def Page() -> None:
    """One dashboard per browser session: the model is built here, never at module level."""
    model = solara.use_memo(lambda: DashboardModel(initial_scenario()), dependencies=[])
    params = solara.use_memo(lambda: model_params(model, scenario_choices()), dependencies=[])
    SolaraViz(model, components=COMPONENTS, model_params=params,
              name="allysim: displacement dashboard",
              render_interval=default_render_interval(model), play_interval=100)


# ---------------------------------------------------------------------------------------------
# Serving


def server_command(host: str = "127.0.0.1", port: int = 8765) -> list[str]:
    """The ``solara run`` command line that serves the dashboard."""
    return [sys.executable, "-m", "solara", "run", str(APP_FILE), "--host", host, "--port", str(port),
            "--production", "--no-open"]


def server_env(scenario: Path | None = None) -> dict[str, str]:
    """The server's environment: no telemetry (offline), and the scenario to open with."""
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}
    if scenario is not None:
        env[SCENARIO_ENV] = str(scenario.resolve())
    return env


def serve(scenario: str | None = None, host: str = "127.0.0.1", port: int = 8765) -> int:
    """Serve the dashboard with ``solara run`` until interrupted; returns its exit code."""
    path = None
    if scenario:
        path = resolve_scenario(scenario)
        if not path.is_file():
            print(f"allysim dashboard: no scenario file {str(path)!r}", file=sys.stderr)
            return 2
    proc = subprocess.Popen(server_command(host, port), env=server_env(path))
    restore = _interrupt_on_sigterm()
    try:
        return proc.wait()
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM: stop the server too, never leave it behind
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        return 130
    finally:
        restore()


def _interrupt_on_sigterm() -> Callable[[], None]:
    """Turn SIGTERM into KeyboardInterrupt while serving; returns the undo."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    return lambda: signal.signal(signal.SIGTERM, previous)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m sim.dashboard [SCENARIO] [--host H] [--port P]``."""
    parser = argparse.ArgumentParser(prog="python -m sim.dashboard", description=serve.__doc__)
    parser.add_argument("scenario", nargs="?", help="scenario file or name in ./scenarios")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(argv)
    return serve(args.scenario, args.host, args.port)


if __name__ == "__main__":
    raise SystemExit(main())
