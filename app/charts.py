"""The page's live charts: six small panels, the runs on show overlaid.

Each panel is an ECharts option (plain data) drawn in the browser: redrawing six
matplotlib panels on the server took about 0.4 s a frame, which made play stutter.
ECharts' script ships with ``solara-assets``, so the charts need nothing from the web.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from barrio.app.labels import say
from barrio.model.outcomes import SEXES

__all__ = ["CHART_OUTCOMES", "PANELS", "STYLES", "chart_option", "panel_series"]

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
#: Weeks averaged for the homicide rate: weekly counts in one neighbourhood are mostly 0 or 1.
_HOMICIDE_WINDOW = 13


def panel_series(history: pd.DataFrame, panel: str, residents: int) -> pd.Series:
    """The series a panel draws from a run's history (index: week)."""
    h = history
    if panel == "chart_homicides":
        weekly = h["homicides"].rolling(_HOMICIDE_WINDOW, min_periods=1).mean()
        return weekly * 52 * 100_000 / residents
    if panel == "chart_sellers":
        return h["sellers"]
    if panel == "chart_prisoners":
        return h["prisoners_pretrial"] + h["prisoners_sentenced"]
    if panel == "chart_occupancy":
        return h["prison_occupancy_pct"]
    if panel == "chart_young_recruits":
        return h[list(YOUNG_RECRUITS)].sum(axis=1).rolling(4, min_periods=1).sum()
    if panel == "chart_spending":
        return (h["enforcement_cost"] + h["programme_spending"]) / 1000
    raise KeyError(panel)


def chart_option(
    panel: str, runs: Sequence[tuple[str, pd.DataFrame, int]], language: str, horizon_weeks: int
) -> dict[str, Any]:
    """One panel's ECharts option, with one line per run.

    Args:
        panel: A key of :data:`PANELS`.
        runs: ``(label, history, residents)`` per run, main run first (residents for rates).
        language: Language of the title.
        horizon_weeks: Length of the policy period (the x axis always spans it, so the
            curves grow from the left instead of the axis stretching).
    """
    series = []
    for (label, history, residents), (colour, dash) in zip(runs, STYLES, strict=False):
        values = panel_series(history, panel, residents) if len(history) else pd.Series(dtype=float)
        points = [[round(week / 52, 3), round(float(v), 2)] for week, v in values.items()]
        series.append(
            {
                "name": label,
                "type": "line",
                "showSymbol": False,
                "data": points,
                "lineStyle": {"color": colour, "type": dash, "width": 2},
                "itemStyle": {"color": colour},
            }
        )
    return {
        "animation": False,
        "title": {"text": say(panel, language), "textStyle": {"fontSize": 13}, "left": "center"},
        "grid": {"left": 48, "right": 12, "top": 30, "bottom": 24},
        "xAxis": {"type": "value", "min": 0, "max": horizon_weeks / 52, "name": say("unit_years", language)},
        "yAxis": {"type": "value", "min": 0},
        "tooltip": {"trigger": "axis"},
        "series": series,
    }
