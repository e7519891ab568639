"""The cohort table: everyone in the simulation as counts, never as one object per person.

Three tables hold the whole population, and a day's work is proportional to their number of
rows, not to the number of people:

* ``People``: people staying somewhere, one row per (location, home location, status);
* ``Travellers``: people on a journey, one row per (home, status, path, travel profile, progress);
* ``Returning``: people on their way home, one row per (home, status, days left).

Counts are int64 and only ever split by binomial or hypergeometric draws, so the total is
conserved exactly.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, fields
from enum import IntEnum
from functools import cache
from typing import Self

import numpy as np

from sim.scenario.fields import TICKS_PER_DAY


class Status(IntEnum):
    """Legal and displacement status of a group of people."""

    RESIDENT = 0  # at home, never displaced
    IDP = 1  # displaced inside their own state
    REFUGEE = 2  # displaced outside their own state
    RELOCATED = 3  # moved to another alliance member under a relocation scheme
    RESETTLED = 4  # taken in by a third country (resettlement pledge or evacuation)
    RETURNEE = 5  # back home after displacement
    INTEGRATED = 6  # settled in a host with a lasting status (integration)

    @property
    def label(self) -> str:
        return self.name.lower()


N_STATUS = len(Status)


@cache
def status_mask(*statuses: Status) -> np.ndarray:
    """A lookup table: ``mask[status_codes]`` is True where the code is one of ``statuses``
    (read-only and shared: rules look the same tables up many times a day)."""
    mask = np.zeros(N_STATUS, dtype=bool)
    mask[list(statuses)] = True
    mask.flags.writeable = False
    return mask


@dataclass
class Table:
    """Column arrays of equal length; subclasses name the columns, ``count`` is always last."""

    count: np.ndarray

    @classmethod
    @cache
    def columns(cls) -> tuple[str, ...]:
        """Column names, ``count`` last (cached: tables are built many times a day)."""
        return (*(f.name for f in fields(cls) if f.name != "count"), "count")

    @classmethod
    def empty(cls) -> Self:
        return cls(**{name: np.zeros(0, dtype=_dtype(name)) for name in cls.columns()})

    def __len__(self) -> int:
        return len(self.count)

    def take(self, sel: np.ndarray) -> Self:
        return type(self)(**{name: getattr(self, name)[sel] for name in self.columns()})

    def with_counts(self, count: np.ndarray) -> Self:
        out = self.take(slice(None))
        out.count = count
        return out

    @classmethod
    def concat(cls, parts: list[Self]) -> Self:
        parts = [p for p in parts if len(p)]
        if not parts:
            return cls.empty()
        return cls(**{name: np.concatenate([getattr(p, name) for p in parts]) for name in cls.columns()})

    def merged(self) -> Self:
        """Rows with equal keys summed, empty rows dropped, in a deterministic order."""
        names = self.columns()[:-1]
        keys, counts = sum_rows([_as_int(getattr(self, n), n) for n in names], self.count, stable=True)
        return type(self)(**{n: _from_int(k, n) for n, k in zip(names, keys, strict=True)}, count=counts)

    def total(self) -> int:
        return int(self.count.sum())


def _dtype(name: str) -> type:
    return np.float64 if name == "progress" else np.int64


def _as_int(values: np.ndarray, name: str) -> np.ndarray:
    return np.rint(values * TICKS_PER_DAY).astype(np.int64) if name == "progress" else values


def _from_int(values: np.ndarray, name: str) -> np.ndarray:
    return values / TICKS_PER_DAY if name == "progress" else values


def sum_rows(columns: list[np.ndarray], count: np.ndarray, sizes: Sequence[int] | None = None,
             stable: bool = False) -> tuple[list[np.ndarray], np.ndarray]:
    """Distinct rows of non-negative integer columns, in lexicographic order, and the
    non-negative ``count`` summed over each; rows with a zero count are dropped.

    A day merges many small tables, so this is a handful of numpy calls. Columns are packed into
    one int64 key when their ranges (``sizes``, else their maxima) allow. When the possible keys
    are few next to the rows, every key is counted (no sort); otherwise the keys are sorted once
    and each run of equal keys summed. ``stable`` sorts with timsort, much faster on tables made
    of sorted runs (yesterday's merged table plus today's changes).
    """
    if sizes is None:
        sizes = [int(c.max()) + 1 if len(c) else 1 for c in columns]
    n_keys = math.prod(sizes)
    packed = n_keys < 2**62
    if packed:
        key = np.ravel_multi_index(columns, sizes)
        if n_keys <= 16 * len(key):
            sums = np.bincount(key, weights=count, minlength=n_keys)
            key = (sums > 0).nonzero()[0]
            return list(np.unravel_index(key, sizes)), np.rint(sums[key]).astype(np.int64)
    keep = count > 0
    if not keep.all():
        columns, count = [c[keep] for c in columns], count[keep]
        if packed:
            key = key[keep]
    if not len(count):
        return columns, count
    if packed:
        kind = "stable" if stable else None
        bits = len(key).bit_length()
        if n_keys < 2**63 >> bits:  # sorting keys with the row index packed in is twice as fast
            key = np.sort((key << bits) | np.arange(len(key)), kind=kind)
            order, key = key & ((1 << bits) - 1), key >> bits
        else:
            order = key.argsort(kind=kind)
            key = key[order]
        change = key[1:] != key[:-1]
    else:
        order = np.lexsort(columns[::-1])
        change = np.zeros(len(order) - 1, dtype=bool)
        for c in columns:
            c = c[order]
            change |= c[1:] != c[:-1]
    start = np.concatenate((_FIRST, change)).nonzero()[0]
    first = order[start]
    return [c[first] for c in columns], np.add.reduceat(count[order], start)


_FIRST = np.ones(1, dtype=bool)  # the first row of a sorted table starts a run


@dataclass
class People(Table):
    """People staying at a location."""

    loc: np.ndarray
    origin: np.ndarray
    status: np.ndarray
    count: np.ndarray


@dataclass
class Travellers(Table):
    """People on a journey along a candidate path; ``progress`` is days travelled so far."""

    origin: np.ndarray
    status: np.ndarray
    path: np.ndarray
    profile: np.ndarray
    progress: np.ndarray
    count: np.ndarray


@dataclass
class Returning(Table):
    """People travelling home; they arrive when ``days_left`` reaches 0."""

    origin: np.ndarray
    status: np.ndarray
    last_loc: np.ndarray
    days_left: np.ndarray
    count: np.ndarray
