"""The file `solara run` serves: `allysim dashboard` or `solara run sim/app/dashboard/app.py`.

Only an import: the model is built per browser session inside ``Page``.
"""

from sim.app.dashboard.page import Page

__all__ = ["Page"]
