"""Reading a Flee folder: every file type, and located errors (never a traceback) for bad ones."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from sim.flee.folder import read_flee_folder
from sim.scenario.errors import ScenarioError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "flee"
MALI = FIXTURES / "mali_cut"
SSUDAN = FIXTURES / "ssudan_cut"


def test_reads_every_file_of_the_mali_cut() -> None:
    f = read_flee_folder(MALI)
    assert (f.start_date.isoformat(), f.days) == ("2012-02-29", 60)
    assert [loc.name for loc in f.locations][:3] == ["Menaka", "Gao", "Ansongo"]
    gao = f.location("Gao")
    assert (gao.lat, gao.lon) == (16.27091, -0.04021)  # column 4 is the latitude (quirk Q1)
    assert (gao.type, gao.conflict_date, gao.population) == ("conflict_zone", 23, 86633)
    assert f.location("Abala").is_camp and f.location("Abala").population == 11387
    assert f.home_country == "Mali" and f.countries == ["Mali", "Burkina_Faso", "Niger"]
    assert len(f.routes) == 12
    assert {c.type for c in f.closures} == {"country", "location", "link", "camp",
                                            "remove_forced_redirection"}
    assert f.conflicts.shape == (60, len(f.conflict_names))
    menaka = f.conflicts[:, f.conflict_names.index("Menaka")]
    assert menaka[0] == 0 and menaka[1] == 1
    assert [row.name for row in f.layout] == ["total", "Mentao", "Abala", "Mangaize", "Tabareybarey"]
    assert set(f.series) == {"refugees.csv", "bf-mentao.csv", "nig-abala.csv", "nig-mangaize.csv",
                             "nig-tabareybarey.csv"}
    assert [c.name for c in f.corrections] == ["Mentao", "Abala", "Mangaize", "Tabareybarey"]
    assert f.settings["move_rules"]["max_move_speed"] == 200.0
    assert f.warnings == []


def test_reads_markers_hubs_idp_camps_and_link_columns() -> None:
    f = read_flee_folder(SSUDAN)
    types = {loc.name: loc.type for loc in f.locations}
    assert types["Tonga"] == "marker" and types["Pagak"] == "forward"
    assert types["Nguenyyiel"] == "idpcamp" and types["Tierkidi"] == "camp"
    assert {c.type for c in f.closures} == {"idpcamp", "location"}
    assert f.location("Baleit").population == 0  # empty population cell


def test_conflict_period_csv_is_read_when_sim_period_is_missing(tmp_path: Path) -> None:
    folder = _copy(tmp_path, MALI)
    (folder / "input_csv" / "sim_period.csv").rename(folder / "input_csv" / "conflict_period.csv")
    assert read_flee_folder(folder).days == 60


def test_unknown_conflicts_column_is_a_warning_as_flee_ignores_it(tmp_path: Path) -> None:
    folder = _copy(tmp_path, MALI)
    _edit(folder / "input_csv" / "conflicts.csv", lambda t: t.replace("Konna", "Konnna", 1))
    f = read_flee_folder(folder)
    assert "Konnna" not in f.conflict_names
    assert "names no location" in str(f.warnings[0]) and "did you mean 'Konna'" in str(f.warnings[0])


# -- errors -----------------------------------------------------------------------------------


def _copy(tmp_path: Path, src: Path = MALI) -> Path:
    dst = tmp_path / src.name
    shutil.copytree(src, dst)
    return dst


def _edit(path: Path, change: Callable[[str], str]) -> None:
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")


def _problems(folder: Path) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        read_flee_folder(folder)
    return [str(p) for p in info.value.problems]


def _line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_missing_file(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "input_csv" / "routes.csv").unlink()
    [msg] = _problems(folder)
    assert msg.endswith("input_csv/routes.csv: (file): missing file: routes.csv (the links between "
                        "locations)")


def test_not_a_folder(tmp_path: Path) -> None:
    assert "not a directory" in _problems(tmp_path / "nowhere")[0]


def test_unknown_location_in_routes(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    routes = folder / "input_csv" / "routes.csv"
    _edit(routes, lambda t: t + "Gao,Menakka,120,0\n")
    [msg] = _problems(folder)
    line = _line_of(routes, "Menakka")
    assert msg.endswith(f"routes.csv:{line}: name2: unknown location 'Menakka' (not in locations.csv); "
                        "did you mean 'Menaka'?")


def test_camp_without_a_data_row(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder / "source_data" / "data_layout.csv",
          lambda t: "\n".join(x for x in t.splitlines() if not x.startswith("Abala")) + "\n")
    msgs = _problems(folder)
    assert any("data_layout.csv: (file): camp 'Abala' (locations.csv line" in m
               and m.endswith("has no data row; every camp needs <name>,<series file>") for m in msgs)


def test_bad_date_in_a_series_file(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    series = folder / "source_data" / "bf-mentao.csv"
    _edit(series, lambda t: t.replace("2012-04-08", "2012-04-31"))
    [msg] = _problems(folder)
    line = _line_of(series, "2012-04-31")
    assert msg.endswith(f"bf-mentao.csv:{line}: date: found '2012-04-31'; expected a date YYYY-MM-DD")


def test_bad_start_date(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder / "input_csv" / "sim_period.csv", lambda t: t.replace("2012-02-29", "29/02/2012"))
    msgs = _problems(folder)
    assert any(m.endswith("sim_period.csv:1: StartDate: found '29/02/2012'; expected a date "
                          "YYYY-MM-DD") for m in msgs)


def test_non_numeric_cells(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    locations = folder / "input_csv" / "locations.csv"
    _edit(locations, lambda t: t.replace(",86633", ",lots"))
    conflicts = folder / "input_csv" / "conflicts.csv"
    _edit(conflicts, lambda t: t.replace("\n5,", "\n5,x", 1))
    _edit(folder / "input_csv" / "routes.csv", lambda t: t.replace(",100,", ",100km,"))
    msgs = _problems(folder)
    assert len(msgs) == 3  # every problem, not only the first
    assert any(m.endswith(f"locations.csv:{_line_of(locations, 'lots')}: population: found 'lots'; "
                          "expected an integer") for m in msgs)
    assert any("conflicts.csv:7: Gao: found 'x0'; expected a number" in m for m in msgs)
    assert any("routes.csv" in m and "distance: found '100km'; expected a number" in m for m in msgs)


def test_non_integer_population_is_refused_as_flee_does(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder / "input_csv" / "locations.csv", lambda t: t.replace(",86633", ",86633.5"))
    assert "population: found '86633.5'; expected an integer" in _problems(folder)[0]


def test_swapped_coordinates_hint(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder / "input_csv" / "locations.csv",
          lambda t: t.replace("14.9502,5.0835", "105.0835,14.9502"))
    assert "(column 4 is the latitude and column 5 the longitude; swapped?)" in _problems(folder)[0]


def test_bad_closures(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    closures = folder / "input_csv" / "closures.csv"
    _edit(closures, lambda t: t + "border,Mali,Niger,0,5\ncountry,Mali,Nigerr,0,5\n"
          "link,Gao,Abala,0,5\nlocation,Gao,,-2,3\n")
    msgs = _problems(folder)
    assert len(msgs) == 4
    assert any("closure_type: found closure type 'border'; expected one of country, location, link, "
               "camp, idpcamp, remove_forced_redirection" in m for m in msgs)
    assert any("name2: unknown country 'Nigerr'" in m and "did you mean 'Niger'?" in m for m in msgs)
    assert any("there is no route between 'Gao' and 'Abala'" in m for m in msgs)
    assert any("closure_start: found '-2'; expected a day >= 0" in m for m in msgs)


def test_closures_ending_on_or_before_their_start_are_read_as_flee_runs_them(tmp_path: Path) -> None:
    """Flee reopens on the day t == closure_end and closes on t == closure_start: an end before
    the start reopens nothing, so the closure never ends; an end on the start undoes it the same
    day. burundi2015 in Flee's own validation suite has such a row."""
    folder = _copy(tmp_path)
    closures = folder / "input_csv" / "closures.csv"
    _edit(closures, lambda t: t + "location,Gao,,9,3\ncamp,Abala,,7,7\n"
          "remove_forced_redirection,Menaka,Abala,12,0\n")
    f = read_flee_folder(folder)
    gao = [c for c in f.closures if c.a == "Gao"]
    assert [(c.type, c.start, c.end) for c in gao] == [("location", 9, -1)]
    assert not any(c.a == "Abala" for c in f.closures)
    assert ("remove_forced_redirection", "Menaka", 12) in {(c.type, c.a, c.start) for c in f.closures}
    warned = {(w.line, w.path): w.message for w in f.warnings}
    lines = closures.read_text().splitlines()
    assert "Flee reopens before anything is closed, so the closure never ends; read as -1" in warned[
        (lines.index("location,Gao,,9,3") + 1, "closure_end")]
    assert "closes and reopens on day 7: no effect, as in Flee; ignored" in warned[
        (lines.index("camp,Abala,,7,7") + 1, "closure_end")]
    assert len(f.warnings) == 2
    _edit(closures, lambda t: t + "camp,Abalaa,,7,7\n")  # still checked, though it is ignored
    assert any("name1: unknown location 'Abalaa'" in m for m in _problems(folder))


def test_missing_registration_corrections_mean_none_as_in_flee(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "input_csv" / "registration_corrections.csv").unlink()
    f = read_flee_folder(folder)
    assert f.corrections == []
    assert [(w.path, w.message) for w in f.warnings] == [
        ("(file)", "no registration_corrections.csv: no corrections, as in Flee")]


def test_registration_correction_on_a_date_without_data(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    corrections = folder / "input_csv" / "registration_corrections.csv"
    _edit(corrections, lambda t: t + "Mentao,2012-05-01,normalize\nMentaoo,2012-05-18\n")
    msgs = _problems(folder)
    assert any(f"registration_corrections.csv:{_line_of(corrections, '2012-05-01')}: date: "
               "2012-05-01 is not one of the data dates of 'Mentao' (bf-mentao.csv)" in m
               for m in msgs)
    assert any("camp: 'Mentaoo' has no row in source_data/data_layout.csv; did you mean 'Mentao'?"
               in m for m in msgs)


def test_too_few_conflict_rows(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder / "input_csv" / "sim_period.csv", lambda t: t.replace("Length,60", "Length,90"))
    assert "conflicts.csv: (file): found 60 day rows; the run needs 90" in _problems(folder)[0]


def test_bad_settings_yaml(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder / "simsetting.yml", lambda t: t.replace("move_rules:", "move_rules: [", 1))
    assert "simsetting.yml" in _problems(folder)[0] and "YAML syntax error" in _problems(folder)[0]
