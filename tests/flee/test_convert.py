"""A Flee folder as an allysim scenario: states, locations, routes, events per closure type,
conflict onsets, observed counts, settings, the written files and ``world: {flee: path}``."""

from __future__ import annotations

import math
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from sim.flee.convert import flee_scenario, import_flee, load_flee_scenario
from sim.flee.folder import read_flee_folder
from sim.flee.settings import map_settings
from sim.loading import load_scenario
from sim.model import DisplacementModel
from sim.scenario import loading as scenario_loading
from sim.scenario.errors import ScenarioError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "flee"
MALI = FIXTURES / "mali_cut"
SSUDAN = FIXTURES / "ssudan_cut"


def _copy(tmp_path: Path, src: Path = MALI) -> Path:
    dst = tmp_path / src.name
    shutil.copytree(src, dst)
    return dst


def _edit(path: Path, change: Callable[[str], str]) -> None:
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")


def _data(folder: Path) -> dict:
    return flee_scenario(read_flee_folder(folder)).data


def test_world() -> None:
    data = _data(MALI)
    assert data["start_date"] == "2012-02-29" and data["days"] == 60
    assert data["world"]["states"] == [{"id": "MLI", "name": "Mali"},
                                       {"id": "BFA", "name": "Burkina Faso"},
                                       {"id": "NER", "name": "Niger"}]
    locs = {loc["id"]: loc for loc in data["world"]["locations"]}
    gao = locs["Gao"]
    assert (gao["lat"], gao["lon"], gao["state"], gao["population"]) == (16.27091, -0.04021, "MLI", 86633)
    # conflict_date 23 > 0: Flee starts Gao as a town; conflicts.csv makes it a conflict zone
    assert gao["kind"] == "conflict_zone" and gao["conflict"] == 0.0
    abala = locs["Abala"]
    assert abala["displaced"] == 698  # observed on day 0 (after the registration correction)
    # capacity 11387, minus the day-0 count as Flee master does (quirk Q5)
    assert abala["kind"] == "camp" and abala["capacity"] == 11387 - 698 and "population" not in abala
    assert locs["Mentao"]["capacity"] == 6905  # nobody there on day 0
    assert abala["displaced_from"] == "Menaka"  # the first row defines Flee's home country
    assert "displaced" not in locs["Mentao"]  # 0 on day 0
    assert locs["Konna"]["kind"] == "town"
    assert {"from": "Gao", "to": "Ansongo", "km": 100.0} in data["world"]["routes"]


def test_markers_hubs_and_idp_camps() -> None:
    data = _data(SSUDAN)
    locs = {loc["id"]: loc for loc in data["world"]["locations"]}
    assert "Tonga" not in locs  # a marker is not a stop: its two links become one
    assert {"from": "Awarajwok", "to": "Malakal", "km": 7.0} in data["world"]["routes"]
    assert locs["Pagak"]["kind"] == "hub" and locs["Nguenyyiel"]["kind"] == "idp_camp"
    assert {s["id"] for s in data["world"]["states"]} == {"SSD", "ETH"}


def test_capacity_below_one_is_unlimited(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder / "input_csv" / "locations.csv", lambda t: t.replace(",camp,,11387", ",camp,,0")
          .replace(",camp,,3435", ",camp,,800"))
    imported = flee_scenario(read_flee_folder(folder))
    locs = {loc["id"]: loc for loc in imported.data["world"]["locations"]}
    assert "capacity" not in locs["Abala"]
    # 800 minus the 875 people there on day 0 is below 1: unlimited too, as in Flee (with a warning)
    assert "capacity" not in locs["Mangaize"]
    assert any("'Mangaize': capacity 800 minus its day-0 count 875" in w.message
               for w in imported.warnings)


def test_every_closure_type_becomes_events() -> None:
    events = _data(MALI)["events"]
    border = [e for e in events if e["type"] == "border"]
    assert {"day": 0, "type": "border", "state": "MLI", "from": "BFA", "policy": "closed",
            "until": 22} in border
    assert {"day": 0, "type": "border", "state": "BFA", "from": "MLI", "policy": "closed",
            "until": 22} in border  # country closures close both ways
    assert len(border) == 4
    routes = [(e["day"], e["from"], e["to"], e["action"]) for e in events if e["type"] == "route"]
    # link,Menaka,Mangaize,35,-1: closed for good
    assert (35, "Menaka", "Mangaize", "close") in routes
    assert not any(r[1:3] == ("Menaka", "Mangaize") and r[3] == "open" for r in routes)
    # location,Tabareybarey,Niger,40,50: every route touching it, closed then reopened
    tab = sorted(r for r in routes if "Tabareybarey" in r[1:3])
    assert len(tab) == 8 and {r[0] for r in tab} == {40, 50}
    camps = [(e["day"], e["location"], e["action"]) for e in events if e["type"] == "camp"]
    assert camps == [(45, "Mentao", "close"), (55, "Mentao", "open")]
    # remove_forced_redirection is a no-op in Flee master: nothing for Menaka-Abala
    assert not any(e.get("from") == "Menaka" and e.get("to") == "Abala" for e in events)
    idp = [(e["day"], e["action"]) for e in _data(SSUDAN)["events"] if e["type"] == "camp"]
    assert idp == [(10, "close"), (20, "open")]


def test_conflict_events_only_at_onsets_and_ends(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    conflicts = folder / "input_csv" / "conflicts.csv"
    lines = conflicts.read_text().splitlines()
    col = lines[0].split(",").index("Konna")
    for day, value in ((3, "0.5"), (4, "0.9"), (5, "0.9"), (6, "0"), (8, "1")):
        cells = lines[day + 1].split(",")
        cells[col] = value
        lines[day + 1] = ",".join(cells)
    conflicts.write_text("\n".join(lines) + "\n")
    konna = [(e["day"], e["intensity"]) for e in _data(folder)["events"]
             if e["type"] == "conflict" and "Konna" in e["locations"]]
    # the rise to 0.9 is ignored (quirk Q6); day 9 is back to the file's 0
    assert konna == [(3, 0.5), (6, 0.0), (8, 1.0), (9, 0.0)]


def test_settings_map_to_parameters() -> None:
    params = _data(MALI)["parameters"]
    mv = params["movement"]
    assert (mv["max_move_speed"], mv["camp_weight"], mv["town_leave_probability"]) == (200.0, 2.0, 0.5)
    assert mv["town_continue_probability"] == 1.0  # avoid_short_stints: True
    assert mv["continue_same_day"] and mv["conflict_weight_decay"]
    assert (mv["capacity_scaling"], mv["camp_leave_probability"], mv["start_on_foot"]) == (1.25, 0.001,
                                                                                          True)
    assert mv["conflict_weight"] == pytest.approx(1 / math.sqrt(10))  # Flee's code default
    assert mv["idp_camp_leave_probability"] == 0.1 and mv["awareness"] == 1
    d = params["displacement"]
    assert d == {"mode": "data_driven", "spawn_decay": [1.0, 1.0, 1.0, 0.5, 0.1],
                 "spawn_decay_interval": 30, "data_total": "camps", "take_from_population": False}
    assert params["returns"] == {"enabled": False}


@pytest.mark.parametrize(("yaml_text", "where", "message"), [
    ("move_rules:\n  stay_close_to_home: true\n", "move_rules.stay_close_to_home", "is not supported"),
    ("move_rules:\n  awareness_level: 0\n", "move_rules.awareness_level", "quirk Q11"),
    ("move_rules:\n  max_move_sped: 300\n", "move_rules.max_move_sped", "unknown move rule"),
    ("move_rules:\n  camp_weight: lots\n", "move_rules.camp_weight", "expected a number"),
    ("spawn_rules:\n  insert_day0: false\n", "spawn_rules.insert_day0", "is not supported"),
    ("spawn_rules:\n  conflict_driven_spawning:\n    spawn_mode: constant\n",
     "spawn_rules.conflict_driven_spawning", "pop_ratio"),
    ("flood_rules:\n  max_flood_level: 3\n", "flood_rules", "not supported"),
])
def test_unsupported_settings_are_refused_with_their_line(tmp_path: Path, yaml_text: str, where: str,
                                                          message: str) -> None:
    folder = _copy(tmp_path)
    (folder / "simsetting.yml").write_text("log_levels:\n  agent: 0\n" + yaml_text)
    with pytest.raises(ScenarioError) as info:
        flee_scenario(read_flee_folder(folder))
    [p] = info.value.problems
    assert p.path == where and message in p.message
    assert p.file.endswith("simsetting.yml") and p.line is not None and p.line >= 3


def test_supported_settings_variants() -> None:
    mapped, problems = map_settings({"spawn_rules": {"sum_from_camps": False,
                                                     "take_from_population": True,
                                                     "conflict_driven_spawning": {
                                                         "spawn_mode": "pop_ratio",
                                                         "displaced_per_conflict_day": 0.02}},
                                     "move_rules": {"use_v1_rules": True, "awareness_level": 2},
                                     "optimisations": {"hasten": 5}}, "s.yml")
    assert problems == []
    d, mv = mapped.parameters["displacement"], mapped.parameters["movement"]
    assert (d["mode"], d["flee_rate"], d["data_total"], d["take_from_population"]) == (
        "conflict_driven", 0.02, "total", True)
    assert (mv["max_move_speed"], mv["camp_weight"], mv["conflict_weight"], mv["awareness"]) == (
        200.0, 2.0, 0.25, 2)  # use_v1_rules
    assert mapped.hasten == 5


def test_hasten_divides_populations_capacities_and_counts(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder / "simsetting.yml", lambda t: t.replace("hasten: 1", "hasten: 10"))
    data = _data(folder)
    locs = {loc["id"]: loc for loc in data["world"]["locations"]}
    assert (locs["Gao"]["population"], locs["Abala"]["capacity"], locs["Abala"]["displaced"]) == (
        8663, 1138 - 69, 69)
    assert data["observed"]["series"][0]["count"] == pytest.approx(
        _data(MALI)["observed"]["series"][0]["count"] / 10)


def test_duplicate_routes_are_merged_with_a_warning(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder / "input_csv" / "routes.csv", lambda t: t + "Ansongo,Gao,90,0\n")
    imported = flee_scenario(read_flee_folder(folder))
    gao = [r for r in imported.data["world"]["routes"] if {r["from"], r["to"]} == {"Gao", "Ansongo"}]
    assert gao == [{"from": "Gao", "to": "Ansongo", "km": 90.0}]
    assert any("listed again" in w.message for w in imported.warnings)


def test_import_writes_a_scenario_that_loads_back(tmp_path: Path) -> None:
    out = tmp_path / "scen" / "mali.yaml"
    result = import_flee(MALI, out)
    assert [p.name for p in result.files] == ["mali.yaml", "mali.locations.csv", "mali.routes.csv",
                                              "mali.conflicts.csv", "mali.observed.csv",
                                              "mali.observed_total.csv"]
    assert sorted(p.name for p in out.parent.iterdir()) == sorted(p.name for p in result.files)
    text = out.read_text()
    assert "locations_csv: mali.locations.csv" in text and "csv: mali.observed.csv" in text
    assert "conflicts_csv: mali.conflicts.csv" in text and "type: conflict" not in text
    loaded = load_scenario(out)
    direct = load_flee_scenario(MALI)
    assert loaded.resolved() == direct.resolved()
    assert loaded.observed is not None and loaded.observed.locations() == [
        "Mentao", "Abala", "Mangaize", "Tabareybarey"]


def test_an_import_that_does_not_load_back_leaves_nothing(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scenario_loading, "MAX_YAML_BYTES", 100)  # the scenario file is longer
    out = tmp_path / "scen" / "mali.yaml"
    with pytest.raises(ScenarioError) as info:
        import_flee(MALI, out)
    [p] = info.value.problems
    assert p.file == str(out) and "at most 100" in p.message
    assert list(out.parent.iterdir()) == []


def test_world_can_name_a_flee_folder(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        "name: mali-what-if\n"
        "days: 30\n"
        "world: {flee: mali_cut}\n"
        "events:\n"
        "  - {day: 10, type: border, state: NER, policy: closed}\n"
        "parameters:\n"
        "  movement: {camp_weight: 3.0}\n")
    s = load_scenario(scenario)
    assert (s.name, s.days, s.start_date.isoformat()) == ("mali-what-if", 30, "2012-02-29")
    assert s.parameters.movement.camp_weight == 3.0  # the scenario's own value wins
    assert s.parameters.movement.max_move_speed == 200.0  # the rest from simsetting.yml
    assert s.events[0].day == 10 and len(s.events) > 1  # own events first, then the folder's
    assert s.observed is not None and len(s.world.locations) == 9
    assert "flee" not in s.resolved()["world"]
    assert folder.exists()


def test_world_flee_errors_point_at_the_folder_files(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "input_csv" / "closures.csv").unlink()
    scenario = tmp_path / "s.yaml"
    scenario.write_text("name: x\nworld: {flee: mali_cut}\n")
    with pytest.raises(ScenarioError, match=r"closures.csv: \(file\): missing file"):
        load_scenario(scenario)
    scenario.write_text("name: x\nworld: {flee: mali_cut, routes: []}\n")
    with pytest.raises(ScenarioError, match="cannot also set 'routes'"):
        load_scenario(scenario)


def test_a_flee_world_takes_states_policies_and_alliances(tmp_path: Path) -> None:
    """The decision layer on a real conflict: Burkina Faso closes its border under pressure and an
    alliance of Burkina Faso and Niger secures its border jointly."""
    _copy(tmp_path)
    scenario = tmp_path / "s.yaml"
    scenario.write_text("name: x\nworld:\n  flee: mali_cut\n  states:\n    - {id: MLI}\n    - {id: MLX}\n")
    with pytest.raises(ScenarioError, match=r"s.yaml:6:7: world.states\[1\]: the Flee folder has no state "
                       r"'MLX' \(did you mean 'MLI'\?\); its states are BFA, MLI, NER"):
        load_scenario(scenario)
    scenario.write_text(
        "name: x\nworld:\n  flee: mali_cut\n  states:\n"
        "    - {id: BFA, population: 100000,\n"
        "       policy: {tolerance: 0.0001, managed_capacity: 10, review_days: 1}}\n"
        "  alliances:\n    - {id: ALL, members: [BFA, NER], border_security: {policy: closed}}\n")
    s = load_scenario(scenario)
    bfa = next(st for st in s.world.states if st.id == "BFA")
    assert bfa.name == "Burkina Faso" and bfa.policy.tolerance == 0.0001  # folder's name, own policy
    assert [a.id for a in s.world.alliances] == ["ALL"] and len(s.world.states) == 3
    model = DisplacementModel(s)
    while model.running:
        model.step()
    assert any(e["type"] == "border_policy" and e["actor"] == "ALL" for e in model.event_log)
    hosted = model.recorder.states_table().query("state in ['BFA', 'NER']").refugees_hosted.max()
    free = DisplacementModel(load_scenario(_plain(scenario)))
    while free.running:
        free.step()
    assert hosted < free.recorder.states_table().query("state in ['BFA', 'NER']").refugees_hosted.max()


def _plain(scenario: Path) -> Path:
    plain = scenario.with_name("plain.yaml")
    plain.write_text("name: x\nworld: {flee: mali_cut}\n")
    return plain


def test_observed_locations_are_checked(tmp_path: Path) -> None:
    out = tmp_path / "m.yaml"
    import_flee(MALI, out)
    observed = tmp_path / "m.observed.csv"
    _edit(observed, lambda t: t.replace("Abala,", "Abbala,", 1))
    with pytest.raises(ScenarioError) as info:
        load_scenario(out)
    [p] = info.value.problems
    assert p.file.endswith("m.observed.csv") and p.line == 2 + sum(
        1 for line in observed.read_text().splitlines() if line.startswith("Mentao"))
    assert "unknown location 'Abbala'" in p.message and "did you mean 'Abala'" in p.message


def _with_initial_idps(folder: Path, idps: dict[str, str]) -> None:
    """Add Flee's initial_idps attribute column to locations.csv, with ``idps`` by location."""
    def change(text: str) -> str:
        lines = text.splitlines()
        lines[0] += ",initial_idps"
        return "\n".join([lines[0], *(line + f",{idps[line.split(',')[0]]}" if line.split(",")[0] in idps
                                      else line for line in lines[1:])]) + "\n"
    _edit(folder / "input_csv" / "locations.csv", change)


def test_initial_idps_join_the_day0_count_at_camps_and_are_ignored_elsewhere(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _with_initial_idps(folder, {"Abala": "40", "Gao": "7", "Ansongo": "0"})
    imported = flee_scenario(read_flee_folder(folder))
    locs = {loc["id"]: loc for loc in imported.data["world"]["locations"]}
    assert locs["Abala"]["displaced"] == 698 + 40 and locs["Abala"]["capacity"] == 11387 - 698
    assert "displaced" not in locs["Gao"]  # Flee's run script fills camps only
    [warning] = [w for w in imported.warnings if w.path == "initial_idps"]
    assert warning.line == 3 and "at 1 locations that are not camps" in warning.message
    def abala_at_hasten_10(f: Path) -> int:
        locations = flee_scenario(read_flee_folder(f), hasten=10).data["world"]["locations"]
        return next(loc["displaced"] for loc in locations if loc["id"] == "Abala")
    assert abala_at_hasten_10(folder) == abala_at_hasten_10(MALI) + 4  # divided like every count


def test_bad_initial_idps_are_refused_with_their_line(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _with_initial_idps(folder, {"Gao": "-3", "Abala": "many"})
    with pytest.raises(ScenarioError) as info:
        read_flee_folder(folder)
    assert [(p.line, p.path) for p in info.value.problems] == [(3, "initial_idps"), (8, "initial_idps")]


def test_empty_camps_on_day0_start_camps_empty_and_compare_changes(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _with_initial_idps(folder, {"Abala": "40"})
    _edit(folder / "simsetting.yml", lambda t: t.replace("empty_camps_on_day0: False",
                                                         "empty_camps_on_day0: True"))
    imported = flee_scenario(read_flee_folder(folder))
    abala = next(loc for loc in imported.data["world"]["locations"] if loc["id"] == "Abala")
    assert "displaced" not in abala  # neither the day-0 count nor initial_idps
    assert abala["capacity"] == 11387 - 698  # Flee master still takes the day-0 count off
    assert imported.data["observed"]["from_day0"] is True
    assert any(w.path == "spawn_rules.empty_camps_on_day0" for w in imported.warnings)
    model = DisplacementModel(load_flee_scenario(folder), rng=0)
    assert model.population.occupancy[model.world.index["Abala"]].sum() == 0


@pytest.mark.parametrize(("level", "accepted"), [(5, True), (6, False)])
def test_awareness_levels_up_to_five(level: int, accepted: bool) -> None:
    mapped, problems = map_settings({"move_rules": {"awareness_level": level}}, "s.yml")
    assert (problems == []) is accepted
    if accepted:
        assert mapped.parameters["movement"]["awareness"] == level
    else:
        assert "1 to 5" in problems[0].message


def test_weight_softening_is_the_score_softening() -> None:
    mapped, problems = map_settings({"move_rules": {"weight_softening": 0.1}}, "s.yml")
    assert problems == [] and mapped.parameters["movement"]["score_softening"] == 0.1
