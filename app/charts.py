"""The page's live charts: six small panels, the runs on show overlaid.

Each panel is an ECharts option (plain data) drawn in the browser: redrawing six
matplotlib panels on the server took about 0.4 s a frame, which made play stutter.
ECharts' script ships with ``solara-assets``, so the charts need nothing from the web.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pandas as pd

from barrio.app.calendar import clock
from barrio.app.labels import say
from barrio.model.outcomes import SEXES

__all__ = [
    "CHART_OUTCOMES",
    "PANELS",
    "PANEL_UNITS",
    "STYLES",
    "ChartEvent",
    "ChartMarker",
    "chart_markers",
    "chart_option",
    "panel_series",
    "shown_weeks",
]

#: Panels, in order: label key -> how to get the series from a run's history.
PANELS = (
    "chart_homicides",
    "chart_sellers",
    "chart_prisoners",
    "chart_occupancy",
    "chart_young_recruits",
    "chart_spending",
)
#: Recruits the "young people" panel adds up: both sexes, aged 12-17 and 18-24.
YOUNG_RECRUITS = tuple(f"recruits_{sex}_{band}" for sex in SEXES for band in ("12_17", "18_24"))
#: Outcomes the panels read, each week.
CHART_OUTCOMES = (
    "homicides",
    "sellers",
    "prisoners_pretrial",
    "prisoners_sentenced",
    "prison_occupancy_pct",
    *YOUNG_RECRUITS,
    "enforcement_cost",
    "programme_spending",
)
#: Line colour and dash of the main run and of the run beside it (the page labels each
#: map with its line, which saves a legend in every small panel).
STYLES = (("#c0392b", "solid"), ("#2c3e50", "dashed"))
#: Weeks averaged for the homicide rate: a year, as homicide rates are counted. Weekly counts
#: in one neighbourhood are mostly 0 or 1, and a shorter window made the rate jump in steps of
#: 10 per 100,000 at 40,000 residents; the warm-up's last year fills the window from week 0.
HOMICIDE_WINDOW = 52
#: Each panel's unit, said in its tooltip after the value (label keys).
PANEL_UNITS = {
    "chart_homicides": "unit_homicides",
    "chart_sellers": "unit_people",
    "chart_prisoners": "unit_people",
    "chart_occupancy": "unit_percent_short",
    "chart_young_recruits": "unit_a_month",
    "chart_spending": "unit_kusd_week",
}
#: Colour of each kind of event line: the room's lever changes, the scenario's own, shocks.
EVENT_COLOURS = {"room": "#0072b2", "scenario": "#555555", "shock": "#d55e00"}
#: Share of the time axis within which events share one marker (a line and a tooltip):
#: lines closer than this (a few pixels) would read as one anyway; and at least a month,
#: what the room moves in one go between two frames or one press of "One month".
MARKER_GAP = 0.04
MARKER_GAP_WEEKS = 4
#: Longest marker label, in characters, before the "+N" that counts the marker's other events.
MARKER_LABEL = 16
#: Width of the narrowest chart's plot, in pixels (side by side at 1280 x 720), and a
#: character's mean width as a share of the font size: the labels are laid out for these,
#: since the server does not know the screen. One label per event piled up into a blob.
PLOT_PIXELS = 230
CHARACTER_WIDTH = 0.55
#: Font sizes in pixels, normal and with the page's large text (a projector at the back of a
#: room): the title, the axes' labels, the markers' labels, the tooltip.
FONT_SIZES = {False: (13, 12, 11, 13), True: (18, 16, 15, 17)}


@dataclass(frozen=True)
class ChartEvent:
    """Something that happened at a week, drawn on every chart as a marked vertical line.

    Attributes:
        week: Week of the policy period.
        label: Short text beside the line, in the room's language.
        kind: ``"room"`` (a lever moved on the page), ``"scenario"`` (the scenario's
            timeline) or ``"shock"``.
    """

    week: int
    label: str
    kind: str


@dataclass(frozen=True)
class ChartMarker:
    """One marked vertical line standing for the events of the same or nearby weeks.

    Attributes:
        week: Week of its first event (where the line is drawn).
        events: Its events, in week order, each listed in the marker's tooltip.
        kind: The most telling of its events' kinds: the room's, else the scenario's, else a shock.
        label: Short text above the plot (the first event, ``+2`` for two more), or ``""`` where
            a label would cover a later marker's or run past the plot.
        align: ``"left"`` (the label runs right from the line), ``"right"`` or ``"center"``.
        row: ``0``, the label above the plot, or ``1``, just inside the plot's top edge.
    """

    week: int
    events: tuple[ChartEvent, ...]
    kind: str
    label: str = ""
    align: str = "left"
    row: int = 0


def chart_markers(events: Sequence[ChartEvent], weeks: int, font_size: int = 11) -> list[ChartMarker]:
    """The markers for the ``events`` on an axis of ``weeks``, labelled where labels fit.

    Events within :data:`MARKER_GAP` of the axis (a month at least) share a marker. Labels are given from the
    latest marker back (the room's last change matters most), each only where it covers
    no label already given and stays within the plot, at ``font_size`` pixels: above the
    plot where there is room, else in a second row just inside it.
    """
    gap = max(MARKER_GAP_WEEKS, round(weeks * MARKER_GAP))
    groups: list[list[ChartEvent]] = []
    for event in sorted((e for e in events if 0 <= e.week < weeks), key=lambda e: e.week):
        if groups and event.week - groups[-1][0].week < gap:
            groups[-1].append(event)
        else:
            groups.append([event])
    taken: tuple[list[tuple[float, float]], ...] = ([], [])
    markers = []
    for group in reversed(groups):
        first = group[0].label
        text = first if len(first) <= MARKER_LABEL else first[: MARKER_LABEL - 1].rstrip(" :,") + "…"
        if len(group) > 1:
            text += f" +{len(group) - 1}"
        # Where the line and the label fall, as shares of the plot's width.
        at = group[0].week / max(1, weeks - 1)
        width = (len(text) * CHARACTER_WIDTH * font_size + 6) / PLOT_PIXELS
        label, align, row = "", "left", 0
        places = [
            (row_, align_, extent)
            for row_ in (0, 1)
            for align_, extent in (
                ("left", (at, at + width)),
                ("right", (at - width, at)),
                ("center", (at - width / 2, at + width / 2)),
            )
        ]
        for row_, align_, (low, high) in places:
            if low >= 0 and high <= 1 and all(high < a or low > b for a, b in taken[row_]):
                label, align, row = text, align_, row_
                taken[row_].append((low, high))
                break
        kinds = {e.kind for e in group}
        kind = next(k for k in ("room", "scenario", "shock") if k in kinds)
        markers.append(ChartMarker(group[0].week, tuple(group), kind, label, align, row))
    return markers[::-1]


def panel_series(history: pd.DataFrame, panel: str, residents: int) -> pd.Series:
    """The series a panel draws from a run's history (index: week; weeks before 0 only feed averages)."""
    h = history
    if panel == "chart_homicides":
        weekly = h["homicides"].rolling(HOMICIDE_WINDOW, min_periods=1).mean()
        values = weekly * 52 * 100_000 / residents
    elif panel == "chart_sellers":
        values = h["sellers"]
    elif panel == "chart_prisoners":
        values = h["prisoners_pretrial"] + h["prisoners_sentenced"]
    elif panel == "chart_occupancy":
        values = h["prison_occupancy_pct"]
    elif panel == "chart_young_recruits":
        values = h[list(YOUNG_RECRUITS)].sum(axis=1).rolling(4, min_periods=1).sum()
    elif panel == "chart_spending":
        values = (h["enforcement_cost"] + h["programme_spending"]) / 1000
    else:
        raise KeyError(panel)
    return values[values.index >= 0]


def shown_weeks(weeks_run: int, horizon_weeks: int) -> int:
    """Weeks the time axis spans: the years begun so far, whole (at least one), within the horizon.

    The first year fills the chart's width; the axis grows a year at a time as the run goes on.
    """
    years = max(1, -(-(weeks_run + 1) // 52))
    return max(1, min(horizon_weeks, years * 52))


@lru_cache(maxsize=16)
def _week_names(language: str, weeks: int) -> tuple[list[str], list[str]]:
    """Each week's name for tooltips ("Year 1, month 3 (week 10)"), and the year labels of the axis."""
    names = []
    for week in range(weeks):
        years, months = clock(week)
        names.append(say("time", language, years=years, months=months, week=week))
    every = max(1, -(-weeks // 52 // 5))  # at most about five year labels
    ticks = [
        say("year_axis", language, year=w // 52 + 1) if w % 52 == 0 and (w // 52) % every == 0 else ""
        for w in range(weeks)
    ]
    return names, ticks


def chart_option(
    panel: str,
    runs: Sequence[tuple[str, pd.DataFrame, int]],
    language: str,
    horizon_weeks: int,
    events: Sequence[ChartEvent] = (),
    large: bool = False,
) -> dict[str, Any]:
    """One panel's ECharts option, with one line per run.

    The time axis names each week ("Year 1, month 3 (week 10)" in the tooltip) and marks the
    start of each year; the tooltip gives each value with its unit. The option is plain data
    (no script), as Solara sends it to the browser.

    Args:
        panel: A key of :data:`PANELS`.
        runs: ``(label, history, residents)`` per run, main run first (residents for rates).
        language: Language of the title, the axis and the tooltip.
        horizon_weeks: Length of the policy period (the axis never goes past it).
        events: Lever changes and shocks to mark with a vertical line; nearby ones share
            one (:func:`chart_markers`).
        large: The page's large text is on: every text of the chart is drawn larger.
    """
    weeks_run = max((int(h.index.max()) + 1 if len(h) else 0) for _, h, _ in runs) if runs else 0
    weeks = shown_weeks(weeks_run, horizon_weeks)
    names, ticks = _week_names(language, weeks)
    unit = say(PANEL_UNITS[panel], language)
    series = []
    for (label, history, residents), (colour, dash) in zip(runs, STYLES, strict=False):
        values = panel_series(history, panel, residents) if len(history) else pd.Series(dtype=float)
        series.append(
            {
                "name": label,
                "type": "line",
                "showSymbol": False,
                "data": [round(float(v), 2) for v in values.to_numpy()[:weeks]],
                "lineStyle": {"color": colour, "type": dash, "width": 2},
                "itemStyle": {"color": colour},
            }
        )
    title_size, axis_size, marker_size, tooltip_size = FONT_SIZES[large]
    markers = chart_markers(events, weeks, marker_size)
    if series and markers:
        series[0]["markLine"] = {
            "symbol": "none",
            "animation": False,
            # Hovering a marker (or touching it) lists its events in full.
            # ECharts escapes the listing: a line of its own per event needs pre-line.
            "tooltip": {
                "trigger": "item",
                "formatter": "{b}",
                "confine": True,
                "extraCssText": "white-space: pre-line",
            },
            "emphasis": {"lineStyle": {"width": 3}},
            "data": [_marker_line(m, names, marker_size) for m in markers],
        }
    lines = "".join(f"<br/>{{a{k}}}: {{c{k}}} {unit}" for k in range(len(series)))
    return {
        "animation": False,
        # A long title wraps within the narrowest chart (about 190 px at 1024x768, a projector)
        # rather than running past it.
        "title": {
            "text": say(panel, language),
            "textStyle": {
                "fontSize": title_size,
                "width": 180 if not large else 240,
                "overflow": "break",
                "lineHeight": title_size + 2,
            },
            "left": 2,
            "top": 2,
        },
        # Room above the plot for a two-line title and the markers' labels under it.
        "grid": {
            "left": 8 + 3 * axis_size,
            "right": 12,
            "top": 2 * (title_size + 2) + marker_size + 10,
            "bottom": axis_size + 10,
        },
        "xAxis": [
            # The weeks, named for the tooltip; their labels are drawn by the second axis.
            {"type": "category", "data": names, "boundaryGap": False, "axisLabel": {"show": False}},
            {
                "type": "category",
                "data": ticks,
                "position": "bottom",
                "boundaryGap": False,
                "axisLabel": {"interval": 0, "fontSize": axis_size},
                "axisTick": {"show": False},
                "axisPointer": {"show": False},
            },
        ],
        "yAxis": {"type": "value", "min": 0, "axisLabel": {"fontSize": axis_size}},
        "tooltip": {
            "trigger": "axis",
            "formatter": "{b0}" + lines,
            "textStyle": {"fontSize": tooltip_size},
            # Within the chart: a chart at the screen's edge would push it off the screen.
            "confine": True,
        },
        # A download button on each chart: the chart as a PNG, drawn by the browser.
        "toolbox": {
            "right": 0,
            "bottom": 0,
            "itemSize": axis_size,
            "feature": {"saveAsImage": {"title": say("download_png", language), "name": f"barrio-{panel}"}},
        },
        "series": series,
    }


def _marker_line(marker: ChartMarker, names: list[str], size: int) -> dict[str, Any]:
    """One marker's line for ECharts: its short label above the plot, its events in the tooltip."""
    colour = EVENT_COLOURS[marker.kind]
    listed = "\n".join(f"{names[e.week]}: {e.label}" for e in marker.events)
    return {
        "xAxis": marker.week,
        "name": listed,
        "lineStyle": {"color": colour, "type": "dotted", "width": 1.5},
        "label": {
            "show": bool(marker.label),
            "formatter": marker.label,
            # Level, above the plot, running from the line into the plot's width: never over
            # the y-axis' numbers.
            "position": "end",
            "align": marker.align,
            # The second row hangs just below the plot's top edge, over the top of the lines.
            "offset": [0, marker.row * (size + 8)],
            "fontSize": size,
            "backgroundColor": "rgba(255, 255, 255, 0.85)",
            "padding": [1, 2],
            "color": colour,
        },
    }
