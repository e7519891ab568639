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
   wait); an alliance's checkpoints hold back a share of the people reaching them for the day,
   and its patrols turn back a share of those on an irregular route; arrivals with travel time
   to spare may decide again the same day.

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
    status_mask,
    sum_rows,
)
from sim.core.flows import FlowKind, Flows
from sim.core.population import Population
from sim.core.routes import EPS, RIDE, WALK_FIRST, Paths, RouteChoice, grid_stops
from sim.core.streams import Stream
from sim.core.world import World
from sim.scenario.parameters import Parameters

MAX_HOPS_PER_DAY = 8  # bound on same-day continuation rounds
# Route choice draws every leaving row over its location's paths, padded to the widest row: at
# most this many cells at once (a hub's width would otherwise pad every row of a large world).
MAX_CHOICE_CELLS = 4_000_000
# A row of fewer movers than its place has candidates draws one path per person, at places with
# more candidates than this (hubs of generated or very dense worlds; no shipped world has one).
PER_PERSON_WIDTH = 64
# Lookup tables indexed by status code: DISPLACED[status_array] is a boolean mask.
DISPLACED = status_mask(Status.IDP, Status.REFUGEE)
AT_HOME = status_mask(Status.RESIDENT, Status.RETURNEE)
SHELTERED = status_mask(Status.IDP, Status.REFUGEE, Status.RELOCATED, Status.RESETTLED)
NOTHING = np.zeros(0, dtype=np.int64)
Draws = tuple[np.ndarray, np.ndarray, np.ndarray]  # route choice's (row, path, count)


class Departures(Protocol):
    """Replaces the day's drawn departures from home (data-driven displacement)."""

    def departures(self, people: People, leavers: np.ndarray) -> np.ndarray: ...

    def unable_to_leave(self, people: People, stuck: np.ndarray) -> People:
        """``people`` after the rows' ``stuck`` departures, with no open road, are dealt with."""
        ...


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
    stream: Stream
    spawner: Departures | None = None
    keep_homes: bool = False  # real homes are needed even with returns off (return events, classes)
    days: int = 36_500  # the run's length: nobody travels longer

    def __post_init__(self) -> None:
        self.rng = self.stream.on(0)
        # Checkpoints and interceptions draw from a stream of their own: switching them on never
        # shifts the movement draws elsewhere.
        self.controls = self.stream.streams.stream("route_controls")
        self.day = 0
        self.home_of = self._home_keys()
        # Home keys ranked (displaced people's origins), so that a merge key stays compact.
        self._homes = np.unique(self.home_of)
        self._home_rank = np.zeros(self.world.n, dtype=np.int64)
        self._home_rank[self._homes] = np.arange(len(self._homes))
        p = self.paths
        self.stops = grid_stops(p, TICKS_PER_DAY, self.days)
        self.choice = RouteChoice(p, len(self.world.state_ids))
        # Today's departures (path, fled from home, count), recorded as flows at the end of the day
        # by departure key = fled * P + path.
        self._departures: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self._departure_kind = np.repeat(np.array([FlowKind.ONWARD, FlowKind.FLIGHT]), len(p.end))

    def _home_keys(self) -> np.ndarray:
        """[N] the home location displaced people are kept under, by their real home.

        Only returns read a displaced person's home location; everything else (status, route
        weights, every output) reads its state. Without returns, displaced cohorts are therefore
        keyed by one location per state, which merges rows that would otherwise differ only by
        home (many on Flee folders, where returns are off) without changing any result.
        """
        w = self.world
        if self.params.returns.enabled or self.keep_homes:
            return np.arange(w.n)
        states, first = np.unique(w.state_of, return_index=True)
        representative = np.zeros(len(w.state_ids), dtype=np.int64)
        representative[states] = first
        return representative[w.state_of]

    # -- the daily step --------------------------------------------------------------------------

    def step(self, day: int) -> None:
        pop, mv, w = self.population, self.params.movement, self.world
        self.day, self.rng = day, self.stream.on(day)
        self.borders.start_day()
        people = pop.people
        if not self.params.returns.enabled:
            people.origin = np.where(DISPLACED[people.status], self.home_of[people.origin], people.origin)
        leaving_home = self._start_returns(people, day)
        sheltered = np.bincount(people.loc, weights=people.count * SHELTERED[people.status],
                                minlength=w.n)
        self.choice.reset(self._weights_by_state(sheltered, day))
        leave = rules.leave_probability(w, mv)
        flee = rules.flee_probability(w, self.params.displacement, mv)
        p = np.where(AT_HOME[people.status], flee[people.loc], 0.0)
        p = np.where(DISPLACED[people.status], leave[people.loc], p)
        p = np.where(people.status == Status.REFUGEE, self._unrecognised_leave(people, p), p)
        leavers = self.rng.binomial(people.count, p)
        if self.spawner is not None:  # data_driven: the observed daily total leaves
            leavers = self.spawner.departures(people, leavers)
        departed, travellers, _ = self._depart(people, leavers)
        people.count -= departed
        if self.spawner is not None:
            people = self.spawner.unable_to_leave(people, leavers - departed)
        moving, arrived = self._travel(Travellers.concat([pop.travellers, travellers]),
                                       rules.continue_probability(w, mv, leave))
        if self.params.returns.enabled or len(pop.returning):
            arrived.append(self._advance_returns(Returning.concat([pop.returning, leaving_home])))
        pop.people = People.concat([people, *arrived]).merged()
        pop.travellers = Travellers.concat(moving).merged()

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

    def _depart(self, at: People, leavers: np.ndarray) -> tuple[np.ndarray, Travellers, np.ndarray]:
        """Draw each leaver's path from today's route choice. People with no open path stay where
        they are.

        Returns how many left each row of ``at``, the new travellers, and each traveller row's
        source row in ``at``.
        """
        rows = leavers.nonzero()[0]
        loc = at.loc[rows]
        row, path, n = self._choose(loc, self.world.state_of[at.origin[rows]], leavers[rows])
        src = rows[row]
        departed = np.bincount(src, weights=n, minlength=len(at)).astype(np.int64)
        status = at.status[src]
        fled = AT_HOME[status]
        self._departures.append((path, fled, n))
        walk = WALK_FIRST if self.params.movement.start_on_foot else RIDE
        travellers = Travellers(
            origin=self.home_of[at.origin[src]],
            status=np.where(fled, Status.IDP, status),
            path=path,
            profile=np.where(fled, walk, RIDE),
            progress=np.zeros(len(src)),
            count=n,
        )
        return departed, travellers, src

    def _choose(self, loc: np.ndarray, state: np.ndarray,
                n: np.ndarray) -> Draws:
        """One multinomial draw per row (movers from ``state`` at ``loc``) over the candidate paths
        out of its location.

        Returns (row, path, count) for every non-zero share, by row; rows with no open path draw
        nothing. A row of fewer movers than a wide place's candidates draws one path per person:
        the same distribution, at a cost that grows with the people and not with the roads.
        """
        degree = self.choice.degree[loc]
        one_by_one = (degree > PER_PERSON_WIDTH) & (n < degree)
        if not one_by_one.any():
            return self._draw_rows(loc, state, n, degree)
        rest, each = np.flatnonzero(~one_by_one), np.flatnonzero(one_by_one)
        row, path, count = self._draw_rows(loc[rest], state[rest], n[rest], degree[rest])
        parts = [(rest[row], path, count)]
        people = np.cumsum(n[each])  # drawn in batches of at most MAX_CHOICE_CELLS people
        cuts = np.arange(1, people[-1] // MAX_CHOICE_CELLS + 1) * MAX_CHOICE_CELLS
        for batch in np.split(each, np.searchsorted(people, cuts)):
            row, path, count = self.choice.draw_each(state[batch], loc[batch], n[batch], self.rng)
            parts.append((batch[row], path, count))
        return _by_row(parts)

    def _draw_rows(self, loc: np.ndarray, state: np.ndarray, n: np.ndarray, degree: np.ndarray) -> Draws:
        """``_choose``, one multinomial draw per row (``degree``: the candidates of each row's
        location)."""
        width = int(degree.max()) if len(loc) else 0
        if width == 0:
            return NOTHING, NOTHING, NOTHING
        if len(loc) * width <= MAX_CHOICE_CELLS:  # one draw over rows padded to the widest
            return self._draw_paths(loc, state, n, width)
        # Rows padded to a hub's width would take gigabytes: draw rows of similar width together.
        parts = []
        bucket = np.ceil(np.log2(np.maximum(degree, 1))).astype(np.int64)
        for b in np.unique(bucket):
            alike = np.flatnonzero(bucket == b)
            wide = int(degree[alike].max())
            if wide == 0:
                continue
            step = max(1, MAX_CHOICE_CELLS // wide)
            for rows in (alike[i:i + step] for i in range(0, len(alike), step)):
                row, path, count = self._draw_paths(loc[rows], state[rows], n[rows], wide)
                parts.append((rows[row], path, count))
        return _by_row(parts)

    def _draw_paths(self, loc: np.ndarray, state: np.ndarray, n: np.ndarray, width: int) -> Draws:
        """The multinomial draws of ``n`` movers from ``state`` at ``loc`` (their paths padded to
        ``width``), as (row, path, count) for every non-zero share."""
        prob, path, has_path = self.choice.rows(state, loc, width)
        x = self.rng.multinomial(n * has_path, prob).ravel()
        share = x.nonzero()[0]
        return share // width, path.ravel()[share], x[share]

    def _travel(self, trav: Travellers, leave_p: np.ndarray) -> tuple[list[Travellers], list[People]]:
        """One day of travel; arrivals with time to spare move on the same day with probability
        ``leave_p`` at the place they reached. Returns the parts of the tables still travelling
        and arrived (or stranded) at the end of the day."""
        moving_parts: list[Travellers] = []
        arrived_parts: list[People] = []
        journeys: list[tuple[Travellers, np.ndarray]] = []  # each round's travellers and budget
        restricted = self._restricted_paths()
        budget = np.full(len(trav), TICKS_PER_DAY)  # in ticks of the progress grid
        for _ in range(MAX_HOPS_PER_DAY):
            journeys.append((trav, budget))
            moving, arrived, spare = self._advance(trav, budget, restricted)
            moving_parts.append(moving)
            spare_left = spare > 0
            if not self.params.movement.continue_same_day or not spare_left.any():
                arrived_parts.append(arrived)
                break
            # (a class living abroad is home on arrival in its state: it goes no further)
            going = self.rng.binomial(arrived.count, np.where(spare_left & DISPLACED[arrived.status],
                                                              leave_p[arrived.loc], 0.0))
            departed, trav, src = self._depart(arrived, going)
            arrived.count -= departed
            arrived_parts.append(arrived)
            budget = spare[src]
            if not len(trav):
                break
        else:  # still time to spare after many hops: they stop where they are for today
            moving, arrived, _ = self._advance(trav, np.zeros(len(trav), dtype=np.int64), restricted)
            moving_parts.append(moving)
            arrived_parts.append(arrived)
        self._record_flows(journeys, restricted)
        return moving_parts, arrived_parts

    def _restricted_paths(self) -> np.ndarray:
        """[P] paths with a hop through a managed or closed gate, along a closed road, through a
        checkpoint, or across a risky or patrolled irregular route, today."""
        p, borders, w = self.paths, self.borders, self.world
        gated = borders.policy_codes()[borders.hop_gates()] != OPEN
        restricted = np.zeros(len(p.end), dtype=bool)
        for k in range(p.max_hops):  # hop by hop: cheaper than a reduction along the short hop axis
            edge = p.edges[:, k]
            controlled = (w.edge_risk[edge] > 0) | (w.edge_pass[edge] < 1) | (w.edge_interception[edge] > 0)
            restricted |= gated[:, k] | ((edge >= 0) & (~w.edge_open[edge] | controlled))
        return restricted

    def _advance(self, trav: Travellers, budget: np.ndarray,
                 restricted_paths: np.ndarray) -> tuple[Travellers, People, np.ndarray]:
        """Move every traveller row forward by its budget of travel ticks, through border gates
        and route controls (``restricted_paths``: today's paths with any, see _restricted_paths).
        Open borders crossed on the way are recorded for the whole day by _record_flows.

        Returns the rows still travelling; those who arrived or were stranded, merged by
        (location, home, status, spare travel ticks); and the spare ticks of each merged row.
        """
        p, stops = self.paths, self.stops
        path, count = trav.path, trav.count
        leg = trav.profile * len(p.end) + path
        tick = np.rint(trav.progress * TICKS_PER_DAY).astype(np.int64) + budget  # travelled by tonight
        cell = stops.first[leg] + tick
        node, spare = stops.node[cell], stops.spare[cell]
        done = spare >= 0  # arrived
        restricted = restricted_paths[path]
        held: list[Travellers] = []
        turned_back: People | None = None
        if restricted.any():
            count = count.copy()
            stranded_at = np.full(len(trav), -1)
            held, turned_back = self._pass_gates(trav, restricted.nonzero()[0],
                                                 p.leg_times.take(leg, axis=0), tick / TICKS_PER_DAY,
                                                 count, stranded_at)
            stranded = (stranded_at >= 0).nonzero()[0]
            node[stranded] = p.nodes[path[stranded], stranded_at[stranded]]
            spare[stranded], done[stranded] = 0, True
        out = done.nonzero()[0]
        on = (~done).nonzero()[0]
        stopped = [node[out], trav.origin[out], spare[out], count[out]]
        if turned_back:  # turned back on an irregular route: they stop at its start today
            stopped = [np.concatenate(pair) for pair in zip(stopped, (
                turned_back.loc, turned_back.origin, np.zeros(len(turned_back), dtype=np.int64),
                turned_back.count), strict=True)]
        # The status follows from home and location, so it needs no place in the merge key. A
        # day's budget is at most one day, so spare time is at most TICKS_PER_DAY ticks.
        where, home_of, spare_of, n_of = stopped
        (loc, home, spare), counts = sum_rows([where, self._home_rank[home_of], spare_of], n_of,
                                              (self.world.n, len(self._homes), TICKS_PER_DAY + 1))
        origin = self._homes[home]
        arrivals = People(loc=loc, origin=origin, status=self._displaced_status(origin, loc), count=counts)
        home_again = arrivals.status == Status.RETURNEE  # a class living abroad reached its home state
        if home_again.any():
            self.population.note_returned(origin[home_again], counts[home_again])
        origin, where = trav.origin[on], node[on]
        still = Travellers(origin=origin, status=self._displaced_status(origin, where), path=path[on],
                           profile=trav.profile[on], progress=tick[on] / TICKS_PER_DAY, count=count[on])
        return (Travellers.concat([still, *held]) if held else still), arrivals, spare

    def _record_flows(self, journeys: list[tuple[Travellers, np.ndarray]],
                      restricted_paths: np.ndarray) -> None:
        """Record the day's departures and the open borders crossed, summed per path: the drain
        then sums a few rows per path instead of every row of every round.

        ``journeys`` are each travel round's travellers and budgets; crossings on paths with a
        restriction today were recorded at their gates.
        """
        p = self.paths
        n_paths = len(p.end)
        path, fled, n = (np.concatenate(c) for c in zip(*self._departures, strict=True))
        self._departures = []
        departed = np.bincount(fled * n_paths + path, weights=n, minlength=2 * n_paths)
        self._add_by_path(departed, p.start, p.end, self._departure_kind)
        path, profile, progress, count, budget = (np.concatenate(c) for c in zip(
            *((t.path, t.profile, t.progress, t.count, b) for t, b in journeys), strict=True))
        stop = progress + budget / TICKS_PER_DAY
        leg = profile * n_paths + path
        crossing = p.crosses & ~restricted_paths[:, None]
        for k in range(p.max_hops):
            rows = crossing[path, k].nonzero()[0]
            at = p.leg_times[leg[rows], k]
            rows = rows[(progress[rows] <= at + EPS) & (at < stop[rows] - EPS)]
            crossed = np.bincount(path[rows], weights=count[rows], minlength=n_paths)
            self._add_by_path(crossed, p.nodes[:, k], p.nodes[:, k + 1], FlowKind.CROSSING)

    def _add_by_path(self, moved: np.ndarray, frm: np.ndarray, to: np.ndarray,
                     kind: np.ndarray | FlowKind) -> None:
        """Add the flows summed in ``moved`` by path (or by path within each kind of ``kind``, an
        array as long as ``moved``), from ``frm`` to ``to`` of each path."""
        key = (moved > 0).nonzero()[0]
        path = key % len(frm)
        self.flows.add(frm[path], to[path], kind[key] if isinstance(kind, np.ndarray) else kind,
                       np.rint(moved[key]).astype(np.int64))

    def _pass_gates(self, trav: Travellers, rows: np.ndarray, times: np.ndarray, stop: np.ndarray,
                    count: np.ndarray, stranded_at: np.ndarray) -> tuple[list[Travellers], People]:
        """Take ``rows`` (paths with a restriction today) hop by hop through today's gates.

        A closed gate or road strands people before it (``stop``/``stranded_at`` are updated); a
        checkpoint lets through each person reaching it with the road's pass share, and the rest
        wait before it (flows of kind held); a managed gate lets through at most its remaining
        daily capacity, shared by a hypergeometric draw among everyone reaching it, and the rest
        wait there (both returned as travellers); on a patrolled irregular route a share is
        turned back to its start (returned as people there); on a risky irregular route, each
        person who crosses dies with the route's risk.
        """
        if not len(rows):
            return [], People.empty()
        borders, rng, p, w = self.borders, self.rng, self.paths, self.world
        controls = self.controls.on(self.day)  # made on the days a gate is reached, not every day
        policy = borders.policy_codes()
        path = trav.path[rows]
        gates, edges, nodes = borders.hop_gates()[path], p.edges[path], p.nodes[path]
        start, end, n = trav.progress[rows], stop[rows], count[rows]
        stranded = np.full(len(rows), -1)
        held: list[Travellers] = []
        turned_back: list[People] = []
        for k in range(p.max_hops):
            at_node = times[rows, k]
            reach = (edges[:, k] >= 0) & (start <= at_node + EPS) & (at_node < end - EPS) & (stranded < 0)
            if not reach.any():
                continue
            gate, edge = gates[:, k], np.maximum(edges[:, k], 0)
            frm, to = nodes[:, k], nodes[:, k + 1]
            blocked = reach & ((policy[gate] == CLOSED) | ~w.edge_open[edge])
            stranded[blocked] = k
            end[blocked] = at_node[blocked]
            self.flows.add(frm[blocked], to[blocked], FlowKind.BLOCKED, n[blocked])
            passing = reach & ~blocked
            checked = np.flatnonzero(passing & (w.edge_pass[edge] < 1))
            if len(checked):  # each person reaching a checkpoint passes it with the road's share
                passed = controls.binomial(n[checked], w.edge_pass[edge[checked]])
                held.append(self._wait_before(trav, rows[checked], at_node[checked], n[checked] - passed))
                self.flows.add(frm[checked], to[checked], FlowKind.HELD, n[checked] - passed)
                n[checked] = passed
            managed = passing & (policy[gate] == MANAGED)
            for g in np.unique(gate[managed]):
                at_gate = np.flatnonzero(managed & (gate == g))
                demand = n[at_gate]
                allowed = int(borders.remaining[g])
                if demand.sum() > allowed:  # everyone at the gate has the same chance of a place
                    passed = rng.multivariate_hypergeometric(demand, allowed)
                else:
                    passed = demand
                borders.remaining[g] -= int(passed.sum())
                held.append(self._wait_before(trav, rows[at_gate], at_node[at_gate], demand - passed))
                n[at_gate] = passed
            patrolled = np.flatnonzero(passing & (w.edge_interception[edge] > 0))
            if len(patrolled):
                back = controls.binomial(n[patrolled], w.edge_interception[edge[patrolled]])
                n[patrolled] -= back
                self.flows.add(frm[patrolled], to[patrolled], FlowKind.INTERCEPTION, back)
                turned_back.append(People(loc=frm[patrolled], origin=trav.origin[rows[patrolled]],
                                          status=trav.status[rows[patrolled]], count=back))
            crossed = passing & p.crosses[path, k]  # (an irregular route may stay inside a state)
            self._die_crossing(passing, edges[:, k], frm, to, trav.origin[rows], n)
            self.flows.add(frm[crossed], to[crossed], FlowKind.CROSSING, n[crossed])
        stop[rows], count[rows], stranded_at[rows] = end, n, stranded
        return held, People.concat(turned_back)

    @staticmethod
    def _wait_before(trav: Travellers, rows: np.ndarray, at_node: np.ndarray,
                     waiting: np.ndarray) -> Travellers:
        """``waiting`` people of ``rows`` stay on their journey before the place reached at
        ``at_node`` days: on the progress grid, at the last tick before it, so that rounding to
        the grid never puts them past it."""
        out = trav.take(rows).with_counts(waiting)
        out.progress = np.floor(at_node * TICKS_PER_DAY + EPS) / TICKS_PER_DAY
        return out

    def _die_crossing(self, crossing: np.ndarray, edge: np.ndarray, frm: np.ndarray, to: np.ndarray,
                      origin: np.ndarray, n: np.ndarray) -> None:
        """Of the ``n`` people of each ``crossing`` row, those who die on a risky route leave ``n``
        and are counted (flows of kind death; deaths by home state)."""
        risk = np.where(crossing & (edge >= 0), self.world.edge_risk[np.maximum(edge, 0)], 0.0)
        rows = risk.nonzero()[0]
        if not len(rows):
            return
        dead = self.rng.binomial(n[rows], risk[rows])
        n[rows] -= dead
        self.flows.add(frm[rows], to[rows], FlowKind.DEATH, dead)
        self.population.note_died(origin[rows], dead)

    def _displaced_status(self, origin: np.ndarray, loc: np.ndarray) -> np.ndarray:
        """Displaced people are IDPs inside their home state and refugees outside it; people of a
        population class living abroad are back home (returnees) once in their home state.

        Everyone travelling is displaced (departures from home become IDPs; only the displaced
        move on), so a traveller's status always follows from its home and where it is.
        """
        w = self.world
        inside = np.where(w.class_home[origin], Status.RETURNEE, Status.IDP)
        return np.where(w.state_of[loc] == w.state_of[origin], inside, Status.REFUGEE)

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


def _by_row(parts: list[Draws]) -> Draws:
    """(row, path, count) draws made in parts, put together in row order."""
    row, path, count = (np.concatenate(c) for c in zip(*parts, strict=True))
    order = np.argsort(row, kind="stable")
    return row[order], path[order], count[order]
