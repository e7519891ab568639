"""One run, end to end: a scenario -> the model, day by day -> its tables, optionally written to a
run directory with a manifest.

``run_scenario`` is the Python API (tables in memory, typed as ``analysis.load_run`` types
them); ``run_to_directory`` is what ``allysim run`` does.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import platform
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML

from analysis.loading import Run, load_run, typed_tables
from sim.loading import load_scenario
from sim.model import DisplacementModel
from sim.outputs import (
    RUN,
    allysim_version,
    choose_run_dir,
    package_version,
    sha256_of,
    write_atomically,
    write_json,
)
from sim.scenario import Scenario
from sim.scenario.loading import MAX_YAML_BYTES, as_items, with_overrides
from sim.scenario.table_files import split_tables

OUTPUT_FILES = ("stocks", "states", "locations", "flows", "events", "summary")
TABLE_FORMATS = ("csv", "parquet")
RESOLVED_STEM = "scenario"  # the run directory's scenario.yaml (and scenario.<table>.csv beside it)
PACKAGES = ("mesa", "numpy", "pandas", "pydantic", "networkx", "scipy")


@dataclass
class RunResult:
    """A finished run: where its outputs are and the model they came from."""

    directory: Path
    model: DisplacementModel
    wall_seconds: float


def simulate(spec: Scenario, on_day: Callable[[int, int], None] | None = None
             ) -> tuple[DisplacementModel, float]:
    """Run a scenario to its end; returns the model and the wall seconds it took.
    ``on_day(day, days)`` reports progress."""
    t0 = time.perf_counter()
    model = DisplacementModel(spec)
    while model.running:
        model.step()
        if on_day is not None:
            on_day(model.day, spec.days)
    return model, time.perf_counter() - t0


def _prepare(scenario: str | Path | Scenario, seed: int | None, overrides: Sequence[str],
             days: int | None, allow_outside: bool = False) -> Scenario:
    """The scenario to run. ``days`` is a ``days`` override: the run's length, leaving out the
    events after its end."""
    settings = [*as_items(overrides), *([f"seed={seed}"] if seed is not None else []),
                *([f"days={days}"] if days is not None else [])]
    if isinstance(scenario, Scenario):
        return with_overrides(scenario, settings, scenario.name) if settings else scenario
    return load_scenario(scenario, settings, allow_outside=allow_outside)


def run_scenario(scenario: str | Path | Scenario, seed: int | None = None, overrides: Sequence[str] = (),
                 days: int | None = None, out: str | Path | None = None, force: bool = False) -> Run:
    """Simulate a scenario (a file, or a loaded ``Scenario``) and return its tables.

    ``seed`` replaces the scenario's seed, ``overrides`` are ``dotted.path=value`` settings as
    ``--set`` takes them, ``days`` shortens or lengthens the run. Nothing is written unless
    ``out`` names a run directory (then as ``allysim run -o out`` writes it).
    """
    if out is not None:
        if isinstance(scenario, Scenario):
            raise ValueError("writing a run directory needs the scenario file (its manifest names it)")
        result = run_to_directory(scenario, Path(out), seed=seed, days=days, overrides=overrides,
                                  force=force, command="sim.run_scenario")
        return load_run(result.directory)
    spec = _prepare(scenario, seed, overrides, days)
    model, wall = simulate(spec)
    manifest = {"scenario": {"name": spec.name}, "seed": spec.seed, "days": spec.days,
                "start_date": spec.start_date.isoformat(), "wall_seconds": round(wall, 3)}
    return Run(path=None, manifest=manifest, **typed_tables(model.recorder.tables()))


def run_to_directory(
    path: str | Path,
    out: Path | None = None,
    *,
    seed: int | None = None,
    days: int | None = None,
    overrides: Sequence[str] = (),
    force: bool = False,
    on_day: Callable[[int, int], None] | None = None,
    command: str | None = None,
    allow_outside: bool = False,
    table_format: str = "csv",
) -> RunResult:
    """Load, simulate and write one scenario file to a run directory (never half-written);
    ``allow_outside`` lets the scenario name files outside its folder; ``table_format`` is
    ``csv`` or ``parquet`` (the same tables and columns)."""
    if table_format not in TABLE_FORMATS:
        raise ValueError(f"format must be one of {', '.join(TABLE_FORMATS)}, not {table_format!r}")
    path = Path(path)
    spec = _prepare(path, seed, overrides, days, allow_outside)
    target = choose_run_dir(spec.name, out, force)
    started = dt.datetime.now(dt.UTC)
    model, wall = simulate(spec, on_day)
    tables = model.recorder.tables()

    def write(tmp: Path) -> None:
        resolved, *resolved_tables = _write_resolved(spec, tmp)
        for name in OUTPUT_FILES:
            if table_format == "parquet":
                tables[name].to_parquet(tmp / f"{name}.parquet", index=False)
            else:
                tables[name].to_csv(tmp / f"{name}.csv", index=False)
        write_json(tmp / "manifest.json", {
            "kind": RUN,
            "allysim_version": allysim_version(),
            "scenario": {"name": spec.name, "path": str(path), "sha256": sha256_of(path),
                         "resolved_sha256": sha256_of(resolved),
                         "resolved_tables_sha256": {p.name: sha256_of(p) for p in resolved_tables},
                         "overrides": list(overrides)},
            "seed": spec.seed,
            "days": spec.days,
            "start_date": spec.start_date.isoformat(),
            "command": command if command is not None else " ".join(sys.argv),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "packages": {p: package_version(p) for p in PACKAGES},
            "started": started.isoformat(timespec="seconds"),
            "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "wall_seconds": round(wall, 3),
            "unplaced": model.unplaced,
            "status": "completed",
            "format": table_format,
            "rows": {name: len(tables[name]) for name in OUTPUT_FILES},
            "outputs_sha256": {f"{name}.{table_format}": hashlib.sha256(
                (tmp / f"{name}.{table_format}").read_bytes()).hexdigest() for name in OUTPUT_FILES},
        })

    write_atomically(target, write)
    return RunResult(target, model, wall)


def _write_resolved(spec: Scenario, folder: Path) -> list[Path]:
    """Write the resolved scenario to ``folder``/scenario.yaml, and return the files written.

    A world too large for one scenario file (MAX_YAML_BYTES) has its long tables written to CSV
    files beside it (sim/scenario/table_files.py), so that the run's scenario.yaml loads again.
    """
    data = spec.resolved()
    text = _yaml_text(data)
    tables = []
    if len(text.encode("utf-8")) > MAX_YAML_BYTES:
        tables = split_tables(data, RESOLVED_STEM)
        text = _yaml_text(data)
    path = folder / f"{RESOLVED_STEM}.yaml"
    path.write_text(text, encoding="utf-8")
    return [path, *(table.write(folder, RESOLVED_STEM) for table in tables)]


def _yaml_text(data: dict) -> str:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    return buffer.getvalue()
