"""The model one browser session runs: built from the sidebar's values, so SolaraViz's Reset
can rebuild it as ``type(model)(**params)``.

``DashboardModel`` takes everything the sidebar sets (the scenario, the seed and the levers) as
keyword arguments and turns the levers into the same ``dotted.path=value`` overrides that
``--set`` uses. A scenario that fails to load, or a name the picker does not offer, becomes a
model that shows the error on the page instead of a traceback.

SolaraViz steps the model from more than one thread (the play loop runs in a thread of its own,
Step in the thread handling the click, and the page may be drawn in yet another), so every step
holds the model's ``lock``, and the page holds it while it reads the model. A step also waits
while the page is being drawn (``drawing_lock``): the play loop never outruns the drawing.
"""

from __future__ import annotations

import inspect
import os
import threading
from collections.abc import Mapping, Sequence
from typing import Any

from sim.app.dashboard.levers import LEVERS, Lever, applicable, lever_inputs, lever_overrides
from sim.app.dashboard.picker import ScenarioRefused, allowed_scenario, initial_scenario
from sim.loading import load_scenario
from sim.model import DisplacementModel
from sim.scenario import Scenario, ScenarioError

RENDER_INTERVAL_ENV = "ALLYSIM_RENDER_INTERVAL"
"""Days simulated between two redraws (default: 1, or 5 for worlds of 100+ locations)."""
BIG_WORLD = 100  # locations; from here on the page redraws every 5 days by default
DRAW_WAIT = 5.0  # seconds a step waits at most for a drawing of the page to end


def parse_seed(value: int | str | None) -> int | None:
    """A typed seed as an int; blank means the scenario's own seed."""
    text = "" if value is None else str(value).strip()
    if not text:
        return None
    try:
        seed = int(text)
    except ValueError:
        shown = text if len(text) <= 40 else text[:39] + "…"
        raise ValueError(f"the seed must be a whole number (0 or more), not {shown!r}") from None
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

    ``scenario_name`` must be a name the picker offers (``allowed_scenario``): the browser sends
    the picker's value, and it can send anything. ``levers`` are the levers that apply to this
    scenario (the sidebar shows those), ``overridden`` the names of those a moved lever changed.
    ``error`` holds the reason when the scenario name was refused (``refused``), or the scenario,
    a lever or the seed was rejected; the model is then an empty placeholder that does not run,
    and the page shows the message. The files a scenario names (CSV tables, a Flee folder) are
    read only from its own folder (the loader refuses others), so no message quotes a file from
    elsewhere.

    ``lock`` (reentrant) is held by every ``step()`` and by the page while it reads the model,
    so nothing is drawn from a half-simulated day and two threads never step at once.
    ``drawing_lock`` is the lock Solara holds while it draws the page (the page sets it); a step
    waits until no drawing is under way (at most ``DRAW_WAIT`` seconds). Without that wait, a
    play loop that steps faster than the page draws keeps Solara drawing again and again in the
    thread that handles the browser's messages, which then never gets to a click on pause or
    Step.
    """

    def __init__(self, scenario_name: str = "", rng: int | str | None = None,
                 baseline: Mapping[str, Any] | None = None, **levers: Any):
        name = scenario_name or initial_scenario()
        error, overrides, path, refused = None, {}, None, False
        try:
            path = allowed_scenario(name)
            seed = parse_seed(rng)
            spec = own = load_scenario(path)
            overrides = lever_overrides(levers, baseline, own)
            if overrides:
                spec = load_scenario(path, list(overrides.values()))
        except (ScenarioError, ValueError) as exc:
            error, seed, spec = str(exc), None, _placeholder_scenario()
            own, refused = spec, isinstance(exc, ScenarioRefused)
        super().__init__(spec, rng=seed)
        self.lock = threading.RLock()
        self.drawing_lock: threading.Lock | None = None
        # Mesa's Model.__init__ made ``self.step`` the call that advances time by one and runs
        # the day (``DashboardModel.step`` below); SolaraViz calls ``model.step()``.
        self._advance_one_day = self.step
        self.step = self._locked_step
        self.scenario_name: str = str(name)[:60] if refused else name
        self.scenario_path = path
        self.refused = refused
        self.overridden: set[str] = set(overrides)
        self.levers: tuple[Lever, ...] = applicable(own)
        self.error: str | None = error
        if error is not None:
            self.running = False

    def step(self) -> None:
        """Simulate one day (nothing happens in a model whose scenario failed to load).

        This is the day itself; ``model.step()`` on an instance runs ``_locked_step``.
        """
        if self.error is not None:
            self.running = False
            return
        super().step()

    def _locked_step(self) -> None:
        """What ``model.step()`` runs: Mesa's step (time + 1, then the day) under ``lock``, once
        no drawing of the page is under way; nothing once the run is over, so a late Step click
        never runs past the last day."""
        if (drawing := self.drawing_lock) is not None and drawing.acquire(timeout=DRAW_WAIT):
            drawing.release()  # the drawing is over; the next one waits for this step's lock
        with self.lock:
            if self.running:
                self._advance_one_day()


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
    if model.scenario_name not in values and not model.refused:  # the scenario it started with
        values.append(model.scenario_name)
    inputs = lever_inputs(model.levers, model.spec)
    return {
        "scenario_name": {"type": "Select", "label": "Scenario", "value": model.scenario_name,
                          "values": values},
        "rng": {"type": "InputText", "label": "Random seed (blank: the scenario's)", "value": ""},
        # A plain dict is a fixed value: passed to every Reset, shown nowhere.
        "baseline": dict(baseline) if baseline is not None else {n: i["value"] for n, i in inputs.items()},
        **inputs,
    }


def default_render_interval(model: DisplacementModel) -> int:
    """$ALLYSIM_RENDER_INTERVAL, else 1, or 5 for big worlds (drawing costs more than a day)."""
    env = os.environ.get(RENDER_INTERVAL_ENV, "").strip()
    if env.isdigit():
        return max(1, int(env))
    return 5 if model.world.n >= BIG_WORLD else 1
