"""The scenario picker: which files it lists, how names resolve, and what it refuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.app.dashboard import picker
from sim.app.dashboard.picker import ScenarioRefused, allowed_scenario, scenario_choices
from sim.app.dashboard.session import DashboardModel, model_params
from tests.app.dashboard import INTERVENTION, ROOT, TOY

SECRET = "SECRET-MARKER-7"
# A YAML file outside the scenario folder: loading it as a scenario would quote its key.
SECRET_YAML = f"{SECRET}: hunter2\n"


def test_scenario_picker_lists_subfolders(monkeypatch: pytest.MonkeyPatch) -> None:
    choices = picker.scenario_choices(ROOT / "scenarios")
    assert {"toy", "mechanisms/intervention", "mechanisms/burden-sharing"} <= set(choices)
    assert not any(c.startswith("claims/") for c in choices)  # claim files are not scenarios
    monkeypatch.setenv(picker.SCENARIO_DIR_ENV, str(ROOT / "scenarios"))
    assert picker.resolve_scenario("mechanisms/intervention") == INTERVENTION
    monkeypatch.setenv(picker.SCENARIO_ENV, str(INTERVENTION))
    assert picker.initial_scenario() == "mechanisms/intervention"
    assert DashboardModel("mechanisms/intervention").spec.name == "intervention"


def test_the_historical_scenarios_are_offered_once_and_their_old_names_still_open_them(
        monkeypatch: pytest.MonkeyPatch) -> None:
    choices = picker.scenario_choices(ROOT / "scenarios")
    assert {"history/kosovo-1999", "history/mali-2012"} <= set(choices)
    assert "kosovo-1999" not in choices and "mali-2012" not in choices  # each file listed once
    monkeypatch.setenv(picker.SCENARIO_DIR_ENV, str(ROOT / "scenarios"))
    for started in ["kosovo-1999", str(ROOT / "scenarios" / "kosovo-1999.yaml")]:  # the old names
        monkeypatch.setenv(picker.SCENARIO_ENV, started)
        assert picker.initial_scenario() == "history/kosovo-1999"
        assert allowed_scenario(started).resolve() == ROOT / "scenarios" / "history" / "kosovo-1999.yaml"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scenario folder (toy, sub/twin, a link leading outside) next to a secret file."""
    folder = tmp_path / "scenarios"
    (folder / "sub").mkdir(parents=True)
    (folder / "toy.yaml").write_text(TOY.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "sub" / "twin.yaml").write_text(TOY.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "secret.yaml").write_text(SECRET_YAML, encoding="utf-8")
    (folder / "link.yaml").symlink_to(tmp_path / "secret.yaml")
    monkeypatch.setenv(picker.SCENARIO_DIR_ENV, str(folder))
    return folder


def test_only_listed_names_are_accepted(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert scenario_choices(folder) == ["sub/twin", "toy"]  # the link leads outside: not listed
    assert allowed_scenario("sub/twin") == folder / "sub" / "twin.yaml"
    secret = folder.parent / "secret.yaml"
    for name in ["../secret", "../secret.yaml", str(secret), "link", "sub/../toy", "toy.yaml",
                 str(folder / "toy.yaml"), "/etc/passwd", "", "x" * 10_000, 7, ["toy"], None]:
        with pytest.raises(ScenarioRefused) as refused:
            allowed_scenario(name)
        message = str(refused.value)
        assert SECRET not in message and str(folder) not in message and len(message) < 200

    started = folder.parent / "elsewhere.yaml"  # the scenario the server was started with
    started.write_text(TOY.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setenv(picker.SCENARIO_ENV, str(started))
    assert allowed_scenario(str(started)) == started
    with pytest.raises(ScenarioRefused):
        allowed_scenario("../elsewhere")


@pytest.mark.parametrize("name", ["../secret", "link", "/etc/passwd"])
def test_a_refused_name_becomes_a_message_not_a_file_read(folder: Path, name: str) -> None:
    model = DashboardModel(name)
    assert model.refused and model.error is not None and not model.running
    assert "is not one of the scenarios this dashboard offers" in model.error
    assert SECRET not in model.error and "root:" not in model.error
    assert model.scenario_path is None
    params = model_params(model, scenario_choices())
    assert params["scenario_name"]["values"] == ["sub/twin", "toy"]  # never offered afterwards
    model.step()
    assert model.day == -1 and model.time == 0


def test_files_a_scenario_names_outside_its_folder_are_not_read(folder: Path) -> None:
    (folder.parent / "locations.csv").write_text(f"id,state\n{SECRET},XAR\n", encoding="utf-8")
    (folder / "outside.yaml").write_text(
        "name: outside\nstart_date: 2025-01-01\ndays: 5\n"
        "world:\n  states: [{id: XAR, name: Aralia}]\n  locations_csv: ../locations.csv\n",
        encoding="utf-8")
    model = DashboardModel("outside")
    assert not model.refused and model.error is not None
    assert "outside the scenario's folder" in model.error and SECRET not in model.error
