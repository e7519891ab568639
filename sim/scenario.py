"""The scenario file: a typed, frozen description of one what-if experiment.

``load_scenario(path)`` reads YAML (plus any CSV files it names), applies ``--set`` overrides,
validates every field and cross-reference, and either returns a ``Scenario`` or raises a
``ScenarioError`` listing every problem with its file, line and column.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, model_validator
from ruamel.yaml import YAML
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from sim.decision_spec import AllianceSpec, ConflictSpec, NegotiationSpec, StatePolicy
from sim.events import EVENT_TYPES, Event, LocationId, Policy, RouteEvent, StateId, check_managed_capacity
from sim.flee_import import expand_inputs
from sim.observed import ObservedSpec, observed_references
from sim.parameters import Parameters, Strict
from sim.scenario_errors import (
    PathPart,
    Problem,
    ScenarioError,
    SourceMap,
    closest,
    problems_from_validation,
    read_problem,
    register_tagged,
)

LocationKind = Literal["town", "conflict_zone", "camp", "idp_camp", "border_crossing", "hub"]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=80)]


class BorderSpec(Strict):
    """A state's entry policy towards a neighbour."""

    policy: Policy = Field("open", description="open, managed or closed.")
    capacity: int | None = Field(None, ge=0, description="People admitted per day when managed.")

    @model_validator(mode="after")
    def _capacity_with_managed(self) -> BorderSpec:
        check_managed_capacity(self.policy, self.capacity)
        return self


class StateSpec(Strict):
    """A sovereign state: it controls who enters its territory."""

    id: StateId = Field(description="ISO 3166-1 alpha-3 code where one exists (XKX for Kosovo).")
    name: str = Field("", description="Display name.")
    population: int | None = Field(None, ge=0, description="Total population (people); "
                                   "defaults to the sum of its locations' populations.")
    border: BorderSpec = Field(default_factory=BorderSpec,
                               description="Entry policy towards every neighbour at the start.")
    borders: dict[StateId, BorderSpec] = Field(
        default_factory=dict, description="Entry policy towards named neighbours, overriding "
        "'border'.")
    economy: float = Field(1.0, gt=0, description="Economic index (e.g. GDP per head relative to a "
                           "reference): burden-sharing key and economic migration.")
    conflict_risk: float = Field(0.0, ge=0, le=1, description="Daily probability of a conflict onset "
                                 "(endogenous conflict; lowered by collective defence).")
    policy: StatePolicy = Field(default_factory=StatePolicy,
                                description="How the state reacts to refugees and asylum claims.")


class LocationSpec(Strict):
    """A place people live in, pass through or shelter in."""

    id: LocationId = Field(description="Unique id used by routes and events.")
    name: str = Field("", description="Display name; defaults to the id.")
    state: StateId = Field(description="Id of the state the location belongs to.")
    kind: LocationKind = Field("town", description="town, conflict_zone (a town where conflict "
                               "starts at intensity 1 unless 'conflict' says otherwise), camp, "
                               "idp_camp, border_crossing or hub.")
    population: int = Field(0, ge=0, description="Residents at the start (people).")
    capacity: int | None = Field(None, ge=0, description="Displaced people it can shelter; "
                                 "omitted = unlimited.")
    lat: float = Field(ge=-90, le=90, description="Latitude, decimal degrees.")
    lon: float = Field(ge=-180, le=180, description="Longitude, decimal degrees.")
    conflict: float | None = Field(None, ge=0, le=1, description="Conflict intensity at the start, "
                                   "0..1 (default 1 for a conflict_zone, else 0).")
    aid: float = Field(0.0, ge=0, le=1, description="Aid level at the start, 0..1.")
    displaced: int = Field(0, ge=0, description="Displaced people already sheltering here at the "
                           "start (people).")
    displaced_from: LocationId | None = Field(None, description="Home location of those people.")

    @model_validator(mode="after")
    def _displaced_have_a_home(self) -> LocationSpec:
        if self.displaced > 0 and self.displaced_from is None:
            raise ValueError("'displaced' > 0 needs 'displaced_from' (their home location)")
        return self

    @property
    def initial_conflict(self) -> float:
        if self.conflict is not None:
            return self.conflict
        return 1.0 if self.kind == "conflict_zone" else 0.0


class RouteSpec(Strict):
    """A road between two locations, usable both ways."""

    from_: LocationId = Field(alias="from", description="Location id at one end.")
    to: LocationId = Field(description="Location id at the other end.")
    km: float = Field(gt=0, description="Road distance (km).")
    speed: float | None = Field(None, gt=0, description="Travel speed on this road (km/day); "
                                "default: parameters.movement.max_move_speed.")


class World(Strict):
    """The map: states, locations and the roads between them."""

    states: list[StateSpec] = Field(min_length=1, description="The states.")
    locations: list[LocationSpec] = Field(default_factory=list, description="Inline locations.")
    routes: list[RouteSpec] = Field(default_factory=list, description="Inline routes.")
    alliances: list[AllianceSpec] = Field(default_factory=list, description="Alliances of states.")
    conflicts: list[ConflictSpec] = Field(default_factory=list, description="Named conflicts "
                                          "(negotiations and ceasefires refer to them).")
    negotiations: list[NegotiationSpec] = Field(default_factory=list,
                                                description="Negotiation tracks between conflict parties.")
    locations_csv: str | None = Field(None, description="CSV file (relative to the scenario) whose "
                                      "rows are added to 'locations'; columns are the location "
                                      "fields.")
    routes_csv: str | None = Field(None, description="CSV file (relative to the scenario) whose rows "
                                   "are added to 'routes'; columns from,to,km[,speed].")
    flee: str | None = Field(None, description="A Flee conflict folder (relative to the scenario) "
                             "read as the whole world, with its conflicts, closures, observed counts "
                             "and settings (docs/flee.md); no other world field may be given.")


class Scenario(Strict):
    """One experiment: a world, what happens in it, and the rules people follow."""

    name: Slug = Field(description="Short lowercase identifier (letters, digits, - and _).")
    description: str = Field("", description="What the scenario represents and its sources.")
    start_date: dt.date = Field(description="Calendar date of day 0 (YYYY-MM-DD).")
    days: int = Field(ge=1, le=36500, description="Number of simulated days.")
    seed: int = Field(0, ge=0, description="Random seed: same scenario and seed give identical "
                      "outputs.")
    world: World
    events: list[Event] = Field(default_factory=list, description="Scripted events.")
    parameters: Parameters = Field(default_factory=Parameters)
    observed: ObservedSpec | None = Field(None, description="Observed counts per location "
                                          "(backtests, data-driven displacement).")

    def resolved(self) -> dict[str, Any]:
        """The scenario with every default filled in and CSV rows inlined, as plain data."""
        data = self.model_dump(mode="json", by_alias=True)
        data["world"].pop("locations_csv")
        data["world"].pop("routes_csv")
        data["world"].pop("flee")
        if data["observed"] is None:
            del data["observed"]
        else:
            data["observed"].pop("csv")
            data["observed"].pop("total_csv")
        return data


for _cls in EVENT_TYPES:
    register_tagged(_cls.model_fields["type"].annotation.__args__[0], _cls)


# ---------------------------------------------------------------------------------------------
# Loading


class _KeepDatesAsText(RoundTripConstructor):
    """Leave dates as text so a bad one is reported by field and line instead of crashing the parser."""


_KeepDatesAsText.add_constructor("tag:yaml.org,2002:timestamp", RoundTripConstructor.construct_yaml_str)


def load_scenario(path: str | Path, overrides: Sequence[str] = ()) -> Scenario:
    """Read, override, validate and cross-check a scenario file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioError([read_problem(path, None, f"cannot read file: {exc.strerror}")]) from None
    except UnicodeDecodeError:
        raise ScenarioError([read_problem(path, None, "not UTF-8 text")]) from None
    return parse_scenario_text(text, str(path), base_dir=path.parent, overrides=overrides)


def parse_scenario_text(text: str, file: str, base_dir: Path | None = None,
                        overrides: Sequence[str] = ()) -> Scenario:
    """Parse YAML text as a scenario; ``file`` names it in error messages."""
    yaml = YAML(typ="rt")
    yaml.Constructor = _KeepDatesAsText
    try:
        data = yaml.load(io.StringIO(text))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        raise ScenarioError([read_problem(file, line, f"YAML syntax error: {exc.problem}")]) from None
    except YAMLError as exc:
        raise ScenarioError([read_problem(file, None, f"YAML syntax error: {exc}")]) from None
    if not isinstance(data, Mapping):
        found = type(data).__name__ if data is not None else "an empty file"
        raise ScenarioError([read_problem(file, 1, f"found {found}; expected a mapping of "
                                          "scenario fields (name, start_date, days, world, ...)")])
    return parse_scenario(data, SourceMap(file, data), base_dir or Path("."), overrides)


def parse_scenario(data: Any, source: SourceMap, base_dir: Path = Path("."),
                   overrides: Sequence[str] = ()) -> Scenario:
    """Validate already-parsed data (a dict, or ruamel's mapping carrying line numbers)."""
    problems: list[Problem] = []
    for item in overrides:
        problems += _apply_override(data, item, source)
    if not problems:
        problems += expand_inputs(data, base_dir, source)  # world.flee, observed CSV files
    world = data.get("world") if isinstance(data, Mapping) else None
    if isinstance(world, dict):
        for key, field in (("locations_csv", "locations"), ("routes_csv", "routes")):
            if world.get(key):
                problems += _inline_csv(world, key, field, base_dir, source)
    if problems:
        raise ScenarioError(problems)
    try:
        scenario = Scenario.model_validate(_plain(data))
    except ValidationError as exc:
        raise ScenarioError(problems_from_validation(exc, source, Scenario)) from None
    problems = [source.problem(p, msg) for p, msg in check_references(scenario)]
    if problems:
        raise ScenarioError(problems)
    return scenario


def _plain(node: Any) -> Any:
    """ruamel's commented containers as plain dicts and lists (pydantic validates those)."""
    if isinstance(node, Mapping):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node


def _apply_override(data: Any, item: str, source: SourceMap) -> list[Problem]:
    """Apply one ``dotted.path=value`` override; the value is read as a YAML scalar."""
    origin = f"--set {item}"
    if "=" not in item:
        return [Problem(origin, None, None, item, "expected dotted.path=value")]
    key, raw = item.split("=", 1)
    parts: list[PathPart] = [int(p) if p.isdigit() else p for p in key.strip().split(".")]
    value = YAML(typ="safe").load(raw) if raw.strip() else ""
    node = data
    for depth, part in enumerate(parts[:-1]):
        try:
            child = node[part]
        except (KeyError, IndexError, TypeError):
            if isinstance(node, dict) and isinstance(part, str):
                child = node[part] = {}
            else:
                where = ".".join(map(str, parts[: depth + 1]))
                return [Problem(origin, None, None, key, f"no such item {where!r} to set")]
        node = child
    if not isinstance(node, dict | list):
        return [Problem(origin, None, None, key, "cannot set a field inside a single value")]
    try:
        if isinstance(node, list) and parts[-1] == len(node):
            node.append(value)  # index == length appends: --set events.3={day: 5, type: ...}
        else:
            node[parts[-1]] = value
    except (IndexError, TypeError):
        return [Problem(origin, None, None, key, f"no such list item to set (a list of {len(node)} items "
                        "takes indices 0.. and its length to append)")]
    source.rows[tuple(parts)] = (origin, None)
    return []


def _inline_csv(world: dict, key: str, field: str, base_dir: Path,
                source: SourceMap) -> list[Problem]:
    """Append a CSV file's rows to ``world[field]`` and remember each row's line for errors."""
    csv_path = base_dir / str(world[key])
    try:
        text = csv_path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        return [source.problem(("world", key), f"cannot read {csv_path}: {exc.strerror}")]
    reader = csv.DictReader(io.StringIO(text))
    rows = world.setdefault(field, [])
    if not isinstance(rows, list):
        return []
    for row in reader:
        if None in row:
            return [Problem(str(csv_path), reader.line_num, None, field,
                            "row has more cells than the header")]
        clean = {k.strip(): v.strip() for k, v in row.items() if v is not None and v.strip() != ""}
        source.rows[("world", field, len(rows))] = (str(csv_path), reader.line_num)
        rows.append(clean)
    return []


# ---------------------------------------------------------------------------------------------
# Cross-references


def check_references(s: Scenario) -> list[tuple[tuple[PathPart, ...], str]]:
    """Ids that must exist, ids that must be unique, and days inside the run."""
    out: list[tuple[tuple[PathPart, ...], str]] = []
    states = [st.id for st in s.world.states]
    locations = [loc.id for loc in s.world.locations]
    out += _duplicates(states, ("world", "states"), "state")
    out += _duplicates(locations, ("world", "locations"), "location")
    state_set, loc_set = set(states), set(locations)

    def unknown(kind: str, value: str, known: set[str], path: tuple[PathPart, ...]) -> None:
        if value not in known:
            msg = f"unknown {kind} {value!r}"
            if (hint := closest(value, known)) is not None:
                msg += f" (did you mean {hint!r}?)"
            out.append((path, msg))

    if not locations:
        out.append((("world", "locations"), "the world needs at least one location"))
    for i, st in enumerate(s.world.states):
        for other in st.borders:
            unknown("state", other, state_set - {st.id}, ("world", "states", i, "borders", other))
    for i, loc in enumerate(s.world.locations):
        unknown("state", loc.state, state_set, ("world", "locations", i, "state"))
        if loc.displaced_from is not None:
            unknown("location", loc.displaced_from, loc_set,
                    ("world", "locations", i, "displaced_from"))
    pairs: set[frozenset[str]] = set()
    for i, r in enumerate(s.world.routes):
        unknown("location", r.from_, loc_set, ("world", "routes", i, "from"))
        unknown("location", r.to, loc_set, ("world", "routes", i, "to"))
        if r.from_ == r.to:
            out.append((("world", "routes", i), f"a route cannot join {r.from_!r} to itself"))
        pair = frozenset((r.from_, r.to))
        if pair in pairs:
            out.append((("world", "routes", i), f"route {r.from_}-{r.to} is listed twice"))
        pairs.add(pair)
    out += _decision_references(s, state_set, loc_set, unknown)
    intervening = {a.id for a in s.world.alliances if a.intervention is not None}
    negotiated = {n.conflict for n in s.world.negotiations}
    known_ids = {"location": loc_set, "state": state_set, "conflict": {c.id for c in s.world.conflicts},
                 "intervening alliance": intervening, "negotiated conflict": negotiated}
    for i, ev in enumerate(s.events):
        where = ("events", i)
        if ev.day >= s.days:
            out.append(((*where, "day"), f"day {ev.day} is outside the run (days 0..{s.days - 1})"))
        for field, kind, value in ev.targets():
            unknown(kind, value, known_ids[kind], (*where, field))
        if isinstance(ev, RouteEvent) and frozenset((ev.from_, ev.to)) not in pairs \
                and {ev.from_, ev.to} <= loc_set:
            out.append((where, f"there is no route between {ev.from_!r} and {ev.to!r}"))
    out += observed_references(s)
    return out


def _decision_references(s: Scenario, states: set[str], locations: set[str], unknown: Any
                         ) -> list[tuple[tuple[PathPart, ...], str]]:
    """Alliances, state policies, conflicts and negotiations refer to existing ids."""
    out: list[tuple[tuple[PathPart, ...], str]] = []
    has_location = {s.world.locations[i].state for i in range(len(s.world.locations))}
    for i, st in enumerate(s.world.states):
        for k, pledge in enumerate(st.policy.resettlement):
            where = ("world", "states", i, "policy", "resettlement", k)
            unknown("state", pledge.from_, states, (*where, "from"))
            if pledge.reception is not None:
                unknown("location", pledge.reception, locations, (*where, "reception"))
            if st.id not in has_location:
                out.append((where, f"state {st.id!r} needs a location to receive resettled people"))
    alliance_ids = {a.id for a in s.world.alliances}
    for i, a in enumerate(s.world.alliances):
        where = ("world", "alliances", i)
        for k, member in enumerate(a.members):
            if member not in states:
                msg = f"alliance member {member!r} is not a state"
                if (hint := closest(member, states)) is not None:
                    msg += f" (did you mean {hint!r}?)"
                out.append(((*where, "members", k), msg))
        for name, table in (("willingness", a.willingness),):
            for member in table:
                if member not in a.members:
                    out.append(((*where, name, member), f"{member!r} is not a member of {a.id}"))
        for origin in a.asylum_recognition:
            unknown("state", origin, states, (*where, "asylum_recognition", origin))
        for field in ("intervention", "aid"):
            spec = getattr(a, field)
            if spec is not None:
                unknown("state", spec.target, states, (*where, field, "target"))
                for k, loc in enumerate(getattr(spec, "locations", None) or []):
                    unknown("location", loc, locations, (*where, field, "locations", k))
        if a.evacuation is not None:
            unknown("state", a.evacuation.from_, states, (*where, "evacuation", "from"))
            for member in a.evacuation.offers:
                if member not in a.members:
                    out.append(((*where, "evacuation", "offers", member),
                                f"{member!r} is not a member of {a.id}"))
                elif member not in has_location:
                    out.append(((*where, "evacuation", "offers", member),
                                f"state {member!r} needs a location to receive evacuated people"))
            for member, loc in a.evacuation.reception.items():
                unknown("location", loc, locations, (*where, "evacuation", "reception", member))
        if a.burden_sharing is not None:
            for member in a.members:
                if member in states and member not in has_location:
                    out.append(((*where, "burden_sharing"),
                                f"member {member!r} needs a location to receive relocated people"))
    conflict_ids = set()
    for i, c in enumerate(s.world.conflicts):
        conflict_ids.add(c.id)
        for k, loc in enumerate(c.locations):
            unknown("location", loc, locations, ("world", "conflicts", i, "locations", k))
    for i, n in enumerate(s.world.negotiations):
        unknown("conflict", n.conflict, conflict_ids, ("world", "negotiations", i, "conflict"))
        if n.backing is not None:
            unknown("alliance", n.backing, alliance_ids, ("world", "negotiations", i, "backing"))
    return out


def _duplicates(ids: list[str], path: tuple[PathPart, ...],
                kind: str) -> list[tuple[tuple[PathPart, ...], str]]:
    counts = Counter(ids)
    seen: set[str] = set()
    out = []
    for i, value in enumerate(ids):
        if counts[value] > 1 and value in seen:
            out.append(((*path, i, "id"), f"duplicate {kind} id {value!r}"))
        seen.add(value)
    return out
