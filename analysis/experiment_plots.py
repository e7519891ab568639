"""Figures of experiments: a paired comparison, and the indices of a sensitivity analysis."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

THOUSANDS = FuncFormatter(lambda x, _: f"{x:,.0f}")
ARMS = {"baseline": "#1f77b4", "variant": "#d62728"}


def compare_figure(table: pd.DataFrame, metrics: pd.DataFrame, states: pd.DataFrame,
                   title: str = "") -> Figure:
    """Top: for each metric, every replicate's difference (variant - baseline) as a dot, the mean
    difference and its paired 95% interval (thick) beside the unpaired one (thin). Bottom:
    refugees hosted and IDPs over time in both arms, median and 5-95% band over replicates."""
    n = len(table)
    upper = max(n, 1) * 0.55 + 1.4
    fig = plt.figure(figsize=(10, upper + 3.6), layout="constrained")
    top, bottom = fig.subfigures(2, 1, height_ratios=[upper, 3.6])
    diffs = top.subplots()
    wide = metrics.pivot_table(index=["metric", "replicate"], columns="variant", values="value",
                               observed=True)
    for i, row in enumerate(table.itertuples()):
        pairs = wide.loc[row.metric]
        scale = max(abs(row.baseline_mean), 1e-12)
        d = (pairs["variant"] - pairs["baseline"]).to_numpy() / scale * 100
        y = n - 1 - i
        jitter = (np.arange(len(d)) % 5 - 2) * 0.04
        diffs.scatter(d, y + 0.18 + jitter, s=9, color="#888888", alpha=0.6, zorder=2)
        diffs.plot([row.unpaired_low / scale * 100, row.unpaired_high / scale * 100], [y - 0.12] * 2,
                   color="#ff7f0e", lw=1.5, zorder=3, label="unpaired 95% interval" if i == 0 else None)
        diffs.plot([row.ci_low / scale * 100, row.ci_high / scale * 100], [y] * 2, color="black", lw=4,
                   zorder=4, label="paired 95% interval" if i == 0 else None)
        diffs.plot(row.difference / scale * 100, y, "o", color="white", mec="black", zorder=5)
    diffs.axvline(0, color="#444444", lw=0.8)
    diffs.set_yticks(range(n), [m for m in table["metric"]][::-1], fontsize=8)
    diffs.set_xlabel("variant - baseline, % of the baseline mean (dots: replicates)")
    diffs.legend(fontsize=8, loc="lower right")
    diffs.set_title(title or "Paired comparison", fontsize=10)
    for ax, (column, label) in zip(bottom.subplots(1, 2), (("refugees_hosted", "refugees hosted, all states"),
                                                            ("idps", "IDPs, all states")), strict=True):
        arm_bands(ax, states, column)
        ax.set_title(label, fontsize=9)
    return fig


def arm_bands(ax: Axes, states: pd.DataFrame, column: str, state: str | None = None) -> None:
    """One column of states.csv over time in each arm (of one state, or summed over every
    state): the median over replicates and the 5-95% band."""
    rows = states if state is None else states[states["state"] == state]
    total = rows.groupby(["variant", "replicate", "date"], observed=True)[column].sum()
    for arm, colour in ARMS.items():
        if arm not in total.index.get_level_values("variant"):
            continue
        per_day = total.xs(arm, level="variant").unstack("replicate")
        q = per_day.quantile([0.05, 0.5, 0.95], axis=1).T
        ax.fill_between(q.index, q[0.05], q[0.95], color=colour, alpha=0.2, lw=0)
        ax.plot(q.index, q[0.5], color=colour, label=f"{arm} (median, 5-95%)")
    ax.yaxis.set_major_formatter(THOUSANDS)
    ax.tick_params(labelsize=7)
    ax.tick_params(axis="x", rotation=30)
    ax.legend(fontsize=7, loc="upper left")


def sensitivity_figure(indices: pd.DataFrame, title: str = "") -> Figure:
    """One panel per metric: Sobol first-order and total indices (or Morris mu*) per parameter,
    with their 95% confidence intervals."""
    metrics = list(dict.fromkeys(indices["metric"]))
    fig, axes = plt.subplots(len(metrics), 1, figsize=(8, 1.2 + 1.9 * len(metrics)), squeeze=False)
    sobol = "S1" in indices.columns
    for ax, metric in zip(axes[:, 0], metrics, strict=True):
        rows = indices[indices["metric"] == metric]
        y = np.arange(len(rows))
        if sobol:
            ax.barh(y + 0.2, rows["S1"], 0.38, xerr=rows["S1_conf"], color="#1f77b4",
                    label="first order (S1)")
            ax.barh(y - 0.2, rows["ST"], 0.38, xerr=rows["ST_conf"], color="#ff7f0e", label="total (ST)")
            ax.set_xlim(left=min(0.0, float((rows["S1"] - rows["S1_conf"]).min())))
        else:
            ax.barh(y, rows["mu_star"], 0.6, xerr=rows["mu_star_conf"], color="#1f77b4", label="mu*")
            ax.xaxis.set_major_formatter(THOUSANDS)
        ax.set_yticks(y, rows["parameter"], fontsize=8)
        ax.set_title(metric, fontsize=9)
        ax.legend(fontsize=7, loc="lower right")
    fig.suptitle(title or ("Sobol indices" if sobol else "Morris screening"), fontsize=10)
    fig.tight_layout()
    return fig
