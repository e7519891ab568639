"""The shipped claims: every file validates, and the model still says what each file records
(``allysim claims --check`` at the default replicates)."""

from __future__ import annotations

from pathlib import Path

from sim.experiments.claim_verdicts import claims, read_claims
from sim.experiments.defaults import DEFAULT_REPLICATES

CLAIMS = Path(__file__).resolve().parents[2] / "scenarios" / "claims"


def test_every_claim_file_validates_and_records_a_verdict_per_metric() -> None:
    shipped = read_claims(CLAIMS)
    assert len(shipped) >= 20
    assert all(e.verdict is not None for c in shipped for e in c.spec.metrics)


def test_the_recorded_verdicts_hold() -> None:
    result = claims(folder=CLAIMS, replicates=DEFAULT_REPLICATES, jobs=2)
    changed = result.changed()[["claim", "metric", "verdict", "recorded", "difference", "ci_low", "ci_high"]]
    assert changed.empty, changed.to_string()
