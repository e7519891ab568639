"""One replicate: a scenario variant run with one seed, reduced to Parquet tables and metrics.

This is the unit of work every executor runs, in whatever process or machine: it takes a
loaded scenario (no file access needed) and returns bytes and numbers, so the caller writes
every file itself.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.experiments.metrics import Outcome, parse_metric
from sim.model import DisplacementModel
from sim.scenario import Scenario


@dataclass(frozen=True)
class Task:
    """Which replicate: variant index, replicate index and the seed it runs with."""

    variant: int
    replicate: int
    seed: int

    @property
    def key(self) -> str:
        return f"v{self.variant:03d}-r{self.replicate:05d}"


@dataclass
class Result:
    """A finished replicate: Parquet bytes per table (metrics included) and the metric values."""

    task: Task
    parquet: dict[str, bytes]
    metrics: dict[str, float]
    wall_seconds: float


def to_parquet(df: pd.DataFrame) -> bytes:
    """A table as Parquet bytes (categoricals kept as dictionary columns; no index)."""
    sink = io.BytesIO()
    pq.write_table(pa.Table.from_pandas(df, preserve_index=False), sink, compression="zstd")
    return sink.getvalue()


def run_replicate(scenario: Scenario, task: Task, metrics: tuple[str, ...], tables: tuple[str, ...],
                  variant_name: str) -> Result:
    """Run ``scenario`` with the task's seed; keep ``tables`` and compute ``metrics``."""
    t0 = time.perf_counter()
    model = DisplacementModel(scenario, rng=task.seed)
    while model.running:
        model.step()
    built = model.recorder.tables()
    outcome = Outcome(built, scenario.start_date, scenario.days)
    values = {label: parse_metric(label, scenario).value(outcome) for label in metrics}
    parquet = {name: to_parquet(_tagged(built[name], variant_name, task)) for name in tables}
    long = pd.DataFrame({"metric": list(values), "value": list(values.values())})
    parquet["metrics"] = to_parquet(_tagged(long, variant_name, task))
    return Result(task, parquet, values, time.perf_counter() - t0)


def _tagged(df: pd.DataFrame, variant: str, task: Task) -> pd.DataFrame:
    """The table with ``variant``, ``replicate`` and ``seed`` columns in front."""
    tag = pd.DataFrame({"variant": pd.Categorical([variant] * len(df)),
                        "replicate": task.replicate, "seed": task.seed}, index=df.index)
    return pd.concat([tag, df], axis=1)
