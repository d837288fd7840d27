"""The workshop page in a live room, in a real browser: a projector (1024 x 768), a laptop
projector side by side (1280 x 720) and a phone (390 x 844).

Each test saves a screenshot per screen in ``test-artifacts/screenshots/`` (``room-*``).
Waits are on what the page shows (the week counter, the charts' data attributes), never on
time.
"""

from __future__ import annotations

import itertools
import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from barrio.app.labels import say
from tests.app.test_page import LOAD_TIMEOUT_MS, _shot, server  # noqa: F401 - the module's server

pytestmark = pytest.mark.browser

SCREENS = {"projector": (1024, 768), "laptop": (1280, 720), "phone": (390, 844)}


@pytest.fixture(params=list(SCREENS))
def screen(request, browser):
    """A fresh page at one of the room's screen sizes; yields (page, screen name)."""
    width, height = SCREENS[request.param]
    context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
    page = context.new_page()
    try:
        yield page, request.param
    finally:
        context.close()


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(".barrio-week", timeout=LOAD_TIMEOUT_MS)
    _charts_at(page, _week(page))


def _week(page) -> int:
    return int(re.search(r"\((?:week|semana) (\d+)\)", page.inner_text(".barrio-week")).group(1))


def _charts_at(page, week: int, runs: int = 1) -> None:
    page.wait_for_function(
        """([week, runs]) => {
            const charts = [...document.querySelectorAll('.barrio-chart .solara-echarts')];
            return document.querySelector('.barrio-preparing') === null
                && charts.length === 6 && charts.every((c) => c.querySelector('canvas') !== null
                && c.dataset.week === String(week) && c.dataset.runs === String(runs));
        }""",
        arg=[week, runs],
        timeout=60_000,
    )


def _levers(page, name: str) -> None:
    """On a phone the levers are folded away: unfold them."""
    if name == "phone":
        expect(page.locator(".barrio-levers")).to_be_hidden()
        page.click(".barrio-main .barrio-levers-toggle")
        expect(page.locator(".barrio-levers")).to_be_visible()


def _close_levers(page, name: str) -> None:
    if name == "phone":
        page.click(".barrio-levers-close")
        expect(page.locator(".barrio-levers")).to_be_hidden()


def _box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


def test_map_and_all_six_charts_are_on_one_screen(screen, server):  # noqa: F811
    page, name = screen
    width, height = SCREENS[name]
    _open(page, server)
    if name == "laptop":
        page.click(".barrio-side-by-side .v-input--selection-controls__ripple")
        page.wait_for_function("() => document.querySelectorAll('.barrio-map img').length === 2")
        _charts_at(page, 0, runs=2)
    _shot(page, f"room-layout-{name}")
    maps = [
        page.locator(".barrio-map img").nth(k).bounding_box() for k in range(2 if name == "laptop" else 1)
    ]
    charts = [page.locator(f".chart-{p} canvas").first.bounding_box() for p in _panels()]
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing runs off the side
    # Accessibility: the document's language, the map's text alternative.
    assert page.evaluate("document.documentElement.lang") == "en"
    alt = page.locator(".barrio-map img").first.get_attribute("alt")
    assert re.match(r"Map of the neighbourhood, 60 by 60 blocks, layer 'Territory', week 0: \d+ groups", alt)
    # The legend names each group on the map with its colour.
    assert page.locator(".barrio-legend-group").count() >= 2
    expect(page.locator(".barrio-legend")).to_contain_text("group A")
    _take_away(page, name)
    if name == "phone":
        # Stacked: the map as wide as the phone, the levers folded away behind a button.
        assert maps[0]["width"] >= width - 20
        _levers(page, name)
        _shot(page, "room-layout-phone-levers")
        return
    for box in maps + charts:
        assert box["y"] >= 0 and box["y"] + box["height"] <= height, box
        assert box["x"] + box["width"] <= width, box
    assert maps[0]["width"] >= (220 if name == "laptop" else 280)  # maps the room can read
    if name == "laptop":
        # Below the charts: both runs' scenarios and levers, and the seed they share.
        details = page.locator(".barrio-run-details")
        expect(details).to_contain_text("Both runs use the same seed (1)")
        expect(details).to_contain_text("Right: Mano dura (crackdown), without the room's changes (Crackdown")
        details.scroll_into_view_if_needed()
        _shot(page, "room-layout-laptop-details")


def _take_away(page, name: str) -> None:
    """The run's table as CSV, and a chart as PNG, from the page."""
    _levers(page, name)  # on a phone, the table is with the levers
    with page.expect_download() as table:
        page.click("text=Table (CSV)")
    _close_levers(page, name)
    csv = Path(table.value.path()).read_text(encoding="utf-8").splitlines()
    assert csv[0].startswith("week,") and csv[0].endswith(",run,seed")
    chart = page.locator(".chart-chart_sellers .solara-echarts")
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    with page.expect_download() as png:
        # ECharts' save button sits at the chart's bottom right corner.
        page.mouse.click(box["x"] + box["width"] - 5, box["y"] + box["height"] - 5)
    assert png.value.suggested_filename == "barrio-chart_sellers.png"
    assert Path(png.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_speed_runs_a_week_at_a_time_when_slow_and_a_month_at_a_time_at_most(screen, server):  # noqa: F811
    page, name = screen
    _open(page, server)
    # Every week the counter shows, recorded as it changes.
    page.evaluate(
        """() => { window.weeks = [];
        new MutationObserver(() => {
            const m = document.querySelector('.barrio-week')?.innerText.match(/\\(week (\\d+)\\)/);
            if (m && window.weeks.at(-1) !== Number(m[1])) window.weeks.push(Number(m[1]));
        }).observe(document.body, {subtree: true, childList: true, characterData: true}); }"""
    )
    page.click(".barrio-speed >> text='1'")
    expect(page.locator(".barrio-speed .v-btn--active")).to_have_text("1")
    page.click(".barrio-play")
    page.wait_for_function("() => window.weeks.at(-1) >= 2", timeout=60_000)
    page.click(".barrio-play")
    page.wait_for_selector(".barrio-play:has-text('Play')")
    slow = page.evaluate("window.weeks")
    page.click(".barrio-speed >> text='max'")
    page.evaluate("window.weeks = []")
    page.click(".barrio-play")
    page.wait_for_function("() => window.weeks.length >= 3", timeout=60_000)
    page.click(".barrio-play")
    page.wait_for_selector(".barrio-play:has-text('Play')")
    fast = page.evaluate("window.weeks")
    _charts_at(page, _week(page))
    _shot(page, f"room-speed-{name}")
    assert {b - a for a, b in itertools.pairwise(slow)} == {1}
    assert {b - a for a, b in itertools.pairwise(fast)} == {4}
    # The time axis is labelled in years; each chart says its current value with its unit.
    expect(page.locator(".chart-chart_sellers .barrio-monitor")).to_contain_text(
        re.compile(r"Now: [\d,.]+ people")
    )


def test_levers_explain_themselves_and_refusals_stay_beside_the_lever(screen, server):  # noqa: F811
    page, name = screen
    _open(page, server + "?lang=es")
    _levers(page, name)
    # Help, in the room's language, with the unit.
    page.click(".lever-reentry .barrio-help-button")
    expect(page.locator(".lever-reentry .barrio-help-text")).to_have_text(say("help_reentry", "es"))
    # The transfer amount does nothing without a cash budget, and says so.
    expect(page.locator(".lever-cash_amount")).to_contain_text("Sin efecto ahora")
    # Sliders are labelled for screen readers.
    label = page.locator(".lever-units [role=slider]").get_attribute("aria-label")
    assert label == say("units", "es")
    # A refused value: in Spanish, in the slider's unit, under the lever; the map does not move.
    map_before = _box(page, ".barrio-map img")
    hot = page.locator(".lever-hot_spots [role=slider]")
    hot.focus()
    hot.press("End")
    page.wait_for_selector(".lever-hot_spots:has-text('100 %')")
    focused = page.locator(".lever-focused_deterrence [role=slider]")
    focused.focus()
    focused.press("ArrowRight")
    refusal = page.locator(".lever-focused_deterrence .barrio-lever-refused")
    expect(refusal).to_have_text(
        "5 % de las patrullas no es posible con Patrullaje de puntos calientes en 100 % de las "
        "patrullas; ahora es posible de 0 a 0 % de las patrullas."
    )
    _shot(page, f"room-levers-{name}")
    assert _box(page, ".barrio-map img") == map_before
    assert "focused_deterrence" not in page.inner_text("body")  # no model names in the room
    # A programme with a budget says what it spent and whom it reached.
    school = page.locator(".lever-school [role=slider]")
    school.focus()
    school.press("ArrowRight")
    page.wait_for_selector(".lever-school:has-text(': 1 mil')")
    _close_levers(page, name)
    page.click(".barrio-step")
    _levers(page, name)
    expect(page.locator(".lever-school .barrio-lever-note")).to_contain_text(
        re.compile(r"Esta semana: gastó [\d,]+ USD, alcanzó a [\d,]+ personas")
    )


def test_a_reload_finds_the_run_where_it_was(screen, server):  # noqa: F811
    page, name = screen
    _open(page, server)
    _levers(page, name)
    thumb = page.locator(".lever-units [role=slider]")
    thumb.focus()
    thumb.press("ArrowRight")
    page.wait_for_selector(".lever-units:has-text(': 6 per')")
    _close_levers(page, name)
    page.click(".barrio-step")
    # One month: from week 0 to the first week of month 2.
    page.wait_for_function("() => document.querySelector('.barrio-week').innerText.includes('(week 5)')")
    _levers(page, name)  # on a phone, the language is with the levers
    page.click(".barrio-language >> text=PT")
    page.wait_for_selector(".barrio-week:has-text('semana 5')")
    _close_levers(page, name)
    _charts_at(page, 5)
    # The run details are redrawn apart from the clock: read them once they are in Portuguese too.
    expect(page.locator(".barrio-run-details")).to_contain_text(say("this_run", "pt"))
    details = page.inner_text(".barrio-run-details")
    # The room's move is a marked line on every chart.
    assert page.locator(".chart-chart_sellers .solara-echarts").get_attribute("data-events") == "1"
    page.reload()
    page.wait_for_selector(".barrio-week:has-text('semana 5')", timeout=LOAD_TIMEOUT_MS)
    _charts_at(page, 5)
    _shot(page, f"room-reloaded-{name}")
    assert page.inner_text(".barrio-run-details") == details
    assert page.evaluate("document.documentElement.lang") == "pt"
    assert page.locator(".chart-chart_sellers .solara-echarts").get_attribute("data-events") == "1"
    alt = page.locator(".barrio-map img").get_attribute("alt")
    assert alt.startswith("Mapa do bairro, 60 por 60 quadras, camada «Território», semana 5")
    _controls_wait_while_preparing(page)


def test_a_link_opens_a_scenario_in_a_language_and_an_unknown_one_says_so(screen, server):  # noqa: F811
    page, name = screen
    _not_found(page, server, name)
    _open(page, server + "?scenario=covid_shock&lang=pt&week=56")
    assert _week(page) == 56
    expect(page.locator(".barrio-scenario")).to_contain_text("Choque da pandemia")
    _levers(page, name)
    # The scenario's description in the room's language, not its file's English.
    expect(page.locator(".barrio-description")).to_contain_text("choque de pandemia de um ano")
    # The shock starts in week 52: a line on each chart, whose axis now spans two years.
    assert page.locator(".chart-chart_sellers .solara-echarts").get_attribute("data-events") == "1"
    _shot(page, f"room-link-{name}")


def _controls_wait_while_preparing(page) -> None:
    """Reset: while "Preparing" shows, the buttons are disabled."""
    # Whenever "Preparing" shows, record whether the buttons and levers are disabled.
    page.evaluate(
        """() => { window.seen = [];
        new MutationObserver(() => {
            if (!document.querySelector('.barrio-preparing')) return;
            window.seen.push(document.querySelector('.barrio-step').disabled
                && document.querySelector('.barrio-reset').disabled
                && document.querySelector('.barrio-play').disabled);
        }).observe(document.body, {subtree: true, childList: true, attributes: true}); }"""
    )
    page.click(".barrio-reset")
    page.wait_for_function("() => window.seen.length > 0", timeout=60_000)
    page.wait_for_selector(".barrio-week", timeout=LOAD_TIMEOUT_MS)
    expect(page.locator(".barrio-step")).to_be_enabled()
    # The buttons follow "Preparing" within a message or two: they were disabled while it showed.
    assert any(page.evaluate("window.seen"))


def _not_found(page, url: str, name: str) -> None:
    """An unknown address: the page's own message, in the link's language, and a way home."""
    with pytest.raises(urllib.error.HTTPError) as answer:
        urllib.request.urlopen(url + "foo/bar?lang=pt", timeout=30)
    assert answer.value.code == 404
    answer.value.close()
    page.goto(url + "foo/bar?lang=pt")
    expect(page.locator(".barrio-not-found")).to_have_text(say("not_found", "pt"))
    _shot(page, f"room-not-found-{name}")
    page.click(".barrio-home")
    page.wait_for_selector(".barrio-week", timeout=LOAD_TIMEOUT_MS)
    assert page.evaluate("document.documentElement.lang") == "pt"
    expect(page.locator(".barrio-play")).to_have_text(re.compile("iniciar", re.IGNORECASE))


def _panels() -> list[str]:
    from barrio.app.charts import PANELS

    return list(PANELS)
