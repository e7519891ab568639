"""What a rule, an event effect or an agent's decision may touch: the narrow view of a run.

A ``Context`` holds the world's arrays, the border gates, the population's cohort tables, the
day's flows, the event log, the clock and a random stream. Mechanisms receive a context, not
the model, so what each one reads and writes is visible in its signature.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.core.borders import Borders
from sim.core.flows import Flows
from sim.core.population import Population
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


class Streams:
    """Independent random streams derived from a run's seed, one per mechanism, keyed by name.

    A mechanism's stream depends only on the seed and its name (``movement``, ``state:FRN``,
    ``alliance:NATO:intervention``, ...), so switching one mechanism on or off leaves every
    other mechanism's draws untouched: common random numbers that really pair two variants.
    """

    def __init__(self, seed: int):
        self.seed = seed

    def generator(self, name: str) -> np.random.Generator:
        key = int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "little")
        return np.random.Generator(np.random.PCG64(np.random.SeedSequence(self.seed, spawn_key=(key,))))


@dataclass(frozen=True)
class Context:
    """The parts of a run a mechanism may read and change, and the random stream it draws from."""

    world: World
    borders: Borders
    population: Population
    flows: Flows
    log: EventLog
    clock: Clock
    streams: Streams
    rng: np.random.Generator

    @property
    def day(self) -> int:
        return self.clock.day

    def for_mechanism(self, name: str) -> Context:
        """The same view of the run with the mechanism's own random stream."""
        return dataclasses.replace(self, rng=self.streams.generator(name))

    def decision(self, kind: str, actor: str, target: str, detail: dict[str, Any]) -> None:
        """Log a decision taken today by ``actor`` (a state, an alliance or a negotiation track)."""
        self.log.add(self.clock.day, kind, actor, target, detail)
