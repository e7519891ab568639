"""The claims report: one figure per claim and a Markdown page with the verdict table.

Each figure shows, on top, every metric's mean paired difference (variant - baseline) with its
95% interval on an axis of its own, in the metric's unit, beside the smallest effect of interest
on the side the claim expects; below, the claim's ``show`` series in both arms (median and 5-95%
band over replicates).
"""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from analysis.experiment_plots import arm_bands
from analysis.style import number_format

VERDICT_COLOURS = {"supported": "#2ca02c", "contradicted": "#d62728", "inconclusive": "#7f7f7f"}


def claim_figure(rows: pd.DataFrame, states: pd.DataFrame, show: str, title: str = "") -> Figure:
    """The figure of one claim: ``rows`` are its lines of claims.csv, ``states`` the two arms'
    states table (variant, replicate, date, state, ...), ``show`` a column or ``column[STATE]``.

    Each metric has its own axis in its own unit, so a metric whose baseline is 0 (no returns in
    the baseline, say) is drawn as clearly as the others."""
    n = len(rows)
    fig = plt.figure(figsize=(10, 1.1 * n + 1.0 + 3.4), layout="constrained")
    top, bottom = fig.subfigures(2, 1, height_ratios=[1.1 * n + 1.0, 3.4])
    axes = top.subplots(n, 1, squeeze=False)[:, 0]
    for ax, row in zip(axes, rows.itertuples(), strict=True):
        colour = VERDICT_COLOURS[row.verdict]
        ax.plot([row.ci_low, row.ci_high], [0, 0], color=colour, lw=5, zorder=3,
                label="mean difference, paired 95% interval")
        ax.plot(row.difference, 0, "o", color="white", mec=colour, zorder=4)
        target = (-1 if row.expected == "decrease" else 1) * row.smallest_effect
        ax.axvline(target, color="black", lw=1, ls="--", label="smallest effect of interest")
        ax.axvline(0, color="#444444", lw=0.8)
        low, high = min(row.ci_low, target, 0.0), max(row.ci_high, target, 0.0)
        pad = 0.08 * (high - low or 1.0)
        ax.set_xlim(low - pad, high + pad)
        ax.set_yticks([0], [row.metric], fontsize=8)
        ax.xaxis.set_major_formatter(number_format(high - low))
        ax.tick_params(axis="x", labelsize=7)
        ax.annotate(f"{row.verdict} ({row.expected} expected)", (1.01, 0.5),
                    xycoords="axes fraction", va="center", fontsize=8, color=colour)
    axes[0].set_title(title, fontsize=10, loc="left")
    axes[-1].set_xlabel("variant - baseline, in each metric's unit", fontsize=8)
    axes[0].legend(fontsize=7, loc="upper left", bbox_to_anchor=(0, 1.9 if n == 1 else 1.6), ncols=2,
                   frameon=False)
    column, state = _series(show)
    series = bottom.subplots()
    arm_bands(series, states, column, state)
    series.set_title(f"{column}" + (f" in {state}" if state else ", all states"), fontsize=9)
    return fig


def _series(show: str) -> tuple[str, str | None]:
    match = re.fullmatch(r"(\w+)(?:\[(\w+)\])?", show)
    assert match is not None, show  # the claim schema checks the pattern
    return match[1], match[2]


def write_claims_report(table: pd.DataFrame, states: dict[str, pd.DataFrame], shows: dict[str, str],
                        out: Path) -> Path:
    """``out``/report.md and ``out``/figures/<claim>.png; returns the report's path."""
    figures = out / "figures"
    figures.mkdir(parents=True, exist_ok=True)
    lines = ["# Claims", "",
             f"{table['claim'].nunique()} claims, {len(table)} metrics, "
             f"{int(table['replicates'].iloc[0])} paired replicates each. Verdicts: "
             + ", ".join(f"{k} {v}" for k, v in table["verdict"].value_counts().items()) + ".", "",
             "| claim | metric | expected | difference (95% interval) | smallest effect | verdict |",
             "|---|---|---|---|---:|---|"]
    for row in table.itertuples():
        lines.append(f"| [{row.claim}](#{row.claim}) | `{row.metric}` | {row.expected} | "
                     f"{_number(row.difference)} ({_number(row.ci_low)} to {_number(row.ci_high)}) | "
                     f"{_number(row.smallest_effect)} | **{row.verdict}** |")
    for name, rows in table.groupby("claim", sort=False):
        first = rows.iloc[0]
        fig = claim_figure(rows, states[name], shows[name], title=name)
        fig.savefig(figures / f"{name}.png", dpi=110)
        plt.close(fig)
        lines += ["", f"## {name}", "", f"> {first['text'].strip()}", "", f"Source: {first['source']}.",
                  "", f"![{name}](figures/{name}.png)", ""]
        lines += [f"* `{r.metric}`: baseline {_number(r.baseline_mean)}, variant {_number(r.variant_mean)}; "
                  f"**{r.verdict}**: {r.reason}." for r in rows.itertuples()]
    path = out / "report.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _number(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"
