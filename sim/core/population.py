"""Everyone in the simulation: the three cohort tables, and what was observed of them last.

Rules replace the tables (``people``, ``travellers``, ``returning``) as they move people; the
recorder's ``observe`` refreshes ``occupancy`` and ``cube`` at the end of each day, and decisions
taken the next day read those: what states and alliances know are yesterday's figures.
"""

from __future__ import annotations

import numpy as np

from sim.core.cohorts import N_STATUS, People, Returning, Status, Travellers
from sim.core.world import World


class Population:
    """The cohort tables of one run and the counts derived from them."""

    def __init__(self, world: World, people: People):
        self.world = world
        self.people = people
        self.travellers = Travellers.empty()
        self.returning = Returning.empty()
        n_states = len(world.state_ids)
        self.occupancy = np.zeros((world.n, N_STATUS), dtype=np.int64)  # [location, status]
        self.cube = np.zeros((n_states, n_states, N_STATUS), dtype=np.int64)  # [origin, host, status]
        self.returned = np.zeros(n_states, dtype=np.int64)  # people back home, by home state (cum.)
        self.died = np.zeros(n_states, dtype=np.int64)  # people who died on the way, by home state (cum.)

    def total(self) -> int:
        """Everyone alive; with the dead (``died``) it is conserved exactly from day to day."""
        return self.people.total() + self.travellers.total() + self.returning.total()

    def hosted(self, state: int, statuses: tuple[Status, ...] = (Status.REFUGEE,)) -> int:
        """People of these statuses staying in a state now (not yesterday's figure)."""
        p = self.people
        sel = (self.world.state_of[p.loc] == state) & np.isin(p.status, statuses)
        return int(p.count[sel].sum())

    def hosted_per_resident(self, state: int) -> float:
        """Refugees and people relocated or resettled to a state, staying there now, per resident:
        the domestic pressure states respond to."""
        people = self.hosted(state, (Status.REFUGEE, Status.RELOCATED, Status.RESETTLED))
        return people / max(self.world.state_population[state], 1)

    def displaced_from(self, state: int) -> int:
        """A state's people displaced at the end of yesterday (IDPs and refugees, anywhere)."""
        return int(self.cube[state, :, Status.IDP].sum() + self.cube[state, :, Status.REFUGEE].sum())

    def note_returned(self, home: np.ndarray, count: np.ndarray) -> None:
        """People who reached their home location today."""
        self.returned += self._by_home_state(home, count)

    def note_died(self, home: np.ndarray, count: np.ndarray) -> None:
        """People from these home locations who died on the way today."""
        self.died += self._by_home_state(home, count)

    def _by_home_state(self, home: np.ndarray, count: np.ndarray) -> np.ndarray:
        """[state] ``count`` summed by the state of each ``home`` location."""
        return np.bincount(self.world.state_of[home], weights=count,
                           minlength=len(self.world.state_ids)).astype(np.int64)

    def observe(self, traveller_position: np.ndarray) -> None:
        """Refresh ``occupancy`` and ``cube`` from the tables (``traveller_position``: where each
        traveller row counts as being)."""
        w = self.world
        n, n_states = w.n, len(w.state_ids)
        key = self.people.loc * N_STATUS + self.people.status
        occ = np.bincount(key, weights=self.people.count, minlength=n * N_STATUS)
        self.occupancy = np.rint(occ).astype(np.int64).reshape(n, N_STATUS)
        p, t, r = self.people, self.travellers, self.returning
        origin = w.state_of[np.concatenate((p.origin, t.origin, r.origin))]
        host = w.state_of[np.concatenate((p.loc, traveller_position, r.last_loc))]
        status = np.concatenate((p.status, t.status, r.status))
        count = np.concatenate((p.count, t.count, r.count))
        key = (origin * n_states + host) * N_STATUS + status
        cube = np.bincount(key, weights=count, minlength=n_states * n_states * N_STATUS)
        self.cube = np.rint(cube).astype(np.int64).reshape(n_states, n_states, N_STATUS)
