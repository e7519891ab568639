"""Calibration of the shared rule values, in sample and leave-one-out, on the cut fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.backtests.backtest import load_conflict
from sim.backtests.calibration import TARGETS, Knob, fit, leave_one_out

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "flee"


def test_knobs_map_the_unit_interval_onto_their_range() -> None:
    assert Knob("p", 100, 800).value(0.5) == 450
    assert Knob("p", 1e-4, 1e-2, log=True).value(0.5) == pytest.approx(1e-3)
    assert Knob("p", 0.5, 0.95).value(7.0) == 0.95  # clamped


def test_a_fit_never_ends_worse_than_it_started() -> None:
    specs = [load_conflict(FIXTURES / "mali_cut", "data_driven", rules="folder")]
    seen: list[float] = []
    values = fit(specs, "data_driven", budget=12, on_evaluation=lambda v, e: seen.append(e))
    _, knobs = TARGETS["data_driven"]
    assert set(values) == {k.path for k in knobs}
    assert all(k.low <= values[k.path] <= k.high for k in knobs)
    assert min(seen) <= seen[0] and 4 <= len(seen) <= 20


def test_leave_one_out_scores_each_folder_with_values_fitted_on_the_others() -> None:
    names = ["mali_cut", "ssudan_cut"]
    specs = [load_conflict(FIXTURES / n, "conflict_driven", rules="folder") for n in names]
    table = leave_one_out(names, specs, "conflict_driven", budget=6)
    assert table["conflict"].tolist() == names and (table["metric"] == "total_error").all()
    assert {"in_sample", "out_of_sample", "fit:flee_rate", "fit:intensity_power"} <= set(table.columns)
    assert table[["in_sample", "out_of_sample"]].notna().all().all()
