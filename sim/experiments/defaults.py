"""Defaults the experiment commands and their Python API share, and the limits on what one
experiment may plan.

Kept apart from the modules that run experiments so that the command line can show them in
its help without loading the simulation.
"""

from __future__ import annotations

import operator
from pathlib import Path

DEFAULT_TABLES = ("states", "events", "summary")  # run tables an ensemble keeps unless told
CLAIMS_FOLDER = Path("scenarios/claims")
DEFAULT_REPLICATES = 20  # paired seeds per claim
# What one experiment may plan (its variants and seeds are built before any run starts): a
# sweep grid or a sensitivity sample of at most MAX_VARIANTS variants, at most MAX_REPLICATES
# seeds each, and at most MAX_RUNS runs in all.
MAX_VARIANTS = 100_000
MAX_REPLICATES = 100_000
MAX_RUNS = 1_000_000


def not_whole(name: str, value: object) -> str | None:
    """Why ``value`` is not a whole number (an int, numpy's included), or None. The Python API may
    be given "3" or 1.5, which would otherwise fail deep inside with a message about neither."""
    try:
        operator.index(value)
    except TypeError:
        return f"{name} {value!r}: expected a whole number"
    return None


def size_problem(variants: int, replicates: int, what: str = "the experiment") -> str | None:
    """What makes ``variants`` x ``replicates`` runs more than one experiment may plan, or None;
    checked before any of it is built."""
    if problem := not_whole("replicates", replicates):
        return problem
    if replicates < 1:
        return "replicates must be 1 or more"
    if replicates > MAX_REPLICATES:
        return f"{replicates:,} replicates; at most {MAX_REPLICATES:,} in one experiment"
    if variants > MAX_VARIANTS:
        return f"{what} has {variants:,} variants; at most {MAX_VARIANTS:,} in one experiment"
    if variants * replicates > MAX_RUNS:
        return (f"{variants:,} variants x {replicates:,} replicates is {variants * replicates:,} runs; "
                f"at most {MAX_RUNS:,} in one experiment")
    return None
