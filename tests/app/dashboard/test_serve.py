"""Serving: the solara command line and its environment."""

from __future__ import annotations

import subprocess

import pytest

from sim.app.dashboard import picker, serve
from tests.app.dashboard import TOY


def test_serve_runs_solara_with_the_scenario(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[list[str], dict[str, str]]] = []

    class FakeServer:
        def __init__(self, cmd: list[str], env: dict[str, str]):
            calls.append((cmd, env))

        def wait(self, timeout: float | None = None) -> int:
            return 0

    monkeypatch.setattr(subprocess, "Popen", FakeServer)
    assert serve.serve(str(TOY), host="0.0.0.0", port=9001) == 0
    (cmd, env), = calls
    assert cmd[1:4] == ["-m", "solara", "run"] and cmd[4].endswith("sim/app/dashboard/app.py")
    assert cmd[5:] == ["--host", "0.0.0.0", "--port", "9001", "--production", "--no-open"]
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
    assert env[picker.SCENARIO_ENV] == str(TOY.resolve())
    assert serve.serve("scenarios/missing.yaml") == 2 and len(calls) == 1
