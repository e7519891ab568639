"""The scenario field reference in docs/scenario.md, generated from the schema itself.

Every field's type, default, unit and meaning come from the pydantic models, so the
documentation cannot fall behind the code (a test compares the two).
"""

from __future__ import annotations

import re
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from sim.scenario.claims import ClaimSpec, Expectation, SourceSpec
from sim.scenario.decisions import (
    AidSpec,
    AllianceSpec,
    BorderSecuritySpec,
    BurdenSharingSpec,
    CheckpointSpec,
    ConflictSpec,
    DefenceSpec,
    EvacuationSpec,
    FreeMovementSpec,
    IntegrationSpec,
    InterventionSpec,
    MandateSpec,
    NegotiationSpec,
    ProtectionSpec,
    ResettlementPledge,
    RivalrySpec,
    StatePolicy,
)
from sim.scenario.events import EVENT_TYPES, ParametersEvent
from sim.scenario.observed import ObservedSpec
from sim.scenario.parameters import (
    ConflictParameters,
    DisplacementParameters,
    MovementParameters,
    ReturnParameters,
    runtime_parameters,
)
from sim.scenario.schema import (
    BorderSpec,
    LocationSpec,
    PopulationClass,
    RouteSpec,
    Scenario,
    StateSpec,
    World,
)

SECTIONS: list[tuple[str, type[BaseModel]]] = [
    ("Top level", Scenario),
    ("world", World),
    ("world.states[]", StateSpec),
    ("world.states[].border and .borders.<STATE>", BorderSpec),
    ("world.locations[]", LocationSpec),
    ("world.routes[]", RouteSpec),
    ("world.populations[]", PopulationClass),
    *[(f"events[] of type `{cls.model_fields['type'].annotation.__args__[0]}`", cls)
      for cls in EVENT_TYPES],
    ("world.states[].policy", StatePolicy),
    ("world.states[].policy.resettlement[]", ResettlementPledge),
    ("world.alliances[]", AllianceSpec),
    ("world.alliances[].intervention", InterventionSpec),
    ("world.alliances[].intervention.mandate", MandateSpec),
    ("world.alliances[].burden_sharing", BurdenSharingSpec),
    ("world.alliances[].border_security", BorderSecuritySpec),
    ("world.alliances[].aid", AidSpec),
    ("world.alliances[].evacuation", EvacuationSpec),
    ("world.alliances[].collective_defence", DefenceSpec),
    ("world.alliances[].free_movement", FreeMovementSpec),
    ("world.alliances[].integration", IntegrationSpec),
    ("world.alliances[].protection", ProtectionSpec),
    ("world.alliances[].protection.checkpoints[]", CheckpointSpec),
    ("world.alliances[].rivalry", RivalrySpec),
    ("world.conflicts[]", ConflictSpec),
    ("world.negotiations[]", NegotiationSpec),
    ("observed", ObservedSpec),
    ("parameters.movement", MovementParameters),
    ("parameters.displacement", DisplacementParameters),
    ("parameters.returns", ReturnParameters),
    ("parameters.conflict", ConflictParameters),
    ("claim (claim files in scenarios/claims/, docs/claims.md)", ClaimSpec),
    ("claim.source", SourceSpec),
    ("claim.metrics[]", Expectation),
]

DOCS_DIR = Path(__file__).resolve().parents[2] / "docs"  # in a source checkout
DOCS = (DOCS_DIR / "scenario.md", DOCS_DIR / "model.md")
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
    """The docstring of the model a field holds (also inside ``X | None``)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation.__doc__ or ""
    return next((d for d in map(_model_doc, typing.get_args(annotation)) if d), "")


def table(model: type[BaseModel]) -> str:
    """One model's fields as a Markdown table."""
    out = ["| field | type | default | unit | meaning |", "|---|---|---|---|---|"]
    for name, field in model.model_fields.items():
        if name == "type":
            continue
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        desc = (field.description or _model_doc(field.annotation)).strip().replace("\n", " ")
        out.append(f"| `{field.alias or name}` | {_type_name(field.annotation)} | {_default(field)} | "
                   f"{extra.get('unit', '')} | {desc} |")
    return "\n".join(out) + "\n"


def markdown() -> str:
    """The field tables of docs/scenario.md, one per section."""
    out = [BEGIN, ""]
    for title, model in SECTIONS:
        out += [f"### {title}", "", (model.__doc__ or "").strip(), "", table(model)]
        if model is ParametersEvent:
            out += ["Parameters a `parameters` event can set: "
                    + ", ".join(f"`{key}`" for key in runtime_parameters()) + ".", ""]
    out.append(END)
    return "\n".join(out) + "\n"


TABLE = re.compile(r"(<!-- BEGIN TABLE (\w+) -->\n).*?(<!-- END TABLE -->)", re.DOTALL)


def refresh(text: str) -> str:
    """Regenerate every generated part of a Markdown document."""
    by_name = {model.__name__: model for _, model in SECTIONS}
    if BEGIN in text:
        text = text[: text.index(BEGIN)] + markdown() + text[text.index(END) + len(END) + 1:]
    return TABLE.sub(lambda m: m.group(1) + table(by_name[m.group(2)]) + m.group(3), text)


def main() -> None:
    """Refresh the generated parts of docs/scenario.md and docs/model.md in place."""
    for path in DOCS:
        path.write_text(refresh(path.read_text(encoding="utf-8")), encoding="utf-8")


if __name__ == "__main__":
    main()
