"""Paired comparisons: a baseline and a variant on the same seeds, each metric's difference with
its 95% interval (paired, and unpaired beside it to show what pairing buys).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from sim.experiments.defaults import not_whole
from sim.experiments.ensembles import EnsembleError, EnsembleResult, Variant, make_plan, run_plan
from sim.experiments.executors import executor
from sim.experiments.stats import paired_difference
from sim.scenario.loading import as_items

BASELINE, VARIANT = "baseline", "variant"
COMPARE_TABLES = ("states",)


@dataclass
class CompareResult:
    """The comparison table (one row per metric) and the two-arm ensemble it was computed from."""

    table: pd.DataFrame
    ensemble: EnsembleResult


def arms(base: str | Path, variant: str | Path | None = None,
         overrides: Sequence[str] = ()) -> tuple[Variant, Variant]:
    """The baseline (``base`` as it is) and the variant (``variant``, else ``base``, with the
    overrides)."""
    if variant is None and not overrides:
        raise ValueError("a comparison needs a variant: a second scenario file or --set overrides")
    return Variant(BASELINE, str(base)), Variant(VARIANT, str(variant or base), as_items(overrides))


def comparison_table(metrics: pd.DataFrame) -> pd.DataFrame:
    """One row per metric: means, paired difference with its 95% interval, the unpaired interval
    and the pairing gain (unpaired width over paired width)."""
    rows = []
    wide = metrics.pivot_table(index=["metric", "replicate"], columns="variant", values="value",
                               aggfunc="first", observed=True, dropna=False)
    for metric in dict.fromkeys(metrics["metric"]):
        pairs = wide.loc[metric]
        d = paired_difference(pairs[BASELINE].to_numpy(), pairs[VARIANT].to_numpy())
        rows.append({"metric": metric, **asdict(d), "pairing_gain": d.pairing_gain})
    return pd.DataFrame(rows)


def compare(base: str | Path, variant: str | Path | None = None, *, overrides: Sequence[str] = (),
            replicates: int = 20, seed: int | None = None, metrics: Sequence[str] = (),
            jobs: int | None = None, scheduler: str | None = None, out: str | Path | None = None,
            resume: bool = False, force: bool = False, command: str = "sim.experiments.compare"
            ) -> CompareResult:
    """Run both arms on common seeds and compare them (the Python API of ``allysim compare``)."""
    if problem := not_whole("replicates", replicates):
        raise EnsembleError(problem)
    if replicates < 2:  # the CLI's bound: one pair has no spread, so no interval
        raise EnsembleError(f"replicates {replicates}: a comparison needs 2 or more pairs for an interval")
    plan, scenarios = make_plan(arms(base, variant, overrides), replicates, seed, metrics, COMPARE_TABLES)
    with executor(jobs, scheduler) as pool:
        result = run_plan(plan, scenarios, pool, Path(out) if out is not None else None, resume, force,
                          command=command)
    table = comparison_table(result.metrics)
    if out is not None:
        table.to_csv(Path(out) / "compare.csv", index=False)
    return CompareResult(table, result)
