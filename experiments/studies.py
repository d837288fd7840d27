"""What a user does with Barrio: run one scenario, compare scenarios, sweep parameters, explore.

``barrio.run``, ``barrio.compare``, ``barrio.sweep`` and ``barrio.explore`` are these functions,
and the ``barrio`` command's ``run``, ``compare``, ``sweep`` and ``explore`` call them too, so Python
and the command line do each thing one way. A scenario may be given as a library name, a
scenario file, a :class:`~model.scenario.Scenario` or bare :class:`~model.params.Params`.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.util
import logging
import math
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from tqdm.auto import tqdm

from barrio.experiments import capacity
from barrio.experiments.batch import MAX_SEED, BatchError, RunSpec, execute, plan
from barrio.experiments.effects import replicates_for
from barrio.experiments.execution import executor
from barrio.experiments.posterior import over_posterior
from barrio.experiments.report import choose_baseline, write_report
from barrio.experiments.results import Results
from barrio.experiments.sweep import Experiment, Sweep, load_experiment
from barrio.experiments.wording import check_language
from barrio.model.params import Params
from barrio.model.policing import units_rounded_away
from barrio.model.run import make_model
from barrio.model.run import run as run_model
from barrio.model.scenario import Scenario, ScenarioError, load_scenario, read_yaml

if TYPE_CHECKING:
    from barrio.experiments.designs import Exploration, ExplorationFile

__all__ = [
    "ScenarioLike",
    "check_file",
    "check_run",
    "compare",
    "explore",
    "file_kind",
    "resized",
    "run",
    "scenario_of",
    "sweep",
]

log = logging.getLogger(__name__)

#: What may stand for a scenario: a library name, a file, a scenario, or bare parameters.
ScenarioLike = str | Path | Scenario | Params


def scenario_of(scenario: ScenarioLike) -> Scenario:
    """The scenario meant by a library name, a file, a :class:`Scenario` or :class:`Params`.

    Raises:
        ScenarioError: If a name or file cannot be used (with every problem and its line).
    """
    if isinstance(scenario, Scenario):
        return scenario
    if isinstance(scenario, Params):
        return Scenario(name="custom", params=scenario)
    if isinstance(scenario, str | Path):
        return load_scenario(scenario)
    raise BatchError(
        f"a scenario is a library name, a .yaml file, a Scenario or Params, not {type(scenario).__name__}"
    )


def scenarios_of(scenarios: Sequence[ScenarioLike]) -> list[Scenario]:
    """:func:`scenario_of` for each, telling every problem of every file at once.

    Raises:
        ScenarioError: With the problems of every file that cannot be used.
    """
    chosen, refused = [], []
    for scenario in scenarios:
        try:
            chosen.append(scenario_of(scenario))
        except ScenarioError as err:
            refused.append(err)
    if len(refused) == 1:
        raise refused[0]  # as it was said: with the file that extends a broken one, if it does
    if refused:
        raise ScenarioError([problem for err in refused for problem in err.problems])
    return chosen


def resized(
    scenario: Scenario, weeks: int | None = None, warmup: int | None = None, population: int | None = None
) -> Scenario:
    """The scenario with another policy period, warm-up or number of residents.

    Args:
        scenario: The scenario.
        weeks: Weeks of the policy period (after the warm-up).
        warmup: Weeks of the warm-up.
        population: Residents; the grid, the number of groups and programme budgets and places
            scale with it (:meth:`Scenario.at_population`), so the density stays the scenario's.

    Raises:
        ParameterError: If a value is out of range.
    """
    if population is not None:
        scenario = scenario.at_population(population)
    changes = {}
    if weeks is not None:
        changes["timing__horizon_weeks"] = weeks
    if warmup is not None:
        changes["timing__warmup_weeks"] = warmup
    if changes:
        scenario = dataclasses.replace(scenario, params=scenario.params.replace(**changes))
    horizon = scenario.params.timing.horizon_weeks
    late = [e.at for e in scenario.timeline if e.at >= horizon]
    if late:
        _warn_once(scenario, f"timeline events at weeks {late} fall after the last week and will not happen")
    in_force = [scenario.params] + [scenario.params_at(e.at) for e in scenario.timeline if e.at < horizon]
    for said in dict.fromkeys(line for params in in_force for line in units_rounded_away(params)):
        _warn_once(scenario, f"{said}; run more residents for the levers to hold")
    return scenario


#: What this process has warned of already, by scenario file: a sweep or an exploration
#: resizes its policies for each of thousands of points, each under its own name but all from
#: the one file, and one warning says it.
_WARNED: set[tuple[str, str]] = set()


def _warn_once(scenario: Scenario, said: str) -> None:
    """Warn of ``said`` for ``scenario``, unless it was said of a scenario from the same file."""
    key = (scenario.source or scenario.name, said)
    if key not in _WARNED:
        _WARNED.add(key)
        log.warning("%s: %s", scenario.name, said)


def run(
    scenario: ScenarioLike,
    seed: int = 0,
    *,
    weeks: int | None = None,
    warmup: int | None = None,
    population: int | None = None,
    progress: bool = True,
    force: bool = False,
) -> pd.DataFrame:
    """Run one simulation and return its tidy outcome table.

    Args:
        scenario: A library name (``"mano_dura"``), a scenario file, a Scenario or Params.
        seed: The run's seed; the same scenario, seed and code give the same table.
        weeks: Weeks of the policy period (default: the scenario's).
        warmup: Weeks of the warm-up (default: the scenario's).
        population: Residents (default: the scenario's), at the scenario's density.
        progress: Show a progress bar (a widget in a notebook).
        force: Run even if the run looks too large for this machine's memory.

    Returns:
        One row per week and outcome (``week, outcome, value, scenario, seed, ...``); weeks
        below 0 are the warm-up. See :func:`model.run.run`.

    Raises:
        PlanTooLargeError: If the run would not fit in this machine's free memory (unless forced).
        BuildError: If the scenario's values give no world that can start.
    """
    _check_count("seed", seed, 0, MAX_SEED)
    chosen = resized(scenario_of(scenario), weeks, warmup, population)
    check_run(chosen, force)
    total = chosen.params.timing.warmup_weeks + chosen.params.timing.horizon_weeks
    with tqdm(total=total, unit="week", desc=f"{chosen.name} seed {seed}", disable=not progress) as bar:
        return run_model(chosen, seed, on_week=lambda _model: bar.update())


def check_run(scenario: Scenario, force: bool = False) -> None:
    """Refuse one run of ``scenario`` in this process if it would not fit in memory.

    Raises:
        PlanTooLargeError: Unless ``force``.
    """
    timing = scenario.params.timing
    size = capacity.estimate(1, 1, scenario.params.neighbourhood.population, _weeks(scenario))
    what = f"a run of {scenario.name} ({timing.warmup_weeks + timing.horizon_weeks} weeks)"
    capacity.check(size, what, force)


def _weeks(scenario: Scenario) -> int:
    return scenario.params.timing.warmup_weeks + scenario.params.timing.horizon_weeks


def compare(
    scenarios: Sequence[ScenarioLike] | ScenarioLike,
    *,
    replicates: int = 5,
    seed: int = 0,
    baseline: str | None = None,
    weeks: int | None = None,
    warmup: int | None = None,
    population: int | None = None,
    out: Path | str | None = None,
    jobs: int | None = None,
    scheduler: str | None = None,
    time_limit: float | None = None,
    progress: bool = True,
    allow_other_version: bool = False,
    force: bool = False,
    posterior: Path | str | None = None,
    language: str | None = None,
    target_precision: float | None = None,
    max_replicates: int = 100,
) -> Results:
    """Run every scenario ``replicates`` times, paired by seed, save each run, and write the report.

    Replicate *i* of every scenario has the same seed, spawned from ``seed`` (common random
    numbers), so differences between scenarios are paired. Each finished run is saved at once
    in ``out/runs/``; the same call on the same folder skips finished runs and completes the
    rest. A run that fails is recorded in ``out/failed/`` and the others go on.

    Args:
        scenarios: Library names, scenario files, Scenarios or Params (names must differ).
        replicates: Runs per scenario.
        seed: Root seed of the replicates.
        baseline: Scenario to compare with (default: "baseline" if given, else the first).
        weeks: Weeks of the policy period (default: each scenario's).
        warmup: Weeks of the warm-up (default: each scenario's).
        population: Residents (default: each scenario's), at each scenario's density.
        out: Results folder (default: ``results/SCENARIO-SCENARIO-...``).
        jobs: Runs at once on this machine (default: all cores; 1: in this process).
        scheduler: Address of a Dask scheduler to run on instead (``tcp://HOST:PORT``).
        time_limit: Seconds after which a run is stopped and recorded as failed.
        progress: Show a progress bar (a widget in a notebook).
        allow_other_version: Add to a folder of runs made by other code (see
            :func:`experiments.batch.execute`).
        force: Run even if the plan looks too large for this machine's memory.
        posterior: A calibration folder (``barrio calibrate``): every scenario is run over each
            of its accepted parameter sets, ``replicates`` paired seeds each, and the report
            shows how much of the spread comes from the parameters and how much from chance.
        language: Language of the report: ``es``, ``pt`` or ``en``, kept in the folder's manifest
            for later reports (default: the folder's, else English).
        target_precision: Add replicates (up to ``max_replicates``) until the mean of every
            headline outcome is known to this share of itself (0.1: its 95% interval within
            +/-10%); ``replicates`` is where it starts.
        max_replicates: The most replicates ``target_precision`` may ask for.

    Returns:
        The results folder as :class:`Results` (``.table``, ``.effects()``, ``.report()``).

    Raises:
        BatchError: If an argument cannot be used (two scenarios with one name, a baseline not
            among them, a count below 1).
        ScenarioError: If a scenario cannot be used.
        PlanTooLargeError: If the plan would not fit in this machine's memory (unless forced).
        ResultsError: If ``out`` holds another batch, or runs of other code (unless allowed).
        ClusterError: If the Dask scheduler cannot be reached.
    """
    _check_count("replicates", replicates, 1)
    _check_count("seed", seed, 0, MAX_SEED)
    _check_batch(out, jobs, time_limit)
    if isinstance(scenarios, str | Path | Scenario | Params):
        scenarios = [scenarios]
    if not scenarios:
        raise BatchError("give at least one scenario to compare")
    read = scenarios_of(scenarios)
    chosen = [resized(s, weeks, warmup, population) for s in read]
    extra: dict[str, Any] = {}
    if posterior is not None:
        # Moved onto the calibrated city first, whose size they take, then resized.
        specs, extra = over_posterior(
            read,
            posterior,
            replicates,
            seed,
            lambda s: resized(s, weeks, warmup, population),
        )
        sized = list({spec.scenario.name: spec.scenario for spec in specs}.values())
    else:
        specs, sized = [], chosen
    size = capacity.estimate(
        len(chosen),
        max(len(specs), len(chosen) * replicates),
        max(s.params.neighbourhood.population for s in sized),
        max(_weeks(s) for s in sized),
        _jobs(jobs),
        remote=bool(scheduler),
    )
    sets = f" x {len(specs) // (len(chosen) * replicates)} parameter set(s)" if posterior is not None else ""
    capacity.check(size, f"compare of {len(chosen)} scenario(s) x {replicates:,} replicate(s){sets}", force)
    if posterior is None:
        specs = plan(chosen, replicates, seed)
    names = [s.name for s in chosen]
    if baseline is not None and baseline not in names:
        raise BatchError(f"baseline '{baseline}' is not one of the scenarios given: {', '.join(names)}")
    out = Path(out) if out is not None else Path("results") / "-".join(names)[:80]
    description = {"command": "compare", "baseline": choose_baseline(names, baseline), "root_seed": seed}
    description.update(extra)
    description.update(_language(language))
    report = functools.partial(write_report, language=language)
    if target_precision is None:
        return _execute(
            specs, out, description, jobs, scheduler, time_limit, progress, allow_other_version, report
        )
    if posterior is not None:
        raise BatchError("target_precision is not available with a posterior: give replicates instead")
    if not 0 < target_precision < 1:
        raise BatchError(
            f"target_precision must be a share between 0 and 1 (0.1: +/-10%); got {target_precision}"
        )
    _check_count("max_replicates", max_replicates, replicates)
    population = max(s.params.neighbourhood.population for s in chosen)
    while True:
        # The report is written once, when the replicates are all there.
        results = _execute(
            specs,
            out,
            description,
            jobs,
            scheduler,
            time_limit,
            progress,
            allow_other_version,
            lambda _: None,
        )
        needed = replicates_for(results.table, target_precision, population)
        if needed <= replicates or replicates >= max_replicates or results.batch.failed:
            if needed > replicates:
                log.warning(
                    "%s: %d replicates would be needed for +/-%.0f%% on the headline outcomes; stopped at %d",
                    out,
                    needed,
                    100 * target_precision,
                    replicates,
                )
            if results.batch.done or results.batch.skipped:
                report(out)
            return results
        replicates = min(needed, max_replicates)
        log.info("%s: adding replicates up to %d for +/-%.0f%%", out, replicates, 100 * target_precision)
        size = capacity.estimate(
            len(chosen),
            len(chosen) * replicates,
            population,
            max(_weeks(s) for s in chosen),
            _jobs(jobs),
            bool(scheduler),
        )
        capacity.check(size, f"compare of {len(chosen)} scenario(s) x {replicates:,} replicate(s)", force)
        specs = plan(chosen, replicates, seed)


def sweep(
    experiment: Path | str | Experiment | Mapping[str, Any] | Sweep,
    *,
    weeks: int | None = None,
    warmup: int | None = None,
    population: int | None = None,
    out: Path | str | None = None,
    jobs: int | None = None,
    scheduler: str | None = None,
    time_limit: float | None = None,
    progress: bool = True,
    allow_other_version: bool = False,
    force: bool = False,
    language: str | None = None,
) -> Results:
    """Run an experiment: a base scenario with parameters varied over a grid or a Latin hypercube.

    Saved and resumed as :func:`compare`; the report shows each point's values and key
    outcomes, and outcomes against each swept parameter.

    Args:
        experiment: An experiment file, its contents as a dict (the same keys), an
            :class:`~experiments.sweep.Experiment`, or a :class:`~experiments.sweep.Sweep`
            already read (see :mod:`experiments.sweep` for the format).
        weeks: Weeks of the policy period (default: the base scenario's).
        warmup: Weeks of the warm-up (default: the base scenario's).
        population: Residents (default: the base scenario's), at its density.
        out: Results folder (default: ``results/NAME``, NAME from the experiment).
        jobs: Runs at once on this machine (default: all cores; 1: in this process).
        scheduler: Address of a Dask scheduler to run on instead (``tcp://HOST:PORT``).
        time_limit: Seconds after which a run is stopped and recorded as failed.
        progress: Show a progress bar (a widget in a notebook).
        allow_other_version: Add to a folder of runs made by other code.
        force: Run even if the plan looks too large for this machine's memory.
        language: Language of the report: ``es``, ``pt`` or ``en``, kept in the folder's manifest
            for later reports (default: the folder's, else English).

    Returns:
        The results folder as :class:`Results`.

    Raises:
        ScenarioError: If the experiment, its base or any point of it is invalid (every
            problem at once).
        PlanTooLargeError: If the plan would not fit in this machine's memory (unless forced);
            checked before the points are made.
        ResultsError: If ``out`` holds another batch, or runs of other code (unless allowed).
        ClusterError: If the Dask scheduler cannot be reached.
    """
    _check_batch(out, jobs, time_limit)
    check_size = _sweep_size_check((weeks, warmup, population), jobs, scheduler, force)
    if isinstance(experiment, Sweep):
        design = experiment
        points = len(design.scenarios)
        check_size(points, points * design.experiment.replicates, design.scenarios[0], design.experiment)
    else:
        design = load_experiment(experiment, check_size)
    sizes = _file_sizes((weeks, warmup, population), design.experiment)
    _check_sizes_not_varied(design, sizes)
    specs = [dataclasses.replace(s, scenario=resized(s.scenario, *sizes)) for s in design.specs()]
    out = Path(out) if out is not None else Path("results") / design.experiment.name
    description = {"command": "sweep", "experiment": design.source, "root_seed": design.experiment.seed}
    description.update(_language(language))
    report = functools.partial(write_report, language=language)
    return _execute(
        specs, out, description, jobs, scheduler, time_limit, progress, allow_other_version, report
    )


def explore(
    experiment: Path | str | Mapping[str, Any] | Exploration,
    *,
    weeks: int | None = None,
    warmup: int | None = None,
    population: int | None = None,
    out: Path | str | None = None,
    jobs: int | None = None,
    scheduler: str | None = None,
    time_limit: float | None = None,
    progress: bool = True,
    allow_other_version: bool = False,
    force: bool = False,
) -> Results:
    """Run policies at every point of a Morris, Sobol or Latin hypercube design, paired by seed.

    Saved and resumed as :func:`compare`. Then writes the exploration's report
    (:mod:`experiments.exploration`): sensitivity indices of each outcome and of each paired
    difference between policies, where the chosen difference crosses its threshold (PRIM and
    CART), and each policy's regret. Needs the ``explore`` extra (SALib, EMA Workbench).

    Args:
        experiment: An exploration file, its contents as a dict (the same keys), or an
            :class:`~experiments.designs.Exploration` already read (see :mod:`experiments.designs`).
        weeks: Weeks of the policy period (default: the file's, else each policy's).
        warmup: Weeks of the warm-up (default: the file's, else each policy's).
        population: Residents (default: the file's, else each policy's), at its density.
        out: Results folder (default: ``results/NAME``, NAME from the file).
        jobs: Runs at once on this machine (default: all cores; 1: in this process).
        scheduler: Address of a Dask scheduler to run on instead (``tcp://HOST:PORT``).
        time_limit: Seconds after which a run is stopped and recorded as failed.
        progress: Show a progress bar (a widget in a notebook).
        allow_other_version: Add to a folder of runs made by other code.
        force: Run even if the plan looks too large for this machine's memory.

    Returns:
        The results folder as :class:`Results`; ``.exploration()`` gives the indices, boxes and regret.

    Raises:
        ScenarioError: If the file, a policy or a range is invalid (every problem at once).
        PlanTooLargeError: If the plan would not fit in this machine's memory (unless forced).
        ResultsError: If ``out`` holds another batch, or runs of other code (unless allowed).
        BatchError: If the ``explore`` extra is not installed.
    """
    _check_batch(out, jobs, time_limit)
    _explore_extra()
    from barrio.experiments.designs import Exploration, load_exploration
    from barrio.experiments.exploration import write_design, write_exploration

    chosen = experiment if isinstance(experiment, Exploration) else load_exploration(experiment)
    weeks, warmup, population = _file_sizes((weeks, warmup, population), chosen.spec)
    _check_exploration_size(chosen, (weeks, warmup, population), jobs, scheduler, force)
    specs = chosen.specs(lambda policy: resized(policy, weeks, warmup, population))
    out = Path(out) if out is not None else Path("results") / chosen.spec.name

    return _execute(
        specs,
        out,
        chosen.describe(),
        jobs,
        scheduler,
        time_limit,
        progress,
        allow_other_version,
        write_exploration,
        prepare=lambda folder: write_design(folder, chosen.design),
    )


def _execute(
    specs: list[RunSpec],
    out: Path,
    description: dict[str, Any],
    jobs: int | None,
    scheduler: str | None,
    time_limit: float | None,
    progress: bool,
    allow_other_version: bool,
    report: Callable[[Path], Any] = write_report,
    prepare: Callable[[Path], Any] | None = None,
) -> Results:
    """Run a batch, then write the report of whatever has finished (``prepare``: see :func:`execute`)."""
    with executor(jobs, scheduler) as pool:
        batch = execute(
            specs,
            out,
            pool,
            time_limit=time_limit,
            progress=progress,
            description=description,
            allow_other_version=allow_other_version,
            prepare=prepare,
        )
    if batch.failed:
        log.warning("%d run(s) failed; tracebacks in %s", len(batch.failed), out / "failed")
    if batch.done or batch.skipped:
        report(out)
    return Results(out, batch=batch)


def _language(language: str | None) -> dict[str, str]:
    """The manifest's record of the report's language: none when not asked, so the folder's stays."""
    return {} if language is None else {"language": check_language(language)}


def _check_count(name: str, value: Any, least: int, most: int | None = None) -> None:
    """Refuse a count that is not a whole number from ``least`` to ``most``, naming the argument."""
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise BatchError(f"{name} must be a whole number, {least} or more; got {value!r}")
    if most is not None and value > most:
        raise BatchError(f"{name} must be a whole number from {least} to {most:,}; got {value!r}")


def _check_batch(out: Path | str | None, jobs: int | None, time_limit: float | None) -> None:
    """Refuse batch options that cannot be used, before anything is planned or run."""
    if out is not None and str(out).strip() == "":
        raise BatchError("out is empty; give a results folder, or leave it out for the default")
    if jobs is not None:
        _check_count("jobs", jobs, 1)
    if time_limit is not None and (
        isinstance(time_limit, bool)
        or not isinstance(time_limit, int | float)
        or not math.isfinite(time_limit)
        or time_limit <= 0
    ):
        raise BatchError(f"time_limit must be a number of seconds above 0; got {time_limit!r}")


def _jobs(jobs: int | None) -> int:
    """Runs at once on this machine for ``jobs`` (None: every core)."""
    return jobs or os.cpu_count() or 1


#: Residents, policy weeks and warm-up weeks as a command gives them (None: not given).
Sizes = tuple[int | None, int | None, int | None]


def _file_sizes(command: Sizes, spec: Experiment | ExplorationFile) -> Sizes:
    """A sweep's or an exploration's policy weeks, warm-up and residents: the command's, else the file's."""
    weeks, warmup, population = command
    return (
        weeks if weeks is not None else spec.weeks,
        warmup if warmup is not None else spec.warmup,
        population if population is not None else spec.population,
    )


#: Which parameter each size given to a sweep sets: one the sweep varies cannot also be given.
_SIZED = (
    ("weeks", "timing.horizon_weeks"),
    ("warmup", "timing.warmup_weeks"),
    ("population", "neighbourhood.population"),
)


def _check_sizes_not_varied(design: Sweep, sizes: Sizes) -> None:
    """Refuse a size (the file's or the command's) for a parameter the sweep varies.

    Runs are resized after a point's values are set, so the size would undo the point's value
    while its report still showed it.

    Raises:
        BatchError: Naming the file, the size and the varied parameter.
    """
    varied = set(design.points[0]) if design.points else set()
    for (key, path), size in zip(_SIZED, sizes, strict=True):
        if size is not None and path in varied:
            raise BatchError(
                f"{design.source}: {key} {size} (from the file or --{key}) would undo the sweep's own "
                f"values of {path}; drop one of the two"
            )


def _sweep_size_check(
    command: Sizes, jobs: int | None, scheduler: str | None, force: bool
) -> Callable[[int, int, Scenario, Experiment], None]:
    """A sweep's check that its plan fits in memory, made before any of its points is."""

    def check_size(points: int, runs: int, base: Scenario, experiment: Experiment) -> None:
        sized = resized(base, *_file_sizes(command, experiment))
        size = capacity.estimate(
            points, runs, sized.params.neighbourhood.population, _weeks(sized), _jobs(jobs), bool(scheduler)
        )
        capacity.check(size, f"a sweep of {points:,} point(s), {runs:,} run(s) in all", force)

    return check_size


def _check_exploration_size(
    chosen: Exploration, sizes: Sizes, jobs: int | None, scheduler: str | None, force: bool
) -> None:
    sized = [resized(p, *sizes) for p in chosen.policies]
    points, replicates = len(chosen.design.values), chosen.spec.replicates
    size = capacity.estimate(
        points * len(sized),
        points * len(sized) * replicates,
        max(p.params.neighbourhood.population for p in sized),
        max(_weeks(p) for p in sized),
        _jobs(jobs),
        remote=bool(scheduler),
    )
    what = f"an exploration of {points:,} point(s) x {len(sized)} policies x {replicates} seed(s)"
    capacity.check(size, what, force)


#: What the explore extra brings (pyproject.toml), by the name each is imported by.
_EXPLORE_EXTRA = ("SALib", "ema_workbench", "sklearn")


def _explore_extra() -> None:
    """Refuse, with what to install, where the explore extra's libraries are missing.

    Raises:
        BatchError: Naming the missing library and the extra that brings it.
    """
    # Looked for, not imported: importing the EMA Workbench warns (ipyparallel), and costs a second.
    for library in _EXPLORE_EXTRA:
        if importlib.util.find_spec(library) is None:
            raise BatchError(
                f"exploring needs {library}, of the explore extra: pip install 'barrio[explore]'"
            )


def file_kind(path: Path | str) -> str:
    """What a YAML file is, from its top-level names.

    One of ``exploration``, ``sweep``, ``calibration``, ``holdout`` or ``scenario`` (also for a
    library name, or a file that cannot be read: the scenario reader says what is wrong with it).
    """
    path = Path(path)
    if not path.is_file():
        return "scenario"
    data, _lines, problems = read_yaml(path)
    if problems or not isinstance(data, dict):
        return "scenario"
    if "policies" in data:
        return "exploration"
    if {"base", "vary", "sample"} & data.keys():
        return "sweep"
    if "targets" in data:
        return "calibration" if "parameters" in data else "holdout"
    return "scenario"


def check_file(path: Path | str, force: bool = False) -> str:
    """Check a scenario, sweep, exploration, calibration or held-out file; say what it holds.

    Each is checked as its command would check it before running anything.

    A scenario's world is built at week 0, not run, so that values each allowed but impossible
    together (more groups than blocks with demand) are found here, not mid-batch; a sweep's or an
    exploration's plan is sized against this machine's memory as ``barrio sweep`` or ``explore``
    would size it.

    Raises:
        BarrioError: Every problem, as the command would say it (ScenarioError names the file,
            line, field and what is allowed; PlanTooLargeError a plan too large).
    """
    kind = file_kind(path)
    if kind == "exploration":
        _explore_extra()
        from barrio.experiments.designs import load_exploration

        chosen = load_exploration(path)
        spec = chosen.spec
        _check_exploration_size(chosen, (spec.weeks, spec.warmup, spec.population), None, None, force)
        points, policies = len(chosen.design.values), len(chosen.policies)
        runs = points * policies * spec.replicates
        return (
            f"exploration {spec.name}: {chosen.design.method} design of {len(chosen.design.names)} "
            f"parameter(s), {points:,} point(s) x {policies} policies x {spec.replicates} seed(s) "
            f"= {runs:,} runs"
        )
    if kind == "sweep":
        design = load_experiment(path, _sweep_size_check((None, None, None), None, None, force))
        _check_sizes_not_varied(design, _file_sizes((None, None, None), design.experiment))
        points, replicates = len(design.points), design.experiment.replicates
        return (
            f"sweep {design.experiment.name}: {points:,} point(s) x {replicates} replicate(s) "
            f"= {points * replicates:,} runs"
        )
    if kind == "calibration":
        from barrio.experiments.calibration import load_calibration

        fitted = load_calibration(path)
        targets = len(fitted.calibration.targets)
        return f"calibration {fitted.calibration.name}: {len(fitted.names)} parameter(s), {targets} target(s)"
    if kind == "holdout":
        from barrio.experiments.holdout import load_holdout

        held = load_holdout(path)
        return f"held-out check {held.name}: {len(held.targets)} target(s)"
    scenario = load_scenario(path)
    check_run(scenario, force)
    make_model(scenario, 0)
    events = len(scenario.timeline)
    return f"{scenario.name}, {scenario.params.country}, {events} timeline event(s)"
