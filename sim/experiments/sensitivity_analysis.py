"""Global sensitivity analysis with SALib: which parameters move a metric, alone and together.

Each parameter is a scenario path with a range (``parameters.movement.camp_weight=0.5:4``);
a range written with whole numbers (``parameters.movement.awareness=1:3``) is sampled as whole
numbers. SALib draws the samples (Sobol: Saltelli's scheme, N x (D + 2) runs; Morris: N
trajectories, N x (D + 1) runs); every sample runs as one variant of an ensemble on the same
seeds (common random numbers), so the indices measure the parameters, not the noise between
seeds; with several replicates a sample's metric is its mean over them. Sobol gives first-order
(S1) and total (ST) indices, Morris mu* and sigma, each with its 95% confidence interval.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

from sim.experiments.defaults import not_whole
from sim.experiments.ensembles import (
    EnsembleResult,
    Plan,
    Variant,
    check_size,
    given_twice,
    make_plan,
    run_plan,
)
from sim.experiments.executors import executor
from sim.scenario import Scenario, ScenarioError
from sim.scenario.loading import as_items

METHODS = ("sobol", "morris")
_RANGE = re.compile(r"^\s*([A-Za-z0-9_.]+)\s*=\s*(-?[0-9.eE+-]+)\s*:\s*(-?[0-9.eE+-]+)\s*$")


class SensitivityError(ValueError):
    """A parameter range or method that cannot be sampled."""


@dataclass(frozen=True)
class Parameter:
    """One scenario path and the range it is sampled over."""

    path: str
    low: float
    high: float
    whole: bool  # sampled as whole numbers

    def bounds(self, method: str) -> list[float]:
        """The range SALib samples: for whole numbers under Sobol, widened by half a step on each
        side so that every whole number gets an equal share; Morris samples its levels as given."""
        if self.whole and method == "sobol":
            return [self.low - 0.5, self.high + 0.5]
        return [self.low, self.high]

    def value(self, sampled: float) -> float | int:
        """A sampled value as the scenario receives it: whole numbers rounded half up, kept in range."""
        if self.whole:
            return int(min(max(math.floor(sampled + 0.5), self.low), self.high))
        return float(sampled)

    def setting(self, sampled: float) -> str:
        return f"{self.path}={self.value(sampled)!r}"

    def __str__(self) -> str:
        """As given: path=low:high."""
        return f"{self.path}={self.value(self.low)!r}:{self.value(self.high)!r}"


def _check_ends(scenario: str | Path, parameters: Sequence[Parameter], overrides: Sequence[str]) -> None:
    """Refuse a range with an end its field does not take, naming the range as given: found
    among the samples, the error would name a sampled value (flee_rate=4.253076750443317)."""
    ends = {f"--set {p.setting(value)}": (p, end) for p in parameters
            for end, value in (("low", p.low), ("high", p.high))}
    try:  # one plan of every end: the scenario file is read once
        make_plan([Variant(f"{p.path} {end}", str(scenario), (*overrides, origin.removeprefix("--set ")))
                   for origin, (p, end) in ends.items()], 1)
    except ScenarioError as exc:
        mine = [q for q in exc.problems if q.file in ends]
        if not mine:  # the scenario itself, or another override: its own error
            raise
        p, end = ends[mine[0].file]
        raise SensitivityError(f"--param {p}: the {end} end is refused: {mine[0].message}") from None


def parse_parameter(text: str) -> Parameter:
    """``path=lo:hi`` as a Parameter."""
    match = _RANGE.match(text)
    if not match:
        raise SensitivityError(f"--param {text!r}: expected dotted.path=low:high, e.g. "
                               "parameters.movement.camp_weight=0.5:4")
    path, low, high = match.group(1), match.group(2), match.group(3)
    try:
        lo, hi = float(low), float(high)
    except ValueError:
        raise SensitivityError(f"--param {text!r}: low and high must be numbers") from None
    if not lo < hi:
        raise SensitivityError(f"--param {text!r}: low ({low}) must be below high ({high})")
    whole = all(re.fullmatch(r"-?\d+", v) for v in (low, high))
    return Parameter(path, lo, hi, whole)


@dataclass
class SensitivityResult:
    """Indices (one row per metric and parameter), the samples, and the ensemble behind them."""

    indices: pd.DataFrame
    samples: pd.DataFrame
    ensemble: EnsembleResult


@dataclass(frozen=True)
class SensitivityPlan:
    """A sensitivity analysis ready to run: SALib's samples and the ensemble plan that runs them
    (one variant per sample)."""

    parameters: tuple[Parameter, ...]
    method: str
    x: np.ndarray  # SALib's sample matrix [samples, parameters]
    seed: int  # SALib's sampling and bootstrap seed
    plan: Plan
    scenarios: list[Scenario]

    def result(self, ensemble: EnsembleResult, out: Path | None = None) -> SensitivityResult:
        """The indices of every metric from the finished ``ensemble`` (and sensitivity.csv and
        samples.csv written to ``out``, when given)."""
        means = ensemble.metrics.groupby(["variant", "metric"], sort=False, observed=True)["value"].mean()
        order = [v.name for v in self.plan.variants]
        indices = pd.concat([analyse(self.parameters, self.method, self.x,
                                     means.xs(metric, level="metric").reindex(order).to_numpy(), self.seed)
                             .assign(metric=metric) for metric in self.plan.metrics], ignore_index=True)
        indices = indices[["metric", *[c for c in indices.columns if c != "metric"]]]
        table = pd.DataFrame({p.path: [p.value(v) for v in self.x[:, k]]
                              for k, p in enumerate(self.parameters)})
        table.insert(0, "variant", order)
        if out is not None:
            indices.to_csv(Path(out) / "sensitivity.csv", index=False)
            table.to_csv(Path(out) / "samples.csv", index=False)
        return SensitivityResult(indices, table, ensemble)


def sample(parameters: Sequence[Parameter], method: str, samples: int, seed: int) -> np.ndarray:
    """SALib's sample matrix [runs, parameters]."""
    problem = _problem(parameters, method)
    if method == "sobol":
        with warnings.catch_warnings():  # said once, in allysim's words, by plan_sensitivity
            warnings.filterwarnings("ignore", "The balance properties of Sobol' points", UserWarning)
            return sobol_sample.sample(problem, samples, calc_second_order=False, seed=seed)
    if method == "morris":
        return morris_sample.sample(problem, samples, num_levels=4, seed=seed)
    raise SensitivityError(f"--method {method!r}: expected one of {', '.join(METHODS)}")


def _problem(parameters: Sequence[Parameter], method: str) -> dict:
    return {"num_vars": len(parameters), "names": [p.path for p in parameters],
            "bounds": [p.bounds(method) for p in parameters]}


def analyse(parameters: Sequence[Parameter], method: str, x: np.ndarray, y: np.ndarray,
            seed: int) -> pd.DataFrame:
    """Indices of one metric's values ``y`` (one per sample row of ``x``)."""
    problem = _problem(parameters, method)
    names = [p.path for p in parameters]
    with np.errstate(invalid="ignore", divide="ignore"):  # a metric that never varies: NaN indices
        return _indices(problem, names, method, x, y, seed)


def _indices(problem: dict, names: list[str], method: str, x: np.ndarray, y: np.ndarray,
             seed: int) -> pd.DataFrame:
    if method == "sobol":  # (SALib's Sobol analysis seeds its bootstrap only with a truthy seed: not 0)
        s = sobol_analyze.analyze(problem, y, calc_second_order=False, conf_level=0.95,
                                  seed=np.random.default_rng(seed))
        return pd.DataFrame({"parameter": names, "S1": s["S1"], "S1_conf": s["S1_conf"],
                             "ST": s["ST"], "ST_conf": s["ST_conf"]})
    s = morris_analyze.analyze(problem, x, y, conf_level=0.95, num_levels=4, seed=seed)
    return pd.DataFrame({"parameter": names, "mu_star": s["mu_star"], "mu_star_conf": s["mu_star_conf"],
                         "mu": s["mu"], "sigma": s["sigma"]})


def plan_sensitivity(scenario: str | Path, params: Sequence[str], *, method: str = "sobol",
                     samples: int = 32, replicates: int = 1, seed: int | None = None,
                     metrics: Sequence[str] = (), overrides: Sequence[str] = ()) -> SensitivityPlan:
    """Check the ranges, draw SALib's samples and plan one variant per sample on common seeds;
    nothing runs yet. Warns when a Sobol ``samples`` is not a power of 2."""
    if method not in METHODS:
        raise SensitivityError(f"method {method!r}: expected one of {', '.join(METHODS)}")
    if not params:
        raise SensitivityError("name at least one --param dotted.path=low:high")
    parameters = tuple(parse_parameter(p) for p in as_items(params))
    overrides = as_items(overrides)
    repeated = given_twice([p.path for p in parameters])
    if repeated:
        raise SensitivityError(f"--param {repeated[0]} is given more than once; give each field one "
                               "range")
    if problem := not_whole("samples", samples):
        raise SensitivityError(problem)
    if samples < 1:
        raise SensitivityError(f"samples {samples}: expected 1 or more")
    per_sample = len(parameters) + (2 if method == "sobol" else 1)  # runs SALib makes of each of N
    check_size(samples * per_sample, replicates, f"--samples {samples} (x {per_sample} runs each)")
    _check_ends(scenario, parameters, overrides)
    n = int(samples)
    if method == "sobol" and n & (n - 1):
        below = 1 << (n.bit_length() - 1)
        warnings.warn(f"--samples {n} is not a power of 2 (try {below} or {2 * below}): Sobol' samples are "
                      "evenly spread only for powers of 2, so the indices are less accurate", stacklevel=2)
    salib_seed = 0 if seed is None else seed
    x = sample(parameters, method, n, salib_seed)
    variants = [Variant(f"sample {i}", str(scenario), (*overrides, *(p.setting(v) for p, v in zip(
        parameters, row, strict=True)))) for i, row in enumerate(x)]
    plan, scenarios = make_plan(variants, replicates, seed, metrics, tables=())
    return SensitivityPlan(parameters, method, x, salib_seed, plan, scenarios)


def sensitivity(scenario: str | Path, params: Sequence[str], *, method: str = "sobol",
                samples: int = 32, replicates: int = 1, seed: int | None = None,
                metrics: Sequence[str] = (), overrides: Sequence[str] = (), jobs: int | None = None,
                scheduler: str | None = None, out: str | Path | None = None, resume: bool = False,
                force: bool = False, command: str = "sim.experiments.sensitivity") -> SensitivityResult:
    """Sample the parameter ranges, run every sample, and compute the indices of each metric
    (the Python API of ``allysim sensitivity``)."""
    planned = plan_sensitivity(scenario, params, method=method, samples=samples, replicates=replicates,
                               seed=seed, metrics=metrics, overrides=overrides)
    out = Path(out) if out is not None else None
    with executor(jobs, scheduler) as pool:
        result = run_plan(planned.plan, planned.scenarios, pool, out, resume=resume, force=force,
                          command=command)
    return planned.result(result, out)
