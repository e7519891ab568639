"""Scale benchmark: synthetic worlds of 1 and 10 million people over 1,000 and 10,000 locations.

Each size runs 365 days in its own process (so peak memory is its own) and prints wall time
and peak resident memory for building the model, simulating, and building the output tables.

    .venv/bin/python benchmarks/scale.py                  # both sizes
    .venv/bin/python benchmarks/scale.py --one 1000 1000000
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from typing import Any

import numpy as np
from scipy.spatial import cKDTree

SIZES = [(1_000, 1_000_000), (10_000, 10_000_000)]
N_STATES = 10
DAYS = 365


def synthetic_world(n_locations: int, population: int, seed: int = 0) -> dict[str, Any]:
    """Towns, camps and border crossings on a road network of nearest neighbours, 10 states."""
    rng = np.random.default_rng(seed)
    lon = rng.uniform(0, 30, n_locations)
    lat = rng.uniform(0, 15, n_locations)
    state = np.minimum((lon / 30 * N_STATES).astype(int), N_STATES - 1)
    kind = np.where(rng.random(n_locations) < 0.05, "camp", "town")
    weights = np.where(kind == "camp", 0.0, rng.lognormal(0, 1, n_locations))
    people = rng.multinomial(population, weights / weights.sum())
    conflict = np.where((kind == "town") & (rng.random(n_locations) < 0.08),
                        rng.uniform(0.3, 1.0, n_locations), 0.0)
    locations = [
        {"id": f"L{i}", "state": f"S{state[i]}", "kind": str(kind[i]), "population": int(people[i]),
         "lat": float(lat[i]), "lon": float(lon[i]), "conflict": round(float(conflict[i]), 3),
         **({"capacity": int(rng.integers(20_000, 100_000))} if kind[i] == "camp" else {})}
        for i in range(n_locations)
    ]
    _, nearest = cKDTree(np.c_[lon, lat]).query(np.c_[lon, lat], k=4)
    pairs = {tuple(sorted((i, int(j)))) for i in range(n_locations) for j in nearest[i, 1:]}
    km_per_degree = 111.0
    routes = [{"from": f"L{a}", "to": f"L{b}",
               "km": round(float(np.hypot(lon[a] - lon[b], lat[a] - lat[b]) * km_per_degree * 1.3) + 1, 1)}
              for a, b in sorted(pairs)]
    towns = np.flatnonzero(kind == "town")
    events: list[dict[str, Any]] = []
    for day in (30, 90, 180):  # conflict spreads
        new = rng.choice(towns, size=max(1, n_locations // 50), replace=False)
        events.append({"day": day, "type": "conflict", "locations": [f"L{i}" for i in new],
                       "intensity": 0.8})
    first = np.flatnonzero(conflict > 0)[: max(1, n_locations // 40)]
    events.append({"day": 200, "type": "ceasefire", "locations": [f"L{i}" for i in first]})
    for s in range(1, N_STATES, 3):  # some states manage their borders for a while
        events.append({"day": 60, "type": "border", "state": f"S{s}", "policy": "managed",
                       "capacity": 2_000, "until": 150})
    return {
        "name": f"synthetic-{n_locations}",
        "start_date": "2025-01-01",
        "days": DAYS,
        "seed": 1,
        "world": {"states": [{"id": f"S{s}"} for s in range(N_STATES)],
                  "locations": locations, "routes": routes},
        "events": events,
    }


def run_one(n_locations: int, population: int) -> dict[str, Any]:
    from sim.model import DisplacementModel
    from sim.scenario import parse_scenario
    from sim.scenario.errors import SourceMap

    data = synthetic_world(n_locations, population)
    t0 = time.perf_counter()
    spec = parse_scenario(data, SourceMap("<synthetic>", data))
    model = DisplacementModel(spec)
    t1 = time.perf_counter()
    while model.running:
        model.step()
    t2 = time.perf_counter()
    tables = model.recorder.tables()
    t3 = time.perf_counter()
    return {
        "locations": n_locations, "routes": len(data["world"]["routes"]), "people": population,
        "days": DAYS, "setup_s": round(t1 - t0, 2), "simulate_s": round(t2 - t1, 2),
        "tables_s": round(t3 - t2, 2), "total_s": round(t3 - t0, 2),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "person_days_per_s": round(population * DAYS / (t2 - t1)),
        "cohort_rows_end": len(model.population.people) + len(model.population.travellers),
        "displaced_end": model.recorder.totals["refugees"] + model.recorder.totals["idps"],
        "conserved": model.total_people() == population,
        "table_rows": {k: len(v) for k, v in tables.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--one", nargs=2, type=int, metavar=("LOCATIONS", "PEOPLE"),
                        help="run a single size in this process and print JSON")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(*args.one)))
        return
    print(f"{'locations':>9} {'people':>11} {'setup s':>8} {'simulate s':>10} {'tables s':>8} "
          f"{'peak MB':>8} {'person-days/s':>14} {'displaced at end':>16} conserved")
    for n, pop in SIZES:
        done = subprocess.run([sys.executable, __file__, "--one", str(n), str(pop)],
                              capture_output=True, text=True, check=True)
        r = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"{r['locations']:>9,} {r['people']:>11,} {r['setup_s']:>8} {r['simulate_s']:>10} "
              f"{r['tables_s']:>8} {r['peak_mb']:>8,} {r['person_days_per_s']:>14,.0f} "
              f"{r['displaced_end']:>16,} {r['conserved']}")


if __name__ == "__main__":
    main()
