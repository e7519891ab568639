"""A Flee folder's validation series as Flee itself reads them.

The series files of one data_layout.csv row are summed as Flee sums them, then the registration
corrections are applied; ``observed_from_flee`` turns the result into the points of a scenario's
``observed`` block.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from sim.flee.records import Correction, FleeFolder, LayoutRow


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
