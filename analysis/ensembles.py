"""Load an ensemble directory (``allysim ensemble``, ``compare``, ``sensitivity``) into typed
DataFrames (the metrics of every replicate, their summary, and the run tables it kept), and
reduce a kept series to its median and 90% band over the replicates."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.loading import DTYPES, OutputFileError, read_manifest, read_table
from sim.outputs import ENSEMBLE

TAGS = {"variant": "string", "replicate": "int64", "seed": "int64"}


@dataclass(frozen=True)
class Ensemble:
    """One ensemble directory: ``metrics`` (variant, replicate, seed, metric, value), ``summary``
    (per variant and metric: n, mean, median, q05, q95), the kept run tables by name (each with
    variant, replicate and seed columns), and extra result tables (``compare.csv``,
    ``sensitivity.csv``, ``samples.csv``) when the directory has them."""

    path: Path
    manifest: dict[str, Any]
    metrics: pd.DataFrame
    summary: pd.DataFrame
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    results: dict[str, pd.DataFrame] = field(default_factory=dict)


def load_ensemble(path: str | Path) -> Ensemble:
    """Read an ensemble directory with documented dtypes and parsed dates."""
    path = Path(path)
    manifest = read_manifest(path) if (path / "manifest.json").is_file() else {}
    if manifest.get("kind") != ENSEMBLE:
        raise FileNotFoundError(f"{path} is not an allysim ensemble directory (no ensemble manifest.json)")
    if manifest.get("status") != "completed":
        raise FileNotFoundError(f"{path}: the ensemble did not finish (status {manifest.get('status')!r}); "
                                "finish it with --resume")
    metrics_file, summary_file = path / "metrics.parquet", path / "metrics_summary.csv"
    metrics = read_table(metrics_file, {**TAGS, "metric": "string", "value": "float64"},
                         lambda: pd.read_parquet(metrics_file))
    summary = read_table(summary_file, {"variant": "string", "metric": "string"},
                         lambda: pd.read_csv(summary_file, dtype={"variant": "string", "metric": "string"}))
    tables = {}
    for name in manifest.get("tables", []):
        if name not in DTYPES:
            raise OutputFileError(f"{path / 'manifest.json'}: tables: unknown table {name!r}")
        file = path / f"{name}.parquet"
        tables[name] = read_table(file, {**TAGS, **DTYPES[name]}, lambda file=file: pd.read_parquet(file))
    results = {f.stem: pd.read_csv(f) for f in sorted(path.glob("*.csv")) if f.stem != "metrics_summary"}
    return Ensemble(path, manifest, metrics, summary, tables, results)


BAND = (0.05, 0.5, 0.95)


def series_bands(states: pd.DataFrame, column: str, state: str | None = None) -> pd.DataFrame:
    """One column of the states table (``refugees_hosted``, ``idps``, ``returnees``, ...) over
    time in each variant: summed over every state (or for one ``state``) in each replicate, then
    the median and the 90% band (5th to 95th percentile, linear interpolation, as in
    metrics_summary.csv) over the replicates of each day.

    Returns ``variant, date, replicates, median, q05, q95``, variants in the order they first
    appear, dates in order."""
    if column not in states.columns:
        raise ValueError(f"no column {column!r} in the states table; expected one of "
                         f"{', '.join(c for c in states.columns if c not in TAGS)}")
    rows = states
    if state is not None:
        rows = states[states["state"] == state]
        if rows.empty:
            raise ValueError(f"no state {state!r} in the states table; expected one of "
                             f"{', '.join(sorted(states['state'].unique()))}")
    per_run = rows.groupby(["variant", "date", "replicate"], observed=True)[column].sum()
    per_day = per_run.groupby(level=["variant", "date"], observed=True)
    out = per_day.quantile(list(BAND)).unstack()
    out.columns = ["q05", "median", "q95"]
    out.insert(0, "replicates", per_day.size())
    order = {v: i for i, v in enumerate(dict.fromkeys(states["variant"]))}
    out = out.reset_index()
    out = out.sort_values(["variant", "date"], key=lambda c: c.map(order) if c.name == "variant" else c,
                          kind="stable", ignore_index=True)
    return out[["variant", "date", "replicates", "median", "q05", "q95"]]
