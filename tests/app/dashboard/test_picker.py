"""The scenario picker: which files it lists and how names resolve."""

from __future__ import annotations

import pytest

from sim.app.dashboard import picker
from sim.app.dashboard.session import DashboardModel
from tests.app.dashboard import INTERVENTION, ROOT


def test_scenario_picker_lists_subfolders(monkeypatch: pytest.MonkeyPatch) -> None:
    choices = picker.scenario_choices(ROOT / "scenarios")
    assert {"toy", "mechanisms/intervention", "mechanisms/burden-sharing"} <= set(choices)
    monkeypatch.setenv(picker.SCENARIO_DIR_ENV, str(ROOT / "scenarios"))
    assert picker.resolve_scenario("mechanisms/intervention") == INTERVENTION
    monkeypatch.setenv(picker.SCENARIO_ENV, str(INTERVENTION))
    assert picker.initial_scenario() == "mechanisms/intervention"
    assert DashboardModel("mechanisms/intervention").spec.name == "intervention"
