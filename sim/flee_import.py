"""A Flee conflict folder as an allysim scenario.

``flee_scenario(folder)`` maps a checked ``FleeFolder`` (sim/flee_folder.py) onto a plain scenario
dict: countries become states, locations.csv and routes.csv the world, conflicts.csv and
closures.csv scripted events, the validation series an ``observed`` block and simsetting.yml the
rule parameters. ``import_flee(folder, out)`` writes it as a scenario YAML with CSV files beside
it; ``expand_inputs`` lets a scenario name a Flee folder directly (``world: {flee: path}``).

Every mapping, and every Flee setting refused, is listed in docs/flee.md.
"""

from __future__ import annotations

import csv
import math
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from sim.flee_folder import CONFLICT_EPS, FleeFolder, FleeRoute, read_flee_folder
from sim.observed import Observed, ObservedSpec, inline_observed_csv, observed_from_flee
from sim.scenario_errors import Problem, ScenarioError, SourceMap

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

SQRT_TEN = math.sqrt(10.0)


# -- settings ---------------------------------------------------------------------------------

# move_rules key -> (allysim movement parameter, Flee's code default)
MOVE_RULES: dict[str, tuple[str, Any]] = {
    "max_move_speed": ("max_move_speed", 360.0),
    "max_walk_speed": ("max_walk_speed", 35.0),
    "foreign_weight": ("foreign_weight", 1.0),
    "camp_weight": ("camp_weight", 1.0),
    "conflict_weight": ("conflict_weight", 1.0 / SQRT_TEN),
    "conflict_movechance": ("conflict_leave_probability", 1.0),
    "camp_movechance": ("camp_leave_probability", 0.001),
    "idpcamp_movechance": ("idp_camp_leave_probability", 0.1),
    "default_movechance": ("town_leave_probability", 0.3),
    "awareness_level": ("awareness", 1),
    "capacity_buffer": ("capacity_buffer", 0.9),
    "capacity_scaling": ("capacity_scaling", 1.0),
    "start_on_foot": ("start_on_foot", False),
    "softening": ("softening", 10.0),
    "distance_power": ("distance_power", 1.0),
    "weight_power": ("weight_power", 1.0),
}
# Accepted because they change nothing in Flee's serial model either (or only its output).
MOVE_NOOPS = {
    "max_crossing_speed": "only river-crossing links use it, and the importer has none",
}
# key -> allowed value (Flee's default); any other value is refused.
MOVE_FIXED: dict[str, Any] = {
    "weight_softening": 0.0, "stay_close_to_home": False, "use_pop_for_loc_weight": False,
    "movechance_pop_scale_factor": 0.0, "ChildrenAvoidHazards": False, "BoysTakeRisk": False,
    "MatchCampEthnicity": False, "MatchTownEthnicity": False, "MatchConflictEthnicity": False,
    "ElderlyAvoidHazards": False, "WomenAvoidHazards": False, "two_system_decision_making": False,
    "fixed_routes": False, "flee_when_starving": False, "avoid_food_deprived_locations": False,
    "use_economic_pull": False, "pruning_threshold": 1.0,
}
MOVE_ACCEPTED_DEFAULT_ONLY = {"home_distance_power", "pop_power_for_loc_weight", "movechance_pop_base"}
SPAWN_KEYS = {"sum_from_camps", "conflict_spawn_decay", "conflict_spawn_decay_interval",
              "empty_camps_on_day0", "insert_day0", "take_from_population",
              "conflict_zone_spawning_only", "camps_are_sinks", "camps_are_sicks",
              "read_from_agents_csv_file", "conflict_driven_spawning", "flood_driven_spawning",
              "flood_zone_spawning_only", "starvation_driven_spawning"}


@dataclass
class MappedSettings:
    """simsetting.yml as allysim parameters, plus what the importer itself applies."""

    parameters: dict[str, Any]
    hasten: int = 1
    notes: list[str] = field(default_factory=list)


def map_settings(settings: Mapping[str, Any], file: str) -> tuple[MappedSettings, list[Problem]]:
    """Flee's simsetting.yml -> allysim parameters; unsupported settings are problems."""
    problems: list[Problem] = []

    def bad(where: str, message: str) -> None:
        problems.append(Problem(file, _line(settings, where), None, where, message))

    move: dict[str, Any] = {}
    for section in settings:
        if section not in ("log_levels", "spawn_rules", "move_rules", "optimisations", "flood_rules",
                           "number_of_steps", "conflict_input_file"):
            bad(str(section), f"unknown section {section!r}; expected log_levels, spawn_rules, "
                "move_rules, optimisations")
    if settings.get("flood_rules") is not None:
        bad("flood_rules", "flood rules (DFlee) are not supported")
    rules = _section(settings, "move_rules", bad)
    if rules.get("use_v1_rules"):
        # Flee's v1 rule set overrides these five settings whatever the file says.
        rules = {**rules, "max_move_speed": 200.0, "start_on_foot": False,
                 "avoid_short_stints": False, "camp_weight": 2.0, "conflict_weight": 0.25}
    for key, (target, default) in MOVE_RULES.items():
        value = rules.get(key, default)
        move[target] = _typed(value, type(default), f"move_rules.{key}", bad)
    for key, value in rules.items():
        where = f"move_rules.{key}"
        if key in MOVE_RULES or key in MOVE_NOOPS or key in ("use_v1_rules", "avoid_short_stints"):
            continue
        if key in MOVE_FIXED:
            if value != MOVE_FIXED[key]:
                bad(where, f"{key}: {value!r} is not supported (only {MOVE_FIXED[key]!r}, Flee's "
                    "default); see docs/flee.md")
        elif key not in MOVE_ACCEPTED_DEFAULT_ONLY:
            bad(where, f"unknown move rule {key!r}; supported: "
                f"{', '.join(sorted([*MOVE_RULES, *MOVE_NOOPS, *MOVE_FIXED, 'avoid_short_stints']))}")
    if move.get("awareness") == 0:
        bad("move_rules.awareness_level", "awareness_level 0 is not supported (in Flee it picks a "
            "link index instead of a route, so agents never leave; quirk Q11)")
    elif isinstance(move.get("awareness"), int) and not 1 <= move["awareness"] <= 3:
        bad("move_rules.awareness_level", f"awareness_level {move['awareness']} is not supported "
            "(1 to 3)")
    if move["town_leave_probability"] < 0.005:
        bad("move_rules.default_movechance", "a default_movechance below 0.005 makes Flee turn every "
            "town into a camp; not supported")
    move["continue_same_day"] = True  # Flee: arrivals with distance left evolve again at once
    stints = rules.get("avoid_short_stints", False)
    if not isinstance(stints, bool):
        bad("move_rules.avoid_short_stints", f"found {stints!r}; expected true or false")
    elif stints:  # forced onward from towns after a short day's travel (approximated: always)
        move["town_continue_probability"] = 1.0
    move["conflict_weight_decay"] = True  # Flee fades conflict scores with conflict_spawn_decay

    spawn = _section(settings, "spawn_rules", bad)
    displacement: dict[str, Any] = {"mode": "data_driven"}
    for key in spawn:
        if key not in SPAWN_KEYS:
            bad(f"spawn_rules.{key}", f"unknown spawn rule {key!r}; supported: "
                f"{', '.join(sorted(SPAWN_KEYS))}")
    decay = spawn.get("conflict_spawn_decay")
    if decay is None:
        displacement["spawn_decay"] = [1.0]
    elif isinstance(decay, list) and decay and all(isinstance(x, int | float) for x in decay):
        displacement["spawn_decay"] = [float(x) for x in decay]
    else:
        bad("spawn_rules.conflict_spawn_decay", f"found {decay!r}; expected a list of numbers")
    interval = spawn.get("conflict_spawn_decay_interval", 30)
    if not isinstance(interval, int) or isinstance(interval, bool) or interval < 1:
        bad("spawn_rules.conflict_spawn_decay_interval", f"found {interval!r}; expected a whole "
            "number of days >= 1")
    else:
        displacement["spawn_decay_interval"] = interval
    displacement["data_total"] = "camps" if spawn.get("sum_from_camps", True) else "total"
    displacement["take_from_population"] = bool(spawn.get("take_from_population", False))
    for key, ok in (("insert_day0", True), ("empty_camps_on_day0", False),
                    ("read_from_agents_csv_file", False), ("camps_are_sicks", False),
                    ("flood_zone_spawning_only", False)):
        if key in spawn and bool(spawn[key]) != ok:
            bad(f"spawn_rules.{key}", f"{key}: {spawn[key]!r} is not supported (only {ok!r})")
    for key in ("flood_driven_spawning", "starvation_driven_spawning"):
        if spawn.get(key) is not None:
            bad(f"spawn_rules.{key}", f"{key} is not supported")
    driven = spawn.get("conflict_driven_spawning")
    if driven is not None:
        mode = driven.get("spawn_mode", "constant") if isinstance(driven, Mapping) else None
        if mode != "pop_ratio":
            bad("spawn_rules.conflict_driven_spawning", f"spawn_mode {mode!r} is not supported: "
                "allysim's conflict-driven displacement is a daily share of the population "
                "(Flee's pop_ratio)")
        else:
            displacement["mode"] = "conflict_driven"
            displacement["flee_rate"] = float(driven.get("displaced_per_conflict_day", 0.01))
            displacement["intensity_power"] = 1.0
    opt = _section(settings, "optimisations", bad)
    hasten = opt.get("hasten", 1)
    if not isinstance(hasten, int) or isinstance(hasten, bool) or hasten < 1:
        bad("optimisations.hasten", f"found {hasten!r}; expected a whole number >= 1")
        hasten = 1
    mapped = MappedSettings({"movement": move, "displacement": displacement,
                             "returns": {"enabled": False}}, hasten)
    return mapped, problems


def _section(settings: Mapping[str, Any], name: str, bad: Any) -> Mapping[str, Any]:
    value = settings.get(name)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        bad(name, f"expected a mapping of {name}")
        return {}
    return value


def _typed(value: Any, kind: type, where: str, bad: Any) -> Any:
    if kind is bool:
        if isinstance(value, bool):
            return value
        bad(where, f"found {value!r}; expected true or false")
        return False
    if kind is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        bad(where, f"found {value!r}; expected a whole number")
        return 1
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    bad(where, f"found {value!r}; expected a number")
    return 0.0


def _line(settings: Any, dotted_key: str) -> int | None:
    """1-based line of a key in a ruamel-loaded mapping, if known."""
    node, line = settings, None
    for part in dotted_key.split("."):
        lc = getattr(node, "lc", None)
        if lc is None or not isinstance(node, Mapping) or part not in node:
            break
        try:
            line = lc.key(part)[0] + 1
        except (KeyError, TypeError):
            break
        node = node[part]
    return line


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
            if start > 0:
                item["displaced"] = start
                item["displaced_from"] = home
        else:
            item["population"] = amount
        if loc.type == "conflict_zone":
            item["conflict"] = loc.conflict_intensity if loc.starts_in_conflict else 0.0
        rows[("world", "locations", len(locations))] = (loc_file, loc.line)
        locations.append(item)

    routes = []
    for i, r in enumerate(_contract_markers(folder.routes, markers, warnings, route_file)):
        item = {"from": r.a, "to": r.b, "km": r.km}
        if r.max_move_speed is not None:
            item["speed"] = r.max_move_speed
        rows[("world", "routes", i)] = (route_file, r.line)
        routes.append(item)
    pairs = {frozenset((r["from"], r["to"])) for r in routes}

    events = _conflict_events(folder) + _closure_events(folder, ids, routes, pairs, warnings)
    events.sort(key=lambda e: e["day"])
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
                     "series": series, "total": total, "not_locations": not_locations},
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
    non-zero intensity are ignored by Flee)."""
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
    return [{"day": day, "type": "conflict", "locations": names, "intensity": min(value, 1.0)}
            for (day, value), names in sorted(by_key.items())]


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

LOCATION_COLUMNS = ("id", "state", "kind", "population", "capacity", "lat", "lon", "conflict",
                    "displaced", "displaced_from")
ROUTE_COLUMNS = ("from", "to", "km", "speed")


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
    ``<stem>.observed.csv`` and ``<stem>.observed_total.csv`` are written next to it. The result
    is checked by loading it back. Raises ScenarioError (every problem with file and line).
    """
    from sim.scenario import load_scenario  # late: sim.scenario imports this module

    out = Path(out)
    imported = flee_scenario(read_flee_folder(folder, settings), name=name)
    data = imported.data
    stem = out.name[: -len(out.suffix)] if out.suffix else out.name
    base = out.parent
    base.mkdir(parents=True, exist_ok=True)
    files = {
        "locations": base / f"{stem}.locations.csv",
        "routes": base / f"{stem}.routes.csv",
        "observed": base / f"{stem}.observed.csv",
        "total": base / f"{stem}.observed_total.csv",
    }
    _write_csv(files["locations"], LOCATION_COLUMNS, data["world"].pop("locations"))
    _write_csv(files["routes"], ROUTE_COLUMNS, data["world"].pop("routes"))
    _write_csv(files["observed"], ("location", "date", "count"), data["observed"].pop("series"))
    _write_csv(files["total"], ("date", "count"), data["observed"].pop("total"))
    data["world"]["locations_csv"] = files["locations"].name
    data["world"]["routes_csv"] = files["routes"].name
    data["observed"]["csv"] = files["observed"].name
    data["observed"]["total_csv"] = files["total"].name
    yaml = YAML()
    yaml.width = 100
    events = CommentedSeq()
    for ev in data["events"]:  # one line per event
        row = CommentedMap(ev)
        row.fa.set_flow_style()
        events.append(row)
    data["events"] = events
    with out.open("w", encoding="utf-8") as fh:
        fh.write(f"# allysim scenario imported from the Flee folder {imported.folder.path}\n"
                 "# (allysim import-flee); the CSV files beside it hold the map and the observed\n"
                 "# counts. Mapping and limits: docs/flee.md\n")
        yaml.dump(data, fh)
    load_scenario(out)
    return ImportResult(out, [out, *files.values()], imported.warnings)


def _write_csv(path: Path, columns: tuple[str, ...], rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=columns, extrasaction="raise")
        w.writeheader()
        for row in rows:
            w.writerow({k: ("" if row.get(k) is None else row[k]) for k in columns})


def load_flee_scenario(folder: str | Path, *, settings: str | Path | None = None,
                       overrides: Sequence[str] = (), hasten: int | None = None) -> Any:
    """A Flee folder straight to a validated Scenario (what the backtest runs)."""
    from sim.scenario import parse_scenario  # late: sim.scenario imports this module

    imported = flee_scenario(read_flee_folder(folder, settings), hasten=hasten)
    source = SourceMap(str(folder), imported.data)
    source.rows.update(imported.rows)
    return parse_scenario(imported.data, source, Path("."), overrides)


def expand_inputs(data: Any, base_dir: Path, source: SourceMap) -> list[Problem]:
    """Before validation: ``world: {flee: path}`` expanded into the scenario, observed CSVs inlined.

    The folder supplies the world, its conflicts and closures as events (before the scenario's own
    events), its observed counts, its settings as parameters (the scenario's own parameters win,
    key by key), and start_date, days and name unless the scenario gives them.
    """
    problems: list[Problem] = []
    world = data.get("world") if isinstance(data, Mapping) else None
    if isinstance(world, dict) and world.get("flee") is not None:
        problems += _expand_flee_world(data, world, base_dir, source)
    if not problems:
        problems += inline_observed_csv(data, base_dir, source)
    return problems


def _expand_flee_world(data: Any, world: dict, base_dir: Path, source: SourceMap) -> list[Problem]:
    others = [k for k in world if k != "flee"]
    if others:
        return [source.problem(("world", others[0]), "a world read from a Flee folder ('flee') "
                               f"cannot also set {', '.join(map(repr, others))}")]
    folder = base_dir / str(world["flee"])
    try:
        imported = flee_scenario(read_flee_folder(folder))
    except ScenarioError as exc:
        return exc.problems
    flee = imported.data
    world.update(flee["world"])
    for (_, kind, i), where in imported.rows.items():
        source.rows[("world", kind, i)] = where
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


def _deep_merge(base: dict[str, Any], extra: Any) -> dict[str, Any]:
    if not isinstance(extra, Mapping):
        return extra
    out = dict(base)
    for key, value in extra.items():
        out[str(key)] = _deep_merge(out[key], value) if isinstance(out.get(key), dict) \
            and isinstance(value, Mapping) else value
    return out

