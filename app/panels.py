"""The parts of the workshop page: levers, legend, run details, chart events, browser bridge.

A lever with its help and notes, the map's legend, the run's details, the events drawn
on the charts, and the bridge to the browser itself.

Each is a Solara component (or the data one draws) with no state of the session: the page
(:mod:`app.page`) holds the session and passes what each part shows.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable

import solara

from barrio.app.charts import ChartEvent
from barrio.app.controls import CONTROLS, Control
from barrio.app.drawing import COLOURS, Layer, group_name, group_swatch_css, ramp
from barrio.app.labels import say, scenario_title
from barrio.app.session import Workshop
from barrio.experiments.vocabulary import shock_name
from barrio.model import Params

__all__ = [
    "CSS",
    "BrowserBridge",
    "Legend",
    "Lever",
    "RunDetails",
    "RunMap",
    "Slider",
    "chart_events",
    "run_details",
]

#: The page's layout. Widths and heights follow the screen, so that on a 1024 x 768 projector
#: the map and all six charts show at once, side by side fits 1280 x 720, and on a phone
#: (narrower than 700 px) the levers fold away behind a button and the rest stacks.
CSS = """
.barrio-page { font-size: 15px; align-items: flex-start; gap: 10px; padding: 6px; flex-wrap: nowrap; }
.barrio-large { font-size: 19px; }
.barrio-large .barrio-lever-label, .barrio-large .barrio-monitor, .barrio-large .barrio-legend,
.barrio-large .barrio-lever-note, .barrio-large .barrio-help-text { font-size: 17px !important; }
.barrio-levers { width: 290px; min-width: 290px; max-height: calc(100vh - 12px); overflow-y: auto;
  padding-top: 8px; }
.barrio-levers .v-card__title { font-size: 16px; padding: 6px 10px; }
.barrio-page .barrio-levers-toggle { display: none !important; }
.barrio-lever { margin: 0 0 8px 0; }
.barrio-lever .v-input { margin-top: 0 !important; padding-top: 0 !important; }
.barrio-lever .v-input__slot { margin-bottom: 0 !important; min-height: 24px; }
/* A slider's label is its thumb's name for screen readers (the text above shows it); a switch's
   label is the only place its name shows. */
.barrio-lever .v-input__slider .v-label { display: none; }
.barrio-lever .v-input--switch .v-label { font-size: 13px; line-height: 1.25; color: inherit; }
.barrio-lever .v-messages { display: none; }
.barrio-lever .v-input__control > .v-input__details { display: none; }
.barrio-lever-head { display: flex; align-items: flex-start; gap: 2px; }
.barrio-lever-label { font-size: 13px; line-height: 1.25; flex: 1; }
.barrio-help-button { min-width: 22px !important; width: 22px; height: 20px !important;
  padding: 0 !important; }
.barrio-help-text { font-size: 12px; background: #f3f3f3; padding: 3px 5px; border-radius: 3px; }
.barrio-lever-note { font-size: 12px; color: #444; }
.barrio-lever-refused { font-size: 12px; color: #b00020; font-weight: 600; }
.barrio-no-effect .barrio-lever-label, .barrio-no-effect .v-slider { opacity: 0.5; }
.barrio-description { font-size: 12px; color: #444; margin: -4px 0 4px 0; }
.barrio-main { flex: 1; min-width: 0; }
.barrio-bar { align-items: center; gap: 8px; flex-wrap: wrap; margin-bottom: 2px; }
.barrio-week { font-size: 18px; font-weight: 600; }
.barrio-speed .v-btn { min-width: 30px !important; padding: 0 6px !important; }
.barrio-error { position: fixed; left: 8px; bottom: 8px; z-index: 20; max-width: 70vw; }
.barrio-preparing { position: fixed; right: 8px; bottom: 8px; z-index: 20; background: #fff3cd;
  padding: 6px 10px; border: 1px solid #c9a227; border-radius: 4px; font-weight: 600; }
.barrio-stage { display: flex; gap: 8px; align-items: flex-start; --stage-h: calc(100vh - 152px); }
.barrio-large .barrio-stage { --stage-h: calc(100vh - 210px); }
.barrio-large .barrio-map-title { font-size: 18px; }
.barrio-large .barrio-week { font-size: 24px; }
.barrio-large .barrio-bar .v-btn, .barrio-large .barrio-speed .v-btn {
  font-size: 16px !important; height: 36px !important;
}
.barrio-large .barrio-bar .v-label, .barrio-large .barrio-bar .v-select__selection {
  font-size: 16px !important;
}
.barrio-maps { display: flex; flex-direction: column; gap: 4px; flex: 0 0 auto; }
.barrio-map { width: min(var(--stage-h), calc((100vw - 320px) * 0.45)); }
.barrio-two .barrio-map { width: min(calc(var(--stage-h) / 2 - 22px), calc((100vw - 320px) * 0.4)); }
.barrio-map img { width: 100%; height: auto; display: block; image-rendering: pixelated; }
.barrio-map-title { font-size: 13px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.barrio-charts { flex: 1; min-width: 0; display: grid; grid-template-columns: 1fr 1fr; gap: 2px 6px; }
.barrio-chart-box { height: calc(var(--stage-h) / 3 - 18px); min-height: 110px; width: 100%; }
.barrio-monitor { font-size: 12px; text-align: center; height: 16px; line-height: 16px; white-space: nowrap;
  overflow: hidden; }
.barrio-legend { font-size: 12px; line-height: 1.6; }
.barrio-legend span.chip { display: inline-block; width: 12px; height: 12px; margin: 0 3px 0 8px;
  vertical-align: middle; border: 1px solid #333; }
.barrio-legend span.ramp { display: inline-block; width: 90px; height: 12px; margin: 0 4px;
  vertical-align: middle; border: 1px solid #999; }
@media (max-width: 700px) {
  .barrio-page.barrio-page { flex-direction: column !important; flex-wrap: nowrap; }
  .barrio-page .barrio-levers { width: 100%; min-width: 0; max-height: none; display: none !important; }
  .barrio-page .barrio-levers.barrio-levers-open { display: flex !important; position: fixed; inset: 0;
    z-index: 30; background: white; overflow-y: auto; padding: 8px; }
  .barrio-page .barrio-levers-toggle { display: inline-flex !important; }
  .barrio-page .barrio-main { width: 100%; }
  .barrio-stage { flex-direction: column; --stage-h: 600px; }
  .barrio-maps, .barrio-map, .barrio-two .barrio-map { width: 100%; }
  .barrio-two .barrio-maps { flex-direction: row; }
  .barrio-two .barrio-map { width: 50%; }
  .barrio-charts { width: 100%; grid-template-columns: 1fr; }
  .barrio-chart-box { height: 190px; }
}
"""


def _rgb(colour: tuple[int, int, int]) -> str:
    return "rgb({}, {}, {})".format(*colour)


@solara.component
def Lever(  # noqa: N802 - a Solara component
    control: Control,
    value: float | bool,
    language: str,
    on_change: Callable[[Control, float | bool], None],
    refusals: int = 0,
    note: str = "",
    refused: str = "",
    no_effect: bool = False,
    disabled: bool = False,
) -> None:
    """One slider or switch, labelled in the room's language, showing the run's ``value``.

    ``refusals`` counts the values the model refused: when it changes, the slider goes back
    to the model's value instead of staying where the refused move left it. ``note`` says
    what the lever does now (a programme's spending and reach, or why it has no effect),
    ``refused`` why the last value asked was not taken; both sit under the lever, so that
    nothing else on the page moves.
    """
    label = say(control.key, language)
    position = solara.use_reactive(value)
    solara.use_effect(lambda: position.set(value), [value, refusals])
    help_open = solara.use_reactive(False)

    def moved(shown: float | bool) -> None:
        # The slider snaps a value off its step (0.33 from a scenario file) to the step and
        # reports it as a move; only a real move may change the lever.
        if not control.switch and abs(float(shown) - float(value)) < control.step / 2:
            return
        on_change(control, shown)

    classes = ["barrio-lever", f"lever-{control.key}"] + (["barrio-no-effect"] if no_effect else [])
    with solara.Div(classes=classes):
        with solara.Div(classes=["barrio-lever-head"]):
            if control.switch:
                solara.Switch(
                    label=label, value=position, on_value=moved, disabled=disabled, style={"margin": "0"}
                )
            else:
                solara.Text(
                    f"{label}: {value:g} {say(control.unit, language)}", classes=["barrio-lever-label"]
                )
            solara.Button(
                "?",
                on_click=lambda: help_open.set(not help_open.value),
                text=True,
                classes=["barrio-help-button"],
                attributes={"aria-label": f"{say('help', language)} {label}", "title": say("help", language)},
            )
        if help_open.value:
            solara.Text(say(f"help_{control.key}", language), classes=["barrio-help-text"])
        if not control.switch:
            Slider(control, value, label, moved, disabled).key(f"slider-{refusals}")
        if note:
            solara.Text(note, classes=["barrio-lever-note"])
        if refused:
            solara.Text(refused, classes=["barrio-lever-refused"])


@solara.component
def Slider(  # noqa: N802 - a Solara component
    control: Control, value: float, label: str, on_release: Callable[[float], None], disabled: bool = False
) -> None:
    """A lever's slider that reports a value once, where it is let go (or at each key press).

    Solara's sliders report every value a drag passes through: each would be a change of the
    lever, made at the week the run had reached, so one drag while playing crept over weeks.
    Vuetify's ``change`` event comes once, when the thumb is released. The slider shows the
    model's ``value``; a refused value is put back by drawing the slider anew (a new key).
    """
    slider = solara.v.Slider(
        # The label is the thumb's aria-label (Vuetify 2); the CSS hides its visible copy.
        label=label,
        v_model=value,
        # A scenario file may go beyond the workshop range: widen, never clamp.
        min=min(control.low, float(value)),
        max=max(control.high, float(value)),
        step=control.step,
        thumb_label=False,
        hide_details=True,
        disabled=disabled,
    )
    # A browser may send anything: what is not a number fails here, as in Solara's own sliders,
    # and the page refuses it (app.page.Refusing).
    solara.v.use_event(slider, "change", lambda _widget, _event, shown: on_release(float(shown)))


@solara.component
def Legend(layer: Layer, groups: list[tuple[int, int]], language: str) -> None:  # noqa: N802 - a Solara component
    """What the colours and marks on the map mean: each group by name, the layer's ramp, the marks.

    ``groups``: (group code, palette index) of each group on the map.
    """
    parts = [f"<b>{say(f'layer_{layer}', language)}</b>:"]
    if layer == Layer.TERRITORY:
        parts.append(f'<span class="chip" style="background:{_rgb(COLOURS["empty"])}"></span>')
        parts.append(say("legend_none", language))
    else:
        stops = ", ".join(_rgb(c) for c in ramp(layer))
        low, high = say("legend_low_high", language).split(" → ")
        parts.append(
            f'{low}<span class="ramp" style="background:linear-gradient(to right, {stops})"></span>{high}'
        )
        parts.append("·")
    for code, index in groups:
        name = say("legend_group_name", language, name=group_name(code))
        chip = f'<span class="chip group-chip" style="background:{group_swatch_css(index)}"></span>'
        parts.append(f'<span class="barrio-legend-group">{chip}{name}</span>')
    marks = [
        (COLOURS[k], say(f"legend_{k}", language)) for k in ("sellers", "police", "community", "soldiers")
    ]
    marks.append((COLOURS["incidents"], say("legend_incidents", language)))
    parts.append(f"· <b>{say('legend_marks', language)}</b>:")
    parts += [f'<span class="chip" style="background:{_rgb(c)}"></span>{text}' for c, text in marks]
    solara.HTML(tag="div", unsafe_innerHTML=" ".join(parts), classes=["barrio-legend"])


@solara.component
def RunDetails(seed: int, runs: list[tuple[str, str, Params, bool]], lang: str) -> None:  # noqa: N802 - a Solara component
    """The levers the running models are using, read back from them, and the seed they share."""
    with solara.Column(
        classes=["barrio-run-details"], style={"gap": "0", "font-size": "12px", "color": "#555"}
    ):
        for line in run_details(seed, runs, lang):
            solara.Text(line)


def run_details(seed: int, runs: list[tuple[str, str, Params, bool]], lang: str) -> list[str]:
    """The run details' lines: each run's scenario and levers in force, and the seed.

    Args:
        seed: The seed of the runs on show.
        runs: For each run on show, main first: its scenario's name, what the scenario does (in
            the room's language, or ""), the levers in force, and whether the room changed them.
        lang: The room's language.

    Side by side, a first line says that both runs share the seed; then each run is named by
    its side, with its scenario's description (the room's changes move the left run only).
    """

    def levers(params: Params) -> str:
        parts = []
        for control in CONTROLS:
            value = control.shown(params)
            shown = say("yes" if value else "no", lang) if control.switch else f"{value:g}"
            parts.append(f"{say(control.key, lang)}: {shown}")
        return " · ".join(parts)

    if len(runs) == 1:
        return [f"{say('this_run', lang)} ({say('seed', lang)} {seed}): {levers(runs[0][2])}"]
    lines = []
    for side, (name, described, params, changed) in zip(("left_run", "right_run"), runs, strict=False):
        about = f" ({described.rstrip('.')})" if described else ""
        changes = say("with_changes" if changed else "without_changes", lang)
        lines.append(f"{say(side, lang)}: {scenario_title(name, lang)}, {changes}{about}: {levers(params)}")
    return [say("same_seed", lang, seed=seed), *lines]


@solara.component
def RunMap(label: str, png: bytes, alt: str, style: tuple[str, str]) -> None:  # noqa: N802 - a Solara component
    """One run's map under its name (beside its line on the charts), with its text alternative."""
    colour, dash = style
    line = (
        '<span style="display:inline-block;width:24px;'
        f'border-top:3px {dash} {colour};vertical-align:middle;margin-right:5px"></span>'
    )
    with solara.Div(classes=["barrio-map"]):
        solara.HTML(
            tag="div", unsafe_innerHTML=f"{line}<b>{html.escape(label)}</b>", classes=["barrio-map-title"]
        )
        source = base64.b64encode(png).decode()
        solara.HTML(
            tag="div",
            unsafe_innerHTML=f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{source}">',
        )


@solara.component_vue("browser.vue")
def BrowserBridge(lang: str, query: str) -> None:  # noqa: N802 - a Solara component
    """Sets the document's language and keeps the session's state in the address (no reload)."""


def _short(text: str, limit: int = 18) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def chart_events(workshop: Workshop, language: str) -> list[ChartEvent]:
    """The main run's events for the charts: its scenario's lever changes and shocks, and the room's moves."""
    by_path = {c.path: c for c in CONTROLS}
    events = []
    if workshop.main is not None:
        for event in workshop.main.scenario.timeline:
            if event.shock is not None:
                name = shock_name(event.shock.name, language)
                events.append(ChartEvent(event.at, say("event_shock", language, name=name), "shock"))
                end = event.at + event.shock.weeks
                events.append(ChartEvent(end, say("event_shock_end", language, name=name), "shock"))
            # Week 0's changes are the scenario's (and the room's) starting point, not an event.
            if event.set and event.at > 0:
                names = [say(by_path[p].key, language) if p in by_path else p for p in event.set]
                text = say("event_scenario", language, levers=_short(", ".join(names), 24))
                events.append(ChartEvent(event.at, text, "scenario"))
    for week, path, value in workshop.moves:
        control = by_path.get(path)
        if control is None:
            continue
        shown = control.page_value(value)
        text = say("yes" if shown else "no", language) if control.switch else f"{shown:g}"
        events.append(ChartEvent(week, f"{_short(say(control.key, language))}: {text}", "room"))
    return events
