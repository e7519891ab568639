"""Reading a scenario file: YAML with line numbers, ``--set`` overrides, CSV rows inlined, then
validation and cross-checks.

``read_scenario(path)`` either returns a ``Scenario`` or raises a ``ScenarioError`` listing every
problem with its file, line and column. A world given by another source (``world: {flee: ...}``)
is expanded by a ``WorldSource`` the caller passes; ``sim.load_scenario`` passes every source
allysim has.

Whatever a file holds, reading it ends in a ``Scenario`` or a ``ScenarioError``, at a bounded
cost: the limits below are checked before the expensive steps (YAML construction, conversion
and validation), and every refusal names the file, the line where one is known, and the limit.
Files named by a scenario (``world.locations_csv``, ``world.routes_csv``, ``conflicts_csv``,
``observed.csv``, ``observed.total_csv``, ``world.flee``) are read only from the scenario's folder and its
subfolders, after following symbolic links, unless the caller passes ``allow_outside=True``.
"""

from __future__ import annotations

import csv
import inspect
import io
import stat
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer, ComposerError, MaxDepthExceededError
from ruamel.yaml.constructor import ConstructorError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

from sim.scenario.cross_references import check_references
from sim.scenario.errors import (
    PathPart,
    Problem,
    ScenarioError,
    SourceMap,
    clip,
    problems_from_validation,
    read_problem,
)
from sim.scenario.parameters import Parameters
from sim.scenario.schema import Scenario

WorldSource = Callable[..., list[Problem]]
"""Expands ``world: {<key>: ...}`` in place: (scenario data, world data, base folder, source map),
and, if it accepts the keyword, ``allow_outside`` (may it read files outside the base folder)."""

# -- limits -----------------------------------------------------------------------------------
# A scenario file is small by design: big tables belong in CSV files. ruamel's round-trip reader
# (which keeps the line numbers every message needs) reads YAML at some 40 to 100 KB/s, so the
# limit, nine times the largest shipped scenario (kosovo-1999, 28 KB), keeps reading it within a few
# seconds; larger files are refused before any parsing.
MAX_YAML_BYTES = 256 * 1024
# A CSV file of 64 MiB is about a million rows, each a dict and then a validated model (a few GB
# of memory at most); the largest Flee world is well under 1 MiB.
MAX_CSV_BYTES = 64 * 1024 * 1024
# No scenario cell needs more than a few hundred characters (ids, names, numbers, dates).
MAX_CELL_CHARS = 10_000
# Levels of nesting in the YAML (a scenario needs about 8). Deeper data would exhaust Python's
# recursion while it is built, converted and validated.
MAX_DEPTH = 64
# Values that aliases (``*name``) may repeat in all: enough for any sharing of common blocks,
# far below an "alias bomb" (8 levels of 9 aliases each expand a 2 KB file into 43 million values).
MAX_ALIAS_VALUES = 100_000
# Explicit YAML tags allowed: the core schema's (``!!int "12"``); any other tag is refused.
CORE_TAGS = frozenset(f"tag:yaml.org,2002:{t}" for t in
                      ("str", "int", "float", "bool", "null", "map", "seq", "timestamp", "merge"))

ALLOW_OUTSIDE_HINT = ("files are only read from the scenario's folder and its subfolders "
                      "(allow_outside=True, or --allow-outside-files on the command line, lifts this)")


class _KeepDatesAsText(RoundTripConstructor):
    """Leave dates as text so a bad one is reported by field and line instead of crashing the parser.

    Any error inside a value's constructor (``!!int "0x_"`` raises IndexError in ruamel) becomes
    a YAML error at the value's line."""

    def construct_non_recursive_object(self, node: Any, tag: str | None = None) -> Any:
        try:
            return super().construct_non_recursive_object(node, tag)
        except YAMLError:
            raise
        except Exception as exc:  # the constructors of ruamel raise whatever their parsing raises
            value = node.value if isinstance(node, ScalarNode) else None
            what = f"value {clip(value)!r}" if isinstance(value, str) else "value"
            raise ConstructorError(None, None, f"cannot read the {what} as {_tag_name(node)} "
                                   f"({type(exc).__name__}: {clip(str(exc))})", node.start_mark) from None


_KeepDatesAsText.add_constructor("tag:yaml.org,2002:timestamp", RoundTripConstructor.construct_yaml_str)


class _LimitedComposer(Composer):
    """ruamel's composer with the limits above: nesting depth (also through aliases), values
    repeated by aliases, recursive aliases and tags, all checked while the document's nodes are
    composed, before anything is constructed from them."""

    def __init__(self, loader: Any = None) -> None:
        super().__init__(loader)
        self._measure: dict[int, tuple[int, int]] = {}  # id(node) -> (values, depth), aliases expanded
        self._alias_values = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.parser.check_event(AliasEvent):
            event = self.parser.peek_event()
            node = super().compose_node(parent, index)
            measure = self._measure.get(id(node))
            if measure is None:
                raise ComposerError(None, None, f"alias *{clip(str(event.anchor))} is used inside the "
                                    "value it names (recursive data cannot be a scenario)",
                                    event.start_mark)
            self._alias_values += measure[0]
            if self._alias_values > MAX_ALIAS_VALUES:
                raise ComposerError(None, None, f"aliases (*name) repeat more than {MAX_ALIAS_VALUES:,} "
                                    "values in all; write the data out, or in a CSV file",
                                    event.start_mark)
            return node
        node = super().compose_node(parent, index)
        tag = str(node.tag)
        if tag not in CORE_TAGS:
            raise ComposerError(None, None, f"YAML tag {clip(tag)!r} is not supported (only plain "
                                "values, lists and mappings make a scenario)", node.start_mark)
        if isinstance(node, ScalarNode):
            values, depth = 1, 1
        else:
            children = node.value if isinstance(node, SequenceNode) else \
                [n for pair in node.value for n in pair] if isinstance(node, MappingNode) else []
            measures = [self._measure[id(c)] for c in children]
            values = 1 + sum(m[0] for m in measures)
            depth = 1 + max((m[1] for m in measures), default=0)
        if depth > MAX_DEPTH:
            raise ComposerError(None, None, f"data nested more than {MAX_DEPTH} levels deep "
                                "(counting what aliases repeat)", node.start_mark)
        self._measure[id(node)] = (values, depth)
        return node


def _yaml_loader() -> YAML:
    yaml = YAML(typ="rt")
    yaml.Constructor = _KeepDatesAsText
    yaml.Composer = _LimitedComposer
    yaml.max_depth = MAX_DEPTH  # checked by ruamel as each node starts: no deep recursion first
    return yaml


YAML_SYNTAX_HINT = ("check the indentation at and just above this point (spaces, not tabs, the same "
                    "depth for keys of one mapping), and quote a text value that holds ': ', ' #', "
                    "or starts with [, {, * or &")


def load_yaml(text: str, file: str) -> Any:
    """YAML text as ruamel's line-numbered data, within the limits above; ScenarioError otherwise."""
    if len(text) > MAX_YAML_BYTES:
        raise ScenarioError([read_problem(file, None, f"{len(text):,} characters; a scenario file may "
                                          f"have at most {MAX_YAML_BYTES:,} (put large tables in CSV "
                                          "files: world.locations_csv, world.routes_csv, conflicts_csv, "
                                          "observed.csv)")])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a reused anchor is legal YAML; the later one counts
            return _yaml_loader().load(io.StringIO(text))
    except MaxDepthExceededError as exc:
        mark = exc.problem_mark
        raise ScenarioError([read_problem(file, mark.line + 1 if mark is not None else None,
                                          f"YAML error: data nested more than {MAX_DEPTH} levels deep")]
                            ) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
        what = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        if isinstance(exc, ComposerError | ConstructorError):
            message = f"YAML error: {clip(what, 300)}"
        else:
            message = f"YAML syntax error: {clip(what, 300)}; {YAML_SYNTAX_HINT}"
        raise ScenarioError([read_problem(file, line, message, column=column)]) from None
    except YAMLError as exc:
        position = getattr(exc, "position", None)  # ruamel's ReaderError: a character it refuses
        line = text.count("\n", 0, position) + 1 if isinstance(position, int) else None
        raise ScenarioError([read_problem(file, line, f"YAML syntax error: {clip(str(exc), 300)}")]
                            ) from None
    except (Exception, RecursionError) as exc:  # anything else ruamel raises on strange input
        raise ScenarioError([read_problem(file, None, f"cannot read the YAML ({type(exc).__name__}: "
                                          f"{clip(str(exc))})")]) from None


def read_scenario(path: str | Path, overrides: Sequence[str] = (),
                  world_sources: Mapping[str, WorldSource] | None = None, *,
                  allow_outside: bool = False) -> Scenario:
    """Read, override, validate and cross-check a scenario file.

    Files the scenario names are read only from its folder and subfolders unless
    ``allow_outside``."""
    path = Path(path)
    text = read_text(path, MAX_YAML_BYTES, "utf-8")
    if isinstance(text, Problem):
        raise ScenarioError([text])
    return parse_scenario_text(text, str(path), base_dir=path.parent, overrides=overrides,
                               world_sources=world_sources, allow_outside=allow_outside)


def parse_scenario_text(text: str, file: str, base_dir: Path | None = None,
                        overrides: Sequence[str] = (),
                        world_sources: Mapping[str, WorldSource] | None = None, *,
                        allow_outside: bool = False) -> Scenario:
    """Parse YAML text as a scenario; ``file`` names it in error messages, files it names are
    relative to ``base_dir`` (default: the working directory) and must be inside it unless
    ``allow_outside``."""
    data = load_yaml(text, file)
    if not isinstance(data, Mapping):
        found = type(data).__name__ if data is not None else "an empty file"
        raise ScenarioError([read_problem(file, 1, f"found {found}; expected a mapping of "
                                          "scenario fields (name, start_date, days, world, ...)")])
    return parse_scenario(data, SourceMap(file, data), base_dir or Path("."), overrides, world_sources,
                          allow_outside=allow_outside)


def as_items(value: str | Sequence[str]) -> tuple[str, ...]:
    """``--set``-like arguments of the Python API as a tuple: one string is one item, not a
    sequence of characters."""
    return (value,) if isinstance(value, str) else tuple(value)


def set_values(overrides: Sequence[str], path: str) -> tuple[str, ...]:
    """The values ``dotted.path=value`` overrides give the field ``path``, in order."""
    return tuple(value.strip() for name, _, value in (item.partition("=") for item in as_items(overrides))
                 if name.strip() == path)


def parse_scenario(data: Any, source: SourceMap, base_dir: Path = Path("."),
                   overrides: Sequence[str] = (),
                   world_sources: Mapping[str, WorldSource] | None = None, *,
                   allow_outside: bool = False) -> Scenario:
    """Validate already-parsed data (a dict, or ruamel's mapping carrying line numbers)."""
    problems: list[Problem] = []
    overrides = as_items(overrides)
    for item in overrides:
        problems += _apply_override(data, item, source)
    if not problems:
        problems += _expand_world(data, base_dir, source, world_sources or {}, allow_outside)
    if not problems:
        problems += inline_observed_csv(data, base_dir, source, allow_outside=allow_outside)
        problems += _inline_conflicts_csv(data, base_dir, source, allow_outside)
    world = data.get("world") if isinstance(data, Mapping) else None
    if isinstance(world, dict):
        for key, field in (("locations_csv", "locations"), ("routes_csv", "routes")):
            if world.get(key):
                problems += _inline_csv(world, key, field, base_dir, source, allow_outside)
    if problems:
        raise ScenarioError(problems)
    try:
        scenario = Scenario.model_validate(plain_data(data))
    except ValidationError as exc:
        raise ScenarioError(problems_from_validation(exc, source, Scenario)) from None
    kept = list(range(len(scenario.events)))
    if set_values(overrides, "days"):
        # A run length, not an edit: the events after the end are not reached, and are left out
        # (so that the run's scenario.yaml loads again).
        kept = [i for i in kept if scenario.events[i].day < scenario.days]
        scenario = scenario.model_copy(update={"events": [scenario.events[i] for i in kept]})
    problems = [source.problem(_in_file(p, kept), msg) for p, msg in check_references(scenario)]
    if problems:
        raise ScenarioError(problems)
    return scenario


def _in_file(path: tuple[PathPart, ...], kept: list[int]) -> tuple[PathPart, ...]:
    """A problem's field path with its event index as in the file (``kept``: the file's index of
    each event checked)."""
    if len(path) > 1 and path[0] == "events" and isinstance(path[1], int):
        return ("events", kept[path[1]], *path[2:])
    return path


def with_overrides(scenario: Scenario, overrides: Sequence[str], origin: str = "<scenario>", *,
                   allow_outside: bool = False) -> Scenario:
    """A loaded scenario with ``dotted.path=value`` overrides applied and checked again: what
    loading the file with those overrides gives, without reading any file."""
    data = scenario.resolved()
    return parse_scenario(data, SourceMap(origin, data), overrides=overrides, allow_outside=allow_outside)


def _expand_world(data: Any, base_dir: Path, source: SourceMap,
                  world_sources: Mapping[str, WorldSource], allow_outside: bool) -> list[Problem]:
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
        found = confined_path(base_dir, world[key], ("world", key), source, allow_outside, "folder")
        if isinstance(found, Problem):
            return [found]
        expand = world_sources[key]
        if _takes_allow_outside(expand):
            return expand(data, world, base_dir, source, allow_outside=allow_outside)
        return expand(data, world, base_dir, source)
    return []


def _takes_allow_outside(function: Callable[..., Any]) -> bool:
    try:
        params = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.name == "allow_outside" or p.kind is inspect.Parameter.VAR_KEYWORD for p in params)


def plain_data(node: Any) -> Any:
    """ruamel's commented containers as plain dicts and lists (pydantic validates those)."""
    if isinstance(node, Mapping):
        return {str(k): plain_data(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain_data(v) for v in node]
    return node


def _apply_override(data: Any, item: str, source: SourceMap) -> list[Problem]:
    """Apply one ``dotted.path=value`` override; the value is read as a YAML scalar."""
    origin = f"--set {item}"
    if "=" not in item:
        return [Problem(origin, None, None, item, "expected dotted.path=value")]
    key, raw = item.split("=", 1)
    parts: list[PathPart] = [int(p) if p.isascii() and p.isdigit() else p for p in key.strip().split(".")]
    if parts[0] in Parameters.model_fields and parts[0] not in Scenario.model_fields:
        return [Problem(origin, None, None, key, f"no top-level field {parts[0]!r}: rule parameters "
                        f"are under 'parameters' (parameters.{key.strip()}={raw})")]
    try:
        value = plain_data(load_yaml(raw, origin)) if raw.strip() else ""
    except ScenarioError as exc:
        return [Problem(origin, None, None, key, p.message) for p in exc.problems]
    node = data
    for depth, part in enumerate(parts[:-1]):
        try:
            child = node[part]
        except (KeyError, IndexError, TypeError):
            if isinstance(node, dict) and isinstance(part, str):
                child = node[part] = {}
                source.rows[tuple(parts[: depth + 1])] = (origin, None)  # a field the --set made up
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


# -- files named by the scenario ----------------------------------------------------------------


def confined_path(base_dir: Path, value: Any, field: Sequence[PathPart], source: SourceMap,
                  allow_outside: bool, what: str = "file") -> Path | Problem:
    """The path a scenario names (relative to ``base_dir``), or the problem with it: not text, or
    (after following symbolic links) outside ``base_dir``'s tree unless ``allow_outside``.

    The refusal names the field and the path as written, never anything read from it."""
    if not isinstance(value, str):
        return source.problem(field, f"found {type(value).__name__}; expected the name of a {what} "
                              "(relative to the scenario)")
    try:
        path = base_dir / value
        if allow_outside:
            return path
        inside = path.resolve().is_relative_to(base_dir.resolve())
    except (OSError, RuntimeError, ValueError) as exc:  # a NUL byte, a symlink loop, ...
        return source.problem(field, f"{clip(value)!r} is not a usable path ({clip(str(exc))})")
    if not inside:
        return source.problem(field, f"{clip(value)!r} is outside the scenario's folder: "
                              f"{ALLOW_OUTSIDE_HINT}")
    return path


def read_text(path: Path, limit: int, encoding: str) -> str | Problem:
    """A regular file's text, at most ``limit`` bytes; the problem (located where possible)
    otherwise. Never opens a device, a pipe or a folder."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return read_problem(path, None, "not a regular file")
        if info.st_size > limit:
            return read_problem(path, None, f"{info.st_size:,} bytes; at most {limit:,} are read "
                                f"({_LIMIT_REASON.get(limit, 'a safety limit')})")
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        return read_problem(path, None, f"cannot read file: {exc.strerror or exc}")
    if len(data) > limit:
        return read_problem(path, None, f"more than {limit:,} bytes; at most {limit:,} are read")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return Problem(str(path), line, column, "(file)", f"not UTF-8 text: byte 0x{data[exc.start]:02x} "
                       "cannot be decoded (save the file as UTF-8)")


_LIMIT_REASON = {MAX_YAML_BYTES: "a scenario file is small; large tables go in CSV files",
                 MAX_CSV_BYTES: "the limit on a CSV file a scenario names"}


def csv_rows(text: str, file: str, field: str) -> Iterator[tuple[int, list[str] | dict[str, Any]]]:
    """(line, row) of a CSV text read with a header (rows as dicts), then the header itself as the
    first item (line 1, the list of column names). Raises ``_CsvProblem`` on a malformed file or a
    cell longer than MAX_CELL_CHARS."""
    reader = csv.DictReader(io.StringIO(text))
    try:
        header = reader.fieldnames or []
        _check_cells(header, file, 1, field)
        yield 1, list(header)
        for row in reader:
            _check_cells(row.values(), file, reader.line_num, field)
            yield reader.line_num, row
    except csv.Error as exc:
        message = str(exc)
        if "field larger than field limit" in message:
            message = f"a cell is longer than {MAX_CELL_CHARS:,} characters"
        raise _CsvProblem(Problem(file, reader.reader.line_num or 1, None, field,
                                  f"CSV error: {clip(message)}")) from None


def _check_cells(cells: Any, file: str, line: int, field: str) -> None:
    for cell in cells:
        for text in (cell if isinstance(cell, list) else [cell]):
            if isinstance(text, str) and len(text) > MAX_CELL_CHARS:
                raise _CsvProblem(Problem(file, line, None, field, f"a cell is longer than "
                                          f"{MAX_CELL_CHARS:,} characters ({len(text):,})"))


class _CsvProblem(Exception):
    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def _inline_csv(world: dict, key: str, field: str, base_dir: Path,
                source: SourceMap, allow_outside: bool = False) -> list[Problem]:
    """Append a CSV file's rows to ``world[field]`` and remember each row's line for errors."""
    rows, problems = _column_rows(world[key], ("world", key), field, None, base_dir, source, allow_outside)
    target = world.setdefault(field, [])
    if problems or not isinstance(target, list):
        return problems
    for file, line, row in rows:
        source.rows[("world", field, len(target))] = (file, line)
        target.append(row)
    return []


def inline_observed_csv(data: Any, base_dir: Path, source: SourceMap, *,
                        allow_outside: bool = False) -> list[Problem]:
    """Append the rows of ``observed.csv`` / ``observed.total_csv`` to the block's lists."""
    block = data.get("observed") if isinstance(data, Mapping) else None
    if not isinstance(block, dict):
        return []
    problems: list[Problem] = []
    for key, field, columns in (("csv", "series", ("location", "date", "count")),
                                ("total_csv", "total", ("date", "count"))):
        if not block.get(key):
            continue
        rows, found = _column_rows(block[key], ("observed", key), field, columns, base_dir, source,
                                   allow_outside)
        problems += found
        target = block.setdefault(field, [])
        if found or not isinstance(target, list):
            continue
        for file, line, row in rows:
            source.rows[("observed", field, len(target))] = (file, line)
            target.append(row)
    return problems


def _inline_conflicts_csv(data: Any, base_dir: Path, source: SourceMap,
                          allow_outside: bool) -> list[Problem]:
    """Append a conflict event to ``events`` for each row day,location,intensity of ``conflicts_csv``."""
    if not isinstance(data, Mapping) or not data.get("conflicts_csv"):
        return []
    rows, problems = _column_rows(data["conflicts_csv"], ("conflicts_csv",), "conflicts_csv",
                                  ("day", "location", "intensity"), base_dir, source, allow_outside)
    events = data.setdefault("events", [])
    if problems or not isinstance(events, list):
        return problems
    for file, line, row in rows:
        source.rows[("events", len(events))] = (file, line)
        events.append({"day": row["day"], "type": "conflict", "locations": [row["location"]],
                       "intensity": row["intensity"]})
    return []


def _column_rows(value: Any, where: tuple[PathPart, ...], field: str, columns: tuple[str, ...] | None,
                 base_dir: Path, source: SourceMap, allow_outside: bool
                 ) -> tuple[list[tuple[str, int, dict[str, str]]], list[Problem]]:
    """(file, line, {column: cell}) for each row of the CSV file named by ``value`` (at ``where``),
    which must have ``columns`` (only those are kept); or the problems that stop it being read.
    With ``columns`` None every column is kept, and empty cells are left out (the field's default).
    """
    path = confined_path(base_dir, value, where, source, allow_outside)
    if isinstance(path, Problem):
        return [], [path]
    text = read_text(path, MAX_CSV_BYTES, "utf-8-sig")
    if isinstance(text, Problem):
        return [], [text]
    file = str(path)
    rows: list[tuple[str, int, dict[str, str]]] = []
    try:
        for line, row in csv_rows(text, file, field):
            if not isinstance(row, dict):
                missing = [c for c in columns or () if c not in row]
                if missing:
                    return [], [Problem(file, 1, None, field, f"missing column(s) "
                                        f"{', '.join(missing)}; expected {','.join(columns or ())}")]
                continue
            extra = [cell for cell in row.pop(None, []) if cell.strip()]  # (empty ones: trailing commas)
            if extra:
                return [], [Problem(file, line, None, field, f"row has {len(extra)} more cell(s) than "
                                    f"the header ({clip(', '.join(extra))})")]
            if columns is None:
                rows.append((file, line, {k.strip(): v.strip() for k, v in row.items()
                                          if v is not None and v.strip() != ""}))
            else:
                rows.append((file, line, {c: (row[c] or "").strip() for c in columns}))
    except _CsvProblem as exc:
        return [], [exc.problem]
    return rows, []


def _tag_name(node: Any) -> str:
    tag = str(getattr(node, "tag", ""))
    return tag.removeprefix("tag:yaml.org,2002:") or "a value"


__all__ = ["MAX_ALIAS_VALUES", "MAX_CELL_CHARS", "MAX_CSV_BYTES", "MAX_DEPTH", "MAX_YAML_BYTES",
           "WorldSource", "as_items", "confined_path", "inline_observed_csv", "load_yaml", "parse_scenario",
           "parse_scenario_text", "read_scenario", "read_text", "set_values", "with_overrides"]
