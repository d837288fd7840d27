"""Households: who lives together, what they earn and receive, and whether they are poor.

Residents never move home, so a household's members are indexed once. Incomes are pooled:
each week, after everything else has happened, :func:`household_incomes` adds up what the
members earned (legal work and selling), what groups paid or took (governance) and what
programmes gave, and marks the households below the poverty line. Next week's rules read
those figures (the need that lowers reluctance to sell, school dropout, programme
eligibility), so a benefit paid this week counts from next week, as it would in life.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from barrio.model.economy import household_income
from barrio.model.mechanisms import GovernanceRule
from barrio.model.population import Custody, Residents, Status, ids_in

if TYPE_CHECKING:
    from barrio.model.model import BarrioModel

__all__ = ["Households", "household_incomes", "transfer_totals"]


@dataclass
class Households:
    """Every household of the neighbourhood, one array element per household.

    Attributes:
        size: Residents in each household.
        order: Resident ids sorted by household.
        starts: Where each household's residents start in ``order``, plus the end.
        benefits: What programmes paid each household this week (USD).
        care_needed: Whether a child under ``households.care_age`` lives there this week.
        income: Each household's income this week from every source (USD).
        earnings_per_head: Last week's earnings per person, before transfers and benefits
            (what programmes' means tests look at, so that a benefit does not end its own
            eligibility).
        income_per_head: Last week's income per person from every source.
        poor: Whether ``income_per_head`` was below the poverty line last week.
    """

    size: np.ndarray
    order: np.ndarray
    starts: np.ndarray
    benefits: np.ndarray
    care_needed: np.ndarray
    income: np.ndarray
    earnings_per_head: np.ndarray
    income_per_head: np.ndarray
    poor: np.ndarray

    @classmethod
    def build(cls, household: np.ndarray) -> Households:
        """Index the households of residents whose household ids are ``household``."""
        n = int(household.max()) + 1
        size = np.bincount(household, minlength=n)
        return cls(
            size=size,
            order=np.argsort(household, kind="stable"),
            starts=np.concatenate(([0], np.cumsum(size))),
            benefits=np.zeros(n),
            care_needed=np.zeros(n, dtype=bool),
            income=np.zeros(n),
            earnings_per_head=np.zeros(n),
            income_per_head=np.zeros(n),
            poor=np.zeros(n, dtype=bool),
        )

    def __len__(self) -> int:
        return len(self.size)

    def residents_of(self, which: np.ndarray) -> np.ndarray:
        """Ids of the residents of households ``which``."""
        return ids_in(self.order, self.starts, which)

    def set_incomes(self, earned: np.ndarray, income: np.ndarray) -> None:
        """This week's earnings and income from every source (totals by household), and per head."""
        size = np.maximum(self.size, 1)
        self.income = income
        self.earnings_per_head = earned / size
        self.income_per_head = income / size

    def with_prisoner(self, r: Residents, detained: np.ndarray | None = None) -> np.ndarray:
        """Which households have an adult in prison (pre-trial or sentenced).

        ``detained``: ids of the detained, if already at hand.
        """
        if detained is None:
            detained = np.flatnonzero(r.status == Status.DETAINED.value)
        flags = np.zeros(len(self), dtype=bool)
        flags[r.household[detained[r.custody[detained] != Custody.JUVENILE.value]]] = True
        return flags


def transfer_totals(household: np.ndarray, transfers: np.ndarray, n_households: int) -> np.ndarray:
    """Each household's net transfers from the groups: the sum of its residents' ``transfers``.

    Most residents get nothing from a group and pay it nothing, so only those who do are
    summed, unless they are many. The totals are those of summing everyone, to the bit: a
    household's sum starts at +0.0 and can never become -0.0, so adding a zero leaves it
    unchanged, and the others are added in the same order.
    """
    paid = transfers != 0
    if np.count_nonzero(paid) > len(transfers) // 4:  # then one pass over everyone costs less
        return np.bincount(household, weights=transfers, minlength=n_households)
    who = np.flatnonzero(paid)
    return np.bincount(household[who], weights=transfers[who], minlength=n_households)


def household_incomes(m: BarrioModel) -> None:
    """Phase: this week's household incomes and who is poor.

    Reads residents' legal and selling income, the groups' net transfers and programme
    benefits; sets ``households.earnings_per_head``, ``income_per_head`` and ``poor``.
    """
    h, r = m.households, m.residents
    earned = household_income(r, m.market.selling_income, len(h))
    income = earned + transfer_totals(r.household, m.groups.transfers, len(h))
    income += h.benefits
    if m.params.mechanisms.governance != GovernanceRule.PRESENCE_THRESHOLD:
        # A group assesses what it takes before the week's arrests and job losses; a household
        # whose earner was taken away since cannot hand over more than it has. (Barrio 0.1,
        # whose rule this keeps, let such a household's income fall below zero.)
        np.maximum(income, 0.0, out=income)
    h.set_incomes(earned, income)
    h.poor = h.income_per_head < m.poverty_line
