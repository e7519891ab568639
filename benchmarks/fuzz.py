"""Fuzzing the scenario loader and a short run: mutants of the shipped scenarios, one outcome each.

Every mutant of scenarios/**/*.yaml (and of a scenario reading the Flee fixture folder) is written
to a folder of its own with copies of the CSV files it names, loaded with
``sim.loading.load_scenario`` and, when it validates, run for a few days in a child process with
a time limit and a memory limit. Each outcome is one of:

* ``ran``: validated, ran, and the number of people was the same every day, in the model and in
  the stocks table;
* ``refused``: a ScenarioError whose problems each name a file and a field path;
* ``unlocated``: a ScenarioError with a problem that names no file or no field path;
* ``traceback``: any other exception, while loading or running (type, stage and one example);
* ``hang``: no answer within the time limit (the child is killed, not waited for), while
  loading or while running;
* ``crash``: the child died without an answer (out of memory, a signal);
* ``not_conserved``: a run whose daily totals differ;
* ``leak``: an error message quoting a file outside the scenario's folder.

    .venv/bin/python benchmarks/fuzz.py --count 10000 --jobs 2
    .venv/bin/python benchmarks/fuzz.py --count 300 --seed 1 --kinds alias_bomb,csv_bytes
    .venv/bin/python benchmarks/fuzz.py --count 2000 --save /tmp/fuzz-failures   # keep what failed
    .venv/bin/python benchmarks/fuzz.py --count 2500 --seed 3 --log fuzz.jsonl    # in batches ...
    .venv/bin/python benchmarks/fuzz.py --report fuzz.jsonl                      # ... counted together

Mutation kinds (--kinds): delete_key, rename_key, swap_type, extreme_number, parameter (a rule
parameter set to an extreme value), huge_string, date, list_size (a list emptied or repeated),
file_path (a file field pointing outside, at a device, ...), symlink (a named file, or the Flee
folder or a file in it, linked to a file outside), deep (nesting), alias_bomb, tag, anchor
(recursive, undefined and merged aliases), bytes (random byte edits of the YAML), csv_bytes (bad
UTF-8, huge cells, NULs, quotes, odd cells in a CSV copy) and big_world (large or dense road
networks).

The exit status is 1 when any outcome other than ran or refused was seen.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import io
import json
import multiprocessing as mp
import os
import random
import resource
import shutil
import sys
import tempfile
import time
import traceback
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ruamel.yaml import YAML  # noqa: E402

from sim.scenario.claims import scenario_files  # noqa: E402

SECRET = "FUZZ-SECRET-3f9a1c"  # the content of a file outside every mutant's folder
FLEE_FIXTURE = ROOT / "tests" / "fixtures" / "flee" / "mali_cut"
MEMORY_LIMIT = 4 * 1024**3  # bytes of address space a child may use

EXTREME_NUMBERS: list[Any] = [
    0, -1, 1, 2, 0.5, -0.5, 1e-300, -1e-300, 5e-324, 1e300, 1.7976931348623157e308, float("inf"),
    float("-inf"), float("nan"), 2**31, 2**50, 2**50 + 1, 2**53 + 1, 2**63 - 1, 2**63, 2**64, 10**30,
    -(2**63), 10**12, 10**12 + 1, 10**17, 36500, 36501, 0.99, 0.999999999, 1.0000001, 1e6, 1e6 + 1,
    100, 101, 1e-6, 1e-7, 0.01, 0.009,
]
WEIRD_STRINGS: list[str] = [
    "", " ", "x", "0x_", "1e400", "-.inf", ".nan", "null", "~", "yes", "no", "2024-02-30", "9999-12-31",
    "0001-01-01", "2024-13-01", "../../../../etc/passwd", "/etc/passwd", "\u202e\u0000", "é" * 10,
    "a" * 1000, "🙂", "{", "[", "'", '"', "*alias", "&anchor", "!!int", "\t", "\r\n", "%TAG",
]
FILE_VALUES = ["../../../../etc/passwd", "/etc/passwd", "/dev/zero", "/dev/urandom", "../outside.csv",
               "link-out.csv", "nonexistent.csv", "", ".", "..", "sub/../../outside.csv", "\x00bad"]
FILE_FIELDS = [("world", "locations_csv"), ("world", "routes_csv"), ("observed", "csv"),
               ("observed", "total_csv"), ("world", "flee")]
TAGGED = ['!!int "0x_"', '!!int "0b"', '!!int ""', '!!float "abc"', "!!bool maybe", "!foo bar",
          "!!binary aGVsbG8=", "!!python/object/apply:os.system ['true']", "!!set {a, b}",
          "!!omap [a: 1]", "!!timestamp 2024-99-99", "!!str 12", "!!null x", "!<tag:x.org,2000:y> z",
          "!!map x", "!!seq x", '!!int "1_000"', '!!int "0o777"', '!!float ".inf"', "!!merge x"]


@dataclass
class Base:
    """A shipped scenario as text and data, and the files beside it that it names."""

    name: str
    text: str
    data: dict[str, Any]
    files: dict[str, Path]  # name in the mutant's folder -> file or folder to copy


@dataclass
class Mutant:
    kind: str
    base: str
    text: str | bytes
    files: dict[str, Path]
    written: dict[str, bytes] = field(default_factory=dict)  # extra or replaced files
    links: dict[str, str] = field(default_factory=dict)  # name -> symlink target ("<outside>" marker)


# -- the bases ------------------------------------------------------------------------------------


def _safe_yaml() -> YAML:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = None
    yaml.width = 4096
    yaml.allow_unicode = True
    return yaml


def load_bases() -> list[Base]:
    bases = []
    for path in scenario_files(ROOT / "scenarios"):
        text = path.read_text(encoding="utf-8")
        data = _safe_yaml().load(text)
        files = {}
        world = data.get("world") or {}
        for key in ("locations_csv", "routes_csv"):
            if world.get(key):
                files[world[key]] = path.parent / world[key]
        bases.append(Base(str(path.relative_to(ROOT)), text, data, files))
    if FLEE_FIXTURE.is_dir():
        data = {"name": "flee-world", "world": {"flee": "mali_cut"}}
        text = "name: flee-world\nworld:\n  flee: mali_cut\n"
        bases.append(Base("flee:mali_cut", text, data, {"mali_cut": FLEE_FIXTURE}))
    return bases


def dump(data: Any) -> str:
    out = io.StringIO()
    _safe_yaml().dump(data, out)
    return out.getvalue()


# -- mutations ------------------------------------------------------------------------------------


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a value in nested dicts and lists."""
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


def _get(node: Any, path: tuple) -> Any:
    for part in path:
        node = node[part]
    return node


def _leaf_paths(data: Any, want: Callable[[Any], bool]) -> list[tuple]:
    return [p for p in _paths(data) if p and want(_get(data, p))]


def _random_value(rng: random.Random, depth: int = 0) -> Any:
    kind = rng.randrange(8 if depth < 2 else 5)
    if kind == 0:
        return rng.choice(EXTREME_NUMBERS)
    if kind == 1:
        return rng.choice(WEIRD_STRINGS)
    if kind == 2:
        return rng.choice([None, True, False])
    if kind == 3:
        return rng.randint(-(10**6), 10**6)
    if kind == 4:
        return rng.uniform(-1e3, 1e3)
    if kind == 5:
        return [_random_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    if kind == 6:
        return {rng.choice(["id", "x", "day", "type", "km", "policy"]): _random_value(rng, depth + 1)
                for _ in range(rng.randrange(4))}
    return "".join(chr(rng.randrange(32, 0x2FF)) for _ in range(rng.randrange(1, 30)))


def m_delete_key(rng: random.Random, b: Base) -> Mutant:
    data = copy.deepcopy(b.data)
    paths = _leaf_paths(data, lambda v: True)
    path = rng.choice(paths)
    parent = _get(data, path[:-1])
    del parent[path[-1]]
    return Mutant("delete_key", b.name, dump(data), b.files)


def m_rename_key(rng: random.Random, b: Base) -> Mutant:
    data = copy.deepcopy(b.data)
    paths = [p for p in _paths(data) if p and isinstance(p[-1], str)]
    path = rng.choice(paths)
    parent = _get(data, path[:-1])
    key = path[-1]
    new = rng.choice([key[:-1], key + "s", key.upper(), key.replace("_", "-"), " " + key, "x" + key[1:],
                      rng.choice(WEIRD_STRINGS) or "k"])
    parent[new] = parent.pop(key)
    return Mutant("rename_key", b.name, dump(data), b.files)


def m_swap_type(rng: random.Random, b: Base) -> Mutant:
    data = copy.deepcopy(b.data)
    path = rng.choice([p for p in _paths(data) if p])
    _get(data, path[:-1])[path[-1]] = _random_value(rng)
    return Mutant("swap_type", b.name, dump(data), b.files)


def m_extreme_number(rng: random.Random, b: Base) -> Mutant:
    data = copy.deepcopy(b.data)
    paths = _leaf_paths(data, lambda v: isinstance(v, int | float) and not isinstance(v, bool))
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        path = rng.choice(paths)
        _get(data, path[:-1])[path[-1]] = rng.choice(EXTREME_NUMBERS)
    return Mutant("extreme_number", b.name, dump(data), b.files)


def m_parameter(rng: random.Random, b: Base) -> Mutant:
    """A rule parameter (present or not in the file) set to an extreme value."""
    from sim.scenario.parameters import Parameters

    data = copy.deepcopy(b.data)
    group = rng.choice(list(Parameters.model_fields))
    model = Parameters.model_fields[group].annotation
    name = rng.choice(list(model.model_fields))
    value = rng.choice([*EXTREME_NUMBERS, rng.choice(WEIRD_STRINGS), [], None, True])
    data.setdefault("parameters", {}).setdefault(group, {})[name] = value
    return Mutant("parameter", b.name, dump(data), b.files)


def m_huge_string(rng: random.Random, b: Base) -> Mutant:
    data = copy.deepcopy(b.data)
    paths = _leaf_paths(data, lambda v: isinstance(v, str))
    path = rng.choice(paths)
    size = rng.choice([10_001, 200_000, 2_000_000])
    _get(data, path[:-1])[path[-1]] = rng.choice(["x", "é", "\u2028", " "]) * size
    return Mutant("huge_string", b.name, dump(data), b.files)


def m_date(rng: random.Random, b: Base) -> Mutant:
    data = copy.deepcopy(b.data)
    value = rng.choice(["9999-12-01", "9999-12-31", "8999-12-31", "0001-01-01", "2024-02-30",
                        "1-1-1", "99999-01-01", "2024-01-01T00:00:00", 20240101, "today"])
    data["start_date"] = value
    if rng.random() < 0.5:
        data["days"] = rng.choice([1, 10, 36500, 36501])
    return Mutant("date", b.name, dump(data), b.files)


def m_list_size(rng: random.Random, b: Base) -> Mutant:
    data = copy.deepcopy(b.data)
    paths = _leaf_paths(data, lambda v: isinstance(v, list) and v)
    path = rng.choice(paths)
    items = _get(data, path)
    items[:] = [] if rng.random() < 0.3 else items * rng.choice([2, 50, 500])
    return Mutant("list_size", b.name, dump(data), b.files)


def m_file_path(rng: random.Random, b: Base) -> Mutant:
    data = copy.deepcopy(b.data)
    section, key = rng.choice(FILE_FIELDS)
    block = data.setdefault(section, {})
    if not isinstance(block, dict):
        block = data[section] = {}
    block[key] = rng.choice(FILE_VALUES)
    return Mutant("file_path", b.name, dump(data), b.files,
                  links={"link-out.csv": "<outside>"})


def m_symlink(rng: random.Random, b: Base) -> Mutant:
    """A CSV (or the Flee folder, or a file in it) replaced by a symbolic link to a file outside."""
    if not b.files:
        data = copy.deepcopy(b.data)
        data.setdefault("world", {})["locations_csv"] = "places.csv"
        return Mutant("symlink", b.name, dump(data), b.files, links={"places.csv": "<outside>"})
    name = rng.choice(list(b.files))
    if b.files[name].is_dir():
        inner = rng.choice(["input_csv/locations.csv", "input_csv/routes.csv", "simsetting.yml",
                            "source_data/data_layout.csv", "input_csv"])
        return Mutant("symlink", b.name, b.text, b.files, links={f"{name}/{inner}": "<outside>"})
    return Mutant("symlink", b.name, b.text, b.files, links={name: "<outside>"})


def m_deep(rng: random.Random, b: Base) -> Mutant:
    depth = rng.choice([30, 65, 200, 1000, 5000, 50_000])
    style = rng.choice(["flow_seq", "flow_map", "block"])
    if style == "flow_seq":
        value = "[" * depth + "]" * depth
    elif style == "flow_map":
        value = "{a: " * depth + "1" + "}" * depth
    else:
        value = "\n" + "".join("  " * (i + 1) + "k:\n" for i in range(min(depth, 3000))) + "  " * 3001 + "v"
    return Mutant("deep", b.name, b.text + f"\ndescription: {value}\n", b.files)


def m_alias_bomb(rng: random.Random, b: Base) -> Mutant:
    levels = rng.choice([3, 5, 8, 9])
    width = rng.choice([2, 9, 10])
    lines = ["bomb:", f"  - &a0 [{', '.join(['lol'] * width)}]"]
    lines += [f"  - &a{i} [{', '.join([f'*a{i - 1}'] * width)}]" for i in range(1, levels)]
    text = b.text + "\n" + "\n".join(lines) + "\n"
    if rng.random() < 0.5:  # the bomb where a field reads it
        text = b.text.replace("\ndescription:", f"\ndescription: *a{levels - 1}\nx_description:", 1)
        text = "\n".join(lines) + "\n" + text
    return Mutant("alias_bomb", b.name, text, b.files)


def m_tag(rng: random.Random, b: Base) -> Mutant:
    lines = b.text.splitlines()
    k = rng.choice([i for i, line in enumerate(lines) if ": " in line and not line.lstrip().startswith("#")])
    key, _, _ = lines[k].partition(": ")
    lines[k] = f"{key}: {rng.choice(TAGGED)}"
    return Mutant("tag", b.name, "\n".join(lines) + "\n", b.files)


def m_anchor(rng: random.Random, b: Base) -> Mutant:
    choice = rng.randrange(4)
    if choice == 0:
        text = "x: &r [1, *r]\n" + b.text
    elif choice == 1:
        text = b.text.replace("\nworld:", "\nworld: &w", 1) + "\nx_world: *w\n"
    elif choice == 2:
        text = b.text + "\nundefined: *nope\n"
    else:
        text = b.text.replace("\nworld:", "\nworld: &w", 1).replace("\nworld: &w", "\nworld: &w", 1) \
            + "\nparameters: {<<: *w}\n"
    return Mutant("anchor", b.name, text, b.files)


def m_bytes(rng: random.Random, b: Base) -> Mutant:
    raw = bytearray(b.text.encode("utf-8"))
    for _ in range(rng.choice([1, 2, 5, 20])):
        pos = rng.randrange(len(raw) + 1)
        op = rng.randrange(4)
        if op == 0:
            raw[pos:pos] = bytes([rng.randrange(256)])
        elif op == 1 and pos < len(raw):
            del raw[pos: pos + rng.randrange(1, 40)]
        elif op == 2:
            raw[pos:pos] = rng.choice([b"\x00", b"\xff\xfe", b"\xc3", b"\r", b"\t", b"\x1b", b"\xef\xbb\xbf",
                                       b"\n  ", b": ", b"- ", b"#", b"{", b"]"])
        else:
            raw = raw[:pos]
    return Mutant("bytes", b.name, bytes(raw), b.files)


def _csv_base(rng: random.Random, b: Base) -> tuple[str, dict[str, Path], str, bytes]:
    """(scenario text, files, CSV name, CSV bytes): the base's own locations CSV, or its inline
    locations moved to a CSV file."""
    if b.files and all(p.is_file() for p in b.files.values()):
        name = rng.choice(list(b.files))
        return b.text, b.files, name, b.files[name].read_bytes()
    data = copy.deepcopy(b.data)
    world = data.get("world") or {}
    rows = world.pop("locations", None) or []
    if not rows or "flee" in world:
        rows = [{"id": "a", "state": "XAR", "lat": 1, "lon": 1}]
    columns = list(dict.fromkeys(k for row in rows for k in row))
    lines = [",".join(columns)] + [",".join(str(row.get(c, "")) for c in columns) for row in rows]
    world["locations_csv"] = "locations.csv"
    data["world"] = world
    return dump(data), dict(b.files), "locations.csv", ("\n".join(lines) + "\n").encode()


def m_csv_bytes(rng: random.Random, b: Base) -> Mutant:
    text, files, name, raw = _csv_base(rng, b)
    raw = bytearray(raw)
    op = rng.randrange(9)
    pos = rng.randrange(len(raw) + 1)
    if op == 0:
        raw[pos:pos] = rng.choice([b"\xff", b"\xc3\x28", b"\x80abc", b"\xed\xa0\x80"])
    elif op == 1:
        raw[pos:pos] = b"x" * rng.choice([10_001, 131_073, 1_000_000])
    elif op == 2:
        raw[pos:pos] = b'"' + b"y" * rng.choice([10, 200_000]) + (b'"' if rng.random() < 0.5 else b"")
    elif op == 3:
        raw[pos:pos] = b"\x00"
    elif op == 4:
        raw = raw.replace(b"\n", b"\r\n")
    elif op == 5:
        raw[pos:pos] = b"," * rng.choice([1, 5, 10_000])
    elif op == 6:
        raw = bytearray(b"\xef\xbb\xbf") + raw
    elif op == 7:
        raw = raw[:pos]
    else:
        lines = raw.split(b"\n")
        cell = rng.choice([b"inf", b"nan", b"-1", b"1e400", b"9223372036854775808", b"1e17", b"",
                           b"0x10", b"1_000", b"\xe2\x80\xae", b"2**64"])
        k = rng.randrange(1, max(2, len(lines)))
        cells = lines[min(k, len(lines) - 1)].split(b",")
        cells[rng.randrange(len(cells))] = cell
        lines[min(k, len(lines) - 1)] = b",".join(cells)
        raw = bytearray(b"\n".join(lines))
    return Mutant("csv_bytes", b.name, text, {k: v for k, v in files.items() if k != name},
                  written={name: bytes(raw)})


def m_big_world(rng: random.Random, b: Base) -> Mutant:
    """The base's world replaced by a large or dense one: a star, a complete graph or a line."""
    data = copy.deepcopy(b.data)
    n = rng.choice([50, 300, 1500])  # YAML of a few thousand places alone takes ruamel ~10 s
    shape = rng.choice(["star", "complete", "line"])
    if shape == "complete":
        n = min(n, rng.choice([30, 120]))
    states = [{"id": f"S{i}"} for i in range(rng.choice([1, 2, 10, 50]))]
    locations = [{"id": f"L{i}", "state": states[i % len(states)]["id"],
                  "kind": rng.choice(["town", "camp", "conflict_zone"]), "population": rng.randrange(10**6),
                  "lat": 0.0, "lon": (i % 3600) / 10 - 180} for i in range(n)]
    if shape == "star":
        pairs = [(0, i) for i in range(1, n)]
    elif shape == "complete":
        pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    else:
        pairs = [(i, i + 1) for i in range(n - 1)]
    routes = [{"from": f"L{a}", "to": f"L{c}", "km": rng.uniform(1, 300)} for a, c in pairs]
    data["world"] = {"states": states, "locations": locations, "routes": routes}
    data["events"] = []
    data.pop("observed", None)
    data.setdefault("parameters", {}).setdefault("movement", {})["awareness"] = rng.choice([1, 2, 3])
    if isinstance(data["parameters"].get("displacement"), dict):
        data["parameters"]["displacement"].pop("mode", None)
    return Mutant("big_world", b.name, dump(data), {})


WEIGHTS = {"big_world": 0.25}  # drawn a quarter as often as the other kinds (they are slow)

MUTATIONS: dict[str, Callable[[random.Random, Base], Mutant]] = {
    "delete_key": m_delete_key, "rename_key": m_rename_key, "swap_type": m_swap_type,
    "extreme_number": m_extreme_number, "parameter": m_parameter, "huge_string": m_huge_string,
    "date": m_date, "list_size": m_list_size, "file_path": m_file_path, "symlink": m_symlink,
    "deep": m_deep, "alias_bomb": m_alias_bomb, "tag": m_tag, "anchor": m_anchor, "bytes": m_bytes,
    "csv_bytes": m_csv_bytes, "big_world": m_big_world,
}


def make_mutants(count: int, seed: int, kinds: list[str]) -> list[Mutant]:
    rng = random.Random(seed)
    bases = load_bases()
    out = []
    weights = [WEIGHTS.get(k, 1.0) for k in kinds]
    while len(out) < count:
        kind = rng.choices(kinds, weights)[0]
        base = rng.choice(bases)
        try:
            out.append(MUTATIONS[kind](rng, base))
        except (IndexError, KeyError, TypeError, AttributeError, ValueError):
            continue  # this mutation does not apply to this base: draw again
    return out


# -- running one mutant ---------------------------------------------------------------------------


def materialise(m: Mutant, root: Path) -> Path:
    """The mutant's folder (root/scenario/), with a secret file outside it (root/outside.csv)."""
    outside = root / "outside.csv"
    outside.write_text(f"id,state,lat,lon\n{SECRET},{SECRET},1,1\n", encoding="utf-8")
    folder = root / "scenario"
    folder.mkdir()
    for name, src in m.files.items():
        if src.is_dir():
            shutil.copytree(src, folder / name)
        else:
            shutil.copy(src, folder / name)
    for name, raw in m.written.items():
        (folder / name).write_bytes(raw)
    for name, target in m.links.items():
        link = folder / name
        if link.is_dir():
            shutil.rmtree(link)
        elif link.exists() or link.is_symlink():
            link.unlink()
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(outside if target == "<outside>" else target)
    path = folder / "scenario.yaml"
    path.write_bytes(m.text if isinstance(m.text, bytes) else m.text.encode("utf-8"))
    return path


def check_run(spec: Any, days: int) -> str | None:
    """Run ``days`` days; None if people were conserved every day (the model checks it, in its
    state and in the stocks it records), else what differed."""
    from sim.model import ConservationError, DisplacementModel

    model = DisplacementModel(spec.model_copy(update={"days": min(spec.days, days)}))
    try:
        while model.running:
            model.step()
    except ConservationError as exc:
        return str(exc)
    return None


def run_one(m: Mutant, days: int, validated: Callable[[], None] = lambda: None) -> dict[str, Any]:
    """Load and run one mutant (in the child process); ``validated`` is called once it loaded."""
    from sim.loading import load_scenario
    from sim.scenario.errors import ScenarioError

    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        path = materialise(m, Path(tmp))
        stage = "load"
        try:
            spec = load_scenario(path)
            stage = "run"
            validated()
            problem = check_run(spec, days)
        except ScenarioError as exc:
            text = str(exc)
            if SECRET in text:
                return {"outcome": "leak", "detail": text[:500]}
            bad = [p for p in exc.problems if not p.file or not p.path]
            if not exc.problems or bad:
                return {"outcome": "unlocated", "detail": text[:500]}
            return {"outcome": "refused", "detail": str(exc.problems[0])[:300]}
        except BaseException as exc:
            tb = traceback.format_exc()
            if SECRET in tb:
                return {"outcome": "leak", "detail": tb[-800:]}
            return {"outcome": "traceback", "type": f"{stage}: {type(exc).__name__}",
                    "detail": f"{str(exc)[:300]}\n{tb[-1500:]}"}
        if problem is not None:
            return {"outcome": "not_conserved", "detail": problem}
        return {"outcome": "ran", "detail": ""}


def _child(m: Mutant, days: int, conn: Any) -> None:
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    import warnings

    warnings.simplefilter("ignore")
    try:
        result = run_one(m, days, lambda: conn.send({"stage": "run"}))
    except BaseException as exc:
        result = {"outcome": "traceback", "type": f"harness: {type(exc).__name__}", "detail": str(exc)}
    conn.send(result)
    conn.close()


def run_all(mutants: list[Mutant], jobs: int, timeout: float, days: int, progress: bool,
            on_result: Callable[[int, dict[str, Any]], None] | None = None) -> list[dict[str, Any]]:
    """Every mutant in a child process of its own, ``jobs`` at a time, each killed after
    ``timeout`` seconds; ``on_result(i, result)`` as each one ends."""
    ctx = mp.get_context("fork")
    results: list[dict[str, Any] | None] = [None] * len(mutants)
    running: dict[int, tuple[Any, Any, float]] = {}
    stage: dict[int, str] = {}
    todo = list(range(len(mutants)))[::-1]
    done = 0
    while todo or running:
        while todo and len(running) < jobs:
            i = todo.pop()
            parent, child = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_child, args=(mutants[i], days, child), daemon=True)
            proc.start()
            child.close()
            running[i] = (proc, parent, time.monotonic())
        time.sleep(0.005)
        for i, (proc, conn, started) in list(running.items()):
            result = None
            try:
                while result is None and conn.poll():
                    message = conn.recv()
                    if "outcome" in message:
                        result = message
                    else:
                        stage[i] = message["stage"]
            except (EOFError, OSError):
                result = {"outcome": "crash", "detail": f"exit code {proc.exitcode}"}
            if result is not None:
                pass
            elif not proc.is_alive() and not conn.poll():
                result = {"outcome": "crash", "detail": f"exit code {proc.exitcode}"}
            elif time.monotonic() - started > timeout:
                proc.kill()
                where = stage.get(i, "load")
                result = {"outcome": "hang", "type": f"{where}: over {timeout:g} s",
                          "detail": f"over {timeout:g} s while {'running' if where == 'run' else 'loading'}"}
            if result is None:
                continue
            proc.join(timeout=5)
            conn.close()
            result.update(kind=mutants[i].kind, base=mutants[i].base,
                          seconds=round(time.monotonic() - started, 2))
            results[i] = result
            if on_result is not None:
                on_result(i, result)
            del running[i]
            done += 1
            if progress and done % 100 == 0:
                print(f"  {done}/{len(mutants)}", file=sys.stderr, flush=True)
    return [r for r in results if r is not None]


# -- report ---------------------------------------------------------------------------------------

OUTCOMES = ("ran", "refused", "unlocated", "traceback", "hang", "crash", "not_conserved", "leak")


def report(results: list[dict[str, Any]], elapsed: float) -> str:
    counts = Counter(r["outcome"] for r in results)
    lines = [f"{len(results)} mutants in {elapsed:.0f} s"]
    lines += [f"  {name:14} {counts.get(name, 0):6}" for name in OUTCOMES]
    by_kind: dict[str, Counter] = defaultdict(Counter)
    for r in results:
        by_kind[r["kind"]][r["outcome"]] += 1
    lines.append("\nby mutation (" + ", ".join(OUTCOMES) + "):")
    for kind in sorted(by_kind):
        lines.append(f"  {kind:15} " + " ".join(f"{by_kind[kind].get(o, 0):5}" for o in OUTCOMES))
    examples: dict[str, dict[str, Any]] = {}
    for r in results:
        if r["outcome"] in ("traceback", "hang"):
            examples.setdefault(r["type"], r)
        elif r["outcome"] not in ("ran", "refused"):
            examples.setdefault(r["outcome"], r)
    if examples:
        lines.append("\none example of each failure:")
        for key, r in examples.items():
            n = sum(1 for x in results if (x.get("type") or x["outcome"]) == key)
            lines.append(f"--- {key} x{n} ({r['kind']} of {r['base']}, {r['seconds']} s)\n{r['detail']}")
    slowest = sorted(results, key=lambda r: -r["seconds"])[:3]
    lines.append("\nslowest: " + ", ".join(f"{r['kind']}/{r['outcome']} {r['seconds']} s" for r in slowest))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, default=10_000, help="number of mutants (default 10000)")
    ap.add_argument("--seed", type=int, default=0, help="random seed of the mutations")
    ap.add_argument("--jobs", type=int, default=2, help="mutants run at once (default 2)")
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds per mutant (default 10)")
    ap.add_argument("--days", type=int, default=10, help="days run per validated mutant (default 10)")
    ap.add_argument("--kinds", default=",".join(MUTATIONS), help="comma-separated mutation kinds")
    ap.add_argument("--quiet", action="store_true", help="no progress on stderr")
    ap.add_argument("--save", type=Path, default=None,
                    help="write every mutant with a bad outcome to this folder (one subfolder each)")
    ap.add_argument("--log", type=Path, default=None,
                    help="append each outcome to this JSON-lines file as it ends (a killed run keeps "
                         "what it did; batches with different --seed add up)")
    ap.add_argument("--report", type=Path, nargs="+", default=None, metavar="LOG",
                    help="print the report of these --log files (run nothing)")
    args = ap.parse_args(argv)
    if args.report:
        logged = [json.loads(line) for log in args.report for line in log.read_text().splitlines() if line]
        print(report(logged, sum(r["seconds"] for r in logged)).replace(" s\n", " s of mutant time\n", 1))
        return 1 if any(r["outcome"] not in ("ran", "refused") for r in logged) else 0
    kinds = [k for k in args.kinds.split(",") if k]
    unknown = [k for k in kinds if k not in MUTATIONS]
    if unknown:
        ap.error(f"unknown kinds {unknown}; known: {', '.join(MUTATIONS)}")
    import sim.loading
    import sim.model  # noqa: F401

    t0 = time.monotonic()
    mutants = make_mutants(args.count, args.seed, kinds)
    log = args.log.open("a", encoding="utf-8") if args.log is not None else None

    def logged(i: int, result: dict[str, Any]) -> None:
        if log is not None:
            log.write(json.dumps({"seed": args.seed, "index": i, **result}, default=str) + "\n")
            log.flush()

    results = run_all(mutants, max(1, args.jobs), args.timeout, args.days, not args.quiet, logged)
    if log is not None:
        log.close()
    print(report(results, time.monotonic() - t0))
    bad = [i for i, r in enumerate(results) if r["outcome"] not in ("ran", "refused")]
    if args.save is not None:
        for i in bad:
            where = args.save / f"{i:05d}-{results[i]['outcome']}-{mutants[i].kind}"
            where.mkdir(parents=True, exist_ok=True)
            materialise(mutants[i], where)
            (where / "outcome.txt").write_text(f"{mutants[i].base}\n{results[i]}\n", encoding="utf-8")
        if bad:
            print(f"\n{len(bad)} mutants written to {args.save}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
