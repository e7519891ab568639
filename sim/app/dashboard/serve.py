"""Serving the dashboard: ``solara run`` on the page module, stopped cleanly on Ctrl-C or SIGTERM.

The dashboard has no login: by default it listens on the loopback address only, and another
address needs ``allow_remote`` (``--allow-remote``). Solara keeps a browser session's model until
the session has been disconnected for ``SESSION_CULL_TIMEOUT``.
"""

from __future__ import annotations

import argparse
import errno
import ipaddress
import os
import socket
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from sim.app.dashboard.picker import SCENARIO_ENV, resolve_scenario
from sim.app.signals import sigterm_as_interrupt

APP_FILE = Path(__file__).with_name("app.py")
CULL_TIMEOUT_ENV = "SOLARA_KERNEL_CULL_TIMEOUT"
"""Solara's setting: how long a disconnected session (its model included) is kept for the page to
reconnect before its memory is released (Solara's default: 24h)."""
SESSION_CULL_TIMEOUT = "60s"  # Solara's format: a number with s, m, h or d


class RemoteHostRefused(ValueError):
    """A non-loopback address to serve on, without ``allow_remote``."""


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address: 127.0.0.0/8, ::1 (``[::1]`` too) or localhost."""
    name = host.removeprefix("[").removesuffix("]")
    if name.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:  # a host name, or nothing: it may be reachable from other machines
        return False


def check_host(host: str, allow_remote: bool = False) -> str | None:
    """Refuse to serve on a non-loopback ``host`` unless ``allow_remote``: the dashboard has no
    authentication, and anyone who can reach it can run scenarios on this machine.

    Returns ``None`` for a loopback host, the warning to print for an allowed remote one; raises
    ``RemoteHostRefused`` (its message says what to do) for a remote one not allowed.
    """
    if is_loopback(host):
        return None
    if not allow_remote:
        raise RemoteHostRefused(
            f"refusing to serve the dashboard on {host!r}: it has no authentication, so anyone who "
            "can reach that address could use it. Serve it on 127.0.0.1 (the default) and reach it "
            "through an SSH tunnel, or pass --allow-remote to serve on this address anyway.")
    return (f"warning: the dashboard has no authentication, and on {host!r} other machines may "
            "reach it: anyone who can connect can open it and run scenarios on this machine.")


def check_address(host: str, port: int) -> str | None:
    """Why a server could not listen on ``host``:``port`` (a name that does not resolve, a port
    in use or not allowed), or None: said before the server starts, in one line.

    Binds every address the name resolves to, as the server does, which skips an address family
    the machine does not have (EADDRNOTAVAIL: ``localhost`` as ``::1`` without IPv6)."""
    try:
        addresses = socket.getaddrinfo(host.removeprefix("[").removesuffix("]"), port,
                                       type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except OSError as exc:
        return f"cannot serve on {host}:{port}: {exc.strerror or exc}"
    problem, bound = None, 0
    for family, kind, proto, _, address in addresses:
        try:
            with socket.socket(family, kind, proto) as sock:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server will
                sock.bind(address)
            bound += 1
        except OSError as exc:
            problem = f"cannot serve on {host}:{port}: {exc.strerror or exc}"
            if exc.errno != errno.EADDRNOTAVAIL:
                return problem
    return None if bound else problem


def server_command(host: str = "127.0.0.1", port: int = 8765) -> list[str]:
    """The ``solara run`` command line that serves the dashboard."""
    return [sys.executable, "-m", "solara", "run", str(APP_FILE), "--host", host, "--port", str(port),
            "--production", "--no-open"]


def server_env(scenario: Path | None = None) -> dict[str, str]:
    """The server's environment: no telemetry (offline), closed sessions released after
    ``SESSION_CULL_TIMEOUT`` (unless $SOLARA_KERNEL_CULL_TIMEOUT is set), and the scenario to
    open with."""
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}
    env.setdefault(CULL_TIMEOUT_ENV, SESSION_CULL_TIMEOUT)
    if scenario is not None:
        env[SCENARIO_ENV] = str(scenario.resolve())
    return env


def serve(scenario: str | None = None, host: str = "127.0.0.1", port: int = 8765,
          allow_remote: bool = False) -> int:
    """Serve the dashboard with ``solara run`` until interrupted; returns its exit code.

    A non-loopback ``host`` needs ``allow_remote`` (see ``check_host``): without it nothing is
    served and the code is 2; with it a warning is printed. An address the server could not
    listen on (``check_address``) is refused with code 2 too.
    """
    try:
        warning = check_host(host, allow_remote)
    except RemoteHostRefused as exc:
        print(f"allysim dashboard: {exc}", file=sys.stderr)
        return 2
    problem = check_address(host, port)
    if problem:
        print(f"allysim dashboard: {problem}", file=sys.stderr)
        return 2
    path = None
    if scenario:
        path = resolve_scenario(scenario)
        if not path.is_file():
            print(f"allysim dashboard: no scenario file {str(path)!r}", file=sys.stderr)
            return 2
    if warning:
        print(warning, file=sys.stderr)
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
    """``python -m sim.app.dashboard.serve [SCENARIO] [--host H] [--port P] [--allow-remote]``."""
    parser = argparse.ArgumentParser(prog="python -m sim.app.dashboard.serve", description=serve.__doc__)
    parser.add_argument("scenario", nargs="?", help="scenario file or name in ./scenarios")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--allow-remote", action="store_true",
                        help="allow a non-loopback host (the dashboard has no authentication)")
    args = parser.parse_args(argv)
    return serve(args.scenario, args.host, args.port, allow_remote=args.allow_remote)


if __name__ == "__main__":
    raise SystemExit(main())
