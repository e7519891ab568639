"""Random streams: one per mechanism, fixed by the seed and the mechanism's name alone."""

from __future__ import annotations

import numpy as np

from sim.core.context import Streams


def test_a_stream_depends_on_the_seed_and_its_name_only() -> None:
    a, b = Streams(7), Streams(7)
    first = a.generator("movement").random(5)
    a.generator("state:FRN").random(1000)  # another mechanism drawing changes nothing
    assert np.array_equal(first, b.generator("movement").random(5))
    assert not np.array_equal(first, b.generator("spawning").random(5))
    assert not np.array_equal(first, Streams(8).generator("movement").random(5))
