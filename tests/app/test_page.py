"""The workshop page in a real browser: Debian's chromium, headless, driven by Playwright.

The page is served by ``barrio app`` (as a facilitator starts it) on 127.0.0.1. Each test
saves a screenshot in ``test-artifacts/screenshots/``. Without chromium these tests are
skipped on a developer machine and fail under CI (see ``tests/conftest.py``).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from barrio.app.labels import say

pytestmark = pytest.mark.browser

# Not test-results/: pytest-playwright empties that folder at the start of every session.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
#: Generous: the first page load builds the model and runs its two-year warm-up.
LOAD_TIMEOUT_MS = 120_000
PUNITIVE_LABEL = "Chance a seller met by police is arrested"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Iterator[str]:
    """``barrio app baseline`` on a free port of 127.0.0.1; yields its address."""
    port = _free_port()
    log = tmp_path_factory.mktemp("app") / "server.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "barrio.cli",
                "app",
                "baseline",
                "--port",
                str(port),
                "--language",
                "en",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            # An asset missing from solara-assets would be fetched from this CDN: point it
            # at a closed local port, so that such a fetch fails and shows in the log
            # instead of passing quietly wherever there is internet.
            env={**os.environ, "SOLARA_ASSETS_CDN": "http://127.0.0.1:9/"},
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(url, timeout=5)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"barrio app did not start:\n{log.read_text()}")
                time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    # The server must not have fetched anything from the web either (CDN, telemetry).
    assert "Could not load URL" not in log.read_text()


def _open(page, url: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(url)
    page.wait_for_selector(".barrio-week", timeout=LOAD_TIMEOUT_MS)


def _week(page) -> int:
    return int(re.search(r"\((?:week|semana) (\d+)\)", page.inner_text(".barrio-week")).group(1))


def _charts_drawn(page, runs: int = 1, language: str = "en") -> None:
    """Wait until all six charts show the week on the counter, in ``language``, with ``runs`` lines.

    The lines are drawn on a canvas; the page marks each chart's element with the week,
    language and number of runs of the option it was last drawn from.
    """
    page.wait_for_function(
        r"""([runs, language]) => {
            const week = document.querySelector('.barrio-week').innerText.match(/\((?:week|semana) (\d+)\)/);
            const charts = [...document.querySelectorAll('.barrio-chart .solara-echarts')];
            return week !== null && charts.length === 6 && charts.every((c) =>
                c.querySelector('canvas') !== null && c.dataset.week === week[1]
                && c.dataset.language === language && c.dataset.runs === String(runs));
        }""",
        arg=[runs, language],
        timeout=60_000,
    )


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def _play_until(page, week: int) -> None:
    """Press play, wait until the counter passes ``week``, press pause."""
    page.click(".barrio-play")
    page.wait_for_function(
        f"() => {{ const m = document.querySelector('.barrio-week').innerText.match(/week (\\d+)/);"
        f" return m && Number(m[1]) >= {week}; }}",
        timeout=60_000,
    )
    page.click(".barrio-play")
    page.wait_for_selector(".barrio-play:has-text('Play')")


def test_page_loads_without_errors_or_outside_requests(page, server):
    errors, outside = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    def only_local(route):
        if urlsplit(route.request.url).hostname != "127.0.0.1":
            outside.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    page.route("**/*", only_local)
    _open(page, server)
    _play_until(page, 8)
    _charts_drawn(page)
    _shot(page, "loaded")
    assert errors == []
    assert outside == []
    assert page.locator(".barrio-map img").count() == 1
    assert page.locator(".barrio-chart canvas").count() == 6
    assert page.inner_text(".section-enforcement").startswith("Enforcement")


def test_play_advances_the_week_and_the_charts(page, server):
    _open(page, server)
    assert _week(page) == 0
    _charts_drawn(page)
    before = page.locator(".chart-chart_sellers").screenshot()
    _play_until(page, 12)
    _charts_drawn(page)
    after = page.locator(".chart-chart_sellers").screenshot()
    _shot(page, "played")
    assert _week(page) >= 12
    assert "Year 1, month" in page.inner_text(".barrio-week")
    assert before != after


def test_slider_then_reset_runs_with_the_new_value(page, server):
    _open(page, server)
    expect(page.locator(".barrio-run-details")).to_contain_text(f"{PUNITIVE_LABEL}: 50")
    _play_until(page, 4)
    thumb = page.locator(".lever-punitive_intensity [role=slider]")
    thumb.focus()
    for _ in range(4):  # 5 points a press
        thumb.press("ArrowRight")
    # The page is playing: the server answers the key presses between weeks, so on a loaded
    # machine (the full suite beside a study) this can take longer than the default 30 s.
    page.wait_for_selector(".lever-punitive_intensity:has-text('arrested: 70 %')", timeout=60_000)
    page.click(".barrio-reset")
    page.wait_for_function("() => document.querySelector('.barrio-week').innerText.includes('(week 0)')")
    # The new run's charts, drawn with the rest of its page.
    _charts_drawn(page)
    _shot(page, "slider-reset")
    # The details line is read from the running model's parameters.
    expect(page.locator(".barrio-run-details")).to_contain_text(f"{PUNITIVE_LABEL}: 70")
    assert _week(page) == 0


def test_a_library_scenario_is_loaded_as_the_starting_point(page, server):
    _open(page, server)
    page.click(".barrio-scenario")
    # The menu draws its items in chunks as it scrolls: scroll until the one wanted is drawn.
    item = page.locator(".v-menu__content .v-list-item:has-text('Mano dura (crackdown)')")
    for _ in range(10):
        if item.count():
            break
        page.locator(".v-menu__content").evaluate("menu => { menu.scrollTop = menu.scrollHeight; }")
        page.wait_for_timeout(300)
    item.click()
    page.wait_for_selector(".barrio-map:has-text('Mano dura (crackdown)')", timeout=60_000)
    _shot(page, "mano-dura-loaded")
    # mano_dura's levers from its first policy week, read back from the new run.
    expect(page.locator(".barrio-run-details")).to_contain_text(f"{PUNITIVE_LABEL}: 80")
    expect(page.locator(".lever-punitive_intensity")).to_contain_text(f"{PUNITIVE_LABEL}: 80 %")
    assert _week(page) == 0


def test_map_layer_can_be_chosen(page, server):
    _open(page, server)
    before = page.locator(".barrio-map img").get_attribute("src")
    page.click(".barrio-layer")
    page.click(".v-menu__content .v-list-item:has-text('Trust in the state')")
    # The layer's colour ramp, between its ends.
    expect(page.locator(".barrio-legend")).to_contain_text("Trust in the state: low")
    expect(page.locator(".barrio-legend .ramp")).to_be_visible()
    page.wait_for_function(
        f"() => document.querySelector('.barrio-map img').getAttribute('src') !== {before!r}", timeout=30_000
    )
    _shot(page, "trust-layer")


def test_language_switch_changes_the_labels(page, server):
    _open(page, server)
    page.click(".barrio-language >> text=PT")
    page.wait_for_selector(".section-enforcement:has-text('Repressão e punição')")
    expect(page.locator(".barrio-week")).to_contain_text("Ano 1, mês 1")
    page.click(".barrio-language >> text=ES")
    page.wait_for_selector(".section-enforcement:has-text('Control y castigo')")
    # The page's parts reach the browser one after another: wait for the last ones.
    page.wait_for_selector(".barrio-run-details:has-text('Esta simulación')")
    page.wait_for_selector(".barrio-legend:has-text('Territorio')")
    _charts_drawn(page, language="es")  # chart titles are drawn on a canvas, out of reach of a selector
    _shot(page, "spanish")
    expect(page.locator(".barrio-week")).to_contain_text("Año 1, mes 1")
    expect(page.locator(".barrio-play")).to_have_text(re.compile("iniciar", re.IGNORECASE))


def test_side_by_side_shows_two_maps(page, server):
    _open(page, server)
    page.click(".barrio-side-by-side .v-input--selection-controls__ripple")
    page.wait_for_function("() => document.querySelectorAll('.barrio-map img').length === 2", timeout=60_000)
    _play_until(page, 8)
    _charts_drawn(page, runs=2)
    _shot(page, "side-by-side")
    names = page.locator(".barrio-map").all_inner_texts()
    assert [n.split("\n")[0] for n in names] == ["Status quo (baseline)", "Mano dura (crackdown)"]
    assert page.locator(".barrio-chart canvas").count() == 6
    # On a 1280 x 720 projector the charts start on screen, and nothing runs off to the side.
    assert page.locator(".barrio-charts").bounding_box()["y"] < 720
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    # Switching side by side off keeps the main run where it was.
    week = _week(page)
    page.click(".barrio-side-by-side .v-input--selection-controls__ripple")
    page.wait_for_function("() => document.querySelectorAll('.barrio-map img').length === 1")
    assert _week(page) == week


def test_a_refused_value_is_explained_and_not_applied(page, server):
    _open(page, server)
    hot = page.locator(".lever-hot_spots [role=slider]")
    hot.focus()
    hot.press("End")  # all units on hot spots
    page.wait_for_selector(".lever-hot_spots:has-text('100 %')")
    focused = page.locator(".lever-focused_deterrence [role=slider]")
    focused.focus()
    focused.press("ArrowRight")  # 5% more than all units
    # Beside the lever, in the slider's unit, with what is possible now.
    expect(page.locator(".lever-focused_deterrence .barrio-lever-refused")).to_contain_text(
        "possible now: 0 to 0 % of units"
    )
    _shot(page, "refused")
    expect(page.locator(".lever-focused_deterrence")).to_contain_text(": 0 %")
    expect(page.locator(".lever-focused_deterrence [role=slider]")).to_have_attribute("aria-valuenow", "0")
    expect(page.locator(".barrio-run-details")).to_contain_text("Focused deterrence on violent groups: 0")


def test_two_browser_sessions_run_independent_models(browser, server):
    one, two = browser.new_context(), browser.new_context()
    try:
        a, b = one.new_page(), two.new_page()
        _open(a, server)
        _open(b, server)
        _play_until(a, 8)
        thumb = a.locator(".lever-punitive_intensity [role=slider]")
        thumb.focus()
        thumb.press("ArrowLeft")
        a.wait_for_selector(".lever-punitive_intensity:has-text('arrested: 45 %')")
        expect(a.locator(".barrio-run-details")).to_contain_text(f"{PUNITIVE_LABEL}: 45")
        # Make the second page draw itself again after the first one's changes: had the two
        # shared a model, this drawing would show the first one's week and lever.
        b.click(".barrio-language >> text=PT")
        b.wait_for_selector(".section-enforcement:has-text('Repressão e punição')")
        _charts_drawn(a)
        _charts_drawn(b, language="pt")
        _shot(a, "session-one")
        _shot(b, "session-two")
        assert _week(a) >= 8
        assert _week(b) == 0
        expect(b.locator(".barrio-run-details")).to_contain_text(f"{say('punitive_intensity', 'pt')}: 50")
    finally:
        one.close()
        two.close()


def test_the_facilitators_notes_name_only_levers_and_buttons_the_page_has():
    """docs/workshop.md names the page's controls in italics: each one is a label of the page."""
    from barrio.app.controls import CONTROLS
    from barrio.app.labels import LANGUAGES, TEXT

    notes = (Path(__file__).resolve().parents[2] / "docs" / "workshop.md").read_text()
    named = set(re.findall(r"(?<![*\w])\*([^*\n]+)\*(?![*\w])", notes))
    labels = {text.casefold().strip(' ."') for texts in TEXT.values() for text in texts.values()}
    labels |= {say(c.key, lang).casefold() for c in CONTROLS for lang in LANGUAGES}
    sections = {say(c.section.value, "en").casefold() for c in CONTROLS}
    assert named, "the notes name the page's controls in italics"
    missing = {
        name
        for name in named
        # A section is named by its label's first words ("Enforcement" for "Enforcement and ...").
        if name.casefold().strip(' ."') not in labels
        and not any(s.startswith(name.casefold()) for s in sections)
    }
    assert missing == set()
