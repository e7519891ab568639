"""The command line end to end, as a user types it, down to loading the outputs in pandas."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from analysis import load_run
from sim.app import cli
from sim.app.cli import INTERNAL_ERROR, app, main
from sim.model import DisplacementModel

runner = CliRunner()

ROOT = Path(__file__).resolve().parents[2]
TOY = ROOT / "scenarios" / "toy.yaml"


def test_run_then_load_with_pandas(tmp_path: Path) -> None:
    result = runner.invoke(app, ["run", str(TOY), "-o", str(tmp_path / "out"),
                                 "--set", "parameters.movement.awareness=2", "--days", "40"])
    assert result.exit_code == 0, result.output
    assert "Wall time" in result.output and "XBM" in result.output
    run = load_run(tmp_path / "out")
    assert run.manifest["days"] == 40
    assert run.states.day.max() == 39 and str(run.states.date.dtype).startswith("datetime64")
    assert set(run.flows.kind) <= {"flight", "onward", "crossing", "return", "blocked"}
    assert run.events.type.tolist()[:2] == ["conflict", "conflict"]
    assert run.event_details().iloc[0] == {"intensity": 0.9}
    assert run.locations.capacity.isna().any() and run.locations.capacity.max() == 20000
    # stocks and states agree
    last = run.stocks[run.stocks.day == 39]
    hosted = last[last.status == "refugee"].groupby("host_state")["count"].sum()
    states = run.states[run.states.day == 39].set_index("state").refugees_hosted
    assert hosted.get("XBM", 0) == states["XBM"]


def test_run_refuses_to_overwrite(tmp_path: Path) -> None:
    out = str(tmp_path / "out")
    assert runner.invoke(app, ["run", str(TOY), "-o", out, "--quiet"]).exit_code == 0
    result = runner.invoke(app, ["run", str(TOY), "-o", out])
    assert result.exit_code == 1 and "--force" in result.output


def test_validate_reports_and_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(Path(str(TOY)).read_text().replace("days: 120", "dayz: 120"))
    result = runner.invoke(app, ["validate", str(TOY), str(bad)])
    assert result.exit_code == 1
    assert "scenarios/toy.yaml: ok" in result.output
    assert "bad.yaml:" in result.output and "did you mean 'days'?" in result.output
    assert "Traceback" not in result.output


def test_run_bad_scenario_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    result = runner.invoke(app, ["run", str(TOY), "--set", "days=0", "-o", str(tmp_path / "x")])
    assert result.exit_code == 1 and "--set days=0" in result.output
    assert not (tmp_path / "x").exists()


def test_schema_is_json_schema() -> None:
    result = runner.invoke(app, ["schema"])
    schema = json.loads(result.output)
    assert schema["title"] == "Scenario" and "world" in schema["properties"]


def test_plot_writes_pngs(tmp_path: Path) -> None:
    runner.invoke(app, ["run", str(TOY), "-o", str(tmp_path / "r"), "--quiet"])
    result = runner.invoke(app, ["plot", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
    pngs = sorted((tmp_path / "r" / "plots").glob("*.png"))
    assert [p.stem for p in pngs] == ["flows_between_states", "idps_returnees", "refugees_by_state"]
    assert all(p.read_bytes()[:4] == b"\x89PNG" for p in pngs)


def test_plot_draws_an_ensemble_and_a_comparison_and_refuses_the_rest(tmp_path: Path) -> None:
    short = ["--replicates", "2", "--jobs", "1", "--set", "days=75", "--metric", "total_fled"]
    assert runner.invoke(app, ["ensemble", str(TOY), *short, "-o", str(tmp_path / "e")]).exit_code == 0
    assert runner.invoke(app, ["compare", str(TOY), *short, "--set", "parameters.displacement.flee_rate=0.02",
                               "-o", str(tmp_path / "c")]).exit_code == 0
    for folder, png in (("e", "ensemble.png"), ("c", "compare.png")):
        result = runner.invoke(app, ["plot", str(tmp_path / folder), "-o", str(tmp_path / f"{folder}-plots")])
        assert result.exit_code == 0, result.output
        assert [p.name for p in (tmp_path / f"{folder}-plots").iterdir()] == [png]
    (tmp_path / "notes").mkdir()
    for target, message in ((tmp_path / "notes", "not an allysim output directory"),
                            (tmp_path / "missing", "does not exist"), (TOY, "not a directory")):
        result = runner.invoke(app, ["plot", str(target)])
        assert result.exit_code == 1 and message in result.output and "Traceback" not in result.output
    into_a_file = runner.invoke(app, ["plot", str(tmp_path / "e"), "-o", str(TOY)])
    assert into_a_file.exit_code == 1 and "is a file; -o names the folder" in into_a_file.output
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "ensemble.png").write_text("my own figure")
    over_mine = runner.invoke(app, ["plot", str(tmp_path / "e"), "-o", str(tmp_path / "mine")])
    assert over_mine.exit_code == 1 and "was not drawn by allysim" in over_mine.output
    assert (tmp_path / "mine" / "ensemble.png").read_text() == "my own figure"


def test_python_dash_m_and_help() -> None:
    done = subprocess.run([sys.executable, "-m", "sim", "run", "--help"], capture_output=True, text=True,
                          check=True)
    assert "--seed" in done.stdout and "--set" in done.stdout and "--force" in done.stdout


def test_help_read_from_a_pipe_is_whole() -> None:
    """Help piped to a pager or a file is neither cut short nor broken where the source wraps."""
    def help_of(*command: str) -> str:
        return subprocess.run([sys.executable, "-m", "sim", *command, "--help"], capture_output=True,
                              text=True, check=True, env={"PATH": "/usr/bin:/bin"}).stdout

    listing = help_of()
    commands = [c.name for c in app.registered_commands if c.name] + [
        c.callback.__name__ for c in app.registered_commands if not c.name]
    assert len(commands) == 13 and all(f"│ {name} " in listing for name in commands)
    group = typer.main.get_command(app)
    for name, command in group.commands.items():  # each paragraph one line: the help wraps it
        assert all("\n" not in part for part in command.help.split("\n\n")), name
    for name in ("run", "score", "ensemble", "sensitivity", "calibrate"):
        text = help_of(name)
        assert "…" not in text, name
    assert "so that an interrupted calibration loses nothing" in help_of("calibrate")


def test_the_installed_allysim_command_runs() -> None:
    command = Path(sys.executable).with_name("allysim")  # the console script of this environment
    done = subprocess.run([str(command), "--version"], capture_output=True, text=True, check=True)
    assert done.stdout.startswith("allysim ")


FIXTURE = ROOT / "tests" / "fixtures" / "flee" / "mali_cut"


def test_run_writes_parquet_on_request(tmp_path: Path) -> None:
    done = runner.invoke(app, ["run", str(TOY), "-o", str(tmp_path / "p"), "--days", "10", "--quiet",
                               "--format", "parquet"])
    assert done.exit_code == 0, done.output
    assert (tmp_path / "p" / "states.parquet").is_file() and not (tmp_path / "p" / "states.csv").exists()
    assert load_run(tmp_path / "p").states.day.max() == 9
    bad = runner.invoke(app, ["run", str(TOY), "-o", str(tmp_path / "x"), "--format", "xml"])
    assert bad.exit_code == 2 and "csv, parquet" in bad.output and not (tmp_path / "x").exists()


@pytest.mark.parametrize("command", [
    ["ensemble", str(TOY), "--replicates", "2", "--set", "days=5", "--jobs", "1"],
    ["compare", str(TOY), "--replicates", "2", "--set", "days=5", "--jobs", "1"],
    ["sensitivity", str(TOY), "--param", "parameters.movement.camp_weight=1:3", "--samples", "2",
     "--set", "days=5", "--jobs", "1"],
    ["claims", "burden-sharing-relieves-frontline", "--replicates", "2", "--jobs", "1"],
    ["backtest", str(FIXTURE)],
], ids=lambda command: command[0])
def test_quiet_prints_only_the_output_directory(command: list[str], tmp_path: Path) -> None:
    """For scripts: one line on stdout, the directory written."""
    out = tmp_path / "out"
    result = runner.invoke(app, [*command, "-o", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{out}\n" and (out / "manifest.json").is_file()


def test_backtest_writes_tables_and_figures(tmp_path: Path) -> None:
    (tmp_path / "_settings").mkdir()  # what a shell glob over the conflict folders also matches
    (tmp_path / "README.md").write_text("# notes")
    out = tmp_path / "bt"
    result = runner.invoke(app, ["backtest", str(FIXTURE), str(tmp_path / "_settings"),
                                 str(tmp_path / "README.md"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "skipped" in result.output and "mali_cut" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["backtest.csv", "camps.csv", "mali_cut.png",
                                                     "manifest.json"]
    again = runner.invoke(app, ["backtest", str(FIXTURE), "-o", str(out)])
    assert again.exit_code == 1 and "--force" in again.output
    folder_rules = runner.invoke(app, ["backtest", str(FIXTURE), "--rules", "folder", "-o", str(out),
                                       "--force"])
    assert folder_rules.exit_code == 0, folder_rules.output
    bad = runner.invoke(app, ["backtest", str(FIXTURE), "--rules", "best", "-o", str(tmp_path / "x")])
    assert bad.exit_code == 1 and "rules must be one of" in bad.output


def test_calibrate_skips_what_a_glob_also_matches_and_writes_its_tables(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# notes")
    out = tmp_path / "cal"
    result = runner.invoke(app, ["calibrate", str(FIXTURE), str(tmp_path / "README.md"), "--mode",
                                 "conflict_driven", "--cv", "none", "--budget", "4", "--jobs", "1",
                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "skipped" in result.output and "README.md" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["calibration.csv", "manifest.json"]


def test_an_interrupted_calibration_resumes_from_its_recorded_fits(tmp_path: Path) -> None:
    ssudan = FIXTURE.parent / "ssudan_cut"
    out = tmp_path / "cal"
    progress = tmp_path / "cal.progress.jsonl"
    plan = {"mode": "conflict_driven", "budget": 4, "cv": "loo",
            "folders": [str(FIXTURE.resolve()), str(ssudan.resolve())]}
    recorded = {"conflict": "mali_cut", "mode": "conflict_driven", "metric": "total_error",
                "in_sample": 0.5, "out_of_sample": 123.0, "fit:flee_rate": 0.01, "fit:intensity_power": 1.0}
    fitted = {"parameters.displacement.flee_rate": 0.01, "parameters.displacement.intensity_power": 1.0}
    entries = [{"plan": plan}, {"all": fitted}, {"fold": recorded}]
    cut_short = '{"fold": {"conflict": "ssudan_c'  # the process stopped while writing it: dropped
    progress.write_text("".join(json.dumps(e) + "\n" for e in entries) + cut_short)
    args = ["calibrate", str(FIXTURE), str(ssudan), "--mode", "conflict_driven", "--budget", "4",
            "--jobs", "1", "-o", str(out)]
    edited = tmp_path / "edited.progress.jsonl"
    edited.write_text(json.dumps(entries[0]) + "\nnot json\n" + json.dumps(entries[1]) + "\n")
    bad_line = runner.invoke(app, [*args[:-1], str(tmp_path / "edited"), "--resume"])
    assert bad_line.exit_code == 1 and f"{edited}:2: not a record of allysim calibrate" in bad_line.output
    refused = runner.invoke(app, args)
    assert refused.exit_code == 1 and "--resume continues it" in refused.output and not out.exists()
    other = runner.invoke(app, [*args[:-4], "--budget", "5", "--jobs", "1", "-o", str(out), "--resume"])
    assert other.exit_code == 1 and "other folders, mode, budget" in other.output
    resumed = runner.invoke(app, [*args, "--resume"])
    assert resumed.exit_code == 0, resumed.output
    cv = pd.read_csv(out / "cv.csv").set_index("conflict")
    assert cv.at["mali_cut", "out_of_sample"] == 123.0  # kept, not fitted again
    assert cv.at["ssudan_cut", "out_of_sample"] != 123.0 and not progress.exists()


def test_backtest_set_overrides_a_rule_value_and_names_itself_when_wrong(tmp_path: Path) -> None:
    def total_error(*extra: str) -> float:
        out = tmp_path / f"bt{len(list(tmp_path.iterdir()))}"
        result = runner.invoke(app, ["backtest", str(FIXTURE), "--mode", "conflict_driven", *extra,
                                     "-o", str(out)])
        assert result.exit_code == 0, result.output
        return float(pd.read_csv(out / "backtest.csv").total_error.iloc[0])

    assert total_error() != total_error("--set", "parameters.displacement.flee_rate=0.001")
    bad = runner.invoke(app, ["backtest", str(FIXTURE), "--set", "parameters.displacment.flee_rate=0.1",
                              "-o", str(tmp_path / "bad")])
    assert bad.exit_code == 1 and "--set parameters.displacment.flee_rate=0.1" in bad.output


def test_backtest_bad_folder_is_a_message(tmp_path: Path) -> None:
    (tmp_path / "broken" / "input_csv").mkdir(parents=True)
    result = runner.invoke(app, ["backtest", str(tmp_path / "broken"), "-o", str(tmp_path / "bt")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "locations.csv" in result.output and not (tmp_path / "bt").exists()


def test_people_the_data_displace_but_nothing_can_give_are_a_warning(tmp_path: Path) -> None:
    ssudan = FIXTURE.parent / "ssudan_cut"  # the data rise on days 1-4; the first conflict is day 5
    bt = runner.invoke(app, ["backtest", str(ssudan), "-o", str(tmp_path / "bt")])
    assert bt.exit_code == 0, bt.output
    assert "warning: ssudan_cut: 58,425 people" in bt.output
    import_flee = runner.invoke(app, ["import-flee", str(ssudan), "-o", str(tmp_path / "ssudan.yaml")])
    assert import_flee.exit_code == 0, import_flee.output
    run = runner.invoke(app, ["run", str(tmp_path / "ssudan.yaml"), "-o", str(tmp_path / "run"),
                              "--quiet"])
    assert run.exit_code == 0, run.output
    assert "warning: 58,425 people" in run.output
    assert json.loads((tmp_path / "run" / "manifest.json").read_text())["unplaced"] == 58425


def test_import_flee_writes_a_valid_scenario(tmp_path: Path) -> None:
    target = tmp_path / "mali.yaml"
    result = runner.invoke(app, ["import-flee", str(FIXTURE), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert runner.invoke(app, ["validate", str(target)]).exit_code == 0
    assert runner.invoke(app, ["import-flee", str(FIXTURE), "-o", str(target)]).exit_code == 1
    folder = runner.invoke(app, ["import-flee", str(FIXTURE), "-o", str(tmp_path), "--force"])
    assert folder.exit_code == 1 and "is a folder" in folder.output


def test_files_outside_the_scenario_folder_need_the_flag(tmp_path: Path) -> None:
    mechanisms = ROOT / "scenarios" / "mechanisms"
    for name in ("frontier-locations.csv", "frontier-routes.csv"):
        (tmp_path / name).write_text((mechanisms / name).read_text())
    (tmp_path / "sub").mkdir()
    text = (mechanisms / "aid.yaml").read_text().replace("frontier-", "../frontier-")
    (tmp_path / "sub" / "aid.yaml").write_text(text)
    refused = CliRunner().invoke(app, ["validate", str(tmp_path / "sub" / "aid.yaml")])
    assert refused.exit_code == 1 and "outside the scenario's folder" in refused.output
    done = CliRunner().invoke(app, ["run", str(tmp_path / "sub" / "aid.yaml"), "--allow-outside-files",
                                    "--days", "3", "-o", str(tmp_path / "run"), "--quiet"])
    assert done.exit_code == 0, done.output


TARGETS = ("quantity,scope,date,value,tolerance,role,source\n"
           "outflow,XAR,2024-03-20,5000,,validation,invented\n"
           "idps,XAR,2024-04-01,5000,0.5,calibration,invented\n")


def test_score_writes_its_csv_beside_the_run_and_replaces_it_only_when_forced(tmp_path: Path) -> None:
    assert runner.invoke(app, ["run", str(TOY), "-o", str(tmp_path / "r"), "--quiet"]).exit_code == 0
    targets = tmp_path / "toy.targets.csv"
    targets.write_text(TARGETS, encoding="utf-8")
    command = ["score", str(tmp_path / "r"), "--targets", str(targets)]
    result = runner.invoke(app, command)
    assert result.exit_code == 0, result.output
    written = tmp_path / "r" / "score-toy.csv"
    table = pd.read_csv(written)
    assert list(table.columns) == ["line", "target", "role", "observed", "simulated", "relative_error",
                                   "tolerance", "within_tolerance", "source"]
    assert table["target"].tolist() == ["outflow[XAR]@2024-03-20", "idps[XAR]@2024-04-01"]
    assert "outflow[XAR]@2024-03-20" in result.output and "in sample" in result.output
    before = written.read_bytes()
    again = runner.invoke(app, command)
    assert again.exit_code == 1 and "already exists" in again.output and "--force" in again.output
    assert written.read_bytes() == before
    assert runner.invoke(app, [*command, "--force"]).exit_code == 0
    assert runner.invoke(app, [*command, "-o", str(tmp_path / "mine.csv")]).exit_code == 0
    assert pd.read_csv(tmp_path / "mine.csv").equals(table)


def test_score_bad_targets_or_directory_is_a_message_and_writes_nothing(tmp_path: Path) -> None:
    ran = runner.invoke(app, ["run", str(TOY), "-o", str(tmp_path / "r"), "--quiet", "--days", "30"])
    assert ran.exit_code == 0
    targets = tmp_path / "toy.targets.csv"
    bad = TARGETS.replace("2024-04-01", "2024-05-01").replace("XAR,2024-03-20", "XRA,2024-03-20")
    targets.write_text(bad, encoding="utf-8")
    result = runner.invoke(app, ["score", str(tmp_path / "r"), "--targets", str(targets)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{targets}:2: scope: 'XRA' is not a state of the run" in result.output
    assert (f"{targets}:3: date: 2024-05-01 is outside the run (expected 2024-03-01 to 2024-03-30)"
            in result.output)
    assert not (tmp_path / "r" / "score-toy.csv").exists()
    nowhere = runner.invoke(app, ["score", str(tmp_path), "--targets", str(targets)])
    assert nowhere.exit_code == 1 and "is not an allysim run directory" in nowhere.output


def test_score_an_ensemble_prints_and_writes_its_band(tmp_path: Path) -> None:
    made = runner.invoke(app, ["ensemble", str(TOY), "--replicates", "2", "--set", "days=75", "--jobs", "1",
                               "--tables", "states,flows,locations", "-o", str(tmp_path / "e")])
    assert made.exit_code == 0, made.output
    targets = tmp_path / "toy.targets.csv"
    targets.write_text(TARGETS, encoding="utf-8")
    result = runner.invoke(app, ["score", str(tmp_path / "e"), "--targets", str(targets)])
    assert result.exit_code == 0, result.output
    assert "90% band" in result.output and "in band" in result.output
    table = pd.read_csv(tmp_path / "e" / "score-toy.csv")
    assert table["replicates"].tolist() == [2, 2] and (table["q05"] <= table["q95"]).all()
    assert set(table.columns) >= {"variant", "median", "q05", "q95", "inside_band"}


def test_a_problem_on_line_100_is_printed_as_a_line_number(tmp_path: Path) -> None:
    """Rich would print ":100:" as an emoji."""
    path = tmp_path / "s.yaml"
    path.write_text("name: x\n" + "".join(f"# {i}\n" for i in range(2, 100)) + "days: -1\n")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code != 0 and "s.yaml:100:1: days" in result.output


def test_an_internal_error_exits_70_and_writes_its_traceback_to_a_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def broken_step(self: DisplacementModel) -> None:
        raise ZeroDivisionError("x" * 5000)

    monkeypatch.setattr(DisplacementModel, "step", broken_step)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(sys, "argv", ["allysim", "run", str(TOY), "-o", str(tmp_path / "out")])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == INTERNAL_ERROR == 70
    message = capsys.readouterr().err
    assert "internal error (ZeroDivisionError)" in message and "Traceback" not in message
    assert "x" * 297 + "..." in message and len(message) < 1000
    [trace] = tmp_path.glob("allysim-error-*.txt")
    assert trace.name in message and "broken_step" in trace.read_text()
    assert not (tmp_path / "out").exists()  # nothing half-written is left


INTERRUPT_ON_IMPORT = """
import os, signal, sys
module, *args = sys.argv[1:]
class Interrupt:  # Ctrl-C just as the module starts loading
    def find_spec(self, name, path=None, target=None):
        if name == module:
            os.kill(os.getpid(), signal.SIGINT)
sys.meta_path.insert(0, Interrupt())
sys.argv = ["allysim", *args]
from sim.__main__ import main
main()
"""


@pytest.mark.parametrize(("module", "args"), [
    ("typer", ["--help"]),  # while the command line itself loads
    ("sim.loading", ["validate", str(TOY)]),  # while a command loads what it uses
])
def test_a_ctrl_c_before_any_work_ends_quietly_with_130(module: str, args: list[str]) -> None:
    """Before a command has started work (and can say what it kept), an interrupt needs no words."""
    proc = subprocess.run([sys.executable, "-c", INTERRUPT_ON_IMPORT, module, *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=60,
                          preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert (proc.returncode, proc.stderr) == (130, ""), proc.stderr[-2000:]


def test_a_ctrl_c_outside_any_command_exits_130(monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """As typer builds the commands, before any of them runs."""
    def interrupted() -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "app", interrupted)
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == 130 and capsys.readouterr().err == ""


def test_a_warning_is_one_line_of_its_own_words(monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """Not Python's two lines naming a source file and its code."""
    def warns() -> None:
        warnings.warn("the samples are few", stacklevel=1)

    monkeypatch.setattr(cli, "app", warns)
    with warnings.catch_warnings():  # (restores the showwarning that main() sets)
        warnings.simplefilter("default")  # shown, not raised as the test suite has them
        main()
    assert capsys.readouterr().err == "warning: the samples are few\n"


def test_a_stopped_experiment_says_what_it_kept_and_resume_finishes_it(tmp_path: Path) -> None:
    """SIGTERM (or Ctrl-C) mid-comparison: exit 130, a line naming the directory and --resume."""
    out = tmp_path / "c"
    args = ["compare", str(TOY), "--set", "parameters.displacement.flee_rate=0.02", "--set", "days=30",
            "--replicates", "20", "--jobs", "1", "-o", str(out)]
    proc = subprocess.Popen([sys.executable, "-m", "sim", *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not (out / "replicates").is_dir() or not any((out / "replicates").iterdir()):
        assert proc.poll() is None and time.monotonic() < deadline, "no replicate finished"
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert f"interrupted: the finished replicates are kept in {out}/; run the same command with " \
        "--resume" in stderr and "Traceback" not in stderr
    assert json.loads((out / "manifest.json").read_text())["status"] == "running"
    again = runner.invoke(app, args)
    assert again.exit_code == 1 and "--resume" in again.output
    finished = runner.invoke(app, [*args, "--resume"])
    assert finished.exit_code == 0, finished.output
    assert len(pd.read_csv(out / "compare.csv")) == 5
