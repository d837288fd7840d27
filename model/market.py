"""The retail drug market: where buyers meet sellers, and what sellers earn.

Buyers on a block buy from any seller within ``market.reach`` blocks of it (a square), and a
block's purchases are shared equally among the sellers in its reach. A seller's sales
therefore fall as competitors arrive, and are zero where there is no demand. Purchases
answer the retail price (``model.prices``).

Who takes a share of a seller's margin depends on ``mechanisms.affiliation``. Under
``territorial`` a group's members hand it ``groups.member_cut`` of their margin (the group
supplies them), and independents selling on a group's blocks pay it ``groups.cut``.
Under ``voluntary`` (Barrio 0.1) everyone selling on a group's blocks pays ``groups.cut``
to that group, and members selling elsewhere pay nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from barrio.model.mechanisms import AffiliationRule, PriceRule
from barrio.model.neighbourhood import box_sum, turf
from barrio.model.params import Params
from barrio.model.population import Residents, Status

if TYPE_CHECKING:
    from barrio.model.model import BarrioModel

__all__ = [
    "Market",
    "Sales",
    "clear",
    "cuts",
    "entrant_units",
    "net_gain",
    "rank_share",
    "seller_counts",
    "trade",
]


@dataclass
class Market:
    """The retail market this week.

    Attributes:
        seller_ids: Ids of the residents selling, as last counted (at the market, and again
            after the week's choices); arrests and deaths in between leave some who no
            longer sell, so rules that need the current sellers check the status.
        sales: This week's sales (``None`` before the first week).
        selling_income: What each resident earned from selling this week (USD).
        price: The retail price of a purchase this week (USD).
        demand_factor: The share of the grid's demand bought at that price.
    """

    seller_ids: np.ndarray
    sales: Sales | None
    selling_income: np.ndarray
    price: float
    demand_factor: float = 1.0

    @classmethod
    def empty(cls, residents: int, status: np.ndarray, price: float) -> Market:
        """Before the first week: the sellers there are, no sales yet, the price without risk."""
        return cls(
            np.flatnonzero(status == Status.SELLING.value), None, np.zeros(residents, dtype=np.float32), price
        )

    def demand(self, layer: np.ndarray) -> np.ndarray:
        """Purchases wanted on each block at this week's price, from the grid's ``demand`` layer."""
        return layer if self.demand_factor == 1.0 else layer * self.demand_factor

    def unit_margin(self, params: Params) -> float:
        """What a seller keeps of a purchase before any group's cut: the margin plus any risk premium."""
        base = params.market.price
        return base * params.market.margin + (self.price - base)

    def count_sellers(self, r: Residents) -> np.ndarray:
        """Count the sellers again; returns their ids."""
        self.seller_ids = np.flatnonzero(r.status == Status.SELLING.value)
        return self.seller_ids


@dataclass(frozen=True)
class Sales:
    """The outcome of one week's market on the whole grid.

    Attributes:
        units: Purchases each seller on a block makes (array of the grid's shape).
        by_block: Purchases made from sellers on each block (array of the grid's shape).
        volume: Total purchases served this week.
        unmet: Purchases with no seller in reach.
    """

    units: np.ndarray
    by_block: np.ndarray
    volume: float
    unmet: float

    def top_share(self, fraction: float = 0.1) -> float:
        """Share of the volume sold on the busiest ``fraction`` of the blocks where anything sold.

        Counted among selling blocks, not all blocks: most blocks sell nothing, and the
        busiest tenth of all blocks would hold every sale. 0 with no sales.
        """
        if self.volume <= 0:
            return 0.0
        flat = self.by_block.ravel()
        selling = flat[flat > 0]
        k = max(1, int(np.ceil(fraction * selling.size)))
        top = np.sort(np.partition(selling, selling.size - k)[selling.size - k :])
        # Rounding can put the ratio a hair above 1 when the top blocks are all of them.
        return min(1.0, float(top.sum() / selling.sum()))


def seller_counts(blocks: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Number of sellers on each block, as a grid of integers.

    Integers, not floats: ``box_sum`` sums them over a reach faster, and exactly, so
    :func:`clear` and :func:`entrant_units` give the bits float counts would.
    """
    return np.bincount(blocks, minlength=shape[0] * shape[1]).reshape(shape)


def clear(demand: np.ndarray, sellers: np.ndarray, reach: int) -> Sales:
    """Share each block's demand among the sellers within reach.

    Args:
        demand: Purchases wanted on each block this week.
        sellers: Sellers on each block.
        reach: How many blocks buyers walk (radius of the square they search).
    """
    in_reach = box_sum(sellers, reach)
    served = in_reach > 0
    per_seller_here = np.divide(demand, in_reach, out=np.zeros_like(demand), where=served)
    units = box_sum(per_seller_here, reach)
    units[sellers == 0] = 0.0
    volume = float(demand[served].sum())
    return Sales(units=units, by_block=units * sellers, volume=volume, unmet=float(demand.sum()) - volume)


def entrant_units(demand: np.ndarray, sellers: np.ndarray, reach: int) -> np.ndarray:
    """Purchases a new seller on each block would make, given the sellers already there.

    A newcomer on block ``c`` adds one seller to the reach of every block within ``reach``
    of ``c`` (the square is symmetric), so each of those blocks' demand is shared one
    more way.
    """
    return box_sum(demand / (box_sum(sellers, reach) + 1.0), reach)


def net_gain(
    units: np.ndarray, cut: np.ndarray, params: Params, unit_margin: float | None = None
) -> np.ndarray:
    """A seller's weekly net earnings: the margin on sales, less a group's cut of it.

    ``unit_margin``: what a seller keeps of a purchase (``Market.unit_margin``); by default
    ``market.price x market.margin``, the margin at the price without risk.
    """
    m = params.market
    if unit_margin is None:
        return units * m.price * m.margin * (1.0 - cut)
    return units * unit_margin * (1.0 - cut)


def cuts(r: Residents, sellers: np.ndarray, control: np.ndarray, params: Params) -> np.ndarray:
    """Share of each seller's margin a group takes, and the group it goes to (-1: none).

    ``control``: the group holding each seller's block (under ``territorial``, whose turf
    it is: ``neighbourhood.turf``).
    """
    g = params.groups
    taxed = control >= 0
    if params.mechanisms.affiliation == AffiliationRule.VOLUNTARY:
        return np.where(taxed, g.cut, 0.0), np.where(taxed, control, -1)
    member = r.group[sellers] >= 0
    share = np.where(member, g.member_cut, np.where(taxed, g.cut, 0.0))
    return share, np.where(member, r.group[sellers], np.where(taxed, control, -1))


def rank_share(r: Residents, ids: np.ndarray, params: Params) -> np.ndarray:
    """Share of a seller's usual margin each of ``ids`` keeps (women hold the lowest ranks)."""
    return np.where(r.female[ids], params.households.female_rank, 1.0)


def trade(m: BarrioModel) -> None:
    """Phase: one week of retail selling.

    Reads the sellers, demand and who controls each block; sets ``market.sales``, each
    seller's ``selling_income`` and running ``gain``, and the cut each group collects
    (``groups.revenue_by_code``).
    """
    p, r, market = m.params, m.residents, m.market
    sellers = market.count_sellers(r)
    blocks = r.sell_block[sellers]
    demand = market.demand(m.grid.demand.data)
    sales = market.sales = clear(demand, seller_counts(blocks, m.shape), p.market.reach)
    units = sales.units.ravel()[blocks]
    holder = m.grid.control.data
    if p.mechanisms.affiliation == AffiliationRule.TERRITORIAL:
        holder = turf(holder, p.market.reach)
    cut, taker = cuts(r, sellers, holder.ravel()[blocks], p)
    legacy = p.mechanisms.affiliation == AffiliationRule.VOLUNTARY and p.mechanisms.price == PriceRule.FIXED
    unit_margin = None if legacy else market.unit_margin(p)
    share = net_gain(units, cut, p, unit_margin)
    earned = share * rank_share(r, sellers, p)
    income = market.selling_income
    income[:] = 0.0
    income[sellers] = earned
    a = p.selling.gain_memory
    r.gain[sellers] = (1 - a) * r.gain[sellers] + a * earned
    taxed = taker >= 0
    margin = units * p.market.price * p.market.margin if legacy else units * unit_margin
    # What a low-ranked seller does not keep goes to the group it pays (for an independent
    # paying no one, up the supply chain, outside the neighbourhood).
    to_group = margin * cut + (share - earned)
    m.groups.revenue_by_code = np.bincount(taker[taxed], weights=to_group[taxed], minlength=m.groups.n_codes)
