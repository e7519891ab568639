"""Hostile or broken scenario input ends in a located ScenarioError, quickly, or in a run that
conserves people; files outside the scenario's folder are never read unless allowed."""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from sim.loading import load_scenario, load_scenario_text
from sim.model import DisplacementModel
from sim.scenario import Scenario, cross_references, parse_scenario
from sim.scenario.errors import MAX_SHOWN, ScenarioError, SourceMap
from tests.conftest import run_conserving

ROOT = Path(__file__).resolve().parents[2]
TOY = (ROOT / "scenarios" / "toy.yaml").read_text(encoding="utf-8")
SECRET = "SECRET-CONTENT-7d1e"

WORLD_WITH_CSV = """\
name: csvworld
start_date: 2024-01-01
days: 10
world:
  states: [{id: XAR}, {id: XBM}]
  locations_csv: places.csv
  routes:
    - {from: home, to: camp, km: 80}
events:
  - {day: 0, type: conflict, locations: [home], intensity: 0.5}
"""
PLACES = "id,state,kind,population,lat,lon\nhome,XAR,town,1000,1,1\ncamp,XBM,camp,,0,1\n"


def refused(path_or_text: Path | str, tmp_path: Path | None = None, **kwargs: Any) -> ScenarioError:
    """The ScenarioError loading gives; every problem names a file and a field path."""
    with pytest.raises(ScenarioError) as info:
        if isinstance(path_or_text, Path):
            load_scenario(path_or_text, **kwargs)
        else:
            load_scenario_text(path_or_text, "scenario.yaml", base_dir=tmp_path, **kwargs)
    problems = info.value.problems
    assert problems
    for p in problems:
        assert p.file and p.path and p.message, p
    return info.value


def toy_with(extra: str = "", **replace: str) -> str:
    text = TOY
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new, 1)
    return text + extra


def run_conserves(scenario: Scenario, days: int = 5) -> int:
    return run_conserving(scenario, days)[0]


# -- reading files ----------------------------------------------------------------------------


def write_world(tmp_path: Path, places: bytes | str = PLACES) -> Path:
    (tmp_path / "places.csv").write_bytes(places.encode() if isinstance(places, str) else places)
    path = tmp_path / "world.yaml"
    path.write_text(WORLD_WITH_CSV)
    return path


def test_the_csv_world_loads(tmp_path: Path) -> None:
    assert run_conserves(load_scenario(write_world(tmp_path))) == 1000


def test_non_utf8_bytes_in_a_csv_are_a_located_problem(tmp_path: Path) -> None:
    path = write_world(tmp_path, PLACES.encode().replace(b"home,XAR", b"h\xffme,XAR", 1))
    [p] = refused(path).problems
    assert p.file.endswith("places.csv") and p.line == 2 and "UTF-8" in p.message


@pytest.mark.parametrize("size", [10_001, 131_073, 1_000_000])
def test_an_oversized_csv_cell_is_refused(tmp_path: Path, size: int) -> None:
    path = write_world(tmp_path, PLACES.replace("home,XAR,town", f"home,XAR,{'x' * size}", 1))
    [p] = refused(path).problems
    assert p.file.endswith("places.csv") and p.line == 2 and "10,000 characters" in p.message


def test_thousands_of_bad_rows_give_a_short_message_and_keep_every_problem(tmp_path: Path) -> None:
    bad_rows = "".join(f"x{i},XAR,town,many,0,1\n" for i in range(3000))
    error = refused(write_world(tmp_path, PLACES + bad_rows))
    assert len(error.problems) >= 3000
    lines = str(error).splitlines()
    assert len(lines) == 1 + MAX_SHOWN + 1
    assert lines[0] == f"{len(error.problems):,} problems in scenario:"
    assert lines[-1].startswith(f"  ... and {len(error.problems) - MAX_SHOWN:,} more")
    assert lines[1].startswith(f"  {error.problems[0].file}:")


def test_a_csv_with_an_unclosed_quote_is_a_located_problem(tmp_path: Path) -> None:
    path = write_world(tmp_path, PLACES + '"camp2,XBM,camp,,0,2\n' + "z" * 200_000)
    [p] = refused(path).problems
    assert p.file.endswith("places.csv")


def test_a_file_that_is_not_regular_is_refused(tmp_path: Path) -> None:
    text = WORLD_WITH_CSV.replace("places.csv", "sub")
    (tmp_path / "sub").mkdir()
    [p] = refused(text, tmp_path).problems
    assert "not a regular file" in p.message


def test_a_scenario_file_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(TOY + "#" * (6 * 1024 * 1024))
    [p] = refused(path).problems
    assert "at most" in p.message


# -- YAML ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("nested", ["[" * 1000 + "]" * 1000, "{a: " * 1000 + "1" + "}" * 1000])
def test_deeply_nested_yaml_is_a_located_problem(tmp_path: Path, nested: str) -> None:
    [p] = refused(toy_with(f"x: {nested}\n"), tmp_path).problems
    assert p.line is not None and "64 levels" in p.message


def test_nesting_through_aliases_counts_too(tmp_path: Path) -> None:
    chain = "\n".join(["a0: &a0 [1]"] + [f"a{i}: &a{i} [*a{i - 1}]" for i in range(1, 100)])
    [p] = refused(chain + "\n" + TOY, tmp_path).problems
    assert "64 levels" in p.message


def test_a_bad_value_in_a_yaml_constructor_is_a_located_problem(tmp_path: Path) -> None:
    [p] = refused(toy_with(**{"days: 120": 'days: !!int "0x_"'}), tmp_path).problems
    assert p.line == 7 and "0x_" in p.message


def test_an_alias_bomb_is_refused_at_once(tmp_path: Path) -> None:
    bomb = ["lol: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    bomb += [f"l{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    text = "\n".join(bomb) + "\n" + toy_with(**{"\ndescription:": "\ndescription: *a8\nx:"})
    assert len("\n".join(bomb)) < 2500
    started = time.monotonic()
    [p] = refused(text, tmp_path).problems
    assert time.monotonic() - started < 5
    assert p.line is not None and "aliases" in p.message


def test_a_recursive_alias_is_refused(tmp_path: Path) -> None:
    [p] = refused("x: &r [1, *r]\n" + TOY, tmp_path).problems
    assert "alias" in p.message


def test_aliases_and_merge_keys_of_modest_size_work(tmp_path: Path) -> None:
    text = toy_with(**{"    - {id: XAR, name: Aralia, border: {policy: open}}":
                       "    - {id: XAR, name: Aralia, border: &open {policy: open}}",
                       "    - {id: XBM, name: Belmonte, border: {policy: open}}":
                       "    - {id: XBM, name: Belmonte, border: *open}",
                       "    - {id: XCV, name: Carvia, border: {policy: open}}":
                       "    - {id: XCV, name: Carvia, border: {<<: *open}}"})
    s = load_scenario_text(text, "toy.yaml", base_dir=tmp_path)
    assert [st.border.policy for st in s.world.states] == ["open"] * 3


@pytest.mark.parametrize("tag", ["!foo bar", "!!binary aGVsbG8=", "!!python/name:os.system", "!!set {a}"])
def test_custom_tags_are_refused(tmp_path: Path, tag: str) -> None:
    [p] = refused(toy_with(**{"seed: 7": f"seed: {tag}"}), tmp_path).problems
    assert p.line == 8 and "tag" in p.message


def test_an_override_that_is_not_yaml_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "toy.yaml"
    path.write_text(TOY)
    [p] = refused(path, overrides=["days=[1"]).problems
    assert p.file == "--set days=[1" and p.path == "days"


@pytest.mark.parametrize("item", ["parameters.displacment.flee_rate=0.1", "parameters.movement.awarenes=2",
                                  "wrld.states=[]"])
def test_a_misspelt_override_path_is_blamed_on_the_set_argument(tmp_path: Path, item: str) -> None:
    path = tmp_path / "toy.yaml"
    path.write_text(TOY)
    [p] = refused(path, overrides=[item]).problems
    assert p.file == f"--set {item}" and "unknown field" in p.message


# -- values the model cannot run with ----------------------------------------------------------


@pytest.mark.parametrize("field", ["camp_weight", "aid_weight", "foreign_weight", "alliance_weight",
                                   "weight_power", "distance_power", "max_move_speed", "max_walk_speed",
                                   "softening", "capacity_scaling", "recognition_weight"])
@pytest.mark.parametrize("value", [".inf", ".nan"])
def test_infinite_or_nan_parameters_are_refused(tmp_path: Path, field: str, value: str) -> None:
    [p] = refused(toy_with(f"parameters: {{movement: {{{field}: {value}}}}}\n"), tmp_path).problems
    assert p.path == f"parameters.movement.{field}" and p.line == 38


@pytest.mark.parametrize(("field", "value"), [("camp_weight", "1e7"), ("weight_power", "101"),
                                              ("max_move_speed", "1e6"), ("distance_power", "1e3"),
                                              ("max_walk_speed", "1e-9")])
def test_huge_or_tiny_parameters_are_refused(tmp_path: Path, field: str, value: str) -> None:
    [p] = refused(toy_with(f"parameters: {{movement: {{{field}: {value}}}}}\n"), tmp_path).problems
    assert p.path == f"parameters.movement.{field}"


def test_route_weights_that_would_overflow_are_refused(tmp_path: Path) -> None:
    extra = "parameters: {movement: {softening: 0, distance_power: 100, weight_power: 100}}\n"
    text = toy_with(extra, **{"to: southcamp, km: 45}": "to: southcamp, km: 0.01}"})
    [p] = refused(text, tmp_path).problems
    assert p.path == "parameters.movement.weight_power" and "route weights" in p.message


@pytest.mark.parametrize("value", ["1e-300", "0", "1", "0.999"])
def test_capacity_buffer_is_kept_well_conditioned(tmp_path: Path, value: str) -> None:
    [p] = refused(toy_with(f"parameters: {{movement: {{capacity_buffer: {value}}}}}\n"), tmp_path).problems
    assert p.path == "parameters.movement.capacity_buffer"


@pytest.mark.parametrize("field", ["population", "capacity"])
@pytest.mark.parametrize("value", [2**63, 2**64, 10**17, 10**12 + 1])
def test_populations_and_capacities_beyond_the_limit_are_refused(tmp_path: Path, field: str,
                                                                 value: int) -> None:
    text = toy_with(**{"kind: town, population: 60000": f"kind: town, population: 60000, {field}: {value}"})
    text = text.replace("population: 60000, population", "population")
    [p] = refused(text, tmp_path).problems
    assert p.path == f"world.locations[0].{field}" and p.line == 15


def big_world(n: int, start_date: str = "2024-01-01") -> dict[str, Any]:
    """n places of 10^12 people each, in a line, half of them in each of two states, all in conflict."""
    return {"name": "big", "start_date": start_date, "days": 5,
            "world": {"states": [{"id": "XAR"}, {"id": "XBM"}],
                      "locations": [{"id": f"l{i}", "state": "XAR" if i % 2 else "XBM",
                                     "population": 10**12, "lat": 0, "lon": i / 100, "conflict": 1}
                                    for i in range(n)],
                      "routes": [{"from": f"l{i}", "to": f"l{i + 1}", "km": 50} for i in range(n - 1)]},
            "parameters": {"displacement": {"flee_rate": 0.5}}}


def test_a_world_over_2_to_the_50_people_is_refused() -> None:
    data = big_world(1200)
    with pytest.raises(ScenarioError) as info:
        parse_scenario(data, SourceMap("big.yaml", data))
    [p] = info.value.problems
    assert p.path == "world.locations" and "2^50" in p.message


def test_a_world_at_the_limits_runs_and_conserves_people_exactly() -> None:
    # 1,100 places of 10^12 people (1.1e15 < 2^50), its last day 8999-12-31: the daily sums stay exact.
    data = big_world(1100, start_date="8999-12-27")
    assert run_conserves(parse_scenario(data, SourceMap("big.yaml", data))) == 1100 * 10**12


def test_a_population_near_1e17_is_refused_not_run_unconserved(tmp_path: Path) -> None:
    text = toy_with(**{"population: 60000": "population: 100000000000000000"})
    [p] = refused(text, tmp_path).problems
    assert p.path == "world.locations[0].population"


def test_a_run_past_the_year_9000_is_refused(tmp_path: Path) -> None:
    [p] = refused(toy_with(**{"2024-03-01": "9999-12-01"}), tmp_path).problems
    assert p.path == "start_date" and p.line == 6 and "9000" in p.message


@pytest.mark.parametrize("value", [".inf", ".nan", "0", "1e7"])
def test_economy_must_be_finite_and_positive(tmp_path: Path, value: str) -> None:
    text = toy_with(**{"{id: XAR, name: Aralia,": f"{{id: XAR, economy: {value}, name: Aralia,"})
    [p] = refused(text, tmp_path).problems
    assert p.path == "world.states[0].economy"


@pytest.mark.parametrize(("extra", "path"), [
    ("  - {day: 5, type: relocation, from: XAR, to: XBM, people: 9223372036854775808}\n", "events[5].people"),
    ("  - {day: 5, type: border, state: XBM, policy: managed, capacity: 1.0e+300}\n", "events[5].capacity"),
])
def test_event_counts_beyond_the_limit_are_refused(tmp_path: Path, extra: str, path: str) -> None:
    [p] = refused(toy_with(extra), tmp_path).problems
    assert p.path == path


# -- files outside the scenario's folder ---------------------------------------------------------


def scenario_beside(tmp_path: Path, value: str, key: str = "locations_csv") -> Path:
    folder = tmp_path / "a" / "b"
    folder.mkdir(parents=True)
    (tmp_path / "secret.csv").write_text(f"id,state,lat,lon\nhome,{SECRET},1,1\n")
    path = folder / "world.yaml"
    path.write_text(WORLD_WITH_CSV.replace("locations_csv: places.csv", f"{key}: {value}"))
    return path


@pytest.mark.parametrize("value", ["../../secret.csv", "../../../../../../etc/passwd", "/etc/passwd",
                                   "sub/../../../secret.csv"])
def test_a_csv_outside_the_folder_is_refused_without_reading_it(tmp_path: Path, value: str) -> None:
    error = refused(scenario_beside(tmp_path, value))
    [p] = error.problems
    assert p.path == "world.locations_csv" and value in p.message and "outside" in p.message
    assert SECRET not in str(error) and "root:" not in str(error)


def test_an_absolute_path_inside_the_folder_is_read(tmp_path: Path) -> None:
    path = write_world(tmp_path)
    path.write_text(WORLD_WITH_CSV.replace("places.csv", str(tmp_path / "places.csv")))
    assert load_scenario(path).world.locations[0].id == "home"


def test_a_symlink_pointing_outside_is_refused(tmp_path: Path) -> None:
    path = scenario_beside(tmp_path, "places.csv")
    (path.parent / "places.csv").symlink_to(tmp_path / "secret.csv")
    error = refused(path)
    assert error.problems[0].path == "world.locations_csv" and SECRET not in str(error)


def test_a_symlinked_folder_pointing_outside_is_refused(tmp_path: Path) -> None:
    path = scenario_beside(tmp_path, "data/secret.csv")
    (path.parent / "data").symlink_to(tmp_path)
    error = refused(path)
    assert error.problems[0].path == "world.locations_csv" and SECRET not in str(error)


@pytest.mark.parametrize("key", ["observed.csv", "observed.total_csv"])
def test_observed_files_outside_the_folder_are_refused(tmp_path: Path, key: str) -> None:
    path = scenario_beside(tmp_path, "places.csv")
    (path.parent / "places.csv").write_text(PLACES)
    section, field = key.split(".")
    path.write_text(path.read_text() + f"{section}:\n  {field}: ../../secret.csv\n")
    error = refused(path)
    assert [p.path for p in error.problems] == [key] and SECRET not in str(error)


def test_outside_files_are_read_when_the_caller_allows_it(tmp_path: Path) -> None:
    path = scenario_beside(tmp_path, "../../places.csv")
    (tmp_path / "places.csv").write_text(PLACES)
    refused(path)
    assert load_scenario(path, allow_outside=True).world.locations[0].id == "home"
    text = path.read_text()
    s = load_scenario_text(text, "world.yaml", base_dir=path.parent, allow_outside=True)
    assert [loc.id for loc in s.world.locations] == ["home", "camp"]


def test_an_outside_file_quoted_in_errors_only_when_allowed(tmp_path: Path) -> None:
    path = scenario_beside(tmp_path, "../../secret.csv")
    assert SECRET not in str(refused(path))
    assert SECRET in str(refused(path, allow_outside=True))  # read, as the caller asked


FLEE = ROOT / "tests" / "fixtures" / "flee" / "mali_cut"


def flee_world(tmp_path: Path, folder: str) -> Path:
    path = tmp_path / "scenario" / "flee.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(f"name: mali-flee\nworld:\n  flee: {folder}\n")
    return path


def test_a_flee_folder_outside_the_scenario_folder_is_refused(tmp_path: Path) -> None:
    shutil.copytree(FLEE, tmp_path / "mali")
    path = flee_world(tmp_path, "../mali")
    [p] = refused(path).problems
    assert p.path == "world.flee" and "outside" in p.message
    assert load_scenario(path, allow_outside=True).world.locations


def test_a_flee_folder_file_linking_outside_is_refused(tmp_path: Path) -> None:
    path = flee_world(tmp_path, "mali")
    shutil.copytree(FLEE, path.parent / "mali")
    shutil.copy(FLEE / "input_csv" / "routes.csv", tmp_path / "routes.csv")
    (path.parent / "mali" / "input_csv" / "routes.csv").unlink()
    (path.parent / "mali" / "input_csv" / "routes.csv").symlink_to(tmp_path / "routes.csv")
    [p] = refused(path).problems
    assert p.path == "world.flee" and "input_csv/routes.csv" in p.message
    assert load_scenario(path, allow_outside=True).world.routes


def test_a_flee_folder_inside_loads(tmp_path: Path) -> None:
    path = flee_world(tmp_path, "mali")
    shutil.copytree(FLEE, path.parent / "mali")
    run_conserves(load_scenario(path))


# -- cost --------------------------------------------------------------------------------------


def test_a_star_that_would_list_millions_of_journeys_is_refused_quickly() -> None:
    n = 3000
    data = {"name": "star", "start_date": "2024-01-01", "days": 5,
            "world": {"states": [{"id": "XAR"}],
                      "locations": [{"id": f"l{i}", "state": "XAR", "lat": 0, "lon": 0} for i in range(n)],
                      "routes": [{"from": "l0", "to": f"l{i}", "km": 10} for i in range(1, n)]},
            "parameters": {"movement": {"awareness": 2}}}
    started = time.monotonic()
    with pytest.raises(ScenarioError) as info:
        parse_scenario(data, SourceMap("star.yaml", data))
    assert time.monotonic() - started < 5
    [p] = info.value.problems
    assert p.path == "parameters.movement.awareness" and "journeys" in p.message


@pytest.mark.parametrize("awareness", [1, 2, 3, 4, 5])
def test_the_journey_bound_is_exact_on_a_tree(awareness: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a tree every walk that never turns straight back is a journey, so the bound counts
    exactly the journeys route choice lists: a limit of that many passes, one fewer is refused."""
    n = 40  # a binary tree: location i's parent is (i - 1) // 2
    data = {"name": "tree", "start_date": "2024-01-01", "days": 5,
            "world": {"states": [{"id": "XAR"}],
                      "locations": [{"id": f"l{i}", "state": "XAR", "lat": 0, "lon": i / 10}
                                    for i in range(n)],
                      "routes": [{"from": f"l{(i - 1) // 2}", "to": f"l{i}", "km": 10} for i in range(1, n)]},
            "parameters": {"movement": {"awareness": awareness}}}
    listed = len(DisplacementModel(parse_scenario(data, SourceMap("tree.yaml", data))).movement.paths.end)
    monkeypatch.setattr(cross_references, "MAX_JOURNEYS", listed)
    parse_scenario(data, SourceMap("tree.yaml", data))
    monkeypatch.setattr(cross_references, "MAX_JOURNEYS", listed - 1)
    with pytest.raises(ScenarioError, match=f"up to {listed:,} journeys"):
        parse_scenario(data, SourceMap("tree.yaml", data))


def slow_road(days: int, km: float, speed: float) -> dict:
    return {"name": "slow", "start_date": "2024-01-01", "days": days,
            "world": {"states": [{"id": "XAR"}, {"id": "XBM"}],
                      "locations": [{"id": "a", "state": "XAR", "population": 1000, "lat": 0, "lon": 0,
                                     "conflict": 1.0},
                                    {"id": "b", "state": "XBM", "lat": 0, "lon": 1}],
                      "routes": [{"from": "a", "to": "b", "km": km, "speed": speed}]}}


def test_a_journey_longer_than_the_run_costs_no_more_than_the_run() -> None:
    """100,000 km at a metre a day would take 10^8 days: travel is kept for the run's 30 only."""
    data = slow_road(30, 100_000, 0.001)
    spec = parse_scenario(data, SourceMap("slow.yaml", data))
    run_conserving(spec, 30)
    model = DisplacementModel(spec)
    assert len(model.movement.stops.node) < 10_000


def test_travel_that_would_need_too_many_steps_is_refused() -> None:
    """A century-long run on 200 roads that take centuries: 400 journeys x 36,500 days is too much."""
    data = slow_road(36_500, 100_000, 0.001)
    data["world"]["locations"] += [{"id": f"c{i}", "state": "XBM", "lat": 1, "lon": 1} for i in range(199)]
    data["world"]["routes"] += [{"from": "a", "to": f"c{i}", "km": 100_000, "speed": 0.001}
                                for i in range(199)]
    with pytest.raises(ScenarioError) as info:
        parse_scenario(data, SourceMap("slow.yaml", data))
    [p] = info.value.problems
    assert p.path == "world.routes" and "travel steps" in p.message


def test_an_alliance_member_listed_twice_is_refused(tmp_path: Path) -> None:
    alliances = "  alliances:\n    - {id: ALL, members: [XAR, XBM, XAR]}\n"
    text = toy_with(**{"  locations:\n": alliances + "  locations:\n"})
    [p] = refused(text, tmp_path).problems
    assert p.path == "world.alliances[0].members[2]" and "twice" in p.message


def test_duplicate_alliance_ids_are_refused(tmp_path: Path) -> None:
    alliances = "  alliances:\n    - {id: ALL, members: [XAR]}\n    - {id: ALL, members: [XBM]}\n"
    [p] = refused(toy_with(**{"  locations:\n": alliances + "  locations:\n"}), tmp_path).problems
    assert p.path == "world.alliances[1].id" and "duplicate" in p.message


# -- messages that say how to fix the input ---------------------------------------------------


@pytest.mark.parametrize(("replace", "where", "hint"), [
    ({"population: 60000": "population: 60,000"}, "world.locations[0]", "write 60000, not 60,000"),
    ({"days: ": "days: 1,200 #"}, "days", "write 60000, not 60,000"),
    ({"start_date: 2024-03": "start_date: 2024-13"}, "start_date", "write a date as YYYY-MM-DD"),
    ({"start_date: 2024-03-01": "start_date: 1/3/2024"}, "start_date", "write a date as YYYY-MM-DD"),
])
def test_thousands_separators_and_bad_dates_get_a_fix(tmp_path: Path, replace: dict[str, str], where: str,
                                                      hint: str) -> None:
    [problem] = refused(toy_with(**replace), tmp_path).problems
    assert problem.path.startswith(where) and problem.line and hint in problem.message


def test_a_yaml_syntax_error_gives_line_column_and_a_fix(tmp_path: Path) -> None:
    [problem] = refused("name: x\n  bad: [\n", tmp_path).problems
    assert (problem.line, problem.column) == (2, 6)
    assert "YAML syntax error" in problem.message and "check the indentation" in problem.message
