"""Scenario problems that point at the exact file, line and field, with a suggestion.

A user who mistypes one key in a 300-line scenario should be told where, what was found, what
was expected and what they probably meant, never shown a traceback. Positions come from the
YAML parser (ruamel keeps line/column per key) or, for rows read from CSV files, from a
registry filled while the rows were read.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

PathPart = str | int


def dotted(path: Sequence[PathPart]) -> str:
    """Render a field path as users write it: ``events[2].policy``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def closest(word: object, choices: Iterable[str]) -> str | None:
    """The valid name nearest to a misspelt one, if any is close enough."""
    matches = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return matches[0] if matches else None


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario, located as precisely as the source allows."""

    file: str
    line: int | None
    column: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.path}: {self.message}"


MAX_SHOWN = 50  # problems spelled out in the message; ``problems`` keeps every one


class ScenarioError(Exception):
    """A scenario could not be loaded; carries every problem found, not only the first.

    The message lists the first ``MAX_SHOWN`` (in file and line order) and counts the rest, so
    that a table with thousands of bad rows gives a readable error.
    """

    def __init__(self, problems: Sequence[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.file, p.line or 0, p.column or 0))
        n = len(self.problems)
        lines = [f"{n:,} problem{'s' if n != 1 else ''} in scenario:",
                 *(f"  {p}" for p in self.problems[:MAX_SHOWN])]
        if n > MAX_SHOWN:
            lines.append(f"  ... and {n - MAX_SHOWN:,} more (the first {MAX_SHOWN} are shown; "
                         "fix these and validate again)")
        super().__init__("\n".join(lines))


@dataclass
class SourceMap:
    """Finds where a field path came from: a YAML node, or a CSV row registered while reading."""

    file: str
    root: Any = None
    rows: dict[tuple[PathPart, ...], tuple[str, int]] = field(default_factory=dict)

    def locate(self, path: Sequence[PathPart]) -> tuple[str, int | None, int | None]:
        for cut in range(len(path), 0, -1):
            if (hit := self.rows.get(tuple(path[:cut]))) is not None:
                return hit[0], hit[1], None
        node, line, col = self.root, None, None
        for part in path:
            pos = _child_position(node, part)
            if pos is None:
                break
            line, col = pos
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                break
        return self.file, line, col

    def problem(self, path: Sequence[PathPart], message: str) -> Problem:
        file, line, col = self.locate(path)
        return Problem(file, line, col, dotted(path), message)


def _child_position(node: Any, part: PathPart) -> tuple[int, int] | None:
    """1-based (line, column) of a mapping key or sequence item in a ruamel node."""
    lc = getattr(node, "lc", None)
    if lc is None:
        return None
    try:
        if isinstance(part, int):
            line, col = lc.item(part)
        else:
            if part not in node:
                return None
            line, col = lc.key(part)
    except (KeyError, IndexError, TypeError):
        return None
    return line + 1, col + 1


def _options(text: str) -> list[str]:
    """Names from pydantic's "'a', 'b' or 'c'" lists."""
    return [o.strip().strip("'\"") for o in text.split(",") if o.strip()]


THOUSANDS = "a number with a thousands separator? write 60000, not 60,000"
_GROUPED_DIGITS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")


def clip(text: Any, limit: int = 120) -> str:
    """``text`` cut to ``limit`` characters: a message never echoes a huge value whole."""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _show(value: Any) -> str:
    return clip(repr(value) if isinstance(value, str) else value, 60)


def _is_tag(loc: Sequence[PathPart], k: int) -> bool:
    """Discriminated unions put the tag into error paths (``events[2].border.policy``)."""
    return k > 0 and isinstance(loc[k - 1], int) and str(loc[k]) in _TAGGED


def _without_tags(loc: Sequence[PathPart]) -> list[PathPart]:
    """The path as users write it, without union tags."""
    return [part for k, part in enumerate(loc) if not _is_tag(loc, k)]


def _parent_fields(model: type | None, loc: Sequence[PathPart]) -> list[str]:
    """Field names (by alias) allowed where the last part of ``loc`` was found."""
    current: Any = model
    for k, part in enumerate(loc[:-1]):
        if _is_tag(loc, k):
            current = _TAGGED[str(part)]
        elif isinstance(part, str) and isinstance(current, type) and issubclass(current, BaseModel):
            f = _field_by_alias(current, part)
            current = _model_in(f.annotation) if f is not None else None
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [f.alias or name for name, f in current.model_fields.items()]
    return []


def _field_by_alias(model: Any, name: str) -> Any:
    for fname, f in model.model_fields.items():
        if (f.alias or fname) == name:
            return f
    return None


def _model_in(annotation: Any) -> Any:
    """The BaseModel class inside an annotation such as ``list[X]``, ``X | None`` or ``dict[str, X]``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


_TAGGED: dict[str, type] = {}


def register_tagged(tag: str, model: type) -> None:
    """Let error paths that pass through a discriminated union (``events[3].border``) be followed."""
    _TAGGED[tag] = model


def problems_from_validation(
    error: ValidationError, source: SourceMap, model: type | None = None
) -> list[Problem]:
    """Turn pydantic's errors into located problems with 'found', 'expected' and a suggestion."""
    errors = error.errors(include_url=False)
    # A misspelt required key is reported once, as unknown-with-suggestion, not also as missing.
    suggested = {(tuple(e["loc"][:-1]), closest(e["loc"][-1], _parent_fields(model, e["loc"])))
                 for e in errors if e["type"] == "extra_forbidden"}
    return [_problem(e, source, model) for e in errors
            if not (e["type"] == "missing" and (tuple(e["loc"][:-1]), e["loc"][-1]) in suggested)]


def _problem(e: ErrorDetails, source: SourceMap, model: type | None) -> Problem:
    loc = list(e["loc"])
    kind = e["type"]
    user_path = _without_tags(loc)
    found = e.get("input")
    if kind == "extra_forbidden":
        allowed = _parent_fields(model, loc)
        hint = closest(loc[-1], allowed)
        msg = f"unknown field {loc[-1]!r}"
        if allowed:
            msg += f"; expected one of: {', '.join(sorted(allowed))}"
        if hint:
            msg += f" (did you mean {hint!r}?)"
        elif str(loc[-1]).isdigit():  # {population: 60,000} reads as population 60 and a key 000
            msg += f" ({THOUSANDS})"
        return source.problem(user_path, msg)
    if kind == "missing":
        return source.problem(user_path[:-1] or user_path, f"missing required field {loc[-1]!r}")
    if kind in ("literal_error", "enum"):
        expected = (e.get("ctx") or {}).get("expected", "")
        options = _options(expected.replace(" or ", ","))
        msg = f"found {_show(found)}; expected one of {expected}"
        if (hint := closest(found, options)) is not None:
            msg += f" (did you mean {hint!r}?)"
        return source.problem(user_path, msg)
    if kind == "union_tag_invalid":
        ctx = e.get("ctx") or {}
        options = _options(str(ctx.get("expected_tags", "")))
        msg = f"found type {_show(ctx.get('tag'))}; expected one of {ctx.get('expected_tags')}"
        if (hint := closest(ctx.get("tag"), options)) is not None:
            msg += f" (did you mean {hint!r}?)"
        return source.problem([*user_path, "type"], msg)
    if kind == "union_tag_not_found":
        return source.problem(user_path, "missing required field 'type'")
    message = e["msg"].removeprefix("Value error, ")
    if isinstance(found, dict | list):
        return source.problem(user_path, message)
    if kind.startswith(("date_", "datetime_")):
        message += "; write a date as YYYY-MM-DD (e.g. 2025-03-01)"
    elif isinstance(found, str) and _GROUPED_DIGITS.match(found.strip()):
        message += f" ({THOUSANDS})"
    return source.problem(user_path, f"found {_show(found)}; {message[0].lower() + message[1:]}")


def read_problem(file: str | Path, line: int | None, message: str, path: str = "(file)",
                 column: int | None = None) -> Problem:
    """A problem found before any field could be read (unreadable file, YAML syntax)."""
    return Problem(str(file), line, column, path, message)
