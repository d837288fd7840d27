"""The workshop page (Solara): a live neighbourhood, levers to pull, two futures side by side.

Run it with ``barrio app [SCENARIO]``. Every browser session renders its own :func:`Page`,
with its own :class:`~app.session.Workshop`, so two people never drive the same run.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import os
import sys
import threading
import time
from collections.abc import Callable

import solara
import solara.lab

from barrio.app.capacity import DEFAULT_MAX_SESSIONS, MAX_SESSIONS_ENV, SessionGate
from barrio.app.charts import PANELS, STYLES, chart_option
from barrio.app.controls import CONTROLS, Control, Section
from barrio.app.drawing import COLOURS, Layer, map_png
from barrio.app.labels import LANGUAGES, say, scenario_title
from barrio.app.session import Workshop
from barrio.model import ParameterError, Params
from barrio.model.scenario import scenario_library

__all__ = ["Page"]

log = logging.getLogger(__name__)

#: Weeks run per frame while playing: about a month, so a year of policy plays in ~13 frames.
FRAME_WEEKS = 4
#: Pause between frames, so the browser keeps up and the room can follow.
FRAME_PAUSE_S = 0.05
#: The page's starting scenario, seed and language, set by ``barrio app``.
SCENARIO_ENV, SEED_ENV, LANGUAGE_ENV = "BARRIO_APP_SCENARIO", "BARRIO_APP_SEED", "BARRIO_APP_LANGUAGE"

_CSS = """
.barrio-page { font-size: 15px; }
.barrio-levers { width: 340px; min-width: 340px; max-height: calc(100vh - 24px); overflow-y: auto; }
.barrio-lever { margin-bottom: -14px; }
.barrio-lever-label { font-size: 14px; }
.barrio-week { font-size: 20px; font-weight: 600; }
.barrio-legend span.chip { display: inline-block; width: 12px; height: 12px; margin: 0 4px 0 10px;
  vertical-align: middle; border: 1px solid #999; }
.barrio-map img { max-width: 100%; height: auto; }
.barrio-charts { flex: 1; min-width: 420px; display: grid; grid-template-columns: 1fr 1fr; gap: 4px; }
.barrio-charts-wide { flex-basis: 100%; grid-template-columns: 1fr 1fr 1fr; }
"""


#: The sessions this server admits (``barrio app --max-sessions``).
GATE = SessionGate(int(os.environ.get(MAX_SESSIONS_ENV, DEFAULT_MAX_SESSIONS)))


def _session_started():
    """Take a place for a new session if there is one; its place is freed when it is closed."""
    kernel = solara.get_kernel_id()
    GATE.open(kernel)

    def closed() -> None:
        GATE.close(kernel)
        # Solara lets go of a closed session's components late, or not at all (1.64: they
        # stay reachable after the kernel is gone), so the runs are dropped here by hand.
        workshop = _WORKSHOPS.pop(kernel, None)
        if workshop is not None:
            workshop.release()
        # A model's agents and grids refer to each other: only the cycle collector frees them,
        # and its full passes are rare. Once Solara has let go of the session, collect now.
        threading.Timer(RELEASE_AFTER_S, _release_memory).start()

    return closed


#: Each session's workshop by kernel id, so that its runs can be dropped when it closes.
_WORKSHOPS: dict[str, Workshop] = {}
#: Seconds after a session closes before its memory is collected (Solara tears it down meanwhile).
RELEASE_AFTER_S = 2.0


def _release_memory() -> None:
    gc.collect()
    trim = getattr(_libc(), "malloc_trim", None)
    if trim is not None:
        trim(0)  # hand freed heap pages back to the system (glibc keeps them otherwise)


def _libc():
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None


solara.lab.on_kernel_start(_session_started)

#: Solara's diagnostic routes: they show the host's CPU, memory and sessions, to this machine only.
DIAGNOSTIC_ROUTES = ("/resourcez",)
LOCAL_CLIENTS = ("127.0.0.1", "::1")


def _local_only(app):
    """An ASGI app that answers only clients on this machine (404 to others, as if it were not there)."""

    async def guarded(scope, receive, send):
        client = (scope.get("client") or ("", 0))[0]
        if client not in LOCAL_CLIENTS:
            await send({"type": "http.response.start", "status": 404, "headers": [(b"content-length", b"0")]})
            await send({"type": "http.response.body", "body": b""})
            return
        await app(scope, receive, send)

    return guarded


def _guard_diagnostics() -> None:
    """Keep Solara's diagnostic routes from clients on the network (``barrio app --host 0.0.0.0``)."""
    # Only under Solara's server, which has loaded its app before this page; a test or a
    # notebook importing the page must not start loading the server.
    solara_starlette = sys.modules.get("solara.server.starlette")
    if solara_starlette is None:
        return
    for route in solara_starlette.app.router.routes:
        if getattr(route, "path", None) in DIAGNOSTIC_ROUTES and not getattr(route, "barrio_guarded", False):
            route.app = _local_only(route.app)
            route.barrio_guarded = True


_guard_diagnostics()


def _rgb(colour: tuple[int, int, int]) -> str:
    return "rgb({}, {}, {})".format(*colour)


@solara.component
def Lever(
    control: Control,
    value: float | bool,
    language: str,
    on_change: Callable[[Control, float | bool], None],
    refusals: int = 0,
) -> None:
    """One slider or switch, labelled in the room's language, showing the run's ``value``.

    ``refusals`` counts the values the model refused: when it changes, the slider goes back
    to the model's value instead of staying where the refused move left it.
    """
    label = say(control.key, language)
    position = solara.use_reactive(value)
    solara.use_effect(lambda: position.set(value), [value, refusals])

    def moved(shown: float | bool) -> None:
        # The slider snaps a value off its step (0.33 from a scenario file) to the step and
        # reports it as a move; only a real move may change the lever.
        if not control.switch and abs(float(shown) - float(value)) < control.step / 2:
            return
        on_change(control, shown)

    with solara.Div(classes=["barrio-lever", f"lever-{control.key}"]):
        if control.switch:
            solara.Switch(label=label, value=position, on_value=moved)
        else:
            solara.Text(f"{label}: {value:g} {say(control.unit, language)}", classes=["barrio-lever-label"])
            solara.SliderFloat(
                "",
                value=position,
                # A scenario file may go beyond the workshop range: widen, never clamp.
                min=min(control.low, float(value)),
                max=max(control.high, float(value)),
                step=control.step,
                on_value=moved,
                thumb_label=False,
            )


@solara.component
def Legend(layer: Layer, language: str) -> None:
    """What the marks on the map mean."""
    items = [
        (COLOURS[k], say(f"legend_{k}", language)) for k in ("sellers", "police", "community", "soldiers")
    ]
    items.append((COLOURS["incidents"], say("legend_incidents", language)))
    chips = "".join(f'<span class="chip" style="background:{_rgb(c)}"></span>{text}' for c, text in items)
    fill = say("legend_group", language) if layer == Layer.TERRITORY else say("legend_low_high", language)
    solara.HTML(
        tag="div",
        unsafe_innerHTML=f"{say(f'layer_{layer}', language)}: {fill} · {chips}",
        classes=["barrio-legend"],
    )


@solara.component
def Page() -> None:
    """The whole page, or a polite note when the room is full (no model is built for it)."""
    if GATE.admitted(solara.get_kernel_id()):
        Workshop_()
    else:
        Full(os.environ.get(LANGUAGE_ENV, "es"))


@solara.component
def Full(language: str) -> None:
    """What a session past the limit sees: no model, a note, and what to do."""
    solara.Title(say("title", language))
    with solara.Column(classes=["barrio-full"], style={"padding": "24px", "max-width": "640px"}):
        solara.Markdown(say("full", language, limit=GATE.limit))


@solara.component
def Workshop_() -> None:
    """The workshop: levers, maps and charts of this session's own runs."""
    language = solara.use_reactive(os.environ.get(LANGUAGE_ENV, "es"))
    lang = language.value
    workshop = solara.use_memo(
        lambda: _start(os.environ.get(SCENARIO_ENV, "baseline"), int(os.environ.get(SEED_ENV, "1"))), []
    )
    tick = solara.use_reactive(0)
    _ = tick.value  # read here so that the page redraws whenever the runs advance
    playing = solara.use_reactive(False)
    layer = solara.use_reactive(Layer.TERRITORY)
    side_by_side = solara.use_reactive(False)
    other = solara.use_reactive("mano_dura" if workshop.first_name == "baseline" else "baseline")
    error = solara.use_reactive("")
    # Bumped when the model refuses a value, so that the levers are drawn again from the
    # model's values (a slider otherwise keeps showing the refused position).
    refusals = solara.use_reactive(0)

    def play_loop() -> None:
        generation = workshop.generation
        try:
            # A pause, a new play, a reset or a closed page each end this loop.
            while playing.value and task.is_current():
                with workshop.lock:
                    if workshop.generation != generation or workshop.finished:
                        break
                    workshop.advance(FRAME_WEEKS)
                tick.value += 1
                time.sleep(FRAME_PAUSE_S)
        except Exception as exc:
            # Shown on the page: a run that failed must not look as if it were playing.
            error.value = f"{type(exc).__name__}: {exc}"
            log.exception("the run stopped")
        if task.is_current():
            playing.value = False

    task = solara.lab.use_task(play_loop, dependencies=[playing.value], prefer_threaded=True)

    def refused(exc: ParameterError) -> None:
        error.value = f"{say('error_levers', lang)} " + "; ".join(f"{p}: {m}" for p, m in exc.problems)
        refusals.value += 1

    def step() -> None:
        workshop.advance(FRAME_WEEKS)
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
            refused(exc)
        tick.value += 1

    rebuilding = solara.lab.use_task(rebuild, dependencies=[resets.value], prefer_threaded=True)

    def reset() -> None:
        playing.value = False
        resets.value += 1

    def change(control: Control, shown: float | bool) -> None:
        try:
            workshop.set_lever(control.path, control.checked(shown, control.shown(workshop.levers())))
            error.value = ""
        except ParameterError as exc:
            refused(exc)
        tick.value += 1

    def unknown(what: str, value: object) -> None:
        # A browser may send any value over its websocket: refuse it with a message.
        error.value = f"{say('error_levers', lang)} {what}: {value!r}"
        refusals.value += 1

    def load(title: str) -> None:
        if title not in by_title:
            unknown(say("scenario", lang), title)
            return
        playing.value = False
        workshop.load(by_title[title])
        reset()

    def compare(on: bool, title: str) -> None:
        if title not in by_title or not isinstance(on, bool):
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

    with workshop.lock:
        runs = workshop.runs
        main = runs[0]
        maps = [map_png(r.model, layer.value) for r in runs]
        labels = [scenario_title(r.name, lang) for r in runs]
        if workshop.changes:
            labels[0] += f" · {say('with_changes', lang)}"
        histories = [(label, r.history(), r.residents) for label, r in zip(labels, runs, strict=True)]
        charts = [chart_option(panel, histories, lang, main.horizon) for panel in PANELS]
        levers = workshop.levers()
        week, (years, months), finished = main.week, main.clock, main.finished

    # Scenarios by the name the room reads; a file given to `barrio app` is listed first.
    names = list(scenario_library())
    if workshop.first_name not in names:
        names.insert(0, workshop.first_name)
    by_title = {scenario_title(n, lang): n for n in names}
    layers = {say(f"layer_{v}", lang): v for v in Layer}
    two = len(runs) > 1

    solara.Title(say("title", lang))
    solara.Style(_CSS)
    with solara.Row(
        classes=["barrio-page"], style={"align-items": "flex-start", "gap": "12px", "padding": "8px"}
    ):
        with solara.Column(classes=["barrio-levers"]):
            solara.Select(
                say("scenario", lang),
                values=list(by_title),
                value=scenario_title(workshop.scenario_name, lang),
                on_value=load,
                classes=["barrio-scenario"],
            )
            solara.Text(say("levers_note", lang), style={"font-size": "13px", "color": "#555"})
            for section in Section:
                with solara.Card(say(section.value, lang), margin=0, classes=[f"section-{section.value}"]):
                    for control in CONTROLS:
                        if control.section == section:
                            Lever(control, control.shown(levers), lang, change, refusals.value)
        with solara.Column(style={"flex": "1", "min-width": "0"}):
            with solara.Row(style={"align-items": "center", "gap": "10px", "flex-wrap": "wrap"}):
                solara.Button(
                    say("pause" if playing.value else "play", lang),
                    on_click=lambda: playing.set(not playing.value),
                    color="primary",
                    disabled=finished or rebuilding.pending,
                    classes=["barrio-play"],
                )
                solara.Button(
                    say("step", lang),
                    on_click=step,
                    disabled=playing.value or finished,
                    classes=["barrio-step"],
                )
                solara.Button(say("reset", lang), on_click=reset, classes=["barrio-reset"])
                text = say("time", lang, years=years, months=months, week=week)
                if finished:
                    text += f" · {say('finished', lang)}"
                solara.Text(text, classes=["barrio-week"])
                solara.ToggleButtonsSingle(
                    value=lang,
                    values=list(LANGUAGES),
                    on_value=lambda code: (
                        language.set(code) if code in LANGUAGES else unknown("language", code)
                    ),
                    classes=["barrio-language"],
                )
            with solara.Row(style={"align-items": "center", "gap": "10px", "flex-wrap": "wrap"}):
                solara.Select(
                    say("layer", lang),
                    values=list(layers),
                    value=say(f"layer_{layer.value}", lang),
                    on_value=lambda text: (
                        layer.set(layers[text]) if text in layers else unknown("layer", text)
                    ),
                    style={"max-width": "220px"},
                    classes=["barrio-layer"],
                )
                solara.Switch(
                    label=say("side_by_side", lang),
                    value=side_by_side.value,
                    on_value=lambda on: compare(on, scenario_title(other.value, lang)),
                    classes=["barrio-side-by-side"],
                )
                if side_by_side.value:
                    solara.Select(
                        say("compare", lang),
                        values=list(by_title),
                        value=scenario_title(other.value, lang),
                        on_value=lambda title: compare(True, title),
                        style={"max-width": "260px"},
                        classes=["barrio-other"],
                    )
            if rebuilding.pending:
                solara.ProgressLinear(True)
                solara.Text(say("preparing", lang), classes=["barrio-preparing"])
            if error.value:
                solara.Error(error.value, classes=["barrio-error"])
            with solara.Row(style={"gap": "10px", "align-items": "flex-start", "flex-wrap": "wrap"}):
                for label, png, (colour, dash) in zip(labels, maps, STYLES, strict=False):
                    with solara.Column(classes=["barrio-map"], style={"width": "300px" if two else "440px"}):
                        # The run's line on the charts, beside its name.
                        line = f'<span style="display:inline-block;width:28px;border-top:3px {dash} {colour};'
                        line += 'vertical-align:middle;margin-right:6px"></span>'
                        solara.HTML(
                            tag="div", unsafe_innerHTML=f"{line}<b>{label}</b>", classes=["barrio-map-title"]
                        )
                        solara.Image(png, width="100%")
                # Side by side, the charts go below the maps, three to a row, so that the
                # first row shows on a 1280 x 720 screen.
                with solara.Div(classes=["barrio-charts", "barrio-charts-wide" if two else ""]):
                    for panel, option in zip(PANELS, charts, strict=True):
                        with solara.Div(classes=["barrio-chart", f"chart-{panel}"]):
                            solara.FigureEcharts(
                                option=option,
                                attributes={
                                    "style": f"height: {135 if two else 165}px; width: 100%;",
                                    # The lines are drawn on a canvas, out of reach of the DOM:
                                    # these say what the chart shows (they arrive with the
                                    # option, in one message), so a browser test can wait
                                    # for a redraw instead of waiting for a while.
                                    "data-week": str(week),
                                    "data-language": lang,
                                    "data-runs": str(len(runs)),
                                },
                            )
            Legend(layer.value, lang)
            RunDetails(workshop.seed, levers, lang)


@solara.component
def RunDetails(seed: int, levers: Params, lang: str) -> None:
    """The levers the running model is using, read back from it, and the seed."""
    parts = []
    for control in CONTROLS:
        value = control.shown(levers)
        shown = say("yes" if value else "no", lang) if control.switch else f"{value:g}"
        parts.append(f"{say(control.key, lang)}: {shown}")
    text = f"{say('this_run', lang)} ({say('seed', lang)} {seed}): " + " · ".join(parts)
    solara.Text(text, classes=["barrio-run-details"], style={"font-size": "12px", "color": "#555"})


def _start(scenario: str, seed: int) -> Workshop:
    workshop = Workshop(scenario, seed=seed)
    _WORKSHOPS[solara.get_kernel_id()] = workshop
    workshop.reset()
    return workshop
