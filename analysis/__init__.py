"""Post-processing of allysim run directories: typed loading, metrics and plots."""

from analysis.loading import Run, load_run

__all__ = ["Run", "load_run"]
