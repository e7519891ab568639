"""Data-driven displacement: the observed rise is displaced in the model, or reported unplaced."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.backtests.backtest import load_conflict
from sim.core.cohorts import Status
from sim.core.observed import Observed
from sim.core.spawning import daily_new
from sim.model import DisplacementModel
from sim.scenario import Scenario

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "flee"
MALI = FIXTURES / "mali_cut"
MENAKA_ROADS = ("Abala", "Mangaize", "Tabareybarey", "Ansongo")


def cut_off_menaka(folder: Path) -> None:
    """Every road out of Menaka, the only place in conflict until day 23, closed until day 30."""
    with open(folder / "input_csv" / "closures.csv", "a") as f:
        f.writelines(f"link,Menaka,{other},0,30\n" for other in MENAKA_ROADS)


def no_conflict_before_day_10(folder: Path) -> None:
    """Nothing in conflict on days 0-9, while the data keep rising."""
    path = folder / "input_csv" / "conflicts.csv"
    table = pd.read_csv(path)
    table.loc[table["#Day"] < 10, table.columns[1:]] = 0
    table.to_csv(path, index=False)


def fixture(tmp_path: Path, name: str) -> Scenario:
    if name in ("mali_cut", "ssudan_cut"):
        return load_conflict(FIXTURES / name)
    folder = tmp_path / name
    shutil.copytree(MALI, folder)
    {"menaka_cut_off": cut_off_menaka, "late_conflict": no_conflict_before_day_10}[name](folder)
    return load_conflict(folder)


def finish(spec: Scenario) -> DisplacementModel:
    model = DisplacementModel(spec)
    while model.running:
        model.step()
    return model


@pytest.mark.parametrize(("name", "first_conflict_day"),
                         [("mali_cut", 1), ("ssudan_cut", 5), ("menaka_cut_off", 1), ("late_conflict", 10)])
def test_the_observed_rise_is_displaced_or_reported(tmp_path: Path, name: str,
                                                     first_conflict_day: int) -> None:
    spec = fixture(tmp_path, name)
    model = DisplacementModel(spec)
    start = model.total_people()
    displaced0 = sum(loc.displaced for loc in spec.world.locations)
    rise = daily_new(Observed.from_spec(spec.observed, spec.start_date, spec.days), "camps")
    while model.running:
        model.step()
        day = model.day
        spawner = model.spawner
        assert spawner.placed + spawner.unplaced == int(rise[:day + 1].sum())
        residents = model.population.cube[:, :, Status.RESIDENT].sum()
        assert model.total_people() - residents == displaced0 + spawner.placed, f"day {day}"
    assert model.total_people() == start
    # the rise of the days before any place is in conflict has nowhere to come from: reported
    assert model.spawner.unplaced == int(rise[:first_conflict_day].sum())
    reported = [e for e in model.event_log if e["type"] == "unplaced"]
    assert sum(e["detail"]["count"] for e in reported) == model.spawner.unplaced
    assert {e["detail"]["reason"] for e in reported} <= {"no location in conflict"}


def test_people_placed_behind_closed_roads_wait_at_home_as_idps(tmp_path: Path) -> None:
    model = DisplacementModel(fixture(tmp_path, "menaka_cut_off"))
    menaka = model.world.index["Menaka"]
    model.run_for(23)  # the data first rise on day 22, when only Menaka is in conflict
    assert model.population.cube[menaka, :, Status.IDP].sum() == model.spawner.placed > 0
    model.run_for(6)
    flows = model.recorder.flows_table()
    assert not (flows["from_location"] == "Menaka").any()  # nobody got out ...
    model.run_for(11)
    flows = model.recorder.flows_table()
    assert (flows["from_location"] == "Menaka").any()  # ... until the roads opened after day 30


def test_newly_displaced_come_from_conflict_zones_by_population() -> None:
    model = DisplacementModel(load_conflict(MALI))
    for _ in range(31):
        model.step()
    w = model.world
    weights = model.spawner.weights(31)
    on = np.flatnonzero(weights > 0)
    assert {w.ids[i] for i in on} == {"Menaka", "Gao", "Ansongo"}  # in conflict by day 30
    # Menaka started on day 1: by day 31 it is in its second 30-day period, still factor 1
    menaka = w.index["Menaka"]
    assert weights[menaka] == w.population0[menaka] * 1.0 * 1.0
    # flows.csv: every flight of the run starts at a location in conflict
    model.run_for(5)
    flows = model.recorder.flows_table()
    assert set(flows.loc[flows["kind"] == "flight", "from_location"]) <= {"Menaka", "Gao", "Ansongo"}
