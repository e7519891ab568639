"""The world as arrays: per-location and per-road state indexed by integer ids.

Mesa agents (sim/agents.py) give locations and states identity; the numbers the daily rules
read and write live here, in numpy arrays, so that one day costs a few vectorised operations
however many locations there are.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from sim.scenario import Scenario


class Kind(IntEnum):
    """Location kinds (the scenario's ``kind`` field)."""

    TOWN = 0
    CONFLICT_ZONE = 1
    CAMP = 2
    IDP_CAMP = 3
    BORDER_CROSSING = 4
    HUB = 5

    @property
    def label(self) -> str:
        return self.name.lower()


class World:
    """Locations, states and roads of one scenario, compiled to arrays."""

    def __init__(self, scenario: Scenario):
        w = scenario.world
        self.ids = [loc.id for loc in w.locations]
        self.names = [loc.name or loc.id for loc in w.locations]
        self.index = {loc_id: i for i, loc_id in enumerate(self.ids)}
        self.n = len(self.ids)
        self.state_ids = [s.id for s in w.states]
        self.state_index = {s: i for i, s in enumerate(self.state_ids)}
        self.state_of = np.array([self.state_index[loc.state] for loc in w.locations], dtype=np.int64)
        self.kind = np.array([Kind[loc.kind.upper()] for loc in w.locations], dtype=np.int8)
        self.lat = np.array([loc.lat for loc in w.locations])
        self.lon = np.array([loc.lon for loc in w.locations])
        self.population0 = np.array([loc.population for loc in w.locations], dtype=np.int64)
        # Per state: population (given, or the sum of its locations), economy, relocation fulfilment.
        self.state_population = np.array([
            s.population if s.population is not None else int(self.population0[self.state_of == i].sum())
            for i, s in enumerate(w.states)], dtype=np.int64)
        self.state_economy = np.array([s.economy for s in w.states])
        self.state_fulfilment = np.array([s.policy.relocation_fulfilment for s in w.states])
        self.capacity = np.array([np.inf if loc.capacity is None else float(loc.capacity)
                                  for loc in w.locations])
        self.open = np.ones(self.n, dtype=bool)
        self.intensity = np.array([loc.initial_conflict for loc in w.locations])
        self.aid = np.array([loc.aid for loc in w.locations])
        # Day on which each location last saw conflict (-1e9: never), for the returns rule.
        self.last_conflict_day = np.where(self.intensity > 0, 0, -1_000_000_000).astype(np.int64)
        # Day on which each location's current conflict began (-1: not in conflict), for the
        # conflict decay of Flee-style scoring and data-driven displacement.
        self.conflict_since = np.where(self.intensity > 0, 0, -1).astype(np.int64)

        # Written by the decision layer, read by movement:
        self.collateral = np.ones(self.n)  # flee/leave multiplier in intervention areas
        self.protection = np.ones(self.n)  # flee/leave multiplier in an alliance's protected areas
        self.attraction = np.ones(self.n)  # route-choice score multiplier of protected areas
        self.integration_support = np.zeros(len(self.state_ids))  # [state] added integration rate
        n_states = len(self.state_ids)
        self.relieved = np.zeros(n_states, dtype=np.int64)  # [state] relocated/evacuated out by allies
        self.ties = np.zeros((n_states, n_states))  # [state, other] interest in the other, 0..1
        for s in w.states:
            for other, tie in s.policy.ties.items():
                self.ties[self.state_index[s.id], self.state_index[other]] = tie
        self.recognition = np.ones((n_states, n_states))  # [host, origin] asylum recognition rate
        self.allied = np.zeros((n_states, n_states), dtype=bool)  # share an alliance with affinity
        for s in w.states:
            self.recognition[self.state_index[s.id], :] = s.policy.recognition_rate
        for a in w.alliances:
            members = [self.state_index[m] for m in a.members]
            if a.affinity:
                self.allied[np.ix_(members, members)] = True
            for origin, rate in a.asylum_recognition.items():
                self.recognition[members, self.state_index[origin]] = rate
        np.fill_diagonal(self.recognition, 1.0)
        np.fill_diagonal(self.allied, False)  # a state is not its own ally: home is never boosted
        # Each alliance's member states (an enlargement adds to them) and whether it has affinity.
        self.members = {a.id: np.array([self.state_index[m] for m in a.members], dtype=np.int64)
                        for a in w.alliances}
        self.affinity = {a.id: a.affinity for a in w.alliances}

        self.edge_u = np.array([self.index[r.from_] for r in w.routes], dtype=np.int64)
        self.edge_v = np.array([self.index[r.to] for r in w.routes], dtype=np.int64)
        self.edge_km = np.array([r.km for r in w.routes], dtype=float)
        default_speed = scenario.parameters.movement.max_move_speed
        self.edge_speed = np.array([r.speed or default_speed for r in w.routes], dtype=float)
        self.edge_open = np.ones(len(w.routes), dtype=bool)
        self.edge_irregular = np.array([r.irregular for r in w.routes], dtype=bool)
        self.edge_risk = np.array([r.risk for r in w.routes], dtype=float)  # death on the crossing
        # Written by alliances: share of the people reaching a road's checkpoint who pass it each
        # day (1: no checkpoint), and share of an irregular crossing's people turned back.
        self.edge_pass = np.ones(len(w.routes))
        self.edge_interception = np.zeros(len(w.routes))
        self.edge_of = {frozenset((int(u), int(v))): e
                        for e, (u, v) in enumerate(zip(self.edge_u, self.edge_v, strict=True))}
        self.is_camp = np.isin(self.kind, (Kind.CAMP, Kind.IDP_CAMP))
        # Homes of population classes living abroad: their people are back home in its state.
        self.class_home = np.zeros(self.n, dtype=bool)
        self.class_home[[self.index[c.home] for c in w.populations]] = True
        self.distances = RoadDistances(self.n, self.edge_u, self.edge_v, self.edge_km)

    def admit(self, alliance: str, state: int) -> None:
        """An enlargement: ``state`` joins ``alliance`` (and its affinity, if it has one)."""
        members = self.members[alliance] = np.append(self.members[alliance], state)
        if self.affinity[alliance]:
            self.allied[np.ix_(members, members)] = True
            self.allied[members, members] = False  # still not its own ally

    def set_intensity(self, i: int, value: float) -> None:
        self.intensity[i] = value

    def select(self, locations: list[str] | None, state: str | None) -> list[int]:
        """Location indices named, or in a state, or all."""
        if locations:
            return [self.index[loc] for loc in locations]
        if state:
            return np.flatnonzero(self.state_of == self.state_index[state]).tolist()
        return list(range(self.n))

    def note_conflict(self, day: int) -> None:
        """Remember that today's conflict locations saw fighting (returns wait for safe days)."""
        self.last_conflict_day[self.intensity > 0] = day
        self.conflict_since[(self.intensity > 0) & (self.conflict_since < 0)] = day
        self.conflict_since[self.intensity <= 0] = -1


class RoadDistances:
    """Shortest road distance (km) between locations, computed once per source on demand."""

    def __init__(self, n: int, edge_u: np.ndarray, edge_v: np.ndarray, edge_km: np.ndarray):
        self._graph = csr_matrix((np.concatenate([edge_km, edge_km]),
                                  (np.concatenate([edge_u, edge_v]), np.concatenate([edge_v, edge_u]))),
                                 shape=(n, n))
        self._row = np.full(n, -1)  # each source's row of _km, -1 until computed
        self._km = np.zeros((0, n))

    def km(self, source: np.ndarray, here: np.ndarray) -> np.ndarray:
        """Distance from each ``here`` to the matching ``source`` (inf where no road leads)."""
        missing = np.unique(source[self._row[source] < 0])
        if len(missing):
            dist = dijkstra(self._graph, directed=False, indices=missing)
            self._row[missing] = np.arange(len(self._km), len(self._km) + len(missing))
            self._km = np.concatenate([self._km, dist.reshape(len(missing), -1)])
        return self._km[self._row[source], here]
