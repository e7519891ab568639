"""The look every figure shares, so that a reader never has to decode one: numbers with thousands
separators (never ``1e6``), dates a planner reads at a glance, titles that say what was run
(scenario, seed or replicates, dates) and at most a handful of named series, the rest summed as
"others"."""

from __future__ import annotations

from collections.abc import Iterable

import matplotlib.dates as mdates
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, MaxNLocator


def _whole(x: float, _pos: object = None) -> str:
    text = f"{x:,.0f}"
    return "0" if text == "-0" else text


THOUSANDS = FuncFormatter(_whole)
SMALL = FuncFormatter(lambda x, _: f"{x:,.3g}")


def number_format(span: float) -> FuncFormatter:
    """Whole numbers with separators for counts; three significant digits for an axis spanning
    less than 100 (shares, small differences)."""
    return THOUSANDS if span >= 100 else SMALL


def people_axis(ax: Axes, axis: str = "y") -> None:
    """Counts of people on ``axis``, with thousands separators and no offset or exponent (and
    few enough ticks on an x axis that the long labels never run into each other)."""
    scale = ax.yaxis if axis == "y" else ax.xaxis
    scale.set_major_formatter(THOUSANDS)
    if axis == "x":
        scale.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10], integer=True))


def date_axis(ax: Axes) -> None:
    """Dates on the x axis as short, horizontal labels (day and month, the year once)."""
    locator = mdates.AutoDateLocator(minticks=4, maxticks=8)
    # Three to four years have too few year ticks and too many at every 6 months (matplotlib's
    # widest monthly step): also allow yearly steps counted in months.
    locator.intervald[mdates.MONTHLY] = [1, 2, 3, 4, 6, 12]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, show_offset=False))
    ax.tick_params(axis="x", labelrotation=0)


def date_range(dates: Iterable[pd.Timestamp]) -> str:
    """"24 Mar 1999 to 21 Jul 1999": the first and last of ``dates``."""
    dates = pd.to_datetime(pd.Series(list(dates))).dropna()
    if dates.empty:
        return "no dates"
    return f"{_day(dates.min())} to {_day(dates.max())}"


def _day(date: pd.Timestamp) -> str:
    return f"{date.day} {date:%b %Y}"


def seeds_text(seeds: Iterable[int]) -> str:
    """"8 replicates (seeds 11-18)", or "seed 7" for one."""
    seeds = sorted(set(int(s) for s in seeds))
    if len(seeds) == 1:
        return f"seed {seeds[0]}"
    return f"{len(seeds)} replicates (seeds {seed_span(seeds)})"


def seed_span(seeds: Iterable[int]) -> str:
    """"11-18" for consecutive seeds, else the seeds listed: "1, 5"."""
    seeds = sorted(set(int(s) for s in seeds))
    if len(seeds) > 1 and seeds[-1] - seeds[0] == len(seeds) - 1:
        return f"{seeds[0]}-{seeds[-1]}"
    return ", ".join(map(str, seeds))


def keep_largest(sizes: pd.Series, top: int) -> list:
    """The labels of the ``top`` largest ``sizes``, or of the ``top - 1`` largest when there
    are more, so that the rest, summed as one "others" series, still makes ``top`` at most."""
    order = sizes.sort_values(ascending=False, kind="stable").index
    return list(order if len(order) <= top else order[:top - 1])


def others_label(n: int, noun: str) -> str:
    return f"others ({n} {noun}{'s' if n != 1 else ''})"
