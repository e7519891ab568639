"""Figures of experiments: an ensemble's bands and a comparison, drawn from synthetic
ensembles whose numbers are known."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from analysis.ensembles import Ensemble, series_bands
from analysis.experiment_plots import (
    compare_figure,
    compare_title,
    ensemble_figure,
    save_experiment_plots,
    short_names,
)
from sim.experiments.comparisons import comparison_table

SEEDS = [11, 12, 13, 14]
DATES = pd.date_range("2024-03-01", periods=40, freq="D")


def states_table(variants: dict[str, float]) -> pd.DataFrame:
    """Each variant's replicates: two states whose series grow with the day, the replicate and the
    variant's factor (refugees in the tens of thousands, so that ticks need separators)."""
    day = np.arange(len(DATES))
    frames = []
    for variant, factor in variants.items():
        for replicate, seed in enumerate(SEEDS):
            for state in ("XBM", "XCV"):
                frames.append(pd.DataFrame({
                    "variant": variant, "replicate": replicate, "seed": seed, "date": DATES,
                    "state": state, "refugees_hosted": (factor * 1000 * day * (1 + replicate)).astype(int),
                    "idps": 500 * replicate + day, "returnees": day * replicate}))
    return pd.concat(frames, ignore_index=True).astype({"variant": "string", "state": "string"})


def manifest(variants: list[tuple[str, list[str]]]) -> dict:
    return {"kind": "allysim ensemble", "seeds": SEEDS,
            "variants": [{"name": name, "scenario": "scenarios/toy.yaml", "overrides": overrides}
                         for name, overrides in variants]}


@pytest.fixture
def sweep() -> Ensemble:
    names = ["parameters.movement.camp_weight=1", "parameters.movement.camp_weight=4"]
    states = states_table(dict(zip(names, (1.0, 2.0), strict=True)))
    return Ensemble(Path("grid"), manifest([(n, [n]) for n in names]), pd.DataFrame(), pd.DataFrame(),
                    {"states": states})


@pytest.fixture
def comparison() -> Ensemble:
    states = states_table({"baseline": 1.0, "variant": 0.5})
    rows = [{"variant": arm, "replicate": r, "seed": s, "metric": metric, "value": value}
            for arm, shift in (("baseline", 0.0), ("variant", -2500.0)) for r, s in enumerate(SEEDS)
            for metric, value in (("peak_refugees", 40_000 + 1000 * r + shift + 10 * r * r),
                                  ("returnees_at_end", 0.0 if arm == "baseline" else 3.0 + r))]
    metrics = pd.DataFrame(rows)
    m = manifest([("baseline", []), ("variant", ["world.alliances.0.decision_rule=majority"])])
    return Ensemble(Path("cmp"), m, metrics, pd.DataFrame(), {"states": states},
                    {"compare": comparison_table(metrics)})


def test_ensemble_figure_draws_each_variants_median_and_band(sweep: Ensemble) -> None:
    fig = ensemble_figure(sweep)
    assert [ax.get_title() for ax in fig.axes] == ["Refugees hosted", "IDPs (displaced inside their state)",
                                                   "Returnees (back home)"]
    bands = series_bands(sweep.tables["states"], "refugees_hosted")
    medians = [line for line in fig.axes[0].get_lines() if line.get_linewidth() == 1.8]
    for line, (_, one) in zip(medians, bands.groupby("variant", sort=False), strict=True):
        assert list(line.get_ydata()) == list(one["median"])
    band = fig.axes[0].collections[1].get_paths()[0].vertices[:, 1]  # the second variant's band
    second = bands[bands["variant"] == "parameters.movement.camp_weight=4"]
    assert band.max() == pytest.approx(second["q95"].max())
    title = fig.get_suptitle()
    assert "toy" in title and "2 variants × 4 replicates (seeds 11-14)" in title
    assert "1 Mar 2024 to 9 Apr 2024" in title
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["camp_weight=1", "camp_weight=4"]
    fig.canvas.draw()
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels() if t.get_text()]
    assert any("," in t for t in labels) and not any("e+" in t for t in labels)
    plt.close(fig)


def test_short_names_keep_variants_apart() -> None:
    assert short_names(["a.b=1, c.d=2", "a.b=1, c.d=3"]) == ["b=1, d=2", "b=1, d=3"]
    assert short_names(["x.rate=1", "y.rate=1"]) == ["x.rate=1", "y.rate=1"]  # would look alike
    assert short_names(["baseline"]) == ["baseline"]


def test_compare_figure_shows_each_metric_difference_and_both_arms(comparison: Ensemble) -> None:
    table = comparison.results["compare"]
    title = compare_title(comparison.manifest)
    assert title == "toy: variant (world.alliances.0.decision_rule=majority) vs baseline, 4 paired seeds"
    fig = compare_figure(table, comparison.metrics, comparison.tables["states"], title)
    assert fig.get_suptitle().startswith(title)
    assert "seeds 11-14 in both arms · 1 Mar 2024 to 9 Apr 2024" in fig.get_suptitle()
    rows = {ax.get_yticklabels()[0].get_text(): ax for ax in fig.axes[:len(table)]}
    assert list(rows) == ["peak_refugees", "returnees_at_end"]
    for metric, ax in rows.items():
        row = table.set_index("metric").loc[metric]
        thick = next(line for line in ax.get_lines() if line.get_linewidth() == 5)
        assert list(thick.get_xdata()) == pytest.approx([row["ci_low"], row["ci_high"]])
        low, high = ax.get_xlim()
        assert low <= min(0, row["unpaired_low"]) and high >= max(0, row["unpaired_high"])
    # a baseline of 0 has no share to give, but its difference still has its own axis and numbers
    assert rows["returnees_at_end"].texts[0].get_text().startswith("+4.5\n95%: ")
    assert "(-6.0%)" in rows["peak_refugees"].texts[0].get_text()
    series = fig.axes[len(table):]
    assert [ax.get_title() for ax in series] == ["Refugees hosted, all states",
                                                 "IDPs (displaced inside their state), all states",
                                                 "Returnees (back home), all states"]
    plt.close(fig)


def test_save_experiment_plots_draws_what_suits_the_directory(sweep: Ensemble, comparison: Ensemble,
                                                              tmp_path: Path) -> None:
    assert [f.name for f in save_experiment_plots(sweep, tmp_path / "e")] == ["ensemble.png"]
    assert [f.name for f in save_experiment_plots(comparison, tmp_path / "c")] == ["compare.png"]
    assert (tmp_path / "c" / "compare.png").read_bytes()[:4] == b"\x89PNG"
    bare = Ensemble(Path("m"), sweep.manifest, pd.DataFrame(), pd.DataFrame())
    with pytest.raises(ValueError, match=r"keeps no states table.*--tables states"):
        save_experiment_plots(bare, tmp_path / "m")
    sens = Ensemble(Path("s"), sweep.manifest, pd.DataFrame(), pd.DataFrame(),
                    results={"sensitivity": pd.DataFrame()})
    with pytest.raises(ValueError, match=r"sensitivity analysis.*sensitivity\.png"):
        save_experiment_plots(sens, tmp_path / "s")
