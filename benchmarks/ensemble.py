"""Ensemble speed: 100 replicates of a Flee conflict (car2013) and of kosovo-1999 on this machine.

For each scenario it times ``allysim``'s ensemble (local processes, every replicate's tables and
metrics written as Parquet) against the baseline of a plain process pool over single runs that
keep nothing, and prints wall seconds, replicates per second and peak memory (the largest
process). Usage::

    python benchmarks/ensemble.py [--replicates 100] [--jobs 2] [--flee-data DIR]

The Flee folder comes from ``--flee-data`` or $ALLYSIM_FLEE_DATA (default ``data/flee``); see
docs/flee.md for where the conflict folders come from.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.backtests.backtest import CALIBRATED  # noqa: E402
from sim.experiments.ensembles import ensemble  # noqa: E402
from sim.loading import load_scenario  # noqa: E402
from sim.model import DisplacementModel  # noqa: E402


def single_run(path: str, seed: int) -> int:
    """One run kept in memory only: the baseline's unit of work."""
    model = DisplacementModel(load_scenario(path, allow_outside=True), rng=seed)
    while model.running:
        model.step()
    return len(model.recorder.tables()["states"])


def peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def time_baseline(path: Path, replicates: int, jobs: int) -> float:
    t0 = time.perf_counter()
    with ProcessPoolExecutor(jobs, mp_context=get_context("forkserver")) as pool:
        list(pool.map(single_run, [str(path)] * replicates, range(replicates)))
    return time.perf_counter() - t0


def time_ensemble(path: Path, replicates: int, jobs: int, out: Path) -> float:
    t0 = time.perf_counter()
    ensemble(path, replicates, seed=0, jobs=jobs, out=out, allow_outside=True)  # the Flee folder
    return time.perf_counter() - t0


def flee_scenario(folder: Path, directory: Path) -> Path:
    """A scenario file naming the Flee folder as its world, with the calibrated rules."""
    movement = ", ".join(f"{k}: {v}" for k, v in CALIBRATED.items())
    path = directory / f"{folder.name}.yaml"
    path.write_text(f"world: {{flee: {folder.resolve()}}}\nparameters: {{movement: {{{movement}}}}}\n")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--flee-data", type=Path,
                        default=Path(os.environ.get("ALLYSIM_FLEE_DATA", "data/flee")))
    parser.add_argument("--only", choices=("car2013", "kosovo-1999"), default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cases = {"kosovo-1999": ROOT / "scenarios" / "history" / "kosovo-1999.yaml"}
        car = args.flee_data / "car2013"
        if (car / "input_csv").is_dir():
            cases["car2013"] = flee_scenario(car, Path(tmp))
        else:
            print(f"no Flee folder {car}: car2013 skipped (pass --flee-data)", file=sys.stderr)
        print(f"{'scenario':<12} {'how':<28} {'replicates':>10} {'wall s':>8} {'rep/s':>7}")
        for name, path in cases.items():
            if args.only and name != args.only:
                continue
            for how in ("ensemble (Parquet, metrics)", "plain process pool"):
                if how.startswith("ensemble"):
                    wall = time_ensemble(path, args.replicates, args.jobs, Path(tmp) / f"ens-{name}")
                else:
                    wall = time_baseline(path, args.replicates, args.jobs)
                print(f"{name:<12} {how:<28} {args.replicates:>10} {wall:>8.1f} "
                      f"{args.replicates / wall:>7.2f}", flush=True)
        print(f"peak memory of the largest process: {peak_mb():.0f} MB ({args.jobs} jobs)")


if __name__ == "__main__":
    main()
