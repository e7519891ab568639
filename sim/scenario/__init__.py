"""The scenario contract: what a scenario file may say, checked and located (pydantic only).

Imports nothing from the rest of ``sim``: the kernel, the decision layer, Flee import and the
applications all build on it.
"""

from sim.scenario.errors import Problem, ScenarioError
from sim.scenario.loading import parse_scenario, parse_scenario_text, read_scenario
from sim.scenario.schema import Scenario

__all__ = ["Problem", "Scenario", "ScenarioError", "parse_scenario", "parse_scenario_text", "read_scenario"]
