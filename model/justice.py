"""Arrest, pre-trial detention, trial, prison and release.

An arrested adult is either held in pre-trial detention until trial or tried at once;
a conviction means a prison sentence. Released prisoners go back to their household
without work and with a record, which lowers their chance of formal work and their
reluctance to sell again. Arrested minors (below the age of criminal responsibility)
are either held in juvenile detention, apart from the prison, or sent home; either way
they stop selling and carry no adult record.

The prison is this neighbourhood's share of the national system: its places and its
other (non-drug) prisoners are scaled from the country context, and the neighbourhood's
own prisoners are counted on top, so occupancy is an outcome of arrests and sentences.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from barrio.model.contexts import Context
from barrio.model.demography import free_status, replace_with_newborns
from barrio.model.params import Params
from barrio.model.population import Custody, Offence, Residents, Status
from barrio.model.selling import leave_market

if TYPE_CHECKING:
    from barrio.model.model import BarrioModel

#: Shape of the gamma distribution of weeks in custody.
#: Source: assumption: skewed, most stays short and a few long, with the mode at half the mean.
CUSTODY_SHAPE = 2.0

__all__ = [
    "Arrests",
    "Prison",
    "arrest",
    "custody_week",
    "justice_week",
    "prison_week",
    "process_arrests",
]


@dataclass
class Prison:
    """Places and prisoners of the neighbourhood's share of the prison system.

    Attributes:
        capacity: Places (fractional: a share of a national figure).
        others: Prisoners from elsewhere held for other offences, a fixed background.
    """

    capacity: float
    others: float

    @classmethod
    def from_context(cls, context: Context, population: int) -> Prison:
        """Scale the national prison rate and occupancy to a neighbourhood's population."""
        per_100k = population / 100_000
        rate = context.prison_rate.value
        return cls(
            capacity=rate / context.prison_occupancy.value * per_100k,
            others=rate * (1.0 - context.drug_share.value) * per_100k,
        )

    def occupancy(self, inmates: int) -> float:
        """Prisoners over places, in percent."""
        if self.capacity <= 0:
            return 0.0
        return 100.0 * (inmates + self.others) / self.capacity


@dataclass
class Arrests:
    """Ids arrested this week, with the offence of each."""

    ids: list[np.ndarray] = field(default_factory=list)
    offences: list[np.ndarray] = field(default_factory=list)

    def add(self, ids: np.ndarray, offence: Offence) -> None:
        """Record arrests of ``ids`` for ``offence``."""
        self.ids.append(ids)
        self.offences.append(np.full(len(ids), offence, dtype=np.int8))

    def all(self) -> tuple[np.ndarray, np.ndarray]:
        """All ids arrested this week and the offence of each."""
        if not self.ids:
            return np.empty(0, np.int64), np.empty(0, np.int8)
        return np.concatenate(self.ids), np.concatenate(self.offences)


def _weeks(mean: float, size: int, rng: np.random.Generator) -> np.ndarray:
    if size == 0:  # no draws either way; the calls cost a few microseconds even when empty
        return np.empty(0, dtype=np.int16)
    # Gamma with shape 2: durations vary, but few are near zero.
    return np.maximum(1, np.rint(rng.gamma(CUSTODY_SHAPE, mean / CUSTODY_SHAPE, size=size))).astype(np.int16)


def arrest(
    r: Residents, ids: np.ndarray, offence: Offence, params: Params, rng: np.random.Generator
) -> np.ndarray:
    """Arrest residents for an offence. Returns the adults among them (held, or tried at once).

    Minors are held in juvenile detention with probability ``justice.juvenile_detention``,
    else sent home (a seller stops selling); adults are held before trial with probability
    ``justice.pretrial_detention``, else tried at once.
    """
    j = params.justice
    ids = ids[r.status[ids] != Status.DETAINED.value]
    # Arrests are a handful a week, often none, and minors among them rarer: with nobody
    # the steps below neither draw nor change anything, and are skipped for their cost.
    if len(ids) == 0:
        return ids
    minor = r.age[ids] < j.age_of_responsibility
    minors = ids[minor]
    if len(minors):
        leave_market(r, minors[r.status[minors] == Status.SELLING.value])
        held_minors = minors[rng.random(len(minors)) < j.juvenile_detention]
        _detain(r, held_minors, Custody.JUVENILE, _weeks(j.juvenile_weeks, len(held_minors), rng), offence)
    adults = ids[~minor]

    held = rng.random(len(adults)) < j.pretrial_detention
    pretrial = adults[held]
    _detain(r, pretrial, Custody.PRETRIAL, _weeks(j.pretrial_weeks, len(pretrial), rng), offence)
    _trial(r, adults[~held], np.full(len(adults) - len(pretrial), offence, np.int8), params, rng)
    return adults


def _detain(r: Residents, ids: np.ndarray, stage: Custody, weeks: np.ndarray, offence) -> None:
    if len(ids) == 0:  # as often as not; seven empty assignments cost more than the check
        return
    r.status[ids] = Status.DETAINED
    r.income[ids] = 0.0
    r.group[ids] = -1
    r.gain[ids] = 0.0
    r.custody[ids] = stage
    r.custody_left[ids] = weeks
    r.offence[ids] = offence


def _trial(
    r: Residents, ids: np.ndarray, offences: np.ndarray, params: Params, rng: np.random.Generator
) -> None:
    if len(ids) == 0:  # most weeks for possession; the steps below cost ~60 us even when empty
        return
    j = params.justice
    convicted = rng.random(len(ids)) < j.conviction
    mean = np.where(offences == Offence.SELLING.value, j.sentence_weeks, j.possession_sentence_weeks)
    # ``rng.gamma(shape, scale)`` is ``scale * standard_gamma(shape)``, draw by draw: the same
    # numbers, without the checks of an array of scales (means are positive parameters).
    weeks = mean / CUSTODY_SHAPE * rng.standard_gamma(CUSTODY_SHAPE, size=len(ids))
    weeks = np.maximum(1, np.rint(weeks)).astype(np.int16)
    jailed = ids[convicted]
    _detain(r, jailed, Custody.SENTENCED, weeks[convicted], offences[convicted])
    freed = ids[~convicted]
    was_held = r.status[freed] == Status.DETAINED.value
    held, walked = freed[was_held], freed[~was_held]
    _release(r, held, record=False)
    # A seller tried without detention and acquitted stops selling for now.
    leave_market(r, walked[r.status[walked] == Status.SELLING.value])


def _release(r: Residents, ids: np.ndarray, record: bool, week: int | None = None) -> None:
    if len(ids) == 0:  # most calls (see _detain)
        return
    r.status[ids] = free_status(r.age[ids])
    r.custody[ids] = Custody.FREE
    r.custody_left[ids] = 0
    r.offence[ids] = Offence.NONE
    if record:
        # int8: add only below the cap, or 127 + 1 would wrap round to -128.
        r.record[ids] = np.where(r.record[ids] < 127, r.record[ids] + 1, 127)
        if week is not None:
            r.released[ids] = week


def custody_week(
    r: Residents, params: Params, rng: np.random.Generator, week: int | None = None
) -> np.ndarray:
    """Count down custody; hold trials for those whose pre-trial time is over; release.

    Returns:
        Ids released this week after serving a prison sentence.
    """
    return _custody_week(r, params, rng, week)[0]


def _custody_week(
    r: Residents, params: Params, rng: np.random.Generator, week: int | None
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`custody_week`, also returning who was held as the week began (ids, ascending).

    Everyone still held after it is among them: a trial detains only those already held.
    """
    # ``.value``: compared with an IntEnum member numpy makes an int64 copy of the statuses
    # first (about ten times the cost over all residents); a plain int is compared as int8.
    detained = np.flatnonzero(r.status == Status.DETAINED.value)
    r.custody_left[detained] -= 1
    due = detained[r.custody_left[detained] <= 0]
    stage = r.custody[due]
    released = due[stage == Custody.SENTENCED.value]
    _release(r, released, record=True, week=week)
    _release(r, due[stage == Custody.JUVENILE.value], record=False)
    tried = due[stage == Custody.PRETRIAL.value]
    _trial(r, tried, r.offence[tried].copy(), params, rng)
    return released, detained


def prison_week(
    r: Residents,
    prison: Prison,
    groups: list[int],
    params: Params,
    rng: np.random.Generator,
    held: np.ndarray | None = None,
) -> tuple[int, np.ndarray]:
    """The prison as a school of crime: ties with groups, and riots when it overflows.

    Each adult inmate without ties forms one with a group (drawn among the groups present)
    with chance ``justice.tie_rate`` x occupancy / 100. Above ``justice.riot_threshold``, a
    riot breaks out with chance ``justice.riot_rate`` per 100 points of excess occupancy,
    and kills a share ``justice.riot_lethality`` of the neighbourhood's inmates.

    ``held``, if given, are ids in ascending order among which every detained resident is
    (those held as this week's custody began): the detained are then looked for among them
    only, not over all residents.

    Returns:
        ``(riots, killed)``: 1 if a riot broke out, and the ids of inmates killed.
    """
    j = params.justice
    if held is None:
        detained = np.flatnonzero(r.status == Status.DETAINED.value)  # .value: see custody_week
    else:
        detained = held[r.status[held] == Status.DETAINED.value]
    inmates = detained[r.custody[detained] != Custody.JUVENILE.value]
    occupancy = prison.occupancy(len(inmates))
    loose = inmates[r.tie[inmates] < 0]
    if groups and len(loose):
        tied = loose[rng.random(len(loose)) < j.tie_rate * occupancy / 100.0]
        if len(tied):  # (no integers are drawn for nobody)
            # As ``rng.choice(groups, size)``, which draws these same integers.
            r.tie[tied] = np.asarray(groups)[rng.integers(0, len(groups), size=len(tied))]
    excess = max(0.0, occupancy - j.riot_threshold)
    if excess == 0.0 or rng.random() >= min(1.0, j.riot_rate * excess / 100.0):
        return 0, np.empty(0, dtype=np.int64)
    killed = inmates[rng.random(len(inmates)) < j.riot_lethality]
    return 1, killed


def process_arrests(m: BarrioModel, ids: np.ndarray, offence: Offence) -> None:
    """Arrested residents enter the justice system, unless a programme diverts them first.

    Every arrest counts in ``police.arrests`` (the diverted too); the diverted are counted
    in the week's events.
    """
    held = ids
    diverted = m.programmes.divert(ids)
    if len(diverted):
        m.this_week.diverted += len(diverted)
        held = ids[~np.isin(ids, diverted)]
    r = m.residents
    free = held[r.status[held] != Status.DETAINED.value]
    arrest(r, held, offence, m.params, m.rng)
    m.police.arrests.add(ids, offence)
    # Entries into the prison system of people once released from a sentence, by how long ago.
    entered = free[(r.status[free] == Status.DETAINED.value) & (r.custody[free] != Custody.JUVENILE.value)]
    since = m.week - r.released[entered].astype(np.int64)
    week = m.this_week
    week.readmitted_1y += int((since <= 52).sum())
    week.readmitted_5y += int((since <= 260).sum())


def justice_week(m: BarrioModel) -> None:
    """Phase: custody clocks, trials and releases; ties and riots in prison.

    Programmes hear of the released (re-entry support); inmates killed in a riot are
    replaced by newborns. Records releases, riots and riot deaths.
    """
    p, r, rng = m.params, m.residents, m.rng
    releases, held = _custody_week(r, p, rng, m.week)
    m.programmes.on_release(releases)
    # Programmes that take the released in detain nobody: whoever is held is among ``held``.
    riots, killed = prison_week(r, m.prison, [g.code for g in m.groups.active()], p, rng, held)
    replace_with_newborns(r, killed, p, rng)
    week = m.this_week
    week.releases, week.riots, week.riot_deaths = releases, riots, len(killed)
