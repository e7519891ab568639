"""Figures of experiments: the key series of an ensemble with their bands, a paired comparison,
and the indices of a sensitivity analysis.

``save_experiment_plots(load_ensemble(DIR), OUT)`` draws what suits the directory
(``allysim plot`` does this): a comparison's figure for an ``allysim compare`` directory, the
series bands for any other ensemble that kept its states table."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from analysis.ensembles import Ensemble, series_bands
from analysis.plots import save_figures
from analysis.style import (
    date_axis,
    date_range,
    number_format,
    people_axis,
    seed_span,
    seeds_text,
)

ARMS = {"baseline": "#1f77b4", "variant": "#d62728"}
KEY_SERIES = {"refugees_hosted": "Refugees hosted", "idps": "IDPs (displaced inside their state)",
              "returnees": "Returnees (back home)"}
BAND_LABEL = "median and 90% band over replicates"


def ensemble_figure(ensemble: Ensemble, series: dict[str, str] = KEY_SERIES) -> Figure:
    """One panel per series (refugees hosted, IDPs, returnees, all states), one line per variant:
    the median over replicates and the 90% band (``series_bands``)."""
    states = _states(ensemble)
    variants = list(dict.fromkeys(states["variant"]))
    labels = dict(zip(variants, short_names(variants), strict=True))
    colours = {v: f"C{i % 10}" for i, v in enumerate(variants)}
    alpha = 0.25 if len(variants) <= 2 else 0.12
    fig, axes = plt.subplots(1, len(series), figsize=(5 * len(series), 4.8), layout="constrained",
                             squeeze=False)
    for ax, (column, title) in zip(axes[0], series.items(), strict=True):
        bands = series_bands(states, column)
        handles = [draw_band(ax, one, colours[variant], alpha)
                   for variant, one in bands.groupby("variant", sort=False, observed=True)]
        ax.set_title(title, fontsize=10)
        ax.set_ylim(bottom=0)
        people_axis(ax)
        date_axis(ax)
    axes[0, 0].set_ylabel("people, all states")
    names = [labels[v] for v in variants]
    fig.legend(handles, names, loc="outside lower center", ncols=min(len(names), 3), fontsize=9,
               title=f"variant: {BAND_LABEL}" if len(variants) > 1 else BAND_LABEL, title_fontsize=9)
    counts = f"{len(variants)} variants × " if len(variants) > 1 else ""
    fig.suptitle(f"Ensemble: {BAND_LABEL}\n{ensemble_scenario(ensemble.manifest)} · {counts}"
                 f"{seeds_text(states['seed'])} · {date_range(states['date'])}", fontsize=11)
    return fig


def draw_band(ax: Axes, bands: pd.DataFrame, colour: str, alpha: float = 0.2) -> tuple:
    """One variant's rows of ``series_bands``: the median as a line, the 90% band shaded and
    edged with thin dashes (so that overlapping bands stay apart); returns a legend handle."""
    band = ax.fill_between(bands["date"], bands["q05"], bands["q95"], color=colour, alpha=alpha, lw=0)
    for edge in ("q05", "q95"):
        ax.plot(bands["date"], bands[edge], color=colour, lw=0.6, ls="--", alpha=0.8)
    (line,) = ax.plot(bands["date"], bands["median"], color=colour, lw=1.8)
    return band, line


def short_names(variants: list[str]) -> list[str]:
    """Variant names as a legend can hold them: each ``a.b.c=value`` setting by its last part
    (``c=value``), unless that makes two variants look alike."""
    def short(name: str) -> str:
        return ", ".join(part.split("=", 1)[0].rsplit(".", 1)[-1] + "=" + part.split("=", 1)[1]
                         if "=" in part else part for part in name.split(", "))
    shortened = [short(v) for v in variants]
    return shortened if len(set(shortened)) == len(variants) else list(variants)


def ensemble_scenario(manifest: dict) -> str:
    """The scenario (file name without .yaml) the ensemble's variants ran."""
    stems = dict.fromkeys(Path(v["scenario"]).stem for v in manifest.get("variants", []))
    return " vs ".join(stems) or "ensemble"


def compare_title(manifest: dict) -> str:
    """The headline ``allysim compare`` gives its figure, rebuilt from the directory's manifest."""
    baseline, variant = manifest["variants"][:2]
    what = [Path(variant["scenario"]).stem] if variant["scenario"] != baseline["scenario"] else []
    what += variant.get("overrides", [])
    return (f"{Path(baseline['scenario']).stem}: variant ({', '.join(what)}) vs baseline, "
            f"{len(manifest['seeds'])} paired seeds")


def compare_figure(table: pd.DataFrame, metrics: pd.DataFrame, states: pd.DataFrame,
                   title: str = "") -> Figure:
    """Top: one row per metric, on an axis of its own in the metric's unit: every replicate's
    difference (variant - baseline) as a dot, the mean difference with its paired 95% interval
    (thick) and the unpaired one (thin), and the numbers beside it. Bottom: refugees hosted, IDPs
    and returnees over time in both arms, median and 90% band over replicates."""
    n = len(table)
    upper = 0.62 * n + 0.5
    fig = plt.figure(figsize=(12, upper + 4.2), layout="constrained")
    top, bottom = fig.subfigures(2, 1, height_ratios=[upper, 4.2])
    rows = top.subplots(n, 1, squeeze=False)[:, 0]
    wide = metrics.pivot_table(index=["metric", "replicate"], columns="variant", values="value",
                               observed=True)
    for ax, row in zip(rows, table.itertuples(), strict=True):
        _difference_row(ax, row, (wide.loc[row.metric, "variant"] - wide.loc[row.metric, "baseline"]))
    rows[0].legend(*_difference_legend(), loc="lower left", bbox_to_anchor=(0, 1.02), ncols=4,
                   fontsize=8, frameon=False)
    rows[-1].set_xlabel("variant - baseline, in each metric's unit (dots: the paired replicates)",
                        fontsize=8)
    panels = bottom.subplots(1, len(KEY_SERIES))
    for ax, (column, label) in zip(panels, KEY_SERIES.items(), strict=True):
        handles, names = arm_bands(ax, states, column, legend=False)
        ax.set_title(f"{label}, all states", fontsize=9)
    panels[0].set_ylabel("people")
    bottom.legend(handles, names, loc="outside lower center", ncols=2, fontsize=8)
    fig.suptitle(f"{title or 'Variant vs baseline'}\nseeds {seed_span(metrics['seed'])} in both arms · "
                 f"{date_range(states['date'])}", fontsize=11)
    return fig


def _difference_row(ax: Axes, row, differences: pd.Series) -> None:
    """One metric's paired differences, mean, paired and unpaired 95% intervals, on its own axis."""
    d = differences.dropna().to_numpy()
    jitter = (np.arange(len(d)) % 5 - 2) * 0.06
    ax.scatter(d, 0.3 + jitter, s=10, color="#888888", alpha=0.7, zorder=2)
    ax.plot([row.unpaired_low, row.unpaired_high], [-0.2, -0.2], color="#ff7f0e", lw=1.5, zorder=3)
    ax.plot([row.ci_low, row.ci_high], [0, 0], color="black", lw=5, zorder=4)
    ax.plot(row.difference, 0, "o", color="white", mec="black", zorder=5)
    ax.axvline(0, color="#444444", lw=0.8)
    values = [0.0, *d, row.ci_low, row.ci_high, row.unpaired_low, row.unpaired_high]
    low, high = np.nanmin(values), np.nanmax(values)
    pad = 0.05 * (high - low or 1.0)
    ax.set_xlim(low - pad, high + pad)
    ax.set_ylim(-0.5, 0.75)
    ax.set_yticks([0], [row.metric], fontsize=8)
    ax.xaxis.set_major_formatter(number_format(high - low))
    ax.tick_params(axis="x", labelsize=7)
    share = f" ({row.difference / row.baseline_mean:+.1%})" if row.baseline_mean else ""
    ax.annotate(f"{_signed(row.difference)}{share}\n95%: {_signed(row.ci_low)} to {_signed(row.ci_high)}",
                (1.01, 0.5), xycoords="axes fraction", va="center", fontsize=8)


def _difference_legend() -> tuple[list, list[str]]:
    handles = [plt.Line2D([], [], color="black", lw=5, marker="o", mfc="white", mec="black"),
               plt.Line2D([], [], color="#ff7f0e", lw=1.5),
               plt.Line2D([], [], ls="", marker="o", color="#888888", markersize=4)]
    return handles, ["mean difference, paired 95% interval", "unpaired 95% interval",
                     "one replicate pair"]


def _signed(x: float) -> str:
    if x != x:  # NaN
        return "-"
    return f"{x:+,.0f}" if abs(x) >= 100 else f"{x:+.3g}"


def arm_bands(ax: Axes, states: pd.DataFrame, column: str, state: str | None = None,
              legend: bool = True) -> tuple[list, list[str]]:
    """One column of states.csv over time in each arm (of one state, or summed over every
    state): the median over replicates and the 90% band. Returns the legend's handles and
    names (drawn on ``ax`` too unless ``legend`` is False)."""
    bands = series_bands(states, column, state)
    handles, names = [], []
    for arm, colour in ARMS.items():
        one = bands[bands["variant"] == arm]
        if not one.empty:
            handles.append(draw_band(ax, one, colour))
            names.append(f"{arm}: {BAND_LABEL}")
    ax.set_ylim(bottom=0)
    people_axis(ax)
    date_axis(ax)
    ax.tick_params(labelsize=7)
    if legend:
        ax.legend(handles, names, fontsize=7, loc="upper left")
    return handles, names


def sensitivity_figure(indices: pd.DataFrame, title: str = "") -> Figure:
    """One panel per metric: Sobol first-order and total indices (or Morris mu*) per parameter,
    with their 95% confidence intervals."""
    metrics = list(dict.fromkeys(indices["metric"]))
    fig, axes = plt.subplots(len(metrics), 1, figsize=(8, 0.8 + 1.9 * len(metrics)), squeeze=False)
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
            ax.xaxis.set_major_formatter(number_format(float((rows["mu_star"] + rows["mu_star_conf"]).max())))
        ax.set_yticks(y, rows["parameter"], fontsize=8)
        ax.set_title(metric, fontsize=9)
    # one legend for every panel, under the title and above the panels (placed in inches)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    handles.append(Line2D([], [], color="black"))
    labels.append("95% confidence interval")
    height = fig.get_figheight()
    fig.suptitle(title or ("Sobol indices" if sobol else "Morris screening"), fontsize=10,
                 y=1 - 0.08 / height, va="top")
    fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 1 - 0.32 / height),
               ncol=len(labels), fontsize=8, frameon=False)
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.6 / height))
    return fig


def save_experiment_plots(ensemble: Ensemble, out_dir: Path) -> list[Path]:
    """``compare.png`` for a comparison, ``ensemble.png`` (the series bands) for any other
    ensemble directory; returns the files written."""
    if "sensitivity" in ensemble.results:
        raise ValueError(f"{ensemble.path} is a sensitivity analysis: its figure is sensitivity.png, "
                         "drawn by allysim sensitivity (it keeps no series to draw)")
    if "compare" in ensemble.results:
        figure = compare_figure(ensemble.results["compare"], ensemble.metrics, _states(ensemble),
                                compare_title(ensemble.manifest))
        return save_figures({"compare": figure}, out_dir)
    return save_figures({"ensemble": ensemble_figure(ensemble)}, out_dir)


def _states(ensemble: Ensemble) -> pd.DataFrame:
    if "states" not in ensemble.tables:
        raise ValueError(f"{ensemble.path} keeps no states table, so there are no series to draw: "
                         "run the ensemble again with --tables states (the default keeps it)")
    return ensemble.tables["states"]
