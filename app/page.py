"""The workshop page (Solara): a live neighbourhood, levers to pull, two futures side by side.

Run it with ``barrio app [SCENARIO]``. Every browser session renders its own :func:`Page`,
with its own :class:`~app.session.Workshop`, so two people never drive the same run.
"""

from __future__ import annotations

import itertools
import logging
import os
import time
from collections.abc import Callable
from functools import partial

import pandas as pd
import solara
import solara.lab
from solara.server import kernel_context

from barrio.app.address import PageAddress, read_address
from barrio.app.calendar import next_month
from barrio.app.capacity import (
    DEFAULT_MAX_SESSIONS,
    MAX_PER_ADDRESS_ENV,
    MAX_SESSIONS_ENV,
    ClosedSessions,
    SessionGate,
)
from barrio.app.charts import (
    HOMICIDE_WINDOW,
    PANEL_UNITS,
    PANELS,
    STYLES,
    chart_option,
    panel_series,
    shown_weeks,
)
from barrio.app.controls import CONTROLS, Control, Section, blocked_by, no_effect_because, possible_now
from barrio.app.drawing import Layer, groups_on_map, map_png, map_summary
from barrio.app.labels import LANGUAGES, say, scenario_title
from barrio.app.panels import CSS, BrowserBridge, Legend, Lever, RunDetails, RunMap, chart_events
from barrio.app.routes import client_address, guard_routes
from barrio.app.session import Simulation, Workshop
from barrio.experiments.vocabulary import translated_description
from barrio.model import ParameterError
from barrio.model.scenario import scenario_library

__all__ = ["FRAME_WEEKS", "SPEEDS", "Lever", "Page", "Refusing", "frame_plan"]

log = logging.getLogger(__name__)

#: Weeks run per frame while playing: about a month, so a year of policy plays in ~13 frames.
FRAME_WEEKS = 4
#: Pause between frames, so the browser keeps up and the room can follow.
FRAME_PAUSE_S = 0.05
#: The page's starting scenario, seed and language, set by ``barrio app``.
SCENARIO_ENV, SEED_ENV, LANGUAGE_ENV = "BARRIO_APP_SCENARIO", "BARRIO_APP_SEED", "BARRIO_APP_LANGUAGE"

#: The sessions this server admits (``barrio app --max-sessions``, ``--max-sessions-per-address``).
GATE = SessionGate(
    int(os.environ.get(MAX_SESSIONS_ENV, DEFAULT_MAX_SESSIONS)),
    int(os.environ[MAX_PER_ADDRESS_ENV]) if os.environ.get(MAX_PER_ADDRESS_ENV) else None,
)


def _session() -> int:
    """This session's own number, for its place at the gate and its workshop.

    Not its kernel id: a page that reconnects after its session was closed gets a new session
    under the same id, possibly while the old one is still closing, and the old one's close
    must not free the new one's place.
    """
    context = kernel_context.get_current_context()
    number = getattr(context, "barrio_session", None)
    if number is None:
        number = context.barrio_session = next(_SESSION_NUMBERS)
    return number


_SESSION_NUMBERS = itertools.count()


def _session_started():
    """Take a place for a new session if there is one; its place is freed when it is closed."""
    session = _session()
    GATE.open(session, client_address(solara.get_kernel_id()))

    def closed() -> None:
        GATE.close(session)
        # The runs are the bulk of a session's memory: dropped at once, whatever else of the
        # session Python still holds for a while.
        workshop = _WORKSHOPS.pop(session, None)
        if workshop is not None:
            workshop.release()
        # The rest is freed by the cycle collector once Solara has let go of the session (the
        # workshop, held by the page's components, goes with them).
        CLOSED.closed(workshop)

    return closed


#: Each session's workshop by its number, so that its runs can be dropped when it closes.
_WORKSHOPS: dict[int, Workshop] = {}
#: Collects after sessions close, until they are freed, and gives the memory back.
CLOSED = ClosedSessions()


solara.lab.on_kernel_start(_session_started)

guard_routes(LANGUAGE_ENV)


#: Speeds the room can choose, in weeks a second; 0 is as fast as the machine goes.
SPEEDS = (1.0, 2.0, 4.0, 8.0, 16.0, 0.0)


def frame_plan(speed: float) -> tuple[int, float]:
    """Weeks to run in a frame and the least time the frame takes, at ``speed`` weeks a second.

    Slow speeds run a week a frame, so that the room sees every week; fast ones run up to
    :data:`FRAME_WEEKS` a frame. At 0 (as fast as possible) a frame waits only
    :data:`FRAME_PAUSE_S`, for the browser to keep up.
    """
    if speed <= 0:
        return FRAME_WEEKS, FRAME_PAUSE_S
    weeks = max(1, min(FRAME_WEEKS, int(speed // 4)))
    return weeks, max(FRAME_PAUSE_S, weeks / speed)


def _speed_name(speed: float, language: str) -> str:
    return say("speed_max", language) if speed <= 0 else f"{speed:g}"


@solara.component
def Page() -> None:
    """The whole page, or a polite note when the room is full (no model is built for it)."""
    if GATE.admitted(_session()):
        Workshop_()
    else:
        Full(os.environ.get(LANGUAGE_ENV, "es"), GATE.refusal(_session()) or "full")


@solara.component
def Full(language: str, why: str = "full") -> None:
    """What a session past the limit sees: no model, a note, and what to do.

    ``why`` is ``"full"`` (every place taken) or ``"address"`` (its address holds its share).
    """
    solara.Title(say("title", language))
    with solara.Column(
        classes=["barrio-full", f"barrio-full-{why}"], style={"padding": "24px", "max-width": "640px"}
    ):
        if why == "address":
            solara.Markdown(say("full_address", language, per_address=GATE.per_address))
        else:
            solara.Markdown(say("full", language, limit=GATE.limit))


def _library() -> list[str]:
    """Scenario names the page offers: the library's, and the one given to ``barrio app`` first."""
    names = list(scenario_library())
    first = os.environ.get(SCENARIO_ENV, "baseline")
    return names if first in names else [first, *names]


@solara.component
def Workshop_() -> None:
    """The workshop: levers, maps and charts of this session's own runs."""
    router = solara.use_router()
    # What the address asks for (a reload, or a link such as ?scenario=mano_dura&lang=pt).
    address, address_problems = solara.use_memo(
        lambda: read_address(router.search, set(_library()), set(LANGUAGES), {str(v) for v in Layer}), []
    )
    language = solara.use_reactive(address.language or os.environ.get(LANGUAGE_ENV, "es"))
    lang = language.value
    error = solara.use_reactive("")
    workshop = solara.use_memo(lambda: _start(address, error), [])
    tick = solara.use_reactive(0)
    _ = tick.value  # read here so that the page redraws whenever the runs advance
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(address.speed if address.speed in SPEEDS else 0.0)
    layer = solara.use_reactive(Layer(address.layer) if address.layer else Layer.TERRITORY)
    side_by_side = solara.use_reactive(workshop.other is not None)
    other = solara.use_reactive(
        workshop.other_name or ("mano_dura" if workshop.first_name == "baseline" else "baseline")
    )
    levers_open = solara.use_reactive(False)
    large = solara.use_reactive(False)
    # Why the model refused each lever's last value, by control key (shown under the lever).
    refused = solara.use_reactive({})
    # Bumped when the model refuses a value, so that the levers are drawn again from the
    # model's values (a slider otherwise keeps showing the refused position).
    refusals = solara.use_reactive(0)
    if address_problems and not error.value and tick.value == 0:
        error.value = f"{say('error_levers', lang)} " + "; ".join(address_problems)

    def play_loop() -> None:
        generation = workshop.generation
        try:
            # A pause, a new play, a reset or a closed page each end this loop.
            while playing.value and task.is_current():
                weeks, seconds = frame_plan(speed.value)
                started = time.monotonic()
                with workshop.lock:
                    if workshop.generation != generation or workshop.finished:
                        break
                    workshop.advance(weeks)
                tick.value += 1
                time.sleep(max(FRAME_PAUSE_S, seconds - (time.monotonic() - started)))
        except Exception as exc:
            # Shown on the page: a run that failed must not look as if it were playing.
            error.value = f"{type(exc).__name__}: {exc}"
            log.exception("the run stopped")
        if task.is_current():
            playing.value = False

    task = solara.lab.use_task(play_loop, dependencies=[playing.value], prefer_threaded=True)

    def step() -> None:
        if rebuilding.pending:
            return  # disabled while preparing; a click that arrives before the button knows is dropped
        with workshop.lock:
            # To the first week of the next month: a month is 4 or 5 weeks, so that the clock moves.
            workshop.advance(next_month(workshop.main.week) - workshop.main.week)
        tick.value += 1

    resets = solara.use_reactive(0)  # each reset (or load) asks for one rebuild

    def rebuild() -> None:
        # In a thread: the warm-up takes a few seconds, and the page says so meanwhile.
        if resets.value == 0:
            return
        try:
            workshop.reset()
            error.value = ""
        except ParameterError as exc:
            error.value = f"{say('error_levers', lang)} " + "; ".join(f"{p}: {m}" for p, m in exc.problems)
            refusals.value += 1
        tick.value += 1

    rebuilding = solara.lab.use_task(rebuild, dependencies=[resets.value], prefer_threaded=True)
    busy = rebuilding.pending

    def reset() -> None:
        playing.value = False
        refused.value = {}
        resets.value += 1

    def change(control: Control, shown: float | bool) -> None:
        if busy:
            return  # controls are disabled while preparing; a late click is dropped, not queued
        current = control.shown(workshop.levers())
        if type(shown) is type(current) and shown == current:
            # Not a move: a switch set back to the value in use after a refusal reports it as
            # one, which would record a move and take the refusal's message away at once.
            return
        try:
            workshop.set_lever(control.path, control.checked(shown, current))
            # Any move may make a refused value possible, or refuse it for another reason.
            refused.value = {}
            error.value = ""
        except ParameterError:
            refused.value = {**refused.value, control.key: _refusal(control, shown, workshop, lang)}
            refusals.value += 1
        tick.value += 1

    def unknown(what: str, value: object) -> None:
        # A browser may send any value over its websocket: refuse it with a message.
        error.value = f"{say('error_levers', lang)} {what}: {value!r}"
        refusals.value += 1

    def failed(what: str, failure: BaseException) -> None:
        # A value that failed inside one of Solara's controls (see Refusing): the room reads
        # which control, in its language; Python's own words, with the traceback, go to the
        # server's log only (a fault of the page's own handlers lands here too).
        log.warning("refused a value sent by the browser to %s: %r", what, failure, exc_info=failure)
        error.value = f"{say('error_levers', lang)} {what}: {say('control_refused', lang)}"
        refusals.value += 1

    def load(title: str) -> None:
        if not _one_of(title, by_title):
            unknown(say("scenario", lang), title)
            return
        playing.value = False
        workshop.load(by_title[title])
        reset()

    def compare(on: bool, title: str) -> None:
        if not isinstance(on, bool):
            unknown(say("side_by_side", lang), on)  # the switch sent something not yes or no
            return
        if not _one_of(title, by_title):
            unknown(say("compare", lang), title)
            return
        name = by_title[title]
        side_by_side.value, other.value = on, name
        if on:
            workshop.compare_with(name)
            reset()  # both runs from week 0 on one seed
        else:
            workshop.compare_with(None)
            tick.value += 1

    def choose_speed(name: str) -> None:
        chosen = next((s for s in SPEEDS if _speed_name(s, lang) == name), None)
        if chosen is None:
            unknown(say("speed", lang), name)
        else:
            speed.value = chosen

    with workshop.lock:
        runs = workshop.runs
        main = runs[0]
        for r in runs:
            r.colours.update(groups_on_map(r.model))
        maps = [map_png(r.model, layer.value, colours=r.colours) for r in runs]
        summaries = [map_summary(r.model) for r in runs]
        groups = groups_on_map(main.model)
        labels = [scenario_title(r.name, lang) for r in runs]
        if workshop.changes:
            labels[0] += f" · {say('with_changes', lang)}"
        histories = [
            (label, r.history(lead=HOMICIDE_WINDOW), r.residents)
            for label, r in zip(labels, runs, strict=True)
        ]
        events = chart_events(workshop, lang)
        charts = [
            chart_option(panel, histories, lang, main.horizon, events, large=large.value) for panel in PANELS
        ]
        now = [[panel_series(h, panel, n) for panel in PANELS] for _, h, n in histories]
        levers = workshop.levers()
        spending = {c.key: _programme_note(c, main, lang) for c in CONTROLS}
        week, (years, months), finished = main.week, main.clock, main.finished
        description = _description(main, lang)
        details = [
            (r.name, _description(r, lang), r.model.params, r is main and bool(workshop.changes))
            for r in runs
        ]
        state = PageAddress(
            scenario=workshop.scenario_name if workshop.scenario_name in scenario_library() else None,
            language=lang,
            week=week,
            start={_control(p).key: _control(p).page_value(v) for p, v in workshop.start_changes.items()},
            moves=[(w, _control(p).key, _control(p).page_value(v)) for w, p, v in workshop.moves],
            compare=workshop.other_name if workshop.other is not None else None,
            layer=str(layer.value) if layer.value != Layer.TERRITORY else None,
            speed=speed.value if speed.value else None,
        )

    by_title = {scenario_title(n, lang): n for n in _library()}
    layers = {say(f"layer_{v}", lang): v for v in Layer}
    two = len(runs) > 1

    solara.Title(say("title", lang))
    solara.Style(CSS)
    BrowserBridge(lang=lang, query=state.query())
    page_classes = ["barrio-page"] + (["barrio-large"] if large.value else [])
    with solara.Row(classes=page_classes):
        lever_classes = ["barrio-levers"] + (["barrio-levers-open"] if levers_open.value else [])
        with solara.Column(classes=lever_classes):
            # On a phone the levers open over the page (so that nothing under them moves): a way back.
            solara.Button(
                f"{say('levers_toggle', lang)} ✕",
                on_click=lambda: levers_open.set(False),
                outlined=True,
                classes=["barrio-levers-toggle", "barrio-levers-close"],
            )
            with solara.Row(style={"align-items": "center", "gap": "8px", "flex-wrap": "wrap"}):
                # Each choice is keyed by the refusals: one a refused value reached is built
                # again, showing the value in use (it would keep showing what was sent).
                Refusing(
                    partial(
                        solara.ToggleButtonsSingle,
                        value=lang,
                        values=list(LANGUAGES),
                        on_value=lambda code: (
                            language.set(code)
                            if _one_of(code, LANGUAGES)
                            else unknown(say("language", lang), code)
                        ),
                        dense=True,
                        classes=["barrio-language"],
                    ),
                    partial(failed, say("language", lang)),
                ).key(f"language-{refusals.value}")
                solara.Switch(
                    label=say("large_text", lang),
                    value=large.value,
                    on_value=lambda on: large.set(on is True),
                    classes=["barrio-large-text"],
                    style={"margin": "0"},
                )
                solara.FileDownload(
                    lambda: _table_csv(workshop),
                    filename=f"barrio-{workshop.scenario_name}-week-{week}.csv",
                    label=say("download_csv", lang),
                    mime_type="text/csv",
                )
            Refusing(
                partial(
                    solara.Select,
                    say("scenario", lang),
                    values=list(by_title),
                    value=scenario_title(workshop.scenario_name, lang),
                    on_value=load,
                    disabled=busy,
                    dense=True,
                    classes=["barrio-scenario"],
                ),
                partial(failed, say("scenario", lang)),
            ).key(f"scenario-{refusals.value}")
            if description:
                solara.Text(description, classes=["barrio-description"])
            solara.Text(say("levers_note", lang), style={"font-size": "12px", "color": "#555"})
            for section in Section:
                with solara.Card(say(section.value, lang), margin=0, classes=[f"section-{section.value}"]):
                    for control in CONTROLS:
                        if control.section != section:
                            continue
                        blocker = no_effect_because(control, levers)
                        note = say("no_effect", lang, lever=say(blocker.key, lang)) if blocker else ""
                        lever = partial(
                            Lever,
                            control,
                            control.shown(levers),
                            lang,
                            change,
                            refusals.value,
                            note=note or spending[control.key],
                            refused=refused.value.get(control.key, ""),
                            no_effect=blocker is not None,
                            disabled=busy,
                        )
                        Refusing(lever, partial(failed, say(control.key, lang))).key(control.key)
        with solara.Column(classes=["barrio-main"], style={"gap": "2px"}):
            with solara.Row(classes=["barrio-bar"]):
                solara.Button(
                    say("levers_toggle", lang),
                    on_click=lambda: levers_open.set(not levers_open.value),
                    outlined=True,
                    classes=["barrio-levers-toggle"],
                    small=True,
                )
                solara.Button(
                    say("pause" if playing.value else "play", lang),
                    on_click=lambda: playing.set(not playing.value),
                    color="primary",
                    disabled=finished or busy,
                    classes=["barrio-play"],
                    small=True,
                )
                solara.Button(
                    say("step", lang),
                    on_click=step,
                    disabled=playing.value or finished or busy,
                    classes=["barrio-step"],
                    small=True,
                )
                solara.Button(
                    say("reset", lang), on_click=reset, disabled=busy, classes=["barrio-reset"], small=True
                )
                text = say("time", lang, years=years, months=months, week=week)
                if finished:
                    text += f" · {say('finished', lang)}"
                solara.Text(text, classes=["barrio-week"])
                if busy:
                    # Over the page, at its foot: nothing moves while the neighbourhood is prepared.
                    solara.Text(say("preparing", lang), classes=["barrio-preparing"])
            with solara.Row(classes=["barrio-bar"]):
                solara.Text(f"{say('speed', lang)} ({say('speed_unit', lang)}):", style={"font-size": "13px"})
                Refusing(
                    partial(
                        solara.ToggleButtonsSingle,
                        value=_speed_name(speed.value, lang),
                        values=[_speed_name(s, lang) for s in SPEEDS],
                        on_value=choose_speed,
                        dense=True,
                        classes=["barrio-speed"],
                    ),
                    partial(failed, say("speed", lang)),
                ).key(f"speed-{refusals.value}")
                Refusing(
                    partial(
                        solara.Select,
                        say("layer", lang),
                        values=list(layers),
                        value=say(f"layer_{layer.value}", lang),
                        on_value=lambda text: (
                            layer.set(layers[text])
                            if _one_of(text, layers)
                            else unknown(say("layer", lang), text)
                        ),
                        dense=True,
                        style={"max-width": "200px"},
                        classes=["barrio-layer"],
                    ),
                    partial(failed, say("layer", lang)),
                ).key(f"layer-{refusals.value}")
                Refusing(
                    partial(
                        solara.Switch,
                        label=say("side_by_side", lang),
                        value=side_by_side.value,
                        on_value=lambda on: compare(on, scenario_title(other.value, lang)),
                        disabled=busy,
                        classes=["barrio-side-by-side"],
                        style={"margin": "0"},
                    ),
                    partial(failed, say("side_by_side", lang)),
                ).key(f"side-by-side-{refusals.value}")
                if side_by_side.value:
                    Refusing(
                        partial(
                            solara.Select,
                            say("compare", lang),
                            values=list(by_title),
                            value=scenario_title(other.value, lang),
                            on_value=lambda title: compare(True, title),
                            disabled=busy,
                            dense=True,
                            style={"max-width": "220px"},
                            classes=["barrio-other"],
                        ),
                        partial(failed, say("compare", lang)),
                    ).key(f"other-{refusals.value}")
            if error.value:
                solara.Error(error.value, classes=["barrio-error"])
            with solara.Div(classes=["barrio-stage"] + (["barrio-two"] if two else [])):
                with solara.Div(classes=["barrio-maps"]):
                    for label, png, summary, style in zip(labels, maps, summaries, STYLES, strict=False):
                        alt = say(
                            "map_alt", lang, layer=say(f"layer_{layer.value}", lang), week=week, **summary
                        )
                        RunMap(label, png, alt, style)
                with solara.Div(classes=["barrio-charts"]):
                    for k, (panel, option) in enumerate(zip(PANELS, charts, strict=True)):
                        with solara.Div(classes=["barrio-chart", f"chart-{panel}"]):
                            solara.Text(
                                _monitor(panel, [series[k] for series in now], lang),
                                classes=["barrio-monitor"],
                            )
                            solara.FigureEcharts(
                                option=option,
                                responsive=True,
                                attributes={
                                    "class": "barrio-chart-box",
                                    # The lines are drawn on a canvas, out of reach of the DOM:
                                    # these say what the chart shows (they arrive with the
                                    # option, in one message), so a browser test can wait
                                    # for a redraw instead of waiting for a while.
                                    "data-week": str(week),
                                    "data-language": lang,
                                    "data-runs": str(len(runs)),
                                    "data-events": str(
                                        sum(0 <= e.week < shown_weeks(week, main.horizon) for e in events)
                                    ),
                                },
                            )
            Legend(layer.value, [(g, main.colours.of(g)) for g in groups], lang)
            RunDetails(workshop.seed, details, lang)


@solara.component
def Refusing(control: Callable[[], solara.Element], refuse: Callable[[BaseException], None]) -> None:
    """``control()``, refusing what the browser sent if it fails inside one of Solara's controls.

    A browser can send any value over its websocket, and some fail in Solara's own controls
    before the page's checks see them (a word for a slider, the 99th of three buttons): Solara
    would replace the whole page by a traceback naming the server's files. Here the failure
    goes to ``refuse`` and the control is built again, showing the value in use.
    """
    failure, forget = solara.use_exception()
    if failure is not None and not _sent_by_browser(failure):
        raise failure  # a fault of the page itself, not the browser's doing: not hidden
    built = solara.use_reactive(0)

    def refused() -> None:
        if failure is not None:
            refuse(failure)
            built.value += 1
            forget()

    solara.use_effect(refused, [failure])
    # Reacton keeps a failure with the control that raised it and hands it up at every redraw:
    # that control is let go of (a new key) in the very redraw that catches it.
    control().key(f"built-{built.value + (failure is not None)}")


def _one_of(value: object, options: object) -> bool:
    """Whether a value sent by the browser is one of ``options`` (a list sent for a name is not)."""
    return isinstance(value, str) and value in options


def _sent_by_browser(failure: BaseException) -> bool:
    """Whether ``failure`` was raised while a control handled what the browser sent.

    Reacton catches a control's failure in its event handler's wrapper (the traceback's first
    frame); a failure while drawing the page is the page's own fault, not a value to refuse.
    """
    first = failure.__traceback__
    return first is not None and first.tb_frame.f_code.co_qualname in _EVENT_WRAPPERS


#: Where Reacton (1.x) catches what a control's event handler raised: a value's (``v_model``)
#: and a Vue event's (a slider's ``change``). Should they move, failures show as tracebacks
#: again, and the browser test of refused values fails.
_EVENT_WRAPPERS = (
    "_event_handler_exception_wrapper.<locals>.wrapper",
    "use_event.<locals>.add_event_handler.<locals>.handler",
)


def _description(run: Simulation, lang: str) -> str:
    """What the run's scenario does, in the room's language when the library has its words."""
    written = run.scenario.description or ""
    return translated_description(run.name, written, lang) or written


def _control(path: str) -> Control:
    return next(c for c in CONTROLS if c.path == path)


def _monitor(panel: str, values: list, lang: str) -> str:
    """A chart's current value(s) with its unit; side by side, the gap between the runs."""
    latest = [float(v.iloc[-1]) if len(v) else None for v in values]
    if latest[0] is None:
        return "—"
    unit = say(PANEL_UNITS[panel], lang)
    # People are counted whole; rates, shares and money keep a decimal.
    digits = 0 if PANEL_UNITS[panel] in _COUNTS else 1
    text = f"{say('now', lang)}: {latest[0]:,.{digits}f}"
    if len(latest) > 1 and latest[1] is not None:
        text += f" / {latest[1]:,.{digits}f} · {say('gap', lang)} {latest[0] - latest[1]:+,.{digits}f}"
    return f"{text} {unit}"


#: The charts' units that count people (:data:`app.charts.PANEL_UNITS`).
_COUNTS = {"unit_people", "unit_a_month"}


def _programme_note(control: Control, run, lang: str) -> str:
    """For a programme's budget: what it spent and whom it reached last week."""
    parts = control.path.split(".")
    if len(parts) != 3 or parts[0] != "programmes" or parts[2] != "budget_week":
        return ""
    week = run.programme_week(parts[1])
    if week is None:
        return ""
    spent, reached = week
    return say("programme_week", lang, spent=f"{spent:,.0f}", reached=f"{reached:,}")


def _refusal(control: Control, shown: object, workshop: Workshop, lang: str) -> str:
    """Why a value was refused, in the room's language and the slider's unit.

    It names the levers that keep the value out, if any, and says what is possible now.
    """
    unit = say(control.unit, lang)
    possible = possible_now(control, workshop.accepts)
    number = isinstance(shown, int | float) and not isinstance(shown, bool)
    value = f"{shown:g}" if number else str(shown)
    if possible is None:
        return f"{say('error_levers', lang)} {value} {unit}"
    low, high = possible
    blockers = blocked_by(control, shown, workshop.levers(), workshop.accepts) if number else []
    if not blockers:
        return say("refused", lang, value=value, unit=unit, low=f"{low:g}", high=f"{high:g}")
    levers = ", ".join(_lever_now(c, workshop.levers(), lang) for c in blockers)
    return say("refused_by", lang, value=value, unit=unit, levers=levers, low=f"{low:g}", high=f"{high:g}")


def _lever_now(control: Control, levers, lang: str) -> str:
    """A lever and its value in force, as a refusal names it ("Hot-spot patrols at 100 % of units")."""
    value = control.shown(levers)
    if control.switch:
        return f"{say(control.key, lang)}: {say('yes' if value else 'no', lang)}"
    return say(
        "lever_at", lang, lever=say(control.key, lang), value=f"{value:g}", unit=say(control.unit, lang)
    )


def _table_csv(workshop: Workshop) -> str:
    """Every outcome of every week of the runs on show, one row per run and week."""
    with workshop.lock:
        tables = [r.table().assign(run=r.name, seed=workshop.seed) for r in workshop.runs]
    return pd.concat(tables).reset_index().to_csv(index=False)


def _start(address: PageAddress, error: solara.Reactive[str]) -> Workshop:
    """This session's workshop, as the address asks (scenario, changes, week), or the server's start."""
    scenario = address.scenario or os.environ.get(SCENARIO_ENV, "baseline")
    workshop = Workshop(scenario, seed=int(os.environ.get(SEED_ENV, "1")))
    _WORKSHOPS[_session()] = workshop
    if address.compare:
        workshop.compare_with(address.compare)
    try:
        workshop.restore(address.model_changes(), address.model_moves(), address.week)
    except ParameterError as exc:
        error.value = f"{say('error_levers', address.language or 'en')} " + "; ".join(
            f"{p}: {m}" for p, m in exc.problems
        )
        with workshop.lock:
            workshop.changes = {}
        workshop.reset()
    return workshop
