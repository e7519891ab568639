"""Observed counts (e.g. UNHCR registrations per camp) as a scenario carries them.

An ``observed`` block holds points ``(location, date, count)``, inline or from a CSV file: the
validation data of a backtest and the daily total that data-driven displacement follows. How a
series is read between its points is sim/core/observed.py.
"""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from sim.scenario.fields import FILE_RULES, MAX_PEOPLE, LocationId, Strict


class ObservedPoint(Strict):
    """One observed count at one location on one date."""

    location: LocationId = Field(description="Location id (usually a camp).")
    date: dt.date = Field(description="Date of the count (YYYY-MM-DD).")
    count: float = Field(ge=0, le=MAX_PEOPLE, description="People counted there (people, at most "
                         "10^12).")


class TotalPoint(Strict):
    """One observed overall total (all destinations, e.g. UNHCR's situation total)."""

    date: dt.date
    count: float = Field(ge=0, le=MAX_PEOPLE, description="People (people, at most 10^12).")


class ObservedSpec(Strict):
    """Observed counts: what a backtest compares with, and what data-driven displacement follows."""

    source: str = Field("", description="Where the counts come from.")
    series: list[ObservedPoint] = Field(default_factory=list, description="Counts per location; "
                                        "points of one location are read in order (at most 10,000 "
                                        "per location).")
    csv: str | None = Field(None, description="CSV file (relative to the scenario) whose rows "
                            "location,date,count are added to 'series'. " + FILE_RULES)
    total: list[TotalPoint] = Field(default_factory=list, description="Overall totals, used when "
                                    "parameters.displacement.data_total is 'total' (at most 10,000).")
    total_csv: str | None = Field(None, description="CSV file with rows date,count added to "
                                  "'total'. " + FILE_RULES)
    not_locations: list[str] = Field(default_factory=list, description="Series names in 'series' "
                                     "that are not locations: they count towards the data-driven "
                                     "total only (Flee sums every data_layout.csv row).")
    from_day0: bool = Field(False, description="Backtests compare with each series' change since "
                            "day 0 (its count minus its day-0 count, negative where it fell): for "
                            "runs whose camps start empty (Flee's empty_camps_on_day0). Data-driven "
                            "displacement follows the same daily rises either way.")

    def locations(self) -> list[str]:
        """Locations with a series, in order of first appearance."""
        return list(dict.fromkeys(p.location for p in self.series))
