"""Where replicates run: in this process, in local worker processes, or on a Dask cluster.

Every executor has the ``concurrent.futures`` interface (``submit`` returning a Future), which
Dask's ``Client.get_executor()`` also offers, so the experiment layer does not care which one
it is given. Local processes are forked from a fork server that has loaded the simulation once
(``forkserver``): each worker starts in milliseconds and is safe whatever threads the parent
runs. As with any ``spawn``/``forkserver`` pool, a script that runs experiments in local
processes keeps its top-level code under ``if __name__ == "__main__":``.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from importlib import metadata
from typing import Any

from sim.experiments.defaults import not_whole
from sim.outputs import allysim_version

LOCAL_JOBS_PER_CORE = 4  # local worker processes beyond this many a core are refused
CONNECT_WAIT = 30.0  # seconds to reach a Dask scheduler


class ExecutorError(Exception):
    """Replicates cannot run where they were sent: too many local processes, or a Dask cluster
    that cannot be reached, has no worker, or runs another allysim version."""


class InlineExecutor(Executor):
    """Runs each task at once in this process (one job: no start-up cost, easy to debug)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # the caller sees it when it asks for the result
            future.set_exception(exc)
        return future


def default_jobs() -> int:
    """The cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@contextmanager
def executor(jobs: int | None = None, scheduler: str | None = None) -> Iterator[Executor]:
    """An executor for ``jobs`` local processes (default: every core; 1: this process), or for
    the Dask cluster whose scheduler listens at ``scheduler`` (``tcp://host:8786``)."""
    if scheduler is not None:
        from distributed import Client  # only users of a cluster need it loaded

        try:
            client = Client(scheduler, timeout=f"{CONNECT_WAIT:.0f}s")
        except (OSError, ValueError, TypeError) as exc:  # unreachable, or not an address
            raise ExecutorError(f"cannot reach the Dask scheduler {scheduler!r} ({exc}); start one "
                                "with: dask scheduler (docs/ensembles.md)") from None
        with client:
            _check_workers(client, scheduler)
            yield client.get_executor(pure=False)
        return
    cores = default_jobs()
    jobs = cores if jobs is None else jobs
    if problem := not_whole("--jobs", jobs):
        raise ExecutorError(problem)
    if jobs < 1:
        raise ExecutorError(f"--jobs {jobs}: expected 1 or more local processes")
    if jobs > LOCAL_JOBS_PER_CORE * cores:
        raise ExecutorError(f"--jobs {jobs}: this machine gives {cores} core(s), and more than "
                            f"{LOCAL_JOBS_PER_CORE * cores} local processes would only compete for "
                            "them (a Dask cluster, --scheduler, runs on more machines)")
    if jobs <= 1:
        yield InlineExecutor()
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["sim.experiments.worker_preload"])
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=stop_on_interrupt) as pool:
        yield pool


def stop_on_interrupt() -> None:
    """A local worker's initializer: Ctrl-C, which reaches every process of the terminal's group,
    ends the worker quietly (exit status 130), whether it was running a replicate or waiting for
    one, instead of printing a traceback under allysim's own "interrupted" line."""
    signal.signal(signal.SIGINT, lambda signum, frame: sys.exit(130))


WORKER_WAIT = 60.0  # seconds a scheduler may take to have a first worker


def _check_workers(client: Any, scheduler: str) -> None:
    """At least one worker, and every worker running this version of allysim."""
    try:
        client.wait_for_workers(1, timeout=WORKER_WAIT)
    except TimeoutError:
        raise ExecutorError(f"the Dask scheduler {scheduler} has no worker after {WORKER_WAIT:.0f} "
                            "s; start workers with: dask worker " + scheduler) from None
    mine = allysim_version()
    versions = client.run(metadata.version, "allysim")
    other = {addr: v for addr, v in versions.items() if v != mine}
    if other:
        raise ExecutorError(f"Dask workers run another allysim version than this one ({mine}): "
                            + ", ".join(f"{a} has {v}" for a, v in other.items()))
