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

Other parts of the model meet the programmes only through the hooks of
:class:`Programmes` (the registry): a factor on school dropout
(:meth:`Programme.dropout_factor`), diversion of arrested people
(:meth:`Programme.divert`) and support for released prisoners
(:meth:`Programme.on_release`). A new programme overrides the hooks it needs; nothing
elsewhere looks a programme up by name.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from functools import cached_property
from typing import TYPE_CHECKING, ClassVar

import numpy as np
from mesa import Agent

from barrio.model.demography import ADULT, RETIREMENT, SCHOOL_START
from barrio.model.params import Targeting
from barrio.model.population import Residents, Status
from barrio.model.selling import leave_market

if TYPE_CHECKING:
    from barrio.model.model import BarrioModel
    from barrio.model.params import Params

__all__ = [
    "PROGRAMMES",
    "CashTransfer",
    "Jobs",
    "PenalAlternatives",
    "People",
    "Presence",
    "Programme",
    "Programmes",
    "Reentry",
    "School",
    "Women",
    "programme_runs",
    "programme_week",
]


def _workless(status: np.ndarray) -> np.ndarray:
    """Whether each status is out of work (unemployed or inactive).

    Two comparisons, not ``np.isin``: isin's set-up costs more than the work on a few ids.
    """
    return (status == Status.UNEMPLOYED.value) | (status == Status.INACTIVE.value)


class People:
    """Who is of which age and sex this week, found once for every programme that asks.

    Each list costs a pass over every resident (most of it in ``np.flatnonzero``), and
    several programmes ask for the same one. Ages, sexes, households and their care needs do
    not change while the programmes act; statuses do, so none is kept here.

    Args:
        r: The residents.
        care_needed: Whether each household needs care this week.
    """

    def __init__(self, r: Residents, care_needed: np.ndarray) -> None:
        self._r = r
        self._care_needed = care_needed

    @cached_property
    def minors(self) -> np.ndarray:
        """Ids of the 12-17-year-olds (school age)."""
        age = self._r.age
        return np.flatnonzero((age >= SCHOOL_START) & (age < ADULT))

    @cached_property
    def minors_home(self) -> np.ndarray:
        """The household of each of :attr:`minors`."""
        return self._r.household[self.minors]

    @cached_property
    def women(self) -> np.ndarray:
        """Ids of the women of working age (18-64)."""
        r = self._r
        return np.flatnonzero(r.female & (r.age >= ADULT) & (r.age < RETIREMENT))

    @cached_property
    def women_home(self) -> np.ndarray:
        """The household of each of :attr:`women`."""
        return self._r.household[self.women]

    @cached_property
    def women_with_child(self) -> np.ndarray:
        """Whether each of :attr:`women` has a child to care for (her household needs care)."""
        return self._care_needed[self.women_home]


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
        self.own_rng = model.programmes.generator(self.name)
        n = len(model.households) if self.per_household else len(model.residents)
        self._draw = self.own_rng.random(n)

    @property
    def settings(self):
        """This programme's parameters (they may change during a run)."""
        return getattr(self.model.params.programmes, self.name)

    def places(self, unit_cost: float) -> int:
        """Places the budget and the capacity allow, at ``unit_cost`` a place a week."""
        s = self.settings
        # + 1e-9: 1,000 / 0.1 is 9,999.999... in floating point, and should still give 10,000.
        # Never more places than people: a tiny unit cost (0.01 cents) would otherwise give an
        # infinite number of places, which no integer holds.
        everyone = len(self._draw)
        by_budget = (
            min(int(min(s.budget_week / unit_cost + 1e-9, everyone)), everyone) if unit_cost > 0 else everyone
        )
        return min(by_budget, s.capacity) if s.capacity else by_budget

    def offered(self, ids: np.ndarray) -> np.ndarray:
        """Those among ``ids`` whom outreach reaches and who take the offer up."""
        s = self.settings
        return ids[self._draw[ids] < s.coverage * s.take_up]

    def poorest_first(self, ids: np.ndarray, n: int, households: bool = False) -> np.ndarray:
        """The ``n`` poorest of ``ids`` (people, or households if ``households``)."""
        if len(ids) <= n:
            return ids
        per_head = self.model.households.earnings_per_head
        key = per_head[ids] if households else per_head[self.model.residents.household[ids]]
        return ids[_first_by_key(key, n)]

    @property
    def people(self) -> People:
        """Who is of which age this week: the week's shared lists during :func:`programme_week`.

        A programme stepped on its own (in a test) finds them afresh.
        """
        shared = self.model.programmes.shared_people
        return (
            shared if shared is not None else People(self.model.residents, self.model.households.care_needed)
        )

    def poor_households(self) -> np.ndarray:
        """Which households are poor for eligibility (before any transfer).

        Earnings per person last week below the poverty line: a benefit does not end its own
        eligibility.
        """
        return self.model.households.earnings_per_head < self.model.poverty_line

    @abstractmethod
    def step(self) -> None:
        """One week of the programme: enrol, pay, place."""

    def dropout_factor(self, ids: np.ndarray) -> np.ndarray | None:
        """Hook: a factor on the school dropout hazard of each of ``ids`` this week (None: no effect)."""
        return None

    def divert(self, ids: np.ndarray) -> np.ndarray:
        """Hook: take some of the arrested ``ids`` out of the justice system; returns those taken."""
        return ids[:0]

    def on_release(self, released: np.ndarray) -> None:
        """Hook: prisoners released after a sentence this week."""


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
        room = max(self.places(unit_cost) - len(self.ids), 0)
        if room == 0:  # a full programme (the usual case once it has run a while) takes nobody
            new = np.asarray(ids)[:0]
        else:
            ids = _not_in(ids, self.ids, len(self._draw))
            candidates = self.offered(ids[~self.served[ids]] if self.once else ids)
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
        if s.targeting == Targeting.UNIVERSAL:
            return np.arange(len(m.households))
        poor = self.poor_households()
        if s.targeting == Targeting.MEANS_TESTED:
            return np.flatnonzero(poor)
        people = self.people
        home = people.minors_home
        # Marks, not counts: a household qualifies if it has a child of school age and none is
        # out. The unmarking follows all the marking, so one child out is enough.
        qualifies = np.zeros(len(m.households), dtype=bool)
        qualifies[home] = True
        qualifies[home[m.residents.status[people.minors] != Status.STUDENT.value]] = False
        # Poverty is looked up for the few households with children only.
        with_children = np.flatnonzero(qualifies)
        return with_children[poor[with_children]]

    def step(self) -> None:
        """Pay this week's transfer to the enrolled households (checked again every week)."""
        m = self.model
        s = self.settings
        paid = self.paid = self.poorest_first(
            self.offered(self.eligible()), self.places(s.amount), households=True
        )
        m.households.benefits[paid] += s.amount
        self.spending = s.amount * len(paid)
        self.reached = int(m.households.size[paid].sum())

    def dropout_factor(self, ids: np.ndarray) -> np.ndarray | None:
        """A school-conditional transfer keeps children in school, as far as it is worth to them.

        The household weighs the transfer it would lose against what the child would earn
        out of school; a transfer worth all of that keeps the child in school.
        """
        if self.settings.targeting != Targeting.CONDITIONAL:
            return None
        m = self.model
        at_stake = np.zeros(len(m.households))
        at_stake[self.paid] = self.settings.amount
        earnings = m.informal_rate * m.residents.capacity[ids]
        return np.clip(1.0 - at_stake[m.residents.household[ids]] / np.maximum(earnings, 1e-9), 0.0, 1.0)


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
        working = (r.status[self.ids] == Status.FORMAL.value) | (r.status[self.ids] == Status.INFORMAL.value)
        self.keep(working)  # those who lost their work leave the programme
        finished = self.tick(s.subsidy)
        ends = finished[self.own_rng.random(len(finished)) >= s.retention]
        r.status[ends] = Status.UNEMPLOYED
        r.income[ends] = 0.0
        eligible = np.flatnonzero(
            (r.status == Status.UNEMPLOYED.value) & (r.age >= s.min_age) & (r.age <= s.max_age)
        )
        placed = self.enrol(eligible, s.subsidy)
        own = placed[self.own_rng.random(len(placed)) < s.self_employment]
        r.status[placed] = Status.FORMAL
        r.status[own] = Status.INFORMAL
        r.capacity[own] *= np.float32(1.0 + s.start_up)


class School(Programme):
    """School retention for 12-17-year-olds of poor households.

    Attributes:
        supported: Students and out-of-school teenagers supported this week.
    """

    name = "school"

    def __init__(self, model: BarrioModel) -> None:
        super().__init__(model)
        self.supported = np.empty(0, dtype=np.int64)

    def step(self) -> None:
        """Support the enrolled students (lower dropout) and bring some out-of-school back."""
        m = self.model
        r = m.residents
        s = self.settings
        people = self.people
        status = r.status[people.minors]
        in_or_out = (status == Status.STUDENT.value) | (status == Status.OUT_OF_SCHOOL.value)
        at_risk = people.minors[in_or_out & self.poor_households()[people.minors_home]]
        supported = self.supported = self.poorest_first(self.offered(at_risk), self.places(s.cost))
        out = supported[r.status[supported] == Status.OUT_OF_SCHOOL.value]
        r.status[out[self.own_rng.random(len(out)) < s.return_rate]] = Status.STUDENT
        self.spending = s.cost * len(supported)
        self.reached = len(supported)

    def dropout_factor(self, ids: np.ndarray) -> np.ndarray | None:
        """Support lowers the dropout hazard of those supported by ``effect``."""
        supported = np.zeros(len(self.model.residents), dtype=bool)
        supported[self.supported] = True
        factor = np.ones(len(ids))
        factor[supported[ids]] = 1.0 - self.settings.effect
        return factor


class PenalAlternatives(_Roster):
    """Community sentences or treatment instead of prison for first offenders."""

    name = "penal"
    once = True

    def step(self) -> None:
        """Count down the community sentences; someone back in custody leaves the programme."""
        self.keep(self.model.residents.status[self.ids] != Status.DETAINED.value)
        self.tick(self.settings.cost)

    def divert(self, ids: np.ndarray) -> np.ndarray:
        """Take eligible first offenders out of the arrests; returns those diverted.

        The diverted stop selling but stay free and get no prison record.
        """
        r = self.model.residents
        adult = r.age[ids] >= self.model.params.justice.age_of_responsibility
        first = ids[adult & (r.record[ids] == 0) & (r.status[ids] != Status.DETAINED.value)]
        diverted = self.enrol(first, self.settings.cost)
        leave_market(r, diverted[r.status[diverted] == Status.SELLING.value])
        return diverted


class Reentry(_Roster):
    """Support after release: placement in formal work that does not look at the record."""

    name = "reentry"

    def step(self) -> None:
        """Place some of the supported who have no work; drop those back in custody or selling."""
        m = self.model
        r = m.residents
        status = r.status[self.ids]
        self.keep((status != Status.DETAINED.value) & (status != Status.SELLING.value))
        self.tick(self.settings.cost)
        workless = self.ids[_workless(r.status[self.ids])]
        placed = workless[self.own_rng.random(len(workless)) < self.settings.job_rate]
        r.status[placed] = Status.FORMAL

    def on_release(self, released: np.ndarray) -> None:
        """Offer support to this week's released prisoners (adults with a record)."""
        r = self.model.residents
        self.enrol(released[r.record[released] > 0], self.settings.cost)


class Women(Programme):
    """Income, childcare and job support for mothers of young children in poor households."""

    name = "women"

    def step(self) -> None:
        """Pay, give childcare to, and help into work the enrolled women."""
        m = self.model
        r = m.residents
        s = self.settings
        unit = s.amount + s.childcare_cost
        people = self.people
        mothers = people.women[people.women_with_child & self.poor_households()[people.women_home]]
        mothers = mothers[r.status[mothers] != Status.DETAINED.value]
        enrolled = self.poorest_first(self.offered(mothers), self.places(unit))
        np.add.at(m.households.benefits, r.household[enrolled], s.amount)
        m.programmes.childcare[enrolled] = True
        workless = enrolled[_workless(r.status[enrolled])]
        r.status[workless[self.own_rng.random(len(workless)) < s.job_rate]] = Status.FORMAL
        self.spending = unit * len(enrolled)
        self.reached = len(enrolled)


class Presence(Programme):
    """Institutional presence: services and dispute settlement on the blocks where the state is weakest."""

    name = "presence"

    def __init__(self, model: BarrioModel) -> None:
        super().__init__(model)
        self._ranked: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def _weakest(self) -> np.ndarray:
        """The inhabited blocks, the state's own presence on them weakest first (ties by block).

        Kept from week to week while neither the presence nor where people live changes: the
        sort is most of the programme's week.
        """
        blocks = self.model.blocks
        presence, inhabited = blocks.base_presence.ravel(), blocks.population > 0
        ranked = self._ranked
        if ranked is None or not (
            np.array_equal(ranked[0], presence) and np.array_equal(ranked[1], inhabited)
        ):
            where = np.flatnonzero(inhabited)
            order = where[np.argsort(presence[where], kind="stable")]
            ranked = self._ranked = (presence.copy(), inhabited, order)
        return ranked[2]

    def step(self) -> None:
        """Raise state presence on the inhabited blocks with the least of it."""
        m = self.model
        s = self.settings
        blocks = self._weakest()[: self.places(s.cost)]
        m.programmes.presence_boost.ravel()[blocks] = s.boost
        self.spending = s.cost * len(blocks)
        self.reached = int(m.blocks.population[blocks].sum())


def _first_by_key(key: np.ndarray, n: int) -> np.ndarray:
    """``np.argsort(key, kind="stable")[:n]``, sorting only what lies above the smallest key.

    Often many keys tie at the smallest (households with no earnings): those come first, in
    their order, and if they fill the ``n`` places nothing needs sorting. A stable sort of
    thousands of keys costs ~40 ns a key (its branches are unpredictable); a comparison ~1.
    """
    if len(key) == 0:
        return np.empty(0, dtype=np.intp)
    lowest = key == key.min()
    first = np.flatnonzero(lowest)
    if len(first) >= n:
        return first[:n]
    rest = np.flatnonzero(~lowest)
    return np.concatenate([first, rest[np.argsort(key[rest], kind="stable")]])[:n]


def _not_in(ids: np.ndarray, enrolled: np.ndarray, residents: int) -> np.ndarray:
    """``np.setdiff1d(ids, enrolled)``: the ids not enrolled, sorted, once each.

    Most callers pass ids already sorted and distinct (``np.flatnonzero``); for them a mark
    per resident does it without ``setdiff1d``'s sort of both arrays.
    """
    if len(ids) and np.all(ids[1:] > ids[:-1]):
        marked = np.zeros(residents, dtype=bool)
        marked[enrolled] = True
        return ids[~marked[ids]]
    return np.setdiff1d(ids, enrolled)


#: Every kind of programme, by its section name under ``params.programmes``.
PROGRAMMES: dict[str, type[Programme]] = {
    p.name: p for p in (CashTransfer, Jobs, School, PenalAlternatives, Reentry, Women, Presence)
}


def programme_runs(params: Params, name: str) -> bool:
    """Whether the programme ``name`` runs under ``params``: only with a weekly budget above zero.

    Its other settings (a transfer's amount, its targeting) have no effect while it does not run.
    """
    return getattr(params.programmes, name).budget_week > 0


class Programmes:
    """The registry: the programmes running, in the order of :data:`PROGRAMMES`, and what they provide.

    Args:
        entropy: One draw of the model's generator; each programme's own generator is
            spawned from it and the programme's place in :data:`PROGRAMMES`.
        residents: Number of residents.
        shape: The grid's shape.

    Attributes:
        childcare: Women whose children a programme looks after this week (per resident).
        presence_boost: State presence programmes add to each block this week (a grid).
    """

    def __init__(self, entropy: int, residents: int, shape: tuple[int, int]) -> None:
        self.entropy = entropy
        self._running: dict[str, Programme] = {}
        self.childcare = np.zeros(residents, dtype=bool)
        self.presence_boost = np.zeros(shape)
        #: Who is of which age this week, while :func:`programme_week` runs (else None).
        self.shared_people: People | None = None

    def __iter__(self) -> Iterator[Programme]:
        return iter(list(self._running.values()))

    def __len__(self) -> int:
        return len(self._running)

    def get(self, name: str) -> Programme | None:
        """The running programme of that name (``"cash"``, ``"penal"``, ...), or ``None``."""
        return self._running.get(name)

    def generator(self, name: str) -> np.random.Generator:
        """A generator for one programme, independent of whether the others run."""
        key = list(PROGRAMMES).index(name)
        return np.random.default_rng(np.random.SeedSequence(self.entropy, spawn_key=(key,)))

    def sync(self, model: BarrioModel) -> None:
        """Start the programmes whose budget is above zero, stop the others."""
        for name, kind in PROGRAMMES.items():
            running = programme_runs(model.params, name)
            if running and name not in self._running:
                self._running[name] = kind(model)
            elif not running and name in self._running:
                self._running.pop(name).remove()
        self._running = {n: self._running[n] for n in PROGRAMMES if n in self._running}

    def dropout_factor(self, risk: np.ndarray, ids: np.ndarray) -> np.ndarray:
        """``risk`` (a dropout hazard multiplier for each of ``ids``) times every programme's factor."""
        for programme in self:
            factor = programme.dropout_factor(ids)
            if factor is not None:
                risk = risk * factor
        return risk

    def divert(self, ids: np.ndarray) -> np.ndarray:
        """Those among the arrested ``ids`` that a programme takes out of the justice system."""
        if len(ids) == 0:
            return ids
        taken = [d for programme in self if len(d := programme.divert(ids))]
        return np.concatenate(taken) if taken else ids[:0]

    def on_release(self, released: np.ndarray) -> None:
        """Tell every programme who was released after a sentence this week."""
        for programme in self:
            programme.on_release(released)


def programme_week(m: BarrioModel) -> None:
    """Phase: programmes act (Mesa agents, in a fixed order); then care duties and state presence.

    Resets and fills ``households.benefits``, ``programmes.childcare`` and
    ``programmes.presence_boost``; sets ``households.care_needed``, residents' ``carer``
    and the grid's ``state_presence`` (the state's own presence plus the programmes').
    """
    r, h, reg = m.residents, m.households, m.programmes
    h.benefits[:] = 0.0
    reg.childcare[:] = False
    reg.presence_boost[:] = 0.0
    # Marks, not counts: a household needs care if any child under the care age lives there.
    h.care_needed = np.zeros(len(h), dtype=bool)
    h.care_needed[r.household[np.flatnonzero(r.age < m.params.households.care_age)]] = True
    people = reg.shared_people = People(r, h.care_needed)
    try:
        for programme in reg:
            programme.step()
    finally:
        reg.shared_people = None
    # Women with a child to care for, unless a programme looks after it.
    r.carer[:] = False
    r.carer[people.women] = people.women_with_child
    # The few looked after, by their ids: a look-up for every woman would cost more.
    r.carer[np.flatnonzero(reg.childcare)] = False
    np.clip(m.blocks.base_presence + reg.presence_boost, 0.0, 1.0, out=m.grid.state_presence.data)
