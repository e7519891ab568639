"""Candidate journeys, enumerated once per world instead of once per person per day.

Flee enumerates routes for every agent that moves. The candidates only depend on where the
mover stands, so allysim lists, for every location, each simple path of up to ``awareness``
hops (every prefix is a candidate, as in Flee) with its length, its travel time and the hops
that cross a state border. A day's route choice is then a weighted draw over a slice of arrays.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from sim.core.world import World

RIDE, WALK_FIRST = 0, 1  # travel-time profiles: every leg at road speed, or the first leg walked
EPS = 1e-9  # tolerance on travel times


@dataclass(frozen=True)
class Paths:
    """All candidate journeys; paths starting at location i are rows ptr[i]:ptr[i+1]."""

    start: np.ndarray  # [P] location index
    end: np.ndarray  # [P] location index
    nodes: np.ndarray  # [P, A+1] locations along the path, -1 padded
    edges: np.ndarray  # [P, A] road index of each hop, -1 padded
    km: np.ndarray  # [P] length
    time: np.ndarray  # [2, P, A+1] days from departure to each node, per profile (inf padded)
    crosses: np.ndarray  # [P, A] hop k leaves one state for another
    ptr: np.ndarray  # [N+1]

    @property
    def max_hops(self) -> int:
        return self.edges.shape[1]

    @cached_property
    def leg_times(self) -> np.ndarray:
        """[2P, A+1] ``time`` by leg = profile * P + path: one row lookup per journey, much cheaper
        than a lookup by two indices."""
        return self.time.reshape(-1, self.time.shape[2])

    def last_passed(self, path: np.ndarray, times: np.ndarray, progress: np.ndarray) -> np.ndarray:
        """The last location each journey passed, given its node times and days travelled."""
        # Node 0 is passed at departure; the node times increase along the path. One comparison
        # per hop: a reduction along the short hop axis costs more than the whole loop.
        reach = progress + EPS
        width = times.shape[1]
        node = path * width  # flat index of the path's first node
        for k in range(1, width):
            node += times[:, k] <= reach
        return self.nodes.ravel()[node]

    def position(self, path: np.ndarray, profile: np.ndarray, progress: np.ndarray) -> np.ndarray:
        """Where each journey counts as being: the location it passed last."""
        return self.last_passed(path, self.leg_times.take(profile * len(self.end) + path, axis=0), progress)


@dataclass(frozen=True)
class GridStops:
    """Where a journey stands after a whole number of ticks of travel (travel progress is kept
    on a grid of ticks), for every path, profile and tick up to a day past its arrival: a day's
    travel is then one lookup per row instead of comparisons along the path.

    Cell ``first[leg] + t`` (leg = profile * P + path) is a journey ``t`` ticks after departure:
    ``node`` is the last location passed (the end once arrived), ``spare`` the whole ticks left
    on arrival (-1 while still on the way).
    """

    first: np.ndarray  # [2P] cell of each leg's departure
    node: np.ndarray  # [cells]
    spare: np.ndarray  # [cells]


def grid_stops(paths: Paths, ticks_per_day: int, days: int) -> GridStops:
    """The stops of every leg for 0 .. arrival + ``ticks_per_day`` ticks of travel, by the same
    comparisons (with tolerance EPS) as travel on continuous time. Nobody travels more than the
    run's ``days``, so a leg that takes longer is cut there: the grid stays as small as the run.

    Before arrival a leg's cells are runs of one node each (it passes node k from the first tick
    t with t / ticks_per_day + EPS >= its time to k, as ``Paths.last_passed`` compares), so they
    are written with one ``np.repeat`` instead of compared cell by cell.
    """
    n_paths = len(paths.end)
    hops = (paths.edges >= 0).sum(axis=1)
    total = paths.time[:, np.arange(n_paths), hops].ravel()  # [2P] days to the end of each leg
    arrive = np.maximum(np.ceil(np.minimum(total - EPS, days + 1) * ticks_per_day), 0).astype(np.int64)
    arrive -= (arrive > 0) & ((arrive - 1) / ticks_per_day >= total - EPS)  # the first tick that
    arrive += arrive / ticks_per_day < total - EPS  # arrives, whatever the rounding above
    arrive = np.minimum(arrive, days * ticks_per_day)
    size = arrive + ticks_per_day + 2  # one cell to spare past a day after arrival
    first = np.concatenate(([0], np.cumsum(size)[:-1]))
    passed = np.minimum(_first_tick_past(paths.leg_times[:, 1:], ticks_per_day, days + 2), size[:, None])
    bounds = np.concatenate((np.zeros((len(size), 1), dtype=np.int64), passed, size[:, None]), axis=1)
    passing = np.repeat(np.tile(paths.nodes, (2, 1)).ravel(), np.diff(bounds, axis=1).ravel())
    leg = np.repeat(np.arange(len(size)), size)
    stop = (np.arange(len(leg)) - first[leg]) / ticks_per_day
    arrived = stop >= total[leg] - EPS
    node = np.where(arrived, paths.end[leg % n_paths], passing)
    spare = (np.maximum(stop - total[leg], 0.0) * ticks_per_day + 1e-9).astype(np.int64)
    return GridStops(first=first, node=node, spare=np.where(arrived, spare, -1))


def _first_tick_past(days_to: np.ndarray, ticks_per_day: int, horizon: float) -> np.ndarray:
    """The first whole tick t with t / ticks_per_day + EPS >= ``days_to``, for times up to
    ``horizon`` days; later (and infinite) times give horizon's tick or more. (Arrival in
    grid_stops compares t / ticks_per_day >= total - EPS, as travel does: the two comparisons can
    differ by one tick in rounding, so arrival keeps its own.)"""
    capped = np.minimum(days_to, horizon)
    tick = np.maximum(np.ceil((capped - EPS) * ticks_per_day), 0).astype(np.int64)
    tick -= (tick > 0) & ((tick - 1) / ticks_per_day + EPS >= capped)  # whatever the rounding
    tick += tick / ticks_per_day + EPS < capped  # above
    return tick


def candidate_paths(world: World, awareness: int, walk_speed: float, start_on_foot: bool) -> Paths:
    """Every simple path of 1..awareness hops from every location, sorted by start (irregular
    routes only from their 'from' end)."""
    neighbours: list[list[tuple[int, int]]] = [[] for _ in range(world.n)]
    for e, (u, v) in enumerate(zip(world.edge_u.tolist(), world.edge_v.tolist(), strict=True)):
        neighbours[u].append((v, e))
        if not world.edge_irregular[e]:  # an irregular route runs one way only
            neighbours[v].append((u, e))
    for adj in neighbours:
        adj.sort()
    node_rows: list[list[int]] = []
    edge_rows: list[list[int]] = []
    ptr = [0]
    for s in range(world.n):
        stack: list[tuple[list[int], list[int]]] = [([s], [])]
        found: list[tuple[list[int], list[int]]] = []
        while stack:
            nodes, edges = stack.pop()
            for v, e in neighbours[nodes[-1]]:
                if v in nodes:
                    continue
                path = ([*nodes, v], [*edges, e])
                found.append(path)
                if len(path[1]) < awareness:
                    stack.append(path)
        found.sort(key=lambda p: p[0])
        node_rows += [p[0] for p in found]
        edge_rows += [p[1] for p in found]
        ptr.append(len(node_rows))
    n_paths = len(node_rows)
    nodes_arr = np.full((n_paths, awareness + 1), -1, dtype=np.int64)
    edges_arr = np.full((n_paths, awareness), -1, dtype=np.int64)
    for p, (nodes, edges) in enumerate(zip(node_rows, edge_rows, strict=True)):
        nodes_arr[p, : len(nodes)] = nodes
        edges_arr[p, : len(edges)] = edges
    has_edge = edges_arr >= 0
    safe_edges = np.where(has_edge, edges_arr, 0)
    leg_km = np.where(has_edge, world.edge_km[safe_edges], 0.0)
    ride = np.where(has_edge, leg_km / world.edge_speed[safe_edges], np.inf)
    walk = ride.copy()
    if start_on_foot and n_paths:
        walk[:, 0] = leg_km[:, 0] / np.minimum(walk_speed, world.edge_speed[safe_edges[:, 0]])
    time = np.zeros((2, n_paths, awareness + 1))
    time[RIDE, :, 1:] = np.cumsum(ride, axis=1)
    time[WALK_FIRST, :, 1:] = np.cumsum(walk, axis=1)
    safe_nodes = np.where(nodes_arr >= 0, nodes_arr, 0)
    node_state = world.state_of[safe_nodes]
    crosses = has_edge & (node_state[:, :-1] != node_state[:, 1:])
    last = has_edge.sum(axis=1)
    return Paths(
        start=nodes_arr[:, 0].copy(),
        end=nodes_arr[np.arange(n_paths), last],
        nodes=nodes_arr,
        edges=edges_arr,
        km=leg_km.sum(axis=1),
        time=time,
        crosses=crosses,
        ptr=np.array(ptr, dtype=np.int64),
    )


class RouteChoice:
    """The day's draw over each location's candidate paths, for movers from each origin state.

    Everyone leaving one location from one origin state draws from the same distribution, and a
    day draws in up to nine travel rounds: each (state, location) row is built the first time it
    is needed and kept until the weights of that location's paths change (mostly the few whose
    destination fills up), instead of once per mover row and round. A draw over rows whose
    widest location has ``width`` candidates has ``width`` categories, each location's heaviest
    path last (the draw's last category takes the rounding remainder); rows are kept per width.
    """

    def __init__(self, paths: Paths, n_states: int):
        self.paths = paths
        self.n = len(paths.ptr) - 1
        self.size = n_states * self.n
        self.degree = np.diff(paths.ptr)
        self.weights = np.zeros((n_states, len(paths.end)))
        # width -> ([S*N, width] probabilities, [S*N, width] paths, [S*N] any open path, [S*N] built)
        self._rows: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = {}

    def reset(self, weights: np.ndarray) -> None:
        """Start a day: ``weights`` [S, P] are today's path weights for movers from each state."""
        changed = np.zeros((len(weights), weights.shape[1] + 1), dtype=np.int64)
        np.cumsum(weights != self.weights, axis=1, out=changed[:, 1:])
        stale = (changed[:, self.paths.ptr[1:]] > changed[:, self.paths.ptr[:-1]]).ravel()
        for *_, built in self._rows.values():
            built &= ~stale
        self.weights = weights

    def rows(self, state: np.ndarray, loc: np.ndarray,
             width: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For movers from ``state`` at ``loc``: [R, width] draw probabilities, [R, width] the path
        of each category and [R] whether any path is open (``width``: the most candidates any of
        the locations has)."""
        if width not in self._rows:
            self._rows[width] = (np.zeros((self.size, width)), np.zeros((self.size, width), dtype=np.int64),
                                 np.zeros(self.size, dtype=bool), np.zeros(self.size, dtype=bool))
        prob, path, has_path, built = self._rows[width]
        pair = state * self.n + loc
        missing = ~built[pair]
        if missing.any():
            new = pair[missing]
            prob[new], path[new], has_path[new] = self._build(new // self.n, new % self.n, width)
            built[new] = True
        return prob.take(pair, axis=0), path.take(pair, axis=0), has_path[pair]

    def draw_each(self, state: np.ndarray, loc: np.ndarray, n: np.ndarray,
                  rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """One path per person for ``n`` movers from ``state`` at ``loc`` (by inverting each
        place's cumulative path weights at a uniform draw): as a multinomial draw per row, at a
        cost of the people drawn, not of the row's candidates. Returns (row, path, count) for
        every non-zero share, by row; rows with no open path draw nothing."""
        p = self.paths
        pairs, row_pair = np.unique(state * self.n + loc, return_inverse=True)
        pair_state, pair_loc = pairs // self.n, pairs % self.n
        degree = self.degree[pair_loc]
        pair_first = np.cumsum(degree) - degree  # each pair's first cell in the flat arrays below
        pair_of = np.repeat(np.arange(len(pairs)), degree)
        path = np.arange(len(pair_of)) - pair_first[pair_of] + p.ptr[pair_loc][pair_of]
        w = self.weights[pair_state[pair_of], path]
        total = np.bincount(pair_of, weights=w, minlength=len(pairs))
        cum = np.cumsum(w / np.where(total > 0, total, 1.0)[pair_of])  # each pair's run ends 1 higher
        base = np.concatenate(([0.0], cum))[pair_first]
        last_open = np.full(len(pairs), -1)
        np.maximum.at(last_open, pair_of, np.where(w > 0, np.arange(len(w)), -1))
        row = np.repeat(np.arange(len(n)), np.where(total[row_pair] > 0, n, 0))  # one per person
        pair = row_pair[row]
        u = base[pair] + rng.random(len(row)) * (cum[pair_first + degree - 1] - base)[pair]
        cell = np.minimum(np.searchsorted(cum, u, side="right"), last_open[pair])
        key, count = np.unique(row * len(p.end) + path[cell], return_counts=True)
        return key // len(p.end), key % len(p.end), count

    def _build(self, state: np.ndarray, loc: np.ndarray,
               width: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        p = self.paths
        start = p.ptr[loc]
        degree = self.degree[loc]
        col = np.arange(width)
        path = np.minimum(start[:, None] + col, len(p.end) - 1)
        w = np.where(col < degree[:, None], self.weights[state[:, None], path], 0.0)
        r, heaviest = np.arange(len(loc)), w.argmax(axis=1)
        path[r, heaviest], path[r, -1] = path[r, -1], path[r, heaviest]
        w[r, heaviest], w[r, -1] = w[r, -1], w[r, heaviest]
        total = w.sum(axis=1)
        has_path = total > 0
        return w / np.where(has_path, total, 1.0)[:, None], path, has_path
