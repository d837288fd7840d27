"""The neighbourhood map, drawn as one image.

The map is built as a pixel array and sent as a PNG, not as thousands of plotted points:
at the default 60 x 60 blocks it draws in a few milliseconds, which is what lets the page
play smoothly. Each block is a square tile: its fill is the chosen layer, a frame in a
group's colour marks territory, a dark dot in the middle grows with the sellers working
there, a corner mark shows a patrol and another corner recent violence.
"""

from __future__ import annotations

import io
from enum import StrEnum

import numpy as np
from matplotlib import colormaps
from PIL import Image

from barrio.model import BarrioModel
from barrio.model.policing import UnitKind

__all__ = ["COLOURS", "Layer", "group_colour", "map_pixels", "map_png"]


class Layer(StrEnum):
    """What fills the blocks."""

    TERRITORY = "territory"
    DEMAND = "demand"
    PRESENCE = "presence"
    TRUST = "trust"


#: Colours of the marks (RGB, 0-255); the page's legend uses the same.
COLOURS: dict[str, tuple[int, int, int]] = {
    "empty": (236, 236, 236),
    "sellers": (20, 20, 20),
    "police": (25, 80, 220),
    "community": (0, 190, 210),
    "soldiers": (40, 110, 40),
    "incidents": (220, 20, 30),
}
_UNIT_COLOUR = {
    UnitKind.POLICE: COLOURS["police"],
    UnitKind.COMMUNITY: COLOURS["community"],
    UnitKind.SOLDIERS: COLOURS["soldiers"],
}
_LAYER_MAP = {Layer.DEMAND: "YlOrBr", Layer.PRESENCE: "Greens", Layer.TRUST: "Blues"}
_PALETTE = (np.array(colormaps["tab10"].colors) * 255).astype(np.uint8)
#: Violence-layer value at which the incident mark is fully red (about one incident in the
#: last few weeks, given the layer's 10% weekly memory).
_VIOLENCE_FULL = 0.1


def group_colour(code: int) -> tuple[int, int, int]:
    """The colour of group ``code`` on the map."""
    r, g, b = _PALETTE[code % len(_PALETTE)]
    return int(r), int(g), int(b)


def _fill(model: BarrioModel, layer: Layer) -> np.ndarray:
    """One RGB colour per block, shape ``(width, height, 3)``."""
    control = model.grid.control.data
    if layer == Layer.TERRITORY:
        out = np.empty((*control.shape, 3), dtype=np.uint8)
        out[:] = COLOURS["empty"]
        held = control >= 0
        # A light tint of the group's colour, so that the marks on top stay visible.
        out[held] = (_PALETTE[control[held] % len(_PALETTE)] * 0.45 + 255 * 0.55).astype(np.uint8)
        return out
    if layer == Layer.DEMAND:
        values = model.grid.demand.data
        values = values / max(float(values.max()), 1e-9)
    elif layer == Layer.PRESENCE:
        values = model.grid.state_presence.data
    else:
        values = model.blocks.trust.reshape(model.shape)
    rgba = colormaps[_LAYER_MAP[layer]](np.clip(values, 0.0, 1.0) * 0.85)
    return (rgba[..., :3] * 255).astype(np.uint8)


def map_pixels(model: BarrioModel, layer: Layer = Layer.TERRITORY, tile: int = 8) -> np.ndarray:
    """The map as an RGB array of shape ``(height x tile, width x tile, 3)``; north is up."""
    width, height = model.shape
    img = np.repeat(np.repeat(_fill(model, layer), tile, axis=0), tile, axis=1)
    control = model.grid.control.data
    if layer != Layer.TERRITORY:
        for x, y in np.argwhere(control >= 0):
            frame = img[x * tile : (x + 1) * tile, y * tile : (y + 1) * tile]
            colour = group_colour(int(control[x, y]))
            frame[0, :], frame[-1, :], frame[:, 0], frame[:, -1] = colour, colour, colour, colour
    r = model.residents
    sellers = np.bincount(r.block[model.market.seller_ids], minlength=width * height).reshape(width, height)
    mid = tile // 2
    for x, y in np.argwhere(sellers > 0):
        half = 1 if sellers[x, y] <= 2 else (2 if sellers[x, y] <= 5 else 3)
        half = min(half, mid - 1) if mid > 1 else 0
        img[x * tile + mid - half : x * tile + mid + half, y * tile + mid - half : y * tile + mid + half] = (
            COLOURS["sellers"]
        )
    mark = max(2, tile // 3 + 1)
    for unit in model.patrols:
        x, y = unit.cell.coordinate
        img[x * tile + 1 : x * tile + 1 + mark, y * tile + 1 : y * tile + 1 + mark] = _UNIT_COLOUR[unit.kind]
    violence = model.grid.violence.data
    for x, y in np.argwhere(violence > 0.005):
        alpha = min(1.0, float(violence[x, y]) / _VIOLENCE_FULL)
        corner = img[
            (x + 1) * tile - 1 - mark : (x + 1) * tile - 1, (y + 1) * tile - 1 - mark : (y + 1) * tile - 1
        ]
        corner[:] = (corner * (1 - alpha) + np.array(COLOURS["incidents"]) * alpha).astype(np.uint8)
    # Arrays are indexed (x, y); an image is (row, column) with row 0 at the top.
    return np.ascontiguousarray(img.transpose(1, 0, 2)[::-1])


def map_png(model: BarrioModel, layer: Layer = Layer.TERRITORY, tile: int = 8) -> bytes:
    """The map as PNG bytes."""
    buffer = io.BytesIO()
    Image.fromarray(map_pixels(model, layer, tile)).save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()
