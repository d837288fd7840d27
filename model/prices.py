"""Retail prices: what a purchase costs, and how many purchases that price allows.

Under the risks-and-prices rule (``mechanisms.price: risk_price``; Reuter and Kleiman
1986, Caulkins and Reuter 2010) sellers pass part of their expected cost of arrest on to
buyers. Each week the price moves a step towards ``market.price`` (the price without
enforcement risk) plus ``market.risk_pass_through`` times the sellers' expected cost of
arrest per purchase sold, and purchases on every block answer the price with
``market.elasticity``. A crackdown can therefore raise the price and shrink the market;
whether it does, and by how much, depends on how many sellers it reaches and how long
they would be held. The premium is the sellers' own: it adds to their margin.

Under ``fixed`` the price is ``market.price`` and demand is as the grid holds it (Barrio 0.1).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from barrio.model.mechanisms import PriceRule
from barrio.model.selling import alternative_income, expected_custody_weeks

if TYPE_CHECKING:
    from barrio.model.model import BarrioModel

__all__ = ["PRICE_MEMORY", "arrest_cost_per_unit", "price_week"]

#: Share of the gap to this week's target price closed in a week.
#: Source: assumption: street prices are sticky and move over a couple of months.
PRICE_MEMORY = 0.1


def arrest_cost_per_unit(m: BarrioModel) -> float:
    """Sellers' expected cost of arrest this week per purchase they sold last week (USD).

    Each seller's weekly arrest hazard on the block they sell (members of a group less,
    for its lookouts) times the weeks an arrest would cost them in custody times what a
    week in custody costs them (the legal income given up and ``selling.prison_cost``),
    weighted by their risk aversion; summed over sellers and divided by last week's sales.
    """
    r, p = m.residents, m.params
    sellers = m.market.seller_ids
    sales = m.market.sales
    if sales is None or len(sellers) == 0:
        return 0.0
    units = float(sales.units.ravel()[r.sell_block[sellers]].sum())
    if units <= 0:
        return 0.0
    lookout = np.where(r.group[sellers] >= 0, 1.0 - p.groups.protection, 1.0)
    hazard = m.police.hazard(p, m.grid.police_presence.data)[r.sell_block[sellers]] * lookout
    week = alternative_income(r, sellers, m.informal_rate, p) + p.selling.prison_cost
    cost = hazard * expected_custody_weeks(r.age[sellers], p) * week * r.risk_aversion[sellers]
    return float(cost.sum()) / units


def price_week(m: BarrioModel) -> None:
    """Phase: this week's retail price and the demand it leaves (``market.price``, ``.demand_factor``).

    Reads last week's sales and this week's police presence and sellers.
    """
    p = m.params
    if p.mechanisms.price == PriceRule.FIXED:
        return
    base = p.market.price
    target = base + p.market.risk_pass_through * arrest_cost_per_unit(m)
    market = m.market
    market.price += PRICE_MEMORY * (target - market.price)
    market.demand_factor = (market.price / base) ** -p.market.elasticity
