"""Candidate journeys, enumerated once per world instead of once per person per day.

Flee enumerates routes for every agent that moves. The candidates only depend on where the
mover stands, so allysim lists, for every location, each simple path of up to ``awareness``
hops (every prefix is a candidate, as in Flee) with its length, its travel time and the hops
that cross a state border. A day's route choice is then a weighted draw over a slice of arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

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

    def last_passed(self, path: np.ndarray, times: np.ndarray, progress: np.ndarray) -> np.ndarray:
        """The last location each journey passed, given its node times and days travelled."""
        last = np.maximum((times <= progress[:, None] + EPS).sum(axis=1) - 1, 0)
        return self.nodes[path, last]

    def position(self, path: np.ndarray, profile: np.ndarray, progress: np.ndarray) -> np.ndarray:
        """Where each journey counts as being: the location it passed last."""
        return self.last_passed(path, self.time[profile, path], progress)


def candidate_paths(world: World, awareness: int, walk_speed: float, start_on_foot: bool) -> Paths:
    """Every simple path of 1..awareness hops from every location, sorted by start."""
    neighbours: list[list[tuple[int, int]]] = [[] for _ in range(world.n)]
    for e, (u, v) in enumerate(zip(world.edge_u.tolist(), world.edge_v.tolist(), strict=True)):
        neighbours[u].append((v, e))
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
