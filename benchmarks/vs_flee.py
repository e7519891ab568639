"""Race allysim against Flee 3.1 (PyPI) on the same Flee conflict folders, in the same run.

    python benchmarks/vs_flee.py [FOLDER ...] [--hasten N] [--jobs N] [--out DIR] [--flee-venv DIR]

With no FOLDER, the nine conflicts under $ALLYSIM_FLEE_DATA (default: ``data/flee`` in the
current directory) are raced; each is a Flee conflict folder such as FabFlee's
``config_files/flee3_validation/SWEEP/<conflict>`` with a ``simsetting.yml`` (docs/flee.md says
where they come from). The script creates (once) a separate virtualenv with Flee 3.1 from PyPI
(``pip install --no-deps flee==3.1`` plus numpy pandas pyyaml beartype matplotlib networkx; Flee's
MPI and coupling extras are not needed), then for each conflict runs Flee and allysim one after
the other, each in a fresh child process:

* Flee through benchmarks/flee_driver.py (Flee's daily loop over its own API; the wheel ships no
  run script), with the folder's simsetting.yml;
* allysim through this script (``--child``): the folder imported with sim/flee/convert.py and run
  in data_driven mode with the calibrated rule values of ``allysim backtest`` (``--rules folder``:
  the folder's settings as they are), as docs/flee.md describes.

For both it prints wall seconds (reading the folder + simulating; interpreter start and imports
excluded), peak memory (the child's maximum resident set size), agent-days per second (Flee:
agents alive summed over days; allysim: displaced people summed over days, the same quantity)
and the ARD and rescaled ARD (sim/backtests/ard.py) against the same observed series, plus the speed
ratio Flee wall / allysim wall. Results are also written to DIR/race.csv and DIR/race.md.
With ``--jobs 2`` two conflicts are raced at once (on a 2-core machine, one per core); within a
conflict Flee and allysim still run one after the other.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DRIVER = ROOT / "benchmarks" / "flee_driver.py"
DATA_ENV = "ALLYSIM_FLEE_DATA"  # folder holding the conflict folders (default: ./data/flee)
# Longest Flee run first, so that --jobs 2 keeps both workers busy to the end.
CONFLICTS = ["ssudan2016", "mali2017_adm1", "car2013", "ssudan2013", "venezuela2022", "tigray2020",
             "nigeria2022_adm2", "nigeria2016", "mali2012"]
# Population scale-down (Flee's optimisations.hasten) used for both models when --hasten is not
# given: each folder's own setting (1), except the two where Flee 3.1 would need about an hour
# (nigeria2016: 1885 days; venezuela2022: 600,000 agents moving every day), run at 10 as the
# Flee baseline figures of the notes run nigeria2016.
HASTEN = {"nigeria2016": 10, "venezuela2022": 10}
FLEE_PACKAGES = ["numpy", "pandas", "pyyaml", "beartype", "matplotlib", "networkx"]


def default_folders() -> list[Path]:
    """The nine conflicts under $ALLYSIM_FLEE_DATA (or ./data/flee); exits with a clear message
    when that folder or one of the conflicts is missing."""
    env = os.environ.get(DATA_ENV)
    data = Path(env or "data/flee")
    hint = (f"pass Flee conflict folders as arguments, or set {DATA_ENV} to the folder holding "
            f"{', '.join(CONFLICTS)} (docs/flee.md says where they come from)")
    if not data.is_dir():
        source = f"${DATA_ENV}" if env else f"the default; ${DATA_ENV} is not set"
        sys.exit(f"error: no Flee data folder {data.resolve()} ({source}); {hint}")
    if missing := [name for name in CONFLICTS if not (data / name).is_dir()]:
        sys.exit(f"error: {data} lacks {', '.join(missing)}; {hint}")
    return [data / name for name in CONFLICTS]


def ensure_flee_venv(venv: Path) -> Path:
    """The Flee 3.1 virtualenv's python, created on first use."""
    python = venv / "bin" / "python"
    if python.exists() and subprocess.run([str(python), "-c", "import flee.flee"],
                                          capture_output=True).returncode == 0:
        return python
    print(f"creating a Flee 3.1 virtualenv in {venv} ...", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "--no-deps", "flee==3.1"], check=True)
    subprocess.run([*pip, *FLEE_PACKAGES], check=True)
    return python


def run_child(cmd: list[str], out_dir: Path) -> tuple[dict, float]:
    """Run one child process: its JSON output (stdout) and its peak resident memory in MB."""
    out_path = out_dir / f".child_{os.getpid()}_{time.time_ns()}.json"
    err_path = out_path.with_suffix(".err")
    with out_path.open("wb") as out, err_path.open("wb") as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)  # the child's own rusage, read as it is reaped
    text, errors = out_path.read_text(), err_path.read_text(errors="replace")
    out_path.unlink()
    err_path.unlink()
    if status != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed (status {status}):\n{errors[-3000:]}")
    return json.loads(text), usage.ru_maxrss / 1024


# -- the allysim side (runs in a child process) -----------------------------------------------


def allysim_child(folder: str, hasten: int, seed: int, rules: str) -> None:
    from sim.backtests.backtest import calibration, observed_camps
    from sim.core.cohorts import Status
    from sim.flee.convert import load_flee_scenario
    from sim.model import DisplacementModel

    t0 = time.perf_counter()
    spec = load_flee_scenario(folder, hasten=hasten, overrides=[
        *calibration(rules), "parameters.displacement.mode=data_driven"])
    camps = observed_camps(spec)
    model = DisplacementModel(spec, rng=seed)
    idx = [model.world.index[c] for c in camps]
    t1 = time.perf_counter()
    counts, people = [], []
    while model.running:
        model.step()
        occ = model.population.occupancy[idx]
        counts.append((occ[:, Status.IDP] + occ[:, Status.REFUGEE]).tolist())
        people.append(model.recorder.totals["idps"] + model.recorder.totals["refugees"])
    t2 = time.perf_counter()
    json.dump({"camps": camps, "counts": counts, "agents": people, "setup_seconds": t1 - t0,
               "run_seconds": t2 - t1, "agent_days": int(sum(people))}, sys.stdout)


# -- the race ---------------------------------------------------------------------------------


def observed(folder: Path, camps: list[str], days: int, hasten: int):
    """The observed series of ``camps`` as Flee reads them, counts divided by ``hasten``."""
    import numpy as np

    from sim.core.observed import interpolate
    from sim.flee.folder import read_flee_folder
    from sim.flee.series import corrected_series

    series = corrected_series(read_flee_folder(folder))
    t = np.arange(days)
    return np.stack([interpolate(series[c][0], series[c][1] / hasten, t) for c in camps], axis=1)


def measure(result: dict, rss: float, folder: Path, hasten: int) -> dict:
    import numpy as np

    from sim.backtests.ard import scores

    sim = np.array(result["counts"])
    obs = observed(folder, result["camps"], len(sim), hasten)
    wall = result["setup_seconds"] + result["run_seconds"]
    s = scores(sim, obs)
    return {"wall_seconds": wall, "peak_rss_mb": rss, "agent_days": result["agent_days"],
            "agent_days_per_second": result["agent_days"] / result["run_seconds"],
            "ard": s["ard"], "ard_rescaled": s["ard_rescaled"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folders", nargs="*", type=Path, metavar="FOLDER",
                    help=f"Flee conflict folders; default: the nine conflicts under ${DATA_ENV} "
                    "(default: data/flee in the current directory)")
    ap.add_argument("--hasten", type=int, default=None, help="divide populations and counts by N in "
                    "both models (Flee's optimisations.hasten); default: 10 for the large or long "
                    f"conflicts ({', '.join(HASTEN)}), else 1")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--rules", choices=("calibrated", "folder"), default="calibrated",
                    help="allysim's rule values: calibrated (as `allysim backtest`) or the "
                    "folder's simsetting.yml as it is")
    ap.add_argument("--out", type=Path, default=ROOT / "runs" / "vs_flee")
    ap.add_argument("--flee-venv", type=Path, default=Path.home() / ".cache" / "allysim" / "flee-venv")
    ap.add_argument("--jobs", type=int, default=1, help="conflicts raced at the same time (each "
                    "still runs Flee, then allysim); default 1")
    ap.add_argument("--child", metavar="FOLDER", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        allysim_child(args.child, args.hasten, args.seed, args.rules)
        return
    # Absolute paths: the child processes run in the project's root, not the caller's directory.
    folders = [f.resolve() for f in (args.folders or default_folders())]
    if missing := [str(f) for f in folders if not (f / "input_csv").is_dir()]:
        sys.exit("error: not a Flee conflict folder (no input_csv/): " + ", ".join(missing))
    flee_python = ensure_flee_venv(args.flee_venv)
    args.out.mkdir(parents=True, exist_ok=True)
    header = (f"{'conflict':<17} {'model':<8} {'hasten':>6} {'wall s':>8} {'peak MB':>8} "
              f"{'agent-days/s':>13} {'ARD':>7} {'ARD resc.':>9} {'speed-up':>9}")
    print(header)
    print("-" * len(header), flush=True)
    done: dict[Path, list[dict]] = {}

    def race(folder: Path) -> None:
        name = folder.resolve().name
        hasten = args.hasten or HASTEN.get(name, 1)
        flee_cmd = [str(flee_python), str(DRIVER), str(folder), "--hasten", str(hasten),
                    "--seed", str(args.seed)]
        ally_cmd = [sys.executable, str(Path(__file__).resolve()), "--child", str(folder),
                    "--hasten", str(hasten), "--seed", str(args.seed), "--rules", args.rules]
        flee = measure(*run_child(flee_cmd, args.out), folder, hasten)
        ally = measure(*run_child(ally_cmd, args.out), folder, hasten)
        ratio = flee["wall_seconds"] / ally["wall_seconds"]
        rows = []
        for model, m in (("Flee 3.1", flee), ("allysim", ally)):
            rows.append({"conflict": name, "model": model, "hasten": hasten, **m,
                         "speed_ratio": ratio if model == "allysim" else 1.0})
            print(f"{name:<17} {model:<8} {hasten:>6} {m['wall_seconds']:>8.1f} {m['peak_rss_mb']:>8.0f} "
                  f"{m['agent_days_per_second']:>13.3g} {m['ard']:>7.3f} {m['ard_rescaled']:>9.3f} "
                  f"{(f'{ratio:.0f}x' if model == 'allysim' else ''):>9}", flush=True)
        done[folder] = rows
        # after every conflict, in the order given: a long race keeps its results
        write([r for f in folders if f in done for r in done[f]], args.out)

    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for future in [pool.submit(race, folder) for folder in folders]:
            future.result()
    print(f"\nwritten: {args.out / 'race.csv'}, {args.out / 'race.md'}")


def write(rows: list[dict], out: Path) -> None:
    import csv

    with (out / "race.csv").open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    lines = ["| conflict | model | hasten | wall s | peak RSS MB | agent-days/s | ARD | ARD rescaled | "
             "speed ratio |", "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        ratio = f"{r['speed_ratio']:.0f}x" if r["model"] == "allysim" else ""
        lines.append(f"| {r['conflict']} | {r['model']} | {r['hasten']} | {r['wall_seconds']:.1f} | "
                     f"{r['peak_rss_mb']:.0f} | {r['agent_days_per_second']:.3g} | {r['ard']:.3f} | "
                     f"{r['ard_rescaled']:.3f} | {ratio} |")
    (out / "race.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
