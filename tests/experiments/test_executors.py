"""Ensembles give the same bytes wherever their replicates run: in this process, in a local
process pool, on a real Dask cluster (scheduler and workers as separate processes on the loopback
interface), on a cluster that loses a worker in the middle of the run, and when resumed; a
backtest's replicates give the same tables wherever they run; and a Ctrl-C at the terminal
stops every local process quietly."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest
from distributed import Client

import sim.experiments.ensembles as ensembles
from sim.backtests.backtest import BacktestResult, run_backtest
from sim.experiments.ensembles import EnsembleResult, ensemble
from sim.experiments.executors import executor

ROOT = Path(__file__).resolve().parents[2]
TOY = ROOT / "scenarios" / "toy.yaml"
FLEE_CUT = ROOT / "tests" / "fixtures" / "flee" / "mali_cut"
SWEEP = ["parameters.movement.camp_weight=1,2"]
METRICS = ["total_fled", "peak_refugees_hosted[XBM]", "displaced_days", "ceasefire_day"]
DASK = Path(sys.executable).with_name("dask")
START_TIMEOUT = 60.0  # seconds for the scheduler and both workers to come up on a busy 2-core machine
RUN_TIMEOUT = 120.0  # seconds any one ensemble may take before the test gives up


# -- helpers -----------------------------------------------------------------------------------


def combined(out: Path) -> dict[str, bytes]:
    """The ensemble's combined files (every top-level table and metrics_summary.csv) by name."""
    files = {p.name: p.read_bytes() for p in out.glob("*.parquet")}
    files["metrics_summary.csv"] = (out / "metrics_summary.csv").read_bytes()
    return files


def parts(out: Path) -> dict[str, bytes]:
    """Every finished replicate's files by path under replicates/ (no partial folders)."""
    return {str(p.relative_to(out)): p.read_bytes()
            for p in sorted((out / "replicates").glob("[!.]*/*.parquet"))}


def finished_parts(out: Path) -> int:
    folder = out / "replicates"
    return sum(1 for p in folder.iterdir() if not p.name.startswith(".")) if folder.is_dir() else 0


def assert_same(run: EnsembleResult, reference: EnsembleResult) -> None:
    """Same files on disk, byte for byte, and the same tables in memory."""
    assert run.directory is not None and reference.directory is not None
    got, expected = combined(run.directory), combined(reference.directory)
    assert sorted(got) == sorted(expected)
    assert {"metrics.parquet", "states.parquet", "events.parquet", "summary.parquet"} <= set(got)
    for name in expected:
        assert got[name] == expected[name], f"{name} differs"
    assert parts(run.directory) == parts(reference.directory)
    pd.testing.assert_frame_equal(run.metrics, reference.metrics)
    pd.testing.assert_frame_equal(run.summary, reference.summary)
    assert run.tables.keys() == reference.tables.keys()
    for name, table in reference.tables.items():
        pd.testing.assert_frame_equal(run.tables[name], table)
    manifest = json.loads((run.directory / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "completed"


def small(out: Path, **where: object) -> EnsembleResult:
    """Four replicates of the toy world, at two camp weights."""
    return ensemble(TOY, replicates=4, sweep=SWEEP, metrics=METRICS, out=out, **where)


# -- a Dask cluster as separate processes ------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop a process this module started, then anything left in its process group (its own
    children: the worker process a nanny runs)."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)  # its own session: the group id is its pid


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`dask scheduler` and two `dask worker` processes (one thread each, each run by a nanny
    that restarts it if it dies) on 127.0.0.1; yields the scheduler address."""
    logs = tmp_path_factory.mktemp("dask-logs")
    address = f"tcp://127.0.0.1:{_free_port()}"
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path}
    commands = {
        "scheduler": [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1],
                      "--no-dashboard", "--dashboard-address", "127.0.0.1:0"],
        **{name: [str(DASK), "worker", address, "--nworkers", "1", "--nthreads", "1", "--host", "127.0.0.1",
                  "--no-dashboard", "--dashboard-address", "127.0.0.1:0", "--name", name,
                  "--local-directory", str(logs / name)]
           for name in ("w1", "w2")},
    }
    procs: list[subprocess.Popen[bytes]] = []
    try:
        for name, command in commands.items():
            with (logs / f"{name}.log").open("wb") as log:
                procs.append(subprocess.Popen(command, cwd=ROOT, env=env, stdout=log,
                                              stderr=subprocess.STDOUT, start_new_session=True))
        _wait_for_workers(address, 2, procs, logs)
        yield address
    finally:
        for proc in reversed(procs):  # workers first, then the scheduler
            _stop(proc)


def _wait_for_workers(address: str, n: int, procs: list[subprocess.Popen[bytes]], logs: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    try:
        with Client(address, timeout=f"{START_TIMEOUT:.0f}s") as client:
            while len(client.scheduler_info(n_workers=-1)["workers"]) < n:
                dead = [p.args[1] for p in procs if p.poll() is not None]
                if dead or time.monotonic() > deadline:
                    raise RuntimeError(f"cluster not up (exited: {dead})")
                time.sleep(0.2)
    except Exception as exc:
        detail = "\n".join(f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}"
                           for log in sorted(logs.glob("*.log")))
        raise RuntimeError(f"the Dask cluster at {address} did not start:\n{detail}") from exc


@pytest.fixture
def client(cluster: str) -> Iterator[Client]:
    """A client of the cluster for the test to look at it, with both workers connected."""
    with Client(cluster, timeout="30s", set_as_default=False) as c:
        c.wait_for_workers(2, timeout=START_TIMEOUT)
        yield c


# -- the tests ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> EnsembleResult:
    """The small ensemble run in this process, one replicate after another."""
    return small(tmp_path_factory.mktemp("reference") / "ens", jobs=1)


def test_dask_cluster_matches_in_process(cluster: str, client: Client, reference: EnsembleResult,
                                         tmp_path: Path) -> None:
    run = small(tmp_path / "ens", scheduler=cluster)
    assert_same(run, reference)
    assert sorted(reference.metrics["replicate"].unique()) == [0, 1, 2, 3]
    assert reference.metrics["variant"].nunique() == 2


def test_local_process_pool_matches_in_process(reference: EnsembleResult, tmp_path: Path) -> None:
    run = small(tmp_path / "ens", jobs=2)
    assert_same(run, reference)


def test_resume_runs_only_the_missing_replicates(reference: EnsembleResult, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    assert reference.directory is not None
    out = tmp_path / "ens"
    shutil.copytree(reference.directory, out)  # copy2: modification times kept
    missing = ["v000-r00002", "v001-r00000"]
    for key in missing:
        shutil.rmtree(out / "replicates" / key)
    damaged = "v001-r00002"  # damaged after it was written: it runs again
    next((out / "replicates" / damaged).glob("*.parquet")).write_bytes(b"cut short")
    for table in out.glob("*.parquet"):
        table.unlink()
    (out / "metrics_summary.csv").unlink()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    (out / "manifest.json").write_text(json.dumps({**manifest, "status": "running"}), encoding="utf-8")
    kept = {p.name: p.stat().st_mtime_ns for p in (out / "replicates").iterdir() if p.name != damaged}
    assert len(kept) == 5

    ran: list[str] = []
    real = ensembles.run_replicate

    def counting(scenario, task, *args):  # jobs=1 runs in this process, so the patch is seen
        ran.append(task.key)
        return real(scenario, task, *args)

    monkeypatch.setattr(ensembles, "run_replicate", counting)
    run = small(out, jobs=1, resume=True)
    assert sorted(ran) == sorted([*missing, damaged])
    assert {p.name: p.stat().st_mtime_ns for p in (out / "replicates").iterdir() if p.name in kept} == kept
    assert_same(run, reference)


def test_lost_worker_replicates_rerun_elsewhere(cluster: str, client: Client, tmp_path: Path) -> None:
    """SIGKILL the process of a worker that is running a replicate: Dask reruns its work on the
    other worker (and on the one its nanny starts again) and the files are the same bytes."""
    replicates = 16
    out = tmp_path / "cluster"
    with ThreadPoolExecutor(max_workers=1) as thread:
        running = thread.submit(ensemble, TOY, replicates=replicates, metrics=METRICS, out=out,
                                scheduler=cluster)
        deadline = time.monotonic() + RUN_TIMEOUT
        victim = None
        while victim is None:
            assert not running.done(), "the ensemble ended before a worker could be killed"
            assert time.monotonic() < deadline, "no replicate finished on the cluster in time"
            done = finished_parts(out)
            busy = [addr for addr, keys in client.processing().items() if keys]
            if 1 <= done <= replicates - 4 and busy:
                victim = busy[0]
            else:
                time.sleep(0.02)
        pid = client.run(os.getpid, workers=[victim])[victim]
        assert pid != os.getpid()
        os.kill(pid, signal.SIGKILL)
        killed_at = finished_parts(out)
        result = running.result(timeout=RUN_TIMEOUT)

    assert killed_at < replicates
    assert victim not in client.scheduler_info(n_workers=-1)["workers"]  # that worker is gone for good
    assert finished_parts(out) == replicates
    assert sorted(result.metrics["replicate"].unique()) == list(range(replicates))
    undisturbed = ensemble(TOY, replicates=replicates, metrics=METRICS, out=tmp_path / "inline", jobs=1)
    assert_same(result, undisturbed)
    client.wait_for_workers(2, timeout=START_TIMEOUT)  # the nanny has started a fresh worker


def test_a_backtest_gives_the_same_tables_wherever_it_runs(cluster: str, client: Client) -> None:
    """`allysim backtest --replicates` goes through the same executors as the experiments: in
    this process, on local processes and on the cluster (both workers up), the same tables."""
    def backtest(jobs: int = 1, scheduler: str | None = None) -> BacktestResult:
        with executor(jobs, scheduler) as pool:
            return run_backtest([FLEE_CUT], replicates=3, pool=pool if jobs > 1 or scheduler else None)

    here, local, remote = backtest(), backtest(jobs=2), backtest(scheduler=cluster)
    assert here.camps["replicate"].nunique() == 3
    for other in (local, remote):
        pd.testing.assert_frame_equal(other.camps, here.camps)
        pd.testing.assert_frame_equal(other.summary.drop(columns="wall_seconds"),
                                      here.summary.drop(columns="wall_seconds"))


# -- Ctrl-C at a terminal ----------------------------------------------------------------------


@pytest.mark.parametrize("after", ["the workers are loading", "a replicate has finished", "one worker alone"])
def test_ctrl_c_stops_every_local_process_with_one_line_and_no_traceback(tmp_path: Path, after: str) -> None:
    """A terminal's Ctrl-C reaches the whole process group: allysim, its fork server and its
    workers. Only allysim speaks (exit 130, what was kept); nothing is left running. A worker
    interrupted alone stops the experiment the same way."""
    out = tmp_path / "ens"
    kosovo = ROOT / "scenarios" / "history" / "kosovo-1999.yaml"
    command = [sys.executable, "-m", "sim", "ensemble", str(kosovo), "--replicates", "40", "--jobs", "2",
               "-o", str(out)]
    with subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          start_new_session=True,  # its own process group, as under a terminal
                          preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL)) as proc:
        try:
            header = proc.stderr.readline()  # printed as the pool starts loading the simulation
            assert header.startswith("ensemble:"), header
            if after == "the workers are loading":  # (the fork server imports for about a second)
                while not _running_in_group(proc.pid, b"multiprocessing.forkserver"):
                    assert proc.poll() is None
                    time.sleep(0.01)
                time.sleep(0.3)
            else:
                deadline = time.monotonic() + RUN_TIMEOUT
                while finished_parts(out) < 1 and time.monotonic() < deadline:
                    time.sleep(0.05)
            if after == "one worker alone":  # (the fork server's parent is allysim; a worker's, the server)
                workers = [pid for pid, parent in _running_in_group(proc.pid, b"forkserver").items()
                           if parent != proc.pid]
                os.kill(workers[0], signal.SIGINT)
            else:
                os.killpg(proc.pid, signal.SIGINT)
            rest = proc.stderr.read()
            assert proc.wait(timeout=RUN_TIMEOUT) == 130
            deadline = time.monotonic() + 10
            while _running_in_group(proc.pid) and time.monotonic() < deadline:
                time.sleep(0.1)
            left = _running_in_group(proc.pid)
        finally:
            _stop(proc)  # (whatever was left, so that a failure leaves nothing running)
    assert "Traceback" not in rest and rest.startswith("interrupted: "), rest
    assert not left, f"still running after Ctrl-C: {left}"


def _running_in_group(group: int, command: bytes = b"") -> dict[int, int]:
    """{pid: parent pid} of the processes of a process group still running (zombies, left for
    init to reap, are not), those whose command line holds ``command`` if given."""
    running = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            state, parent, pgrp = stat.read_text().rsplit(")", 1)[1].split()[:3]
            if int(pgrp) == group and state != "Z" and command in stat.with_name("cmdline").read_bytes():
                running[int(stat.parent.name)] = int(parent)
    return running
