"""What a rule, an event effect or an agent's decision may touch: the narrow view of a run.

A ``Context`` holds the world's arrays, the border gates, the population's cohort tables, the
day's flows, the event log, the clock and a mechanism's random stream. Mechanisms receive a context, not
the model, so what each one reads and writes is visible in its signature.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.core.borders import Borders
from sim.core.flows import Flows
from sim.core.population import Population
from sim.core.streams import Stream, Streams
from sim.core.world import World


@dataclass
class Clock:
    """The day being simulated (-1 before the first step) and the calendar date of day 0."""

    start_date: dt.date
    day: int = -1

    @property
    def date(self) -> dt.date:
        """Calendar date of the current day (start_date before the first step)."""
        return self.start_date + dt.timedelta(days=max(self.day, 0))


@dataclass
class EventLog:
    """Everything that happened: scripted events and agents' decisions, in order (events.csv).

    ``origin`` says who caused an entry: ``scenario`` while a scripted event is applied (a
    scripted intervention phase is logged by the alliance, with origin ``scenario``), else
    ``agent``.
    """

    rows: list[dict[str, Any]] = field(default_factory=list)
    origin: str = "agent"

    def add(self, day: int, kind: str, actor: str, target: str, detail: dict[str, Any]) -> None:
        self.rows.append({"day": day, "type": kind, "origin": self.origin, "actor": actor,
                          "target": target, "detail": detail})

    @contextmanager
    def scripted(self) -> Iterator[None]:
        """Entries made inside this block come from the scenario's script."""
        self.origin = "scenario"
        try:
            yield
        finally:
            self.origin = "agent"


@dataclass(frozen=True)
class Context:
    """The parts of a run a mechanism may read and change, and the random stream it draws from."""

    world: World
    borders: Borders
    population: Population
    flows: Flows
    log: EventLog
    clock: Clock
    stream: Stream

    @property
    def day(self) -> int:
        return self.clock.day

    @property
    def streams(self) -> Streams:
        """Every stream of the run (for a mechanism that needs more than one)."""
        return self.stream.streams

    @property
    def rng(self) -> np.random.Generator:
        """Today's generator of this context's stream."""
        return self.stream.on(self.clock.day)

    def for_mechanism(self, name: str) -> Context:
        """The same view of the run with the mechanism's own random stream."""
        return dataclasses.replace(self, stream=self.streams.stream(name))

    def decision(self, kind: str, actor: str, target: str, detail: dict[str, Any]) -> None:
        """Log a decision taken today by ``actor`` (a state, an alliance or a negotiation track)."""
        self.log.add(self.clock.day, kind, actor, target, detail)
