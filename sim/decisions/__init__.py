"""The decision layer: what states, alliances and negotiation tracks decide each day.

Builds on the kernel (``sim.core``) and the scenario contract; each mechanism sees a
``Context``, never the model. One module per mechanism, each citing the claim it encodes.
"""
