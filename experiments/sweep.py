"""Experiment files: a base scenario, parameters to vary, replicates.

An experiment file is YAML, read and checked like a scenario file (safe loader, every
problem at once with its line, suggestions for misspelt names)::

    # How do arrests and sentences together change prison occupancy?
    name: punitive_grid
    base: baseline              # a library scenario or a file next to this one
    replicates: 5
    seed: 1
    vary:                       # every combination (a grid)
      policing.punitive_intensity: [0.3, 0.5, 0.8]
      justice.sentence_weeks: {start: 52, stop: 260, steps: 3}

or, instead of ``vary``, a Latin hypercube over ranges::

    sample:
      n: 20
      levers:
        policing.punitive_intensity: [0.1, 0.9]
        programmes.cash.amount: [10, 60]

Each point becomes a scenario named ``<name>-<k>``; the varied values are recorded as
columns of its outcome tables. A varied value takes the place of the base scenario's own
value of that parameter: where the base's timeline sets the parameter (``mano_dura`` raises
``policing.punitive_intensity`` at year 0), the varied value is what the timeline sets, so
the warm-up and the weeks before the event are as in the base; where it does not, the
varied value holds from the start of the run.
"""

from __future__ import annotations

import difflib
import itertools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from scipy.stats import qmc

from barrio.experiments.batch import RunSpec, replicate_seeds
from barrio.model.errors import BarrioError
from barrio.model.params import parameter_table
from barrio.model.scenario import Problem, Scenario, ScenarioError, load_scenario, locate_beside, read_yaml

__all__ = ["Experiment", "Sweep", "load_experiment"]


class Span(BaseModel):
    """Evenly spaced values from ``start`` to ``stop``."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    start: float
    stop: float
    steps: int = Field(ge=2, le=1_000)

    def values(self) -> list[float]:
        """The values of the span."""
        return np.linspace(self.start, self.stop, self.steps).tolist()


class Sample(BaseModel):
    """A Latin hypercube of ``n`` points over ranges of parameters."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    method: Literal["latin_hypercube"] = "latin_hypercube"
    n: int = Field(ge=1, le=100_000)
    levers: dict[str, tuple[float, float]] = Field(min_length=1)

    @field_validator("method", mode="before")
    @classmethod
    def _exploration_designs(cls, method: Any) -> Any:
        if method in ("morris", "sobol"):
            raise ValueError(
                f"a sweep samples a latin_hypercube; a {method} design, with policies compared at every "
                "point, is an exploration file for `barrio explore` (docs/exploration.md)"
            )
        return method


class Experiment(BaseModel):
    """The schema of an experiment file."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    # The name names the results folder and every point's files: no '.', no '/' (see NAME_PATTERN).
    name: str = Field(pattern=r"^[A-Za-z0-9_-]{1,70}$")
    description: str = ""
    base: str = "baseline"
    replicates: int = Field(5, ge=1, le=10_000)
    seed: int = Field(0, ge=0, le=2**63 - 1)
    vary: dict[str, list[Any] | Span] = Field(default_factory=dict)
    sample: Sample | None = None
    # As an exploration file's: every run's residents, policy weeks and warm-up weeks (default:
    # the base scenario's); the command's options win.
    population: int | None = Field(None, ge=100, le=10_000_000)
    weeks: int | None = Field(None, ge=1, le=5_200)
    warmup: int | None = Field(None, ge=0, le=5_200)

    @model_validator(mode="after")
    def _one_design(self) -> Experiment:
        if bool(self.vary) == (self.sample is not None):
            raise ValueError("give exactly one of 'vary' (a grid of values) and 'sample' (a Latin hypercube)")
        for path, values in self.vary.items():
            if isinstance(values, list) and not values:
                raise ValueError(f"vary.{path}: give at least one value")
        return self


@dataclass(frozen=True)
class Sweep:
    """An experiment file, read and expanded into scenarios."""

    experiment: Experiment
    source: str
    scenarios: tuple[Scenario, ...]
    points: tuple[dict[str, Any], ...]

    def specs(self) -> list[RunSpec]:
        """Every point x every replicate, replicate *i* with the same seed everywhere."""
        seeds = replicate_seeds(self.experiment.seed, self.experiment.replicates)
        return [
            RunSpec(scenario, i, seed, dict(point))
            for scenario, point in zip(self.scenarios, self.points, strict=True)
            for i, seed in enumerate(seeds)
        ]


#: Called with (points, runs, base scenario) before an experiment is expanded, to refuse one too
#: large to hold (see :func:`experiments.studies.sweep`).
SizeCheck = Callable[[int, int, Scenario, "Experiment"], None]


def load_experiment(
    source: Path | str | Experiment | Mapping[str, Any], check_size: SizeCheck | None = None
) -> Sweep:
    """Read and check an experiment; every problem is reported at once.

    Args:
        source: An experiment file; or its contents as a dict with the same keys, or an
            :class:`Experiment`, whose ``base`` is a library scenario or a file in (or
            relative to) the working folder.
        check_size: Called with the number of points, of runs and the base scenario once
            they are known and before any point is made, so that a plan of a billion points
            is refused before it fills the memory.

    Raises:
        ScenarioError: If the experiment, its base scenario or any point of it is invalid.
    """
    if isinstance(source, Experiment):
        data = source.model_dump(mode="json", exclude_none=True)
        return _expand(data, {}, f"experiment '{source.name}'", Path.cwd(), check_size)
    if isinstance(source, Mapping):
        name = f"experiment '{source.get('name', 'without a name')}'"
        return _expand(dict(source), {}, name, Path.cwd(), check_size)
    path = Path(source)
    file = str(path)
    if not path.exists():
        raise ScenarioError([Problem(file, None, "", "no such file")])
    data, lines, problems = read_yaml(path)
    if problems:
        raise ScenarioError(problems)
    return _expand(data, lines, file, path.parent, check_size)


def size(experiment: Experiment) -> int:
    """The number of points of an experiment, counted without making them."""
    if experiment.sample is not None:
        return experiment.sample.n
    return math.prod(v.steps if isinstance(v, Span) else len(v) for v in experiment.vary.values())


def _expand(
    data: dict[str, Any], lines: dict, file: str, folder: Path, check_size: SizeCheck | None = None
) -> Sweep:
    """Check an experiment's contents and expand it into scenarios; ``file`` names it in problems."""
    problems: list[Problem] = []

    def problem(loc: tuple, message: str) -> None:
        line = next((lines[loc[:k]][1] for k in range(len(loc), 0, -1) if loc[:k] in lines), None)
        problems.append(Problem(file, line, ".".join(map(str, loc)), message))

    experiment = None
    try:
        experiment = Experiment.model_validate(data)
    except ValidationError as err:
        for e in err.errors():
            loc = _without_branch(tuple(e["loc"]), data)
            if loc is None:  # the other form of a value (a list where a span was given)
                continue
            if e["type"] == "extra_forbidden":
                close = difflib.get_close_matches(str(loc[-1]), Experiment.model_fields, n=1)
                hint = f"did you mean '{close[0]}'? " if close else ""
                message = f"unknown name; {hint}allowed: {', '.join(Experiment.model_fields)}"
            else:
                message = e["msg"].removeprefix("Value error, ")
            problem(loc, message)

    # Names and the base are checked from the file's data, so that they are reported
    # together with any problem of form above.
    known = [row["path"] for row in parameter_table()]
    sample = data.get("sample")
    where = ("sample", "levers") if isinstance(sample, dict) and "vary" not in data else ("vary",)
    varied = (sample.get("levers") if where[0] == "sample" else data.get("vary")) or {}
    for name in varied if isinstance(varied, dict) else ():
        if name not in known:
            close = difflib.get_close_matches(str(name), known, n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            problem((*where, name), f"not a parameter; {hint}parameters are listed by `barrio parameters`")
    base_name = data.get("base", Experiment.model_fields["base"].default)
    base = None
    if isinstance(base_name, str):
        try:
            base = load_scenario(locate_beside(base_name, folder))
        except ScenarioError as err:
            problem(("base",), f"cannot use the base scenario: {err.problems[0].message}")
            problems.extend(err.problems[1:])
    if problems or experiment is None or base is None:
        raise ScenarioError(problems)

    # Each value once, so that a value out of range is reported once, not at every point.
    design = experiment.vary if experiment.sample is None else experiment.sample.levers
    for name, values in design.items():
        for value in dict.fromkeys(values.values() if isinstance(values, Span) else values):
            try:
                base.params.with_levers({name: value})
            except BarrioError as err:
                for _sub, message in err.problems:
                    problem((*where, name), message)
    if problems:
        raise ScenarioError(problems)

    if check_size is not None:
        count = size(experiment)
        check_size(count, count * experiment.replicates, base, experiment)
    points = _points(experiment)
    scenarios = []
    width = len(str(len(points) - 1))
    clashes: dict[tuple[str, str], list[int]] = {}  # values fine alone, not together
    for k, point in enumerate(points):
        label = ", ".join(f"{p}={v}" for p, v in point.items())
        try:
            scenario = base.with_values(point, name=f"{experiment.name}-{k:0{width}d}")
        except BarrioError as err:
            for sub, message in err.problems:
                clashes.setdefault((sub, message), []).append(k)
            continue
        scenarios.append(
            replace(
                scenario,
                description=f"{experiment.description or experiment.name}: {label}",
                source=file,
            )
        )
    for (sub, message), at in clashes.items():
        problem((*where, sub), f"{message} (at point{'s' if len(at) > 1 else ''} {', '.join(map(str, at))})")
    if problems:
        raise ScenarioError(problems)
    return Sweep(experiment, file, tuple(scenarios), tuple(points))


def _without_branch(loc: tuple, data: dict) -> tuple | None:
    """An error's location without pydantic's tag for the form of a value, or None.

    A value to vary may be a list or a span; pydantic reports errors for both forms. Only
    the form the file used is kept: None for errors about the other one.
    """
    for k, part in enumerate(loc):
        if part == "Span" or str(part).startswith("list["):
            value: Any = data
            for key in loc[:k]:
                value = value.get(key) if isinstance(value, dict) else None
            if (part == "Span") != isinstance(value, dict):
                return None
            return loc[:k] + loc[k + 1 :]
    return loc


def _points(experiment: Experiment) -> list[dict[str, Any]]:
    if experiment.sample is None:
        axes = {p: v.values() if isinstance(v, Span) else v for p, v in experiment.vary.items()}
        return [dict(zip(axes, combo, strict=True)) for combo in itertools.product(*axes.values())]
    levers = experiment.sample.levers
    sampler = qmc.LatinHypercube(d=len(levers), rng=np.random.default_rng(experiment.seed))
    unit = sampler.random(experiment.sample.n)
    low = np.array([lo for lo, _ in levers.values()])
    high = np.array([hi for _, hi in levers.values()])
    values = qmc.scale(unit, low, high) if (high > low).all() else low + unit * (high - low)
    ints = {row["path"] for row in parameter_table() if isinstance(row["default"], int | bool)}
    return [
        {p: (round(float(v)) if p in ints else float(v)) for p, v in zip(levers, row, strict=True)}
        for row in values
    ]
