"""The ``allysim`` command line (also ``python -m sim``).

This module is the application layer: it ties the model to post-processing (``analysis``) for
commands such as ``plot``. Figures and the dashboard are imported by the commands that use them,
so that every other command starts without loading matplotlib's pyplot or Solara.
"""

from __future__ import annotations

import json
import sys
from importlib import metadata
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from sim.app.rundir import RunDirExists, write_atomically
from sim.app.runner import RunResult, run_to_directory
from sim.flee.backtest import run_backtest, write_backtest
from sim.flee.convert import import_flee
from sim.loading import load_scenario
from sim.scenario import Scenario, ScenarioError
from sim.scenario.field_docs import markdown as field_reference

app = typer.Typer(
    help="allysim: what-if simulations of alliance-driven displacement.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        print(f"allysim {metadata.version('allysim')}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                       help="Print the version and exit.")] = False,
) -> None:
    """allysim: what-if simulations of alliance-driven displacement."""
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(message, markup=False)
    return typer.Exit(code)


@app.command()
def run(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Run directory to write; "
                      "default: runs/<scenario name> (a free name is chosen).")] = None,
    seed: Annotated[int | None, typer.Option(help="Override the scenario's seed.")] = None,
    days: Annotated[int | None, typer.Option(min=1, help="Run this many days instead of the "
                    "scenario's (events after the end are not reached).")] = None,
    set_: Annotated[list[str] | None, typer.Option("--set", help="Override any field: "
                    "dotted.path=value (repeatable), e.g. parameters.movement.awareness=2.")] = None,
    force: Annotated[bool, typer.Option(help="Replace an existing run directory.")] = False,
    quiet: Annotated[bool, typer.Option(help="Print only the output directory.")] = False,
    plot_: Annotated[bool, typer.Option("--plot", help="Also draw the standard figures into "
                     "<run dir>/plots.")] = False,
) -> None:
    """Simulate a scenario and write its outputs (CSVs and manifest.json) to a run directory."""
    command = "allysim " + " ".join(sys.argv[1:])
    try:
        if quiet or not out.is_terminal:
            if not quiet:
                out.print(f"Running {scenario} ...")
            result = run_to_directory(scenario, output, seed=seed, days=days, overrides=set_ or [],
                                      force=force, command=command)
        else:
            with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                          TextColumn("days"), TimeElapsedColumn(), console=out) as bar:
                task = bar.add_task(scenario.stem, total=None)

                def on_day(day: int, total: int) -> None:
                    bar.update(task, completed=day + 1, total=total)

                result = run_to_directory(scenario, output, seed=seed, days=days, overrides=set_ or [],
                                          force=force, on_day=on_day, command=command)
    except ScenarioError as exc:
        raise _fail(str(exc)) from None
    except RunDirExists as exc:
        raise _fail(f"error: {exc}") from None
    if plot_:
        _save_plots(result.directory, result.directory / "plots")
    if quiet:
        out.print(str(result.directory), markup=False)
        return
    _print_summary(result)
    if plot_:
        out.print(f"Figures: {result.directory / 'plots'}/", markup=False)


def _print_summary(result: RunResult) -> None:
    model = result.model
    tables = model.recorder.tables()
    summary = tables["summary"]
    last = tables["states"][tables["states"]["day"] == model.day]
    table = Table(title=f"{model.spec.name}: {model.spec.days} days from {model.spec.start_date}")
    columns = ("state", "peak refugees", "on", "refugees now", "IDPs now", "returnees", "moved out")
    for col in columns:
        table.add_column(col, justify="left" if col in ("state", "on") else "right", no_wrap=col == "on")
    table.caption = ("refugees hosted at the peak and now; moved out = relocated, resettled or evacuated "
                     "from the state")
    merged = summary.merge(last, on="state")
    merged["moved_out"] = merged.relocated + merged.resettled
    active = merged[(merged.peak_refugees_hosted > 0) | (merged.peak_idps > 0) | (merged.moved_out > 0)]
    ranked = active.sort_values(["peak_refugees_hosted", "peak_idps"], ascending=False)
    for row in ranked.head(10).itertuples():
        table.add_row(row.state, f"{row.peak_refugees_hosted:,}", row.peak_refugees_date or "-",
                      f"{row.refugees_hosted:,}", f"{row.idps:,}", f"{row.returnees:,}", f"{row.moved_out:,}")
    out.print(table)
    totals = model.recorder.totals
    out.print(f"Fled home: {int(summary.total_fled.sum()):,}  ·  refugees: {totals['refugees']:,}  ·  "
              f"IDPs: {totals['idps']:,}  ·  returnees: {totals['returnees']:,}  ·  "
              f"in transit: {totals['in_transit']:,}", markup=False)
    out.print(f"Wall time: {result.wall_seconds:.2f} s  ·  outputs: {result.directory}/", markup=False)


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="Scenario YAML files.")],
) -> None:
    """Check scenario files; print every problem with file, line and field. Exit 1 on any error."""
    failed = 0
    for file in files:
        try:
            spec = load_scenario(file)
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
    if markdown:
        out.print(field_reference(), markup=False, end="")
        return
    out.print(json.dumps(Scenario.model_json_schema(by_alias=True), indent=2), markup=False)


@app.command()
def plot(
    run_dir: Annotated[Path, typer.Argument(help="A run directory written by `allysim run`.")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Where to write the PNGs; "
                      "default: <run_dir>/plots.")] = None,
) -> None:
    """Draw a run's standard figures as PNG files."""
    try:
        files = _save_plots(run_dir, output or run_dir / "plots")
    except FileNotFoundError as exc:
        raise _fail(f"error: {exc}") from None
    for file in files:
        out.print(str(file), markup=False)


def _save_plots(run_dir: Path, out_dir: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")  # files only: no window
    from analysis import load_run
    from analysis.plots import save_run_plots

    return save_run_plots(load_run(run_dir), out_dir)


@app.command()
def dashboard(
    scenario: Annotated[Path | None, typer.Argument(help="Scenario to open first: a file, or a name "
                        "from scenarios/ such as mechanisms/intervention (default: toy).")] = None,
    host: Annotated[str, typer.Option(help="Address to serve on (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8765,
) -> None:
    """Serve the browser dashboard: watch a scenario unfold, change its levers, compare."""
    from sim.app.dashboard.serve import resolve_scenario, serve

    if scenario is not None:
        scenario = resolve_scenario(str(scenario))  # a file, or a picker name such as mechanisms/aid
        try:
            load_scenario(scenario)
        except ScenarioError as exc:
            raise _fail(str(exc)) from None
    out.print(f"Dashboard on http://{host}:{port}/  (Ctrl-C to stop)", markup=False)
    raise typer.Exit(serve(str(scenario) if scenario else None, host=host, port=port))


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
) -> None:
    """Backtest Flee-format conflicts against UNHCR camp registrations (ARD, rescaled ARD)."""
    import matplotlib

    matplotlib.use("Agg")  # files only: no window
    from analysis.backtest_plots import save_backtest_plots

    if mode not in ("data_driven", "conflict_driven"):
        raise _fail(f"error: --mode {mode!r}: expected data_driven or conflict_driven")
    if output.exists() and not force:
        raise _fail(f"error: {RunDirExists(output)}")
    # What a shell glob over the conflicts also matches (README.md, _settings/) is skipped, loudly;
    # a path that does not exist is still an error.
    skipped = [f for f in folders if f.exists() and not (f / "input_csv").is_dir()]
    for folder in skipped:
        err.print(f"skipped {folder}: no input_csv/ folder, so not a Flee conflict", markup=False)
    folders = [f for f in folders if f not in skipped]
    if not folders:
        raise _fail("error: no Flee conflict folders to backtest")
    total = len(folders) * replicates
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=out, disable=not out.is_terminal) as bar:
        task = bar.add_task("backtest", total=total)

        def on_progress(conflict: str, replicate: int, replicates: int) -> None:
            bar.update(task, advance=1, description=conflict)

        try:
            result = run_backtest(folders, replicates=replicates, mode=mode, rules=rules,
                                  on_progress=on_progress)
        except ScenarioError as exc:
            raise _fail(str(exc)) from None
        except ValueError as exc:  # an unknown --rules name
            raise _fail(f"error: --rules: {exc}") from None

    def write(tmp: Path) -> None:
        write_backtest(result, tmp)
        save_backtest_plots(result.camps, tmp, result.summary)

    write_atomically(output, write)
    table = Table(title=f"Backtest ({mode}, {replicates} replicate{'s' if replicates > 1 else ''})")
    for col in ("conflict", "days", "camps", "ARD", "ARD rescaled", "total error", "wall s"):
        table.add_column(col, justify="left" if col == "conflict" else "right")
    for row in result.summary.itertuples():
        table.add_row(row.conflict, str(row.days), str(row.camps), f"{row.ard:.3f}",
                      f"{row.ard_rescaled:.3f}", f"{row.total_error:.3f}", f"{row.wall_seconds:.2f}")
    out.print(table)
    out.print(f"Outputs: {output}/", markup=False)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
