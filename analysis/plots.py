"""Standard figures of a run (used by `allysim plot`): each function returns a matplotlib Figure."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from analysis.loading import Run


def refugees_by_state(run: Run, top: int = 8) -> Figure:
    """Refugees hosted by each state over time (the states hosting most at their peak)."""
    wide = run.states.pivot(index="date", columns="state", values="refugees_hosted")
    keep = wide.max().sort_values(ascending=False).index[:top]
    fig, ax = plt.subplots(figsize=(9, 5))
    for state in keep:
        if wide[state].max() > 0:
            ax.plot(wide.index, wide[state], label=str(state))
    ax.set(title="Refugees hosted by state", ylabel="people", xlabel="date")
    ax.legend(loc="upper left", fontsize="small")
    fig.autofmt_xdate()
    return fig


def idps_and_returnees(run: Run) -> Figure:
    """Everyone internally displaced, and everyone back home, over time."""
    daily = run.states.groupby("date")[["idps", "returnees"]].sum()
    refugees = run.states.groupby("date")["refugees_hosted"].sum()
    fig, ax = plt.subplots(figsize=(9, 5))
    ax.plot(daily.index, daily["idps"], label="IDPs")
    ax.plot(refugees.index, refugees, label="refugees (all hosts)")
    ax.plot(daily.index, daily["returnees"], label="returnees")
    ax.set(title="Displacement and returns", ylabel="people", xlabel="date")
    ax.legend(loc="upper left")
    fig.autofmt_xdate()
    return fig


def largest_flows(run: Run, top: int = 15) -> Figure:
    """The location-to-location movements that carried most people over the whole run."""
    moves = run.flows[run.flows["kind"].isin(["flight", "onward", "return", "relocation",
                                               "resettlement", "evacuation"])]
    totals = (moves.groupby(["from_location", "to_location", "kind"])["count"].sum()
              .sort_values(ascending=False).head(top)[::-1])
    labels = [f"{a} → {b} ({k})" for a, b, k in totals.index]
    fig, ax = plt.subplots(figsize=(9, max(3.0, 0.35 * len(totals) + 1)))
    ax.barh(labels, totals.to_numpy())
    ax.set(title=f"Largest flows (top {len(totals)})", xlabel="people")
    fig.tight_layout()
    return fig


PLOTS = {"refugees_by_state": refugees_by_state, "idps_returnees": idps_and_returnees,
         "largest_flows": largest_flows}


def save_run_plots(run: Run, out_dir: Path) -> list[Path]:
    """Write every standard figure as PNG; returns the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, make in PLOTS.items():
        fig = make(run)
        file = out_dir / f"{name}.png"
        fig.savefig(file, dpi=110, bbox_inches="tight")
        plt.close(fig)
        written.append(file)
    return written
