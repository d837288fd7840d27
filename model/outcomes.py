"""Weekly outcomes: what is measured, how, and the table that keeps them.

:func:`measure` reads the model at the end of a week and changes nothing, so recording can
be skipped or moved without changing a run. It is cheap by design (a few whole-population
passes a week) so that it never dominates a step; ``benchmarks/`` measures it on its own.
Outcomes are kept in one preallocated array and returned as one tidy table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from barrio.model.demography import ADULT, SCHOOL_START
from barrio.model.policing import UnitKind
from barrio.model.population import AGE_BANDS, Custody, Offence, Status, age_band
from barrio.model.programmes import PROGRAMMES
from barrio.model.rivalry import VictimKind, Violence

if TYPE_CHECKING:
    from barrio.model.model import BarrioModel

__all__ = ["OUTCOMES", "OutcomeTable", "WeekEvents", "describe", "measure", "sex_and_age_names"]

SEXES = ("female", "male")
#: Groups of residents whose poverty and informality are reported apart.
GROUPS = ("women", "men", "migrants", "natives")
PROGRAMME_NAMES = tuple(PROGRAMMES)


@cache
def sex_and_age_names(prefix: str) -> tuple[str, ...]:
    """The outcomes ``prefix`` is counted in by sex and age band: ``arrests_female_12_17``..."""
    return tuple(f"{prefix}_{sex}_{label}" for sex in SEXES for label, _, _ in AGE_BANDS)


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
    **dict.fromkeys(sex_and_age_names("recruits"), "Residents who started selling this week, by sex and age"),
    "market_volume": "Retail purchases served this week",
    "market_value": "Value of retail purchases served this week (USD)",
    "retail_price": "Retail price of a purchase this week (USD)",
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
    "mergers": "Groups absorbed by a stronger neighbour this week",
    "pact": "1 while a pact between the groups holds, else 0",
    "groups_formed": "New groups formed on ungoverned blocks this week",
    "capital_seizures": "Groups whose capital was seized by financial investigation this week",
    "police_violence": "Incidents of force by police or soldiers this week",
    "abuses": "Incidents of force by police or soldiers against residents who were not selling",
    "deaths_in_operations": "Residents killed by police or soldiers this week",
    "mean_trust": "Mean trust of residents in the state, 0 to 1",
    "arrests": "Arrests this week",
    "arrests_selling": "Arrests of sellers this week",
    "arrests_possession": "Arrests for possession this week",
    **dict.fromkeys(sex_and_age_names("arrests"), "Arrests this week, by sex and age band"),
    **dict.fromkeys(
        sex_and_age_names("homicides"), "Residents killed in contests this week, by sex and age band"
    ),
    "recruits_migrants": "Migrants who started selling this week",
    "arrests_migrants": "Arrests of migrants this week",
    "prisoners_migrants": "Migrants held in prison or juvenile detention",
    "diverted": "Arrested first offenders sent to a community sentence or treatment, not prison",
    **dict.fromkeys(
        sex_and_age_names("prisoners"), "Residents held in prison or juvenile detention, by sex and age band"
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
    "readmissions_1y": "Entries into prison (pre-trial or sentenced) this week of people released from a "
    "sentence within the last 52 weeks",
    "readmissions_5y": "Entries into prison this week of people released from a sentence within the last "
    "260 weeks",
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


def _no_violence() -> Violence:
    return Violence(
        incidents=np.zeros(0),
        victims=np.empty(0, np.int64),
        kind=np.empty(0, np.int64),
        takeovers=0,
        parties=np.empty((0, 2), np.int64),
    )


@dataclass
class WeekEvents:
    """What happened this week that outcomes need and the model's state no longer shows.

    Phases fill it in as the week goes; :meth:`model.model.BarrioModel.step` starts a new
    one each week.

    Attributes:
        starts: Ids of residents who started selling.
        had_record: Who had a prison record before this week's choices (per resident).
        releases: Ids released after a sentence.
        violence: The week's contests, deaths and takeovers.
        leaders_removed: Groups whose leader was removed.
        splits: Groups that split.
        groups_formed: New groups.
        seizures: Groups whose capital was seized.
        force: Incidents of force by patrols.
        abuses: Incidents of force against residents who were not selling.
        killed_by_police: Residents killed by police or soldiers.
        riots: Prison riots (0 or 1).
        riot_deaths: The neighbourhood's inmates killed in riots.
        diverted: Arrested people a programme took out of the justice system.
        mergers: Groups absorbed by a stronger neighbour.
        readmitted_1y: Entries into prison of people released from a sentence in the last year.
        readmitted_5y: The same within five years.
    """

    starts: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    had_record: np.ndarray = field(default_factory=lambda: np.empty(0, bool))
    releases: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    violence: Violence = field(default_factory=_no_violence)
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
    mergers: int = 0
    readmitted_1y: int = 0
    readmitted_5y: int = 0


def measure(m: BarrioModel) -> dict[str, float]:
    """Every outcome of :data:`OUTCOMES` for the week just run; reads the model, changes nothing."""
    week = m.this_week
    sales, starts, releases, had_record = m.market.sales, week.starts, week.releases, week.had_record
    p, r = m.params, m.residents
    census = _census(m)
    status_counts = census.sum(axis=(0, 1, 3, 4))
    detained = np.flatnonzero(r.status == Status.DETAINED.value)

    violence = week.violence
    killed = np.bincount(violence.kind, minlength=len(VictimKind))
    groups = m.groups
    governance = groups.governance
    values: dict[str, float] = {
        "violent_incidents": int(violence.incidents.sum()),
        "homicides": len(violence.victims),
        "homicides_members": int(killed[VictimKind.MEMBER]),
        "homicides_sellers": int(killed[VictimKind.SELLER]),
        "homicides_bystanders": int(killed[VictimKind.BYSTANDER]),
        "homicide_rate": len(violence.victims) * 52 * 100_000 / len(r),
        "takeovers": violence.takeovers,
        "leaders_removed": week.leaders_removed,
        "splits": week.splits,
        "mergers": week.mergers,
        "pact": float(groups.pact),
        "groups_formed": week.groups_formed,
        "capital_seizures": week.seizures,
        "riots": week.riots,
        "riot_deaths": week.riot_deaths,
        "prisoners_with_ties": int((r.tie[detained] >= 0).sum()),
        "symbiotic_blocks": int(groups.symbiotic.sum()),
        "parasitic_blocks": int((m.grid.control.data >= 0).sum() - groups.symbiotic.sum()),
        "group_welfare": float(governance.welfare.sum()) if governance else 0.0,
        "extortion": float(governance.extortion.sum()) if governance else 0.0,
        "police_violence": week.force,
        "abuses": week.abuses,
        "deaths_in_operations": week.killed_by_police,
        "mean_trust": float(r.trust.mean()),
    }
    values |= zip(_STATUS_OUTCOMES, status_counts.tolist(), strict=True)

    sellers = m.market.seller_ids
    affiliated = int((r.group[sellers] >= 0).sum())
    values |= {
        "sellers": len(sellers),
        "sellers_affiliated": affiliated,
        "sellers_independent": len(sellers) - affiliated,
    }
    values |= _by_sex_and_age("recruits", r.female[starts], r.age[starts])
    values["recruits"] = len(starts)
    values |= _by_sex_and_age("homicides", violence.victim_female, violence.victim_age)

    values |= {
        "market_volume": sales.volume,
        "market_value": sales.volume * m.market.price,
        "retail_price": m.market.price,
        "market_top10_share": sales.top_share(0.1),
        "selling_blocks": int((sales.by_block > 0).sum()),
        "sellers_away_from_home": int((r.sell_block[sellers] != r.block[sellers]).sum()),
        "unmet_demand": sales.unmet,
    }
    active = groups.active()
    values |= {
        "groups": len(active),
        "territory_blocks": int((m.grid.control.data >= 0).sum()),
        "group_revenue": sum(g.revenue for g in active),
        "group_capital": sum(g.capital for g in active),
    }

    ids, offences = m.police.arrests.all()
    values |= {
        "arrests": len(ids),
        "arrests_selling": int((offences == Offence.SELLING.value).sum()),
        "arrests_possession": int((offences == Offence.POSSESSION.value).sum()),
    }
    values |= _by_sex_and_age("arrests", r.female[ids], r.age[ids])
    values["rearrests"] = int(had_record[ids].sum())

    custody = np.bincount(r.custody[detained], minlength=len(Custody))
    pretrial, sentenced = int(custody[Custody.PRETRIAL]), int(custody[Custody.SENTENCED])
    c = p.costs
    patrols = m.patrols
    soldiers = sum(1 for u in patrols if u.kind == UnitKind.SOLDIERS)
    policing_cost = (len(patrols) - soldiers) * c.patrol_week + soldiers * c.soldier_week
    running = (p.policing.kingpin > 0) + (p.policing.financial > 0) + (p.policing.focused_deterrence > 0)
    policing_cost += c.investigation_week * running
    prison_cost = (pretrial + sentenced) * c.prisoner_week + int(custody[Custody.JUVENILE]) * c.juvenile_week
    values |= {
        "policing_cost": policing_cost,
        "prison_cost": prison_cost,
        "enforcement_cost": policing_cost + prison_cost,
    }
    values |= {
        "prisoners_pretrial": pretrial,
        "prisoners_sentenced": sentenced,
        "juveniles_detained": int(custody[Custody.JUVENILE]),
        "prison_occupancy_pct": m.prison.occupancy(pretrial + sentenced),
        "releases": len(releases),
        "readmissions_1y": week.readmitted_1y,
        "readmissions_5y": week.readmitted_5y,
        "reoffending": int(had_record[starts].sum()),
    }

    formal, informal, unemployed = (
        status_counts[s] for s in (Status.FORMAL, Status.INFORMAL, Status.UNEMPLOYED)
    )
    values |= {
        "informality_rate": informal / max(formal + informal, 1),
        "unemployment_rate": unemployed / max(formal + informal + unemployed, 1),
        "poverty_rate": float(census[:, 1].sum()) / len(r),
        "mean_income": float(m.households.income.sum()) / len(r),
        "economy_index": m.cycle.index,
    }
    values |= _people_outcomes(m, starts, ids, detained, census)
    return values


def _census(m: BarrioModel) -> np.ndarray:
    """Residents counted by school age, poverty, status, migrant status and sex, in one pass.

    Returns:
        Counts of shape ``(2, 2, len(Status), 2, 2)``: school age (12-17) or not, poor
        household or not, status, migrant or not, female or not.
    """
    r = m.residents
    # One byte a resident: the key stays under 16 x len(Status) <= 256.
    key = r.status.astype(np.uint8)
    key *= 4
    key += r.female
    key += r.migrant * np.uint8(2)
    # The poverty term is looked up from a table of it per household: np.take with the int32
    # household ids costs half of indexing and multiplying a per-resident copy of ``poor``.
    poor_term = m.households.poor.view(np.uint8) * np.uint8(4 * len(Status))
    key += np.take(poor_term, r.household)
    school_age = (r.age >= SCHOOL_START) & (r.age < ADULT)
    key += school_age.view(np.uint8) * np.uint8(8 * len(Status))
    return np.bincount(key, minlength=16 * len(Status)).reshape(2, 2, len(Status), 2, 2)


def _people_outcomes(
    m: BarrioModel, starts: np.ndarray, arrested: np.ndarray, detained: np.ndarray, census: np.ndarray
) -> dict[str, float]:
    """Who bears what: women, migrants, children of prisoners, school; and the programmes."""
    r = m.residents
    held = detained[r.custody[detained] != Custody.JUVENILE.value]
    women_held = held[r.female[held]]
    # Children of prisoners: only the few households with someone held are looked at.
    households = np.flatnonzero(m.households.with_prisoner(r, detained))
    family = m.households.residents_of(households)
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
        "diverted": m.this_week.diverted,
        "women_prisoners_first_time": float((r.record[women_held] == 0).mean()) if len(women_held) else 0.0,
        "children_parent_in_prison": int(
            ((r.age[family] < ADULT) & (r.status[family] != Status.DETAINED.value)).sum()
        ),
        "school_enrolment": float(census[1, :, Status.STUDENT].sum() / school_age) if school_age else 0.0,
    }
    values |= _by_sex_and_age("prisoners", r.female[detained], r.age[detained])
    values |= _rates_by_group(count, poor, informal, working)
    for name in PROGRAMMES:
        running = m.programmes.get(name)
        values[f"{name}_spending"] = running.spending if running else 0.0
        values[f"{name}_reached"] = running.reached if running else 0
    values["programme_spending"] = sum(p.spending for p in m.programmes)
    return values


assert 16 * len(Status) <= 256, "the census key is one byte"
#: Outcome names of the status counts, in status order.
_STATUS_OUTCOMES = tuple(f"residents_{s.name.lower()}" for s in Status)
#: Groups of residents by the cells of ``female + 2 x migrant``.
_PEOPLE = {"women": [1, 3], "men": [0, 2], "migrants": [2, 3], "natives": [0, 1]}


def _rates_by_group(
    count: np.ndarray, poor: np.ndarray, informal: np.ndarray, working: np.ndarray
) -> dict[str, float]:
    """Poverty and informality rates of each group of :data:`_PEOPLE`, from counts by cell.

    Summed as Python ints: numpy's call overhead on arrays of four cost more than the sums.
    The counts are exact in a float, so the quotient is numpy's to the bit.
    """
    count, poor, informal, working = count.tolist(), poor.tolist(), informal.tolist(), working.tolist()
    values: dict[str, float] = {}
    for group, (i, j) in _PEOPLE.items():
        values[f"poverty_rate_{group}"] = (poor[i] + poor[j]) / max(count[i] + count[j], 1)
        values[f"informality_rate_{group}"] = (informal[i] + informal[j]) / max(working[i] + working[j], 1)
    return values


def _by_sex_and_age(prefix: str, female: np.ndarray, age: np.ndarray) -> dict[str, int]:
    band = age_band(age)
    valid = band >= 0
    cell = (~female[valid]).astype(np.int64) * len(AGE_BANDS) + band[valid]
    counts = np.bincount(cell, minlength=2 * len(AGE_BANDS))
    return dict(zip(sex_and_age_names(prefix), counts.tolist(), strict=True))
