"""The page driven in a real browser (Debian's Chromium through Playwright).

The tests share one `solara run` server (see conftest.py); each test gets a fresh browser
context, which is a fresh Solara session."""

from __future__ import annotations

import os
import random
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from sim.app.dashboard.session import DashboardModel
from sim.core.cohorts import Status
from tests.app.dashboard import TOY, intervention_row
from tests.app.dashboard.conftest import Server

SCREENSHOT_ENV = "ALLYSIM_DASHBOARD_SCREENSHOTS"
"""Set to a folder (docs/img) to keep the screenshots of kosovo-1999 and mechanisms/intervention,
single run and compare mode, as dashboard-*.png."""
MAX_SCREENSHOT_HEIGHT = 2400  # pixels: the whole page, for the docs

pytestmark = [
    pytest.mark.browser,
    # pytest-playwright 0.10's session fixture `base_url` trips a pytest 9 deprecation (its own code).
    pytest.mark.filterwarnings(
        "ignore:Session-scoped fixtures defined as instance methods:pytest.PytestRemovedIn10Warning"),
]

LOAD_TIMEOUT = 30_000  # ms: first page load in a fresh session
STEP_TIMEOUT = 10_000  # ms: one step plus redraw


def open_dashboard(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.get_by_text("Time: 0.0")).to_be_visible(timeout=LOAD_TIMEOUT)
    expect(drawings(page)).to_have_count(3, timeout=LOAD_TIMEOUT)


def drawings(page: Page):  # the map and the two charts, drawn by Vega in the browser
    return page.locator(".allysim-vega svg.marks")


def updates(page: Page, i: int) -> str:
    """How often drawing ``i`` (0: the map, 1 and 2: the charts) has taken in a new day's data."""
    return page.locator(".allysim-vega").nth(i).get_attribute("data-updates") or "0"


def expect_redrawn(page: Page, i: int, before: str) -> None:
    expect(page.locator(".allysim-vega").nth(i)).not_to_have_attribute("data-updates", before,
                                                                        timeout=STEP_TIMEOUT)


def place(page: Page, name: str):
    """A place's marker on the map (Vega labels each mark with its fields)."""
    return page.locator(f'.allysim-map path[aria-label*="place: {name};"]')


def step(page: Page, to_time: int) -> None:
    page.get_by_role("button", name="Step").click()
    expect(page.get_by_text(f"Time: {to_time}.0")).to_be_visible(timeout=STEP_TIMEOUT)


def pick(page: Page, label: str, option: str) -> None:
    page.get_by_role("button", name=re.compile(f"^{label}")).click()
    page.locator(".menuable__content__active").get_by_role("option", name=option, exact=True).click()


def reset(page: Page) -> None:
    page.get_by_role("button", name="Reset").click()
    expect(page.get_by_text("Time: 0.0")).to_be_visible(timeout=STEP_TIMEOUT)


def totals_row(page: Page) -> str:
    """'refugees idps returnees in-transit' as shown in the summary table."""
    return page.locator("table").first.locator("tbody tr").first.inner_text()


def test_page_renders_map_charts_summary_and_steps(page: Page, dashboard_url: str,
                                                   tmp_path: Path) -> None:
    open_dashboard(page, dashboard_url)
    expect(page.get_by_text("allysim: displacement dashboard", exact=True)).to_be_visible()
    expect(page.get_by_text(re.compile(r"toy \(8 locations, 3 states, 120 days, seed 7\)"))).to_be_visible()
    title = page.locator(".allysim-run-title span").first
    expect(title).to_have_text("toy: not started, day 0 is 2024-03-01")
    expect(page.get_by_role("button", name="Scenario toy")).to_be_visible()  # by name, not path
    expect(page).to_have_title(re.compile("allysim: displacement dashboard: toy"))
    expect(page.get_by_text("Page 0")).to_have_count(0)
    map_before, charts_before = updates(page, 0), updates(page, 2)

    step(page, 1)
    expect(page.get_by_text("day 0 of 120 (2024-03-01)").first).to_be_visible()
    expect_redrawn(page, 0, map_before)
    expect_redrawn(page, 2, charts_before)
    expect(page.get_by_role("cell", name="northtown")).to_be_visible()  # the day-0 conflict event
    charts_after_one = updates(page, 2)
    step(page, 2)
    expect_redrawn(page, 2, charts_after_one)
    expect(page.get_by_text("Totals")).to_be_visible()
    thousands = page.locator(".allysim-charts text", has_text=re.compile(r"^\d{1,3}(,\d{3})+$"))
    expect(thousands.first).to_be_visible()  # axis labels with thousands separators

    set_render_interval(page, 25)  # one Step runs 25 days and redraws once
    step(page, 27)
    expect(page.get_by_text("day 26 of 120 (2024-03-27)").first).to_be_visible()
    expect(page.get_by_text("XBM managed (scripted)")).to_be_visible()  # day 20-35: managed border
    save_screenshot(page, tmp_path, "dashboard-toy.png", keep=False)


def test_the_map_shows_a_place_on_hover_and_keeps_its_zoom(page: Page, dashboard_url: str) -> None:
    open_dashboard(page, dashboard_url)
    for day in range(1, 6):
        step(page, day)
    ahead = DashboardModel("toy")  # the same scenario and seed, run headless
    ahead.run_for(5)
    occupancy = ahead.population.occupancy[ahead.world.names.index("midtown")]
    assert occupancy[Status.IDP] > 0
    place(page, "midtown").hover()
    tooltip = page.locator("#vg-tooltip-element")
    expect(tooltip).to_be_visible(timeout=STEP_TIMEOUT)
    for text in ("midtown", "XAR Aralia", "town", f"{occupancy.sum():,}", f"{occupancy[Status.IDP]:,}",
                 "conflict intensity", "people present"):
        expect(tooltip).to_contain_text(text)

    ticks = page.locator(".allysim-map .role-axis-label text")  # longitude and latitude tick labels
    whole = ticks.all_text_contents()
    box = page.locator(".allysim-map svg.marks").bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] * 0.15, box["y"] + box["height"] * 0.08)  # over the map
    page.mouse.wheel(0, -400)  # zoom in
    expect(ticks).not_to_have_text(whole, timeout=STEP_TIMEOUT)
    zoomed = ticks.all_text_contents()
    before = updates(page, 0)
    step(page, 6)
    expect_redrawn(page, 0, before)
    expect(ticks).to_have_text(zoomed)  # the new day kept the zoom


def test_an_idle_page_exchanges_no_messages(page: Page, dashboard_url: str) -> None:
    """Once a day is drawn, nothing goes back and forth: the browser's drawing of the map and
    the charts (Vega marks the rows it is given) must not travel back to the server as changes."""
    frames: list[str] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda frame: frames.append(str(frame))))
    open_dashboard(page, dashboard_url)
    step(page, 1)
    expect(page.locator(".allysim-vega[data-updates]")).to_have_count(3, timeout=STEP_TIMEOUT)
    page.wait_for_timeout(1000)  # the day's messages have arrived
    before = len(frames)
    page.wait_for_timeout(2000)
    assert frames[before:] == []


def save_screenshot(page: Page, folder: Path, name: str, keep: bool = True) -> None:
    """Check the page is not blank; with ``keep``, keep the screenshot, of the whole page, in
    $ALLYSIM_DASHBOARD_SCREENSHOTS if set."""
    shot = folder / name
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 50_000  # a blank page is a few kB
    if keep and (target := os.environ.get(SCREENSHOT_ENV)):
        height = page.evaluate("Math.max(...[...document.querySelectorAll('*')].map(e => e.scrollHeight))")
        page.set_viewport_size({"width": 1440, "height": min(height + 24, MAX_SCREENSHOT_HEIGHT)})
        page.mouse.move(0, 0)  # no tooltip left open
        page.wait_for_timeout(1500)  # the charts take the new size
        Path(target).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(target) / name))
        page.set_viewport_size({"width": 1440, "height": 1000})


def set_render_interval(page: Page, days: int) -> None:
    """Move the Render Interval slider from 1 to ``days`` (its step is 2: 1, 3, 5, ...)."""
    slider = page.get_by_role("slider", name="Render Interval (steps)")
    slider.focus()
    for value in range(3, days + 1, 2):
        slider.press("ArrowRight")
        expect(slider).to_have_attribute("aria-valuenow", str(value))  # one key at a time
    expect(page.get_by_text(f"Render Interval (steps): {days}")).to_be_visible()  # the server has it


def event_day(page: Page, kind: str) -> str:
    """The Day cell of the event log row of this event type."""
    row = page.locator("tr", has=page.get_by_role("cell", name=re.compile(f"^{kind}")))
    return row.locator("td").first.inner_text()


def test_play_then_pause(page: Page, dashboard_url: str) -> None:
    open_dashboard(page, dashboard_url)
    page.get_by_role("button", name="▶").click()
    expect(page.get_by_text(re.compile(r"Time: (?:[2-9]|\d{2,})\.0"))).to_be_visible(timeout=20_000)
    page.get_by_role("button", name="❚❚").click()
    expect(page.get_by_role("button", name="Step")).to_be_enabled()
    paused_at = shown_time(page)
    page.wait_for_timeout(800)
    assert shown_time(page) - paused_at <= 1  # at most the step under way when paused


def shown_time(page: Page) -> float:
    return float(page.get_by_text(re.compile(r"^Time: ")).inner_text().removeprefix("Time: "))


def test_switching_scenario_loads_the_other_world(page: Page, dashboard_url: str) -> None:
    open_dashboard(page, dashboard_url)
    expect(place(page, "northtown")).to_have_count(1)
    pick(page, "Scenario", "twin")
    reset(page)
    expect(page.get_by_text(re.compile(r"twin \(3 locations, 2 states, 40 days, seed 3\)"))).to_be_visible()
    expect(place(page, "camp")).to_have_count(1, timeout=STEP_TIMEOUT)  # the other world's map
    expect(place(page, "northtown")).to_have_count(0)
    step(page, 1)
    expect(page.get_by_text("day 0 of 40 (2025-01-01)").first).to_be_visible()


def test_changing_a_lever_and_resetting_changes_the_outcome(page: Page, dashboard_url: str) -> None:
    open_dashboard(page, dashboard_url)
    step(page, 1)
    baseline = totals_row(page)

    flee_rate = page.get_by_role("slider", name="Flee rate at full conflict (1/day)")
    flee_rate.focus()
    flee_rate.press("End")  # the slider's maximum
    reset(page)
    expect(page.get_by_text(re.compile(r"flee_rate 0\.1 \(set\)"))).to_be_visible()
    step(page, 1)
    assert totals_row(page) != baseline


def test_typed_seed_survives_reset(page: Page, dashboard_url: str) -> None:
    open_dashboard(page, dashboard_url)
    seed = page.get_by_label("Random seed")
    seed.fill("11")
    seed.press("Enter")
    reset(page)
    expect(page.get_by_text(re.compile(r"seed 11\)"))).to_be_visible(timeout=STEP_TIMEOUT)
    seed.fill("eleven")
    seed.press("Enter")
    page.get_by_role("button", name="Reset").click()
    expect(page.get_by_text(re.compile("seed must be a whole number")).first).to_be_visible(
        timeout=STEP_TIMEOUT)


def test_two_browser_sessions_do_not_share_a_model(browser: Browser, dashboard_url: str) -> None:
    first, second = browser.new_context(), browser.new_context()
    try:
        a, b = first.new_page(), second.new_page()
        open_dashboard(a, dashboard_url)
        step(a, 1)
        open_dashboard(b, dashboard_url)  # a shared model would open at Time: 1.0
        step(b, 1)
        step(a, 2)  # each session steps its own model
    finally:
        first.close()
        second.close()


def test_a_bad_scenario_shows_its_error(page: Page, dashboard_url: str, scenario_folder: Path) -> None:
    bad = (TOY.read_text(encoding="utf-8").replace("days: 120", "dayz: 120")
           .replace("name: toy", "name: broken"))
    (scenario_folder / "broken.yaml").write_text(bad, encoding="utf-8")
    open_dashboard(page, dashboard_url)  # the picker lists the folder for each new session
    pick(page, "Scenario", "broken")
    page.get_by_role("button", name="Reset").click()
    expect(page.get_by_text("Scenario 'broken' could not be loaded")).to_be_visible(timeout=STEP_TIMEOUT)
    expect(page.get_by_text(re.compile(r"did you mean 'days'")).first).to_be_visible()
    expect(page.get_by_text("Traceback")).to_have_count(0)

    pick(page, "Scenario", "toy")
    reset(page)
    expect(drawings(page)).to_have_count(3, timeout=STEP_TIMEOUT)


def test_alliance_levers_follow_the_scenario_and_change_the_outcome(page: Page, dashboard_url: str,
                                                                    tmp_path: Path) -> None:
    open_dashboard(page, dashboard_url)  # toy: no alliance, so no alliance levers
    rule_lever = page.get_by_role("button", name=re.compile("^ALL intervention decision rule"))
    expect(page.get_by_text(re.compile(r"^Levers not applicable: decision_rule, trigger_displaced, "
                                       r"tolerance, burden_sharing, aid_budget"))).to_be_visible()
    expect(rule_lever).to_have_count(0)

    pick(page, "Scenario", "mechanisms/intervention")
    reset(page)
    expect(page.get_by_text(re.compile(r"intervention \(14 locations, 8 states, 1 alliance, 200 days"))) \
        .to_be_visible()
    expect(rule_lever).to_have_text(re.compile("unanimity"))  # the sidebar now offers its levers
    trigger = page.get_by_role("slider", name="ALL intervention trigger (people)")
    expect(trigger).to_have_attribute("aria-valuenow", "30000")
    ahead = DashboardModel("mechanisms/intervention")  # the same scenario and seed, run headless
    set_render_interval(page, 25)
    for day in range(25, 201, 25):
        step(page, day)
        ahead.run_for(25)
        if intervention_row(ahead).startswith("operating"):
            break
    expect(page.get_by_role("cell", name=intervention_row(ahead), exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name=re.compile("^intervention_decided rule unanimity"))).to_be_visible()
    unanimity_day = event_day(page, "intervention_decided")
    expect(page.locator("tr.agent-decision").first).to_be_visible()  # decisions are shaded
    expect(page.locator("tr.scripted-event").first).to_be_visible()
    save_screenshot(page, tmp_path, "dashboard-intervention.png")

    pick(page, "ALL intervention decision rule", "majority")
    reset(page)
    expect(page.get_by_text(re.compile(r"decision_rule majority \(set\)"))).to_be_visible()
    decided = page.get_by_role("cell", name=re.compile("^intervention_decided rule majority"))
    for day in range(25, 201, 25):
        step(page, day)
        if decided.count():
            break
    expect(page.get_by_role("cell", name="intervention in ORI (majority)")).to_be_visible()
    assert int(event_day(page, "intervention_decided")) < int(unanimity_day)  # majority: sooner

    pick(page, "Scenario", "toy")
    reset(page)  # the moved rule lever does not apply to toy: hidden, ignored, no error
    expect(page.get_by_text(re.compile(r"toy \(8 locations, 3 states, 120 days"))).to_be_visible()
    expect(rule_lever).to_have_count(0)
    expect(drawings(page)).to_have_count(3, timeout=STEP_TIMEOUT)


# Clicks on two buttons in the same instant, as a quick double click does: the second one reaches
# the server before the page has disabled it (Step is disabled while playing).
CLICK_TWO = """([first, second]) => {
    const buttons = [...document.querySelectorAll("button")];
    const named = name => buttons.find(b => b.innerText.trim().toLowerCase() === name);
    named(first).click();
    named(second).click();
}"""
PAGE_ERRORS = re.compile(r"Traceback|error in (step|visualization)|Too many renders|raised exception")
LOG_ERRORS = re.compile(r"Traceback|raised exception|error in (step|visualization)|Too many renders")


def assert_no_error(page: Page) -> None:
    expect(page.get_by_text(PAGE_ERRORS)).to_have_count(0)
    expect(page.locator(".v-alert.error")).to_have_count(0)


def shown_days(page: Page) -> tuple[float, int, int, int]:
    """(SolaraViz's Time, the Summary's "Now: day N", the day the map shows, the day the charts
    show)."""
    now = page.locator("p", has_text=re.compile(r"^Now: ")).inner_text()
    day = int(match.group(1)) if (match := re.search(r"day (\d+) of", now)) else -1
    map_day, charts_day = (int(page.locator("[data-day]").nth(i).get_attribute("data-day") or "-2")
                           for i in range(2))
    return shown_time(page), day, map_day, charts_day


def settled_days(page: Page, timeout: float = 20.0) -> tuple[float, int, int, int]:
    """The days shown once the page has stopped changing and agrees with itself."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        days = shown_days(page)
        if days == last and days[0] == days[1] + 1 == days[2] + 1 == days[3] + 1:
            return days
        if time.monotonic() > deadline:
            raise AssertionError(f"the page does not agree with itself: (Time, Now, map, charts) = {days}")
        last = days
        page.wait_for_timeout(400)


def test_alternating_step_and_play_keeps_the_page_whole(page: Page, dashboard_server: Server) -> None:
    """Step and ▶ clicked together, pause, Step as soon as it is enabled, again and again: no
    error on the page or in the server's output, pause and Step are handled while playing, and
    once settled Mesa's Time, the Summary's day, the map and the charts agree."""
    log_start = dashboard_server.log.stat().st_size
    open_dashboard(page, dashboard_server.url)
    play_interval = page.get_by_role("slider", name="Play Interval (ms)")
    play_interval.focus()
    for value in range(20, 101, 10):  # 10 ms -> 100 ms: twelve rounds of play stay within toy's 120 days
        play_interval.press("ArrowRight")
        expect(play_interval).to_have_attribute("aria-valuenow", str(value))
    expect(page.get_by_text("Play Interval (ms): 100")).to_be_visible()  # the server has it
    pauses = random.Random(11)
    for i in range(12):
        page.evaluate(CLICK_TWO, ["▶", "step"] if i % 2 else ["step", "▶"])
        page.wait_for_timeout(pauses.randint(0, 300))
        page.get_by_role("button", name="❚❚").click(timeout=STEP_TIMEOUT)
        page.get_by_role("button", name="Step").click(timeout=STEP_TIMEOUT)  # once enabled again
        assert_no_error(page)
    time_shown, _, _, _ = settled_days(page)  # Time N+1 with day N everywhere: no day lost or torn
    assert 12 * 2 <= time_shown < 120  # each round: at least the two Steps
    assert_no_error(page)
    with dashboard_server.log.open(encoding="utf-8", errors="replace") as log:
        log.seek(log_start)
        assert not LOG_ERRORS.search(log.read())


SECRET = "SECRET-MARKER-9"


def set_picker_value(page: Page, value: str) -> None:
    """Set the Scenario select's value as the browser would send it, bypassing its list."""
    page.evaluate("""(value) => {
        const root = [...document.querySelectorAll(".v-select")]
            .find(el => el.querySelector("label")?.innerText.trim() === "Scenario");
        root.__vue__.$emit("input", value);  // as choosing an item does: sets the widget's v_model
    }""", value)


def test_a_picker_value_outside_the_list_is_refused(page: Page, dashboard_url: str,
                                                    scenario_folder: Path) -> None:
    secret = scenario_folder.parent / "secret.yaml"  # outside the folder the picker lists
    secret.write_text(f"{SECRET}: hunter2\n", encoding="utf-8")
    open_dashboard(page, dashboard_url)
    for value in ["../secret", str(secret), "/etc/passwd"]:
        set_picker_value(page, value)
        page.get_by_role("button", name="Reset").click()
        expect(page.get_by_text("Scenario refused")).to_be_visible(timeout=STEP_TIMEOUT)
        expect(page.get_by_text(f"{value!r} is not one of the scenarios this dashboard offers",
                                exact=False)).to_be_visible(timeout=STEP_TIMEOUT)
        expect(page.get_by_text(SECRET)).to_have_count(0)
        expect(page.get_by_text(re.compile("root:|Traceback"))).to_have_count(0)

    pick(page, "Scenario", "toy")
    reset(page)
    expect(drawings(page)).to_have_count(3, timeout=STEP_TIMEOUT)


def set_replicates(page: Page, n: int) -> None:
    """Move the compare mode's replicates slider from its default (10) down to ``n``, one key
    press at a time, and wait until the server has the value."""
    replicates = page.get_by_role("slider", name="Replicates (paired seeds)")
    replicates.focus()
    for value in range(9, n - 1, -1):
        replicates.press("ArrowLeft")
        expect(replicates).to_have_attribute("aria-valuenow", str(value))
    expect(page.get_by_text(f"Replicates (paired seeds): {n}")).to_be_visible()


def test_compare_mode_runs_both_arms_in_the_background(page: Page, dashboard_url: str,
                                                       tmp_path: Path) -> None:
    """Four paired seeds of the intervention scenario, unanimity against majority: the page shows
    progress and stays usable (the single-run tab steps meanwhile), then the two arms' bands, the
    paired differences and one replicate's decisions; a replicate opens in the single-run mode."""
    open_dashboard(page, dashboard_url)
    page.get_by_role("tab", name="Compare runs").click()
    pick(page, "Baseline", "mechanisms/intervention")
    pick(page, "Variant", "mechanisms/intervention")
    pick(page, "ALL intervention decision rule", "majority")
    set_replicates(page, 4)
    page.get_by_label("Extra metrics").fill("decision_day[ALL]")
    page.get_by_label("Extra metrics").press("Enter")
    page.get_by_role("button", name="Run comparison").click()
    expect(page.get_by_text(re.compile(r"^Running: \d+ of 8 runs done"))).to_be_visible(timeout=STEP_TIMEOUT)

    page.get_by_role("tab", name="Single run").click()  # the page answers while the runs go on
    step(page, 1)
    page.get_by_role("tab", name="Compare runs").click()

    differences = page.locator(".allysim-differences")
    expect(differences).to_be_visible(timeout=120_000)
    for metric in ("total_fled", "peak_refugees", "displaced_days", "decision_day[ALL]"):
        expect(differences.get_by_role("cell", name=metric, exact=True)).to_be_visible()
    decided = differences.locator("tr", has=page.get_by_role("cell", name="decision_day[ALL]", exact=True))
    expect(decided).to_contain_text("lower")  # majority decides sooner, clearly, on all four seeds
    expect(page.get_by_text(re.compile(r"4 paired seeds \(11 to 14\)"))).to_be_visible()
    bands = page.locator(".allysim-bands")
    expect(bands.locator("[aria-roledescription='area mark']")).to_have_count(6)  # 3 series x 2 arms
    expect(bands.locator("[aria-roledescription='line mark']")).to_have_count(6)
    expect(page.get_by_role("cell", name=re.compile("^intervention_decided .*rule majority"))).to_be_visible()
    save_screenshot(page, tmp_path, "dashboard-compare-intervention.png")

    page.get_by_role("button", name="Watch the variant of seed 11 in the single run").click()
    expect(page.get_by_text("Time: 0.0")).to_be_visible(timeout=STEP_TIMEOUT)
    expect(page.get_by_text(re.compile(r"intervention \(14 locations.*seed 11\)"))).to_be_visible()
    expect(page.get_by_text(re.compile(r"decision_rule majority \(set\)"))).to_be_visible()


def test_kosovo_map_groups_far_states_and_a_higher_flee_rate_displaces_more(page: Page, dashboard_url: str,
                                                                             tmp_path: Path) -> None:
    """The 63-place, 25-state Kosovo world: far-away receiving states share one legend entry, the
    evacuations to them are noted where people left, closed borders are marked; compared on
    three seeds, doubling the flee rate clearly raises the number who fled."""
    open_dashboard(page, dashboard_url)
    pick(page, "Scenario", "kosovo-1999")
    reset(page)
    expect(page.get_by_text(re.compile(r"kosovo-1999 \(63 locations, 25 states"))).to_be_visible()
    set_render_interval(page, 25)
    step(page, 25)
    step(page, 50)
    legend = page.locator(".allysim-map-panel .allysim-legend")
    expect(legend).to_contain_text("21 far-away states (DEU, USA, TUR, FRA, NOR, ITA, …)")
    expect(legend).not_to_contain_text("Germany")
    expect(page.locator(".allysim-map text", has_text=re.compile(r"^[\d,]+ sent away$"))).to_have_count(1)
    expect(page.locator('.allysim-map path[aria-label*="entry: into XKX: closed"]').first).to_be_attached()
    place(page, "Kukes camps").hover()
    expect(page.locator("#vg-tooltip-element")).to_contain_text("Kukes camps")
    save_screenshot(page, tmp_path, "dashboard-kosovo.png")

    page.get_by_role("tab", name="Compare runs").click()
    pick(page, "Baseline", "kosovo-1999")
    pick(page, "Variant", "kosovo-1999")
    flee_rate = page.get_by_role("slider", name="Flee rate at full conflict (1/day)")
    flee_rate.focus()
    flee_rate.press("End")  # 0.05 -> 0.1
    expect(flee_rate).to_have_attribute("aria-valuenow", "0.1")
    set_replicates(page, 3)
    expect(page.get_by_text("Flee rate at full conflict (1/day): 0.1")).to_be_visible()
    page.get_by_role("button", name="Run comparison").click()
    differences = page.locator(".allysim-differences")
    expect(differences).to_be_visible(timeout=180_000)
    fled = differences.locator("tr", has=page.get_by_role("cell", name="total_fled", exact=True))
    expect(fled).to_contain_text("higher")
    expect(page.get_by_text("variant kosovo-1999 with flee_rate 0.1", exact=False)).to_be_visible()
    save_screenshot(page, tmp_path, "dashboard-compare-kosovo.png")
