"""Dashboard speed: one Step with every panel drawn, and days per second of continuous play.

The page is rendered headless (``solara.render``, no browser), exactly as a browser session
builds it: a click on Step runs SolaraViz's step and then re-renders every component (map,
charts, summary, event log, sidebar), all in the clicking thread, so the click's wall time is
what one Step costs the server. Play clicks ▶, lets SolaraViz's own play loop run for a few
seconds (its play interval and render interval as the page sets them) and counts the days.
Drawing in the browser (Vega, images) is not included: it runs on the viewer's machine.

    python benchmarks/dashboard_speed.py                              # scenarios/history/kosovo-1999.yaml
    python benchmarks/dashboard_speed.py --against 1e3d8ed            # also an older commit: before/after
    python benchmarks/dashboard_speed.py --scenario scenarios/toy.yaml --steps 20 --play 5

``--against COMMIT`` extracts that commit's tree (``git archive``) into a temporary folder and
runs this same measurement there in a subprocess, so both lines are measured alike.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _labelled(rc: Any, widget_type: Any, text: str) -> Any:
    """The widget of this type whose first child is ``text``."""
    return rc.find(widget_type, children=[text]).widget


def _shown_time(rc: Any) -> float:
    """SolaraViz's 'Time: N' in the sidebar."""
    import ipyvuetify as v

    for widget in rc.find(v.Html, tag="span").widgets:
        text = widget.children[0] if widget.children else None
        if isinstance(text, str) and text.startswith("Time: "):
            return float(text.removeprefix("Time: "))
    raise RuntimeError("no 'Time: N' on the page")


def measure(scenario: str, steps: int, play_seconds: float) -> dict[str, float]:
    """Step and play timings of the dashboard page on ``scenario``, rendered headless."""
    os.environ["ALLYSIM_SCENARIO"] = str(Path(scenario).resolve())
    os.environ["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"
    import ipyvuetify as v
    import solara

    from sim.app.dashboard.page import Page

    @solara.component
    def App() -> None:
        with solara.AppLayout():  # the sidebar (SolaraViz's controls) needs it
            Page()

    t0 = time.perf_counter()
    _, rc = solara.render(App(), handle_error=False)
    first = time.perf_counter() - t0
    step_times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        _labelled(rc, v.Btn, "Step").click()
        step_times.append(time.perf_counter() - t0)
    if _shown_time(rc) != steps:
        raise RuntimeError(f"expected Time: {steps} after {steps} Steps, the page shows {_shown_time(rc)}")

    _labelled(rc, v.Btn, "Reset").click()
    start = _shown_time(rc)
    t0 = time.perf_counter()
    _labelled(rc, v.Btn, "▶").click()
    while time.perf_counter() - t0 < play_seconds:
        time.sleep(0.05)
        if rc.find(v.Btn, children=["▶"], disabled=True).widgets:  # the last day was reached
            break
    pause = rc.find(v.Btn, children=["❚❚"]).widgets
    if pause:
        pause[0].click()
    played = time.perf_counter() - t0
    return {"first_render_s": first, "step_median_s": statistics.median(step_times),
            "step_max_s": max(step_times), "play_days_per_s": (_shown_time(rc) - start) / played,
            "steps": steps, "play_s": played}


def measure_commit(commit: str, scenario: str, steps: int, play_seconds: float) -> dict[str, float]:
    """The same measurement on an older commit's tree, in a subprocess."""
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "tree.tar"
        subprocess.run(["git", "archive", "-o", str(archive), commit], cwd=ROOT, check=True)
        tree = Path(tmp) / "tree"
        with tarfile.open(archive) as tar:
            tar.extractall(tree, filter="data")
        out = subprocess.run(
            [sys.executable, __file__, "--scenario", str(Path(scenario).resolve()), "--steps", str(steps),
             "--play", str(play_seconds), "--tree", str(tree), "--json"],
            cwd=tree, check=True, capture_output=True, text=True)
        return json.loads(out.stdout.strip().splitlines()[-1])


def _line(label: str, r: dict[str, float]) -> str:
    return (f"{label:<10} Step (median of {r['steps']}): {r['step_median_s']:.3f} s"
            f"  max {r['step_max_s']:.3f} s"
            f"  ·  play: {r['play_days_per_s']:.1f} days/s over {r['play_s']:.1f} s"
            f"  ·  first render {r['first_render_s']:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", default=str(ROOT / "scenarios" / "history" / "kosovo-1999.yaml"))
    parser.add_argument("--steps", type=int, default=10, help="Steps clicked from day 0 (default 10)")
    parser.add_argument("--play", type=float, default=8.0, help="seconds of play (default 8)")
    parser.add_argument("--against", metavar="COMMIT", help="also measure this commit (before/after)")
    parser.add_argument("--tree", default=str(ROOT), help="the source tree to measure (default: this one)")
    parser.add_argument("--json", action="store_true", help="print the result as one JSON line")
    args = parser.parse_args()
    sys.path.insert(0, args.tree)
    if args.against:
        print(_line("before", measure_commit(args.against, args.scenario, args.steps, args.play)), flush=True)
    with contextlib.redirect_stdout(io.StringIO()):  # Solara's headless AppLayout prints its bar
        result = measure(args.scenario, args.steps, args.play)
    print(json.dumps(result) if args.json else _line("now" if not args.against else "after", result))


if __name__ == "__main__":
    main()
