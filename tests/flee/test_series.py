"""Observed series read as Flee reads them: interpolation, summed files, registration corrections,
and the daily total of data-driven displacement."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import numpy as np
import pytest

from sim.core.observed import Observed, interpolate
from sim.core.spawning import daily_new
from sim.flee.folder import read_flee_folder
from sim.flee.series import corrected_series, flee_sum
from sim.scenario.observed import ObservedSpec

MALI = Path(__file__).resolve().parents[1] / "fixtures" / "flee" / "mali_cut"


def test_interpolation_by_hand() -> None:
    days, values = np.array([0, 10, 20]), np.array([0.0, 100.0, 50.0])
    got = interpolate(days, values, np.array([-5, 0, 3, 10, 13, 20, 40]))
    # before/on the first point: first value; linear, truncated; after the last: last value
    assert got.tolist() == [0, 0, 30, 100, 85, 50, 50]
    assert interpolate(np.array([0, 3]), np.array([0.0, 10.0]), np.array([1, 2])).tolist() == [3, 6]


def test_out_of_order_dates_are_scanned_in_file_order() -> None:
    # Flee looks for the first point (in file order) dated after t and interpolates from the one
    # before it: with the out-of-order point at day 5, day 12 interpolates between day 5 (50) and
    # day 20 (200): 50 + 7/15 * 150 = 120.
    days, values = np.array([0, 10, 5, 20]), np.array([0.0, 100.0, 50.0, 200.0])
    assert interpolate(days, values, np.array([4, 12, 25])).tolist() == [40, 120, 200]


def test_two_files_summed_as_flee_sums_them() -> None:
    # a: 0:1, 10:2, 20:3   b: 5:10, 10:20, 30:30
    d, v = flee_sum(np.array([0, 10, 20]), np.array([1.0, 2.0, 3.0]),
                    np.array([5, 10, 30]), np.array([10.0, 20.0, 30.0]))
    # day 0: a alone; day 5: b plus a's *next* value; day 10: both; day 20: a plus b's last seen
    # value; b's day 30 is dropped once a is used up.
    assert d.tolist() == [0, 5, 10, 20]
    assert v.tolist() == [1.0, 12.0, 22.0, 23.0]


def test_registration_correction_rescales_earlier_points(tmp_path: Path) -> None:
    # The notes' example: points 10, 20, 50, correction on the date of the 50 -> 25, 50, 50.
    folder = tmp_path / "f"
    shutil.copytree(MALI, folder)
    (folder / "source_data" / "bf-mentao.csv").write_text(
        "2012-02-29,10\n2012-03-10,20\n2012-03-20,50\n")
    (folder / "input_csv" / "registration_corrections.csv").write_text(
        "Mentao,2012-03-20,normalize\n")
    series = corrected_series(read_flee_folder(folder))
    assert series["Mentao"][1].tolist() == [25.0, 50.0, 50.0]


def test_corrections_before_the_start_are_ignored(tmp_path: Path) -> None:
    folder = tmp_path / "f"
    shutil.copytree(MALI, folder)
    (folder / "source_data" / "bf-mentao.csv").write_text(
        "2012-01-01,10\n2012-02-01,20\n2012-03-20,50\n")
    (folder / "input_csv" / "registration_corrections.csv").write_text("Mentao,2012-02-01\n")
    assert corrected_series(read_flee_folder(folder))["Mentao"][1].tolist() == [10.0, 20.0, 50.0]


def test_fixture_corrections_match_the_data_files() -> None:
    """mali_cut: Mentao corrected on 2012-10-03 (6905->5876 step) scales every earlier point."""
    folder = read_flee_folder(MALI)
    raw = folder.series["bf-mentao.csv"]
    days, values = corrected_series(folder)["Mentao"]
    i = int(np.flatnonzero(days == (dt.date(2012, 10, 3) - folder.start_date).days)[0])
    factor = raw.values[i] / raw.values[i - 1]
    assert values[:i] == pytest.approx(raw.values[:i] * factor)
    assert values[i:].tolist() == raw.values[i:].tolist()


def test_daily_new_follows_the_rise_and_carries_a_debt() -> None:
    spec = ObservedSpec.model_validate({"series": [
        {"location": "a", "date": "2020-01-01", "count": 100},
        {"location": "a", "date": "2020-01-03", "count": 140},
        {"location": "a", "date": "2020-01-04", "count": 110},
        {"location": "a", "date": "2020-01-06", "count": 150},
        {"location": "b", "date": "2020-01-01", "count": 5},
    ]})
    obs = Observed.from_spec(spec, dt.date(2020, 1, 1), 7)
    assert obs.values[:, 0].tolist() == [100, 120, 140, 110, 130, 150, 150]
    # day 0 adds nobody (the day-0 counts start in the camps); a fall of 30 is a debt that the
    # next rises pay off first: 20, 20, -30 -> 0 (debt 30), 20-30 -> 0 (debt 10), 20-10 = 10
    assert daily_new(obs, "camps").tolist() == [0, 20, 20, 0, 0, 10, 0]
