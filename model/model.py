"""The Barrio model: one neighbourhood, one week per step.

The model owns the space (a Mesa grid with property layers), the clock (weeks, with a
warm-up before week 0), the population arrays, the Mesa agents (criminal groups and
police patrol units) and the outcome table. It imports nothing from visualisation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
from mesa import Model

from barrio.model.contexts import CONTEXTS
from barrio.model.demography import (
    ADULT,
    RETIREMENT,
    SCHOOL_START,
    age_one_week,
    leave_school,
    populate,
    replace_with_newborns,
)
from barrio.model.economy import (
    BusinessCycle,
    JobRates,
    household_income,
    informal_rate,
    labour_market,
    set_incomes,
)
from barrio.model.governance import Governance, govern
from barrio.model.groups import CriminalGroup, seed_territories
from barrio.model.justice import Arrests, Prison, arrest, custody_week, prison_week
from barrio.model.leadership import form_groups, remove_leaders, seize_capital, split
from barrio.model.legitimacy import block_trust, initial_trust, update_trust
from barrio.model.market import Sales, clear, entrant_units, net_gain, seller_counts
from barrio.model.neighbourhood import LandUse, build_grid
from barrio.model.outcomes import SEXES, OutcomeTable
from barrio.model.params import Params, Targeting
from barrio.model.policing import PatrolUnit, UnitKind, arrest_on_routes, patrol_week, use_of_force
from barrio.model.population import AGE_BANDS, ByCode, Custody, Offence, Status, age_band, members
from barrio.model.programmes import PROGRAMMES, Programme
from barrio.model.rivalry import VIOLENCE_MEMORY, Violence, contest_week
from barrio.model.scenario import Event, Shock
from barrio.model.selling import Outlook, leave_market, rank_share, relocate, start_selling, stop_selling

__all__ = ["BarrioModel"]

#: Weight of this week's patrols in the police presence residents perceive (assumption:
#: news of patrols fades over about five weeks).
PRESENCE_MEMORY = 0.2
#: Weight of this week's arrests in the arrest map hot-spot patrols follow (assumption:
#: about three months' memory).
HEAT_MEMORY = 0.1
#: Relative chance that a household lives on each kind of block (assumption).
HOME_WEIGHT = {LandUse.HOUSING: 1.0, LandUse.MARKET: 0.3, LandUse.COMMERCE: 0.6, LandUse.SCHOOL: 0.1}


@dataclass(frozen=True)
class _Week:
    """What happened this week that outcomes need and the arrays no longer show."""

    sales: Sales
    starts: np.ndarray
    releases: np.ndarray
    had_record: np.ndarray
    economy: float
    violence: Violence
    leaders_removed: int = 0
    splits: int = 0
    groups_formed: int = 0
    seizures: int = 0
    force: int = 0
    abuses: int = 0
    killed_by_police: int = 0
    riots: int = 0
    riot_deaths: int = 0
    diverted: int = 0


class BarrioModel(Model):
    """Drug micro-trafficking in one neighbourhood.

    Args:
        params: All parameters; defaults to :class:`~model.params.Params` ``()``.
        timeline: Lever changes and shocks by week of the policy period (from a scenario).
        rng: Seed, ``SeedSequence`` or ``numpy.random.Generator``. Every random draw of
            the model comes from ``self.rng``. Required: without it Mesa would seed from
            the operating system, and the run could not be repeated.

    Attributes:
        params: The parameters of this run.
        context: The country context they name.
        grid: Mesa grid with property layers ``demand``, ``state_presence``, ``control``,
            ``violence``, ``police_presence`` and ``land_use``.
        residents: Residents' state, one array element per person.
        prison: The neighbourhood's share of the prison system.
        cycle: The business cycle.
        week: Current week; negative during the warm-up, 0 when the policy period starts.
        sales: Last week's retail sales, block by block (``None`` before the first week).
        outcomes: The weekly outcome table.

    Notes:
        Residents are arrays, not agents, because there are many of them; groups and
        patrol units are Mesa agents with their own ``step``. See ``docs/ODD.md``.

    """

    def __init__(
        self,
        params: Params | None = None,
        *,
        timeline: Sequence[Event] = (),
        rng: int | np.random.SeedSequence | np.random.Generator,
    ) -> None:
        super().__init__(rng=rng)
        self.params = params = params or Params()
        self.context = CONTEXTS[params.country]
        nb = params.neighbourhood
        self.grid = build_grid(params, nb.population, self.rng, random=self.random)
        self.shape = (nb.width, nb.height)
        self.shape_array = np.array(self.shape)

        home = np.vectorize(HOME_WEIGHT.get)(self.grid.land_use.data).ravel().astype(float)
        self.residents = populate(params, self.context, home, self.rng)
        r = self.residents
        self.n_households = int(r.household.max()) + 1
        # Residents never move home, so the block -> residents index is built once.
        self.block_order = np.argsort(r.block, kind="stable")
        self.block_starts = np.searchsorted(r.block[self.block_order], np.arange(nb.width * nb.height + 1))
        self.block_population = np.bincount(r.block, minlength=nb.width * nb.height)

        self.household_size = np.bincount(r.household, minlength=self.n_households)
        self.household_order = np.argsort(r.household, kind="stable")
        self.household_starts = np.concatenate(([0], np.cumsum(self.household_size)))
        self.household_benefits = np.zeros(self.n_households)
        self.care_needed = np.zeros(self.n_households, dtype=bool)
        self.school_support = np.zeros(len(r), dtype=bool)
        self.childcare = np.zeros(len(r), dtype=bool)
        self.base_presence = self.grid.state_presence.data.copy()
        self.presence_boost = np.zeros(self.shape)
        self.diverted = 0
        self._programmes: dict[str, Programme] = {}
        self._programme_entropy = int(self.rng.integers(2**63))
        self._block_value_week: int | None = None
        self._independents_week: int | None = None
        self._territory_week: int | None = None

        self.cycle = BusinessCycle(params.economy.persistence, params.economy.volatility)
        self.rates = JobRates.from_context(params, self.context)
        self.prison = Prison.from_context(self.context, nb.population)
        set_incomes(r, params, self.context, self.cycle.index)
        earned = household_income(r, np.zeros(len(r)), self.n_households)
        self.earnings_per_head = earned / np.maximum(self.household_size, 1)
        self.income_per_head = self.earnings_per_head.copy()

        g = params.groups
        seed_territories(self.grid.control.data, self.grid.demand.data, g.count, g.initial_radius, self.rng)
        for code in range(g.count):
            CriminalGroup(self, code, g.initial_capital)
        self._sync_patrols()
        self._sync_programmes()

        self.patrol_visits = np.zeros(nb.width * nb.height)
        self.focus_visits = np.zeros(nb.width * nb.height)
        self.focus: np.ndarray | None = None
        self.crackdown_losses = np.zeros(0)
        self.visits_by_kind = np.zeros((len(UnitKind), nb.width * nb.height))
        r.trust[:] = initial_trust(self.grid.state_presence.data.ravel()[r.block], self.rng)
        self.block_trust = block_trust(r, nb.width * nb.height, self.block_population)
        self.arrest_heat = np.zeros(nb.width * nb.height)
        self.heat: np.ndarray | None = None
        self.members = np.zeros(params.groups.count, dtype=np.int64)
        self._next_code = params.groups.count
        self.transfers = np.zeros(len(r))
        self.symbiotic = np.zeros(self.shape, dtype=bool)
        self._governance: Governance | None = None
        self.arrests = Arrests()
        self.seller_ids = np.flatnonzero(r.status == Status.SELLING)
        self.sales: Sales | None = None
        self.selling_income = np.zeros(len(r), dtype=np.float32)
        self.poor = np.zeros(self.n_households, dtype=bool)
        self.week = -params.timing.warmup_weeks
        self.outcomes = OutcomeTable(self.week, params.timing.warmup_weeks + params.timing.horizon_weeks)

        self._events: dict[int, list[Event]] = defaultdict(list)
        for event in timeline:
            self._events[event.at].append(event)
        self._base_demand = self.grid.demand.data.copy()
        self._shocks: list[Shock] = []
        self._shock_ends: dict[int, list[Shock]] = defaultdict(list)

    @property
    def groups(self) -> list[CriminalGroup]:
        """Groups still active."""
        return list(self.agents_by_type.get(CriminalGroup, []))

    @property
    def patrols(self) -> list[PatrolUnit]:
        """Police patrol units."""
        return list(self.agents_by_type.get(PatrolUnit, []))

    @property
    def programmes(self) -> list[Programme]:
        """Social programmes running, in a fixed order (that of ``PROGRAMMES``)."""
        return list(self._programmes.values())

    def programme(self, name: str) -> Programme | None:
        """The running programme of that name (``"cash"``, ``"penal"``, ...), or ``None``."""
        return self._programmes.get(name)

    def programme_generator(self, name: str) -> np.random.Generator:
        """A generator for one programme.

        Spawned from one draw of the model's generator and the programme's place in
        ``PROGRAMMES``.
        """
        key = list(PROGRAMMES).index(name)
        return np.random.default_rng(np.random.SeedSequence(self._programme_entropy, spawn_key=(key,)))

    @property
    def informal_rate(self) -> float:
        """What informal work pays this week per unit of earning capacity (USD)."""
        return informal_rate(self.params, self.context, self.cycle.index)

    @property
    def poverty_line(self) -> float:
        """Weekly income per person below which a household is poor (USD)."""
        return self.params.economy.poverty_line * self.context.min_wage_week

    @property
    def n_codes(self) -> int:
        """Group codes handed out so far (arrays by group code have this length)."""
        return self._next_code

    def block_value(self) -> tuple[np.ndarray, np.ndarray]:
        """What each block (flat) is worth to a group this week, demand net of police risk, and that risk.

        Computed once a week (groups move before the police do, so it does not change while
        they step).
        """
        if self._block_value_week != self.week:
            hazard = self.police_hazard()
            self._block_value = (self.grid.demand.data.ravel() * (1.0 - hazard), hazard)
            self._block_value_week = self.week
        return self._block_value

    def independents_on(self, code: int) -> np.ndarray:
        """Independent sellers selling on a group's blocks at the start of this week's group step."""
        if self._independents_week != self.week:
            r = self.residents
            sellers = self.seller_ids[r.group[self.seller_ids] < 0]
            self._independents = ByCode.index(sellers, self.grid.control.data.ravel()[r.sell_block[sellers]])
            self._independents_week = self.week
        return self._independents.of(code)

    def territory(self, code: int) -> np.ndarray:
        """A group's blocks (flat, ascending) at the start of this week's group step.

        Found for all groups in one pass over the grid, once a week: a group changes only
        its own blocks and free ones while it steps, so another group's list stays valid.
        """
        if self._territory_week != self.week:
            control = self.grid.control.data.ravel()
            self._territory = ByCode.index(np.arange(len(control)), control)
            self._territory_week = self.week
        return self._territory.of(code)

    def police_hazard(self) -> np.ndarray:
        """Weekly chance of arrest a seller sees on each block (flat), from police presence."""
        p = self.params.policing
        per_visit = p.encounter * p.punitive_intensity
        return (1.0 - (1.0 - per_visit) ** self.grid.police_presence.data).ravel()

    def step(self) -> None:
        """Advance one week: economy, life course, market, groups, justice, police, choices."""
        self.apply_timeline()
        p, r, rng = self.params, self.residents, self.rng
        self.cycle.step(rng)
        economy = self.cycle.index

        age_one_week(r, self.week, p, rng)
        self._programmes_week()
        labour_market(r, self.rates, p, economy, rng)
        set_incomes(r, p, self.context, economy)
        leave_school(
            r, self.week, self.grid.state_presence.data.ravel(), self.poor, p, rng, self._dropout_risk()
        )

        sales = self.sales = self._trade()
        groups = self._groups_week()
        releases, riots, killed_in_prison = self._justice_week()
        force, abuses, killed_by_police = self._police_week()
        starts, had_record = self._choices_week()

        self._week = _Week(
            sales=sales,
            starts=starts,
            releases=releases,
            had_record=had_record,
            economy=economy,
            force=int(force.sum()),
            abuses=int(abuses.sum()),
            killed_by_police=len(killed_by_police),
            riots=riots,
            riot_deaths=len(killed_in_prison),
            diverted=self.diverted,
            **groups,
        )
        self.collect()
        self.week += 1

    def _programmes_week(self) -> None:
        """Social programmes act (Mesa agents, in a fixed order); then care duties and presence."""
        r, h = self.residents, self.params.households
        self.household_benefits[:] = 0.0
        self.school_support[:] = False
        self.childcare[:] = False
        self.presence_boost[:] = 0.0
        self.diverted = 0
        self.care_needed = np.bincount(r.household[r.age < h.care_age], minlength=self.n_households) > 0
        for programme in self.programmes:
            programme.step()
        carer = _WORKING_AGE[r.age]
        carer &= r.female
        carer &= self.care_needed[r.household]
        carer &= ~self.childcare
        r.carer[:] = carer
        np.clip(self.base_presence + self.presence_boost, 0.0, 1.0, out=self.grid.state_presence.data)

    def _prisoner_households(self, detained: np.ndarray | None = None) -> np.ndarray:
        """Households with an adult in prison (pre-trial or sentenced).

        ``detained``: ids of the detained, if already at hand.
        """
        r = self.residents
        if detained is None:
            detained = np.flatnonzero(r.status == Status.DETAINED)
        flags = np.zeros(self.n_households, dtype=bool)
        flags[r.household[detained[r.custody[detained] != Custody.JUVENILE]]] = True
        return flags

    def _dropout_risk(self) -> np.ndarray:
        """Each resident's dropout hazard multiplier.

        A parent in prison raises it; school support and a school-conditional transfer the
        household would lose lower it.
        """
        r = self.residents
        risk = np.where(
            self._prisoner_households()[r.household], self.params.households.parent_prison_dropout, 1.0
        )
        school = self.programme("school")
        if school is not None:
            risk = risk * np.where(self.school_support, 1.0 - school.settings.effect, 1.0)
        cash = self.programme("cash")
        if cash is not None and cash.settings.targeting == Targeting.CONDITIONAL:
            # The household weighs the transfer it would lose against what the child would
            # earn out of school; a transfer worth all of that keeps the child in school.
            at_stake = np.zeros(self.n_households)
            at_stake[cash.paid] = cash.settings.amount
            earnings = self.informal_rate * r.capacity
            risk = risk * np.clip(1.0 - at_stake[r.household] / np.maximum(earnings, 1e-9), 0.0, 1.0)
        return risk

    def arrest(self, ids: np.ndarray, offence: Offence) -> None:
        """Arrest residents: penal alternatives take first offenders out, the rest go to justice."""
        penal = self.programme("penal")
        held = ids
        if penal is not None and len(ids):
            diverted = penal.divert(ids)
            self.diverted += len(diverted)
            held = ids[~np.isin(ids, diverted)]
        arrest(self.residents, held, offence, self.params, self.rng)
        self.arrests.add(ids, offence)

    def _groups_week(self) -> dict[str, object]:
        """Groups step (Mesa agents), then leadership, seizures, splits, new groups, contests."""
        p, r, rng = self.params, self.residents, self.rng
        sellers = self.seller_ids
        self.members = np.bincount(r.group[sellers][r.group[sellers] >= 0], minlength=self._next_code)
        for group in self.groups:
            group.revenue = (
                float(self._group_revenue[group.code]) if group.code < len(self._group_revenue) else 0.0
            )
        if CriminalGroup in self.agents_by_type:
            self.agents_by_type[CriminalGroup].shuffle_do("step")
        beheaded = remove_leaders(self)
        seized = seize_capital(self)
        shaken = list({id(g): g for g in beheaded + seized}.values())
        splits = [f for g in shaken if rng.random() < p.groups.split_chance and (f := split(self, g))]
        formed = form_groups(self)
        restraint = np.zeros(self._next_code)
        for group in self.groups:
            restraint[group.code] = group.restraint
        violence = contest_week(
            r,
            self.grid.control.data,
            self.grid.demand.data,
            self.seller_ids,
            self.block_order,
            self.block_starts,
            p,
            rng,
            restraint,
        )
        took_part = violence.by_group(self._next_code)
        for group in self.groups:
            group.remember_violence(float(took_part[group.code]))
        capital = np.zeros(self._next_code)
        for group in self.groups:
            capital[group.code] = group.capital
        trust = self.block_trust.reshape(self.shape)
        gov = govern(r, self.grid.control.data, self.grid.state_presence.data, trust, capital, p)
        for group in self.groups:
            # max(0, ...): paying out all its capital can leave -1e-14 of rounding.
            group.capital = max(0.0, group.capital + gov.extortion[group.code] - gov.welfare[group.code])
        self.transfers, self.symbiotic, self._governance = gov.transfers, gov.symbiotic, gov
        layer = self.grid.violence.data
        layer *= 1.0 - VIOLENCE_MEMORY
        layer += VIOLENCE_MEMORY * violence.incidents.reshape(self.shape)
        return {
            "violence": violence,
            "leaders_removed": len(beheaded),
            "splits": len(splits),
            "groups_formed": len(formed),
            "seizures": len(seized),
        }

    def _justice_week(self) -> tuple[np.ndarray, int, np.ndarray]:
        """Custody clocks, trials and releases; ties and riots in prison."""
        p, r, rng = self.params, self.residents, self.rng
        releases = custody_week(r, p, rng)
        reentry = self.programme("reentry")
        if reentry is not None:
            reentry.enrol_released(releases)
        riots, killed = prison_week(r, self.prison, [g.code for g in self.groups], p, rng)
        replace_with_newborns(r, killed, p, rng)
        return releases, riots, killed

    def _police_week(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Patrols walk (Mesa agents); arrests, use of force and trust for everyone at once."""
        p, r, rng = self.params, self.residents, self.rng
        self.patrol_visits[:] = 0.0
        self.visits_by_kind[:] = 0.0
        self.focus_visits[:] = 0.0
        self.arrests = Arrests()
        self.block_trust = block_trust(r, len(self.patrol_visits), self.block_population)
        # Where hot-spot patrols start: recent arrests plus recent violence.
        self.heat = self.arrest_heat + self.grid.violence.data.ravel() if p.policing.hot_spots > 0 else None
        self.focus = self._focus() if p.policing.focused_deterrence > 0 else None
        patrol_week(self)
        # Members counted as the police arrive: factions formed this week have theirs too.
        sellers = self.seller_ids[r.group[self.seller_ids] >= 0]
        members = np.bincount(r.group[sellers], minlength=self._next_code)
        arrest_on_routes(self)
        for group in self.groups:
            group.remember_crackdown(float(self.crackdown_losses[group.code]), int(members[group.code]))
        self._update_heat()
        force, abuses, killed = use_of_force(self)
        leave_market(r, killed[r.status[killed] == Status.SELLING])
        replace_with_newborns(r, killed, p, rng)
        ids, offences = self.arrests.all()
        arbitrary = np.bincount(
            r.block[ids[offences == Offence.POSSESSION]], minlength=len(self.patrol_visits)
        )
        update_trust(
            r,
            abuses.reshape(self.shape),
            arbitrary.reshape(self.shape),
            self.grid.violence.data,
            self.visits_by_kind[UnitKind.COMMUNITY].reshape(self.shape),
            self.grid.state_presence.data,
            p,
        )
        presence = self.grid.police_presence.data
        presence *= 1.0 - PRESENCE_MEMORY
        presence += PRESENCE_MEMORY * self.patrol_visits.reshape(self.shape)
        return force, abuses, killed

    def _focus(self) -> np.ndarray:
        """Where focused-deterrence units work: each group's blocks, weighted by its notoriety."""
        notoriety = np.zeros(self._next_code + 1)  # the last entry stands for "no group"
        for group in self.groups:
            notoriety[group.code] = group.notoriety
        return notoriety[self.grid.control.data.ravel()]

    def _choices_week(self) -> tuple[np.ndarray, np.ndarray]:
        """Who starts or stops selling, and where sellers sell, seeing this week's world."""
        p, r, rng = self.params, self.residents, self.rng
        informal = self.informal_rate
        self.seller_ids = np.flatnonzero(r.status == Status.SELLING)  # after this week's arrests and deaths
        outlook = self.outlook()
        had_record = r.record > 0
        starts = start_selling(r, outlook, informal, p, rng)
        # The group they knew in prison may no longer exist.
        alive = np.zeros(self._next_code + 1, dtype=bool)  # the last entry stands for "no group" (-1)
        alive[[g.code for g in self.groups]] = True
        r.group[starts[~alive[r.group[starts]]]] = -1
        stop_selling(r, outlook, informal, p, rng, started=starts)
        relocate(r, outlook, informal, p, rng, self.shape, started=starts)
        self.seller_ids = np.flatnonzero(r.status == Status.SELLING)
        return starts, had_record

    def apply_timeline(self) -> None:
        """Apply this week's lever changes and start or end shocks.

        :meth:`step` does this first; calling it before the step (as the web page does, to
        show the levers of the week about to run) changes nothing more, since each change
        is made once.
        """
        changed = False
        for shock in self._shock_ends.pop(self.week, []):
            self._shocks.remove(shock)
            changed = True
        for event in self._events.pop(self.week, []):
            if event.set:
                self.change_levers(event.set)
            if event.shock is not None:
                self._shocks.append(event.shock)
                self._shock_ends[self.week + event.shock.weeks].append(event.shock)
                changed = True
        if changed:
            # Shocks multiply while they overlap; with none left, both return to normal.
            self.cycle.shock = float(np.prod([s.economy for s in self._shocks]))
            self.grid.demand.data[:] = self._base_demand * np.prod([s.demand for s in self._shocks])

    def change_levers(self, changes: dict[str, object]) -> None:
        """Change levers now (``{"policing.punitive_intensity": 0.9}``), as a timeline does.

        Raises:
            ParameterError: If a value is out of range; nothing is changed then.
        """
        old = self.params
        self.params = old.with_levers(changes)
        new, was = self.params.policing, old.policing
        if (new.units_per_10k, new.community, new.soldiers_per_10k) != (
            was.units_per_10k,
            was.community,
            was.soldiers_per_10k,
        ):
            self._sync_patrols()
        shift = self.params.neighbourhood.state_presence - old.neighbourhood.state_presence
        if shift:
            np.clip(self.base_presence + shift, 0.0, 1.0, out=self.base_presence)
            np.clip(self.base_presence + self.presence_boost, 0.0, 1.0, out=self.grid.state_presence.data)
        if self.params.programmes != old.programmes:
            self._sync_programmes()

    def next_group_code(self) -> int:
        """A number for a new group in the ``control`` layer."""
        code = self._next_code
        self._next_code += 1
        return code

    def _sync_programmes(self) -> None:
        """Start the programmes whose budget is above zero, stop the others."""
        for name, kind in PROGRAMMES.items():
            running = getattr(self.params.programmes, name).budget_week > 0
            if running and name not in self._programmes:
                self._programmes[name] = kind(self)
            elif not running and name in self._programmes:
                self._programmes.pop(name).remove()
        self._programmes = {n: self._programmes[n] for n in PROGRAMMES if n in self._programmes}

    def _sync_patrols(self) -> None:
        """Add or withdraw units of each kind to match the policing levers."""
        nb = self.params.neighbourhood
        pol = self.params.policing
        per = nb.population / 10_000
        police = pol.units_per_10k * per
        targets = {
            UnitKind.POLICE: round(police * (1 - pol.community)),
            UnitKind.COMMUNITY: round(police * pol.community),
            UnitKind.SOLDIERS: round(pol.soldiers_per_10k * per),
        }
        for kind, target in targets.items():
            units = [u for u in self.patrols if u.kind == kind]
            if target > len(units):
                for b in self.rng.integers(0, nb.width * nb.height, size=target - len(units)):
                    PatrolUnit(self, self.grid[divmod(int(b), nb.height)], kind)
            elif target < len(units):
                for k in self.rng.choice(len(units), size=len(units) - target, replace=False):
                    units[k].remove()

    def _update_heat(self) -> None:
        """Where arrests were made recently (a moving average), for hot-spot patrols."""
        r = self.residents
        ids, offences = self.arrests.all()
        where = np.where(offences == Offence.SELLING, r.sell_block[ids], r.block[ids])
        self.arrest_heat *= 1.0 - HEAT_MEMORY
        self.arrest_heat += HEAT_MEMORY * np.bincount(where, minlength=len(self.arrest_heat))

    def _trade(self):
        """One week of retail selling: sales, sellers' earnings and groups' cut."""
        p, r = self.params, self.residents
        sellers = self.seller_ids = np.flatnonzero(r.status == Status.SELLING)
        blocks = r.sell_block[sellers]
        sales = clear(self.grid.demand.data, seller_counts(blocks, self.shape), p.market.reach)
        units = sales.units.ravel()[blocks]
        control = self.grid.control.data.ravel()[blocks]
        cut = np.where(control >= 0, p.groups.cut, 0.0)
        share = net_gain(units, cut, p)
        earned = share * rank_share(r, sellers, p)
        self.selling_income[:] = 0.0
        self.selling_income[sellers] = earned
        a = p.selling.gain_memory
        r.gain[sellers] = (1 - a) * r.gain[sellers] + a * earned
        taxed = control >= 0
        margin = units * p.market.price * p.market.margin
        # What a low-ranked seller does not keep goes to the group whose block it is (for an
        # independent, up the supply chain, outside the neighbourhood).
        to_group = margin * cut + (share - earned)
        self._group_revenue = np.bincount(control[taxed], weights=to_group[taxed], minlength=self._next_code)
        return sales

    def outlook(self) -> Outlook:
        """What residents see of the market and the police this week, block by block."""
        p, r = self.params, self.residents
        counts = seller_counts(r.sell_block[self.seller_ids], self.shape)
        control = self.grid.control.data
        cut = np.where(control >= 0, p.groups.cut, 0.0)
        gain = net_gain(entrant_units(self.grid.demand.data, counts, p.market.reach), cut, p).ravel()
        hazard = self.police_hazard()
        pressure = (
            p.groups.recruitment_pressure
            * (control >= 0).ravel()
            * (1.0 - self.grid.state_presence.data.ravel())
            # Local support where the group governs strengthens its pull, up to certainty.
            * np.where(self.symbiotic.ravel(), 1.0 + p.groups.support, 1.0)
        ).clip(max=1.0)
        sellers = self.seller_ids
        return Outlook(
            gain=gain,
            hazard=hazard,
            pressure=pressure,
            household_sellers=np.bincount(r.household[sellers], minlength=self.n_households),
            block_sellers=np.bincount(r.block[sellers], minlength=self.shape[0] * self.shape[1]),
            household_size=self.household_size,
            block_population=self.block_population,
            income_per_head=self.income_per_head,
            poverty_line=self.poverty_line,
        )

    def collect(self) -> None:
        """Record this week's outcomes (called at the end of :meth:`step`)."""
        week = self._week
        sales, starts, releases, had_record, economy = (
            week.sales,
            week.starts,
            week.releases,
            week.had_record,
            week.economy,
        )
        p, r = self.params, self.residents
        # Household incomes first: the census below counts residents of poor households.
        earned = household_income(r, self.selling_income, self.n_households)
        size = self.household_size  # residents never move home
        income = earned + np.bincount(r.household, weights=self.transfers, minlength=self.n_households)
        income += self.household_benefits
        self.earnings_per_head = earned / np.maximum(size, 1)
        self.income_per_head = income / np.maximum(size, 1)
        self.poor = self.income_per_head < self.poverty_line
        census = self._census()
        status_counts = census.sum(axis=(0, 1, 3, 4))
        detained = np.flatnonzero(r.status == Status.DETAINED)

        violence = week.violence
        killed = np.bincount(violence.kind, minlength=3)
        values: dict[str, float] = {
            "violent_incidents": int(violence.incidents.sum()),
            "homicides": len(violence.victims),
            "homicides_members": int(killed[0]),
            "homicides_sellers": int(killed[1]),
            "homicides_bystanders": int(killed[2]),
            "homicide_rate": len(violence.victims) * 52 * 100_000 / len(r),
            "takeovers": violence.takeovers,
            "leaders_removed": week.leaders_removed,
            "splits": week.splits,
            "groups_formed": week.groups_formed,
            "capital_seizures": week.seizures,
            "riots": week.riots,
            "riot_deaths": week.riot_deaths,
            "prisoners_with_ties": int((r.tie[detained] >= 0).sum()),
            "symbiotic_blocks": int(self.symbiotic.sum()),
            "parasitic_blocks": int((self.grid.control.data >= 0).sum() - self.symbiotic.sum()),
            "group_welfare": float(self._governance.welfare.sum()) if self._governance else 0.0,
            "extortion": float(self._governance.extortion.sum()) if self._governance else 0.0,
            "police_violence": week.force,
            "abuses": week.abuses,
            "deaths_in_operations": week.killed_by_police,
            "mean_trust": float(r.trust.mean()),
        }
        values |= zip(_STATUS_OUTCOMES, status_counts.tolist(), strict=True)

        sellers = self.seller_ids
        affiliated = int((r.group[sellers] >= 0).sum())
        values |= {
            "sellers": len(sellers),
            "sellers_affiliated": affiliated,
            "sellers_independent": len(sellers) - affiliated,
        }
        values |= _by_sex_and_age("recruits", r.female[starts], r.age[starts])
        values["recruits"] = len(starts)

        values |= {
            "market_volume": sales.volume,
            "market_value": sales.volume * p.market.price,
            "market_top10_share": sales.top_share(0.1),
            "selling_blocks": int((sales.by_block > 0).sum()),
            "sellers_away_from_home": int((r.sell_block[sellers] != r.block[sellers]).sum()),
            "unmet_demand": sales.unmet,
        }
        groups = self.groups
        values |= {
            "groups": len(groups),
            "territory_blocks": int((self.grid.control.data >= 0).sum()),
            "group_revenue": sum(g.revenue for g in groups),
            "group_capital": sum(g.capital for g in groups),
        }

        ids, offences = self.arrests.all()
        values |= {
            "arrests": len(ids),
            "arrests_selling": int((offences == Offence.SELLING).sum()),
            "arrests_possession": int((offences == Offence.POSSESSION).sum()),
        }
        values |= _by_sex_and_age("arrests", r.female[ids], r.age[ids])
        values["rearrests"] = int(had_record[ids].sum())

        custody = np.bincount(r.custody[detained], minlength=len(Custody))
        pretrial, sentenced = int(custody[Custody.PRETRIAL]), int(custody[Custody.SENTENCED])
        c = p.costs
        patrols = self.patrols
        soldiers = sum(1 for u in patrols if u.kind == UnitKind.SOLDIERS)
        policing_cost = (len(patrols) - soldiers) * c.patrol_week + soldiers * c.soldier_week
        running = (p.policing.kingpin > 0) + (p.policing.financial > 0) + (p.policing.focused_deterrence > 0)
        policing_cost += c.investigation_week * running
        prison_cost = (pretrial + sentenced) * c.prisoner_week + int(
            custody[Custody.JUVENILE]
        ) * c.juvenile_week
        values |= {
            "policing_cost": policing_cost,
            "prison_cost": prison_cost,
            "enforcement_cost": policing_cost + prison_cost,
        }
        values |= {
            "prisoners_pretrial": pretrial,
            "prisoners_sentenced": sentenced,
            "juveniles_detained": int(custody[Custody.JUVENILE]),
            "prison_occupancy_pct": self.prison.occupancy(pretrial + sentenced),
            "releases": len(releases),
            "reoffending": int(had_record[starts].sum()),
        }

        formal, informal, unemployed = (
            status_counts[s] for s in (Status.FORMAL, Status.INFORMAL, Status.UNEMPLOYED)
        )
        values |= {
            "informality_rate": informal / max(formal + informal, 1),
            "unemployment_rate": unemployed / max(formal + informal + unemployed, 1),
            "poverty_rate": float(census[:, 1].sum()) / len(r),
            "mean_income": float(income.sum()) / len(r),
            "economy_index": economy,
        }
        values |= self._people_outcomes(starts, ids, detained, census)
        self.outcomes.record(self.week, values)

    def _census(self) -> np.ndarray:
        """Residents counted by school age, poverty, status, migrant status and sex, in one pass.

        Returns:
            Counts of shape ``(2, 2, len(Status), 2, 2)``: school age (12-17) or not, poor
            household or not, status, migrant or not, female or not.
        """
        r = self.residents
        # One byte a resident: the key stays under 16 x len(Status) <= 256.
        key = r.status.astype(np.uint8)
        key *= 4
        key += r.female
        key += r.migrant * np.uint8(2)
        key += self.poor[r.household] * np.uint8(4 * len(Status))
        key += _SCHOOL_AGE_KEY[r.age]
        return np.bincount(key, minlength=16 * len(Status)).reshape(2, 2, len(Status), 2, 2)

    def _people_outcomes(
        self, starts: np.ndarray, arrested: np.ndarray, detained: np.ndarray, census: np.ndarray
    ) -> dict[str, float]:
        """Who bears what: women, migrants, children of prisoners, school; and the programmes."""
        r = self.residents
        held = detained[r.custody[detained] != Custody.JUVENILE]
        women_held = held[r.female[held]]
        # Children of prisoners: only the few households with someone held are looked at.
        households = np.flatnonzero(self._prisoner_households(detained))
        family = members(self.household_order, self.household_starts, households)
        school_age = census[1].sum()
        # Sex and migrant status, flat as female + 2 x migrant.
        count = census.sum(axis=(0, 1, 2)).ravel()
        poor = census[:, 1].sum(axis=(0, 1)).ravel()
        informal = census[:, :, Status.INFORMAL].sum(axis=(0, 1)).ravel()
        working = informal + census[:, :, Status.FORMAL].sum(axis=(0, 1)).ravel()
        values: dict[str, float] = {
            "recruits_migrants": int(r.migrant[starts].sum()),
            "arrests_migrants": int(r.migrant[arrested].sum()),
            "prisoners_migrants": int(r.migrant[detained].sum()),
            "diverted": self._week.diverted,
            "women_prisoners_first_time": float((r.record[women_held] == 0).mean())
            if len(women_held)
            else 0.0,
            "children_parent_in_prison": int(
                ((r.age[family] < ADULT) & (r.status[family] != Status.DETAINED)).sum()
            ),
            "school_enrolment": float(census[1, :, Status.STUDENT].sum() / school_age) if school_age else 0.0,
        }
        values |= _by_sex_and_age("prisoners", r.female[detained], r.age[detained])
        for group, k in _PEOPLE.items():
            values[f"poverty_rate_{group}"] = float(poor[k].sum() / max(count[k].sum(), 1))
            values[f"informality_rate_{group}"] = float(informal[k].sum() / max(working[k].sum(), 1))
        for name in PROGRAMMES:
            running = self.programme(name)
            values[f"{name}_spending"] = running.spending if running else 0.0
            values[f"{name}_reached"] = running.reached if running else 0
        values["programme_spending"] = sum(p.spending for p in self.programmes)
        return values


#: Whether each age is of working age, for a one-read look-up. It spans every int16 age
#: (a detained resident keeps ageing past the usual last age until released).
_WORKING_AGE = np.zeros(np.iinfo(np.int16).max + 1, dtype=bool)
_WORKING_AGE[ADULT:RETIREMENT] = True
#: The school-age (12-17) part of a resident's census key, by age.
_SCHOOL_AGE_KEY = np.zeros(np.iinfo(np.int16).max + 1, dtype=np.uint8)
_SCHOOL_AGE_KEY[SCHOOL_START:ADULT] = 8 * len(Status)
assert 16 * len(Status) <= 256, "the census key is one byte"
#: Outcome names of the status counts, in status order.
_STATUS_OUTCOMES = tuple(f"residents_{s.name.lower()}" for s in Status)
#: Groups of residents by the cells of ``female + 2 x migrant``.
_PEOPLE = {"women": [1, 3], "men": [0, 2], "migrants": [2, 3], "natives": [0, 1]}


def _by_sex_and_age(prefix: str, female: np.ndarray, age: np.ndarray) -> dict[str, int]:
    band = age_band(age)
    valid = band >= 0
    cell = (~female[valid]).astype(np.int64) * len(AGE_BANDS) + band[valid]
    counts = np.bincount(cell, minlength=2 * len(AGE_BANDS))
    return dict(zip(_sex_and_age_names(prefix), counts.tolist(), strict=True))


@cache
def _sex_and_age_names(prefix: str) -> tuple[str, ...]:
    return tuple(f"{prefix}_{sex}_{label}" for sex in SEXES for label, _, _ in AGE_BANDS)
