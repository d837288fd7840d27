"""The Python API a notebook user reaches for: barrio.run, compare, sweep, load and Results."""

import ast
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import barrio
from barrio import experiments
from barrio.cli import main
from barrio.experiments import batch
from barrio.experiments.batch import BatchError
from barrio.experiments.effects import KEY_OUTCOMES
from barrio.experiments.report import with_interval
from barrio.experiments.sweep import Experiment
from barrio.model.run import run as run_model
from barrio.model.scenario import load_scenario

SMALL = {"weeks": 6, "warmup": 2, "population": 400}
QUIET = {"jobs": 1, "progress": False}


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    """baseline against mano_dura, 2 replicates each, small and short."""
    out = tmp_path_factory.mktemp("api") / "crackdown"
    return barrio.compare(["baseline", "mano_dura"], replicates=2, seed=4, out=out, **SMALL, **QUIET)


def test_the_namespace_is_small_flat_and_loads_the_heavy_parts_only_when_used():
    assert set(barrio.__all__) == {
        "run",
        "compare",
        "sweep",
        "explore",
        "load",
        "Results",
        "Scenario",
        "load_scenario",
        "Params",
        "BarrioError",
        "ParameterError",
        "ScenarioError",
        "ResultsError",
        "__version__",
    }
    assert all(getattr(barrio, name) is not None for name in barrio.__all__)
    assert issubclass(barrio.ResultsError, barrio.BarrioError) and issubclass(barrio.ResultsError, ValueError)
    with pytest.raises(AttributeError, match="no attribute 'compar'"):
        barrio.compar  # noqa: B018
    code = "import barrio, sys; print(sorted({'pandas', 'matplotlib', 'scipy'} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_run_is_the_models_run_of_the_resized_scenario():
    table = barrio.run("baseline", seed=3, progress=False, **SMALL)
    scenario = load_scenario("baseline").at_population(400)
    params = scenario.params.replace(timing__horizon_weeks=6, timing__warmup_weeks=2)
    expected = run_model(scenario.__class__(scenario.name, params, scenario.timeline), 3)
    pd.testing.assert_frame_equal(table, expected)
    assert sorted(table.week.unique()) == list(range(-2, 6))
    assert table.attrs["scenario"]["params"]["neighbourhood"]["population"] == 400
    # A Scenario object and bare Params work too.
    again = barrio.run(barrio.load_scenario("baseline"), seed=3, progress=False, **SMALL)
    pd.testing.assert_frame_equal(again, table)
    custom = barrio.run(barrio.Params(), seed=3, progress=False, **SMALL)
    assert set(custom.scenario) == {"custom"}


def test_compare_returns_results_with_table_effects_and_a_preview(compared):
    assert isinstance(compared, barrio.Results) and compared.ok
    assert compared.scenarios == ["baseline", "mano_dura"] and compared.baseline == "baseline"
    assert compared.finished == {"baseline": [0, 1], "mano_dura": [0, 1]}
    assert sorted(compared.batch.done) == [
        "baseline__r000",
        "baseline__r001",
        "mano_dura__r000",
        "mano_dura__r001",
    ]
    pd.testing.assert_frame_equal(compared.table, experiments.load(compared.folder))
    effects = compared.effects()
    assert set(effects.scenario) == {"mano_dura"}
    # Every key outcome is compared but those zero in every run of both, which say nothing.
    key = compared.means[compared.means.outcome.isin(KEY_OUTCOMES)]
    silent = {o for o, part in key.groupby("outcome") if not part.value.any()}
    assert set(effects.outcome) == set(key.outcome) - silent and "prison_occupancy_pct" in set(
        effects.outcome
    )
    assert (effects.n == 2).all()
    occupancy = compared.effects(outcomes=["prison_occupancy_pct"])
    assert list(occupancy.outcome) == ["prison_occupancy_pct"]
    spanish = compared.effects(outcomes=["prison_occupancy_pct"], language="es").sentence.item()
    assert spanish.startswith("Ocupación de la cárcel (%):") and "«Situación actual»" in spanish
    # The preview shows each scenario with its replicates and the key outcomes with intervals.
    page = compared._repr_html_()
    summary = compared.summary().set_index(["scenario", "outcome"])
    for scenario in ("baseline", "mano_dura"):
        homicides = with_interval(summary.loc[(scenario, "homicide_rate")])
        assert f"<td>{scenario}</td><td>2</td><td>{homicides}</td>" in page
    assert "Homicides (per 100,000 a year)" in page and "compared with baseline" in page
    assert repr(compared).startswith("<Results: Barrio comparison of 2 scenario(s) in ")


def test_the_report_and_load_give_the_same_numbers(compared, tmp_path):
    assert (compared.folder / "report.html").exists()  # compare writes it, as the command does
    elsewhere = compared.report(tmp_path / "elsewhere", baseline="mano_dura")
    assert elsewhere["html"] == tmp_path / "elsewhere" / "report.html" and elsewhere["markdown"].exists()
    # Compared with mano_dura this time: the baseline is the scenario said to change things.
    assert "**Status quo (baseline)**" in elsewhere["markdown"].read_text()
    loaded = barrio.load(compared.folder)
    assert loaded.batch is None and loaded.kind == "comparison"
    pd.testing.assert_frame_equal(loaded.effects(), compared.effects())
    with pytest.raises(barrio.ResultsError, match="not a Barrio results folder"):
        barrio.load(tmp_path)


def test_the_command_line_and_python_make_the_same_folder(compared, tmp_path, capsys):
    args = ["compare", "baseline", "mano_dura", "--replicates", "2", "--seed", "4", "--jobs", "1", "-q"]
    args += ["--weeks", "6", "--warmup", "2", "--population", "400"]
    assert main([*args, "--out", str(tmp_path / "cli")]) == 0
    pd.testing.assert_frame_equal(barrio.load(tmp_path / "cli").table, compared.table)
    # The command resumes the folder Python wrote: nothing is left to run.
    assert main([*args, "--out", str(compared.folder)]) == 0
    assert "0 run(s) done, 4 already there, 0 failed" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("call", "message"),
    [
        ({"scenarios": ["baseline"], "replicates": 0}, "replicates must be a whole number, 1 or more; got 0"),
        ({"scenarios": ["baseline"], "seed": -1}, "seed must be a whole number, 0 or more; got -1"),
        ({"scenarios": ["baseline"], "jobs": 0}, "jobs must be a whole number, 1 or more; got 0"),
        ({"scenarios": ["baseline", "baseline"]}, "given twice: baseline"),
        (
            {"scenarios": ["baseline"], "baseline": "mano"},
            "baseline 'mano' is not one of the scenarios given",
        ),
        ({"scenarios": [42]}, "a scenario is a library name, a .yaml file, a Scenario or Params, not int"),
        ({"scenarios": []}, "give at least one scenario"),
    ],
)
def test_compare_refuses_bad_arguments_before_running_anything(call, message, tmp_path):
    scenarios = call.pop("scenarios")
    with pytest.raises(BatchError, match=message.replace("(", r"\(")):
        barrio.compare(scenarios, out=tmp_path / "out", **{**SMALL, **QUIET, **call})
    assert not (tmp_path / "out").exists()


def test_one_scenario_may_be_given_alone_and_failures_are_reported(tmp_path, monkeypatch):
    real = batch.run

    def flaky(scenario, seed, **kwargs):
        if seed % 2:  # about half the replicates fall over
            raise RuntimeError("the model fell over")
        return real(scenario, seed, **kwargs)

    monkeypatch.setattr(batch, "run", flaky)
    results = barrio.compare("baseline", replicates=4, out=tmp_path, **SMALL, **QUIET)
    failed = sorted(results.batch.failed)
    assert failed and len(failed) < 4, "the seeds should make some, not all, replicates fail"
    assert not results.ok and sorted(results.failed) == failed
    assert set(results.failed.values()) == {"RuntimeError: the model fell over"}
    assert f"{len(failed)} run(s) failed" in results._repr_html_()
    assert len(results.finished["baseline"]) == 4 - len(failed)


def test_sweep_takes_a_dict_or_an_experiment_and_previews_its_points(tmp_path):
    design = {
        "name": "grid",
        "base": "baseline",
        "replicates": 1,
        "vary": {"policing.punitive_intensity": [0.2, 0.8]},
    }
    results = barrio.sweep(design, out=tmp_path / "dict", **SMALL, **QUIET)
    assert results.kind == "sweep" and results.scenarios == ["grid-0", "grid-1"]
    assert results.points()["policing.punitive_intensity"].tolist() == [0.2, 0.8]
    page = results._repr_html_()
    assert "<th>point</th><th>policing.punitive_intensity</th><th>replicates</th>" in page
    assert "<td>grid-1</td><td>0.8</td><td>1</td>" in page
    from_model = barrio.sweep(Experiment.model_validate(design), out=tmp_path / "model", **SMALL, **QUIET)
    pd.testing.assert_frame_equal(from_model.table, results.table)
    with pytest.raises(barrio.ScenarioError, match=r"experiment 'grid': vary.policing.punitve_intensity"):
        barrio.sweep({**design, "vary": {"policing.punitve_intensity": [0.2]}}, out=tmp_path / "bad")


def test_the_readmes_python_examples_use_names_that_exist():
    """The README's Python blocks parse and name only what barrio and Results have."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, re.S)
    assert any("barrio.compare(" in block for block in blocks)
    for block in blocks:
        ast.parse(block)
        for name in re.findall(r"\bbarrio\.(\w+)", block):
            assert name in barrio.__all__, name
        for name in re.findall(r"\bresults\.(\w+)", block):
            assert hasattr(barrio.Results, name), name
    params = barrio.Params().replace(policing__punitive_intensity=0.9, country="ecuador")
    assert params.country == "ecuador" and params.policing.punitive_intensity == 0.9


def test_a_scenario_resized_too_small_for_its_levers_says_so_once(caplog, monkeypatch):
    from barrio.experiments import studies
    from barrio.experiments.studies import resized

    monkeypatch.setattr(studies, "_WARNED", set())  # whatever earlier tests were told
    integrated = load_scenario("integrated")
    with caplog.at_level("WARNING", logger="barrio.experiments.studies"):
        for _ in range(3):  # as a sweep resizes a policy for each of its runs
            resized(integrated, population=3_000)
        resized(integrated, population=40_000)
    said = [r.getMessage() for r in caplog.records]
    community = [line for line in said if "community units" in line]
    assert len(community) == 1 and community[0].startswith("integrated: community units:")
    assert "at 40,000 residents" not in " ".join(said)


def test_compare_tells_every_broken_file_before_running_anything(tmp_path):
    first = tmp_path / "first.yaml"
    first.write_text("policing:\n  punitve_intensity: 0.5\n", encoding="utf-8")
    second = tmp_path / "second.yaml"
    second.write_text("justice:\n  sentence_weeks: -1\n", encoding="utf-8")
    with pytest.raises(barrio.ScenarioError) as err:
        barrio.compare(["baseline", first, second], replicates=1, out=tmp_path / "out")
    text = str(err.value)
    assert text.startswith(f"2 problem(s) in {first}, {second}")
    assert f"{first}:2: policing.punitve_intensity" in text and f"{second}:2: justice.sentence_weeks" in text
    assert not (tmp_path / "out").exists()


TINY_EXPLORATION = {
    "name": "tiny",
    "policies": ["baseline", "mano_dura"],
    "replicates": 1,
    "seed": 2,
    "design": {"method": "morris", "n": 2},
    "uncertainties": ["groups.lethality", "selling.reluctance"],
}


def test_an_exploration_s_results_write_its_report_and_refuse_what_they_cannot_say(tmp_path):
    pytest.importorskip("SALib")
    from barrio.experiments.results import write_folder_report
    from barrio.experiments.wording import LanguageError

    explored = barrio.explore(TINY_EXPLORATION, out=tmp_path / "tiny", **SMALL, **QUIET)
    (explored.folder / "exploration.md").unlink()
    # The same report as `barrio report DIR` writes: the exploration's, from the same function.
    paths = explored.report()
    assert paths["markdown"] == explored.folder / "exploration.md" and paths["markdown"].is_file()
    assert paths == write_folder_report(explored.folder)
    # A comparison's effects pair scenarios under one set of assumptions; an exploration's are
    # its indices, discovery and regret.
    with pytest.raises(barrio.ResultsError, match=r"is an exploration.*results\.exploration\(\)"):
        explored.effects()
    # What an exploration's report cannot do is refused, not ignored.
    with pytest.raises(barrio.ResultsError, match=r"as its file's `baseline:` says \(baseline\)"):
        write_folder_report(explored.folder, baseline="mano_dura")
    with pytest.raises(LanguageError, match=r"exploration.md.* English only"):
        explored.report(language="es")
    with pytest.raises(barrio.ResultsError, match=r"into its results folder"):
        explored.report(tmp_path / "elsewhere")
    assert explored.report(language="en", baseline="baseline") == paths


def test_points_of_one_policy_resized_too_small_warn_once(caplog, monkeypatch):
    from barrio.experiments import studies
    from barrio.experiments.studies import resized

    monkeypatch.setattr(studies, "_WARNED", set())
    integrated = load_scenario("integrated")
    points = [integrated.with_values({"groups.lethality": 0.01 * k}, name=f"sweep-{k}") for k in range(4)]
    with caplog.at_level("WARNING", logger="barrio.experiments.studies"):
        for point in points:  # as a sweep resizes each of its points, each under its own name
            resized(point, population=3_000)
        resized(load_scenario("baseline"), population=3_000)  # another file: said of it too
    said = [r.getMessage() for r in caplog.records]
    assert sum("community units" in line for line in said) == 1
    assert any(line.startswith("baseline: police units") for line in said)


def test_compare_says_which_file_extends_a_broken_one(tmp_path):
    (tmp_path / "typo.yaml").write_text("policing:\n  punitve_intensity: 0.5\n", encoding="utf-8")
    child = tmp_path / "mine.yaml"
    child.write_text("extends: typo.yaml\n", encoding="utf-8")
    with pytest.raises(barrio.ScenarioError) as err:
        barrio.compare(["baseline", child], replicates=1, out=tmp_path / "out")
    assert (
        str(err.value).splitlines()[0] == f"1 problem(s) in {tmp_path / 'typo.yaml'} (which {child} extends)"
    )


def test_validate_an_exploration_without_the_explore_extra_says_what_to_install(monkeypatch, capsys):
    import sys

    from barrio.cli import main as cli

    study = Path(__file__).resolve().parents[2] / "experiments" / "studies" / "fortaleza_morris.yaml"
    monkeypatch.setitem(sys.modules, "SALib", None)  # as if the extra were not installed
    assert cli(["validate", str(study), "baseline"]) == 1
    out, err = capsys.readouterr()
    assert "exploring needs SALib, of the explore extra: pip install 'barrio[explore]'" in err
    assert "Traceback" not in err and "ok       baseline" in out  # the other files are still checked


def test_a_timeline_change_after_the_last_week_is_warned_of_once(caplog, monkeypatch):
    from barrio.experiments import studies
    from barrio.experiments.studies import resized

    monkeypatch.setattr(studies, "_WARNED", set())
    from dataclasses import replace

    from barrio.model.scenario import Event

    crackdown = load_scenario("mano_dura")  # its own changes come at year 0
    late = replace(
        crackdown, timeline=(*crackdown.timeline, Event(week=100, set={"justice.sentence_weeks": 260}))
    )
    with caplog.at_level("WARNING", logger="barrio.experiments.studies"):
        for _ in range(2):
            resized(late, weeks=52)
    said = [r.getMessage() for r in caplog.records if "after the last week" in r.getMessage()]
    assert said == ["mano_dura: timeline events at weeks [100] fall after the last week and will not happen"]
