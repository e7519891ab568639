"""Random streams: one per mechanism, fixed by the seed, the mechanism's name and the day."""

from __future__ import annotations

import numpy as np

from sim.core.streams import Streams


def test_a_stream_depends_on_the_seed_and_its_name_only() -> None:
    a, b = Streams(7), Streams(7)
    first = a.generator("movement").random(5)
    a.generator("state:FRN").random(1000)  # another mechanism drawing changes nothing
    assert np.array_equal(first, b.generator("movement").random(5))
    assert not np.array_equal(first, b.generator("spawning").random(5))
    assert not np.array_equal(first, Streams(8).generator("movement").random(5))


def test_a_stream_restarts_every_day_whatever_was_drawn_the_day_before() -> None:
    busy, idle = Streams(7).stream("movement"), Streams(7).stream("movement")
    busy.on(0).random(1000)  # one arm draws far more on day 0 ...
    idle.on(0).random(3)
    assert busy.on(0) is busy.on(0)  # ... from one generator for the whole day
    assert np.array_equal(busy.on(1).random(5), idle.on(1).random(5))  # ... and day 1 is the same
    assert not np.array_equal(Streams(7).stream("movement").on(2).random(5),
                              Streams(7).stream("movement").on(1).random(5))
