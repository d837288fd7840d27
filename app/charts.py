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
        events: Lever changes and shocks to mark with a vertical line.
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
    shown_events = [e for e in events if 0 <= e.week < weeks]
    if series and shown_events:
        series[0]["markLine"] = {
            "symbol": "none",
            "silent": True,
            "animation": False,
            "data": [
                {
                    "xAxis": e.week,
                    "lineStyle": {"color": EVENT_COLOURS[e.kind], "type": "dotted", "width": 1.5},
                    "label": {
                        "formatter": e.label,
                        # Across the top of the line, not along it: a room reads it level.
                        "position": "end",
                        "fontSize": 9,
                        "backgroundColor": "rgba(255, 255, 255, 0.8)",
                        "color": EVENT_COLOURS[e.kind],
                    },
                }
                for e in shown_events
            ],
        }
    lines = "".join(f"<br/>{{a{k}}}: {{c{k}}} {unit}" for k in range(len(series)))
    return {
        "animation": False,
        # A long title wraps within the narrowest chart (about 190 px at 1024x768, a projector)
        # rather than running past it.
        "title": {
            "text": say(panel, language),
            "textStyle": {"fontSize": 12, "width": 180, "overflow": "break", "lineHeight": 14},
            "left": 2,
            "top": 2,
        },
        "grid": {"left": 44, "right": 12, "top": 44, "bottom": 22},
        "xAxis": [
            # The weeks, named for the tooltip; their labels are drawn by the second axis.
            {"type": "category", "data": names, "boundaryGap": False, "axisLabel": {"show": False}},
            {
                "type": "category",
                "data": ticks,
                "position": "bottom",
                "boundaryGap": False,
                "axisLabel": {"interval": 0, "fontSize": 11},
                "axisTick": {"show": False},
                "axisPointer": {"show": False},
            },
        ],
        "yAxis": {"type": "value", "min": 0},
        "tooltip": {"trigger": "axis", "formatter": "{b0}" + lines},
        # A download button on each chart: the chart as a PNG, drawn by the browser.
        "toolbox": {
            "right": 0,
            "bottom": 0,
            "itemSize": 12,
            "feature": {"saveAsImage": {"title": say("download_png", language), "name": f"barrio-{panel}"}},
        },
        "series": series,
    }
