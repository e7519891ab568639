"""Run the command line: python -m sim."""

from sim.cli import main

main()
