"""The model one browser session runs, built from the sidebar values."""

from __future__ import annotations

from typing import Any

import pytest

from sim.app.dashboard import session
from sim.app.dashboard.session import DashboardModel, model_params
from tests.app.dashboard import ALLIANCE_LEVERS, PARAMETER_LEVERS, TOY


def test_dashboard_model_reads_sidebar_values() -> None:
    model = DashboardModel(str(TOY), rng=" 11 ")  # InputText gives strings
    assert model.error is None and model.seed == 11
    params = model_params(model, ["toy", "twin"])
    assert params["scenario_name"]["values"] == ["toy", "twin", str(TOY)]
    assert params["baseline"]["flee_rate"] == model.spec.parameters.displacement.flee_rate
    assert {lever.name for lever in model.levers} == PARAMETER_LEVERS  # toy has no alliance
    assert set(params) >= PARAMETER_LEVERS and not ALLIANCE_LEVERS & set(params)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"scenario_name": "no-such-world"}, "cannot read file"),
    ({"rng": "seven"}, "seed must be a whole number"),
    ({"flee_rate": 3.0}, "less than or equal to 1"),
])
def test_rejected_input_becomes_an_error_not_an_exception(kwargs: dict[str, Any], message: str) -> None:
    model = DashboardModel(**{"scenario_name": str(TOY), **kwargs})
    assert model.error is not None and message in model.error
    assert not model.running
    model.step()  # does nothing, raises nothing
    assert model.day == -1


@pytest.mark.parametrize(("env", "expected"), [("7", 7), ("0", 1), ("often", 1), ("", 1)])
def test_render_interval_from_the_environment(monkeypatch: pytest.MonkeyPatch, env: str,
                                              expected: int) -> None:
    monkeypatch.setenv(session.RENDER_INTERVAL_ENV, env)
    assert session.default_render_interval(DashboardModel(str(TOY))) == expected
