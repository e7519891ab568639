"""The model as Mesa sees it: agents, a network space, reproducibility, one step per day."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

import pytest
from mesa.discrete_space import Network

from sim.agents import CivilianPopulation, Location, State
from sim.app.runner import OUTPUT_FILES, run_to_directory
from sim.loading import load_scenario
from sim.model import ConservationError, DisplacementModel
from sim.scenario.claims import scenario_files
from tests.conftest import build, line_world

ROOT = Path(__file__).resolve().parents[1]
TOY = ROOT / "scenarios" / "toy.yaml"


def test_agents_and_space() -> None:
    model = DisplacementModel(build(line_world()))
    assert isinstance(model.grid, Network)
    assert len(model.agents_by_type[Location]) == 3
    assert len(model.agents_by_type[CivilianPopulation]) == 3
    assert {s.code for s in model.agents_by_type[State]} == {"XAR", "XBM"}
    home = model.locations[0]
    assert home.cell is model.grid[0] and home.location_id == "home"
    assert tuple(home.cell.position) == (1.0, 1.0)  # (lon, lat) layout
    assert model.populations[0].counts()["resident"] == 10_000
    model.step()
    assert sum(p.present for p in model.populations) + model.recorder.totals["in_transit"] == 10_000


def test_one_step_is_one_day_and_the_run_stops() -> None:
    model = DisplacementModel(build(line_world(days=5)))
    model.run_for(5)
    assert model.time == 5.0 and model.day == 4 and not model.running


def test_a_day_that_creates_or_loses_people_stops_the_run() -> None:
    model = DisplacementModel(build(line_world(days=10)))
    model.step()
    model.population.people.count[0] += 3  # a defect that creates three people
    with pytest.raises(ConservationError, match=r"day 1: 10,003 people alive .* against 10,000"):
        model.step()


def test_seed_from_text_and_override() -> None:
    spec = build(line_world())
    assert DisplacementModel(spec, rng="7").seed == 7  # the dashboard sends text
    assert DisplacementModel(spec).seed == spec.seed


def test_same_seed_same_bytes_different_seed_different_bytes(tmp_path: Path) -> None:
    a = run_to_directory(TOY, tmp_path / "a", command="test").directory
    b = run_to_directory(TOY, tmp_path / "b", command="test").directory
    c = run_to_directory(TOY, tmp_path / "c", seed=99, command="test").directory
    for name in OUTPUT_FILES:
        assert (a / f"{name}.csv").read_bytes() == (b / f"{name}.csv").read_bytes(), name
    assert (a / "flows.csv").read_bytes() != (c / "flows.csv").read_bytes()


def test_model_is_released_after_use() -> None:
    model = DisplacementModel(load_scenario(TOY))
    model.run_for(5)
    ref = weakref.ref(model)
    model.remove_all_agents()
    del model
    gc.collect()
    assert ref() is None


@pytest.mark.parametrize("path", scenario_files(ROOT / "scenarios"),
                         ids=lambda p: p.relative_to(ROOT).as_posix())
def test_shipped_scenarios_run_and_conserve_people(path: Path) -> None:
    spec = load_scenario(path)
    model = DisplacementModel(spec.model_copy(update={"days": min(spec.days, 60)}))
    start = model.total_people()
    while model.running:
        model.step()
    assert model.total_people() == start
