"""Flee folders that try the reader's limits: refused cleanly, or accepted as Flee accepts them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sim.flee.folder import read_flee_folder
from sim.scenario.errors import ScenarioError

MALI = Path(__file__).resolve().parents[1] / "fixtures" / "flee" / "mali_cut"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return Path(shutil.copytree(MALI, tmp_path / "mali"))


def problems(path: Path) -> str:
    with pytest.raises(ScenarioError) as caught:
        read_flee_folder(path)
    return str(caught.value)


def test_deeply_nested_settings_are_refused(folder: Path) -> None:
    (folder / "simsetting.yml").write_text("a: " + "[" * 2000 + "]" * 2000 + "\n")
    assert "nested" in problems(folder)


def test_an_alias_bomb_in_the_settings_is_refused_quickly(folder: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{k}: &a{k} [{', '.join([f'*a{k - 1}'] * 10)}]" for k in range(1, 9)]
    (folder / "simsetting.yml").write_text("\n".join(lines) + "\n")
    message = problems(folder)
    assert "simsetting.yml" in message


def test_an_oversized_cell_is_a_located_problem(folder: Path) -> None:
    routes = folder / "input_csv" / "routes.csv"
    routes.write_text(routes.read_text() + "x" * 200_000 + ",y,1\n")
    assert "routes.csv" in problems(folder)


def test_remove_forced_redirection_rows_are_accepted_as_flee_accepts_them(folder: Path) -> None:
    closures = folder / "input_csv" / "closures.csv"
    row = "remove_forced_redirection,Nowhere,Elsewhere,0,-1"
    closures.write_text(closures.read_text().rstrip("\n") + f"\n{row}\n")
    read_flee_folder(folder)  # Flee toggles a flag it never reads: nothing to check
