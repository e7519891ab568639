"""The model one browser session runs: built from the sidebar's values, so SolaraViz's Reset
can rebuild it as ``type(model)(**params)``.

``DashboardModel`` takes everything the sidebar sets (the scenario, the seed and the levers) as
keyword arguments and turns the levers into the same ``dotted.path=value`` overrides that
``--set`` uses. A scenario that fails to load becomes a model that shows the error on the page
instead of a traceback.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from sim.app.dashboard.figures import main_area
from sim.app.dashboard.levers import LEVERS, Lever, lever_overrides
from sim.app.dashboard.picker import initial_scenario, resolve_scenario
from sim.loading import load_scenario
from sim.model import DisplacementModel
from sim.scenario import Scenario, ScenarioError

RENDER_INTERVAL_ENV = "ALLYSIM_RENDER_INTERVAL"
"""Days simulated between two redraws (default: 1, or 5 for worlds of 100+ locations)."""
BIG_WORLD = 100  # locations; from here on the page redraws every 5 days by default


def parse_seed(value: int | str | None) -> int | None:
    """A typed seed as an int; blank means the scenario's own seed."""
    text = "" if value is None else str(value).strip()
    if not text:
        return None
    try:
        seed = int(text)
    except ValueError:
        raise ValueError(f"the seed must be a whole number (0 or more), not {text!r}") from None
    if seed < 0:
        raise ValueError(f"the seed must be 0 or more, not {seed}")
    return seed



def _placeholder_scenario() -> Scenario:
    """A one-location world standing in for a scenario that failed to load."""
    return Scenario.model_validate({
        "name": "not-loaded", "start_date": "2000-01-01", "days": 1,
        "world": {"states": [{"id": "NA", "name": "none"}],
                  "locations": [{"id": "none", "state": "NA", "lat": 0.0, "lon": 0.0}]},
    })


# ---------------------------------------------------------------------------------------------
# The model the dashboard runs


class DashboardModel(DisplacementModel):
    """A DisplacementModel built from the sidebar's values, so SolaraViz's Reset can rebuild it.

    ``levers`` are the levers that apply to this scenario (the sidebar shows those),
    ``overridden`` the names of those a moved lever changed. ``error`` holds the reason when the
    scenario, a lever or the seed was rejected; the model is then an empty placeholder that does
    not run, and the page shows the message.
    """

    def __init__(self, scenario_name: str = "", rng: int | str | None = None,
                 baseline: Mapping[str, Any] | None = None, **levers: Any):
        name = scenario_name or initial_scenario()
        path = resolve_scenario(name)
        error, overrides = None, {}
        try:
            seed = parse_seed(rng)
            spec = own = load_scenario(path)
            overrides = lever_overrides(levers, baseline, own)
            if overrides:
                spec = load_scenario(path, list(overrides.values()))
        except (ScenarioError, ValueError) as exc:
            error, seed, spec = str(exc), None, _placeholder_scenario()
            own = spec
        super().__init__(spec, rng=seed)
        self.scenario_name = name
        self.scenario_path = path
        self.overridden: set[str] = set(overrides)
        self.levers: tuple[Lever, ...] = tuple(lever for lever in LEVERS if lever.applies(own))
        self.error: str | None = error
        self.in_view = main_area(np.array([loc.cell.position for loc in self.locations], dtype=float))
        occupancy = self.population.occupancy
        self.size_reference = max(1, int(occupancy[self.in_view].sum(axis=1).max(initial=0)))
        if error is not None:
            self.running = False

    def step(self) -> None:
        """Simulate one day (nothing happens in a model whose scenario failed to load)."""
        if self.error is not None:
            self.running = False
            return
        super().step()


def _init_signature() -> inspect.Signature:
    """``__init__`` as SolaraViz should see it: one keyword per lever, no ``**kwargs``.

    SolaraViz's Reset adds a Mesa ``scenario`` argument for models taking ``**kwargs``; an
    explicit signature keeps the call to exactly the sidebar's values.
    """
    kw = inspect.Parameter.KEYWORD_ONLY
    params = list(inspect.signature(DashboardModel.__init__).parameters.values())[:-1]
    params += [inspect.Parameter(lever.name, kw, default=None) for lever in LEVERS]
    return inspect.Signature(params)


DashboardModel.__init__.__signature__ = _init_signature()  # type: ignore[attr-defined]


def model_params(model: DashboardModel, choices: Sequence[str],
                 baseline: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The sidebar's inputs (SolaraViz ``model_params``) for ``model``'s scenario.

    One input per lever that applies to the scenario, at the value in effect. ``baseline``
    (default: those values) is where the levers started in this browser session: SolaraViz
    passes it, unchanged, to every Reset.
    """
    values = list(choices)
    if model.scenario_name not in values:
        values.append(model.scenario_name)
    start = {lever.name: lever.start(model.spec) for lever in model.levers}
    params: dict[str, Any] = {
        "scenario_name": {"type": "Select", "label": "Scenario", "value": model.scenario_name,
                          "values": values},
        "rng": {"type": "InputText", "label": "Random seed (blank: the scenario's)", "value": ""},
        # A plain dict is a fixed value: passed to every Reset, shown nowhere.
        "baseline": dict(baseline) if baseline is not None else start,
    }
    for lever in model.levers:
        params[lever.name] = lever.user_param(start[lever.name], model.spec)
    return params


def default_render_interval(model: DisplacementModel) -> int:
    """$ALLYSIM_RENDER_INTERVAL, else 1, or 5 for big worlds (drawing costs more than a day)."""
    env = os.environ.get(RENDER_INTERVAL_ENV, "").strip()
    if env.isdigit():
        return max(1, int(env))
    return 5 if model.world.n >= BIG_WORLD else 1
