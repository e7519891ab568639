"""Property: any scenario data is either refused with located problems, or runs and conserves people.

Generated inputs: mutations of shipped scenarios (values of other types, deleted keys, extreme
numbers including inf, nan and huge integers, random strings), small random worlds, and random
edits of the toy scenario's YAML text. For each, loading either raises a ScenarioError whose
every problem names a file and a field path, or gives a scenario whose short run (at most 5 days)
keeps the number of people constant every day, in the model and in the stocks table.
Examples are derandomised, so every run of the suite checks the same ones.
"""

from __future__ import annotations

import copy
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.loading import load_scenario, load_scenario_text
from sim.scenario import Scenario, parse_scenario
from sim.scenario.errors import ScenarioError, SourceMap
from tests.conftest import run_conserving

ROOT = Path(__file__).resolve().parents[2]
BASE_FILES = ["toy.yaml", "mechanisms/evacuation.yaml", "mechanisms/burden-sharing.yaml",
              "mechanisms/negotiations.yaml", "mechanisms/intervention.yaml", "mechanisms/aid.yaml"]
BASES = [load_scenario(ROOT / "scenarios" / name).resolved() for name in BASE_FILES]
TOY_TEXT = (ROOT / "scenarios" / "toy.yaml").read_text(encoding="utf-8")
EMPTY_DIR = Path(tempfile.mkdtemp(prefix="allysim-properties-"))  # no file a scenario could name
DAYS = 5

PROPERTY = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much])

EXTREMES = [0, -1, 1, 0.5, 1e-300, 5e-324, 1e300, 1.7976931348623157e308, float("inf"), float("-inf"),
            float("nan"), 2**50 + 1, 2**53 + 1, 2**63 - 1, 2**63, 2**64, 10**30, -(2**63), 10**12,
            10**12 + 1, 10**17, 36500, 36501, 0.99, 0.01, 1e6, 1e6 + 1, 100, 101, 1e-3, 1e5]
numbers = st.one_of(st.sampled_from(EXTREMES), st.integers(-(2**70), 2**70),
                    st.floats(allow_nan=True, allow_infinity=True), st.floats(0, 1))
scalars = st.one_of(numbers, st.text(max_size=20), st.booleans(), st.none(),
                    st.sampled_from(["2024-02-30", "9999-12-31", "0001-01-01", "open", "camp",
                                     "../../etc/passwd", "/etc/passwd", "XAR", "northtown"]))
plausible = st.one_of(st.floats(0, 1), st.integers(0, 1000), st.floats(1, 100))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=6)


def check(data: Any, load: Any = None) -> None:
    """The property, for scenario data (or for whatever ``load`` reads)."""
    try:
        scenario = load() if load is not None else parse_scenario(data, SourceMap("<generated>", data),
                                                                  EMPTY_DIR)
    except ScenarioError as exc:
        assert exc.problems
        for p in exc.problems:
            assert p.file and p.path and p.message, p
        return
    conserves(scenario)


def conserves(scenario: Scenario) -> None:
    start, per_day = run_conserving(scenario, DAYS)
    assert len(per_day) == min(DAYS, scenario.days) or start == 0


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


def _parent(data: Any, path: tuple) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data


@st.composite
def mutated_scenarios(draw: st.DrawFn) -> dict[str, Any]:
    data = copy.deepcopy(draw(st.sampled_from(BASES)))
    tame = draw(st.booleans())  # half the examples only change numbers, within reason
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(data)
        if tame:
            paths = [p for p in paths if isinstance(_parent(data, p)[p[-1]], int | float)
                     and not isinstance(_parent(data, p)[p[-1]], bool)]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = _parent(data, path)
        if tame:
            parent[path[-1]] = draw(plausible)  # mostly runs
            continue
        action = draw(st.sampled_from(["replace", "number", "delete"]))
        if action == "delete":
            del parent[path[-1]]
        elif action == "number":
            parent[path[-1]] = draw(numbers)
        else:
            parent[path[-1]] = draw(values)
    return data


@st.composite
def small_worlds(draw: st.DrawFn) -> dict[str, Any]:
    wild = draw(st.integers(0, 3)) == 0  # a quarter of the worlds take extreme values anywhere
    n_states = draw(st.integers(1, 3))
    states = [{"id": f"S{i}"} for i in range(n_states)]
    n = draw(st.integers(1, 6))
    people = st.one_of(st.integers(0, 10**6), st.sampled_from([0, 10**12, 10**12 + 1, 2**63, -1])) \
        if wild else st.integers(0, 10**6)
    locations = []
    for i in range(n):
        loc = {"id": f"L{i}", "state": f"S{draw(st.integers(0, n_states - 1))}",
               "kind": draw(st.sampled_from(["town", "conflict_zone", "camp", "idp_camp",
                                             "border_crossing", "hub"])),
               "population": draw(people), "lat": draw(st.floats(-90, 90)), "lon": draw(st.floats(-180, 180))}
        if draw(st.booleans()):
            loc["capacity"] = draw(people)
        if draw(st.booleans()):
            loc["conflict"] = draw(st.one_of(st.floats(0, 1), numbers) if wild else st.floats(0, 1))
        locations.append(loc)
    km = st.one_of(st.floats(1e-3, 1e5), numbers) if wild else st.floats(1, 500)
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=8))
    if draw(st.integers(0, 4)):  # mostly a valid road network: no loops, no pair twice
        pairs = list(dict.fromkeys((min(a, b), max(a, b)) for a, b in pairs if a != b))
    routes = [{"from": f"L{a}", "to": f"L{b}", "km": draw(km)} for a, b in pairs]
    events = [{"day": draw(st.integers(0, DAYS)), "type": "conflict", "locations": [f"L{i}"],
               "intensity": draw(st.floats(0, 1))}
              for i in draw(st.lists(st.integers(0, n - 1), max_size=3))]
    movement = draw(st.dictionaries(st.sampled_from(
        ["camp_weight", "foreign_weight", "aid_weight", "alliance_weight", "softening", "distance_power",
         "weight_power", "capacity_buffer", "capacity_scaling", "max_move_speed", "max_walk_speed",
         "awareness", "conflict_weight"]), st.one_of(numbers, plausible) if wild else st.floats(0.1, 0.9),
        max_size=4))
    displacement = draw(st.dictionaries(st.sampled_from(["flee_rate", "intensity_power"]),
                                        st.one_of(numbers, st.floats(0, 1)) if wild else st.floats(0.1, 1),
                                        max_size=2))
    start = draw(st.sampled_from(["2024-01-01", "8999-12-20", "1900-02-28"]))
    return {"name": "generated", "start_date": start,
            "days": draw(st.sampled_from([1, 5, 30, 36500])), "seed": draw(st.integers(0, 2**64)),
            "world": {"states": states, "locations": locations, "routes": routes},
            "events": events,
            "parameters": {"movement": movement, "displacement": displacement,
                           "returns": {"enabled": draw(st.booleans()), "safe_days": draw(st.integers(0, 3))}}}


YAML_BITS = ["[", "]", "{", "}", ":", ": ", "- ", "\n", "\n  ", "#", "&a ", "*a", "!!int ", "!x ", "'", '"',
             "|", ">", "<<: ", ".inf", ".nan", "1e309", "9" * 25, "\t", "\x00", "\u2028", "é", "~", "%"]


@st.composite
def edited_toy_texts(draw: st.DrawFn) -> str:
    text = TOY_TEXT
    for _ in range(draw(st.integers(1, 4))):
        pos = draw(st.integers(0, len(text)))
        cut = draw(st.integers(0, 12))
        insert = "".join(draw(st.lists(st.one_of(st.sampled_from(YAML_BITS), st.text(max_size=3)),
                                       max_size=4)))
        text = text[:pos] + insert + text[pos + cut:]
    return text


@PROPERTY
@given(mutated_scenarios())
def test_mutated_scenarios_are_refused_with_locations_or_run_and_conserve(data: dict[str, Any]) -> None:
    check(data)


@PROPERTY
@given(small_worlds())
def test_small_random_worlds_are_refused_with_locations_or_run_and_conserve(data: dict[str, Any]) -> None:
    check(data)


@PROPERTY
@given(edited_toy_texts())
def test_edited_yaml_texts_are_refused_with_locations_or_run_and_conserve(text: str) -> None:
    check(None, lambda: load_scenario_text(text, "toy.yaml", base_dir=EMPTY_DIR))
