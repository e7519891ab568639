"""The kernel: the world as arrays, the population as cohort tables, and the rules that move it.

Imports only the scenario contract (``sim.scenario``); never the decision layer, Flee import or
the applications.
"""
