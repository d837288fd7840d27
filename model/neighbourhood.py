"""The neighbourhood: a grid of blocks with land use and property layers.

The grid is Mesa's :class:`~mesa.discrete_space.OrthogonalMooreGrid`; block-level state
lives in its property layers (``cell.demand``, ``cell.state_presence``, ``cell.control``,
``cell.violence``, ``cell.police_presence``, ``cell.land_use``). Whole-grid rules read and
write ``grid.<layer>.data`` directly, as arrays of shape ``(width, height)``; a block's flat
index is ``x * height + y``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache
from random import Random

import numpy as np
from mesa.discrete_space import OrthogonalMooreGrid

from barrio.model.params import Params
from barrio.model.population import Residents, ids_in

__all__ = [
    "LAYERS",
    "Blocks",
    "LandUse",
    "box_sum",
    "build_grid",
    "held_codes",
    "next_to",
    "rival_neighbours",
    "row_neighbours",
    "small_codes",
    "turf",
    "within_reach",
]

#: Property layers every Barrio grid carries: name -> (default value, dtype).
LAYERS: dict[str, tuple[float, type]] = {
    "land_use": (0, int),
    "demand": (0.0, float),
    "state_presence": (0.0, float),
    "control": (-1, int),
    "violence": (0.0, float),
    "police_presence": (0.0, float),
}


#: Spread (sd of the log) of block-to-block noise in drug demand.
#: Source: assumption.
DEMAND_NOISE = 0.3
#: Radius in blocks over which state presence varies smoothly (noise averaged over blocks
#: within it).
#: Source: assumption: services, and their absence, cluster over a few streets.
PRESENCE_CLUSTER = 2
#: How far state presence varies around its mean: presence = ``neighbourhood.state_presence``
#: x (1 + PRESENCE_VARIATION x the smoothed noise).
#: Source: assumption.
PRESENCE_VARIATION = 0.5
#: Extra state presence on a school block.
#: Source: assumption: a school is the state.
SCHOOL_PRESENCE = 0.2
#: Spacing of main streets in blocks (every MAIN_STREET_EVERY-th row and column).
#: Source: assumption: about every 500 m at 40 m a block.
MAIN_STREET_EVERY = 12
#: Market blocks per clump centre: markets sit in clumps of up to nine blocks.
#: Source: assumption: street markets cluster.
MARKET_CLUMP = 5


class LandUse(IntEnum):
    """What a block is mostly used for."""

    HOUSING = 0
    MARKET = 1
    COMMERCE = 2
    SCHOOL = 3


@dataclass
class Blocks:
    """What Barrio knows of each block (flat index) beyond the grid's layers.

    Attributes:
        order: Resident ids sorted by home block (built once: residents never move home).
        starts: Where each block's residents start in ``order``, plus the end.
        population: Residents of each block.
        trust: Mean trust in the state of each block's residents (0.5 where nobody lives),
            as it stood when the police phase began (tips and a group's rule read it).
        base_presence: State presence the state itself provides (a grid); programmes add
            to it week by week, and the ``state_presence`` layer is the sum.
    """

    order: np.ndarray
    starts: np.ndarray
    population: np.ndarray
    trust: np.ndarray
    base_presence: np.ndarray

    @classmethod
    def build(cls, block: np.ndarray, presence: np.ndarray) -> Blocks:
        """Index residents whose home blocks are ``block`` on a grid whose state presence is ``presence``."""
        n_blocks = presence.size
        order = np.argsort(block, kind="stable")
        return cls(
            order=order,
            starts=np.searchsorted(block[order], np.arange(n_blocks + 1)),
            population=np.bincount(block, minlength=n_blocks),
            trust=np.full(n_blocks, 0.5),
            base_presence=presence.copy(),
        )

    def __len__(self) -> int:
        return len(self.population)

    def residents_of(self, which: np.ndarray) -> np.ndarray:
        """Ids of the residents of blocks ``which``."""
        return ids_in(self.order, self.starts, which)

    def on(self, block: int) -> np.ndarray:
        """Ids of the residents of one block."""
        return self.order[self.starts[block] : self.starts[block + 1]]

    def update_trust(self, r: Residents) -> None:
        """Recompute each block's mean trust from its residents'."""
        total = np.bincount(r.block, weights=r.trust, minlength=len(self))
        self.trust = np.divide(total, self.population, out=np.full(len(self), 0.5), where=self.population > 0)


def box_sum(a: np.ndarray, radius: int = 1) -> np.ndarray:
    """Sum of each block's square neighbourhood (itself included), without wrapping.

    This is the reach of buyers, sellers and lookouts: a buyer on a block can buy from
    any seller within ``radius`` blocks.
    """
    # A running sum along each axis, over the array padded with zeros (radius + 1 before,
    # radius after), differenced ``2 radius + 1`` apart: plain slices, no index arrays.
    # Where the window holds only zeros both ends read the same partial sum, so the
    # result is exactly 0.
    k = 2 * radius + 1
    if a.dtype.kind != "f" and radius == 1:
        return _around(a)
    if a.dtype.kind != "f":
        w, h = a.shape
        pad = np.zeros((w + k, h), dtype=np.int64)
        pad[radius + 1 : radius + 1 + w] = a
        c = np.cumsum(pad, axis=0)
        rows = c[k:] - c[:-k]
        pad = np.zeros((w, h + k), dtype=np.int64)
        pad[:, radius + 1 : radius + 1 + h] = rows
        c = np.cumsum(pad, axis=1)
        return c[:, k:] - c[:, :-k]
    # Floats: the same sums, each running down a column (the second pass on the transpose).
    rows = _window_down(a, radius)
    return np.ascontiguousarray(_window_down(rows.T, radius).T)


def _around(counts: np.ndarray) -> np.ndarray:
    """:func:`box_sum` of whole numbers with radius 1, as int64.

    Whole numbers sum exactly in any order, so each block's row neighbours are added, then
    the rows before and after: half the steps of the running sums, the same result.
    """
    rows = counts.astype(np.int64)  # each block with the blocks before and after it in x
    rows[1:] += counts[:-1]
    rows[:-1] += counts[1:]
    total = rows.copy()  # ... and those rows before and after it in y
    total[:, 1:] += rows[:, :-1]
    total[:, :-1] += rows[:, 1:]
    return total


def _window_down(a: np.ndarray, radius: int) -> np.ndarray:
    """Sum over ``2 radius + 1`` rows of each column of ``a``, in float64, by running sums down the columns.

    A running sum is a chain of additions, each waiting for the one before; two columns
    at a time, read as the real and imaginary parts of complex numbers, run their chains
    side by side: the same additions in the same order, so the same bits, in half the time.
    """
    k = 2 * radius + 1
    w, h = a.shape
    pad = np.zeros((w + k, h + h % 2))  # an even number of columns: one spare, of zeros
    pad[radius + 1 : radius + 1 + w, :h] = a
    c = np.cumsum(pad.view(np.complex128), axis=0).view(np.float64)
    return c[k:, :h] - c[:-k, :h]


def turf(control: np.ndarray, reach: int) -> np.ndarray:
    """Whose turf each block is: its holder, or for a free block the group nearest it within ``reach``.

    A group holding blocks serves the buyers of its area, so a seller on a free block within
    buyers' reach of its territory sells on its turf. Distance is counted in blocks in any
    direction (the square buyers search); at equal distance the higher group code wins.
    -1 where no group is within reach.
    """
    # The market, the groups and the sellers each ask for the turf of the week's control
    # layer, mostly unchanged in between: the last answer is kept, and given again (a
    # copy) for a layer equal to the one it was worked out from.
    for seen, seen_reach, found in _last_turf:
        if seen_reach == reach and seen.dtype == control.dtype and np.array_equal(seen, control):
            return found.copy()
    found = _nearest_holder(control, reach)
    _last_turf[:] = [(control.copy(), reach, found.copy())]
    return found


#: The last control layer :func:`turf` was asked about, its reach and the answer.
_last_turf: list[tuple[np.ndarray, int, np.ndarray]] = []


def _nearest_holder(control: np.ndarray, reach: int) -> np.ndarray:
    """:func:`turf` worked out: ``reach`` rounds, each free block taking the largest code around it."""
    w, h = control.shape
    # A frame of free blocks (-1) round the grid, all of it read flat: the 3 x 3 around a
    # block is its flat neighbours (1 apart), then those of the rows above and below
    # (``h + 2`` apart), each a slice of one array.
    framed = np.full((w + 2, h + 2), -1, dtype=small_codes(control).dtype)
    framed[1:-1, 1:-1] = control
    out, inside, row = framed.ravel(), _framed_inside(control.shape), h + 2
    across = np.full_like(out, -1)  # its two ends are never written: a corner of the frame
    nearest = np.empty_like(out)
    for _ in range(reach):
        # The frame stays free: a block at the end of a row has the next row's first block
        # for flat neighbour, and must not take its code through the frame.
        free = out < 0
        free &= inside
        if not free.any():
            break
        np.maximum(out[:-2], out[1:-1], out=across[1:-1])
        np.maximum(across[1:-1], out[2:], out=across[1:-1])
        np.maximum(across[: -2 * row], across[row:-row], out=nearest[row:-row])
        np.maximum(nearest[row:-row], across[2 * row :], out=nearest[row:-row])
        np.copyto(out[row:-row], nearest[row:-row], where=free[row:-row])
    return framed[1:-1, 1:-1].astype(control.dtype)


@lru_cache(maxsize=8)
def _framed_inside(shape: tuple[int, int]) -> np.ndarray:
    """Which cells of a grid framed by one block each side (flat) are on the grid (read-only)."""
    inside = np.zeros((shape[0] + 2, shape[1] + 2), dtype=bool)
    inside[1:-1, 1:-1] = True
    inside = inside.ravel()
    inside.flags.writeable = False
    return inside


def next_to(blocks: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Blocks on or next to (8 neighbours) any of ``blocks`` (flat), as a flat mask.

    Marked on the grid and spread one block along each axis: a few passes over the grid
    whatever the number of ``blocks``, where reading each one's nine neighbours costs more
    for a large territory (thousands of blocks).
    """
    w, h = shape
    has_previous, has_next = row_neighbours(shape)
    mine = np.zeros(w * h, dtype=bool)
    mine[blocks] = True
    # Along a row: the neighbours in flat order, but not across the end of a row.
    near = mine.copy()
    near[1:] |= mine[:-1] & has_next[:-1]
    near[:-1] |= mine[1:] & has_previous[1:]
    # Across rows: ``h`` apart in flat order.
    along = near.copy()
    near[h:] |= along[:-h]
    near[:-h] |= along[h:]
    return near


def small_codes(codes: np.ndarray) -> np.ndarray:
    """Group codes (-1 for none, else 0 or more) as int16 where they fit, else as they are.

    The same values in a quarter of the memory of int64: less to read for the comparisons
    of neighbouring blocks, and sorted faster (by radix).
    """
    if codes.max(initial=-1) < np.iinfo(np.int16).max:
        return codes.astype(np.int16, copy=False)
    return codes


def held_codes(control: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A control layer read flat: its group codes (:func:`small_codes`), and which blocks are held."""
    flat = control.ravel()
    return small_codes(flat), flat >= 0


def rival_neighbours(control: np.ndarray) -> Iterator[tuple[int, np.ndarray, np.ndarray, np.ndarray]]:
    """Neighbouring blocks (8 neighbours) held by two different groups, each two blocks once, read flat.

    Yields, for each of four directions (the next block in the row, and the three below it,
    ``h - 1``, ``h`` and ``h + 1`` on in flat order), ``(step, meet, a, b)``: ``a`` and
    ``b`` are the codes of blocks ``i`` and ``i + step`` for every ``i`` that has such a
    neighbour, and ``meet`` marks where the two are held by different groups.
    """
    h = control.shape[1]
    flat, held = held_codes(control)
    has_previous, has_next = row_neighbours(control.shape)
    for step, same_row in ((1, has_next), (h - 1, has_previous), (h, None), (h + 1, has_next)):
        if step == 0 or step >= len(flat):  # a grid one block high has no h - 1 step; a tiny one none
            continue
        a, b = flat[:-step], flat[step:]
        meet = a != b
        meet &= held[:-step]
        meet &= held[step:]
        if same_row is not None:
            meet &= same_row[:-step]  # not from the end of a row to the start of the next
        yield step, meet, a, b


@lru_cache(maxsize=8)
def row_neighbours(shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Which blocks (flat) have a block before them in their row, and which one after (read-only)."""
    y = np.arange(shape[0] * shape[1]) % shape[1]
    has_previous, has_next = y > 0, y < shape[1] - 1
    has_previous.flags.writeable = has_next.flags.writeable = False
    return has_previous, has_next


@lru_cache(maxsize=8)  # a few grids per process; a 1M-resident city's table is ~10 MB
def within_reach(shape: tuple[int, int], reach: int) -> tuple[np.ndarray, np.ndarray]:
    """For each block (flat), the blocks within ``reach`` (itself included), and which are on the grid.

    Returns:
        ``(blocks, inside)``, both of shape ``(width x height, (2 reach + 1)^2)``; where
        ``inside`` is False the block number is a placeholder 0. Computed once per grid
        and read-only.
    """
    w, h = shape
    step = np.arange(-reach, reach + 1)
    dx, dy = np.repeat(step, len(step)), np.tile(step, len(step))
    hx, hy = np.divmod(np.arange(w * h), h)
    cx, cy = hx[:, None] + dx, hy[:, None] + dy
    inside = (cx >= 0) & (cx < w) & (cy >= 0) & (cy < h)
    blocks = np.where(inside, cx * h + cy, 0).astype(np.int32)
    blocks.flags.writeable = inside.flags.writeable = False
    return blocks, inside


def build_grid(
    params: Params, population: int, rng: np.random.Generator, random: Random | None = None
) -> OrthogonalMooreGrid:
    """Create the grid, lay out land use and fill the static layers.

    Args:
        params: Run parameters (``neighbourhood`` and ``market`` sections are used).
        population: Number of residents, which sets total drug demand.
        rng: The model's generator; every random choice comes from it.
        random: The model's stdlib ``random.Random``, which Mesa's grid keeps for its own
            helpers (Barrio's rules do not use it); if omitted, one is seeded from ``rng``.

    Returns:
        The grid, with every layer in :data:`LAYERS` created.
    """
    nb = params.neighbourhood
    if random is None:
        random = Random(int(rng.integers(2**32)))
    grid = OrthogonalMooreGrid((nb.width, nb.height), torus=False, capacity=None, random=random)
    for name, (default, dtype) in LAYERS.items():
        grid.create_property_layer(name, default, dtype=dtype)

    land = _land_use(nb.width, nb.height, nb.market_share, nb.commerce_share, nb.school_share, rng)
    grid.land_use.data[:] = land

    mk = params.market
    pull = np.array([1.0, mk.market_pull, mk.commerce_pull, mk.school_pull])[land]
    weight = pull * rng.lognormal(0.0, DEMAND_NOISE, size=land.shape)
    total = population * mk.user_share * mk.purchases_per_user
    grid.demand.data[:] = weight / weight.sum() * total

    # Presence varies smoothly: services cluster, and so does their absence.
    # Away from the edges a box sum of (2 r + 1)^2 standard normals has sd 2 r + 1.
    noise = box_sum(rng.normal(size=land.shape), radius=PRESENCE_CLUSTER) / (2 * PRESENCE_CLUSTER + 1.0)
    presence = nb.state_presence * (1.0 + PRESENCE_VARIATION * noise)
    presence[land == LandUse.SCHOOL] += SCHOOL_PRESENCE
    grid.state_presence.data[:] = np.clip(presence, 0.0, 1.0)
    return grid


def _land_use(
    width: int, height: int, market: float, commerce: float, school: float, rng: np.random.Generator
) -> np.ndarray:
    n = width * height
    land = np.full((width, height), LandUse.HOUSING, dtype=np.int64)
    xs, ys = np.meshgrid(np.arange(width), np.arange(height), indexing="ij")
    half = MAIN_STREET_EVERY // 2
    main_street = ((xs % MAIN_STREET_EVERY) == half) | ((ys % MAIN_STREET_EVERY) == half)

    # Commerce lines the main streets first; markets sit on main streets in clumps.
    street = np.flatnonzero(main_street.ravel())
    n_market = round(market * n)
    flat = land.ravel()
    if n_market:
        centres = rng.choice(street if len(street) else np.arange(n), size=max(1, n_market // MARKET_CLUMP))
        cx, cy = np.divmod(centres, height)
        for dx, dy in [(0, 0), (1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, -1), (1, -1), (-1, 1)]:
            if (flat == LandUse.MARKET).sum() >= n_market:
                break
            bx, by = np.clip(cx + dx, 0, width - 1), np.clip(cy + dy, 0, height - 1)
            flat[bx * height + by] = LandUse.MARKET
    n_commerce = round(commerce * n)
    free_street = street[flat[street] == LandUse.HOUSING]
    take = rng.permutation(free_street)[:n_commerce]
    flat[take] = LandUse.COMMERCE
    if len(take) < n_commerce:
        housing = np.flatnonzero(flat == LandUse.HOUSING)
        flat[rng.choice(housing, size=min(len(housing), n_commerce - len(take)), replace=False)] = (
            LandUse.COMMERCE
        )
    housing = np.flatnonzero(flat == LandUse.HOUSING)
    n_school = min(len(housing), round(school * n))
    flat[rng.choice(housing, size=n_school, replace=False)] = LandUse.SCHOOL
    return land
