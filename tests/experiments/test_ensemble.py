"""Ensembles, comparisons and sensitivity analyses, in process (one job) on the toy world."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from analysis import load_ensemble, load_run
from analysis.loading import OutputFileError
from sim.app.cli import app
from sim.app.runner import run_to_directory
from sim.experiments import compare, ensemble, sensitivity
from sim.experiments.ensembles import EnsembleError, variants_of
from sim.experiments.executors import ExecutorError
from sim.experiments.sensitivity_analysis import SensitivityError

ROOT = Path(__file__).resolve().parents[2]
TOY = ROOT / "scenarios" / "toy.yaml"
CLAIMS = ROOT / "scenarios" / "claims"
FLEE_CUT = ROOT / "tests" / "fixtures" / "flee" / "mali_cut"
SWEEP = "parameters.movement.awareness=1,2"


def test_sweeps_make_every_combination() -> None:
    variants = variants_of(TOY, ["days=75"], [SWEEP, "parameters.returns.return_rate=0.01,0.05,0.1"])
    assert len(variants) == 6
    assert variants[0].overrides == ("days=75", "parameters.movement.awareness=1",
                                     "parameters.returns.return_rate=0.01")
    assert variants_of(TOY, [], ["world.states.0.border={policy: managed, capacity: 5}"])[0].overrides \
        == ("world.states.0.border={policy: managed, capacity: 5}",)
    with pytest.raises(EnsembleError, match=r"dotted\.path=a,b,c"):
        variants_of(TOY, [], ["awareness"])
    for typo, empty in (("1,,2", "value 2 of 3"), ("1,2,", "value 3 of 3"), (",", "value 1 of 2")):
        with pytest.raises(EnsembleError, match=f"{empty} is empty"):
            variants_of(TOY, [], [f"parameters.movement.awareness={typo}"])
    # two variants of one name would be mixed up in the tables
    with pytest.raises(EnsembleError, match="1 given more than once"):
        variants_of(TOY, [], ["parameters.movement.awareness=1,2,1"])
    with pytest.raises(EnsembleError, match="swept twice"):
        variants_of(TOY, [], [SWEEP, "parameters.movement.awareness=3"])


def test_a_replicate_reproduces_alone_with_allysim_run(tmp_path: Path) -> None:
    result = ensemble(TOY, 2, seed=5, overrides=["days=75"], sweep=[SWEEP], jobs=1, out=tmp_path / "e")
    assert result.plan.seeds == (5, 6)
    manifest = json.loads((tmp_path / "e" / "manifest.json").read_text())
    variant = manifest["variants"][1]
    assert variant["reproduce"].endswith("--set 'days=75' --set 'parameters.movement.awareness=2'")
    alone = load_run(run_to_directory(TOY, tmp_path / "alone", seed=6, overrides=list(variant["overrides"]))
                     .directory)
    kept = load_ensemble(tmp_path / "e").tables["states"]
    mine = kept[(kept["variant"] == variant["name"]) & (kept["replicate"] == 1)]
    pd.testing.assert_frame_equal(mine.drop(columns=["variant", "replicate", "seed"]).reset_index(drop=True),
                                  alone.states)
    assert set(result.summary["variant"]) == {"parameters.movement.awareness=1",
                                              "parameters.movement.awareness=2"}


def test_an_ensemble_directory_is_never_overwritten_by_accident(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    with pytest.raises(EnsembleError, match="not an ensemble directory"):
        ensemble(TOY, 1, overrides=["days=75"], jobs=1, out=mine, force=True)
    assert (mine / "notes.txt").read_text() == "keep me"
    ensemble(TOY, 1, overrides=["days=75"], jobs=1, out=tmp_path / "e")
    with pytest.raises(EnsembleError, match="--resume"):
        ensemble(TOY, 1, overrides=["days=75"], jobs=1, out=tmp_path / "e")
    with pytest.raises(EnsembleError, match="different ensemble"):
        ensemble(TOY, 2, overrides=["days=75"], jobs=1, out=tmp_path / "e", resume=True)
    (tmp_path / "e" / "manifest.json").write_text('{"kind": "allysim ens')  # cut short: not ours to judge
    for how in ({"resume": True}, {"force": True}):
        with pytest.raises(EnsembleError, match=r"no readable ensemble manifest\.json"):
            ensemble(TOY, 1, overrides=["days=75"], jobs=1, out=tmp_path / "e", **how)
    assert (tmp_path / "e" / "metrics.parquet").is_file()


def test_resume_says_when_there_is_nothing_to_resume(tmp_path: Path) -> None:
    """A mistyped -o with --resume would run the whole experiment again without a word."""
    (tmp_path / "empty").mkdir()
    for out in (tmp_path / "new", tmp_path / "empty"):
        with pytest.warns(UserWarning, match=f"--resume: {out} holds no ensemble, so nothing is resumed"):
            ensemble(TOY, 1, overrides=["days=5"], jobs=1, out=out, resume=True)
        assert (out / "metrics.parquet").is_file()


def test_compare_pairs_the_seeds_and_sees_a_real_difference() -> None:
    result = compare(TOY, overrides=["days=75", "parameters.displacement.flee_rate=0.02"],
                     replicates=4, metrics=["total_fled", "peak_refugees_hosted[XBM]"], jobs=1)
    table = result.table.set_index("metric")
    assert set(result.ensemble.metrics["seed"]) == set(result.ensemble.plan.seeds)
    assert table.at["total_fled", "ci_low"] > 0  # doubling the flee rate: more people flee
    assert table.at["total_fled", "n"] == 4


def test_a_variant_cannot_set_its_own_seed(tmp_path: Path) -> None:
    """The plan's seeds would silently replace it: the comparison would be of nothing."""
    with pytest.raises(EnsembleError, match="a variant cannot set its own; pass --seed"):
        compare(TOY, overrides=["seed=4"], replicates=2, jobs=1)
    with pytest.raises(EnsembleError, match="a variant cannot set its own"):
        ensemble(TOY, 2, sweep=["seed=1,2"], jobs=1, out=tmp_path / "e")
    with pytest.raises(EnsembleError, match="a variant cannot set its own"):
        sensitivity(TOY, ["seed=1:5"], samples=2, jobs=1, out=tmp_path / "s")
    with pytest.raises(SensitivityError, match="flee_rate is given more than once"):
        sensitivity(TOY, ["parameters.displacement.flee_rate=0.002:0.02",
                          "parameters.displacement.flee_rate=0.003:0.01"], samples=2, jobs=1)
    alike = ensemble(TOY, 1, overrides=["seed=4", "days=5"], jobs=1, out=tmp_path / "common")
    assert alike.plan.seeds == (4,)  # a seed common to every variant starts the seeds, as --seed
    assert not (tmp_path / "e").exists() and not (tmp_path / "s").exists()


def test_a_sensitivity_range_is_refused_by_its_ends_as_given(tmp_path: Path) -> None:
    """Not by whichever sampled value the field refuses first (flee_rate=4.253076750443317)."""
    with pytest.raises(SensitivityError, match=r"--param parameters\.displacement\.flee_rate=0\.001:5\.0: "
                       r"the high end is refused: found 5\.0; input should be less than or equal to 1"):
        sensitivity(TOY, ["parameters.displacement.flee_rate=0.001:5"], samples=2, jobs=1, out=tmp_path / "s")
    with pytest.raises(SensitivityError, match="awareness=0:3: the low end is refused: found 0"):
        sensitivity(TOY, ["parameters.movement.awareness=0:3"], samples=2, jobs=1)
    with pytest.raises(SensitivityError, match="nosuch=0:1: the low end is refused: unknown field 'nosuch'"):
        sensitivity(TOY, ["nosuch=0:1"], samples=2, jobs=1)
    assert not (tmp_path / "s").exists()


def test_the_python_api_keeps_the_command_line_bounds(tmp_path: Path) -> None:
    with pytest.raises(ExecutorError, match="--jobs 0: expected 1 or more"):
        ensemble(TOY, 1, overrides=["days=5"], jobs=0)
    with pytest.raises(EnsembleError, match="2 or more pairs"):
        compare(TOY, overrides=["days=5"], replicates=1, jobs=1)
    # one string is one setting, not a sequence of characters
    result = ensemble(TOY, 1, overrides="days=5", sweep=SWEEP, metrics="total_fled", tables="states", jobs=1)
    assert set(result.summary["variant"]) == {"parameters.movement.awareness=1",
                                              "parameters.movement.awareness=2"}
    assert set(result.metrics["metric"]) == {"total_fled"} and set(result.tables) == {"states"}


def test_sensitivity_ranks_a_parameter_that_matters(tmp_path: Path) -> None:
    result = sensitivity(TOY, ["parameters.displacement.flee_rate=0.002:0.02",
                               "parameters.movement.awareness=1:3"], samples=4, overrides=["days=75"],
                         metrics=["total_fled"], jobs=1, out=tmp_path / "s")
    st = result.indices.set_index("parameter")["ST"]
    assert st["parameters.displacement.flee_rate"] > st["parameters.movement.awareness"]
    assert set(result.samples["parameters.movement.awareness"]) <= {1, 2, 3}
    assert len(result.samples) == 4 * (2 + 2)
    assert (tmp_path / "s" / "sensitivity.csv").is_file()


def test_a_sensitivity_analysis_repeats_exactly_and_says_when_its_samples_are_uneven() -> None:
    """The confidence intervals' bootstrap is seeded by --seed, its default 0 included; Sobol
    samples that are not a power of 2 are said once, in allysim's words."""
    def indices(samples: int) -> pd.DataFrame:
        return sensitivity(TOY, ["parameters.displacement.flee_rate=0.002:0.02"], samples=samples,
                           overrides=["days=30"], metrics=["total_fled"], jobs=1).indices

    pd.testing.assert_frame_equal(indices(4), indices(4))
    with pytest.warns(UserWarning) as said:
        indices(3)
    assert [str(w.message) for w in said] == [
        "--samples 3 is not a power of 2 (try 2 or 4): Sobol' samples are evenly spread only for powers "
        "of 2, so the indices are less accurate"]


def test_the_commands_write_tables_and_figures(tmp_path: Path) -> None:
    runner = CliRunner()
    common = ["--set", "days=75", "--jobs", "1"]
    done = runner.invoke(app, ["ensemble", str(TOY), "--replicates", "2", "--sweep", SWEEP, *common,
                               "--metric", "peak_refugees_hosted[XBM]", "-o", str(tmp_path / "e")])
    assert done.exit_code == 0, done.output
    summary = pd.read_csv(tmp_path / "e" / "metrics_summary.csv")
    assert set(summary["metric"]) == {"peak_refugees_hosted[XBM]"} and len(summary) == 2
    done = runner.invoke(app, ["compare", str(TOY), "--replicates", "3", *common, "--set",
                               "parameters.displacement.flee_rate=0.02", "-o", str(tmp_path / "c")])
    assert done.exit_code == 0, done.output
    assert {"compare.csv", "compare.png"} <= {f.name for f in (tmp_path / "c").iterdir()}
    # Printed to a pipe, the table keeps its natural width: a metric and its intervals on one line.
    row = next(line for line in done.output.splitlines() if "returnees_at_end" in line)
    assert row.count(" to ") == 2 and row.rstrip().endswith("x │"), done.output
    flee_rate = "parameters.displacement.flee_rate=0.002:0.02"
    done = runner.invoke(app, ["sensitivity", str(TOY), "--param", flee_rate, "--samples", "2", *common,
                               "-o", str(tmp_path / "s")])
    assert done.exit_code == 0, done.output
    assert (tmp_path / "s" / "sensitivity.png").is_file()


@pytest.mark.parametrize("args", [
    ["ensemble", str(TOY), "--metric", "peak_refugees_hosted[XXX]"],
    ["compare", str(TOY), "--jobs", "1"],
    ["sensitivity", str(TOY), "--param", "parameters.movement.camp_weight=4:1"],
    ["ensemble", str(TOY), "--sweep", "parameters.movement.awareness"],
    # more than one experiment may plan, refused before anything is built
    ["ensemble", str(TOY), "--replicates", "1000000000"],
    ["ensemble", str(TOY), "--sweep", "parameters.movement.awareness=" + ",".join(map(str, range(400))),
     "--sweep", "days=" + ",".join(map(str, range(10, 410)))],
    ["compare", str(TOY), "--set", "days=20", "--replicates", "200000"],
    ["sensitivity", str(TOY), "--param", "parameters.displacement.flee_rate=0.002:0.02",
     "--samples", "10000000"],
    ["claims", "--claims", str(CLAIMS), "--replicates", "1000000000"],
    ["backtest", str(FLEE_CUT), "--replicates", "1000000000"],
    # a seed past 64-bit integers, more local processes than the cores can use, no such scheduler
    ["ensemble", str(TOY), "--seed", str(10**25), "--replicates", "2"],
    ["ensemble", str(TOY), "--jobs", "100000", "--replicates", "2"],
    ["calibrate", str(FLEE_CUT), "--jobs", "100000"],
    ["ensemble", str(TOY), "--scheduler", "not-an-address", "--replicates", "2"],
    # a variant's own seed, a field given two ranges
    ["compare", str(TOY), "--set", "seed=4", "--replicates", "2"],
    ["sensitivity", str(TOY), "--param", "parameters.displacement.flee_rate=0.002:0.02",
     "--param", "parameters.displacement.flee_rate=0.003:0.01", "--samples", "2"],
])
def test_bad_experiments_are_messages_not_tracebacks(args: list[str], tmp_path: Path) -> None:
    done = CliRunner().invoke(app, [*args, "-o", str(tmp_path / "x")])
    assert done.exit_code == 1 and "Traceback" not in done.output and "error" in done.output
    assert not (tmp_path / "x").exists() and not list(tmp_path.glob("*.progress.jsonl"))


def test_morris_keeps_whole_numbers_inside_their_range() -> None:
    ranges = ["parameters.movement.awareness=1:3", "parameters.returns.return_rate=0.01:0.05"]
    result = sensitivity(TOY, ranges, method="morris", samples=4, overrides=["days=75"],
                         metrics=["total_fled"], jobs=1)
    assert set(result.samples["parameters.movement.awareness"]) <= {1, 2, 3}
    assert {"mu_star", "mu_star_conf", "sigma"} <= set(result.indices.columns)


def test_resume_refuses_an_edited_scenario(tmp_path: Path) -> None:
    scenario = tmp_path / "toy.yaml"
    scenario.write_text(TOY.read_text())
    ensemble(scenario, 1, overrides=["days=75"], jobs=1, out=tmp_path / "e")
    scenario.write_text(TOY.read_text().replace("days: 120", "days: 121"))
    with pytest.raises(EnsembleError, match="changed since the ensemble"):
        ensemble(scenario, 1, overrides=["days=75"], jobs=1, out=tmp_path / "e", resume=True)


def test_a_damaged_ensemble_directory_is_named(tmp_path: Path) -> None:
    ensemble(TOY, 1, overrides=["days=10"], tables=["states"], jobs=1, out=tmp_path / "e")
    (tmp_path / "e" / "states.parquet").write_bytes(b"cut short")
    with pytest.raises(OutputFileError, match=r"states\.parquet: cannot be read as documented"):
        load_ensemble(tmp_path / "e")
    done = CliRunner().invoke(app, ["plot", str(tmp_path / "e")])
    assert done.exit_code == 1 and "states.parquet: cannot be read" in done.output
