"""Cross-references: ids that must exist, ids that must be unique, days inside the run.

Each check returns (field path, message) pairs; the loader locates them in the file.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sim.scenario.errors import PathPart, closest
from sim.scenario.events import RouteEvent
from sim.scenario.schema import Scenario


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
