"""The parameter schema: every model parameter, declared once.

Each field carries its type, range, unit, default, one-line meaning and provenance.
``docs/parameters.md`` is generated from this module (see
:func:`model.params.parameter_table`), so the docs cannot drift from the code.

Money is in US dollars per week unless the unit says otherwise; time is in weeks.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from barrio.model.contexts import CONTEXTS
from barrio.model.errors import ParameterError
from barrio.model.mechanisms import (
    AffiliationRule,
    ConsolidationRule,
    GovernanceRule,
    LeadershipRule,
    PriceRule,
    RecruitmentRule,
    SearchRule,
    VictimRule,
    ViolenceRule,
)

__all__ = [
    "Costs",
    "Economy",
    "Groups",
    "Households",
    "Justice",
    "Legitimacy",
    "Market",
    "Mechanisms",
    "Neighbourhood",
    "Params",
    "Policing",
    "Programmes",
    "Selling",
    "Targeting",
    "Timing",
    "dotted",
    "parameter_table",
    "paths_by_name",
]


def param(
    default: Any,
    *,
    unit: str,
    meaning: str,
    source: str,
    lever: bool = False,
    uncertain: tuple[float, float] | None = None,
    **bounds: float,
) -> Any:
    """Declare one parameter with its metadata (a thin wrapper over pydantic's Field).

    ``uncertain``: the range of values that are plausible for a parameter nobody has measured
    (a calibration's prior, an exploration's design); without it, see :func:`plausible_range`.
    """
    extra: dict[str, Any] = {"unit": unit, "source": source, "lever": lever}
    if uncertain is not None:
        extra["uncertain"] = list(uncertain)
    return Field(default, description=meaning, json_schema_extra=extra, **bounds)


class _Section(BaseModel):
    # allow_inf_nan: "upkeep: .inf" is valid YAML and a valid float, and would turn capital into NaN.
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True, allow_inf_nan=False)


class Timing(_Section):
    """Length of a run."""

    warmup_weeks: int = param(
        104,
        unit="weeks",
        meaning="Weeks simulated before outcomes count, so that the market settles.",
        source="assumption: two years, long enough for sellers, pre-trial numbers and groups to level "
        "off in test runs (see the warm-up shading in `barrio run`'s picture); sentenced prisoners and "
        "prison occupancy keep rising for several years after it, as sentences are long and the "
        "stock of people with a record builds up, so compare scenarios on the same seeds",
        ge=0,
        le=1040,
    )
    horizon_weeks: int = param(
        520,
        unit="weeks",
        meaning="Weeks simulated after the warm-up (the policy period).",
        source="assumption: ten years, long enough for sentences served and re-offending to show",
        ge=1,
        le=5200,
    )


class Neighbourhood(_Section):
    """The grid of blocks and who lives on it."""

    width: int = param(
        60,
        unit="blocks",
        meaning="Grid width; a block is a street segment of roughly 40 m.",
        source="assumption: 60 x 60 blocks of ~40 m cover ~5.8 km2, a large urban neighbourhood",
        ge=3,
        le=2000,
    )
    height: int = param(60, unit="blocks", meaning="Grid height.", source="as width", ge=3, le=2000)
    population: int = param(
        40_000,
        unit="residents",
        meaning="Number of residents (all ages).",
        source="assumption: ~7,000 residents per km2 over 5.8 km2, the order of dense "
        "Latin American city districts (e.g. Fortaleza)",
        ge=1,
        le=20_000_000,
    )
    household_size: float = param(
        3.3,
        unit="persons",
        meaning="Mean household size.",
        source="assumption: close to the regional average household size",
        ge=1.0,
        le=10.0,
    )
    market_share: float = param(
        0.03,
        unit="share of blocks",
        meaning="Blocks that are street markets (drug-market hot spots).",
        source="assumption",
        ge=0.0,
        le=1.0,
    )
    commerce_share: float = param(
        0.10,
        unit="share of blocks",
        meaning="Blocks with shops and bars along main streets.",
        source="assumption",
        ge=0.0,
        le=1.0,
    )
    school_share: float = param(
        0.01,
        unit="share of blocks",
        meaning="Blocks with a school.",
        source="assumption: about one school per 100 blocks (about 1,100 residents at the default "
        "density of 40,000 residents on 3,600 blocks)",
        ge=0.0,
        le=1.0,
    )
    state_presence: float = param(
        0.4,
        unit="0-1",
        meaning="Mean presence of state services on a block (1 = full presence).",
        source="assumption: peripheral neighbourhoods with partial state presence, as the "
        "background paper describes",
        ge=0.0,
        le=1.0,
        lever=True,
    )


class Economy(_Section):
    """Labour market, incomes and the business cycle."""

    formal_separation: float = param(
        0.006,
        unit="per week",
        meaning="Chance a formal job ends in a given week.",
        source="assumption: ~27% of formal jobs end within a year, the order of Latin American "
        "formal job turnover",
        ge=0.0,
        le=1.0,
    )
    informal_separation: float = param(
        0.02,
        unit="per week",
        meaning="Chance informal work ends in a given week.",
        source="assumption: informal work is several times less stable than formal work",
        ge=0.0,
        le=1.0,
    )
    formal_wage: float = param(
        1.6,
        unit="x minimum wage",
        meaning="Median formal wage as a multiple of the context's minimum wage.",
        source="assumption",
        gt=0.0,
        le=20.0,
    )
    informal_wage: float = param(
        0.8,
        unit="x minimum wage",
        meaning="Median informal income as a multiple of the minimum wage (in a normal economy).",
        source="assumption: informal earnings sit below the legal minimum in much of the region",
        gt=0.0,
        le=20.0,
    )
    pension: float = param(
        0.6,
        unit="x minimum wage",
        meaning="Median old-age income of residents 65 and over (times their earning capacity).",
        source="assumption: old-age pension coverage in the region is wide but partial",
        ge=0.0,
        le=10.0,
    )
    wage_dispersion: float = param(
        0.4,
        unit="log sd",
        meaning="Spread of earning capacity between residents (sd of its log).",
        source="assumption",
        ge=0.0,
        le=3.0,
    )
    female_inactive: float = param(
        0.45,
        unit="share",
        meaning="Share of working-age women outside the labour force (care duties).",
        source="assumption: female labour-force participation in the region is roughly half",
        ge=0.0,
        le=1.0,
    )
    male_inactive: float = param(
        0.22,
        unit="share",
        meaning="Share of working-age men outside the labour force.",
        source="assumption: male participation in the region is roughly three quarters",
        ge=0.0,
        le=1.0,
    )
    volatility: float = param(
        0.01,
        unit="log sd per week",
        meaning="Weekly random shocks to the economy index.",
        source="assumption",
        ge=0.0,
        le=0.5,
    )
    persistence: float = param(
        0.98,
        unit="per week",
        meaning="How much of last week's economic deviation remains (AR(1) coefficient).",
        source="assumption: shocks half-decay in about 35 weeks",
        ge=0.0,
        le=1.0,
    )
    downturn_sensitivity: float = param(
        1.0,
        unit="elasticity",
        meaning="How strongly job finding, job loss (divided by the index to this power) and informal "
        "income follow the economy index.",
        source="assumption",
        ge=0.0,
        le=5.0,
    )
    poverty_line: float = param(
        0.35,
        unit="x minimum wage per person-month",
        meaning="Household income per person below which a household is poor.",
        source="assumption",
        ge=0.0,
        le=5.0,
    )
    school_dropout: float = param(
        0.0005,
        unit="per week",
        meaning="Base chance a student aged 12-17 leaves school in a week (doubled in poor households).",
        source="assumption: ~3% of students a year, so that a tenth to a fifth of 12-17-year-olds "
        "are out of school; the background paper reports 12 million children and adolescents "
        "out of the formal education system in the region",
        ge=0.0,
        le=1.0,
    )
    school_return: float = param(
        0.005,
        unit="per week",
        meaning="Chance an out-of-school 12-17-year-old goes back to school in a week.",
        source="assumption: about a fifth return within a year",
        ge=0.0,
        le=1.0,
    )
    schooling_value: float = param(
        1.5,
        unit="x informal income",
        meaning="What staying in school is worth to a student, as a weekly income equivalent.",
        source="assumption: more than informal work pays now, for the returns to schooling (about 9% "
        "more pay per year of schooling worldwide: Psacharopoulos and Patrinos 2018, 'Returns to "
        "investment in education: a decennial review of the global literature'); so being out of "
        "school raises the risk of recruitment",
        ge=0.0,
        le=10.0,
    )


class Market(_Section):
    """Retail drug demand and prices."""

    user_share: float = param(
        0.06,
        unit="share of residents",
        meaning="Residents who buy drugs in a typical week.",
        source="assumption, informed by: past-year cocaine use 1.55% of 15-64-year-olds in South "
        "America (UNODC World Drug Report 2025) and regular cannabis use 6.3% on average in 13 LAC "
        "countries, under 3% in five of the nine contexts (OECD Health at a Glance). 0.06 is about "
        "the cannabis figure, applied to all residents and taken to buy weekly; it is not derived "
        "from either figure",
        ge=0.0,
        le=1.0,
    )
    purchases_per_user: float = param(
        1.0,
        unit="purchases per week",
        meaning="Retail purchases a user makes in a week.",
        source="assumption",
        ge=0.0,
        le=50.0,
    )
    price: float = param(
        10.0,
        unit="USD per purchase",
        meaning="Street price of one retail purchase.",
        source="assumption",
        gt=0.0,
        le=1000.0,
    )
    margin: float = param(
        0.5,
        unit="share of price",
        meaning="Share of the street price a seller keeps after paying for supply (at the price "
        "without enforcement risk; any risk premium is the seller's too).",
        source="assumption",
        ge=0.0,
        le=1.0,
    )
    elasticity: float = param(
        0.6,
        unit="-d log purchases / d log price",
        meaning="How far purchases fall when the retail price rises (under mechanisms.price "
        "risk_price): purchases x (price / market.price) ^ -elasticity.",
        source="the low end of the -0.6 to -2.5 range of price elasticities of demand for cocaine "
        "reviewed by the US National Research Council (2001, Informing America's Policy on Illegal "
        "Drugs, ch. 3); the low end because most estimates are long-run and US-based",
        ge=0.0,
        le=5.0,
    )
    risk_pass_through: float = param(
        0.25,
        unit="share",
        meaning="Share of sellers' expected cost of arrest (per purchase sold) carried into the retail "
        "price, under mechanisms.price risk_price.",
        source="assumption, after the risks-and-prices model (Reuter and Kleiman 1986; Caulkins and "
        "Reuter 2010, 'How drug enforcement affects drug prices'): full pass-through is the model's "
        "prediction, but observed prices rose far less than the growth of enforcement implies, so "
        "only a quarter is carried here",
        ge=0.0,
        le=1.0,
    )
    reach: int = param(
        3,
        unit="blocks",
        meaning="How far buyers walk to a seller (a square of this radius around their block).",
        source="assumption: about 120-150 m on foot",
        ge=0,
        le=20,
    )
    market_pull: float = param(
        8.0,
        unit="x housing",
        meaning="Demand on a street-market block relative to a housing block.",
        source="assumption: open-air markets concentrate retail selling",
        ge=0.0,
        le=100.0,
    )
    commerce_pull: float = param(
        3.0,
        unit="x housing",
        meaning="Demand on a commerce block relative to housing.",
        source="assumption",
        ge=0.0,
        le=100.0,
    )
    school_pull: float = param(
        2.0,
        unit="x housing",
        meaning="Demand on a school block relative to housing.",
        source="assumption",
        ge=0.0,
        le=100.0,
    )


class Selling(_Section):
    """How residents decide to start and stop selling."""

    decision_rate: float = param(
        0.1,
        unit="per week",
        meaning="Chance a resident reconsiders selling in a given week.",
        source="assumption: people revise such choices every few months, not every week",
        gt=0.0,
        le=1.0,
    )
    min_age: int = param(
        12,
        unit="years",
        meaning="Youngest age at which a resident can sell.",
        source="assumption",
        ge=0,
        le=100,
    )
    reluctance: float = param(
        60.0,
        unit="USD per week",
        meaning="Median extra weekly gain a resident needs before selling (moral and social cost).",
        source="assumption",
        ge=0.0,
        le=10_000.0,
    )
    reluctance_spread: float = param(
        1.0,
        unit="log sd",
        meaning="Spread of reluctance between residents.",
        source="assumption",
        ge=0.0,
        le=5.0,
    )
    female_reluctance: float = param(
        2.0,
        unit="x",
        meaning="Women's reluctance relative to men's.",
        source="assumption: women are 4-8% of prisoners in most of the nine contexts "
        "(national prison statistics), a much smaller share than of the poor",
        gt=0.0,
        le=20.0,
    )
    youth_reluctance: float = param(
        0.7,
        unit="x",
        meaning="Reluctance of residents aged 15-29 relative to others.",
        source="assumption, after the age-crime curve (UNODC Global Study on Homicide 2013: 43% "
        "of victims aged 15-29)",
        gt=0.0,
        le=20.0,
    )
    risk_aversion_spread: float = param(
        0.5,
        unit="log sd",
        meaning="Spread between residents of the weight they give to the risk of arrest.",
        source="assumption",
        ge=0.0,
        le=5.0,
    )
    peer_effect: float = param(
        0.6,
        unit="0-1",
        meaning="How far sellers among household and block neighbours lower reluctance.",
        source="assumption",
        ge=0.0,
        le=1.0,
    )
    prison_cost: float = param(
        100.0,
        unit="USD per week",
        meaning="What a week in prison costs a resident beyond lost income.",
        source="assumption",
        ge=0.0,
        le=10_000.0,
    )
    mobility: int = param(
        2,
        unit="blocks",
        meaning="How far from home a seller will go to sell (0: only on their own block).",
        source="assumption: a few minutes' walk",
        ge=0,
        le=20,
    )
    gain_memory: float = param(
        0.3,
        unit="0-1",
        meaning="Weight of this week's earnings in a seller's running estimate of them.",
        source="assumption",
        gt=0.0,
        le=1.0,
    )


class Groups(_Section):
    """Criminal groups."""

    count: int = param(
        6,
        unit="groups",
        meaning="Groups present at the start.",
        source="assumption: several armed groups share a large neighbourhood in the region's most violent "
        "cities; with fewer, territories rarely meet within a run",
        ge=0,
        le=1000,
    )
    initial_radius: int = param(
        5,
        unit="blocks",
        meaning="Radius of each group's starting territory.",
        source="assumption",
        ge=0,
        le=100,
    )
    initial_capital: float = param(
        5_000.0, unit="USD", meaning="Each group's starting capital.", source="assumption", ge=0.0
    )
    cut: float = param(
        0.3,
        unit="share of margin",
        meaning="Share of a seller's margin a group takes on the blocks it controls.",
        source="assumption",
        ge=0.0,
        le=1.0,
    )
    recruitment_pressure: float = param(
        0.4,
        unit="0-1",
        meaning="How far a controlling group lowers the reluctance of young residents on its blocks.",
        source="assumption",
        ge=0.0,
        le=1.0,
    )
    affiliation_rate: float = param(
        0.1,
        unit="per week",
        meaning="Chance an independent seller in a group's territory is made to join it.",
        source="assumption",
        ge=0.0,
        le=1.0,
    )
    member_cut: float = param(
        0.5,
        unit="share of margin",
        meaning="Share of its members' margin a group takes (it supplies them), under "
        "mechanisms.affiliation territorial; independents on its blocks pay groups.cut.",
        source="assumption: in faction-run retail (the background paper's Fortaleza) sellers are the "
        "group's low-paid workers; half leaves them about what informal work pays",
        ge=0.0,
        le=1.0,
    )
    replacement: float = param(
        20.0,
        unit="x",
        meaning="How much a group's pressure on young people grows with its recent losses to arrest "
        "(mechanisms.recruitment replacement): pressure x (1 + replacement x share of members lost a "
        "week, as a moving average).",
        source="assumption: a group losing 5% of its members a week doubles its pressure; the direction "
        "after Prieto-Curiel, Campedelli and Hope (2023)",
        ge=0.0,
        le=1000.0,
    )
    expulsion: float = param(
        0.05,
        unit="per week",
        meaning="Chance in a week that an independent seller on a group's blocks, whom the group does "
        "not absorb, is made to stop selling there (mechanisms.affiliation territorial).",
        source="assumption: groups tolerate few independents on their turf",
        ge=0.0,
        le=1.0,
    )
    protection: float = param(
        0.3,
        unit="0-1",
        meaning="How much a group's lookouts cut its affiliated sellers' arrest risk.",
        source="assumption",
        ge=0.0,
        le=1.0,
    )
    upkeep: float = param(
        10.0,
        unit="USD per member-week",
        meaning="A group's weekly cost per affiliated seller.",
        source="assumption",
        ge=0.0,
    )
    contest_rate: float = param(
        0.2,
        unit="incidents per week per USD 1,000 at stake per rival",
        meaning="How often a contested block sees a violent incident (times the challenger's pressure "
        "under mechanisms.violence armed_strength).",
        source="assumption, set so that default runs give about 20 homicides per 100,000 a year: about "
        "two-thirds of Fortaleza's 31.2 violent intentional deaths per 100,000 (2023, Anuario FBSP 2024), "
        "as group disputes and trafficking were 53% of Ceara's killings with a known motive (SSPDS "
        "2017-18); not all of a city's homicides come from retail drug rivalry. Not calibrated",
        ge=0.0,
        le=100.0,
    )
    lethality: float = param(
        0.3,
        unit="probability",
        meaning="Chance a violent incident kills someone.",
        source="assumption",
        ge=0.0,
        le=1.0,
    )
    takeover: float = param(
        0.1,
        unit="probability",
        meaning="Chance a violent incident hands the block to the strongest rival around it.",
        source="assumption",
        ge=0.0,
        le=1.0,
    )
    capital_per_fighter: float = param(
        2_000.0,
        unit="USD",
        meaning="Capital worth one member in a group's armed strength (weapons, hired gunmen), under "
        "mechanisms.violence armed_strength.",
        source="assumption: about a year of a seller's upkeep and a firearm",
        gt=0.0,
    )
    strength_half: float = param(
        20.0,
        unit="members",
        meaning="Armed strength at which a challenger fights at half its full capacity "
        "(mechanisms.violence armed_strength): capacity = strength / (strength + strength_half).",
        source="assumption: a few dozen armed members make a group able to hold a front",
        gt=0.0,
    )
    truce: float = param(
        0.0,
        unit="0-1",
        meaning="A mediated pact between groups: the share by which contests fall while it holds. "
        "Setting it above 0 makes a pact; it holds until broken (groups.truce_break, or set to 0).",
        source="0 (no pact) by default; a lever. Fortaleza's homicides fell 39% in the 2016 faction pact "
        "and rose 96.5% in 2017 when it broke (SSPDS-CE)",
        ge=0.0,
        le=1.0,
        lever=True,
    )
    truce_break: float = param(
        0.0,
        unit="per week",
        meaning="Chance in a week that a pact breaks of itself.",
        source="assumption: 0, so that a pact holds until a scenario breaks it",
        ge=0.0,
        le=1.0,
        lever=True,
    )
    disarray: float = param(
        0.5,
        unit="share of strength",
        meaning="Armed strength a group loses when its leader is removed (mechanisms.leadership "
        "campaign), recovered as the successor takes hold.",
        source="assumption, set so that a removal raises violence around the group for some months, "
        "as after Mexican leader removals (Calderon, Robles, Diaz-Cayeros and Magaloni 2015: +36.5% "
        "drug-related violence in six months)",
        ge=0.0,
        le=1.0,
    )
    recovery: float = param(
        0.1,
        unit="per week",
        meaning="Share of the remaining disarray a group recovers each week after a leader's removal.",
        source="assumption: disarray halves in about seven weeks and is mostly gone within six months "
        "(Calderon et al. 2015 find the rise concentrated in the first six months)",
        ge=0.0,
        le=1.0,
    )
    split_members: float = param(
        50.0,
        unit="members",
        meaning="Size at which a leaderless group splits with half of groups.split_chance "
        "(mechanisms.leadership campaign): larger groups have factions ready to part.",
        source="assumption",
        gt=0.0,
    )
    merger_rate: float = param(
        0.02,
        unit="per week",
        meaning="Chance in a week that a much weaker group bordering a stronger one is absorbed by it "
        "(mechanisms.consolidation mergers).",
        source="assumption; consolidation into hegemonic factions is documented in Brazil (the PCC in "
        "Sao Paulo; Biderman, De Mello, Lima and Schneider 2019) and Ceara (CV, GDE, PCC)",
        ge=0.0,
        le=1.0,
    )
    absorb_ratio: float = param(
        0.25,
        unit="x",
        meaning="A group is absorbable when its armed strength is below this share of a bordering group's.",
        source="assumption",
        ge=0.0,
        le=1.0,
    )
    viable_revenue: float = param(
        1_000.0,
        unit="USD per week",
        meaning="Weekly retail margin a group needs: a new group forms only while the market's margin "
        "per group, one more included, is above it (mechanisms.consolidation mergers).",
        source="assumption",
        ge=0.0,
    )
    transfer_predation: float = param(
        0.0,
        unit="share",
        meaning="Share of programme benefits a group extorts from households on the blocks it squeezes.",
        source="0 by default; a lever: predation on transfers is documented for Mexico's Progresa "
        "expansion (Zizumbo-Colunga 2023)",
        ge=0.0,
        le=1.0,
        lever=True,
    )
    seller_victims: float = param(
        0.5,
        unit="probability",
        meaning="Chance that someone killed in a contest who is not a member of the two groups is a "
        "seller working on or next to the block (mechanisms.victims involvement); else a bystander.",
        source="assumption: drug trafficking is the commonest prior offence of Fortaleza's homicide "
        "victims (SSPDS, Jan-Jul 2017)",
        ge=0.0,
        le=1.0,
    )
    combatant_share: float = param(
        0.7,
        unit="probability",
        meaning="Chance that someone killed in a contest is a member of one of the two groups fighting "
        "(otherwise anyone on the block).",
        source="assumption, after most homicide victims in the region being young men (UNODC Global "
        "Study on Homicide 2013: 79% of victims male, 43% aged 15-29)",
        ge=0.0,
        le=1.0,
    )
    governance_threshold: float = param(
        0.35,
        unit="0-1",
        meaning="State presence below which a group also governs a block it holds (symbiotic); "
        "above it, it only extracts (parasitic).",
        source="assumption; the background paper describes symbiotic presence where the state is "
        "absent and parasitic presence elsewhere",
        ge=0.0,
        le=1.0,
    )
    welfare: float = param(
        2.0,
        unit="USD per resident-week",
        meaning="Welfare a governing group pays each resident of the blocks it governs, as far as "
        "its capital allows.",
        source="assumption",
        ge=0.0,
        le=1_000.0,
    )
    support: float = param(
        0.5,
        unit="x",
        meaning="How much local support on governed blocks adds to a group's pull on young people "
        "(pressure x (1 + support), at most 1).",
        source="assumption",
        ge=0.0,
        le=10.0,
    )
    extortion: float = param(
        0.01,
        unit="share of legal income",
        meaning="Share of residents' legal income a parasitic group extorts on the blocks it holds.",
        source="assumption: at 5% groups grew so rich that territories and homicides (~100 per "
        "100,000) ran far above the region's figures; at 1% default runs give homicides of a few to "
        "about 20 per 100,000 a year, below Brazil's 18 on average",
        ge=0.0,
        le=1.0,
    )
    split_chance: float = param(
        0.5,
        unit="probability",
        meaning="Chance a group that loses its leader, or has its capital seized, splits into two "
        "rival factions.",
        source="assumption; the background paper notes the continued fragmentation of criminal "
        "groups in the region, without tying it to leadership removal",
        ge=0.0,
        le=1.0,
    )
    formation_rate: float = param(
        0.02,
        unit="per week",
        meaning="Chance in a week that a new group forms where independent sellers cluster on "
        "blocks no group controls.",
        source="assumption",
        ge=0.0,
        le=1.0,
    )
    formation_sellers: int = param(
        5,
        unit="sellers",
        meaning="Independent sellers within one block needed for a new group to form there.",
        source="assumption",
        ge=1,
        le=10_000,
    )
    deterrence_response: float = param(
        50.0,
        unit="x",
        meaning="How far a group under focused deterrence holds back from fighting: its restraint is "
        "this times the weekly share of its members it recently lost to crackdowns (at most 1); a "
        "contest's rate falls by the mean restraint of its two sides.",
        source="assumption: a group losing 2% of its sellers a week to crackdowns (about two "
        "thirds in a year) stops fighting; with no crackdown losses there is no restraint, so "
        "deterrence can fail",
        ge=0.0,
        le=1_000.0,
    )
    move_margin: float = param(
        0.25,
        unit="share",
        meaning="How much more a free block next to its territory must be worth (demand net of "
        "police risk) before a group gives up its most policed block for it.",
        source="assumption: moving has costs of its own",
        ge=0.0,
        le=100.0,
    )
    expansion_cost: float = param(
        1_500.0,
        unit="USD",
        meaning="Capital a group spends to take one adjacent free block.",
        source="assumption",
        ge=0.0,
    )


class Policing(_Section):
    """Patrols and arrests."""

    units_per_10k: float = param(
        5.0,
        unit="patrol units per 10,000 residents",
        meaning="Patrol units working the neighbourhood.",
        source="assumption",
        ge=0.0,
        le=1_000.0,
        lever=True,
    )
    community: float = param(
        0.0,
        unit="share of units",
        meaning="Share of police units doing community policing: slower to arrest, builds trust.",
        source="assumption: 0 by default; a lever",
        ge=0.0,
        le=1.0,
        lever=True,
    )
    soldiers_per_10k: float = param(
        0.0,
        unit="army patrol units per 10,000 residents",
        meaning="Soldiers patrolling the neighbourhood (militarisation).",
        source="assumption: 0 by default; the background paper describes the military on the streets "
        "in 'mano dura' policies",
        ge=0.0,
        le=1_000.0,
        lever=True,
    )
    blocks_per_week: int = param(
        15,
        unit="blocks",
        meaning="Blocks a patrol unit walks through in a week.",
        source="assumption",
        ge=1,
        le=1_000,
    )
    encounter: float = param(
        0.25,
        unit="probability",
        meaning="Chance a patrol passing a block encounters a given seller selling there.",
        source="assumption",
        ge=0.0,
        le=1.0,
    )
    punitive_intensity: float = param(
        0.5,
        unit="probability",
        meaning="Chance an encountered seller is arrested.",
        source="assumption",
        ge=0.0,
        le=1.0,
        lever=True,
    )
    hot_spots: float = param(
        0.0,
        unit="share of units",
        meaning="Chance that a patrol unit spends a given week on the hot spots (blocks of recent "
        "arrests and violence, in proportion to both) instead of walking from where it stands: on "
        "average, the share of units doing so.",
        source="assumption: 0 is random patrol; hot-spot policing is a lever",
        ge=0.0,
        le=1.0,
        lever=True,
    )
    focused_deterrence: float = param(
        0.0,
        unit="share of units",
        meaning="Chance that a patrol unit spends a given week on focused deterrence (on average, the "
        "share of units doing so): it works the territory of the groups behind recent violence, in "
        "proportion to it, and groups are told that violence brings this.",
        source="assumption: 0 by default; a lever (focused deterrence as in Braga, Weisburd and "
        "Turchan 2018, 'Focused deterrence strategies and crime control', Criminology & Public Policy)",
        ge=0.0,
        le=1.0,
        lever=True,
    )
    kingpin: float = param(
        0.0,
        unit="per group-week",
        meaning="Leadership targeting under mechanisms.leadership weekly_rate: weekly chance that each "
        "group's leader is arrested.",
        source="assumption: 0 (no campaign) by default; a lever",
        ge=0.0,
        le=1.0,
        lever=True,
    )
    leaders_per_year: float = param(
        0.0,
        unit="leaders per year",
        meaning="Leadership targeting under mechanisms.leadership campaign: leaders the state can "
        "remove in a year, the most notorious groups first.",
        source="assumption: 0 (no campaign) by default; a lever. Mexico's kingpin strategy removed "
        "dozens of leaders and lieutenants a year nationwide (Calderon et al. 2015)",
        ge=0.0,
        le=520.0,
        lever=True,
    )
    financial: float = param(
        0.0,
        unit="per group-week",
        meaning="Financial investigation: weekly chance that each group's money is traced and seized.",
        source="assumption: 0 by default; a lever (the background paper calls for attacking money "
        "laundering)",
        ge=0.0,
        le=1.0,
        lever=True,
    )
    seizure: float = param(
        0.5,
        unit="share of capital",
        meaning="Share of a group's capital seized when an investigation succeeds.",
        source="assumption",
        ge=0.0,
        le=1.0,
    )
    arrest_possession: bool = param(
        False,
        unit="yes/no",
        meaning="Whether users found with drugs are arrested too.",
        source="assumption: off by default; on in 'mano dura' regimes",
        lever=True,
    )
    community_arrest: float = param(
        0.5,
        unit="x",
        meaning="Arrest chance of a community-policing pass relative to an ordinary one.",
        source="assumption",
        ge=0.0,
        le=1.0,
    )
    soldier_arrest: float = param(
        1.5,
        unit="x",
        meaning="Arrest chance of a soldiers' pass relative to an ordinary one (capped at certainty).",
        source="assumption: soldiers are trained for force, not for policing",
        ge=0.0,
        le=10.0,
    )
    police_force: float = param(
        0.002,
        unit="incidents per pass",
        meaning="Chance a police patrol pass through a block ends in an incident of force.",
        source="assumption",
        ge=0.0,
        le=1.0,
    )
    soldier_force: float = param(
        0.01,
        unit="incidents per pass",
        meaning="Chance a soldiers' pass through a block ends in an incident of force.",
        source="assumption: five times the police rate",
        ge=0.0,
        le=1.0,
    )
    force_lethality: float = param(
        0.05,
        unit="probability",
        meaning="Chance an incident of force kills someone (a death in an operation).",
        source="assumption: with default patrols, a few deaths per 100,000 residents a year, the "
        "order reported for police killings in Brazil",
        ge=0.0,
        le=1.0,
    )
    reporting: float = param(
        0.5,
        unit="0-1",
        meaning="How much residents' trust raises the police's chance of finding sellers (tips).",
        source="assumption",
        ge=0.0,
        le=1.0,
    )
    possession_encounter: float = param(
        0.02,
        unit="probability",
        meaning="Chance a patrol passing a block stops and searches a given resident there.",
        source="assumption",
        ge=0.0,
        le=1.0,
    )

    @model_validator(mode="after")
    def _one_assignment_per_unit(self) -> Policing:
        if self.hot_spots + self.focused_deterrence > 1.0:
            raise ValueError(
                "hot_spots + focused_deterrence must be at most 1 (each is a share of the same units; "
                f"got {self.hot_spots} + {self.focused_deterrence})"
            )
        return self


class Legitimacy(_Section):
    """Residents' trust in the state and what it changes."""

    abuse_loss: float = param(
        0.2,
        unit="share of trust",
        meaning="Share of their trust residents lose for each abuse they witness on or next to their block.",
        source="assumption",
        ge=0.0,
        le=1.0,
    )
    arbitrary_loss: float = param(
        0.02,
        unit="share of trust",
        meaning="Share of trust lost for each neighbour on the block arrested for possession alone.",
        source="assumption",
        ge=0.0,
        le=1.0,
    )
    impunity_loss: float = param(
        0.05,
        unit="share of trust per incident",
        meaning="Share of trust lost per week for each recent violent incident on the block "
        "(violence the state does not stop).",
        source="assumption",
        ge=0.0,
        le=1.0,
    )
    community_gain: float = param(
        0.05,
        unit="share of distrust",
        meaning="Share of the gap to full trust closed by each community-policing pass.",
        source="assumption",
        ge=0.0,
        le=1.0,
    )
    drift: float = param(
        0.01,
        unit="per week",
        meaning="How fast trust drifts towards the block's state presence.",
        source="assumption: opinions change over years, not weeks",
        ge=0.0,
        le=1.0,
    )
    effect: float = param(
        0.5,
        unit="0-1",
        meaning="How strongly trust raises reluctance to sell and weakens group pressure.",
        source="assumption",
        ge=0.0,
        le=1.0,
    )
    resist: float = param(
        0.5,
        unit="0-1",
        meaning="Mean trust of a block's residents above which they refuse a group's governance "
        "(they take disputes to the state), so the group can only extract there.",
        source="assumption: half-way trust",
        ge=0.0,
        le=1.0,
    )


class Justice(_Section):
    """Courts, pre-trial detention, prison and records."""

    pretrial_detention: float = param(
        0.6,
        unit="probability",
        meaning="Chance an arrested adult is held in pre-trial detention.",
        source="assumption: a chance per arrest, not derived from the prison stock. Pre-trial "
        "prisoners are 7.8% of prisoners in Uruguay (Comisionado Parlamentario 2023) and up to "
        "81.9% in Haiti (Le Nouvelliste, Jan 2024); 27.7% in Brazil (2024). Pre-trial stays are "
        "short beside sentences, so a default run's pre-trial share of the neighbourhood's "
        "prisoners is only about 11%",
        ge=0.0,
        le=1.0,
        lever=True,
    )
    pretrial_weeks: float = param(
        60.0,
        unit="weeks",
        meaning="Mean time held before trial.",
        source="assumption, set so that about a quarter of the neighbourhood's prisoners await trial, as "
        "in Brazil (27.7% in 2024, SISDEPEN); in Ceara the share was about half (54.3% in 2019, SAP)",
        gt=0.0,
        le=520.0,
        lever=True,
    )
    conviction: float = param(
        0.7,
        unit="probability",
        meaning="Chance a trial (for selling or for possession) ends in a prison sentence.",
        source="assumption",
        ge=0.0,
        le=1.0,
    )
    sentence_weeks: float = param(
        156.0,
        unit="weeks",
        meaning="Mean prison sentence for small-scale selling.",
        source="assumption: Brazil's drug law (Lei 11.343/2006) sets 5-15 years for trafficking, "
        "reducible by up to two thirds for first-time small sellers",
        gt=0.0,
        le=2_600.0,
        lever=True,
    )
    possession_sentence_weeks: float = param(
        26.0,
        unit="weeks",
        meaning="Mean prison sentence for possession, where it is arrested.",
        source="assumption",
        gt=0.0,
        le=2_600.0,
        lever=True,
    )
    age_of_responsibility: int = param(
        18,
        unit="years",
        meaning="Age from which an arrested resident can be held and sentenced as an adult.",
        source="assumption: 18 in most of the region's penal codes",
        ge=0,
        le=30,
        lever=True,
    )
    juvenile_detention: float = param(
        0.3,
        unit="probability",
        meaning="Chance an arrested minor is held in juvenile detention (else sent home).",
        source="assumption",
        ge=0.0,
        le=1.0,
        lever=True,
    )
    juvenile_weeks: float = param(
        26.0,
        unit="weeks",
        meaning="Mean stay in juvenile detention.",
        source="assumption: Brazil's ECA caps socio-educational internment at three years; most "
        "stays are far shorter",
        gt=0.0,
        le=520.0,
    )
    tie_rate: float = param(
        0.01,
        unit="per inmate-week at 100% occupancy",
        meaning="Chance an inmate forms ties with a group inside in a week; it grows in proportion to "
        "occupancy (overcrowding strengthens the prison as a school of crime).",
        source="assumption",
        ge=0.0,
        le=1.0,
    )
    tie_reluctance: float = param(
        0.5,
        unit="x",
        meaning="Reluctance to sell of a released resident with prison ties, relative to one without.",
        source="assumption",
        gt=0.0,
        le=10.0,
    )
    riot_threshold: float = param(
        150.0,
        unit="% occupancy",
        meaning="Occupancy above which riots can break out.",
        source="assumption, not calibrated: the background paper reports serious riots in "
        "Ecuador at 114% (Feb 2023) and overcrowding of 454% in Haiti (2021), so riots happen "
        "across that range; 150 is a guess within it. A neighbourhood of sellers holds more drug "
        "prisoners per head than its country, so default runs (Brazil, 136% nationally) sit near "
        "200% and riots can break out at baseline, at a rate set by riot_rate",
        ge=0.0,
        le=10_000.0,
    )
    riot_rate: float = param(
        0.01,
        unit="per week per 100 points above the threshold",
        meaning="Weekly chance of a riot, growing with occupancy above the threshold.",
        source="assumption",
        ge=0.0,
        le=1.0,
    )
    riot_lethality: float = param(
        0.01,
        unit="share of inmates",
        meaning="Share of the neighbourhood's inmates killed in a riot.",
        source="assumption",
        ge=0.0,
        le=1.0,
    )
    record_job_penalty: float = param(
        0.5,
        unit="0-1",
        meaning="How much a criminal record cuts the chance of being hired into formal work.",
        source="assumption",
        ge=0.0,
        le=1.0,
    )
    record_reluctance: float = param(
        0.5,
        unit="x",
        meaning="Reluctance to sell of a resident with a record, relative to one without.",
        source="assumption: re-offending is common; Brazil's DEPEN finds 21% re-offend within a "
        "year and 38.9% within five",
        gt=0.0,
        le=10.0,
    )


class Costs(_Section):
    """What enforcement costs the state, so that every scenario reports its bill."""

    patrol_week: float = param(
        600.0,
        unit="USD per patrol unit-week",
        meaning="Cost of one patrol unit (two officers and a vehicle) for a week.",
        source="assumption: two police salaries of roughly US$1,000 a month plus a vehicle",
        ge=0.0,
    )
    prisoner_week: float = param(
        100.0,
        unit="USD per prisoner-week",
        meaning="Cost of holding one prisoner (pre-trial or sentenced) for a week.",
        source="assumption: of the order of US$400-500 a month per prisoner in Brazil",
        ge=0.0,
    )
    investigation_week: float = param(
        5_000.0,
        unit="USD per week",
        meaning="Cost of a week of each kind of investigation running (leadership targeting, financial, "
        "focused deterrence), whatever its result.",
        source="assumption: an investigative unit with surveillance and informants",
        ge=0.0,
    )
    soldier_week: float = param(
        900.0,
        unit="USD per army unit-week",
        meaning="Cost of one army patrol unit for a week.",
        source="assumption: half as much again as a police unit",
        ge=0.0,
    )
    juvenile_week: float = param(
        150.0,
        unit="USD per detainee-week",
        meaning="Cost of holding one minor in juvenile detention for a week.",
        source="assumption: juvenile units cost more per head than prisons",
        ge=0.0,
    )


class Households(_Section):
    """Households, women, migrants and the next generation."""

    need_effect: float = param(
        0.5,
        unit="0-1",
        meaning="How far need lowers reluctance to sell: reluctance x (1 - need_effect x shortfall), "
        "the shortfall being the share of the poverty line a resident's means miss (0-1; see "
        "income_sharing).",
        source="assumption; the background paper's causal story: income shocks and informality feed "
        "recruitment",
        ge=0.0,
        le=1.0,
    )
    income_sharing: float = param(
        0.8,
        unit="share",
        meaning="Share of the household's income per person that makes up a member's means, the "
        "rest being their own legal income (households pool most, not all, of what they earn).",
        source="assumption",
        ge=0.0,
        le=1.0,
    )
    care_age: int = param(
        6,
        unit="years",
        meaning="Children younger than this need care at home.",
        source="assumption: pre-school age",
        ge=0,
        le=18,
    )
    care_burden: float = param(
        0.5,
        unit="share",
        meaning="Share of her chances of finding work, and of what informal work would pay her, that "
        "a woman of working age loses to care duties while her household has a child under care age.",
        source="assumption; the background paper asks for the particular reasons for women's "
        "involvement to be understood and cites WOLA (2020) on the factors leading to women's "
        "imprisonment for drug offences; the size of the effect is not from a source",
        ge=0.0,
        le=1.0,
    )
    partner_effect: float = param(
        0.5,
        unit="0-1",
        meaning="How far another seller in her household (a partner's involvement) lowers a woman's "
        "reluctance to sell.",
        source="assumption; the size of the effect is not from a source (see care_burden)",
        ge=0.0,
        le=1.0,
    )
    female_rank: float = param(
        0.6,
        unit="x",
        meaning="Share of a seller's usual margin a woman keeps: women hold the lowest ranks of the "
        "chain (couriers, small retail).",
        source="assumption; the background paper on women's low rank in the chain",
        ge=0.0,
        le=1.0,
    )
    parent_prison_dropout: float = param(
        1.5,
        unit="x",
        meaning="School dropout of a child whose household has an adult in prison, relative to others.",
        source="assumption; the background paper counts 1.7-2.3 million children with a parent in "
        "prison in 25 countries of the region (2019) and 12 million children and adolescents "
        "outside formal education; the size of the effect is not from a source",
        ge=0.0,
        le=20.0,
    )
    migrant_formal: float = param(
        0.5,
        unit="x",
        meaning="A migrant's chance of finding formal work relative to a native's (papers, "
        "recognition of skills).",
        source="assumption; the share of migrants is set by the country context (R4V)",
        ge=0.0,
        le=1.0,
    )
    migrant_network: float = param(
        0.7,
        unit="x",
        meaning="A migrant's chance of finding informal work relative to a native's (weaker networks).",
        source="assumption",
        ge=0.0,
        le=1.0,
    )
    migrant_concentration: float = param(
        1.0,
        unit="x",
        meaning="Share of migrants in the neighbourhood relative to the country's share.",
        source="assumption: migrants settle where housing is cheap, so a poor neighbourhood may hold "
        "more than the national share; 1 uses the national share",
        ge=0.0,
        le=20.0,
    )
    public_time_women: float = param(
        0.4,
        unit="x",
        meaning="Time women spend out in public relative to men of their age, which sets how often "
        "patrols' searches and stray violence meet them (mechanisms.searches public_places, "
        "mechanisms.victims involvement).",
        source="assumption: women in the region carry most unpaid care work at home (ECLAC time-use "
        "surveys); 0.4 is not derived from them",
        ge=0.0,
        le=10.0,
    )


class Targeting(StrEnum):
    """Who a cash transfer is for."""

    UNIVERSAL = "universal"
    MEANS_TESTED = "means_tested"
    CONDITIONAL = "conditional"


class _Programme(_Section):
    """What every programme has: a budget, places, outreach and take-up."""

    budget_week: float = param(
        0.0,
        unit="USD per week",
        meaning="Weekly budget; 0 means the programme does not run.",
        source="assumption: programmes are off by default; scenarios switch them on",
        ge=0.0,
        le=1e9,
        lever=True,
    )
    capacity: int = param(
        0,
        unit="places",
        meaning="Most people (households for cash transfers, blocks for institutional presence) "
        "enrolled at once; 0 means only the budget limits it.",
        source="assumption",
        ge=0,
        le=10_000_000,
        lever=True,
    )
    coverage: float = param(
        1.0,
        unit="share",
        meaning="Share of the eligible whom the programme's outreach reaches.",
        source="assumption: full outreach unless a scenario says otherwise",
        ge=0.0,
        le=1.0,
        lever=True,
    )
    take_up: float = param(
        0.8,
        unit="share",
        meaning="Share of those reached who enrol.",
        source="assumption: most eligible families take up a benefit they are offered",
        ge=0.0,
        le=1.0,
    )


class CashTransfer(_Programme):
    """Cash transfers to households."""

    amount: float = param(
        30.0,
        unit="USD per household-week",
        meaning="Transfer paid to each enrolled household.",
        source="Bolsa Familia's minimum of R$600 per family per month (about US$124, iG Economia "
        "2023) is about US$29 a week",
        ge=0.0,
        le=10_000.0,
        lever=True,
    )
    targeting: Targeting = param(
        Targeting.MEANS_TESTED,
        unit="universal / means_tested / conditional",
        meaning="Who is eligible: every household; poor households (income per person, before "
        "transfers, below the poverty line); or poor households with children aged 12-17 who all "
        "attend school.",
        source="assumption: the region's large transfers mostly target poor households (Bolsa "
        "Familia, Renta Ciudadana, Juntos), several with school conditions as well; the background "
        "paper discusses universal transfers and guaranteed minimum incomes",
        lever=True,
    )


class Jobs(_Programme):
    """Employment programme: subsidised placements in formal work, or self-employment support."""

    subsidy: float = param(
        60.0,
        unit="USD per placement-week",
        meaning="Wage subsidy paid for each placement while it lasts.",
        source="assumption: about half a formal wage at Brazil's minimum wage",
        ge=0.0,
        le=10_000.0,
    )
    weeks: int = param(
        26, unit="weeks", meaning="How long a placement is subsidised.", source="assumption", ge=1, le=520
    )
    retention: float = param(
        0.5,
        unit="probability",
        meaning="Chance the job lasts once the subsidy ends.",
        source="assumption",
        ge=0.0,
        le=1.0,
    )
    self_employment: float = param(
        0.0,
        unit="share",
        meaning="Share of places that are self-employment support (a start-up grant and training "
        "for informal work) instead of formal placements.",
        source="assumption: 0, all formal placements, unless a scenario says otherwise",
        ge=0.0,
        le=1.0,
        lever=True,
    )
    start_up: float = param(
        0.3,
        unit="share",
        meaning="How much self-employment support raises a person's earning capacity (capital, "
        "skills), for good.",
        source="assumption",
        ge=0.0,
        le=10.0,
    )
    min_age: int = param(
        18, unit="years", meaning="Youngest age eligible.", source="assumption", ge=0, le=100, lever=True
    )
    max_age: int = param(
        29,
        unit="years",
        meaning="Oldest age eligible.",
        source="assumption: the young adults of the age-crime curve",
        ge=0,
        le=100,
        lever=True,
    )

    @model_validator(mode="after")
    def _ages_in_order(self) -> Jobs:
        if self.min_age > self.max_age:
            raise ValueError(
                "min_age must be at most max_age, or nobody is eligible "
                f"(got {self.min_age} and {self.max_age})"
            )
        return self


class School(_Programme):
    """School retention: keeps 12-17-year-olds of poor households in school, or brings them back."""

    cost: float = param(
        5.0,
        unit="USD per student-week",
        meaning="Cost of supporting one student for a week (tutoring, meals, materials, follow-up).",
        source="assumption",
        ge=0.0,
        le=10_000.0,
    )
    effect: float = param(
        0.5,
        unit="share",
        meaning="Share of the dropout hazard the programme removes for a supported student.",
        source="assumption",
        ge=0.0,
        le=1.0,
    )
    return_rate: float = param(
        0.05,
        unit="per week",
        meaning="Chance in a week that a supported out-of-school 12-17-year-old goes back to school.",
        source="assumption: ten times the unsupported rate",
        ge=0.0,
        le=1.0,
    )


class PenalAlternatives(_Programme):
    """Penal alternatives: first offenders get a community sentence or treatment instead of prison."""

    cost: float = param(
        25.0,
        unit="USD per person-week",
        meaning="Cost of one person's community sentence or treatment for a week.",
        source="assumption: a quarter of a prison place",
        ge=0.0,
        le=10_000.0,
    )
    weeks: int = param(
        26,
        unit="weeks",
        meaning="Length of a community sentence or treatment.",
        source="assumption",
        ge=1,
        le=520,
    )


class Reentry(_Programme):
    """Re-entry support for people leaving prison."""

    cost: float = param(
        20.0,
        unit="USD per person-week",
        meaning="Cost of supporting one released person for a week.",
        source="assumption",
        ge=0.0,
        le=10_000.0,
    )
    weeks: int = param(
        26, unit="weeks", meaning="How long support lasts after release.", source="assumption", ge=1, le=520
    )
    job_rate: float = param(
        0.05,
        unit="per week",
        meaning="Chance in a week that a supported person without work is placed in a formal job "
        "(the placement does not look at the record).",
        source="assumption",
        ge=0.0,
        le=1.0,
    )


class Women(_Programme):
    """Programme for women: income, childcare and job support for poor women with a young child."""

    amount: float = param(
        15.0,
        unit="USD per woman-week",
        meaning="Income support paid to each enrolled woman's household.",
        source="assumption; Haiti's Ti Manman Cheri pays mothers (CEPAL non-contributory programmes "
        "database)",
        ge=0.0,
        le=10_000.0,
    )
    childcare_cost: float = param(
        15.0,
        unit="USD per woman-week",
        meaning="Cost of childcare for one enrolled woman for a week; with it her care duties "
        "no longer hold her back from work.",
        source="assumption",
        ge=0.0,
        le=10_000.0,
    )
    job_rate: float = param(
        0.02,
        unit="per week",
        meaning="Chance in a week that an enrolled woman without work is placed in a formal job.",
        source="assumption",
        ge=0.0,
        le=1.0,
    )


class Presence(_Programme):
    """Institutional presence: the state returns to the blocks where it is weakest."""

    cost: float = param(
        1_000.0,
        unit="USD per block-week",
        meaning="Cost of services and dispute settlement on one block for a week.",
        source="assumption: a few public workers and a service point per block",
        ge=0.0,
        le=1e6,
    )
    boost: float = param(
        0.3,
        unit="0-1",
        meaning="How much the programme raises state presence on the blocks it serves (at most to 1).",
        source="assumption",
        ge=0.0,
        le=1.0,
        lever=True,
    )


class Programmes(_Section):
    """Social programmes; each runs when its weekly budget is above zero."""

    cash: CashTransfer = CashTransfer()
    jobs: Jobs = Jobs()
    school: School = School()
    penal: PenalAlternatives = PenalAlternatives()
    reentry: Reentry = Reentry()
    women: Women = Women()
    presence: Presence = Presence()


class Mechanisms(_Section):
    """Structural rules, each with the rule it had before (see ``model.mechanisms``)."""

    violence: ViolenceRule = param(
        ViolenceRule.ARMED_STRENGTH,
        unit=" / ".join(ViolenceRule),
        meaning="What sets how often rivals fight over a border and who wins it: the rivals' armed "
        "strength and the value at stake, or the demand at stake and the number of rivals only.",
        source="armed strength after Dell (2015, AER: crackdowns that weaken a group invite rivals) and "
        "Lessing (2017); border_demand is Barrio 0.1's rule",
    )
    victims: VictimRule = param(
        VictimRule.INVOLVEMENT,
        unit=" / ".join(VictimRule),
        meaning="Who dies in a contest: by involvement (members, sellers, then people out in public), "
        "or a member else anyone on the block.",
        source="involvement after the victims' profile in Ceara (91.6% male, SSPDS 2024; about 70% "
        "aged 12-29 in Fortaleza, 2017); block_residents is Barrio 0.1's rule",
    )
    searches: SearchRule = param(
        SearchRule.PUBLIC_PLACES,
        unit=" / ".join(SearchRule),
        meaning="Whom possession searches fall on: people out in public where selling happens, or any "
        "resident of a patrolled block.",
        source="public_places after police stop-and-search practice (young men in public spaces); "
        "block_residents is Barrio 0.1's rule",
    )
    leadership: LeadershipRule = param(
        LeadershipRule.CAMPAIGN,
        unit=" / ".join(LeadershipRule),
        meaning="Leadership targeting as a campaign with a yearly capacity and succession, or a weekly "
        "chance for every group.",
        source="campaign after Calderon et al. (2015) and Lindo and Padilla-Romo (2018); weekly_rate is "
        "Barrio 0.1's rule",
    )
    recruitment: RecruitmentRule = param(
        RecruitmentRule.REPLACEMENT,
        unit=" / ".join(RecruitmentRule),
        meaning="Whether a group presses young people harder as it loses members to arrest "
        "(groups.replacement), or always alike.",
        source="replacement after Prieto-Curiel, Campedelli and Hope (2023, Science: Mexican cartels recruit "
        "350-370 people a week to replace their losses); constant is Barrio 0.1's rule",
    )
    price: PriceRule = param(
        PriceRule.RISK_PRICE,
        unit=" / ".join(PriceRule),
        meaning="Whether the retail price carries sellers' risk and demand answers it, or both are fixed.",
        source="risk_price after Reuter and Kleiman (1986) and Caulkins and Reuter (2010); fixed is "
        "Barrio 0.1's rule",
    )
    affiliation: AffiliationRule = param(
        AffiliationRule.TERRITORIAL,
        unit=" / ".join(AffiliationRule),
        meaning="Whether retail on a group's blocks is the group's business (members, taxed or expelled "
        "independents), or independents there merely pay a cut and may join.",
        source="territorial after the background paper (factions run retail in Fortaleza's peripheries); "
        "voluntary is Barrio 0.1's rule",
    )
    governance: GovernanceRule = param(
        GovernanceRule.COMPETING,
        unit=" / ".join(GovernanceRule),
        meaning="Whether the state's presence competes with a group's rule (shielding residents from "
        "extortion), or above a threshold turns a governing group into a full-rate extortionist.",
        source="competing after Arias (2017, Criminal Enterprises and Governance in Latin America and "
        "the Caribbean) and Lessing (2021); presence_threshold is Barrio 0.1's rule",
    )
    consolidation: ConsolidationRule = param(
        ConsolidationRule.MERGERS,
        unit=" / ".join(ConsolidationRule),
        meaning="Whether groups absorb much weaker neighbours and the market bounds their number, or "
        "groups never merge.",
        source="mergers after the PCC's hegemony in Sao Paulo (Biderman et al. 2019); none is Barrio "
        "0.1's rule",
    )


class Params(_Section):
    """All parameters of one Barrio run.

    Attributes:
        country: Key of the country context (see ``model.contexts.CONTEXTS``); it sets labour,
            wage and prison figures.
    """

    country: str = param(
        "brazil",
        unit="name",
        meaning="Country context that sets labour, wage and prison figures.",
        source="the nine contexts in model/data/contexts.yaml, each figure with its own source",
    )
    timing: Timing = Timing()
    neighbourhood: Neighbourhood = Neighbourhood()
    economy: Economy = Economy()
    market: Market = Market()
    selling: Selling = Selling()
    groups: Groups = Groups()
    policing: Policing = Policing()
    justice: Justice = Justice()
    legitimacy: Legitimacy = Legitimacy()
    households: Households = Households()
    programmes: Programmes = Programmes()
    costs: Costs = Costs()
    mechanisms: Mechanisms = Mechanisms()

    @field_validator("country")
    @classmethod
    def _known_country(cls, value: str) -> str:
        if value not in CONTEXTS:
            raise ValueError(f"unknown country {value!r}; allowed: {', '.join(sorted(CONTEXTS))}")
        return value

    @classmethod
    def build(cls, data: dict[str, Any] | None = None, *, source: str = "parameters") -> Params:
        """Validate a (nested) dict of parameters, reporting every problem at once.

        Args:
            data: Values that differ from the defaults, nested by section.
            source: Where the values came from (a file name), used in the message.

        Raises:
            ParameterError: If any value is unknown, of the wrong type or out of range.
        """
        try:
            return cls.model_validate(data or {})
        except ValidationError as err:
            raise ParameterError(_describe(err), source=source) from err

    def at_population(self, residents: int) -> Params:
        """The same neighbourhood with ``residents`` people, at the same density.

        The grid's sides scale with the square root of the change (its shape is kept), and
        the number of groups, every programme's budget and places, and the leaders a year a
        campaign can remove scale with it, so that residents per block, per group, per dollar
        and per removal stay as they were. Police units are already set per 10,000 residents.
        """
        nb = self.neighbourhood
        ratio = residents / nb.population
        changes: dict[str, Any] = {
            "neighbourhood__population": residents,
            "neighbourhood__width": max(3, round(nb.width * math.sqrt(ratio))),
            "neighbourhood__height": max(3, round(nb.height * math.sqrt(ratio))),
            "groups__count": max(1, round(self.groups.count * ratio)) if self.groups.count else 0,
        }
        settings = {
            f"programmes.{name}.{field}": getattr(getattr(self.programmes, name), field)
            for name in type(self.programmes).model_fields
            for field in SCALED_WITH_POPULATION
        }
        settings["policing.leaders_per_year"] = self.policing.leaders_per_year
        for path, value in scaled_amounts(settings, ratio).items():
            changes[path.replace(".", "__")] = value
        return self.replace(**changes)

    def with_levers(self, changes: Mapping[str, Any]) -> Params:
        """Return a copy with values changed by dotted path: ``{"policing.punitive_intensity": 0.9}``.

        Raises:
            ParameterError: If any value is unknown, of the wrong type or out of range.
        """
        return self.replace(**{path.replace(".", "__"): value for path, value in changes.items()})

    def replace(self, **changes: Any) -> Params:
        """Return a copy with some values changed, given as ``section__field=value``.

        Example: ``params.replace(policing__punitive_intensity=0.9)``.
        """
        data = self.model_dump()
        for key, value in changes.items():
            *path, leaf = key.split("__")
            node = data
            for part in path:
                node = node[part]
            node[leaf] = value
        return Params.build(data)


def _describe(err: ValidationError) -> list[tuple[str, str]]:
    problems = []
    for e in err.errors():
        path = ".".join(str(p) for p in e["loc"]) or "(top level)"
        message = e["msg"].removeprefix("Value error, ")
        if e["type"] == "extra_forbidden":
            message = "unknown parameter"
            if len(e["loc"]) == 1:
                # A section misspelt, or a parameter given without its section
                # (`punitive_intensity=0.5`): name the dotted path it may be.
                by_name = {name: [name] for name in Params.model_fields} | paths_by_name()
                close = difflib.get_close_matches(str(e["loc"][0]), by_name, n=1)
                if close:
                    paths = by_name[close[0]]
                    message += f"; did you mean {'' if len(paths) == 1 else 'one of '}"
                    message += ", ".join(f"'{p}'" for p in paths) + "?"
        else:
            message = with_input(message, e)
        problems.append((path, message))
    return problems


def with_input(message: str, error: Mapping[str, Any]) -> str:
    """A validation message with the value given, unless it says it already.

    Whether it does is read from a "(got " in it: "greater than 0" holds a 0 that is not the
    value given. A whole section is not repeated: the message says what is wrong with it.
    """
    given = error.get("input")
    if "input" not in error or error["type"] == "missing" or isinstance(given, dict) or "(got " in message:
        return message
    return f"{message} (got {given!r})"


def dotted(tree: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested settings (a dumped :class:`Params`, a manifest's copy of one) as ``{dotted.path: value}``."""
    flat: dict[str, Any] = {}
    for key, value in tree.items():
        if isinstance(value, Mapping):
            flat.update(dotted(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def parameter_table() -> list[dict[str, Any]]:
    """One row per parameter: path, default, unit, range, meaning, source, lever flag."""
    rows: list[dict[str, Any]] = []

    def walk(model_cls: type[BaseModel], prefix: str) -> None:
        for name, field in model_cls.model_fields.items():
            path = f"{prefix}{name}"
            annotation = field.annotation
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                walk(annotation, f"{path}.")
                continue
            extra = field.json_schema_extra or {}
            bounds = {
                k: getattr(m, k) for m in field.metadata for k in ("ge", "gt", "le", "lt") if hasattr(m, k)
            }
            lo = bounds.get("ge", bounds.get("gt"))
            hi = bounds.get("le", bounds.get("lt"))
            rows.append(
                {
                    "path": path,
                    "default": field.default,
                    "unit": extra.get("unit", ""),
                    "min": lo,
                    "max": hi,
                    # "gt 0" is not "0 or more": a range shown or checked must say which.
                    "min_open": "ge" not in bounds and "gt" in bounds,
                    "max_open": "le" not in bounds and "lt" in bounds,
                    "meaning": field.description or "",
                    "source": extra.get("source", ""),
                    "lever": bool(extra.get("lever", False)),
                    "uncertain": tuple(extra["uncertain"]) if "uncertain" in extra else None,
                }
            )
            rows[-1]["plausible"] = plausible_range(rows[-1])

    walk(Params, "")
    return rows


#: Parameters a study chooses rather than one nobody knows (they have no plausible range).
SETTINGS = ("neighbourhood.width", "neighbourhood.height", "neighbourhood.population", "groups.count")


def plausible_range(row: Mapping[str, Any]) -> tuple[float, float] | None:
    """The range of values a parameter (a row of :func:`parameter_table`) plausibly takes.

    Levers are what a policy sets and settings (the run's length, the neighbourhood's size and
    number of groups) what a study chooses, not what nobody knows: they have none. A parameter with
    its own declared range (``uncertain``) has that one. Any other numeric parameter whose
    source is an assumption varies by a factor of two either way, within its bounds (an
    integer rounded); a default of zero, a switch, a name or a rule has none.
    """
    if row["lever"] or row["path"] in SETTINGS or row["path"].startswith("timing."):
        return None
    if row.get("uncertain") is not None:
        return row["uncertain"]
    default = row["default"]
    if isinstance(default, bool) or not isinstance(default, int | float) or default == 0:
        return None
    if not str(row["source"]).startswith("assumption"):
        return None
    lo, hi = default / 2, default * 2
    if row["min"] is not None:
        lo = max(lo, row["min"])
    if row["max"] is not None:
        hi = min(hi, row["max"])
    if isinstance(default, int):
        lo, hi = math.ceil(lo), math.floor(hi)
    return (lo, hi)


def paths_by_name() -> dict[str, list[str]]:
    """The dotted paths of the parameters inside sections, by the parameter's own name.

    For pointing a name given in the wrong place to where it belongs:
    ``paths_by_name()["punitive_intensity"] == ["policing.punitive_intensity"]``; a name used
    in several sections (``budget_week``) has one path per section.
    """
    paths: dict[str, list[str]] = {}
    for row in parameter_table():
        section, _, name = row["path"].rpartition(".")
        if section:
            paths.setdefault(name, []).append(row["path"])
    return paths


#: Programme settings that are amounts for the whole neighbourhood (they scale with it).
SCALED_WITH_POPULATION = ("budget_week", "capacity")
#: Other settings that are amounts for the whole neighbourhood, by dotted path.
SCALED_LEVERS = ("policing.leaders_per_year",)


def scaled_amounts(settings: Mapping[str, Any], ratio: float) -> dict[str, Any]:
    """The amounts for the whole neighbourhood among ``settings`` (by dotted path) times ``ratio``.

    Programme budgets and places, and the leaders a year a campaign can remove; other
    paths are left out.
    """
    scaled = {}
    for path, value in settings.items():
        section, _, field = path.rpartition(".")
        if section.startswith("programmes.") and field in SCALED_WITH_POPULATION:
            scaled[path] = round(value * ratio) if field == "capacity" else value * ratio
        elif path in SCALED_LEVERS:
            scaled[path] = value * ratio
    return scaled
