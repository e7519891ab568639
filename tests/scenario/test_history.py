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
NEW = ["rwanda-1994", "ukraine-2022", "afghanistan-2021", "libya-2011", "syria-2015"]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every episode run once, its full length, at its own seed (about 30 s for all seven)."""
    out = tmp_path_factory.mktemp("history")
    return {name: run_to_directory(HISTORY / f"{name}.yaml", out / name, command="test").directory
            for name in EPISODES}


def test_the_newer_episodes_are_shipped() -> None:
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


def test_libya_the_foreign_workers_go_home_and_the_boats_kill(runs: dict[str, Path]) -> None:
    run = load_run(runs["libya-2011"])
    [started] = run.events[run.events.type == "intervention_started"].itertuples()
    assert started.date == pd.Timestamp("2011-03-20")  # the day after resolution 1973's first strikes
    summary = run.summary.set_index("state")
    for home in ["EGY", "TUN", "NER", "TCD", "BGD"]:  # workers back home count as returns
        assert summary.loc[home, "returned"] > 0
    flown = run.flows[run.flows.kind == "evacuation"]
    assert set(zip(flown.from_state, flown.to_state, strict=True)) == {("TUN", "EGY"), ("TUN", "BGD"),
                                                                      ("EGY", "BGD")}
    boats = run.flows[(run.flows.kind == "crossing") & (run.flows.to_location == "lampedusa")]
    assert boats.groupby("date")["count"].sum().max() <= 190
    assert boats.date.min() == pd.Timestamp("2011-03-26") and boats.date.max() <= pd.Timestamp("2011-08-24")
    dead = run.flows[run.flows.kind == "death"]["count"].sum()
    assert 0.03 < dead / (dead + boats["count"].sum()) < 0.07  # 1 in 20 crossings
    italy = run.states[run.states.state == "ITA"].set_index("date")["refugees_hosted"]
    assert italy.max() <= boats["count"].sum()  # nobody reaches Lampedusa but by the boats


def test_syria_the_relocation_scheme_delivers_part_of_its_quotas(runs: dict[str, Path]) -> None:
    run = load_run(runs["syria-2015"])
    moved = run.flows[run.flows.kind == "relocation"]
    assert set(moved.from_state) == {"GRC"} and moved.date.min() == pd.Timestamp("2015-11-04")
    by_state = moved.groupby("to_state")["count"].sum()
    quotas = {"FRA": 19714, "ESP": 9323, "NLD": 5947, "PRT": 2951, "FIN": 2078}
    assert "POL" not in by_state.index  # a fulfilment of 0
    assert all(0 < by_state[s] <= q for s, q in quotas.items())
    aegean = run.flows[(run.flows.kind == "crossing") & (run.flows.to_location == "lesvos")]
    after = aegean[aegean.date >= pd.Timestamp("2016-03-20")].groupby("date")["count"].sum()
    assert after.max() <= 40  # the EU-Turkey statement's cut
    assert aegean[aegean.date.dt.year == 2015]["count"].sum() > 10 * after.sum()
    assert run.summary.set_index("state").loc["SYR", "deaths"] > 0
