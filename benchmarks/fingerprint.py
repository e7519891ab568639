"""Checksums of every shipped scenario's output tables at given seeds.

A restructuring that must change no output is checked by running this before and after and
comparing the two files: ``python benchmarks/fingerprint.py -o before.json`` then
``-o after.json`` and ``diff before.json after.json``. Runs go through the command line, so the
script works whatever the package's inner layout.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLEE_FIXTURES = ("tests/fixtures/flee/mali_cut", "tests/fixtures/flee/ssudan_cut")


def _hashes(folder: Path, pattern: str) -> dict[str, str]:
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in sorted(folder.glob(pattern))}


def _allysim(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "sim", *args], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)


def fingerprint(seeds: list[int]) -> dict[str, dict[str, str]]:
    """{scenario@seed: {csv file: sha256}} for every scenario file and the Flee fixtures."""
    # claim files are not scenarios; a symbolic link is an old path of a scenario listed anyway
    scenarios = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "scenarios").rglob("*.yaml")
                       if "claims" not in p.parts and not p.is_symlink())
    out: dict[str, dict[str, str]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for seed in seeds:
            for scenario in scenarios:
                run = Path(tmp) / f"{Path(scenario).stem}-{seed}"
                _allysim("run", scenario, "-o", str(run), "--seed", str(seed), "--quiet")
                out[f"{scenario}@{seed}"] = _hashes(run, "*.csv")
                print(f"{scenario} seed {seed}", file=sys.stderr)
        backtest = Path(tmp) / "backtest"
        _allysim("backtest", *FLEE_FIXTURES, "--replicates", "2", "-o", str(backtest))
        out["backtest(flee fixtures)"] = _hashes(backtest, "camps.csv")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 7])
    parser.add_argument("-o", "--output", type=Path, required=True, help="JSON file to write")
    args = parser.parse_args()
    args.output.write_text(json.dumps(fingerprint(args.seeds), indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
