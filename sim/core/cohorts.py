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

from dataclasses import dataclass, fields
from enum import IntEnum
from functools import cache
from typing import Self

import numpy as np


class Status(IntEnum):
    """Legal and displacement status of a group of people."""

    RESIDENT = 0  # at home, never displaced
    IDP = 1  # displaced inside their own state
    REFUGEE = 2  # displaced outside their own state
    RELOCATED = 3  # moved to another alliance member under a relocation scheme
    RESETTLED = 4  # taken in by a third country (resettlement pledge or evacuation)
    RETURNEE = 5  # back home after displacement

    @property
    def label(self) -> str:
        return self.name.lower()


N_STATUS = len(Status)


def status_mask(*statuses: Status) -> np.ndarray:
    """A lookup table: ``mask[status_codes]`` is True where the code is one of ``statuses``."""
    mask = np.zeros(N_STATUS, dtype=bool)
    mask[list(statuses)] = True
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
        t = self.take(self.count > 0)
        if not len(t):
            return t
        names = t.columns()[:-1]
        keys, inverse = group_rows([_as_int(getattr(t, n), n) for n in names])
        counts = np.bincount(inverse, weights=t.count, minlength=len(keys[0]))
        cols = {n: _from_int(k, n) for n, k in zip(names, keys, strict=True)}
        return type(self)(**cols, count=np.rint(counts).astype(np.int64))

    def total(self) -> int:
        return int(self.count.sum())


TICKS_PER_DAY = 16  # travel progress is kept in sixteenths of a day so that cohorts merge


def _dtype(name: str) -> type:
    return np.float64 if name == "progress" else np.int64


def _as_int(values: np.ndarray, name: str) -> np.ndarray:
    return np.rint(values * TICKS_PER_DAY).astype(np.int64) if name == "progress" else values


def _from_int(values: np.ndarray, name: str) -> np.ndarray:
    return values / TICKS_PER_DAY if name == "progress" else values


def quantise_travel(days: np.ndarray) -> np.ndarray:
    """Round travel time down to the progress grid (never travel further than allowed)."""
    return np.floor(days * TICKS_PER_DAY + 1e-9) / TICKS_PER_DAY


def group_rows(columns: list[np.ndarray]) -> tuple[list[np.ndarray], np.ndarray]:
    """Distinct rows of non-negative integer columns (sorted) and each input row's group.

    Columns are packed into one int64 key when their ranges allow (the usual case, and much
    faster than sorting rows); otherwise rows are sorted lexicographically.
    """
    sizes = [int(c.max()) + 1 if len(c) else 1 for c in columns]
    if float(np.prod(np.array(sizes, dtype=float))) < 2**62:
        key = np.zeros(len(columns[0]), dtype=np.int64)
        for col, size in zip(columns, sizes, strict=True):
            key = key * size + col
        uniq, inverse = np.unique(key, return_inverse=True)
        out = []
        for size in reversed(sizes):
            uniq, digit = np.divmod(uniq, size)
            out.append(digit)
        return out[::-1], inverse
    stacked = np.stack(columns, axis=1)
    uniq, inverse = np.unique(stacked, axis=0, return_inverse=True)
    return [uniq[:, k] for k in range(uniq.shape[1])], inverse.ravel()


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
