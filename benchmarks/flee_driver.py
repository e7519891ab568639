"""Run Flee (PyPI 3.1) on one Flee conflict folder and print its daily camp counts as JSON.

This file runs inside Flee's own virtualenv (benchmarks/vs_flee.py creates it); it imports only
Flee and the standard library plus numpy. The PyPI wheel ships no run script, so this is a small
driver over Flee's API following the daily loop of Flee's runscripts/run.py:

    setup: settings, locations, routes, closures, conflicts, validation data,
           registration corrections (those dated before the start are skipped, as Flee master
           does; 3.1 would apply them), camps filled with their day-0 counts
    each day: new conflict zones, data-driven spawning, spawn weights, closures, evolve

Where Flee 3.1 differs from the Flee (master 02cd2cb) that produced the published validation
figures, the driver does what later Flee does, so that both models run the validation suite's
rules: spawning sums the camp series when the settings say sum_from_camps (the 3.1 run script
summed refugees.csv), camp capacities are multiplied by capacity_scaling (3.1 does not read it)
and each camp's day-0 count is taken off its capacity (quirk Q5; 3.1 does not). Usage::

    python flee_driver.py FOLDER [--settings FILE] [--hasten N] [--seed S] [--days D]
                                 [--ignore-capacity-scaling] [--keep-day0-capacity]

Output (stdout, one JSON object): camps, counts[day][camp], agents[day], setup_seconds,
run_seconds, agent_days.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import io
import json
import os
import random
import sys
import time


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder")
    ap.add_argument("--settings", default=None)
    ap.add_argument("--hasten", type=int, default=None)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--days", type=int, default=None)
    ap.add_argument("--ignore-capacity-scaling", action="store_true",
                    help="run as Flee 3.1 does, without the settings' capacity_scaling")
    ap.add_argument("--keep-day0-capacity", action="store_true",
                    help="run as Flee 3.1 does, without taking day-0 counts off camp capacities")
    args = ap.parse_args()

    import numpy as np
    from flee import InputGeography, flee, spawning
    from flee.datamanager import handle_refugee_data
    from flee.SimulationSettings import SimulationSettings

    random.seed(args.seed)
    np.random.seed(args.seed)
    folder = os.path.abspath(args.folder)
    inp, src = os.path.join(folder, "input_csv"), os.path.join(folder, "source_data")
    settings = args.settings or os.path.join(folder, "simsetting.yml")
    quiet = io.StringIO()  # Flee prints a lot to stderr; keep it out of the benchmark's way

    t0 = time.perf_counter()
    with contextlib.redirect_stderr(quiet):
        SimulationSettings.ReadFromYML(settings)
        if args.hasten is not None:
            SimulationSettings.optimisations["PopulationScaleDownFactor"] = args.hasten
        hasten = SimulationSettings.optimisations["PopulationScaleDownFactor"]
        import yaml  # Flee depends on PyYAML

        with open(settings, encoding="utf-8") as fh:
            raw = yaml.safe_load(fh) or {}
        sum_from_camps = bool((raw.get("spawn_rules") or {}).get("sum_from_camps", True))

        period = os.path.join(inp, "sim_period.csv")
        if not os.path.exists(period):
            period = os.path.join(inp, "conflict_period.csv")
        keys = {}
        with open(period, encoding="utf-8") as fh:
            for row in csv.reader(fh):
                if len(row) > 1:
                    keys[row[0].strip().lower()] = row[1].strip()
        start, days = keys["startdate"], int(keys["length"])
        if args.days:
            days = args.days

        SimulationSettings.ConflictInputFile = os.path.join(inp, "conflicts.csv")
        e = flee.Ecosystem()
        ig = InputGeography.InputGeography()
        ig.ReadConflictInputCSV(SimulationSettings.ConflictInputFile)
        ig.ReadLocationsFromCSV(os.path.join(inp, "locations.csv"))
        ig.ReadLinksFromCSV(os.path.join(inp, "routes.csv"))
        ig.ReadClosuresFromCSV(os.path.join(inp, "closures.csv"))
        e, lm = ig.StoreInputGeographyInEcosystem(e)
        d = handle_refugee_data.RefugeeTable(csvformat="generic", data_directory=src, start_date=start,
                                             data_layout="data_layout.csv",
                                             population_scaledown_factor=hasten)
        start_day = dt.date.fromisoformat(start)
        corrections = os.path.join(inp, "registration_corrections.csv")
        if os.path.exists(corrections):
            with open(corrections, encoding="utf-8") as fh:
                for row in csv.reader(fh):
                    if (len(row) > 1 and not row[0].startswith("#")
                            and dt.date.fromisoformat(row[1].strip()) >= start_day):
                        d.correctLevel1Registrations(row[0], row[1])
        camps = e.get_camp_names()
        for name in camps:
            spawning.add_initial_refugees(e, d, lm[name])
            if not args.keep_day0_capacity and lm[name].capacity > 0:
                # Later Flee takes each camp's day-0 count off its capacity too (quirk Q5 of the
                # notes); 3.1 does not.
                lm[name].capacity -= int(d.get_field(name, 0))
        scaling = float((raw.get("move_rules") or {}).get("capacity_scaling", 1.0))
        if scaling != 1.0 and not args.ignore_capacity_scaling:
            # Flee 3.1 does not read capacity_scaling; later Flee multiplies every capacity by it
            # when judging how full a place is, which is the same as scaling the capacities here.
            for loc in e.locations:
                if loc.capacity >= 1:
                    loc.capacity = int(loc.capacity * scaling)
    t1 = time.perf_counter()

    counts, agents = [], []
    with contextlib.redirect_stderr(quiet):
        for t in range(days):
            ig.AddNewConflictZones(e, t)
            spawning.spawn_daily_displaced(e, t, d, SumFromCamps=sum_from_camps)
            spawning.refresh_spawn_weights(e)
            e.enact_border_closures(t)
            e.evolve()
            counts.append([lm[name].numAgents for name in camps])
            agents.append(e.numAgents())
    t2 = time.perf_counter()
    json.dump({"camps": camps, "counts": counts, "agents": agents, "hasten": hasten,
               "setup_seconds": t1 - t0, "run_seconds": t2 - t1, "agent_days": int(sum(agents)),
               "sum_from_camps": sum_from_camps}, sys.stdout)


if __name__ == "__main__":
    main()
