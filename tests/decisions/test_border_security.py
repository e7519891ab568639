"""Joint border security on the irregular routes into the alliance: a cap, patrols that turn
people back, and rescue that lowers the crossing risk; all off by default."""

from __future__ import annotations

import pytest

from sim.app.dashboard.words import decision_rows
from sim.loading import load_scenario
from tests.conftest import MECHANISMS, decisions, mechanism, refusal, run_conserving

SEEDS = range(5)
SECURITY = "world.alliances.0.border_security"
DAYS = 100


def _deaths_and_crossings(*overrides: str, seed: int) -> tuple[int, int]:
    flows = mechanism("irregular-routes", *overrides, seed=seed, days=DAYS).recorder.flows_table()
    boat = (flows.from_location == "ori_south") & (flows.to_location == "frn_town")
    return (int(flows[boat & (flows.kind == "death")]["count"].sum()),
            int(flows[boat & (flows.kind == "crossing")]["count"].sum()))


def test_search_and_rescue_halves_the_deaths_on_the_boat_route() -> None:
    """Rescue 0.5 from the day the alliance acts: seed by seed, deaths fall by 25% to 55% (the
    deaths before it acts are unchanged) and more people arrive."""
    for seed in SEEDS:
        dead_off, crossed_off = _deaths_and_crossings(seed=seed)
        dead_on, crossed_on = _deaths_and_crossings(f"{SECURITY}.search_and_rescue=0.5", seed=seed)
        assert 0.45 * dead_off < dead_on < 0.75 * dead_off, (seed, dead_off, dead_on)
        assert crossed_on > crossed_off, seed


def test_patrols_turn_people_back_to_the_coast_and_nobody_is_lost() -> None:
    """Interception 0.5: seed by seed, 5% to 40% fewer cross on the boats (those turned back try
    again: half are stopped on each attempt, not half of all), and the people turned back are
    recorded at the route's ends."""
    for seed in SEEDS:
        _, crossed_off = _deaths_and_crossings(seed=seed)
        _, crossed_on = _deaths_and_crossings(f"{SECURITY}.interception=0.5", seed=seed)
        assert 0.6 * crossed_off < crossed_on < 0.95 * crossed_off, (seed, crossed_off, crossed_on)
    model = mechanism("irregular-routes", f"{SECURITY}.interception=0.5", seed=0, days=DAYS)
    [acted] = decisions(model, "irregular_route_control")
    assert acted["target"] == "ori_south-frn_town" and acted["detail"]["interception"] == 0.5
    flows = model.recorder.flows_table()
    back = flows[flows.kind == "interception"]
    assert back["count"].sum() > 1_000 and back.day.min() >= acted["day"]
    assert set(zip(back.from_location, back.to_location, strict=True)) == {("ori_south", "frn_town")}
    [row] = [r for r in decision_rows(model) if r[1] == "border security" and "closed" in r[2]]
    assert "1 irregular route: 50% intercepted" in row[2]
    run_conserving(load_scenario(MECHANISMS / "irregular-routes.yaml",
                                 [f"{SECURITY}.interception=0.5", f"{SECURITY}.search_and_rescue=0.2"]), DAYS)


def test_a_cap_on_the_irregular_route_from_the_day_the_alliance_acts() -> None:
    model = mechanism("irregular-routes", f"{SECURITY}.irregular_capacity=50", seed=1, days=DAYS)
    [acted] = decisions(model, "irregular_route_control")
    flows = model.recorder.flows_table()
    boat = flows[(flows.kind == "crossing") & (flows.from_location == "ori_south")]
    per_day = boat.groupby("day")["count"].sum()
    assert per_day[per_day.index > acted["day"]].max() == 50
    assert per_day[per_day.index < acted["day"]].max() > 50


def test_without_the_new_fields_no_route_is_touched() -> None:
    model = mechanism("irregular-routes", seed=0, days=DAYS)
    assert decisions(model, "irregular_route_control") == []
    assert decisions(model, "border_policy")  # the closure itself still happens


@pytest.mark.parametrize(("override", "message"), [
    (f"{SECURITY}.interception=1.5", "interception: found 1.5; input should be less than or equal to 1"),
    (f"{SECURITY}.search_and_rescue=-0.1", "search_and_rescue: found -0.1"),
    (f"{SECURITY}.irregular_capacity=-5", "irregular_capacity: found -5"),
])
def test_bad_values_are_errors_naming_the_field(override: str, message: str) -> None:
    error = refusal("irregular-routes", override)
    assert message in error and "--set" in error
