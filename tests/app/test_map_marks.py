"""The map from the back of a room: marks large enough to see, unit colours no group's territory
is confused with (also under colour-vision deficiencies), and groups past the palette's six
told apart."""

from __future__ import annotations

import numpy as np
import pytest
from colorspacious import deltaE

from barrio.app.drawing import (
    COLOURS,
    GROUP_PALETTE,
    GROUP_STYLES,
    GroupColours,
    Layer,
    group_fill,
    group_swatch_css,
    map_pixels,
)
from barrio.app.session import Simulation
from barrio.model.policing import UnitKind
from tests.app.test_app import small_scenario
from tests.app.test_room import _seen  # how a colour looks with a colour-vision deficiency

#: As the palette's own check (tests/app/test_room.py): CAM02-UCS distance told apart at a glance.
LEAST_DISTANCE = 7.0
UNITS = {"police": UnitKind.POLICE, "community": UnitKind.COMMUNITY, "soldiers": UnitKind.SOLDIERS}


@pytest.mark.parametrize("deficiency", [None, "deuteranomaly", "protanomaly", "tritanomaly"])
@pytest.mark.parametrize("unit", [*UNITS, "incidents"])
def test_no_group_territory_is_confused_with_a_unit(unit, deficiency):
    fills = [group_fill(code) for code in range(len(GROUP_PALETTE))] + [COLOURS["empty"]]
    mark = _seen(COLOURS[unit], deficiency)
    least = min(deltaE(mark, _seen(f, deficiency), input_space="sRGB1") for f in fills)
    assert least >= LEAST_DISTANCE


@pytest.fixture(scope="module")
def model():
    sim = Simulation("small", small_scenario(), seed=2)
    sim.advance(3)
    return sim.model


def _mark_side(model, tile: int) -> int:
    """The width in pixels of the first patrol's mark, at ``tile`` pixels a block."""
    unit = model.patrols[0]
    colour = COLOURS[next(k for k, v in UNITS.items() if v == unit.kind)]
    img = map_pixels(model, Layer.TERRITORY, tile=tile)[::-1].transpose(1, 0, 2)  # back to (x, y)
    x, y = unit.cell.coordinate
    around = img[x * tile : (x + 3) * tile, y * tile : (y + 3) * tile]
    columns = np.flatnonzero((around == np.array(colour)).all(axis=-1).any(axis=1))
    return int(columns.max() - columns.min() + 1) + 2  # and its outline


def test_patrol_marks_take_most_of_a_block(model):
    # At the page's 16 pixels a block, a mark was 5 pixels wide.
    assert _mark_side(model, 16) >= 12


def test_patrol_marks_stay_visible_where_blocks_are_small(model):
    width = max(model.shape)
    # Two pixels a block (a large neighbourhood): the mark spills over its neighbours.
    assert _mark_side(model, 2) >= width * 2 // 60


def test_groups_past_the_palette_are_drawn_apart_and_named_apart():
    sim = Simulation("small", small_scenario(), seed=2)
    model = sim.model
    model.grid.control.data[:] = -1
    count = len(GROUP_PALETTE) + 1
    for code in range(count):
        model.grid.control.data[code * 2 : code * 2 + 2, :] = code
    colours = GroupColours()
    colours.update(list(range(count)))
    tile = 8
    img = map_pixels(model, Layer.TERRITORY, tile=tile, colours=colours)[::-1].transpose(1, 0, 2)
    first, seventh = img[:tile, -tile:], img[12 * tile : 13 * tile, -tile:]
    assert not np.array_equal(first, seventh)
    swatches = {group_swatch_css(style) for style in range(GROUP_STYLES)}
    assert len(swatches) == GROUP_STYLES >= 3 * len(GROUP_PALETTE)
