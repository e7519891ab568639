"""The two Flee rules the importer switches on: conflict attractiveness that fades with the
conflict's age, and forced onward travel from towns after a short stint."""

from __future__ import annotations

import numpy as np
import pytest

from sim.core import rules
from sim.core.world import Kind
from sim.model import DisplacementModel
from tests.conftest import build, line_world

EVENTS = [{"day": 3, "type": "conflict", "locations": ["crossing"], "intensity": 0.8},
          {"day": 5, "type": "conflict", "locations": ["crossing"], "intensity": 0.0},
          {"day": 8, "type": "conflict", "locations": ["crossing"], "intensity": 1.0}]


def test_the_world_remembers_when_each_conflict_began() -> None:
    model = DisplacementModel(build(line_world(days=12, events=EVENTS)))
    w = model.world
    home, crossing = w.index["home"], w.index["crossing"]
    seen = []
    for _ in range(12):
        model.step()
        seen.append(int(w.conflict_since[crossing]))
    assert seen == [-1, -1, -1, 3, 3, -1, -1, -1, 8, 8, 8, 8]
    assert w.conflict_since[home] == 0  # in conflict from the start


@pytest.mark.parametrize(("fade", "expected"), [(False, 1.0), (True, 0.5)])
def test_conflict_attractiveness_fades_with_age(fade: bool, expected: float) -> None:
    data = line_world(days=100, parameters={
        "movement": {"conflict_weight_decay": fade},
        "displacement": {"spawn_decay": [1.0, 1.0, 1.0, 0.5, 0.1], "spawn_decay_interval": 30}})
    model = DisplacementModel(build(data))
    model.run_for(95)  # day 94: home's conflict (since day 0) is in its fourth 30-day period
    home = model.world.index["home"]
    p = model.spec.parameters
    exponent = rules.conflict_exponent(model.world, model.day, p.movement, p.displacement)
    assert exponent[home] == pytest.approx(expected)


def test_forced_onward_travel_from_calm_towns() -> None:
    data = line_world(parameters={"movement": {"town_continue_probability": 1.0,
                                               "town_leave_probability": 0.5}})
    model = DisplacementModel(build(data))
    w = model.world
    mv = model.spec.parameters.movement
    cont, leave = rules.continue_probability(w, mv), rules.leave_probability(w, mv)
    crossing, camp, home = w.index["crossing"], w.index["camp"], w.index["home"]
    assert w.kind[crossing] == Kind.BORDER_CROSSING and cont[crossing] == 1.0
    assert leave[crossing] == 0.5  # only arrivals with time to spare are forced on
    assert cont[camp] == leave[camp]  # camps keep their own rate
    assert cont[home] == leave[home]  # in conflict: the conflict rate already applies
    default = DisplacementModel(build(line_world()))
    mv = default.spec.parameters.movement
    assert np.array_equal(rules.continue_probability(default.world, mv),
                          rules.leave_probability(default.world, mv))


def test_alliance_affinity_favours_allied_states_not_home() -> None:
    data = line_world()
    data["world"]["states"].append({"id": "XCV"})
    data["world"]["alliances"] = [{"id": "ALL", "members": ["XAR", "XBM"]}]
    model = DisplacementModel(build(data))
    w, mv = model.world, model.spec.parameters.movement
    score = rules.location_score(w, np.array([0, 2]), np.zeros(w.n), mv)  # movers from XAR and XCV
    camp, home = w.index["camp"], w.index["home"]
    assert score[0, camp] == pytest.approx(mv.foreign_weight * mv.alliance_weight * mv.camp_weight)
    assert score[0, home] == 1.0  # home is home: neither foreign nor allied
    assert score[1, camp] == pytest.approx(mv.foreign_weight * mv.camp_weight)  # XCV is no member


def test_protection_lowers_flight_and_leaving_and_attracts_in_its_areas_only() -> None:
    model = DisplacementModel(build(line_world(days=5)))
    w, p = model.world, model.spec.parameters
    home, camp = w.index["home"], w.index["camp"]
    w.intensity[:] = 0.8
    flee = rules.flee_probability(w, p.displacement, p.movement)
    leave = rules.leave_probability(w, p.movement)
    score = rules.location_score(w, np.array([0]), w.intensity, p.movement)
    w.protection[home], w.attraction[camp] = 0.25, 3.0
    assert rules.flee_probability(w, p.displacement, p.movement)[home] == pytest.approx(0.25 * flee[home])
    assert rules.leave_probability(w, p.movement)[home] == pytest.approx(0.25 * leave[home])
    new_score = rules.location_score(w, np.array([0]), w.intensity, p.movement)
    assert new_score[0, camp] == pytest.approx(3.0 * score[0, camp])
    others = np.arange(w.n) != camp
    assert (new_score[0, others] == score[0, others]).all()


def test_score_softening_keeps_unattractive_destinations_in_the_draw() -> None:
    """Flee's weight_softening: added to every destination's score, so a score of 0 still weighs
    softening / (softening + km)^distance_power."""
    model = DisplacementModel(build(line_world(parameters={"movement": {"score_softening": 0.5}})))
    w, mv = model.world, model.spec.parameters.movement
    paths = model.movement.paths
    unattractive = np.zeros((1, w.n))
    everywhere = np.ones(w.n)
    open_paths = np.zeros(len(paths.end), dtype=bool)
    weights = rules.path_weights(w, paths, unattractive, everywhere, open_paths, mv)
    assert weights[0] == pytest.approx(0.5 / (mv.softening + paths.km) ** mv.distance_power)
    no_softening = mv.model_copy(update={"score_softening": 0.0})
    assert not rules.path_weights(w, paths, unattractive, everywhere, open_paths, no_softening).any()
