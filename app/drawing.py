"""The neighbourhood map, drawn as one image.

The map is built as a pixel array and sent as a PNG, not as thousands of plotted points:
at the default 60 x 60 blocks it draws in a few milliseconds, which is what lets the page
play smoothly. Each block is a square tile: its fill is the chosen layer, a frame in a
group's colour marks territory, a dark dot in the middle grows with the sellers working
there, a corner mark shows a patrol and another corner recent violence. Marks are scaled
to the block but never smaller than about a sixtieth of the map, so that a room sees them
from the back even on a large neighbourhood (140 x 140 blocks), where they spill over
their neighbours.
"""

from __future__ import annotations

import functools
import io
from enum import StrEnum

import numpy as np
from matplotlib import colormaps
from PIL import Image

from barrio.model import BarrioModel
from barrio.model.policing import UnitKind

__all__ = [
    "COLOURS",
    "GROUP_PALETTE",
    "GROUP_PATTERNS",
    "GROUP_STYLES",
    "LAYER_RAMPS",
    "GroupColours",
    "Layer",
    "group_colour",
    "group_fill",
    "group_name",
    "group_swatch_css",
    "groups_on_map",
    "map_pixels",
    "map_png",
    "map_summary",
    "ramp",
]


class Layer(StrEnum):
    """What fills the blocks."""

    TERRITORY = "territory"
    DEMAND = "demand"
    PRESENCE = "presence"
    TRUST = "trust"


#: Colours of the marks (RGB, 0-255); the page's legend uses the same. Chosen, with the
#: groups' colours, to stay apart under the common colour-vision deficiencies (checked by a
#: test that simulates them); each mark is also drawn inside a dark frame, so that it shows
#: on every layer's fill, whatever its colour.
COLOURS: dict[str, tuple[int, int, int]] = {
    "empty": (236, 236, 236),
    "sellers": (20, 20, 20),
    # Dark blue, magenta and dark brown: no group's tint is taken for one of them, even under
    # a colour-vision deficiency (light blue and yellow were, on groups B and D).
    "police": (0, 90, 200),
    "community": (170, 30, 140),
    "soldiers": (90, 60, 10),
    "incidents": (230, 30, 40),
    "frame": (25, 25, 25),
}
_UNIT_COLOUR = {
    UnitKind.POLICE: COLOURS["police"],
    UnitKind.COMMUNITY: COLOURS["community"],
    UnitKind.SOLDIERS: COLOURS["soldiers"],
}
#: Each layer's colour ramp (a matplotlib colormap) and the part of it used: single-hue
#: ramps, cut before their darkest shades so that the marks' frames stay visible.
LAYER_RAMPS: dict[Layer, tuple[str, float]] = {
    Layer.DEMAND: ("Oranges", 0.7),
    Layer.PRESENCE: ("Greens", 0.7),
    Layer.TRUST: ("Purples", 0.7),
}
#: The groups' colours: six of Okabe and Ito's colour-blind-safe set (a group's code picks
#: one, in turn). Tab10 made red and green groups nearly one colour under deuteranopia.
GROUP_PALETTE = np.array(
    [(230, 159, 0), (86, 180, 233), (0, 158, 115), (240, 228, 66), (213, 94, 0), (204, 121, 167)],
    dtype=np.uint8,
)
#: How groups beyond the palette's six stay apart: the seventh to twelfth take the same colours
#: striped "/", the next six striped "\\" (a Fortaleza at 1:10 has some thirty groups).
GROUP_PATTERNS = ("solid", "stripes", "backstripes")
#: Styles a group may take (colour and pattern), before they repeat.
GROUP_STYLES = len(GROUP_PALETTE) * len(GROUP_PATTERNS)
#: Width in pixels of a stripe (and of the gap between two).
_STRIPE = 3
#: Image width the map is drawn at when no tile is asked (pixels). 960 was sharper on a
#: 1920-px screen, but drew a frame of the default map in 45 ms against 6 (December 2026): a
#: room of 40 pages playing would keep the server's cores busy drawing.
_MAP_PIXELS = 480
#: Share of a group's colour in its blocks' fill (the rest is white): light enough for the
#: marks on top, strong enough for the groups to stay apart.
GROUP_TINT = 0.7
#: Violence-layer value at which the incident mark is fully red (about one incident in the
#: last few weeks, given the layer's 10% weekly memory).
_VIOLENCE_FULL = 0.1


class GroupColours:
    """Which style (one of :data:`GROUP_STYLES`: a colour and a pattern) each group gets, kept for a run.

    A group keeps its style while it lasts; a group founded later (a split) takes a style
    no group on the map has, while one is free, so that the legend's swatches name one group
    each. Without one, group ``code`` gets style ``code`` modulo :data:`GROUP_STYLES`.
    """

    def __init__(self) -> None:
        self.index: dict[int, int] = {}

    def update(self, codes: list[int]) -> None:
        """Give the groups on the map (``codes``) their colours; new ones take a free one."""
        in_use = {self.index[c] for c in codes if c in self.index}
        for code in codes:
            if code not in self.index:
                free = [k for k in range(GROUP_STYLES) if k not in in_use]
                self.index[code] = free[0] if free else code % GROUP_STYLES
                in_use.add(self.index[code])

    def of(self, code: int) -> int:
        """The style of group ``code`` (its colour is the palette's ``style % 6``)."""
        return self.index.get(code, code % GROUP_STYLES)

    def table(self, n_codes: int) -> np.ndarray:
        """Style by group code, for codes ``0 .. n_codes - 1``."""
        return np.array([self.of(code) for code in range(n_codes)], dtype=np.int64)


def group_colour(code: int, colours: GroupColours | None = None) -> tuple[int, int, int]:
    """The colour of group ``code`` on the map."""
    r, g, b = GROUP_PALETTE[(colours or GroupColours()).of(code) % len(GROUP_PALETTE)]
    return int(r), int(g), int(b)


def group_fill(code: int, colours: GroupColours | None = None) -> tuple[int, int, int]:
    """The fill of a block that group ``code`` holds (its colour, lightened)."""
    r, g, b = (np.array(group_colour(code, colours)) * GROUP_TINT + 255 * (1 - GROUP_TINT)).astype(np.uint8)
    return int(r), int(g), int(b)


def group_swatch_css(style: int) -> str:
    """A CSS ``background`` drawing group style ``style`` as the map does, for the legend's swatch."""
    tint = "rgb({}, {}, {})".format(*group_fill(style))
    pattern = GROUP_PATTERNS[style // len(GROUP_PALETTE) % len(GROUP_PATTERNS)]
    if pattern == "solid":
        return tint
    full = "rgb({}, {}, {})".format(*(int(c) for c in GROUP_PALETTE[style % len(GROUP_PALETTE)] * 0.75))
    angle = 45 if pattern == "stripes" else -45
    return f"repeating-linear-gradient({angle}deg, {full} 0 2px, {tint} 2px 4px)"


def group_name(code: int) -> str:
    """A group's name on the map's legend: a letter by its code (A, B, ... Z, AA, ...)."""
    letters = ""
    code += 1
    while code:
        code, rest = divmod(code - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def ramp(layer: Layer, steps: int = 6) -> list[tuple[int, int, int]]:
    """Colours of a layer's fill from its lowest value to its highest, for the legend."""
    name, top = LAYER_RAMPS[layer]
    rgba = colormaps[name](np.linspace(0.0, top, steps))
    return [tuple(int(c) for c in row[:3] * 255) for row in rgba]


def _fill(model: BarrioModel, layer: Layer, colours: GroupColours | None) -> np.ndarray:
    """One RGB colour per block, shape ``(width, height, 3)``."""
    control = model.grid.control.data
    if layer == Layer.TERRITORY:
        out = np.empty((*control.shape, 3), dtype=np.uint8)
        out[:] = COLOURS["empty"]
        held = control >= 0
        # A light tint of the group's colour, so that the marks on top stay visible.
        codes = control[held]
        style = codes % GROUP_STYLES if colours is None else colours.table(int(codes.max()) + 1)[codes]
        tint = GROUP_PALETTE[style % len(GROUP_PALETTE)] * GROUP_TINT + 255 * (1 - GROUP_TINT)
        out[held] = tint.astype(np.uint8)
        return out
    if layer == Layer.DEMAND:
        values = model.grid.demand.data
        values = values / max(float(values.max()), 1e-9)
    elif layer == Layer.PRESENCE:
        values = model.grid.state_presence.data
    else:
        values = model.blocks.trust.reshape(model.shape)
    name, top = LAYER_RAMPS[layer]
    rgba = colormaps[name](np.clip(values, 0.0, 1.0) * top)
    return (rgba[..., :3] * 255).astype(np.uint8)


def map_pixels(
    model: BarrioModel,
    layer: Layer = Layer.TERRITORY,
    tile: int | None = None,
    colours: GroupColours | None = None,
) -> np.ndarray:
    """The map as an RGB array of shape ``(height x tile, width x tile, 3)``; north is up.

    ``tile`` (pixels a block) defaults to what draws the map about :data:`_MAP_PIXELS` wide.
    """
    width, height = model.shape
    tile = tile or max(4, min(16, _MAP_PIXELS // max(width, height)))
    img = np.repeat(np.repeat(_fill(model, layer, colours), tile, axis=0), tile, axis=1)
    control = model.grid.control.data
    if layer == Layer.TERRITORY and (control >= 0).any():
        _stripe(img, control, tile, colours)
    if layer != Layer.TERRITORY:
        for x, y in np.argwhere(control >= 0):
            frame = img[x * tile : (x + 1) * tile, y * tile : (y + 1) * tile]
            colour = group_colour(int(control[x, y]), colours)
            frame[0, :], frame[-1, :], frame[:, 0], frame[:, -1] = colour, colour, colour, colour
    r = model.residents
    sellers = np.bincount(r.block[model.market.seller_ids], minlength=width * height).reshape(width, height)
    mid = tile // 2
    for x, y in np.argwhere(sellers > 0):
        half = 1 if sellers[x, y] <= 2 else (2 if sellers[x, y] <= 5 else 3)
        half = max(1, half * tile // 8)
        half = min(half, mid - 1) if mid > 1 else 0
        img[x * tile + mid - half : x * tile + mid + half, y * tile + mid - half : y * tile + mid + half] = (
            COLOURS["sellers"]
        )
    # Marks: squares in a dark outline (they show on any fill), most of a block wide, and at
    # least a sixtieth of the map (a patrol) or a ninetieth (violence) where blocks are small.
    side = max(tile * 4 // 5, max(width, height) * tile // 60, 4)
    corner = max(tile * 3 // 5, max(width, height) * tile // 90, 4)
    line = max(1, side // 7)
    frame = np.array(COLOURS["frame"])
    violence = model.grid.violence.data
    for x, y in np.argwhere(violence > 0.005):
        alpha = min(1.0, float(violence[x, y]) / _VIOLENCE_FULL)
        x1, y1 = (x + 1) * tile, (y + 1) * tile
        square = img[max(0, x1 - corner) : x1, max(0, y1 - corner) : y1]
        _outline(square, frame, line)
        inner = square[line:-line, line:-line]
        inner[:] = (inner * (1 - alpha) + np.array(COLOURS["incidents"]) * alpha).astype(np.uint8)
    for unit in model.patrols:
        x, y = unit.cell.coordinate
        square = img[x * tile : x * tile + side, y * tile : y * tile + side]
        square[:] = frame
        square[line:-line, line:-line] = _UNIT_COLOUR[unit.kind]
    # Arrays are indexed (x, y); an image is (row, column) with row 0 at the top.
    return np.ascontiguousarray(img.transpose(1, 0, 2)[::-1])


def _outline(square: np.ndarray, colour: np.ndarray, line: int) -> None:
    square[:line, :], square[-line:, :], square[:, :line], square[:, -line:] = colour, colour, colour, colour


def _stripe(img: np.ndarray, control: np.ndarray, tile: int, colours: GroupColours | None) -> None:
    """Stripe the blocks of groups past the palette's six in their colour, darkened (two directions)."""
    held = control >= 0
    style = np.full(control.shape, -1, dtype=np.int64)
    codes = control[held]
    style[held] = codes % GROUP_STYLES if colours is None else colours.table(int(codes.max()) + 1)[codes]
    pattern = np.where(style >= 0, style // len(GROUP_PALETTE) % len(GROUP_PATTERNS), 0)
    if not pattern.any():
        return
    pixels = np.repeat(np.repeat(pattern.astype(np.int8), tile, axis=0), tile, axis=1)
    slash, backslash = _stripe_masks(*pixels.shape)
    on = ((pixels == 1) & slash) | ((pixels == 2) & backslash)
    colour = np.repeat(
        np.repeat((np.maximum(style, 0) % len(GROUP_PALETTE)).astype(np.int8), tile, 0), tile, 1
    )
    img[on] = (GROUP_PALETTE[colour[on]] * 0.75).astype(np.uint8)


@functools.cache
def _stripe_masks(height: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    r"""Where a "/" and a "\" stripe fall on an image of this size: the same every frame, so kept."""
    i, j = np.indices((height, width))
    # Image rows run north to south once flipped: (i + j) here draws "\\" on screen.
    return (i - j) // _STRIPE % 2 == 0, (i + j) // _STRIPE % 2 == 0


def map_png(
    model: BarrioModel,
    layer: Layer = Layer.TERRITORY,
    tile: int | None = None,
    colours: GroupColours | None = None,
) -> bytes:
    """The map as PNG bytes."""
    buffer = io.BytesIO()
    Image.fromarray(map_pixels(model, layer, tile, colours)).save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def map_summary(model: BarrioModel) -> dict[str, int]:
    """What the map shows, counted, for its text alternative.

    Its size, the groups and the share of blocks they hold, sellers, patrols, blocks with violence.
    """
    control = model.grid.control.data
    held = control >= 0
    return {
        "width": int(control.shape[0]),
        "height": int(control.shape[1]),
        "groups": len(np.unique(control[held])),
        "held": round(100 * float(held.mean())),
        "sellers": len(model.market.seller_ids),
        "patrols": len(model.patrols),
        "violent": int((model.grid.violence.data > 0.005).sum()),
    }


def groups_on_map(model: BarrioModel) -> list[int]:
    """Codes of the groups holding blocks, in code order (the legend names them)."""
    control = model.grid.control.data
    return [int(c) for c in np.unique(control[control >= 0])]
