"""What the fork server of local worker processes imports once, before it forks any worker.

A Ctrl-C at the terminal reaches the whole process group: allysim, which says what was kept,
the fork server and every worker (see ``executors.stop_on_interrupt``). The fork server ignores
Ctrl-C once these imports are done; one arriving while it is still importing stops it here,
quietly, before it has forked any worker. (Ignoring it instead would let it fork workers for a
parent that is gone, and such a worker waits for work forever.)
"""

try:
    import sim.experiments.replicate  # noqa: F401  (the simulation, loaded once for every worker)
except KeyboardInterrupt:
    raise SystemExit(130) from None
