"""A calibration tested on a place it never saw: another city's figures, without refitting.

A held-out file names a scenario (another city, with its own context) and targets in the
calibration file's form; ``barrio holdout FILE --posterior DIR`` runs the scenario over every
accepted parameter set of the calibration in ``DIR`` (moved onto the city as
:func:`experiments.posterior.on_city` says: the scenario's own context and size win, the
fitted values fill the rest) and sets each target's model value and interval against the
observed one::

    name: bogota
    scenario: bogota
    population: 198238
    weeks: 52
    targets:
      - name: homicide_rate
        statistic: {kind: mean, outcome: homicide_rate, weeks: [0, 52]}
        observed: 4.0
        error: 3.0
        source: "..."

Runs go through the batch machinery, so a held-out check stopped at any point resumes.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from barrio.experiments.batch import BatchError, execute, load
from barrio.experiments.calibration import Target, check_outcomes, fit_markdown, target_fit, targets_by_run
from barrio.experiments.execution import executor
from barrio.experiments.output import atomic_write
from barrio.experiments.posterior import over_posterior
from barrio.experiments.studies import resized
from barrio.experiments.studyfile import read_study
from barrio.model.scenario import ScenarioError, load_scenario, locate_beside

__all__ = ["HoldOut", "hold_out", "load_holdout"]


class HoldOut(BaseModel):
    """The schema of a held-out file."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    name: str = Field(pattern=r"^[A-Za-z0-9_-]+$")
    description: str = ""
    scenario: str
    weeks: int | None = Field(None, ge=1, le=5200)
    warmup: int | None = Field(None, ge=0, le=1040)
    population: int | None = Field(None, ge=100, le=5_000_000)
    seed: int = Field(0, ge=0, lt=2**63)
    replicates: int = Field(1, ge=1, le=20, description="Seeds per accepted parameter set.")
    targets: list[Target] = Field(min_length=1)


def load_holdout(path: Path | str) -> HoldOut:
    """Read and check a held-out file; every problem is reported at once.

    Raises:
        ScenarioError: If the file, its scenario or a target cannot be used.
    """
    path = Path(path)
    holdout, file = read_study(path, HoldOut)
    problem = file.problem
    try:
        load_scenario(locate_beside(holdout.scenario, path.parent))
    except ScenarioError as err:
        problem(("scenario",), f"cannot use the scenario: {err.problems[0].message}")
    check_outcomes(file, holdout.targets)
    for k, target in enumerate(holdout.targets):
        if holdout.weeks is not None:
            for window in (target.statistic.weeks, target.statistic.earlier):
                if window is not None and window[1] > holdout.weeks:
                    problem(
                        ("targets", k, "statistic"),
                        f"window {list(window)} ends after the run's {holdout.weeks} weeks",
                    )
    file.check()
    return holdout


def hold_out(
    path: Path | str,
    posterior: Path | str,
    *,
    out: Path | str | None = None,
    jobs: int | None = None,
    progress: bool = True,
    allow_other_version: bool = False,
) -> pd.DataFrame:
    """Run a held-out file's scenario over a calibration's accepted sets and fit its targets.

    Writes ``out/fit.csv`` (each target's observed value and error, the model's mean and the
    range of 95% of runs, within the error or not) and ``out/summary.md``.

    Returns:
        The fit table.

    Raises:
        ScenarioError: If the file cannot be used.
        BarrioError: If ``posterior`` holds no finished calibration.
        BatchError: If a run fails.
    """
    holdout = load_holdout(path)
    scenario = load_scenario(locate_beside(holdout.scenario, Path(path).parent))
    out = Path(out) if out is not None else Path("results") / "holdout" / holdout.name
    specs, _ = over_posterior(
        [scenario],
        posterior,
        holdout.replicates,
        holdout.seed,
        lambda s: resized(s, holdout.weeks, holdout.warmup, holdout.population),
    )
    with executor(jobs) as pool:
        batch = execute(
            specs,
            out,
            pool,
            progress=progress,
            description={"command": "holdout", "posterior": str(posterior)},
            allow_other_version=allow_other_version,
        )
    if batch.failed:
        raise BatchError(f"{len(batch.failed)} held-out run(s) failed; tracebacks in {out / 'failed'}")
    table = load(out)
    table["point"] = table["scenario"].astype(str).str.extract(r"-p(\d+)$")[0].astype(int)
    fit = target_fit(targets_by_run(table, holdout.targets), holdout.targets)
    atomic_write(out / "fit.csv", lambda p: fit.to_csv(p, index=False))
    atomic_write(out / "summary.md", lambda p: p.write_text(holdout_markdown(holdout, fit, posterior)))
    return fit


def holdout_markdown(holdout: HoldOut, fit: pd.DataFrame, posterior: Path | str) -> str:
    """The held-out check as a page: each target against the model, run without refitting."""
    within = int(fit["within_error"].sum())
    lines = [
        f"# Held out: {holdout.name}",
        "",
        f"Scenario `{holdout.scenario}` over the accepted parameter sets of `{Path(posterior).as_posix()}`, "
        f"{holdout.replicates} seed(s) each, without refitting: **{within} of {len(fit)} targets within "
        "their observation error**.",
        "",
        *fit_markdown(fit),
    ]
    return "\n".join(lines) + "\n"
