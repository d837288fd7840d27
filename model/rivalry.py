"""Rivalry between criminal groups: contests at territory borders, incidents and homicides.

A block a group controls is *contested* when blocks of other groups lie within one block of
it. Each week a contested block produces violent incidents at random (Poisson), at a rate
that grows with the weekly margin at stake around the block and with the number of rival
groups around it, and falls as the two sides hold back (a group's ``restraint`` after
focused-deterrence crackdowns); a block with no rival nearby produces none. An incident may kill
someone: a member of one of the two groups fighting (with chance
``groups.combatant_share``) or else anyone who lives on the block, seller or bystander; and it may
hand the block to the rival. The dead are replaced by newborns in their households (the
population is kept closed; see ``model.demography``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from barrio.model.demography import replace_with_newborns
from barrio.model.neighbourhood import box_sum
from barrio.model.params import Params
from barrio.model.population import Residents, Status
from barrio.model.selling import leave_market

__all__ = ["VIOLENCE_MEMORY", "VictimKind", "Violence", "contest_week", "contested"]

#: Weight of this week's incidents in the ``violence`` layer residents and police see.
#: Source: assumption: a moving average whose weights halve in about seven weeks, so that
#: violence on a street is remembered for a few months.
VIOLENCE_MEMORY = 0.1


class VictimKind(IntEnum):
    """Who a homicide victim was when killed."""

    MEMBER = 0  # a seller working for a group
    SELLER = 1  # an independent seller
    BYSTANDER = 2  # anyone else


@dataclass(frozen=True)
class Violence:
    """One week's violence.

    Attributes:
        incidents: Violent incidents on each block (flat array).
        victims: Ids of residents killed.
        kind: For each victim, a :class:`VictimKind`.
        takeovers: Blocks that changed hands.
        parties: For each block with incidents, the holder and the challenger (``(n, 2)``).
    """

    incidents: np.ndarray
    victims: np.ndarray
    kind: np.ndarray
    takeovers: int
    parties: np.ndarray

    def by_group(self, n_codes: int) -> np.ndarray:
        """Incidents each group took part in, by group code."""
        weights = np.repeat(self.incidents[self.incidents > 0], 2)
        return np.bincount(self.parties.ravel(), weights=weights, minlength=n_codes)


def contested(control: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rival groups around each block, and the rival with most blocks around it.

    One pass over the 3 x 3 neighbourhood of every block, whatever the number of groups.

    Returns:
        ``(rivals, challenger)``: for each controlled block, the number of other groups with
        a block within one block of it, and the code of the one with the most such blocks
        (-1 where there is none; ties go to the lower code).
    """
    w, h = control.shape
    padded = np.full((w + 2, h + 2), -1, dtype=control.dtype)  # np.pad costs more than the work here
    padded[1:-1, 1:-1] = control
    around = np.stack([padded[dx : dx + w, dy : dy + h] for dx in range(3) for dy in range(3)])
    rival = (around >= 0) & (around != control) & (control >= 0)
    rivals = np.zeros(control.shape, dtype=np.int64)
    challenger = np.full(control.shape, -1, dtype=np.int64)
    border = rival.any(axis=0)
    if not border.any():
        return rivals, challenger
    # The counting below only on border blocks, which are few.
    codes = np.where(rival[:, border], around[:, border], -1)  # (9, n)
    ordered = np.sort(codes, axis=0)
    first = np.concatenate([np.ones((1, codes.shape[1]), bool), ordered[1:] != ordered[:-1]])
    rivals[border] = ((ordered >= 0) & first).sum(axis=0)
    counts = (codes[:, None] == codes[None, :]).sum(axis=1) * (codes >= 0)
    key = counts * (codes.max(initial=0) + 2) - codes  # most blocks first, then the lower code
    best = np.argmax(np.where(codes >= 0, key, -1), axis=0)
    challenger[border] = np.take_along_axis(codes, best[None], axis=0)[0]
    return rivals, challenger


def contest_week(
    r: Residents,
    control: np.ndarray,
    demand: np.ndarray,
    seller_ids: np.ndarray,
    block_order: np.ndarray,
    block_starts: np.ndarray,
    params: Params,
    rng: np.random.Generator,
    restraint: np.ndarray | None = None,
) -> Violence:
    """Incidents, deaths and takeovers on contested blocks this week (``control`` is updated).

    ``restraint`` (by group code, 0-1) is how far each group holds back from fighting; a
    contest's rate is cut by the mean restraint of its two sides.
    """
    g, m = params.groups, params.market
    rivals, challenger = contested(control)
    # What a block is worth to whoever holds it: the margin on the demand within buyers'
    # reach of it, which is what sellers working from the block can serve.
    at_stake = box_sum(demand, m.reach) * m.price * m.margin
    rate = g.contest_rate * at_stake / 1_000.0 * rivals
    if restraint is not None and restraint.any():
        sides = challenger >= 0
        held_back = (restraint[control[sides]] + restraint[challenger[sides]]) / 2.0
        rate[sides] *= 1.0 - held_back
    incidents = rng.poisson(rate).ravel()
    hit = np.flatnonzero(incidents)

    flat_control, flat_challenger = control.ravel(), challenger.ravel()
    holder = flat_control.copy()  # who held each block when the fighting started
    turned = hit[rng.random(len(hit)) < 1.0 - (1.0 - g.takeover) ** incidents[hit]]
    flat_control[turned] = flat_challenger[turned]

    deaths = rng.binomial(incidents[hit], g.lethality)
    victims, kinds = [], []
    members = seller_ids[(r.status[seller_ids] == Status.SELLING) & (r.group[seller_ids] >= 0)]
    for block, n in zip(hit[deaths > 0], deaths[deaths > 0], strict=True):
        # Each death is a member of one of the two groups fighting with chance
        # ``combatant_share``; otherwise someone who lives on the block, seller or not.
        sides = (holder[block], flat_challenger[block])
        fighters = members[np.isin(r.group[members], sides)]
        on_block = block_order[block_starts[block] : block_starts[block + 1]]
        on_block = on_block[r.status[on_block] != Status.DETAINED]
        for _ in range(int(n)):
            pool = fighters if len(fighters) and rng.random() < g.combatant_share else on_block
            pool = np.setdiff1d(pool, np.concatenate(victims)) if victims else pool
            if len(pool) == 0:
                continue
            victim = pool[rng.integers(len(pool))]
            selling = r.status[victim] == Status.SELLING
            victims.append(np.array([victim]))
            kind = (
                VictimKind.MEMBER
                if selling and r.group[victim] >= 0
                else VictimKind.SELLER
                if selling
                else VictimKind.BYSTANDER
            )
            kinds.append(np.array([kind]))
    ids = np.concatenate(victims) if victims else np.empty(0, np.int64)
    kind = np.concatenate(kinds) if kinds else np.empty(0, np.int64)
    leave_market(r, ids[r.status[ids] == Status.SELLING])
    replace_with_newborns(r, ids, params, rng)
    parties = np.stack([holder[hit], flat_challenger[hit]], axis=1)
    return Violence(incidents=incidents, victims=ids, kind=kind, takeovers=len(turned), parties=parties)
