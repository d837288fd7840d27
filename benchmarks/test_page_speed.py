"""How fast the workshop page can play: one frame is a month of model weeks plus the drawing.

Measured at the library's default size (40,000 residents), the size the page shows.
"""

from __future__ import annotations

import pytest

from barrio.app.charts import PANELS, chart_option
from barrio.app.drawing import Layer, map_png
from barrio.app.page import FRAME_WEEKS
from barrio.app.session import Simulation
from barrio.model import load_scenario


@pytest.fixture(scope="module")
def simulation() -> Simulation:
    sim = Simulation("baseline", load_scenario("baseline"), seed=1)
    sim.advance(104)
    return sim


@pytest.mark.parametrize("layer", [Layer.TERRITORY, Layer.TRUST])
def test_map_drawing(benchmark, simulation, layer):
    png = benchmark(map_png, simulation.model, layer)
    assert png.startswith(b"\x89PNG")


def test_chart_options(benchmark, simulation):
    history = simulation.history()
    residents = simulation.scenario.params.neighbourhood.population
    options = benchmark(lambda: [chart_option(p, [("a", history, residents)], "en", 520) for p in PANELS])
    assert len(options) == len(PANELS)


def test_one_frame(benchmark, simulation):
    """What the play loop does for each frame, but the browser's part."""
    residents = simulation.scenario.params.neighbourhood.population

    def frame():
        simulation.advance(FRAME_WEEKS)
        map_png(simulation.model)
        history = simulation.history()
        return [chart_option(p, [("a", history, residents)], "en", 520) for p in PANELS]

    benchmark.pedantic(frame, rounds=20, iterations=1)
