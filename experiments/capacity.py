"""Plans checked before they run: will this machine hold them?

A plan the schema accepts can still be far beyond a machine: a sweep of three 1,000-step
axes is a billion scenarios, ``--replicates 100000000`` a hundred million runs, a population
of 20 million a model of several gigabytes, ``--jobs 100`` a hundred worker processes. Each
of them used to fill the memory before any check, until the system killed something.

:func:`estimate` sizes a plan from what it is made of (the number of scenarios and runs,
the largest population and run length, the runs held at once) with the per-item costs
measured on Barrio (see the constants), and :func:`check` refuses a plan whose estimate is
above what the machine has free, saying what to change; ``force`` goes ahead anyway. The
estimates are deliberately on the high side: a refusal costs a second, an exhausted machine
the work of everyone on it.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass

import psutil

from barrio.model.errors import BarrioError

__all__ = [
    "MEMORY_ENV",
    "PlanSize",
    "PlanTooLargeError",
    "available_bytes",
    "check",
    "estimate",
    "human",
    "run_bytes",
]

log = logging.getLogger(__name__)

#: Environment variable that caps the memory Barrio plans for (``8GB``, ``512MB``, bytes), on a
#: shared machine or in a container whose limit the system's figures do not show.
MEMORY_ENV = "BARRIO_MAX_MEMORY"
#: Bytes per resident of a running model, twice what was measured (about 320 B at one million
#: residents, after the build and a few weeks), for the peaks of a long run.
BYTES_PER_RESIDENT = 640
#: Bytes per simulated week of a run's outcome table (about 120 outcomes, the tidy table and
#: its copies while it is written).
BYTES_PER_WEEK = 40_000
#: Bytes of a model's fixed parts (grids, agents, arrays sized by blocks) and the run's own objects.
BYTES_PER_RUN = 30_000_000
#: A pool worker process before it runs anything (Python with numpy, pandas, pyarrow, Mesa;
#: about 220 MB measured).
BYTES_PER_WORKER = 300_000_000
#: Bytes per scenario of a plan: the scenario's parameters as objects, its resolved values in
#: the manifest and their JSON text.
BYTES_PER_SCENARIO = 120_000
#: Bytes per run of a plan: its spec, seed and manifest entry.
BYTES_PER_PLANNED_RUN = 3_000
#: Share of the free memory a plan may take.
USABLE_SHARE = 0.8


class PlanTooLargeError(BarrioError, MemoryError):
    """A plan would need more memory than this machine has free."""


@dataclass(frozen=True)
class PlanSize:
    """What a plan will hold in memory.

    Attributes:
        scenarios: Distinct scenarios (points of a sweep).
        runs: Runs in all.
        population: Residents of the largest run.
        weeks: Weeks of the longest run (warm-up and policy period).
        at_once: Runs held in memory at the same time.
        workers: Worker processes started for them (0: they run in this process or elsewhere).
    """

    scenarios: int
    runs: int
    population: int
    weeks: int
    at_once: int
    workers: int

    @property
    def planning_bytes(self) -> int:
        """Memory of the plan itself (scenarios, specs, manifest)."""
        return self.scenarios * BYTES_PER_SCENARIO + self.runs * BYTES_PER_PLANNED_RUN

    @property
    def running_bytes(self) -> int:
        """Memory of the runs held at once and of their worker processes."""
        return self.at_once * run_bytes(self.population, self.weeks) + self.workers * BYTES_PER_WORKER

    @property
    def total_bytes(self) -> int:
        """Everything the plan needs at its peak."""
        return self.planning_bytes + self.running_bytes


def run_bytes(population: int, weeks: int) -> int:
    """Memory one run holds at its peak: the model and its outcome table."""
    return BYTES_PER_RUN + population * BYTES_PER_RESIDENT + weeks * BYTES_PER_WEEK


def estimate(
    scenarios: int, runs: int, population: int, weeks: int, jobs: int = 1, remote: bool = False
) -> PlanSize:
    """Size a plan.

    Args:
        scenarios: Distinct scenarios (or sweep points).
        runs: Runs in all.
        population: Residents of the largest scenario.
        weeks: Weeks (warm-up and policy period) of the longest scenario.
        jobs: Runs at once on this machine (1: in this process).
        remote: The runs execute on a Dask cluster; only their tables come back here.
    """
    at_once = min(max(jobs, 1), max(runs, 1))
    if remote:
        return PlanSize(scenarios, runs, 0, weeks, at_once, 0)
    return PlanSize(scenarios, runs, population, weeks, at_once, 0 if jobs <= 1 else at_once)


def available_bytes() -> int:
    """Memory free for a plan: what the system has available, or less if :data:`MEMORY_ENV` says so.

    Raises:
        PlanTooLargeError: If :data:`MEMORY_ENV` is set to something that is not an amount.
    """
    free = int(psutil.virtual_memory().available)
    text = os.environ.get(MEMORY_ENV, "").strip()
    if not text:
        return free
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([KMGT]?)B?", text.upper())
    if match is None:
        raise PlanTooLargeError(f"{MEMORY_ENV}={text!r} is not an amount of memory (say 8GB, 512MB)")
    scale = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}[match[2]]
    return min(free, int(float(match[1]) * scale))


def human(size: float) -> str:
    """Bytes in words: ``1.5 GB``."""
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size < 1024 or unit == "TB":
            return f"{size:,.0f} {unit}" if unit == "B" else f"{size:,.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


def check(plan: PlanSize, what: str, force: bool = False) -> None:
    """Refuse a plan this machine cannot hold, saying what to change; ``force`` only warns.

    Args:
        plan: The plan's size (:func:`estimate`).
        what: The plan in words, for the message (``"compare of 2 scenarios x 5 replicates"``).
        force: Go ahead anyway (``--force``), with a warning.

    Raises:
        PlanTooLargeError: If the plan needs more than :data:`USABLE_SHARE` of the free memory.
    """
    usable = int(available_bytes() * USABLE_SHARE)
    if plan.total_bytes <= usable:
        return
    advice = []
    if plan.planning_bytes > usable / 2:
        advice.append(f"fewer runs or points ({plan.runs:,} run(s) of {plan.scenarios:,} scenario(s))")
    if plan.at_once > 1 and plan.running_bytes > usable / 2:
        advice.append(f"fewer --jobs (now {plan.at_once})")
    if plan.population and run_bytes(plan.population, plan.weeks) > usable / 2:
        advice.append(f"a smaller --population (the largest is {plan.population:,} residents)")
    hint = f"; try {', or '.join(advice)}" if advice else ""
    message = (
        f"{what} would need about {human(plan.total_bytes)} of memory and this machine has "
        f"{human(usable)} to spare{hint}. Nothing was run. To go ahead anyway, add --force "
        "(force=True in Python)"
    )
    if force:
        log.warning("%s", message.replace(" Nothing was run.", " Going ahead (--force)."))
        return
    raise PlanTooLargeError(message)
