"""The claim file: a validated block whose every mistake is located, reading nothing outside."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sim.scenario.claims import read_claim, scenario_files
from sim.scenario.errors import ScenarioError

ROOT = Path(__file__).resolve().parents[2]

CLAIM = """\
claim:
  text: Faster flight raises the number of refugees.
  source: {article: 000_feb0467f0db10932.txt, section: Introduction}
  scenario: ../toy.yaml
  variant: [parameters.displacement.flee_rate=0.02]
  encoding: The toy world with a doubled flee rate.
  metrics:
    - {metric: total_fled, expect: increase, smallest_effect: 100}
"""


def claim_folder(tmp_path: Path, text: str = CLAIM) -> Path:
    """A scenarios/ folder with the toy scenario and one claim file in scenarios/claims/."""
    (tmp_path / "scenarios" / "claims").mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "scenarios" / "toy.yaml", tmp_path / "scenarios" / "toy.yaml")
    path = tmp_path / "scenarios" / "claims" / "faster-flight.yaml"
    path.write_text(text)
    return path


def refused(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        read_claim(claim_folder(tmp_path, text))
    return [str(p) for p in info.value.problems]


def test_a_claim_file_reads_with_both_arms_from_the_base_scenario(tmp_path: Path) -> None:
    claim = read_claim(claim_folder(tmp_path))
    assert claim.name == "faster-flight"
    assert claim.scenario == claim.variant_scenario == (tmp_path / "scenarios" / "toy.yaml").resolve()
    assert claim.spec.metrics[0].verdict is None and claim.spec.show == "refugees_hosted"


def test_a_misspelt_field_is_located_with_a_suggestion(tmp_path: Path) -> None:
    [problem] = refused(tmp_path, CLAIM.replace("smallest_effect", "smalest_effect"))
    assert "faster-flight.yaml:8" in problem and "smallest_effect" in problem


@pytest.mark.parametrize(("change", "words"), [
    (("000_feb0467f0db10932.txt", "999_unknown.txt"), "000_feb0467f0db10932.txt"),
    (("expect: increase", "expect: up"), "'increase' or 'decrease'"),
    (("smallest_effect: 100", "smallest_effect: -1"), "greater than or equal to 0"),
    (("  encoding:", "  show: refugees[FRN]\n  encoding:"), "show"),
])
def test_bad_values_are_located(tmp_path: Path, change: tuple[str, str], words: str) -> None:
    problems = refused(tmp_path, CLAIM.replace(*change))
    assert any(words in p and "faster-flight.yaml:" in p for p in problems), problems


def test_scenario_files_must_exist_inside_the_folder_holding_the_claims(tmp_path: Path) -> None:
    [missing] = refused(tmp_path, CLAIM.replace("../toy.yaml", "../nowhere.yaml"))
    assert "claim.scenario" in missing and "not a scenario file" in missing
    [outside] = refused(tmp_path, CLAIM.replace("../toy.yaml", "../../outside.yaml"))
    assert "outside scenarios/" in outside


def test_a_claim_whose_arms_are_the_same_is_refused(tmp_path: Path) -> None:
    [problem] = refused(tmp_path, CLAIM.replace("  variant: [parameters.displacement.flee_rate=0.02]\n", ""))
    assert "the variant is the baseline" in problem


def test_a_moved_scenario_is_listed_once_under_its_real_path(tmp_path: Path) -> None:
    claim_folder(tmp_path)
    folder = tmp_path / "scenarios"
    (folder / "history").mkdir()
    shutil.copy(ROOT / "scenarios" / "toy.yaml", folder / "history" / "old.yaml")
    (folder / "old.yaml").symlink_to("history/old.yaml")  # the old path, kept as a link
    (tmp_path / "elsewhere.yaml").write_text("name: elsewhere\n")
    (folder / "outside.yaml").symlink_to(tmp_path / "elsewhere.yaml")  # a link to no listed file
    listed = [p.relative_to(folder).as_posix() for p in scenario_files(folder)]
    assert listed == ["history/old.yaml", "outside.yaml", "toy.yaml"]  # claims/ is not listed
    assert (folder / "old.yaml").read_text() == (folder / "history" / "old.yaml").read_text()
