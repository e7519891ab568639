"""A Vega-Lite chart that updates in place: the spec is drawn once, each day only its data.

Solara's own ``FigureAltair`` redraws the whole chart whenever anything changes, which loses the
viewer's zoom, pan and hover on every step and costs a new Vega compile each time. ``LiveVega``
sends the spec (built with Altair, with named datasets) once per run and then only the rows of
its named datasets; the browser swaps them into the drawn view.

Vega, Vega-Lite and Vega-Embed are loaded from Solara's offline asset cache (the
``solara-assets`` package) at the exact versions it holds, so the charts work without internet.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import altair as alt
import ipyvuetify as v
import solara
import solara.settings
import traitlets

VEGA_TEMPLATE = Path(__file__).with_name("live_vega.vue")
VEGA_LIBRARIES = {
    "vega": "vega@5.21.0/build/vega.min",
    "vega-lite": "vega-lite@5.2.0/build/vega-lite.min",
    "vega-embed": "vega-embed@6.20.2/build/vega-embed.min",
}
"""The scripts the browser loads (``.js`` added), at the versions ``solara-assets`` puts in Solara's
offline cache (``<venv>/share/solara/cdn``): requested by exact version, they need no alias."""


class LiveVega(v.VuetifyTemplate):
    """The widget: ``spec`` (a Vega-Lite dict) and ``datasets`` ({name: rows})."""

    template_file = (__file__, VEGA_TEMPLATE.name)
    spec = traitlets.Dict().tag(sync=True)
    datasets = traitlets.Dict().tag(sync=True)
    libraries = traitlets.Dict(VEGA_LIBRARIES).tag(sync=True)
    cdn = traitlets.Unicode(None, allow_none=True).tag(sync=True)

    @traitlets.default("cdn")
    def _cdn(self) -> str | None:
        """Solara's CDN address when it does not proxy (and cache) the files itself."""
        return None if solara.settings.assets.proxy else solara.settings.assets.cdn


def vega_spec(chart: alt.TopLevelMixin, validate: bool = False) -> dict[str, Any]:
    """An Altair chart as the Vega-Lite dict ``LiveVega`` draws.

    Validating against the Vega-Lite schema takes half a second, on every Reset; the tests
    validate every chart the dashboard builds instead (``validate=True``). The ``$schema`` line
    is dropped: Altair writes Vega-Lite 6, the offline assets hold 5.2, and the specs built here
    use nothing 5.2 lacks.
    """
    spec = chart.to_dict(validate=validate)
    spec.pop("$schema", None)
    return spec


@dataclass(frozen=True, eq=False)
class Drawing:
    """A chart's spec and its datasets, handed to ``LiveChart`` as one opaque value.

    Solara's renderer walks (and copies) every list and dict among a component's arguments on
    each render, looking for widgets in them; thousands of rows would cost more than the day's
    simulation. An object it does not look into, compared by identity, costs nothing.
    """

    spec: dict[str, Any]
    datasets: dict[str, list[dict[str, Any]]]


@solara.component
def LiveChart(drawing: Drawing) -> None:
    """A ``LiveVega`` widget showing ``drawing``; a new drawing with the same spec only sends
    its rows."""
    element = LiveVega.element()

    def push() -> None:
        widget = solara.get_widget(element)
        if widget.spec is not drawing.spec:
            widget.spec = drawing.spec
        widget.datasets = drawing.datasets

    solara.use_effect(push, [drawing])
