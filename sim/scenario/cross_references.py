"""Cross-references: ids that must exist, ids that must be unique, days inside the run.

Each check returns (field path, message) pairs; the loader locates them in the file.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from typing import Any

import numpy as np
from pydantic import ValidationError

from sim.scenario.decisions import AllianceSpec, MandateSpec, ProtectionSpec
from sim.scenario.errors import PathPart, closest
from sim.scenario.events import EnlargementEvent, ParametersEvent, RouteEvent
from sim.scenario.fields import MAX_WORLD_PEOPLE, TICKS_PER_DAY
from sim.scenario.parameters import MovementParameters, parameter_keys, runtime_parameters, with_changes
from sim.scenario.schema import Scenario

# The last date a run may record: far from datetime's and numpy's year 9999, so dates computed
# from a run's days (outputs, summaries, the dashboard) never overflow.
LAST_DATE = dt.date(8999, 12, 31)
# Route weights (sim/core/rules.py path_weights) must stay finite: an infinite weight makes the
# day's route choice probabilities NaN. 10^300 leaves a margin below float64's 1.8e308.
MAX_ROUTE_WEIGHT_LOG10 = 300.0
# Candidate journeys (sim/core/routes.py): every path of up to ``awareness`` hops from every place
# is listed once (in Python, some 20,000 to 50,000 a second), with a weight per origin state each
# day, and each (origin state, place) has a row as wide as the most journeys any place has. Both
# grow as degree^awareness; bounded so that a compact file cannot ask for hours of enumeration or
# tens of gigabytes (a star of 3,000 roads at awareness 2 would list 9 million journeys). The
# largest worlds in use (10,000 places, awareness 1) list under 100,000.
MAX_JOURNEYS = 1_000_000
MAX_JOURNEY_CELLS = 10_000_000  # states x journeys, and states x places x widest row
# Travel steps kept (journeys x 2 profiles x sixteenths of a day until arrival, at most the run):
# about 40 bytes each while they are built, so this bound keeps them under a gigabyte.
MAX_TRAVEL_CELLS = 25_000_000
# Towns taking part in an alliance's free movement: every pair of them is compared every day.
MAX_FREE_MOVEMENT_TOWNS = 500
# Points of one observed series: reading a series day by day compares every day with every
# point (sim/core/observed.py), so days x points is bounded through this.
MAX_SERIES_POINTS = 10_000


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
    irregular = {frozenset((r.from_, r.to)) for r in s.world.routes if r.irregular}
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
    out += _population_classes(s, loc_set, unknown)
    intervening = {a.id for a in s.world.alliances if a.intervention is not None}
    negotiated = {n.conflict for n in s.world.negotiations}
    known_ids = {"location": loc_set, "state": state_set, "conflict": {c.id for c in s.world.conflicts},
                 "intervening alliance": intervening, "negotiated conflict": negotiated,
                 "alliance": {a.id for a in s.world.alliances}}
    for i, ev in enumerate(s.events):
        where = ("events", i)
        if ev.day >= s.days:
            out.append(((*where, "day"), f"day {ev.day} is outside the run (days 0..{s.days - 1})"))
        for field, kind, value in ev.targets():
            unknown(kind, value, known_ids[kind], (*where, field))
        if isinstance(ev, RouteEvent) and {ev.from_, ev.to} <= loc_set:
            if frozenset((ev.from_, ev.to)) not in pairs:
                out.append((where, f"there is no route between {ev.from_!r} and {ev.to!r}"))
            elif ev.action == "set" and frozenset((ev.from_, ev.to)) not in irregular:
                out.append(((*where, "action"), f"the route {ev.from_}-{ev.to} is not irregular: "
                            "only an irregular route has a capacity and a risk to set"))
        if isinstance(ev, EnlargementEvent):
            out += _enlargement(s, i)
    out += observed_references(s)
    out += check_limits(s)
    out += _parameter_changes(s)
    return out


def _parameter_changes(s: Scenario) -> list[tuple[tuple[PathPart, ...], str]]:
    """`parameters` events set runtime parameters to valid values, and every route weight stays
    finite with the values in force after each change (they apply in day order)."""
    out: list[tuple[tuple[PathPart, ...], str]] = []
    params = s.parameters
    changes = sorted(((ev.day, i, ev) for i, ev in enumerate(s.events) if isinstance(ev, ParametersEvent)),
                     key=lambda c: (c[0], c[1]))
    for _, i, ev in changes:
        where = ("events", i, "set")
        try:
            params = with_changes(params, ev.set)
        except KeyError as err:
            key = str(err.args[0])
            msg = (f"{key!r} cannot change during a run" if key in parameter_keys()
                   else f"unknown parameter {key!r}")
            if (hint := closest(key, runtime_parameters())) is not None and hint != key:
                msg += f" (did you mean {hint!r}?)"
            out.append(((*where, key), msg + "; docs/scenario.md lists the parameters a `parameters` "
                        "event can set"))
            continue
        except ValidationError as err:
            for e in err.errors():
                key = ".".join(str(part) for part in e["loc"][:2])
                out.append(((*where, key), f"{e['msg']} (got {e['input']!r})"))
            continue
        out += [((*where, "movement.weight_power"), msg)
                for _, msg in _route_weight_limit(s, params.movement)]
    return out


def check_limits(s: Scenario) -> list[tuple[tuple[PathPart, ...], str]]:
    """Limits that involve several fields: the run's dates, the world's people, route weights."""
    out: list[tuple[tuple[PathPart, ...], str]] = []
    if (LAST_DATE - s.start_date).days < s.days - 1:
        out.append((("start_date",), f"a run of {s.days} days from {s.start_date} ends after "
                    f"{LAST_DATE}; dates must stay before the year 9000"))
    people = (sum(loc.population + loc.displaced for loc in s.world.locations)
              + sum(sum(c.at.values()) for c in s.world.populations))
    if people > MAX_WORLD_PEOPLE:
        out.append((("world", "locations"), f"{people:,} people in all (populations, classes and "
                    "displaced); "
                    f"a world may hold at most 2^50 = {MAX_WORLD_PEOPLE:,} so that every count stays "
                    "exact"))
    out += _route_weight_limit(s, s.parameters.movement)
    out += _journey_limit(s)
    towns = Counter(loc.state for loc in s.world.locations if loc.kind not in ("camp", "idp_camp"))
    for i, a in enumerate(s.world.alliances):
        if a.free_movement is not None:
            n = sum(min(a.free_movement.towns_per_state, towns[m]) for m in set(a.members))
            if n > MAX_FREE_MOVEMENT_TOWNS:
                out.append((("world", "alliances", i, "free_movement", "towns_per_state"),
                            f"{n:,} towns would take part in free movement (every pair is compared "
                            f"each day); at most {MAX_FREE_MOVEMENT_TOWNS:,}"))
    if s.observed is not None:
        points = Counter(p.location for p in s.observed.series)
        for location, n in points.items():
            if n > MAX_SERIES_POINTS:
                out.append((("observed", "series"), f"location {location!r} has {n:,} observed points; "
                            f"a series may have at most {MAX_SERIES_POINTS:,}"))
                break
        if len(s.observed.total) > MAX_SERIES_POINTS:
            out.append((("observed", "total"), f"{len(s.observed.total):,} points; at most "
                        f"{MAX_SERIES_POINTS:,}"))
    return out


def _journey_limit(s: Scenario) -> list[tuple[tuple[PathPart, ...], str]]:
    """Candidate journeys the route choice would list (an upper bound: walks that never turn
    straight back, of 1 to ``awareness`` hops), in all and from the busiest place."""
    index = {loc.id: i for i, loc in enumerate(s.world.locations)}
    pairs = [(index[r.from_], index[r.to]) for r in s.world.routes if r.from_ in index and r.to in index]
    # Every road both ways: arc 2i runs along road i, arc 2i + 1 back (so a ^ 1 reverses arc a).
    ends = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    src, dst = ends.ravel(), ends[:, ::-1].ravel()
    reverse = np.arange(len(src)) ^ 1
    # walks[a]: walks of 1..k hops that start along arc a; one more hop continues along every arc
    # out of its end but the one straight back (float: a bound, and degree^5 can pass int64).
    awareness = s.parameters.movement.awareness
    walks = np.ones(len(src))
    for _ in range(awareness - 1):
        out_of = np.bincount(src, weights=walks, minlength=len(index))
        walks = 1.0 + out_of[dst] - walks[reverse]
    starting = np.bincount(src, weights=walks, minlength=len(index))
    journeys, widest = int(starting.sum()), int(starting.max(initial=0))
    states = max(1, len(s.world.states))
    if journeys > MAX_JOURNEYS or states * max(journeys, len(index) * widest) > MAX_JOURNEY_CELLS:
        return [(("parameters", "movement", "awareness"),
                 f"with awareness {awareness}, route choice would list up to {journeys:,} journeys "
                 f"({widest:,} from one place) for {states} states; at most {MAX_JOURNEYS:,} journeys "
                 f"and {MAX_JOURNEY_CELLS:,} journeys x states (or places x widest x states) are "
                 "allowed: lower awareness or give the busiest places fewer roads")]
    return _travel_grid_limit(s, journeys)


def _travel_grid_limit(s: Scenario, journeys: int) -> list[tuple[tuple[PathPart, ...], str]]:
    """Travel keeps, for each journey, where it stands after every sixteenth of a day until it
    arrives (sim/core/routes.py grid_stops, at most the run's length): bounded, with the slowest
    first leg and the slowest roads after it."""
    mv = s.parameters.movement
    if not s.world.routes:
        return []
    ride = max(r.km / (r.speed or mv.max_move_speed) for r in s.world.routes)
    walk = max(r.km / min(r.speed or mv.max_move_speed, mv.max_walk_speed) for r in s.world.routes) \
        if mv.start_on_foot else ride
    longest = min(walk + (mv.awareness - 1) * ride, s.days)  # days, at most the run
    cells = 2 * journeys * (longest * TICKS_PER_DAY + TICKS_PER_DAY + 2)
    if cells <= MAX_TRAVEL_CELLS:
        return []
    return [(("world", "routes"), f"{journeys:,} journeys of up to {longest:,.0f} days each (the "
             f"slowest roads at their speeds, the first leg walked) would need {cells:,.0f} travel "
             f"steps to be kept; at most {MAX_TRAVEL_CELLS:,}: give the roads higher speeds, "
             "shorten the run or lower awareness")]


def _route_weight_limit(s: Scenario, mv: MovementParameters) -> list[tuple[tuple[PathPart, ...], str]]:
    """The largest route weight the movement rule could compute with ``mv``, ((score_softening +
    score) / (softening + km)^distance_power x capacity factor)^weight_power, must stay finite (below
    10^300): refused otherwise, naming the parameters that make it so."""
    if not s.world.routes:
        return []
    shortest = min(r.km for r in s.world.routes)
    attraction = max((a.protection.attraction for a in s.world.alliances if a.protection), default=1.0)
    weights = (mv.foreign_weight, mv.alliance_weight, mv.camp_weight, attraction)
    score = sum(math.log10(max(1.0, w)) for w in weights) + math.log10(1.0 + mv.aid_weight)
    if mv.score_softening > 0:
        score = math.log10(10.0**score + mv.score_softening)
    distance = -mv.distance_power * math.log10(mv.softening + shortest)
    base = score + distance
    worst = max(base, base * mv.weight_power)
    if worst <= MAX_ROUTE_WEIGHT_LOG10:
        return []
    return [(("parameters", "movement", "weight_power"),
             f"route weights could reach 10^{worst:.0f} (attractiveness up to 10^{score:.0f}, "
             f"(softening + shortest road of {shortest:g} km)^-distance_power up to 10^{distance:.0f}, "
             f"raised to weight_power {mv.weight_power:g}), beyond floating point (10^"
             f"{MAX_ROUTE_WEIGHT_LOG10:.0f} at most): lower weight_power, distance_power or the "
             "attractiveness weights, or raise softening")]


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
        for other in st.policy.ties:
            unknown("state", other, states, ("world", "states", i, "policy", "ties", other))
    alliance_ids = {a.id for a in s.world.alliances}
    out += _duplicates([a.id for a in s.world.alliances], ("world", "alliances"), "alliance")
    out += _duplicates([c.id for c in s.world.conflicts], ("world", "conflicts"), "conflict")
    for i, a in enumerate(s.world.alliances):
        where = ("world", "alliances", i)
        seen: set[str] = set()
        for k, member in enumerate(a.members):
            if member in seen:
                out.append(((*where, "members", k), f"member {member!r} is listed twice"))
            seen.add(member)
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
        for field in ("intervention", "aid", "protection"):
            spec = getattr(a, field)
            if spec is not None:
                unknown("state", spec.target, states, (*where, field, "target"))
                for k, loc in enumerate(getattr(spec, "locations", None) or []):
                    unknown("location", loc, locations, (*where, field, "locations", k))
        if a.protection is not None:
            out += _protection_references(s, a.protection, (*where, "protection"))
        if a.intervention is not None and a.intervention.mandate is not None:
            out += _mandate(s, a.intervention.mandate, (*where, "intervention", "mandate"), unknown)
        if a.rivalry is not None:
            if a.rivalry.rival == a.id:
                out.append(((*where, "rivalry", "rival"), f"{a.id} cannot be its own rival"))
            unknown("alliance", a.rivalry.rival, alliance_ids, (*where, "rivalry", "rival"))
            for k, state in enumerate(a.rivalry.influence):
                unknown("state", state, states, (*where, "rivalry", "influence", k))
        if a.intervention is not None:
            out += _emergent_intervention(s, i, a)
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
            for member in a.burden_sharing.quotas or {}:
                if member not in a.members:
                    out.append(((*where, "burden_sharing", "quotas", member),
                                f"{member!r} is not a member of {a.id}"))
            for k, origin in enumerate(a.burden_sharing.origins or []):
                unknown("state", origin, states, (*where, "burden_sharing", "origins", k))
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


def _protection_references(s: Scenario, spec: ProtectionSpec, where: tuple[PathPart, ...]
                           ) -> list[tuple[tuple[PathPart, ...], str]]:
    """Protected areas lie in the target state; every checkpoint stands on a road of the world."""
    out: list[tuple[tuple[PathPart, ...], str]] = []
    state_of = {loc.id: loc.state for loc in s.world.locations}
    for k, loc in enumerate(spec.locations or []):
        if loc in state_of and state_of[loc] != spec.target:
            out.append(((*where, "locations", k), f"{loc!r} is in {state_of[loc]!r}, not in the "
                        f"target {spec.target!r}: protected areas lie in the target"))
    roads = {frozenset((r.from_, r.to)) for r in s.world.routes}
    for k, c in enumerate(spec.checkpoints):
        missing = [end for end in (c.from_, c.to) if end not in state_of]
        if missing:
            out.append(((*where, "checkpoints", k), f"unknown location {missing[0]!r}"))
        elif frozenset((c.from_, c.to)) not in roads:
            out.append(((*where, "checkpoints", k), f"there is no route between {c.from_!r} and {c.to!r}"))
    return out


def _mandate(s: Scenario, m: MandateSpec, where: tuple[PathPart, ...], unknown: Any
             ) -> list[tuple[tuple[PathPart, ...], str]]:
    """The body's members are states; each veto is a body member, or an alliance with members
    in the body."""
    out: list[tuple[tuple[PathPart, ...], str]] = []
    states = {st.id for st in s.world.states}
    body = m.body or []
    out += [((*where, "body", k), f"{member!r} is listed twice") for k, member in enumerate(body)
            if member in body[:k]]
    for k, member in enumerate(body):
        unknown("state", member, states, (*where, "body", k))
    alliances = {a.id: set(a.members) for a in s.world.alliances}
    for k, veto in enumerate(m.vetoes):
        if veto in alliances:
            if not alliances[veto] & set(body):
                out.append(((*where, "vetoes", k), f"no member of alliance {veto!r} sits in the body"))
        elif veto in states:
            if veto not in body:
                out.append(((*where, "vetoes", k), f"{veto!r} is not in the body: only its members "
                            "can veto"))
        else:
            out.append(((*where, "vetoes", k), f"{veto!r} is neither a state nor an alliance"))
    return out


def _enlargement(s: Scenario, i: int) -> list[tuple[tuple[PathPart, ...], str]]:
    """Event ``i`` admits a state that is not yet a member of the alliance by its day."""
    ev = s.events[i]
    members = {a.id: set(a.members) for a in s.world.alliances}
    if ev.alliance not in members:
        return []
    earlier = {e.state for k, e in enumerate(s.events) if isinstance(e, EnlargementEvent)
               and e.alliance == ev.alliance and (e.day, k) < (ev.day, i)}
    if ev.state in members[ev.alliance] | earlier:
        return [(("events", i, "state"), f"{ev.state!r} is already a member of {ev.alliance} by day "
                 f"{ev.day}")]
    return []


def _emergent_intervention(s: Scenario, i: int, a: AllianceSpec) -> list[tuple[tuple[PathPart, ...], str]]:
    """Contributions come from members; an emergent outcome needs a party to fight."""
    spec, where = a.intervention, ("world", "alliances", i, "intervention")
    out = [((*where, "contribution", member), f"{member!r} is not a member of {a.id}")
           for member in spec.contribution if member not in a.members]
    in_target = {loc.id for loc in s.world.locations if loc.state == spec.target}
    friends = {spec.target, *a.members}
    if spec.outcome == "emergent" and not any(
            set(c.locations) & in_target and set(c.parties) - friends for c in s.world.conflicts):
        out.append(((*where, "outcome"), f"outcome 'emergent' needs a conflict in world.conflicts "
                    f"fought in {spec.target} by a party that is neither {spec.target} nor a member "
                    f"of {a.id}: the force must have someone to face"))
    return out


def _population_classes(s: Scenario, locations: set[str], unknown: Any
                        ) -> list[tuple[tuple[PathPart, ...], str]]:
    """A class's home is a location of its own (no residents, nobody displaced from it) and its
    people live outside their home state."""
    out = _duplicates([c.id for c in s.world.populations], ("world", "populations"), "population class")
    by_id = {loc.id: loc for loc in s.world.locations}
    displaced_from = {loc.displaced_from for loc in s.world.locations if loc.displaced}
    for i, c in enumerate(s.world.populations):
        where = ("world", "populations", i)
        unknown("location", c.home, locations, (*where, "home"))
        home = by_id.get(c.home)
        if home is not None and (home.population > 0 or c.home in displaced_from):
            out.append(((*where, "home"), f"{c.home!r} has residents of its own; a class's home must "
                        "be a location with population 0 that no one else comes from, so that its "
                        "people are told apart"))
        for loc in c.at:
            unknown("location", loc, locations, (*where, "at", loc))
            if home is not None and loc in by_id and by_id[loc].state == home.state:
                out.append(((*where, "at", loc), f"{loc!r} is in their home state {home.state}: "
                            "people at home are residents, not a class"))
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
