"""Movements of the day: every rule that moves people adds rows here; the recorder drains them.

``FlowKind`` names the kinds of movement recorded in flows.csv (docs/outputs.md).
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

from sim.core.cohorts import sum_rows


class FlowKind(IntEnum):
    """Kinds of movement recorded in flows.csv."""

    FLIGHT = 0  # people leaving home (from home to the journey's destination)
    ONWARD = 1  # displaced people moving on
    CROSSING = 2  # a border crossed (from the last location before it to the first after)
    RELOCATION = 3
    RESETTLEMENT = 4
    EVACUATION = 5
    RETURN = 6  # people starting the journey home
    ECONOMIC = 7
    BLOCKED = 8  # people stopped at a closed border or road (to = where they could not go)
    DEATH = 9  # people who died crossing an irregular route (from and to: its two ends)
    DEPORTATION = 10  # rejected asylum seekers sent home by their host (from host to home)
    HELD = 11  # people held for the day at an alliance checkpoint (from: before it, to: beyond it)
    INTERCEPTION = 12  # people turned back on an irregular route to its start (its two ends)

    @property
    def label(self) -> str:
        return self.name.lower()


class Flows:
    """Today's movements, appended by the rules and drained by the recorder.

    ``add`` only keeps its arrays (the rules add several times per travel round); the day's rows
    are filtered and summed once, when drained. Rules pass arrays they do not change afterwards:
    fresh results of indexing or drawing.
    """

    def __init__(self) -> None:
        self._parts: list[tuple[np.ndarray, np.ndarray, np.ndarray | int, np.ndarray]] = []

    def add(self, frm: np.ndarray, to: np.ndarray, kind: FlowKind | np.ndarray, count: np.ndarray) -> None:
        """Rows of people moved today; ``kind`` is one kind for all of them or one per row."""
        if len(count):
            self._parts.append((frm, to, kind if isinstance(kind, np.ndarray) else int(kind), count))

    def drain(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(from, to, kind, count) with equal keys summed and empty ones dropped."""
        parts, self._parts = self._parts, []
        if not parts:
            z = np.zeros(0, dtype=np.int64)
            return z, z, z, z
        frm, to, count = (np.concatenate([p[i] for p in parts]) for i in (0, 1, 3))
        kind = np.concatenate([k if isinstance(k, np.ndarray) else np.full(len(c), k)
                               for _, _, k, c in parts])
        (frm, to, kind), count = sum_rows([frm, to, kind], count)
        return frm, to, kind, count
