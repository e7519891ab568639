"""The sidebar's inputs, built from SolaraViz-style ``model_params`` entries, each slider with its
value in its label (so it is visible without dragging)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import solara


def _label(options: Mapping[str, Any], value: Any) -> str:
    """A slider's label with its value, so the value is always visible."""
    shown = f"{value:,}" if isinstance(value, int) else f"{value:g}" if isinstance(value, float) else value
    return f"{options['label']}: {shown}"


@solara.component
def ParameterInputs(params: Mapping[str, Any], values: Mapping[str, Any],
                    on_values: Callable[[dict[str, Any]], None]) -> None:
    """An input for each entry of ``params`` that has a ``type``, showing ``values``; a change
    calls ``on_values`` with all the values (what Reset builds the next model from, or a
    comparison's variant levers)."""
    def setter(name: str) -> Callable[[Any], None]:
        return lambda value: on_values({**values, name: value})

    for name, options in params.items():
        if not isinstance(options, Mapping) or "type" not in options:
            continue  # a fixed value: passed to every Reset, shown nowhere
        value = values.get(name, options["value"])
        kind = options["type"]
        if kind in ("SliderInt", "SliderFloat"):
            slider = solara.SliderInt if kind == "SliderInt" else solara.SliderFloat
            slider(_label(options, value), value=value, on_value=setter(name), min=options["min"],
                   max=options["max"], step=options["step"])
        elif kind == "Select":
            solara.Select(options["label"], value=value, values=options["values"], on_value=setter(name))
        elif kind == "Checkbox":
            solara.Checkbox(label=options["label"], value=value, on_value=setter(name))
        else:
            solara.InputText(options["label"], value=value, on_value=setter(name))


def parameter_values(params: Mapping[str, Any]) -> dict[str, Any]:
    """What Reset passes: each input's value, and the fixed values as they are."""
    return {name: options["value"] if isinstance(options, Mapping) and "type" in options else options
            for name, options in params.items()}
