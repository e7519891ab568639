"""Rule parameters: every number the movement, displacement and return rules use.

Each field has a default, a unit and a description; `docs/scenario.md` is generated from these
definitions, so the documentation cannot drift from the code. Defaults follow the rule set of
Flee 3's published validation suite (see docs/model.md) unless said otherwise.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from sim.scenario.fields import (
    MAX_AWARENESS,
    MAX_DAYS,
    MAX_KM,
    MAX_POWER,
    MAX_SPEED,
    MAX_WEIGHT,
    MIN_SPEED,
    Strict,
    param,
)


class MovementParameters(Strict):
    """How displaced people decide to move on, where they go and how fast (Flee's rule set)."""

    awareness: int = param(1, "hops", "Route choice considers every destination up to this many "
                           "hops away (1 to 5; Flee's awareness_level). The scenario is refused if that "
                           "makes more than 1,000,000 candidate journeys, or 10^7 journeys x states.",
                           ge=1, le=MAX_AWARENESS)
    max_move_speed: float = param(200.0, "km/day", "Travel speed on roads (0.001 to 100,000).",
                                  ge=MIN_SPEED, le=MAX_SPEED)
    max_walk_speed: float = param(35.0, "km/day", "Walking speed, used on the first leg of a "
                                  "journey when start_on_foot is true (0.001 to 100,000).",
                                  ge=MIN_SPEED, le=MAX_SPEED)
    start_on_foot: bool = param(True, "flag", "Walk the first leg of every journey.")
    town_leave_probability: float = param(0.5, "1/day", "Daily probability that a displaced person "
                                          "in a town, hub or border crossing moves on.", ge=0, le=1)
    camp_leave_probability: float = param(0.001, "1/day", "Daily probability that a person in a "
                                          "camp moves on.", ge=0, le=1)
    idp_camp_leave_probability: float = param(0.1, "1/day", "Daily probability that a person in an "
                                              "IDP camp moves on.", ge=0, le=1)
    conflict_leave_probability: float = param(1.0, "1/day", "Daily probability that a displaced "
                                              "person moves on from a location at conflict "
                                              "intensity 1 (interpolated linearly from the base "
                                              "probability at intensity 0).", ge=0, le=1)
    camp_weight: float = param(2.0, "factor", "Attractiveness of camps and IDP camps (at most "
                             "10^6).", ge=0, le=MAX_WEIGHT)
    foreign_weight: float = param(1.0, "factor", "Attractiveness of locations outside the mover's "
                                  "home state (at most 10^6).", ge=0, le=MAX_WEIGHT)
    conflict_weight: float = param(0.316, "factor", "Attractiveness of a location at conflict "
                                   "intensity 1; scaled as conflict_weight^intensity.", ge=0, le=1)
    aid_weight: float = param(1.0, "factor", "Extra attractiveness per unit of aid level: score "
                              "times (1 + aid_weight * aid) (at most 10^6).", ge=0, le=MAX_WEIGHT)
    aid_leave_reduction: float = param(0.5, "fraction", "Share by which full aid (level 1) lowers "
                                       "the leave probability.", ge=0, le=1)
    alliance_weight: float = param(2.0, "factor", "Attractiveness of a state allied to the mover's "
                                   "home state (an alliance with affinity; at most 10^6).", ge=0,
                                   le=MAX_WEIGHT)
    recognition_weight: float = param(1.0, "exponent", "A host's attractiveness is multiplied by its "
                                      "asylum recognition rate for the mover's origin to this power "
                                      "(at most 100).", ge=0, le=MAX_POWER)
    rejected_leave_probability: float = param(0.1, "1/day", "Extra daily probability of moving on for "
                                              "refugees whose claim the host does not recognise "
                                              "(weighted by 1 - recognition rate).", ge=0, le=1)
    score_softening: float = param(0.0, "score", "Added to a destination's attractiveness before "
                                   "the distance division (Flee's weight_softening): above 0, even a "
                                   "destination scored near 0 keeps some weight (at most 10^6).",
                                   ge=0, le=MAX_WEIGHT)
    softening: float = param(10.0, "km", "Added to route length before the distance power "
                          "(at most 100,000).", ge=0, le=MAX_KM)
    distance_power: float = param(1.0, "exponent", "Route weight falls as (softening + km)^-power "
                                  "(at most 100).", ge=0, le=MAX_POWER)
    weight_power: float = param(1.0, "exponent", "Route weights are raised to this power before "
                                "the draw (above 1 favours the best route; at most 100). The "
                                "scenario is refused if, with its weights and shortest road, a "
                                "route's weight could exceed 10^300.", gt=0, le=MAX_POWER)
    capacity_scaling: float = param(1.0, "factor", "Multiplies every camp capacity (10^-6 to 10^6).",
                                   ge=1e-6, le=MAX_WEIGHT)
    capacity_buffer: float = param(0.9, "fraction", "Attractiveness starts to fall when a location "
                                   "is this full and reaches 0 when it is full (0.01 to 0.99, so "
                                   "that the fall, over (1 - buffer) x capacity, is well "
                                   "defined).", ge=0.01, le=0.99)
    continue_same_day: bool = param(True, "flag", "People who arrive before the day's travel time "
                                    "is used up may decide again and travel on the same day, as "
                                    "in Flee.")
    town_continue_probability: float | None = param(
        None, "probability", "Probability that people arriving with travel time to spare at a town, "
        "border crossing or conflict zone not in conflict move on the same day; omitted: the "
        "location's leave probability. 1 approximates Flee's avoid_short_stints.", ge=0, le=1)
    conflict_weight_decay: bool = param(False, "flag", "Conflict attractiveness fades as a conflict "
                                        "ages, as in Flee's scoring: conflict_weight^(intensity x "
                                        "f), f from displacement.spawn_decay for the days since "
                                        "the conflict began.")


class DisplacementParameters(Strict):
    """Who becomes displaced each day."""

    mode: Literal["conflict_driven", "data_driven"] = param(
        "conflict_driven", "choice",
        "conflict_driven: residents flee with a probability that rises with conflict intensity. "
        "data_driven: the daily total is taken from observed camp series (Flee backtests).")
    flee_rate: float = param(0.01, "1/day", "Daily probability that a resident flees a location "
                             "at conflict intensity 1.", ge=0, le=1)
    intensity_power: float = param(1.0, "exponent", "Flee probability is flee_rate * "
                                   "intensity^power (above 1: only intense fighting displaces; at "
                                   "most 100).", gt=0, le=MAX_POWER)
    spawn_decay: list[Annotated[float, Field(ge=0, le=MAX_WEIGHT)]] = param(
        [1.0, 1.0, 1.0, 0.5, 0.1], "factors",
        "data_driven: weight of a conflict location in placing the day's newly displaced, by "
        "spawn_decay_interval-long periods since its conflict began (the last factor holds "
        "after); Flee's conflict_spawn_decay. Each factor 0 to 10^6, at most 1,000 factors.",
        min_length=1, max_length=1000)
    spawn_decay_interval: int = param(30, "days", "data_driven: length of each spawn_decay "
                                      "period (at most 36,500).", ge=1, le=MAX_DAYS)
    data_total: Literal["camps", "total"] = param(
        "camps", "choice", "data_driven: the day's newly displaced are the rise in the sum of the "
        "observed series (camps) or in the observed overall total (total); Flee's sum_from_camps.")
    take_from_population: bool = param(False, "flag", "data_driven: places are weighted by their "
                                       "current residents (true) or by their starting population "
                                       "(false), as Flee's take_from_population.")


class ReturnParameters(Strict):
    """When displaced people go home."""

    enabled: bool = param(True, "flag", "Displaced people return home once it is safe.")
    safe_days: int = param(14, "days", "Days a home location must be free of conflict before "
                           "returns to it begin (at most 36,500).", ge=0, le=MAX_DAYS)
    return_rate: float = param(0.02, "1/day", "Daily probability that a displaced person whose "
                               "home is safe starts the journey back.", ge=0, le=1)


class ConflictParameters(Strict):
    """Endogenous conflict: onsets (states with a conflict_risk), spread, escalation and decay,
    and the strength of the parties of named conflicts."""

    onset_locations: int = param(2, "locations", "Locations where a new conflict breaks out (at "
                                 "most 1,000,000).", ge=1, le=1_000_000)
    onset_intensity: float = param(0.8, "intensity", "Intensity of a new conflict.", gt=0, le=1)
    onset_duration: int = param(90, "days", "A conflict that broke out by itself ends after this many "
                                "days (unless already stopped; at most 36,500).", ge=1, le=MAX_DAYS)
    # Conflict dynamics (sim/decisions/conflict_dynamics.py); all 0, the default, is off.
    spread_rate: float = param(0.0, "1/day", "Fighting seeps along roads: a location's intensity "
                               "rises by spread_rate x (its road neighbours' mean intensity - its "
                               "own, when higher) a day; camps and places under a holding "
                               "ceasefire do not take it up.", ge=0, le=1)
    escalation: float = param(0.0, "1/day", "Armed presence escalates fighting: at a named "
                              "conflict's locations in conflict, intensity rises by escalation x "
                              "presence x (1 - intensity) a day, presence being the strength of the "
                              "conflict's weakest party (fighting needs two sides).", ge=0, le=1)
    decay: float = param(0.0, "1/day", "Fighting burns out: every location's intensity falls by "
                         "decay x intensity a day.", ge=0, le=1)
    peace_below: float = param(0.05, "intensity", "While spread_rate, escalation or decay is on, "
                               "spill-over into a place at peace builds up as tension (decaying "
                               "like intensity) until it reaches this, when fighting starts there "
                               "at that intensity; fighting that falls below it stops (intensity "
                               "0).", ge=0, le=1)
    entrenchment: float = param(0.0, "1/day", "Each day its conflict is fought (mean intensity at "
                                "the conflict's locations above 0) a party's strength grows by "
                                "this share: a later intervention faces a stronger party. "
                                "Strength is capped at 10^6.", ge=0, le=1)
    attrition: float = param(0.0, "1/day", "Fighting erodes the parties: strength falls by "
                             "attrition x the mean intensity at the conflict's locations a day.",
                             ge=0, le=1)
    exchange_strength: float = param(0.0, "fraction", "Released prisoners rejoin their side: each "
                                     "prisoner exchange raises both parties' strength by this share "
                                     "(at most 10^6).", ge=0, le=MAX_WEIGHT)


class Parameters(Strict):
    """All rule parameters, grouped by the rule that uses them."""

    movement: MovementParameters = Field(default_factory=MovementParameters)
    displacement: DisplacementParameters = Field(default_factory=DisplacementParameters)
    returns: ReturnParameters = Field(default_factory=ReturnParameters)
    conflict: ConflictParameters = Field(default_factory=ConflictParameters)


# Parameters the rules read afresh every day, so a `parameters` event can change them mid-run.
# The others shape what is built once at the start (candidate routes and travel times, the
# data-driven spawner's schedule, the onset process) and are refused in a `parameters` event.
FIXED_AT_START = {
    "movement": {"awareness", "max_move_speed", "max_walk_speed", "start_on_foot"},
    "displacement": {"mode", "spawn_decay", "spawn_decay_interval", "data_total", "take_from_population"},
    "returns": {"enabled"},
    "conflict": {"onset_locations", "onset_intensity", "onset_duration"},
}


def parameter_keys() -> list[str]:
    """Every rule parameter as ``group.name``."""
    return [f"{group}.{name}" for group, model in Parameters.model_fields.items()
            for name in model.annotation.model_fields]


def runtime_parameters() -> list[str]:
    """Every ``group.name`` a `parameters` event may set."""
    return [key for key in parameter_keys()
            if key.split(".")[1] not in FIXED_AT_START[key.split(".")[0]]]


def with_changes(params: Parameters, changes: dict[str, float | bool]) -> Parameters:
    """``params`` with ``changes`` (``group.name`` -> value) applied and validated.

    Raises ``KeyError`` naming a key that is not a runtime parameter, and pydantic's
    ``ValidationError`` for a value out of its range.
    """
    allowed = set(runtime_parameters())
    data = params.model_dump()
    for key, value in changes.items():
        if key not in allowed:
            raise KeyError(key)
        group, name = key.split(".")
        data[group][name] = value
    return Parameters.model_validate(data)
