"""Output directories: written whole or not at all, never overwritten by accident, never left
half-written.

Outputs go to a hidden sibling directory first and are renamed into place only when every file
is written. An existing directory is replaced only with ``force``, and only if it is an allysim
output directory of the same kind (its manifest.json says so): a folder of the user's own files
is never deleted. A run killed while writing leaves a hidden ``.NAME.partial-PID`` folder; the
next write into the same parent removes those whose process is gone.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

DEFAULT_ROOT = Path("runs")
RUN = "allysim run"
BACKTEST = "allysim backtest"
CALIBRATION = "allysim calibration"
CLAIMS = "allysim claims"
ENSEMBLE = "allysim ensemble"  # also compare and sensitivity directories
# The tables of a run directory (sim/core/recorder.py; columns in docs/outputs.md).
RUN_TABLES = ("stocks", "states", "locations", "flows", "events", "summary")
_LEFTOVER = re.compile(r"^\.(?P<name>.+)\.(?:partial|old)-(?P<pid>\d+)$")


class OutputError(Exception):
    """An output directory that cannot be (re)written; the message says why and what was kept."""


class RunDirExists(OutputError):
    """The target directory exists and ``--force`` was not given."""

    def __init__(self, path: Path):
        self.path = path
        super().__init__(f"{path} already exists; choose another -o directory or pass --force "
                         "to replace it")


def output_kind(path: Path) -> str | None:
    """The kind of allysim output directory ``path`` is (``allysim run``, ``allysim backtest``,
    ...), from its manifest.json, or None for anything else."""
    return manifest_kind(manifest_of(path))


def manifest_of(path: Path) -> dict | None:
    """``path``/manifest.json as a dict, or None when it is missing or not a JSON object."""
    try:
        manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def manifest_kind(manifest: dict | None) -> str | None:
    """The output kind a manifest names (see ``output_kind``)."""
    if manifest is None:
        return None
    if "kind" in manifest:
        return str(manifest["kind"])
    # run directories written before manifests named their kind
    return RUN if {"allysim_version", "outputs_sha256"} <= manifest.keys() else None


def check_target(path: Path, force: bool, kind: str) -> None:
    """Refuse ``path`` unless it is free, or ``force`` is given and it is an output of ``kind``."""
    if not path.exists():
        return
    if not force:
        raise RunDirExists(path)
    if not path.is_dir() or output_kind(path) != kind:
        raise OutputError(f"{path} is not an {kind} directory (no manifest.json of one), so --force "
                          "will not replace it: choose another -o directory")


def choose_run_dir(name: str, out: Path | None, force: bool) -> Path:
    """The directory a run will write to; checked before the run starts so no work is wasted."""
    if out is not None:
        check_target(out, force, RUN)
        return out
    candidate = DEFAULT_ROOT / name
    k = 2
    while candidate.exists():
        candidate = DEFAULT_ROOT / f"{name}-{k}"
        k += 1
    return candidate


def remove_leftovers(parent: Path) -> list[Path]:
    """Remove the hidden partial folders that killed writers left in ``parent``; returns them.
    Folders of processes still running are left alone."""
    removed = []
    if not parent.is_dir():
        return removed
    for entry in parent.iterdir():
        match = _LEFTOVER.match(entry.name)
        if match and entry.is_dir() and not _alive(int(match.group("pid"))):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def write_atomically(target: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp_dir)`` and move the result to ``target``; on any failure leave no trace
    and keep what ``target`` held before."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_leftovers(target.parent)
        tmp = target.parent / f".{target.name}.partial-{os.getpid()}"
        old = target.parent / f".{target.name}.old-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
    except OSError as exc:
        raise OutputError(f"cannot write to {target.parent}: {_reason(exc)}") from None
    try:
        write(tmp)
        if target.exists():
            target.rename(old)
        tmp.rename(target)
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if old.exists() and not target.exists():
            old.rename(target)
        if isinstance(exc, OSError):
            kept = " (the previous outputs are kept)" if target.exists() else ""
            raise OutputError(f"cannot write {target}: {_reason(exc)}{kept}") from None
        raise
    shutil.rmtree(old, ignore_errors=True)


def _reason(exc: OSError) -> str:
    names = {errno.ENOSPC: "the disk is full", errno.EROFS: "the file system is read-only",
             errno.EACCES: "permission denied", errno.EDQUOT: "disk quota exceeded"}
    return names.get(exc.errno or -1, exc.strerror or str(exc))


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def package_version(package: str) -> str:
    """An installed package's version for a manifest ("unknown" when it is not installed)."""
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "unknown"


def allysim_version() -> str:
    """allysim's own version (``sim.__version__``): "0+unknown", still a valid version, in a source
    tree that was never installed."""
    version = package_version("allysim")
    return "0+unknown" if version == "unknown" else version


def write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=False) + "\n", encoding="utf-8")
