"""Calibration: the file's checks, each target's statistic, the emulators' cut, a killed calibration
that resumes to the same posterior, and policies compared over the posterior ensemble."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from barrio.experiments.batch import load, read_manifest
from barrio.experiments.calibration import (
    Statistic,
    Target,
    implausibility,
    load_calibration,
    ranked,
    statistic_of,
)
from barrio.experiments.holdout import hold_out, load_holdout
from barrio.experiments.posterior import (
    load_posterior,
    on_city,
    over_posterior,
    point_estimate,
    uncertainty_split,
)
from barrio.model.errors import BarrioError
from barrio.model.scenario import ScenarioError, load_scenario

#: A toy calibration: one parameter, one target, a few dozen small runs.
TOY = """\
name: toy
scenario: baseline
population: 2000
weeks: 30
warmup: 20
seed: 3
parameters:
  selling.reluctance: [20, 150]
targets:
  - name: sellers
    statistic: {kind: mean, outcome: sellers, weeks: [0, 30]}
    observed: 7.0
    error: 2.0
    source: a toy
method: {waves: 2, runs_per_wave: 6, candidates: 400, abc_population: 20, abc_generations: 2,
         posterior: 4, validation_replicates: 1}
"""


def _wide() -> pd.DataFrame:
    weeks = np.arange(6)
    return pd.DataFrame(
        {"a": [1.0, 2, 3, 4, 5, 6], "b": [0.0, 1, 0, 1, 0, 1], "c": [1.0, 1, 1, 1, 1, 1]}, index=weeks
    )


def test_a_mean_is_over_its_window_only():
    assert statistic_of(Statistic(kind="mean", outcome="a", weeks=(1, 3)), _wide()) == pytest.approx(2.5)


def test_a_share_is_the_parts_total_over_the_wholes_total():
    share = Statistic(kind="share", part=["b"], whole=["b", "c"], weeks=(0, 6))
    assert statistic_of(share, _wide()) == pytest.approx(3 / 9)


def test_a_growth_compares_the_window_with_the_earlier_one():
    growth = Statistic(kind="growth", outcome="a", weeks=(3, 6), earlier=(0, 3))
    assert statistic_of(growth, _wide()) == pytest.approx((4 + 5 + 6) / (1 + 2 + 3) - 1)


def test_a_share_of_nothing_is_not_a_number():
    share = Statistic(kind="share", part=["b"], whole=["b"], weeks=(0, 1))
    assert np.isnan(statistic_of(share, _wide()))


def test_implausibility_counts_the_emulator_and_observation_errors_together():
    target = Target(name="t", statistic=Statistic(kind="mean", outcome="a", weeks=(0, 1)), observed=10.0,
                    error=3.0, source="s")  # fmt: skip
    value = implausibility(np.array([[18.0]]), np.array([[4.0]]), [target])
    assert value[0, 0] == pytest.approx(8.0 / 5.0)


def test_a_calibration_file_with_mistakes_names_each(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        TOY.replace(
            "selling.reluctance: [20, 150]",
            "selling.reluctanse: [20, 150]\n  groups.lethality: [0, 2]\n  justice.sentence_weeks: [0, 100]",
        )
        .replace("outcome: sellers", "outcome: selers")
        .replace("weeks: [0, 30]", "weeks: [0, 40]")
    )
    with pytest.raises(ScenarioError) as err:
        load_calibration(path)
    text = str(err.value)
    assert str(path) in text
    assert "parameters.selling.reluctanse" in text and "not a parameter" in text
    assert "parameters.groups.lethality" in text and "outside what the parameter allows (0 to 1)" in text
    # A sentence of 0 weeks is refused by the schema, so a range starting at 0 is too.
    assert "parameters.justice.sentence_weeks" in text
    assert "0 is outside what the parameter allows (above 0, up to 2600)" in text
    assert "'selers' is not an outcome" in text


def test_a_window_past_the_run_is_refused(tmp_path):
    path = tmp_path / "late.yaml"
    path.write_text(TOY.replace("weeks: [0, 30]", "weeks: [0, 40]"))
    with pytest.raises(ScenarioError, match=r"window \[0, 40\] ends after the run's 30 weeks"):
        load_calibration(path)


def test_the_library_calibration_reads():
    fitted = load_calibration(Path(__file__).parents[2] / "calibrations" / "fortaleza.yaml")
    assert len(fitted.calibration.targets) >= 10
    assert all(t.source for t in fitted.calibration.targets)
    assert (fitted.low < fitted.high).all()


def test_the_spread_splits_by_the_law_of_total_variance():
    # Two sets of three seeds: set 0 around 1, set 1 around 3.
    values = [0.0, 1.0, 2.0, 2.0, 3.0, 4.0]
    means = pd.DataFrame({"scenario": "a", "outcome": "x", "replicate": range(6), "value": values})
    split = uncertainty_split(means, replicates=3).iloc[0]
    assert split.parameters == pytest.approx(1.0)  # the sets' means 1 and 3
    assert split.seeds == pytest.approx(2 / 3)
    assert split.parameters + split.seeds == pytest.approx(np.var(values))
    assert split.parameter_share == pytest.approx(0.6)


def _calibrate(out: Path, toy: Path, output: int = subprocess.PIPE) -> subprocess.Popen:
    # Other versions allowed: in a developer's checkout the code may change while the suite runs,
    # and what is tested here is that the same runs give the same posterior.
    command = [sys.executable, "-m", "barrio.cli", "calibrate", str(toy), "--out", str(out), "--jobs", "1",
               "-q", "--allow-other-version"]  # fmt: skip
    return subprocess.Popen(command, stdout=output, stderr=output, text=True)


@pytest.fixture(scope="module")
def toy_calibration(tmp_path_factory) -> tuple[Path, Path]:
    """The toy calibrated once without interruption, and once killed mid-way and resumed."""
    folder = tmp_path_factory.mktemp("calibration")
    toy = folder / "toy.yaml"
    toy.write_text(TOY)
    whole = folder / "whole"
    process = _calibrate(whole, toy)
    stdout, stderr = process.communicate(timeout=600)
    assert process.returncode == 0, stderr
    assert "accepted parameter set(s)" in stdout

    killed = folder / "killed"
    process = _calibrate(killed, toy, subprocess.DEVNULL)
    deadline = time.time() + 300
    while not list((killed / "wave2" / "runs").glob("*.parquet")) and time.time() < deadline:
        time.sleep(0.01)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert not (killed / "posterior.csv").exists(), "the calibration should have been killed part-way"
    process = _calibrate(killed, toy)
    _, stderr = process.communicate(timeout=600)
    assert process.returncode == 0, stderr
    return whole, killed


@pytest.mark.slow
def test_a_killed_calibration_resumes_to_the_same_accepted_sets(toy_calibration):
    whole, killed = toy_calibration
    posterior, meta = load_posterior(whole)
    assert len(posterior) >= 3
    assert meta["parameters"] == {"selling.reluctance": [20.0, 150.0]}
    assert posterior["selling.reluctance"].between(20, 150).all()
    pd.testing.assert_frame_equal(load_posterior(killed)[0], posterior)
    pd.testing.assert_frame_equal(pd.read_csv(killed / "fit.csv"), pd.read_csv(whole / "fit.csv"))
    for name in ("summary.md", "fit.png", "posterior.png"):
        assert (whole / name).stat().st_size > 0


@pytest.mark.slow
def test_scenarios_over_a_posterior_share_sets_and_seeds(toy_calibration):
    whole, _ = toy_calibration
    posterior, _ = load_posterior(whole)
    scenarios = [load_scenario("baseline"), load_scenario("mano_dura")]
    specs, description = over_posterior(scenarios, whole, replicates=2, root_seed=5)
    assert len(specs) == 2 * len(posterior) * 2
    assert description["posterior"]["sets"] == len(posterior)
    by_scenario = {}
    for spec in specs:
        by_scenario.setdefault(spec.scenario.name.rsplit("-p", 1)[0], []).append(spec)
    base, policy = by_scenario["baseline"], by_scenario["mano_dura"]
    # Paired: the same replicate has the same seed and the same parameter set in both.
    assert [(s.replicate, s.seed) for s in base] == [(s.replicate, s.seed) for s in policy]
    for spec in base:
        k = spec.levers["posterior_set"]
        assert spec.replicate // 2 == k
        fitted = posterior.loc[posterior.set == k, "selling.reluctance"].item()
        assert spec.scenario.params.selling.reluctance == pytest.approx(fitted)
    # The policy keeps its own timeline of levers.
    assert policy[0].scenario.timeline == load_scenario("mano_dura").timeline != base[0].scenario.timeline


@pytest.mark.slow
def test_a_comparison_over_a_posterior_reports_parameter_and_seed_uncertainty(toy_calibration, tmp_path):
    whole, _ = toy_calibration
    out = tmp_path / "compare"
    command = [sys.executable, "-m", "barrio.cli", "compare", "baseline", "mano_dura",
               "--posterior", str(whole), "--replicates", "2", "--population", "2000", "--warmup", "10",
               "--weeks", "20", "--jobs", "1", "-q", "--out", str(out)]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    manifest = read_manifest(out)
    assert manifest["description"]["posterior"]["folder"] == str(whole)
    report = (out / "report.md").read_text()
    assert "## Parameter and seed uncertainty" in report
    section = report.split("## Parameter and seed uncertainty")[1]
    assert "| baseline | sellers |" in section and "| mano_dura | sellers |" in section
    # The report's comparison is between the two scenarios, not between their sets.
    assert "-p0" not in report.split("## Parameter and seed uncertainty")[0]


def test_a_folder_without_a_calibration_is_refused(tmp_path):
    with pytest.raises(BarrioError, match="holds no finished calibration"):
        load_posterior(tmp_path)


def test_a_scenario_moves_onto_the_calibrated_city_keeping_its_own_settings():
    city = load_scenario("fortaleza_pact")
    meta = {
        "name": "fortaleza",
        "city": {"params": city.params.model_dump(mode="json"), "timeline_sets": ["groups.truce"]},
    }
    fitted = {"groups.truce": 0.7, "groups.lethality": 0.45, "justice.pretrial_weeks": 90.0}
    base = on_city(load_scenario("baseline"), meta, fitted, "baseline-p000")
    # The city's own settings and the fitted values...
    assert base.params.country == "fortaleza"
    assert base.params.neighbourhood.population == city.params.neighbourhood.population
    assert base.params.groups.lethality == 0.45
    assert base.params.justice.pretrial_weeks == 90.0
    # ...but not the strength of the pact the calibration's timeline made: no pact here.
    assert base.params.groups.truce == 0.0
    assert base.timeline == ()
    # A policy keeps its levers and its timeline; the fitted values set the weeks before it.
    policy = on_city(load_scenario("mano_dura"), meta, fitted, "mano_dura-p000")
    assert policy.timeline == load_scenario("mano_dura").timeline
    assert policy.params_at(0).justice.sentence_weeks == 260
    assert policy.params.groups.lethality == 0.45
    # Another city keeps its own context and size, with the values fitted elsewhere.
    bogota = on_city(load_scenario("bogota"), meta, fitted, "bogota-p000")
    assert bogota.params.country == "bogota"
    assert bogota.params.neighbourhood.population == load_scenario("bogota").params.neighbourhood.population
    assert bogota.params.groups.lethality == 0.45


@pytest.mark.slow
def test_the_parameters_reference_gains_the_posterior_summary(toy_calibration):
    whole, _ = toy_calibration
    posterior, _ = load_posterior(whole)
    done = subprocess.run(
        [sys.executable, "-m", "barrio.cli", "parameters", "--markdown", "--posterior", str(whole)],
        capture_output=True,
        text=True,
        check=True,
    )
    section = done.stdout.split("## Fitted to toy")[1]
    row = next(line for line in section.splitlines() if line.startswith("| `selling.reluctance`"))
    assert row.split("|")[2].strip() == "20 to 150"
    assert float(row.split("|")[3]) == pytest.approx(posterior["selling.reluctance"].median(), rel=1e-3)


@pytest.mark.slow
def test_a_held_out_place_runs_over_the_sets_without_refitting(toy_calibration, tmp_path):
    whole, _ = toy_calibration
    posterior, _ = load_posterior(whole)
    file = tmp_path / "elsewhere.yaml"
    file.write_text(
        "name: elsewhere\nscenario: mano_dura\npopulation: 2000\nweeks: 20\nwarmup: 10\n"
        "targets:\n  - name: sellers\n    statistic: {kind: mean, outcome: sellers, weeks: [0, 20]}\n"
        "    observed: 5.0\n    error: 1.0\n    source: a toy\n"
    )
    fit = hold_out(file, whole, out=tmp_path / "out", jobs=1, progress=False, allow_other_version=True)
    table = load(tmp_path / "out")
    # One run per accepted set; the target is each run's mean over its window, then their mean.
    assert table.groupby("scenario").ngroups == len(posterior)
    window = table[(table.outcome == "sellers") & (table.week >= 0) & (table.week < 20)]
    sellers = window.groupby("scenario").value.mean()
    assert fit.loc[0, "model"] == pytest.approx(sellers.mean())
    assert bool(fit.loc[0, "within_error"]) == (abs(sellers.mean() - 5.0) <= 1.0)
    assert "Held out: elsewhere" in (tmp_path / "out" / "summary.md").read_text()


def test_a_held_out_file_with_mistakes_names_each(tmp_path):
    file = tmp_path / "bad.yaml"
    file.write_text(
        "name: bad\nscenario: nowhere\nweeks: 10\nreplicate: 2\n"
        "targets:\n  - name: x\n    statistic: {kind: mean, outcome: sellers, weeks: [0, 20]}\n"
        "    observed: 5.0\n    error: 1.0\n    source: s\n"
    )
    with pytest.raises(ScenarioError) as err:
        load_holdout(file)
    assert "replicate: unknown name" in str(err.value)
    file.write_text(file.read_text().replace("replicate: 2\n", ""))
    with pytest.raises(ScenarioError) as err:
        load_holdout(file)
    assert "scenario: cannot use the scenario" in str(err.value)
    assert "window [0, 20] ends after the run's 10 weeks" in str(err.value)


def test_the_library_held_out_file_reads():
    holdout = load_holdout(Path(__file__).parents[2] / "calibrations" / "bogota.yaml")
    assert holdout.scenario == "bogota" and all(t.source for t in holdout.targets)


def test_a_point_is_judged_by_the_implausibility_of_the_rank_asked():
    values = np.array([[5.0, 1.0, 2.0], [0.5, np.nan, 0.1]])
    assert list(ranked(values, 1)) == [5.0, np.inf]  # a target not measured rules a point out
    assert list(ranked(values, 2)) == [2.0, 0.5]
    assert list(ranked(values, 3)) == [1.0, 0.1]
    assert list(ranked(values, 9)) == [1.0, 0.1]


def test_the_calibrated_scenario_holds_the_committed_posterior_medians():
    root = Path(__file__).parents[2]
    scenario = load_scenario("fortaleza_calibrated")
    estimate = point_estimate(root / "calibrations" / "fortaleza")
    assert "groups.truce" not in estimate  # the pact's strength describes 2016, not the city
    assert scenario.params.groups.truce == 0.0
    for path, value in estimate.items():
        section, name = path.split(".", 1)
        assert getattr(getattr(scenario.params, section), name) == pytest.approx(value, rel=1e-3), path
    assert scenario.params.country == "fortaleza"


def test_the_committed_calibration_fits_at_least_six_targets():
    root = Path(__file__).parents[2]
    fit = pd.read_csv(root / "calibrations" / "fortaleza" / "fit.csv")
    within = (fit.model - fit.observed).abs() <= fit.error
    assert (within == fit.within_error).all()
    assert within.sum() >= 6
