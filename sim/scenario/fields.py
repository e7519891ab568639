"""Building blocks of every scenario field: the strict base model, documented parameters, ids.

Ids of different things are different types (``StateId``, ``AllianceId``, ``ConflictId``,
``LocationId``) even where they accept the same text, so a signature says which one it wants.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

_CODE = r"^[A-Za-z][A-Za-z0-9_-]*$"

LocationId = Annotated[str, Field(min_length=1, pattern=r"^\S(.*\S)?$")]
StateId = Annotated[str, Field(min_length=1, pattern=_CODE)]
AllianceId = Annotated[str, Field(min_length=1, pattern=_CODE)]
ConflictId = Annotated[str, Field(min_length=1, pattern=_CODE)]
Intensity = Annotated[float, Field(ge=0, le=1)]
Probability = Annotated[float, Field(ge=0, le=1)]
Policy = Literal["open", "managed", "closed"]


class Strict(BaseModel):
    """Frozen, and unknown keys are errors: a misspelt parameter must never be silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def param(default: object, unit: str, description: str, **limits: object) -> object:
    """A documented parameter: the unit is shown in the docs and the JSON Schema."""
    return Field(default, description=description, json_schema_extra={"unit": unit}, **limits)


def check_managed_capacity(policy: str, capacity: int | None) -> None:
    """A daily capacity goes with a managed border, and only with one."""
    if (policy == "managed") != (capacity is not None):
        raise ValueError("'capacity' is required with policy 'managed' and only then")
