"""Protected areas and checkpoints: an alliance's presence lowers flight in its areas, draws
displaced people to them, and holds people at its checkpoints without losing anyone."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.app.dashboard.words import decision_rows
from sim.core.cohorts import Status
from sim.loading import load_scenario
from sim.scenario.errors import ScenarioError
from tests.conftest import MECHANISMS, decisions, mechanism, run_conserving

SEEDS = range(5)
AREAS_ONLY = "world.alliances.0.protection.checkpoints=[]"


def _sheltered_share(model) -> float:
    """Share of the IDPs staying in the scenario's protected areas (with or without a presence)."""
    areas = [model.world.index[i] for i in ("ori_capital", "ori_south", "ori_idp_camp")]
    idps = model.population.occupancy[:, Status.IDP]
    return float(idps[areas].sum() / idps.sum())


def _fled(model) -> int:
    summary = model.recorder.summary_table().set_index("state")
    return int(summary.at["ORI", "total_fled"])


def test_protected_areas_lower_flight_and_draw_displaced_people() -> None:
    """Seed by seed, 5% to 25% fewer of Oria's people flee (about 14% on these seeds), and the
    protected areas shelter a share of Oria's IDPs 10 to 30 points higher at the end (about 75%
    without a presence, 93% with it)."""
    for seed in SEEDS:
        off = mechanism("protection", "world.alliances.0.protection=null", seed=seed, days=120)
        on = mechanism("protection", AREAS_ONLY, seed=seed, days=120)
        fled_off, fled_on = _fled(off), _fled(on)
        assert 0.75 * fled_off < fled_on < 0.95 * fled_off, (seed, fled_off, fled_on)
        share_off, share_on = _sheltered_share(off), _sheltered_share(on)
        assert share_off + 0.10 < share_on < share_off + 0.30, (seed, share_off, share_on)


def _crossings_and_waiting(*overrides: str, seed: int) -> tuple[int, int]:
    """Border crossings while the presence is deployed, and people on the road at the end."""
    model = mechanism("protection", *overrides, seed=seed, days=120)
    day = decisions(model, "protection_deployed")[0]["day"]
    flows = model.recorder.flows_table()
    crossed = flows[(flows.kind == "crossing") & (flows.day > day)]["count"].sum()
    return int(crossed), int(model.population.travellers.count.sum())


def test_a_checkpoint_slows_movement_and_a_blocking_one_stops_it() -> None:
    """Seed by seed: letting half through a day, people queue before the checkpoint (at least
    twice as many on the road at the end) but about as many cross (within 2%): a delay, not a
    barrier. Letting nobody through, 40% to 75% fewer cross while the presence lasts."""
    block = "world.alliances.0.protection.checkpoints.0.pass_share=0"
    for seed in SEEDS:
        crossed_none, waiting_none = _crossings_and_waiting(AREAS_ONLY, seed=seed)
        crossed_half, waiting_half = _crossings_and_waiting(seed=seed)
        crossed_block, _ = _crossings_and_waiting(block, seed=seed)
        assert waiting_half > 2 * waiting_none, (seed, waiting_none, waiting_half)
        assert abs(crossed_half - crossed_none) < 0.02 * crossed_none, (seed, crossed_none, crossed_half)
        assert 0.25 * crossed_none < crossed_block < 0.6 * crossed_none, (seed, crossed_none, crossed_block)


def test_people_held_at_a_checkpoint_are_counted_and_never_lost() -> None:
    block = "world.alliances.0.protection.checkpoints.0.pass_share=0"
    model = mechanism("protection", block, seed=0, days=60)
    day = decisions(model, "protection_deployed")[0]["day"]
    flows = model.recorder.flows_table()
    held = flows[flows.kind == "held"]
    # a checkpoint stands on a road, for people going either way
    assert set(zip(held.from_location, held.to_location, strict=True)) == {
        ("ori_south", "ori_crossing"), ("ori_crossing", "ori_south")}
    assert held.day.min() == day and held["count"].sum() > 100_000
    run_conserving(load_scenario(MECHANISMS / "protection.yaml", [block]), 60)


def test_deployment_and_withdrawal_are_logged_and_described() -> None:
    model = mechanism("protection", seed=3, days=30)
    [deployed] = decisions(model, "protection_deployed")
    assert deployed["actor"] == "ALL" and deployed["target"] == "ori_capital,ori_south,ori_idp_camp"
    assert deployed["detail"]["votes"] == "3/3" and deployed["detail"]["until"] == deployed["day"] + 120
    [row] = [r for r in decision_rows(model) if r[1] == "protected areas"]
    assert row[2].startswith("3 areas in ORI until day") and "1 checkpoint;" in row[2]
    short = mechanism("protection", "world.alliances.0.protection.duration_days=5", seed=3, days=40)
    [withdrawn] = decisions(short, "protection_withdrawn")
    assert withdrawn["day"] == decisions(short, "protection_deployed")[0]["day"] + 5
    assert short.world.protection.min() == 1.0 and short.world.edge_pass.min() == 1.0


@pytest.mark.parametrize(("old", "new", "message"), [
    ("locations: [ori_capital, ori_south, ori_idp_camp]", "locations: [ori_capital, frn_town]",
     "'frn_town' is in 'FRN', not in the target 'ORI'"),
    ("to: ori_crossing", "to: frn_city", "there is no route between 'ori_south' and 'frn_city'"),
    ("pass_share: 0.5", "pass_share: 1.5", "pass_share: found 1.5; input should be less than or equal to 1"),
    ("attraction: 3.0", "attraction: 0.5", "attraction: found 0.5; input should be greater than or equal"),
    ("flee_factor: 0.5", "flee_factor: -1", "flee_factor: found -1"),
])
def test_bad_protection_fields_are_located_errors(tmp_path: Path, old: str, new: str, message: str) -> None:
    text = (MECHANISMS / "protection.yaml").read_text()
    assert old in text
    for name in ("frontier-locations.csv", "frontier-routes.csv"):
        (tmp_path / name).write_text((MECHANISMS / name).read_text())
    bad = tmp_path / "protection.yaml"
    bad.write_text(text.replace(old, new))
    with pytest.raises(ScenarioError) as info:
        load_scenario(bad)
    line = next(i for i, t in enumerate(bad.read_text().splitlines(), 1) if new.split(":")[0] in t
                and new.split(": ")[-1] in t)
    assert message in str(info.value) and f"protection.yaml:{line}:" in str(info.value)
