"""Households, ageing and the passage from school to work.

Creates the population and moves people through the life course each week: children
start school at 12, students leave school, adults enter the labour force, older people
retire. The population is closed: a resident who reaches :data:`MAX_AGE` is replaced by
a newborn in the same household, so the number of residents never changes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from barrio.model.contexts import Context
from barrio.model.params import Params
from barrio.model.population import NEVER, Custody, Offence, Residents, Status

if TYPE_CHECKING:
    from barrio.model.model import BarrioModel

__all__ = [
    "MAX_AGE",
    "age_one_week",
    "ageing",
    "dropout_risk",
    "enter_labour_force",
    "leave_school",
    "populate",
    "public_time",
    "replace_with_newborns",
    "schooling",
]

#: Age at which a resident is replaced by a newborn in the same household.
#: Source: assumption: keeps the population closed and its age pyramid stationary over a
#: run; no births or deaths are modelled otherwise.
MAX_AGE = 80
#: Age at which children become students.
#: Source: assumption: the start of lower secondary school, when selling becomes possible.
SCHOOL_START = 12
#: Age at which young people leave compulsory school and may work.
#: Source: assumption: the age of majority in the nine contexts.
ADULT = 18
#: Age at which workers retire.
#: Source: assumption: a common statutory retirement age in the region.
RETIREMENT = 65
#: Age by which every student has left education.
#: Source: assumption.
STUDENT_UNTIL = 25
#: Share of 18-year-old students who go on studying.
#: Source: assumption: tertiary enrolment in poor urban areas is low.
STAY_ON = 0.25
#: Weekly chance that a student aged 18-24 finishes.
#: Source: assumption: about four years of further study.
GRADUATION = 0.005
#: Share of 12-17-year-olds out of school at the start.
#: Source: assumption: the background paper's 12 million children and adolescents out of
#: school in the region is roughly a tenth of school-age children.
OUT_OF_SCHOOL_START = 0.10
#: Share of girls among residents at the start and among newborns.
#: Source: assumption: an even sex ratio at birth is close enough for this model.
FEMALE_SHARE = 0.5
#: Least and most years a child's household head is older than the child.
#: Source: assumption: the span of parents' (and grandparents') ages at a birth.
PARENT_AGE = (16, 50)
#: Extra school dropout in a poor household (1 doubles it): dropout is
#: ``economy.school_dropout`` x (1 + POOR_DROPOUT if poor) x (NO_PRESENCE_DROPOUT - presence).
#: Source: assumption for the size; the background paper names families' income among the
#: causes of the 12 million children and adolescents out of school.
POOR_DROPOUT = 1.0
#: Dropout is multiplied by this minus the block's state presence (1.5: the rate as set at
#: presence 0.5, three times as high with no presence as with full presence).
#: Source: assumption for the size; the background paper names the areas children live in
#: among the causes of leaving school.
NO_PRESENCE_DROPOUT = 1.5


#: Relative time spent out in public, by age: children under 12, 12-29, 30-49 and 50 and
#: over (men; women's are ``households.public_time_women`` times these).
#: Source: assumption: young people spend most time in the street and old people least,
#: as the age profile of homicide victims and police stops in the region suggests.
PUBLIC_TIME_BY_AGE = (0.3, 1.0, 0.6, 0.35)
#: Where each age band of PUBLIC_TIME_BY_AGE starts.
#: Source: the age bands of the outcomes (12-17 and 18-29 together) and the age of 50.
PUBLIC_TIME_AGES = (0, 12, 30, 50)

#: Whether a status ends in retirement at RETIREMENT, indexed by status code.
_RETIRES = np.zeros(len(Status), dtype=bool)
_RETIRES[[Status.FORMAL, Status.INFORMAL, Status.UNEMPLOYED, Status.INACTIVE]] = True


def populate(
    params: Params, context: Context, block_weight: np.ndarray, rng: np.random.Generator
) -> Residents:
    """Create the residents, in households placed on blocks.

    Args:
        params: Run parameters.
        context: Country figures (unemployment, informality).
        block_weight: Relative chance that a household lives on each block (flat array).
        rng: The model's generator.
    """
    n = params.neighbourhood.population
    # Ages follow the stationary distribution of this demography (replacement at MAX_AGE
    # makes it uniform), so that the age structure, and with it incomes and poverty, does
    # not drift during a run. Households are then built around those ages.
    age = rng.integers(0, MAX_AGE, size=n)
    household = _households(age, params.neighbourhood.household_size, rng)
    n_households = int(household.max()) + 1

    r = Residents.empty(n)
    r.household[:] = household
    home = rng.choice(len(block_weight), size=n_households, p=block_weight / block_weight.sum())
    r.block[:] = home[household]
    r.age[:] = age
    r.birth_week[:] = rng.integers(0, 52, size=n)
    r.female[:] = rng.random(n) < FEMALE_SHARE
    # Migrants come as households; newborns later belong to their household's group.
    share = min(context.migrant_share.value * params.households.migrant_concentration, 1.0)
    r.migrant[:] = (rng.random(n_households) < share)[household]

    r.capacity[:] = rng.lognormal(0.0, params.economy.wage_dispersion, size=n)
    s = params.selling
    r.reluctance[:] = _draw_reluctance(n, r.female, params, rng)
    r.risk_aversion[:] = rng.lognormal(0.0, s.risk_aversion_spread, size=n)

    # Statuses by age, with labour-market shares from the country context.
    status = np.full(n, Status.CHILD, dtype=np.int8)
    teen = (age >= SCHOOL_START) & (age < ADULT)
    status[teen] = np.where(
        rng.random(teen.sum()) < OUT_OF_SCHOOL_START, Status.OUT_OF_SCHOOL, Status.STUDENT
    )
    young = (age >= ADULT) & (age < STUDENT_UNTIL)
    studying = young & (rng.random(n) < STAY_ON)
    status[studying] = Status.STUDENT
    working_age = (age >= ADULT) & (age < RETIREMENT) & ~studying
    status[working_age] = _labour_status(r.female[working_age], params, context, rng)
    status[age >= RETIREMENT] = Status.RETIRED
    r.status[:] = status
    return r


def _households(age: np.ndarray, mean_size: float, rng: np.random.Generator) -> np.ndarray:
    """Household id for each resident: adult heads, children 16-50 years younger than theirs.

    Every household has an adult head; minors join a household whose head is 16 to 50
    years older (any household if none is); other adults join households at random.
    """
    n = len(age)
    adults = np.flatnonzero(age >= ADULT)
    n_households = int(np.clip(round(n / mean_size), 1, max(len(adults), 1)))
    heads = rng.choice(adults, size=n_households, replace=False) if len(adults) else np.array([0])
    household = np.full(n, -1, dtype=np.int32)
    household[heads] = np.arange(len(heads), dtype=np.int32)

    order = np.argsort(age[heads], kind="stable")
    head_ages = age[heads][order]
    minors = np.flatnonzero((age < ADULT) & (household < 0))
    lo = np.searchsorted(head_ages, age[minors] + PARENT_AGE[0], side="left")
    hi = np.searchsorted(head_ages, age[minors] + PARENT_AGE[1], side="right")
    pick = lo + (rng.random(len(minors)) * (hi - lo)).astype(np.int64)
    pick = np.where(hi > lo, pick, rng.integers(0, len(heads), size=len(minors)))
    household[minors] = order[pick]

    rest = np.flatnonzero(household < 0)
    household[rest] = rng.integers(0, len(heads), size=len(rest))
    return household


def _draw_reluctance(n: int, female: np.ndarray, params: Params, rng: np.random.Generator) -> np.ndarray:
    s = params.selling
    base = s.reluctance * rng.lognormal(0.0, s.reluctance_spread, size=n)
    return np.where(female, base * s.female_reluctance, base)


def _labour_status(
    female: np.ndarray, params: Params, context: Context, rng: np.random.Generator
) -> np.ndarray:
    e = params.economy
    draw = rng.random(len(female))
    inactive_share = np.where(female, e.female_inactive, e.male_inactive)
    u = context.unemployment.value
    i = context.informality.value
    active_draw = (draw - inactive_share) / np.maximum(1 - inactive_share, 1e-9)
    return np.select(
        [draw < inactive_share, active_draw < u, active_draw < u + (1 - u) * i],
        [Status.INACTIVE, Status.UNEMPLOYED, Status.INFORMAL],
        Status.FORMAL,
    ).astype(np.int8)


#: What someone leaving selling or custody becomes, indexed by age (capped at RETIREMENT).
_FREE_STATUS = np.full(RETIREMENT + 1, Status.RETIRED, dtype=np.int8)
_FREE_STATUS[:RETIREMENT] = Status.UNEMPLOYED
_FREE_STATUS[:ADULT] = Status.OUT_OF_SCHOOL


def free_status(age: np.ndarray) -> np.ndarray:
    """What someone leaving selling or custody becomes: out of school, unemployed, or retired."""
    # A table look-up: this runs several times a week on small arrays, where np.select's
    # set-up would cost more than the work.
    return _FREE_STATUS[np.minimum(age, RETIREMENT)]


def enter_labour_force(r: Residents, who: np.ndarray, params: Params, rng: np.random.Generator) -> None:
    """Move residents into the labour force: unemployed (then searching) or inactive."""
    e = params.economy
    inactive_share = np.where(r.female[who], e.female_inactive, e.male_inactive)
    inactive = rng.random(len(who)) < inactive_share
    r.status[who] = np.where(inactive, Status.INACTIVE, Status.UNEMPLOYED)
    r.income[who] = 0.0


def leave_school(
    r: Residents,
    week: int,
    state_presence: np.ndarray,
    poor: np.ndarray,
    params: Params,
    rng: np.random.Generator,
    risk: Callable[[np.ndarray], np.ndarray] | None = None,
) -> np.ndarray:
    """Students aged 12-17 drop out, those 18-24 graduate, some out of school return.

    Returns the ids that dropped out.

    The dropout hazard doubles in poor households and falls where the state is present
    (schools, social services), so both poverty and state presence act through it.
    ``risk`` (given students' ids, a multiplier for each) multiplies it further: a parent in
    prison raises it, a school retention programme lowers it. It is asked for the students
    only: computed for every resident, it would cost several times as much.
    """
    out = np.flatnonzero(r.status == Status.OUT_OF_SCHOOL.value)  # before this week's dropouts
    student = np.flatnonzero(r.status == Status.STUDENT.value)
    age = r.age[student]
    minor = age < ADULT
    hazard = (
        params.economy.school_dropout
        * (1.0 + POOR_DROPOUT * poor[r.household[student]])
        * (NO_PRESENCE_DROPOUT - state_presence[r.block[student]])
    )
    if risk is not None:
        hazard = hazard * risk(student)
    hazard = np.where(minor, hazard, GRADUATION)
    leaving = student[rng.random(len(student)) < hazard]
    minor_leaving = leaving[r.age[leaving] < ADULT]
    r.status[minor_leaving] = Status.OUT_OF_SCHOOL
    enter_labour_force(r, leaving[r.age[leaving] >= ADULT], params, rng)

    back = out[rng.random(len(out)) < params.economy.school_return]
    r.status[back] = Status.STUDENT
    return minor_leaving


def age_one_week(r: Residents, week: int, params: Params, rng: np.random.Generator) -> np.ndarray:
    """Birthdays of this week, with the status changes that come with an age.

    Returns:
        Ids of residents replaced by newborns this week.
    """
    birthday = np.flatnonzero(r.birth_week == week % 52)
    if len(birthday) == 0:
        return birthday
    r.age[birthday] += 1
    age = r.age[birthday]
    status = r.status[birthday]

    start = birthday[(age == SCHOOL_START) & (status == Status.CHILD.value)]
    r.status[start] = np.where(
        rng.random(len(start)) < OUT_OF_SCHOOL_START, Status.OUT_OF_SCHOOL, Status.STUDENT
    )

    adult = (age == ADULT) & ((status == Status.STUDENT.value) | (status == Status.OUT_OF_SCHOOL.value))
    adult_ids = birthday[adult]
    stays = (r.status[adult_ids] == Status.STUDENT.value) & (rng.random(len(adult_ids)) < STAY_ON)
    enter_labour_force(r, adult_ids[~stays], params, rng)
    grads = birthday[(age == STUDENT_UNTIL) & (status == Status.STUDENT.value)]
    enter_labour_force(r, grads, params, rng)

    r.status[birthday[(age == RETIREMENT) & _RETIRES[status]]] = Status.RETIRED

    # Someone detained keeps ageing until released; replacement waits for them.
    old = birthday[(age >= MAX_AGE) & (status != Status.DETAINED.value)]
    if len(old):
        replace_with_newborns(r, old, params, rng)
    return old


def replace_with_newborns(r: Residents, ids: np.ndarray, params: Params, rng: np.random.Generator) -> None:
    """Residents who die (of old age or by violence) are replaced by newborns in their households."""
    n = len(ids)
    if n == 0:  # most weeks; the assignments below cost ~40 us even when empty
        return
    r.age[ids] = 0
    r.female[ids] = rng.random(n) < FEMALE_SHARE
    r.status[ids] = Status.CHILD
    r.income[ids] = 0.0
    r.capacity[ids] = rng.lognormal(0.0, params.economy.wage_dispersion, size=n)
    r.reluctance[ids] = _draw_reluctance(n, r.female[ids], params, rng)
    r.risk_aversion[ids] = rng.lognormal(0.0, params.selling.risk_aversion_spread, size=n)
    r.group[ids] = -1
    r.gain[ids] = 0.0
    r.record[ids] = 0
    r.tie[ids] = -1
    r.custody[ids] = Custody.FREE
    r.custody_left[ids] = 0
    r.offence[ids] = Offence.NONE
    r.sell_block[ids] = r.block[ids]
    r.carer[ids] = False
    r.released[ids] = NEVER


def ageing(m: BarrioModel) -> None:
    """Phase: this week's birthdays, with the school, work and retirement that come with an age.

    Changes residents' ``age`` and ``status``; the oldest are replaced by newborns.
    """
    age_one_week(m.residents, m.week, m.params, m.rng)


def dropout_risk(m: BarrioModel, ids: np.ndarray | None = None) -> np.ndarray:
    """The dropout hazard multiplier this week of each of ``ids`` (default: every resident).

    A parent in prison raises it (``households.parent_prison_dropout``); programmes may
    lower it (school support, a transfer conditional on school).
    """
    r, h = m.residents, m.households
    if ids is None:
        ids = np.arange(len(r))
    risk = np.where(h.with_prisoner(r)[r.household[ids]], m.params.households.parent_prison_dropout, 1.0)
    return m.programmes.dropout_factor(risk, ids)


def schooling(m: BarrioModel) -> None:
    """Phase: students drop out or graduate, and some out of school return (residents' ``status``).

    Reads last week's household poverty, state presence and :func:`dropout_risk`.
    """
    r = m.residents
    leave_school(
        r,
        m.week,
        m.grid.state_presence.data.ravel(),
        m.households.poor,
        m.params,
        m.rng,
        lambda students: dropout_risk(m, students),
    )


def public_time(r: Residents, ids: np.ndarray, params: Params) -> np.ndarray:
    """How much each of ``ids`` is out in public, relative to a man aged 12-29 (1).

    Who is met in the street (by patrols' searches, by stray bullets) is drawn with these
    weights: young men most, women ``households.public_time_women`` as much as men of
    their age.
    """
    band = np.searchsorted(PUBLIC_TIME_AGES, r.age[ids], side="right") - 1
    weight = np.asarray(PUBLIC_TIME_BY_AGE)[band]
    return np.where(r.female[ids], weight * params.households.public_time_women, weight)
