"""Which Flee conflict folders import? Every folder under ROOT that has an input_csv/locations.csv.

    python benchmarks/flee_survey.py ROOT [--out survey.csv]

ROOT is typically a checkout of FabFlee's ``config_files``. A folder without its own
simsetting.yml takes the nearest one above it (FabFlee keeps a validation suite's settings file
beside its ``SWEEP`` folder, docs/flee.md). Each folder is read and converted as
``allysim import-flee`` does, in this process; it is counted as imported, or refused with its
first located problem. Anything else (a traceback) is a defect and stops the survey.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.flee.convert import flee_scenario  # noqa: E402
from sim.flee.folder import read_flee_folder  # noqa: E402
from sim.scenario.errors import ScenarioError  # noqa: E402


def settings_for(folder: Path, root: Path) -> Path | None:
    """The folder's simsetting.yml, else the nearest one above it within ``root``."""
    for parent in (folder, *folder.parents):
        if (parent / "simsetting.yml").is_file():
            return parent / "simsetting.yml"
        if parent == root:
            return None
    return None


def survey(root: Path) -> list[dict[str, str]]:
    rows = []
    for locations in sorted(root.rglob("input_csv/locations.csv")):
        folder = locations.parent.parent
        settings = settings_for(folder, root)
        try:
            flee_scenario(read_flee_folder(folder, settings))
            outcome, problem, count = "imported", "", 0
        except ScenarioError as exc:
            outcome, problem, count = "refused", str(exc.problems[0]), len(exc.problems)
        rows.append({"folder": str(folder.relative_to(root)), "outcome": outcome,
                     "problems": str(count), "first_problem": problem,
                     "settings": str(settings.relative_to(root)) if settings else ""})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--out", type=Path, help="write one row per folder to this CSV file")
    args = parser.parse_args()
    root = args.root.resolve()
    rows = survey(root)
    for row in rows:
        problem = row["first_problem"].replace(f"{root}/", "")
        print(f"{row['outcome']:<9} {row['folder']}" + (f"  ({problem})" if problem else ""))
    counts = Counter(row["outcome"] for row in rows)
    print(f"{len(rows)} folders: {counts['imported']} imported, {counts['refused']} refused")
    if args.out:
        with args.out.open("w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)


if __name__ == "__main__":
    main()
