"""The business cycle, the labour market and incomes.

Job finding rates are not free parameters: they are solved from the country context's
unemployment and informality so that, in a normal economy, the labour market settles at
the national figures. A downturn (economy index below 1) lowers job finding and informal
incomes and raises informal job losses, so unemployment rises as an outcome.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from barrio.model.contexts import Context
from barrio.model.params import Params
from barrio.model.population import Residents, Status

if TYPE_CHECKING:
    from barrio.model.model import BarrioModel

#: Cap on the weekly job-finding rates solved from a context.
#: Source: assumption: keeps the solved rates below certainty for contexts with very low
#: unemployment.
MAX_FINDING = 0.9

__all__ = [
    "BusinessCycle",
    "JobRates",
    "business_cycle",
    "household_income",
    "informal_rate",
    "labour",
    "labour_market",
    "set_incomes",
    "wage_table",
]


@dataclass
class BusinessCycle:
    """An economy index around 1: AR(1) in logs, plus an external shock multiplier.

    Attributes:
        index: Current level (1 = normal, 0.8 = a deep downturn).
        shock: Multiplier set from outside (a scenario's pandemic, say); 1 means none.
    """

    persistence: float
    volatility: float
    log_level: float = 0.0
    shock: float = 1.0

    @property
    def index(self) -> float:
        """Current level of the economy (1 = normal)."""
        return float(np.exp(self.log_level) * self.shock)

    def step(self, rng: np.random.Generator) -> None:
        """Advance one week."""
        self.log_level = self.persistence * self.log_level + self.volatility * rng.normal()


@dataclass(frozen=True)
class JobRates:
    """Weekly flows of the labour market in a normal economy.

    Steady state: unemployed x finding = employed x separation, for each sector, which
    gives the finding rates from the context's unemployment ``u`` and informality ``i``.
    """

    formal_separation: float
    informal_separation: float
    formal_finding: float
    informal_finding: float

    @classmethod
    def from_context(cls, params: Params, context: Context) -> JobRates:
        """Separation rates from the parameters; finding rates solved from the context."""
        u = max(context.unemployment.value, 1e-3)
        i = context.informality.value
        e = params.economy
        return cls(
            formal_separation=e.formal_separation,
            informal_separation=e.informal_separation,
            formal_finding=min(MAX_FINDING, (1 - u) * (1 - i) * e.formal_separation / u),
            informal_finding=min(MAX_FINDING, (1 - u) * i * e.informal_separation / u),
        )


def wage_table(params: Params, context: Context, economy: float) -> np.ndarray:
    """Weekly legal income per unit of earning capacity, for each :class:`Status`."""
    e = params.economy
    table = np.zeros(len(Status), dtype=np.float32)
    table[Status.FORMAL] = e.formal_wage
    table[Status.INFORMAL] = e.informal_wage * economy**e.downturn_sensitivity
    table[Status.RETIRED] = e.pension
    return table * np.float32(context.min_wage_week)


def informal_rate(params: Params, context: Context, economy: float) -> float:
    """Weekly informal income per unit of earning capacity (what informal work pays now)."""
    return float(wage_table(params, context, economy)[Status.INFORMAL])


def set_incomes(r: Residents, params: Params, context: Context, economy: float) -> None:
    """Legal income for this week: wages for workers, pensions for the retired, else nothing."""
    # np.take, not indexing: with int8 statuses as indices it costs about half as much.
    np.multiply(r.capacity, np.take(wage_table(params, context, economy), r.status), out=r.income)


def _job_losses(status: np.ndarray, draw: np.ndarray, rates: JobRates, downturn: float) -> np.ndarray:
    """Who loses their job this week: a worker whose draw falls below their sector's separation rate.

    Only the two working statuses can lose a job, so two comparisons with a float32 rate
    (float32 like the draw) replace a per-resident look-up of the rate by status, at a
    quarter of the cost; the draw is never negative, so everyone else's rate of 0 never
    lost anyone.
    """
    formal = np.float32(rates.formal_separation / downturn)
    informal = np.float32(rates.informal_separation / downturn)
    losing = (status == Status.FORMAL.value) & (draw < formal)
    losing |= (status == Status.INFORMAL.value) & (draw < informal)
    return losing


def labour_market(
    r: Residents, rates: JobRates, params: Params, economy: float, rng: np.random.Generator
) -> None:
    """One week of job losses and job finding among adults in the labour force."""
    s = params.economy.downturn_sensitivity
    draw = rng.random(len(r), dtype=np.float32)
    status = r.status
    losing = _job_losses(status, draw, rates, economy**s)

    unemployed = np.flatnonzero(status == Status.UNEMPLOYED.value)
    h = params.households
    penalty = np.where(r.record[unemployed] > 0, 1.0 - params.justice.record_job_penalty, 1.0)
    # Care duties leave less time to look for and take work; migrants lack papers and contacts.
    finding = economy**s * np.where(r.carer[unemployed], 1.0 - h.care_burden, 1.0)
    migrant = r.migrant[unemployed]
    p_formal = rates.formal_finding * finding * penalty * np.where(migrant, h.migrant_formal, 1.0)
    p_informal = rates.informal_finding * finding * np.where(migrant, h.migrant_network, 1.0)
    u_draw = draw[unemployed]
    find_formal = unemployed[u_draw < p_formal]
    find_informal = unemployed[(u_draw >= p_formal) & (u_draw < p_formal + p_informal)]

    status[losing] = Status.UNEMPLOYED
    status[find_formal] = Status.FORMAL
    status[find_informal] = Status.INFORMAL


def household_income(r: Residents, selling_income: np.ndarray, n_households: int) -> np.ndarray:
    """Weekly household income (income is pooled within a household).

    Args:
        r: Residents.
        selling_income: Each resident's other income this week (selling, group transfers).
        n_households: Number of households.
    """
    return np.bincount(r.household, weights=r.income + selling_income, minlength=n_households)


def business_cycle(m: BarrioModel) -> None:
    """Phase: the economy index moves one week (``cycle``)."""
    m.cycle.step(m.rng)


def labour(m: BarrioModel) -> None:
    """Phase: jobs lost and found, then this week's legal incomes (residents' status and income)."""
    economy = m.cycle.index
    labour_market(m.residents, m.rates, m.params, economy, m.rng)
    set_incomes(m.residents, m.params, m.context, economy)
