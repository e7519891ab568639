"""The ``allysim`` command line (also ``python -m sim``).

This module is the application layer: it ties the model to post-processing (``analysis``) for
commands such as ``plot``. Each command imports what it uses (the model, pandas, the statistics,
figures, the dashboard) when it runs, so that ``--help``, a usage error or a light command such
as ``validate`` answers without loading the rest.
"""

from __future__ import annotations

import inspect
import json
import os
import sys
import tempfile
import time
import traceback
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer
import typer.rich_utils
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from sim.app.signals import sigterm_as_interrupt
from sim.experiments.defaults import CLAIMS_FOLDER, DEFAULT_REPLICATES, DEFAULT_TABLES
from sim.outputs import (
    BACKTEST,
    CALIBRATION,
    CLAIMS,
    ENSEMBLE,
    RUN,
    RUN_TABLES,
    OutputError,
    allysim_version,
    check_target,
    output_kind,
    write_atomically,
    write_json,
)

if TYPE_CHECKING:
    from analysis import scoring
    from sim.app.runner import RunResult
    from sim.experiments.ensembles import EnsembleResult, Plan

app = typer.Typer(
    help="allysim: what-if simulations of alliance-driven displacement.",
    epilog="Exit codes: 0 success, 1 invalid input (a located message), 2 usage error, 70 internal "
           "error (a short message; the traceback is written to a file it names).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


HELP_PIPE_WIDTH = 120  # --help to a pipe or a file: wide enough that no example is cut short
if not sys.stdout.isatty() and "TERMINAL_WIDTH" not in os.environ:
    typer.rich_utils.MAX_WIDTH = HELP_PIPE_WIDTH


def _version(value: bool) -> None:
    if value:
        print(f"allysim {allysim_version()}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                       help="Print the version and exit.")] = False,
) -> None:
    """allysim: what-if simulations of alliance-driven displacement."""
# emoji=False: ":100:" in a message is a line number, not an emoji code
out = Console(highlight=False, soft_wrap=True, emoji=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)
PIPE_WIDTH = 200  # where tables print to a pipe or a file: wide enough for every column


def _table(title: str, columns: Sequence[str], labels: Sequence[str]) -> Table:
    """A table with ``labels`` columns left-aligned and the others (numbers, intervals, dates)
    right-aligned. On a narrow terminal cells wrap at spaces or fold: nothing is cut off."""
    table = Table(title=title)
    for col in columns:
        table.add_column(col, justify="left" if col in labels else "right", overflow="fold")
    return table


def _show(*tables: Table) -> None:
    """Print tables at the terminal's width; a pipe or a file has none, so there they keep their
    natural width (up to PIPE_WIDTH)."""
    shown = out if out.is_terminal else Console(highlight=False, soft_wrap=True, emoji=False,
                                                width=PIPE_WIDTH)
    for table in tables:
        shown.print(table)


OutsideOption = Annotated[bool, typer.Option("--allow-outside-files", help="Let the scenario name "
                          "CSV files or a Flee folder outside its own folder.")]
SetOption = Annotated[list[str] | None, typer.Option("--set", help="Override a field in every run: "
                      "dotted.path=value (repeatable).")]
MetricOption = Annotated[list[str] | None, typer.Option("--metric", help="A metric from the catalogue "
                         "(docs/outputs.md#metrics), e.g. 'peak_refugees_hosted[ALB]' (repeatable); "
                         "default: total_fled, peak_refugees, peak_idps, displaced_days, "
                         "returnees_at_end.")]
JobsOption = Annotated[int | None, typer.Option(min=1, help="Local worker processes (default: every "
                       "core; 1 runs in this process).")]
SchedulerOption = Annotated[str | None, typer.Option(help="A Dask scheduler to run on instead of local "
                            "processes, e.g. tcp://10.0.0.5:8786 (docs/ensembles.md).")]
ForceOption = Annotated[bool, typer.Option(help="Replace an existing ensemble directory.")]
QuietOption = Annotated[bool, typer.Option(help="Print only the output directory (warnings and errors "
                        "still go to stderr).")]


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(message, markup=False)
    return typer.Exit(code)


INTERRUPTED = 130  # the shell's code for a command stopped by Ctrl-C (128 + SIGINT)


@contextmanager
def _interruptible(kept: str) -> Iterator[None]:
    """Ctrl-C, or SIGTERM, ends the command with exit 130 and a line saying what was ``kept``."""
    try:
        with sigterm_as_interrupt():
            yield
    except KeyboardInterrupt:
        raise _fail(f"interrupted: {kept}", INTERRUPTED) from None


def _resumable(out: Path | None) -> str:
    if out is None:
        return "nothing was kept (no output directory)"
    return (f"the finished replicates are kept in {out}/; run the same command with --resume to "
            "finish it")


@app.command()
def run(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Run directory to write; "
                      "default: runs/<scenario name> (a free name is chosen).")] = None,
    seed: Annotated[int | None, typer.Option(help="Override the scenario's seed.")] = None,
    days: Annotated[int | None, typer.Option(min=1, help="Run this many days instead of the "
                    "scenario's, as --set days=N (events after the end are left out).")] = None,
    set_: Annotated[list[str] | None, typer.Option("--set", help="Override any field: "
                    "dotted.path=value (repeatable), e.g. parameters.movement.awareness=2.")] = None,
    force: Annotated[bool, typer.Option(help="Replace an existing run directory.")] = False,
    quiet: QuietOption = False,
    plot_: Annotated[bool, typer.Option("--plot", help="Also draw the standard figures into "
                     "<run dir>/plots.")] = False,
    allow_outside_files: OutsideOption = False,
    table_format: Annotated[str, typer.Option("--format", help="Table files: csv or parquet (the same "
                            "tables and columns; analysis.load_run reads either).")] = "csv",
) -> None:
    """Simulate a scenario and write its outputs (tables and manifest.json) to a run directory."""
    from sim.app.runner import TABLE_FORMATS
    from sim.scenario import ScenarioError

    command = "allysim " + " ".join(sys.argv[1:])
    if table_format not in TABLE_FORMATS:
        raise _fail(f"error: --format {table_format!r}: expected one of {', '.join(TABLE_FORMATS)}", 2)
    try:
        with _interruptible("nothing was written (an existing run directory is unchanged)"):
            result = _run_with_progress(scenario, output, seed, days, set_ or [], force, quiet, command,
                                        allow_outside_files, table_format)
    except ScenarioError as exc:
        raise _fail(str(exc)) from None
    except OutputError as exc:
        raise _fail(f"error: {exc}") from None
    if result.model.unplaced:
        err.print(f"warning: {result.model.unplaced:,} people the observed data count as newly "
                  "displaced could not be placed (no location in conflict, or none with residents "
                  "left); see the unplaced rows of events.csv", markup=False)
    if plot_:
        _save_plots(result.directory, result.directory / "plots")
    if quiet:
        out.print(str(result.directory), markup=False)
        return
    _print_summary(result)
    if plot_:
        out.print(f"Figures: {result.directory / 'plots'}/", markup=False)


def _run_with_progress(scenario: Path, output: Path | None, seed: int | None, days: int | None,
                       overrides: list[str], force: bool, quiet: bool, command: str,
                       allow_outside: bool, table_format: str) -> RunResult:
    """One run to its directory, with a progress bar on a terminal."""
    from sim.app.runner import run_to_directory

    if quiet or not out.is_terminal:
        if not quiet:
            out.print(f"Running {scenario} ...")
        return run_to_directory(scenario, output, seed=seed, days=days, overrides=overrides, force=force,
                                command=command, allow_outside=allow_outside,
                                table_format=table_format)
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("days"), TimeElapsedColumn(), console=out) as bar:
        task = bar.add_task(scenario.stem, total=None)

        def on_day(day: int, total: int) -> None:
            bar.update(task, completed=day + 1, total=total)

        return run_to_directory(scenario, output, seed=seed, days=days, overrides=overrides, force=force,
                                on_day=on_day, command=command, allow_outside=allow_outside,
                                table_format=table_format)


def _print_summary(result: RunResult) -> None:
    model = result.model
    tables = model.recorder.tables()
    summary = tables["summary"]
    last = tables["states"][tables["states"]["day"] == model.day]
    table = _table(f"{model.spec.name}: {model.spec.days} days from {model.spec.start_date}",
                   ("state", "peak refugees", "on", "refugees now", "IDPs now", "returnees", "moved out"),
                   labels=("state",))
    table.caption = ("refugees hosted at the peak and now; moved out = relocated, resettled or evacuated "
                     "from the state")
    merged = summary.merge(last, on="state")
    merged["moved_out"] = merged.relocated + merged.resettled
    active = merged[(merged.peak_refugees_hosted > 0) | (merged.peak_idps > 0) | (merged.moved_out > 0)]
    ranked = active.sort_values(["peak_refugees_hosted", "peak_idps"], ascending=False)
    for row in ranked.head(10).itertuples():
        table.add_row(row.state, f"{row.peak_refugees_hosted:,}", row.peak_refugees_date or "-",
                      f"{row.refugees_hosted:,}", f"{row.idps:,}", f"{row.returnees:,}", f"{row.moved_out:,}")
    _show(table)
    totals = model.recorder.totals
    out.print(f"Fled home: {int(summary.total_fled.sum()):,}  ·  refugees: {totals['refugees']:,}  ·  "
              f"IDPs: {totals['idps']:,}  ·  returnees: {totals['returnees']:,}  ·  "
              f"in transit: {totals['in_transit']:,}", markup=False)
    out.print(f"Wall time: {result.wall_seconds:.2f} s  ·  outputs: {result.directory}/", markup=False)


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="Scenario YAML files.")],
    allow_outside_files: OutsideOption = False,
) -> None:
    """Check scenario files; print every problem with file, line and field. Exit 1 on any error."""
    from sim.loading import load_scenario
    from sim.scenario import ScenarioError

    failed = 0
    for file in files:
        try:
            spec = load_scenario(file, allow_outside=allow_outside_files)
        except ScenarioError as exc:
            failed += 1
            err.print(str(exc), markup=False)
            continue
        out.print(f"{file}: ok ({spec.name}: {len(spec.world.locations)} locations, "
                  f"{len(spec.world.routes)} routes, {len(spec.events)} events, {spec.days} days)",
                  markup=False)
    if failed:
        raise typer.Exit(1)


@app.command()
def schema(
    markdown: Annotated[bool, typer.Option("--markdown", help="Print the field reference of "
                        "docs/scenario.md instead.")] = False,
) -> None:
    """Print the scenario file's JSON Schema (or its Markdown field reference)."""
    from sim.scenario import Scenario
    from sim.scenario.field_docs import markdown as field_reference

    if markdown:
        out.print(field_reference(), markup=False, end="")
        return
    out.print(json.dumps(Scenario.model_json_schema(by_alias=True), indent=2), markup=False)


@app.command()
def plot(
    directory: Annotated[Path, typer.Argument(help="A run directory (allysim run), an ensemble "
                         "directory (allysim ensemble) or a comparison directory (allysim compare).")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Where to write the PNGs; "
                      "default: <directory>/plots.")] = None,
) -> None:
    """Draw the figures of a run, an ensemble or a comparison as PNG files."""
    target = output or directory / "plots"
    if target.exists() and not target.is_dir():
        raise _fail(f"error: {target} is a file; -o names the folder the PNG files go to")
    try:
        files = _save_plots(directory, target)
    except (FileNotFoundError, FileExistsError, ValueError) as exc:
        raise _fail(f"error: {exc}") from None
    except OSError as exc:  # a folder that cannot be made or written
        raise _fail(f"error: cannot write the figures to {target}: {exc.strerror or exc}") from None
    for file in files:
        out.print(str(file), markup=False)


def _save_plots(directory: Path, out_dir: Path) -> list[Path]:
    """A run's standard figures, an ensemble's series bands or a comparison's figure, as the
    directory's manifest says which it is."""
    import matplotlib

    matplotlib.use("Agg")  # files only: no window
    from analysis import experiment_plots, load_ensemble, load_run, plots

    kind = output_kind(directory)
    if kind == RUN:
        return plots.save_run_plots(load_run(directory), out_dir)
    if kind == ENSEMBLE:
        return experiment_plots.save_experiment_plots(load_ensemble(directory), out_dir)
    if not directory.is_dir():
        raise FileNotFoundError(f"{directory} does not exist or is not a directory")
    what = f"an {kind} directory" if kind else "not an allysim output directory (no manifest.json of one)"
    raise ValueError(f"{directory} is {what}; allysim plot draws a run, an ensemble or a comparison "
                     "directory")


@app.command()
def dashboard(
    scenario: Annotated[Path | None, typer.Argument(help="Scenario to open first: a file, or a name "
                        "from scenarios/ such as mechanisms/intervention (default: toy).")] = None,
    host: Annotated[str, typer.Option(help="Address to serve on (loopback by default; any other "
                    "needs --allow-remote).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to serve on.")] = 8765,
    allow_remote: Annotated[bool, typer.Option("--allow-remote", help="Allow a host other than "
                            "127.0.0.1, ::1 or localhost. The dashboard has no authentication: "
                            "anyone who can reach it can use it.")] = False,
) -> None:
    """Serve the browser dashboard: watch a scenario unfold, change its levers, compare."""
    from sim.app.dashboard.serve import (
        RemoteHostRefused,
        check_address,
        check_host,
        resolve_scenario,
        serve,
    )
    from sim.loading import load_scenario
    from sim.scenario import ScenarioError

    try:
        check_host(host, allow_remote)  # serve() prints the warning for an allowed remote host
    except RemoteHostRefused as exc:
        raise _fail(f"error: {exc}", code=2) from None
    problem = check_address(host, port)
    if problem:
        raise _fail(f"error: {problem}", code=2)
    if scenario is not None:
        scenario = resolve_scenario(str(scenario))  # a file, or a picker name such as mechanisms/aid
        try:
            load_scenario(scenario)
        except ScenarioError as exc:
            raise _fail(str(exc)) from None
    out.print(f"Dashboard on http://{host}:{port}/  (Ctrl-C to stop)", markup=False)
    raise typer.Exit(serve(str(scenario) if scenario else None, host=host, port=port,
                           allow_remote=allow_remote))


@app.command("import-flee")
def import_flee_command(
    folder: Annotated[Path, typer.Argument(help="A Flee conflict folder (input_csv/, source_data/, "
                      "simsetting.yml).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Scenario YAML to write; its CSVs go "
                      "beside it.")],
    settings: Annotated[Path | None, typer.Option(help="A Flee simsetting.yml to use instead of the "
                        "folder's.")] = None,
    name: Annotated[str | None, typer.Option(help="Scenario name (default: from the folder).")] = None,
    force: Annotated[bool, typer.Option(help="Replace an existing scenario file.")] = False,
) -> None:
    """Convert a Flee conflict folder into an allysim scenario (YAML plus CSVs beside it)."""
    from sim.flee.convert import import_flee
    from sim.scenario import ScenarioError

    if output.is_dir():
        raise _fail(f"error: {output} is a folder; -o names the scenario file to write")
    if output.exists() and not force:
        raise _fail(f"error: {output} already exists; choose another -o file or pass --force")
    try:
        result = import_flee(folder, output, settings=settings, name=name)
    except ScenarioError as exc:
        raise _fail(str(exc)) from None
    for warning in result.warnings:
        err.print(f"warning: {warning}", markup=False)
    for file in result.files:
        out.print(str(file), markup=False)


@app.command()
def backtest(
    folders: Annotated[list[Path], typer.Argument(help="Flee conflict folders.")],
    replicates: Annotated[int, typer.Option(min=1, help="Runs per conflict (seeds 0..N-1).")] = 1,
    mode: Annotated[str, typer.Option(help="data_driven (daily totals from the camp series, as Flee) "
                    "or conflict_driven (the model predicts the totals too).")] = "data_driven",
    rules: Annotated[str, typer.Option(help="calibrated (one set of rule values for every conflict, "
                     "docs/flee.md) or folder (each simsetting.yml as it is).")] = "calibrated",
    output: Annotated[Path, typer.Option("--output", "-o", help="Directory for camps.csv, "
                      "backtest.csv and one PNG per conflict.")] = Path("runs/backtest"),
    force: Annotated[bool, typer.Option(help="Replace an existing output directory.")] = False,
    jobs: Annotated[int, typer.Option(min=1, help="Local worker processes (default 1, so that the "
                    "wall seconds reported are those of one uncontended run).")] = 1,
    scheduler: SchedulerOption = None,
    set_: SetOption = None,
    quiet: QuietOption = False,
) -> None:
    """Backtest Flee-format conflicts against UNHCR camp registrations (ARD, rescaled ARD)."""
    import matplotlib

    matplotlib.use("Agg")  # files only: no window
    from analysis.backtest_plots import save_backtest_plots
    from sim.backtests.backtest import run_backtest, write_backtest
    from sim.experiments.executors import ExecutorError, executor
    from sim.scenario import ScenarioError

    if mode not in ("data_driven", "conflict_driven"):
        raise _fail(f"error: --mode {mode!r}: expected data_driven or conflict_driven")
    try:
        check_target(output, force, BACKTEST)
    except OutputError as exc:
        raise _fail(f"error: {exc}") from None
    folders = _conflict_folders(folders, "backtest")
    total = len(folders) * replicates
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=out, disable=quiet or not out.is_terminal) as bar:
        task = bar.add_task("backtest", total=total)

        def on_progress(conflict: str, replicate: int, replicates: int) -> None:
            bar.update(task, advance=1, description=conflict)

        try:
            with _interruptible("nothing was written"), executor(jobs, scheduler) as pool:
                result = run_backtest(folders, replicates=replicates, mode=mode, rules=rules,
                                      overrides=set_ or [], pool=pool if jobs > 1 or scheduler else None,
                                      on_progress=on_progress)
        except ScenarioError as exc:
            raise _fail(str(exc)) from None
        except (ValueError, ExecutorError) as exc:  # an unknown --rules name, too many replicates, ...
            raise _fail(f"error: {exc}") from None

    def write(tmp: Path) -> None:
        write_backtest(result, tmp)
        save_backtest_plots(result.camps, tmp, result.summary)
        write_json(tmp / "manifest.json", {"kind": BACKTEST, "command": "allysim " + " ".join(sys.argv[1:]),
                                           "folders": [str(f) for f in folders], "mode": mode,
                                           "rules": rules, "replicates": replicates,
                                           "allysim_version": allysim_version()})

    try:
        write_atomically(output, write)
    except OutputError as exc:
        raise _fail(f"error: {exc}") from None
    for row in result.summary[result.summary["unplaced"] > 0].itertuples():
        err.print(f"warning: {row.conflict}: {row.unplaced:,.0f} people the data count as newly "
                  "displaced could not be placed (no location in conflict, or none with residents "
                  "left); backtest.csv column unplaced", markup=False)
    if quiet:
        out.print(str(output), markup=False)
        return
    table = _table(f"Backtest ({mode}, {replicates} replicate{'s' if replicates > 1 else ''})",
                   ("conflict", "days", "camps", "ARD", "ARD rescaled", "total error", "wall s"),
                   labels=("conflict",))
    for row in result.summary.itertuples():
        table.add_row(row.conflict, str(row.days), str(row.camps), f"{row.ard:.3f}",
                      f"{row.ard_rescaled:.3f}", f"{row.total_error:.3f}", f"{row.wall_seconds:.2f}")
    _show(table)
    out.print(f"Outputs: {output}/", markup=False)


def _calibration_progress(path: Path, plan: dict, resume: bool) -> dict:
    """The fits an interrupted calibration recorded (``{"all": values, "folds": {conflict: row}}``),
    or nothing; ValueError if there is a record and no --resume, or a record of another plan."""
    if not path.exists():
        return {}
    if not resume:
        raise ValueError(f"{path} records an unfinished calibration: --resume continues it (or "
                         "delete the file to start again)")
    lines = _journal(path)
    if not lines or lines[0].get("plan") != plan:
        raise ValueError(f"{path} records a calibration with other folders, mode, budget or --cv; "
                         "--resume needs the same ones")
    kept: dict = {"folds": {}}
    for entry in lines[1:]:
        if "all" in entry:
            kept["all"] = entry["all"]
        elif "fold" in entry:
            kept["folds"][entry["fold"]["conflict"]] = entry["fold"]
    return kept


def _journal(path: Path) -> list[dict]:
    """The records of a calibration's journal. A last line cut short (the process stopped while
    writing it) is dropped: that fit runs again. Any other unreadable line is a ValueError naming
    the file and line."""
    text = path.read_text(encoding="utf-8", errors="replace").splitlines()
    numbered = [(n, line) for n, line in enumerate(text, 1) if line.strip()]
    records = []
    for n, line in numbered:
        try:
            record = json.loads(line)
        except ValueError:
            record = None
        if not isinstance(record, dict):
            if n == numbered[-1][0]:
                break
            raise ValueError(f"{path}:{n}: not a record of allysim calibrate (a JSON object); delete the "
                             "file to start the calibration again")
        records.append(record)
    return records


def _conflict_folders(paths: list[Path], verb: str) -> list[Path]:
    """``paths`` without what a shell glob over the conflicts also matches (README.md,
    _settings/), skipped loudly; a path that does not exist is still an error."""
    skipped = [f for f in paths if f.exists() and f.suffix not in (".yaml", ".yml")
               and not (f / "input_csv").is_dir()]
    for folder in skipped:
        err.print(f"skipped {folder}: no input_csv/ folder, so not a Flee conflict", markup=False)
    kept = [f for f in paths if f not in skipped]
    if not kept:
        raise _fail(f"error: no Flee conflict folders to {verb}")
    return kept


@app.command()
def calibrate(
    folders: Annotated[list[Path], typer.Argument(help="Flee conflict folders.")],
    mode: Annotated[str, typer.Option(help="data_driven (fit the movement rule on rescaled ARD) or "
                    "conflict_driven (fit the displacement rule on total error).")] = "data_driven",
    cv: Annotated[str, typer.Option(help="none (fit on every folder) or loo (also leave each folder "
                  "out in turn: out-of-sample errors).")] = "loo",
    budget: Annotated[int, typer.Option(min=4, help="Most evaluations per fit (each runs every "
                      "folder of the fit once).")] = 40,
    jobs: JobsOption = None,
    scheduler: SchedulerOption = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="Directory for calibration.csv "
                      "(and cv.csv).")] = Path("runs/calibration"),
    force: Annotated[bool, typer.Option(help="Replace an existing calibration directory.")] = False,
    resume: Annotated[bool, typer.Option(help="Continue an interrupted calibration into -o: the fits "
                      "recorded in <output>.progress.jsonl are kept.")] = False,
) -> None:
    """Fit the rule values shared by every conflict, in sample and leave-one-out (docs/flee.md).

    Each finished fit is recorded in <output>.progress.jsonl as it ends, so that an interrupted
    calibration loses nothing: --resume continues it."""
    import pandas as pd

    from sim.backtests.backtest import conflict_name, load_conflict
    from sim.backtests.calibration import TARGETS, fit, leave_one_out
    from sim.experiments.executors import ExecutorError, executor
    from sim.scenario import ScenarioError

    if mode not in TARGETS or cv not in ("none", "loo"):
        raise _fail(f"error: --mode {mode!r} / --cv {cv!r}: expected data_driven or conflict_driven, "
                    "and none or loo")
    folders = _conflict_folders(folders, "calibrate")
    try:
        check_target(output, force, CALIBRATION)
        names = [conflict_name(f) for f in folders]
        specs = [load_conflict(f, mode, rules="folder") for f in folders]
    except (OutputError, ScenarioError) as exc:
        raise _fail(f"error: {exc}" if isinstance(exc, OutputError) else str(exc)) from None
    progress = output.parent / f"{output.name}.progress.jsonl"
    plan = {"mode": mode, "budget": budget, "cv": cv, "folders": [str(f.resolve()) for f in folders]}
    try:
        kept = _calibration_progress(progress, plan, resume)
    except ValueError as exc:
        raise _fail(f"error: {exc}") from None

    def record(entry: dict) -> None:
        with progress.open("a", encoding="utf-8") as f:
            f.write(json.dumps(entry) + "\n")

    try:
        with _interruptible(f"the finished fits are kept in {progress}; run the same command with "
                            "--resume to continue"), executor(jobs, scheduler) as pool:
            if not kept:  # (only once the runs can start: a refused executor leaves no journal)
                record({"plan": plan})
            fitted = kept.get("all")
            if fitted is None:
                fitted = fit(specs, mode, budget, pool=pool)
                record({"all": fitted})

            def fold_done(row: dict) -> None:
                record({"fold": row})
                err.print(f"left out {row['conflict']}: done", markup=False)

            table = (leave_one_out(names, specs, mode, budget, pool=pool, fitted_on_all=fitted,
                                   done=kept.get("folds"), on_fold=fold_done)
                     if cv == "loo" else None)
    except ExecutorError as exc:
        raise _fail(f"error: {exc}") from None

    def write(tmp: Path) -> None:
        pd.DataFrame([{"parameter": k, "value": v} for k, v in fitted.items()]).to_csv(
            tmp / "calibration.csv", index=False)
        if table is not None:
            table.to_csv(tmp / "cv.csv", index=False, float_format="%.6g")
        write_json(tmp / "manifest.json", {"kind": CALIBRATION, "mode": mode, "budget": budget,
                                           "command": "allysim " + " ".join(sys.argv[1:]),
                                           "folders": [str(f) for f in folders],
                                           "allysim_version": allysim_version()})

    write_atomically(output, write)
    progress.unlink()
    shown = _table(f"calibrated on all {len(folders)} folders ({mode})", ("parameter", "value"),
                   labels=("parameter",))
    for k, v in fitted.items():
        shown.add_row(k, f"{v:.4g}")
    _show(shown)
    if table is not None:
        cvt = _table(f"leave-one-out: {table['metric'].iloc[0]}", ("conflict", "in sample", "out of sample"),
                     labels=("conflict",))
        for r in table.itertuples():
            cvt.add_row(r.conflict, f"{r.in_sample:.3f}", f"{r.out_of_sample:.3f}")
        _show(cvt)
    out.print(f"Outputs: {output}/", markup=False)


@app.command()
def score(
    directory: Annotated[Path, typer.Argument(help="A run directory (allysim run) or an ensemble "
                         "directory (allysim ensemble ... --tables states,flows,locations).")],
    targets: Annotated[Path, typer.Option("--targets", help="Observed targets, a CSV file "
                       "(docs/scoring.md), e.g. scenarios/history/kosovo-1999.targets.csv.")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="CSV file to write; default: "
                      "<directory>/score-<targets name>.csv.")] = None,
    force: Annotated[bool, typer.Option(help="Replace an existing score file.")] = False,
) -> None:
    """Score a run or an ensemble against observed figures: each target's error and whether it is
    within tolerance (and, for an ensemble, its 90% band), summed up for calibration rows (in
    sample) and validation rows (out of sample)."""
    from analysis import scoring

    out_file = output or directory / f"score-{targets.name.removesuffix('.csv').removesuffix('.targets')}.csv"
    if out_file.is_dir() or (out_file.exists() and not force):
        raise _fail(f"error: {out_file} already exists; choose another -o file"
                    + ("" if out_file.is_dir() else " or pass --force to replace it"))
    from analysis.loading import OutputFileError

    try:
        result = scoring.score(directory, targets)
    except scoring.TargetsError as exc:
        raise _fail(str(exc)) from None
    except (FileNotFoundError, OutputFileError) as exc:
        raise _fail(f"error: {exc}") from None
    partial = out_file.with_name(f".{out_file.name}.partial-{os.getpid()}")
    try:
        result.table.to_csv(partial, index=False, float_format="%.12g")
        partial.replace(out_file)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise _fail(f"error: cannot write {out_file}: {exc.strerror or exc}") from None
    _show(_score_table(result, escape(f"{directory}: {len(result.table)} targets of {targets}")),
          _score_summary(result))
    out.print(f"Scores: {out_file}", markup=False)


def _score_table(result: scoring.Scores, title: str) -> Table:
    several = _several_variants(result)
    columns = (["variant"] if several else []) + ["target", "role", "observed"] + (
        ["median", "90% band", "error", "tol.", "within", "in band"] if result.ensemble
        else ["simulated", "error", "tol.", "within"])
    table = _table(title, columns, labels=("variant", "target", "role"))
    for r in result.table.itertuples():
        simulated = ([_number(r.median), f"{_number(r.q05)} to {_number(r.q95)}"] if result.ensemble
                     else [_number(r.simulated)])
        cells = [escape(r.target), r.role, _number(r.observed), *simulated, _percent(r.relative_error),
                 f"±{r.tolerance:.0%}", _yes(r.within_tolerance)]
        if result.ensemble:
            cells.append(_yes(r.inside_band))
        table.add_row(*([escape(str(r.variant))] if several else []), *cells)
    return table


def _score_summary(result: scoring.Scores) -> Table:
    several = _several_variants(result)
    columns = (["variant"] if several else []) + ["role", "targets", "within tolerance", "median |error|"]
    columns += ["in band"] if result.ensemble else []
    table = _table("Summary: calibration rows are in sample, validation rows out of sample", columns,
                   labels=("variant", "role"))
    for r in result.summary.itertuples():
        cells = [r.role, str(r.targets), f"{r.within_tolerance:.0%}", f"{r.median_abs_relative_error:.0%}"]
        if result.ensemble:
            cells.append(f"{r.coverage:.0%}")
        table.add_row(*([escape(str(r.variant))] if several else []), *cells)
    return table


def _several_variants(result: scoring.Scores) -> bool:
    return result.ensemble and result.table["variant"].nunique() > 1


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _percent(x: float) -> str:
    return "-" if x != x else f"{x:+.0%}"


# -- experiments -----------------------------------------------------------------------------

def _run_experiment(plan: Plan, scenarios: list, out: Path | None, jobs: int | None,
                    scheduler: str | None, resume: bool, force: bool, label: str,
                    quiet: bool = False) -> EnsembleResult:
    """Run a plan on the chosen executor, with its plan line and a progress bar (ETA) unless
    ``quiet``."""
    from sim.experiments.ensembles import run_plan
    from sim.experiments.executors import executor

    command = "allysim " + " ".join(sys.argv[1:])
    where = f"Dask scheduler {scheduler}" if scheduler else f"{jobs or 'all'} local process(es)"
    out_text = f" -> {out}/" if out else ""
    if not quiet:
        err.print(f"{label}: {len(plan.variants)} variant(s) x {len(plan.seeds)} replicate(s) on {where}"
                  f"{out_text}", markup=False)
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(), console=err,
                  disable=quiet or not err.is_terminal) as bar:
        task = bar.add_task(label, total=len(plan.tasks()))

        def on_done(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        with _interruptible(_resumable(out)), executor(jobs, scheduler) as pool:
            return run_plan(plan, scenarios, pool, out, resume, force, command=command, on_done=on_done)


def _experiment_errors() -> tuple[type[Exception], ...]:
    from sim.experiments.ensembles import EnsembleError
    from sim.experiments.executors import ExecutorError
    from sim.experiments.metrics import MetricError
    from sim.experiments.sensitivity_analysis import SensitivityError
    from sim.scenario import ScenarioError

    return ScenarioError, MetricError, EnsembleError, SensitivityError, ExecutorError


def _summary_table(result: EnsembleResult, title: str) -> Table:
    table = _table(title, ("variant", "metric", "n", "median", "90% interval"), labels=("variant", "metric"))
    for row in result.summary.itertuples():
        table.add_row(str(row.variant), str(row.metric), str(row.n), _number(row.median),
                      f"{_number(row.q05)} to {_number(row.q95)}")
    return table


def _number(x: float) -> str:
    if x != x:  # NaN
        return "-"
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.3g}"


@app.command()
def ensemble(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    replicates: Annotated[int, typer.Option(min=1, help="Seeds per variant (seed, seed+1, ...).")] = 10,
    seed: Annotated[int | None, typer.Option(help="First seed (default: the scenario's).")] = None,
    set_: SetOption = None,
    sweep: Annotated[list[str] | None, typer.Option(help="One variant per value: dotted.path=a,b,c "
                     "(repeatable: every combination).")] = None,
    metric: MetricOption = None,
    tables: Annotated[str, typer.Option(help="Run tables to keep, comma-separated, or 'all': "
                      f"{','.join(RUN_TABLES)}.")] = ",".join(DEFAULT_TABLES),
    jobs: JobsOption = None,
    scheduler: SchedulerOption = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Ensemble directory; default: "
                      "runs/ensemble-<scenario name>.")] = None,
    resume: Annotated[bool, typer.Option(help="Finish a killed ensemble in -o: its finished "
                      "replicates are kept.")] = False,
    force: ForceOption = False,
    quiet: QuietOption = False,
) -> None:
    """Run replicates (x a sweep grid) of a scenario; Parquet tables, metrics and their spread."""
    from sim.experiments.ensembles import make_plan, variants_of
    from sim.scenario import ScenarioError

    kept = RUN_TABLES if tables.strip() == "all" else tuple(t.strip() for t in tables.split(",") if t.strip())
    try:
        plan, scenarios = make_plan(variants_of(scenario, set_ or [], sweep or []), replicates, seed,
                                    metric or [], kept)
        out_dir = output or Path("runs") / f"ensemble-{scenarios[0].name}"
        result = _run_experiment(plan, scenarios, out_dir, jobs, scheduler, resume, force, "ensemble", quiet)
    except _experiment_errors() as exc:
        raise _fail(f"error: {exc}" if not isinstance(exc, ScenarioError) else str(exc)) from None
    if quiet:
        out.print(str(out_dir), markup=False)
        return
    _show(_summary_table(result, f"{scenario.stem}: {replicates} replicates, seeds "
                             f"{plan.seeds[0]}-{plan.seeds[-1]}"))
    out.print(f"Wall time: {result.wall_seconds:.1f} s  ·  outputs: {out_dir}/", markup=False)


@app.command()
def compare(
    base: Annotated[Path, typer.Argument(help="Baseline scenario YAML file.")],
    variant: Annotated[Path | None, typer.Argument(help="Variant scenario file (default: the "
                       "baseline with the --set overrides).")] = None,
    set_: Annotated[list[str] | None, typer.Option("--set", help="Override a field in the variant: "
                    "dotted.path=value (repeatable).")] = None,
    replicates: Annotated[int, typer.Option(min=2, help="Seeds, the same in both arms.")] = 20,
    seed: Annotated[int | None, typer.Option(help="First seed (default: the baseline's).")] = None,
    metric: MetricOption = None,
    jobs: JobsOption = None,
    scheduler: SchedulerOption = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Directory; default: "
                      "runs/compare-<scenario name>.")] = None,
    resume: Annotated[bool, typer.Option(help="Finish an interrupted comparison in -o: its finished "
                      "replicates are kept.")] = False,
    force: ForceOption = False,
    quiet: QuietOption = False,
) -> None:
    """Baseline vs variant on common seeds: each metric's paired difference with its 95% interval."""
    from sim.experiments.comparisons import arms, comparison_table
    from sim.experiments.ensembles import make_plan
    from sim.scenario import ScenarioError

    try:
        plan, scenarios = make_plan(arms(base, variant, set_ or []), replicates, seed, metric or [],
                                    ("states",))
        out_dir = output or Path("runs") / f"compare-{scenarios[0].name}"
        result = _run_experiment(plan, scenarios, out_dir, jobs, scheduler, resume, force, "compare", quiet)
    except (*_experiment_errors(), ValueError) as exc:
        raise _fail(f"error: {exc}" if not isinstance(exc, ScenarioError) else str(exc)) from None
    table = comparison_table(result.metrics)
    table.to_csv(out_dir / "compare.csv", index=False)
    _save_figure("compare_figure", out_dir / "compare.png", table, result.metrics, result.tables["states"],
                 f"{base.stem}: variant ({variant.stem if variant else ', '.join(set_ or [])}) vs "
                 f"baseline, {replicates} paired seeds")
    if quiet:
        out.print(str(out_dir), markup=False)
        return
    shown = _table(f"variant - baseline, {replicates} paired seeds (95% intervals)",
                   ("metric", "baseline", "variant", "difference", "paired interval", "unpaired interval",
                    "gain"), labels=("metric",))
    for r in table.itertuples():
        shown.add_row(r.metric, _number(r.baseline_mean), _number(r.variant_mean), _number(r.difference),
                      f"{_number(r.ci_low)} to {_number(r.ci_high)}",
                      f"{_number(r.unpaired_low)} to {_number(r.unpaired_high)}", f"{r.pairing_gain:.1f}x")
    _show(shown)
    out.print(f"Wall time: {result.wall_seconds:.1f} s  ·  outputs: {out_dir}/ (compare.csv, compare.png)",
              markup=False)


@app.command()
def claims(
    names: Annotated[list[str] | None, typer.Argument(help="Claims to run (file names without .yaml; "
                     "default: every claim in --claims).")] = None,
    replicates: Annotated[int, typer.Option(min=2, help="Paired seeds per claim, the same in both "
                          "arms.")] = DEFAULT_REPLICATES,
    folder: Annotated[Path, typer.Option("--claims", help="The folder of claim files.")] = CLAIMS_FOLDER,
    jobs: JobsOption = None,
    scheduler: SchedulerOption = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="Directory for claims.csv, report.md "
                      "and figures/.")] = Path("runs/claims"),
    check: Annotated[bool, typer.Option(help="Exit 1 if a verdict differs from the one recorded in "
                     "its claim file.")] = False,
    force: Annotated[bool, typer.Option(help="Replace an existing claims directory.")] = False,
    quiet: QuietOption = False,
) -> None:
    """Test the articles' claims: each as baseline vs variant on common seeds, with a verdict."""
    import matplotlib

    matplotlib.use("Agg")  # files only: no window
    from analysis.claims_report import write_claims_report
    from sim.experiments.claim_verdicts import claim_files
    from sim.experiments.claim_verdicts import claims as run_claims
    from sim.scenario import ScenarioError

    try:
        check_target(output, force, CLAIMS)
        with _interruptible("nothing was written"), Progress(
                TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                TimeElapsedColumn(), console=err, disable=quiet or not err.is_terminal) as bar:
            task = bar.add_task("claims", total=len(names) if names else len(claim_files(folder)))
            result = run_claims(names or [], folder=folder, replicates=replicates, jobs=jobs,
                                scheduler=scheduler,
                                on_claim=lambda claim, rows: bar.update(task, advance=1,
                                                                        description=claim.name))
    except (*_experiment_errors(), OutputError, ValueError) as exc:
        raise _fail(f"error: {exc}" if not isinstance(exc, ScenarioError) else str(exc)) from None

    def write(tmp: Path) -> None:
        result.table.to_csv(tmp / "claims.csv", index=False, float_format="%.6g")
        write_claims_report(result.table, {n: e.tables["states"] for n, e in result.ensembles.items()},
                            {n: c.spec.show for n, c in result.claims.items()}, tmp)
        write_json(tmp / "manifest.json", {"kind": CLAIMS, "command": "allysim " + " ".join(sys.argv[1:]),
                                           "claims": list(result.claims), "replicates": replicates,
                                           "allysim_version": allysim_version()})

    try:
        write_atomically(output, write)
    except OutputError as exc:
        raise _fail(f"error: {exc}") from None
    if quiet:
        out.print(str(output), markup=False)
    else:
        shown = _table(f"Claims: variant - baseline, {replicates} paired seeds (95% intervals)",
                       ("claim", "metric", "expected", "difference", "95% interval", "verdict"),
                       labels=("claim", "metric", "expected", "verdict"))
        for r in result.table.itertuples():
            shown.add_row(escape(r.claim), escape(r.metric), r.expected, _number(r.difference),
                          f"{_number(r.ci_low)} to {_number(r.ci_high)}", r.verdict)
        _show(shown)
        out.print(f"Outputs: {output}/ (claims.csv, report.md, figures/)", markup=False)
    if check:
        changed = result.changed()
        for r in changed.itertuples():
            err.print(f"changed: {r.claim}: {r.metric}: now {r.verdict}, recorded "
                      f"{r.recorded or 'nothing'}", markup=False)
        if len(changed):
            raise typer.Exit(1)


@app.command()
def sensitivity(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    param: Annotated[list[str], typer.Option(help="A parameter and its range: dotted.path=low:high "
                     "(repeatable; whole-number bounds are sampled as whole numbers).")],
    method: Annotated[str, typer.Option(help="sobol (first-order and total indices) or morris "
                      "(screening).")] = "sobol",
    samples: Annotated[int, typer.Option(min=2, help="SALib's N: Sobol runs N x (parameters + 2) "
                       "samples, Morris N x (parameters + 1).")] = 32,
    replicates: Annotated[int, typer.Option(min=1, help="Seeds per sample (the same for every "
                          "sample); a sample's metric is their mean.")] = 1,
    seed: Annotated[int | None, typer.Option(help="First seed (default: the scenario's).")] = None,
    set_: SetOption = None,
    metric: MetricOption = None,
    jobs: JobsOption = None,
    scheduler: SchedulerOption = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Directory; default: "
                      "runs/sensitivity-<scenario name>.")] = None,
    resume: Annotated[bool, typer.Option(help="Finish an interrupted analysis in -o: its finished "
                      "runs are kept.")] = False,
    force: ForceOption = False,
    quiet: QuietOption = False,
) -> None:
    """Global sensitivity of metrics to parameter ranges (SALib: Sobol or Morris)."""
    from sim.experiments.sensitivity_analysis import plan_sensitivity
    from sim.scenario import ScenarioError

    try:
        planned = plan_sensitivity(scenario, param, method=method, samples=samples, replicates=replicates,
                                   seed=seed, metrics=metric or [], overrides=set_ or [])
        out_dir = output or Path("runs") / f"sensitivity-{planned.scenarios[0].name}"
        ran = _run_experiment(planned.plan, planned.scenarios, out_dir, jobs, scheduler, resume, force,
                              "sensitivity", quiet)
    except _experiment_errors() as exc:
        raise _fail(f"error: {exc}" if not isinstance(exc, ScenarioError) else str(exc)) from None
    result = planned.result(ran, out_dir)
    _save_figure("sensitivity_figure", out_dir / "sensitivity.png", result.indices,
                 title=f"{scenario.stem}: {'Sobol indices' if method == 'sobol' else 'Morris screening'}, "
                       f"N = {samples} ({len(result.samples)} parameter sets x {replicates} seed"
                       f"{'s' if replicates > 1 else ''})")
    if quiet:
        out.print(str(out_dir), markup=False)
        return
    columns = [c for c in result.indices.columns if not c.endswith("_conf")]
    shown = _table(f"{method} indices (95% confidence)", columns, labels=("metric", "parameter"))
    for row in result.indices.to_dict("records"):
        shown.add_row(*[str(row[c]) if c in ("metric", "parameter") else
                        f"{row[c]:.3g}" + (f" ± {row[c + '_conf']:.2g}" if f"{c}_conf" in row else "")
                        for c in columns])
    _show(shown)
    out.print(f"Wall time: {ran.wall_seconds:.1f} s  ·  outputs: {out_dir}/ (sensitivity.csv, samples.csv, "
              "sensitivity.png)", markup=False)


def _save_figure(name: str, file: Path, *args: object, **kwargs: object) -> None:
    import matplotlib

    matplotlib.use("Agg")  # files only: no window
    from analysis import experiment_plots, plots

    plots.save_figures({file.stem: getattr(experiment_plots, name)(*args, **kwargs)}, file.parent)


def _unwrapped(doc: str) -> str:
    """A docstring with each paragraph on one line: the help shows a line break where it stands."""
    return "\n\n".join(" ".join(part.split()) for part in inspect.cleandoc(doc).split("\n\n"))


for _command in app.registered_commands:
    _command.help = _unwrapped(_command.callback.__doc__ or "")


INTERNAL_ERROR = 70  # sysexits.h EX_SOFTWARE: not the input's fault


def _print_warning(message: Warning | str, category: type[Warning], filename: str, lineno: int,
                   file: TextIO | None = None, line: str | None = None) -> None:
    """A warning on the command line: one line, its words only (no source file and line)."""
    err.print(f"warning: {message}", markup=False)


def main() -> None:
    """The ``allysim`` command: exit 0 on success, 1 for invalid input, 2 for a usage error, 70
    for an internal error, whose traceback goes to a file rather than the screen, and 130 when
    interrupted."""
    warnings.showwarning = _print_warning
    try:
        app()
    except KeyboardInterrupt:  # before a command took it (its own says what was kept): nothing ran
        sys.exit(INTERRUPTED)
    except Exception as exc:  # anything the commands did not turn into a message is a defect
        from sim.scenario.errors import clip

        stamp = time.strftime("%Y%m%d-%H%M%S")
        path = Path(tempfile.gettempdir()) / f"allysim-error-{stamp}-{os.getpid()}.txt"
        path.write_text(f"allysim {' '.join(sys.argv[1:])}\n\n{traceback.format_exc()}", encoding="utf-8")
        err.print(f"internal error ({type(exc).__name__}): {clip(exc, 300)}\n"
                  f"This is a defect of allysim, not of your input; the full traceback is in {path}",
                  markup=False)
        sys.exit(INTERNAL_ERROR)


if __name__ == "__main__":
    main()
