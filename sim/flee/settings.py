"""Flee's simsetting.yml as allysim rule parameters: every key mapped, fixed or refused.

Every mapping, and every setting refused, is listed in docs/flee.md.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sim.scenario.errors import Problem
from sim.scenario.fields import MAX_AWARENESS

SQRT_TEN = math.sqrt(10.0)


# -- settings ---------------------------------------------------------------------------------

# move_rules key -> (allysim movement parameter, Flee's code default)
MOVE_RULES: dict[str, tuple[str, Any]] = {
    "max_move_speed": ("max_move_speed", 360.0),
    "max_walk_speed": ("max_walk_speed", 35.0),
    "foreign_weight": ("foreign_weight", 1.0),
    "camp_weight": ("camp_weight", 1.0),
    "conflict_weight": ("conflict_weight", 1.0 / SQRT_TEN),
    "conflict_movechance": ("conflict_leave_probability", 1.0),
    "camp_movechance": ("camp_leave_probability", 0.001),
    "idpcamp_movechance": ("idp_camp_leave_probability", 0.1),
    "default_movechance": ("town_leave_probability", 0.3),
    "awareness_level": ("awareness", 1),
    "capacity_buffer": ("capacity_buffer", 0.9),
    "capacity_scaling": ("capacity_scaling", 1.0),
    "start_on_foot": ("start_on_foot", False),
    "softening": ("softening", 10.0),
    "weight_softening": ("score_softening", 0.0),
    "distance_power": ("distance_power", 1.0),
    "weight_power": ("weight_power", 1.0),
}
# Accepted because they change nothing in Flee's serial model either (or only its output).
MOVE_NOOPS = {
    "max_crossing_speed": "only river-crossing links use it, and the importer has none",
}
# key -> allowed value (Flee's default); any other value is refused.
MOVE_FIXED: dict[str, Any] = {
    "stay_close_to_home": False, "use_pop_for_loc_weight": False,
    "movechance_pop_scale_factor": 0.0, "ChildrenAvoidHazards": False, "BoysTakeRisk": False,
    "MatchCampEthnicity": False, "MatchTownEthnicity": False, "MatchConflictEthnicity": False,
    "ElderlyAvoidHazards": False, "WomenAvoidHazards": False, "two_system_decision_making": False,
    "fixed_routes": False, "flee_when_starving": False, "avoid_food_deprived_locations": False,
    "use_economic_pull": False, "pruning_threshold": 1.0,
}
MOVE_ACCEPTED_DEFAULT_ONLY = {"home_distance_power", "pop_power_for_loc_weight", "movechance_pop_base"}
SPAWN_KEYS = {"sum_from_camps", "conflict_spawn_decay", "conflict_spawn_decay_interval",
              "empty_camps_on_day0", "insert_day0", "take_from_population",
              "conflict_zone_spawning_only", "camps_are_sinks", "camps_are_sicks",
              "read_from_agents_csv_file", "conflict_driven_spawning", "flood_driven_spawning",
              "flood_zone_spawning_only", "starvation_driven_spawning"}


@dataclass
class MappedSettings:
    """simsetting.yml as allysim parameters, plus what the importer itself applies."""

    parameters: dict[str, Any]
    hasten: int = 1
    empty_camps: bool = False  # empty_camps_on_day0: camps start empty, observed counts from day 0


def map_settings(settings: Mapping[str, Any], file: str) -> tuple[MappedSettings, list[Problem]]:
    """Flee's simsetting.yml -> allysim parameters; unsupported settings are problems."""
    problems: list[Problem] = []

    def bad(where: str, message: str) -> None:
        problems.append(Problem(file, _line(settings, where), None, where, message))

    move: dict[str, Any] = {}
    for section in settings:
        if section not in ("log_levels", "spawn_rules", "move_rules", "optimisations", "flood_rules",
                           "number_of_steps", "conflict_input_file"):
            bad(str(section), f"unknown section {section!r}; expected log_levels, spawn_rules, "
                "move_rules, optimisations")
    if settings.get("flood_rules") is not None:
        bad("flood_rules", "flood rules (DFlee) are not supported")
    rules = _section(settings, "move_rules", bad)
    if rules.get("use_v1_rules"):
        # Flee's v1 rule set overrides these five settings whatever the file says.
        rules = {**rules, "max_move_speed": 200.0, "start_on_foot": False,
                 "avoid_short_stints": False, "camp_weight": 2.0, "conflict_weight": 0.25}
    for key, (target, default) in MOVE_RULES.items():
        value = rules.get(key, default)
        move[target] = _typed(value, type(default), f"move_rules.{key}", bad)
    for key, value in rules.items():
        where = f"move_rules.{key}"
        if key in MOVE_RULES or key in MOVE_NOOPS or key in ("use_v1_rules", "avoid_short_stints"):
            continue
        if key in MOVE_FIXED:
            if value != MOVE_FIXED[key]:
                bad(where, f"{key}: {value!r} is not supported (only {MOVE_FIXED[key]!r}, Flee's "
                    "default); see docs/flee.md")
        elif key not in MOVE_ACCEPTED_DEFAULT_ONLY:
            bad(where, f"unknown move rule {key!r}; supported: "
                f"{', '.join(sorted([*MOVE_RULES, *MOVE_NOOPS, *MOVE_FIXED, 'avoid_short_stints']))}")
    if move.get("awareness") == 0:
        bad("move_rules.awareness_level", "awareness_level 0 is not supported (in Flee it picks a "
            "link index instead of a route, so agents never leave; quirk Q11)")
    elif isinstance(move.get("awareness"), int) and not 1 <= move["awareness"] <= MAX_AWARENESS:
        bad("move_rules.awareness_level", f"awareness_level {move['awareness']} is not supported "
            f"(1 to {MAX_AWARENESS})")
    if move["town_leave_probability"] < 0.005:
        bad("move_rules.default_movechance", "a default_movechance below 0.005 makes Flee turn every "
            "town into a camp; not supported")
    move["continue_same_day"] = True  # Flee: arrivals with distance left evolve again at once
    stints = rules.get("avoid_short_stints", False)
    if not isinstance(stints, bool):
        bad("move_rules.avoid_short_stints", f"found {stints!r}; expected true or false")
    elif stints:  # forced onward from towns after a short day's travel (approximated: always)
        move["town_continue_probability"] = 1.0
    move["conflict_weight_decay"] = True  # Flee fades conflict scores with conflict_spawn_decay

    spawn = _section(settings, "spawn_rules", bad)
    displacement: dict[str, Any] = {"mode": "data_driven"}
    for key in spawn:
        if key not in SPAWN_KEYS:
            bad(f"spawn_rules.{key}", f"unknown spawn rule {key!r}; supported: "
                f"{', '.join(sorted(SPAWN_KEYS))}")
    decay = spawn.get("conflict_spawn_decay")
    if decay is None:
        displacement["spawn_decay"] = [1.0]
    elif isinstance(decay, list) and decay and all(isinstance(x, int | float) for x in decay):
        displacement["spawn_decay"] = [float(x) for x in decay]
    else:
        bad("spawn_rules.conflict_spawn_decay", f"found {decay!r}; expected a list of numbers")
    interval = spawn.get("conflict_spawn_decay_interval", 30)
    if not isinstance(interval, int) or isinstance(interval, bool) or interval < 1:
        bad("spawn_rules.conflict_spawn_decay_interval", f"found {interval!r}; expected a whole "
            "number of days >= 1")
    else:
        displacement["spawn_decay_interval"] = interval
    displacement["data_total"] = "camps" if spawn.get("sum_from_camps", True) else "total"
    displacement["take_from_population"] = bool(spawn.get("take_from_population", False))
    empty_camps = spawn.get("empty_camps_on_day0", False)
    if not isinstance(empty_camps, bool):
        bad("spawn_rules.empty_camps_on_day0", f"found {empty_camps!r}; expected true or false")
        empty_camps = False
    for key, ok in (("insert_day0", True), ("read_from_agents_csv_file", False), ("camps_are_sicks", False),
                    ("flood_zone_spawning_only", False)):
        if key in spawn and bool(spawn[key]) != ok:
            bad(f"spawn_rules.{key}", f"{key}: {spawn[key]!r} is not supported (only {ok!r})")
    for key in ("flood_driven_spawning", "starvation_driven_spawning"):
        if spawn.get(key) is not None:
            bad(f"spawn_rules.{key}", f"{key} is not supported")
    driven = spawn.get("conflict_driven_spawning")
    if driven is not None:
        mode = driven.get("spawn_mode", "constant") if isinstance(driven, Mapping) else None
        if mode != "pop_ratio":
            bad("spawn_rules.conflict_driven_spawning", f"spawn_mode {mode!r} is not supported: "
                "allysim's conflict-driven displacement is a daily share of the population "
                "(Flee's pop_ratio)")
        else:
            displacement["mode"] = "conflict_driven"
            displacement["flee_rate"] = float(driven.get("displaced_per_conflict_day", 0.01))
            displacement["intensity_power"] = 1.0
    opt = _section(settings, "optimisations", bad)
    hasten = opt.get("hasten", 1)
    if not isinstance(hasten, int) or isinstance(hasten, bool) or hasten < 1:
        bad("optimisations.hasten", f"found {hasten!r}; expected a whole number >= 1")
        hasten = 1
    mapped = MappedSettings({"movement": move, "displacement": displacement,
                             "returns": {"enabled": False}}, hasten, empty_camps)
    return mapped, problems


def _section(settings: Mapping[str, Any], name: str, bad: Any) -> Mapping[str, Any]:
    value = settings.get(name)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        bad(name, f"expected a mapping of {name}")
        return {}
    return value


def _typed(value: Any, kind: type, where: str, bad: Any) -> Any:
    if kind is bool:
        if isinstance(value, bool):
            return value
        bad(where, f"found {value!r}; expected true or false")
        return False
    if kind is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        bad(where, f"found {value!r}; expected a whole number")
        return 1
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    bad(where, f"found {value!r}; expected a number")
    return 0.0


def _line(settings: Any, dotted_key: str) -> int | None:
    """1-based line of a key in a ruamel-loaded mapping, if known."""
    node, line = settings, None
    for part in dotted_key.split("."):
        lc = getattr(node, "lc", None)
        if lc is None or not isinstance(node, Mapping) or part not in node:
            break
        try:
            line = lc.key(part)[0] + 1
        except (KeyError, TypeError):
            break
        node = node[part]
    return line
