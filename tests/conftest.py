"""Shared fixtures: tiny worlds written in code, small enough to reason about by hand."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from sim.loading import load_scenario
from sim.model import DisplacementModel
from sim.scenario import Scenario, parse_scenario
from sim.scenario.errors import ScenarioError, SourceMap


def line_world(**overrides: Any) -> dict[str, Any]:
    """home (XAR, conflict) --100 km-- crossing (XAR) --50 km-- camp (XBM)."""
    data: dict[str, Any] = {
        "name": "line",
        "start_date": "2024-01-01",
        "days": 30,
        "seed": 1,
        "world": {
            "states": [{"id": "XAR"}, {"id": "XBM"}],
            "locations": [
                {"id": "home", "state": "XAR", "population": 10_000, "lat": 1.0, "lon": 1.0,
                 "conflict": 1.0},
                {"id": "crossing", "state": "XAR", "kind": "border_crossing", "lat": 0.5, "lon": 1.0},
                {"id": "camp", "state": "XBM", "kind": "camp", "lat": 0.0, "lon": 1.0},
            ],
            "routes": [{"from": "home", "to": "crossing", "km": 100},
                       {"from": "crossing", "to": "camp", "km": 50}],
        },
        "events": [],
        "parameters": {"displacement": {"flee_rate": 0.2}, "returns": {"enabled": False}},
    }
    return merge(data, overrides)


def merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """Recursive dict update (lists are replaced) returning a new dict."""
    out = dict(base)
    for key, value in extra.items():
        out[key] = merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) \
            else value
    return out


def build(data: dict[str, Any]) -> Scenario:
    return parse_scenario(data, SourceMap("<test>", data))


def run_model(data: dict[str, Any], on_step: Callable[[DisplacementModel], None] | None = None
              ) -> DisplacementModel:
    model = DisplacementModel(build(data))
    while model.running:
        model.step()
        if on_step is not None:
            on_step(model)
    return model


MECHANISMS = Path(__file__).resolve().parents[1] / "scenarios" / "mechanisms"


def mechanism(name: str, *overrides: str, seed: int = 0, days: int | None = None) -> DisplacementModel:
    """Run one of scenarios/mechanisms/<name>.yaml to the end, with overrides and a seed."""
    spec = load_scenario(MECHANISMS / f"{name}.yaml", [*overrides, f"seed={seed}"])
    if days is not None:
        spec = spec.model_copy(update={"days": days})
    model = DisplacementModel(spec)
    while model.running:
        model.step()
    return model


def refusal(name: str, *overrides: str) -> str:
    """The message of the error that loading scenarios/mechanisms/<name>.yaml with these
    overrides must give."""
    with pytest.raises(ScenarioError) as info:
        load_scenario(MECHANISMS / f"{name}.yaml", list(overrides))
    return str(info.value)


def decisions(model: DisplacementModel, kind: str) -> list[dict[str, Any]]:
    """The agent decisions of one type, in order."""
    return [e for e in model.event_log if e["type"] == kind and e["origin"] == "agent"]


@pytest.fixture
def world() -> Callable[..., dict[str, Any]]:
    return line_world


def run_conserving(scenario: Scenario, days: int) -> tuple[int, pd.Series]:
    """Run ``scenario`` for at most ``days`` days (the model stops with a ConservationError the
    first day anyone is created or lost, in its state or in the stocks it recorded); returns the
    population and the stocks' daily totals of the living."""
    model = DisplacementModel(scenario.model_copy(update={"days": min(days, scenario.days)}))
    start = model.total_people()
    while model.running:
        model.step()
    return start, model.recorder.tables()["stocks"].groupby("day")["count"].sum()
