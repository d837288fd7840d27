"""Barrio's resident rules written the plain Mesa way: one ``CellAgent`` per resident.

This is the yardstick for ``benchmarks/``: the same rules as ``model/`` (ageing, school,
labour market, income, earning, arrest, pre-trial detention, trial, prison, release,
re-offending and the selling choice), but each resident is a Python object whose ``step``
runs one person's week with scalar arithmetic, as a Mesa user would first write it.

Set-up is shared with :class:`model.model.BarrioModel` (the same grid, households, groups
and patrol units from the same seed); only the residents' weekly rules differ in form.
Left out, because they are group-, police- or prison-level rules rather than the core
resident rules: contests between groups (``model/rivalry.py``); leadership removal, capital
seizure, splits and new groups (``model/leadership.py``); use of force and trust
(``model/legitimacy.py``); prison ties and riots. Leaving them out only makes the
reference faster, so the speed ratio measured against it errs on its side.
``tests/test_reference.py`` compares the two on a scenario with those rules switched off.
Grid-level quantities that a person reads (the market's sales per seller on each block,
the perceived arrest hazard) are computed once a week per block, as in the real model.

Randomness: residents draw from ``model.random``, the stdlib generator that Mesa seeds
from the model's numpy generator, so a reference run is reproducible from its seed.

``tests/test_reference.py`` checks that reference and model agree in distribution.
"""

from __future__ import annotations

import math

import numpy as np
from mesa.discrete_space import CellAgent

from barrio.model.demography import (
    ADULT,
    FEMALE_SHARE,
    GRADUATION,
    MAX_AGE,
    NO_PRESENCE_DROPOUT,
    OUT_OF_SCHOOL_START,
    POOR_DROPOUT,
    RETIREMENT,
    SCHOOL_START,
    STAY_ON,
    STUDENT_UNTIL,
)
from barrio.model.economy import wage_table
from barrio.model.groups import CriminalGroup
from barrio.model.justice import CUSTODY_SHAPE
from barrio.model.market import clear, entrant_units, net_gain, seller_counts
from barrio.model.model import BarrioModel
from barrio.model.policing import PRESENCE_MEMORY, PatrolUnit
from barrio.model.population import Custody, Offence, Status
from barrio.model.selling import MOVE_FACTOR, MOVE_MINIMUM, YOUNG

CAN_START = {Status.STUDENT, Status.OUT_OF_SCHOOL, Status.FORMAL, Status.INFORMAL, Status.UNEMPLOYED}
LABOUR = {Status.FORMAL, Status.INFORMAL, Status.UNEMPLOYED, Status.INACTIVE}


class ResidentAgent(CellAgent):
    """One resident, with its state as plain attributes and its week in :meth:`step`."""

    def __init__(self, model: ReferenceModel, i: int) -> None:
        super().__init__(model)
        r = model.residents
        self.age = int(r.age[i])
        self.birth_week = int(r.birth_week[i])
        self.female = bool(r.female[i])
        self.household = int(r.household[i])
        self.block = int(r.block[i])
        self.sell_block = self.block
        self.status = int(r.status[i])
        self.capacity = float(r.capacity[i])
        self.reluctance = float(r.reluctance[i])
        self.risk_aversion = float(r.risk_aversion[i])
        self.income = float(r.income[i])
        self.group = -1
        self.gain = 0.0
        self.started = False
        self.custody = Custody.FREE
        self.custody_left = 0
        self.offence = Offence.NONE
        self.record = 0
        self.cell = model.grid[divmod(self.block, model.shape[1])]

    # -- the week ------------------------------------------------------------------
    def step(self) -> None:
        """One week of this resident's life."""
        m = self.model
        self.earned = 0.0
        self.started = False
        if m.week % 52 == self.birth_week:
            self.birthday()
        if self.status == Status.DETAINED:
            self.custody_week()
            if self.status == Status.DETAINED:
                return
        self.labour_market()
        self.school()
        self.income = self.capacity * m.wages[self.status]
        if self.status == Status.SELLING:
            self.sell()
            self.risk_arrest()
        elif m.params.policing.arrest_possession:
            self.risk_search()
        if self.status != Status.DETAINED and self.random.random() < m.params.selling.decision_rate:
            self.choose()
        if (
            self.status == Status.SELLING
            and not self.started
            and self.random.random() < m.params.selling.decision_rate
        ):
            self.relocate()
        m.household_income[self.household] += self.income + self.earned

    # -- life course ---------------------------------------------------------------
    def birthday(self) -> None:
        """Age one year, with what the new age brings."""
        self.age += 1
        s, rand = self.status, self.random.random
        if self.age == SCHOOL_START and s == Status.CHILD:
            self.status = Status.OUT_OF_SCHOOL if rand() < OUT_OF_SCHOOL_START else Status.STUDENT
        elif self.age == ADULT and s in (Status.STUDENT, Status.OUT_OF_SCHOOL):
            if not (s == Status.STUDENT and rand() < STAY_ON):
                self.enter_labour_force()
        elif self.age == STUDENT_UNTIL and s == Status.STUDENT:
            self.enter_labour_force()
        elif self.age == RETIREMENT and s in LABOUR:
            self.status = Status.RETIRED
        if self.age >= MAX_AGE and self.status != Status.DETAINED:
            self.reborn()

    def reborn(self) -> None:
        """Replaced by a newborn in the same household."""
        p, rng = self.model.params, self.random
        self.age = 0
        self.female = rng.random() < FEMALE_SHARE
        self.status = Status.CHILD
        self.capacity = rng.lognormvariate(0.0, p.economy.wage_dispersion)
        self.reluctance = p.selling.reluctance * rng.lognormvariate(0.0, p.selling.reluctance_spread)
        if self.female:
            self.reluctance *= p.selling.female_reluctance
        self.risk_aversion = rng.lognormvariate(0.0, p.selling.risk_aversion_spread)
        self.group, self.gain, self.record = -1, 0.0, 0

    def enter_labour_force(self) -> None:
        """Unemployed and looking, or outside the labour force."""
        e = self.model.params.economy
        inactive = e.female_inactive if self.female else e.male_inactive
        self.status = Status.INACTIVE if self.random.random() < inactive else Status.UNEMPLOYED

    def school(self) -> None:
        """Drop out, graduate or return."""
        m, s = self.model, self.status
        if s == Status.STUDENT:
            if self.age < ADULT:
                hazard = (
                    m.params.economy.school_dropout
                    * (1 + POOR_DROPOUT * m.poor[self.household])
                    * (NO_PRESENCE_DROPOUT - m.presence[self.block])
                )
                if self.random.random() < hazard:
                    self.status = Status.OUT_OF_SCHOOL
            elif self.random.random() < GRADUATION:
                self.enter_labour_force()
        elif s == Status.OUT_OF_SCHOOL and self.random.random() < m.params.economy.school_return:
            self.status = Status.STUDENT

    def labour_market(self) -> None:
        """Lose or find work."""
        m, s = self.model, self.status
        draw = self.random.random()
        if s == Status.FORMAL:
            if draw < m.rates.formal_separation / m.business:
                self.status = Status.UNEMPLOYED
        elif s == Status.INFORMAL:
            if draw < m.rates.informal_separation / m.business:
                self.status = Status.UNEMPLOYED
        elif s == Status.UNEMPLOYED:
            formal = m.rates.formal_finding * m.business
            if self.record:
                formal *= 1 - m.params.justice.record_job_penalty
            if draw < formal:
                self.status = Status.FORMAL
            elif draw < formal + m.rates.informal_finding * m.business:
                self.status = Status.INFORMAL

    # -- selling ------------------------------------------------------------------------
    def sell(self) -> None:
        """Earn from this week's sales; pay the group that controls the block."""
        m = self.model
        units = m.units[self.sell_block]
        code = m.control[self.sell_block]
        cut = m.params.groups.cut if code >= 0 else 0.0
        self.earned = units * m.params.market.price * m.params.market.margin * (1 - cut)
        a = m.params.selling.gain_memory
        self.gain = (1 - a) * self.gain + a * self.earned
        if code >= 0:
            m.group_revenue[code] += units * m.params.market.price * m.params.market.margin * cut
            if self.group < 0 and self.random.random() < m.params.groups.affiliation_rate:
                self.group = int(code)

    def risk_arrest(self) -> None:
        """Patrols passed this block ``v`` times this week; each pass may end in arrest."""
        m = self.model
        visits = m.patrol_visits[self.sell_block]
        if visits:
            p = m.params.policing
            per_pass = (
                p.encounter
                * p.punitive_intensity
                * (1 - m.params.groups.protection if self.group >= 0 else 1)
            )
            if self.random.random() < 1 - (1 - per_pass) ** visits:
                self.arrested(Offence.SELLING)

    def risk_search(self) -> None:
        """Where possession is arrested, a patrol passing may search this resident."""
        m = self.model
        visits = m.patrol_visits[self.block]
        if visits and self.age >= m.params.selling.min_age:
            p = m.params.policing
            per_pass = p.possession_encounter * m.params.market.user_share * p.punitive_intensity
            if self.random.random() < 1 - (1 - per_pass) ** visits:
                self.arrested(Offence.POSSESSION)

    def alternative(self) -> float:
        """Legal income given up, or within reach, instead of selling."""
        m = self.model
        if self.status in (Status.FORMAL, Status.INFORMAL):
            return self.income
        informal = m.wages[Status.INFORMAL] * self.capacity
        if self.status == Status.STUDENT:
            return m.params.economy.schooling_value * informal
        return informal * (1 - m.params.justice.record_job_penalty if self.record else 1)

    def custody_weeks(self) -> float:
        """Weeks an arrest is expected to cost in custody."""
        j = self.model.params.justice
        if self.age >= j.age_of_responsibility:
            return j.pretrial_detention * j.pretrial_weeks + j.conviction * j.sentence_weeks
        return j.juvenile_detention * j.juvenile_weeks

    def arrest_cost(self, hazard: float, alternative: float) -> float:
        """Expected weekly cost of arrest and custody."""
        return (
            hazard
            * self.custody_weeks()
            * (alternative + self.model.params.selling.prison_cost)
            * self.risk_aversion
        )

    def relocate(self) -> None:
        """Move to the block near home that pays best net of arrest risk, if clearly better."""
        m = self.model
        p = m.params
        reach = p.selling.mobility
        if not reach:
            return
        w, h = m.shape
        hx, hy = divmod(self.block, h)
        lookout = 1 - p.groups.protection if self.group >= 0 else 1
        per_hazard = (
            self.custody_weeks() * (self.alternative() + p.selling.prison_cost) * self.risk_aversion * lookout
        )
        best, best_value = self.sell_block, -math.inf
        for dx in range(-reach, reach + 1):
            for dy in range(-reach, reach + 1):
                x, y = hx + dx, hy + dy
                if 0 <= x < w and 0 <= y < h:
                    c = x * h + y
                    value = m.entrant_gain[c] - m.hazard[c] * per_hazard
                    if value > best_value:
                        best, best_value = c, value
        if best_value > (self.gain - m.hazard[self.sell_block] * per_hazard) * MOVE_FACTOR + MOVE_MINIMUM:
            self.sell_block = best

    def choose(self) -> None:
        """Start or stop selling."""
        m = self.model
        p = m.params
        if self.status == Status.SELLING:
            hazard = m.hazard[self.sell_block] * (1 - p.groups.protection if self.group >= 0 else 1)
            alternative = self.alternative()
            if self.gain - self.arrest_cost(hazard, alternative) < alternative:
                self.leave_market()
            return
        if self.status not in CAN_START or self.age < p.selling.min_age:
            return
        alternative = self.alternative()
        gain = m.entrant_gain[self.block]
        reluctance = self.reluctance
        young = YOUNG[0] <= self.age <= YOUNG[1]
        if young:
            reluctance *= p.selling.youth_reluctance
        if self.record:
            reluctance *= p.justice.record_reluctance
        peers = m.household_sellers[self.household] + m.block_sellers[self.block]
        others = m.household_size[self.household] + m.block_population[self.block] - 2
        reluctance *= 1 - p.selling.peer_effect * (peers / others if others > 0 else 0.0)
        if self.age <= YOUNG[1]:
            reluctance *= 1 - m.pressure[self.block]
        if gain - self.arrest_cost(m.hazard[self.block], alternative) > alternative + reluctance:
            self.status = Status.SELLING
            self.income = 0.0
            self.gain = gain
            self.sell_block = self.block
            self.group = -1
            self.started = True
            m.recruits += 1
            if self.record:
                m.reoffending += 1

    def free_status(self) -> Status:
        """What someone leaving selling or custody becomes."""
        if self.age < ADULT:
            return Status.OUT_OF_SCHOOL
        return Status.UNEMPLOYED if self.age < RETIREMENT else Status.RETIRED

    def leave_market(self) -> None:
        """Stop selling: adults look for work, minors are out of school, the old retire."""
        self.status = self.free_status()
        self.group = -1
        self.gain = 0.0

    # -- justice ---------------------------------------------------------------------------
    def arrested(self, offence: Offence) -> None:
        """Juvenile detention or home for minors; pre-trial detention or trial for adults."""
        m = self.model
        j = m.params.justice
        m.arrests += 1
        if self.age < j.age_of_responsibility:
            if self.status == Status.SELLING:
                self.leave_market()
            if self.random.random() < j.juvenile_detention:
                self.detain(Custody.JUVENILE, j.juvenile_weeks, offence)
        elif self.random.random() < j.pretrial_detention:
            self.detain(Custody.PRETRIAL, j.pretrial_weeks, offence)
        else:
            self.offence = offence
            self.trial()

    def detain(self, stage: Custody, mean_weeks: float, offence: Offence) -> None:
        """Enter custody for a gamma-distributed (shape 2) number of weeks."""
        self.status = Status.DETAINED
        self.income = self.gain = 0.0
        self.group = -1
        self.custody = stage
        self.custody_left = max(1, round(self.random.gammavariate(CUSTODY_SHAPE, mean_weeks / CUSTODY_SHAPE)))
        self.offence = offence

    def trial(self) -> None:
        """Conviction means prison; acquittal means release (and no more selling for now)."""
        j = self.model.params.justice
        if self.random.random() < j.conviction:
            mean = j.sentence_weeks if self.offence == Offence.SELLING else j.possession_sentence_weeks
            self.detain(Custody.SENTENCED, mean, self.offence)
        elif self.status == Status.DETAINED:
            self.release(record=False)
        elif self.status == Status.SELLING:
            self.leave_market()

    def custody_week(self) -> None:
        """Count down; trial at the end of pre-trial time, release at the end of a sentence."""
        self.custody_left -= 1
        if self.custody_left > 0:
            return
        if self.custody == Custody.PRETRIAL:
            self.trial()
        else:
            self.release(record=self.custody == Custody.SENTENCED)

    def release(self, record: bool) -> None:
        """Home, without work; with one more sentence on the record if it was prison."""
        self.status = self.free_status()
        self.custody = Custody.FREE
        self.custody_left = 0
        self.offence = Offence.NONE
        if record:
            self.record += 1
            self.model.releases += 1


class ReferenceGroup(CriminalGroup):
    """A criminal group whose members are counted from resident agents."""

    def step(self) -> None:
        """Collect, pay, then grow or shrink (recruiting happens in the residents' step)."""
        m = self.model
        g = m.params.groups
        self.revenue = float(m.group_revenue[self.code])
        self.member_count = m.member_counts.get(self.code, 0)
        self.capital += self.revenue - g.upkeep * self.member_count
        own = self._own()
        if self.capital < 0:
            self._lose_block(own)
            self.capital = 0.0
        elif self.capital >= g.expansion_cost and len(self._take_block(own)) > len(own):
            self.capital -= g.expansion_cost
        if self.blocks == 0 and self.member_count == 0:
            self.remove()


class ReferenceModel(BarrioModel):
    """Barrio with per-agent residents. Same set-up; ``history`` holds a few weekly series."""

    def __init__(self, params=None, *, rng) -> None:
        super().__init__(params, rng=rng)
        for group in self.groups.active():
            code, capital = group.code, group.capital
            group.remove()
            self.groups.found(self, code, capital, kind=ReferenceGroup)
        for i in range(len(self.residents)):
            ResidentAgent(self, i)
        self.people = self.agents_by_type[ResidentAgent]
        # Plain lists: a per-agent step reads one element at a time, where lists beat arrays.
        self.household_size = self.households.size.tolist()
        self.block_population = self.blocks.population.tolist()
        self.poor = np.zeros(len(self.households), dtype=bool)
        self.history: dict[str, list[float]] = {"sellers": [], "arrests": [], "prisoners": [], "recruits": []}

    def step(self) -> None:
        """A week: grid-level maps once, then every resident's own step, then groups."""
        p = self.params
        self.cycle.step(self.rng)
        economy = self.cycle.index
        self.business = economy**p.economy.downturn_sensitivity
        self.wages = wage_table(p, self.context, economy).astype(float).tolist()

        sellers = [a for a in self.people if a.status == Status.SELLING]
        counts = seller_counts(np.array([a.sell_block for a in sellers], dtype=np.int64), self.shape)
        control = self.grid.control.data
        cut = np.where(control >= 0, p.groups.cut, 0.0)
        self.units = clear(self.grid.demand.data, counts, p.market.reach).units.ravel().tolist()
        self.entrant_gain = (
            net_gain(entrant_units(self.grid.demand.data, counts, p.market.reach), cut, p).ravel().tolist()
        )
        self.control = control.ravel().tolist()
        self.presence = self.grid.state_presence.data.ravel().tolist()
        self.pressure = (
            (p.groups.recruitment_pressure * (control >= 0) * (1 - self.grid.state_presence.data))
            .ravel()
            .tolist()
        )
        block_sellers = np.zeros(self.shape[0] * self.shape[1])
        for a in sellers:
            block_sellers[a.block] += 1
        self.block_sellers = block_sellers.tolist()
        household_sellers = np.zeros(len(self.households))
        for a in sellers:
            household_sellers[a.household] += 1
        self.household_sellers = household_sellers.tolist()

        self.police.begin_week()
        if PatrolUnit in self.agents_by_type:
            self.agents_by_type[PatrolUnit].shuffle_do("step")
        presence = self.grid.police_presence.data
        presence *= 1.0 - PRESENCE_MEMORY
        presence += PRESENCE_MEMORY * self.police.visits.reshape(self.shape)
        per_pass = p.policing.encounter * p.policing.punitive_intensity
        self.hazard = (1.0 - (1.0 - per_pass) ** presence).ravel().tolist()
        self.patrol_visits = self.police.visits.tolist()

        self.group_revenue = [0.0] * max(p.groups.count, 1)
        self.household_income = [0.0] * len(self.households)
        self.arrests = self.recruits = self.reoffending = self.releases = 0
        self.people.shuffle_do("step")

        self.member_counts = {}
        for a in self.people:
            if a.group >= 0:
                self.member_counts[a.group] = self.member_counts.get(a.group, 0) + 1
        self.groups.begin_week(self)  # the blocks' value to groups, as the model's groups see it
        if ReferenceGroup in self.agents_by_type:
            self.agents_by_type[ReferenceGroup].shuffle_do("step")
        line = p.economy.poverty_line * self.context.min_wage_week
        income = np.asarray(self.household_income)
        self.poor = (income < line * np.asarray(self.household_size)).astype(float).tolist()

        statuses = [a.status for a in self.people]
        h = self.history
        h["sellers"].append(statuses.count(Status.SELLING))
        h["prisoners"].append(
            sum(1 for a in self.people if a.status == Status.DETAINED and a.custody != Custody.JUVENILE)
        )
        h["arrests"].append(self.arrests)
        h["recruits"].append(self.recruits)
        self.week += 1
