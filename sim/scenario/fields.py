"""Building blocks of every scenario field: the strict base model, documented parameters, ids.

Ids of different things are different types (``StateId``, ``AllianceId``, ``ConflictId``,
``LocationId``) even where they accept the same text, so a signature says which one it wants.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

_CODE = r"^[A-Za-z][A-Za-z0-9_-]*$"

# -- limits every run can honour ------------------------------------------------------------
# Counts of people are int64 in the kernel, and its per-location and per-state sums (np.bincount)
# are float64, exact only up to 2**53. One place or one daily figure holds at most 10**12 people
# (a hundred times everyone alive); a whole world at most 2**50 (about 1.1e15), which leaves every
# float64 sum of counts exact with room to spare, so people are conserved exactly.
MAX_PEOPLE = 10**12
MAX_WORLD_PEOPLE = 2**50
# Days: a run is at most 100 years; days, periods and delays beyond that mean nothing in a run.
MAX_DAYS = 36_500
# Attractiveness factors and other multipliers: far beyond any calibrated value, and small enough
# that their products (a route's weight multiplies several) stay finite in float64.
MAX_WEIGHT = 1e6
# Exponents (distance, weight, intensity and recognition powers).
MAX_POWER = 100.0
# Road lengths and distances (km): 100,000 km is two and a half times round the Earth.
MAX_KM = 1e5
# Route awareness (hops): the largest Flee uses in practice is 5; the journey bounds in
# sim/scenario/cross_references.py refuse any world where that would list too many journeys.
MAX_AWARENESS = 5
# Seeds: an ensemble's replicates take seed, seed + 1, ..., and every one must stay a 64-bit
# integer (tables, Parquet) however many replicates an experiment may plan.
MAX_SEED = 2**62
# Files a scenario names (the limits themselves are in sim/scenario/loading.py).
FILE_RULES = ("Inside the scenario's folder or its subfolders (after following links) unless "
              "outside files are allowed; UTF-8, at most 64 MiB, cells at most 10,000 characters.")
# Travel progress is kept in sixteenths of a day so that cohorts merge (sim/core/cohorts.py);
# the travel limits are counted in these ticks.
TICKS_PER_DAY = 16
# Speeds (km/day): from a metre a day to the fastest aircraft; travel days stay well inside int64.
MIN_SPEED, MAX_SPEED = 1e-3, 1e5

LocationId = Annotated[str, Field(min_length=1, pattern=r"^\S(.*\S)?$")]
StateId = Annotated[str, Field(min_length=1, pattern=_CODE)]
AllianceId = Annotated[str, Field(min_length=1, pattern=_CODE)]
ConflictId = Annotated[str, Field(min_length=1, pattern=_CODE)]
Intensity = Annotated[float, Field(ge=0, le=1)]
Probability = Annotated[float, Field(ge=0, le=1)]
Policy = Literal["open", "managed", "closed"]
# Statuses a programme (transfer, evacuation, return) may take people of (sim/core/cohorts.py).
Eligible = Literal["resident", "idp", "refugee", "relocated", "resettled", "returnee"]


class Strict(BaseModel):
    """Frozen, and unknown keys are errors: a misspelt parameter must never be silently ignored."""

    # Infinities and NaN are refused everywhere: no rule of the model means anything with them.
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False)


def param(default: object, unit: str, description: str, **limits: object) -> object:
    """A documented parameter: the unit is shown in the docs and the JSON Schema."""
    return Field(default, description=description, json_schema_extra={"unit": unit}, **limits)


def check_managed_capacity(policy: str, capacity: int | None) -> None:
    """A daily capacity goes with a managed border, and only with one."""
    if (policy == "managed") != (capacity is not None):
        raise ValueError("'capacity' is required with policy 'managed' and only then")
