"""The browser dashboard: a SolaraViz page that runs one scenario per browser session.

Every browser session builds its own model inside the ``Page`` component: a model created at
module level would be shared by everyone who opens the page. SolaraViz's Reset rebuilds the
model as ``type(model)(**params)``, so ``DashboardModel`` takes everything the sidebar sets (the
scenario, the seed and the levers) as keyword arguments and turns the levers into the same
``dotted.path=value`` overrides that ``--set`` uses on the command line. A lever applies only to
scenarios that have what it changes (an alliance's intervention, a state's border tolerance,
...); after each Reset the sidebar shows the levers of the scenario now loaded.

A scenario that fails to load becomes a model that shows the error on the page instead of a
traceback. Drawing uses matplotlib only, whose output needs no front-end assets when offline.
Start it with ``allysim dashboard [SCENARIO]`` (see ``serve``) or ``solara run sim/dashboard_app.py``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import inspect
import math
import numbers
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
from pydantic import BaseModel
from ruamel.yaml import YAML

from sim.agents import Alliance, State
from sim.aid_programme import AidProgramme
from sim.border_security import BorderSecurity
from sim.burden_sharing import BurdenSharing
from sim.cohorts import Status
from sim.evacuation import Evacuation
from sim.free_movement import FreeMovement
from sim.intervention import Intervention, displaced_from
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

    Numbers give a slider (integer bounds and step: an integer slider), ``choices`` a select,
    ``off`` a checkbox: ticked keeps the scenario's value, unticked sets the field to ``off``
    (a YAML value, as ``--set`` reads it). A lever applies to a scenario that has a value at
    ``needs`` (default: at ``path`` itself); elsewhere it is hidden, ignored, and listed as not
    applicable. ``{owner}`` in the label is replaced by the id of the state or alliance the path
    runs through (``world.states.1...`` -> ``FRN``). ``name``, the keyword of ``DashboardModel``,
    defaults to the last part of the path.
    """

    path: str
    label: str
    min: float = 0.0
    max: float = 1.0
    step: float = 0.01
    choices: tuple[str, ...] = ()
    off: str | None = None
    needs: str = ""
    name: str = ""

    def __post_init__(self) -> None:
        if not self.name:
            object.__setattr__(self, "name", self.path.rsplit(".", 1)[-1])

    @property
    def is_switch(self) -> bool:
        return self.off is not None

    def current(self, spec: Scenario) -> Any:
        """The scenario's own value, or ``None`` where the scenario has no such field."""
        return _walk(spec, self.path)[0]

    def applies(self, spec: Scenario) -> bool:
        """Whether the scenario has what the lever changes (a value at ``needs``, or ``path``)."""
        return _walk(spec, self.needs or self.path)[0] is not None

    def start(self, spec: Scenario) -> Any:
        """The input's value for this scenario: its own value (a checkbox: ticked unless off)."""
        value = self.current(spec)
        return value != _yaml_value(self.off) if self.is_switch else value

    def title(self, spec: Scenario) -> str:
        """The label, with ``{owner}`` filled in from the scenario."""
        return self.label.replace("{owner}", _walk(spec, self.path)[1] or "?")

    def user_param(self, value: Any, spec: Scenario) -> dict[str, Any]:
        """The SolaraViz ``model_params`` entry for this scenario, starting at ``value``."""
        label = self.title(spec)
        if self.is_switch:
            return {"type": "Checkbox", "label": label, "value": bool(value)}
        if self.choices:
            values = list(self.choices) + ([value] if value not in self.choices and value else [])
            start = value if value in values else self.choices[0]
            return {"type": "Select", "label": label, "value": start, "values": values}
        is_int = all(isinstance(x, int) for x in (self.min, self.max, self.step))
        start = self.min if value is None else value
        return {"type": "SliderInt" if is_int else "SliderFloat", "label": label,
                "value": start, "min": min(self.min, start), "max": max(self.max, start),
                "step": self.step}

    def same(self, a: Any, b: Any) -> bool:
        """Equal, allowing for the rounding of a float slider."""
        if self.is_switch:
            return bool(a) == bool(b)
        if isinstance(a, int | float) and isinstance(b, int | float) and not self.choices:
            return math.isclose(a, b, rel_tol=1e-9, abs_tol=abs(self.step) / 1000)
        return a == b

    def setting(self, value: Any, spec: Scenario) -> str | None:
        """The ``dotted.path=value`` override for ``value``, or ``None`` if it changes nothing."""
        if self.is_switch:
            if value or not self.start(spec):
                return None  # ticked keeps the scenario's value; unticking what is off changes nothing
            return f"{self.path}={self.off}"
        if self.same(value, self.current(spec)):
            return None
        return f"{self.path}={value}" if isinstance(value, str) else f"{self.path}={value!r}"


def _walk(spec: Any, path: str) -> tuple[Any, str | None]:
    """The value at a dotted path (``None`` if missing) and the id of the last list item passed."""
    node, owner = spec, None
    for part in path.split("."):
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                return None, owner
            node = node[int(part)]
            owner = getattr(node, "id", owner)
        elif isinstance(node, Mapping):
            node = node.get(part)
        elif isinstance(node, BaseModel):  # a YAML key may be a field's alias ('from' for from_)
            fields = type(node).model_fields
            name = part if part in fields else next((f for f, i in fields.items() if i.alias == part), "")
            node = getattr(node, name, None) if name else None
        else:
            node = getattr(node, part, None)
        if node is None:
            return None, owner
    return node, owner


def _yaml_value(text: str | None) -> Any:
    """A YAML scalar as ``--set`` reads it."""
    return None if text is None else YAML(typ="safe").load(text)


LEVERS: tuple[Lever, ...] = (
    Lever("parameters.displacement.flee_rate", "Flee rate at full conflict (1/day)", 0.0, 0.1, 0.001),
    Lever("parameters.movement.awareness", "Route awareness (hops)", 1, 3, 1),
    Lever("parameters.movement.camp_weight", "Camp attractiveness (factor)", 0.0, 10.0, 0.1),
    Lever("parameters.returns.return_rate", "Return rate (1/day)", 0.0, 0.1, 0.001),
    Lever("parameters.movement.max_move_speed", "Travel speed (km/day)", 10.0, 500.0, 10.0),
    # The decision layer: shown only for scenarios with the element they change.
    Lever("world.alliances.0.decision_rule", "{owner} intervention decision rule",
          choices=("unanimity", "majority", "qualified:0.66"), needs="world.alliances.0.intervention"),
    Lever("world.alliances.0.intervention.trigger_displaced", "{owner} intervention trigger (people)",
          0, 200_000, 5_000),
    Lever("world.states.1.policy.tolerance", "{owner} border tolerance (per resident)", 0.001, 0.05,
          0.001),
    Lever("world.alliances.0.burden_sharing.daily_capacity", "{owner} burden sharing (relocation)",
          off="0", name="burden_sharing"),
    Lever("world.alliances.0.aid.budget", "{owner} aid budget (units/review)", 0.0, 10.0, 0.5,
          name="aid_budget"),
)
LEVERS_BY_NAME: dict[str, Lever] = {lever.name: lever for lever in LEVERS}
if len(LEVERS_BY_NAME) != len(LEVERS) or {"scenario_name", "rng", "baseline"} & set(LEVERS_BY_NAME):
    raise RuntimeError("every lever needs a distinct keyword name (the last part of its path, or name=)")


# ---------------------------------------------------------------------------------------------
# Finding scenarios


def scenario_dir() -> Path:
    """The folder the picker lists: $ALLYSIM_SCENARIO_DIR, ./scenarios, or the project's."""
    if env := os.environ.get(SCENARIO_DIR_ENV):
        return Path(env)
    here = Path.cwd() / "scenarios"
    return here if here.is_dir() else PACKAGE_SCENARIOS


def scenario_choices(folder: Path | None = None) -> list[str]:
    """The scenario files of the folder and its subfolders, as picker names, sorted.

    A picker name is the file's path relative to the folder without ``.yaml``:
    ``toy``, ``mechanisms/intervention``.
    """
    folder = folder or scenario_dir()
    if not folder.is_dir():
        return []
    return sorted(p.relative_to(folder).with_suffix("").as_posix() for p in folder.rglob("*.yaml"))


def resolve_scenario(name: str, folder: Path | None = None) -> Path:
    """A picker name (``toy``, ``mechanisms/intervention``) as a file of the scenario folder;
    a name ending in ``.yaml`` or ``.yml`` is a path and stays one."""
    path = Path(name)
    if path.suffix in (".yaml", ".yml"):
        return path
    return (folder or scenario_dir()) / f"{name}.yaml"


def picker_name(path: Path, folder: Path | None = None) -> str | None:
    """The picker name of a file inside the scenario folder, or ``None`` for a file elsewhere."""
    folder = (folder or scenario_dir()).resolve()
    try:
        relative = path.resolve().relative_to(folder)
    except ValueError:
        return None
    return relative.with_suffix("").as_posix() if path.suffix == ".yaml" and path.is_file() else None


def initial_scenario() -> str:
    """What the page opens with: $ALLYSIM_SCENARIO, else ``toy``, else the first file listed.

    A file inside the scenario folder is given by its picker name, so the picker shows it.
    """
    choices = scenario_choices()
    if env := os.environ.get(SCENARIO_ENV):
        name = picker_name(resolve_scenario(env))
        return name if name in choices else env
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


def lever_overrides(levers: Mapping[str, Any], baseline: Mapping[str, Any] | None,
                    spec: Scenario) -> dict[str, str]:
    """``dotted.path=value`` overrides (by lever name) for the levers moved from where they started.

    ``spec`` is the scenario as its file has it. A lever still at its starting value leaves each
    scenario its own value, so switching scenario does not silently carry the first scenario's
    parameters over; a lever that does not apply to ``spec`` is ignored.
    """
    unknown = sorted(set(levers) - set(LEVERS_BY_NAME))
    if unknown:
        raise TypeError(f"unknown lever(s): {', '.join(unknown)}")
    out = {}
    for name, value in levers.items():
        lever = LEVERS_BY_NAME[name]
        if value is None or not lever.applies(spec):
            continue
        if baseline is not None and name in baseline and lever.same(value, baseline[name]):
            continue
        if (setting := lever.setting(value, spec)) is not None:
            out[name] = setting
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

    ``levers`` are the levers that apply to this scenario (the sidebar shows those),
    ``overridden`` the names of those a moved lever changed. ``error`` holds the reason when the
    scenario, a lever or the seed was rejected; the model is then an empty placeholder that does
    not run, and the page shows the message.
    """

    def __init__(self, scenario_name: str = "", rng: int | str | None = None,
                 baseline: Mapping[str, Any] | None = None, **levers: Any):
        name = scenario_name or initial_scenario()
        path = resolve_scenario(name)
        error, overrides = None, {}
        try:
            seed = parse_seed(rng)
            spec = own = load_scenario(path)
            overrides = lever_overrides(levers, baseline, own)
            if overrides:
                spec = load_scenario(path, list(overrides.values()))
        except (ScenarioError, ValueError) as exc:
            error, seed, spec = str(exc), None, _placeholder_scenario()
            own = spec
        super().__init__(spec, rng=seed)
        self.scenario_name = name
        self.scenario_path = path
        self.overridden: set[str] = set(overrides)
        self.levers: tuple[Lever, ...] = tuple(lever for lever in LEVERS if lever.applies(own))
        self.error: str | None = error
        self.in_view = main_area(np.array([loc.cell.position for loc in self.locations], dtype=float))
        self.size_reference = max(1, int(self.occupancy[self.in_view].sum(axis=1).max(initial=0)))
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


def model_params(model: DashboardModel, choices: Sequence[str],
                 baseline: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The sidebar's inputs (SolaraViz ``model_params``) for ``model``'s scenario.

    One input per lever that applies to the scenario, at the value in effect. ``baseline``
    (default: those values) is where the levers started in this browser session: SolaraViz
    passes it, unchanged, to every Reset.
    """
    values = list(choices)
    if model.scenario_name not in values:
        values.append(model.scenario_name)
    start = {lever.name: lever.start(model.spec) for lever in model.levers}
    params: dict[str, Any] = {
        "scenario_name": {"type": "Select", "label": "Scenario", "value": model.scenario_name,
                          "values": values},
        "rng": {"type": "InputText", "label": "Random seed (blank: the scenario's)", "value": ""},
        # A plain dict is a fixed value: passed to every Reset, shown nowhere.
        "baseline": dict(baseline) if baseline is not None else start,
    }
    for lever in model.levers:
        params[lever.name] = lever.user_param(start[lever.name], model.spec)
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


def main_area(pos: np.ndarray, spread: float = 5.0) -> np.ndarray:
    """Which locations the map shows: all but those far from the rest.

    Far means more than ``spread`` times the median distance from the median location, such as
    the distant capitals that take in evacuated or resettled people. The roads to them run off
    the edge of the map.
    """
    everywhere = np.ones(len(pos), dtype=bool)
    if len(pos) < 4:
        return everywhere
    distance = np.hypot(*(pos - np.median(pos, axis=0)).T)
    scale = float(np.median(distance))
    core = distance <= spread * scale
    return core if scale > 0 and core.sum() >= 2 else everywhere


def network_figure(model: DashboardModel) -> Figure:
    """The road network on its lon/lat layout, one marker per location.

    Colour: state. Shape: kind. Area: people present. Red ring: conflict (width = intensity).
    Crosses on roads: a border crossing that is closed (black) or managed (orange) today,
    whoever set it (the scenario, a state or an alliance). Dotted red road: closed route.
    Far-away locations are left off the map (see ``main_area``).
    """
    w = model.world
    fig = Figure(figsize=(5.6, 4.6))
    fig.subplots_adjust(left=0.11, right=0.97, top=0.94, bottom=0.36)
    ax = fig.add_subplot()
    pos = np.array([loc.cell.position for loc in model.locations], dtype=float).reshape(-1, 2)
    core = model.in_view
    lo, hi = pos[core].min(axis=0), pos[core].max(axis=0)
    reach = 0.15 * float(np.hypot(*(hi - lo))) or 0.1  # how far a mark sits from the map's edge

    segments, closed = [], []
    for u, v in model.grid.G.edges():
        is_open = bool(w.edge_open[w.edge_of[frozenset((u, v))]])
        (segments if is_open else closed).append(pos[[u, v]])
    border_marks = {policy: [_mark_point(pos[[u, v]], core[[u, v]], reach) for u, v in roads]
                    for policy, roads in restricted_crossings(model).items()}
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
    shown = int(core.sum())
    biggest = 500 / math.sqrt(max(1.0, shown / 12))  # marker area (pt²) of the most crowded location
    sizes = 15 + biggest * np.sqrt(present / model.size_reference)
    intensity = np.array([loc.conflict_intensity for loc in model.locations])
    kinds = [loc.kind for loc in model.locations]
    for kind, marker in KIND_MARKERS.items():
        idx = [i for i, k in enumerate(kinds) if k == kind and core[i]]
        if not idx:
            continue
        hot = intensity[idx] > 0
        ax.scatter(pos[idx, 0], pos[idx, 1], s=sizes[idx], marker=marker,
                   c=[state_colour(int(w.state_of[i])) for i in idx],
                   edgecolors=np.where(hot, CONFLICT, "#333333").tolist(),
                   linewidths=np.where(hot, 1.0 + 3.0 * intensity[idx], 0.6),
                   alpha=[0.9 if w.open[i] else 0.35 for i in idx], zorder=3)

    in_view = np.flatnonzero(core)
    labelled = in_view if shown <= 20 else in_view[np.argsort(-present[in_view])[:12]]
    for i in labelled:
        ax.annotate(w.names[i], pos[i], xytext=(4, 4), textcoords="offset points", fontsize=8,
                    color="#222222", zorder=5)

    lat_mid = float(np.mean(pos[core, 1])) if len(pos) else 0.0
    ax.set_aspect(1 / max(math.cos(math.radians(lat_mid)), 0.2), adjustable="box")
    if core.all():
        ax.autoscale_view()
        ax.margins(0.12)
    else:
        pad = np.maximum((hi - lo) * 0.12, 0.1)
        ax.set_xlim(lo[0] - pad[0], hi[0] + pad[0])
        ax.set_ylim(lo[1] - pad[1], hi[1] + pad[1])
        far = np.flatnonzero(~core)
        far = far[np.argsort(-present[far], kind="stable")]
        names = ", ".join(w.names[i] for i in far[:2]) + (", …" if len(far) > 2 else "")
        ax.text(0.01, 0.01, f"off the map: {len(far)} far places ({names})", fontsize=7,
                color="#555555", transform=ax.transAxes, va="bottom", zorder=6)
    ax.tick_params(labelsize=7)
    ax.set_xlabel("longitude", fontsize=8)
    ax.set_ylabel("latitude", fontsize=8)
    ax.set_title(f"{model.spec.name}: {day_label(model)}", fontsize=10)
    fig.legend(handles=_legend_handles(model, kinds), fontsize=8, loc="lower center", ncol=2,
               frameon=False, handletextpad=0.3, columnspacing=1.0, labelspacing=0.3)
    return fig


def restricted_crossings(model: DisplacementModel) -> dict[str, list[tuple[int, int]]]:
    """The roads across a border that is closed or managed today (in either direction),
    whoever set it: the scenario's events, a state's border stance or an alliance."""
    out: dict[str, list[tuple[int, int]]] = {"closed": [], "managed": []}
    state_of = model.world.state_of
    for u, v in model.grid.G.edges():
        if state_of[u] != state_of[v]:
            policies = {model.borders.crossing_policy(u, v), model.borders.crossing_policy(v, u)}
            worst = "closed" if "closed" in policies else "managed" if "managed" in policies else None
            if worst:
                out[worst].append((int(u), int(v)))
    return out


def _mark_point(seg: np.ndarray, shown: np.ndarray, reach: float) -> np.ndarray:
    """Where a border mark goes on a road: its middle, or near the shown end of a road that
    leads off the map."""
    if shown.all() or not shown.any():
        return seg.mean(axis=0)
    near, far = (seg[0], seg[1]) if shown[0] else (seg[1], seg[0])
    length = float(np.hypot(*(far - near)))
    return near + (far - near) * min(0.5, reach / length)


def _policy_text(model: DisplacementModel, state: State) -> str:
    """'managed', 'closed (by FRN)', 'managed (scripted)'."""
    who = model.borders.restricted_by(state.code)
    text = ", ".join("scripted" if w == "scenario" else f"by {w}" for w in who)
    return f"{state.entry_policy} ({text})" if text else state.entry_policy


def _legend_handles(model: DisplacementModel, kinds: Sequence[str]) -> list[Line2D]:
    """States (with today's entry policy), the kinds present, conflict and border marks."""
    def handle(label: str, **kw: Any) -> Line2D:
        return Line2D([], [], linestyle="none", label=label, **kw)

    handles = [handle(f"{s.code} {_short(s.name)}: entry {_policy_text(model, s)}", marker="o",
                      markersize=7, markerfacecolor=state_colour(s.index), markeredgecolor="#333333")
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
    """The last ``n`` entries of the event log, newest first, each with its date.

    A decision an agent repeats with only its numbers changing (daily relocations, weekly aid,
    ...) and nothing else from that agent in between is one entry: ``count`` times from
    ``first_day`` to ``day``, with the latest details. Scripted events are never merged.
    """
    start = model.spec.start_date
    entries: list[dict[str, Any]] = []
    last_by_actor: dict[str, dict[str, Any]] = {}
    for seq, row in enumerate(model.event_log):
        key = (row["type"], str(row.get("target", "")), _shape(row.get("detail")))
        entry = last_by_actor.get(row.get("actor", "")) if row.get("origin") == "agent" else None
        if entry is not None and entry["key"] == key:
            entry.update(row=row, count=entry["count"] + 1, seq=seq)
            continue
        entry = {"row": row, "first_day": row["day"], "count": 1, "key": key, "seq": seq}
        entries.append(entry)
        if row.get("origin") == "agent":
            last_by_actor[row.get("actor", "")] = entry
    out = []
    for entry in sorted(entries, key=lambda e: e["seq"])[-n:][::-1]:
        row = entry["row"]
        date = start + dt.timedelta(days=max(int(row["day"]), 0))
        out.append({**row, "date": date.isoformat(), "detail_text": _detail_text(row.get("detail") or {}),
                    "first_day": entry["first_day"], "count": entry["count"]})
    return out


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Number) and not isinstance(value, bool | np.bool_)


def _shape(value: Any) -> Any:
    """An event detail with its numbers blanked out: what stays the same when an event repeats."""
    if isinstance(value, Mapping):
        return tuple((k, _shape(v)) for k, v in value.items())
    if isinstance(value, list | tuple):
        return tuple(_shape(v) for v in value)
    return "#" if _is_number(value) else value


def _detail_text(value: Any) -> str:
    """'to (MEM 300, MEB 120), quota 2,000' for ``{"to": {"MEM": 300, "MEB": 120}, "quota": 2000}``."""
    if isinstance(value, Mapping):
        parts = []
        for k, v in value.items():
            if v is None:
                continue
            text = _detail_text(v)
            parts.append(f"{k} ({text})" if isinstance(v, Mapping) else f"{k} {text}")
        return ", ".join(parts)
    if isinstance(value, list | tuple):
        return ", ".join(_detail_text(v) for v in value) or "none"
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if _is_number(value):
        return f"{value:,}" if float(value).is_integer() and abs(value) >= 1000 else f"{value:.4g}"
    return str(value)


# ---------------------------------------------------------------------------------------------
# The decision layer in words


def decision_rows(model: DisplacementModel) -> list[tuple[str, str, str]]:
    """(who, what, status today) for every instrument of every alliance, every state that
    decides its own border or delivers resettlement, and every negotiation track."""
    rows = []
    for alliance in model.alliances:
        rule = alliance.spec.decision_rule
        for instrument in alliance.instruments:
            what, status = _instrument_status(model, alliance, instrument)
            rows.append((alliance.code, what.replace("{rule}", rule), status))
        if (defence := alliance.spec.collective_defence) is not None:
            respond = "; an attack on a member starts its intervention" if (
                defence.respond and alliance.intervention) else ""
            rows.append((alliance.code, "collective defence",
                         f"onset hazard of members {defence.deterrence:.0%} lower{respond}"))
    for state in model.states:
        d = state.decisions
        if d.policy.tolerance is not None:
            rows.append((state.code, "border stance",
                         f"{_policy_text(model, state)}: {d.pressure():.4f} refugees per resident, "
                         f"tolerance {d.tolerance():.4f}"))
        for pledge, delivered in zip(d.policy.resettlement, d.delivered, strict=True):
            rows.append((state.code, f"resettlement from {pledge.from_}",
                         f"{delivered:,} of {pledge.people:,} delivered"))
    for track in model.negotiations:
        status = f"{track.rounds} rounds, {track.exchanges} prisoner exchanges"
        rows.append((track.actor, f"talks on {track.conflict.id} ({track.spec.track})",
                     status + ("; ceasefire" if track.over else "")))
    return rows


def _instrument_status(model: DisplacementModel, alliance: Alliance,
                       instrument: Any) -> tuple[str, str]:
    """(what, status) of one alliance instrument."""
    ids = model.world.state_ids
    if isinstance(instrument, Intervention):
        return f"intervention in {instrument.spec.target} ({{rule}})", _intervention_status(instrument)
    if isinstance(instrument, BurdenSharing):
        s = instrument.spec
        if s.daily_capacity == 0:
            return "burden sharing", "off (daily capacity 0)"
        moved = {ids[m]: int(model.recorder.relocated_in[m]) for m in alliance.members}
        total = sum(moved.values())
        if not total:
            return "burden sharing", (f"no relocation yet (members hosting more than {s.threshold:g} "
                                      "refugees per resident)")
        by = " · ".join(f"{k} {v:,}" for k, v in moved.items() if v)
        return "burden sharing", f"{total:,} relocated so far ({by})"
    if isinstance(instrument, BorderSecurity):
        s = instrument.spec
        if instrument.active:
            quota = f", {s.capacity:,} a day" if s.capacity is not None else ""
            return "border security", f"{s.policy} towards non-members{quota}"
        hosted = int(model.recorder.cube[:, alliance.members, Status.REFUGEE].sum())
        return "border security", f"not yet: members host {hosted:,} of {s.trigger_refugees:,} refugees"
    if isinstance(instrument, AidProgramme):
        s = instrument.spec
        if instrument.active:
            return f"aid for {s.target}", (f"since day {instrument.first}: {s.budget:g} units "
                                           f"every {s.review_days} days")
        displaced = displaced_from(model, instrument.target)
        return f"aid for {s.target}", f"not yet: {displaced:,} of {s.trigger_displaced:,} displaced"
    if isinstance(instrument, Evacuation):
        s = instrument.spec
        flown = sum(int(e["detail"].get("people", 0)) for e in model.event_log
                    if e["type"] == "evacuation" and e.get("actor") == alliance.code)
        status = f"{flown:,} flown out so far" if instrument.started else "not started"
        return f"evacuation from {s.from_}", status
    if isinstance(instrument, FreeMovement):
        return "free movement", "economic migration between members' towns"
    return type(instrument).__name__, "in force"


def _intervention_status(iv: Intervention) -> str:
    s, phase = iv.spec, iv.phase
    if phase == "idle":
        if 0 <= iv.model.day < s.start_day:
            return f"not before day {s.start_day}"
        waits = []
        if s.trigger_displaced is not None:
            waits.append(f"{iv.displaced():,} of {s.trigger_displaced:,} displaced")
        if s.trigger_intensity is not None:
            waits.append(f"conflict intensity {s.trigger_intensity:g} somewhere")
        return "not triggered: " + " or ".join(waits)
    if phase == "deliberating" and iv.deliberation is not None:
        yes, members = iv.deliberation.votes()
        return f"deliberating since day {iv.deliberation.started}: {yes} of {members} members in favour"
    if phase == "deploying":
        return f"decided; operations from day {iv.start_day}"
    since = _last_day(iv.model, "intervention_started", iv.alliance.code)
    if phase == "operating":
        ids = [iv.model.world.ids[i] for i in iv.areas]
        areas = ", ".join(ids[:3]) + (f" and {len(ids) - 3} more" if len(ids) > 3 else "")
        outcome = "stabilising" if iv.success else "not stabilising"
        return f"operating since day {since} until day {iv.end_day} ({areas or 'no area'}; {outcome})"
    return f"over on day {iv.end_day}: " + ("succeeded" if iv.success else "failed, fighting relapsed")


def _last_day(model: DisplacementModel, kind: str, actor: str) -> int | str:
    """The day an agent last logged an event of this type ('?' if never)."""
    days = [e["day"] for e in model.event_log if e["type"] == kind and e.get("actor") == actor]
    return days[-1] if days else "?"


# ---------------------------------------------------------------------------------------------
# Page building blocks


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
    _line("Entry policies", " · ".join(f"{s.code} {_policy_text(model, s)}" for s in model.states))
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
