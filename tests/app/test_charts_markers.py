"""The charts' markers of lever changes and shocks, and their text on a projector: changes of
nearby weeks share one marker, labels never pile up or cover the axis, and the page's large
text reaches the charts."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest

from barrio.app.charts import (
    CHARACTER_WIDTH,
    CHART_OUTCOMES,
    PANELS,
    PLOT_PIXELS,
    ChartEvent,
    chart_markers,
    chart_option,
)


def _history(weeks: int) -> pd.DataFrame:
    return pd.DataFrame(1.0, index=range(-52, weeks), columns=list(CHART_OUTCOMES))


#: A facilitator's burst: a dozen levers moved within a month, then a few more later.
BURST = [
    ChartEvent(w, f"Lever number {k}: {10 * k}", "room") for k, w in enumerate([8, 8, 8, 9, 9, 10, 11, 11])
]
LATER = [ChartEvent(30, "Shock: pandemic", "shock"), ChartEvent(31, "Soldiers: 8", "room")]


def _lines(events, weeks_run: int = 40, large: bool = False) -> list[dict]:
    option = chart_option("chart_sellers", [("a", _history(weeks_run), 4000)], "en", 520, events, large=large)
    return option["series"][0]["markLine"]["data"]


def test_changes_of_nearby_weeks_share_one_marker_whose_tooltip_lists_them_all():
    lines = _lines(BURST + LATER)
    assert [line["xAxis"] for line in lines] == [8, 30]
    burst = lines[0]
    # One short label: the first change and how many more.
    assert burst["label"]["formatter"] == "Lever number 0… +7"
    for event in BURST:
        assert f"(week {event.week}): {event.label}" in burst["name"]
    # A shock and a room's change together are drawn as the room's (its colour).
    assert lines[1]["lineStyle"]["color"] == burst["lineStyle"]["color"]


def test_changes_far_apart_keep_their_own_markers():
    events = [ChartEvent(w, f"L{w}", "room") for w in (2, 20, 40)]
    assert [m.week for m in chart_markers(events, 52)] == [2, 20, 40]


def _extent(marker, weeks: int, font_size: int) -> tuple[float, float]:
    at = marker.week / (weeks - 1)
    width = (len(marker.label) * CHARACTER_WIDTH * font_size + 6) / PLOT_PIXELS
    return {"left": (at, at + width), "right": (at - width, at), "center": (at - width / 2, at + width / 2)}[
        marker.align
    ]


@pytest.mark.parametrize("font_size", [11, 15])
@pytest.mark.parametrize("weeks", [52, 104, 520])
def test_labels_never_overlap_nor_leave_the_plot(weeks, font_size):
    # A change every three weeks, as in a long, busy session.
    events = [ChartEvent(w, f"Police patrol units: {w}", "room") for w in range(0, weeks, 3)]
    markers = chart_markers(events, weeks, font_size)
    labelled = [m for m in markers if m.label]
    assert labelled, "at least the last change is labelled"
    assert markers[-1].label  # the room's latest change first
    for row in (0, 1):
        extents = sorted(_extent(m, weeks, font_size) for m in labelled if m.row == row)
        # Never left of the plot (over the y-axis' numbers) nor past its right end.
        assert all(low >= 0 and high <= 1 for low, high in extents)
        assert all(a[1] < b[0] for a, b in itertools.pairwise(extents))
    # Every event is in exactly one marker.
    assert sum(len(m.events) for m in markers) == len(events)


def test_one_label_per_week_at_most():
    events = [ChartEvent(5, f"Lever {k}: 1", "room") for k in range(6)]
    lines = _lines(events)
    assert len(lines) == 1 and lines[0]["label"]["formatter"] == "Lever 0: 1 +5"


def test_large_text_enlarges_every_text_of_the_charts():
    for panel in PANELS:
        small, large = (
            chart_option(panel, [("a", _history(40), 4000)], "es", 520, BURST, large=on)
            for on in (False, True)
        )
        for option in (small, large):
            assert option["title"]["textStyle"]["fontSize"] >= 13
        assert large["title"]["textStyle"]["fontSize"] > small["title"]["textStyle"]["fontSize"]
        assert large["xAxis"][1]["axisLabel"]["fontSize"] > small["xAxis"][1]["axisLabel"]["fontSize"]
        assert large["yAxis"]["axisLabel"]["fontSize"] > small["yAxis"]["axisLabel"]["fontSize"]
        assert large["tooltip"]["textStyle"]["fontSize"] > small["tooltip"]["textStyle"]["fontSize"]
        marker = (o["series"][0]["markLine"]["data"][0]["label"]["fontSize"] for o in (small, large))
        assert next(marker) < next(marker)
        # The plot keeps room for the larger title and labels above it and the axis beside it.
        assert large["grid"]["top"] > small["grid"]["top"] and large["grid"]["left"] > small["grid"]["left"]
