"""Exploration files read and checked: what is refused before anything runs, and the points they make."""

import itertools
import json
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("SALib")

from barrio.experiments.designs import load_exploration, sample
from barrio.experiments.posterior import parameter_values
from barrio.model.scenario import ScenarioError

STUDIES = Path(__file__).resolve().parents[2] / "experiments" / "studies"

HEAD = """\
name: t
policies: [baseline, mano_dura]
replicates: 1
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "x.yaml"
    path.write_text(HEAD + textwrap.dedent(text))
    return path


def _problems(path: Path) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        load_exploration(path)
    return [str(p) for p in caught.value.problems]


def test_an_outcome_the_analysis_cannot_read_is_refused_with_its_line(tmp_path):
    path = _write(
        tmp_path,
        """\
        design: {method: latin_hypercube, n: 4}
        uncertainties: [groups.lethality]
        outcomes:
          - homicide_rate
          - prisonerz
        """,
    )
    said = _problems(path)
    assert len(said) == 1
    assert said[0].startswith(f"{path}:8: outcomes.prisonerz: not an outcome")
    assert "did you mean 'prisoners'" in said[0]
    # The message names what is allowed: the analysis's sums and where the model's own are listed.
    assert "young_recruits, prisoners, public_spending" in said[0] and "OUTCOMES" in said[0]
    # Alone, it is refused as well (it used to run everything, then wait forever for its points).
    path.write_text(path.read_text().replace("  - homicide_rate\n", ""))
    assert "outcomes.prisonerz: not an outcome" in _problems(path)[0]
    # The model's own outcomes and the analysis's sums are taken; one named twice is not.
    path.write_text(path.read_text().replace("  - prisonerz\n", "  - homicides\n  - young_recruits\n"))
    assert load_exploration(path).spec.outcomes == ["homicides", "young_recruits"]
    path.write_text(path.read_text().replace("  - young_recruits\n", "  - homicides\n"))
    assert _problems(path) == [f"{path}:8: outcomes.homicides: named twice (entries 0 and 1)"]


def test_a_lever_a_policy_does_not_set_takes_the_point_s_value_at_week_0_after_the_same_warm_up():
    chosen = load_exploration(
        {
            "name": "levers",
            "policies": ["baseline", "mano_dura", "integrated"],
            "replicates": 1,
            "design": {"method": "latin_hypercube", "n": 3},
            "uncertainties": ["groups.lethality"],
            "levers": {"policing.punitive_intensity": [0.3, 0.9], "policing.units_per_10k": [2.0, 6.0]},
        }
    )
    specs = chosen.specs()
    assert len(specs) == 3 * 3
    for point, row in enumerate(chosen.design.model_values()):
        values = parameter_values(chosen.design.names, row)
        at = [s.scenario for s in specs if s.levers["point"] == point]
        # Every policy warms up alike: the base scenario's levers, the point's uncertainties.
        assert all(s.params == at[0].params for s in at)
        assert at[0].params.policing.punitive_intensity == 0.5
        assert at[0].params.groups.lethality == pytest.approx(values["groups.lethality"])
        for scenario in at:
            week0 = scenario.params_at(0).policing
            assert week0.punitive_intensity == pytest.approx(values["policing.punitive_intensity"])
            assert week0.units_per_10k == pytest.approx(values["policing.units_per_10k"])
        # mano dura's own changes of week 0 still hold beside the point's.
        mano_dura = next(s for s in at if s.name.startswith("mano_dura"))
        assert mano_dura.params_at(0).policing.arrest_possession is True


def test_small_morris_designs_take_no_step_twice():
    names = ["groups.lethality", "selling.reluctance", "market.reach", "justice.conviction"]
    bounds = [(0.15, 0.45), (60.0, 120.0), (2.0, 6.0), (0.567, 1.0)]
    # seed 3 of /tmp/rx/morris2.yaml: SALib's second trajectory ended with the first's first step.
    design = sample("morris", names, bounds, n=2, seed=3)
    assert design.values.shape == (10, 4)
    _assert_distinct_steps(design.values, len(names))
    for seed in range(40):  # at 4 parameters, about one design in thirty would repeat a step
        _assert_distinct_steps(sample("morris", names, bounds, n=6, seed=seed).values, len(names))


def _assert_distinct_steps(values: np.ndarray, k: int) -> None:
    steps = set()
    for t in range(len(values) // (k + 1)):
        points = values[t * (k + 1) : (t + 1) * (k + 1)]
        for a, b in itertools.pairwise(points):
            step = frozenset({a.round(9).tobytes(), b.round(9).tobytes()})
            assert step not in steps, f"trajectory {t} repeats a step"
            steps.add(step)


def test_a_morris_design_that_cannot_avoid_repeating_a_step_is_refused(tmp_path):
    # One parameter at 4 levels has two steps only: three trajectories must repeat one.
    path = _write(tmp_path, "design: {method: morris, n: 3}\nuncertainties: [groups.lethality]\n")
    said = _problems(path)
    assert len(said) == 1 and said[0].startswith(f"{path}:4: design.n: ")
    assert "use fewer trajectories" in said[0]


@pytest.mark.skipif(not (STUDIES / "fortaleza_morris" / "design.csv").is_file(), reason="study not shipped")
def test_the_shipped_screening_keeps_its_design():
    chosen = load_exploration(STUDIES / "fortaleza_morris.yaml")
    kept = pd.read_csv(STUDIES / "fortaleza_morris" / "design.csv", index_col="point")
    assert list(kept.columns) == list(chosen.design.names)
    np.testing.assert_array_equal(kept.to_numpy(), chosen.design.values)


def test_a_malformed_uncertainties_gets_one_message_naming_the_forms_it_may_take(tmp_path):
    forms = "'all', a list of parameters, a mapping PARAM: [LOW, HIGH], or {top: N, of: FOLDER}"
    path = _write(
        tmp_path,
        """\
        design: {method: morris, n: 2}
        uncertainties:
          selling.reluctance: [40, 100]
          groups.lethality: [0.2]
        """,
    )
    assert _problems(path) == [
        f"{path}:7: uncertainties.groups.lethality: [0.2] is not a range [LOW, HIGH] of two numbers; "
        f"uncertainties may be {forms}"
    ]
    path.write_text(path.read_text().replace("[0.2]", "[0.1, high]"))
    assert _problems(path) == [
        f"{path}:7: uncertainties.groups.lethality: [0.1, 'high'] is not a range [LOW, HIGH] of two "
        f"numbers; uncertainties may be {forms}"
    ]
    path.write_text(HEAD + "design: {method: morris, n: 2}\nuncertainties: al\n")
    assert _problems(path) == [
        f"{path}:5: uncertainties: 'al' is not one of the forms; uncertainties may be {forms}; "
        "did you mean 'all'?"
    ]
    path.write_text(HEAD + "design: {method: morris, n: 2}\nuncertainties: [groups.lethality, 3]\n")
    assert _problems(path) == [
        f"{path}:5: uncertainties.1: 3 is not a parameter's name; uncertainties may be {forms}"
    ]


def test_a_design_s_setting_of_another_method_is_refused(tmp_path):
    path = _write(
        tmp_path,
        """\
        design:
          method: morris
          n: 2
          second_order: true
        uncertainties: [groups.lethality, selling.reluctance]
        """,
    )
    assert _problems(path) == [
        f"{path}:7: design.second_order: Sobol's second-order indices; a morris design has none "
        "(drop second_order)"
    ]
    path.write_text(path.read_text().replace("morris", "sobol").replace("second_order: true", "levels: 4"))
    assert _problems(path) == [
        f"{path}:7: design.levels: Morris's grid levels; a sobol design has none (drop levels)"
    ]
    # Sobol's n is a power of 2, as the message says: 2 and 4 are.
    path.write_text(path.read_text().replace("  levels: 4\n", "").replace("n: 2", "n: 6"))
    assert _problems(path) == [
        f"{path}:6: design.n: Sobol's samples need n a power of 2 (2, 4, 8, 16, ...); got 6"
    ]
    for n in (2, 4, 8):
        path.write_text(path.read_text().replace("n: 6", f"n: {n}").replace("n: 2\n", f"n: {n}\n"))
        assert load_exploration(path).design.n == n
        path.write_text(path.read_text().replace(f"n: {n}", "n: 6"))


def test_an_uncertainty_named_twice_is_refused(tmp_path):
    path = _write(
        tmp_path,
        """\
        design: {method: morris, n: 2}
        uncertainties:
          - groups.lethality
          - selling.reluctance
          - groups.lethality
        """,
    )
    assert _problems(path) == [f"{path}:8: uncertainties.groups.lethality: named twice (entries 0 and 2)"]


def test_more_of_a_screening_s_parameters_than_it_varied_is_refused(tmp_path):
    screening = tmp_path / "screening"
    screening.mkdir()
    names = ["groups.lethality", "selling.reluctance"]
    design = {"method": "morris", "names": names, "bounds": [[0.01, 0.2], [5.0, 40.0]], "n": 2, "levels": 4}
    manifest = {"description": {"command": "explore", "design": design}, "runs": [], "scenarios": {}}
    (screening / "manifest.json").write_text(json.dumps(manifest))
    pd.DataFrame(
        {
            "policy": "mano_dura",
            "against": "baseline",
            "outcome": "homicide_rate",
            "parameter": names,
            "mu_star": [0.3, 0.9],
            "rank": [2, 1],
        }
    ).to_csv(screening / "indices.csv", index=False)
    path = _write(tmp_path, "design: {method: sobol, n: 8}\nuncertainties: {top: 5, of: screening}\n")
    assert _problems(path) == [
        f"{path}:5: uncertainties.top: the screening in screening varied 2 parameters: ask for top: 2 at most"
    ]
    path.write_text(path.read_text().replace("top: 5", "top: 2"))
    assert load_exploration(path).design.names == ("selling.reluctance", "groups.lethality")
