"""Serving: the solara command line and its environment, and who may connect."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from sim.app.cli import app
from sim.app.dashboard import picker, serve
from tests.app.dashboard import TOY


@pytest.fixture
def fake_server(monkeypatch: pytest.MonkeyPatch) -> list[tuple[list[str], dict[str, str]]]:
    """No `solara run` process: the command lines and environments it would have got."""
    calls: list[tuple[list[str], dict[str, str]]] = []

    class FakeServer:
        def __init__(self, cmd: list[str], env: dict[str, str]):
            calls.append((cmd, env))

        def wait(self, timeout: float | None = None) -> int:
            return 0

    monkeypatch.setattr(subprocess, "Popen", FakeServer)
    return calls


def test_serve_runs_solara_with_the_scenario(fake_server: list, capsys: pytest.CaptureFixture[str]) -> None:
    assert serve.serve(str(TOY), port=9001) == 0
    (cmd, env), = fake_server
    assert cmd[1:4] == ["-m", "solara", "run"] and cmd[4].endswith("sim/app/dashboard/app.py")
    assert cmd[5:] == ["--host", "127.0.0.1", "--port", "9001", "--production", "--no-open"]
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
    assert env[picker.SCENARIO_ENV] == str(TOY.resolve())
    assert capsys.readouterr().err == ""  # loopback: no warning
    assert serve.serve("scenarios/missing.yaml") == 2 and len(fake_server) == 1


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("127.8.9.10", True), ("::1", True), ("[::1]", True), ("localhost", True),
    ("LocalHost", True), ("0.0.0.0", False), ("::", False), ("192.168.1.20", False), ("", False),
    ("example.org", False), ("localhost.example.org", False),
])
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert serve.is_loopback(host) is loopback


def test_a_remote_host_needs_allow_remote(fake_server: list, capsys: pytest.CaptureFixture[str]) -> None:
    assert serve.check_host("127.0.0.1") is None
    with pytest.raises(serve.RemoteHostRefused, match="--allow-remote"):
        serve.check_host("0.0.0.0")
    assert serve.serve(str(TOY), host="0.0.0.0") == 2 and fake_server == []  # nothing served
    assert "no authentication" in capsys.readouterr().err

    assert serve.serve(str(TOY), host="0.0.0.0", port=9001, allow_remote=True) == 0
    (cmd, _), = fake_server
    assert cmd[5:7] == ["--host", "0.0.0.0"]
    assert "warning: the dashboard has no authentication" in capsys.readouterr().err
    assert serve.main(["--host", "0.0.0.0"]) == 2 and len(fake_server) == 1


def test_the_dashboard_command_refuses_a_remote_host_without_the_flag(fake_server: list) -> None:
    runner = CliRunner()
    refused = runner.invoke(app, ["dashboard", str(TOY), "--host", "0.0.0.0"])
    assert refused.exit_code == 2 and fake_server == []
    assert "no authentication" in refused.stderr and "--allow-remote" in refused.stderr

    allowed = runner.invoke(app, ["dashboard", str(TOY), "--host", "0.0.0.0", "--allow-remote"])
    assert allowed.exit_code == 0, allowed.output
    assert "warning: the dashboard has no authentication" in allowed.stderr
    assert [cmd[5:7] for cmd, _ in fake_server] == [["--host", "0.0.0.0"]]

    local = runner.invoke(app, ["dashboard", str(TOY), "--host", "localhost"])
    assert local.exit_code == 0 and "warning" not in local.stderr


def test_solara_reads_the_cull_timeout_the_server_sets(monkeypatch: pytest.MonkeyPatch) -> None:
    """Disconnected sessions are released after a minute, not Solara's default day."""
    monkeypatch.delenv(serve.CULL_TIMEOUT_ENV, raising=False)
    env = serve.server_env()
    assert env[serve.CULL_TIMEOUT_ENV] == serve.SESSION_CULL_TIMEOUT
    code = ("import solara.server.settings as s, solara.util as u; "
            "print(u.parse_timedelta(s.kernel.cull_timeout))")
    seen = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          check=True, timeout=120)
    assert float(seen.stdout.split()[-1]) == 60.0
    monkeypatch.setenv(serve.CULL_TIMEOUT_ENV, "5m")  # a value set by whoever starts it wins
    assert serve.server_env()[serve.CULL_TIMEOUT_ENV] == "5m"


def test_an_address_the_server_could_not_listen_on_is_refused_before_it_starts(fake_server: list) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        refused = CliRunner().invoke(app, ["dashboard", str(TOY), "--port", str(port)])
        assert refused.exit_code == 2 and fake_server == []
        assert f"cannot serve on 127.0.0.1:{port}: Address already in use" in refused.stderr
        assert serve.serve(str(TOY), port=port) == 2 and fake_server == []
    elsewhere = CliRunner().invoke(app, ["dashboard", str(TOY), "--host", "192.0.2.1", "--allow-remote"])
    assert elsewhere.exit_code == 2 and "cannot serve on 192.0.2.1:8765" in elsewhere.stderr  # not ours


def test_an_address_family_the_machine_lacks_is_skipped_as_the_server_skips_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """``localhost`` may resolve to an address this machine cannot have (``::1`` without IPv6):
    the server binds the others, so the check does too, and refuses only when none binds."""
    real = socket.getaddrinfo

    def resolve(host: str, port: int, *args: object, **kwargs: object) -> list:
        return real("192.0.2.1", port, *args, **kwargs) + real("127.0.0.1", port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    assert serve.check_address("localhost", 0) is None
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, port, *a, **k: real("192.0.2.1", port, *a, **k))
    assert "Cannot assign requested address" in serve.check_address("localhost", 0)
