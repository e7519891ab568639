"""Calibration of the rule values shared by every conflict, in and out of sample.

A calibration fits a few rule parameters (one value each for every conflict) by minimising the
mean error over a set of Flee folders with a derivative-free optimiser (scipy's Powell method,
within bounds, on a budget of evaluations). Leave-one-out cross-validation fits on all folders
but one and scores the one left out, for each folder in turn: the out-of-sample error is what a
user can expect on a conflict the values were not fitted to.

Two targets: in data-driven mode the split across camps (rescaled ARD, the volume is given by
the data); in conflict-driven mode the volume as well (total error), fitting the displacement
rule that a what-if scenario relies on.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from sim.backtests.ard import scores
from sim.backtests.backtest import Replay, replay
from sim.scenario import Scenario
from sim.scenario.loading import with_overrides


@dataclass(frozen=True)
class Knob:
    """A calibrated parameter: its scenario path, bounds and whether it is searched on a log scale."""

    path: str
    low: float
    high: float
    log: bool = False

    def value(self, unit: float) -> float:
        """The parameter value at ``unit`` in [0, 1] of its range."""
        u = min(max(unit, 0.0), 1.0)
        if self.log:
            return float(math.exp(math.log(self.low) + u * (math.log(self.high) - math.log(self.low))))
        return float(self.low + u * (self.high - self.low))


TARGETS: dict[str, tuple[str, tuple[Knob, ...]]] = {
    "data_driven": ("ard_rescaled", (
        Knob("parameters.movement.max_move_speed", 100.0, 800.0),
        Knob("parameters.movement.camp_weight", 0.5, 4.0),
        Knob("parameters.movement.camp_leave_probability", 1e-4, 1e-2, log=True),
        Knob("parameters.movement.capacity_buffer", 0.5, 0.95),
    )),
    "conflict_driven": ("total_error", (
        Knob("parameters.displacement.flee_rate", 1e-4, 0.05, log=True),
        Knob("parameters.displacement.intensity_power", 0.25, 4.0, log=True),
    )),
}


def _evaluate(specs: Sequence[Scenario], overrides: list[str], metric: str, seed: int,
              pool: Executor | None) -> list[float]:
    """Each conflict's error with these overrides (one replicate each)."""
    variants = [with_overrides(spec, overrides) for spec in specs]
    if pool is None:
        runs: list[Replay] = [replay(v, seed) for v in variants]
    else:
        runs = [f.result() for f in [pool.submit(replay, v, seed) for v in variants]]
    return [scores(run.simulated, run.observed)[metric] for run in runs]


def fit(specs: Sequence[Scenario], mode: str, budget: int = 40, seed: int = 0,
        pool: Executor | None = None,
        on_evaluation: Callable[[dict[str, float], float], None] | None = None) -> dict[str, float]:
    """The knob values that minimise the mean error over ``specs`` (at most ``budget`` evaluations,
    each running every conflict once), starting from the middle of every range."""
    metric, knobs = TARGETS[mode]

    def objective(units: np.ndarray) -> float:
        values = {k.path: k.value(u) for k, u in zip(knobs, units, strict=True)}
        error = float(np.mean(_evaluate(specs, [f"{p}={v!r}" for p, v in values.items()], metric, seed,
                                        pool)))
        if on_evaluation is not None:
            on_evaluation(values, error)
        return error

    best = minimize(objective, x0=np.full(len(knobs), 0.5), method="Powell",
                    bounds=[(0.0, 1.0)] * len(knobs), options={"maxfev": budget, "xtol": 0.02})
    return {k.path: k.value(u) for k, u in zip(knobs, best.x, strict=True)}


def leave_one_out(names: Sequence[str], specs: Sequence[Scenario], mode: str, budget: int = 40,
                  seed: int = 0, pool: Executor | None = None,
                  fitted_on_all: dict[str, float] | None = None,
                  done: dict[str, dict[str, Any]] | None = None,
                  on_fold: Callable[[dict[str, Any]], None] | None = None) -> pd.DataFrame:
    """For each conflict: its error with the values fitted on all conflicts (in sample) and with
    the values fitted on the others (out of sample), and those values. ``fitted_on_all``: the
    in-sample fit when the caller already has it (it is fitted here otherwise); ``done``: rows
    of folds already finished (by conflict), kept as they are; ``on_fold(row)`` after each fold."""
    metric, _ = TARGETS[mode]
    everything = fitted_on_all if fitted_on_all is not None else fit(specs, mode, budget, seed, pool)
    inside = _evaluate(specs, [f"{p}={v!r}" for p, v in everything.items()], metric, seed, pool)
    rows = []
    for i, name in enumerate(names):
        if done and name in done:
            rows.append(done[name])
            continue
        others = [s for k, s in enumerate(specs) if k != i]
        values = fit(others, mode, budget, seed, pool)
        [outside] = _evaluate([specs[i]], [f"{p}={v!r}" for p, v in values.items()], metric, seed, pool)
        fitted = {f"fit:{p.rsplit('.', 1)[-1]}": v for p, v in values.items()}
        rows.append({"conflict": name, "mode": mode, "metric": metric, "in_sample": inside[i],
                     "out_of_sample": outside, **fitted})
        if on_fold is not None:
            on_fold(rows[-1])
    table = pd.DataFrame(rows)
    table.attrs["fitted_on_all"] = everything
    return table
