"""A run or an ensemble scored against what was observed (docs/scoring.md).

A targets file lists observed figures, one a row: a quantity read off the run tables (a stock
on a date, or a flow summed over a period), its scope (states or locations), the observed value
with a relative tolerance, whether the figure was used to set a parameter (``calibration``) or
not (``validation``), and its source. Every row is checked against the run before anything is
computed, so a bad file gives every problem at once, each with file, line and field.
"""

from __future__ import annotations

import csv
import difflib
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.ensembles import load_ensemble
from analysis.loading import load_run
from sim.outputs import ENSEMBLE, output_kind

COLUMNS = ("quantity", "scope", "date", "value", "tolerance", "role", "source")
OPTIONAL = ("tolerance",)
ROLES = ("calibration", "validation")
DEFAULT_TOLERANCE = 0.25
BAND = (0.05, 0.95)  # the ensemble band: 5th to 95th percentile over the replicates
KEYS = ["variant", "replicate"]  # a run's tables carry these too (one variant, replicate 0)
PERIOD = ".."  # START..END: a flow summed over these days, both included
RATIO = "/"  # numerator/denominator in the quantity, scope and date fields
JOIN = "+"  # several states or locations in one scope
TRANSFERS = ("relocation", "resettlement", "evacuation")


@dataclass(frozen=True)
class Quantity:
    """What a quantity reads: a states.csv column on a date (a stock), or flows.csv counts of some
    kinds over a period (a flow) that cross into the scope, out of it, or arrive at its
    locations (docs/scoring.md gives each computation)."""

    scope: str  # "state" or "location"
    column: str | None = None
    kinds: tuple[str, ...] = ()
    direction: str = ""  # "in", "out" or "at"

    @property
    def is_flow(self) -> bool:
        return self.column is None


QUANTITIES: dict[str, Quantity] = {
    # stocks, summed over the scope's states on the date
    "refugees_hosted": Quantity("state", column="refugees_hosted"),  # refugees in the state
    "refugees_abroad": Quantity("state", column="refugees_abroad"),  # its people, refugees elsewhere
    "idps": Quantity("state", column="idps"),  # its people displaced inside it
    # flows, summed over the period: crossing the scope's edge, or arriving at its locations
    "outflow": Quantity("state", kinds=("crossing",), direction="out"),
    "crossings_into": Quantity("state", kinds=("crossing",), direction="in"),
    "crossings_at": Quantity("location", kinds=("crossing",), direction="at"),
    "transferred_out": Quantity("state", kinds=TRANSFERS, direction="out"),
    "transferred_in": Quantity("state", kinds=TRANSFERS, direction="in"),
    "returns": Quantity("state", kinds=("return",), direction="in"),  # setting off home from abroad
}


class TargetsError(ValueError):
    """A targets file that cannot be scored against a run; ``problems`` are ``file:line: field:
    what is wrong (expected what)``."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class RunFacts:
    """What targets may name in a run: its states and locations, its first and last day, and the
    tables it has (an ensemble keeps only some)."""

    states: frozenset[str]
    locations: frozenset[str]
    first: pd.Timestamp
    last: pd.Timestamp
    tables: frozenset[str]

    @classmethod
    def of(cls, tables: dict[str, pd.DataFrame]) -> RunFacts:
        states = tables["states"]
        locations = tables.get("locations")
        return cls(frozenset(states["state"].astype(str)),
                   frozenset(locations["location"].astype(str)) if locations is not None else frozenset(),
                   states["date"].min(), states["date"].max(), frozenset(tables))


@dataclass(frozen=True)
class Term:
    """One quantity of a target: a stock on ``end``, or a flow from ``start`` (None: the run's
    first day) to ``end``."""

    quantity: str
    scope: tuple[str, ...]
    start: pd.Timestamp | None
    end: pd.Timestamp

    @property
    def label(self) -> str:
        when = f"{self.start:%Y-%m-%d}{PERIOD}" if self.start is not None else ""
        return f"{self.quantity}[{JOIN.join(self.scope)}]@{when}{self.end:%Y-%m-%d}"


@dataclass(frozen=True)
class Target:
    """One row of a targets file: a term, or the ratio of two, and what was observed."""

    line: int
    terms: tuple[Term, ...]
    observed: float
    tolerance: float
    role: str
    source: str

    @property
    def label(self) -> str:
        return " / ".join(term.label for term in self.terms)


@dataclass(frozen=True)
class Scores:
    """Per target (and variant) its simulated value or band and its errors; per role the summary."""

    table: pd.DataFrame
    summary: pd.DataFrame
    ensemble: bool


# -- reading a targets file -----------------------------------------------------------------------

def read_targets(path: Path, facts: RunFacts) -> list[Target]:
    """The targets of a CSV file (``#`` lines are comments), each checked against the run;
    TargetsError lists every problem."""
    name = str(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise TargetsError([f"{name}: cannot read it ({reason}; expected a UTF-8 CSV file)"]) from None
    rows = [(number, line) for number, line in enumerate(lines, start=1)
            if line.strip() and not line.lstrip().startswith("#")]
    if not rows:
        raise TargetsError([f"{name}: no header row (expected {', '.join(COLUMNS)})"])
    (header_line, header_text), *data = rows
    header = [h.strip() for h in _fields(header_text)]
    problems = _header_problems(name, header_line, header)
    if problems:
        raise TargetsError(problems)
    if not data:
        raise TargetsError([f"{name}: no targets (expected one row per target below the header)"])
    targets = []
    for number, text in data:
        where = f"{name}:{number}"
        try:
            values = _fields(text)
        except csv.Error as exc:
            problems.append(f"{where}: not a CSV row ({exc})")
            continue
        if len(values) != len(header):
            problems.append(f"{where}: {len(values)} fields (expected {len(header)}, as the header)")
            continue
        row = dict(zip(header, (v.strip() for v in values), strict=True))
        target, found = _target(row, number, where, facts)
        problems += found
        if target is not None:
            targets.append(target)
    if problems:
        raise TargetsError(problems)
    return targets


def _fields(text: str) -> list[str]:
    return next(csv.reader([text], strict=True))


def _header_problems(name: str, line: int, header: list[str]) -> list[str]:
    where = f"{name}:{line}: header"
    unknown = [h for h in header if h not in COLUMNS]
    missing = [c for c in COLUMNS if c not in header and c not in OPTIONAL]
    problems = [f"{where}: unknown column {h!r} (expected {', '.join(COLUMNS)}){_hint(h, COLUMNS)}"
                for h in unknown]
    if missing:
        problems.append(f"{where}: missing column(s) {', '.join(missing)} (expected {', '.join(COLUMNS)})")
    return problems


def _target(row: dict[str, str], line: int, where: str, facts: RunFacts) -> tuple[Target | None, list[str]]:
    """The row as a Target, or None and its problems."""
    problems: list[str] = []
    quantities = [q.strip() for q in row["quantity"].split(RATIO)]
    scopes = [s.strip() for s in row["scope"].split(RATIO)]
    dates = [d.strip() for d in row["date"].split(RATIO)]
    parts = len(quantities)
    if parts > 2:
        problems.append(f"{where}: quantity: {row['quantity']!r} has {parts} parts (expected a quantity, "
                        "or a ratio NUMERATOR/DENOMINATOR)")
        return None, problems
    for field, given in (("scope", scopes), ("date", dates)):
        if len(given) not in (1, parts):
            problems.append(f"{where}: {field}: {row[field]!r} has {len(given)} parts (expected 1"
                            + (f" or {parts}, as the quantity)" if parts > 1 else ")"))
    if problems:
        return None, problems
    terms = []
    for i, quantity in enumerate(quantities):
        term = _term(quantity, scopes[min(i, len(scopes) - 1)], dates[min(i, len(dates) - 1)], where,
                     facts, problems)
        if term is not None:
            terms.append(term)
    observed = _positive(row["value"], "value", where, problems)
    tolerance = (_positive(row["tolerance"], "tolerance", where, problems) if row.get("tolerance")
                 else DEFAULT_TOLERANCE)
    if row["role"] not in ROLES:
        problems.append(f"{where}: role: {row['role']!r} (expected {' or '.join(ROLES)})"
                        f"{_hint(row['role'], ROLES)}")
    if not row["source"]:
        problems.append(f"{where}: source: empty (expected where the figure was published)")
    if problems:
        return None, problems
    return Target(line, tuple(terms), observed, tolerance, row["role"], row["source"]), []


def _term(quantity: str, scope: str, when: str, where: str, facts: RunFacts,
          problems: list[str]) -> Term | None:
    found = len(problems)
    spec = QUANTITIES.get(quantity)
    if spec is None:
        problems.append(f"{where}: quantity: {quantity!r} is not a quantity (expected one of "
                        f"{', '.join(QUANTITIES)}){_hint(quantity, QUANTITIES)}")
    else:
        table = "flows" if spec.is_flow else "states"
        if table not in facts.tables or (spec.scope == "location" and "locations" not in facts.tables):
            problems.append(f"{where}: quantity: {quantity!r} reads {table}"
                            + (" and locations" if spec.scope == "location" else "")
                            + ", which this ensemble did not keep (expected an ensemble run with "
                            "--tables states,flows,locations)")
    ids = [s.strip() for s in scope.split(JOIN)]
    kind = spec.scope if spec is not None else "state"
    known = facts.locations if kind == "location" else facts.states
    for ident in ids:
        if known and ident not in known:  # (no locations table: reported above)
            problems.append(f"{where}: scope: {ident!r} is not a {kind} of the run (expected "
                            f"{_some(known)}, or several joined by {JOIN!r}){_hint(ident, known)}")
    start, end = _dates(when, spec, where, facts, problems)
    if len(problems) > found or spec is None or end is None:
        return None
    return Term(quantity, tuple(ids), start, end)


def _dates(text: str, spec: Quantity | None, where: str, facts: RunFacts,
           problems: list[str]) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """(start, end) of a flow's period or (None, date) of a stock, checked to lie inside the run."""
    parts = text.split(PERIOD)
    expected = "YYYY-MM-DD" + (f", or START{PERIOD}END for a flow" if spec is None or spec.is_flow else "")
    if len(parts) > 2 or (len(parts) == 2 and spec is not None and not spec.is_flow):
        what = "a stock is read on one date" if len(parts) == 2 else "too many parts"
        problems.append(f"{where}: date: {text!r}: {what} (expected {expected})")
        return None, None
    days = []
    for part in parts:
        try:
            day = pd.Timestamp(_iso_date(part.strip()))
        except ValueError:
            problems.append(f"{where}: date: {part.strip()!r} is not a date (expected {expected})")
            return None, None
        if not facts.first <= day <= facts.last:
            problems.append(f"{where}: date: {day:%Y-%m-%d} is outside the run (expected "
                            f"{facts.first:%Y-%m-%d} to {facts.last:%Y-%m-%d})")
            return None, None
        days.append(day)
    if len(days) == 2 and days[0] > days[1]:
        problems.append(f"{where}: date: the period {text!r} ends before it starts "
                        f"(expected START{PERIOD}END)")
        return None, None
    return (days[0] if len(days) == 2 else None), days[-1]


def _iso_date(text: str) -> date:
    """The date ``text`` names as YYYY-MM-DD; ValueError otherwise."""
    if len(text) != 10:
        raise ValueError(text)
    return date.fromisoformat(text)


def _positive(text: str, field: str, where: str, problems: list[str]) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        problems.append(f"{where}: {field}: {text!r} (expected a positive number"
                        + (", relative: 0.25 is 25%)" if field == "tolerance" else ")"))
    return value


def _some(names: frozenset[str], most: int = 12) -> str:
    listed = sorted(names)
    more = f", ... ({len(listed)} in all)" if len(listed) > most else ""
    return "one of " + ", ".join(listed[:most]) + more


def _hint(given: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(given, list(choices), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


# -- simulated values -------------------------------------------------------------------------------

def simulate(term: Term, tables: dict[str, pd.DataFrame]) -> pd.Series:
    """The term's value in every replicate (index: variant, replicate)."""
    spec = QUANTITIES[term.quantity]
    replicates = pd.MultiIndex.from_frame(tables["states"][KEYS].drop_duplicates())
    if not spec.is_flow:
        states = tables["states"]
        rows = states[(states["date"] == term.end) & states["state"].isin(term.scope)]
        return rows.groupby(KEYS, observed=True)[spec.column].sum().reindex(replicates, fill_value=0)
    flows = tables["flows"]
    rows = flows[flows["kind"].isin(spec.kinds) & (flows["date"] <= term.end)]
    if term.start is not None:
        rows = rows[rows["date"] >= term.start]
    if spec.direction == "at":
        rows = rows[rows["to_location"].isin(term.scope)]
    else:
        into, out_of = rows["to_state"].isin(term.scope), rows["from_state"].isin(term.scope)
        rows = rows[into & ~out_of] if spec.direction == "in" else rows[out_of & ~into]
    return rows.groupby(KEYS, observed=True)["count"].sum().reindex(replicates, fill_value=0)


def simulated_values(target: Target, tables: dict[str, pd.DataFrame]) -> pd.Series:
    """The target's simulated value in every replicate: a term, or the ratio of two (NaN where
    the denominator is 0)."""
    values = [simulate(term, tables).astype(float) for term in target.terms]
    if len(values) == 1:
        return values[0]
    return values[0] / values[1].replace(0.0, np.nan)


# -- scores ---------------------------------------------------------------------------------------

def load_tables(path: Path) -> tuple[dict[str, pd.DataFrame], bool]:
    """The run tables of a run directory or an ensemble directory (each with variant and
    replicate columns), and whether it is an ensemble."""
    if output_kind(path) == ENSEMBLE:
        ensemble = load_ensemble(path)
        if "states" not in ensemble.tables:
            raise FileNotFoundError(f"{path}: the ensemble did not keep the states table (expected an "
                                    "ensemble run with --tables states,flows,locations)")
        return dict(ensemble.tables), True
    run = load_run(path)
    tables = {"states": run.states, "flows": run.flows, "locations": run.locations}
    tagged = {name: df.assign(variant=run.manifest.get("scenario", {}).get("name", "run"), replicate=0)
              for name, df in tables.items()}
    return tagged, False


def score(path: str | Path, targets_file: str | Path) -> Scores:
    """Score the run or ensemble directory ``path`` against ``targets_file``."""
    tables, ensemble = load_tables(Path(path))
    targets = read_targets(Path(targets_file), RunFacts.of(tables))
    rows = []
    for target in targets:
        values = simulated_values(target, tables)
        for variant, per_replicate in values.groupby(level="variant", observed=True):
            rows.append({"variant": variant, **_row(target, per_replicate.to_numpy(), ensemble)})
    table = pd.DataFrame(rows)
    if not ensemble:
        table = table.drop(columns="variant")
    return Scores(table, summarise(table, ensemble), ensemble)


def _row(target: Target, values: np.ndarray, ensemble: bool) -> dict[str, object]:
    row: dict[str, object] = {"line": target.line, "target": target.label, "role": target.role,
                              "observed": target.observed}
    if ensemble:
        finite = values[np.isfinite(values)]
        low, simulated, high = (np.quantile(finite, [BAND[0], 0.5, BAND[1]]) if len(finite)
                                else [np.nan] * 3)
        row |= {"replicates": len(finite), "median": simulated, "q05": low, "q95": high}
    else:
        simulated = float(values[0])
        row["simulated"] = simulated
    error = (simulated - target.observed) / target.observed
    row |= {"relative_error": error, "tolerance": target.tolerance,
            "within_tolerance": bool(abs(error) <= target.tolerance)}
    if ensemble:
        row["inside_band"] = bool(low <= target.observed <= high)
    return row | {"source": target.source}


def summarise(table: pd.DataFrame, ensemble: bool) -> pd.DataFrame:
    """Per role (and variant): the number of targets, the share within tolerance, the median
    absolute relative error and, for an ensemble, the share of observed values inside the band."""
    keys = ["variant", "role"] if ensemble else ["role"]
    grouped = table.assign(abs_error=table["relative_error"].abs()).groupby(keys, sort=True)
    summary = grouped.agg(targets=("target", "size"), within_tolerance=("within_tolerance", "mean"),
                          median_abs_relative_error=("abs_error", "median"))
    if ensemble:
        summary["coverage"] = grouped["inside_band"].mean()
    return summary.reset_index()
