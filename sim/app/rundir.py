"""Run directories: written whole or not at all, and never overwritten by accident.

Outputs go to a hidden sibling directory first and are renamed into place only when every file
is written. An existing run directory is replaced only with ``force``; without an explicit
target, a free name (``runs/<scenario>``, ``runs/<scenario>-2``, ...) is chosen.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

DEFAULT_ROOT = Path("runs")


class RunDirExists(Exception):
    """The target directory exists and ``--force`` was not given."""

    def __init__(self, path: Path):
        self.path = path
        super().__init__(f"{path} already exists; choose another -o directory or pass --force "
                         "to replace it")


def choose_run_dir(name: str, out: Path | None, force: bool) -> Path:
    """The directory a run will write to; checked before the run starts so no work is wasted."""
    if out is not None:
        if out.exists() and not force:
            raise RunDirExists(out)
        return out
    candidate = DEFAULT_ROOT / name
    k = 2
    while candidate.exists():
        candidate = DEFAULT_ROOT / f"{name}-{k}"
        k += 1
    return candidate


def write_atomically(target: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp_dir)`` and move the result to ``target``; on any failure leave no trace."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".{target.name}.partial-{os.getpid()}"
    old = target.parent / f".{target.name}.old-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        write(tmp)
        if target.exists():
            target.rename(old)
        tmp.rename(target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old.exists() and not target.exists():
            old.rename(target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=False) + "\n", encoding="utf-8")
