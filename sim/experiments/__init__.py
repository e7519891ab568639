"""Experiments: replicate ensembles, sweeps, paired comparisons on common random numbers,
sensitivity analysis, on local processes or a Dask cluster (docs/ensembles.md).

The Python API::

    from sim.experiments import claims, compare, ensemble, sensitivity
    result = compare("scenarios/mechanisms/intervention.yaml",
                     overrides=["world.alliances.0.decision_rule=majority"], replicates=20,
                     metrics=["decision_day[ALL]", "displaced_days"])
    result.table            # one row per metric: difference and its 95% intervals
    claims(replicates=20).table   # every claim of scenarios/claims/: effect, interval, verdict

Names are loaded on first use, so a worker process that imports ``sim.experiments.replicate``
does not load the statistics (scipy) and SALib that only the coordinating process needs.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.experiments.claim_verdicts import ClaimsResult, claims
    from sim.experiments.comparisons import CompareResult, compare
    from sim.experiments.ensembles import EnsembleResult, ensemble
    from sim.experiments.metrics import CATALOGUE, MetricError
    from sim.experiments.sensitivity_analysis import SensitivityResult, sensitivity

__all__ = ["CATALOGUE", "ClaimsResult", "CompareResult", "EnsembleResult", "MetricError", "SensitivityResult",
           "claims", "compare", "ensemble", "sensitivity"]
_EXPORTS = {"ClaimsResult": "claim_verdicts", "claims": "claim_verdicts", "CompareResult": "comparisons",
            "compare": "comparisons", "EnsembleResult": "ensembles", "ensemble": "ensembles",
            "CATALOGUE": "metrics", "MetricError": "metrics", "SensitivityResult": "sensitivity_analysis",
            "sensitivity": "sensitivity_analysis"}


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(f"sim.experiments.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module 'sim.experiments' has no attribute {name!r}")
