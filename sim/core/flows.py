"""Movements of the day: every rule that moves people adds rows here; the recorder drains them.

``FlowKind`` names the kinds of movement recorded in flows.csv (docs/outputs.md).
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

from sim.core.cohorts import group_rows


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

    @property
    def label(self) -> str:
        return self.name.lower()


class Flows:
    """Today's movements, appended by the rules and drained by the recorder."""

    def __init__(self) -> None:
        self._parts: list[tuple[np.ndarray, ...]] = []

    def add(self, frm: np.ndarray, to: np.ndarray, kind: FlowKind, count: np.ndarray) -> None:
        keep = count > 0
        if keep.any():
            k = np.full(int(keep.sum()), int(kind), dtype=np.int64)
            self._parts.append((frm[keep], to[keep], k, count[keep]))

    def drain(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(from, to, kind, count) with equal keys summed."""
        if not self._parts:
            z = np.zeros(0, dtype=np.int64)
            return z, z, z, z
        cols = [np.concatenate([p[i] for p in self._parts]) for i in range(4)]
        self._parts = []
        (frm, to, kind), inverse = group_rows(cols[:3])
        counts = np.bincount(inverse, weights=cols[3], minlength=len(frm))
        return frm, to, kind, np.rint(counts).astype(np.int64)
