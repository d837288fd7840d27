"""Structural choices: each mechanism a study may want to swap, with the rule it had before.

A parameter says how strong an effect is; a mechanism says which rule produces it. Where
the literature disagrees, or where an earlier version of Barrio used a simpler rule, both
are kept as named alternatives, so that a study can show how much a conclusion depends on
a structural assumption (``mechanisms: {violence: border_demand}`` in a scenario file).
The defaults are the current rules; :data:`LEGACY` selects every earlier one, which
reproduces Barrio 0.1's results exactly (``tests/model/test_golden.py``).

``docs/ODD.md`` describes each rule and its sources; ``barrio mechanisms`` lists them.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "LEGACY",
    "AffiliationRule",
    "ConsolidationRule",
    "GovernanceRule",
    "LeadershipRule",
    "PriceRule",
    "RecruitmentRule",
    "SearchRule",
    "VictimRule",
    "ViolenceRule",
]


class ViolenceRule(StrEnum):
    """What sets how often rivals fight over a border block, and who takes it."""

    #: The rivals' armed strength (members free on the street, and money) and the value at
    #: stake: a weakened holder invites attack, and thinning every group's ranks lowers the
    #: fighting for a time.
    ARMED_STRENGTH = "armed_strength"
    #: The demand at stake and the number of rivals only (Barrio 0.1).
    BORDER_DEMAND = "border_demand"


class VictimRule(StrEnum):
    """Who dies in a contest."""

    #: By involvement: members of the two groups fighting, then sellers working there,
    #: then others on the block as often as they are out in public.
    INVOLVEMENT = "involvement"
    #: A member of either group with ``groups.combatant_share``, else anyone living on the
    #: block (Barrio 0.1).
    BLOCK_RESIDENTS = "block_residents"


class SearchRule(StrEnum):
    """Whom possession searches fall on."""

    #: People patrols meet in public where selling happens, as often as they are out in
    #: public (young men most).
    PUBLIC_PLACES = "public_places"
    #: Any resident of a block a patrol passed (Barrio 0.1).
    BLOCK_RESIDENTS = "block_residents"


class LeadershipRule(StrEnum):
    """How leadership targeting works and what a removal does."""

    #: A campaign removes ``policing.leaders_per_year`` leaders a year, the most notorious
    #: groups first; a removed leader is usually succeeded after a spell of disarray, and
    #: a split is likelier the larger the group.
    CAMPAIGN = "campaign"
    #: Every group loses its leader with weekly chance ``policing.kingpin``, and splits
    #: with ``groups.split_chance`` (Barrio 0.1).
    WEEKLY_RATE = "weekly_rate"


class RecruitmentRule(StrEnum):
    """How hard a group presses young people on its blocks to join."""

    #: Harder as it loses members to arrest: a group recruits to replace its losses
    #: (Prieto-Curiel, Campedelli and Hope 2023).
    REPLACEMENT = "replacement"
    #: With the same pressure whatever it loses (Barrio 0.1).
    CONSTANT = "constant"


class PriceRule(StrEnum):
    """Whether the retail price carries sellers' risk."""

    #: The price carries sellers' expected cost of arrest, and purchases answer the price
    #: with ``market.elasticity``.
    RISK_PRICE = "risk_price"
    #: A fixed price and demand (Barrio 0.1).
    FIXED = "fixed"


class AffiliationRule(StrEnum):
    """Who retail sellers work for."""

    #: On a group's blocks retail is the group's business: members hand the group
    #: ``groups.member_cut`` of their margin, independents there are taxed, absorbed or
    #: expelled.
    TERRITORIAL = "territorial"
    #: Independents on a group's blocks pay ``groups.cut`` and may join (Barrio 0.1).
    VOLUNTARY = "voluntary"


class GovernanceRule(StrEnum):
    """How a group's rule of a block answers the state's presence."""

    #: The state competes with the group: where it is present the group's extortion is
    #: shielded against (in proportion to presence), and where it is weak the group governs.
    COMPETING = "competing"
    #: Above ``groups.governance_threshold`` a group only extorts, at the full rate
    #: (Barrio 0.1).
    PRESENCE_THRESHOLD = "presence_threshold"


class ConsolidationRule(StrEnum):
    """Whether groups merge, and what bounds their number."""

    #: Groups absorb much weaker neighbours, and new groups form only while the market can
    #: feed one more.
    MERGERS = "mergers"
    #: Groups never merge; new groups form wherever independents cluster (Barrio 0.1).
    NONE = "none"


#: Every mechanism at its Barrio 0.1 rule, by field of ``Params.mechanisms``.
LEGACY: dict[str, StrEnum] = {
    "violence": ViolenceRule.BORDER_DEMAND,
    "victims": VictimRule.BLOCK_RESIDENTS,
    "searches": SearchRule.BLOCK_RESIDENTS,
    "leadership": LeadershipRule.WEEKLY_RATE,
    "recruitment": RecruitmentRule.CONSTANT,
    "price": PriceRule.FIXED,
    "affiliation": AffiliationRule.VOLUNTARY,
    "governance": GovernanceRule.PRESENCE_THRESHOLD,
    "consolidation": ConsolidationRule.NONE,
}
