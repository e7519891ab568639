"""Bad scenario files give one clear, located message each; good ones load with defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.loading import load_scenario
from sim.scenario.claims import scenario_files
from sim.scenario.errors import ScenarioError

GOOD = """\
name: tiny
start_date: 2024-01-01
days: 10
world:
  states:
    - {id: XAR}
    - {id: XBM}
  locations:
    - {id: home, state: XAR, population: 1000, lat: 1, lon: 1}
    - {id: camp, state: XBM, kind: camp, lat: 0, lon: 1}
  routes:
    - {from: home, to: camp, km: 80}
events:
  - {day: 0, type: conflict, locations: [home], intensity: 0.5}
"""

ROOT = Path(__file__).resolve().parents[2]


def problems(tmp_path: Path, text: str, name: str = "bad.yaml") -> list[str]:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return [str(p) for p in info.value.problems]


def test_good_scenario_loads_with_defaults(tmp_path: Path) -> None:
    path = tmp_path / "good.yaml"
    path.write_text(GOOD)
    s = load_scenario(path)
    assert s.seed == 0
    assert s.parameters.movement.awareness == 1
    assert s.world.locations[1].capacity is None


@pytest.mark.parametrize(
    ("old", "new", "expect"),
    [
        # 1 misspelt top-level key, with a suggestion and its line
        ("days: 10", "dayz: 10", ["bad.yaml:3:1: dayz: unknown field 'dayz'", "did you mean 'days'?"]),
        # a seed past what every replicate's seed (seed, seed + 1, ...) can be as a 64-bit integer
        ("days: 10", "days: 10\nseed: 4611686018427387905",
         ["bad.yaml:4", "seed", "less than or equal to 4611686018427387904"]),
        # 2 misspelt event type
        ("type: conflict", "type: conflikt",
         ["bad.yaml:14", "events[0].type", "found type 'conflikt'", "did you mean 'conflict'?"]),
        # 3 unknown location id in an event
        ("locations: [home]", "locations: [hom]",
         ["bad.yaml:14", "events[0].locations", "unknown location 'hom'", "did you mean 'home'?"]),
        # 4 route to a location that does not exist
        ("to: camp, km: 80", "to: cmap, km: 80",
         ["bad.yaml:12", "world.routes[0].to", "unknown location 'cmap'", "did you mean 'camp'?"]),
        # 5 location in an unknown state
        ("state: XBM, kind", "state: XBN, kind",
         ["bad.yaml:10", "world.locations[1].state", "unknown state 'XBN'", "did you mean 'XBM'?"]),
        # 6 bad location kind
        ("kind: camp", "kind: kamp",
         ["bad.yaml:10", "world.locations[1].kind", "found 'kamp'", "did you mean 'camp'?"]),
        # 7 intensity out of range
        ("intensity: 0.5", "intensity: 1.5",
         ["bad.yaml:14", "events[0].intensity", "found 1.5", "less than or equal to 1"]),
        # 8 event after the end of the run
        ("day: 0, type", "day: 12, type", ["bad.yaml:14", "events[0].day", "outside the run (days 0..9)"]),
        # 9 bad date
        ("start_date: 2024-01-01", "start_date: 2024-13-01", ["bad.yaml:2", "start_date"]),
        # 10 negative distance
        ("km: 80", "km: -80", ["bad.yaml:12", "world.routes[0].km", "greater than 0"]),
        # 11 misspelt field inside a location, listing what is allowed
        ("population: 1000", "popluation: 1000",
         ["bad.yaml:9", "world.locations[0].popluation", "did you mean 'population'?"]),
        # 12 duplicate location id
        ("  routes:", "    - {id: home, state: XBM, lat: 0, lon: 2}\n  routes:",
         ["bad.yaml:11", "world.locations[2].id", "duplicate location id 'home'"]),
        # 13 managed border without capacity
        ("  - {day: 0, type: conflict, locations: [home], intensity: 0.5}",
         "  - {day: 0, type: conflict, locations: [home], intensity: 0.5}\n"
         "  - {day: 1, type: border, state: XBM, policy: managed}",
         ["bad.yaml:15", "events[1]", "'capacity' is required with policy 'managed'"]),
        # 14 misspelt policy value
        ("  - {day: 0, type: conflict, locations: [home], intensity: 0.5}",
         "  - {day: 0, type: conflict, locations: [home], intensity: 0.5}\n"
         "  - {day: 1, type: border, state: XBM, policy: closd}",
         ["bad.yaml:15", "events[1].policy", "found 'closd'", "did you mean 'closed'?"]),
        # 15 missing required field
        ("name: tiny\n", "", ["bad.yaml", "missing required field 'name'"]),
    ],
)
def test_bad_scenario_message(tmp_path: Path, old: str, new: str, expect: list[str]) -> None:
    assert old in GOOD
    found = problems(tmp_path, GOOD.replace(old, new, 1))
    assert len(found) == 1, found
    for fragment in expect:
        assert fragment in found[0], (fragment, found[0])


def test_yaml_syntax_error_names_line(tmp_path: Path) -> None:
    [msg] = problems(tmp_path, GOOD.replace("days: 10", "days: [10"))
    assert "bad.yaml:" in msg and "YAML syntax error" in msg


def test_every_problem_is_reported(tmp_path: Path) -> None:
    text = GOOD.replace("days: 10", "dayz: 10").replace("kind: camp", "kind: kamp")
    assert len(problems(tmp_path, text)) == 2  # dayz unknown (folded with days missing), kind invalid


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="cannot read file"):
        load_scenario(tmp_path / "missing.yaml")


def test_csv_locations_errors_name_the_csv_row(tmp_path: Path) -> None:
    (tmp_path / "locs.csv").write_text("id,state,population,lat,lon\nhome,XAR,1000,1,1\n"
                                       "camp,XBM,lots,0,1\n")
    text = GOOD.replace(
        "  locations:\n    - {id: home, state: XAR, population: 1000, lat: 1, lon: 1}\n"
        "    - {id: camp, state: XBM, kind: camp, lat: 0, lon: 1}\n",
        "  locations_csv: locs.csv\n")
    [msg] = problems(tmp_path, text)
    assert "locs.csv:3" in msg and "world.locations[1].population" in msg and "'lots'" in msg


def test_a_csv_row_longer_than_its_header_is_refused_unless_the_extra_cells_are_empty(
        tmp_path: Path) -> None:
    (tmp_path / "locs.csv").write_text("id,state,population,lat,lon\nhome,XAR,1000,1,1,,\n"
                                       "camp,XBM,0,0,1,camp\n")
    text = GOOD.replace(
        "  locations:\n    - {id: home, state: XAR, population: 1000, lat: 1, lon: 1}\n"
        "    - {id: camp, state: XBM, kind: camp, lat: 0, lon: 1}\n",
        "  locations_csv: locs.csv\n")
    [msg] = problems(tmp_path, text)
    assert "locs.csv:3" in msg and "1 more cell(s) than the header (camp)" in msg
    (tmp_path / "timeline.csv").write_text("day,location,intensity,\n3,home,1,\n")  # trailing commas
    path = tmp_path / "s.yaml"
    path.write_text(GOOD + "conflicts_csv: timeline.csv\n")
    assert [e.day for e in load_scenario(path).events] == [0, 3]


def test_a_conflicts_csv_adds_a_conflict_event_per_row(tmp_path: Path) -> None:
    (tmp_path / "timeline.csv").write_text("day,location,intensity\n3,home,1\n7,home,0\n")
    path = tmp_path / "s.yaml"
    path.write_text(GOOD + "conflicts_csv: timeline.csv\n")
    events = load_scenario(path).events
    assert [(e.day, e.type, e.locations, e.intensity) for e in events] == [
        (0, "conflict", ["home"], 0.5), (3, "conflict", ["home"], 1.0), (7, "conflict", ["home"], 0.0)]
    assert "conflicts_csv" not in load_scenario(path).resolved()


@pytest.mark.parametrize(("csv_text", "expect"), [
    ("day,location,intensity\n3,home,1\n7,hom,0\n", ["timeline.csv:3", "unknown location 'hom'"]),
    ("day,location,intensity\n3,home,2\n", ["timeline.csv:2", "less than or equal to 1"]),
    ("day,place\n3,home\n", ["timeline.csv:1", "missing column(s) location, intensity"]),
])
def test_conflicts_csv_errors_name_the_csv_row(tmp_path: Path, csv_text: str, expect: list[str]) -> None:
    (tmp_path / "timeline.csv").write_text(csv_text)
    [msg] = problems(tmp_path, GOOD + "conflicts_csv: timeline.csv\n")
    assert all(e in msg for e in expect), msg


def test_an_override_of_a_rule_parameter_without_its_prefix_names_the_right_path(tmp_path: Path) -> None:
    path = tmp_path / "good.yaml"
    path.write_text(GOOD)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, ["movement.awareness=2"])
    assert "rule parameters are under 'parameters' (parameters.movement.awareness=2)" in str(info.value)


def test_a_days_override_is_a_run_length_that_leaves_out_the_events_after_it(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(GOOD + "  - {day: 8, type: conflict, locations: [home], intensity: 1}\n"
                           "  - {day: 3, type: conflict, locations: [hom], intensity: 1}\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, ["days=5"])
    [problem] = info.value.problems  # the event on day 8 is left out, not refused ...
    assert (problem.line, problem.path) == (16, "events[2].locations")  # ... and the file's lines hold
    path.write_text(path.read_text().replace("[hom]", "[home]"))
    shortened = load_scenario(path, ["days=5"])
    assert (shortened.days, [e.day for e in shortened.events]) == (5, [0, 3])
    assert [e.day for e in load_scenario(path).events] == [0, 8, 3]


def test_overrides_apply_and_are_validated(tmp_path: Path) -> None:
    path = tmp_path / "good.yaml"
    path.write_text(GOOD)
    s = load_scenario(path, ["parameters.movement.awareness=2", "seed=5"])
    assert (s.parameters.movement.awareness, s.seed) == (2, 5)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, ["parameters.movement.awareness=9"])
    assert "--set parameters.movement.awareness=9" in str(info.value)
    with pytest.raises(ScenarioError, match="did you mean 'awareness'"):
        load_scenario(path, ["parameters.movement.awarenes=2"])


@pytest.mark.parametrize("path", scenario_files(ROOT / "scenarios"),
                         ids=lambda p: p.relative_to(ROOT).as_posix())
def test_shipped_scenarios_are_valid(path: Path) -> None:
    load_scenario(path)
