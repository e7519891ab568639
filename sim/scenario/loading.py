"""Reading a scenario file: YAML with line numbers, ``--set`` overrides, CSV rows inlined, then
validation and cross-checks.

``read_scenario(path)`` either returns a ``Scenario`` or raises a ``ScenarioError`` listing every
problem with its file, line and column. A world given by another source (``world: {flee: ...}``)
is expanded by a ``WorldSource`` the caller passes; ``sim.load_scenario`` passes every source
allysim has.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from sim.scenario.cross_references import check_references
from sim.scenario.errors import (
    PathPart,
    Problem,
    ScenarioError,
    SourceMap,
    problems_from_validation,
    read_problem,
)
from sim.scenario.schema import Scenario

WorldSource = Callable[[dict, dict, Path, SourceMap], list[Problem]]
"""Expands ``world: {<key>: ...}`` in place: (scenario data, world data, base folder, source map)."""


class _KeepDatesAsText(RoundTripConstructor):
    """Leave dates as text so a bad one is reported by field and line instead of crashing the parser."""


_KeepDatesAsText.add_constructor("tag:yaml.org,2002:timestamp", RoundTripConstructor.construct_yaml_str)


def read_scenario(path: str | Path, overrides: Sequence[str] = (),
                  world_sources: Mapping[str, WorldSource] | None = None) -> Scenario:
    """Read, override, validate and cross-check a scenario file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioError([read_problem(path, None, f"cannot read file: {exc.strerror}")]) from None
    except UnicodeDecodeError:
        raise ScenarioError([read_problem(path, None, "not UTF-8 text")]) from None
    return parse_scenario_text(text, str(path), base_dir=path.parent, overrides=overrides,
                               world_sources=world_sources)


def parse_scenario_text(text: str, file: str, base_dir: Path | None = None,
                        overrides: Sequence[str] = (),
                        world_sources: Mapping[str, WorldSource] | None = None) -> Scenario:
    """Parse YAML text as a scenario; ``file`` names it in error messages."""
    yaml = YAML(typ="rt")
    yaml.Constructor = _KeepDatesAsText
    try:
        data = yaml.load(io.StringIO(text))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        raise ScenarioError([read_problem(file, line, f"YAML syntax error: {exc.problem}")]) from None
    except YAMLError as exc:
        raise ScenarioError([read_problem(file, None, f"YAML syntax error: {exc}")]) from None
    if not isinstance(data, Mapping):
        found = type(data).__name__ if data is not None else "an empty file"
        raise ScenarioError([read_problem(file, 1, f"found {found}; expected a mapping of "
                                          "scenario fields (name, start_date, days, world, ...)")])
    return parse_scenario(data, SourceMap(file, data), base_dir or Path("."), overrides, world_sources)


def parse_scenario(data: Any, source: SourceMap, base_dir: Path = Path("."),
                   overrides: Sequence[str] = (),
                   world_sources: Mapping[str, WorldSource] | None = None) -> Scenario:
    """Validate already-parsed data (a dict, or ruamel's mapping carrying line numbers)."""
    problems: list[Problem] = []
    for item in overrides:
        problems += _apply_override(data, item, source)
    if not problems:
        problems += _expand_world(data, base_dir, source, world_sources or {})
    if not problems:
        problems += inline_observed_csv(data, base_dir, source)
    world = data.get("world") if isinstance(data, Mapping) else None
    if isinstance(world, dict):
        for key, field in (("locations_csv", "locations"), ("routes_csv", "routes")):
            if world.get(key):
                problems += _inline_csv(world, key, field, base_dir, source)
    if problems:
        raise ScenarioError(problems)
    try:
        scenario = Scenario.model_validate(_plain(data))
    except ValidationError as exc:
        raise ScenarioError(problems_from_validation(exc, source, Scenario)) from None
    problems = [source.problem(p, msg) for p, msg in check_references(scenario)]
    if problems:
        raise ScenarioError(problems)
    return scenario


def with_overrides(scenario: Scenario, overrides: Sequence[str], origin: str = "<scenario>") -> Scenario:
    """A loaded scenario with ``dotted.path=value`` overrides applied and checked again: what
    loading the file with those overrides gives, without reading any file."""
    data = scenario.resolved()
    return parse_scenario(data, SourceMap(origin, data), overrides=overrides)


def _expand_world(data: Any, base_dir: Path, source: SourceMap,
                  world_sources: Mapping[str, WorldSource]) -> list[Problem]:
    """A world given by another source (``world: {flee: folder}``), expanded in place."""
    world = data.get("world") if isinstance(data, Mapping) else None
    if not isinstance(world, dict):
        return []
    for key in ("flee",):  # the World fields that name another source
        if world.get(key) is None:
            continue
        if key not in world_sources:
            return [source.problem(("world", key), f"this loader cannot read a world from {key!r}; "
                                   "load the scenario with sim.load_scenario")]
        return world_sources[key](data, world, base_dir, source)
    return []


def _plain(node: Any) -> Any:
    """ruamel's commented containers as plain dicts and lists (pydantic validates those)."""
    if isinstance(node, Mapping):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node


def _apply_override(data: Any, item: str, source: SourceMap) -> list[Problem]:
    """Apply one ``dotted.path=value`` override; the value is read as a YAML scalar."""
    origin = f"--set {item}"
    if "=" not in item:
        return [Problem(origin, None, None, item, "expected dotted.path=value")]
    key, raw = item.split("=", 1)
    parts: list[PathPart] = [int(p) if p.isdigit() else p for p in key.strip().split(".")]
    value = YAML(typ="safe").load(raw) if raw.strip() else ""
    node = data
    for depth, part in enumerate(parts[:-1]):
        try:
            child = node[part]
        except (KeyError, IndexError, TypeError):
            if isinstance(node, dict) and isinstance(part, str):
                child = node[part] = {}
            else:
                where = ".".join(map(str, parts[: depth + 1]))
                return [Problem(origin, None, None, key, f"no such item {where!r} to set")]
        node = child
    if not isinstance(node, dict | list):
        return [Problem(origin, None, None, key, "cannot set a field inside a single value")]
    try:
        if isinstance(node, list) and parts[-1] == len(node):
            node.append(value)  # index == length appends: --set events.3={day: 5, type: ...}
        else:
            node[parts[-1]] = value
    except (IndexError, TypeError):
        return [Problem(origin, None, None, key, f"no such list item to set (a list of {len(node)} items "
                        "takes indices 0.. and its length to append)")]
    source.rows[tuple(parts)] = (origin, None)
    return []


def _inline_csv(world: dict, key: str, field: str, base_dir: Path,
                source: SourceMap) -> list[Problem]:
    """Append a CSV file's rows to ``world[field]`` and remember each row's line for errors."""
    csv_path = base_dir / str(world[key])
    try:
        text = csv_path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        return [source.problem(("world", key), f"cannot read {csv_path}: {exc.strerror}")]
    reader = csv.DictReader(io.StringIO(text))
    rows = world.setdefault(field, [])
    if not isinstance(rows, list):
        return []
    for row in reader:
        if None in row:
            return [Problem(str(csv_path), reader.line_num, None, field,
                            "row has more cells than the header")]
        clean = {k.strip(): v.strip() for k, v in row.items() if v is not None and v.strip() != ""}
        source.rows[("world", field, len(rows))] = (str(csv_path), reader.line_num)
        rows.append(clean)
    return []


def inline_observed_csv(data: Any, base_dir: Path, source: SourceMap) -> list[Problem]:
    """Append the rows of ``observed.csv`` / ``observed.total_csv`` to the block's lists."""
    block = data.get("observed") if isinstance(data, Mapping) else None
    if not isinstance(block, dict):
        return []
    problems: list[Problem] = []
    for key, field, columns in (("csv", "series", ("location", "date", "count")),
                                ("total_csv", "total", ("date", "count"))):
        if not block.get(key):
            continue
        path = base_dir / str(block[key])
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError as exc:
            problems.append(source.problem(("observed", key), f"cannot read {path}: {exc.strerror}"))
            continue
        reader = csv.DictReader(io.StringIO(text))
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            problems.append(Problem(str(path), 1, None, field, f"missing column(s) {', '.join(missing)}; "
                                    f"expected {','.join(columns)}"))
            continue
        rows = block.setdefault(field, [])
        if not isinstance(rows, list):
            continue
        for row in reader:
            source.rows[("observed", field, len(rows))] = (str(path), reader.line_num)
            rows.append({c: (row[c] or "").strip() for c in columns})
    return problems
