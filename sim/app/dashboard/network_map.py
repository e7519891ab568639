"""The map: the road network on its longitude/latitude layout, drawn by Vega-Lite in the browser.

Offline by design (no map tiles): places, roads and borders are drawn from the scenario's own
coordinates. ``MapView`` builds the chart once per run (its layers, its initial view and size,
each state's colour); each day only the rows of its datasets change: the places with the people
present by status, the roads with the people on them, today's airlifts, the border crossings a
state or an alliance has closed or restricted, and the labels that fit. Hovering a place shows
its numbers, the mouse wheel zooms, dragging pans; the view keeps its zoom from day to day.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import altair as alt
import numpy as np

from sim.app.dashboard import markup
from sim.app.dashboard.live_vega import vega_spec
from sim.core.cohorts import Status
from sim.core.flows import FlowKind
from sim.core.routes import EPS
from sim.core.world import Kind
from sim.model import DisplacementModel

STATE_COLOURS = ("#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22",
                 "#ff7f0e", "#aec7e8", "#98df8a", "#c5b0d5", "#c49c94")
FAR_COLOUR = "#a0a0a0"  # every state with no place in the initial view
KIND_SHAPES = {Kind.TOWN: "circle", Kind.CONFLICT_ZONE: "circle", Kind.CAMP: "triangle-up",
               Kind.IDP_CAMP: "triangle-down", Kind.BORDER_CROSSING: "diamond", Kind.HUB: "square"}
CONFLICT = "#d62728"
POLICY_COLOURS = {"closed": "black", "managed": "#ff7f0e"}
ROAD, AIRLIFT = "#a8a8a8", "#6a3d9a"
AIRLIFT_KINDS = {FlowKind.RELOCATION: "relocated", FlowKind.RESETTLEMENT: "resettled",
                 FlowKind.EVACUATION: "evacuated"}
WIDTH, MIN_HEIGHT, MAX_HEIGHT = 560, 340, 540  # pixels
FAR = 5.0  # a place further than FAR times the median distance from the middle starts off view
MAX_LABELS, LABEL_FONT = 16, 11
BIGGEST_MARK = 900.0  # marker area (px²) of a place holding ``size_reference`` people


def main_area(pos: np.ndarray, spread: float = FAR) -> np.ndarray:
    """Which locations the initial view shows: all but those far from the rest.

    Far means more than ``spread`` times the median distance from the median location, such as
    the distant capitals that take in evacuated or resettled people; zooming out shows them.
    """
    everywhere = np.ones(len(pos), dtype=bool)
    if len(pos) < 4:
        return everywhere
    distance = np.hypot(*(pos - np.median(pos, axis=0)).T)
    scale = float(np.median(distance))
    core = distance <= spread * scale
    return core if scale > 0 and core.sum() >= 2 else everywhere


def restricted_crossings(model: DisplacementModel) -> dict[str, list[tuple[int, int]]]:
    """The roads across a border that is closed or managed today (in either direction),
    whoever set it: the scenario's events, a state's border stance or an alliance."""
    out: dict[str, list[tuple[int, int]]] = {"closed": [], "managed": []}
    w = model.world
    for u, v in zip(w.edge_u.tolist(), w.edge_v.tolist(), strict=True):
        if w.state_of[u] != w.state_of[v]:
            policies = {model.borders.crossing_policy(u, v), model.borders.crossing_policy(v, u)}
            worst = "closed" if "closed" in policies else "managed" if "managed" in policies else None
            if worst:
                out[worst].append((u, v))
    return out


def road_load(model: DisplacementModel) -> np.ndarray:
    """[roads] people on each road at the end of the day: travellers between two stops of their
    journey, and those waiting at a managed border to take the road across it."""
    trav, paths = model.population.travellers, model.paths
    load = np.zeros(len(model.world.edge_u))
    if not len(trav):
        return load
    times = paths.leg_times.take(trav.profile * len(paths.end) + trav.path, axis=0)
    passed = (times[:, 1:] <= trav.progress[:, None] + EPS).sum(axis=1)  # stops reached after the start
    on_road = passed < paths.max_hops
    edge = paths.edges[trav.path[on_road], passed[on_road]]
    known = edge >= 0
    return load + np.bincount(edge[known], weights=trav.count[on_road][known], minlength=len(load))


def today_flows(model: DisplacementModel) -> tuple[np.ndarray, ...]:
    """The flows recorded for the last simulated day: (from, to, kind, count); empty before it."""
    rec = model.recorder
    if rec.flows and rec.flows[-1][0] == model.day:
        return rec.flows[-1][1]
    empty = np.zeros(0, dtype=np.int64)
    return empty, empty, empty, empty


def _per_road(model: DisplacementModel, frm: np.ndarray, to: np.ndarray, count: np.ndarray) -> np.ndarray:
    """[roads] the counts of flows between neighbouring locations, summed by the road joining them."""
    road = _road_of(model, frm, to)
    known = road >= 0
    return np.bincount(road[known], weights=count[known], minlength=len(model.world.edge_u))


def _road_of(model: DisplacementModel, frm: np.ndarray, to: np.ndarray) -> np.ndarray:
    """The road joining each pair of neighbouring locations (-1 where none does)."""
    w = model.world
    if not len(w.edge_u):
        return np.full(len(frm), -1)
    key = np.minimum(w.edge_u, w.edge_v) * w.n + np.maximum(w.edge_u, w.edge_v)
    order = np.argsort(key)
    ordered = key[order]
    wanted = np.minimum(frm, to) * w.n + np.maximum(frm, to)
    at = np.minimum(np.searchsorted(ordered, wanted), len(key) - 1)
    return np.where(ordered[at] == wanted, order[at], -1)


@dataclass(frozen=True)
class MapFrame:
    """What stays fixed during a run: the initial view, the size in pixels, each state's colour."""

    x_domain: tuple[float, float]
    y_domain: tuple[float, float]
    width: int
    height: int
    colours: tuple[str, ...]  # per state
    near: tuple[bool, ...]  # per state: it has a place in the initial view
    in_view: np.ndarray  # per location
    size_reference: int  # people: a place holding this many gets the biggest marker

    def pixels(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Positions in the initial view, in pixels from its top left corner."""
        (x0, x1), (y0, y1) = self.x_domain, self.y_domain
        return (lon - x0) / (x1 - x0) * self.width, (y1 - lat) / (y1 - y0) * self.height


def map_frame(model: DisplacementModel) -> MapFrame:
    """The initial view: the main area (see ``main_area``) with a margin, at the aspect ratio of
    its longitude and latitude spans at its latitude; states with a place in it get a colour each,
    the others (far away) share a grey."""
    w = model.world
    pos = np.column_stack([w.lon, w.lat]).astype(float)
    core = main_area(pos)
    lo, hi = pos[core].min(axis=0), pos[core].max(axis=0)
    centre = (lo + hi) / 2
    squeeze = max(math.cos(math.radians(float(centre[1]))), 0.2)  # a degree of longitude, in latitude's
    span_x = max((hi[0] - lo[0]) * squeeze, 0.05) * 1.24  # 12% margin on either side
    span_y = max(hi[1] - lo[1], 0.05) * 1.24
    height = int(min(max(WIDTH * span_y / span_x, MIN_HEIGHT), MAX_HEIGHT))
    if span_y / span_x > height / WIDTH:
        span_x = span_y * WIDTH / height
    else:
        span_y = span_x * height / WIDTH
    near_states = set(w.state_of[core].tolist())
    colours, k = [], 0
    for s in range(len(w.state_ids)):
        colours.append(STATE_COLOURS[k % len(STATE_COLOURS)] if s in near_states else FAR_COLOUR)
        k += s in near_states
    occupancy = model.population.occupancy
    reference = max(1, int(occupancy[core].sum(axis=1).max(initial=0)))
    return MapFrame((float(centre[0] - span_x / squeeze / 2), float(centre[0] + span_x / squeeze / 2)),
                    (float(centre[1] - span_y / 2), float(centre[1] + span_y / 2)), WIDTH, height,
                    tuple(colours), tuple(s in near_states for s in range(len(w.state_ids))), core, reference)


def place_labels(names: list[str], px: np.ndarray, py: np.ndarray, priority: np.ndarray,
                 width: int, height: int, limit: int = MAX_LABELS) -> list[int]:
    """Which places get a label: the most important first, each only if its label (to the upper
    right of the marker) stays inside the view and clear of the labels already placed."""
    placed: list[tuple[float, float, float, float]] = []
    chosen = []
    for i in np.argsort(-priority, kind="stable").tolist():
        x0, y1 = px[i] + 5, py[i] - 4
        box = (x0, y1 - LABEL_FONT, x0 + 0.58 * LABEL_FONT * len(names[i]), y1)
        if box[0] < 0 or box[1] < 0 or box[2] > width or box[3] > height:
            continue
        if any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed):
            continue
        placed.append(box)
        chosen.append(i)
        if len(chosen) == limit:
            break
    return chosen


def _short(name: str, width: int = 24) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def _listed(names: list[str], counts: np.ndarray, shown: int = 4) -> str:
    """'DEU 300, USA 120, TUR 80, FRA 40 and 17 more' (names ordered by count)."""
    text = ", ".join(f"{name} {int(n):,}" for name, n in zip(names[:shown], counts[:shown], strict=True))
    return text + (f" and {len(names) - shown} more" if len(names) > shown else "")


def state_name(name: str) -> str:
    """A state's name without its note: 'Kosovo (then part of FR Yugoslavia)' -> 'Kosovo'."""
    return _short(name.split(" (")[0], 22)


class MapView:
    """The map of one run: ``spec`` (drawn once), ``data()`` (each day), ``legend()`` (HTML)."""

    def __init__(self, model: DisplacementModel):
        self.model = model
        self.frame = map_frame(model)
        self.spec = map_spec(self.frame)

    def data(self) -> dict[str, list[dict[str, Any]]]:
        """Today's rows of every dataset of the map; call it holding the model's lock."""
        m, w, frame = self.model, self.model.world, self.frame
        frm, to, kind, count = today_flows(m)
        occupancy = m.population.occupancy
        present = occupancy.sum(axis=1)
        states = m.states
        area = 25 + BIGGEST_MARK * np.minimum(present / frame.size_reference, 2.0)
        places = []
        for i in np.argsort(-area, kind="stable").tolist():  # small markers drawn over big ones
            row = occupancy[i]
            intensity = float(w.intensity[i])
            camp = bool(w.is_camp[i])
            places.append({
                "lon": float(w.lon[i]), "lat": float(w.lat[i]), "name": w.names[i],
                "state": f"{states[w.state_of[i]].code} {states[w.state_of[i]].name}",
                "kind": Kind(int(w.kind[i])).label.replace("_", " ") + (
                    "" if not camp else " (open)" if w.open[i] else " (closed)"),
                "present": int(present[i]), "residents": int(row[Status.RESIDENT]),
                "idps": int(row[Status.IDP]), "refugees": int(row[Status.REFUGEE]),
                "relocated": int(row[Status.RELOCATED]), "resettled": int(row[Status.RESETTLED]),
                "returnees": int(row[Status.RETURNEE]), "integrated": int(row[Status.INTEGRATED]),
                "conflict": round(intensity, 2),
                "capacity": "unlimited" if math.isinf(w.capacity[i]) else f"{int(w.capacity[i]):,}",
                "shape": KIND_SHAPES[Kind(int(w.kind[i]))], "fill": frame.colours[w.state_of[i]],
                "size": float(area[i]), "ring": CONFLICT if intensity > 0 else "#333333",
                "ring_width": 1.5 + 3.0 * intensity if intensity > 0 else 0.7,
                "opacity": 0.9 if w.open[i] else 0.35,
            })
        px, py = frame.pixels(w.lon, w.lat)
        labels = [{"lon": float(w.lon[i]), "lat": float(w.lat[i]), "text": _short(w.names[i])}
                  for i in place_labels([_short(n) for n in w.names], px, py, present.astype(float),
                                        frame.width, frame.height)]
        airlifts, flown_away = self._airlifts(frm, to, kind, count)
        return {"roads": self._roads(frm, to, kind, count), "airlifts": airlifts, "flown_away": flown_away,
                "places": places, "borders": self._borders(), "labels": labels}

    def _roads(self, frm: np.ndarray, to: np.ndarray, kind: np.ndarray,
               count: np.ndarray) -> list[dict[str, Any]]:
        """Every road with the people on it tonight (its width), and at a border the people who
        crossed it or were stopped there today."""
        m, w = self.model, self.model.world
        load = road_load(m)
        crossed, stopped = (_per_road(m, frm[sel], to[sel], count[sel])
                            for sel in (kind == FlowKind.CROSSING, kind == FlowKind.BLOCKED))
        reference = max(float(load.max(initial=0)), 1000.0)
        rows = []
        for e, (u, v) in enumerate(zip(w.edge_u.tolist(), w.edge_v.tolist(), strict=True)):
            border = w.state_of[u] != w.state_of[v]
            rows.append({
                "lon": float(w.lon[u]), "lat": float(w.lat[u]), "lon2": float(w.lon[v]),
                "lat2": float(w.lat[v]), "road": f"{w.names[u]} – {w.names[v]}",
                "km": round(float(w.edge_km[e])), "on_road": round(float(load[e])),
                "closed": not bool(w.edge_open[e]),
                "crossed": f"{int(crossed[e]):,}" if border else "not a border",
                "stopped": f"{int(stopped[e]):,}" if border else "not a border",
                "width": 1.0 + 9.0 * math.sqrt(load[e] / reference),
                "colour": CONFLICT if not w.edge_open[e] else ROAD,
            })
        return rows

    def _airlifts(self, frm: np.ndarray, to: np.ndarray, kind: np.ndarray,
                  count: np.ndarray) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Today's relocations, resettlements and evacuations: a line per route between places
        in the initial view, and for each state that sent people far away (off the initial view)
        a note of how many, at its place that sent the most, with where they left from and the
        states they went to."""
        m, w, frame = self.model, self.model.world, self.frame
        airlift = np.isin(kind, list(AIRLIFT_KINDS))
        frm, to, kind, count = frm[airlift], to[airlift], kind[airlift], count[airlift]
        lines = []
        for a, b, k, n in zip(frm.tolist(), to.tolist(), kind.tolist(), count.tolist(), strict=True):
            if frame.in_view[b]:
                lines.append({"lon": float(w.lon[a]), "lat": float(w.lat[a]), "lon2": float(w.lon[b]),
                              "lat2": float(w.lat[b]), "route": f"{w.names[a]} → {w.names[b]}",
                              "what": f"{AIRLIFT_KINDS[FlowKind(k)]} today", "people": n,
                              "width": 1.0 + 2.0 * math.log10(max(n, 1))})
        notes = []
        away = ~frame.in_view[to]
        for sender in np.unique(w.state_of[frm[away]]).tolist():
            sel = away & (w.state_of[frm] == sender)
            by_place = np.bincount(frm[sel], weights=count[sel], minlength=w.n)
            by_state = np.bincount(w.state_of[to[sel]], weights=count[sel], minlength=len(m.states))
            places = [i for i in np.argsort(-by_place, kind="stable").tolist() if by_place[i] > 0]
            states = [s for s in np.argsort(-by_state, kind="stable").tolist() if by_state[s] > 0]
            verbs = " and ".join(AIRLIFT_KINDS[FlowKind(k)] for k in sorted(set(kind[sel].tolist())))
            total = int(count[sel].sum())
            px, _ = frame.pixels(w.lon[places[0]], w.lat[places[0]])
            notes.append({"lon": float(w.lon[places[0]]), "lat": float(w.lat[places[0]]),
                          "text": f"{total:,} sent away", "east": bool(px > frame.width * 0.75),
                          "what": f"{verbs} today to far-away states", "people": total,
                          "from": _listed([w.names[i] for i in places], by_place[places]),
                          "to": _listed([m.states[s].code for s in states], by_state[states])})
        return lines, notes

    def _borders(self) -> list[dict[str, Any]]:
        """A mark on each restricted border road: its middle, or near the end in view of a road
        that leads out of the initial view."""
        m, w, frame = self.model, self.model.world, self.frame
        rows = []
        for policy, roads in restricted_crossings(m).items():
            for u, v in roads:
                near, far = (u, v) if frame.in_view[u] or not frame.in_view[v] else (v, u)
                share = 0.5 if frame.in_view[near] == frame.in_view[far] else 0.15
                entered = [m.states[w.state_of[b]] for a, b in ((u, v), (v, u))
                           if m.borders.crossing_policy(a, b) != "open"]
                rows.append({"lon": float(w.lon[near] + share * (w.lon[far] - w.lon[near])),
                             "lat": float(w.lat[near] + share * (w.lat[far] - w.lat[near])),
                             "colour": POLICY_COLOURS[policy], "road": f"{w.names[u]} – {w.names[v]}",
                             "entry": "; ".join(f"into {s.code}: {s.decisions.entry_policy()}"
                                                for s in entered)})
        return rows

    def legend(self) -> str:
        """States with today's entry policy (far-away states as one entry), the kinds of place
        shown, and what the marks mean, as HTML."""
        m, frame = self.model, self.frame
        near = [s for s in m.states if frame.near[s.index]]
        far = [s for s in m.states if not frame.near[s.index]]
        items = [markup.legend_item(markup.symbol("circle", frame.colours[s.index]),
                                    f"{s.code} {state_name(s.name)}: entry {s.decisions.entry_policy()}")
                 for s in near]
        if far:
            restricted = [f"{s.code} {s.decisions.entry_policy()}" for s in far
                          if m.borders.entry_policy(s.code) != "open"]
            names = ", ".join(s.code for s in far[:6]) + (", …" if len(far) > 6 else "")
            items.append(markup.legend_item(
                markup.symbol("circle", FAR_COLOUR),
                f"{len(far)} far-away state{'s' if len(far) > 1 else ''} ({names}), "
                + (f"entry {'; '.join(restricted)}" if restricted else "all open")
                + ": zoom out to see them"))
        kinds = {Kind(int(k)) for k in np.unique(m.world.kind)}
        shapes = [markup.legend_item(markup.symbol(KIND_SHAPES[k]), k.label.replace("_", " "))
                  for k in KIND_SHAPES if k in kinds and k is not Kind.CONFLICT_ZONE]
        marks = [
            markup.legend_item(markup.symbol("circle", "white", CONFLICT, 2.5),
                               "conflict (thicker ring: more intense)"),
            markup.legend_item(markup.symbol("cross", POLICY_COLOURS["closed"]), "border closed"),
            markup.legend_item(markup.symbol("cross", POLICY_COLOURS["managed"]),
                               "border managed (daily quota)"),
            markup.legend_item(markup.stroke(ROAD, 5), "road: width = people on it tonight"),
            markup.legend_item(markup.stroke(CONFLICT, 2, "2 3"), "road closed"),
            markup.legend_item(markup.stroke(AIRLIFT, 2, "6 4"), "relocated, resettled or evacuated today"),
            markup.legend_item(f'<b style="color: {AIRLIFT}">123 sent away</b>',
                               "relocated, resettled or evacuated far away today (hover: from, to)"),
        ]
        shapes.append(markup.legend_item(markup.symbol("circle", "#dddddd", "#999999"), "faded: camp closed"))
        return ('<div class="allysim-legend">'
                f'<div><b>States</b> {"".join(items)}</div>'
                f'<div><b>Places</b> (area: people present) {"".join(shapes)}</div>'
                f'<div><b>Marks</b> {"".join(marks)}</div></div>')


def map_spec(frame: MapFrame, validate: bool = False) -> dict[str, Any]:
    """The map chart: roads, airlifts, places, border marks and labels on shared lon/lat scales,
    zoomed and panned with the mouse."""
    def xy(lon: str = "lon", lat: str = "lat") -> dict[str, Any]:
        return {"x": alt.X(f"{lon}:Q", scale=alt.Scale(domain=list(frame.x_domain), nice=False, zero=False),
                           axis=alt.Axis(title="longitude", format=".1f", grid=False, tickCount=6)),
                "y": alt.Y(f"{lat}:Q", scale=alt.Scale(domain=list(frame.y_domain), nice=False, zero=False),
                           axis=alt.Axis(title="latitude", format=".1f", grid=False, tickCount=6))}

    people = {"format": ","}
    roads = alt.Chart(alt.Data(name="roads")).mark_rule(clip=True, strokeCap="round").encode(
        **xy(), x2="lon2:Q", y2="lat2:Q", color=alt.Color("colour:N", scale=None),
        strokeWidth=alt.StrokeWidth("width:Q", scale=None),
        strokeDash=alt.condition("datum.closed", alt.value([2, 3]), alt.value([1, 0])),
        tooltip=[alt.Tooltip("road:N"), alt.Tooltip("km:Q", title="km"),
                 alt.Tooltip("on_road:Q", title="people on the road tonight", **people),
                 alt.Tooltip("crossed:N", title="crossed the border today"),
                 alt.Tooltip("stopped:N", title="stopped at the border today"),
                 alt.Tooltip("closed:N", title="road closed")])
    airlifts = alt.Chart(alt.Data(name="airlifts")).mark_rule(
        clip=True, color=AIRLIFT, strokeDash=[6, 4], opacity=0.85).encode(
        **xy(), x2="lon2:Q", y2="lat2:Q", strokeWidth=alt.StrokeWidth("width:Q", scale=None),
        tooltip=[alt.Tooltip("route:N"), alt.Tooltip("what:N", title="movement"),
                 alt.Tooltip("people:Q", **people)])
    sent = alt.Chart(alt.Data(name="flown_away"))
    sent_tip = [alt.Tooltip("from:N"), alt.Tooltip("what:N", title="movement"),
                alt.Tooltip("people:Q", **people), alt.Tooltip("to:N", title="to")]
    flown_away = [  # near the right edge the note goes to the left of its place
        sent.transform_filter(f"{'' if east else '!'}datum.east").mark_text(
            clip=True, align="right" if east else "left", baseline="top", dx=-6 if east else 6, dy=6,
            fontSize=10, fontWeight="bold", color=AIRLIFT).encode(**xy(), text="text:N", tooltip=sent_tip)
        for east in (False, True)]
    zoom = alt.selection_interval(bind="scales", name="zoom")
    places = alt.Chart(alt.Data(name="places")).mark_point(clip=True, filled=True).encode(
        **xy(), shape=alt.Shape("shape:N", scale=None), fill=alt.Fill("fill:N", scale=None),
        size=alt.Size("size:Q", scale=None), stroke=alt.Stroke("ring:N", scale=None),
        strokeWidth=alt.StrokeWidth("ring_width:Q", scale=None), opacity=alt.Opacity("opacity:Q", scale=None),
        tooltip=[alt.Tooltip("name:N", title="place"), alt.Tooltip("state:N"), alt.Tooltip("kind:N"),
                 alt.Tooltip("present:Q", title="people present", **people),
                 alt.Tooltip("residents:Q", **people), alt.Tooltip("idps:Q", title="IDPs", **people),
                 alt.Tooltip("refugees:Q", **people), alt.Tooltip("returnees:Q", **people),
                 alt.Tooltip("relocated:Q", **people), alt.Tooltip("resettled:Q", **people),
                 alt.Tooltip("integrated:Q", **people),
                 alt.Tooltip("conflict:Q", title="conflict intensity"), alt.Tooltip("capacity:N")],
    ).add_params(zoom)
    borders = alt.Chart(alt.Data(name="borders")).mark_point(
        clip=True, shape="cross", angle=45, filled=True, size=160, stroke="white", strokeWidth=0.8).encode(
        **xy(), fill=alt.Fill("colour:N", scale=None),
        tooltip=[alt.Tooltip("road:N", title="border road"), alt.Tooltip("entry:N", title="entry")])
    label = alt.Chart(alt.Data(name="labels")).mark_text(clip=True, align="left", baseline="bottom", dx=5,
                                                         dy=-4, fontSize=LABEL_FONT)
    halo = label.mark_text(clip=True, align="left", baseline="bottom", dx=5, dy=-4, fontSize=LABEL_FONT,
                           stroke="white", strokeWidth=3, strokeOpacity=0.85).encode(**xy(), text="text:N")
    names = label.encode(**xy(), text="text:N", color=alt.value("#222222"))
    chart = alt.layer(roads, airlifts, places, borders, halo, names, *flown_away).properties(
        width=frame.width, height=frame.height).configure_view(stroke="#dddddd")
    return vega_spec(chart, validate)
