"""A scenario's long tables as CSV files beside it: the map, the conflict timeline, the counts.

A world of hundreds of places and thousands of conflict changes is a short YAML file plus CSV
files that the loader adds back through the ``*_csv`` fields (world.locations_csv,
world.routes_csv, conflicts_csv, observed.csv, observed.total_csv). ``allysim import-flee``
writes scenarios this way, and so does a run whose resolved scenario.yaml would otherwise be
larger than a scenario file may be.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from sim.scenario.events import ConflictEvent
from sim.scenario.observed import ObservedPoint, TotalPoint
from sim.scenario.schema import LocationSpec, RouteSpec

CONFLICT_COLUMNS = ("day", "location", "intensity")
# A conflict event goes to the conflict CSV file only as these fields (one location a row).
_CONFLICT_FIELDS = set(ConflictEvent.model_fields)


@dataclass(frozen=True)
class TableFile:
    """One table of a scenario written as ``<stem>.<key>.csv``."""

    key: str
    columns: tuple[str, ...]
    rows: list[dict[str, Any]]

    def name(self, stem: str) -> str:
        return f"{stem}.{self.key}.csv"

    def write(self, folder: Path, stem: str) -> Path:
        """Write the table (an empty cell for a missing value) and return its path."""
        path = folder / self.name(stem)
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=self.columns, extrasaction="raise")
            writer.writeheader()
            for row in self.rows:
                writer.writerow({k: ("" if row.get(k) is None else row[k]) for k in self.columns})
        return path


def split_tables(data: dict[str, Any], stem: str) -> list[TableFile]:
    """Move the long tables out of scenario data (plain, as ``Scenario.resolved`` or the Flee
    importer gives it), in place, and point its ``*_csv`` fields at ``<stem>.<key>.csv``.

    Only the conflict events at the end of the events list move (to ``conflicts_csv``, whose rows
    the loader appends after the events): the order of events on one day stays as it was.
    """
    world = data["world"]
    tables = [_take(world, "locations", "locations_csv", LocationSpec, stem),
              _take(world, "routes", "routes_csv", RouteSpec, stem)]
    events = data.get("events", [])
    first = len(events)
    while first > 0 and _one_row_each(events[first - 1]):
        first -= 1
    conflicts = TableFile("conflicts", CONFLICT_COLUMNS, [
        {"day": e["day"], "location": loc, "intensity": e["intensity"]}
        for e in events[first:] for loc in e["locations"]])
    data["events"] = events[:first]
    data["conflicts_csv"] = conflicts.name(stem)
    tables.append(conflicts)
    observed = data.get("observed")
    if observed is not None:
        tables += [_take(observed, "series", "csv", ObservedPoint, stem, "observed"),
                   _take(observed, "total", "total_csv", TotalPoint, stem, "observed_total")]
    return tables


def _one_row_each(event: dict[str, Any]) -> bool:
    """A conflict event that the conflict CSV file holds as one row per location."""
    return event["type"] == "conflict" and set(event) == _CONFLICT_FIELDS


def _take(block: dict[str, Any], field: str, csv_field: str, model: type[BaseModel], stem: str,
          key: str | None = None) -> TableFile:
    """``block[field]``'s rows as a table, named in ``block[csv_field]`` instead. Its columns are
    the model's required fields and those some row sets to other than the default, in the
    model's order."""
    rows = block.pop(field)
    columns = []
    for name, info in model.model_fields.items():
        column = info.alias or name
        default = None if info.default is PydanticUndefined else info.default
        if info.is_required() or any(row.get(column, default) not in (None, default) for row in rows):
            columns.append(column)
    table = TableFile(key or field, tuple(columns), rows)
    block[csv_field] = table.name(stem)
    return table
