"""Serving the dashboard: ``solara run`` on the page module, stopped cleanly on Ctrl-C or SIGTERM."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from sim.app.dashboard.picker import SCENARIO_ENV, resolve_scenario
from sim.app.signals import sigterm_as_interrupt

APP_FILE = Path(__file__).with_name("app.py")


def server_command(host: str = "127.0.0.1", port: int = 8765) -> list[str]:
    """The ``solara run`` command line that serves the dashboard."""
    return [sys.executable, "-m", "solara", "run", str(APP_FILE), "--host", host, "--port", str(port),
            "--production", "--no-open"]


def server_env(scenario: Path | None = None) -> dict[str, str]:
    """The server's environment: no telemetry (offline), and the scenario to open with."""
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}
    if scenario is not None:
        env[SCENARIO_ENV] = str(scenario.resolve())
    return env


def serve(scenario: str | None = None, host: str = "127.0.0.1", port: int = 8765) -> int:
    """Serve the dashboard with ``solara run`` until interrupted; returns its exit code."""
    path = None
    if scenario:
        path = resolve_scenario(scenario)
        if not path.is_file():
            print(f"allysim dashboard: no scenario file {str(path)!r}", file=sys.stderr)
            return 2
    proc = subprocess.Popen(server_command(host, port), env=server_env(path))
    try:
        with sigterm_as_interrupt():
            return proc.wait()
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM: stop the server too, never leave it behind
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        return 130


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m sim.app.dashboard.serve [SCENARIO] [--host H] [--port P]``."""
    parser = argparse.ArgumentParser(prog="python -m sim.app.dashboard.serve", description=serve.__doc__)
    parser.add_argument("scenario", nargs="?", help="scenario file or name in ./scenarios")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(argv)
    return serve(args.scenario, args.host, args.port)


if __name__ == "__main__":
    raise SystemExit(main())
