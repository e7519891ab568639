"""The live chart: its scripts are in Solara's offline cache, its specs are Vega-Lite."""

from __future__ import annotations

import altair as alt
from solara.server import settings

from sim.app.dashboard.live_vega import VEGA_LIBRARIES, vega_spec


def test_the_browser_finds_vega_offline() -> None:
    """The exact files the widget asks Solara's asset proxy for are installed (solara-assets), so
    a fresh install draws its charts without internet."""
    cache = settings.assets.proxy_cache_dir
    for path in VEGA_LIBRARIES.values():
        assert (cache / f"{path}.js").is_file(), f"{path}.js is not in {cache}: is solara-assets installed?"


def test_a_spec_names_its_datasets_and_no_schema() -> None:
    chart = alt.Chart(alt.Data(name="rows")).mark_point().encode(x="a:Q")
    spec = vega_spec(chart, validate=True)
    assert spec["data"] == {"name": "rows"} and "$schema" not in spec
