"""The documented Python API (docs/api.md): load, override, run, and get typed tables."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

import sim
from analysis import load_run
from analysis.loading import DTYPES
from sim.app.runner import run_to_directory

ROOT = Path(__file__).resolve().parents[1]
TOY = ROOT / "scenarios" / "toy.yaml"
FLEE_RATE = "parameters.displacement.flee_rate=0.001:0.01"


def test_run_scenario_returns_the_tables_load_run_reads(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    before = set(os.listdir(tmp_path))
    monkeypatch.chdir(tmp_path)  # nothing may appear in the working directory either
    in_memory = sim.run_scenario(TOY, seed=4, overrides=["parameters.returns.return_rate=0.05"], days=30)
    assert set(os.listdir(tmp_path)) == before and in_memory.path is None
    written = run_to_directory(TOY, tmp_path / "run", seed=4, days=30,
                               overrides=["parameters.returns.return_rate=0.05"])
    from_disk = load_run(written.directory)
    for name in DTYPES:
        pd.testing.assert_frame_equal(getattr(in_memory, name), getattr(from_disk, name), obj=name)
    assert pd.api.types.is_datetime64_any_dtype(in_memory.states["date"])
    assert in_memory.manifest["seed"] == 4 and in_memory.states["day"].max() == 29


def test_a_loaded_scenario_runs_as_it_is_and_out_writes_a_run_directory(tmp_path: Path) -> None:
    scenario = sim.load_scenario(TOY, ["seed=2"])
    run = sim.run_scenario(scenario, days=10)
    assert run.manifest["seed"] == 2
    assert run.summary["state"].tolist() == [s.id for s in scenario.world.states]
    # README.md's example: a loaded scenario takes a seed and overrides as its file would
    again = sim.run_scenario(scenario, seed=3, overrides="parameters.returns.return_rate=0.05", days=10)
    from_file = sim.run_scenario(TOY, seed=3, overrides=["parameters.returns.return_rate=0.05"], days=10)
    pd.testing.assert_frame_equal(again.stocks, from_file.stocks)
    assert again.manifest["seed"] == 3 and scenario.seed == 2  # the loaded scenario is left as it was
    with pytest.raises(sim.ScenarioError, match="seed: found -1"):
        sim.run_scenario(scenario, seed=-1)
    on_disk = sim.run_scenario(TOY, seed=2, days=10, out=tmp_path / "toy")
    assert on_disk.path == tmp_path / "toy" and (tmp_path / "toy" / "manifest.json").is_file()
    pd.testing.assert_frame_equal(on_disk.stocks, run.stocks)


def test_the_model_is_exported_and_steps() -> None:
    model = sim.DisplacementModel(sim.load_scenario(TOY))
    model.run_for(5)
    assert model.day == 4 and model.total_people() == model.population.total()
    assert isinstance(sim.__version__, str)
    with pytest.raises(TypeError, match=r"loaded scenario, not PosixPath .*sim\.load_scenario\(path\)"):
        sim.DisplacementModel(TOY)  # a path, as run_scenario takes


@pytest.mark.parametrize(("call", "message"), [
    (lambda: sim.experiments.ensemble(TOY, "3", jobs=1), "replicates '3': expected a whole number"),
    (lambda: sim.experiments.ensemble(TOY, 2, seed=1.5, jobs=1), "seed 1.5: expected a whole number"),
    (lambda: sim.experiments.ensemble(TOY, 2, jobs="2"), "--jobs '2': expected a whole number"),
    (lambda: sim.experiments.compare(TOY, overrides=["days=10"], replicates="3", jobs=1),
     "replicates '3': expected a whole number"),
    (lambda: sim.experiments.sensitivity(TOY, [FLEE_RATE], samples="4", jobs=1),
     "samples '4': expected a whole number"),
    (lambda: sim.experiments.sensitivity(TOY, [FLEE_RATE], samples=0, jobs=1),
     "samples 0: expected 1 or more"),
])
def test_the_experiment_api_names_a_count_that_is_not_a_whole_number(call: Callable[[], object],
                                                                     message: str) -> None:
    """What the command line's options check by type, the Python API checks by value."""
    with pytest.raises(Exception, match=re.escape(message)) as error:
        call()
    assert not isinstance(error.value, TypeError | IndexError)


def test_plots_leave_the_matplotlib_backend_alone() -> None:
    code = ("import matplotlib; matplotlib.use('pdf'); import analysis.plots; "
            "print(matplotlib.get_backend())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "pdf"


def test_the_experiment_api_is_reached_from_import_sim() -> None:
    """docs/api.md writes ``sim.experiments.ensemble(...)`` after a plain ``import sim``."""
    code = "import sim; print(callable(sim.experiments.ensemble), callable(sim.experiments.compare))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "True"]
