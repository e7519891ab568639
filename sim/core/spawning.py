"""Data-driven displacement: how many people flee each day comes from observed counts, as in Flee.

In ``data_driven`` mode (parameters.displacement.mode) residents do not flee with a probability.
Instead, each day:

1. the day's newly displaced are the rise of the observed series since yesterday (the sum of the
   per-location series, or the overall total: ``data_total``), read as Flee reads them. A fall
   is carried as a debt that later rises pay off first; day 0 adds nobody, since the observed
   day-0 counts start the run already in their camps (``displaced`` in the scenario);
2. they are placed over conflict locations with weight
   ``population x intensity x spawn_decay[(day - conflict start) // spawn_decay_interval]``
   (a multinomial draw; population is the starting one unless ``take_from_population``);
3. of those placed at a location, each leaves today with the location's leave probability for
   displaced people (1 at full conflict with Flee's settings) and walks the first leg if
   ``start_on_foot``; the rest are displaced at home and move on later.

Only residents can be displaced, so a location never gives more people than live there; any
shortfall is drawn again from the locations that still have residents. What none can give (no
location in conflict, or none with residents left) is counted in ``unplaced`` and logged as an
``unplaced`` event, so the observed rise is always accounted for: placed, or reported. People
placed where every road out is closed cannot leave; they are displaced at home (Movement), as
Flee's spawned agents wait where they spawned.
"""

from __future__ import annotations

import numpy as np

from sim.core import rules
from sim.core.cohorts import People, Status, status_mask
from sim.core.context import EventLog
from sim.core.observed import Observed
from sim.core.population import Population
from sim.core.streams import Stream
from sim.core.world import World
from sim.scenario import Scenario
from sim.scenario.parameters import MovementParameters

CONFLICT_EPS = 1e-6
AT_HOME = status_mask(Status.RESIDENT, Status.RETURNEE)


def daily_new(observed: Observed, data_total: str) -> np.ndarray:
    """[days] newly displaced per day by Flee's rule: today's rise minus yesterday's debt."""
    if data_total == "total" and observed.total is not None:
        level = observed.total.astype(np.int64)
        before = level[0]
    else:
        level = observed.values.sum(axis=1).astype(np.int64)
        before = int(observed.days_before.sum())
    rise = np.diff(level, prepend=before)
    out = np.zeros(len(level), dtype=np.int64)
    debt = 0
    for t in range(1, len(level)):  # day 0: the observed counts are already in place
        n = int(rise[t]) - debt
        if n < 0:
            debt, n = -n, 0
        else:
            debt = 0
        out[t] = n
    return out


class DataDrivenSpawner:
    """Turns the observed daily total into departures from conflict locations."""

    def __init__(self, world: World, population: Population, spec: Scenario, stream: Stream,
                 log: EventLog):
        if spec.observed is None:  # the scenario check reports this; keep a clear message here too
            raise ValueError("data_driven displacement needs an 'observed' block")
        self.world = world
        self.population = population
        self.stream = stream
        self.log = log
        d = spec.parameters.displacement
        self.observed = Observed.from_spec(spec.observed, spec.start_date, spec.days)
        self.new = daily_new(self.observed, d.data_total)
        self.decay = np.asarray(d.spawn_decay, dtype=float)
        self.interval = d.spawn_decay_interval
        self.take_from_population = d.take_from_population
        self.today = np.zeros(world.n, dtype=np.int64)
        self.placed = 0
        self.unplaced = 0

    def weights(self, day: int) -> np.ndarray:
        """[N] where today's newly displaced come from (unnormalised)."""
        w = self.world
        on = w.intensity > CONFLICT_EPS
        pop = self._residents() if self.take_from_population else w.population0.astype(float)
        since = np.maximum(day - w.conflict_since, 0) // self.interval
        decay = self.decay[np.minimum(since, len(self.decay) - 1)]
        return np.where(on, pop * w.intensity * decay, 0.0)

    def _residents(self) -> np.ndarray:
        p = self.population.people
        home = residents_at_home(p)
        return np.bincount(p.loc[home], weights=p.count[home], minlength=self.world.n)

    def step(self, day: int, mv: MovementParameters) -> None:
        """Place today's newly displaced (``mv``: the movement parameters in force today); call
        after the day's events, before movement."""
        w = self.world
        self.today = np.zeros(w.n, dtype=np.int64)
        n = int(self.new[day]) if day < len(self.new) else 0
        if n <= 0:
            return
        rng = self.stream.on(day)  # made on the days it draws
        weights = self.weights(day)
        available = np.rint(self._residents()).astype(np.int64)
        placed = np.zeros(w.n, dtype=np.int64)
        left = n
        for _ in range(8):  # a location cannot give more people than live there: redraw the rest
            weights = np.where(placed < available, weights, 0.0)
            total = weights.sum()
            if left == 0 or total <= 0:
                break
            placed += rng.multinomial(left, weights / total)
            short = np.maximum(placed - available, 0)
            placed -= short
            left = int(short.sum())
        self._report_unplaced(day, left, n)
        self.placed += int(placed.sum())
        leaving = rng.binomial(placed, rules.leave_probability(w, mv))
        staying = placed - leaving
        if staying.any():  # displaced at home: they move on later with the usual leave probability
            self.population.people = displace_at_home(self.population.people, staying)
        self.today = leaving

    def _report_unplaced(self, day: int, left: int, wanted: int) -> None:
        if left == 0:
            return
        self.unplaced += left
        on = self.world.intensity > CONFLICT_EPS
        reason = ("no location in conflict" if not on.any()
                  else "no residents left in the locations in conflict")
        self.log.add(day, "unplaced", "", "", {"count": left, "of": wanted, "reason": reason})

    def departures(self, people: People, leavers: np.ndarray) -> np.ndarray:
        """``leavers`` with every at-home row replaced by today's placed departures."""
        out = np.where(AT_HOME[people.status], 0, leavers)
        rows = residents_at_home(people)
        out[rows] = np.minimum(self.today[people.loc[rows]], people.count[rows])
        return out

    def unable_to_leave(self, people: People, stuck: np.ndarray) -> People:
        """Today's displaced who found every road out closed wait at home as IDPs (the data count
        them as displaced, and Flee's spawned agents wait where they spawned)."""
        rows = residents_at_home(people)
        by_location = np.bincount(people.loc[rows], weights=stuck[rows], minlength=self.world.n)
        if not by_location.any():
            return people
        return displace_at_home(people, by_location.astype(np.int64))


def residents_at_home(people: People) -> np.ndarray:
    """The rows of people who live where they are and were never displaced: the only people the
    data-driven rule can displace."""
    return np.flatnonzero((people.status == Status.RESIDENT) & (people.loc == people.origin))


def displace_at_home(people: People, counts: np.ndarray) -> People:
    """``people`` with ``counts[loc]`` residents of each location turned into IDPs where they are."""
    rows = residents_at_home(people)
    taken = np.minimum(counts[people.loc[rows]], people.count[rows])
    people.count[rows] -= taken
    keep = taken > 0
    at = people.loc[rows[keep]]
    return People.concat([people, People(loc=at, origin=at.copy(),
                                         status=np.full(len(at), Status.IDP, dtype=np.int64),
                                         count=taken[keep])]).merged()
