"""The scenario's timeline during a run: lever changes and shocks at given weeks.

A scenario's timeline (``model.scenario``) says what changes when; this module makes the
changes as the run reaches them. Lever changes go through :func:`change_levers`, the one
way to change a parameter during a run (the page's levers use it too), which also adds or
withdraws patrol units, starts or stops programmes, and moves state presence. Shocks
multiply the economy index and drug demand while they last, and multiply each other while
they overlap.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from barrio.model.policing import sync_patrols
from barrio.model.scenario import Event, Shock

if TYPE_CHECKING:
    from barrio.model.model import BarrioModel

__all__ = ["Timeline", "apply_timeline", "change_levers"]


class Timeline:
    """The events still to come and the shocks under way.

    Args:
        events: The scenario's timeline (weeks of the policy period).
        demand: The ``demand`` layer as built: shocks scale it, and it returns to this
            when they end.
    """

    def __init__(self, events: Sequence[Event], demand: np.ndarray) -> None:
        self.events: dict[int, list[Event]] = defaultdict(list)
        for event in events:
            self.events[event.at].append(event)
        self.base_demand = demand.copy()
        self.shocks: list[Shock] = []
        self.shock_ends: dict[int, list[Shock]] = defaultdict(list)


def apply_timeline(m: BarrioModel) -> None:
    """Phase: this week's lever changes, and shocks that start or end (parameters, economy, demand).

    Each change is made once, so calling this before the week's step (as the page does,
    to show the levers of the week about to run) changes nothing more.
    """
    t = m.timeline
    changed = False
    for shock in t.shock_ends.pop(m.week, []):
        t.shocks.remove(shock)
        changed = True
    for event in t.events.pop(m.week, []):
        if event.set:
            change_levers(m, event.set)
        if event.shock is not None:
            t.shocks.append(event.shock)
            t.shock_ends[m.week + event.shock.weeks].append(event.shock)
            changed = True
    if changed:
        # Shocks multiply while they overlap; with none left, both return to normal.
        m.cycle.shock = float(np.prod([s.economy for s in t.shocks]))
        m.grid.demand.data[:] = t.base_demand * np.prod([s.demand for s in t.shocks])


def change_levers(m: BarrioModel, changes: dict[str, object]) -> None:
    """Change levers now (``{"policing.punitive_intensity": 0.9}``).

    Raises:
        ParameterError: If a value is out of range; nothing is changed then.
    """
    old = m.params
    m.params = old.with_levers(changes)
    new, was = m.params.policing, old.policing
    if (new.units_per_10k, new.community, new.soldiers_per_10k) != (
        was.units_per_10k,
        was.community,
        was.soldiers_per_10k,
    ):
        sync_patrols(m)
    shift = m.params.neighbourhood.state_presence - old.neighbourhood.state_presence
    if shift:
        base = m.blocks.base_presence
        np.clip(base + shift, 0.0, 1.0, out=base)
        np.clip(base + m.programmes.presence_boost, 0.0, 1.0, out=m.grid.state_presence.data)
    if m.params.programmes != old.programmes:
        m.programmes.sync(m)
    if m.params.groups.truce != old.groups.truce:
        # A new mediation makes a pact (even after one broke); 0 ends it.
        m.groups.pact = m.params.groups.truce > 0
