"""Backtests on the small Flee fixtures: the tables, the files, the figures, and data-driven
displacement doing what the data says."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.backtest_plots import plot_backtest_dir, save_backtest_plots
from sim.backtests.ard import scores
from sim.backtests.backtest import (
    CALIBRATED,
    CAMP_COLUMNS,
    SUMMARY_COLUMNS,
    load_conflict,
    replay,
    run_backtest,
)
from sim.core.observed import Observed
from sim.flee.convert import import_flee
from sim.scenario.errors import ScenarioError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "flee"
MALI = FIXTURES / "mali_cut"
SSUDAN = FIXTURES / "ssudan_cut"


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("bt")
    return run_backtest([MALI, SSUDAN], replicates=2, out=out), out


def test_tables(result) -> None:
    r, out = result
    assert list(r.camps.columns) == CAMP_COLUMNS
    assert list(r.summary.columns) == SUMMARY_COLUMNS
    assert r.summary["conflict"].tolist() == ["mali_cut", "ssudan_cut"]
    assert r.summary["days"].tolist() == [60, 40] and r.summary["camps"].tolist() == [4, 3]
    assert (r.summary["replicates"] == 2).all() and (r.summary["mode"] == "data_driven").all()
    mali = r.camps[r.camps["conflict"] == "mali_cut"]
    assert len(mali) == 2 * 60 * 4
    assert mali["date"].iloc[0] == "2012-02-29" and mali["date"].iloc[-1] == "2012-04-28"
    on_disk = pd.read_csv(out / "backtest.csv")
    assert on_disk["conflict"].tolist() == ["mali_cut", "ssudan_cut"]
    assert len(pd.read_csv(out / "camps.csv")) == len(r.camps)


def test_summary_is_the_mean_of_replicate_scores(result) -> None:
    r, _ = result
    mali = r.camps[r.camps["conflict"] == "mali_cut"]
    per_rep = []
    for _, rep in mali.groupby("replicate"):
        sim = rep.pivot(index="day", columns="camp", values="simulated").to_numpy()
        obs = rep.pivot(index="day", columns="camp", values="observed").to_numpy()
        per_rep.append(scores(sim, obs))
    row = r.summary.iloc[0]
    for key in ("ard", "ard_rescaled", "total_error"):
        assert row[key] == pytest.approx(np.mean([s[key] for s in per_rep]))


def test_observed_column_is_the_flee_reading_of_the_data(result) -> None:
    r, _ = result
    spec = load_conflict(MALI)
    obs = Observed.from_spec(spec.observed, spec.start_date, spec.days)
    abala = r.camps[(r.camps["conflict"] == "mali_cut") & (r.camps["replicate"] == 0)
                    & (r.camps["camp"] == "Abala")]
    assert abala["observed"].tolist() == obs.values[:, obs.locations.index("Abala")].tolist()


def test_figures(result, tmp_path: Path) -> None:
    r, out = result
    paths = plot_backtest_dir(out)
    assert [p.name for p in paths] == ["mali_cut.png", "ssudan_cut.png"]
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in paths)
    assert save_backtest_plots(r.camps, tmp_path)[0].exists()


def test_replicates_differ_and_seeds_repeat() -> None:
    spec = load_conflict(MALI)
    a, b, c = replay(spec, 0), replay(spec, 1), replay(spec, 0)
    assert np.array_equal(a.simulated, c.simulated)
    assert not np.array_equal(a.simulated, b.simulated)


def test_conflict_driven_mode_predicts_the_total() -> None:
    r = run_backtest([MALI], replicates=1, mode="conflict_driven")
    row = r.summary.iloc[0]
    assert row["mode"] == "conflict_driven" and np.isfinite(row["total_error"])
    data = run_backtest([MALI], replicates=1).camps
    assert not r.camps["simulated"].equals(data["simulated"])


def test_a_scenario_file_can_be_backtested(tmp_path: Path) -> None:
    import_flee(MALI, tmp_path / "mali.yaml")
    r = run_backtest([tmp_path / "mali.yaml"], replicates=1)
    assert r.summary["conflict"].tolist() == ["mali"]


def test_bad_folders_are_all_reported_before_anything_runs(tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    shutil.copytree(MALI, bad)
    (bad / "input_csv" / "conflicts.csv").unlink()
    with pytest.raises(ScenarioError) as info:
        run_backtest([bad, tmp_path / "missing"], replicates=1)
    text = str(info.value)
    assert "conflicts.csv: (file): missing file" in text
    assert "missing: (file): no such Flee folder or scenario file" in text
    with pytest.raises(ValueError, match="mode"):
        run_backtest([MALI], mode="guess")


def test_calibrated_rules_replace_only_their_own_settings() -> None:
    folder = load_conflict(MALI, rules="folder").parameters.movement
    calibrated = load_conflict(MALI).parameters.movement
    assert folder.max_move_speed == 200.0 and folder.camp_weight == 2.0  # simsetting.yml
    for key, value in CALIBRATED.items():
        assert getattr(calibrated, key) == value
    untouched = set(type(folder).model_fields) - set(CALIBRATED)
    assert all(getattr(folder, k) == getattr(calibrated, k) for k in untouched)
    assert load_conflict(MALI, overrides=["parameters.movement.camp_weight=3"]).parameters \
        .movement.camp_weight == 3.0  # explicit overrides come last
    with pytest.raises(ValueError, match="rules"):
        run_backtest([MALI], rules="mine")


def test_camps_that_start_empty_are_compared_with_their_change_since_day0(tmp_path: Path) -> None:
    folder = tmp_path / "mali_empty"
    shutil.copytree(MALI, folder)
    settings = folder / "simsetting.yml"
    settings.write_text(settings.read_text().replace("empty_camps_on_day0: False",
                                                     "empty_camps_on_day0: True"))
    spec = load_conflict(folder)
    obs = Observed.from_spec(spec.observed, spec.start_date, spec.days)
    run = replay(spec, 0)
    camps = [obs.locations.index(c) for c in run.camps]
    assert not run.observed[0].any() and obs.values[0, camps].any()
    assert np.array_equal(run.observed, obs.values[:, camps] - obs.values[0, camps])
    same_rises = replay(load_conflict(MALI), 0)  # the daily rises, hence departures, are the same
    assert run.simulated[-1].sum() < same_rises.simulated[-1].sum()
