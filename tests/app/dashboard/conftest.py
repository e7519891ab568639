"""Fixtures for the dashboard's browser tests: a real `solara run` server and Debian's Chromium."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from sim.app.dashboard.picker import SCENARIO_DIR_ENV, SCENARIO_ENV
from sim.app.dashboard.serve import server_command, server_env
from sim.app.dashboard.session import RENDER_INTERVAL_ENV

ROOT = Path(__file__).resolve().parents[3]
CHROMIUM = "/usr/bin/chromium"  # Debian's package: `playwright install` cannot download here
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run",
]
SERVER_START_TIMEOUT = 60.0

# A second, smaller world, so that switching scenario visibly loads another map.
TWIN_YAML = """\
name: twin
description: Two states and one road, for the dashboard tests.
start_date: 2025-01-01
days: 40
seed: 3
world:
  states:
    - {id: XAR, name: Aralia}
    - {id: XBM, name: Belmonte}
  locations:
    - {id: home, state: XAR, kind: town, population: 20000, lat: 1.0, lon: 1.0}
    - {id: crossing, state: XAR, kind: border_crossing, lat: 0.5, lon: 1.2}
    - {id: camp, state: XBM, kind: camp, lat: 0.0, lon: 1.4}
  routes:
    - {from: home, to: crossing, km: 60}
    - {from: crossing, to: camp, km: 30}
events:
  - {day: 0, type: conflict, locations: [home], intensity: 1.0}
  - {day: 3, type: border, state: XBM, policy: closed}
"""


@pytest.fixture(autouse=True)
def project_scenario_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    """Models built in the test process pick from the project's scenarios, wherever pytest runs
    and whatever the environment says."""
    monkeypatch.setenv(SCENARIO_DIR_ENV, str(ROOT / "scenarios"))
    monkeypatch.delenv(SCENARIO_ENV, raising=False)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright hook: launch the system Chromium instead of a downloaded one."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """A window wide enough for the sidebar and two dashboard columns."""
    return {**browser_context_args, "viewport": {"width": 1440, "height": 1000}}


@pytest.fixture(scope="module")
def scenario_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder the served dashboard lists: the project's toy world, a smaller twin, Kosovo 1999,
    and the mechanism scenarios in their subfolder (picker names like ``mechanisms/intervention``)."""
    folder = tmp_path_factory.mktemp("scenarios")
    shutil.copy(ROOT / "scenarios" / "toy.yaml", folder / "toy.yaml")
    (folder / "twin.yaml").write_text(TWIN_YAML, encoding="utf-8")
    shutil.copy(ROOT / "scenarios" / "history" / "kosovo-1999.yaml", folder / "kosovo-1999.yaml")
    shutil.copytree(ROOT / "scenarios" / "mechanisms", folder / "mechanisms")
    return folder


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class Server:
    """A running dashboard server: its address and the file its output goes to."""

    url: str
    log: Path


@pytest.fixture(scope="module")
def dashboard_server(scenario_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Start `solara run` on a free loopback port, wait until it answers, stop it afterwards."""

    port = _free_port()
    log_path = tmp_path_factory.mktemp("solara") / "server.log"
    env = server_env(scenario_folder / "toy.yaml")
    env[SCENARIO_DIR_ENV] = str(scenario_folder)
    env[RENDER_INTERVAL_ENV] = "1"
    url = f"http://127.0.0.1:{port}/"
    with log_path.open("w") as log:
        proc = subprocess.Popen(server_command("127.0.0.1", port), cwd=ROOT, env=env, stdout=log,
                                stderr=subprocess.STDOUT)
        try:
            _wait_until_served(proc, url, log_path)
            yield Server(url, log_path)
        finally:
            proc.terminate()  # only the process this fixture started
            try:
                proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture(scope="module")
def dashboard_url(dashboard_server: Server) -> str:
    return dashboard_server.url


def _wait_until_served(proc: subprocess.Popen[bytes], url: str, log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"solara exited early with {proc.returncode}:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"solara did not answer on {url} within {SERVER_START_TIMEOUT:.0f} s")
        time.sleep(0.2)
