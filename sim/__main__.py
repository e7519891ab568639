"""The ``allysim`` command and ``python -m sim``: the command line, started so that a Ctrl-C
while it loads (typer, rich: a fraction of a second) ends it quietly with exit status 130, as
one a moment later does, instead of printing the traceback of an import."""

import sys


def main() -> None:
    try:
        from sim.app.cli import main as command_line
    except KeyboardInterrupt:  # nothing has started yet
        sys.exit(130)
    command_line()


if __name__ == "__main__":
    main()
