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

The groups' week (:func:`group_week`) runs their business, then leadership and splits
(``model.leadership``), contests at borders (``model.rivalry``) and governance of the
blocks they hold (``model.governance``), in that order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from mesa import Agent

from barrio.model.governance import Governance, govern
from barrio.model.leadership import (
    form_groups,
    merge_groups,
    remove_leaders,
    seize_capital,
    split,
    split_chance,
)
from barrio.model.mechanisms import AffiliationRule, PriceRule, ViolenceRule
from barrio.model.neighbourhood import next_to, small_codes, turf
from barrio.model.population import ByCode, Status
from barrio.model.rivalry import VIOLENCE_MEMORY, contest_week
from barrio.model.selling import leave_market

if TYPE_CHECKING:
    from barrio.model.model import BarrioModel

__all__ = ["CriminalGroup", "GroupRegistry", "group_week", "seed_territories"]

#: Weight of this week in a group's memory of the violence it took part in and of its
#: crackdown losses.
#: Source: assumption: a few months, as residents' memory of violence (``model.rivalry``).
MEMORY = 0.1


class CriminalGroup(Agent):
    """A criminal group that controls blocks and taxes the drug market on them.

    Attributes:
        code: The group's number in the grid's ``control`` layer.
        capital: Money held, in USD (never negative).
        revenue: Cut collected last week, in USD.
        member_count: Affiliated sellers at the start of the week (less those it let go).
        notoriety: Violent incidents the group took part in, a moving average per week.
        deterred: Share of its members lost to crackdowns, a moving average per week.
        disarray: Share of its armed strength lost to a leader's removal, not yet recovered.
        losses: Share of its members arrested, a moving average per week.
    """

    model: BarrioModel

    def __init__(self, model: BarrioModel, code: int, capital: float) -> None:
        super().__init__(model)
        self.code = code
        self.capital = float(capital)
        model.groups.enrol(self)
        self.revenue = 0.0
        self.member_count = 0
        self.notoriety = 0.0
        self.deterred = 0.0
        self.disarray = 0.0
        self.losses = 0.0

    @property
    def restraint(self) -> float:
        """How far the group holds back from fighting (0-1), after the crackdowns it suffered."""
        return min(1.0, self.model.params.groups.deterrence_response * self.deterred)

    def remove(self) -> None:
        """Dissolve: leave the model and the registry."""
        self.model.groups.forget(self)
        super().remove()

    def remember_violence(self, incidents: float) -> None:
        """Add this week's violent incidents the group took part in to its notoriety."""
        self.notoriety += MEMORY * (incidents - self.notoriety)

    def remember_crackdown(self, lost: float, members: int) -> None:
        """Add this week's members lost to crackdowns, as a share of its ``members``, to its memory."""
        self.deterred += MEMORY * (lost / max(members, 1) - self.deterred)

    def remember_losses(self, lost: float, members: int) -> None:
        """Add this week's members arrested, as a share of its ``members``, to its memory."""
        self.losses += MEMORY * (lost / max(members, 1) - self.losses)

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
        counts = m.groups.member_counts
        self.member_count = int(counts[self.code]) if self.code < len(counts) else 0
        self.capital += self.revenue
        # A group pays its sellers from its capital; those it cannot pay leave it, and a
        # group that cannot pay its people loses ground.
        # (+1e-9: 1,000 x 0.2 is 199.999... in floating point, and should still pay four.)
        members = self.member_count
        affordable = members if g.upkeep == 0 else min(members, int(self.capital / g.upkeep + 1e-9))
        unpaid = members - affordable
        if unpaid:
            self._let_go(unpaid)
        self.capital -= g.upkeep * affordable
        self._recruit()
        own = m.groups.territory(self.code)
        if unpaid:
            own = self._lose_block(own)
        elif self.capital >= g.expansion_cost and len(grown := self._take_block(own)) > len(own):
            own = grown
            self.capital -= g.expansion_cost
        self._move_from_police(own)  # keeps the number of blocks
        if self.member_count == 0 and len(own) == 0:
            self.remove()

    def _let_go(self, n: int) -> None:
        """Unpaid members stop working for the group (they sell on, independently)."""
        m = self.model
        r = m.residents
        sellers = m.market.seller_ids
        members = sellers[r.group[sellers] == self.code]
        gone = m.rng.choice(members, size=min(n, len(members)), replace=False)
        r.group[gone] = -1
        self.member_count -= len(gone)

    def _recruit(self) -> None:
        """Independents selling on the group's blocks are made to join it.

        Under ``mechanisms.affiliation: territorial`` those it does not absorb this week
        may be made to stop selling there (``groups.expulsion``).
        """
        m = self.model
        g = m.params.groups
        independent = m.groups.independents_on(m, self.code)
        # Most groups have none or a few independents on their blocks in a week: nobody to
        # recruit or expel is passed over (no draws are made for nobody either way).
        if len(independent) == 0:
            return
        r = m.residents
        draw = m.rng.random(len(independent))
        joining = independent[draw < g.affiliation_rate]
        joining = joining[r.group[joining] < 0]  # not taken by another group since
        r.group[joining] = self.code
        if m.params.mechanisms.affiliation == AffiliationRule.TERRITORIAL and g.expulsion > 0:
            left = independent[draw >= g.affiliation_rate]
            left = left[(r.group[left] < 0) & (r.status[left] == Status.SELLING.value)]
            if len(left) == 0:
                return
            expelled = left[m.rng.random(len(left)) < g.expulsion]
            if len(expelled):
                leave_market(r, expelled)

    def _frontier(self, own: np.ndarray) -> np.ndarray:
        """Free blocks next to the territory, found from the group's own blocks only."""
        # Marked on the grid, not sorted: a large territory has thousands of neighbours; the
        # blocks come out in order, once each.
        near = next_to(own, self.model.shape)
        near &= self.model.grid.control.data.ravel() < 0
        return near.nonzero()[0]

    def _value(self) -> tuple[np.ndarray, np.ndarray]:
        """What each block is worth to the group (demand net of arrest risk), and that risk."""
        return self.model.groups.block_value

    def _take_block(self, own: np.ndarray) -> np.ndarray:
        """Take the free block next to the territory worth most; returns the new territory."""
        free = self._frontier(own)
        if len(free) == 0:
            return own
        value, _ = self._value()
        taken = free[np.argmax(value[free])]
        self.model.grid.control.data.ravel()[taken] = self.code
        at = np.searchsorted(own, taken)
        return np.concatenate([own[:at], np.array([taken], dtype=own.dtype), own[at:]])  # np.insert costs 10x

    def _lose_block(self, own: np.ndarray) -> np.ndarray:
        """Give up the least valuable block; returns the new territory."""
        if len(own) == 0:
            return own
        value, _ = self._value()
        lost = own[np.argmin(value[own])]
        self.model.grid.control.data.ravel()[lost] = -1
        return own[own != lost]

    def _move_from_police(self, own: np.ndarray) -> None:
        if len(own) == 0:
            return
        free = self._frontier(own)
        if len(free) == 0:
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


class GroupRegistry:
    """The criminal groups (Mesa agents) and what is known of them by group code.

    A group's code is its number in the grid's ``control`` layer; codes are never reused,
    so arrays by group code have :attr:`n_codes` entries, dissolved groups included.

    Args:
        count: Groups at the start (codes ``0 .. count - 1``).
        shape: The grid's shape.
        residents: Number of residents.

    Attributes:
        n_codes: Group codes handed out so far.
        member_counts: Affiliated sellers of each group when the groups' week began.
        revenue_by_code: Cut each group collected in this week's market (USD).
        governance: This week's governance (``None`` before the first groups' week).
        symbiotic: Blocks a group governs (a grid of bools).
        transfers: Net weekly transfer from the groups to each resident: welfare received
            less extortion paid (USD).
        block_value: What each block (flat) is worth to a group this week, demand net of
            the police's arrest risk there, and that risk; set when the groups' week begins
            (groups move before the police do, so it holds while they step).
        pact: Whether a pact between the groups holds (``groups.truce`` above 0 made it;
            it holds until broken).
    """

    def __init__(self, count: int, shape: tuple[int, int], residents: int) -> None:
        self.n_codes = count
        self._active: dict[int, CriminalGroup] = {}
        self.member_counts = np.zeros(count, dtype=np.int64)
        self.revenue_by_code = np.zeros(count)
        self.governance: Governance | None = None
        self.symbiotic = np.zeros(shape, dtype=bool)
        self.transfers = np.zeros(residents)
        self.block_value: tuple[np.ndarray, np.ndarray] = (np.zeros(0), np.zeros(0))
        self.pact = False
        self._territory = ByCode(np.zeros(0, np.int64), np.zeros(0, np.int64))
        self._independents: ByCode | None = None

    def active(self) -> list[CriminalGroup]:
        """Groups still active, in the order they were founded."""
        return list(self._active.values())

    def new_code(self) -> int:
        """A number for a new group in the ``control`` layer."""
        code = self.n_codes
        self.n_codes += 1
        return code

    def found(
        self, model: BarrioModel, code: int, capital: float, kind: type[CriminalGroup] | None = None
    ) -> CriminalGroup:
        """A new group with code ``code`` (from :meth:`new_code`) and ``capital`` USD.

        ``kind``: a subclass of :class:`CriminalGroup` to found instead (a variant's rules).
        """
        return (kind or CriminalGroup)(model, code, capital)

    def enrol(self, group: CriminalGroup) -> None:
        """A group just created joins the registry (every :class:`CriminalGroup` does, on creation)."""
        self._active[group.code] = group

    def forget(self, group: CriminalGroup) -> None:
        """A dissolved group leaves the registry (its code is not used again)."""
        self._active.pop(group.code, None)

    def by_code(self, value: Callable[[CriminalGroup], float]) -> np.ndarray:
        """``value(group)`` for every active group, by group code (0 for the others)."""
        out = np.zeros(self.n_codes)
        for group in self.active():
            out[group.code] = value(group)
        return out

    def strength(self, m: BarrioModel) -> np.ndarray:
        """Each group's armed strength (by group code): members selling, plus what its capital buys.

        Capital counts one member for every ``groups.capital_per_fighter``; a group in
        disarray after losing its leader has that share less.
        """
        r = m.residents
        sellers = m.market.seller_ids
        members = sellers[(r.status[sellers] == Status.SELLING.value) & (r.group[sellers] >= 0)]
        counts = np.bincount(r.group[members], minlength=self.n_codes).astype(float)
        per_fighter = m.params.groups.capital_per_fighter
        return (counts + self.by_code(lambda g: g.capital / per_fighter)) * (
            1.0 - self.by_code(lambda g: g.disarray)
        )

    def territory(self, code: int) -> np.ndarray:
        """A group's blocks (flat, ascending) when the groups' week began.

        A group changes only its own blocks and free ones while it steps, so another
        group's list stays valid.
        """
        return self._territory.of(code)

    def independents_on(self, m: BarrioModel, code: int) -> np.ndarray:
        """Independent sellers on a group's blocks (its turf, if territorial), when first recruited from.

        Indexed once a week, when first asked: sellers let go by the groups that stepped
        before are among them.
        """
        if self._independents is None:
            r = m.residents
            sellers = m.market.seller_ids
            independent = sellers[r.group[sellers] < 0]
            where = m.grid.control.data
            if m.params.mechanisms.affiliation == AffiliationRule.TERRITORIAL:
                where = turf(where, m.params.market.reach)
            self._independents = ByCode.index(independent, where.ravel()[r.sell_block[independent]])
        return self._independents.of(code)

    def begin_week(self, m: BarrioModel) -> None:
        """Count members, hand out the market's cut and index territory, once for the week."""
        r = m.residents
        sellers = m.market.seller_ids
        self.member_counts = np.bincount(r.group[sellers][r.group[sellers] >= 0], minlength=self.n_codes)
        groups = self.active()
        for group in groups:
            revenue = self.revenue_by_code
            group.revenue = float(revenue[group.code]) if group.code < len(revenue) else 0.0
        if not groups:
            return
        # All groups' blocks in one pass over the grid, not one pass per group; only the
        # held blocks are sorted by holder (most blocks are free).
        control = m.grid.control.data.ravel()
        held = np.flatnonzero(control >= 0)
        self._territory = ByCode.index(held, small_codes(control[held]))
        self._independents = None
        hazard = m.police.hazard(m.params, m.grid.police_presence.data)
        self.block_value = (m.grid.demand.data.ravel() * (1.0 - hazard), hazard)


def group_week(m: BarrioModel) -> None:
    """Phase: the groups' week.

    Groups step (Mesa agents, in random order: collect, pay, recruit, grow or shrink);
    then leadership targeting, capital seizures and the splits they may cause, new groups,
    contests at borders (violence, deaths, takeovers) and governance (welfare or
    extortion). Changes the ``control`` and ``violence`` layers, groups' capital and
    memories, residents' ``group`` (and the dead), and ``groups.transfers``,
    ``groups.symbiotic`` and ``groups.governance``; records the week's violence and
    leadership events.
    """
    p, r, rng, reg = m.params, m.residents, m.rng, m.groups
    reg.begin_week(m)
    if CriminalGroup in m.agents_by_type:
        m.agents_by_type[CriminalGroup].shuffle_do("step")
    beheaded = remove_leaders(m)
    seized = seize_capital(m)
    # The blow each group took: a removed leader, or the share of its capital seized.
    blows = {id(g): (g, p.policing.seizure) for g in seized} | {id(g): (g, 1.0) for g in beheaded}
    shaken = list({id(g): g for g in beheaded + seized}.values())
    splits = [f for g in shaken if rng.random() < split_chance(m, g, blows[id(g)][1]) and (f := split(m, g))]
    formed = form_groups(m)
    merged = merge_groups(m)
    armed = p.mechanisms.violence == ViolenceRule.ARMED_STRENGTH
    legacy_market = p.mechanisms.price == PriceRule.FIXED
    if reg.pact and p.groups.truce_break > 0 and rng.random() < p.groups.truce_break:
        reg.pact = False
    violence = contest_week(
        r,
        m.grid.control.data,
        m.grid.demand.data if legacy_market else m.market.demand(m.grid.demand.data),
        m.market.seller_ids,
        m.blocks.order,
        m.blocks.starts,
        p,
        rng,
        reg.by_code(lambda g: g.restraint),
        strength=reg.strength(m) if armed else None,
        calm=p.groups.truce if reg.pact else 0.0,
        unit_margin=None if legacy_market else m.market.unit_margin(p),
    )
    took_part = violence.by_group(reg.n_codes)
    for group in reg.active():
        group.remember_violence(float(took_part[group.code]))
        group.disarray *= 1.0 - p.groups.recovery
    capital = reg.by_code(lambda g: g.capital)
    trust = m.blocks.trust.reshape(m.shape)
    h = m.households
    # Households' first residents matter only to groups that prey on benefits.
    heads = h.order[h.starts[:-1]] if p.groups.transfer_predation > 0 else None
    gov = govern(r, m.grid.control.data, m.grid.state_presence.data, trust, capital, p, h.benefits, heads)
    for group in reg.active():
        # max(0, ...): paying out all its capital can leave -1e-14 of rounding.
        group.capital = max(0.0, group.capital + gov.extortion[group.code] - gov.welfare[group.code])
    reg.transfers, reg.symbiotic, reg.governance = gov.transfers, gov.symbiotic, gov
    layer = m.grid.violence.data
    layer *= 1.0 - VIOLENCE_MEMORY
    layer += VIOLENCE_MEMORY * violence.incidents.reshape(m.shape)
    week = m.this_week
    week.violence = violence
    week.leaders_removed, week.splits = len(beheaded), len(splits)
    week.groups_formed, week.seizures = len(formed), len(seized)
    week.mergers = len(merged)
