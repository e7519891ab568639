"""The dashboard's two pictures, drawn with matplotlib (no front-end assets, so they work offline):
the road network as a map, and the time series of the run so far.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from sim.app.dashboard.words import day_label
from sim.model import DisplacementModel

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


def network_figure(model: DisplacementModel, in_view: np.ndarray, size_reference: int) -> Figure:
    """The road network on its lon/lat layout, one marker per location.

    Colour: state. Shape: kind. Area: people present. Red ring: conflict (width = intensity).
    Crosses on roads: a border crossing that is closed (black) or managed (orange) today,
    whoever set it (the scenario, a state or an alliance). Dotted red road: closed route.
    Only the locations ``in_view`` are drawn (see ``main_area``); marker areas are relative to
    ``size_reference`` people.
    """
    w = model.world
    fig = Figure(figsize=(5.6, 4.6))
    fig.subplots_adjust(left=0.11, right=0.97, top=0.94, bottom=0.36)
    ax = fig.add_subplot()
    pos = np.array([loc.cell.position for loc in model.locations], dtype=float).reshape(-1, 2)
    core = in_view
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
    sizes = 15 + biggest * np.sqrt(present / size_reference)
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


def _legend_handles(model: DisplacementModel, kinds: Sequence[str]) -> list[Line2D]:
    """States (with today's entry policy), the kinds present, conflict and border marks."""
    def handle(label: str, **kw: Any) -> Line2D:
        return Line2D([], [], linestyle="none", label=label, **kw)

    handles = [handle(f"{s.code} {_short(s.name)}: entry {s.decisions.entry_policy()}", marker="o",
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
