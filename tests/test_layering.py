"""The package's layers import only downwards, and no import hides inside a function (but in the
command line, which loads what a command uses when it runs).

Each sub-package is imported in a fresh interpreter; the ``sim.*`` modules that got loaded must
all belong to its own layer or to the layers below it (docs/architecture.md).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

SCENARIO = ("sim.scenario",)
CORE = (*SCENARIO, "sim.core")
DECISIONS = (*CORE, "sim.decisions")
MODEL = (*DECISIONS, "sim.effects", "sim.agents", "sim.model")
OUTPUTS = ("sim.outputs",)  # output directories: no sim imports, usable by every layer above
FLEE_CONVERSION = (*SCENARIO, "sim.core.observed", "sim.flee.convert", "sim.flee.folder",
                   "sim.flee.records", "sim.flee.series", "sim.flee.settings")
LOADING = (*FLEE_CONVERSION, "sim.loading")
BACKTESTS = (*MODEL, *LOADING, "sim.experiments.defaults", "sim.backtests")
EXPERIMENTS = (*MODEL, *LOADING, *OUTPUTS, "sim.experiments")

# module imported -> the sim modules it may load (itself included; packages' __init__ always)
ALLOWED = {
    "sim.scenario": SCENARIO,
    "sim.core.movement": CORE,
    "sim.core.recorder": CORE,
    "sim.core.spawning": CORE,
    "sim.core.transfers": CORE,
    "sim.decisions.intervention": DECISIONS,
    "sim.decisions.state_decisions": DECISIONS,
    "sim.decisions.negotiations": DECISIONS,
    "sim.decisions.deterrence": DECISIONS,
    "sim.model": MODEL,
    "sim.flee.convert": FLEE_CONVERSION,
    "sim.loading": LOADING,
    "sim.backtests.backtest": BACKTESTS,
    "sim.experiments": EXPERIMENTS,
    "sim.outputs": OUTPUTS,
    # analysis reads output directories: of sim, only their contract (kinds, allysim's version)
    "analysis": OUTPUTS,
    "analysis.plots": OUTPUTS,
    "analysis.experiment_plots": OUTPUTS,
    "analysis.scoring": OUTPUTS,
}


def loaded_by(module: str) -> list[str]:
    code = (f"import json, sys; import {module}; "
            "print(json.dumps(sorted(m for m in sys.modules if m == 'sim' or m.startswith('sim.'))))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout)


def allowed(name: str, layers: tuple[str, ...]) -> bool:
    return name == "sim" or any(name == p or name.startswith(p + ".") for p in layers) \
        or any(p.startswith(name + ".") for p in layers)  # a package whose module is allowed


@pytest.mark.parametrize("module", sorted(ALLOWED))
def test_a_layer_loads_nothing_above_it(module: str) -> None:
    above = [m for m in loaded_by(module) if not allowed(m, ALLOWED[module])]
    assert above == [], f"importing {module} loads {above}"


def test_the_scenario_contract_loads_no_other_sub_package() -> None:
    assert {m.split(".")[1] for m in loaded_by("sim.scenario") if m != "sim"} == {"scenario"}


# The command line imports whatever a command uses when the command runs, so that --help and
# light commands start quickly; nowhere else may an import sit inside a function but these.
DEFERRING = "sim/app/cli.py"
DEFERRED = {
    "sim/experiments/executors.py": {"distributed"},  # only users of a Dask cluster need it
    "sim/__main__.py": {"sim.app.cli"},  # loaded where a Ctrl-C meanwhile can be taken
}


def test_no_import_inside_a_function() -> None:
    found = []
    for file in sorted((ROOT / "sim").rglob("*.py")):
        rel = file.relative_to(ROOT).as_posix()
        if rel == DEFERRING:
            continue
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import):
                    names = {a.name for a in inner.names}
                elif isinstance(inner, ast.ImportFrom):
                    names = {inner.module or ""}
                else:
                    continue
                if not names <= DEFERRED.get(rel, set()):
                    found.append(f"{rel}:{inner.lineno} {sorted(names)}")
    assert found == []


def test_the_command_line_starts_without_the_simulation() -> None:
    """``allysim --help`` and a usage error load neither the model (Mesa), pandas nor SciPy."""
    code = ("import json, sys; import sim.app.cli; "
            "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert {"mesa", "pandas", "scipy", "matplotlib"}.isdisjoint(json.loads(out.stdout))
