"""Residents: one row per person, held as numpy arrays.

Residents are far too many for one Python object each (see ``benchmarks/``), so their
state lives in a struct of arrays and their rules run on the whole population at once.
:meth:`Residents.person` gives a read-only view of one person for tests and pictures.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from enum import IntEnum

import numpy as np
import pandas as pd

__all__ = [
    "AGE_BANDS",
    "NEVER",
    "ByCode",
    "Custody",
    "Offence",
    "Person",
    "Residents",
    "Status",
    "age_band",
    "ids_in",
]


class Status(IntEnum):
    """What a resident does this week; every resident has exactly one.

    Compare an array with a member's ``.value`` (``r.status == Status.SELLING.value``): given
    the member itself, numpy copies the whole array to int64 first, which costs ten times
    the comparison. The same holds for :class:`Custody` and :class:`Offence`.
    """

    CHILD = 0
    STUDENT = 1
    OUT_OF_SCHOOL = 2
    FORMAL = 3
    INFORMAL = 4
    UNEMPLOYED = 5
    INACTIVE = 6
    RETIRED = 7
    SELLING = 8
    DETAINED = 9


class Custody(IntEnum):
    """Where a detained resident is in the justice process."""

    FREE = 0
    PRETRIAL = 1
    SENTENCED = 2
    JUVENILE = 3


class Offence(IntEnum):
    """Why a resident was arrested."""

    NONE = 0
    SELLING = 1
    POSSESSION = 2


#: The ``released`` week of someone never released from a sentence (the int16 minimum).
NEVER = np.iinfo(np.int16).min

#: Age bands used in outcomes: (label, lowest age, highest age).
AGE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("12_17", 12, 17),
    ("18_24", 18, 24),
    ("25_34", 25, 34),
    ("35_plus", 35, 200),
)


_BAND_EDGES = np.array([lo for _, lo, _ in AGE_BANDS])


def age_band(age: np.ndarray) -> np.ndarray:
    """Index into :data:`AGE_BANDS` for each age (-1 under the first band)."""
    return np.searchsorted(_BAND_EDGES, age, side="right") - 1


def ids_in(order: np.ndarray, starts: np.ndarray, which: np.ndarray) -> np.ndarray:
    """Ids of the residents of some blocks or households, without a Python loop over them.

    Args:
        order: Resident ids sorted by block (or household).
        starts: Where each block's (household's) residents start in ``order``, plus the end.
        which: The blocks (households) wanted.
    """
    first, sizes = starts[which], starts[which + 1] - starts[which]
    offsets = np.arange(sizes.sum()) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    return order[np.repeat(first, sizes) + offsets]


@dataclass(frozen=True)
class ByCode:
    """Ids sorted by a code (a group's, a block's), to pick out the ids of one code quickly.

    Where each code's ids start is looked up once, for every code from the smallest to the
    largest, so the ids of one code are then a slice.

    Attributes:
        ids: The ids, in order of their codes (stable: ascending ids within a code if given so).
        codes: Their codes, ascending.
    """

    ids: np.ndarray
    codes: np.ndarray
    _starts: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        low, top = (int(self.codes[0]), int(self.codes[-1])) if len(self.codes) else (0, -1)
        object.__setattr__(self, "_starts", np.searchsorted(self.codes, np.arange(low, top + 2)))

    @classmethod
    def index(cls, ids: np.ndarray, codes: np.ndarray) -> ByCode:
        """Sort ``ids`` by ``codes`` (one code per id)."""
        order = np.argsort(codes, kind="stable")
        return cls(ids[order], codes[order])

    def of(self, code: int) -> np.ndarray:
        """The ids whose code is ``code``."""
        i = code - (int(self.codes[0]) if len(self.codes) else 0)
        if not 0 <= i < len(self._starts) - 1:
            return self.ids[:0]
        return self.ids[self._starts[i] : self._starts[i + 1]]


@dataclass(frozen=True)
class Person:
    """A snapshot of one resident, for tests, inspection and pictures."""

    id: int
    age: int
    female: bool
    household: int
    block: int
    sell_block: int
    status: Status
    income: float
    capacity: float
    reluctance: float
    risk_aversion: float
    group: int
    gain: float
    custody: Custody
    custody_left: int
    offence: Offence
    record: int
    trust: float
    tie: int
    migrant: bool
    carer: bool
    released: int


@dataclass
class Residents:
    """All residents of the neighbourhood, one array element per person.

    Attributes:
        age: Age in whole years.
        birth_week: Week of the year (0-51) on which the resident turns a year older.
        female: True for women and girls.
        household: Household id; members of a household share a block and income.
        block: Flat index of the home block (``x * height + y``).
        sell_block: Where a seller sells (their home block unless they moved away from it).
        status: A :class:`Status` value.
        income: Legal weekly income in USD (0 for those without legal work).
        capacity: Earning capacity, a multiplier on wages (median 1).
        reluctance: Extra weekly USD gain the resident needs before selling.
        risk_aversion: Multiplier on the expected cost of arrest.
        group: Group a seller works for, or -1 (independent, or not selling).
        gain: A seller's running estimate of weekly net earnings from selling.
        custody: A :class:`Custody` value.
        custody_left: Weeks left in the current custody stage.
        offence: An :class:`Offence` value for the current custody.
        record: Number of prison sentences served.
        trust: Trust in the state and its police, 0 to 1.
        tie: Group a resident formed ties with in prison, or -1.
        migrant: True for members of migrant households.
        carer: True for women of working age with care duties this week (a child under
            ``households.care_age`` at home and no childcare from a programme).
        released: Week of the last release after a prison sentence (:data:`NEVER` if none).

    Warning:
        Change statuses only through the rule modules (``labour``, ``selling``, ``justice``):
        each keeps the other arrays consistent with the status it sets.
    """

    age: np.ndarray
    birth_week: np.ndarray
    female: np.ndarray
    household: np.ndarray
    block: np.ndarray
    sell_block: np.ndarray
    status: np.ndarray
    income: np.ndarray
    capacity: np.ndarray
    reluctance: np.ndarray
    risk_aversion: np.ndarray
    group: np.ndarray
    gain: np.ndarray
    custody: np.ndarray
    custody_left: np.ndarray
    offence: np.ndarray
    record: np.ndarray
    trust: np.ndarray
    tie: np.ndarray
    migrant: np.ndarray
    carer: np.ndarray
    released: np.ndarray

    def __len__(self) -> int:
        return len(self.age)

    @classmethod
    def empty(cls, n: int) -> Residents:
        """All-zero residents (children at home), for building populations or test cases."""
        return cls(
            age=np.zeros(n, np.int16),
            birth_week=np.zeros(n, np.int8),
            female=np.zeros(n, bool),
            household=np.arange(n, dtype=np.int32),
            block=np.zeros(n, np.int32),
            sell_block=np.zeros(n, np.int32),
            status=np.full(n, Status.CHILD, np.int8),
            income=np.zeros(n, np.float32),
            capacity=np.ones(n, np.float32),
            reluctance=np.zeros(n, np.float32),
            risk_aversion=np.ones(n, np.float32),
            group=np.full(n, -1, np.int16),
            gain=np.zeros(n, np.float32),
            custody=np.zeros(n, np.int8),
            custody_left=np.zeros(n, np.int16),
            offence=np.zeros(n, np.int8),
            record=np.zeros(n, np.int8),
            trust=np.full(n, 0.5, np.float32),
            tie=np.full(n, -1, np.int16),
            migrant=np.zeros(n, bool),
            carer=np.zeros(n, bool),
            released=np.full(n, NEVER, np.int16),
        )

    def person(self, i: int) -> Person:
        """A read-only snapshot of resident ``i``."""
        return Person(
            id=int(i),
            age=int(self.age[i]),
            female=bool(self.female[i]),
            household=int(self.household[i]),
            block=int(self.block[i]),
            sell_block=int(self.sell_block[i]),
            status=Status(int(self.status[i])),
            income=float(self.income[i]),
            capacity=float(self.capacity[i]),
            reluctance=float(self.reluctance[i]),
            risk_aversion=float(self.risk_aversion[i]),
            group=int(self.group[i]),
            gain=float(self.gain[i]),
            custody=Custody(int(self.custody[i])),
            custody_left=int(self.custody_left[i]),
            offence=Offence(int(self.offence[i])),
            record=int(self.record[i]),
            trust=float(self.trust[i]),
            tie=int(self.tie[i]),
            migrant=bool(self.migrant[i]),
            carer=bool(self.carer[i]),
            released=int(self.released[i]),
        )

    def frame(self) -> pd.DataFrame:
        """All residents as a table (one row per person), with readable status names."""
        df = pd.DataFrame({f.name: getattr(self, f.name) for f in fields(self)})
        df["status"] = pd.Categorical.from_codes(df["status"], [s.name.lower() for s in Status])
        return df

    @property
    def nbytes(self) -> int:
        """Memory held by the arrays, in bytes."""
        return sum(getattr(self, f.name).nbytes for f in fields(self))
