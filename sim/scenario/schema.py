"""The scenario file: a typed, frozen description of one what-if experiment.

The top-level models (``Scenario``, its ``World``, states, locations, routes); the decision
layer's blocks are in decisions.py, rule parameters in parameters.py, events in events.py.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from sim.scenario.decisions import AllianceSpec, ConflictSpec, NegotiationSpec, StatePolicy
from sim.scenario.errors import register_tagged
from sim.scenario.events import EVENT_TYPES, Event
from sim.scenario.fields import (
    FILE_RULES,
    MAX_DAYS,
    MAX_KM,
    MAX_PEOPLE,
    MAX_SEED,
    MAX_SPEED,
    MAX_WEIGHT,
    MIN_SPEED,
    LocationId,
    Policy,
    StateId,
    Strict,
    check_managed_capacity,
)
from sim.scenario.observed import ObservedSpec
from sim.scenario.parameters import Parameters

LocationKind = Literal["town", "conflict_zone", "camp", "idp_camp", "border_crossing", "hub"]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=80)]


class BorderSpec(Strict):
    """A state's entry policy towards a neighbour."""

    policy: Policy = Field("open", description="open, managed or closed.")
    capacity: int | None = Field(None, ge=0, le=MAX_PEOPLE, description="People admitted per day when "
                                 "managed (at most 10^12).")

    @model_validator(mode="after")
    def _capacity_with_managed(self) -> BorderSpec:
        check_managed_capacity(self.policy, self.capacity)
        return self


class StateSpec(Strict):
    """A sovereign state: it controls who enters its territory."""

    id: StateId = Field(description="ISO 3166-1 alpha-3 code where one exists (XKX for Kosovo).")
    name: str = Field("", description="Display name.")
    population: int | None = Field(None, ge=0, le=MAX_PEOPLE, description="Total population (people, "
                                   "at most 10^12); defaults to the sum of its locations' populations.")
    border: BorderSpec = Field(default_factory=BorderSpec,
                               description="Entry policy towards every neighbour at the start.")
    borders: dict[StateId, BorderSpec] = Field(
        default_factory=dict, description="Entry policy towards named neighbours, overriding "
        "'border'.")
    economy: float = Field(1.0, gt=0, le=MAX_WEIGHT, description="Economic index (e.g. GDP per head "
                           "relative to a reference; above 0, at most 10^6): burden-sharing key and "
                           "economic migration.")
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
    population: int = Field(0, ge=0, le=MAX_PEOPLE, description="Residents at the start (people, at "
                            "most 10^12; the world's people in all at most 2^50).")
    capacity: int | None = Field(None, ge=0, le=MAX_PEOPLE, description="Displaced people it can "
                                 "shelter (at most 10^12); omitted = unlimited.")
    lat: float = Field(ge=-90, le=90, description="Latitude, decimal degrees.")
    lon: float = Field(ge=-180, le=180, description="Longitude, decimal degrees.")
    conflict: float | None = Field(None, ge=0, le=1, description="Conflict intensity at the start, "
                                   "0..1 (default 1 for a conflict_zone, else 0).")
    aid: float = Field(0.0, ge=0, le=1, description="Aid level at the start, 0..1.")
    displaced: int = Field(0, ge=0, le=MAX_PEOPLE, description="Displaced people already sheltering "
                           "here at the start (people, at most 10^12).")
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
    km: float = Field(gt=0, le=MAX_KM, description="Road distance (km, at most 100,000).")
    speed: float | None = Field(None, ge=MIN_SPEED, le=MAX_SPEED, description="Travel speed on this road "
                                "(km/day, 0.001 to 100,000); default: parameters.movement.max_move_speed.")
    irregular: bool = Field(False, description="An irregular route (smuggling, a sea crossing), "
                            "travelled only from 'from' to 'to': no border post, so entry policies do "
                            "not apply; its own daily capacity and crossing risk do.")
    capacity: int | None = Field(None, ge=0, le=MAX_PEOPLE, description="Irregular routes: most people "
                                 "crossing a day (shared fairly among everyone reaching it; the rest "
                                 "wait); default: no limit. At most 10^12.")
    risk: float = Field(0.0, ge=0, le=1, description="Irregular routes: probability of dying on the "
                        "crossing (deaths are counted: flows of kind death, deaths_cum by home state).")

    @model_validator(mode="after")
    def _irregular_terms(self) -> RouteSpec:
        if not self.irregular and (self.capacity is not None or self.risk > 0):
            raise ValueError("'capacity' and 'risk' go with 'irregular: true'")
        return self


class PopulationClass(Strict):
    """People who live in one state but belong to another: foreign workers, third-country
    nationals. They flee conflict like residents; displaced, they are refugees outside their home
    state and back home (returnees) once in it, so their flight home is a return."""

    id: LocationId = Field(description="Class id (e.g. egyptian-workers).")
    home: LocationId = Field(description="Their home: a location of their home state with no "
                             "residents of its own (population 0), where they count as back home "
                             "and where voluntary returns take them.")
    at: dict[LocationId, Annotated[int, Field(ge=0, le=MAX_PEOPLE)]] = Field(
        min_length=1, description="How many of them live at each location at the start (people, "
        "at most 10^12 each; added to the location's residents).")


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
    populations: list[PopulationClass] = Field(default_factory=list, description="Population "
                                               "classes living away from their home state (foreign "
                                               "workers, third-country nationals).")
    locations_csv: str | None = Field(None, description="CSV file (relative to the scenario) whose "
                                      "rows are added to 'locations'; columns are the location "
                                      "fields. " + FILE_RULES)
    routes_csv: str | None = Field(None, description="CSV file (relative to the scenario) whose rows "
                                   "are added to 'routes'; columns from,to,km[,speed]. " + FILE_RULES)
    flee: str | None = Field(None, description="A Flee conflict folder (relative to the scenario) "
                             "read as the whole world, with its conflicts, closures, observed counts "
                             "and settings (docs/flee.md). Only states (laid over the folder's "
                             "states of the same id), alliances, conflicts and negotiations may be "
                             "added. Inside "
                             "the scenario's folder, as are its files, unless outside files are "
                             "allowed.")


class Scenario(Strict):
    """One experiment: a world, what happens in it, and the rules people follow."""

    name: Slug = Field(description="Short lowercase identifier (letters, digits, - and _).")
    description: str = Field("", description="What the scenario represents and its sources.")
    start_date: dt.date = Field(description="Calendar date of day 0 (YYYY-MM-DD); the run ends "
                                "before the year 9000.")
    days: int = Field(ge=1, le=MAX_DAYS, description="Number of simulated days (at most 36,500).")
    seed: int = Field(0, ge=0, le=MAX_SEED, description="Random seed (0 to 2^62): same scenario "
                      "and seed give identical outputs.")
    world: World
    events: list[Event] = Field(default_factory=list, description="Scripted events.")
    conflicts_csv: str | None = Field(None, description="CSV file (relative to the scenario) with "
                                      "rows day,location,intensity, each added to 'events' as a "
                                      "conflict event at one location (long conflict timelines, "
                                      "such as a Flee conflicts.csv imported). " + FILE_RULES)
    parameters: Parameters = Field(default_factory=Parameters)
    observed: ObservedSpec | None = Field(None, description="Observed counts per location "
                                          "(backtests, data-driven displacement).")

    def resolved(self) -> dict[str, Any]:
        """The scenario with every default filled in and CSV rows inlined, as plain data."""
        data = self.model_dump(mode="json", by_alias=True)
        data["world"].pop("locations_csv")
        data["world"].pop("routes_csv")
        data["world"].pop("flee")
        data.pop("conflicts_csv")
        if data["observed"] is None:
            del data["observed"]
        else:
            data["observed"].pop("csv")
            data["observed"].pop("total_csv")
        return data


for _cls in EVENT_TYPES:  # error paths through the events union name the type: follow them
    register_tagged(_cls.model_fields["type"].annotation.__args__[0], _cls)
