"""The claims harness: verdict rules, the table, the report and --check, on the toy world."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from sim.app.cli import app
from sim.experiments.claim_verdicts import CLAIM_COLUMNS, claims, read_claims, verdict
from sim.scenario.errors import ScenarioError
from tests.scenario.test_claims import CLAIM, claim_folder

runner = CliRunner()
FASTER = CLAIM.replace("smallest_effect: 100}", "smallest_effect: 100, verdict: supported}")


@pytest.mark.parametrize(("low", "high", "difference", "expect", "smallest", "said"), [
    (-30, -10, -20, "decrease", 15, "supported"),
    (-30, -10, -20, "decrease", 25, "inconclusive"),  # real, but below what matters
    (10, 30, 20, "decrease", 5, "contradicted"),
    (-10, 30, 10, "increase", 5, "inconclusive"),  # straddles zero
    (10, 30, 20, "increase", 20, "supported"),
    (math.nan, math.nan, math.nan, "increase", 1, "inconclusive"),
])
def test_verdicts(low: float, high: float, difference: float, expect: str, smallest: float,
                  said: str) -> None:
    assert verdict(low, high, difference, expect, smallest)[0] == said


def test_a_claim_runs_as_a_paired_comparison_with_a_verdict(tmp_path: Path) -> None:
    folder = claim_folder(tmp_path, FASTER).parent
    result = claims(folder=folder, replicates=3, jobs=1)
    assert list(result.table.columns) == CLAIM_COLUMNS
    [row] = result.table.itertuples()
    assert row.claim == "faster-flight" and row.metric == "total_fled" and row.replicates == 3
    assert row.ci_low > 0 and row.verdict == "supported" == row.recorded
    assert result.changed().empty
    states = result.ensembles["faster-flight"].tables["states"]
    assert set(states["variant"]) == {"baseline", "variant"}


def test_unknown_names_and_metrics_are_located_errors(tmp_path: Path) -> None:
    folder = claim_folder(tmp_path, CLAIM.replace("metric: total_fled", "metric: total_fleed")).parent
    with pytest.raises(ValueError, match="did you mean 'faster-flight'"):
        read_claims(folder, ["faster-fligth"])
    with pytest.raises(ScenarioError) as info:
        claims(folder=folder, replicates=2, jobs=1)
    [problem] = info.value.problems
    assert problem.file.endswith("faster-flight.yaml") and problem.line == 8
    assert problem.path == "claim.metrics[0].metric" and "total_fled" in problem.message


def test_the_command_writes_the_table_the_report_and_checks_the_verdicts(tmp_path: Path) -> None:
    folder = claim_folder(tmp_path, FASTER).parent
    out = tmp_path / "out"
    done = runner.invoke(app, ["claims", "--claims", str(folder), "--replicates", "3", "--jobs", "1",
                               "-o", str(out), "--check"])
    assert done.exit_code == 0, done.output
    assert sorted(p.name for p in out.iterdir()) == ["claims.csv", "figures", "manifest.json", "report.md"]
    table = pd.read_csv(out / "claims.csv")
    assert table["verdict"].tolist() == ["supported"]
    assert (out / "figures" / "faster-flight.png").read_bytes()[:4] == b"\x89PNG"
    report = (out / "report.md").read_text()
    assert "faster-flight" in report and "figures/faster-flight.png" in report
    assert json.loads((out / "manifest.json").read_text())["claims"] == ["faster-flight"]
    # the recorded verdict no longer holds: --check fails, and says which
    (folder / "faster-flight.yaml").write_text(FASTER.replace("verdict: supported", "verdict: contradicted"))
    changed = runner.invoke(app, ["claims", "--claims", str(folder), "--replicates", "3", "--jobs", "1",
                                  "-o", str(out), "--force", "--check"])
    assert changed.exit_code == 1
    assert "changed: faster-flight: total_fled: now supported, recorded contradicted" in changed.output
    again = runner.invoke(app, ["claims", "--claims", str(folder), "-o", str(out)])
    assert again.exit_code == 1 and "--force" in again.output
