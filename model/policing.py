"""Police patrols and arrests.

A patrol unit is a Mesa ``CellAgent``. Each week it walks a route of blocks from where it
stands (a random walk to neighbouring blocks, reflected at the edge of the neighbourhood);
under hot-spot policing (``policing.hot_spots``) a share of units instead start at a block
drawn in proportion to recent arrests and violence there.
Once every unit has walked, :func:`arrest_on_routes` resolves the week's encounters for the
whole population at once: a seller on a block that patrols passed ``v`` times is arrested
with chance ``1 - (1 - encounter x intensity)^v``, which is what ``v`` independent
passes would give. Sellers working for a group are harder to catch (lookouts). Where
possession is arrested, residents of passed blocks are searched too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from mesa.discrete_space import CellAgent

from model.justice import arrest
from model.population import Offence, Status

if TYPE_CHECKING:
    from model.model import BarrioModel

__all__ = ["PatrolUnit", "arrest_on_routes"]

#: The eight moves of a walk on the grid.
_MOVES = np.array([(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)])


def _fold(u: np.ndarray, size: np.ndarray | int) -> np.ndarray:
    """Reflect unbounded coordinates back into ``0 .. size-1`` (a walk bouncing off the edges)."""
    period = np.maximum(2 * (np.asarray(size) - 1), 1)
    r = np.mod(u, period)
    return np.where(r < size, r, period - r)


class PatrolUnit(CellAgent):
    """A police patrol unit.

    Attributes:
        route: Flat indices of the blocks walked this week, in order (a block passed twice
            appears twice, and counts as two passes).
    """

    model: BarrioModel

    def __init__(self, model: BarrioModel, cell) -> None:
        super().__init__(model)
        self.cell = cell
        self.route = np.empty(0, dtype=np.int64)

    def step(self) -> None:
        """Walk this week's route and report it to the model's patrol count."""
        m = self.model
        start = self.cell.coordinate
        heat = m.heat
        if heat is not None and m.rng.random() < m.params.policing.hot_spots and heat.sum() > 0:
            # Hot-spot policing: begin where arrests and violence have been recent.
            start = divmod(int(m.rng.choice(len(heat), p=heat / heat.sum())), m.shape[1])
        steps = _MOVES[m.rng.integers(0, len(_MOVES), size=m.params.policing.blocks_per_week)]
        path = _fold(np.cumsum(steps, axis=0) + start, m.shape_array)
        self.route = path[:, 0] * m.shape[1] + path[:, 1]
        self.cell = m.grid[(int(path[-1, 0]), int(path[-1, 1]))]
        np.add.at(m.patrol_visits, self.route, 1)


def arrest_on_routes(model: BarrioModel) -> None:
    """Arrest sellers (and, where it is a lever, users) on the blocks patrols passed this week."""
    m = model
    r = m.residents
    p = m.params.policing
    visits = m.patrol_visits
    sellers = m.seller_ids[r.status[m.seller_ids] == Status.SELLING]
    v = visits[r.sell_block[sellers]]
    lookout = np.where(r.group[sellers] >= 0, 1.0 - m.params.groups.protection, 1.0)
    chance = 1.0 - (1.0 - p.encounter * p.punitive_intensity * lookout) ** v
    caught = sellers[m.rng.random(len(sellers)) < chance]
    arrest(r, caught, Offence.SELLING, m.params, m.rng)
    m.arrests.add(caught, Offence.SELLING)
    if p.arrest_possession:
        _arrest_users(m, visits)


def _arrest_users(m: BarrioModel, visits: np.ndarray) -> None:
    r = m.residents
    p = m.params.policing
    blocks = np.flatnonzero(visits)
    starts, ends = m.block_starts[blocks], m.block_starts[blocks + 1]
    sizes = ends - starts
    # Residents of every passed block, without a Python loop over blocks.
    offsets = np.arange(sizes.sum()) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    people = m.block_order[np.repeat(starts, sizes) + offsets]
    per_pass = p.possession_encounter * m.params.market.user_share * p.punitive_intensity
    chance = 1.0 - (1.0 - per_pass) ** np.repeat(visits[blocks], sizes)
    found = people[m.rng.random(len(people)) < chance]
    status = r.status[found]
    found = found[
        (status != Status.DETAINED) & (status != Status.SELLING) & (r.age[found] >= m.params.selling.min_age)
    ]
    found = found[~np.isin(found, m.arrests.all()[0])]  # a seller freed this week is not arrested twice
    arrest(r, found, Offence.POSSESSION, m.params, m.rng)
    m.arrests.add(found, Offence.POSSESSION)
