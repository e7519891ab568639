"""A Flee conflict folder as an allysim scenario.

``flee_scenario(folder)`` maps a checked ``FleeFolder`` (sim/flee/folder.py) onto a plain scenario
dict: countries become states, locations.csv and routes.csv the world, conflicts.csv and
closures.csv scripted events, the validation series an ``observed`` block and simsetting.yml the
rule parameters. ``import_flee(folder, out)`` writes it as a scenario YAML with CSV files beside
it; ``expand_flee_world`` lets a scenario name a Flee folder directly (``world: {flee: path}``).

Every mapping, and every Flee setting refused, is listed in docs/flee.md.
"""

from __future__ import annotations

import csv
import io
import itertools
import os
import re
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from sim.core.observed import Observed
from sim.flee.folder import CONFLICT_EPS, INPUT, SOURCE, read_flee_folder
from sim.flee.records import FleeFolder, FleeLocation, FleeRoute
from sim.flee.series import observed_from_flee
from sim.flee.settings import map_settings
from sim.scenario import Scenario
from sim.scenario.errors import Problem, ScenarioError, SourceMap, closest
from sim.scenario.loading import (
    ALLOW_OUTSIDE_HINT,
    MAX_CSV_BYTES,
    confined_path,
    parse_scenario,
    read_scenario,
)
from sim.scenario.observed import ObservedSpec
from sim.scenario.table_files import split_tables

# Flee's country names (as written in the shipped folders) -> ISO 3166-1 alpha-3.
ISO3 = {
    "afghanistan": "AFG", "algeria": "DZA", "angola": "AGO", "bangladesh": "BGD", "benin": "BEN",
    "brazil": "BRA", "burkina faso": "BFA", "burundi": "BDI", "cameroon": "CMR", "car": "CAF",
    "central african republic": "CAF", "chad": "TCD", "chile": "CHL", "colombia": "COL",
    "congo": "COG", "rc": "COG", "republic of congo": "COG", "drc": "COD",
    "democratic republic of the congo": "COD", "djibouti": "DJI", "ecuador": "ECU",
    "equador": "ECU", "egypt": "EGY", "eritrea": "ERI", "ethiopia": "ETH", "gabon": "GAB",
    "ghana": "GHA", "guinea": "GIN", "iran": "IRN", "iraq": "IRQ", "jordan": "JOR", "kenya": "KEN",
    "lebanon": "LBN", "libya": "LBY", "mali": "MLI", "mauritania": "MRT", "moldova": "MDA",
    "myanmar": "MMR", "niger": "NER", "nigeria": "NGA", "pakistan": "PAK", "peru": "PER",
    "poland": "POL", "romania": "ROU", "rwanda": "RWA", "senegal": "SEN", "somalia": "SOM",
    "south sudan": "SSD", "sudan": "SDN", "syria": "SYR", "tanzania": "TZA", "togo": "TGO",
    "turkey": "TUR", "uganda": "UGA", "ukraine": "UKR", "venezuela": "VEN", "yemen": "YEM",
    "zambia": "ZMB",
}

# -- the scenario -----------------------------------------------------------------------------


@dataclass
class ImportedScenario:
    """A Flee folder as scenario data, and what the importer had to say about it."""

    data: dict[str, Any]
    folder: FleeFolder
    warnings: list[Problem]
    rows: dict[tuple, tuple[str, int]]  # scenario path -> (Flee file, line), for error messages


def slug(text: str) -> str:
    """A scenario name from a folder name (lowercase letters, digits, - and _)."""
    s = re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-_")
    return (s if s[:1].isalnum() else f"x{s}")[:80]


def state_ids(countries: list[str]) -> dict[str, str]:
    """Flee country names -> state ids: ISO alpha-3 where known, else a slug of the name."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for name in countries:
        key = re.sub(r"[\s_]+", " ", name.strip().lower())
        sid = ISO3.get(key) or re.sub(r"[^A-Za-z0-9_-]", "_", name.strip()) or "unknown"
        if not sid[0].isalpha():
            sid = f"X{sid}"
        base, k = sid, 2
        while sid in used:
            sid, k = f"{base}_{k}", k + 1
        used.add(sid)
        out[name] = sid
    return out


def flee_scenario(folder: FleeFolder, name: str | None = None,
                  hasten: int | None = None) -> ImportedScenario:
    """The scenario dict for a Flee folder (all inline). ``hasten`` replaces the settings' value.
    Raises ScenarioError for unsupported settings or data the mapping cannot represent."""
    settings_file = str(folder.settings_file)
    mapped, problems = map_settings(folder.settings, settings_file)
    if problems:
        raise ScenarioError(problems)
    hasten = mapped.hasten if hasten is None else hasten
    warnings = list(folder.warnings)
    rows: dict[tuple, tuple[str, int]] = {}
    loc_file = str(folder.path / "input_csv" / "locations.csv")
    route_file = str(folder.path / "input_csv" / "routes.csv")
    ids = state_ids(folder.countries)
    states = [{"id": ids[c], "name": c.replace("_", " ")} for c in folder.countries]

    series, total = observed_from_flee(folder, hasten)
    observed_names = [row.name for row in folder.layout[1:]]
    not_locations = [n for n in observed_names if n not in {loc.name for loc in folder.locations}]
    spec = ObservedSpec.model_validate({"series": series, "total": total})
    obs = Observed.from_spec(spec, folder.start_date, 1)
    day0 = dict(zip(obs.locations, obs.values[0].tolist(), strict=True))

    markers = {loc.name for loc in folder.locations if loc.type == "marker"}
    home = next((loc.name for loc in folder.locations if loc.name not in markers), None)
    locations: list[dict[str, Any]] = []
    not_placed: list[FleeLocation] = []  # initial_idps outside camps
    for loc in folder.locations:
        if loc.name in markers:
            continue
        kind = {"camp": "camp", "idpcamp": "idp_camp", "conflict_zone": "conflict_zone",
                "town": "town", "forward": "hub"}[loc.type]
        item: dict[str, Any] = {"id": loc.name, "state": ids[loc.country], "kind": kind,
                                "lat": loc.lat, "lon": loc.lon}
        amount = loc.population // hasten
        if loc.is_camp:
            start = day0.get(loc.name, 0)
            if amount >= 1:
                # Flee master takes the day-0 count off the capacity as well as placing those
                # people in the camp (quirk Q5); a capacity brought below 1 reads as unlimited.
                amount -= start
                if amount >= 1:
                    item["capacity"] = amount
                else:
                    warnings.append(Problem(loc_file, loc.line, None, "population", f"camp "
                                            f"{loc.name!r}: capacity {loc.population // hasten} "
                                            f"minus its day-0 count {start} is below 1, so it is "
                                            "unlimited, as in Flee"))
            # Flee's run script fills camps (only) with their day-0 count and initial_idps, unless
            # empty_camps_on_day0.
            placed = 0 if mapped.empty_camps else start + loc.initial_idps // hasten
            if placed > 0:
                item["displaced"] = placed
                item["displaced_from"] = home
        else:
            item["population"] = amount
            if loc.initial_idps > 0:
                not_placed.append(loc)
        if loc.type == "conflict_zone":
            item["conflict"] = loc.conflict_intensity if loc.starts_in_conflict else 0.0
        rows[("world", "locations", len(locations))] = (loc_file, loc.line)
        locations.append(item)

    if not_placed:
        warnings.append(Problem(loc_file, not_placed[0].line, None, "initial_idps", f"initial_idps at "
                                f"{len(not_placed)} locations that are not camps (the first here) "
                                "are ignored: Flee's run script places them at camps only"))
    if mapped.empty_camps:
        warnings.append(Problem(settings_file, None, None, "spawn_rules.empty_camps_on_day0",
                                "camps start empty; backtests compare with each camp's change since "
                                "day 0, as Flee does"))
    routes = []
    for i, r in enumerate(_contract_markers(folder.routes, markers, warnings, route_file)):
        item = {"from": r.a, "to": r.b, "km": r.km}
        if r.max_move_speed is not None:
            item["speed"] = r.max_move_speed
        rows[("world", "routes", i)] = (route_file, r.line)
        routes.append(item)
    pairs = {frozenset((r["from"], r["to"])) for r in routes}

    # Closures, then the conflict timeline (one event per location, as import_flee writes it to
    # its own CSV file), each by day: the same events in the same order either way.
    closures = sorted(_closure_events(folder, ids, routes, pairs, warnings), key=lambda e: e["day"])
    events = closures + _conflict_events(folder)
    data = {
        "name": slug(name or folder.name),
        "description": f"Imported from the Flee folder {folder.name} ({folder.path}). Settings: "
                       f"{Path(settings_file).name}" + (f", hasten {hasten}" if hasten > 1 else "")
                       + ".",
        "start_date": folder.start_date.isoformat(),
        "days": folder.days,
        "seed": 0,
        "world": {"states": states, "locations": locations, "routes": routes},
        "events": events,
        "parameters": mapped.parameters,
        "observed": {"source": f"UNHCR counts from the Flee folder {folder.name} (data_layout.csv, "
                               "registration corrections applied)",
                     "series": series, "total": total, "not_locations": not_locations,
                     "from_day0": mapped.empty_camps},
    }
    return ImportedScenario(data, folder, warnings, rows)


def _contract_markers(routes: list[FleeRoute], markers: set[str], warnings: list[Problem],
                      file: str) -> list[FleeRoute]:
    """Markers are not stops in Flee (not a hop, not a destination): join their neighbours directly.

    Duplicate routes (the same pair twice) are merged, keeping the shorter one.
    """
    keep = [r for r in routes if r.a not in markers and r.b not in markers]
    for m in sorted(markers):
        legs = [(r.b if r.a == m else r.a, r) for r in routes if m in (r.a, r.b)]
        for i, (u, ru) in enumerate(legs):
            for v, rv in legs[i + 1:]:
                if u != v and u not in markers and v not in markers:
                    keep.append(FleeRoute(u, v, ru.km + rv.km, ru.max_move_speed, ru.line))
    best: dict[frozenset[str], FleeRoute] = {}
    for r in keep:
        key = frozenset((r.a, r.b))
        if key in best:
            first = best[key]
            warnings.append(Problem(file, r.line, None, "name2", f"route {r.a}-{r.b} listed again "
                                    f"(first on line {first.line}); merged into one route of "
                                    f"{min(first.km, r.km):g} km (Flee would offer both)"))
            if r.km < first.km:
                best[key] = FleeRoute(first.a, first.b, r.km, first.max_move_speed, first.line)
        else:
            best[key] = r
    return list(best.values())


def _conflict_events(folder: FleeFolder) -> list[dict[str, Any]]:
    """conflicts.csv -> conflict events at onsets and ends only (quirk Q6: later changes of a
    non-zero intensity are ignored by Flee), one per location, by day."""
    by_key: dict[tuple[int, float], list[str]] = defaultdict(list)
    values = folder.conflicts
    for j, name in enumerate(folder.conflict_names):
        col = values[:, j]
        on = col > CONFLICT_EPS
        for t in range(len(col)):
            if on[t] and (t == 0 or not on[t - 1]):
                by_key[(t, float(col[t]))].append(name)
            elif not on[t] and t > 0 and on[t - 1]:
                by_key[(t, 0.0)].append(name)
    return [{"day": day, "type": "conflict", "locations": [name], "intensity": min(value, 1.0)}
            for (day, value), names in sorted(by_key.items()) for name in names]


def _closure_events(folder: FleeFolder, ids: dict[str, str], routes: list[dict[str, Any]],
                    pairs: set[frozenset[str]], warnings: list[Problem]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    file = str(folder.path / "input_csv" / "closures.csv")
    days = folder.days
    for c in folder.closures:
        reopen = c.end if c.end != -1 and c.end < days else None
        if c.start >= days:
            warnings.append(Problem(file, c.line, None, "closure_start", f"day {c.start} is after the "
                                    "run; closure ignored"))
            continue
        if c.type == "country":
            if c.a == c.b:
                continue
            for to, frm in ((c.a, c.b), (c.b, c.a)):
                ev = {"day": c.start, "type": "border", "state": ids[to], "from": ids[frm],
                      "policy": "closed"}
                if c.end != -1:
                    ev["until"] = c.end
                out.append(ev)
        elif c.type in ("location", "link"):
            if c.type == "link":
                touching = [(c.a, c.b)]
            else:
                touching = [(r["from"], r["to"]) for r in routes if c.a in (r["from"], r["to"])]
            for a, b in touching:
                if frozenset((a, b)) not in pairs:
                    continue
                out.append({"day": c.start, "type": "route", "from": a, "to": b, "action": "close"})
                if reopen is not None:
                    out.append({"day": reopen, "type": "route", "from": a, "to": b, "action": "open"})
        elif c.type in ("camp", "idpcamp"):
            out.append({"day": c.start, "type": "camp", "location": c.a, "action": "close"})
            if reopen is not None:
                out.append({"day": reopen, "type": "camp", "location": c.a, "action": "open"})
        # remove_forced_redirection: Flee master never reads the flag (quirk Q7): nothing to do.
    return out


# -- writing and loading ----------------------------------------------------------------------

@dataclass
class ImportResult:
    """Files written by ``import_flee``."""

    scenario: Path
    files: list[Path]
    warnings: list[Problem]


def import_flee(folder: str | Path, out: str | Path, *, settings: str | Path | None = None,
                name: str | None = None) -> ImportResult:
    """Write a Flee folder as an allysim scenario YAML plus CSVs beside it.

    ``out`` is the scenario file; ``<stem>.locations.csv``, ``<stem>.routes.csv``,
    ``<stem>.conflicts.csv`` (conflict onsets and ends), ``<stem>.observed.csv`` and
    ``<stem>.observed_total.csv`` are written next to it. They are written to a hidden folder
    beside ``out`` and loaded back; only a scenario that loads is moved into place, so a failed
    import leaves nothing behind. Raises ScenarioError (every problem with file and line).
    """
    out = Path(out)
    imported = flee_scenario(read_flee_folder(folder, settings), name=name)
    data = imported.data
    stem = out.name[: -len(out.suffix)] if out.suffix else out.name
    tables = split_tables(data, stem)
    events = CommentedSeq()
    for ev in data["events"]:  # one line per event
        row = CommentedMap(ev)
        row.fa.set_flow_style()
        events.append(row)
    ordered = {}
    for key, value in data.items():  # conflicts_csv beside the events it adds to
        if key != "conflicts_csv":
            ordered[key] = events if key == "events" else value
        if key == "events":
            ordered["conflicts_csv"] = data["conflicts_csv"]
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{stem}.import-", dir=out.parent))
    try:
        for table in tables:
            table.write(staging, stem)
        yaml = YAML()
        yaml.width = 100
        with (staging / out.name).open("w", encoding="utf-8") as fh:
            fh.write(f"# allysim scenario imported from the Flee folder {imported.folder.path}\n"
                     "# (allysim import-flee); the CSV files beside it hold the map, the conflict\n"
                     "# timeline and the observed counts. Mapping and limits: docs/flee.md\n")
            yaml.dump(ordered, fh)
        try:
            read_scenario(staging / out.name)
        except ScenarioError as exc:  # name the files where they were to go
            raise ScenarioError([replace(p, file=p.file.replace(str(staging), str(out.parent)))
                                 for p in exc.problems]) from None
        files = [out, *(out.parent / table.name(stem) for table in tables)]
        for file in files:
            (staging / file.name).replace(file)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return ImportResult(out, files, imported.warnings)


def load_flee_scenario(folder: str | Path, *, settings: str | Path | None = None,
                       overrides: Sequence[str] = (), hasten: int | None = None) -> Scenario:
    """A Flee folder straight to a validated Scenario (what the backtest runs)."""
    imported = flee_scenario(read_flee_folder(folder, settings), hasten=hasten)
    source = SourceMap(str(folder), imported.data)
    source.rows.update(imported.rows)
    return parse_scenario(imported.data, source, Path("."), overrides)


def expand_flee_world(data: Any, world: dict, base_dir: Path, source: SourceMap, *,
                      allow_outside: bool = False) -> list[Problem]:
    """Before validation: ``world: {flee: path}`` expanded into the scenario (a ``WorldSource``).

    The folder supplies the world, its conflicts and closures as events (before the scenario's own
    events), its observed counts, its settings as parameters (the scenario's own parameters win,
    key by key), and start_date, days and name unless the scenario gives them.

    Unless ``allow_outside``, the folder and every file of it that the Flee reader may open must
    be inside ``base_dir``'s tree, after following symbolic links; nothing is read otherwise.
    """
    others = [k for k in world if k not in ("flee", *DECISION_LAYER)]
    if others:
        return [source.problem(("world", others[0]), "a world read from a Flee folder ('flee') "
                               f"cannot also set {', '.join(map(repr, others))} (it may add "
                               f"{', '.join(DECISION_LAYER)})")]
    folder = confined_path(base_dir, world["flee"], ("world", "flee"), source, allow_outside, "folder")
    if isinstance(folder, Problem):
        return [folder]
    if not allow_outside:
        outside = _files_outside(folder, base_dir)
        if outside is not None:
            return [source.problem(("world", "flee"), f"the Flee folder's {outside!r} leads outside the "
                                   f"scenario's folder: {ALLOW_OUTSIDE_HINT}")]
    try:
        imported = flee_scenario(read_flee_folder(folder))
    except ScenarioError as exc:
        return exc.problems
    except OSError as exc:  # a name too long for the file system, a folder that cannot be listed
        return [source.problem(("world", "flee"), f"cannot read the Flee folder: {exc.strerror or exc}")]
    flee = imported.data
    own_states = world.get("states")
    own_lines = {i: source.locate(("world", "states", i)) for i in range(len(own_states or []))}
    world.update(flee["world"])
    for (_, kind, i), where in imported.rows.items():
        source.rows[("world", kind, i)] = where
    if own_states is not None:
        problems = _overlay_states(world["states"], own_states, own_lines, source)
        if problems:
            return problems
    for key in ("name", "start_date", "days"):
        if key not in data:
            data[key] = flee[key]
    data.setdefault("description", flee["description"])
    days = data["days"] if isinstance(data["days"], int) else flee["days"]
    folder_events = [e for e in flee["events"] if e["day"] < days]  # a shorter run never gets there
    own = data.get("events") or []
    if isinstance(own, list):  # the folder's events go after the scenario's own (same-day order)
        data["events"] = own + folder_events
    if "observed" not in data:
        data["observed"] = flee["observed"]
    data["parameters"] = _deep_merge(flee["parameters"], data.get("parameters") or {})
    return []


# What a scenario may add to a Flee folder's world: its states' policies, the decision layer and
# population classes.
DECISION_LAYER = ("states", "alliances", "conflicts", "negotiations", "populations")


def _overlay_states(states: list[dict], own: Any, own_lines: dict[int, tuple[str, int | None, int | None]],
                    source: SourceMap) -> list[Problem]:
    """The scenario's ``states`` entries laid over the folder's states of the same id (their
    fields win), and their positions in the file kept for messages. A state the folder does
    not have is an error: the folder's countries are the whole world."""
    if not isinstance(own, list):
        return [source.problem(("world", "states"), "expected a list of states (each with the 'id' "
                               "of one of the Flee folder's countries)")]
    index = {st["id"]: j for j, st in enumerate(states)}
    problems = []
    for i, entry in enumerate(own):
        sid = entry.get("id") if isinstance(entry, dict) else None
        if sid not in index:
            msg = (f"the Flee folder has no state {sid!r}" if sid is not None else "each state needs "
                   "the 'id' of one of the Flee folder's countries")
            if sid is not None and (hint := closest(sid, index)) is not None:
                msg += f" (did you mean {hint!r}?)"
            file, line, col = own_lines[i]  # where the entry was before the folder's states replaced it
            problems.append(Problem(file, line, col, f"world.states[{i}]", msg + "; its states are "
                                    + ", ".join(sorted(index))))
            continue
        j = index[sid]
        states[j] = {**states[j], **entry}
        file, line, _ = own_lines[i]
        if line is not None:
            source.rows[("world", "states", j)] = (file, line)
    return problems


def _files_outside(folder: Path, base_dir: Path) -> str | None:
    """The first file or folder of a Flee folder (as named inside it) that the Flee reader may
    open and that resolves outside ``base_dir``'s tree: the folders input_csv and source_data,
    every entry in them, simsetting.yml and the series files source_data/data_layout.csv names.
    Only names and links are looked at, and data_layout.csv only once it is known to be inside."""
    try:
        root = base_dir.resolve()

        def outside(path: Path) -> bool:
            return not path.resolve().is_relative_to(root)

        if not folder.is_dir():
            return None  # the Flee reader says so
        named: list[str] = ["simsetting.yml"]
        for sub in (INPUT, SOURCE):
            if outside(folder / sub):
                return sub
            if (folder / sub).is_dir():
                with os.scandir(folder / sub) as entries:
                    named += [f"{sub}/{e.name}" for e in itertools.islice(entries, 100_000)]
        for name in named:
            if outside(folder / name):
                return name
        layout = folder / SOURCE / "data_layout.csv"
        if layout.is_file() and layout.stat().st_size <= MAX_CSV_BYTES:
            text = layout.read_text(encoding="utf-8-sig", errors="replace")
            for row in csv.reader(io.StringIO(text)):
                for cell in row[1:]:
                    if cell.strip() and outside(folder / SOURCE / cell.strip()):
                        return f"{SOURCE}/{cell.strip()}"
    except (OSError, RuntimeError, ValueError, csv.Error):
        return None  # unreadable or malformed: the Flee reader reports it, inside the folder
    return None


def _deep_merge(base: dict[str, Any], extra: Any) -> dict[str, Any]:
    if not isinstance(extra, Mapping):
        return extra
    out = dict(base)
    for key, value in extra.items():
        out[str(key)] = _deep_merge(out[key], value) if isinstance(out.get(key), dict) \
            and isinstance(value, Mapping) else value
    return out

