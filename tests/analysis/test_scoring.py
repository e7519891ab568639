"""Scoring against observed targets: every quantity checked against a value summed by hand from
the run's CSV rows, the ensemble's band and coverage, and every kind of bad row located."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.scoring import (
    DEFAULT_TOLERANCE,
    QUANTITIES,
    RunFacts,
    TargetsError,
    read_targets,
    score,
)
from sim.app.runner import run_to_directory
from sim.experiments.ensembles import ensemble
from sim.loading import load_scenario

ROOT = Path(__file__).resolve().parents[2]
TOY = ROOT / "scenarios" / "toy.yaml"
EVACUATION = ROOT / "scenarios" / "mechanisms" / "evacuation.yaml"
HEADER = "quantity,scope,date,value,tolerance,role,source\n"


@pytest.fixture(scope="module")
def toy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run_to_directory(TOY, tmp_path_factory.mktemp("r") / "toy", command="t").directory


@pytest.fixture(scope="module")
def evacuation(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run_to_directory(EVACUATION, tmp_path_factory.mktemp("r") / "evac", days=120,
                            command="t").directory


def rows(run: Path, table: str) -> list[dict[str, str]]:
    with (run / f"{table}.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def stock(run: Path, column: str, states: set[str], day: str) -> int:
    return sum(int(r[column]) for r in rows(run, "states") if r["date"] == day and r["state"] in states)


def flow(run: Path, kinds: set[str], first: str, last: str, *, into: set[str] | None = None,
         out_of: set[str] | None = None, at: set[str] | None = None) -> int:
    """Flows of ``kinds`` on days first..last entering ``into``, leaving ``out_of`` or arriving at
    the locations ``at``, summed row by row."""
    total = 0
    for r in rows(run, "flows"):
        if r["kind"] not in kinds or not first <= r["date"] <= last:
            continue
        if into is not None and not (r["to_state"] in into and r["from_state"] not in into):
            continue
        if out_of is not None and not (r["from_state"] in out_of and r["to_state"] not in out_of):
            continue
        if at is not None and r["to_location"] not in at:
            continue
        total += int(r["count"])
    return total


def targets_file(folder: Path, lines: list[str], name: str = "t.targets.csv") -> Path:
    path = folder / name
    path.write_text("# a comment line, skipped\n" + HEADER + "".join(f"{line}\n" for line in lines),
                    encoding="utf-8")
    return path


def simulated(run: Path, folder: Path, lines: list[str]) -> list[float]:
    return score(run, targets_file(folder, lines)).table["simulated"].tolist()


def test_every_quantity_is_what_the_tables_say(toy: Path, evacuation: Path, tmp_path: Path) -> None:
    crossing, ret, moved = {"crossing"}, {"return"}, {"relocation", "resettlement", "evacuation"}
    toy_rows = [  # (targets row, value summed by hand from the CSV rows)
        ("refugees_hosted,XBM+XCV,2024-04-01", stock(toy, "refugees_hosted", {"XBM", "XCV"}, "2024-04-01")),
        ("refugees_abroad,XAR,2024-05-10", stock(toy, "refugees_abroad", {"XAR"}, "2024-05-10")),
        ("idps,XAR,2024-04-01", stock(toy, "idps", {"XAR"}, "2024-04-01")),
        ("outflow,XAR,2024-03-20", flow(toy, crossing, "2024-03-01", "2024-03-20", out_of={"XAR"})),
        ("crossings_into,XCV,2024-03-05..2024-03-31",
         flow(toy, crossing, "2024-03-05", "2024-03-31", into={"XCV"})),
        ("crossings_into,XBM+XCV,2024-04-30",  # crossings between XBM and XCV are inside the scope
         flow(toy, crossing, "2024-03-01", "2024-04-30", into={"XBM", "XCV"})),
        ("crossings_at,southcamp+eastcamp,2024-03-31",
         flow(toy, crossing, "2024-03-01", "2024-03-31", at={"southcamp", "eastcamp"})),
        ("returns,XAR,2024-05-15..2024-06-28", flow(toy, ret, "2024-05-15", "2024-06-28", into={"XAR"})),
    ]
    evacuation_rows = [
        ("transferred_out,FRN,2025-03-31",
         flow(evacuation, moved, "2025-01-01", "2025-03-31", out_of={"FRN"})),
        ("transferred_in,MEM,2025-02-01..2025-04-30",
         flow(evacuation, moved, "2025-02-01", "2025-04-30", into={"MEM"})),
    ]
    for run, cases in ((toy, toy_rows), (evacuation, evacuation_rows)):
        expected = [value for _, value in cases]
        assert all(v > 0 for v in expected), cases  # each case tests a number, not an empty sum
        got = simulated(run, tmp_path, [f"{row},1000,,validation,test" for row, _ in cases])
        assert got == expected
    covered = {row.split(",")[0] for row, _ in toy_rows + evacuation_rows}
    assert covered == set(QUANTITIES)


def test_a_ratio_divides_its_two_terms(toy: Path, tmp_path: Path) -> None:
    late = stock(toy, "refugees_abroad", {"XAR"}, "2024-06-28")
    peak = stock(toy, "refugees_abroad", {"XAR"}, "2024-05-10")
    hosted = stock(toy, "refugees_hosted", {"XBM"}, "2024-04-01")
    [share, same_day] = simulated(toy, tmp_path, [
        "refugees_abroad/refugees_abroad,XAR,2024-06-28/2024-05-10,0.5,,validation,test",
        "refugees_hosted/refugees_abroad,XBM/XAR,2024-04-01,0.5,,validation,test"])
    assert share == pytest.approx(late / peak) and 0 < share < 1
    assert same_day == pytest.approx(hosted / stock(toy, "refugees_abroad", {"XAR"}, "2024-04-01"))


def test_errors_tolerance_and_the_summary_by_role(toy: Path, tmp_path: Path) -> None:
    hosted = stock(toy, "refugees_hosted", {"XBM"}, "2024-04-01")
    scores = score(toy, targets_file(tmp_path, [
        f"refugees_hosted,XBM,2024-04-01,{hosted / 1.2},,calibration,a",  # +20%: inside the default
        f"refugees_hosted,XBM,2024-04-01,{hosted / 1.2},0.1,validation,b",  # +20% > 10%
        f"refugees_hosted,XBM,2024-04-01,{hosted * 2},,validation,c",  # -50%
    ]))
    table = scores.table
    assert table["line"].tolist() == [3, 4, 5]  # lines of the file, comment and header counted
    assert table["relative_error"].tolist() == pytest.approx([0.2, 0.2, -0.5])
    assert table["tolerance"].tolist() == [DEFAULT_TOLERANCE, 0.1, DEFAULT_TOLERANCE]
    assert table["within_tolerance"].tolist() == [True, False, False]
    assert table["target"][0] == "refugees_hosted[XBM]@2024-04-01"
    summary = scores.summary.set_index("role")
    assert summary.loc["calibration", "targets"] == 1 and summary.loc["calibration", "within_tolerance"] == 1
    assert summary.loc["validation", "within_tolerance"] == 0
    assert summary.loc["validation", "median_abs_relative_error"] == pytest.approx(0.35)


def test_a_parquet_run_scores_as_its_csv_twin(toy: Path, tmp_path: Path) -> None:
    parquet = run_to_directory(TOY, tmp_path / "p", command="t", table_format="parquet").directory
    lines = ["outflow,XAR,2024-03-20,1000,,validation,t", "idps,XAR,2024-04-01,1000,,validation,t"]
    assert simulated(parquet, tmp_path, lines) == simulated(toy, tmp_path, lines)


@pytest.fixture(scope="module")
def toy_ensemble(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("e") / "ens"
    ensemble(TOY, 4, seed=3, tables=("states", "flows", "locations"), jobs=1, out=out)
    return out


def test_an_ensemble_gives_the_median_the_band_and_its_coverage(toy_ensemble: Path, tmp_path: Path) -> None:
    states = pd.read_parquet(toy_ensemble / "states.parquet")
    on_day = states[(states["date"].astype(str) == "2024-04-01") & (states["state"] == "XBM")]
    per_replicate = on_day.sort_values("replicate")["refugees_hosted"].to_numpy(dtype=float)
    assert len(set(per_replicate)) > 1  # the seeds differ, so the band has a width
    low, median, high = np.quantile(per_replicate, [0.05, 0.5, 0.95])
    scores = score(toy_ensemble, targets_file(tmp_path, [
        f"refugees_hosted,XBM,2024-04-01,{median},,validation,inside",
        f"refugees_hosted,XBM,2024-04-01,{high * 1.5},,validation,outside",
        f"refugees_hosted,XBM,2024-04-01,{low},,calibration,at the edge"]))
    table = scores.table
    assert table["replicates"].tolist() == [4, 4, 4]
    assert table[["median", "q05", "q95"]].iloc[0].tolist() == pytest.approx([median, low, high])
    assert table["inside_band"].tolist() == [True, False, True]
    assert table["relative_error"].tolist() == pytest.approx([0, median / (high * 1.5) - 1, median / low - 1])
    summary = scores.summary.set_index("role")
    assert summary.loc["validation", "coverage"] == 0.5 and summary.loc["calibration", "coverage"] == 1


def test_an_ensemble_without_flows_names_the_tables_it_needs(tmp_path: Path) -> None:
    out = tmp_path / "ens"
    ensemble(TOY, 1, overrides=["days=75"], jobs=1, out=out)  # keeps states, events, summary
    with pytest.raises(TargetsError) as error:
        score(out, targets_file(tmp_path, ["outflow,XAR,2024-03-20,100,,validation,t",
                                           "idps,XAR,2024-03-20,100,,validation,t"]))
    [problem] = error.value.problems
    assert "t.targets.csv:3: quantity: 'outflow' reads flows" in problem
    assert "--tables states,flows,locations" in problem


BAD_ROWS = [  # (row, words the problem must contain)
    ("refugee_hosted,XBM,2024-04-01,10,,validation,s", "quantity: 'refugee_hosted' is not a quantity"),
    ("refugees_hosted,XBN,2024-04-01,10,,validation,s", "scope: 'XBN' is not a state of the run"),
    ("crossings_at,southcmp,2024-04-01,10,,validation,s", "scope: 'southcmp' is not a location"),
    ("refugees_hosted,XBM,2024-13-01,10,,validation,s", "date: '2024-13-01' is not a date"),
    ("refugees_hosted,XBM,1 April 2024,10,,validation,s", "is not a date (expected YYYY-MM-DD)"),
    ("refugees_hosted,XBM,2023-04-01,10,,validation,s",
     "date: 2023-04-01 is outside the run (expected 2024-03-01 to 2024-06-28)"),
    ("outflow,XAR,2024-03-20..2024-07-01,10,,validation,s", "date: 2024-07-01 is outside the run"),
    ("idps,XAR,2024-04-01..2024-04-03,10,,validation,s", "a stock is read on one date"),
    ("outflow,XAR,2024-04-03..2024-04-01,10,,validation,s", "ends before it starts"),
    ("idps,XAR,2024-04-01,ten,,validation,s", "value: 'ten' (expected a positive number)"),
    ("idps,XAR,2024-04-01,0,,validation,s", "value: '0' (expected a positive number)"),
    ("idps,XAR,2024-04-01,10,-0.1,validation,s", "tolerance: '-0.1' (expected a positive number"),
    ("idps,XAR,2024-04-01,10,,calib,s", "role: 'calib' (expected calibration or validation)"),
    ("idps,XAR,2024-04-01,10,,validation,", "source: empty (expected where the figure was published)"),
    ("idps/idps/idps,XAR,2024-04-01,10,,validation,s", "has 3 parts"),
    ("idps,XAR/XAR,2024-04-01,10,,validation,s", "scope: 'XAR/XAR' has 2 parts (expected 1)"),
    ("idps,XAR,2024-04-01,10,,validation", "6 fields (expected 7, as the header)"),
]


@pytest.mark.parametrize(("row", "words"), BAD_ROWS, ids=[words for _, words in BAD_ROWS])
def test_a_bad_row_is_located_by_file_line_and_field(toy: Path, tmp_path: Path, row: str, words: str) -> None:
    path = targets_file(tmp_path, ["idps,XAR,2024-04-01,10,,validation,a good row", row])
    with pytest.raises(TargetsError) as error:
        score(toy, path)
    [problem] = error.value.problems
    assert problem.startswith(f"{path}:4: ") and words in problem, problem


def test_every_problem_of_a_file_is_reported_at_once(toy: Path, tmp_path: Path) -> None:
    path = targets_file(tmp_path, ["refugee_hosted,XBN,2024-13-01,x,,calib,"])
    with pytest.raises(TargetsError) as error:
        score(toy, path)
    fields = [p.split(": ")[1] for p in error.value.problems]
    assert fields == ["quantity", "scope", "date", "value", "role", "source"]
    assert "did you mean 'refugees_hosted'?" in error.value.problems[0]


@pytest.mark.parametrize(("text", "words"), [
    ("quantity,scope,dat,value,role,source\n", "unknown column 'dat'"),
    ("quantity,scope,value,role\n", "missing column(s) date, source"),
    ("# only comments\n", "no header row"),
    (HEADER, "no targets"),
])
def test_a_bad_header_or_an_empty_file_is_a_message(toy: Path, tmp_path: Path, text: str, words: str) -> None:
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TargetsError, match=words.replace("(", r"\(").replace(")", r"\)")):
        score(toy, path)


def test_a_missing_or_binary_targets_file_is_a_message(toy: Path, tmp_path: Path) -> None:
    with pytest.raises(TargetsError, match=r"nowhere\.csv: cannot read it \(No such file or directory"):
        score(toy, tmp_path / "nowhere.csv")
    (tmp_path / "binary.csv").write_bytes(b"\xff\xfe\x00quantity")
    with pytest.raises(TargetsError, match=r"binary\.csv: cannot read it .*expected a UTF-8 CSV file"):
        score(toy, tmp_path / "binary.csv")


@pytest.mark.parametrize("episode", ["kosovo-1999", "mali-2012"])
def test_the_shipped_targets_fit_their_scenario(episode: str) -> None:
    spec = load_scenario(ROOT / "scenarios" / "history" / f"{episode}.yaml")
    first = pd.Timestamp(spec.start_date)
    facts = RunFacts(frozenset(s.id for s in spec.world.states),
                     frozenset(loc.id for loc in spec.world.locations), first,
                     first + pd.Timedelta(days=spec.days - 1),
                     frozenset({"states", "flows", "locations"}))
    targets = read_targets(ROOT / "scenarios" / "history" / f"{episode}.targets.csv", facts)
    assert {t.role for t in targets} == {"calibration", "validation"} and all(t.source for t in targets)
