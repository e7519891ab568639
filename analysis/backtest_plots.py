"""Backtest figures: per conflict, simulated against observed counts at every camp over time.

``save_backtest_plots(camps, out)`` writes one PNG per conflict (``<conflict>.png``) from the
camps table of a backtest (camps.csv: conflict, replicate, day, date, camp, simulated, observed):
one small panel per camp with the observed series, the median over replicates and the band
between the lowest and highest replicate.
"""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis.style import date_axis, date_range, people_axis


def conflict_figure(camps: pd.DataFrame, conflict: str, summary: pd.Series | None = None) -> Figure:
    """Small multiples, one per camp, for one conflict."""
    df = camps[camps["conflict"] == conflict]
    if df.empty:
        raise ValueError(f"no rows for conflict {conflict!r}")
    dates = pd.to_datetime(df["date"])
    df = df.assign(date=dates)
    names = list(dict.fromkeys(df["camp"]))
    cols = min(4, len(names))
    rows = math.ceil(len(names) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.6 * cols, 2.6 * rows + 1.0), squeeze=False,
                             sharex=True, layout="constrained")
    replicates = df["replicate"].nunique()
    for ax, camp in zip(axes.ravel(), names, strict=False):
        one = df[df["camp"] == camp]
        wide = one.pivot(index="date", columns="replicate", values="simulated")
        observed = one[one["replicate"] == one["replicate"].min()].set_index("date")["observed"]
        if replicates > 1:
            ax.fill_between(wide.index, wide.min(axis=1), wide.max(axis=1), color="tab:blue",
                            alpha=0.25, linewidth=0, label="simulated (replicate range)")
        ax.plot(wide.index, wide.median(axis=1), color="tab:blue", linewidth=1.2,
                label="simulated (median)" if replicates > 1 else "simulated")
        ax.plot(observed.index, observed.to_numpy(), color="black", linewidth=1.2,
                linestyle="--", label="observed (UNHCR)")
        ax.set_title(str(camp), fontsize=9)
        ax.tick_params(labelsize=7)
        # counts from day 0 (camps that start empty) fall below 0 where a camp shrank
        ax.set_ylim(bottom=min(0.0, 1.05 * float(np.nanmin(observed.to_numpy()))))
        people_axis(ax)
        date_axis(ax)
    for ax in axes.ravel()[len(names):]:
        ax.axis("off")
    title = (f"{conflict}: simulated vs observed people per camp\n{replicates} replicate"
             f"{'s' if replicates != 1 else ''} · {date_range(df['date'])}")
    if summary is not None:
        title += (f" · ARD {summary['ard']:.3f}, rescaled {summary['ard_rescaled']:.3f}, "
                  f"total error {summary['total_error']:.3f}")
    fig.suptitle(title, fontsize=10)
    handles, labels = axes.ravel()[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=3, fontsize=8, frameon=False)
    return fig


def save_backtest_plots(camps: pd.DataFrame, out: str | Path,
                        summary: pd.DataFrame | None = None) -> list[Path]:
    """One PNG per conflict in ``out``; returns the paths."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for conflict in dict.fromkeys(camps["conflict"]):
        row = None
        if summary is not None and (summary["conflict"] == conflict).any():
            row = summary[summary["conflict"] == conflict].iloc[0]
        fig = conflict_figure(camps, str(conflict), row)
        path = out / f"{conflict}.png"
        fig.savefig(path, dpi=110)
        plt.close(fig)
        paths.append(path)
    return paths


def plot_backtest_dir(directory: str | Path) -> list[Path]:
    """Figures for a backtest output directory (reads camps.csv and backtest.csv there)."""
    directory = Path(directory)
    camps = pd.read_csv(directory / "camps.csv")
    summary_path = directory / "backtest.csv"
    summary = pd.read_csv(summary_path) if summary_path.exists() else None
    return save_backtest_plots(camps, directory, summary)
