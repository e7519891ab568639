"""Output directories under faults: full or read-only disks, signals while writing, a user's
own folder in the way. Nothing is lost and nothing half-written stays behind."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from sim.app.cli import app
from sim.app.runner import run_to_directory
from sim.outputs import OutputError, remove_leftovers

ROOT = Path(__file__).resolve().parents[1]
TOY = ROOT / "scenarios" / "toy.yaml"


def test_force_never_replaces_a_folder_that_is_not_a_run(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.tex").write_text("years of work")
    done = CliRunner().invoke(app, ["run", str(TOY), "-o", str(mine), "--force"])
    assert done.exit_code == 1 and "will not replace it" in done.output
    assert (mine / "thesis.tex").read_text() == "years of work"
    done = CliRunner().invoke(app, ["backtest", str(ROOT / "tests/fixtures/flee/mali_cut"), "-o", str(mine),
                                    "--force"])
    assert done.exit_code == 1 and (mine / "thesis.tex").is_file()


@pytest.mark.parametrize(("code", "words"), [(errno.ENOSPC, "the disk is full"),
                                              (errno.EROFS, "read-only")])
def test_a_full_or_read_only_disk_is_a_message_and_keeps_the_old_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, words: str) -> None:
    target = tmp_path / "run"
    run_to_directory(TOY, target, command="good")
    before = (target / "states.csv").read_bytes()

    def failing(self: pd.DataFrame, *args: object, **kwargs: object) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(pd.DataFrame, "to_csv", failing)
    done = CliRunner().invoke(app, ["run", str(TOY), "-o", str(target), "--force"])
    assert done.exit_code == 1 and words in done.output and "previous outputs are kept" in done.output
    assert "Traceback" not in done.output
    assert (target / "states.csv").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_an_unwritable_parent_is_a_message(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(OutputError, match="cannot write to"):
        run_to_directory(TOY, blocker / "run", command="x")


SLOW_WRITER = textwrap.dedent("""
    import sys, time
    import pandas as pd
    original = pd.DataFrame.to_csv
    def slow(self, *args, **kwargs):
        original(self, *args, **kwargs)
        print("WRITING", flush=True)
        time.sleep(60)
    pd.DataFrame.to_csv = slow
    from sim.app.cli import app
    sys.argv = ["allysim", "run", sys.argv[1], "-o", sys.argv[2], "--force", "--quiet"]
    app()
""")


def start_slow_run(target: Path) -> subprocess.Popen:
    # Ctrl-C as a terminal delivers it, even when these tests run in the background (where
    # SIGINT is ignored, and a child would inherit that)
    proc = subprocess.Popen([sys.executable, "-c", SLOW_WRITER, str(TOY), str(target)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if "WRITING" in line:
            return proc
        if not line and proc.poll() is not None:
            break
    proc.kill()
    raise AssertionError(f"the run never started writing: {proc.stderr.read()}")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_while_writing_leaves_no_trace_and_keeps_the_old_run(tmp_path: Path, sig: int) -> None:
    target = tmp_path / "run"
    run_to_directory(TOY, target, command="good")
    proc = start_slow_run(target)
    assert any(p.name.startswith(".run.partial-") for p in tmp_path.iterdir())
    proc.send_signal(sig)
    assert proc.wait(timeout=30) == 130
    assert '"command": "good"' in (target / "manifest.json").read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]
    proc.stdout.close()
    proc.stderr.close()


def test_a_killed_writers_leftovers_are_removed_by_the_next_run(tmp_path: Path) -> None:
    proc = start_slow_run(tmp_path / "run")
    proc.kill()
    proc.wait(timeout=30)
    proc.stdout.close()
    proc.stderr.close()
    leftovers = [p for p in tmp_path.iterdir() if p.name.startswith(".run.partial-")]
    assert leftovers, "SIGKILL cannot be caught: the partial folder stays until the next run"
    run_to_directory(TOY, tmp_path / "other", command="next")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other"]
    live = tmp_path / f".x.partial-{os.getpid()}"
    live.mkdir()
    assert remove_leftovers(tmp_path) == [] and live.is_dir()  # a live writer's folder stays
