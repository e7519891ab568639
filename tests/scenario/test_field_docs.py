"""docs/scenario.md and docs/model.md document every field as the schema defines it today."""

from pathlib import Path

import pytest

from sim.scenario.field_docs import DOCS, markdown, refresh


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_generated_parts_are_up_to_date(doc: Path) -> None:
    text = doc.read_text()
    assert refresh(text) == text, "run: python -m sim.scenario.field_docs"


def test_every_field_has_a_description() -> None:
    for line in markdown().splitlines():
        if line.startswith("| `"):
            assert not line.rstrip().endswith("|  |"), line
