"""The scenario field reference in docs/scenario.md, generated from the schema itself.

Every field's type, default, unit and meaning come from the pydantic models, so the
documentation cannot fall behind the code (a test compares the two).
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from sim.events import EVENT_TYPES
from sim.parameters import DisplacementParameters, MovementParameters, ReturnParameters
from sim.scenario import BorderSpec, LocationSpec, RouteSpec, Scenario, StateSpec, World

SECTIONS: list[tuple[str, type[BaseModel]]] = [
    ("Top level", Scenario),
    ("world", World),
    ("world.states[]", StateSpec),
    ("world.states[].border and .borders.<STATE>", BorderSpec),
    ("world.locations[]", LocationSpec),
    ("world.routes[]", RouteSpec),
    *[(f"events[] of type `{cls.model_fields['type'].annotation.__args__[0]}`", cls)
      for cls in EVENT_TYPES],
    ("parameters.movement", MovementParameters),
    ("parameters.displacement", DisplacementParameters),
    ("parameters.returns", ReturnParameters),
]

BEGIN = "<!-- BEGIN GENERATED: allysim schema --markdown -->"
END = "<!-- END GENERATED -->"


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _type_name(args[0])
    if origin is typing.Literal:
        return " \\| ".join(f"`{a}`" for a in args)
    if origin in (typing.Union, types.UnionType):
        names = dict.fromkeys(_type_name(a) for a in args if a is not type(None))
        return " or ".join(names)
    if origin is list:
        return f"list of {_type_name(args[0])}"
    if origin is dict:
        return f"map of {_type_name(args[0])} to {_type_name(args[1])}"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "mapping"
    return getattr(annotation, "__name__", str(annotation))


def _default(field: Any) -> str:
    if field.default is PydanticUndefined and field.default_factory is None:
        return "**required**"
    if field.default_factory is not None:
        value = field.default_factory()
        return "(see below)" if isinstance(value, BaseModel) else f"`{value!r}`"
    return "—" if field.default is None else f"`{field.default!r}`" if field.default == "" \
        else f"`{field.default}`"


def _model_doc(annotation: Any) -> str:
    is_model = isinstance(annotation, type) and issubclass(annotation, BaseModel)
    return (annotation.__doc__ or "") if is_model else ""


def markdown() -> str:
    """The field tables, one per section."""
    out = [BEGIN, ""]
    for title, model in SECTIONS:
        out += [f"### {title}", "", (model.__doc__ or "").strip(), "",
                "| field | type | default | unit | meaning |", "|---|---|---|---|---|"]
        for name, field in model.model_fields.items():
            if name == "type":
                continue
            extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
            nested = _model_doc(field.annotation)
            desc = (field.description or nested).strip().replace("\n", " ")
            out.append(f"| `{field.alias or name}` | {_type_name(field.annotation)} | {_default(field)} | "
                       f"{extra.get('unit', '')} | {desc} |")
        out.append("")
    out.append(END)
    return "\n".join(out) + "\n"
