"""Run the command line: python -m sim."""

from sim.app.cli import main

main()
