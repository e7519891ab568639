"""Random streams: every mechanism draws from its own, and each restarts every day.

A stream depends only on the run's seed, the mechanism's name and the day, so two variants of a
scenario that differ in one mechanism draw the same numbers everywhere else: common random
numbers that really pair the two arms of a comparison.
"""

from __future__ import annotations

import hashlib

import numpy as np


class Streams:
    """A run's random streams, keyed by name (``movement``, ``state:FRN``, ``onsets:ALB``, ...)."""

    def __init__(self, seed: int):
        self.seed = seed

    def generator(self, name: str) -> np.random.Generator:
        """A generator that depends only on the seed and ``name``."""
        key = int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "little")
        return np.random.Generator(np.random.PCG64(np.random.SeedSequence(self.seed, spawn_key=(key,))))

    def stream(self, name: str) -> Stream:
        """The daily-restarted stream of the mechanism ``name``."""
        return Stream(self, name)


class Stream:
    """One mechanism's random numbers, drawn afresh each day from ``(seed, name, day)``.

    Two variants of a scenario that differ elsewhere give a mechanism different counts to draw
    for, and a generator then consumes a different number of values; restarting the stream
    every day keeps the two arms' draws aligned from one day to the next instead of drifting
    apart for the rest of the run.
    """

    def __init__(self, streams: Streams, name: str):
        self.streams = streams
        self.name = name
        self._day: int | None = None
        self._today: np.random.Generator | None = None

    def on(self, day: int) -> np.random.Generator:
        """The generator of ``day`` (the same object for every call on that day)."""
        if day != self._day or self._today is None:
            self._day, self._today = day, self.streams.generator(f"{self.name}@{day}")
        return self._today
