"""Which scenarios the dashboard offers: the YAML files of one folder, by picker name.

The picker's value comes from the browser, which can send any text, so a session opens only
what ``allowed_scenario`` accepts: a name the folder lists, or the scenario the server was
started with. Anything else is refused without being opened or even looked up.
"""

from __future__ import annotations

import os
from pathlib import Path

from sim.scenario.claims import scenario_files

SCENARIO_ENV = "ALLYSIM_SCENARIO"
"""Scenario the page opens with: a path to a YAML file, or the name of one in the scenario folder."""
SCENARIO_DIR_ENV = "ALLYSIM_SCENARIO_DIR"
"""Folder whose ``*.yaml`` files the scenario picker lists (default: ``./scenarios``)."""
PACKAGE_SCENARIOS = Path(__file__).resolve().parents[3] / "scenarios"
DEFAULT_SCENARIO = "toy"


def scenario_dir() -> Path:
    """The folder the picker lists: $ALLYSIM_SCENARIO_DIR, ./scenarios, or the project's."""
    if env := os.environ.get(SCENARIO_DIR_ENV):
        return Path(env)
    here = Path.cwd() / "scenarios"
    return here if here.is_dir() else PACKAGE_SCENARIOS


def scenario_choices(folder: Path | None = None) -> list[str]:
    """The scenario files of the folder and its subfolders, as picker names, sorted.

    A picker name is the file's path relative to the folder without ``.yaml``:
    ``toy``, ``mechanisms/intervention``. A file that leads outside the folder (a symbolic
    link to a file elsewhere) is not listed.
    """
    folder = folder or scenario_dir()
    if not folder.is_dir():
        return []
    inside = folder.resolve()
    return sorted(p.relative_to(folder).with_suffix("").as_posix() for p in scenario_files(folder)
                  if p.is_file() and p.resolve().is_relative_to(inside))


class ScenarioRefused(ValueError):
    """A scenario name the dashboard does not offer (the picker's value is whatever the browser
    sends)."""


REFUSED_NAME_CHARS = 60  # how much of a refused name the message repeats


def allowed_scenario(name: object, folder: Path | None = None) -> Path:
    """The file behind ``name`` if the dashboard offers it: a name ``scenario_choices`` lists
    for the folder, or the scenario the server was started with ($ALLYSIM_SCENARIO, as given).

    Anything else raises ``ScenarioRefused``, without opening, resolving or even testing for the
    file it might name, so the message tells nothing about the server's files.
    """
    folder = folder or scenario_dir()
    if isinstance(name, str):
        if name in scenario_choices(folder):
            return folder / f"{name}.yaml"
        started = os.environ.get(SCENARIO_ENV)
        if started and name == started:
            return resolve_scenario(started, folder)
    text = str(name)
    shown = text if len(text) <= REFUSED_NAME_CHARS else text[: REFUSED_NAME_CHARS - 1] + "…"
    raise ScenarioRefused(f"{shown!r} is not one of the scenarios this dashboard offers; pick one "
                          "from the Scenario list, then press Reset")


def resolve_scenario(name: str, folder: Path | None = None) -> Path:
    """A picker name (``toy``, ``mechanisms/intervention``) as a file of the scenario folder;
    a name ending in ``.yaml`` or ``.yml`` is a path and stays one."""
    path = Path(name)
    if path.suffix in (".yaml", ".yml"):
        return path
    return (folder or scenario_dir()) / f"{name}.yaml"


def picker_name(path: Path, folder: Path | None = None) -> str | None:
    """The picker name of a file inside the scenario folder, or ``None`` for a file elsewhere."""
    folder = (folder or scenario_dir()).resolve()
    try:
        relative = path.resolve().relative_to(folder)
    except ValueError:
        return None
    return relative.with_suffix("").as_posix() if path.suffix == ".yaml" and path.is_file() else None


def initial_scenario() -> str:
    """What the page opens with: $ALLYSIM_SCENARIO, else ``toy``, else the first file listed.

    A file inside the scenario folder is given by its picker name, so the picker shows it.
    """
    choices = scenario_choices()
    if env := os.environ.get(SCENARIO_ENV):
        name = picker_name(resolve_scenario(env))
        return name if name in choices else env
    return DEFAULT_SCENARIO if DEFAULT_SCENARIO in choices or not choices else choices[0]
