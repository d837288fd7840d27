"""How groups govern the blocks they hold: symbiotic or parasitic.

Where the state is weak (a block's state presence below ``groups.governance_threshold``)
and its residents do not trust it (mean trust below ``legitimacy.resist``) a group also
governs daily life: it settles disputes and pays some welfare to residents
(``groups.welfare`` a resident-week, as far as its capital allows), which earns it local
support and strengthens its pull on young people there (``groups.support``). Elsewhere
its presence is parasitic: it extorts a share ``groups.extortion`` of residents' legal
income. Which one emerges on a block follows from state presence, so a policy that brings
the state back turns symbiotic blocks parasitic rather than simply removing the group.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from barrio.model.params import Params
from barrio.model.population import Residents

__all__ = ["Governance", "Rule", "govern"]


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
) -> Governance:
    """Welfare on symbiotic blocks and extortion on parasitic ones, for everyone at once.

    Args:
        r: Residents.
        control: Group holding each block (-1 for none).
        presence: State presence on each block.
        trust: Mean trust in the state of each block's residents.
        capital: Each group's capital (by code), which caps the welfare it can pay.
        params: Run parameters (``groups`` section).
    """
    g = params.groups
    held = control >= 0
    # Residents who trust the state take their disputes to it and refuse the group's rule.
    symbiotic = held & (presence < g.governance_threshold) & (trust < params.legitimacy.resist)
    # One read of each resident's block, then only the residents concerned are touched.
    rule = np.where(symbiotic, Rule.GOVERNED, np.where(held, Rule.SQUEEZED, Rule.NONE))
    rule = rule.astype(np.int8).ravel()[r.block]
    governed = np.flatnonzero(rule == Rule.GOVERNED)
    squeezed = np.flatnonzero(rule == Rule.SQUEEZED)
    flat_control = control.ravel()

    capital = capital if len(capital) else np.zeros(1)  # no groups: nothing to govern
    n_codes = len(capital)
    extorted = g.extortion * r.income[squeezed]
    extortion = np.bincount(flat_control[r.block[squeezed]], weights=extorted, minlength=n_codes)
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
    return Governance(
        symbiotic=symbiotic,
        transfers=transfers,
        welfare=per_head * people,
        extortion=extortion,
    )
