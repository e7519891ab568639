"""The file `solara run` serves: `allysim dashboard` or `solara run sim/dashboard_app.py`.

Only an import: the model is built per browser session inside ``Page``.
"""

from sim.dashboard import Page

__all__ = ["Page"]
