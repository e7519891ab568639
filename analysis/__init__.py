"""Post-processing of allysim run and ensemble directories: typed loading and plots."""

from analysis.ensembles import Ensemble, load_ensemble
from analysis.loading import Run, load_run

__all__ = ["Ensemble", "Run", "load_ensemble", "load_run"]
