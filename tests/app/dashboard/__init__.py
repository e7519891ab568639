"""Tests of the browser dashboard (sim/app/dashboard/), one file per module."""

from pathlib import Path

from sim.app.dashboard.levers import LEVERS
from sim.app.dashboard.session import DashboardModel
from sim.app.dashboard.words import decision_rows

ROOT = Path(__file__).resolve().parents[3]
TOY = ROOT / "scenarios" / "toy.yaml"
MECHANISMS = ROOT / "scenarios" / "mechanisms"
INTERVENTION = MECHANISMS / "intervention.yaml"
PARAMETER_LEVERS = {lever.name for lever in LEVERS if lever.path.startswith("parameters.")}
ALLIANCE_LEVERS = {lever.name for lever in LEVERS} - PARAMETER_LEVERS


def intervention_row(model: DashboardModel) -> str:
    """The alliance's intervention status as the decisions panel words it."""
    (status,) = [status for _, what, status in decision_rows(model) if what.startswith("intervention in")]
    return status
