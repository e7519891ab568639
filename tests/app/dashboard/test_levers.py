"""Levers: which apply to a scenario, the overrides they make, the sidebar inputs."""

from __future__ import annotations

import pytest

from sim.app.dashboard.levers import Lever
from sim.app.dashboard.session import DashboardModel, model_params
from sim.loading import load_scenario
from tests.app.dashboard import PARAMETER_LEVERS, TOY


def test_unmoved_levers_keep_the_scenarios_values() -> None:
    baseline = {"flee_rate": 0.05, "awareness": 1}
    kept = DashboardModel("toy", baseline=baseline, flee_rate=0.05, awareness=1)
    assert kept.spec.parameters.displacement.flee_rate == 0.01  # toy's own value
    assert kept.overridden == set()
    moved = DashboardModel("toy", baseline=baseline, flee_rate=0.08, awareness=1)
    assert moved.spec.parameters.displacement.flee_rate == pytest.approx(0.08)
    assert moved.overridden == {"flee_rate"}



def test_decision_levers_apply_only_where_the_scenario_has_their_element() -> None:
    moved = {"decision_rule": "majority", "trigger_displaced": 1000, "tolerance": 0.02,
             "burden_sharing": False, "aid_budget": 9.0}
    toy = DashboardModel("toy", **moved)  # none applies: ignored, never an error
    assert toy.error is None and toy.overridden == set()
    assert toy.spec == load_scenario(TOY)

    expected = {"intervention": {"decision_rule", "trigger_displaced"}, "border-stance": {"tolerance"},
                "burden-sharing": {"burden_sharing"}, "aid": {"aid_budget"}, "asylum": set()}
    for name, levers in expected.items():
        model = DashboardModel(f"mechanisms/{name}", **moved)
        assert model.error is None, model.error
        assert {lever.name for lever in model.levers} - PARAMETER_LEVERS == levers
        assert model.overridden == levers

    moved_spec = DashboardModel("mechanisms/intervention", **moved).spec.world.alliances[0]
    assert moved_spec.decision_rule == "majority" and moved_spec.intervention.trigger_displaced == 1000
    assert DashboardModel("mechanisms/burden-sharing", burden_sharing=False) \
        .spec.world.alliances[0].burden_sharing.daily_capacity == 0


def test_decision_levers_in_the_sidebar() -> None:
    model = DashboardModel("mechanisms/border-stance")
    params = model_params(model, [])
    assert params["tolerance"]["label"] == "FRN border tolerance (per resident)"
    assert params["tolerance"]["value"] == 0.01 and params["tolerance"]["type"] == "SliderFloat"

    model = DashboardModel("mechanisms/burden-sharing")
    params = model_params(model, [])
    assert params["burden_sharing"] == {"type": "Checkbox", "label": "ALL burden sharing (relocation)",
                                        "value": True}
    unticked = DashboardModel("mechanisms/burden-sharing", baseline=params["baseline"],
                              burden_sharing=False)
    assert unticked.overridden == {"burden_sharing"}
    assert model_params(unticked, [])["burden_sharing"]["value"] is False  # shows what is in effect

    model = DashboardModel("mechanisms/intervention")
    rule = model_params(model, [])["decision_rule"]
    assert rule["label"] == "ALL intervention decision rule" and rule["value"] == "unanimity"
    assert rule["values"] == ["unanimity", "majority", "qualified:0.66"]


def test_a_lever_is_one_line() -> None:
    lever = Lever("world.alliances.0.evacuation.trigger_refugees", "{owner} evacuation trigger", 0, 9, 1)
    model = DashboardModel("mechanisms/evacuation")
    assert lever.name == "trigger_refugees" and lever.applies(model.spec)
    assert lever.title(model.spec) == "ALL evacuation trigger"
    assert not lever.applies(load_scenario(TOY))
    assert lever.setting(5, model.spec) == "world.alliances.0.evacuation.trigger_refugees=5"
