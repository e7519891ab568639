"""Direction tests for mechanism effects that only the claims measured before: hesitation raises
flight (with the intervention's success fixed), development aid lowers departures, and alliance
affinity draws refugees toward an allied host. Each is the claim file's paired comparison on 8
common seeds; the 95% interval must exclude zero on the expected side."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.experiments.claim_verdicts import claims

CLAIMS = Path(__file__).resolve().parents[2] / "scenarios" / "claims"


@pytest.mark.parametrize(("claim", "metric", "sign"), [
    ("hesitation-raises-displacement", "fled[ORI]", 1),
    ("development-aid-lowers-departures", "fled[ORI]", -1),
    ("refugees-flee-toward-allies", "peak_refugees_hosted[FRN]", 1),
])
def test_the_effect_has_the_expected_sign(claim: str, metric: str, sign: int) -> None:
    table = claims([claim], folder=CLAIMS, replicates=8, jobs=1).table.set_index("metric")
    nearer_zero = min(sign * table.at[metric, "ci_low"], sign * table.at[metric, "ci_high"])
    assert nearer_zero > 0, table.loc[metric, ["difference", "ci_low", "ci_high"]].to_dict()
