"""Ensembles: replicates times a grid of variants, run through any executor, streamed to disk.

A ``Plan`` lists the variants (a scenario file plus ``--set`` overrides each; a sweep makes one
variant per value, several sweeps their product) and the seeds: replicate *i* runs with seed
``first_seed + i`` in every variant, so variants are compared on common random numbers and any
replicate reproduces alone with ``allysim run SCENARIO --seed SEED --set ...``.

An ensemble directory holds, as soon as each replicate finishes, ``replicates/<key>/*.parquet``
(written whole or not at all); at the end the combined tables (``metrics.parquet`` and the kept
run tables, each with ``variant``, ``replicate`` and ``seed`` columns), ``metrics_summary.csv``
(each metric's median and 90% interval per variant) and ``manifest.json``. A killed ensemble rerun
with ``resume`` skips the finished replicates and ends with the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import itertools
import json
import math
import os
import shutil
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.experiments.defaults import DEFAULT_TABLES, not_whole, size_problem
from sim.experiments.executors import executor
from sim.experiments.metrics import DEFAULT_METRICS, parse_metric
from sim.experiments.replicate import Result, Task, run_replicate
from sim.loading import load_scenario
from sim.outputs import (
    ENSEMBLE,
    RUN_TABLES,
    allysim_version,
    manifest_kind,
    manifest_of,
    package_version,
    remove_leftovers,
)
from sim.scenario import Scenario
from sim.scenario.fields import MAX_SEED
from sim.scenario.loading import as_items, set_values, with_overrides


class EnsembleError(ValueError):
    """An ensemble that cannot start: bad sweep, unknown table, a directory in the way."""


@dataclass(frozen=True)
class Variant:
    """One arm of an ensemble: a scenario file and the overrides applied to it."""

    name: str
    scenario: str
    overrides: tuple[str, ...] = ()


@dataclass(frozen=True)
class Plan:
    """Everything that decides an ensemble's outputs (its fingerprint guards ``resume``)."""

    variants: tuple[Variant, ...]
    seeds: tuple[int, ...]
    metrics: tuple[str, ...]
    tables: tuple[str, ...]

    def tasks(self) -> list[Task]:
        return [Task(v, r, seed) for v in range(len(self.variants)) for r, seed in enumerate(self.seeds)]

    def fingerprint(self) -> str:
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()


def split_values(text: str) -> list[str]:
    """``a,b,c`` -> [a, b, c], leaving commas inside brackets or braces alone ({x: 1, y: 2})."""
    out, depth, current = [], 0, ""
    for ch in text:
        depth += ch in "[{"
        depth -= ch in "]}"
        if ch == "," and depth == 0:
            out.append(current.strip())
            current = ""
        else:
            current += ch
    out.append(current.strip())
    return out


def variants_of(scenario: str | Path, overrides: Sequence[str] = (),
                sweeps: Sequence[str] = ()) -> tuple[Variant, ...]:
    """The variants of one scenario: the product of every ``path=a,b,c`` sweep, each with the
    common overrides first; a single variant named ``baseline`` without sweeps."""
    overrides = as_items(overrides)
    axes, swept = [], set()
    for sweep in as_items(sweeps):
        path, sep, values = sweep.partition("=")
        path, values = path.strip(), split_values(values)
        if not sep or not path or values == [""]:
            raise EnsembleError(f"--sweep {sweep!r}: expected dotted.path=a,b,c")
        if "" in values:  # "1,,2" or "1,2,": a value left out by mistake, not one to skip
            raise EnsembleError(f"--sweep {sweep!r}: value {values.index('') + 1} of {len(values)} is "
                                "empty; expected a value between every two commas (dotted.path=a,b,c)")
        # Variants are told apart by name in every table: two alike would be mixed up there.
        repeated = given_twice(values)
        if repeated:
            raise EnsembleError(f"--sweep {sweep!r}: {', '.join(repeated)} given more than once")
        if path in swept:
            raise EnsembleError(f"--sweep {sweep!r}: {path} is swept twice; give all its values in one "
                                "--sweep")
        swept.add(path)
        axes.append([f"{path}={v}" for v in values])
    if not axes:
        return (Variant("baseline", str(scenario), tuple(overrides)),)
    check_size(math.prod(len(axis) for axis in axes), 1, "the --sweep grid")
    return tuple(Variant(", ".join(combo), str(scenario), (*overrides, *combo))
                 for combo in itertools.product(*axes))


def given_twice(items: Sequence[str]) -> list[str]:
    """The items that occur more than once, sorted (in one pass: a sweep may have 100,000 values)."""
    return sorted(item for item, n in Counter(items).items() if n > 1)


def check_size(variants: int, replicates: int, what: str = "the experiment") -> None:
    """Refuse an experiment larger than one may plan (sim/experiments/defaults.py), before any of
    it is built."""
    problem = size_problem(variants, replicates, what)
    if problem:
        raise EnsembleError(problem)


def make_plan(variants: Sequence[Variant], replicates: int, seed: int | None = None,
              metrics: Sequence[str] = (), tables: Sequence[str] = DEFAULT_TABLES,
              allow_outside: bool = False) -> tuple[Plan, list[Scenario]]:
    """A plan and every variant's scenario, loaded and checked (metrics included) before any run.

    Seeds start at ``seed`` (default: the first variant's scenario seed). ``allow_outside`` lets
    scenario files name files outside their folder.
    """
    check_size(len(variants), replicates)
    metrics, tables = as_items(metrics), as_items(tables)
    if seed is not None and (problem := not_whole("seed", seed)):
        raise EnsembleError(problem)
    if seed is not None and not 0 <= seed <= MAX_SEED:
        raise EnsembleError(f"seed {seed}: expected 0 to 2^62 ({MAX_SEED:,})")
    # A seed set by one variant alone would be silently replaced by the plan's seeds.
    if len({set_values(v.overrides, "seed") for v in variants}) > 1:
        raise EnsembleError("seed: every variant runs on the experiment's seeds (replicate i with seed S+i, "
                            "S from --seed), so a variant cannot set its own; pass --seed S instead")
    unknown = sorted(set(tables) - set(RUN_TABLES))
    if unknown:
        raise EnsembleError(f"unknown table(s) {', '.join(unknown)}; "
                            f"expected some of {', '.join(RUN_TABLES)}")
    bases: dict[str, Scenario] = {}
    scenarios = [_variant_scenario(v, bases, allow_outside) for v in variants]
    labels = tuple(metrics) or DEFAULT_METRICS
    for spec in scenarios:
        labels = tuple(parse_metric(label, spec).label for label in labels)
    first = scenarios[0].seed if seed is None else seed
    plan = Plan(tuple(variants), tuple(range(first, first + replicates)), labels, tuple(tables))
    return plan, scenarios


FILE_INPUTS = ("world.flee", "world.locations_csv", "world.routes_csv", "observed.csv",
               "observed.total_csv")


def _variant_scenario(variant: Variant, bases: dict[str, Scenario], allow_outside: bool) -> Scenario:
    """A variant's scenario: its file loaded once, then its overrides applied in memory (an
    override naming another input file reloads the file, so that file is read)."""
    if any(o.strip().startswith(FILE_INPUTS) for o in variant.overrides):
        return load_scenario(variant.scenario, variant.overrides, allow_outside=allow_outside)
    if variant.scenario not in bases:
        bases[variant.scenario] = load_scenario(variant.scenario, allow_outside=allow_outside)
    return with_overrides(bases[variant.scenario], variant.overrides, origin=variant.scenario)


@dataclass
class EnsembleResult:
    """An ensemble's tables: ``metrics`` (variant, replicate, seed, metric, value), ``summary``
    (per variant and metric: n, mean, median, q05, q95) and the kept run tables by name."""

    plan: Plan
    metrics: pd.DataFrame
    summary: pd.DataFrame
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    directory: Path | None = None
    wall_seconds: float = 0.0


def summarise(metrics: pd.DataFrame) -> pd.DataFrame:
    """Each metric's mean, median and 90% interval (5th to 95th percentile) per variant."""
    def stats(values: pd.Series) -> pd.Series:
        v = values.to_numpy(dtype=float)
        v = v[~np.isnan(v)]
        q = np.quantile(v, [0.05, 0.5, 0.95]) if len(v) else [np.nan] * 3
        return pd.Series({"n": len(v), "mean": v.mean() if len(v) else np.nan,
                          "median": q[1], "q05": q[0], "q95": q[2]})

    grouped = metrics.groupby(["variant", "metric"], sort=False, observed=True)["value"]
    out = grouped.apply(stats).unstack().reset_index()
    out["n"] = out["n"].astype(int)
    return out[["variant", "metric", "n", "mean", "median", "q05", "q95"]]


# -- running -----------------------------------------------------------------------------------


def run_plan(plan: Plan, scenarios: Sequence[Scenario], pool: Executor, out: Path | None = None,
             resume: bool = False, force: bool = False, command: str = "",
             on_done: Callable[[int, int], None] | None = None) -> EnsembleResult:
    """Run every replicate of ``plan`` on ``pool``; write to ``out`` as each finishes (or keep
    everything in memory). ``on_done(finished, total)`` reports progress."""
    started = dt.datetime.now(dt.UTC)
    t0 = time.perf_counter()
    tasks = plan.tasks()
    parts: dict[str, dict[str, bytes]] = {}
    if out is not None:
        _prepare_directory(out, plan, resume, force)
        _write_manifest(out, plan, command, started, status="running")
    todo = [t for t in tasks if out is None or not _kept(out / "replicates" / t.key, plan)]
    done = len(tasks) - len(todo)
    if on_done is not None:
        on_done(done, len(tasks))
    futures = [pool.submit(run_replicate, scenarios[t.variant], t, plan.metrics, plan.tables,
                           plan.variants[t.variant].name) for t in todo]
    try:
        for future in as_completed(futures):
            try:
                result: Result = future.result()
            except SystemExit:  # a local worker stopped by Ctrl-C (executors.stop_on_interrupt)
                raise KeyboardInterrupt from None
            if out is None:
                parts[result.task.key] = result.parquet
            else:
                _write_part(out, result)
            done += 1
            if on_done is not None:
                on_done(done, len(tasks))
    except BaseException:  # a failed replicate (or Ctrl-C): do not wait for the queued ones
        for future in futures:
            future.cancel()
        raise
    if out is not None:
        parts = {t.key: _read_part(out, t.key) for t in tasks}
    combined = {name: _combine([parts[t.key][name] for t in tasks]) for name in ("metrics", *plan.tables)}
    if out is not None:
        for name, data in combined.items():
            (out / f"{name}.parquet").write_bytes(data)
    tables = {name: _with_dates(pq.read_table(io.BytesIO(data)).to_pandas())
              for name, data in combined.items()}
    metrics = tables.pop("metrics")
    summary = summarise(metrics)
    wall = time.perf_counter() - t0
    if out is not None:
        summary.to_csv(out / "metrics_summary.csv", index=False)
        _write_manifest(out, plan, command, started, status="completed", wall=wall)
    return EnsembleResult(plan, metrics, summary, tables, out, wall)


def _with_dates(df: pd.DataFrame) -> pd.DataFrame:
    if "date" in df.columns:
        df["date"] = pd.to_datetime(df["date"], format="%Y-%m-%d")
    return df


def _combine(parts: list[bytes]) -> bytes:
    """Parts in plan order as one Parquet file (dictionary columns unified to plain strings)."""
    tables = [pq.read_table(io.BytesIO(p)) for p in parts]
    tables = [t.cast(pa.schema([pa.field(f.name, pa.string()) if pa.types.is_dictionary(f.type) else f
                                for f in t.schema]).with_metadata(None)) for t in tables]
    sink = io.BytesIO()
    pq.write_table(pa.concat_tables(tables, promote_options="permissive"), sink, compression="zstd")
    return sink.getvalue()


def _prepare_directory(out: Path, plan: Plan, resume: bool, force: bool) -> None:
    if not out.exists():
        _nothing_to_resume(out, resume)
        (out / "replicates").mkdir(parents=True)
        return
    remove_leftovers(out / "replicates")
    previous = manifest_of(out)
    if manifest_kind(previous) != ENSEMBLE:  # (an unreadable manifest.json included: nothing is touched)
        if any(out.iterdir()):
            raise EnsembleError(f"{out} exists and is not an ensemble directory (no readable ensemble "
                                "manifest.json); choose another -o")
        _nothing_to_resume(out, resume)
        (out / "replicates").mkdir()
        return
    if resume:
        if previous.get("plan_sha256") != plan.fingerprint():
            raise EnsembleError(f"{out} holds a different ensemble (other variants, seeds, metrics or "
                                "tables); resume it with the command in its manifest.json")
        edited = [v["scenario"] for v in previous.get("variants", [])
                  if v.get("scenario_sha256") != _sha256(Path(v["scenario"]))]
        if edited:
            raise EnsembleError(f"{', '.join(sorted(set(edited)))} changed since the ensemble in {out} "
                                "started; resuming would mix two versions of the scenario")
        return
    if not force:
        raise EnsembleError(f"{out} already holds an ensemble; pass --resume to finish it, or --force "
                            "to replace it")
    shutil.rmtree(out)
    (out / "replicates").mkdir(parents=True)


def _nothing_to_resume(out: Path, resume: bool) -> None:
    """Say so when --resume finds no ensemble in ``out``: a mistyped -o, most likely, and the
    whole experiment is about to run again."""
    if resume:
        warnings.warn(f"--resume: {out} holds no ensemble, so nothing is resumed; the experiment starts "
                      "there from the beginning", stacklevel=2)


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _write_part(out: Path, result: Result) -> None:
    """One replicate's files, renamed into place only when all are written."""
    final = out / "replicates" / result.task.key
    tmp = out / "replicates" / f".{result.task.key}.partial-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    for name, data in result.parquet.items():
        (tmp / f"{name}.parquet").write_bytes(data)
    tmp.rename(final)


def _kept(part: Path, plan: Plan) -> bool:
    """Whether a replicate's files are all there and readable: a part damaged after it was
    written (a disk error, an edit) is removed, so that the replicate runs again."""
    if not part.is_dir():
        return False
    try:
        for name in ("metrics", *plan.tables):
            pq.read_metadata(part / f"{name}.parquet")
        return True
    except (OSError, ValueError):  # missing, or not Parquet (pyarrow's errors are OSError or ValueError)
        shutil.rmtree(part)
        return False


def _read_part(out: Path, key: str) -> dict[str, bytes]:
    return {f.stem: f.read_bytes() for f in (out / "replicates" / key).glob("*.parquet")}


def _write_manifest(out: Path, plan: Plan, command: str, started: dt.datetime, status: str,
                    wall: float | None = None) -> None:
    reproduce = [f"allysim run {v.scenario} --seed SEED" + "".join(f" --set '{o}'" for o in v.overrides)
                 for v in plan.variants]
    data = {
        "kind": ENSEMBLE,
        "allysim_version": allysim_version(),
        "command": command or " ".join(sys.argv),
        "plan_sha256": plan.fingerprint(),
        "variants": [{**asdict(v), "reproduce": r, "scenario_sha256": _sha256(Path(v.scenario))}
                     for v, r in zip(plan.variants, reproduce, strict=True)],
        "seeds": list(plan.seeds),
        "replicate_seed": "replicate i runs with seed seeds[i] in every variant; SEED in 'reproduce'",
        "metrics": list(plan.metrics),
        "tables": list(plan.tables),
        "python": sys.version.split()[0],
        "packages": {p: package_version(p) for p in ("mesa", "numpy", "pandas", "pyarrow", "distributed")},
        "started": started.isoformat(timespec="seconds"),
        "status": status,
    }
    if wall is not None:
        data["finished"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        data["wall_seconds"] = round(wall, 3)
    tmp = out / ".manifest.json.partial"
    tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    tmp.replace(out / "manifest.json")


def ensemble(scenario: str | Path, replicates: int = 10, *, seed: int | None = None,
             overrides: Sequence[str] = (), sweep: Sequence[str] = (), metrics: Sequence[str] = (),
             tables: Sequence[str] = DEFAULT_TABLES, jobs: int | None = None, scheduler: str | None = None,
             out: str | Path | None = None, resume: bool = False, force: bool = False,
             allow_outside: bool = False) -> EnsembleResult:
    """Run ``replicates`` seeds of every variant of a scenario (the Python API of
    ``allysim ensemble``); nothing is written unless ``out`` names an ensemble directory."""
    plan, scenarios = make_plan(variants_of(scenario, overrides, sweep), replicates, seed, metrics, tables,
                                allow_outside)
    with executor(jobs, scheduler) as pool:
        return run_plan(plan, scenarios, pool, Path(out) if out is not None else None, resume, force,
                        command="sim.experiments.ensemble")
