"""Scripted events: what a scenario file can make happen on a given day.

Each event type is one class whose fields are the scenario contract; what it does to the model
is the function of the same name in sim/effects.py. Applied events become rows of events.csv.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from sim.scenario.fields import (
    MAX_DAYS,
    MAX_PEOPLE,
    AllianceId,
    ConflictId,
    Eligible,
    Intensity,
    LocationId,
    Policy,
    Probability,
    StateId,
    Strict,
    check_managed_capacity,
)


class ScriptedEvent(Strict):
    """Fields every event has."""

    day: int = Field(ge=0, le=MAX_DAYS, description="Day the event takes effect (0 = start_date; "
                     "inside the run).")

    def targets(self) -> list[tuple[str, str, str]]:
        """(field, 'location' or 'state', id) for every id the event refers to, for cross-checks."""
        return []


class ConflictEvent(ScriptedEvent):
    """Conflict starts, changes intensity or ends (intensity 0) at the listed locations."""

    type: Literal["conflict"]
    locations: list[LocationId] = Field(min_length=1, description="Location ids.")
    intensity: Intensity = Field(description="Conflict intensity, 0 (none) to 1 (heaviest).")

    def targets(self) -> list[tuple[str, str, str]]:
        return [("locations", "location", loc) for loc in self.locations]


class CeasefireEvent(ScriptedEvent):
    """Fighting stops: intensity 0 at the listed locations, in a state, or everywhere."""

    type: Literal["ceasefire"]
    locations: list[LocationId] | None = Field(None, description="Locations; default: all.")
    state: StateId | None = Field(None, description="Only this state's locations.")
    conflict: ConflictId | None = Field(None, description="Only this named conflict's locations "
                                     "(its negotiation track ends).")

    def targets(self) -> list[tuple[str, str, str]]:
        out = [("locations", "location", loc) for loc in self.locations or []]
        out += [("state", "state", self.state)] if self.state else []
        return out + ([("conflict", "conflict", self.conflict)] if self.conflict else [])


class BorderEvent(ScriptedEvent):
    """A state sets its entry policy towards one neighbour (or all), or at one crossing location."""

    type: Literal["border"]
    state: StateId | None = Field(None, description="The state controlling entry.")
    from_: StateId | None = Field(None, alias="from", description="Entry from this state only; "
                                  "default: from every neighbour.")
    location: LocationId | None = Field(None, description="Instead of a state: entry into this "
                                        "location from another state.")
    policy: Policy = Field(description="open, managed (capacity people/day) or closed.")
    capacity: int | None = Field(None, ge=0, le=MAX_PEOPLE, description="People per day (managed "
                                 "only; at most 10^12).")
    until: int | None = Field(None, ge=1, le=MAX_DAYS, description="Day the previous policy is "
                              "restored, unless a state or an alliance has set its own policy at "
                              "that gate meanwhile (at most 36,500).")

    @model_validator(mode="after")
    def _consistent(self) -> BorderEvent:
        if (self.state is None) == (self.location is None):
            raise ValueError("give exactly one of 'state' or 'location'")
        if self.location is not None and self.from_ is not None:
            raise ValueError("'from' goes with 'state', not with 'location'")
        check_managed_capacity(self.policy, self.capacity)
        if self.until is not None and self.until <= self.day:
            raise ValueError(f"'until' ({self.until}) must be after 'day' ({self.day})")
        return self

    def targets(self) -> list[tuple[str, str, str]]:
        fields = (("state", "state", self.state), ("from", "state", self.from_),
                  ("location", "location", self.location))
        return [(f, kind, value) for f, kind, value in fields if value]


class CampEvent(ScriptedEvent):
    """A camp opens, closes (no new arrivals) or changes capacity."""

    type: Literal["camp"]
    location: LocationId = Field(description="The camp's location id.")
    action: Literal["open", "close", "capacity"] = Field(
        description="open (accept arrivals again), close (no new journeys towards it) or capacity.")
    capacity: int | None = Field(None, ge=0, le=MAX_PEOPLE, description="New capacity (people, at "
                                 "most 10^12); with 'capacity' and optionally 'open'.")

    @model_validator(mode="after")
    def _consistent(self) -> CampEvent:
        if self.action == "capacity" and self.capacity is None:
            raise ValueError("action 'capacity' needs a 'capacity'")
        if self.action == "close" and self.capacity is not None:
            raise ValueError("action 'close' takes no 'capacity'")
        return self

    def targets(self) -> list[tuple[str, str, str]]:
        return [("location", "location", self.location)]


class AidEvent(ScriptedEvent):
    """Aid reaches locations: people there are less likely to leave and others more likely to come."""

    type: Literal["aid"]
    locations: list[LocationId] = Field(min_length=1, description="Location ids receiving aid.")
    level: Intensity = Field(description="Aid level 0..1.")
    until: int | None = Field(None, ge=1, le=MAX_DAYS, description="Day the aid level returns to 0 "
                              "(at most 36,500).")

    def targets(self) -> list[tuple[str, str, str]]:
        return [("locations", "location", loc) for loc in self.locations]


class RouteEvent(ScriptedEvent):
    """A road opens or closes (a bridge destroyed, a checkpoint set up), or an irregular route's
    terms change (search and rescue lowers its risk; a crackdown on smugglers cuts its capacity)."""

    type: Literal["route"]
    from_: LocationId = Field(alias="from", description="Location id at one end of the road.")
    to: LocationId = Field(description="Location id at the other end.")
    action: Literal["open", "close", "set"] = Field(
        description="close: nobody plans a journey on it and travellers reaching it stop before it; "
        "open: usable again; set: new capacity and/or risk of an irregular route.")
    capacity: int | None = Field(None, ge=0, le=MAX_PEOPLE, description="With set: the route's new "
                                 "daily capacity (at most 10^12).")
    risk: Probability | None = Field(None, description="With set: the route's new probability of "
                                     "dying on the crossing.")

    @model_validator(mode="after")
    def _terms_with_set(self) -> RouteEvent:
        if (self.action == "set") != (self.capacity is not None or self.risk is not None):
            raise ValueError("'capacity' or 'risk' go with action 'set', and action 'set' needs one")
        return self

    def targets(self) -> list[tuple[str, str, str]]:
        return [("from", "location", self.from_), ("to", "location", self.to)]


class ConflictOnsetEvent(ConflictEvent):
    """A conflict breaks out (the scripted form of an endogenous onset; same fields as conflict)."""

    type: Literal["conflict_onset"]  # type: ignore[assignment]


class BorderPolicyEvent(BorderEvent):
    """The scripted form of a border decision (same fields as border)."""

    type: Literal["border_policy"]  # type: ignore[assignment]


class TransferEvent(ScriptedEvent):
    """A programme moves people: relocation, resettlement or evacuation, from one state to another."""

    type: Literal["relocation", "resettlement", "evacuation"]
    from_: StateId = Field(alias="from", description="State the people are taken from.")
    to: StateId = Field(description="Receiving state.")
    people: int = Field(ge=0, le=MAX_PEOPLE, description="How many (at most everyone eligible; at "
                        "most 10^12).")
    reception: LocationId | None = Field(None, description="Where they arrive (default: the "
                                         "receiving state's largest location).")
    eligible: list[Eligible] | None = Field(None, min_length=1, description="Statuses taken, among "
                                            "refugee, idp and resident (default: refugee; evacuation: "
                                            "refugee and idp, so that an airlift from a state in "
                                            "conflict takes its own displaced people; add resident "
                                            "for an airlift of residents).")
    origins: list[StateId] | None = Field(None, min_length=1, description="Only people from these "
                                          "home states (default: any).")

    def targets(self) -> list[tuple[str, str, str]]:
        out = [("from", "state", self.from_), ("to", "state", self.to)]
        out += [("origins", "state", o) for o in self.origins or []]
        return out + ([("reception", "location", self.reception)] if self.reception else [])


class ReturnEvent(ScriptedEvent):
    """A host sends people home, or they are made to go: a forced or host-ordered return.

    They travel home at the road speed and count as returns when they arrive, as voluntary
    returnees do.
    """

    type: Literal["return"]
    from_: StateId = Field(alias="from", description="The host state people leave.")
    origins: list[StateId] | None = Field(None, min_length=1, description="Only people from these "
                                          "home states (default: everyone displaced there).")
    people: int | None = Field(None, ge=0, le=MAX_PEOPLE, description="How many (at most everyone "
                               "eligible; at most 10^12).")
    share: Probability | None = Field(None, description="... or this share of everyone eligible.")
    eligible: list[Eligible] = Field(["refugee"], min_length=1, description="Statuses sent home, "
                                     "among refugee, idp (camps for the displaced closed inside "
                                     "their own state), relocated and resettled.")

    @model_validator(mode="after")
    def _amount(self) -> ReturnEvent:
        if (self.people is None) == (self.share is None):
            raise ValueError("give exactly one of 'people' or 'share'")
        if bad := sorted(set(self.eligible) - {"refugee", "idp", "relocated", "resettled"}):
            raise ValueError(f"a return takes refugee, idp, relocated or resettled people, not "
                             f"{', '.join(bad)}")
        return self

    def targets(self) -> list[tuple[str, str, str]]:
        return [("from", "state", self.from_)] + [("origins", "state", o) for o in self.origins or []]


class ParametersEvent(ScriptedEvent):
    """Rule parameters change from this day on (a new policy, a season, a changed mood).

    Keys are ``group.name`` as under ``parameters`` (e.g. ``returns.return_rate``); only
    parameters the rules read afresh each day can change (docs/scenario.md lists them).
    """

    type: Literal["parameters"]
    set: dict[str, float | bool] = Field(min_length=1, description="New values by "
                                         "'group.name' (e.g. returns.return_rate: 0.05).")


class NegotiationEvent(ScriptedEvent):
    """Force a negotiation round, or a prisoner exchange, on a conflict's negotiation track."""

    type: Literal["negotiation_round", "prisoner_exchange"]
    conflict: ConflictId = Field(description="Conflict id (world.conflicts) with a negotiation track.")

    def targets(self) -> list[tuple[str, str, str]]:
        return [("conflict", "negotiated conflict", self.conflict)]


class InterventionEvent(ScriptedEvent):
    """Force an alliance's intervention into a phase (e.g. operations start on a given day)."""

    type: Literal["intervention_triggered", "intervention_decided", "intervention_started",
                  "intervention_ended", "intervention_failed"]
    alliance: AllianceId = Field(description="Alliance id with an intervention.")

    def targets(self) -> list[tuple[str, str, str]]:
        return [("alliance", "intervening alliance", self.alliance)]


class EnlargementEvent(ScriptedEvent):
    """A state joins an alliance: it shares the alliance's affinity (displaced people prefer
    members' territory) and its collective defence; a rival alliance may answer (rivalry)."""

    type: Literal["enlargement"]
    alliance: AllianceId = Field(description="The alliance the state joins.")
    state: StateId = Field(description="The state that joins (not yet a member).")

    def targets(self) -> list[tuple[str, str, str]]:
        return [("alliance", "alliance", self.alliance), ("state", "state", self.state)]


EVENT_TYPES: tuple[type[ScriptedEvent], ...] = (
    ConflictEvent, CeasefireEvent, BorderEvent, CampEvent, AidEvent, RouteEvent, ConflictOnsetEvent,
    BorderPolicyEvent, TransferEvent, ReturnEvent, ParametersEvent, NegotiationEvent, InterventionEvent,
    EnlargementEvent,
)
Event = Annotated[
    ConflictEvent | CeasefireEvent | BorderEvent | CampEvent | AidEvent | RouteEvent | ConflictOnsetEvent
    | BorderPolicyEvent | TransferEvent | ReturnEvent | ParametersEvent | NegotiationEvent
    | InterventionEvent | EnlargementEvent,
    Field(discriminator="type"),
]
