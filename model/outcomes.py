"""Weekly outcomes, kept in one preallocated array and returned as one tidy table.

Collection is cheap by design (a few whole-population passes a week) so that it never
dominates a step; ``benchmarks/`` measures it on its own.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from barrio.model.population import AGE_BANDS, Status
from barrio.model.programmes import PROGRAMMES

__all__ = ["OUTCOMES", "OutcomeTable", "describe"]

SEXES = ("female", "male")
#: Groups of residents whose poverty and informality are reported apart.
GROUPS = ("women", "men", "migrants", "natives")
PROGRAMME_NAMES = tuple(PROGRAMMES)


def _by_sex_and_age(prefix: str) -> list[str]:
    return [f"{prefix}_{sex}_{band}" for sex in SEXES for band, _, _ in AGE_BANDS]


#: Every outcome Barrio records each week, in table order, with its meaning.
OUTCOMES: dict[str, str] = {
    **{
        f"residents_{s.name.lower()}": f"Residents whose status is {s.name.lower().replace('_', ' ')}"
        for s in Status
    },
    "sellers": "Active sellers",
    "sellers_independent": "Active sellers working for no group",
    "sellers_affiliated": "Active sellers working for a group",
    "recruits": "Residents who started selling this week",
    **dict.fromkeys(_by_sex_and_age("recruits"), "Residents who started selling this week, by sex and age"),
    "market_volume": "Retail purchases served this week",
    "market_value": "Value of retail purchases served this week (USD)",
    "unmet_demand": "Purchases wanted with no seller in reach",
    "market_top10_share": "Share of this week's purchases made on the busiest 10% of the blocks where "
    "anything was sold",
    "selling_blocks": "Blocks where anything was sold this week",
    "sellers_away_from_home": "Sellers working a block other than their own",
    "groups": "Criminal groups active",
    "territory_blocks": "Blocks controlled by any group",
    "group_revenue": "Cut collected by all groups this week (USD)",
    "group_capital": "Capital held by all groups (USD)",
    "violent_incidents": "Violent incidents between rival groups this week",
    "homicides": "Residents killed in those incidents this week",
    "homicides_members": "Group members killed this week",
    "homicides_sellers": "Independent sellers killed this week",
    "homicides_bystanders": "Bystanders killed this week",
    "homicide_rate": "This week's homicides as a yearly rate per 100,000 residents",
    "takeovers": "Blocks that changed hands in contests this week",
    "leaders_removed": "Group leaders arrested in leadership targeting this week",
    "splits": "Groups that split into two factions this week",
    "groups_formed": "New groups formed on ungoverned blocks this week",
    "capital_seizures": "Groups whose capital was seized by financial investigation this week",
    "police_violence": "Incidents of force by police or soldiers this week",
    "abuses": "Incidents of force by police or soldiers against residents who were not selling",
    "deaths_in_operations": "Residents killed by police or soldiers this week",
    "mean_trust": "Mean trust of residents in the state, 0 to 1",
    "arrests": "Arrests this week",
    "arrests_selling": "Arrests of sellers this week",
    "arrests_possession": "Arrests for possession this week",
    **dict.fromkeys(_by_sex_and_age("arrests"), "Arrests this week, by sex and age band"),
    "recruits_migrants": "Migrants who started selling this week",
    "arrests_migrants": "Arrests of migrants this week",
    "prisoners_migrants": "Migrants held in prison or juvenile detention",
    "diverted": "Arrested first offenders sent to a community sentence or treatment, not prison",
    **dict.fromkeys(
        _by_sex_and_age("prisoners"), "Residents held in prison or juvenile detention, by sex and age band"
    ),
    "women_prisoners_first_time": "Share of women in prison (pre-trial or sentenced) never sentenced before",
    "children_parent_in_prison": "Residents under 18, not detained themselves, whose household has an adult "
    "in prison",
    "school_enrolment": "Share of residents aged 12-17 in school",
    "prisoners_pretrial": "Residents held before trial",
    "prisoners_sentenced": "Residents serving a prison sentence",
    "juveniles_detained": "Minors held in juvenile detention (not counted in the prison)",
    "symbiotic_blocks": "Blocks a group governs (weak state: protection and welfare)",
    "parasitic_blocks": "Blocks a group holds and only extracts from",
    "group_welfare": "Welfare groups paid residents of the blocks they govern this week (USD)",
    "extortion": "Money groups extorted from residents this week (USD)",
    "riots": "Prison riots this week",
    "riot_deaths": "The neighbourhood's inmates killed in riots this week",
    "prisoners_with_ties": "Detained residents with ties to a group formed in prison",
    "prison_occupancy_pct": "Prisoners (residents plus others) over places, percent",
    "releases": "Prisoners released after a sentence this week",
    "reoffending": "Residents with a record who started selling again this week",
    "rearrests": "Arrests this week of residents with a record",
    "policing_cost": "Cost of this week's police and army patrols and any investigations (USD)",
    "prison_cost": "Cost of holding the neighbourhood's prisoners and detained minors this week (USD)",
    "enforcement_cost": "Policing and prison costs this week (USD)",
    "informality_rate": "Informal workers over all workers",
    "unemployment_rate": "Unemployed over the labour force",
    "poverty_rate": "Share of residents in households below the poverty line",
    **{f"poverty_rate_{g}": f"Share of {g} in households below the poverty line" for g in GROUPS},
    **{f"informality_rate_{g}": f"Informal workers over all workers, among {g}" for g in GROUPS},
    **{f"{name}_spending": f"Spending of the {name} programme this week (USD)" for name in PROGRAMME_NAMES},
    **{f"{name}_reached": f"People the {name} programme reached this week" for name in PROGRAMME_NAMES},
    "programme_spending": "Spending of all social programmes this week (USD)",
    "mean_income": "Mean household income per person, all sources with transfers and benefits (USD per week)",
    "economy_index": "Economy index (1 = normal)",
}


def describe() -> pd.DataFrame:
    """The outcome catalogue as a table (name, meaning)."""
    return pd.DataFrame({"outcome": list(OUTCOMES), "meaning": list(OUTCOMES.values())})


class OutcomeTable:
    """Outcomes for every week of one run.

    Args:
        first_week: Week number of the first row (negative during warm-up).
        weeks: Number of weeks to hold.
    """

    def __init__(self, first_week: int, weeks: int) -> None:
        self.first_week = first_week
        self.names = list(OUTCOMES)
        self._col = {name: k for k, name in enumerate(self.names)}
        self._names = frozenset(self.names)
        self._columns: dict[tuple[str, ...], np.ndarray] = {}
        self.values = np.full((weeks, len(self.names)), np.nan)
        self.rows = 0

    def record(self, week: int, values: Mapping[str, float]) -> None:
        """Store one week's outcomes; every outcome in :data:`OUTCOMES` must be given."""
        missing = self._names - values.keys()
        if missing:
            raise KeyError(f"outcomes not recorded for week {week}: {sorted(missing)}")
        # The columns of a week's names, looked up once: the model gives them in the same order each week.
        names = tuple(values)
        columns = self._columns.get(names)
        if columns is None:
            columns = self._columns[names] = np.array([self._col[name] for name in names])
        self.values[week - self.first_week, columns] = np.array(list(values.values()), dtype=np.float64)
        self.rows = max(self.rows, week - self.first_week + 1)

    def wide(self) -> pd.DataFrame:
        """One row per week, one column per outcome."""
        weeks = np.arange(self.first_week, self.first_week + self.rows)
        return pd.DataFrame(self.values[: self.rows], index=pd.Index(weeks, name="week"), columns=self.names)

    def tidy(self, metadata: Mapping[str, object] | None = None) -> pd.DataFrame:
        """The long table: ``week, outcome, value`` plus one column per metadata item."""
        wide = self.wide()
        long = wide.reset_index().melt(id_vars="week", var_name="outcome", value_name="value")
        long["outcome"] = pd.Categorical(long["outcome"], categories=self.names)
        long = long.sort_values(["week", "outcome"], kind="stable").reset_index(drop=True)
        for key, value in (metadata or {}).items():
            long[key] = value
        return long
