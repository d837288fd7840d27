"""Legitimacy: residents' trust in the state, what moves it and what it changes.

Trust (0 to 1, per resident) falls with abuses a resident witnesses (force against
residents who were not selling, on or next to their block), with arbitrary arrests of
neighbours (possession alone) and with violence the state does not stop (recent incidents
on the block); it rises with
community-policing passes and drifts slowly towards the block's state presence.

It changes what residents do (``model.selling`` and ``model.policing``): trusting residents
are more reluctant to sell and resist a group's pressure, they tip off the police, so
patrols find sellers more easily where trust is high, and where their mean trust passes
``legitimacy.resist`` they refuse a group's rule (``model.governance``).
"""

from __future__ import annotations

import numpy as np

from barrio.model.neighbourhood import box_sum
from barrio.model.params import Params
from barrio.model.population import Residents

#: Spread (sd) of residents' starting trust around their home block's state presence.
#: Source: assumption: neighbours differ a little in how they see the state.
TRUST_SPREAD = 0.1

__all__ = ["initial_trust", "update_trust"]


def initial_trust(presence_at_home: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Starting trust: the home block's state presence, give or take a little."""
    return np.clip(presence_at_home + rng.normal(0.0, TRUST_SPREAD, size=len(presence_at_home)), 0.0, 1.0)


def update_trust(
    r: Residents,
    abuses: np.ndarray,
    arbitrary: np.ndarray,
    violence: np.ndarray,
    community: np.ndarray,
    presence: np.ndarray,
    params: Params,
) -> None:
    """One week of trust for everyone. All block inputs are grids of the neighbourhood's shape.

    Args:
        r: Residents (``trust`` is updated).
        abuses: Incidents of force on each block this week.
        arbitrary: Arrests for possession alone on each block this week.
        violence: Recent violent incidents (the ``violence`` layer).
        community: Community-policing passes through each block this week.
        presence: State presence on each block.
        params: Run parameters (``legitimacy`` section).
    """
    g = params.legitimacy
    # Everything is computed per block, then read once per resident: a person's week
    # depends only on their block.
    seen = box_sum(abuses, 1)  # on or next to one's own block
    keep = (
        _power(1.0 - g.abuse_loss, seen)
        * _power(1.0 - g.arbitrary_loss, arbitrary)
        * _power(1.0 - g.impunity_loss, violence)
    )
    built = 1.0 - _power(1.0 - g.community_gain, community)
    # Trust is kept (x keep), then built up towards 1 (by ``built``), then drifts towards
    # presence (by ``drift``): one map t -> a t + b per block, so each resident is
    # read and written once.
    d = g.drift
    # Each block's (a, b) side by side, as float32 pairs, so that one gather of 8-byte items
    # fetches both for every resident (``take`` with an int64 index: an int32 one is much slower).
    week = np.empty((abuses.size, 2), np.float32)
    week[:, 0] = (keep * (1.0 - built) * (1.0 - d)).ravel()
    week[:, 1] = (built * (1.0 - d) + d * presence).ravel()
    own = week.view(np.float64).ravel().take(r.block.astype(np.intp)).view(np.float32)
    trust = r.trust
    np.multiply(trust, own[0::2], out=trust)
    trust += own[1::2]
    np.clip(trust, 0.0, 1.0, out=trust)


def _power(base: float, exponent: np.ndarray) -> np.ndarray:
    """``base ** exponent``, with the power taken only where the exponent is not 0.

    In a week most blocks see no abuse, arrest, violence or community patrol, and
    ``x ** 0`` is exactly 1 for every ``x``: the same map for a fraction of the powers
    (each one computed by the same loop as over the whole map).
    """
    flat = exponent.ravel()
    at = np.flatnonzero(flat != 0)  # != 0: flatnonzero of numbers is ~3x slower than of a mask
    some = base ** flat[at]
    out = np.ones(exponent.shape, dtype=some.dtype)
    out.ravel()[at] = some
    return out
