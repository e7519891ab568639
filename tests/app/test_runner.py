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
    monkeypatch.setattr("sim.app.runner._write_resolved", lambda *a: (_ for _ in ()).throw(OSError("boom")))
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


def test_a_world_too_large_for_one_file_repeats_from_its_run_directory(tmp_path: Path) -> None:
    """The resolved scenario of a 2,000-place world would pass the limit on a scenario file: its
    long tables go to CSV files beside it, and the run repeats from its directory."""
    import json

    from sim.loading import load_scenario
    from sim.scenario.loading import MAX_YAML_BYTES

    places = 2_000
    rows = [f"L{i},{'ARA' if i < places // 2 else 'BOR'},{'camp' if i % 97 == 5 else 'town'},"
            f"{0 if i % 97 == 5 else 1000 + i},{10 + i * 0.01:.2f},{20 + (i % 7) * 0.1:.2f}"
            for i in range(places)]
    (tmp_path / "places.csv").write_text("id,state,kind,population,lat,lon\n" + "\n".join(rows) + "\n")
    (tmp_path / "roads.csv").write_text("from,to,km\n" + "".join(
        f"L{i},L{i + 1},{30 + i % 11}\n" for i in range(places - 1)))
    scenario = tmp_path / "big.yaml"
    scenario.write_text(
        "name: big\nstart_date: 2020-01-01\ndays: 6\n"
        "world:\n  states: [{id: ARA}, {id: BOR}]\n  locations_csv: places.csv\n  routes_csv: roads.csv\n"
        "events:\n"
        "  - {day: 0, type: conflict, locations: [L0, L1], intensity: 1.0}\n"
        "  - {day: 2, type: border, state: BOR, policy: closed}\n"
        "  - {day: 2, type: conflict, locations: [L2], intensity: 0.5}\n"
        "  - {day: 3, type: conflict, locations: [L3], intensity: 1.0}\n")
    first = run_to_directory(scenario, tmp_path / "a", command="x").directory
    resolved = first / "scenario.yaml"
    assert resolved.stat().st_size < MAX_YAML_BYTES < len(json.dumps(load_scenario(scenario).resolved()))
    manifest = json.loads((first / "manifest.json").read_text())
    assert sorted(manifest["scenario"]["resolved_tables_sha256"]) == [
        "scenario.conflicts.csv", "scenario.locations.csv", "scenario.routes.csv"]
    # The conflicts after the last other event moved, one row a location; the order of a day's
    # events is kept.
    assert (first / "scenario.conflicts.csv").read_text().splitlines() == [
        "day,location,intensity", "2,L2,0.5", "3,L3,1.0"]
    events = load_scenario(resolved).events
    assert [(e.day, e.type) for e in events] == [(0, "conflict"), (2, "border"), (2, "conflict"),
                                                 (3, "conflict")]
    again = run_to_directory(resolved, tmp_path / "b", command="y").directory
    hashes = [json.loads((d / "manifest.json").read_text())["outputs_sha256"] for d in (first, again)]
    assert hashes[0] == hashes[1]
    assert (again / "scenario.yaml").read_bytes() == resolved.read_bytes()
