"""A Flee conflict folder read into typed records, every problem located by file, row and column.

A Flee "conflict instance" (docs/flee.md) is a directory::

    input_csv/{locations,routes,closures,conflicts,sim_period,registration_corrections}.csv
    source_data/data_layout.csv + the series files it names
    simsetting.yml

``read_flee_folder(path)`` reads and checks all of it and returns a ``FleeFolder``; a malformed
folder raises ``ScenarioError`` listing every problem found (missing file, unknown location,
camp without a data row, bad date, non-numeric cell ...), each with its file and line. Nothing
here knows about allysim's scenario: sim/flee/convert.py does the mapping, and
sim/flee/series.py turns the series into the validation data Flee compares against.

The reading rules follow Flee's own readers (quirks Q1-Q12 of the Flee notes): column 3 of
locations.csv is the latitude, ``#`` rows are comments, names are case-sensitive and not
stripped (except in conflicts.csv), a camp's population column is its capacity.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from sim.flee.records import (
    Correction,
    FleeClosure,
    FleeFolder,
    FleeLocation,
    FleeRoute,
    FleeSeries,
    LayoutRow,
)
from sim.flee.series import corrected_series
from sim.scenario.errors import Problem, ScenarioError, closest

INPUT, SOURCE = "input_csv", "source_data"
CLOSURE_TYPES = ("country", "location", "link", "camp", "idpcamp", "remove_forced_redirection")
CONFLICT_EPS = 1e-6  # Flee: a conflict value above this is "in conflict"

# locations.csv attribute columns Flee gives a meaning to; conflict_intensity and initial_idps are
# supported.
UNSUPPORTED_ATTRIBUTES = ("capacity_per_day", "farmer_fraction", "deactivation_probability",
                          "trade_volume", "hdi")
# Optional Flee inputs that only matter with rules the importer refuses anyway.
IGNORED_INPUTS = ("major_routes.csv", "agents.csv", "flood_level.csv")
MAX_FILE_BYTES = 200_000_000  # the largest shipped Flee input is a few MB
MAX_SETTINGS_BYTES = 1_000_000  # simsetting.yml is a few KB
MAX_SETTINGS_DEPTH = 8


# ---------------------------------------------------------------------------------------------


class _Reader:
    """Collects problems while the files are read, so one run reports all of them."""

    def __init__(self, root: Path):
        self.root = root
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []

    def rel(self, path: Path) -> str:
        return str(path)

    def problem(self, path: Path, line: int | None, where: str, message: str) -> None:
        self.problems.append(Problem(self.rel(path), line, None, where, message))

    def warn(self, path: Path, line: int | None, where: str, message: str) -> None:
        self.warnings.append(Problem(self.rel(path), line, None, where, message))

    def text(self, path: Path, what: str, limit: int = MAX_FILE_BYTES) -> str | None:
        if not path.is_file():
            self.problem(path, None, "(file)", f"missing file: {what}")
            return None
        try:
            size = path.stat().st_size
            if size > limit:
                self.problem(path, None, "(file)", f"{size:,} bytes; files over {limit:,} bytes are refused "
                             "(is this really a Flee input?)")
                return None
            return path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            self.problem(path, None, "(file)", "not UTF-8 text")
        except OSError as exc:
            self.problem(path, None, "(file)", f"cannot read file: {exc.strerror}")
        return None

    def records(self, path: Path, what: str) -> Iterator[tuple[int, list[str]]]:
        """(line, cells) of every row, comments included; a CSV error (an oversized cell, a
        stray quote) ends the file with a located problem."""
        text = self.text(path, what)
        if text is None:
            return
        reader = csv.reader(io.StringIO(text))
        try:
            for row in reader:
                yield reader.line_num, row
        except csv.Error as exc:
            self.problem(path, reader.line_num, "(file)", f"CSV syntax error: {exc}")

    def rows(self, path: Path, what: str) -> Iterator[tuple[int, list[str]]]:
        """(line, cells) of every data row: empty rows and rows starting with '#' skipped."""
        for line, row in self.records(path, what):
            if row and "".join(row).strip() and not row[0].startswith("#"):
                yield line, row

    # -- typed cells ---------------------------------------------------------------------------

    def number(self, path: Path, line: int, col: str, cell: str, *, empty: float | None = None,
               integer: bool = False) -> float | None:
        text = cell.strip()
        if text == "" and empty is not None:
            return empty
        try:
            value = int(text) if integer else float(text)
        except ValueError:
            kind = "an integer" if integer else "a number"
            shown = repr(cell) if cell else "an empty cell"
            self.problem(path, line, col, f"found {shown}; expected {kind}")
            return None
        if not np.isfinite(value):
            self.problem(path, line, col, f"found {cell!r}; expected a finite number")
            return None
        return value

    def date(self, path: Path, line: int, col: str, cell: str) -> dt.date | None:
        try:
            return dt.datetime.strptime(cell.strip(), "%Y-%m-%d").date()
        except ValueError:
            self.problem(path, line, col, f"found {cell!r}; expected a date YYYY-MM-DD")
            return None

    def known(self, path: Path, line: int, col: str, name: str, names: set[str],
              kind: str = "location") -> bool:
        if name in names:
            return True
        msg = f"unknown {kind} {name!r} (not in locations.csv)"
        if (hint := closest(name, names)) is not None:
            msg += f"; did you mean {hint!r}?"
        self.problem(path, line, col, msg)
        return False


# ---------------------------------------------------------------------------------------------


def read_flee_folder(path: str | Path, settings: str | Path | None = None) -> FleeFolder:
    """Read and check a Flee conflict folder; ``settings`` replaces its simsetting.yml."""
    root = Path(path)
    r = _Reader(root)
    if not root.is_dir():
        raise ScenarioError([Problem(str(root), None, None, "(folder)",
                                     "not a directory (expected a Flee conflict folder with "
                                     "input_csv/, source_data/ and simsetting.yml)")])
    inp, src = root / INPUT, root / SOURCE
    start, length = _read_period(r, inp)
    locations, names, countries = _read_locations(r, inp / "locations.csv")
    routes = _read_routes(r, inp / "routes.csv", names)
    pairs = {frozenset((rt.a, rt.b)) for rt in routes} if (inp / "routes.csv").is_file() else None
    closures = _read_closures(r, inp / "closures.csv", names, countries, pairs)
    days = length if length is not None else 0
    conflict_names, conflicts = _read_conflicts(r, inp / "conflicts.csv", names, days)
    layout = _read_layout(r, src / "data_layout.csv", locations, names)
    series = {}
    for row in layout:
        for file in row.files:
            if file not in series and start is not None:
                s = _read_series(r, src / file, start)
                if s is not None:
                    series[file] = s
    corrections = _read_corrections(r, inp / "registration_corrections.csv", layout)
    if start is not None and all(f in series for row in layout for f in row.files):
        _check_corrections(r, start, layout, series, corrections,
                           inp / "registration_corrections.csv")
    settings_file = Path(settings) if settings is not None else root / "simsetting.yml"
    settings_data = _read_settings(r, settings_file)
    for name in IGNORED_INPUTS:
        if (inp / name).exists():
            r.warn(inp / name, None, "(file)", "ignored: allysim does not read this optional Flee "
                   "input (Flee only uses it with settings the importer refuses)")
    for extra in sorted(inp.glob("location_changes.csv")):
        if any(True for _ in r.rows(extra, "location changes")):
            r.problem(extra, None, "(file)", "location type changes are not supported by the importer")
    if r.problems:
        raise ScenarioError(r.problems)
    assert start is not None and length is not None
    folder = FleeFolder(path=root, start_date=start, days=length, locations=locations, routes=routes,
                        closures=closures, conflict_names=conflict_names, conflicts=conflicts,
                        layout=layout, series=series, corrections=corrections,
                        settings=settings_data, settings_file=settings_file, warnings=r.warnings)
    return folder


# -- individual files --------------------------------------------------------------------------


def _read_period(r: _Reader, inp: Path) -> tuple[dt.date | None, int | None]:
    path = inp / "sim_period.csv"
    if not path.is_file() and (inp / "conflict_period.csv").is_file():
        path = inp / "conflict_period.csv"  # the name Flee 3.1 and older run scripts read
    start = length = None
    for line, row in r.rows(path, "sim_period.csv (StartDate,YYYY-MM-DD and Length,<days>)"):
        key = row[0].strip().lower()
        if len(row) < 2:
            r.problem(path, line, row[0], "expected two cells: key,value")
        elif key == "startdate":
            start = r.date(path, line, "StartDate", row[1])
        elif key == "length":
            value = r.number(path, line, "Length", row[1], integer=True)
            if value is not None and value < 1:
                r.problem(path, line, "Length", f"found {row[1]!r}; expected at least 1 day")
            elif value is not None:
                length = int(value)
        else:
            r.problem(path, line, row[0], f"unknown key {row[0]!r}; expected StartDate or Length")
    if path.is_file():
        if start is None and not any(p.file == str(path) for p in r.problems):
            r.problem(path, None, "StartDate", "missing StartDate row")
        if length is None and not any(p.file == str(path) for p in r.problems):
            r.problem(path, None, "Length", "missing Length row")
    return start, length


def _flee_type(raw: str) -> str | None:
    """Flee's location_type rules: case-insensitive substring matches, in Flee's order."""
    t = raw.lower()
    if "camp" in t:
        return "idpcamp" if "idp" in t else "camp"
    for key, kind in (("conflict", "conflict_zone"), ("forward", "forward"), ("marker", "marker"),
                      ("flood", "flood_zone"), ("default", "town"), ("town", "town")):
        if key in t:
            return kind
    return None


def _read_locations(r: _Reader, path: Path) -> tuple[list[FleeLocation], set[str], set[str]]:
    """The rows read, and every name and country given (also of rows with a bad cell, so that one
    bad cell is reported once, not again wherever the location is named)."""
    out: list[FleeLocation] = []
    seen: dict[str, int] = {}
    countries: set[str] = set()
    attributes: list[str] = []
    for line, row in r.records(path, "locations.csv (the nodes of the map)"):
        if row and row[0].startswith("#"):
            if len(row) > 8:
                attributes = [c.strip() for c in row[8:]]
            continue
        if not row or not "".join(row).strip():
            continue
        if len(row) < 8:
            r.problem(path, line, "row", f"found {len(row)} cells; expected 8: name,region,country,"
                      "latitude,longitude,location_type,conflict_date,population")
            continue
        name = row[0]
        if name in seen:
            r.problem(path, line, "name", f"duplicate location name {name!r} (first on line "
                      f"{seen[name]})")
            continue
        seen[name] = line
        countries.add(row[2] or "unknown")
        kind = _flee_type(row[5])
        if kind is None:
            r.problem(path, line, "location_type", f"found {row[5]!r}; expected one of conflict_zone, "
                      "town, camp, idpcamp, forwarding_hub, marker")
            continue
        if kind == "flood_zone":
            r.problem(path, line, "location_type", "flood_zone locations (DFlee) are not supported")
            continue
        lat = r.number(path, line, "latitude", row[3], empty=0.0)
        lon = r.number(path, line, "longitude", row[4], empty=0.0)
        if lat is not None and lon is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):
            msg = f"latitude {lat} / longitude {lon} out of range"
            if -90 <= lon <= 90 and -180 <= lat <= 180:
                msg += " (column 4 is the latitude and column 5 the longitude; swapped?)"
            r.problem(path, line, "latitude", msg)
            lat = None
        cdate = r.number(path, line, "conflict_date", row[6], empty=0, integer=True)
        pop = r.number(path, line, "population", row[7], empty=0, integer=True)
        intensity, initial_idps = 1.0, 0
        for col, cell in zip(attributes, row[8:], strict=False):
            if not cell.strip():
                continue
            if col == "conflict_intensity":
                value = r.number(path, line, col, cell)
                if value is not None and not 0 <= value <= 1:
                    r.problem(path, line, col, f"found {cell!r}; expected a number from 0 to 1")
                elif value is not None:
                    intensity = value
            elif col == "initial_idps":
                value = r.number(path, line, col, cell, integer=True)
                if value is not None and value < 0:
                    r.problem(path, line, col, f"found {cell!r}; expected a whole number >= 0")
                elif value is not None:
                    initial_idps = int(value)
            elif col in UNSUPPORTED_ATTRIBUTES:
                r.problem(path, line, col, f"the location attribute {col!r} is not supported by the "
                          "importer (see docs/flee.md)")
        if None in (lat, lon, cdate, pop):
            continue
        if pop < 0:
            r.problem(path, line, "population", f"found {row[7]!r}; expected a number >= 0")
            continue
        out.append(FleeLocation(name=name, region=row[1] or "unknown", country=row[2] or "unknown",
                                lat=float(lat), lon=float(lon), type=kind, conflict_date=int(cdate),
                                population=int(pop), conflict_intensity=intensity,
                                initial_idps=initial_idps, line=line))
    if not out and not r.problems:
        r.problem(path, None, "(file)", "no locations")
    return out, set(seen), countries


def _read_routes(r: _Reader, path: Path, names: set[str]) -> list[FleeRoute]:
    out: list[FleeRoute] = []
    columns: list[str] = []
    for line, row in r.records(path, "routes.csv (the links between locations)"):
        if row and row[0].startswith("#"):
            columns = [c.strip() for c in row[4:]]
            continue
        if not row or not "".join(row).strip():
            continue
        if len(row) < 3:
            r.problem(path, line, "row", f"found {len(row)} cells; expected name1,name2,distance"
                      "[,forced_redirection]")
            continue
        ok = r.known(path, line, "name1", row[0], names) & r.known(path, line, "name2", row[1], names)
        km = r.number(path, line, "distance", row[2])
        if km is not None and km <= 0:
            r.problem(path, line, "distance", f"found {row[2]!r}; expected a distance above 0 km")
            km = None
        if len(row) > 3 and row[3].strip() not in ("", "0", "1", "2"):
            r.problem(path, line, "forced_redirection", f"found {row[3]!r}; expected 0, 1, 2 or empty")
        if row[0] == row[1]:
            r.problem(path, line, "name2", f"a route cannot join {row[0]!r} to itself")
            ok = False
        speed = None
        for col, cell in zip(columns, row[4:], strict=False):
            if not cell.strip():
                continue
            if col == "max_move_speed":
                speed = r.number(path, line, col, cell)
            elif col == "walk_probability":
                value = r.number(path, line, col, cell)
                if value:
                    r.problem(path, line, col, "the link attribute 'walk_probability' is not "
                              "supported by the importer")
        if ok and km is not None:
            out.append(FleeRoute(row[0], row[1], float(km), speed, line))
    return out


def _read_closures(r: _Reader, path: Path, names: set[str], countries: set[str],
                   pairs: set[frozenset[str]] | None) -> list[FleeClosure]:
    """``pairs``: the routes (None if routes.csv could not be read: links are then not checked)."""
    out: list[FleeClosure] = []
    for line, row in r.rows(path, "closures.csv (may hold only its header line)"):
        if len(row) < 5:
            r.problem(path, line, "row", f"found {len(row)} cells; expected closure_type,name1,name2,"
                      "closure_start,closure_end")
            continue
        kind, a, b = row[0].strip(), row[1], row[2]
        if kind not in CLOSURE_TYPES:
            msg = f"found closure type {kind!r}; expected one of {', '.join(CLOSURE_TYPES)}"
            if (hint := closest(kind, CLOSURE_TYPES)) is not None:
                msg += f" (did you mean {hint!r}?)"
            r.problem(path, line, "closure_type", msg)
            continue
        start = r.number(path, line, "closure_start", row[3], integer=True)
        end = r.number(path, line, "closure_end", row[4], integer=True)
        ok = start is not None and end is not None
        if ok and start < 0:
            r.problem(path, line, "closure_start", f"found {row[3]!r}; expected a day >= 0")
            ok = False
        undone = False  # Flee reopens on the day t == closure_end and closes on t == closure_start
        if ok and kind != "remove_forced_redirection" and end != -1 and end <= start:
            undone = end == start
            if undone:
                r.warn(path, line, "closure_end", f"closes and reopens on day {start}: no effect, as "
                       "in Flee; ignored")
            else:
                r.warn(path, line, "closure_end", f"day {end} is before closure_start ({start}): Flee "
                       "reopens before anything is closed, so the closure never ends; read as -1")
                end = -1
        if kind == "country":
            ok &= r.known(path, line, "name1", a, countries, "country")
            ok &= r.known(path, line, "name2", b, countries, "country")
        elif kind == "link":
            ok &= r.known(path, line, "name1", a, names) & r.known(path, line, "name2", b, names)
            if ok and pairs is not None and frozenset((a, b)) not in pairs:
                r.problem(path, line, "name2", f"there is no route between {a!r} and {b!r} in "
                          "routes.csv")
                ok = False
        elif kind == "remove_forced_redirection":
            pass  # Flee toggles a flag on the link, if there is one, and never reads it (Q7)
        else:  # location, camp, idpcamp: name2 is ignored by Flee
            ok &= r.known(path, line, "name1", a, names)
        if ok and not undone:
            out.append(FleeClosure(kind, a, b, int(start), int(end), line))
    return out


def _read_conflicts(r: _Reader, path: Path, names: set[str],
                    days: int) -> tuple[list[str], np.ndarray]:
    header: list[str] | None = None
    rows: list[list[float]] = []
    for line, row in r.records(path, "conflicts.csv (daily conflict intensity per location)"):
        if header is None:
            header = [c.strip() for c in row]
            for col in header[1:]:
                if col and col not in names:
                    msg = f"column {col!r} names no location in locations.csv; ignored, as Flee does"
                    if (hint := closest(col, names)) is not None:
                        msg += f" (did you mean {hint!r}?)"
                    r.warn(path, line, col, msg)
            seen: set[str] = set()
            for col in header[1:]:
                if col and col in seen:
                    r.problem(path, line, col, f"location {col!r} has two columns")
                seen.add(col)
            continue
        if not row or not "".join(row).strip():
            continue
        if len(rows) >= days:
            break  # Flee reads row t on day t; rows beyond the run are never used
        values = []
        for i, col in enumerate(header[1:], start=1):
            cell = row[i] if i < len(row) else ""
            if not col:
                continue
            if not cell.strip():
                r.problem(path, line, col, "missing value (the row is shorter than the header)")
                values.append(0.0)
                continue
            v = r.number(path, line, col, cell)
            if v is not None and v < 0:
                r.problem(path, line, col, f"found {cell!r}; expected an intensity >= 0")
            values.append(v if v is not None else 0.0)
        if len(row) > len(header) and any(c.strip() for c in row[len(header):]):
            r.problem(path, line, "row", f"found {len(row)} cells; the header has {len(header)}")
        rows.append(values)
    if header is None:
        if path.is_file() and path.stat().st_size <= MAX_FILE_BYTES:  # else already reported
            r.problem(path, None, "(file)", "empty file; expected a header #Day,<location>,...")
        return [], np.zeros((days, 0))
    if days and len(rows) < days:
        r.problem(path, None, "(file)", f"found {len(rows)} day rows; the run needs {days} "
                  "(one per day, see sim_period.csv)")
    cols = [c for c in header[1:] if c]
    data = np.array(rows, dtype=float).reshape(len(rows), len(cols))
    keep = [i for i, c in enumerate(cols) if c in names]
    return [cols[i] for i in keep], data[:, keep]


def _read_layout(r: _Reader, path: Path, locations: list[FleeLocation],
                 names: set[str]) -> list[LayoutRow]:
    out: list[LayoutRow] = []
    for line, row in r.rows(path, "data_layout.csv (which series file belongs to which camp)"):
        cells = [c for c in row if c.strip()]
        if len(cells) < 2:
            r.problem(path, line, "row", "expected <name>,<file>[,<more files>]")
            continue
        if not out:
            if cells[0] != "total":
                r.problem(path, line, "name", f"found {cells[0]!r}; the first row must be "
                          "total,refugees.csv (Flee treats the first row as the overall total)")
        elif cells[0] == "total":
            r.problem(path, line, "name", "only the first row may be 'total'")
            continue
        elif any(o.name == cells[0] for o in out):
            r.problem(path, line, "name", f"{cells[0]!r} has two rows")
            continue
        elif cells[0] not in names:
            msg = (f"{cells[0]!r} is not a location: its series only counts towards the daily total "
                   "of data-driven displacement, as in Flee")
            if (hint := closest(cells[0], names)) is not None:
                msg += f" (did you mean {hint!r}?)"
            r.warn(path, line, "name", msg)
        out.append(LayoutRow(cells[0], tuple(c.strip() for c in cells[1:]), line))
    have = {row.name for row in out}
    if path.is_file():
        for loc in locations:
            if loc.is_camp and loc.name not in have:
                r.problem(path, None, "(file)", f"camp {loc.name!r} (locations.csv line {loc.line}) "
                          "has no data row; every camp needs <name>,<series file>")
    return out


def _read_series(r: _Reader, path: Path, start: dt.date) -> FleeSeries | None:
    days: list[int] = []
    values: list[float] = []
    lines: list[int] = []
    first = True
    for line, row in r.rows(path, "series file named in data_layout.csv"):
        if first and row[0].strip() in ("Date", "DateTime"):
            first = False
            continue
        first = False
        if len(row) < 2 or row[1].strip() == "":
            continue  # Flee skips rows without a count
        d = r.date(path, line, "date", row[0])
        v = r.number(path, line, "count", row[1])
        if d is None or v is None:
            continue
        if v < 0:
            r.problem(path, line, "count", f"found {row[1]!r}; expected a count >= 0")
            continue
        days.append((d - start).days)
        values.append(v)
        lines.append(line)
    if path.is_file() and not days and not any(p.file == str(path) for p in r.problems):
        r.problem(path, None, "(file)", "no data rows (expected YYYY-MM-DD,<count>)")
        return None
    for k in range(1, len(days)):
        if days[k] < days[k - 1]:
            r.warn(path, lines[k], "date", "date earlier than the row before; read as Flee reads it "
                   "(the first later-dated point in file order ends an interpolation segment)")
            break
    if not days:
        return None
    return FleeSeries(str(path.name), np.array(days, dtype=np.int64), np.array(values, dtype=float),
                      tuple(lines))


def _read_corrections(r: _Reader, path: Path, layout: list[LayoutRow]) -> list[Correction]:
    out: list[Correction] = []
    names = {row.name for row in layout[1:]}
    if not path.exists():  # Flee reads the corrections only if the file is there
        r.warn(path, None, "(file)", "no registration_corrections.csv: no corrections, as in Flee")
        return out
    for line, row in r.rows(path, "registration_corrections.csv (may be empty)"):
        if len(row) < 2:
            r.problem(path, line, "row", "expected <camp>,<YYYY-MM-DD>[,normalize]")
            continue
        if row[0] not in names:
            msg = f"{row[0]!r} has no row in source_data/data_layout.csv"
            if (hint := closest(row[0], names)) is not None:
                msg += f"; did you mean {hint!r}?"
            r.problem(path, line, "camp", msg)
            continue
        d = r.date(path, line, "date", row[1])
        if d is not None:
            out.append(Correction(row[0], d, line))
    return out


def _check_corrections(r: _Reader, start: dt.date, layout: list[LayoutRow],
                       series: dict[str, FleeSeries], corrections: list[Correction],
                       path: Path) -> None:
    """Flee aborts unless a correction date is one of the camp's own data dates, not its first (Q12)."""
    found: list[tuple[Correction, str]] = []
    partial = FleeFolder(path=r.root, start_date=start, days=0, locations=[], routes=[], closures=[],
                         conflict_names=[], conflicts=np.zeros((0, 0)), layout=layout, series=series,
                         corrections=corrections, settings={}, settings_file=path)
    corrected_series(partial, found)
    for c, message in found:
        r.problem(path, c.line, "date", message)


def _read_settings(r: _Reader, path: Path) -> dict[str, Any]:
    text = r.text(path, "simsetting.yml (Flee's rule settings)", limit=MAX_SETTINGS_BYTES)
    if text is None:
        return {}
    try:
        data = YAML(typ="rt").load(text)  # round-trip: keeps line numbers for messages
    except MarkedYAMLError as exc:
        mark = exc.problem_mark
        r.problem(path, mark.line + 1 if mark else None, "(file)", f"YAML syntax error: {exc.problem}")
        return {}
    except YAMLError as exc:
        r.problem(path, None, "(file)", f"YAML syntax error: {exc}")
        return {}
    except RecursionError:
        r.problem(path, None, "(file)", "nested too deeply to be a settings file")
        return {}
    except (ValueError, TypeError, IndexError, AttributeError) as exc:  # ruamel's constructors
        r.problem(path, None, "(file)", f"YAML that cannot be read: {type(exc).__name__}: {str(exc)[:200]}")
        return {}
    if _depth(data) > MAX_SETTINGS_DEPTH:
        r.problem(path, None, "(file)", f"nested deeper than {MAX_SETTINGS_DEPTH} levels; Flee's settings "
                  "have two")
        return {}
    if data is None:
        return {}
    if not isinstance(data, dict):
        r.problem(path, 1, "(file)", "expected a mapping with sections spawn_rules, move_rules, ...")
        return {}
    return data


def _depth(node: Any, memo: dict[int, int] | None = None) -> int:
    """How deeply mappings and lists nest; shared (aliased) parts are measured once, so an alias
    bomb costs its size in the file, not its expanded size."""
    if not isinstance(node, dict | list):
        return 0
    memo = {} if memo is None else memo
    if id(node) not in memo:
        memo[id(node)] = MAX_SETTINGS_DEPTH + 1  # a cycle counts as too deep
        children = node.values() if isinstance(node, dict) else node
        memo[id(node)] = 1 + max((_depth(c, memo) for c in children), default=0)
    return memo[id(node)]
