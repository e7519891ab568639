"""Experiments: replicate ensembles, sweeps, paired comparisons on common random numbers,
sensitivity analysis, on local processes or a Dask cluster (docs/ensembles.md).

The Python API::

    from sim.experiments import compare, ensemble, sensitivity
    result = compare("scenarios/mechanisms/intervention.yaml",
                     overrides=["world.alliances.0.decision_rule=majority"], replicates=20,
                     metrics=["decision_day[ALL]", "displaced_days"])
    result.table            # one row per metric: difference and its 95% intervals
    claims(replicates=20).table   # every claim of scenarios/claims/: effect, interval, verdict
"""

from sim.experiments.claims import ClaimsResult, claims
from sim.experiments.comparisons import CompareResult, compare
from sim.experiments.ensembles import EnsembleResult, ensemble
from sim.experiments.metrics import CATALOGUE, MetricError
from sim.experiments.sensitivity_analysis import SensitivityResult, sensitivity

__all__ = ["CATALOGUE", "ClaimsResult", "CompareResult", "EnsembleResult", "MetricError", "SensitivityResult",
           "claims", "compare", "ensemble", "sensitivity"]
