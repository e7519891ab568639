"""Compare mode's runs: both arms through the experiment layer, and what the page shows of them."""

from __future__ import annotations

import pandas as pd
import pytest

from sim.app.dashboard.compare import (
    CompareCancelled,
    CompareRequest,
    bands,
    metric_hint,
    replicate_events,
    run_compare,
)
from sim.app.dashboard.compare_page import bands_spec, differences_html
from sim.app.dashboard.picker import ScenarioRefused
from sim.experiments.comparisons import compare
from sim.experiments.executors import InlineExecutor
from sim.experiments.metrics import DEFAULT_METRICS
from tests.app.dashboard import INTERVENTION

MAJORITY = CompareRequest("mechanisms/intervention", "mechanisms/intervention",
                          {"decision_rule": "majority"}, replicates=2, metrics=("decision_day[ALL]",))


def test_a_comparison_matches_allysim_compare() -> None:
    progress: list[tuple[int, int]] = []
    outcome = run_compare(MAJORITY, on_progress=lambda done, total: progress.append((done, total)),
                          pool=InlineExecutor())
    assert progress[0] == (0, 4) and progress[-1] == (4, 4)
    assert outcome.seeds == (11, 12)
    assert outcome.variant_label == "mechanisms/intervention with decision_rule majority"
    expected = compare(INTERVENTION, overrides=["world.alliances.0.decision_rule=majority"], replicates=2,
                       metrics=[*DEFAULT_METRICS, "decision_day[ALL]"], jobs=1).table
    pd.testing.assert_frame_equal(outcome.differences, expected)
    decided = outcome.differences.set_index("metric").loc["decision_day[ALL]"]
    assert decided["difference"] < 0  # majority decides sooner, on both seeds
    assert "decision_day[ALL]" in differences_html(outcome)

    events = replicate_events(outcome, 1)
    (base_decision,) = [e for e in events["baseline"] if e["type"] == "intervention_decided"]
    (variant_decision,) = [e for e in events["variant"] if e["type"] == "intervention_decided"]
    assert variant_decision["day"] < base_decision["day"]
    assert variant_decision["detail"]["rule"] == "majority"
    assert "rule majority" in variant_decision["detail_text"]


def test_bands_are_quantiles_of_the_replicates_totals() -> None:
    rows = [{"variant": v, "replicate": r, "day": d, "state": s, "refugees_hosted": 10 * r + d + (s == "B"),
             "idps": r, "returnees": 0}
            for v in ("baseline", "variant") for r in range(5) for d in range(3) for s in ("A", "B")]
    out = bands(pd.DataFrame(rows)).set_index(["variant", "series", "day"])
    refugees = out.loc[("variant", "refugees", 2)]  # totals over A and B: 20 r + 5, r = 0..4
    assert refugees["median"] == 45
    assert (refugees["low"], refugees["high"]) == (pytest.approx(9), pytest.approx(81))
    assert out.loc[("baseline", "IDPs", 0), "median"] == 4  # 2 r summed over two states, r = 2
    assert set(out.index.get_level_values("series")) == {"refugees", "IDPs", "returnees"}


def test_bad_requests_are_refused_with_a_message() -> None:
    with pytest.raises(ValueError, match="the variant is the baseline unchanged"):
        run_compare(CompareRequest("toy", "toy", {}, replicates=2), pool=InlineExecutor())
    with pytest.raises(ScenarioRefused, match="not one of the scenarios"):
        run_compare(CompareRequest("toy", "../secret", {}, replicates=2), pool=InlineExecutor())
    with pytest.raises(ValueError, match="replicates must be from 2"):
        run_compare(CompareRequest("toy", "mechanisms/aid", replicates=1), pool=InlineExecutor())
    with pytest.raises(ValueError, match="unknown metric 'decision_dya'"):
        run_compare(CompareRequest("toy", "toy", {"flee_rate": 0.05}, replicates=2,
                                   metrics=("decision_dya",)), pool=InlineExecutor())


def test_a_cancelled_comparison_stops() -> None:
    with pytest.raises(CompareCancelled):
        run_compare(MAJORITY, cancelled=lambda: True, pool=InlineExecutor())


def test_the_page_suggests_metrics_of_the_scenario_and_draws_valid_vega_lite() -> None:
    assert metric_hint("mechanisms/intervention") == "decision_day[ALL], peak_refugees_hosted[FRN]"
    assert metric_hint("toy") == "peak_refugees_hosted[XBM]"
    assert bands_spec(validate=True)["spec"]["layer"][0]["mark"]["type"] == "area"
