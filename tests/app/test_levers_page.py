"""The levers as a facilitator drives them in a real browser: a drag, a switch, a refusal.

Served and driven as in tests/app/test_page.py (Debian's chromium, ``barrio app`` on 127.0.0.1).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from barrio.app.labels import say
from tests.app.test_page import _shot, server  # noqa: F401 - the module's server
from tests.app.test_room_page import _open

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        yield context.new_page()
    finally:
        context.close()


def _moves(page) -> list[str]:
    moves = parse_qs(urlsplit(page.url).query).get("moves", [""])[0]
    return [m for m in moves.split(",") if m]


def test_a_drag_is_one_change_made_where_the_slider_is_let_go(page, server):  # noqa: F811
    _open(page, server + "?lang=es")
    track = page.locator(".lever-units .v-slider").bounding_box()
    y = track["y"] + track["height"] / 2
    at = lambda units: track["x"] + track["width"] * units / 30  # noqa: E731 - the slider's 0 to 30
    page.mouse.move(at(5), y)
    page.mouse.down()
    for units in range(6, 16):  # slowly, as a hand does: the page sees every value on the way
        page.mouse.move(at(units), y, steps=3)
        page.wait_for_timeout(60)
    page.mouse.up()
    page.wait_for_selector(".lever-units:has-text(': 15 por')")
    page.wait_for_timeout(500)  # a late change would have reached the address by now
    assert _moves(page) == ["0.units:15"]
    # One line on the charts, not one a step of the drag.
    expect(page.locator(".chart-chart_sellers .solara-echarts")).to_have_attribute("data-events", "1")
    _shot(page, "levers-drag")


def test_the_users_switch_says_what_it_is(page, server):  # noqa: F811
    _open(page, server + "?lang=pt")
    label = page.locator(".lever-possession .v-label")
    expect(label).to_be_visible()
    expect(label).to_have_text(say("possession", "pt"))
    label.scroll_into_view_if_needed()
    _shot(page, "levers-switch-label")


def test_a_refusal_names_what_blocks_it_and_goes_when_a_lever_moves(page, server):  # noqa: F811
    _open(page, server + "?lang=en")
    hot = page.locator(".lever-hot_spots [role=slider]")
    hot.focus()
    hot.press("End")
    page.wait_for_selector(".lever-hot_spots:has-text('100 %')")
    focused = page.locator(".lever-focused_deterrence [role=slider]")
    focused.focus()
    focused.press("End")
    refusal = page.locator(".lever-focused_deterrence .barrio-lever-refused")
    expect(refusal).to_have_text(
        "100 % of units is not possible with Hot-spot patrols at 100 % of units; possible now: 0 to "
        "0 % of units."
    )
    # The slider goes back to the value in use.
    expect(focused).to_have_attribute("aria-valuenow", "0")
    page.wait_for_timeout(500)  # Vuetify's thumb transition
    _shot(page, "levers-refused")
    hot.focus()
    hot.press("Home")
    page.wait_for_selector(".lever-hot_spots:has-text(': 0 %')")
    expect(refusal).to_have_count(0)
    expect(page.locator(".barrio-lever-refused")).to_have_count(0)
    assert re.search(r"hot_spots:0", page.url)
