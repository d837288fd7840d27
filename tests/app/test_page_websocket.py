"""What a browser sends over the page's websocket is checked on the server, as an attacker sends it.

The page's controls offer only what the page allows (the patrol units slider stops at 30), but a
browser can send any value over its websocket. These tests send, from a real page in chromium,
what no control of the page would send, the way an attacker would: through the page's own
connection, as the update message of the control's widget (Jupyter's widget protocol, which
Solara speaks to its server), from a page whose slider was widened in the browser. They then
read from the page what the server did: the lever's value in the running model (the run's
details line, read back from the model), the refusal beside the lever or at the foot of the
page, and no traceback.

Why the widget rather than the Vuetify slider's own Vue instance (``el.__vue__.$emit``): the
page in this very browser clamps a value beyond its slider's range and sends the clamped value
(30) right after the one sent, so the run ends at 30 whether the server checked or not. An
attacker's client does not clamp; widening the slider's range in the browser (as one would
in the developer tools) gives the same.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from barrio.app.labels import say
from tests.app.test_page import _open, _shot, _week, server  # noqa: F401 - the module's server

pytestmark = pytest.mark.browser

#: Sends ``state`` as the update of the one live widget whose attributes match ``match``, over the
#: page's own websocket, without changing what this browser shows; ``widen`` first widens the
#: widget's range in this browser only (the server's range is not told).
SEND = """async ([match, state, widen]) => {
    const root = await window.requestWidget('solara-main');
    const matches = (m) => m.comm_live && Object.entries(match).every(([k, v]) => m.get(k) === v);
    let found = [];
    // A control a refusal rebuilt may still be on its way: look again for a few seconds.
    for (let tries = 0; found.length !== 1 && tries < 50; tries++) {
        if (tries) await new Promise((resolve) => setTimeout(resolve, 100));
        found = (await Promise.all(Object.values(root.model.widget_manager._models))).filter(matches);
    }
    if (found.length !== 1) {
        throw new Error(`${found.length} live widgets match ${JSON.stringify(match)}`);
    }
    if (widen) {
        found[0].set({min: -1e9, max: 1e9});
    }
    found[0].send_sync_message(state);
}"""
#: A slider's value comes as the event Vuetify sends once the thumb is let go, not as v_model.
SEND_EVENT = SEND.replace(
    "found[0].send_sync_message(state);", "found[0].send({event: 'change', data: state});"
)

UNITS = say("units", "en")
POSSESSION = say("possession", "en")
NOT_POSSIBLE = say("error_levers", "en")
#: What the room reads when a value fails inside one of Solara's controls (not Python's words).
REFUSED = say("control_refused", "en")


def _send(page, match: dict, value: object, widen: bool = False) -> None:
    if match.get("_model_name") == "SliderModel":
        page.evaluate(SEND_EVENT, [match, value, widen])
    else:
        page.evaluate(SEND, [match, {"v_model": value}, widen])


def _details(page):
    return page.locator(".barrio-run-details")


def _no_traceback(page) -> None:
    body = page.inner_text("body")
    assert "Traceback" not in body and 'File "' not in body


def test_values_beyond_the_pages_range_sent_over_the_websocket_are_refused(page, server):  # noqa: F811
    _open(page, server)
    units = {"_model_name": "SliderModel", "label": UNITS}
    refused = page.locator(".lever-units .barrio-lever-refused")

    # 1,000 patrol units where the slider offers 0 to 30 (the model itself would take it).
    _send(page, units, 1000, widen=True)
    expect(refused).to_contain_text("1000")
    _shot(page, "websocket-1000-units")
    expect(_details(page)).to_contain_text(f"{UNITS}: 5 ·")
    expect(page.locator(".lever-units")).to_contain_text(f"{UNITS}: 5 per")
    _no_traceback(page)

    # Below the range, and a number within it but not a number.
    _send(page, units, -5, widen=True)
    expect(refused).to_contain_text("-5")
    _send(page, units, "abc")
    error = page.locator(".barrio-error")
    expect(error).to_contain_text(f"{NOT_POSSIBLE} {UNITS}: {REFUSED}")
    expect(error).not_to_contain_text("could not convert")
    expect(_details(page)).to_contain_text(f"{UNITS}: 5 ·")
    _no_traceback(page)

    # The same way, a value within the range is taken by the running model: what is refused
    # above is refused by the server, not lost on the way.
    _send(page, units, 12)
    expect(_details(page)).to_contain_text(f"{UNITS}: 12 ·")
    expect(refused).to_have_count(0)

    # A switch sent something other than yes or no.
    _send(page, {"_model_name": "SwitchModel", "label": POSSESSION}, "yes")
    switch_refused = page.locator(".lever-possession .barrio-lever-refused")
    expect(switch_refused).to_be_visible()
    # The switch, set back to the value in use, must not report that as a move (which took
    # the message away at once).
    page.wait_for_timeout(1000)
    expect(switch_refused).to_be_visible()
    expect(_details(page)).to_contain_text(f"{POSSESSION}: no")
    _no_traceback(page)


def test_unknown_scenarios_layers_languages_and_speeds_sent_over_the_websocket_are_refused(page, server):  # noqa: F811
    _open(page, server)
    error = page.locator(".barrio-error")
    scenario = {"_model_name": "SelectModel", "class_": "barrio-scenario"}

    _send(page, scenario, "No such scenario")
    expect(error).to_contain_text(f"{NOT_POSSIBLE} {say('scenario', 'en')}: 'No such scenario'")
    _send(page, scenario, ["Status quo (baseline)"])  # a list, where a name is expected
    expect(error).to_contain_text("['Status quo (baseline)']")
    expect(page.locator(".barrio-map").first).to_contain_text("Status quo (baseline)")

    # The language and speed buttons send the index of a button: one past the last, and a word.
    # (Each message differs from the one before, so that each refusal is seen before the next send.)
    language = {"_model_name": "BtnToggleModel", "class_": "barrio-language"}
    _send(page, language, 99)
    expect(error).to_contain_text(f"{NOT_POSSIBLE} {say('language', 'en')}: {REFUSED}")
    _send(page, {"_model_name": "SelectModel", "class_": "barrio-layer"}, "Nonexistent layer")
    expect(error).to_contain_text(f"{say('layer', 'en')}: 'Nonexistent layer'")
    expect(page.locator(".barrio-legend")).to_contain_text("Territory")
    _send(page, language, "xx")
    expect(error).to_contain_text(f"{NOT_POSSIBLE} {say('language', 'en')}: {REFUSED}")
    _send(page, {"_model_name": "BtnToggleModel", "class_": "barrio-speed"}, 99)
    expect(error).to_contain_text(f"{NOT_POSSIBLE} {say('speed', 'en')}: {REFUSED}")
    expect(error).not_to_contain_text("index")
    expect(page.locator(".section-enforcement")).to_contain_text("Enforcement")

    _send(page, {"_model_name": "SwitchModel", "class_": "barrio-side-by-side"}, "yes")
    expect(error).to_contain_text(f"{NOT_POSSIBLE} {say('side_by_side', 'en')}: 'yes'")
    expect(page.locator(".barrio-map img")).to_have_count(1)
    _shot(page, "websocket-unknown-names")
    _no_traceback(page)

    # The session goes on: its controls answer as before.
    page.click(".barrio-language >> text=PT")
    page.wait_for_selector(".section-enforcement:has-text('Repressão e punição')")
    page.click(".barrio-step")
    page.wait_for_selector(".barrio-week:has-text('(semana 5)')", timeout=60_000)
    assert _week(page) == 5  # one month: to the first week of the next
    assert re.search("Iniciar", page.inner_text(".barrio-play"), re.IGNORECASE)
    # A refusal on the Portuguese page is in Portuguese, with none of Python's English.
    _send(page, {"_model_name": "SliderModel", "label": say("units", "pt")}, "abc")
    expect(error).to_contain_text(
        f"{say('error_levers', 'pt')} {say('units', 'pt')}: {say('control_refused', 'pt')}"
    )
    expect(error).not_to_contain_text("convert")
