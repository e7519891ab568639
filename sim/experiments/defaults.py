"""Defaults the experiment commands and their Python API share.

Kept apart from the modules that run experiments so that the command line can show them in
its help without loading the simulation.
"""

from __future__ import annotations

from pathlib import Path

DEFAULT_TABLES = ("states", "events", "summary")  # run tables an ensemble keeps unless told
CLAIMS_FOLDER = Path("scenarios/claims")
DEFAULT_REPLICATES = 20  # paired seeds per claim
