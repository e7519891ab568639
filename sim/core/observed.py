"""Observed series read day by day, as Flee reads its data (the Flee notes, section 3.7).

Between points a series is linear interpolation truncated to an integer, the first value before
the first point, the last value after the last one. Data-driven displacement follows these
series; backtests compare with them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from sim.scenario.observed import ObservedSpec


def interpolate(days: np.ndarray, values: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Flee's reading of a series on days ``t`` (int64).

    On or before the first point: the first value. Otherwise Flee scans the points in file order
    for the first one dated after t and interpolates linearly from the point before it, truncating
    to an integer; if none is later, the last point's value. For dates in order this is plain
    linear interpolation; a few UNHCR files have dates out of order and are read the same way.
    """
    days = np.asarray(days, dtype=float)
    values = np.asarray(values, dtype=float)
    t = np.asarray(t, dtype=float)
    if len(days) == 1:
        return np.full(len(t), np.trunc(values[0]), dtype=np.int64)
    later = t[:, None] < days[None, 1:]  # [T, n-1]
    found = later.any(axis=1)
    i = np.where(found, later.argmax(axis=1) + 1, len(days) - 1)
    lo = np.maximum(i - 1, 0)
    span = days[i] - days[lo]
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = np.where(span != 0, (t - days[lo]) / np.where(span != 0, span, 1.0), 0.0)
    out = np.where(found, values[lo] + frac * (values[i] - values[lo]), values[-1])
    out = np.where(t <= days[0], values[0], out)
    return np.trunc(out).astype(np.int64)


@dataclass
class Observed:
    """A scenario's observed block compiled for days 0..days-1 (int counts per location and day)."""

    locations: list[str]
    values: np.ndarray  # [days, L] int64
    total: np.ndarray | None  # [days] int64, from the overall total, if given
    days_before: np.ndarray  # [L] value on day -1 (for day 0's difference)
    from_day0: bool = False  # backtests compare with the change since day 0 (ObservedSpec.from_day0)

    @property
    def compared(self) -> np.ndarray:
        """[days, L] what a backtest compares the simulated camps with."""
        return self.values - self.values[:1] if self.from_day0 else self.values

    @classmethod
    def from_spec(cls, spec: ObservedSpec, start: dt.date, days: int) -> Observed:
        t = np.arange(days)
        locs = spec.locations()
        cols, before = [], []
        for loc in locs:
            pts = [p for p in spec.series if p.location == loc]
            d = np.array([(p.date - start).days for p in pts])
            v = np.array([p.count for p in pts])
            cols.append(interpolate(d, v, t))
            before.append(int(interpolate(d, v, np.array([-1]))[0]))
        values = np.stack(cols, axis=1) if cols else np.zeros((days, 0), dtype=np.int64)
        total = None
        if spec.total:
            d = np.array([(p.date - start).days for p in spec.total])
            total = interpolate(d, np.array([p.count for p in spec.total]), t)
        return cls(locs, values, total, np.array(before, dtype=np.int64), spec.from_day0)
