"""How groups govern the blocks they hold: symbiotic or parasitic.

Where the state is weak (a block's state presence below ``groups.governance_threshold``)
and its residents do not trust it (mean trust below ``legitimacy.resist``) a group also
governs daily life: it settles disputes and pays some welfare to residents
(``groups.welfare`` a resident-week, as far as its capital allows), which earns it local
support and strengthens its pull on young people there (``groups.support``). Elsewhere
its presence is parasitic: it extorts a share ``groups.extortion`` of residents' legal
income. Which one emerges on a block follows from state presence.

How the state's presence bears on extortion is ``mechanisms.governance``. Under
``competing`` (after Arias 2017 and Lessing 2021: criminal and state governance compete
for the same residents) the state shields residents in proportion to its presence on the
block: a group squeezes ``groups.extortion x (1 - presence)`` of their legal income, so the
state's return weakens the group's rule as well as ending its welfare. Under
``presence_threshold`` (Barrio 0.1) a group squeezes the full ``groups.extortion``
wherever it does not govern, so bringing the state back turns welfare-paying blocks into
extortion at the full rate. Either way, a group may also prey on programme benefits paid
to the households it squeezes (``groups.transfer_predation``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from barrio.model.mechanisms import GovernanceRule
from barrio.model.params import Params
from barrio.model.population import Residents

__all__ = ["Governance", "Rule", "govern", "rule_of_block"]


class Rule(IntEnum):
    """How a group rules a block."""

    NONE = 0  # no group holds it
    GOVERNED = 1  # symbiotic: the group settles disputes and pays welfare
    SQUEEZED = 2  # parasitic: the group extorts


@dataclass(frozen=True)
class Governance:
    """One week of group governance.

    Attributes:
        symbiotic: Blocks a group governs (grid of bools).
        transfers: Net weekly transfer to each resident: welfare received less extortion paid.
        welfare: Welfare each group paid (by group code).
        extortion: Extortion each group collected (by group code).
    """

    symbiotic: np.ndarray
    transfers: np.ndarray
    welfare: np.ndarray
    extortion: np.ndarray


def govern(
    r: Residents,
    control: np.ndarray,
    presence: np.ndarray,
    trust: np.ndarray,
    capital: np.ndarray,
    params: Params,
    benefits: np.ndarray | None = None,
    heads: np.ndarray | None = None,
) -> Governance:
    """Welfare on symbiotic blocks and extortion on parasitic ones, for everyone at once.

    Args:
        r: Residents.
        control: Group holding each block (-1 for none).
        presence: State presence on each block.
        trust: Mean trust in the state of each block's residents.
        capital: Each group's capital (by code), which caps the welfare it can pay.
        params: Run parameters (``groups`` and ``mechanisms`` sections).
        benefits: Programme benefits paid to each household this week, which a group may
            prey on (``groups.transfer_predation``).
        heads: The first resident of each household, who hands over what is taken.
    """
    g = params.groups
    held = control >= 0
    # Residents who trust the state take their disputes to it and refuse the group's rule.
    symbiotic = held & (presence < g.governance_threshold) & (trust < params.legitimacy.resist)
    by_block = rule_of_block(symbiotic, held).ravel()
    governed, squeezed = _residents_by_rule(by_block, r.block)
    squeezed_home = r.block[squeezed]
    flat_control = control.ravel()

    capital = capital if len(capital) else np.zeros(1)  # no groups: nothing to govern
    n_codes = len(capital)
    extorted = g.extortion * r.income[squeezed]
    if params.mechanisms.governance == GovernanceRule.COMPETING:
        extorted = extorted * (1.0 - presence.ravel()[squeezed_home])
    extortion = np.bincount(flat_control[squeezed_home], weights=extorted, minlength=n_codes)
    code = flat_control[r.block[governed]]
    people = np.bincount(code, minlength=n_codes)
    # Welfare per resident as far as capital (with this week's extortion) allows.
    per_head = np.minimum(
        g.welfare, np.divide(capital + extortion, people, out=np.zeros(n_codes), where=people > 0)
    )
    per_head = np.maximum(per_head, 0.0)
    transfers = np.zeros(len(r))
    transfers[governed] = per_head[code]
    transfers[squeezed] = -extorted
    if g.transfer_predation > 0 and benefits is not None and heads is not None:
        block = r.block[heads]
        preyed = (by_block[block] == Rule.SQUEEZED.value) & (benefits > 0)
        taken = g.transfer_predation * benefits[preyed]
        transfers[heads[preyed]] -= taken
        extortion += np.bincount(flat_control[block[preyed]], weights=taken, minlength=n_codes)
    return Governance(
        symbiotic=symbiotic,
        transfers=transfers,
        welfare=per_head * people,
        extortion=extortion,
    )


def rule_of_block(symbiotic: np.ndarray, held: np.ndarray) -> np.ndarray:
    """How each block is ruled (a :class:`Rule` per block, as int8)."""
    rule = np.where(held, np.int8(Rule.SQUEEZED.value), np.int8(Rule.NONE.value))
    rule[symbiotic] = Rule.GOVERNED.value
    return rule


def _residents_by_rule(by_block: np.ndarray, home: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The residents (ascending ids) living on governed blocks, and those on squeezed blocks."""
    # Everyone's rule in one read of their blocks, then the few concerned picked out in two
    # steps: numpy finds the nonzero entries without branching only where more than a
    # tenth are nonzero, and each kind of rule is usually rarer than that among 100,000
    # residents (picked out directly, ~110 us each; so ~50 us for all those ruled at all).
    rule = np.take(by_block, home)
    concerned = np.flatnonzero(rule != Rule.NONE.value)
    kind = rule[concerned]
    # .value: given the IntEnum member, numpy compares the rules as int64 copies.
    governed = concerned[np.flatnonzero(kind == Rule.GOVERNED.value)]
    squeezed = concerned[np.flatnonzero(kind == Rule.SQUEEZED.value)]
    return governed, squeezed
