"""How much could advancing many replicates in one vectorised day save? An upper bound, measured.

A world made of K disjoint copies of a Flee conflict folder (every location, route, closure,
conflict column and camp series copied, names and countries suffixed ``_k``, so the observed
totals summed from the camps are K times the folder's) does in one model day what K replicates
would do in K days' work, each array operation being K times longer. One run of it against K
single runs of the folder bounds what a replicate key in the cohort tables could save: a batched
engine would do at least this much work, and more (each replicate drawing from its own stream,
each replicate's agents deciding on their own).

    python benchmarks/replicate_batching.py [--conflict car2013] [--copies 1 10 25] [--flee-data DIR]

Each world runs once, in its own child process, with the calibrated rules (as
benchmarks/ensemble.py runs car2013). Printed: wall seconds of the run (building the model and
simulating; reading the folder excluded), seconds per copy, the speed-up per replicate over one
copy, the refugees hosted at the end per copy (a check that the copies behave alike), and the
child's peak memory. The copies are written to a temporary folder and deleted afterwards.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.ensemble import flee_scenario  # noqa: E402
from sim.loading import load_scenario  # noqa: E402
from sim.model import DisplacementModel  # noqa: E402


def _rows(path: Path) -> list[list[str]]:
    with path.open(newline="") as f:
        return [row for row in csv.reader(f) if row]


def _write(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", newline="") as f:
        csv.writer(f).writerows(rows)


def copies(folder: Path, k: int, out: Path) -> Path:
    """``out``: ``k`` disjoint copies of the Flee ``folder`` as one conflict folder."""
    src, dst = folder / "input_csv", out / "input_csv"
    dst.mkdir(parents=True)
    shutil.copytree(folder / "source_data", out / "source_data")
    shutil.copy(folder / "simsetting.yml", out)
    shutil.copy(src / "sim_period.csv", dst)
    suffixes = [f"_{i}" for i in range(k)]
    head, *places = _rows(src / "locations.csv")
    _write(dst / "locations.csv",
           [head] + [[r[0] + s, r[1], r[2] + s, *r[3:]] for s in suffixes for r in places])
    for name, first in (("routes.csv", 0), ("closures.csv", 1)):  # closures: type, then two names
        head, *links = _rows(src / name)
        _write(dst / name, [head] + [[*r[:first], r[first] + s, r[first + 1] + s, *r[first + 2:]]
                                     for s in suffixes for r in links])
    head, *days = _rows(src / "conflicts.csv")
    names = [h for h in head[1:] if h]
    _write(dst / "conflicts.csv", [[head[0]] + [n + s for s in suffixes for n in names]]
           + [[d[0]] + [v for _ in suffixes for v in d[1:1 + len(names)]] for d in days])
    corrections = src / "registration_corrections.csv"
    if corrections.exists():
        _write(dst / corrections.name, [[r[0] + s, *r[1:]] for s in suffixes for r in _rows(corrections)])
    total, *camps = _rows(folder / "source_data" / "data_layout.csv")
    _write(out / "source_data" / "data_layout.csv",
           [total] + [[r[0] + s, *r[1:]] for s in suffixes for r in camps])
    return out


def child(folder: str) -> None:
    """Run the world in ``folder`` once and print its measurements as JSON."""
    spec = load_scenario(flee_scenario(Path(folder), Path(folder).parent), allow_outside=True)
    t0 = time.perf_counter()
    model = DisplacementModel(spec, rng=0)
    while model.running:
        model.step()
    wall = time.perf_counter() - t0
    print(json.dumps({"wall": wall, "refugees": model.recorder.totals["refugees"],
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conflict", default="car2013")
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 10, 25])
    parser.add_argument("--flee-data", type=Path,
                        default=Path(os.environ.get("ALLYSIM_FLEE_DATA", "data/flee")))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child)
    folder = args.flee_data / args.conflict
    if not (folder / "input_csv").is_dir():
        sys.exit(f"no Flee folder {folder} (pass --flee-data; docs/flee.md says where they come from)")
    print(f"{'copies':>6} {'wall s':>8} {'s per copy':>10} {'speed-up':>8} {'refugees per copy':>17} "
          f"{'peak MB':>8}")
    one = None
    with tempfile.TemporaryDirectory() as tmp:
        for k in sorted(set(args.copies)):
            world = copies(folder, k, Path(tmp) / f"{args.conflict}-x{k}")
            out = subprocess.run([sys.executable, __file__, "--child", str(world)], check=True,
                                 capture_output=True, text=True).stdout
            m = json.loads(out.splitlines()[-1])
            per_copy = m["wall"] / k
            one = one or (per_copy if k == 1 else None)
            speedup = f"{one / per_copy:.2f}" if one else "-"
            print(f"{k:>6} {m['wall']:>8.1f} {per_copy:>10.2f} {speedup:>8} {m['refugees'] / k:>17,.0f} "
                  f"{m['peak_mb']:>8.0f}", flush=True)


if __name__ == "__main__":
    main()
