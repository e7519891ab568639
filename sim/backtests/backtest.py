"""Backtests: real conflicts replayed and compared with what UNHCR observed at each camp.

``run_backtest(folders, replicates, mode)`` runs every conflict (a Flee folder, or a scenario
file with an ``observed`` block) ``replicates`` times with seeds 0..N-1 and returns two tables:

* camps: one row per conflict, replicate, day and camp: simulated and observed counts;
* summary: one row per conflict: the ARD, rescaled ARD and total error (sim/backtests/ard.py) averaged
  over replicates, and the mean wall time of one replicate.

With ``out`` it writes them as camps.csv and backtest.csv (the figures are drawn by
analysis/backtest_plots.py, which reads camps.csv). Docs: docs/flee.md.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, as_completed
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.backtests.ard import scores
from sim.core.cohorts import Status
from sim.core.observed import Observed
from sim.experiments.defaults import size_problem
from sim.flee.convert import load_flee_scenario
from sim.loading import load_scenario
from sim.model import DisplacementModel
from sim.scenario import Scenario
from sim.scenario.errors import Problem, ScenarioError

MODES = ("data_driven", "conflict_driven")
RULES = ("calibrated", "folder")

# allysim's calibrated values for settings that Flee's own settings files set (docs/flee.md,
# "Calibration"): one set for every conflict. Everything else comes from each folder's
# simsetting.yml. ``rules="folder"`` runs the folder's settings unchanged.
CALIBRATED: dict[str, float] = {
    "max_move_speed": 500.0,  # Flee validation suite: 200 (see docs/flee.md on travel within a day)
    "camp_weight": 1.0,  # 2.0
    "camp_leave_probability": 0.0008,  # camp_movechance 0.001
    "capacity_buffer": 0.8,  # 0.9 (Flee's code default)
}
CAMP_COLUMNS = ["conflict", "replicate", "day", "date", "camp", "simulated", "observed"]
SUMMARY_COLUMNS = ["conflict", "mode", "replicates", "days", "camps", "ard", "ard_rescaled",
                   "total_error", "unplaced", "wall_seconds"]


@dataclass
class Replay:
    """One replicate of one conflict: daily counts at the observed camps."""

    camps: list[str]
    simulated: np.ndarray  # [days, camps] int64
    observed: np.ndarray  # [days, camps] int64
    wall_seconds: float
    person_days: int  # displaced people alive, summed over days (Flee's agent-days)
    unplaced: int  # observed newly displaced that no location could give (see sim/core/spawning.py)


@dataclass
class BacktestResult:
    """The two backtest tables."""

    camps: pd.DataFrame
    summary: pd.DataFrame


def calibration(rules: str = "calibrated") -> list[str]:
    """The ``--set`` overrides of a rule set: "calibrated" (CALIBRATED) or "folder" (none)."""
    if rules not in RULES:
        raise ValueError(f"--rules must be one of {', '.join(RULES)}, not {rules!r}")
    if rules == "folder":
        return []
    return [f"parameters.movement.{key}={value}" for key, value in CALIBRATED.items()]


def load_conflict(path: str | Path, mode: str | None = None, overrides: Sequence[str] = (),
                  rules: str = "calibrated") -> Scenario:
    """A Flee folder or a scenario file, ready to backtest.

    ``mode`` overrides the displacement mode; ``rules`` applies to Flee folders only ("calibrated":
    allysim's calibrated values replace those of simsetting.yml, "folder": the file as it is);
    ``overrides`` (``dotted.path=value``) come last.
    """
    path = Path(path)
    sets = [*overrides, *([f"parameters.displacement.mode={mode}"] if mode else [])]
    if not path.exists():
        raise ScenarioError([Problem(str(path), None, None, "(file)", "no such Flee folder or "
                                     "scenario file")])
    if path.is_dir():
        spec = load_flee_scenario(path, overrides=[*calibration(rules), *sets])
    else:
        spec = load_scenario(path, sets)
    if spec.observed is None or not observed_camps(spec):
        raise ScenarioError([Problem(str(path), None, None, "observed", "nothing to compare: the "
                                     "scenario has no observed counts at any camp")])
    return spec


def observed_camps(spec: Scenario) -> list[str]:
    """Camps (and IDP camps) that have an observed series, in location order."""
    have = set(spec.observed.locations()) if spec.observed is not None else set()
    return [loc.id for loc in spec.world.locations
            if loc.kind in ("camp", "idp_camp") and loc.id in have]


def replay(spec: Scenario, seed: int) -> Replay:
    """Run one scenario and read the displaced people at every observed camp after each day."""
    camps = observed_camps(spec)
    assert spec.observed is not None
    obs = Observed.from_spec(spec.observed, spec.start_date, spec.days)
    observed = obs.compared[:, [obs.locations.index(c) for c in camps]]
    t0 = time.perf_counter()
    model = DisplacementModel(spec, rng=seed)
    idx = np.array([model.world.index[c] for c in camps], dtype=np.int64)
    rows = []
    person_days = 0
    while model.running:
        model.step()
        occ = model.population.occupancy[idx]
        rows.append(occ[:, Status.IDP] + occ[:, Status.REFUGEE])
        person_days += model.recorder.totals["idps"] + model.recorder.totals["refugees"]
    wall = time.perf_counter() - t0
    model.remove_all_agents()
    return Replay(camps, np.array(rows, dtype=np.int64).reshape(spec.days, len(camps)), observed,
                  wall, int(person_days), model.unplaced)


def conflict_name(path: str | Path) -> str:
    p = Path(path)
    return p.resolve().name if p.is_dir() else p.stem


def run_backtest(folders: Sequence[str | Path], replicates: int = 1, mode: str = "data_driven",
                 out: str | Path | None = None, *, rules: str = "calibrated",
                 overrides: Sequence[str] = (), pool: Executor | None = None,
                 on_progress: Callable[[str, int, int], None] | None = None) -> BacktestResult:
    """Backtest every conflict ``replicates`` times (seeds 0..replicates-1).

    ``rules``: "calibrated" (default) or "folder" (see ``load_conflict``); ``overrides`` are
    ``dotted.path=value`` settings applied last. Runs go to ``pool`` (any ``concurrent.futures``
    executor: local processes, a Dask cluster), else run here one after another; the results do
    not depend on where they ran. ``on_progress(conflict, replicate, replicates)`` is called
    after each run. Raises ScenarioError if a folder cannot be read (nothing is run then).
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    too_large = size_problem(len(folders), replicates, "the backtest")
    if too_large:
        raise ValueError(too_large)
    calibration(rules)  # checks the name
    specs = []
    problems: list[Problem] = []
    for folder in folders:
        try:
            specs.append((conflict_name(folder), load_conflict(folder, mode, overrides, rules)))
        except ScenarioError as exc:
            problems += exc.problems
    if problems:
        raise ScenarioError(problems)
    def done(key: tuple[int, int]) -> None:
        if on_progress is not None:
            on_progress(specs[key[0]][0], key[1], replicates)

    jobs = {(i, r): (spec, spec.seed + r) for i, (_, spec) in enumerate(specs) for r in range(replicates)}
    runs = _replay_all(jobs, pool, done)
    camp_parts: list[pd.DataFrame] = []
    summary: list[dict] = []
    for i, (name, spec) in enumerate(specs):
        metrics, walls = [], []
        for r in range(replicates):
            run = runs[i, r]
            metrics.append(scores(run.simulated, run.observed))
            walls.append(run.wall_seconds)
            camp_parts.append(_camp_rows(name, r, spec.start_date, run))
        summary.append({"conflict": name, "mode": mode, "replicates": replicates, "days": spec.days,
                        "camps": len(observed_camps(spec)),
                        **{k: float(np.mean([m[k] for m in metrics])) for k in metrics[0]},
                        "unplaced": float(np.mean([runs[i, r].unplaced for r in range(replicates)])),
                        "wall_seconds": float(np.mean(walls))})
    result = BacktestResult(pd.concat(camp_parts, ignore_index=True)[CAMP_COLUMNS],
                            pd.DataFrame(summary, columns=SUMMARY_COLUMNS))
    if out is not None:
        write_backtest(result, out)
    return result


def _replay_all(jobs: dict[tuple[int, int], tuple[Scenario, int]], pool: Executor | None,
                done: Callable[[tuple[int, int]], None]) -> dict[tuple[int, int], Replay]:
    """Every (scenario, seed) replayed, here in turn or on ``pool``; ``done(key)`` after each."""
    if pool is None:
        runs = {}
        for key, (spec, seed) in jobs.items():
            runs[key] = replay(spec, seed)
            done(key)
        return runs
    futures = {pool.submit(replay, spec, seed): key for key, (spec, seed) in jobs.items()}
    for future in as_completed(futures):
        done(futures[future])
    return {key: future.result() for future, key in futures.items()}


def _camp_rows(name: str, replicate: int, start: dt.date, run: Replay) -> pd.DataFrame:
    days, n = run.simulated.shape
    day = np.repeat(np.arange(days), n)
    dates = (np.datetime64(start, "D") + day.astype("timedelta64[D]")).astype(str)
    return pd.DataFrame({"conflict": name, "replicate": replicate, "day": day, "date": dates,
                         "camp": np.tile(np.array(run.camps, dtype=object), days),
                         "simulated": run.simulated.ravel(), "observed": run.observed.ravel()})


def write_backtest(result: BacktestResult, out: str | Path) -> list[Path]:
    """camps.csv and backtest.csv in ``out`` (created if needed)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "camps.csv", out / "backtest.csv"]
    result.camps.to_csv(paths[0], index=False)
    result.summary.to_csv(paths[1], index=False, float_format="%.6g")
    return paths
