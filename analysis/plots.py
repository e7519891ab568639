"""Standard figures of a run (``allysim plot RUN_DIR``): each function returns a matplotlib Figure
whose title names the scenario, the seed and the dates of the run."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from PIL import Image

from analysis.loading import Run
from analysis.style import date_axis, date_range, keep_largest, others_label, people_axis
from sim.outputs import allysim_version

# Movements from one state into another, drawn as stacked segments: each person moved is counted
# once per kind (a journey's border crossing is its ``crossing`` row; its ``flight`` row is drawn
# apart, as the share of the crossings that set off from home for that state).
BETWEEN_STATES = {"crossing": ("crossed the border (flight or onward journey)", "#1f77b4"),
                  "return": ("set off home (return)", "#2ca02c"),
                  "relocation": ("relocated (burden sharing)", "#9467bd"),
                  "resettlement": ("resettled", "#8c564b"),
                  "evacuation": ("evacuated", "#e377c2"),
                  "economic": ("economic migration", "#7f7f7f"),
                  "deportation": ("deported (expedited return)", "#bcbd22"),
                  "interception": ("turned back by patrols", "#17becf"),
                  "death": ("died on the crossing", "#000000")}
STATE_FLOW_KINDS = ("flight", *BETWEEN_STATES)


def run_caption(run: Run) -> str:
    """"kosovo-1999 · seed 1999 · 24 Mar 1999 to 21 Jul 1999" (with the --set overrides, if any)."""
    scenario = run.manifest.get("scenario", {})
    name = str(scenario.get("name", "run"))
    overrides = scenario.get("overrides") or []
    if overrides:
        name += f" ({', '.join(overrides)})"
    return f"{name} · seed {run.manifest.get('seed', '?')} · {date_range(run.states['date'])}"


def _title(fig: Figure, what: str, run: Run) -> None:
    fig.suptitle(f"{what}\n{run_caption(run)}", fontsize=11)


def refugees_by_state(run: Run, top: int = 7) -> Figure:
    """Refugees hosted by each state over time: the ``top - 1`` largest hosts at their peak by
    name, the other hosts summed as one "others" line."""
    wide = run.states.pivot(index="date", columns="state", values="refugees_hosted")
    wide = wide.loc[:, wide.max() > 0]
    keep = keep_largest(wide.max(), top)
    fig, ax = plt.subplots(figsize=(10, 5), layout="constrained")
    for state in keep:
        ax.plot(wide.index, wide[state], label=str(state))
    rest = wide.columns.difference(keep)
    if len(rest):
        ax.plot(wide.index, wide[rest].sum(axis=1), color="#7f7f7f", linestyle="--",
                label=others_label(len(rest), "state"))
    ax.set_ylabel("refugees hosted (people)")
    ax.set_ylim(bottom=0)
    people_axis(ax)
    date_axis(ax)
    if len(wide.columns):
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small", title="host state")
    else:
        ax.text(0.5, 0.5, "no state hosted refugees", transform=ax.transAxes, ha="center")
    _title(fig, "Refugees hosted by state", run)
    return fig


def idps_and_returnees(run: Run) -> Figure:
    """Everyone displaced inside their state, hosted abroad, back home, and (when any are) moved
    on by relocation or resettlement so far: totals over all states."""
    totals = run.states.groupby("date")[["idps", "refugees_hosted", "returnees", "relocated_in_cum",
                                         "resettled_out_cum"]].sum()
    series = {"idps": "IDPs (displaced inside their state)", "refugees_hosted": "refugees (all hosts)",
              "returnees": "returnees (back home)", "relocated_in_cum": "relocated so far",
              "resettled_out_cum": "resettled or evacuated so far"}
    fig, ax = plt.subplots(figsize=(10, 5), layout="constrained")
    for column, label in series.items():
        if column in ("idps", "refugees_hosted", "returnees") or totals[column].any():
            ax.plot(totals.index, totals[column], label=label,
                    linestyle=":" if column.endswith("_cum") else "-")
    ax.set_ylabel("people, all states")
    ax.set_ylim(bottom=0)
    people_axis(ax)
    date_axis(ax)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small")
    _title(fig, "Displaced and returned people", run)
    return fig


def state_flows(run: Run) -> pd.DataFrame:
    """People moved from one state into another over the whole run: ``from_state, to_state,
    kind, count``, one row per state pair and kind, largest first.

    Only movements between two different states are kept, of the kinds in ``STATE_FLOW_KINDS``:
    border crossings, flights that set off for another state, returns, transfers and economic
    moves. Moves inside a state and onward journeys (whose border crossings are the ``crossing``
    rows) are left out, and so are people ``blocked`` at a border (they did not move)."""
    f = run.flows
    between = f[(f["from_state"] != f["to_state"]) & f["kind"].isin(STATE_FLOW_KINDS)]
    totals = between.groupby(["from_state", "to_state", "kind"], observed=True)["count"].sum()
    return (totals.sort_values(ascending=False, kind="stable").reset_index()
            .astype({"count": "int64"}))


def flows_between_states(run: Run, top: int = 12, points: int = 10) -> Figure:
    """Left: people moved from each state into another, summed over the run, by kind of movement
    (the ``top - 1`` largest state pairs by name, the others summed). Right: the border crossing
    points most people crossed at. Moves inside a state are left out; a note says how many."""
    flows = state_flows(run)
    wide = flows[flows["kind"] != "flight"].pivot_table(index=["from_state", "to_state"], columns="kind",
                                                        values="count", aggfunc="sum", fill_value=0)
    flights = flows[flows["kind"] == "flight"].set_index(["from_state", "to_state"])["count"]
    kinds = [k for k in BETWEEN_STATES if k in wide.columns]
    keep = keep_largest(wide.sum(axis=1), top)
    rest = wide.index.difference(keep, sort=False)
    rows = wide.loc[keep, kinds]
    labels = [f"{a} → {b}" for a, b in keep]
    flown = flights.reindex(keep, fill_value=0).to_numpy()
    if len(rest):
        rows = pd.concat([rows, wide.loc[rest, kinds].sum().to_frame().T])
        labels.append(others_label(len(rest), "pair"))
        flown = [*flown, int(flights.reindex(rest, fill_value=0).sum())]
    fig, (pairs, crossings) = plt.subplots(1, 2, figsize=(14, max(4.5, 0.42 * len(labels) + 2.2)),
                                           layout="constrained", width_ratios=[1.25, 1])
    y = range(len(labels))[::-1]
    left = pd.Series(0, index=range(len(labels)), dtype="int64")
    for kind in kinds:
        text, colour = BETWEEN_STATES[kind]
        values = rows[kind].to_numpy()
        pairs.barh(list(y), values, left=left.to_numpy(), color=colour, label=text, height=0.7)
        left += values
    if len(labels) and any(flown):
        pairs.barh(list(y), flown, color="#08306b", height=0.22,
                   label="of which: fled straight from home to this state")
    for yy, total in zip(y, left, strict=True):
        pairs.annotate(f"{total:,}", (total, yy), xytext=(3, 0), textcoords="offset points",
                       va="center", fontsize=8)
    pairs.set_yticks(list(y), labels, fontsize=9)
    pairs.set_xlabel("people, summed over the run")
    pairs.set_title("Between states (from → into)", fontsize=10)
    pairs.set_xlim(0, max(1, int(left.max()) if len(left) else 1) * 1.15)
    people_axis(pairs, "x")
    if labels:
        pairs.legend(loc="best", fontsize=8)  # the bars are sorted: there is room at the bottom
    else:
        pairs.text(0.5, 0.5, "nobody moved between states", transform=pairs.transAxes, ha="center")
    _crossing_points(crossings, run.flows, points)
    f = run.flows
    within = f[(f["from_state"] == f["to_state"]) & f["kind"].isin(["flight", "onward"])]
    within = within.groupby("kind")["count"].sum()
    blocked = int(f.loc[f["kind"] == "blocked", "count"].sum())
    fig.supxlabel(f"Not drawn: moves inside a state ({int(within.get('flight', 0)):,} flights, "
                  f"{int(within.get('onward', 0)):,} onward moves) and people stopped at closed borders "
                  f"or roads ({blocked:,}). Onward journeys into another state count as their border "
                  "crossings.", fontsize=8, color="#444444")
    _title(fig, "Flows between states", run)
    return fig


def _crossing_points(ax: Axes, flows: pd.DataFrame, top: int) -> None:
    """The border crossings most people went through, location to location."""
    crossed = flows[flows["kind"] == "crossing"]
    totals = (crossed.groupby(["from_location", "to_location", "from_state", "to_state"], observed=True)
              ["count"].sum().sort_values(ascending=False, kind="stable").head(top)[::-1])
    labels = [f"{a} → {b} ({sa} → {sb})" for a, b, sa, sb in totals.index]
    ax.barh(labels, totals.to_numpy(), color="#1f77b4", height=0.7)
    for yy, total in enumerate(totals.to_numpy()):
        ax.annotate(f"{total:,}", (total, yy), xytext=(3, 0), textcoords="offset points", va="center",
                    fontsize=8)
    ax.tick_params(axis="y", labelsize=8)
    ax.set_xlabel("people who crossed there, summed over the run")
    ax.set_title(f"Busiest border crossing points (top {len(totals)})", fontsize=10)
    ax.set_xlim(0, max(1, int(totals.max()) if len(totals) else 1) * 1.18)
    people_axis(ax, "x")
    if totals.empty:
        ax.text(0.5, 0.5, "no border was crossed", transform=ax.transAxes, ha="center")


PLOTS = {"refugees_by_state": refugees_by_state, "idps_returnees": idps_and_returnees,
         "flows_between_states": flows_between_states}


DRAWN_BY = "allysim"  # the PNG's Software tag: a figure allysim drew, which it may draw again


def save_figures(figures: dict[str, Figure], out_dir: Path) -> list[Path]:
    """Write each figure as ``out_dir/<name>.png`` and close it; returns the files written.

    An existing file is replaced only if allysim drew it, or if it is in the ``plots`` folder of
    an allysim output directory; otherwise nothing is written and FileExistsError names it.
    """
    taken = [file for name in figures if not _replaceable(file := out_dir / f"{name}.png")]
    if taken:
        for fig in figures.values():
            plt.close(fig)
        raise FileExistsError(f"{taken[0]} exists and was not drawn by allysim; choose another folder "
                              "or move the file")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, fig in figures.items():
        file = out_dir / f"{name}.png"
        fig.savefig(file, dpi=110, metadata={"Software": f"{DRAWN_BY} {allysim_version()}"})
        plt.close(fig)
        written.append(file)
    return written


def _replaceable(file: Path) -> bool:
    if not file.exists():
        return True
    if file.parent.name == "plots" and (file.parent.parent / "manifest.json").is_file():
        return True  # an output directory's own figures (drawn before PNGs carried the tag too)
    try:
        with Image.open(file) as image:
            return str(image.info.get("Software", "")).startswith(DRAWN_BY)
    except (OSError, ValueError):  # not an image at all
        return False


def save_run_plots(run: Run, out_dir: Path) -> list[Path]:
    """Write every standard figure of a run as PNG; returns the files written."""
    return save_figures({name: make(run) for name, make in PLOTS.items()}, out_dir)
