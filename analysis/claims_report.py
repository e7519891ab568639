"""The claims report: one figure per claim and a Markdown page with the verdict table.

Each figure shows, on top, every metric's mean paired difference (variant - baseline) with its
95% interval, in percent of the baseline mean, beside the smallest effect of interest on the
side the claim expects; below, the claim's ``show`` series in both arms (median and 5-95% band
over replicates).
"""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from analysis.experiment_plots import arm_bands

VERDICT_COLOURS = {"supported": "#2ca02c", "contradicted": "#d62728", "inconclusive": "#7f7f7f"}


def claim_figure(rows: pd.DataFrame, states: pd.DataFrame, show: str, title: str = "") -> Figure:
    """The figure of one claim: ``rows`` are its lines of claims.csv, ``states`` the two arms'
    states table (variant, replicate, date, state, ...), ``show`` a column or ``column[STATE]``."""
    n = len(rows)
    upper = n * 0.6 + 1.3
    fig = plt.figure(figsize=(10, upper + 3.4), layout="constrained")
    top, bottom = fig.subfigures(2, 1, height_ratios=[upper, 3.4])
    ax = top.subplots()
    for i, row in enumerate(rows.itertuples()):
        y = n - 1 - i
        scale = max(abs(row.baseline_mean), 1e-12) / 100
        colour = VERDICT_COLOURS[row.verdict]
        ax.plot([row.ci_low / scale, row.ci_high / scale], [y, y], color=colour, lw=4, zorder=3)
        ax.plot(row.difference / scale, y, "o", color="white", mec=colour, zorder=4)
        target = (-1 if row.expected == "decrease" else 1) * row.smallest_effect / scale
        ax.plot([target, target], [y - 0.3, y + 0.3], color="black", lw=1, ls="--", zorder=2,
                label="smallest effect of interest" if i == 0 else None)
        ax.annotate(row.verdict, (1.01, y), xycoords=("axes fraction", "data"), va="center",
                    fontsize=8, color=colour)
    ax.axvline(0, color="#444444", lw=0.8)
    ax.set_yticks(range(n), list(rows["metric"])[::-1], fontsize=8)
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlabel("variant - baseline, % of the baseline mean (mean and paired 95% interval)")
    ax.legend(fontsize=8, loc="lower right")
    ax.set_title(title, fontsize=10, loc="left")
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
