"""The historical episodes of scenarios/history/: each validates, runs its full length, encodes
its episode's events as its header says, and scores against its targets file with every
calibration row within tolerance (the claim docs/history.md makes)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis import load_run
from analysis.scoring import RunFacts, read_targets, score
from sim.app.runner import run_to_directory
from sim.loading import load_scenario

ROOT = Path(__file__).resolve().parents[2]
HISTORY = ROOT / "scenarios" / "history"
EPISODES = sorted(p.stem for p in HISTORY.glob("*.yaml"))
NEW = ["rwanda-1994", "ukraine-2022", "afghanistan-2021"]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every episode run once, its full length, at its own seed (about 15 s for all five)."""
    out = tmp_path_factory.mktemp("history")
    return {name: run_to_directory(HISTORY / f"{name}.yaml", out / name, command="test").directory
            for name in EPISODES}


def test_the_three_new_episodes_are_shipped() -> None:
    assert set(NEW) <= set(EPISODES)


@pytest.mark.parametrize("episode", EPISODES)
def test_an_episode_validates_and_names_its_sources_and_targets(episode: str) -> None:
    spec = load_scenario(HISTORY / f"{episode}.yaml")
    assert spec.name == episode and "Sources:" in spec.description
    header = (HISTORY / f"{episode}.yaml").read_text(encoding="utf-8").split("\nname:")[0]
    assert "Calibration targets" in header or "calibration targets" in header
    first = pd.Timestamp(spec.start_date)
    facts = RunFacts(frozenset(s.id for s in spec.world.states),
                     frozenset(loc.id for loc in spec.world.locations), first,
                     first + pd.Timedelta(days=spec.days - 1),
                     frozenset({"states", "flows", "locations"}))
    targets = read_targets(HISTORY / f"{episode}.targets.csv", facts)
    roles = [t.role for t in targets]
    assert roles.count("calibration") >= 3 and roles.count("validation") >= 5
    assert all(t.source for t in targets)


@pytest.mark.parametrize("episode", EPISODES)
def test_an_episode_scores_with_its_calibration_rows_in_tolerance(episode: str,
                                                                  runs: dict[str, Path]) -> None:
    scores = score(runs[episode], HISTORY / f"{episode}.targets.csv")
    table = scores.table
    assert table["simulated"].notna().all() and (table["simulated"] > 0).all()
    calibration = table[table.role == "calibration"]
    assert calibration["within_tolerance"].all(), calibration[["target", "observed", "simulated"]]
    summary = scores.summary.set_index("role")
    assert summary.loc["validation", "targets"] == (table.role == "validation").sum()


def test_rwanda_the_intervention_comes_late_and_the_hosts_send_people_home(runs: dict[str, Path]) -> None:
    run = load_run(runs["rwanda-1994"])
    events = run.events
    started = events[events.type == "intervention_started"]
    assert started["date"].dt.strftime("%Y-%m-%d").tolist() == ["1994-06-23"]  # not before resolution 929
    ended = events[events.type == "intervention_ended"]
    assert ended["date"].dt.strftime("%Y-%m-%d").tolist() == ["1994-08-21"]
    returns = events[events.type == "return"]
    assert list(zip(returns.date.dt.strftime("%Y-%m-%d"), returns.actor, strict=True)) == [
        ("1995-08-19", "COD"), ("1996-07-19", "BDI"), ("1996-11-15", "COD"), ("1996-12-14", "TZA")]
    states = run.states.set_index(["date", "state"])
    zaire_before = states.loc[(pd.Timestamp("1996-11-14"), "COD"), "refugees_hosted"]
    flows = run.flows
    sent = flows[(flows.kind == "return") & (flows.from_state == "COD")
                 & (flows.date == pd.Timestamp("1996-11-15"))]["count"].sum()
    assert 0.55 * zaire_before < sent < 0.62 * zaire_before  # the Goma share, 0.58, and a few who chose to
    assert states.loc[(pd.Timestamp("1996-12-31"), "TZA"), "refugees_hosted"] < 0.01 * states.loc[
        (pd.Timestamp("1996-12-13"), "TZA"), "refugees_hosted"]  # Tanzania's order: everyone


def test_ukraine_temporary_protection_switches_on_on_4_march(runs: dict[str, Path]) -> None:
    run = load_run(runs["ukraine-2022"])
    [switch] = run.events[run.events.type == "parameters"].itertuples()
    assert switch.date == pd.Timestamp("2022-03-04")
    flows = run.flows
    crossings = flows[(flows.kind == "crossing") & (flows.from_state == "UKR")]
    assert set(crossings.to_state) == {"POL", "ROU", "HUN", "SVK", "MDA", "RUS"}
    onward = flows[(flows.kind == "crossing") & flows.to_state.isin(["DEU", "CZE", "AUT", "ITA", "ESP"])]
    assert onward["count"].sum() > 0 and "UKR" not in set(onward.from_state)  # only through the neighbours
    returned = flows[(flows.kind == "return") & (flows.to_state == "UKR") & (flows.from_state != "UKR")]
    assert returned["count"].sum() > 0 and returned.date.min() > pd.Timestamp("2022-03-04")


def test_afghanistan_the_airlift_flies_residents_out_of_kabul_airport(runs: dict[str, Path]) -> None:
    run = load_run(runs["afghanistan-2021"])
    flown = run.flows[run.flows.kind == "evacuation"]
    assert flown["count"].sum() == 123_000
    assert flown.date.min() == pd.Timestamp("2021-08-15") and flown.date.max() == pd.Timestamp("2021-08-30")
    by_state = flown.groupby("to_state")["count"].sum()
    assert by_state["GBR"] == 15_000 and by_state["DEU"] == 5_347
    summary = run.summary.set_index("state")
    assert summary.loc["AFG", "resettled"] == 123_000
    arrivals = run.states[run.states.state.isin(["PAK", "IRN"])]
    assert arrivals.groupby("state")["refugees_hosted"].max().gt(0).all()
