"""Compare mode's runs: a baseline and a variant on common seeds, through the experiment layer
(the same plan, executors and paired intervals as ``allysim compare``), and the summaries the
page shows of them.

The variant is another scenario from the picker, or the baseline's scenario with levers moved
(each a ``--set`` override, as in the single-run mode). Both scenario names come from the
browser, so both go through the picker's check (``allowed_scenario``) before anything is read.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from sim.app.dashboard.levers import applicable, lever_inputs, lever_overrides
from sim.app.dashboard.picker import allowed_scenario
from sim.app.dashboard.session import parse_seed
from sim.app.dashboard.words import merged_events
from sim.experiments.comparisons import BASELINE, VARIANT, arms, comparison_table
from sim.experiments.ensembles import make_plan, run_plan
from sim.experiments.executors import executor
from sim.experiments.metrics import CATALOGUE, DEFAULT_METRICS
from sim.loading import load_scenario

TABLES = ("states", "events")  # kept per replicate: the series for the bands, the decisions
SERIES = {"refugees": "refugees_hosted", "IDPs": "idps", "returnees": "returnees"}
"""The series compared over time: the total over all states of these states.csv columns."""
BAND = (0.05, 0.95)  # the band around the median: 90% of the replicates
MAX_REPLICATES = 100


class CompareCancelled(Exception):
    """The comparison was cancelled from the page."""


@dataclass(frozen=True)
class CompareRequest:
    """What the page asks for: the two arms, the replicates and the first seed.

    ``levers`` are the variant's lever values (by lever name): those that differ from the
    variant scenario's own values become its overrides. ``seed`` is the first seed as typed
    (blank: the baseline's seed); ``metrics`` are metric names to report besides the headline
    ones (``DEFAULT_METRICS``).
    """

    baseline: str
    variant: str
    levers: Mapping[str, Any] = field(default_factory=dict)
    replicates: int = 10
    seed: int | str | None = None
    metrics: tuple[str, ...] = ()

    def overrides(self) -> dict[str, str]:
        """The variant's ``--set`` overrides (by lever name), from the levers moved away from the
        variant scenario's own values."""
        spec = load_scenario(allowed_scenario(self.variant))
        return lever_overrides(self.levers, None, spec)


@dataclass
class CompareOutcome:
    """A finished comparison: the paired differences (one row per metric, as ``allysim compare``
    reports them), the bands of each arm's series, and every replicate's event log."""

    request: CompareRequest
    variant_label: str
    seeds: tuple[int, ...]
    differences: pd.DataFrame
    bands: pd.DataFrame
    events: pd.DataFrame
    start_date: Any
    wall_seconds: float


def run_compare(request: CompareRequest, on_progress: Callable[[int, int], None] | None = None,
                cancelled: Callable[[], bool] = lambda: False,
                pool: Executor | None = None) -> CompareOutcome:
    """Run both arms on common seeds (on local processes, unless ``pool`` is given) and summarise.

    ``on_progress(done, total)`` is called as replicates finish; once ``cancelled()`` is true the
    replicates not yet started are dropped and ``CompareCancelled`` is raised. Bad input (a
    scenario not offered, a bad seed, an unknown metric, a variant that changes nothing) raises
    ``ValueError`` or ``ScenarioError`` with a message for the page.
    """
    if not 2 <= request.replicates <= MAX_REPLICATES:
        raise ValueError(f"replicates must be from 2 to {MAX_REPLICATES}, not {request.replicates}")
    baseline, variant = allowed_scenario(request.baseline), allowed_scenario(request.variant)
    moved = request.overrides()
    if baseline == variant and not moved:
        raise ValueError("the variant is the baseline unchanged: pick another scenario as the variant, "
                         "or move one of the variant's levers")
    t0 = time.perf_counter()
    metrics = tuple(dict.fromkeys((*DEFAULT_METRICS, *request.metrics)))
    plan, scenarios = make_plan(arms(baseline, variant, list(moved.values())), request.replicates,
                                parse_seed(request.seed), metrics, TABLES)

    def progress(done: int, total: int) -> None:
        if cancelled():
            raise CompareCancelled()
        if on_progress is not None:
            on_progress(done, total)

    with nullcontext(pool) if pool is not None else executor() as workers:
        result = run_plan(plan, scenarios, workers, on_done=progress)
    label = request.variant + (" with " + ", ".join(f"{name} {setting.split('=', 1)[1]}"
                                                    for name, setting in moved.items()) if moved else "")
    return CompareOutcome(request, label, plan.seeds, comparison_table(result.metrics),
                          bands(result.tables["states"]), result.tables["events"], scenarios[0].start_date,
                          time.perf_counter() - t0)


def bands(states: pd.DataFrame) -> pd.DataFrame:
    """Each arm's median and 90% band across replicates, by series and day: columns variant,
    series, day, low, median, high (``SERIES`` summed over all states)."""
    totals = (states.groupby(["variant", "replicate", "day"], observed=True)[list(SERIES.values())].sum()
              .rename(columns={column: name for name, column in SERIES.items()}))
    long = totals.melt(ignore_index=False, var_name="series", value_name="people").reset_index()
    grouped = long.groupby(["variant", "series", "day"], observed=True, sort=False)["people"]
    out = grouped.quantile([BAND[0], 0.5, BAND[1]]).unstack()
    out.columns = ["low", "median", "high"]
    return out.reset_index()


def metric_unit(label: str) -> str:
    """The unit of a metric (``peak_refugees_hosted[ALB]`` -> 'people')."""
    return CATALOGUE[label.split("[", 1)[0]].unit


def replicate_events(outcome: CompareOutcome, replicate: int) -> dict[str, list[dict[str, Any]]]:
    """Each arm's event log in one replicate, merged as the single-run mode shows it, newest first."""
    events = outcome.events
    out = {}
    for arm in (BASELINE, VARIANT):
        rows = events[(events["variant"] == arm) & (events["replicate"] == replicate)]
        log = [{"day": int(r.day), "type": r.type, "actor": r.actor, "target": r.target, "origin": r.origin,
                "detail": json.loads(r.detail)} for r in rows.itertuples()]
        out[arm] = merged_events(log, outcome.start_date)
    return out


def scenario_levers(name: str) -> dict[str, dict[str, Any]]:
    """The inputs of the levers that apply to a picker scenario, at its own values."""
    spec = load_scenario(allowed_scenario(name))
    return lever_inputs(applicable(spec), spec)


def metric_hint(name: str) -> str:
    """Metrics worth adding for a picker scenario, as examples: 'decision_day[ALL],
    peak_refugees_hosted[FRN]' (an alliance's decision day when it has one)."""
    spec = load_scenario(allowed_scenario(name))
    hosts = [s.id for s in spec.world.states]
    examples = [f"decision_day[{a.id}]" for a in spec.world.alliances[:1] if a.intervention is not None]
    examples.append(f"peak_refugees_hosted[{hosts[1] if len(hosts) > 1 else hosts[0]}]")
    return ", ".join(examples)


def seed_range(seeds: Sequence[int]) -> str:
    """'11 to 14' for the seeds a comparison ran."""
    return f"{seeds[0]} to {seeds[-1]}" if len(seeds) > 1 else str(seeds[0])
