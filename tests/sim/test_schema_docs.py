"""docs/scenario.md documents every field as the schema defines it today."""

from pathlib import Path

from sim.schema_docs import markdown


def test_scenario_reference_is_up_to_date() -> None:
    doc = Path("docs/scenario.md").read_text()
    assert markdown() in doc, "run: allysim schema --markdown, and paste it into docs/scenario.md"


def test_every_field_has_a_description() -> None:
    for line in markdown().splitlines():
        if line.startswith("| `"):
            assert not line.rstrip().endswith("|  |"), line
