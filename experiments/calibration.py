"""Calibration to a city: history matching with Gaussian-process emulators, then ABC on what remains.

A calibration file names a base scenario, the parameters to fit with their ranges, the
targets (an outcome's statistic over a window of the policy period, the observed value, its
observation error and its source) and the method's budget::

    name: fortaleza
    scenario: fortaleza_pact          # a library scenario or a file next to this one
    weeks: 208                        # policy weeks after the warm-up
    seed: 0
    parameters:                       # ranges; empty: the parameter's declared plausible range
      groups.contest_rate: [0.05, 0.8]
      justice.pretrial_weeks: [20, 120]
    targets:
      - name: homicide_rate
        statistic: {kind: mean, outcome: homicide_rate, weeks: [0, 104]}
        observed: 17.5
        error: 6.0
        source: "SSPDS-CE ..."
    method: {waves: 3, runs_per_wave: 40, posterior: 20}

The method (``barrio calibrate FILE``):

1. **History matching** (Craig, Goldstein, Rougier and Seheult 1997; Andrianakis et al. 2015),
   in waves. Wave 1 runs a Latin hypercube over the parameters' ranges; each later wave runs
   points drawn from the region not ruled out yet. After each wave a Gaussian-process
   emulator (scikit-learn) is fitted to each target, and a point is ruled out where, for
   some target (or, with ``rank`` k, for k targets: Vernon, Goldstein and Bower 2010), the
   emulator's prediction is more than ``cutoff`` standard deviations (of the
   emulator, of the observation and of the runs' own noise together) from the observed value.
2. **Approximate Bayesian computation** (pyabc's ABC-SMC), with the last wave's emulators
   (fitted on every run, the later waves' in the region not ruled out) standing in for the
   model, prior uniform over the ranges, and the distance the sum of the targets' squared
   standardised residuals, less the ``rank - 1`` largest.
3. **Validation**: ``posterior`` parameter sets drawn from the ABC posterior are run with the
   model itself (``validation_replicates`` seeds each); the sets whose runs are not ruled out
   are the accepted sets, the posterior ensemble that ``barrio compare --posterior`` runs.

Why emulators, then ABC: a run of a city at one tenth takes about ten seconds, so ABC on the
model itself (tens of thousands of runs) would take days on a laptop; history matching rules
out most of the space with a few hundred runs, and ABC then costs nothing on the emulators.
Every model run goes through the batch machinery (``experiments.batch``), one results folder
per wave, so a calibration stopped at any point resumes where it stopped; the emulators and
the ABC are fitted again from the saved runs, with fixed seeds, so the result is the same.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator
from scipy.stats import qmc

from barrio.experiments.batch import BatchError, RunSpec, execute, load, replicate_seeds
from barrio.experiments.execution import executor
from barrio.experiments.output import atomic_write
from barrio.experiments.posterior import parameter_values
from barrio.experiments.studies import resized
from barrio.experiments.studyfile import StudyFile, read_study
from barrio.model.outcomes import OUTCOMES
from barrio.model.params import parameter_table
from barrio.model.reference import allowed_range
from barrio.model.scenario import Scenario, ScenarioError, load_scenario, locate_beside

__all__ = [
    "Calibration",
    "CalibrationResult",
    "Method",
    "Statistic",
    "Target",
    "calibrate",
    "check_outcomes",
    "fit_markdown",
    "load_calibration",
    "statistic_of",
    "target_fit",
    "targets_by_run",
]

log = logging.getLogger(__name__)

Window = tuple[int, int]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Statistic(_Strict):
    """What a target measures in a run, over weeks of the policy period (``[first, last)``).

    ``mean``: the mean of ``outcome`` over ``weeks``. ``share``: the total of the ``part``
    outcomes over the total of the ``whole`` ones. ``growth``: the total of ``outcome`` over
    ``weeks`` against its total over ``earlier``, less one.
    """

    kind: Literal["mean", "share", "growth"]
    outcome: str | None = None
    part: list[str] | None = None
    whole: list[str] | None = None
    weeks: Window
    earlier: Window | None = None

    @field_validator("weeks", "earlier")
    @classmethod
    def _ordered(cls, value: Window | None) -> Window | None:
        if value is not None and not 0 <= value[0] < value[1]:
            raise ValueError(
                f"a window is [first, last) weeks of the policy period, first < last, got {value}"
            )
        return value

    def outcomes(self) -> list[str]:
        """Every outcome the statistic reads."""
        return [o for o in [self.outcome, *(self.part or []), *(self.whole or [])] if o]


class Target(_Strict):
    """An observed figure the model should reproduce, with its error and source."""

    name: str = Field(pattern=r"^[A-Za-z0-9_-]+$")
    statistic: Statistic
    observed: float
    error: float = Field(gt=0, description="Standard deviation of the observation error (and discrepancy).")
    source: str = Field(min_length=1)
    note: str = ""


class Method(_Strict):
    """The budget and settings of a calibration."""

    waves: int = Field(3, ge=1, le=10)
    runs_per_wave: int = Field(40, ge=4, le=2000)
    replicates: int = Field(1, ge=1, le=20, description="Seeds per point in the waves.")
    cutoff: float = Field(3.0, gt=0, description="Implausibility beyond which a point is ruled out.")
    rank: int = Field(
        1,
        ge=1,
        le=5,
        description="Which implausibility rules a point out: 1 the largest over the targets, 2 the "
        "second largest, ... (Vernon, Goldstein and Bower 2010), so that rank - 1 targets no point "
        "reaches do not rule out every point; they are then reported as not fitted.",
    )
    candidates: int = Field(20_000, ge=100, le=1_000_000)
    abc_population: int = Field(200, ge=10, le=10_000)
    abc_generations: int = Field(5, ge=1, le=30)
    posterior: int = Field(20, ge=1, le=1000, description="Parameter sets drawn from the ABC posterior.")
    validation_replicates: int = Field(2, ge=1, le=20)


class Calibration(_Strict):
    """The schema of a calibration file."""

    name: str = Field(pattern=r"^[A-Za-z0-9_-]+$")
    description: str = ""
    scenario: str
    weeks: int | None = Field(None, ge=1, le=5200)
    warmup: int | None = Field(None, ge=0, le=1040)
    population: int | None = Field(None, ge=100, le=5_000_000)
    seed: int = Field(0, ge=0, lt=2**63)
    parameters: dict[str, tuple[float, float] | None] = Field(min_length=1)
    targets: list[Target] = Field(min_length=1)
    method: Method = Method()


@dataclass(frozen=True)
class Fitted:
    """A calibration ready to run: its file's contents, the base scenario and the parameters' boxes."""

    calibration: Calibration
    source: str
    base: Scenario
    names: tuple[str, ...]
    low: np.ndarray
    high: np.ndarray

    def scenario(self, point: np.ndarray, name: str) -> Scenario:
        """The base scenario with the parameters at ``point``."""
        return self.base.with_values(parameter_values(self.names, point), name=name)

    def unit(self, points: np.ndarray) -> np.ndarray:
        """Points scaled to the unit cube."""
        return (points - self.low) / (self.high - self.low)


def load_calibration(path: Path | str) -> Fitted:
    """Read and check a calibration file; every problem is reported at once.

    Raises:
        ScenarioError: If the file, its scenario, a parameter or a target cannot be used.
    """
    path = Path(path)
    calibration, file = read_study(path, Calibration)
    problem = file.problem
    base = None
    try:
        base = load_scenario(locate_beside(calibration.scenario, path.parent))
    except ScenarioError as err:
        problem(("scenario",), f"cannot use the scenario: {err.problems[0].message}")
    rows = {row["path"]: row for row in parameter_table()}
    low, high = [], []
    for name, span in calibration.parameters.items():
        row = rows.get(name)
        if row is None:
            problem(("parameters", name), "not a parameter (see `barrio parameters`)")
            continue
        span = span or row["plausible"]
        if span is None:
            problem(("parameters", name), "give a range: the parameter declares no plausible range")
            continue
        lo, hi = float(span[0]), float(span[1])
        if not lo < hi:
            problem(("parameters", name), f"a range is [low, high] with low < high, got {list(span)}")
        low_out = row["min"] is not None and (lo <= row["min"] if row["min_open"] else lo < row["min"])
        high_out = row["max"] is not None and (hi >= row["max"] if row["max_open"] else hi > row["max"])
        for value, out in ((lo, low_out), (hi, high_out)):
            if out:
                allowed = allowed_range(row)
                problem(("parameters", name), f"{value:g} is outside what the parameter allows ({allowed})")
        low.append(lo)
        high.append(hi)
    check_outcomes(file, calibration.targets)
    file.check()
    base = resized(base, calibration.weeks, calibration.warmup, calibration.population)
    horizon = base.params.timing.horizon_weeks
    for k, target in enumerate(calibration.targets):
        s = target.statistic
        for window in (s.weeks, s.earlier):
            if window is not None and window[1] > horizon:
                problem(
                    ("targets", k, "statistic"), f"window {list(window)} ends after the run's {horizon} weeks"
                )
    file.check()
    return Fitted(calibration, str(path), base, tuple(calibration.parameters), np.array(low), np.array(high))


def check_outcomes(file: StudyFile, targets: Sequence[Target]) -> None:
    """Note every target that reads an outcome the model does not have."""
    for k, target in enumerate(targets):
        for outcome in target.statistic.outcomes():
            if outcome not in OUTCOMES:
                file.problem(
                    ("targets", k, "statistic"), f"'{outcome}' is not an outcome (see model/outcomes.py)"
                )


def statistic_of(statistic: Statistic, wide: pd.DataFrame) -> float:
    """A target's statistic on one run's wide table (week x outcome)."""

    def total(names: Sequence[str], window: Window) -> float:
        rows = wide.loc[(wide.index >= window[0]) & (wide.index < window[1]), list(names)]
        return float(rows.to_numpy().sum())

    s = statistic
    if s.kind == "mean":
        rows = wide.loc[(wide.index >= s.weeks[0]) & (wide.index < s.weeks[1]), s.outcome]
        return float(rows.mean())
    if s.kind == "share":
        whole = total(s.whole or [], s.weeks)
        return total(s.part or [], s.weeks) / whole if whole > 0 else float("nan")
    earlier = total([s.outcome], s.earlier or s.weeks)
    return total([s.outcome], s.weeks) / earlier - 1.0 if earlier > 0 else float("nan")


class Emulators:
    """One Gaussian-process emulator per target, on the unit cube of the parameters."""

    def __init__(self, x: np.ndarray, y: np.ndarray, seed: int) -> None:
        from sklearn.gaussian_process import GaussianProcessRegressor
        from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel

        self.models = []
        for k in range(y.shape[1]):
            kept = np.isfinite(y[:, k])
            kernel = ConstantKernel(1.0, (1e-3, 1e3)) * Matern(
                length_scale=np.full(x.shape[1], 0.5), length_scale_bounds=(1e-2, 1e2), nu=2.5
            ) + WhiteKernel(0.1, (1e-6, 1e1))
            gp = GaussianProcessRegressor(kernel, normalize_y=True, n_restarts_optimizer=2, random_state=seed)
            gp.fit(x[kept], y[kept, k])
            self.models.append(gp)

    def predict(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Means and standard deviations, ``(points, targets)`` each (the runs' noise included)."""
        means, sds = [], []
        for gp in self.models:
            mean, sd = gp.predict(x, return_std=True)
            means.append(mean)
            sds.append(sd)
        return np.stack(means, axis=1), np.stack(sds, axis=1)


def implausibility(mean: np.ndarray, sd: np.ndarray, targets: Sequence[Target]) -> np.ndarray:
    """|prediction - observed| over the combined standard deviation, ``(points, targets)``."""
    observed = np.array([t.observed for t in targets])
    error = np.array([t.error for t in targets])
    return np.abs(mean - observed) / np.sqrt(sd**2 + error**2)


def ranked(values: np.ndarray, rank: int) -> np.ndarray:
    """Each row's ``rank``-th largest value (1: the largest); NaN counts as the largest."""
    values = np.where(np.isnan(values), np.inf, np.atleast_2d(values))
    rank = min(rank, values.shape[1])
    return -np.sort(-values, axis=1)[:, rank - 1]


@dataclass(frozen=True)
class CalibrationResult:
    """What a calibration found: the accepted sets, each target's fit, and where they were written."""

    out: Path
    posterior: pd.DataFrame
    fit: pd.DataFrame
    runs: int


def calibrate(
    path: Path | str,
    out: Path | str | None = None,
    *,
    jobs: int | None = None,
    progress: bool = True,
    force: bool = False,
    allow_other_version: bool = False,
) -> CalibrationResult:
    """Run a calibration file: history matching in waves, ABC on the emulators, validation runs.

    Resumable: every model run is saved as it finishes (one results folder per wave, and one
    for the validation), and a second call on the same folder skips them.

    Args:
        path: The calibration file.
        out: Results folder (default ``results/calibrations/NAME``).
        jobs: Runs at once on this machine (default: all cores; 1: in this process).
        progress: Show progress bars.
        force: Run even if the plan looks too large for this machine.
        allow_other_version: Resume with runs made by other code (see
            :func:`experiments.batch.execute`).
    """
    fitted = load_calibration(path)
    runner = _Runner(fitted, jobs, progress, force, allow_other_version)
    cal, method = fitted.calibration, fitted.calibration.method
    out = Path(out) if out is not None else Path("results") / "calibrations" / cal.name
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(np.random.SeedSequence(cal.seed))
    seeds = replicate_seeds(cal.seed, method.replicates)
    targets = cal.targets
    xs, ys = [], []
    emulators: list[Emulators] = []
    runs = 0
    for wave in range(1, method.waves + 1):
        points = _design(fitted, emulators, method, rng, wave)
        y = _evaluate(fitted, points, seeds, out / f"wave{wave}", runner, f"w{wave}")
        runs += len(points) * len(seeds)
        xs.append(points)
        ys.append(y)
        x_all, y_all = np.concatenate(xs), np.concatenate(ys)
        emulators.append(Emulators(fitted.unit(x_all), y_all, cal.seed + wave))
        log.info("wave %d: %d points run", wave, len(points))
    sets = _abc(fitted, emulators, rng, out)
    validation_seeds = replicate_seeds(cal.seed + 1, method.validation_replicates)
    table = runner.run(sets, validation_seeds, out / "validation", "set")
    runs += len(sets) * len(validation_seeds)
    values = targets_by_run(table, targets)  # (set, seed) x target
    per_set = values.groupby(level="set").mean()
    distance = per_set.sub([t.observed for t in targets]).abs() / [t.error for t in targets]
    worst = pd.Series(ranked(distance.to_numpy(), method.rank), index=distance.index)
    accepted = worst[worst < method.cutoff].index.tolist()
    if len(accepted) < 3:
        log.warning("only %d set(s) within the cutoff; keeping all %d", len(accepted), len(sets))
        accepted = list(range(len(sets)))
    posterior = pd.DataFrame(sets[accepted], columns=list(fitted.names))
    posterior.insert(0, "set", accepted)
    posterior["worst_implausibility"] = worst.loc[accepted].to_numpy()
    fit = target_fit(values.loc[values.index.get_level_values("set").isin(accepted)], targets)
    check = emulator_check(emulators[-1], fitted.unit(sets), per_set.reindex(range(len(sets))), targets)
    atomic_write(out / "emulators.csv", lambda p: check.to_csv(p, index=False))
    _write(out, fitted, posterior, fit, runs, check)
    return CalibrationResult(out, posterior, fit, runs)


def emulator_check(
    emulators: Emulators, unit: np.ndarray, actual: pd.DataFrame, targets: Sequence[Target]
) -> pd.DataFrame:
    """How well the last wave's emulators predicted the validation runs, which they never saw.

    Returns:
        One row per target: the observation error, the emulators' root-mean-square error, and
        the share of sets whose run mean fell within two of the emulator's standard deviations.
    """
    mean, sd = emulators.predict(unit)
    rows = []
    for k, t in enumerate(targets):
        got = actual[t.name].to_numpy()
        ok = np.isfinite(got)
        error = got[ok] - mean[ok, k]
        rows.append(
            {
                "target": t.name,
                "observation_error": t.error,
                "emulator_rmse": float(np.sqrt(np.mean(error**2))) if ok.any() else math.nan,
                "within_2sd": float(np.mean(np.abs(error) <= 2 * sd[ok, k])) if ok.any() else math.nan,
            }
        )
    return pd.DataFrame(rows)


def _design(
    fitted: Fitted, emulators: list[Emulators], method: Method, rng: np.random.Generator, wave: int
) -> np.ndarray:
    """The wave's points: a Latin hypercube over the box, kept where no earlier wave rules them out."""
    d = len(fitted.names)
    n = method.runs_per_wave if not emulators else method.candidates
    unit = qmc.LatinHypercube(d=d, rng=rng).random(n)
    if emulators:
        keep = np.ones(len(unit), dtype=bool)
        for em in emulators:
            mean, sd = em.predict(unit[keep])
            ok = ranked(implausibility(mean, sd, fitted.calibration.targets), method.rank) < method.cutoff
            keep[np.flatnonzero(keep)[~ok]] = False
        plausible = unit[keep]
        if len(plausible) < method.runs_per_wave:
            log.warning("wave %d: only %d of %d candidates not ruled out", wave, len(plausible), len(unit))
            order = np.argsort(-keep)  # the plausible first, then the rest in the hypercube's order
            plausible = unit[order[: method.runs_per_wave]]
        unit = plausible[: method.runs_per_wave]
    return fitted.low + unit * (fitted.high - fitted.low)


@dataclass(frozen=True)
class _Runner:
    """How a calibration's runs are run: where, how many at once, and what is allowed."""

    fitted: Fitted
    jobs: int | None
    progress: bool
    force: bool
    allow_other_version: bool

    def run(self, points: np.ndarray, seeds: Sequence[int], out: Path, prefix: str) -> pd.DataFrame:
        """Run every point with every seed (saved and resumable) and return the tidy table."""
        import os

        from barrio.experiments.capacity import check, estimate

        fitted = self.fitted
        width = len(str(len(points) - 1))
        name = fitted.calibration.name
        scenarios = [fitted.scenario(p, f"{name}-{prefix}{k:0{width}d}") for k, p in enumerate(points)]
        specs = [
            RunSpec(s, i, seed, parameter_values(fitted.names, p))
            for s, p in zip(scenarios, points, strict=True)
            for i, seed in enumerate(seeds)
        ]
        timing = fitted.base.params.timing
        plan = estimate(
            len(scenarios),
            len(specs),
            fitted.base.params.neighbourhood.population,
            timing.warmup_weeks + timing.horizon_weeks,
            self.jobs or os.cpu_count() or 1,
        )
        check(plan, f"calibration {name}: {len(specs)} run(s) in {out.name}", force=self.force)
        with executor(self.jobs) as pool:
            batch = execute(
                specs,
                out,
                pool,
                progress=self.progress,
                description={"command": "calibrate"},
                allow_other_version=self.allow_other_version,
            )
        if batch.failed:
            raise BatchError(f"{len(batch.failed)} calibration run(s) failed; tracebacks in {out / 'failed'}")
        table = load(out)
        index = {s.name: k for k, s in enumerate(scenarios)}
        table["point"] = table["scenario"].map(index)
        return table


def targets_by_run(table: pd.DataFrame, targets: Sequence[Target]) -> pd.DataFrame:
    """Each target's statistic for each run, indexed by (point as ``set``, seed)."""
    rows = {}
    for (point, seed), part in table.groupby(["point", "seed"], sort=True, observed=True):
        wide = part.pivot(index="week", columns="outcome", values="value")
        rows[(int(point), int(seed))] = [statistic_of(t.statistic, wide) for t in targets]
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=[t.name for t in targets])
    frame.index = pd.MultiIndex.from_tuples(frame.index, names=["set", "seed"])
    return frame


def _evaluate(
    fitted: Fitted, points: np.ndarray, seeds: Sequence[int], out: Path, runner: _Runner, prefix: str
) -> np.ndarray:
    """Each point's targets, averaged over its seeds, ``(points, targets)``."""
    table = runner.run(points, seeds, out, prefix)
    values = targets_by_run(table, fitted.calibration.targets).groupby(level="set").mean()
    return values.reindex(range(len(points))).to_numpy()


def _abc(fitted: Fitted, emulators: list[Emulators], rng: np.random.Generator, out: Path) -> np.ndarray:
    """ABC-SMC (pyabc) with the last wave's emulators standing in for the model; draw the sets."""
    import pyabc

    method, targets = fitted.calibration.method, fitted.calibration.targets
    last = emulators[-1]
    observed = np.array([t.observed for t in targets])
    error = np.array([t.error for t in targets])
    names = [f"p{k}" for k in range(len(fitted.names))]
    noise = np.random.default_rng(rng.integers(2**63))

    def model(theta: Mapping[str, float]) -> dict[str, float]:
        mean, sd = last.predict(np.array([[theta[n] for n in names]]))
        return {"y": mean[0] + sd[0] * noise.standard_normal(len(targets))}

    def distance(a: Mapping[str, np.ndarray], b: Mapping[str, np.ndarray]) -> float:
        # As the history matching's cut, the rank - 1 worst targets are left out, so that a
        # target no point reaches does not pull the posterior towards wherever it is least bad.
        # (A ruled-out point is not given an infinite distance: pyabc's median epsilon then
        # stays infinite and every particle is accepted, as a first version did.)
        squares = np.sort(((a["y"] - b["y"]) / error) ** 2)
        return float(np.sum(squares[: len(squares) - (method.rank - 1)]))

    prior = pyabc.Distribution(**{n: pyabc.RV("uniform", 0.0, 1.0) for n in names})
    db = out / "abc.db"
    if db.exists():
        db.unlink()  # fitted again from the saved runs each time: the same seeds, the same result
    # pyabc 0.13 draws from numpy's global generator and takes no seed of its own: seeded here
    # from the calibration's generator so that a calibration is reproducible from its file.
    np.random.seed(int(rng.integers(2**31)))
    abc = pyabc.ABCSMC(
        model,
        prior,
        distance,
        population_size=method.abc_population,
        sampler=pyabc.sampler.SingleCoreSampler(),
    )
    abc.new("sqlite:///" + str(db.resolve()), {"y": observed})
    history = abc.run(max_nr_populations=method.abc_generations)
    frame, weights = history.get_distribution()
    particles = frame[names].to_numpy()
    pick = rng.choice(
        len(particles), size=min(method.posterior, len(particles)), replace=False, p=weights / weights.sum()
    )
    return fitted.low + particles[np.sort(pick)] * (fitted.high - fitted.low)


def target_fit(values: pd.DataFrame, targets: Sequence[Target]) -> pd.DataFrame:
    """Each target against the accepted sets' runs: mean, 95% interval, within the error or not."""
    rows = []
    for t in targets:
        v = values[t.name].dropna().to_numpy()
        mean = float(v.mean()) if len(v) else math.nan
        low, high = np.quantile(v, [0.025, 0.975]) if len(v) else (math.nan, math.nan)
        rows.append(
            {
                "target": t.name,
                "observed": t.observed,
                "error": t.error,
                "model": mean,
                "low": float(low),
                "high": float(high),
                "within_error": bool(abs(mean - t.observed) <= t.error),
                "source": t.source,
            }
        )
    return pd.DataFrame(rows)


def _write(
    out: Path, fitted: Fitted, posterior: pd.DataFrame, fit: pd.DataFrame, runs: int, check: pd.DataFrame
) -> None:
    """The posterior, the fit, their plots and a summary, each written whole or not at all."""
    from matplotlib.figure import Figure

    atomic_write(out / "posterior.csv", lambda p: posterior.to_csv(p, index=False))
    atomic_write(out / "fit.csv", lambda p: fit.to_csv(p, index=False))
    cal = fitted.calibration
    meta = {
        "name": cal.name,
        "file": fitted.source,
        "scenario": fitted.base.name,
        "scenario_hash": fitted.base.hash,
        "parameters": {
            n: [float(lo), float(hi)] for n, lo, hi in zip(fitted.names, fitted.low, fitted.high, strict=True)
        },
        # The calibrated city, so that policies can be run on it (experiments.posterior): its
        # settings at the start, and what its own timeline sets (a fitted value of an event, as
        # the pact's strength, describes that event, not the city).
        "city": {
            "params": fitted.base.params.model_dump(mode="json"),
            "timeline_sets": sorted({path for event in fitted.base.timeline for path in event.set}),
        },
        "runs": runs,
        "accepted": len(posterior),
        "calibration": cal.model_dump(mode="json"),
    }
    atomic_write(out / "calibration.json", lambda p: p.write_text(json.dumps(meta, indent=1)))

    fig = Figure(figsize=(8, 0.5 + 0.45 * len(fit)), layout="constrained")
    ax = fig.subplots()
    y = np.arange(len(fit))[::-1]
    scale = fit["error"].to_numpy()
    ax.errorbar(
        (fit["observed"] - fit["observed"]) / scale,
        y,
        xerr=1.0,
        fmt="s",
        color="0.3",
        label="observed (1 error)",
    )
    ax.errorbar(
        (fit["model"] - fit["observed"]) / scale,
        y + 0.15,
        xerr=[(fit["model"] - fit["low"]) / scale, (fit["high"] - fit["model"]) / scale],
        fmt="o",
        color="C0",
        label="model (95% of runs)",
    )
    ax.set_yticks(y, fit["target"])
    ax.set_xlabel("distance from the observed value, in observation errors")
    ax.legend(fontsize=8, frameon=False)
    atomic_write(out / "fit.png", lambda p: fig.savefig(p, dpi=110, format="png"))

    names = list(fitted.names)
    fig = Figure(figsize=(3 * min(len(names), 4), 2.5 * math.ceil(len(names) / 4)), layout="constrained")
    axes = np.atleast_1d(fig.subplots(math.ceil(len(names) / 4), min(len(names), 4))).ravel()
    for ax, name, lo, hi in zip(axes, names, fitted.low, fitted.high, strict=False):
        ax.hist(posterior[name], bins=10, range=(lo, hi), color="C0")
        ax.set_title(name, fontsize=8)
    for ax in axes[len(names) :]:
        ax.set_axis_off()
    atomic_write(out / "posterior.png", lambda p: fig.savefig(p, dpi=110, format="png"))
    text = summary_markdown(fitted, posterior, fit, runs, check)
    atomic_write(out / "summary.md", lambda p: p.write_text(text))


def fit_markdown(fit: pd.DataFrame) -> list[str]:
    """The fit of every target (:func:`target_fit`) as the lines of a Markdown table."""
    lines = [
        "| target | observed (error) | model: mean (95% of runs) | within | source |",
        "|---|---|---|---|---|",
    ]
    for row in fit.itertuples():
        lines.append(
            f"| {row.target} | {row.observed:.3g} ({row.error:.2g}) | {row.model:.3g} ({row.low:.3g} to "
            f"{row.high:.3g}) | {'yes' if row.within_error else '**no**'} | {row.source} |"
        )
    return lines


def summary_markdown(
    fitted: Fitted, posterior: pd.DataFrame, fit: pd.DataFrame, runs: int, check: pd.DataFrame | None = None
) -> str:
    """The calibration's result in a page: the fit of every target and the posterior of every parameter."""
    cal = fitted.calibration
    within = int(fit["within_error"].sum())
    lines = [
        f"# Calibration: {cal.name}",
        "",
        f"Scenario `{fitted.base.name}`; {runs} model runs; {len(posterior)} accepted parameter sets; "
        f"**{within} of {len(fit)} targets within their observation error**.",
        "",
        *fit_markdown(fit),
    ]
    lines += ["", "| parameter | range | posterior median (5% to 95%) |", "|---|---|---|"]
    for name, lo, hi in zip(fitted.names, fitted.low, fitted.high, strict=True):
        q = posterior[name].quantile([0.05, 0.5, 0.95]).to_numpy()
        lines.append(f"| `{name}` | {lo:g} to {hi:g} | {q[1]:.4g} ({q[0]:.4g} to {q[2]:.4g}) |")
    if check is not None:
        lines += [
            "",
            "The emulators against the validation runs, which they never saw (how far ABC on them can be "
            "trusted):",
            "",
            "| target | observation error | emulator's error (RMS) | runs within 2 sd of the emulator |",
            "|---|---|---|---|",
        ]
        for row in check.itertuples():
            error, share = f"{row.emulator_rmse:.3g}", f"{row.within_2sd:.0%}"
            lines.append(f"| {row.target} | {row.observation_error:.3g} | {error} | {share} |")
    return "\n".join(lines) + "\n"
