"""allysim: agent-based simulation of alliance-driven displacement (Mesa).

The Python API (docs/api.md)::

    import sim
    scenario = sim.load_scenario("scenarios/history/kosovo-1999.yaml", ["parameters.movement.awareness=2"])
    run = sim.run_scenario(scenario, seed=3)       # tables in memory, typed as analysis.load_run
    model = sim.DisplacementModel(scenario)        # or step the Mesa model yourself

Names are loaded on first use, so importing one layer (``sim.scenario``, ``sim.core``) does not
load the others.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.app.runner import run_scenario
    from sim.loading import load_scenario
    from sim.model import DisplacementModel
    from sim.scenario.errors import ScenarioError

__all__ = ["DisplacementModel", "ScenarioError", "__version__", "load_scenario", "run_scenario"]
_EXPORTS = {"DisplacementModel": "sim.model", "load_scenario": "sim.loading",
            "run_scenario": "sim.app.runner", "ScenarioError": "sim.scenario.errors"}

_PACKAGES = ("experiments",)  # docs/api.md: sim.experiments.ensemble(...) after `import sim`


def __getattr__(name: str) -> Any:
    if name == "__version__":  # looked up on use: every command and worker imports this package
        return import_module("sim.outputs").allysim_version()
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    if name in _PACKAGES:
        return import_module(f"sim.{name}")
    raise AttributeError(f"module 'sim' has no attribute {name!r}")
