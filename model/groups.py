"""Criminal groups: territory, recruitment, taxes and capital.

A group is an ordinary Mesa agent. It holds blocks (the grid's ``control`` layer), takes
a cut of the sales on them, pays its affiliated sellers' upkeep out of its capital,
presses independent sellers on its blocks to join, and buys its way into the free block
next to its territory worth most (demand, net of the police's arrest risk there) when it
can afford to. Sellers it cannot pay leave it, and it loses its least valuable block; a
group with neither blocks nor members dissolves. A group also moves away from police: it
gives up its most heavily policed block for a safer free one next to its territory when
that is worth ``groups.move_margin`` more.

A group remembers the violence it took part in (``notoriety``) and the members it lost to
focused-deterrence crackdowns (``deterred``); the second makes it hold back from fighting
(``restraint``, used by ``model.rivalry``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from mesa import Agent

from barrio.model.neighbourhood import within_reach

if TYPE_CHECKING:
    from barrio.model.model import BarrioModel

__all__ = ["CriminalGroup", "seed_territories"]

#: Weight of this week in a group's memory of violence and crackdowns (assumption: a few
#: months, as residents' memory of violence in ``model.rivalry``).
MEMORY = 0.1


class CriminalGroup(Agent):
    """A criminal group that controls blocks and taxes the drug market on them.

    Attributes:
        code: The group's number in the grid's ``control`` layer.
        capital: Money held, in USD (never negative).
        revenue: Cut collected last week, in USD.
        members: Affiliated sellers at the start of the week.
        notoriety: Violent incidents the group took part in, a moving average per week.
        deterred: Share of its members lost to crackdowns, a moving average per week.
    """

    model: BarrioModel

    def __init__(self, model: BarrioModel, code: int, capital: float) -> None:
        super().__init__(model)
        self.code = code
        self.capital = float(capital)
        self.revenue = 0.0
        self.members = 0
        self.notoriety = 0.0
        self.deterred = 0.0

    @property
    def restraint(self) -> float:
        """How far the group holds back from fighting (0-1), after the crackdowns it suffered."""
        return min(1.0, self.model.params.groups.deterrence_response * self.deterred)

    def remember_violence(self, incidents: float) -> None:
        """Add this week's violent incidents the group took part in to its notoriety."""
        self.notoriety += MEMORY * (incidents - self.notoriety)

    def remember_crackdown(self, lost: float, members: int) -> None:
        """Add this week's members lost to crackdowns, as a share of its ``members``, to its memory."""
        self.deterred += MEMORY * (lost / max(members, 1) - self.deterred)

    @property
    def blocks(self) -> int:
        """Number of blocks the group controls."""
        return len(self._own())

    def _own(self) -> np.ndarray:
        return np.flatnonzero(self.model.grid.control.data.ravel() == self.code)

    def step(self) -> None:
        """Collect, pay, recruit, then grow or shrink the territory."""
        m = self.model
        g = m.params.groups
        self.members = int(m.members[self.code]) if self.code < len(m.members) else 0
        self.capital += self.revenue
        # A group pays its sellers from its capital; those it cannot pay leave it, and a
        # group that cannot pay its people loses ground.
        # (+1e-9: 1,000 x 0.2 is 199.999... in floating point, and should still pay four.)
        affordable = self.members if g.upkeep == 0 else min(self.members, int(self.capital / g.upkeep + 1e-9))
        unpaid = self.members - affordable
        if unpaid:
            self._let_go(unpaid)
        self.capital -= g.upkeep * affordable
        self._recruit()
        own = m.territory(self.code)
        if unpaid:
            own = self._lose_block(own)
        elif self.capital >= g.expansion_cost and len(grown := self._take_block(own)) > len(own):
            own = grown
            self.capital -= g.expansion_cost
        self._move_from_police(own)  # keeps the number of blocks
        if self.members == 0 and len(own) == 0:
            self.remove()

    def _let_go(self, n: int) -> None:
        """Unpaid members stop working for the group (they sell on, independently)."""
        m = self.model
        r = m.residents
        members = m.seller_ids[r.group[m.seller_ids] == self.code]
        gone = m.rng.choice(members, size=min(n, len(members)), replace=False)
        r.group[gone] = -1
        self.members -= len(gone)

    def _recruit(self) -> None:
        m = self.model
        independent = m.independents_on(self.code)
        joining = independent[m.rng.random(len(independent)) < m.params.groups.affiliation_rate]
        joining = joining[m.residents.group[joining] < 0]  # not taken by another group since
        m.residents.group[joining] = self.code

    def _frontier(self, own: np.ndarray) -> np.ndarray:
        """Free blocks next to the territory, found from the group's own blocks only."""
        blocks, inside = within_reach(self.model.shape, 1)
        # Sorted and deduplicated by hand: np.unique's set-up costs more on so few blocks.
        near = np.sort(blocks[own][inside[own]])
        first = np.ones(len(near), dtype=bool)
        first[1:] = near[1:] != near[:-1]
        near = near[first]
        return near[self.model.grid.control.data.ravel()[near] < 0]

    def _value(self) -> tuple[np.ndarray, np.ndarray]:
        """What each block is worth to the group (demand net of arrest risk), and that risk."""
        return self.model.block_value()

    def _take_block(self, own: np.ndarray) -> np.ndarray:
        """Take the free block next to the territory worth most; returns the new territory."""
        free = self._frontier(own)
        if len(free) == 0:
            return own
        value, _ = self._value()
        taken = free[np.argmax(value[free])]
        self.model.grid.control.data.ravel()[taken] = self.code
        return np.insert(own, np.searchsorted(own, taken), taken)

    def _lose_block(self, own: np.ndarray) -> np.ndarray:
        """Give up the least valuable block; returns the new territory."""
        if len(own) == 0:
            return own
        value, _ = self._value()
        lost = own[np.argmin(value[own])]
        self.model.grid.control.data.ravel()[lost] = -1
        return own[own != lost]

    def _move_from_police(self, own: np.ndarray) -> None:
        free = self._frontier(own)
        if len(own) == 0 or len(free) == 0:
            return
        value, hazard = self._value()
        worst, best = own[np.argmax(hazard[own])], free[np.argmax(value[free])]
        if hazard[best] < hazard[worst] and value[best] > value[worst] * (
            1.0 + self.model.params.groups.move_margin
        ):
            control = self.model.grid.control.data.ravel()
            control[worst], control[best] = -1, self.code


def seed_territories(
    control: np.ndarray, demand: np.ndarray, count: int, radius: int, rng: np.random.Generator
) -> None:
    """Give each of ``count`` groups a square territory around a high-demand block.

    Centres are drawn with probability proportional to demand squared (groups settle where
    the market is), and later groups do not overwrite earlier ones.
    """
    w, h = control.shape
    weight = demand.ravel() ** 2
    if count == 0 or weight.sum() <= 0:
        return
    centres = rng.choice(w * h, size=min(count, w * h), replace=False, p=weight / weight.sum())
    for code, centre in enumerate(centres):
        x, y = divmod(int(centre), h)
        square = control[max(0, x - radius) : x + radius + 1, max(0, y - radius) : y + radius + 1]
        square[square < 0] = code
