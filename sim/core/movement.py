"""The movement rule: who leaves today, where they head, how far they get, and who goes home.

Flee's published rule set (docs/model.md), applied to cohorts instead of individuals:

1. returns: displaced people whose home has been safe for ``safe_days`` head home with
   probability ``return_rate`` a day;
2. departures: residents flee with probability ``flee_rate * intensity^power``; displaced people
   move on with a probability set by the location's kind, conflict intensity and aid;
3. route choice: each leaver draws one candidate path (up to ``awareness`` hops) with weight
   ``(score / (softening + km)^distance_power * capacity_factor)^weight_power``;
4. travel: everyone on a journey advances one day of travel time; border hops obey today's gate
   policy (closed: stopped and stranded before the border; managed: a daily capacity, the rest
   wait); arrivals with travel time to spare may decide again the same day.

The formulas (leave probability, route weight, capacity factor) are sim/core/rules.py. Every
draw is binomial, multinomial or hypergeometric on integer counts, so nobody is created or lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from sim.core import rules
from sim.core.borders import CLOSED, MANAGED, OPEN, Borders
from sim.core.cohorts import (
    TICKS_PER_DAY,
    People,
    Returning,
    Status,
    Travellers,
    group_rows,
    quantise_travel,
    status_mask,
)
from sim.core.flows import FlowKind, Flows
from sim.core.population import Population
from sim.core.routes import EPS, RIDE, WALK_FIRST, Paths
from sim.core.world import World
from sim.scenario.parameters import Parameters

MAX_HOPS_PER_DAY = 8  # bound on same-day continuation rounds
# Lookup tables indexed by status code: DISPLACED[status_array] is a boolean mask.
DISPLACED = status_mask(Status.IDP, Status.REFUGEE)
AT_HOME = status_mask(Status.RESIDENT, Status.RETURNEE)
SHELTERED = status_mask(Status.IDP, Status.REFUGEE, Status.RELOCATED, Status.RESETTLED)


class Departures(Protocol):
    """Replaces the day's drawn departures from home (data-driven displacement)."""

    def departures(self, people: People, leavers: np.ndarray) -> np.ndarray: ...


@dataclass
class Movement:
    """Applies the movement rule to the population's cohort tables once a day.

    ``spawner``, when given, replaces the departures from home that the flee probability draws
    (data-driven displacement).
    """

    world: World
    paths: Paths
    borders: Borders
    params: Parameters
    population: Population
    flows: Flows
    rng: np.random.Generator
    spawner: Departures | None = None

    def __post_init__(self) -> None:
        self.home_of = self._home_keys()
        hops = (self.paths.edges >= 0).sum(axis=1)
        # [profile, P] days from departure to the end of each path
        self._arrival_time = self.paths.time[:, np.arange(len(hops)), hops]

    def _home_keys(self) -> np.ndarray:
        """[N] the home location displaced people are kept under, by their real home.

        Only returns read a displaced person's home location; everything else (status, route
        weights, every output) reads its state. Without returns, displaced cohorts are therefore
        keyed by one location per state, which merges rows that would otherwise differ only by
        home (many on Flee folders, where returns are off) without changing any result.
        """
        w = self.world
        if self.params.returns.enabled:
            return np.arange(w.n)
        states, first = np.unique(w.state_of, return_index=True)
        representative = np.zeros(len(w.state_ids), dtype=np.int64)
        representative[states] = first
        return representative[w.state_of]

    # -- the daily step --------------------------------------------------------------------------

    def step(self, day: int) -> None:
        pop, mv, w = self.population, self.params.movement, self.world
        self.borders.start_day()
        people = pop.people
        if not self.params.returns.enabled:
            people.origin = np.where(DISPLACED[people.status], self.home_of[people.origin], people.origin)
        leaving_home = self._start_returns(people, day)
        sheltered = np.bincount(people.loc, weights=people.count * SHELTERED[people.status],
                                minlength=w.n)
        weights = self._weights_by_state(sheltered, day)
        flee = rules.flee_probability(w, self.params.displacement, mv)
        p = np.where(AT_HOME[people.status], flee[people.loc], 0.0)
        p = np.where(DISPLACED[people.status], rules.leave_probability(w, mv)[people.loc], p)
        p = np.where(people.status == Status.REFUGEE, self._unrecognised_leave(people, p), p)
        leavers = self.rng.binomial(people.count, p)
        if self.spawner is not None:  # data_driven: the observed daily total leaves
            leavers = self.spawner.departures(people, leavers)
        departed, travellers, _ = self._depart(people, leavers, weights)
        people.count -= departed
        moving, arrived = self._travel(Travellers.concat([pop.travellers, travellers]),
                                       np.ones(len(pop.travellers) + len(travellers)), weights)
        home = self._advance_returns(Returning.concat([pop.returning, leaving_home]))
        pop.people = People.concat([people, arrived, home]).merged()
        pop.travellers = moving.merged()

    def _unrecognised_leave(self, people: People, p: np.ndarray) -> np.ndarray:
        """Refugees whose claim the host does not recognise are more likely to move on."""
        w = self.world
        unrecognised = 1.0 - w.recognition[w.state_of[people.loc], w.state_of[people.origin]]
        return p + (1.0 - p) * unrecognised * self.params.movement.rejected_leave_probability

    def _weights_by_state(self, sheltered: np.ndarray, day: int) -> np.ndarray:
        """[S, P] path weights for movers from every state (rows indexed by state)."""
        w, mv = self.world, self.params.movement
        states = np.arange(len(w.state_ids))
        exponent = rules.conflict_exponent(w, day, mv, self.params.displacement)
        score = rules.location_score(w, states, exponent, mv)
        capacity = rules.capacity_factor(w, sheltered, mv)
        return rules.path_weights(w, self.paths, score, capacity, self.borders.path_closed(), mv)

    def _depart(self, at: People, leavers: np.ndarray,
                weights: np.ndarray) -> tuple[np.ndarray, Travellers, np.ndarray]:
        """Draw each leaver's path. People with no open path stay where they are.

        Returns how many left each row of ``at``, the new travellers, and each traveller row's
        source row in ``at``.
        """
        rows = np.flatnonzero(leavers)
        origin_state = self.world.state_of[at.origin[rows]]
        row, path, n = self._choose(at.loc[rows], origin_state, leavers[rows], weights)
        src = rows[row]
        departed = np.bincount(src, weights=n, minlength=len(at)).astype(np.int64)
        fled = AT_HOME[at.status[src]]
        ends = self.paths.end[path]
        self.flows.add(at.loc[src][fled], ends[fled], FlowKind.FLIGHT, n[fled])
        self.flows.add(at.loc[src][~fled], ends[~fled], FlowKind.ONWARD, n[~fled])
        walk = WALK_FIRST if self.params.movement.start_on_foot else RIDE
        travellers = Travellers(
            origin=self.home_of[at.origin[src]],
            status=np.where(fled, Status.IDP, at.status[src]).astype(np.int64),
            path=path,
            profile=np.where(fled, walk, RIDE).astype(np.int64),
            progress=np.zeros(len(src)),
            count=n,
        )
        return departed, travellers, src

    def _choose(self, loc: np.ndarray, wrow: np.ndarray, n: np.ndarray,
                weights: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """One multinomial draw per row over the candidate paths out of its location.

        Returns (row, path, count) for every non-zero share; rows with no open path draw nothing.
        """
        p = self.paths
        start = p.ptr[loc]
        degree = p.ptr[loc + 1] - start
        width = int(degree.max()) if len(loc) else 0
        if width == 0:
            return _cat([]), _cat([]), _cat([])
        col = np.arange(width)
        path = np.minimum(start[:, None] + col, len(p.end) - 1)
        w = np.where(col < degree[:, None], weights[wrow[:, None], path], 0.0)
        # The draw's last category takes the rounding remainder: make it each row's heaviest path.
        r, heaviest = np.arange(len(loc)), w.argmax(axis=1)
        path[r, heaviest], path[r, -1] = path[r, -1], path[r, heaviest]
        w[r, heaviest], w[r, -1] = w[r, -1], w[r, heaviest]
        total = w.sum(axis=1)
        has_path = total > 0
        x = self.rng.multinomial(np.where(has_path, n, 0),
                                       w / np.where(has_path, total, 1.0)[:, None])
        row, k = np.nonzero(x)
        return row, path[row, k], x[row, k]

    def _travel(self, trav: Travellers, budget: np.ndarray,
                weights: np.ndarray) -> tuple[Travellers, People]:
        """Advance travellers by ``budget`` days; arrivals with time to spare may move on today."""
        moving_parts: list[Travellers] = []
        arrived_parts: list[People] = []
        leave_p = rules.continue_probability(self.world, self.params.movement)
        restricted = self._restricted_paths()
        for _ in range(MAX_HOPS_PER_DAY):
            moving, arrived, spare = self._advance(trav, budget, restricted)
            arrived, spare = _merge_arrivals(arrived, spare)
            moving_parts.append(moving)
            spare_left = spare > EPS
            if not self.params.movement.continue_same_day or not spare_left.any():
                arrived_parts.append(arrived)
                break
            going = self.rng.binomial(arrived.count, np.where(spare_left, leave_p[arrived.loc], 0.0))
            departed, trav, src = self._depart(arrived, going, weights)
            arrived.count -= departed
            arrived_parts.append(arrived)
            budget = quantise_travel(spare[src])
            if not len(trav):
                break
        else:  # still time to spare after many hops: they stop where they are for today
            moving, arrived, _ = self._advance(trav, np.zeros(len(trav)), restricted)
            moving_parts.append(moving)
            arrived_parts.append(arrived)
        return Travellers.concat(moving_parts), People.concat(arrived_parts)

    def _restricted_paths(self) -> np.ndarray:
        """[P] paths with a hop through a managed or closed gate, or along a closed road, today."""
        p, borders = self.paths, self.borders
        road_closed = (p.edges >= 0) & ~self.world.edge_open[np.maximum(p.edges, 0)]
        return ((borders.policy_codes()[borders.hop_gates()] != OPEN) | road_closed).any(axis=1)

    def _advance(self, trav: Travellers, budget: np.ndarray,
                 restricted_paths: np.ndarray) -> tuple[Travellers, People, np.ndarray]:
        """Move every traveller row forward by its budget of travel days, through border gates
        (``restricted_paths``: today's paths with a managed or closed gate or a closed road).

        Returns (still travelling, arrived or stranded, spare travel time of each arrived row).
        """
        p = self.paths
        path = trav.path
        times = p.time[trav.profile, path]
        stop = trav.progress + budget
        count = trav.count.copy()
        stranded_at = np.full(len(trav), -1)
        restricted = restricted_paths[path]
        held = self._pass_gates(trav, np.flatnonzero(restricted), times, stop, count, stranded_at)
        # Everyone else crosses the open borders on today's stretch of their path.
        hop_time = times[:, :-1]
        crossed = (p.crosses[path] & ~restricted[:, None] & (trav.progress[:, None] <= hop_time + EPS)
                   & (hop_time < stop[:, None] - EPS))
        row, hop = np.nonzero(crossed)
        self.flows.add(p.nodes[path[row], hop], p.nodes[path[row], hop + 1], FlowKind.CROSSING, count[row])

        total = self._arrival_time[trav.profile, path]
        arrived = (stranded_at < 0) & (stop >= total - EPS)
        out = np.flatnonzero(arrived | (stranded_at >= 0))
        here = np.where(arrived[out], p.end[path[out]], p.nodes[path[out], np.maximum(stranded_at[out], 0)])
        origin = trav.origin[out]
        people = People(loc=here, origin=origin, status=self._status_at(origin, trav.status[out], here),
                        count=count[out])
        spare = np.where(arrived[out], stop[out] - total[out], 0.0)
        on = np.flatnonzero(~arrived & (stranded_at < 0))
        where = p.last_passed(path[on], times[on], stop[on])
        status = self._status_at(trav.origin[on], trav.status[on], where)
        still = Travellers(origin=trav.origin[on], status=status,
                           path=path[on], profile=trav.profile[on], progress=stop[on], count=count[on])
        return Travellers.concat([still, *held]), people, spare

    def _pass_gates(self, trav: Travellers, rows: np.ndarray, times: np.ndarray, stop: np.ndarray,
                    count: np.ndarray, stranded_at: np.ndarray) -> list[Travellers]:
        """Take ``rows`` (paths with a restriction today) hop by hop through today's gates.

        A closed gate or road strands people before it (``stop``/``stranded_at`` are updated); a
        managed gate lets through at most its remaining daily capacity, shared by a hypergeometric
        draw among everyone reaching it, and the rest wait there (returned as travellers).
        """
        if not len(rows):
            return []
        borders, rng, p = self.borders, self.rng, self.paths
        policy = borders.policy_codes()
        path = trav.path[rows]
        gates, edges, nodes = borders.hop_gates()[path], p.edges[path], p.nodes[path]
        start, end, n = trav.progress[rows], stop[rows], count[rows]
        stranded = np.full(len(rows), -1)
        held: list[Travellers] = []
        for k in range(p.max_hops):
            at_node = times[rows, k]
            reach = (edges[:, k] >= 0) & (start <= at_node + EPS) & (at_node < end - EPS) & (stranded < 0)
            if not reach.any():
                continue
            gate = gates[:, k]
            road_closed = ~self.world.edge_open[np.maximum(edges[:, k], 0)]
            blocked = reach & ((policy[gate] == CLOSED) | road_closed)
            stranded[blocked] = k
            end[blocked] = at_node[blocked]
            self.flows.add(nodes[blocked, k], nodes[blocked, k + 1], FlowKind.BLOCKED, n[blocked])
            managed = reach & ~blocked & (policy[gate] == MANAGED)
            for g in np.unique(gate[managed]):
                at_gate = np.flatnonzero(managed & (gate == g))
                demand = n[at_gate]
                allowed = int(borders.remaining[g])
                if demand.sum() > allowed:  # everyone at the gate has the same chance of a place
                    passed = rng.multivariate_hypergeometric(demand, allowed)
                else:
                    passed = demand
                borders.remaining[g] -= int(passed.sum())
                waiting = trav.take(rows[at_gate]).with_counts(demand - passed)
                waiting.progress = at_node[at_gate]
                held.append(waiting)
                n[at_gate] = passed
            crossed = reach & ~blocked & (gate >= 0)
            self.flows.add(nodes[crossed, k], nodes[crossed, k + 1], FlowKind.CROSSING, n[crossed])
        stop[rows], count[rows], stranded_at[rows] = end, n, stranded
        return held

    def _status_at(self, origin: np.ndarray, status: np.ndarray, loc: np.ndarray) -> np.ndarray:
        """Displaced people are IDPs inside their home state and refugees outside it."""
        state = self.world.state_of
        displaced_status = np.where(state[loc] == state[origin], Status.IDP, Status.REFUGEE)
        return np.where(DISPLACED[status], displaced_status, status).astype(np.int64)

    # -- returns ---------------------------------------------------------------------------------

    def _start_returns(self, people: People, day: int) -> Returning:
        """Displaced people whose home has been safe long enough set off home."""
        r, w = self.params.returns, self.world
        if not r.enabled:
            return Returning.empty()
        safe = (w.intensity <= 0) & (day - w.last_conflict_day >= r.safe_days)
        rows = np.flatnonzero(DISPLACED[people.status] & safe[people.origin]
                              & (people.loc != people.origin))
        km = self.world.distances.km(people.origin[rows], people.loc[rows])
        rows, km = rows[np.isfinite(km)], km[np.isfinite(km)]
        n = self.rng.binomial(people.count[rows], r.return_rate)
        people.count[rows] -= n
        self.flows.add(people.loc[rows], people.origin[rows], FlowKind.RETURN, n)
        days = np.maximum(1, np.ceil(km / self.params.movement.max_move_speed - EPS)).astype(np.int64)
        return Returning(origin=people.origin[rows], status=people.status[rows],
                         last_loc=people.loc[rows], days_left=days, count=n).merged()

    def _advance_returns(self, returning: Returning) -> People:
        """One more day on the road home; those who arrive become returnees at home."""
        returning.days_left = returning.days_left - 1
        home = returning.days_left <= 0
        self.population.returning = returning.take(~home).merged()
        arrived = returning.take(home)
        self.population.note_returned(arrived.origin, arrived.count)
        return People(loc=arrived.origin, origin=arrived.origin,
                      status=np.full(len(arrived), Status.RETURNEE, dtype=np.int64), count=arrived.count)


def _merge_arrivals(arrived: People, spare: np.ndarray) -> tuple[People, np.ndarray]:
    """Arrivals grouped by (location, home, status, spare travel time on the progress grid)."""
    keep = arrived.count > 0
    ticks = np.rint(quantise_travel(spare[keep]) * TICKS_PER_DAY).astype(np.int64)
    (loc, origin, status, tick), inverse = group_rows(
        [arrived.loc[keep], arrived.origin[keep], arrived.status[keep], ticks])
    count = np.bincount(inverse, weights=arrived.count[keep], minlength=len(loc))
    people = People(loc=loc, origin=origin, status=status, count=np.rint(count).astype(np.int64))
    return people, tick / TICKS_PER_DAY


def _cat(parts: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
