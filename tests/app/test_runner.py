"""One run to its directory: whole or not at all, never overwritten by accident, with provenance."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.app.runner import run_to_directory
from sim.core.recorder import Recorder
from sim.outputs import OutputError, RunDirExists

TOY = Path(__file__).resolve().parents[2] / "scenarios" / "toy.yaml"


def test_existing_run_is_kept_without_force(tmp_path: Path) -> None:
    target = tmp_path / "run"
    run_to_directory(TOY, target, command="first")
    before = (target / "manifest.json").read_text()
    with pytest.raises(RunDirExists):
        run_to_directory(TOY, target, command="second")
    assert (target / "manifest.json").read_text() == before
    run_to_directory(TOY, target, force=True, command="third")
    assert '"command": "third"' in (target / "manifest.json").read_text()


def test_failed_run_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: Recorder) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(Recorder, "tables", broken)
    with pytest.raises(RuntimeError):
        run_to_directory(TOY, tmp_path / "run", command="x")
    assert list(tmp_path.iterdir()) == []


def test_failed_forced_run_keeps_the_old_outputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "run"
    run_to_directory(TOY, target, command="good")
    monkeypatch.setattr("sim.app.runner._dump_yaml", lambda *a: (_ for _ in ()).throw(OSError("boom")))
    with pytest.raises(OutputError, match="boom"):
        run_to_directory(TOY, target, force=True, command="bad")
    assert '"command": "good"' in (target / "manifest.json").read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_default_directory_gets_a_free_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "toy.yaml").write_text(TOY.read_text())
    first = run_to_directory("scenarios/toy.yaml", command="x").directory
    second = run_to_directory("scenarios/toy.yaml", command="x").directory
    assert (first, second) == (Path("runs/toy"), Path("runs/toy-2"))


def test_manifest_records_provenance(tmp_path: Path) -> None:
    import json

    d = run_to_directory(TOY, tmp_path / "r", seed=3, command="allysim run toy").directory
    m = json.loads((d / "manifest.json").read_text())
    assert m["seed"] == 3 and m["status"] == "completed" and m["command"] == "allysim run toy"
    assert len(m["scenario"]["sha256"]) == 64 and m["packages"]["mesa"].startswith("3.5")
    assert m["rows"]["states"] == 3 * 120


def test_a_shortened_run_repeats_from_its_scenario_yaml(tmp_path: Path) -> None:
    """``--days`` before the toy's later events: its resolved scenario still loads and repeats it."""
    import json

    first = run_to_directory(TOY, tmp_path / "a", seed=3, days=20).directory
    again = run_to_directory(first / "scenario.yaml", tmp_path / "b").directory
    hashes = [json.loads((d / "manifest.json").read_text())["outputs_sha256"] for d in (first, again)]
    assert hashes[0] == hashes[1]
