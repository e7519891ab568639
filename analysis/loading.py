"""Load a run directory into typed pandas DataFrames (docs/outputs.md lists every column)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

_INT = "int64"
_STR = "string"
DTYPES: dict[str, dict[str, str]] = {
    "stocks": {"day": _INT, "origin_state": _STR, "host_state": _STR, "status": _STR, "count": _INT},
    "states": {"day": _INT, "state": _STR, "residents": _INT, "idps": _INT, "refugees_hosted": _INT,
               "refugees_abroad": _INT, "returnees": _INT, "relocated_in_cum": _INT,
               "relocated_out_cum": _INT, "resettled_out_cum": _INT, "deaths_cum": _INT,
               "integrated": _INT, "border_policy": _STR},
    "locations": {"day": _INT, "location": _STR, "state": _STR, "kind": _STR, "residents": _INT,
                  "idps": _INT, "refugees": _INT, "total": _INT, "capacity": "Int64",
                  "conflict_intensity": "float64"},
    "flows": {"day": _INT, "from_location": _STR, "to_location": _STR, "from_state": _STR,
              "to_state": _STR, "kind": _STR, "count": _INT},
    "events": {"day": _INT, "type": _STR, "actor": _STR, "target": _STR, "origin": _STR,
               "detail": _STR},
    "summary": {"state": _STR, "peak_refugees_hosted": _INT, "peak_refugees_date": _STR,
                "peak_idps": _INT, "peak_idps_date": _STR, "total_fled": _INT, "returned": _INT,
                "relocated": _INT, "resettled": _INT, "deaths": _INT},
}


class OutputFileError(ValueError):
    """A file of an output directory that cannot be read as documented (edited, cut short, or
    written by another program); the message names the file and what is wrong."""


def read_manifest(path: Path) -> dict[str, Any]:
    """``path``/manifest.json as a dict (OutputFileError if it is not a JSON object)."""
    file = path / "manifest.json"
    try:
        manifest = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise OutputFileError(f"{file}: cannot be read as JSON ({exc})") from None
    if not isinstance(manifest, dict):
        raise OutputFileError(f"{file}: expected a JSON object, found {type(manifest).__name__}")
    return manifest


def read_table(file: Path, dtypes: dict[str, str], read: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """``read()``, the table in ``file``, with the documented columns of ``dtypes`` checked and
    typed; OutputFileError names the file and the problem (missing, unreadable, a column gone
    or holding values of another type)."""
    if not file.is_file():
        raise OutputFileError(f"{file}: missing (docs/outputs.md lists the files of an output directory)")
    try:
        df = read()
        missing = [c for c in dtypes if c not in df.columns]
        if not missing:
            return _parse_dates(df.astype(dtypes))
    except (OSError, ValueError, TypeError) as exc:  # pandas' and pyarrow's parse errors are ValueErrors
        raise OutputFileError(f"{file}: cannot be read as documented ({str(exc).strip()[:300]})") from None
    raise OutputFileError(f"{file}: no column {', '.join(missing)} (docs/outputs.md lists its columns)")


@dataclass(frozen=True)
class Run:
    """One run's tables and manifest; ``path`` is its run directory (None for a run kept in
    memory, as ``sim.run_scenario`` returns it)."""

    path: Path | None
    manifest: dict[str, Any]
    stocks: pd.DataFrame
    states: pd.DataFrame
    locations: pd.DataFrame
    flows: pd.DataFrame
    events: pd.DataFrame
    summary: pd.DataFrame

    def event_details(self) -> pd.Series:
        """The events' JSON ``detail`` column parsed into dicts."""
        return pd.Series([json.loads(d) for d in self.events["detail"]], index=self.events.index,
                         dtype=object, name="detail")


def load_run(path: str | Path) -> Run:
    """Read every table of a run directory (CSV or Parquet) with documented dtypes and parsed
    dates (a missing date is NaT)."""
    path = Path(path)
    if not (path / "manifest.json").is_file():
        raise FileNotFoundError(f"{path} is not an allysim run directory (no manifest.json)")
    manifest = read_manifest(path)
    tables = {name: _read(path, name, dtypes) for name, dtypes in DTYPES.items()}
    return Run(path=path, manifest=manifest, **tables)


def _read(folder: Path, name: str, dtypes: dict[str, str]) -> pd.DataFrame:
    parquet, csv = folder / f"{name}.parquet", folder / f"{name}.csv"
    if parquet.is_file():
        return read_table(parquet, dtypes, lambda: pd.read_parquet(parquet))
    return read_table(csv, dtypes, lambda: pd.read_csv(csv, dtype=dtypes, keep_default_na=False,
                                                       na_values={"capacity": [""]}))


def typed_tables(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """A run's tables as the model builds them, typed exactly as ``load_run`` types them."""
    return {name: _parse_dates(tables[name].astype(dtypes)) for name, dtypes in DTYPES.items()}


def _parse_dates(df: pd.DataFrame) -> pd.DataFrame:
    """Every date column (``date``, ``*_date``) as datetime64; an empty date is NaT."""
    for column in [c for c in df.columns if c == "date" or c.endswith("_date")]:
        text = df[column].astype("string").replace("", pd.NA)
        df[column] = pd.to_datetime(text, format="%Y-%m-%d")
    return df
