"""The claims harness: every article claim as a paired comparison, with its effect and a verdict.

Each claim file (sim/scenario/claims.py) names a baseline and a variant. Both arms run on the
same seeds (common random numbers); for each metric the claim speaks about, the harness takes
the mean paired difference (variant - baseline) and its 95% interval, and decides:

* **supported**: the interval excludes zero on the side the claim expects, and the mean
  difference is at least the claim's smallest effect of interest;
* **contradicted**: the interval excludes zero on the other side;
* **inconclusive**: otherwise (the interval straddles zero, or the effect is real but smaller
  than what would matter to a planner); ``reason`` says which.

The verdict is what the model says; the claim file records the last one so that ``--check``
notices a change.
"""

from __future__ import annotations

import difflib
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sim.experiments.comparisons import BASELINE, VARIANT, comparison_table
from sim.experiments.defaults import CLAIMS_FOLDER, DEFAULT_REPLICATES
from sim.experiments.ensembles import EnsembleResult, Plan, Variant, make_plan, run_plan
from sim.experiments.executors import executor
from sim.experiments.metrics import MetricError
from sim.scenario import Scenario
from sim.scenario.claims import Claim, read_claim
from sim.scenario.errors import ScenarioError

CLAIM_COLUMNS = ["claim", "text", "source", "metric", "baseline_mean", "variant_mean", "difference",
                 "ci_low", "ci_high", "expected", "smallest_effect", "verdict", "recorded", "reason",
                 "replicates", "seconds"]


def verdict(low: float, high: float, difference: float, expect: str, smallest: float) -> tuple[str, str]:
    """The verdict on one metric and the reason for it (see the module's docstring)."""
    sign = -1.0 if expect == "decrease" else 1.0
    near, far = sorted((sign * low, sign * high))  # the interval, with the expected side positive
    if not (near == near and far == far):  # NaN: an arm without a value
        return "inconclusive", "no value in some replicates"
    if near > 0:
        if sign * difference >= smallest:
            return "supported", "the interval excludes zero on the expected side and the effect " \
                                "reaches the smallest of interest"
        return "inconclusive", "a real effect in the expected direction, smaller than the smallest " \
                               "of interest"
    if far < 0:
        return "contradicted", "the interval excludes zero on the other side"
    return "inconclusive", "the interval includes zero"


def claim_files(folder: str | Path = CLAIMS_FOLDER) -> list[Path]:
    """Every claim file in ``folder``, by name."""
    return sorted(Path(folder).glob("*.yaml"))


def read_claims(folder: str | Path = CLAIMS_FOLDER, names: Sequence[str] = ()) -> list[Claim]:
    """The claims of ``folder`` (only ``names``, in that order, if given), every file validated:
    ScenarioError listing every problem in every file, or an unknown name with a suggestion."""
    files = {p.stem: p for p in claim_files(folder)}
    unknown = [n for n in names if n not in files]
    if unknown:
        hints = [f"{n!r}" + (f" (did you mean {close[0]!r}?)" if (close := difflib.get_close_matches(
            n, files, n=1)) else "") for n in unknown]
        raise ValueError(f"no claim {', '.join(hints)} in {folder}")
    claims, problems = [], []
    for name in names or list(files):
        try:
            claims.append(read_claim(files[name]))
        except ScenarioError as exc:
            problems += exc.problems
    if problems:
        raise ScenarioError(problems)
    if not claims:
        raise ValueError(f"no claim files (*.yaml) in {folder}")
    return claims


@dataclass
class ClaimsResult:
    """``table`` (CLAIM_COLUMNS, one row per claim and metric) and each claim's two-arm ensemble."""

    table: pd.DataFrame
    ensembles: dict[str, EnsembleResult] = field(default_factory=dict)
    claims: dict[str, Claim] = field(default_factory=dict)

    def changed(self) -> pd.DataFrame:
        """Rows whose verdict differs from the one recorded in the claim file (or none recorded)."""
        return self.table[self.table["verdict"] != self.table["recorded"]]


def _arms(claim: Claim) -> tuple[Variant, Variant]:
    s = claim.spec
    return (Variant(BASELINE, str(claim.scenario), tuple(s.baseline)),
            Variant(VARIANT, str(claim.variant_scenario), tuple(s.variant)))


def _plan(claim: Claim, replicates: int, seed: int | None) -> tuple[Plan, list[Scenario]]:
    try:
        return make_plan(_arms(claim), replicates, seed, [e.metric for e in claim.spec.metrics],
                         ("states",))
    except MetricError as exc:
        bad = next((i for i, e in enumerate(claim.spec.metrics) if e.metric in str(exc)), 0)
        raise claim.problem(["metrics", bad, "metric"], str(exc)) from None


def run_claim(claim: Claim, plan: Plan, scenarios: list[Scenario],
              pool: Executor) -> tuple[pd.DataFrame, EnsembleResult]:
    """One claim's rows of the table and its ensemble (both arms, states table kept)."""
    t0 = time.perf_counter()
    result = run_plan(plan, scenarios, pool)
    compared = comparison_table(result.metrics)
    seconds = time.perf_counter() - t0
    s = claim.spec
    rows = []
    for expectation, row in zip(s.metrics, compared.itertuples(), strict=True):
        said, reason = verdict(row.ci_low, row.ci_high, row.difference, expectation.expect,
                               expectation.smallest_effect)
        rows.append({"claim": claim.name, "text": s.text,
                     "source": f"{s.source.article}, {s.source.section}", "metric": row.metric,
                     "baseline_mean": row.baseline_mean, "variant_mean": row.variant_mean,
                     "difference": row.difference, "ci_low": row.ci_low, "ci_high": row.ci_high,
                     "expected": expectation.expect, "smallest_effect": expectation.smallest_effect,
                     "verdict": said, "recorded": expectation.verdict or "", "reason": reason,
                     "replicates": len(plan.seeds), "seconds": round(seconds, 1)})
    return pd.DataFrame(rows, columns=CLAIM_COLUMNS), result


def claims(names: Sequence[str] = (), *, folder: str | Path = CLAIMS_FOLDER,
           replicates: int = DEFAULT_REPLICATES, seed: int | None = None, jobs: int | None = None,
           scheduler: str | None = None,
           on_claim: Callable[[Claim, pd.DataFrame], None] | None = None) -> ClaimsResult:
    """Run every claim of ``folder`` (or the named ones) and return the verdict table (the Python
    API of ``allysim claims``). Every claim file and metric is checked before anything runs."""
    chosen = read_claims(folder, names)
    plans, problems = {}, []
    for claim in chosen:  # every arm's scenario, override and metric checked before any run
        try:
            plans[claim.name] = _plan(claim, replicates, seed)
        except ScenarioError as exc:
            problems += exc.problems
    if problems:
        raise ScenarioError(problems)
    tables, ensembles = [], {}
    with executor(jobs, scheduler) as pool:
        for claim in chosen:
            rows, result = run_claim(claim, *plans[claim.name], pool)
            tables.append(rows)
            ensembles[claim.name] = result
            if on_claim is not None:
                on_claim(claim, rows)
    return ClaimsResult(pd.concat(tables, ignore_index=True), ensembles, {c.name: c for c in chosen})
