"""Levers: sidebar inputs that override one scenario field each, as ``--set`` would.

A lever applies only to scenarios that have what it changes (an alliance's intervention, a
state's border tolerance, ...); moved levers become ``dotted.path=value`` overrides.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from ruamel.yaml import YAML

from sim.scenario import Scenario


@dataclass(frozen=True)
class Lever:
    """One sidebar input that overrides one scenario field (the path ``--set`` would take).

    Numbers give a slider (integer bounds and step: an integer slider), ``choices`` a select,
    ``off`` a checkbox: ticked keeps the scenario's value, unticked sets the field to ``off``
    (a YAML value, as ``--set`` reads it). A lever applies to a scenario that has a value at
    ``needs`` (default: at ``path`` itself); elsewhere it is hidden, ignored, and listed as not
    applicable. ``{owner}`` in the label is replaced by the id of the state or alliance the path
    runs through (``world.states.1...`` -> ``FRN``). ``name``, the keyword of ``DashboardModel``,
    defaults to the last part of the path.
    """

    path: str
    label: str
    min: float = 0.0
    max: float = 1.0
    step: float = 0.01
    choices: tuple[str, ...] = ()
    off: str | None = None
    needs: str = ""
    name: str = ""

    def __post_init__(self) -> None:
        if not self.name:
            object.__setattr__(self, "name", self.path.rsplit(".", 1)[-1])

    @property
    def is_switch(self) -> bool:
        return self.off is not None

    def current(self, spec: Scenario) -> Any:
        """The scenario's own value, or ``None`` where the scenario has no such field."""
        return _walk(spec, self.path)[0]

    def applies(self, spec: Scenario) -> bool:
        """Whether the scenario has what the lever changes (a value at ``needs``, or ``path``)."""
        return _walk(spec, self.needs or self.path)[0] is not None

    def start(self, spec: Scenario) -> Any:
        """The input's value for this scenario: its own value (a checkbox: ticked unless off)."""
        value = self.current(spec)
        return value != _yaml_value(self.off) if self.is_switch else value

    def title(self, spec: Scenario) -> str:
        """The label, with ``{owner}`` filled in from the scenario."""
        return self.label.replace("{owner}", _walk(spec, self.path)[1] or "?")

    def user_param(self, value: Any, spec: Scenario) -> dict[str, Any]:
        """The SolaraViz ``model_params`` entry for this scenario, starting at ``value``."""
        label = self.title(spec)
        if self.is_switch:
            return {"type": "Checkbox", "label": label, "value": bool(value)}
        if self.choices:
            values = list(self.choices) + ([value] if value not in self.choices and value else [])
            start = value if value in values else self.choices[0]
            return {"type": "Select", "label": label, "value": start, "values": values}
        is_int = all(isinstance(x, int) for x in (self.min, self.max, self.step))
        start = self.min if value is None else value
        return {"type": "SliderInt" if is_int else "SliderFloat", "label": label,
                "value": start, "min": min(self.min, start), "max": max(self.max, start),
                "step": self.step}

    def same(self, a: Any, b: Any) -> bool:
        """Equal, allowing for the rounding of a float slider."""
        if self.is_switch:
            return bool(a) == bool(b)
        if isinstance(a, int | float) and isinstance(b, int | float) and not self.choices:
            return math.isclose(a, b, rel_tol=1e-9, abs_tol=abs(self.step) / 1000)
        return a == b

    def setting(self, value: Any, spec: Scenario) -> str | None:
        """The ``dotted.path=value`` override for ``value``, or ``None`` if it changes nothing."""
        if self.is_switch:
            if value or not self.start(spec):
                return None  # ticked keeps the scenario's value; unticking what is off changes nothing
            return f"{self.path}={self.off}"
        if self.same(value, self.current(spec)):
            return None
        return f"{self.path}={value}" if isinstance(value, str) else f"{self.path}={value!r}"


def _walk(spec: Any, path: str) -> tuple[Any, str | None]:
    """The value at a dotted path (``None`` if missing) and the id of the last list item passed."""
    node, owner = spec, None
    for part in path.split("."):
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                return None, owner
            node = node[int(part)]
            owner = getattr(node, "id", owner)
        elif isinstance(node, Mapping):
            node = node.get(part)
        elif isinstance(node, BaseModel):  # a YAML key may be a field's alias ('from' for from_)
            fields = type(node).model_fields
            name = part if part in fields else next((f for f, i in fields.items() if i.alias == part), "")
            node = getattr(node, name, None) if name else None
        else:
            node = getattr(node, part, None)
        if node is None:
            return None, owner
    return node, owner


def _yaml_value(text: str | None) -> Any:
    """A YAML scalar as ``--set`` reads it."""
    return None if text is None else YAML(typ="safe").load(text)


LEVERS: tuple[Lever, ...] = (
    Lever("parameters.displacement.flee_rate", "Flee rate at full conflict (1/day)", 0.0, 0.1, 0.001),
    Lever("parameters.movement.awareness", "Route awareness (hops)", 1, 3, 1),
    Lever("parameters.movement.camp_weight", "Camp attractiveness (factor)", 0.0, 10.0, 0.1),
    Lever("parameters.returns.return_rate", "Return rate (1/day)", 0.0, 0.1, 0.001),
    Lever("parameters.movement.max_move_speed", "Travel speed (km/day)", 10.0, 500.0, 10.0),
    # The decision layer: shown only for scenarios with the element they change.
    Lever("world.alliances.0.decision_rule", "{owner} intervention decision rule",
          choices=("unanimity", "majority", "qualified:0.66"), needs="world.alliances.0.intervention"),
    Lever("world.alliances.0.intervention.trigger_displaced", "{owner} intervention trigger (people)",
          0, 200_000, 5_000),
    Lever("world.states.1.policy.tolerance", "{owner} border tolerance (per resident)", 0.001, 0.05,
          0.001),
    Lever("world.alliances.0.burden_sharing.daily_capacity", "{owner} burden sharing (relocation)",
          off="0", name="burden_sharing"),
    Lever("world.alliances.0.aid.budget", "{owner} aid budget (units/review)", 0.0, 10.0, 0.5,
          name="aid_budget"),
)
LEVERS_BY_NAME: dict[str, Lever] = {lever.name: lever for lever in LEVERS}
if len(LEVERS_BY_NAME) != len(LEVERS) or {"scenario_name", "rng", "baseline"} & set(LEVERS_BY_NAME):
    raise RuntimeError("every lever needs a distinct keyword name (the last part of its path, or name=)")


def lever_inputs(levers: tuple[Lever, ...], spec: Scenario) -> dict[str, dict[str, Any]]:
    """The sidebar inputs (SolaraViz ``model_params`` entries) of ``levers``, at ``spec``'s values."""
    return {lever.name: lever.user_param(lever.start(spec), spec) for lever in levers}


def applicable(spec: Scenario) -> tuple[Lever, ...]:
    """The levers that apply to ``spec`` (those the sidebar shows for it)."""
    return tuple(lever for lever in LEVERS if lever.applies(spec))


def lever_overrides(levers: Mapping[str, Any], baseline: Mapping[str, Any] | None,
                    spec: Scenario) -> dict[str, str]:
    """``dotted.path=value`` overrides (by lever name) for the levers moved from where they started.

    ``spec`` is the scenario as its file has it. A lever still at its starting value leaves each
    scenario its own value, so switching scenario does not silently carry the first scenario's
    parameters over; a lever that does not apply to ``spec`` is ignored.
    """
    unknown = sorted(set(levers) - set(LEVERS_BY_NAME))
    if unknown:
        raise TypeError(f"unknown lever(s): {', '.join(unknown)}")
    out = {}
    for name, value in levers.items():
        lever = LEVERS_BY_NAME[name]
        if value is None or not lever.applies(spec):
            continue
        if baseline is not None and name in baseline and lever.same(value, baseline[name]):
            continue
        if (setting := lever.setting(value, spec)) is not None:
            out[name] = setting
    return out
