"""load_run gives typed tables with parsed dates, and refuses what is not a run directory or a
damaged one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis import load_run
from analysis.loading import DTYPES, OutputFileError
from sim.app.runner import run_to_directory

TOY = Path(__file__).resolve().parents[2] / "scenarios" / "toy.yaml"


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run_to_directory(TOY, tmp_path_factory.mktemp("r") / "toy", command="t").directory


def test_every_documented_column_has_its_dtype(run_dir: Path) -> None:
    run = load_run(run_dir)
    for name, dtypes in DTYPES.items():
        table = getattr(run, name)
        assert list(table.columns) == list(pd.read_csv(run_dir / f"{name}.csv", nrows=0).columns)
        for column, dtype in dtypes.items():
            if column.endswith("_date"):
                assert pd.api.types.is_datetime64_any_dtype(table[column]), (name, column)
            else:
                assert str(table[column].dtype).lower().startswith(dtype.lower()[:3]), (name, column)
        if "date" in table.columns:
            assert pd.api.types.is_datetime64_any_dtype(table["date"])


def test_a_parquet_run_loads_as_the_same_tables(run_dir: Path, tmp_path: Path) -> None:
    parquet = run_to_directory(TOY, tmp_path / "toy", command="t", table_format="parquet").directory
    assert sorted(p.suffix for p in parquet.iterdir() if p.stem in DTYPES) == [".parquet"] * len(DTYPES)
    assert load_run(parquet).manifest["format"] == "parquet"
    for name in DTYPES:
        pd.testing.assert_frame_equal(getattr(load_run(parquet), name), getattr(load_run(run_dir), name))


def test_a_state_that_never_hosts_has_no_peak_date(run_dir: Path) -> None:
    summary = load_run(run_dir).summary
    never = summary[summary["peak_refugees_hosted"] == 0]
    assert len(never) and never["peak_refugees_date"].isna().all()
    assert summary.loc[summary["peak_refugees_hosted"] > 0, "peak_refugees_date"].notna().all()


def test_columns_match_docs(run_dir: Path) -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "outputs.md").read_text()
    for name in DTYPES:
        for column in pd.read_csv(run_dir / f"{name}.csv", nrows=0).columns:
            assert f"`{column}`" in doc, (name, column)


def test_not_a_run_directory(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="not an allysim run directory"):
        load_run(tmp_path)


@pytest.mark.parametrize(("damage", "message"), [
    (lambda d: (d / "events.csv").unlink(), r"events\.csv: missing"),
    (lambda d: (d / "states.csv").write_text("day,state\n0,XBM\n"),
     r"states\.csv: no column residents, idps"),
    (lambda d: (d / "flows.csv").write_text((d / "flows.csv").read_text() + 'x,"unclosed\n'),
     r"flows\.csv: cannot be read as documented"),
    (lambda d: (d / "stocks.csv").write_text("day,origin_state,host_state,status,count\nlast,A,B,idp,3\n"),
     r"stocks\.csv: cannot be read as documented"),
    (lambda d: (d / "manifest.json").write_text("{not json"), r"manifest\.json: cannot be read as JSON"),
    (lambda d: (d / "manifest.json").write_text("[1, 2]"), r"manifest\.json: expected a JSON object"),
])
def test_a_damaged_run_directory_is_named_not_a_traceback(run_dir: Path, tmp_path: Path, damage,
                                                          message: str) -> None:
    """An edited or cut-short output file: its path and what is wrong (ValueError), not a crash later."""
    copy = tmp_path / "toy"
    shutil.copytree(run_dir, copy)
    damage(copy)
    with pytest.raises(OutputFileError, match=message):
        load_run(copy)
