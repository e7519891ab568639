"""Compare mode: pick a baseline and a variant, run both on common seeds in the background, and
see the two arms over time (median and 90% band), the paired differences and one replicate's
decisions.

The runs go to local worker processes (``sim.experiments``), so the page stays responsive; the
job lives in ``Page`` (``use_compare_job``), so it keeps running while the single-run mode is
shown.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt
import solara
from solara.lab import Task

from sim.app.dashboard import markup
from sim.app.dashboard.compare import (
    MAX_REPLICATES,
    CompareCancelled,
    CompareOutcome,
    CompareRequest,
    metric_hint,
    metric_unit,
    replicate_events,
    run_compare,
    scenario_levers,
    seed_range,
)
from sim.app.dashboard.inputs import ParameterInputs, parameter_values
from sim.app.dashboard.live_vega import Drawing, LiveChart, vega_spec
from sim.app.dashboard.words import event_table
from sim.experiments.comparisons import BASELINE, VARIANT
from sim.scenario import ScenarioError

ARM_COLOURS = {BASELINE: "#1f77b4", VARIANT: "#d62728"}
DEFAULT_REPLICATES = 10


@dataclass(frozen=True, eq=False)
class CompareJob:
    """The page's comparison: the form's values (kept while the single-run tab is shown), the
    background task, its progress (runs done, total) and the flag that cancels it."""

    baseline: solara.Reactive[str]
    variant: solara.Reactive[str]
    levers: solara.Reactive[dict[str, dict[str, Any]]]  # each variant scenario's lever values
    replicates: solara.Reactive[int]
    seed: solara.Reactive[str]
    metrics: solara.Reactive[str]
    task: Task
    progress: solara.Reactive[tuple[int, int]]
    stop: threading.Event

    def start(self, levers: dict[str, Any]) -> None:
        extra = tuple(m.strip() for m in self.metrics.value.split(",") if m.strip())
        request = CompareRequest(self.baseline.value, self.variant.value, levers, self.replicates.value,
                                 self.seed.value, extra)
        self.stop.clear()
        self.progress.set((0, 2 * request.replicates))
        self.task(request)


def use_compare_job(start_with: str) -> CompareJob:
    """The compare mode's state, and a comparison that runs in a thread of its own (its
    replicates in worker processes); both scenarios start as ``start_with``."""
    progress = solara.use_reactive((0, 0))
    stop = solara.use_memo(threading.Event, dependencies=[])

    def compare(request: CompareRequest) -> CompareOutcome:
        return run_compare(request, on_progress=lambda done, total: progress.set((done, total)),
                           cancelled=stop.is_set)

    task = solara.lab.use_task(compare, dependencies=None, raise_error=False)  # type: ignore[arg-type]
    form = (solara.use_reactive(start_with), solara.use_reactive(start_with), solara.use_reactive({}),
            solara.use_reactive(DEFAULT_REPLICATES), solara.use_reactive(""), solara.use_reactive(""))
    return solara.use_memo(lambda: CompareJob(*form, task, progress, stop), dependencies=[task])


def bands_spec(validate: bool = False) -> dict[str, Any]:
    """Refugees, IDPs and returnees over time, one panel each: each arm's median (line) and the
    band holding 90% of its replicates."""
    colour = alt.Color("variant:N", title="arm", scale=alt.Scale(domain=list(ARM_COLOURS),
                                                                 range=list(ARM_COLOURS.values())),
                       legend=alt.Legend(orient="top"))
    day = alt.X("day:Q", title="day", axis=alt.Axis(format="d"))
    people = {"title": "people", "axis": alt.Axis(format=",.0f", tickCount=4, minExtent=52)}
    base = alt.Chart()
    band = base.mark_area(opacity=0.22).encode(x=day, y=alt.Y("low:Q", **people), y2="high:Q", color=colour)
    line = base.mark_line(strokeWidth=2).encode(
        x=day, y=alt.Y("median:Q", **people), color=colour,
        tooltip=[alt.Tooltip("variant:N", title="arm"), alt.Tooltip("series:N"), alt.Tooltip("day:Q"),
                 alt.Tooltip("median:Q", format=",.0f"), alt.Tooltip("low:Q", title="5%", format=",.0f"),
                 alt.Tooltip("high:Q", title="95%", format=",.0f")])
    points = base.mark_point(size=40, opacity=0).encode(x=day, y="median:Q", tooltip=line.encoding.tooltip)
    chart = (alt.layer(band, line, points, data=alt.Data(name="bands")).properties(width=680, height=140)
             .facet(row=alt.Row("series:N", title=None, sort=["refugees", "IDPs", "returnees"],
                                header=alt.Header(labelFontSize=13, labelFontWeight="bold", labelAngle=0,
                                                  labelAlign="left", labelAnchor="start", labelOrient="top")))
             .resolve_scale(y="independent").configure_view(stroke="#dddddd"))
    return vega_spec(chart, validate)


def differences_html(outcome: CompareOutcome) -> str:
    """Each metric: the arms' means, the mean paired difference with its 95% interval, and the
    unpaired interval beside it (as ``allysim compare`` prints them); rows whose paired interval
    leaves out 0 are shaded."""
    rows, classes = [], []
    for r in outcome.differences.itertuples():
        clear = r.ci_low > 0 or r.ci_high < 0
        rows.append([r.metric, metric_unit(r.metric), _number(r.baseline_mean), _number(r.variant_mean),
                     _number(r.difference), f"{_number(r.ci_low)} to {_number(r.ci_high)}",
                     f"{_number(r.unpaired_low)} to {_number(r.unpaired_high)}", f"{r.pairing_gain:.1f}×",
                     ("higher" if r.ci_low > 0 else "lower") if clear else "no clear difference"])
        classes.append("clear-difference blue lighten-5" if clear else "")
    return markup.table(["Metric", "Unit", "Baseline", "Variant", "Difference", "Paired 95% interval",
                         "Unpaired 95%", "Pairing gain", "Variant is"], rows, row_classes=classes,
                        numeric=range(2, 8), css_class="allysim-differences")


def _number(x: float) -> str:
    if x != x:  # NaN
        return "–"
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.3g}"


# ---------------------------------------------------------------------------------------------
# Components


@solara.component
def CompareControls(choices: Sequence[str], job: CompareJob) -> None:
    """The sidebar: the two arms, the variant's levers, replicates and first seed; Run and Cancel."""
    variant = job.variant.value
    levers = solara.use_memo(lambda: _loaded(scenario_levers, variant), dependencies=[variant])
    baseline = job.baseline.value
    hint = solara.use_memo(lambda: _loaded(metric_hint, baseline), dependencies=[baseline])
    values = job.levers.value.get(variant) or parameter_values(levers or {})
    running = job.task.pending
    with solara.Sidebar(), solara.Column(), solara.Card("Comparison"):
        solara.Select("Baseline", value=job.baseline, values=list(choices))
        solara.Select("Variant", value=job.variant, values=list(choices))
        if levers is None:
            solara.Error(f"The variant {variant!r} could not be loaded; pick another scenario.")
        elif levers:
            solara.v.Html(tag="div", children=["Variant levers (moved ones change the variant)"],
                          class_="caption mt-2")
            ParameterInputs(levers, values, lambda new: job.levers.set({**job.levers.value, variant: new}))
        solara.SliderInt(f"Replicates (paired seeds): {job.replicates.value}", value=job.replicates, min=2,
                         max=MAX_REPLICATES, step=1)
        solara.InputText("First seed (blank: the baseline's)", value=job.seed)
        solara.InputText("Extra metrics (comma-separated)", value=job.metrics)
        if hint:
            solara.v.Html(tag="div", children=[f"for example {hint}; docs/outputs.md lists them all"],
                          class_="caption grey--text text--darken-1")
        with solara.Row():
            solara.Button("Run comparison", color="primary", on_click=lambda: job.start(values),
                          disabled=running or levers is None)
            solara.Button("Cancel", on_click=job.stop.set, disabled=not running)


def _loaded[T](read: Callable[[str], T], name: str) -> T | None:
    """What ``read`` makes of a picker scenario; ``None`` if the scenario cannot be loaded."""
    try:
        return read(name)
    except (ScenarioError, ValueError):
        return None


@solara.component
def CompareProgress(job: CompareJob) -> None:
    """Replicates done, while the comparison runs."""
    done, total = job.progress.value
    solara.ProgressLinear(value=100 * done / total if total else True)
    cancelling = "; cancelling after the runs under way" if job.stop.is_set() else ""
    solara.Text(f"Running: {done} of {total} runs done ({total // 2} seeds × 2 arms, in worker processes)"
                f"{cancelling}. The single-run tab stays usable meanwhile.")


@solara.component
def CompareResults(outcome: CompareOutcome, on_open: Callable[[str, int], None]) -> None:
    """The two arms over time, the paired differences, and one replicate's decisions."""
    request = outcome.request
    replicate = solara.use_reactive(0)
    drawing = solara.use_memo(lambda: Drawing(bands_spec(), {"bands": outcome.bands.to_dict("records")}),
                              dependencies=[outcome])
    events = solara.use_memo(lambda: replicate_events(outcome, replicate.value),
                             dependencies=[outcome, replicate.value])
    seeds = outcome.seeds
    solara.HTML(tag="div", unsafe_innerHTML=markup.line(
        "Compared", f"baseline {request.baseline} · variant {outcome.variant_label} · {len(seeds)} paired "
        f"seeds ({seed_range(seeds)}), the same in both arms · {outcome.wall_seconds:.0f} s"))
    with solara.Card(margin=0, classes=["mb-3"]):
        solara.v.Html(tag="div", children=["Differences: variant − baseline, paired 95% intervals"],
                      class_="allysim-panel-title")
        solara.HTML(tag="div", unsafe_innerHTML=differences_html(outcome))
        solara.HTML(tag="div", unsafe_innerHTML=markup.line(
            "How to read it", "means over the replicates; the paired interval compares each seed's two "
            "runs (shaded rows: it leaves out 0, so the variant is clearly higher or lower); the unpaired "
            "interval is what independent seeds would give; pairing gain: how many times narrower pairing "
            "makes it"))
    with solara.Card(margin=0, classes=["mb-3"]):
        solara.v.Html(tag="div", children=["Over time: median (line) and 90% of the replicates (band)"],
                      class_="allysim-panel-title")
        with solara.v.Html(tag="div", class_="allysim-bands"):
            LiveChart(drawing)
    with solara.Card(margin=0):
        solara.v.Html(tag="div", children=["Decisions and events in one replicate"],
                      class_="allysim-panel-title")
        labels = [f"replicate {i + 1} (seed {s})" for i, s in enumerate(seeds)]
        solara.Select("Replicate", value=labels[replicate.value], values=labels,
                      on_value=lambda label: replicate.set(labels.index(label)))
        with solara.Columns([6, 6]):
            for arm, name in ((BASELINE, request.baseline), (VARIANT, outcome.variant_label)):
                with solara.Column():
                    solara.HTML(tag="div", unsafe_innerHTML=markup.line(arm.capitalize(), name))
                    solara.Button(f"Watch the {arm} of seed {seeds[replicate.value]} in the single run",
                                  text=True, color="primary",
                                  on_click=lambda arm=arm: on_open(arm, seeds[replicate.value]))
                    solara.HTML(tag="div", unsafe_innerHTML=event_table(events[arm]) if events[arm]
                                else markup.line("Events", "none"))


@solara.component
def CompareMode(choices: Sequence[str], job: CompareJob,
                on_open: Callable[[CompareRequest, str, int], None]) -> None:
    """The compare mode: controls in the sidebar, progress or results in the main area."""
    CompareControls(choices, job)
    solara.v.Html(tag="div", children=["Compare two runs on the same seeds"], class_="allysim-run-title")
    task = job.task
    if task.pending:
        CompareProgress(job)
    elif task.error:
        exc = task.exception
        if isinstance(exc, CompareCancelled):
            solara.Warning("The comparison was cancelled.")
        elif isinstance(exc, ScenarioError | ValueError):
            with solara.Error(label="The comparison could not start"):
                solara.Preformatted(str(exc))
        else:
            raise exc  # a bug: Solara shows it
    elif task.finished and task.value is not None:
        outcome: CompareOutcome = task.value
        CompareResults(outcome, lambda arm, seed: on_open(outcome.request, arm, seed))
    else:
        solara.Info("Pick a baseline and a variant in the sidebar (another scenario, or the same one with "
                    "levers moved), the number of replicates, then Run comparison. Both arms run on the same "
                    "seeds in worker processes, so each seed's two runs differ only by the variant; the page "
                    "stays usable meanwhile.")
