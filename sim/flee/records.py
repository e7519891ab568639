"""A Flee conflict folder as typed records: one class per file kind, and the folder itself.

What sim/flee/folder.py reads and checks; nothing here reads files.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim.scenario.errors import Problem


@dataclass(frozen=True)
class FleeLocation:
    """One row of locations.csv."""

    name: str
    region: str
    country: str
    lat: float
    lon: float
    type: str  # camp, idpcamp, conflict_zone, town, forward, marker (normalised from location_type)
    conflict_date: int
    population: int  # capacity for camps (below 1: unlimited), residents otherwise
    conflict_intensity: float  # the conflict_intensity attribute, or 1.0
    initial_idps: int  # the initial_idps attribute, or 0 (Flee's run script places them at camps only)
    line: int

    @property
    def is_camp(self) -> bool:
        return self.type in ("camp", "idpcamp")

    @property
    def starts_in_conflict(self) -> bool:
        """Flee makes a conflict_zone row a conflict zone from the start unless conflict_date > 0."""
        return self.type == "conflict_zone" and self.conflict_date <= 0


@dataclass(frozen=True)
class FleeRoute:
    """One row of routes.csv: an undirected link."""

    a: str
    b: str
    km: float
    max_move_speed: float | None
    line: int


@dataclass(frozen=True)
class FleeClosure:
    """One row of closures.csv."""

    type: str
    a: str
    b: str
    start: int
    end: int  # -1: never reopens
    line: int


@dataclass(frozen=True)
class FleeSeries:
    """One validation series file: (day offset from the start date, count) in file order."""

    file: str
    days: np.ndarray  # int64
    values: np.ndarray  # float64
    lines: tuple[int, ...]


@dataclass(frozen=True)
class LayoutRow:
    """One row of data_layout.csv: a name and the series files summed for it."""

    name: str
    files: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class Correction:
    """One row of registration_corrections.csv."""

    name: str
    date: dt.date
    line: int


@dataclass
class FleeFolder:
    """Everything in a Flee conflict folder, checked."""

    path: Path
    start_date: dt.date
    days: int
    locations: list[FleeLocation]
    routes: list[FleeRoute]
    closures: list[FleeClosure]
    conflict_names: list[str]  # conflicts.csv columns that name a location
    conflicts: np.ndarray  # [days, len(conflict_names)] intensity per day
    layout: list[LayoutRow]  # first row is the total (refugees.csv)
    series: dict[str, FleeSeries]  # by file name (relative to source_data)
    corrections: list[Correction]
    settings: dict[str, Any]
    settings_file: Path
    warnings: list[Problem] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.resolve().name

    def location(self, name: str) -> FleeLocation:
        return self._by_name[name]

    def __post_init__(self) -> None:
        self._by_name = {loc.name: loc for loc in self.locations}

    @property
    def home_country(self) -> str:
        """Flee: the country of the first location row; every other country is foreign."""
        return self.locations[0].country

    @property
    def countries(self) -> list[str]:
        """Countries in order of first appearance."""
        return list(dict.fromkeys(loc.country for loc in self.locations))
