"""Police patrols and arrests.

A patrol unit is a Mesa ``CellAgent``. Each week it walks a route of blocks from where
it stands (a random walk to neighbouring blocks), and on each block it passes it may
encounter the sellers working there; an encountered seller is arrested with the
punitive intensity. Where possession is arrested, it also searches residents of the
blocks it passes and arrests those found with drugs. Sellers working for a group are
harder to catch: the group's lookouts warn them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from mesa.discrete_space import CellAgent

from model.justice import arrest
from model.population import Offence, Status

if TYPE_CHECKING:
    from model.model import BarrioModel

__all__ = ["PatrolUnit"]

#: The eight moves of a walk on the grid.
_MOVES = np.array([(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)])


class PatrolUnit(CellAgent):
    """A police patrol unit.

    Attributes:
        route: Flat indices of the blocks walked this week.
        arrests: Arrests made this week.
    """

    model: BarrioModel

    def __init__(self, model: BarrioModel, cell) -> None:
        super().__init__(model)
        self.cell = cell
        self.route = np.empty(0, dtype=np.int64)
        self.arrests = 0

    def step(self) -> None:
        """Walk this week's route, then arrest on the blocks passed."""
        self.route = self._walk()
        self.model.patrol_visits[self.route] += 1
        self.arrests = self._arrest_sellers()
        if self.model.params.policing.arrest_possession:
            self.arrests += self._arrest_users()

    def _walk(self) -> np.ndarray:
        m = self.model
        w, h = m.grid.width, m.grid.height
        steps = _MOVES[m.rng.integers(0, len(_MOVES), size=m.params.policing.blocks_per_week)]
        x, y = self.cell.coordinate
        xs, ys = x, y
        path = np.empty(len(steps), dtype=np.int64)
        for k, (dx, dy) in enumerate(steps):
            # Reflect at the edge of the neighbourhood rather than leave it.
            xs = xs + dx if 0 <= xs + dx < w else xs - dx
            ys = ys + dy if 0 <= ys + dy < h else ys - dy
            path[k] = xs * h + ys
        self.cell = m.grid[(int(xs), int(ys))]
        return np.unique(path)

    def _arrest_sellers(self) -> int:
        m = self.model
        r = m.residents
        sellers = m.seller_ids
        here = sellers[np.isin(r.block[sellers], self.route) & (r.status[sellers] == Status.SELLING)]
        p = m.params.policing
        lookout = np.where(r.group[here] >= 0, 1.0 - m.params.groups.protection, 1.0)
        caught = here[m.rng.random(len(here)) < p.encounter * p.punitive_intensity * lookout]
        arrest(r, caught, Offence.SELLING, m.params, m.rng)
        m.arrests.add(caught, Offence.SELLING)
        return len(caught)

    def _arrest_users(self) -> int:
        m = self.model
        r = m.residents
        p = m.params.policing
        chance = p.possession_encounter * m.params.market.user_share * p.punitive_intensity
        starts, ends = m.block_starts[self.route], m.block_starts[self.route + 1]
        sizes = ends - starts
        searched = m.rng.random(int(sizes.sum())) < chance
        if not searched.any():
            return 0
        people = m.block_order[np.concatenate([np.arange(s, e) for s, e in zip(starts, ends, strict=True)])]
        found = people[searched]
        found = found[
            (r.status[found] != Status.DETAINED)
            & (r.status[found] != Status.SELLING)
            & (r.age[found] >= m.params.selling.min_age)
        ]
        arrest(r, found, Offence.POSSESSION, m.params, m.rng)
        m.arrests.add(found, Offence.POSSESSION)
        return len(found)
