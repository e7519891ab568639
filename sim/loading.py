"""Loading any scenario file: the scenario layer's reader with every world source allysim has.

A world may be written in the file, read from CSV files beside it, or taken from a Flee
conflict folder (``world: {flee: folder}``, expanded by sim/flee/convert.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sim.flee.convert import expand_flee_world
from sim.scenario import Scenario, parse_scenario_text, read_scenario
from sim.scenario.loading import WorldSource

WORLD_SOURCES: dict[str, WorldSource] = {"flee": expand_flee_world}


def load_scenario(path: str | Path, overrides: Sequence[str] = (), *,
                  allow_outside: bool = False) -> Scenario:
    """Read, override (``dotted.path=value``), validate and cross-check a scenario file; raises
    ``ScenarioError`` listing every problem with its file, line and field.

    The files a scenario names (CSV files, a Flee folder) must be inside its folder or its
    subfolders, after following symbolic links, unless ``allow_outside``."""
    return read_scenario(path, overrides, WORLD_SOURCES, allow_outside=allow_outside)


def load_scenario_text(text: str, file: str = "<text>", base_dir: Path | None = None,
                       overrides: Sequence[str] = (), *, allow_outside: bool = False) -> Scenario:
    """The same for YAML text (``file`` names it in messages; CSV paths are relative to
    ``base_dir``, default the working directory, and must be inside it unless ``allow_outside``)."""
    return parse_scenario_text(text, file, base_dir, overrides, WORLD_SOURCES, allow_outside=allow_outside)
