"""The workshop page (Solara): a live neighbourhood, levers to pull, two futures side by side.

Run it with ``barrio app [SCENARIO]``. Every browser session renders its own :func:`Page`,
with its own :class:`~app.session.Workshop`, so two people never drive the same run.
"""

from __future__ import annotations

import os
import time

import solara
import solara.lab

from app.charts import PANELS, chart_option
from app.controls import CONTROLS, Control, Section
from app.drawing import COLOURS, Layer, map_png
from app.labels import LANGUAGES, say
from app.session import Workshop, clock
from model import ParameterError
from model.scenario import scenario_library

__all__ = ["Page"]

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
"""


def _rgb(colour: tuple[int, int, int]) -> str:
    return "rgb({}, {}, {})".format(*colour)


@solara.component
def Lever(control: Control, value: float | bool, language: str, on_change) -> None:
    """One slider or switch, labelled in the room's language, showing the run's ``value``."""
    label = say(control.key, language)
    with solara.Div(classes=["barrio-lever", f"lever-{control.key}"]):
        if control.switch:
            solara.Switch(label=label, value=bool(value), on_value=lambda v: on_change(control, v))
        else:
            solara.Text(f"{label}: {value:g} {say(control.unit, language)}", classes=["barrio-lever-label"])
            solara.SliderFloat(
                "",
                value=float(value),
                min=control.low,
                max=control.high,
                step=control.step,
                on_value=lambda v: on_change(control, v),
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
    """The whole page."""
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
    other = solara.use_reactive("mano_dura" if workshop.scenario_name == "baseline" else "baseline")
    error = solara.use_reactive("")

    def play_loop() -> None:
        while playing.value:
            with workshop.lock:
                if workshop.finished:
                    playing.value = False
                    return
                workshop.advance(FRAME_WEEKS)
            tick.value += 1
            time.sleep(FRAME_PAUSE_S)

    solara.lab.use_task(play_loop, dependencies=[playing.value], prefer_threaded=True)

    def step() -> None:
        workshop.advance(FRAME_WEEKS)
        tick.value += 1

    def reset() -> None:
        playing.value = False
        try:
            workshop.reset()
            error.value = ""
        except ParameterError as exc:
            error.value = f"{say('error_levers', lang)} {exc}"
        tick.value += 1

    def change(control: Control, shown: float | bool) -> None:
        try:
            workshop.set_lever(control.path, control.model_value(shown))
            error.value = ""
        except ParameterError as exc:
            error.value = f"{say('error_levers', lang)} {exc}"
        tick.value += 1

    def load(name: str) -> None:
        playing.value = False
        workshop.load(name)
        reset()

    def compare(on: bool, name: str) -> None:
        playing.value = False
        side_by_side.value, other.value = on, name
        workshop.compare_with(name if on else None)
        reset()

    with workshop.lock:
        runs = workshop.runs
        week = workshop.main.week if workshop.main else 0
        maps = [map_png(r.model, layer.value) for r in runs]
        labels = [workshop.scenario_name, other.value][: len(runs)]
        horizon = workshop.main.scenario.params.timing.horizon_weeks if workshop.main else 520
        residents = workshop.main.scenario.params.neighbourhood.population if workshop.main else 1
        histories = [(lab, r.history()) for lab, r in zip(labels, runs, strict=True)]
        charts = [chart_option(panel, histories, residents, lang, horizon) for panel in PANELS]
        levers = workshop.levers()

    solara.Style(_CSS)
    with solara.Row(
        classes=["barrio-page"], style={"align-items": "flex-start", "gap": "12px", "padding": "8px"}
    ):
        with solara.Column(classes=["barrio-levers"]):
            solara.Select(
                say("scenario", lang),
                values=list(scenario_library()),
                value=workshop.scenario_name,
                on_value=load,
                classes=["barrio-scenario"],
            )
            solara.Text(say("levers_note", lang), style={"font-size": "13px", "color": "#555"})
            for section in Section:
                with solara.Card(say(section.value, lang), margin=0, classes=[f"section-{section.value}"]):
                    for control in CONTROLS:
                        if control.section == section:
                            Lever(control, control.shown(levers), lang, change)
        with solara.Column(style={"flex": "1", "min-width": "0"}):
            with solara.Row(style={"align-items": "center", "gap": "10px", "flex-wrap": "wrap"}):
                solara.Button(
                    say("pause" if playing.value else "play", lang),
                    on_click=lambda: playing.set(not playing.value),
                    color="primary",
                    disabled=workshop.finished,
                    classes=["barrio-play"],
                )
                solara.Button(
                    say("step", lang),
                    on_click=step,
                    disabled=playing.value or workshop.finished,
                    classes=["barrio-step"],
                )
                solara.Button(say("reset", lang), on_click=reset, classes=["barrio-reset"])
                years, months = clock(week)
                text = say("time", lang, years=years, months=months, week=week)
                if workshop.finished:
                    text += f" · {say('finished', lang)}"
                solara.Text(text, classes=["barrio-week"])
                solara.ToggleButtonsSingle(
                    value=lang, values=list(LANGUAGES), on_value=language.set, classes=["barrio-language"]
                )
            with solara.Row(style={"align-items": "center", "gap": "10px", "flex-wrap": "wrap"}):
                solara.Select(
                    say("layer", lang),
                    values=[say(f"layer_{v}", lang) for v in Layer],
                    value=say(f"layer_{layer.value}", lang),
                    on_value=lambda text: layer.set(
                        next(v for v in Layer if say(f"layer_{v}", lang) == text)
                    ),
                    style={"max-width": "220px"},
                    classes=["barrio-layer"],
                )
                solara.Switch(
                    label=say("side_by_side", lang),
                    value=side_by_side.value,
                    on_value=lambda on: compare(on, other.value),
                    classes=["barrio-side-by-side"],
                )
                if side_by_side.value:
                    solara.Select(
                        say("compare", lang),
                        values=list(scenario_library()),
                        value=other.value,
                        on_value=lambda name: compare(True, name),
                        style={"max-width": "260px"},
                        classes=["barrio-other"],
                    )
            if error.value:
                solara.Error(error.value, classes=["barrio-error"])
            with solara.Row(style={"gap": "10px", "align-items": "flex-start", "flex-wrap": "wrap"}):
                for label, png in zip(labels, maps, strict=True):
                    with solara.Column(
                        classes=["barrio-map"], style={"width": "400px" if len(maps) > 1 else "440px"}
                    ):
                        solara.Text(label, style={"font-weight": "600"})
                        solara.Image(png, width="100%")
                with solara.Div(classes=["barrio-charts"]):
                    for panel, option in zip(PANELS, charts, strict=True):
                        with solara.Div(classes=["barrio-chart", f"chart-{panel}"]):
                            solara.FigureEcharts(
                                option=option, attributes={"style": "height: 165px; width: 100%;"}
                            )
            Legend(layer.value, lang)
            _RunDetails(workshop, levers, lang)


@solara.component
def _RunDetails(workshop: Workshop, levers, lang: str) -> None:
    """The levers the running model is using, read back from it, and the seed."""
    parts = []
    for control in CONTROLS:
        value = control.shown(levers)
        shown = say("unit_yes_no", lang).split(" / ")[0 if value else 1] if control.switch else f"{value:g}"
        parts.append(f"{say(control.key, lang)}: {shown}")
    text = f"{say('this_run', lang)} ({say('seed', lang)} {workshop.seed}): " + " · ".join(parts)
    solara.Text(text, classes=["barrio-run-details"], style={"font-size": "12px", "color": "#555"})


def _start(scenario: str, seed: int) -> Workshop:
    workshop = Workshop(scenario, seed=seed)
    workshop.reset()
    return workshop
