"""Experiment files: grids, Latin hypercubes, and errors an analyst can act on."""

import pytest

from barrio.cli import main
from barrio.experiments.sweep import load_experiment
from barrio.model.run import make_model
from barrio.model.scenario import ScenarioError

BASE = """\
extends: {library}/baseline.yaml
name: small
neighbourhood: {{width: 10, height: 10, population: 600}}
timing: {{warmup_weeks: 4, horizon_weeks: 8}}
"""


@pytest.fixture
def folder(tmp_path):
    from barrio.model.scenario import LIBRARY

    (tmp_path / "small.yaml").write_text(BASE.format(library=LIBRARY))
    return tmp_path


def test_a_grid_is_every_combination_with_the_values_set_from_the_start(folder):
    path = folder / "grid.yaml"
    path.write_text(
        "name: grid\nbase: small.yaml\nreplicates: 2\nvary:\n"
        "  policing.punitive_intensity: [0.2, 0.8]\n"
        "  justice.sentence_weeks: {start: 52, stop: 156, steps: 3}\n"
    )
    sweep = load_experiment(path)
    assert len(sweep.scenarios) == 6 and len(sweep.specs()) == 12
    assert sweep.points[0] == {"policing.punitive_intensity": 0.2, "justice.sentence_weeks": 52.0}
    last = sweep.scenarios[-1]
    assert last.name == "grid-5" and last.params.justice.sentence_weeks == 156
    assert last.params.neighbourhood.population == 600  # the base's own values are kept
    seeds = [s.seed for s in sweep.specs() if s.replicate == 1]
    assert len(set(seeds)) == 1  # replicate i has one seed across the grid


def test_a_varied_lever_the_base_timeline_sets_takes_the_timelines_place(folder):
    (folder / "crackdown.yaml").write_text(
        "extends: small.yaml\nname: crackdown\ntimeline:\n"
        "  - week: 2\n    set: {policing.punitive_intensity: 0.9, policing.units_per_10k: 12}\n"
    )
    path = folder / "vary.yaml"
    path.write_text("name: vary\nbase: crackdown.yaml\nvary:\n  policing.punitive_intensity: [0.0, 0.4]\n")
    sweep = load_experiment(path)
    base = sweep.scenarios[0]
    for scenario, value in zip(sweep.scenarios, (0.0, 0.4), strict=True):
        # Before the event the base's own value; the event sets the varied one instead of 0.9
        # and still sets the rest.
        assert scenario.params.policing.punitive_intensity == base.params.policing.punitive_intensity
        (event,) = scenario.timeline
        assert event.set == {"policing.punitive_intensity": value, "policing.units_per_10k": 12}
        model = make_model(scenario, 1)
        for _ in range(scenario.params.timing.warmup_weeks + 3):
            model.step()
        assert model.params.policing.punitive_intensity == value


def test_a_latin_hypercube_covers_each_range_once_per_stratum(folder):
    path = folder / "lhs.yaml"
    path.write_text(
        "name: lhs\nbase: small.yaml\nseed: 3\nsample:\n  n: 10\n  levers:\n"
        "    policing.punitive_intensity: [0.1, 0.9]\n    policing.units_per_10k: [1, 20]\n"
    )
    sweep = load_experiment(path)
    values = sorted(p["policing.punitive_intensity"] for p in sweep.points)
    strata = [int((v - 0.1) / 0.08) for v in values]  # ten equal strata of [0.1, 0.9]
    assert strata == list(range(10))
    assert load_experiment(path).points == sweep.points  # the sample comes from the file's seed


def test_a_broken_experiment_file_lists_every_problem_with_its_line(folder):
    path = folder / "bad.yaml"
    path.write_text(
        "name: bad\nbase: small.yaml\nreplicas: 3\nvary:\n"
        "  policing.punitve_intensity: [0.2]\n  policing.units_per_10k: [5, -1]\n"
    )
    with pytest.raises(ScenarioError) as err:
        load_experiment(path)
    text = str(err.value)
    # A problem of form does not hide a misspelt parameter or a bad base.
    assert f"{path}:3: replicas: unknown name; did you mean 'replicates'?" in text
    assert (
        f"{path}:5: vary.policing.punitve_intensity: not a parameter; "
        "did you mean 'policing.punitive_intensity'" in text
    )
    # A value out of range is reported once, not once per point of the grid.
    path.write_text(
        "name: bad\nbase: small.yaml\nvary:\n  policing.units_per_10k: [5, -1]\n"
        "  policing.encounter: [0.1, 0.2]\n"
    )
    with pytest.raises(ScenarioError) as err:
        load_experiment(path)
    assert len(err.value.problems) == 1
    assert "vary.policing.units_per_10k: Input should be greater than or equal to 0 (got -1)" in str(
        err.value
    )
    # A span with too few steps: the span's own field is named, not pydantic's form tags.
    path.write_text(
        "name: bad\nbase: small.yaml\nvary:\n  justice.sentence_weeks: {start: 52, stop: 260, steps: 1}\n"
    )
    with pytest.raises(ScenarioError) as err:
        load_experiment(path)
    assert [p.path for p in err.value.problems] == ["vary.justice.sentence_weeks.steps"]
    # Values fine alone but not together are reported with the points where they meet.
    path.write_text(
        "name: bad\nbase: small.yaml\nvary:\n  policing.hot_spots: [0.2, 0.8]\n"
        "  policing.focused_deterrence: [0.1, 0.5]\n"
    )
    with pytest.raises(ScenarioError, match=r"must be at most 1 .*\(at point 3\)"):
        load_experiment(path)
    path.write_text("name: bad\nbase: nowhere.yaml\nvary:\n  policing.units_per_10k: [5]\n")
    with pytest.raises(ScenarioError, match=r"bad.yaml:2: base: cannot use the base scenario: no such file"):
        load_experiment(path)


def test_barrio_sweep_runs_a_file_and_reports_problems_with_exit_status_2(folder, capsys):
    path = folder / "grid.yaml"
    path.write_text(
        "name: grid\nbase: small.yaml\nreplicates: 1\nvary:\n  policing.punitive_intensity: [0.2, 0.8]\n"
    )
    out = folder / "results"
    assert main(["sweep", str(path), "--out", str(out), "--jobs", "1", "-q"]) == 0
    from barrio.experiments.batch import load

    table = load(out)
    assert set(table["policing.punitive_intensity"]) == {0.2, 0.8}
    # The report shows the sweep: each point with the value it set, and the outcomes against it.
    text = (out / "report.md").read_text()
    sweep = text.split("## The sweep")[1].split("##")[0]
    rows = [line for line in sweep.splitlines() if line.startswith("| grid-")]
    assert [row.split(" | ")[1] for row in rows] == ["0.2", "0.8"]
    assert "policing.punitive_intensity" in sweep and "Sentenced prisoners" in sweep
    # The brief's chart, the sweep's and the four of every report.
    assert (out / "report.html").read_text().count("data:image/png;base64,") == 6
    (folder / "broken.yaml").write_text("name: grid\nvary: {}\n")
    assert main(["sweep", str(folder / "broken.yaml"), "-q"]) == 2
    assert "give exactly one of 'vary'" in capsys.readouterr().err


def test_a_sweep_file_sizes_its_runs_and_the_command_s_options_win(folder):
    import json

    from barrio.experiments.studies import sweep

    path = folder / "sized.yaml"
    path.write_text(
        "name: sized\nbase: small.yaml\nreplicates: 1\npopulation: 400\nweeks: 3\nwarmup: 1\n"
        "vary:\n  policing.punitive_intensity: [0.2, 0.8]\n"
    )
    results = sweep(path, out=folder / "out", jobs=1, progress=False)
    assert sorted(results.table.week.unique()) == [-1, 0, 1, 2]  # 1 warm-up week, 3 policy weeks
    resolved = json.loads((folder / "out" / "manifest.json").read_text())["scenarios"]["sized-0"]["resolved"]
    assert resolved["params"]["neighbourhood"]["population"] == 400
    again = sweep(path, out=folder / "out2", jobs=1, progress=False, weeks=2, population=300)
    assert sorted(again.table.week.unique()) == [-1, 0, 1]
    resolved = json.loads((folder / "out2" / "manifest.json").read_text())["scenarios"]["sized-1"]["resolved"]
    assert resolved["params"]["neighbourhood"]["population"] == 300


def test_a_size_the_sweep_also_varies_is_refused_before_anything_runs(folder, capsys):
    from barrio.experiments.batch import BatchError
    from barrio.experiments.studies import sweep

    path = folder / "clash.yaml"
    path.write_text(
        "name: clash\nbase: small.yaml\nreplicates: 1\npopulation: 400\n"
        "vary:\n  neighbourhood.population: [300, 500]\n"
    )
    with pytest.raises(BatchError, match=r"population 400 \(from the file or --population\) would undo"):
        sweep(path, out=folder / "out", jobs=1, progress=False)
    assert not (folder / "out").exists()
    assert main(["validate", str(path)]) == 1
    assert "would undo the sweep's own values of neighbourhood.population" in capsys.readouterr().err
