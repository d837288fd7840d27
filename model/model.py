"""The Barrio model: the world's construction, the clock, and the week as an ordered list of phases.

The world is a handful of state objects, each named for what it holds and defined in the
module of its domain idea: the residents (:mod:`model.population`), their households
(:mod:`model.households`), the blocks and who lives on them (:mod:`model.neighbourhood`),
the market (:mod:`model.market`), the criminal groups (:mod:`model.groups`), the police
(:mod:`model.policing`), the prison (:mod:`model.justice`), the social programmes
(:mod:`model.programmes`) and the scenario's timeline (:mod:`model.timeline`).

A week is :data:`WEEK`, read top to bottom; each phase is a function of the model that
reads and writes the state its docstring names. Measuring comes after the last phase and
only reads (:func:`model.outcomes.measure`), so skipping or moving it changes nothing.
This module imports nothing from the batch layer, the command line or the page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from mesa import Model

from barrio.model.contexts import CONTEXTS
from barrio.model.demography import ageing, populate, schooling
from barrio.model.economy import (
    BusinessCycle,
    JobRates,
    business_cycle,
    household_income,
    informal_rate,
    labour,
    set_incomes,
)
from barrio.model.groups import GroupRegistry, group_week, seed_territories
from barrio.model.households import Households, household_incomes
from barrio.model.justice import Prison, justice_week
from barrio.model.legitimacy import initial_trust
from barrio.model.market import Market, trade
from barrio.model.neighbourhood import Blocks, LandUse, build_grid
from barrio.model.outcomes import OutcomeTable, WeekEvents, measure
from barrio.model.params import Params
from barrio.model.policing import PatrolUnit, Police, police_week, sync_patrols
from barrio.model.prices import price_week
from barrio.model.programmes import Programmes, programme_week
from barrio.model.scenario import Event
from barrio.model.selling import choices
from barrio.model.timeline import Timeline, apply_timeline, change_levers

__all__ = ["WEEK", "BarrioModel", "Phase"]

#: Relative chance that a household lives on each kind of block.
#: Source: assumption: most people live on housing blocks, fewer above shops and markets,
#: few at schools.
HOME_WEIGHT = {LandUse.HOUSING: 1.0, LandUse.MARKET: 0.3, LandUse.COMMERCE: 0.6, LandUse.SCHOOL: 0.1}

#: One step of the week: a function of the model.
Phase = Callable[["BarrioModel"], None]

#: The week, in order. Each phase's docstring says what it reads and what it changes.
WEEK: tuple[Phase, ...] = (
    apply_timeline,  # 1. the scenario's lever changes and shocks due this week
    business_cycle,  # 2. the economy index moves
    ageing,  # 3. birthdays: school, work, retirement, old age
    programme_week,  # 4. programmes enrol, pay and place; care duties; state presence
    labour,  # 5. jobs lost and found; this week's legal incomes
    schooling,  # 6. dropout, graduation, return to school
    price_week,  # 7. the retail price, and the demand it leaves
    trade,  # 8. retail sales, sellers' earnings, the groups' cut
    group_week,  # 9. groups' business, leadership, splits, new groups, contests, governance
    justice_week,  # 10. custody, trials, releases; prison ties and riots
    police_week,  # 11. patrols, arrests, force; trust; police presence
    choices,  # 12. who starts selling, who stops, who moves
    household_incomes,  # 13. household incomes and poverty, which next week's rules read
)


class BarrioModel(Model):
    """Drug micro-trafficking in one neighbourhood.

    Args:
        params: All parameters; defaults to :class:`~model.params.Params` ``()``.
        timeline: Lever changes and shocks by week of the policy period (from a scenario).
        rng: Seed, ``SeedSequence`` or ``numpy.random.Generator``. Every random draw of
            the model comes from ``self.rng``. Required: without it Mesa would seed from
            the operating system, and the run could not be repeated.

    Attributes:
        params: The parameters in force (a timeline or a room may change levers).
        context: The country context they name.
        grid: Mesa grid with property layers ``demand``, ``state_presence``, ``control``,
            ``violence``, ``police_presence`` and ``land_use``.
        shape: The grid's ``(width, height)``.
        residents: Residents' state, one array element per person.
        households: Households: membership, incomes, benefits, poverty.
        blocks: Who lives on each block, and their mean trust in the state.
        market: This week's sellers, sales and earnings.
        groups: The criminal groups (Mesa agents) and what is known of them by group code.
        police: Patrol visits, arrests and the maps patrols follow.
        programmes: The social programmes running (Mesa agents) and what they provide.
        prison: The neighbourhood's share of the prison system.
        cycle: The business cycle.
        rates: Weekly job flows solved from the context.
        timeline: The scenario's lever changes and shocks still to come.
        week: Current week; negative during the warm-up, 0 when the policy period starts.
        this_week: What happened this week that outcomes need and the arrays no longer show.
        outcomes: The weekly outcome table.

    Notes:
        Residents are arrays, not agents, because there are many of them; groups, patrol
        units and programmes are Mesa agents. See ``docs/ODD.md``.

    Warning:
        Change parameters during a run only with :meth:`change_levers` (or a timeline),
        which also adds or withdraws patrol units and starts or stops programmes.
    """

    def __init__(
        self,
        params: Params | None = None,
        *,
        timeline: Sequence[Event] = (),
        rng: int | np.random.SeedSequence | np.random.Generator,
    ) -> None:
        super().__init__(rng=rng)
        # The order of construction is the order of draws from ``self.rng``: keep it.
        self.params = params = params or Params()
        self.context = CONTEXTS[params.country]
        nb = params.neighbourhood
        self.grid = build_grid(params, nb.population, self.rng, random=self.random)
        self.shape = (nb.width, nb.height)

        home = np.vectorize(HOME_WEIGHT.get)(self.grid.land_use.data).ravel().astype(float)
        self.residents = r = populate(params, self.context, home, self.rng)
        self.blocks = Blocks.build(r.block, self.grid.state_presence.data)
        self.households = Households.build(r.household)
        self.programmes = Programmes(int(self.rng.integers(2**63)), len(r), self.shape)

        self.cycle = BusinessCycle(params.economy.persistence, params.economy.volatility)
        self.rates = JobRates.from_context(params, self.context)
        self.prison = Prison.from_context(self.context, nb.population)
        set_incomes(r, params, self.context, self.cycle.index)
        earned = household_income(r, np.zeros(len(r)), len(self.households))
        self.households.set_incomes(earned, earned.copy())

        g = params.groups
        self.groups = GroupRegistry(g.count, self.shape, len(r))
        self.groups.pact = g.truce > 0
        seed_territories(self.grid.control.data, self.grid.demand.data, g.count, g.initial_radius, self.rng)
        for code in range(g.count):
            self.groups.found(self, code, g.initial_capital)
        self.police = Police(nb.width * nb.height)
        sync_patrols(self)
        self.programmes.sync(self)

        r.trust[:] = initial_trust(self.grid.state_presence.data.ravel()[r.block], self.rng)
        self.blocks.update_trust(r)
        self.market = Market.empty(len(r), r.status, params.market.price)
        self.week = -params.timing.warmup_weeks
        self.this_week = WeekEvents()
        self.timeline = Timeline(timeline, self.grid.demand.data)
        self.outcomes = OutcomeTable(self.week, params.timing.warmup_weeks + params.timing.horizon_weeks)

    @property
    def patrols(self) -> list[PatrolUnit]:
        """Police patrol units."""
        return list(self.agents_by_type.get(PatrolUnit, []))

    @property
    def informal_rate(self) -> float:
        """What informal work pays this week per unit of earning capacity (USD)."""
        return informal_rate(self.params, self.context, self.cycle.index)

    @property
    def poverty_line(self) -> float:
        """Weekly income per person below which a household is poor (USD)."""
        return self.params.economy.poverty_line * self.context.min_wage_week

    def step(self) -> None:
        """Advance one week: every phase of :data:`WEEK` in order, then record the outcomes."""
        self.this_week = WeekEvents()
        for phase in WEEK:
            phase(self)
        self.outcomes.record(self.week, measure(self))
        self.week += 1

    def change_levers(self, changes: dict[str, object]) -> None:
        """Change levers now (``{"policing.punitive_intensity": 0.9}``), as a timeline does.

        Raises:
            ParameterError: If a value is out of range; nothing is changed then.
        """
        change_levers(self, changes)

    def apply_timeline(self) -> None:
        """Apply this week's lever changes and shocks now (the page does, to show the week's levers).

        :meth:`step` does this first; calling it before the step changes nothing more,
        since each change is made once.
        """
        apply_timeline(self)
