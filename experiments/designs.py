"""Exploration files: policies crossed with a sampling design over the uncertainties, paired by seed.

An exploration file is YAML, read and checked as experiment files are (every problem at once,
with its line)::

    # Where does mano dura raise homicides, and which assumptions decide it?
    name: crackdown_exploration
    policies: [baseline, mano_dura, integrated]   # library scenarios or files next to this one
    baseline: baseline                           # default: the first policy
    replicates: 2                                # seeds per point, the same for every policy
    seed: 1
    design:
      method: morris          # morris | sobol | latin_hypercube
      n: 10                   # morris: trajectories; sobol: base samples (a power of 2); else points
    uncertainties:            # `all`, a list (each with its plausible range) or {path: [low, high]}
      - groups.lethality
      - selling.reluctance
    # or those a finished Morris screening found to matter most, over its ranges:
    #   uncertainties: {top: 10, of: crackdown_screening}   # its results folder, beside this file
    levers:                   # optional: policy levers varied too, each over a range
      policing.punitive_intensity: [0.3, 0.9]
    population: 3000          # optional: residents, policy weeks and warm-up weeks of every run
    weeks: 104                # (default: each policy's own; the command's options win)
    warmup: 52

Morris trajectories and Sobol's (Saltelli's) samples come from SALib, Latin hypercubes from
scipy's ``qmc``. An uncertainty's range is its plausible range (``barrio parameters``;
:func:`model.params.plausible_range`) unless the file narrows it. Every policy runs at every
point, its values given by :func:`point_scenario` (uncertainties from the first week, levers
from the policy period, so that every policy warms up as it would anyway); replicate *i* of every
policy at every point has the same seed, so the differences between policies are paired.
"""

from __future__ import annotations

import difflib
import itertools
import json
import numbers
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample
from scipy.stats import qmc

from barrio.experiments.batch import MANIFEST, ResultsError, RunSpec, read_manifest, replicate_seeds
from barrio.experiments.costs import SPENDING
from barrio.experiments.discovery import HIGHER_IS_BETTER
from barrio.experiments.posterior import parameter_values, whole_numbers
from barrio.model.errors import BarrioError
from barrio.model.outcomes import OUTCOMES
from barrio.model.params import Params, parameter_table
from barrio.model.scenario import Problem, Scenario, ScenarioError, load_scenario, locate_beside, read_yaml

__all__ = [
    "Design",
    "DesignError",
    "DesignSpec",
    "Exploration",
    "ExplorationFile",
    "load_exploration",
    "sample",
]

#: Outcomes an exploration looks at unless the file says otherwise: homicides, young recruits,
#: prisoners and what the state spends (see experiments.sensitivity.DERIVED).
DEFAULT_OUTCOMES = ("homicide_rate", "young_recruits", "prisoners", "public_spending")


class DesignSpec(BaseModel):
    """How the points are drawn."""

    model_config = ConfigDict(extra="forbid")

    method: Literal["morris", "sobol", "latin_hypercube"]
    n: int = Field(ge=2, le=100_000)
    levels: int = Field(4, ge=2, le=20)  # Morris's grid levels
    second_order: bool = False  # Sobol's second-order indices (doubles the runs)


class Discovery(BaseModel):
    """The cases scenario discovery looks for: where ``policy`` minus ``against`` is above a value.

    With ``cost`` (an outcome that is spending, such as ``public_spending``), the cases are where
    ``policy`` costs more per unit of ``outcome`` averted than ``against`` does, by more than
    ``above``: each policy's extra cost over the exploration's baseline, per unit fewer than
    under the baseline (where social inclusion costs more per recruit averted than enforcement).
    """

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    policy: str
    against: str
    outcome: str = DEFAULT_OUTCOMES[0]
    above: float = 0.0
    cost: str | None = None


class Screened(BaseModel):
    """The uncertainties a finished Morris screening found to matter most (``{top: 10, of: FOLDER}``)."""

    model_config = ConfigDict(extra="forbid")

    top: int = Field(ge=1, le=1_000)
    of: str = Field(min_length=1)  # the screening's results folder, relative to this file


class ExplorationFile(BaseModel):
    """The schema of an exploration file."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    name: str = Field(pattern=r"^[A-Za-z0-9_-]{1,60}$")
    description: str = ""
    policies: list[str] = Field(min_length=1, max_length=20)
    baseline: str | None = None
    replicates: int = Field(2, ge=1, le=1_000)
    seed: int = Field(1, ge=0, le=2**63 - 1)
    # The size of every run, unless the command says otherwise (default: each policy's own).
    population: int | None = Field(None, ge=100, le=10_000_000)
    weeks: int | None = Field(None, ge=1, le=5_200)
    warmup: int | None = Field(None, ge=0, le=5_200)
    design: DesignSpec
    uncertainties: Literal["all"] | list[str] | Screened | dict[str, tuple[float, float]] = Field(
        default_factory=list
    )
    levers: dict[str, tuple[float, float]] = Field(default_factory=dict)
    outcomes: list[str] = Field(default_factory=lambda: list(DEFAULT_OUTCOMES), min_length=1)
    differences: list[tuple[str, str]] | None = None
    discovery: Discovery | None = None

    @field_validator("uncertainties", mode="before")
    @classmethod
    def _one_form(cls, value: Any) -> Any:
        """Read the uncertainties by the form they take, so that a mistake gets one message.

        Left to pydantic, a value that fits none of the forms gets a message from each (six for
        one short range, naming a class of this module), the one that matters last.
        """
        return uncertainties_form(value)


#: The forms ``uncertainties`` may take, as every message about them says.
UNCERTAINTY_FORMS = "'all', a list of parameters, a mapping PARAM: [LOW, HIGH], or {top: N, of: FOLDER}"


class FormError(ValueError):
    """What is wrong with a value, at ``at`` within it (a list's entry, a mapping's key)."""

    def __init__(self, message: str, at: tuple = ()) -> None:
        super().__init__(message)
        self.at = at


def uncertainties_form(value: Any) -> Any:
    """An exploration's ``uncertainties`` in the form it takes, else one :class:`FormError` for it.

    Raises:
        FormError: Naming the entry at fault (``at``) and the forms allowed.
    """
    forms = f"uncertainties may be {UNCERTAINTY_FORMS}"
    if isinstance(value, str):
        if value == "all":
            return value
        hint = "; did you mean 'all'?" if difflib.get_close_matches(value, ["all"], n=1) else ""
        raise FormError(f"'{value}' is not one of the forms; {forms}{hint}")
    if isinstance(value, list):
        for k, name in enumerate(value):
            if not isinstance(name, str):
                raise FormError(f"{name!r} is not a parameter's name; {forms}", (k,))
        return value
    if isinstance(value, Screened):
        return value
    if isinstance(value, Mapping) and {"top", "of"} & set(value):
        try:
            return Screened.model_validate(value)
        except ValidationError as err:
            allowed = ", ".join(Screened.model_fields)
            said = [
                f"{'.'.join(map(str, e['loc']))}: "
                + (f"unknown name (allowed: {allowed})" if e["type"] == "extra_forbidden" else e["msg"])
                for e in err.errors()
            ]
            raise FormError("; ".join(said)) from None
    if isinstance(value, Mapping):
        ranges = {}
        for name, bounds in value.items():
            plain = isinstance(bounds, list | tuple) and all(
                isinstance(b, numbers.Real) and not isinstance(b, bool) and np.isfinite(b) for b in bounds
            )
            if not (plain and len(bounds) == 2):
                raise FormError(f"{bounds!r} is not a range [LOW, HIGH] of two numbers; {forms}", (name,))
            ranges[str(name)] = (float(bounds[0]), float(bounds[1]))
        return ranges
    raise FormError(f"{value!r} is not one of the forms; {forms}")


@dataclass(frozen=True)
class Design:
    """The points of an exploration: ``values``, one row per point, one column per parameter.

    ``values`` are what SALib drew and analyses (Morris reads its steps from them); the model
    gets them rounded where a parameter is a whole number (:meth:`model_values`). A Sobol or
    Latin hypercube design draws whole numbers over their ``bounds`` widened by half a unit each
    side (:func:`sample`).
    """

    method: str
    names: tuple[str, ...]
    bounds: tuple[tuple[float, float], ...]
    values: np.ndarray
    n: int
    levels: int
    second_order: bool
    seed: int

    def model_values(self) -> np.ndarray:
        """The points as the model gets them: whole-number parameters rounded."""
        got = self.values.copy()
        whole = whole_numbers(self.names)
        # np.round rounds halves to even, as Python's round in parameter_values does.
        got[:, whole] = np.round(got[:, whole])
        return got

    @property
    def problem(self) -> dict[str, Any]:
        """The design as SALib's ``problem``."""
        return {
            "num_vars": len(self.names),
            "names": list(self.names),
            "bounds": [list(b) for b in self.bounds],
        }

    def finished_trajectories(self, points: np.ndarray) -> tuple[Design, np.ndarray]:
        """A Morris design cut down to its trajectories whose every point is among ``points``.

        Each Morris trajectory (``len(names) + 1`` consecutive points) gives every parameter
        one elementary effect on its own, so the finished ones are a smaller Morris design
        of their own: a screening stopped part way can be read from them.

        Returns:
            That design (``n`` is its number of trajectories), and the rows of this design's
            points it keeps, in order.
        """
        if self.method != "morris":
            raise ValueError(f"only a Morris design has trajectories, not a {self.method} one")
        length = len(self.names) + 1
        done = np.isin(np.arange(self.n * length), points).reshape(self.n, length).all(axis=1)
        rows = (np.flatnonzero(done)[:, None] * length + np.arange(length)).ravel()
        return replace(self, values=self.values[rows], n=int(done.sum())), rows

    def describe(self) -> dict[str, Any]:
        """What the results folder keeps to analyse the runs again (the values are in design.csv)."""
        return {
            "method": self.method,
            "names": list(self.names),
            "bounds": [list(b) for b in self.bounds],
            "n": self.n,
            "levels": self.levels,
            "second_order": self.second_order,
            "seed": self.seed,
        }


def points_needed(method: str, n: int, dimensions: int, second_order: bool = False) -> int:
    """The points a design of ``n`` makes over ``dimensions`` parameters."""
    if method == "morris":
        return n * (dimensions + 1)
    if method == "sobol":
        return n * (2 * dimensions + 2 if second_order else dimensions + 2)
    return n


def sample(
    method: str,
    names: list[str],
    bounds: list[tuple[float, float]],
    n: int,
    seed: int,
    levels: int = 4,
    second_order: bool = False,
) -> Design:
    """Draw a design's points (deterministic given ``seed``).

    A Sobol or Latin hypercube design draws a whole-number parameter over its range widened by
    half a unit each side, so that once rounded every whole number in the range is as likely as
    another (drawn over the range itself, the two ends would come up half as often). A Morris
    design keeps its grid of levels; the analysis divides by the step the rounding leaves
    (:func:`experiments.sensitivity.step_ratios`), and no two of its trajectories take one step
    (:func:`_morris`).

    Raises:
        DesignError: If a Morris design's trajectories cannot each take their own steps.
    """
    drawn = [list(b) for b in bounds]
    whole = whole_numbers(names)
    if method != "morris":
        for k in np.flatnonzero(whole):
            drawn[k] = [np.ceil(bounds[k][0]) - 0.5, np.floor(bounds[k][1]) + 0.5]
    problem = {"num_vars": len(names), "names": names, "bounds": drawn}
    # Not the seed itself: replicate_seeds(seed, ...) spawns the runs' seeds from SeedSequence(seed),
    # and the design must not share their stream.
    stream = np.random.SeedSequence([seed, 1]).generate_state(1)[0]
    if method == "morris":
        values = _morris(problem, n, levels, int(stream))
    elif method == "sobol":
        values = sobol_sample.sample(problem, n, calc_second_order=second_order, seed=int(stream))
    else:
        unit = qmc.LatinHypercube(d=len(names), rng=np.random.default_rng(stream)).random(n)
        low, high = np.array(drawn, dtype=float).T
        values = low + unit * (high - low)
    if method != "morris" and whole.any():
        # An end of the widened range itself would round outside the range (half to even).
        low, high = np.array(drawn, dtype=float)[whole].T
        values[:, whole] = np.clip(values[:, whole], low + 1e-6, high - 1e-6)
    return Design(
        method, tuple(names), tuple(tuple(b) for b in bounds), values, n, levels, second_order, seed
    )


class DesignError(ValueError):
    """A design that cannot be drawn as asked (too many trajectories for too few parameters)."""


#: How many more trajectories than asked a Morris design draws to replace those that repeat a step.
SPARE_TRAJECTORIES = 10


def _morris(problem: dict[str, Any], n: int, levels: int, seed: int) -> np.ndarray:
    """SALib's ``n`` Morris trajectories, none of which takes a step another has taken.

    Over few parameters two trajectories often share a step (the same two points: at 4
    parameters and 4 levels a parameter has 128 steps to take). The runs at both are the same, so
    that elementary effect counts twice: with two trajectories its sigma and its interval are
    0, and pass for certainty. A trajectory that repeats a step is replaced by the next one SALib
    draws from the same stream, which draws trajectories one after another: a design with no
    step taken twice (any over many parameters, such as the shipped screening) is SALib's own.
    SALib's remedy, ``optimal_trajectories``, keeps the most spread-out of many trajectories, but
    that alone neither rules out a shared step nor leaves other designs as they were.

    Raises:
        DesignError: If too few trajectories without a repeated step are found (too few
            parameters and levels for ``n``).
    """
    # SALib draws trajectories one after another: the first n of this longer draw are its draw of
    # n, so where none repeats a step the design is the same.
    drawn = n * SPARE_TRAJECTORIES
    pool = morris_sample.sample(problem, drawn, num_levels=levels, seed=seed)
    kept = _distinct_trajectories(pool, problem, levels, n)
    if len(kept) < n:
        raise DesignError(
            f"{n} Morris trajectories over {problem['num_vars']} parameter(s) at {levels} levels cannot "
            f"each take steps no other takes ({len(kept)} of {drawn} drawn do): use fewer trajectories, "
            "more levels or more parameters"
        )
    length = problem["num_vars"] + 1
    return pool[(np.array(kept)[:, None] * length + np.arange(length)).ravel()]


def _distinct_trajectories(values: np.ndarray, problem: dict[str, Any], levels: int, n: int) -> list[int]:
    """The first ``n`` trajectories, in order, that take no step an earlier one kept has taken.

    A step is the pair of points the model runs, whole numbers rounded (two levels may round
    to one number); the other values are compared by their level on the grid, not as floats.
    """
    low, high = np.array(problem["bounds"], dtype=float).T
    grid = np.round((values - low) / (high - low) * (levels - 1)).astype(float)
    whole = whole_numbers(problem["names"])
    grid[:, whole] = np.round(values[:, whole])
    length = problem["num_vars"] + 1
    taken: set[frozenset[bytes]] = set()
    kept: list[int] = []
    for t in range(len(values) // length):
        points = [row.tobytes() for row in grid[t * length : (t + 1) * length]]
        steps = {frozenset(pair) for pair in itertools.pairwise(points)}
        if steps & taken:
            continue
        taken |= steps
        kept.append(t)
        if len(kept) == n:
            break
    return kept


@dataclass(frozen=True)
class Exploration:
    """An exploration file, read and checked, with its design drawn."""

    spec: ExplorationFile
    source: str
    policies: tuple[Scenario, ...]
    design: Design

    @property
    def baseline(self) -> str:
        """The policy the others are compared with."""
        return self.spec.baseline or self.policies[0].name

    @property
    def differences(self) -> list[tuple[str, str]]:
        """The paired differences: as the file says, else each policy minus the baseline, then the rest.

        With three policies: mano_dura - baseline, integrated - baseline, mano_dura - integrated.
        """
        if self.spec.differences is not None:
            return [tuple(d) for d in self.spec.differences]
        names = [p.name for p in self.policies]
        others = [n for n in names if n != self.baseline]
        pairs = [(n, self.baseline) for n in others]
        return pairs + [(a, b) for i, a in enumerate(others) for b in others[i + 1 :]]

    @property
    def discovery(self) -> Discovery | None:
        """What scenario discovery looks for: as the file says, else the first difference above 0."""
        if self.spec.discovery is not None:
            return self.spec.discovery
        if not self.differences:
            return None
        policy, against = self.differences[0]
        return Discovery(policy=policy, against=against, outcome=self.spec.outcomes[0])

    def specs(self, resize: Any = None) -> list[RunSpec]:
        """Every policy at every point, replicate *i* with the same seed everywhere (paired).

        Point by point, every policy and seed of a point before the next point: a batch stopped
        part way leaves whole points (and whole Morris trajectories) behind it, which can be
        analysed, rather than one policy's runs everywhere and the other's nowhere.

        Args:
            resize: Applied to each policy before its values are given (another population or
                length of run).
        """
        seeds = replicate_seeds(self.spec.seed, self.spec.replicates)
        width = len(str(len(self.design.values) - 1))
        sized = [resize(policy) if resize is not None else policy for policy in self.policies]
        specs = []
        for k, row in enumerate(self.design.values):
            values = parameter_values(self.design.names, row)
            for policy, scenario in zip(self.policies, sized, strict=True):
                run = point_scenario(scenario, values, set(self.spec.levers), f"{policy.name}-x{k:0{width}d}")
                # The point's values are in design.csv and in the run's scenario: as columns of
                # every run's table they would repeat a hundred values on every row.
                specs.extend(
                    RunSpec(run, i, seed, {"policy": policy.name, "point": k}) for i, seed in enumerate(seeds)
                )
        return specs

    def describe(self) -> dict[str, Any]:
        """The exploration as its results folder's manifest keeps it."""
        discovery = self.discovery
        return {
            "command": "explore",
            "name": self.spec.name,
            "experiment": self.source,
            "root_seed": self.spec.seed,
            "baseline": self.baseline,
            "policies": [p.name for p in self.policies],
            "design": self.design.describe(),
            "outcomes": list(self.spec.outcomes),
            "differences": [list(d) for d in self.differences],
            "discovery": discovery.model_dump() if discovery is not None else None,
        }


def point_scenario(policy: Scenario, values: Mapping[str, Any], levers: set[str], name: str) -> Scenario:
    """A policy at an exploration's point: its uncertainties from the first week, its levers from week 0.

    A lever the policy's timeline sets takes the point's value where the timeline sets it
    (:meth:`Scenario.with_values`); one it does not set is set at the start of the policy period
    (:meth:`Scenario.with_changes`). Set from the first week instead, it would warm the
    neighbourhood up under the point's value for one policy and under the base scenario's for
    another (mano dura sets the punitive intensity at year 0, the baseline does not), and the
    paired differences would carry the difference of their warm-ups.

    Raises:
        ParameterError: If a value is out of range.
    """
    own = {path for event in policy.timeline for path in event.set}
    switched = {p: v for p, v in values.items() if p in levers and p not in own}
    kept = {p: v for p, v in values.items() if p not in switched}
    return policy.with_values(kept, name=name).with_changes(switched)


def load_exploration(source: Path | str | Mapping[str, Any]) -> Exploration:
    """Read and check an exploration file (or its contents as a dict); every problem is reported at once.

    Raises:
        ScenarioError: Naming the file, the line, the field and what is allowed.
    """
    if isinstance(source, Mapping):
        data, lines, file, folder = dict(source), {}, f"exploration '{source.get('name', '?')}'", Path.cwd()
    else:
        path = Path(source)
        file, folder = str(path), path.parent
        if not path.exists():
            raise ScenarioError([Problem(file, None, "", "no such file")])
        data, lines, problems = read_yaml(path)
        if problems:
            raise ScenarioError(problems)
    problems: list[Problem] = []

    def problem(loc: tuple, message: str, at: tuple | None = None) -> None:
        """A problem at ``loc``; ``at`` is where in the file it is, if not there (a list's entry)."""
        at = at or loc
        line = next((lines[at[:k]][1] for k in range(len(at), 0, -1) if at[:k] in lines), None)
        problems.append(Problem(file, line, ".".join(map(str, loc)), message))

    try:
        spec = ExplorationFile.model_validate(data)
    except ValidationError as err:
        for e in err.errors():
            said = e.get("ctx", {}).get("error")
            if isinstance(said, FormError):
                problem((*e["loc"], *said.at), str(said))
                continue
            loc = tuple(
                p for p in e["loc"] if not (isinstance(p, str) and ("[" in p or p == "literal['all']"))
            )
            if e["type"] == "extra_forbidden":
                fields = ExplorationFile.model_fields if len(loc) == 1 else None
                close = difflib.get_close_matches(str(loc[-1]), fields or [], n=1)
                hint = f"did you mean '{close[0]}'? " if close else ""
                message = f"unknown name; {hint}allowed: {', '.join(fields)}" if fields else "unknown name"
            else:
                message = e["msg"].removeprefix("Value error, ")
            problem(loc, message)
        raise ScenarioError(problems) from None

    policies = []
    for k, name in enumerate(spec.policies):
        try:
            policies.append(load_scenario(locate_beside(name, folder)))
        except ScenarioError as err:
            problem(("policies", k), f"cannot use this policy: {err.problems[0].message}")
    names = [p.name for p in policies]
    if len(set(names)) < len(names):
        problem(("policies",), f"two policies have one name: {', '.join(names)}")
    named = [(("baseline",), spec.baseline)]
    named += [(("differences", k), n) for k, pair in enumerate(spec.differences or []) for n in pair]
    if spec.discovery is not None:
        named += [
            (("discovery", "policy"), spec.discovery.policy),
            (("discovery", "against"), spec.discovery.against),
        ]
    for where, name in named:
        if name is not None and len(policies) == len(spec.policies) and name not in names:
            problem(where, f"'{name}' is not one of the policies: {', '.join(names)}")
    for k, outcome in enumerate(spec.outcomes):
        said = outcome_problem(outcome)
        if said:
            problem(("outcomes", outcome), said, ("outcomes", k))
    for k, outcome, said in _named_twice(spec.outcomes):
        problem(("outcomes", outcome), said, ("outcomes", k))
    if spec.discovery is not None and spec.discovery.outcome not in spec.outcomes:
        problem(("discovery", "outcome"), _not_an_outcome(spec.discovery.outcome, spec.outcomes))
    if spec.discovery is not None and spec.discovery.cost is not None:
        _check_cost(spec, names, problem)
    ranges = _ranges(spec, problem, folder)
    method = spec.design.method
    for setting, belongs, what in (
        ("levels", "morris", "Morris's grid levels"),
        ("second_order", "sobol", "Sobol's second-order indices"),
    ):
        # Given to another method, it would be ignored: the file would not run what it says.
        if setting in spec.design.model_fields_set and method != belongs:
            problem(("design", setting), f"{what}; a {method} design has none (drop {setting})")
    if method == "sobol" and spec.design.n & (spec.design.n - 1):
        # Scipy's Sobol' sequence keeps its balance only over a power of 2 points (SALib warns).
        problem(
            ("design", "n"), f"Sobol's samples need n a power of 2 (2, 4, 8, 16, ...); got {spec.design.n}"
        )
    levels = spec.design.levels
    if spec.design.method == "morris" and levels % 2:
        # SALib's steps jump half the levels: with an odd number some levels are reached
        # more often than others (SALib warns the sample may be biased).
        problem(("design", "levels"), f"Morris's levels must be even (4, 6, 8, ...); got {levels}")
    for path, bounds in ranges.items():
        if whole_numbers([path])[0]:
            said = _whole_number_problem(bounds, spec.design.method, levels)
            if said:
                problem(("uncertainties" if path not in spec.levers else "levers", path), said)
    if problems:
        raise ScenarioError(problems)
    try:
        design = sample(
            spec.design.method,
            list(ranges),
            list(ranges.values()),
            spec.design.n,
            spec.seed,
            spec.design.levels,
            spec.design.second_order,
        )
    except DesignError as err:
        problem(("design", "n"), str(err))
        raise ScenarioError(problems) from None
    return Exploration(spec, file, tuple(policies), design)


def _whole_number_problem(bounds: tuple[float, float], method: str, levels: int) -> str:
    """What is wrong with varying a whole-number parameter over ``bounds`` ('' if nothing).

    It needs two whole numbers at least. A Morris step joins level ``k`` of the grid and level
    ``k + levels / 2``; rounded, every step must still move the parameter, and by the same
    amount, since the analysis divides all of its effects by one step
    (:func:`experiments.sensitivity.step_ratios`).
    """
    low, high = bounds
    if np.ceil(low) >= np.floor(high):
        return f"a whole number: [{low:g}, {high:g}] holds fewer than two whole numbers to vary over"
    if method != "morris" or levels % 2:
        return ""
    grid = np.linspace(low, high, levels)
    taken = {round(float(grid[k + levels // 2])) - round(float(grid[k])) for k in range(levels // 2)}
    if 0 in taken:
        return (
            f"a whole number: at {levels} levels over [{low:g}, {high:g}] a Morris step rounds to no "
            "change; widen the range or use fewer levels"
        )
    if len(taken) > 1:
        steps = " and ".join(str(t) for t in sorted(taken))
        return (
            f"a whole number: at {levels} levels over [{low:g}, {high:g}] the Morris steps round to "
            f"{steps} units, unevenly; use 4 levels (any whole-number range gives even steps) or "
            "a range whose levels fall on whole numbers"
        )
    return ""


def outcome_problem(name: str) -> str:
    """What is wrong with an outcome an exploration is asked to analyse ('' if nothing).

    The analysis reads the outcomes the model writes and the sums it adds up of them
    (:data:`experiments.sensitivity.DERIVED`); any other name would be left out of every table
    without a word, or leave every point unfinished if it is the only one.
    """
    # Imported here: experiments.sensitivity reads this module's Design.
    from barrio.experiments.sensitivity import DERIVED

    if name in OUTCOMES or name in DERIVED:
        return ""
    close = difflib.get_close_matches(name, [*DERIVED, *OUTCOMES], n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return (
        f"not an outcome: the analysis adds up {', '.join(DERIVED)}, and reads any the model writes "
        f"(homicides, arrests, ...: model.outcomes.OUTCOMES, with their meanings){hint}"
    )


def _named_twice(names: list[str]) -> Iterator[tuple[int, str, str]]:
    """Each entry that repeats an earlier one: its index, its name and what is wrong.

    Refused rather than merged: the file would not say what it runs.
    """
    first: dict[str, int] = {}
    for k, name in enumerate(names):
        if name in first:
            yield k, name, f"named twice (entries {first[name]} and {k})"
        first.setdefault(name, k)


def _not_an_outcome(name: str, outcomes: list[str]) -> str:
    close = difflib.get_close_matches(name, outcomes, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"not one of the outcomes: {', '.join(outcomes)}{hint}"


def _check_cost(spec: ExplorationFile, names: list[str], problem: Any) -> None:
    """Check a cost per unit averted: a spending outcome, one where less is better to avert, a third baseline.

    What each policy averts is counted against the baseline, so it cannot be either policy.
    """
    chosen = spec.discovery
    if chosen is None or chosen.cost is None:
        return
    if chosen.cost not in spec.outcomes:
        problem(("discovery", "cost"), _not_an_outcome(chosen.cost, spec.outcomes))
    elif chosen.cost == chosen.outcome:
        problem(("discovery", "cost"), "the cost must be another outcome than the one averted")
    elif not (chosen.cost in ("public_spending", *SPENDING) or chosen.cost.endswith("_spending")):
        problem(
            ("discovery", "cost"),
            f"'{chosen.cost}' is not spending: public_spending, or a *_spending outcome",
        )
    if chosen.outcome in HIGHER_IS_BETTER:
        problem(
            ("discovery", "outcome"),
            f"more {chosen.outcome} is better, so none of it is averted: a cost per unit averted needs an "
            "outcome where less is better",
        )
    if len(names) < len(spec.policies):
        return  # a policy that failed to load is reported already; the baseline may not be known
    baseline = spec.baseline or names[0]
    if baseline in (chosen.policy, chosen.against):
        problem(
            ("discovery", "cost"),
            f"a cost per {chosen.outcome} averted is counted against the baseline, and the baseline "
            f"'{baseline}' is one of the two policies compared: add a third policy as the baseline "
            "(baseline: NAME) or drop cost",
        )


def _ranges(spec: ExplorationFile, problem: Any, folder: Path) -> dict[str, tuple[float, float]]:
    """Each varied parameter's range: an uncertainty's plausible one unless narrowed, a lever's as given."""
    rows = {row["path"]: row for row in parameter_table()}
    if isinstance(spec.uncertainties, Screened):
        asked = spec.uncertainties
        try:
            wanted = screened(folder / asked.of, asked.top)
        except ResultsError as err:
            problem(("uncertainties", "of"), str(err))
            wanted = {}
        if wanted and len(wanted) < asked.top:
            # Refused, not taken as all of them: the count sets the design's size, and the file
            # would not say what it runs.
            problem(
                ("uncertainties", "top"),
                f"the screening in {asked.of} varied {len(wanted)} parameters: "
                f"ask for top: {len(wanted)} at most",
            )
    elif spec.uncertainties == "all":
        wanted: dict[str, tuple[float, float] | None] = {
            p: None for p, row in rows.items() if row["plausible"] is not None
        }
    elif isinstance(spec.uncertainties, list):
        wanted = dict.fromkeys(spec.uncertainties)
        for k, path, said in _named_twice(spec.uncertainties):
            problem(("uncertainties", path), said, ("uncertainties", k))
    else:
        wanted = dict(spec.uncertainties)
    # A listed uncertainty's line is its entry's in the list.
    listed = {p: k for k, p in enumerate(spec.uncertainties)} if isinstance(spec.uncertainties, list) else {}
    ranges: dict[str, tuple[float, float]] = {}
    for section, given in (("uncertainties", wanted), ("levers", dict(spec.levers))):
        for path, bounds in given.items():
            found = _range(section, path, bounds, rows)
            if isinstance(found, str):
                at = (section, listed[path]) if section == "uncertainties" and path in listed else None
                problem((section, path), found, at)
            else:
                ranges[path] = found
    if not wanted and not spec.levers and not isinstance(spec.uncertainties, Screened):
        problem(("uncertainties",), "give at least one uncertainty (or 'all') or lever to vary")
    return ranges


def _range(
    section: str, path: str, bounds: tuple[float, float] | None, rows: Mapping[str, Mapping[str, Any]]
) -> tuple[float, float] | str:
    """A parameter's range to vary over, or what is wrong with it."""
    row = rows.get(path)
    if row is None:
        close = difflib.get_close_matches(path, list(rows), n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        return f"not a parameter; {hint}parameters are listed by `barrio parameters`"
    if section == "uncertainties" and row["lever"]:
        return "a lever, not an uncertainty: put it under 'levers' with a range"
    if section == "levers" and not row["lever"]:
        return "not a lever: put it under 'uncertainties'"
    bounds = bounds if bounds is not None else row["plausible"]
    if bounds is None:
        return "has no plausible range of its own; give one (uncertainties: {PATH: [LOW, HIGH]})"
    low, high = float(bounds[0]), float(bounds[1])
    if not low < high:
        return f"the range must go from a lower to a higher value; got [{low:g}, {high:g}]"
    whole = isinstance(row["default"], int) and not isinstance(row["default"], bool)
    try:
        for end in (low, high):
            Params().with_levers({path: round(end) if whole else end})
    except BarrioError as err:
        return "; ".join(message for _sub, message in err.problems)
    return (low, high)


def deciding(indices: pd.DataFrame, top: int, noise: pd.DataFrame | None = None) -> list[str]:
    """The ``top`` parameters that matter most to a screening's differences between policies.

    A parameter's weight is its largest Morris mu* over the differences' outcomes, each outcome's
    mu* divided by the largest there (outcomes have different units): a parameter that decides
    any one of them is kept. Without differences (a single policy), the outcomes' levels count.
    Ties are broken by the order of the screening's own ranks.

    With the screening's noise floors, the parameters shown to matter come first: those whose mu*
    clears its noise floor by more than its interval on some outcome, weighed against the
    largest such mu* there. Otherwise an outcome the seeds' noise dominates (a few runaway
    points can make every mu* there large and erratic) would fill the list with parameters the
    screening could not tell from noise. The rest follow by their weight as above.

    Args:
        indices: A Morris screening's ``indices.csv`` (:func:`experiments.sensitivity.indices`).
        top: How many to keep.
        noise: Its ``noise.csv`` (:func:`experiments.sensitivity.seed_noise`), if it has one.
    """
    rows = indices[indices["against"].notna()] if indices["against"].notna().any() else indices
    target = ["policy", "against", "outcome"]
    largest = rows.groupby(target, dropna=False)["mu_star"].transform("max")
    weight = (rows["mu_star"] / largest.where(largest > 0)).fillna(0.0)
    rows = rows.assign(weight=weight, shown=0.0)
    if noise is not None and not noise.empty:
        keys = [*target, "parameter"]
        floor = (
            _blank_against(rows[keys])
            .merge(_blank_against(noise[[*keys, "noise"]]), on=keys, how="left")["noise"]
            .to_numpy()
        )
        clear = rows["mu_star"].to_numpy() - rows["mu_star_conf"].to_numpy() > np.nan_to_num(
            floor, nan=np.inf
        )
        kept = rows["mu_star"].where(clear)
        best = kept.groupby([rows[c] for c in target], dropna=False).transform("max")
        rows["shown"] = (kept / best.where(best > 0)).fillna(0.0)
    ranked = rows.groupby("parameter", sort=False).agg(
        shown=("shown", "max"), weight=("weight", "max"), rank=("rank", "min")
    )
    order = ranked.sort_values(["shown", "weight", "rank"], ascending=[False, False, True])
    return list(order.index[:top])


def _blank_against(frame: pd.DataFrame) -> pd.DataFrame:
    # A level's "against" is empty: NaN read from one file, None from another; they must match.
    against = frame["against"].astype(object)
    return frame.assign(against=against.where(against.notna(), ""))


#: What an exploration's report keeps of its manifest, for a copy of the folder without its runs
#: and manifest (a study shipped in git: the manifest names every run, megabytes of it).
PLAN_FILE = "exploration.json"
#: A Morris or Sobol design's noise floor per target and parameter (what the runs say beyond their means).
NOISE_FILE = "noise.csv"
#: How the tables of a screening are read: names as text, so that a policy named "2024" matches itself.
_NAMES_AS_TEXT = {"policy": str, "against": str, "outcome": str, "parameter": str}


def read_plan(out: Path, summary: bool = False) -> dict[str, Any]:
    """What an exploration folder is: its ``description``, ``replicates`` and ``runs``.

    From its manifest; for a folder kept without it, or if ``summary``, from the
    :data:`PLAN_FILE` its report wrote (``runs`` is then empty: what is read is the report's
    summary of them, not the runs; ``versions`` counts the finished runs by the code that made them).

    Raises:
        ResultsError: If the folder has neither, or its plan file is damaged.
    """
    path = out / PLAN_FILE
    if not summary and ((out / MANIFEST).is_file() or not path.is_file()):
        manifest = read_manifest(out)
        runs = manifest.get("runs", [])
        replicates = max((r["replicate"] for r in runs), default=-1) + 1
        return {"description": manifest.get("description", {}), "replicates": replicates, "runs": runs}
    if not path.is_file():
        raise ResultsError(f"{path} is missing: write the exploration's report (barrio report {out})")
    try:
        plan = json.loads(path.read_text(encoding="utf-8"))
        return {
            "description": dict(plan["description"]),
            "replicates": int(plan["replicates"]),
            "runs": [],
            "versions": dict(plan.get("versions", {})),
            "run_seconds": dict(plan.get("run_seconds", {})),
        }
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise ResultsError(f"{path}: damaged ({err!r}); run the exploration again to write it") from err


def read_noise(out: Path) -> pd.DataFrame:
    """The seeds' noise floors as an exploration's report last wrote them (empty if it did not).

    Raises:
        ResultsError: If the file is there but damaged.
    """
    path = out / NOISE_FILE
    if not path.is_file():
        return pd.DataFrame()
    try:
        table = pd.read_csv(path, dtype=_NAMES_AS_TEXT)
    except (OSError, ValueError) as err:
        raise ResultsError(f"{path}: cannot be read ({err}); write the report again from the runs") from err
    if {"policy", "against", "outcome", "parameter", "noise"} - set(table.columns):
        raise ResultsError(
            f"{path}: not an exploration's noise table (policy, against, outcome, parameter, noise)"
        )
    table["against"] = table["against"].astype(object).where(table["against"].notna(), None)
    return table


def screened(folder: Path, top: int) -> dict[str, tuple[float, float]]:
    """The ``top`` deciding parameters of a finished Morris screening, over the ranges it used.

    Raises:
        ResultsError: If the folder holds no finished Morris screening.
    """
    try:
        plan = read_plan(folder)
    except ResultsError as err:
        hint = f"run the screening into that folder first (barrio explore FILE --out {folder})"
        raise ResultsError(f"{err}; {hint}") from err
    design = plan["description"].get("design") or {}
    if design.get("method") != "morris":
        raise ResultsError(
            f"{folder} is not a Morris screening's results folder ('barrio explore' of a morris design)"
        )
    path = folder / "indices.csv"
    unfinished = "the screening has not finished; run its `barrio explore` command again"
    if not path.is_file():
        raise ResultsError(f"{path} is missing: {unfinished}")
    try:
        found = pd.read_csv(path, dtype=_NAMES_AS_TEXT)
    except pd.errors.EmptyDataError:
        # What an unfinished screening's report writes: its interim indices are not the screening's.
        raise ResultsError(f"{path} is empty: {unfinished}") from None
    bounds = dict(zip(design["names"], (tuple(b) for b in design["bounds"]), strict=True))
    return {name: bounds[name] for name in deciding(found, top, read_noise(folder))}
