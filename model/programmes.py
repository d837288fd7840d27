"""Social programmes: one Mesa agent for each programme a scenario runs.

Every programme has a weekly budget, eligibility and targeting rules, a number of places,
outreach (``coverage``) and take-up, and reports what it spent and whom it reached. A
programme acts only on residents' circumstances (income, status, record, school, care
duties, state presence on a block); none of them edits an outcome. Whether a programme
lowers recruitment, prison numbers or violence is left to the rules that read those
circumstances (``model.selling``, ``model.demography``, ``model.economy``,
``model.governance``, ``model.legitimacy``).

Who is reached and who takes up an offer is a fixed draw per person (or household) made
when the programme starts, so that the same people stay in or out from week to week. Each
programme draws from its own generator, spawned from the model's, so that switching a
programme on does not reshuffle every other random draw of the run: a run with and a run
without it differ by what the programme does, which makes paired comparisons sharp.
When places or budget run short, the poorest (by household income per person before
transfers) come first.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, ClassVar

import numpy as np
from mesa import Agent

from barrio.model.demography import ADULT, RETIREMENT, SCHOOL_START
from barrio.model.params import Targeting
from barrio.model.population import Status
from barrio.model.selling import leave_market

if TYPE_CHECKING:
    from barrio.model.model import BarrioModel

__all__ = [
    "PROGRAMMES",
    "CashTransfer",
    "Jobs",
    "PenalAlternatives",
    "Presence",
    "Programme",
    "Reentry",
    "School",
    "Women",
]

_WORKLESS = (Status.UNEMPLOYED, Status.INACTIVE)


class Programme(Agent, ABC):
    """What every programme shares: its settings, places, outreach draw and accounts.

    Attributes:
        spending: USD spent this week.
        reached: People reached this week.
        own_rng: The programme's own generator (``rng`` stays the model's, as for any Mesa agent).
    """

    #: The programme's section under ``params.programmes``.
    name: ClassVar[str]
    #: Whether outreach and take-up are drawn per household (else per person).
    per_household: ClassVar[bool] = False
    model: BarrioModel

    def __init__(self, model: BarrioModel) -> None:
        super().__init__(model)
        self.spending = 0.0
        self.reached = 0
        self.own_rng = model.programme_generator(self.name)
        n = model.n_households if self.per_household else len(model.residents)
        self._draw = self.own_rng.random(n)

    @property
    def settings(self):
        """This programme's parameters (they may change during a run)."""
        return getattr(self.model.params.programmes, self.name)

    def places(self, unit_cost: float) -> int:
        """Places the budget and the capacity allow, at ``unit_cost`` a place a week."""
        s = self.settings
        # + 1e-9: 1,000 / 0.1 is 9,999.999... in floating point, and should still give 10,000.
        by_budget = int(s.budget_week / unit_cost + 1e-9) if unit_cost > 0 else len(self._draw)
        return min(by_budget, s.capacity) if s.capacity else by_budget

    def offered(self, ids: np.ndarray) -> np.ndarray:
        """Those among ``ids`` whom outreach reaches and who take the offer up."""
        s = self.settings
        return ids[self._draw[ids] < s.coverage * s.take_up]

    def poorest_first(self, ids: np.ndarray, n: int, households: bool = False) -> np.ndarray:
        """The ``n`` poorest of ``ids`` (people, or households if ``households``)."""
        if len(ids) <= n:
            return ids
        per_head = self.model.earnings_per_head
        key = per_head[ids] if households else per_head[self.model.residents.household[ids]]
        return ids[np.argsort(key, kind="stable")[:n]]

    def poor_households(self) -> np.ndarray:
        """Which households are poor for eligibility (before any transfer).

        Earnings per person last week below the poverty line: a benefit does not end its own
        eligibility.
        """
        return self.model.earnings_per_head < self.model.poverty_line

    @abstractmethod
    def step(self) -> None:
        """One week of the programme: enrol, pay, place."""


class _Roster(Programme):
    """A programme that enrols people for a number of weeks."""

    #: Whether a person can be enrolled only once (a placement, a first-offence diversion).
    once: ClassVar[bool] = False

    def __init__(self, model: BarrioModel) -> None:
        super().__init__(model)
        self.ids = np.empty(0, dtype=np.int64)
        self.weeks_left = np.empty(0, dtype=np.int64)
        self.served = np.zeros(len(model.residents), dtype=bool)

    def enrol(self, ids: np.ndarray, unit_cost: float) -> np.ndarray:
        """Enrol the poorest of the offered ``ids`` in the places left; returns who was enrolled.

        The week of enrolment is the first of ``weeks`` paid weeks; spending and reach are
        brought up to date.
        """
        ids = np.setdiff1d(ids, self.ids)
        candidates = self.offered(ids[~self.served[ids]] if self.once else ids)
        room = max(self.places(unit_cost) - len(self.ids), 0)
        new = self.poorest_first(candidates, room)
        self.served[new] = True
        self.ids = np.concatenate([self.ids, new])
        self.weeks_left = np.concatenate([self.weeks_left, np.full(len(new), self.settings.weeks - 1)])
        self.spending = unit_cost * len(self.ids)
        self.reached = len(self.ids)
        return new

    def keep(self, mask: np.ndarray) -> None:
        """Keep only the enrolled people where ``mask`` is true."""
        self.ids, self.weeks_left = self.ids[mask], self.weeks_left[mask]

    def tick(self, unit_cost: float) -> np.ndarray:
        """A new week: those whose paid weeks are over leave, the rest are paid for one more.

        The replaced (a newborn took their place) leave too. Returns who finished.
        """
        r = self.model.residents
        # Rosters last at most ten years, so someone under 12 is a newborn in a dead person's place.
        self.keep(r.age[self.ids] >= SCHOOL_START)
        done = self.weeks_left <= 0
        finished = self.ids[done]
        self.keep(~done)
        self.weeks_left -= 1
        self.spending = unit_cost * len(self.ids)
        self.reached = len(self.ids)
        return finished


class CashTransfer(Programme):
    """Cash transfers to households: universal, means-tested or conditional on school.

    Attributes:
        paid: Households paid this week.
    """

    name = "cash"
    per_household = True

    def __init__(self, model: BarrioModel) -> None:
        super().__init__(model)
        self.paid = np.empty(0, dtype=np.int64)

    def eligible(self) -> np.ndarray:
        """Households eligible this week under the programme's targeting."""
        m = self.model
        s = self.settings
        households = np.arange(m.n_households)
        if s.targeting == Targeting.UNIVERSAL:
            return households
        poor = self.poor_households()
        if s.targeting == Targeting.MEANS_TESTED:
            return households[poor]
        r = m.residents
        school_age = (r.age >= SCHOOL_START) & (r.age < ADULT)
        children = np.bincount(r.household[school_age], minlength=m.n_households)
        attending = np.bincount(
            r.household[school_age & (r.status == Status.STUDENT)], minlength=m.n_households
        )
        return households[poor & (children > 0) & (attending == children)]

    def step(self) -> None:
        """Pay this week's transfer to the enrolled households (checked again every week)."""
        m = self.model
        s = self.settings
        paid = self.paid = self.poorest_first(
            self.offered(self.eligible()), self.places(s.amount), households=True
        )
        m.household_benefits[paid] += s.amount
        self.spending = s.amount * len(paid)
        self.reached = int(m.household_size[paid].sum())


class Jobs(_Roster):
    """Subsidised placements of unemployed young adults in formal work, or self-employment.

    A share ``self_employment`` of those placed get self-employment support instead: they
    start informal work with their earning capacity raised by ``start_up`` for good.
    """

    name = "jobs"
    once = True

    def step(self) -> None:
        """End finished placements (some jobs last), then fill free places."""
        m = self.model
        r = m.residents
        s = self.settings
        working = (r.status[self.ids] == Status.FORMAL) | (r.status[self.ids] == Status.INFORMAL)
        self.keep(working)  # those who lost their work leave the programme
        finished = self.tick(s.subsidy)
        ends = finished[self.own_rng.random(len(finished)) >= s.retention]
        r.status[ends] = Status.UNEMPLOYED
        r.income[ends] = 0.0
        eligible = np.flatnonzero(
            (r.status == Status.UNEMPLOYED) & (r.age >= s.min_age) & (r.age <= s.max_age)
        )
        placed = self.enrol(eligible, s.subsidy)
        own = placed[self.own_rng.random(len(placed)) < s.self_employment]
        r.status[placed] = Status.FORMAL
        r.status[own] = Status.INFORMAL
        r.capacity[own] *= np.float32(1.0 + s.start_up)


class School(Programme):
    """School retention for 12-17-year-olds of poor households."""

    name = "school"

    def step(self) -> None:
        """Support the enrolled students (lower dropout) and bring some out-of-school back."""
        m = self.model
        r = m.residents
        s = self.settings
        minor = (r.age >= SCHOOL_START) & (r.age < ADULT)
        poor = self.poor_households()[r.household]
        at_risk = np.flatnonzero(
            minor & poor & ((r.status == Status.STUDENT) | (r.status == Status.OUT_OF_SCHOOL))
        )
        supported = self.poorest_first(self.offered(at_risk), self.places(s.cost))
        m.school_support[supported] = True
        out = supported[r.status[supported] == Status.OUT_OF_SCHOOL]
        r.status[out[self.own_rng.random(len(out)) < s.return_rate]] = Status.STUDENT
        self.spending = s.cost * len(supported)
        self.reached = len(supported)


class PenalAlternatives(_Roster):
    """Community sentences or treatment instead of prison for first offenders."""

    name = "penal"
    once = True

    def step(self) -> None:
        """Count down the community sentences; someone back in custody leaves the programme."""
        self.keep(self.model.residents.status[self.ids] != Status.DETAINED)
        self.tick(self.settings.cost)

    def divert(self, ids: np.ndarray) -> np.ndarray:
        """Take eligible first offenders out of the arrests; returns those diverted.

        The diverted stop selling but stay free and get no prison record.
        """
        r = self.model.residents
        adult = r.age[ids] >= self.model.params.justice.age_of_responsibility
        first = ids[adult & (r.record[ids] == 0) & (r.status[ids] != Status.DETAINED)]
        diverted = self.enrol(first, self.settings.cost)
        leave_market(r, diverted[r.status[diverted] == Status.SELLING])
        return diverted


class Reentry(_Roster):
    """Support after release: placement in formal work that does not look at the record."""

    name = "reentry"

    def step(self) -> None:
        """Place some of the supported who have no work; drop those back in custody or selling."""
        m = self.model
        r = m.residents
        status = r.status[self.ids]
        self.keep((status != Status.DETAINED) & (status != Status.SELLING))
        self.tick(self.settings.cost)
        workless = self.ids[np.isin(r.status[self.ids], _WORKLESS)]
        placed = workless[self.own_rng.random(len(workless)) < self.settings.job_rate]
        r.status[placed] = Status.FORMAL

    def enrol_released(self, released: np.ndarray) -> np.ndarray:
        """Offer support to this week's released prisoners (adults with a record)."""
        r = self.model.residents
        return self.enrol(released[r.record[released] > 0], self.settings.cost)


class Women(Programme):
    """Income, childcare and job support for mothers of young children in poor households."""

    name = "women"

    def step(self) -> None:
        """Pay, give childcare to, and help into work the enrolled women."""
        m = self.model
        r = m.residents
        s = self.settings
        unit = s.amount + s.childcare_cost
        poor = self.poor_households()[r.household]
        mothers = np.flatnonzero(
            r.female & (r.age >= ADULT) & (r.age < RETIREMENT) & m.care_needed[r.household] & poor
        )
        mothers = mothers[r.status[mothers] != Status.DETAINED]
        enrolled = self.poorest_first(self.offered(mothers), self.places(unit))
        np.add.at(m.household_benefits, r.household[enrolled], s.amount)
        m.childcare[enrolled] = True
        workless = enrolled[np.isin(r.status[enrolled], _WORKLESS)]
        r.status[workless[self.own_rng.random(len(workless)) < s.job_rate]] = Status.FORMAL
        self.spending = unit * len(enrolled)
        self.reached = len(enrolled)


class Presence(Programme):
    """Institutional presence: services and dispute settlement on the blocks where the state is weakest."""

    name = "presence"

    def step(self) -> None:
        """Raise state presence on the inhabited blocks with the least of it."""
        m = self.model
        s = self.settings
        inhabited = np.flatnonzero(m.block_population > 0)
        order = np.argsort(m.base_presence.ravel()[inhabited], kind="stable")
        blocks = inhabited[order[: self.places(s.cost)]]
        m.presence_boost.ravel()[blocks] = s.boost
        self.spending = s.cost * len(blocks)
        self.reached = int(m.block_population[blocks].sum())


#: Every kind of programme, by its section name under ``params.programmes``.
PROGRAMMES: dict[str, type[Programme]] = {
    p.name: p for p in (CashTransfer, Jobs, School, PenalAlternatives, Reentry, Women, Presence)
}
