"""Who starts selling and who stops.

A resident starts selling when the expected weekly gain on their block beats their legal
alternative plus the expected cost of arrest and prison plus their own reluctance.
Reluctance falls with sellers among household and block neighbours (peers), with a
group's recruitment pressure on young people where it controls the block and the state
is absent, with a criminal record, and with the household's need (its shortfall below the
poverty line); for a woman, also with a partner or other household member who sells.
Women keep a smaller share of the margin (``households.female_rank``), and care duties
cut what legal work would pay them. A seller stops when what they actually earn no
longer beats the alternative plus the expected cost of arrest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from barrio.model.demography import free_status
from barrio.model.market import entrant_units, net_gain, rank_share, seller_counts
from barrio.model.mechanisms import AffiliationRule, PriceRule, RecruitmentRule
from barrio.model.neighbourhood import turf, within_reach
from barrio.model.params import Params
from barrio.model.population import Residents, Status

if TYPE_CHECKING:
    from barrio.model.model import BarrioModel

__all__ = [
    "Outlook",
    "alternative_income",
    "choices",
    "expected_custody_weeks",
    "leave_market",
    "outlook",
    "relocate",
    "start_selling",
    "stop_selling",
]

#: Whether a resident may take up selling, indexed by status code.
CAN_START = np.zeros(len(Status), dtype=bool)
CAN_START[[Status.STUDENT, Status.OUT_OF_SCHOOL, Status.FORMAL, Status.INFORMAL, Status.UNEMPLOYED]] = True
#: Ages counted as young for reluctance; recruitment pressure reaches everyone up to the
#: upper bound.
#: Source: UNODC Global Study on Homicide 2013 (43% of victims aged 15-29).
YOUNG = (15, 29)
#: A seller moves to another block only if it is worth this many times the current one
#: (plus MOVE_MINIMUM).
#: Source: assumption: moving has costs, so small or noisy gains move nobody.
MOVE_FACTOR = 1.1
#: Least gain, USD a week, that makes a seller move.
#: Source: assumption: as MOVE_FACTOR.
MOVE_MINIMUM = 1.0


@dataclass(frozen=True)
class Outlook:
    """What residents can see of the market and of the police, block by block (flat arrays).

    Attributes:
        gain: Net weekly earnings a new seller on the block would make.
        hazard: Weekly chance that a seller on the block is arrested, as residents perceive it.
        pressure: Recruitment pressure on young people on the block (0-1).
        household_sellers: Sellers in each household.
        block_sellers: Sellers living on each block.
        household_size: Residents in each household.
        block_population: Residents of each block.
        income_per_head: Each household's income per person last week (all sources).
        poverty_line: Weekly income per person below which a household is poor.
    """

    gain: np.ndarray
    hazard: np.ndarray
    pressure: np.ndarray
    household_sellers: np.ndarray
    block_sellers: np.ndarray
    household_size: np.ndarray
    block_population: np.ndarray
    income_per_head: np.ndarray
    poverty_line: float

    def peer_share(self, r: Residents, ids: np.ndarray) -> np.ndarray:
        """Share of sellers among each resident's household and block neighbours (not themselves).

        Household members also live on the block, so they count twice: closer ties weigh more.
        """
        own = (r.status[ids] == Status.SELLING.value).astype(np.float64)
        hh, block = r.household[ids], r.block[ids]
        peers = self.household_sellers[hh] + self.block_sellers[block] - 2 * own
        others = self.household_size[hh] + self.block_population[block] - 2
        return np.divide(peers, others, out=np.zeros_like(peers), where=others > 0)

    def shortfall(self, r: Residents, ids: np.ndarray, sharing: float) -> np.ndarray:
        """Share of the poverty line each resident's means fall short of (0 above it).

        A resident's means are ``sharing`` of the household's income per person and the
        rest their own legal income: households pool most, not all, of what they earn.
        """
        means = sharing * self.income_per_head[r.household[ids]] + (1.0 - sharing) * r.income[ids]
        return np.clip(1.0 - means / max(self.poverty_line, 1e-9), 0.0, 1.0)


def expected_custody_weeks(age: np.ndarray, params: Params) -> np.ndarray:
    """Weeks an arrest is expected to cost a seller of this age in custody."""
    j = params.justice
    adult = j.pretrial_detention * j.pretrial_weeks + j.conviction * j.sentence_weeks
    return np.where(age >= j.age_of_responsibility, adult, j.juvenile_detention * j.juvenile_weeks)


def alternative_income(r: Residents, ids: np.ndarray, informal_rate: float, params: Params) -> np.ndarray:
    """Weekly legal income a resident gives up, or could earn, instead of selling.

    Workers give up their wage; students the value of school; the rest could do informal
    work (``informal_rate`` per unit of earning capacity), less so with a record.
    """
    status = r.status[ids]
    informal = informal_rate * r.capacity[ids]
    penalty = np.where(r.record[ids] > 0, 1.0 - params.justice.record_job_penalty, 1.0)
    care = np.where(r.carer[ids], 1.0 - params.households.care_burden, 1.0)
    working = (status == Status.FORMAL.value) | (status == Status.INFORMAL.value)
    student = status == Status.STUDENT.value
    other = np.where(student, params.economy.schooling_value * informal, informal * penalty * care)
    return np.where(working, r.income[ids], other)


def _arrest_cost(
    r: Residents, ids: np.ndarray, hazard: np.ndarray, alternative: np.ndarray, params: Params
) -> np.ndarray:
    weeks = expected_custody_weeks(r.age[ids], params)
    return hazard * weeks * (alternative + params.selling.prison_cost) * r.risk_aversion[ids]


def _effective_reluctance(r: Residents, ids: np.ndarray, outlook: Outlook, params: Params) -> np.ndarray:
    s = params.selling
    age = r.age[ids]
    young = (age >= YOUNG[0]) & (age <= YOUNG[1])
    block = r.block[ids]
    reluctance = r.reluctance[ids] * np.where(young, s.youth_reluctance, 1.0)
    reluctance = reluctance * np.where(r.record[ids] > 0, params.justice.record_reluctance, 1.0)
    reluctance = reluctance * np.where(r.tie[ids] >= 0, params.justice.tie_reluctance, 1.0)
    reluctance = reluctance * (1.0 - s.peer_effect * outlook.peer_share(r, ids))
    h = params.households
    hh = r.household[ids]
    reluctance = reluctance * (1.0 - h.need_effect * outlook.shortfall(r, ids, h.income_sharing))
    others_selling = outlook.household_sellers[hh] - (r.status[ids] == Status.SELLING.value)
    reluctance = reluctance * np.where(r.female[ids] & (others_selling > 0), 1.0 - h.partner_effect, 1.0)
    # Trust in the state: more reluctance to sell, and more resistance to a group's pressure.
    effect = params.legitimacy.effect
    trust = r.trust[ids]
    reluctance = reluctance * (1.0 + effect * (2.0 * trust - 1.0))
    pressure = np.where(young | (age < YOUNG[0]), outlook.pressure[block], 0.0) * (1.0 - effect * trust)
    return reluctance * (1.0 - pressure)


def start_selling(
    r: Residents, outlook: Outlook, informal_rate: float, params: Params, rng: np.random.Generator
) -> np.ndarray:
    """Residents who reconsider this week and find selling worth it start. Returns their ids."""
    s = params.selling
    maybe = np.flatnonzero(rng.random(len(r), dtype=np.float32) < s.decision_rate)
    maybe = maybe[CAN_START[r.status[maybe]] & (r.age[maybe] >= s.min_age)]
    block = r.block[maybe]
    alternative = alternative_income(r, maybe, informal_rate, params)
    gain = outlook.gain[block] * rank_share(r, maybe, params)
    # The expected cost of arrest and reluctance are never negative, so only those whose gain
    # beats their alternative can start, and of those only the ones whose gain less the cost
    # still does: the rest are set aside before the costlier reckoning (the same answer, for
    # about one in thirty). Never negative because every factor is: the parameters' bounds,
    # lognormal reluctance and risk aversion, a hazard from a presence that counts passes,
    # trust and need clipped to 0-1, a peer share at most 1 (households and blocks never
    # change), pressure clipped to at most 1.
    worth = np.flatnonzero(gain > alternative)
    maybe, alternative, gain = maybe[worth], alternative[worth], gain[worth]
    net = gain - _arrest_cost(r, maybe, outlook.hazard[r.block[maybe]], alternative, params)
    worth = np.flatnonzero(net > alternative)
    maybe, net, alternative, gain = maybe[worth], net[worth], alternative[worth], gain[worth]
    reluctance = _effective_reluctance(r, maybe, outlook, params)
    start = net > alternative + reluctance
    starts = maybe[start]

    r.status[starts] = Status.SELLING
    r.income[starts] = 0.0
    r.gain[starts] = gain[start]
    r.sell_block[starts] = r.block[starts]
    # Ties made in prison: they sell for that group from the start (if it still exists;
    # the model checks that).
    r.group[starts] = r.tie[starts]
    return starts


def stop_selling(
    r: Residents,
    outlook: Outlook,
    informal_rate: float,
    params: Params,
    rng: np.random.Generator,
    started: np.ndarray | None = None,
    sellers: np.ndarray | None = None,
) -> np.ndarray:
    """Sellers who reconsider this week and earn less than their alternative stop. Returns ids.

    ``started``: ids that took up selling this week; they have made their choice for the week.
    ``sellers``: if known, the ids, in order, of those selling but for ``started`` (spares a count).
    """
    maybe = _reconsidering(r, params, rng, started, sellers)
    alternative = alternative_income(r, maybe, informal_rate, params)
    hazard = outlook.hazard[r.sell_block[maybe]] * np.where(
        r.group[maybe] >= 0, 1.0 - params.groups.protection, 1.0
    )
    cost = _arrest_cost(r, maybe, hazard, alternative, params)
    stops = maybe[r.gain[maybe] - cost < alternative]
    leave_market(r, stops)
    return stops


def relocate(
    r: Residents,
    outlook: Outlook,
    informal_rate: float,
    params: Params,
    rng: np.random.Generator,
    shape: tuple[int, int],
    started: np.ndarray | None = None,
    sellers: np.ndarray | None = None,
) -> np.ndarray:
    """Sellers who reconsider move to the block near home that pays best, net of arrest risk.

    Candidates are the blocks within ``selling.mobility`` of the seller's home. A block is
    worth what a newcomer would earn there less the expected cost of arrest there; the
    current block is worth what the seller actually earns less its arrest cost. A seller
    moves only for a gain of more than 10% (and a dollar): moving has costs of its own.
    Heavy policing on a block therefore pushes selling to nearby, less policed blocks.

    ``started`` and ``sellers`` as for :func:`stop_selling`.

    Returns:
        Ids of the sellers who moved.
    """
    s = params.selling
    if s.mobility == 0:
        return np.empty(0, dtype=np.int64)
    movers = _reconsidering(r, params, rng, started, sellers)
    within, inside = within_reach(shape, s.mobility)
    home = r.block[movers]
    candidate, valid = within[home], inside[home]

    alternative = alternative_income(r, movers, informal_rate, params)
    lookout = np.where(r.group[movers] >= 0, 1.0 - params.groups.protection, 1.0)
    per_hazard = expected_custody_weeks(r.age[movers], params) * (alternative + s.prison_cost)
    per_hazard = per_hazard * r.risk_aversion[movers] * lookout
    value = outlook.gain[candidate] * rank_share(r, movers, params)[:, None]
    value = value - outlook.hazard[candidate] * per_hazard[:, None]
    value[~valid] = -np.inf
    best = np.argmax(value, axis=1)
    rows = np.arange(len(movers))
    here = r.gain[movers] - outlook.hazard[r.sell_block[movers]] * per_hazard
    move = value[rows, best] > here * MOVE_FACTOR + MOVE_MINIMUM
    r.sell_block[movers[move]] = candidate[rows[move], best[move]]
    return movers[move]


def _reconsidering(
    r: Residents,
    params: Params,
    rng: np.random.Generator,
    started: np.ndarray | None,
    sellers: np.ndarray | None = None,
) -> np.ndarray:
    """Sellers who reconsider this week, leaving out those who only just started.

    ``sellers``: the ids, in order, of those selling but for ``started``, if the caller knows them.
    """
    if sellers is None:
        sellers = np.flatnonzero(r.status == Status.SELLING.value)
        if started is not None and len(started):
            # A mask, not np.isin: isin's sort costs ~100 us even for a handful of ids.
            fresh = np.zeros(len(r), dtype=bool)
            fresh[started] = True
            sellers = sellers[~fresh[sellers]]
    return sellers[rng.random(len(sellers), dtype=np.float32) < params.selling.decision_rate]


def _without(ids: np.ndarray, some: np.ndarray) -> np.ndarray:
    """``ids`` (sorted) less ``some``, a subsequence of them."""
    keep = np.ones(len(ids), dtype=bool)
    keep[np.searchsorted(ids, some)] = False
    return ids[keep]


def _merged(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The sorted union of two sorted arrays of distinct ids with none in common."""
    return np.insert(a, np.searchsorted(a, b), b)


def leave_market(r: Residents, ids: np.ndarray) -> None:
    """Sellers stop selling: adults look for work, minors are out of school, the old retire."""
    r.status[ids] = free_status(r.age[ids])
    r.group[ids] = -1
    r.gain[ids] = 0.0


def outlook(m: BarrioModel) -> Outlook:
    """What residents see of the market, the police and the groups this week, block by block."""
    p, r = m.params, m.residents
    sellers = m.market.seller_ids
    counts = seller_counts(r.sell_block[sellers], m.shape)
    control = m.grid.control.data
    market = m.market
    if p.mechanisms.affiliation == AffiliationRule.VOLUNTARY:
        cut = np.where(control >= 0, p.groups.cut, 0.0)
    else:
        # A newcomer on a group's turf works for the group, or is made to.
        cut = np.where(turf(control, p.market.reach) >= 0, p.groups.member_cut, 0.0)
    legacy = p.mechanisms.affiliation == AffiliationRule.VOLUNTARY and p.mechanisms.price == PriceRule.FIXED
    units = entrant_units(market.demand(m.grid.demand.data), counts, p.market.reach)
    gain = net_gain(units, cut, p, None if legacy else market.unit_margin(p)).ravel()
    pressure = (
        p.groups.recruitment_pressure
        * (control >= 0).ravel()
        * (1.0 - m.grid.state_presence.data.ravel())
        # Local support where the group governs strengthens its pull, up to certainty.
        * np.where(m.groups.symbiotic.ravel(), 1.0 + p.groups.support, 1.0)
    )
    if p.mechanisms.recruitment == RecruitmentRule.REPLACEMENT and p.groups.replacement > 0:
        # A group that has been losing members to arrest presses harder to replace them.
        losses = np.append(m.groups.by_code(lambda g: g.losses), 0.0)  # the last: no group (-1)
        pressure = pressure * (1.0 + p.groups.replacement * losses[control.ravel()])
    pressure = pressure.clip(max=1.0)
    return Outlook(
        gain=gain,
        hazard=m.police.hazard(p, m.grid.police_presence.data),
        pressure=pressure,
        household_sellers=np.bincount(r.household[sellers], minlength=len(m.households)),
        block_sellers=np.bincount(r.block[sellers], minlength=len(m.blocks)),
        household_size=m.households.size,
        block_population=m.blocks.population,
        income_per_head=m.households.income_per_head,
        poverty_line=m.poverty_line,
    )


def choices(m: BarrioModel) -> None:
    """Phase: who starts or stops selling, and where sellers sell, seeing this week's world.

    Reads the outlook (after this week's arrests and deaths); changes residents'
    ``status``, ``group``, ``gain`` and ``sell_block``, and counts the sellers again.
    Records who started and who had a record before the week's choices.
    """
    p, r, rng = m.params, m.residents, m.rng
    informal = m.informal_rate
    sellers = m.market.count_sellers(r)
    seen = outlook(m)
    had_record = r.record > 0
    starts = start_selling(r, seen, informal, p, rng)
    # The group they knew in prison may no longer exist.
    alive = np.zeros(m.groups.n_codes + 1, dtype=bool)  # the last entry stands for "no group" (-1)
    alive[[g.code for g in m.groups.active()]] = True
    r.group[starts[~alive[r.group[starts]]]] = -1
    # Only these three change anyone's status from here on, and only as follows: starts
    # were not selling, stops were. So the sellers are known without counting them again.
    stops = stop_selling(r, seen, informal, p, rng, started=starts, sellers=sellers)
    staying = _without(sellers, stops)
    relocate(r, seen, informal, p, rng, m.shape, started=starts, sellers=staying)
    m.market.seller_ids = _merged(staying, starts)
    m.this_week.starts, m.this_week.had_record = starts, had_record
