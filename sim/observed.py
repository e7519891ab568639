"""Observed series (UNHCR counts per camp): the validation data of a backtest and the daily total
that data-driven displacement follows.

A scenario carries them in an ``observed`` block: points ``(location, date, count)``, inline or
from a CSV file. Between points a series is read as Flee reads its data (notes section 3.7):
linear interpolation truncated to an integer, the first value before the first point, the last
value after the last one. ``observed_from_flee`` builds the points from a Flee folder: the series
files of a data_layout.csv row summed as Flee sums them, then the registration corrections.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import Field

from sim.events import LocationId
from sim.parameters import Strict
from sim.scenario_errors import PathPart, Problem, SourceMap, closest

if TYPE_CHECKING:
    from sim.flee_folder import Correction, FleeFolder, LayoutRow
    from sim.scenario import Scenario


class ObservedPoint(Strict):
    """One observed count at one location on one date."""

    location: LocationId = Field(description="Location id (usually a camp).")
    date: dt.date = Field(description="Date of the count (YYYY-MM-DD).")
    count: float = Field(ge=0, description="People counted there (people).")


class TotalPoint(Strict):
    """One observed overall total (all destinations, e.g. UNHCR's situation total)."""

    date: dt.date
    count: float = Field(ge=0, description="People (people).")


class ObservedSpec(Strict):
    """Observed counts: what a backtest compares with, and what data-driven displacement follows."""

    source: str = Field("", description="Where the counts come from.")
    series: list[ObservedPoint] = Field(default_factory=list, description="Counts per location; "
                                        "points of one location are read in order.")
    csv: str | None = Field(None, description="CSV file (relative to the scenario) whose rows "
                            "location,date,count are added to 'series'.")
    total: list[TotalPoint] = Field(default_factory=list, description="Overall totals, used when "
                                    "parameters.displacement.data_total is 'total'.")
    total_csv: str | None = Field(None, description="CSV file with rows date,count added to "
                                  "'total'.")
    not_locations: list[str] = Field(default_factory=list, description="Series names in 'series' "
                                     "that are not locations: they count towards the data-driven "
                                     "total only (Flee sums every data_layout.csv row).")

    def locations(self) -> list[str]:
        """Locations with a series, in order of first appearance."""
        return list(dict.fromkeys(p.location for p in self.series))


# -- reading CSV files into the block (before validation) --------------------------------------


def inline_observed_csv(data: Any, base_dir: Path, source: SourceMap) -> list[Problem]:
    """Append the rows of ``observed.csv`` / ``observed.total_csv`` to the block's lists."""
    block = data.get("observed") if isinstance(data, Mapping) else None
    if not isinstance(block, dict):
        return []
    problems: list[Problem] = []
    for key, field, columns in (("csv", "series", ("location", "date", "count")),
                                ("total_csv", "total", ("date", "count"))):
        if not block.get(key):
            continue
        path = base_dir / str(block[key])
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError as exc:
            problems.append(source.problem(("observed", key), f"cannot read {path}: {exc.strerror}"))
            continue
        reader = csv.DictReader(io.StringIO(text))
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            problems.append(Problem(str(path), 1, None, field, f"missing column(s) {', '.join(missing)}; "
                                    f"expected {','.join(columns)}"))
            continue
        rows = block.setdefault(field, [])
        if not isinstance(rows, list):
            continue
        for row in reader:
            source.rows[("observed", field, len(rows))] = (str(path), reader.line_num)
            rows.append({c: (row[c] or "").strip() for c in columns})
    return problems


def observed_references(s: Scenario) -> list[tuple[tuple[PathPart, ...], str]]:
    """Observed locations must exist; data-driven displacement needs observed counts."""
    out: list[tuple[tuple[PathPart, ...], str]] = []
    known = {loc.id for loc in s.world.locations}
    obs = s.observed
    if obs is not None:
        extra = set(obs.not_locations)
        for i, p in enumerate(obs.series):
            if p.location not in known and p.location not in extra:
                msg = f"unknown location {p.location!r}"
                if (hint := closest(p.location, known)) is not None:
                    msg += f" (did you mean {hint!r}?)"
                out.append((("observed", "series", i, "location"), msg))
    d = s.parameters.displacement
    if d.mode == "data_driven":
        if obs is None or (d.data_total == "camps" and not obs.series):
            out.append((("parameters", "displacement", "mode"), "data_driven displacement needs "
                        "observed counts: add an 'observed' block with series"))
        elif d.data_total == "total" and not obs.total:
            out.append((("parameters", "displacement", "data_total"), "data_total 'total' needs "
                        "observed.total"))
    return out


# -- interpolation ----------------------------------------------------------------------------


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
        return cls(locs, values, total, np.array(before, dtype=np.int64))


# -- from a Flee folder -----------------------------------------------------------------------


def flee_sum(a_days: np.ndarray, a_vals: np.ndarray, b_days: np.ndarray,
             b_vals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Two series summed the way Flee sums the files of one data_layout.csv row.

    Flee walks the points of the second series in order while keeping a position in the first:
    first-series points dated before the current second-series point are emitted with the previous
    second-series value added (0 before any); a point on a shared date adds both values; a
    second-series point dated before the current first-series point is emitted with that
    first-series value added. First-series points after the last second-series point are dropped
    and, once the first series is used up, its last point is repeated instead of the remaining
    second-series points. The result is what Flee compares and spawns from, so it is reproduced
    exactly, odd corners included (docs/flee.md).
    """
    out_d: list[float] = []
    out_v: list[float] = []
    k, last_b = 0, 0.0
    n = len(a_days)
    for bd, bv in zip(b_days.tolist(), b_vals.tolist(), strict=True):
        while bd > a_days[k]:
            out_d.append(a_days[k])
            out_v.append(last_b + a_vals[k])
            if k < n - 1:
                k += 1
            else:
                break
        if bd == a_days[k]:
            out_d.append(bd)
            out_v.append(bv + a_vals[k])
            if k < n - 1:
                k += 1
            last_b = bv
        elif bd < a_days[k]:
            out_d.append(bd)
            out_v.append(bv + a_vals[k])
            last_b = bv
    return np.array(out_d, dtype=np.int64), np.array(out_v, dtype=float)


def merged_series(folder: FleeFolder, row: LayoutRow) -> tuple[np.ndarray, np.ndarray]:
    """The series of one data_layout.csv row: its files summed as Flee sums them."""
    first = folder.series[row.files[0]]
    days, values = first.days.copy(), first.values.copy()
    for extra in row.files[1:]:
        s = folder.series[extra]
        days, values = flee_sum(days, values, s.days, s.values)
    return days, values


def corrected_series(folder: FleeFolder,
                     problems: list[tuple[Correction, str]] | None = None,
                     ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Every data_layout.csv row (by name, 'total' included) after the registration corrections.

    A correction on date D of camp c multiplies every earlier point of c by
    value(D) / value(point before D), in file order; corrections dated before the start are
    ignored (Flee master). A correction Flee would abort on (date not among the camp's data dates,
    its first date, or a count below 1 before it) is skipped and reported in ``problems`` if given,
    else raised as ValueError.
    """
    out = {row.name: merged_series(folder, row) for row in folder.layout}
    for c in folder.corrections:
        day = (c.date - folder.start_date).days
        if day < 0:
            continue
        days, values = out[c.name]
        hits = np.flatnonzero(days == day).tolist()
        message = None
        if not hits:
            files = ", ".join(next(r.files for r in folder.layout if r.name == c.name))
            message = (f"{c.date.isoformat()} is not one of the data dates of {c.name!r} ({files}); "
                       "a correction must name the date of the first level-2 count")
        elif hits == [0]:
            message = (f"{c.date.isoformat()} is the first data date of {c.name!r}; there is no "
                       "earlier count to correct")
        elif any(values[i - 1] < 1 for i in hits if i > 0):
            message = (f"the count of {c.name!r} before {c.date.isoformat()} is below 1, so the "
                       "earlier counts cannot be rescaled")
        if message is not None:
            if problems is None:
                raise ValueError(message)
            problems.append((c, message))
            continue
        for i in hits:
            if i > 0:
                values[:i] *= values[i] / values[i - 1]
    return out


def observed_from_flee(folder: FleeFolder, hasten: int = 1) -> tuple[list[dict], list[dict]]:
    """(series rows, total rows) for an observed block, counts divided by ``hasten`` as Flee does."""
    series = corrected_series(folder)
    rows: list[dict] = []
    total: list[dict] = []
    for layout_row in folder.layout:
        days, values = series[layout_row.name]
        for d, v in zip(days.tolist(), values.tolist(), strict=True):
            date = (folder.start_date + dt.timedelta(days=int(d))).isoformat()
            point = {"date": date, "count": _clean(v / hasten)}
            if layout_row is folder.layout[0]:  # the overall total (refugees.csv)
                total.append(point)
            else:
                rows.append({"location": layout_row.name, **point})
    return rows, total


def _clean(x: float) -> float | int:
    """Whole numbers as int (readable CSV); others exactly (repr round-trips)."""
    return int(x) if float(x).is_integer() else float(x)
