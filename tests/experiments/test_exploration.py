"""Explorations: designs, indices, scenario discovery, regret, and a real run killed and resumed."""

import dataclasses
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("SALib")
pytest.importorskip("ema_workbench")

from barrio.experiments.batch import LOG_FILE, ResultsError, run_seconds
from barrio.experiments.designs import (
    DEFAULT_OUTCOMES,
    PLAN_FILE,
    deciding,
    load_exploration,
    read_noise,
    sample,
)
from barrio.experiments.discovery import (
    Region,
    case_leaves,
    describe_box,
    find_box,
    fit_tree,
    leaf_sentences,
    regret,
)
from barrio.experiments.exploration import _kept_plan, analyse, run_cost, write_exploration
from barrio.experiments.posterior import parameter_values
from barrio.experiments.sensitivity import (
    by_seed,
    indices,
    morris_noise,
    outcomes_by_point,
    pair_indices,
    sobol_noise,
    step_ratios,
    targets,
)
from barrio.model.params import dotted
from barrio.model.scenario import ScenarioError


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_sobol_indices_of_the_ishigami_function_are_the_known_ones():
    """The design and analysis an exploration uses, with a cheap function standing in for the model."""
    bounds = [(-np.pi, np.pi)] * 3
    design = sample("sobol", ["x1", "x2", "x3"], bounds, n=2048, seed=7)
    assert design.values.shape == (2048 * 5, 3)
    found = indices(design, {("ishigami", None, "y"): ishigami(design.values)}).set_index("parameter")
    # Analytic values for a = 7, b = 0.1 (Ishigami and Homma 1990; Sobol' and Levitan 1999).
    first = {"x1": 0.3139, "x2": 0.4424, "x3": 0.0}
    total = {"x1": 0.5576, "x2": 0.4424, "x3": 0.2437}
    for name in first:
        assert found.at[name, "S1"] == pytest.approx(first[name], abs=0.04)
        assert found.at[name, "ST"] == pytest.approx(total[name], abs=0.04)
        assert 0 < found.at[name, "ST_conf"] < 0.1
    assert list(found.index) == ["x1", "x2", "x3"]  # ranked by total index
    assert found["rank"].tolist() == [1, 2, 3]


def test_sobol_pairs_of_the_ishigami_function_are_the_known_ones():
    # Only x1 and x3 act together (b x3^4 sin x1): S13 = 0.2437 (Sobol' and Levitan 1999).
    bounds = [(-np.pi, np.pi)] * 3
    design = sample("sobol", ["x1", "x2", "x3"], bounds, n=2048, seed=1, second_order=True)
    pairs = pair_indices(design, {("f", None, "y"): ishigami(design.values)})
    found = {(r.parameter, r["with"]): (r.S2, r.S2_conf) for _, r in pairs.iterrows()}
    assert set(found) == {("x1", "x2"), ("x1", "x3"), ("x2", "x3")}
    assert found[("x1", "x3")][0] == pytest.approx(0.2437, abs=0.05)
    assert found[("x1", "x2")][0] == pytest.approx(0.0, abs=0.05)
    assert found[("x2", "x3")][0] == pytest.approx(0.0, abs=0.05)
    assert pairs.iloc[0][["parameter", "with"]].tolist() == ["x1", "x3"]  # the largest first
    assert all(0 < conf < 0.2 for _, conf in found.values())
    # A design drawn without pairs has none.
    plain = sample("sobol", ["x1", "x2", "x3"], bounds, n=64, seed=1)
    assert pair_indices(plain, {("f", None, "y"): ishigami(plain.values)}).empty
    # A target that does not vary has no pairs to share its variance among.
    flat = pair_indices(design, {("f", None, "flat"): np.ones(len(design.values))})
    assert flat.empty and list(flat.columns) == [
        "policy",
        "against",
        "outcome",
        "parameter",
        "with",
        "S2",
        "S2_conf",
    ]


def test_morris_ranks_a_parameter_that_does_nothing_last():
    design = sample("morris", ["strong", "weak", "idle"], [(0, 1)] * 3, n=20, seed=3)
    y = 5 * design.values[:, 0] + design.values[:, 1] ** 2
    found = indices(design, {("f", None, "y"): y}).set_index("parameter")
    assert found.index.tolist() == ["strong", "weak", "idle"]
    assert found.at["strong", "mu_star"] == pytest.approx(5.0)
    assert found.at["idle", "mu_star"] == 0.0


def test_morris_divides_a_whole_number_s_effect_by_the_step_the_model_took():
    # market.reach is a whole number: 4 levels over [2, 6] are 2, 3.33, 4.67 and 6, which the model
    # gets as 2, 3, 5 and 6, so every step moves it by 3 where the design's step is 2.67.
    design = sample("morris", ["market.reach", "selling.reluctance"], [(2, 6), (0, 10)], n=8, seed=5)
    got = design.model_values()
    assert set(np.unique(got[:, 0])) == {2.0, 3.0, 5.0, 6.0}
    assert (got[:, 1] == design.values[:, 1]).all()  # not a whole number: as drawn
    assert step_ratios(design) == pytest.approx([8 / 3 / 3, 1.0])
    # An output of 3 per unit of reach moves by 12 over reach's whole range (4 units): that is mu*.
    y = 3 * got[:, 0] + 0.5 * got[:, 1]
    found = indices(design, {("f", None, "y"): y}).set_index("parameter")
    assert found.at["market.reach", "mu_star"] == pytest.approx(12.0)
    assert found.at["market.reach", "mu"] == pytest.approx(12.0)
    assert found.at["selling.reluctance", "mu_star"] == pytest.approx(5.0)


def test_sobol_and_latin_hypercube_draw_every_whole_number_as_often():
    for method, n in (("latin_hypercube", 6000), ("sobol", 1024)):
        design = sample(method, ["market.reach", "selling.reluctance"], [(2, 6), (0, 10)], n=n, seed=5)
        got = design.model_values()[:, 0]
        counts = pd.Series(got).value_counts().sort_index()
        assert list(counts.index) == [2.0, 3.0, 4.0, 5.0, 6.0]
        # Each a fifth; drawn over [2, 6] itself, 2 and 6 would each come up an eighth of the time.
        assert (counts / len(got)).to_numpy() == pytest.approx([0.2] * 5, abs=0.025)
        assert design.values[:, 1].min() >= 0 and design.values[:, 1].max() <= 10


def test_a_morris_file_is_refused_odd_levels_and_a_whole_number_step_that_rounds_to_nothing(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "name: bad\npolicies: [baseline]\ndesign: {method: morris, n: 2, levels: 3}\n"
        "uncertainties: [groups.lethality]\n"
    )
    with pytest.raises(ScenarioError, match=r"bad.yaml:3: design.levels: Morris's levels must be even"):
        load_exploration(path)
    path.write_text(
        "name: bad\npolicies: [baseline]\ndesign: {method: morris, n: 2}\n"
        "uncertainties: {market.reach: [2, 2.4], groups.lethality: [0.2, 0.4]}\n"
    )
    with pytest.raises(ScenarioError) as caught:
        load_exploration(path)
    assert "uncertainties.market.reach: a whole number: [2, 2.4] holds fewer than two whole numbers" in str(
        caught.value
    )
    # Six levels over [1, 4] are 1, 1.6, 2.2, 2.8, 3.4 and 4: rounded, the steps move 2, 1 and 2.
    path.write_text(
        "name: bad\npolicies: [baseline]\ndesign: {method: morris, n: 2, levels: 6}\n"
        "uncertainties: {selling.mobility: [1, 4]}\n"
    )
    with pytest.raises(
        ScenarioError, match=r"at 6 levels over \[1, 4\] the Morris steps round to 1 and 2 units"
    ):
        load_exploration(path)
    # Levels 1.5, 2, 2.5 and 3: the step from 1.5 to 2.5 rounds (half to even) from 2 to 2.
    path.write_text(
        "name: bad\npolicies: [baseline]\ndesign: {method: morris, n: 2}\n"
        "uncertainties: {market.reach: [1.5, 3]}\n"
    )
    with pytest.raises(ScenarioError, match=r"at 4 levels over \[1.5, 3\] a Morris step rounds to no change"):
        load_exploration(path)
    # A Sobol design needs two whole numbers too.
    path.write_text(
        "name: bad\npolicies: [baseline]\ndesign: {method: sobol, n: 8}\n"
        "uncertainties: {market.reach: [2.2, 2.8]}\n"
    )
    with pytest.raises(
        ScenarioError, match=r"market.reach: a whole number: \[2.2, 2.8\] holds fewer than two"
    ):
        load_exploration(path)
    path.write_text(
        "name: good\npolicies: [baseline]\ndesign: {method: morris, n: 2}\n"
        "uncertainties: {market.reach: [2, 3], groups.lethality: [0.2, 0.4]}\n"
    )
    assert load_exploration(path).design.names == ("market.reach", "groups.lethality")


def test_a_derived_outcome_is_the_sum_of_all_its_parts_or_refused():
    # Prisoners are the sentenced plus those held before trial.
    rows = [
        ("a", 0, "prisoners_sentenced", 10.0),
        ("a", 0, "prisoners_pretrial", 5.0),
        ("b", 0, "prisoners_sentenced", 12.0),
        ("b", 0, "prisoners_pretrial", 4.0),
    ]
    means = pd.DataFrame(rows, columns=["scenario", "replicate", "outcome", "value"])
    runs = {"a": ("hard", 0), "b": ("soft", 0)}
    table = outcomes_by_point(by_seed(means, runs, ["prisoners"]), 1).set_index("policy")
    assert table.at["hard", "value"] == 15.0 and table.at["soft", "value"] == 16.0
    # A run that recorded only one part would pass for fewer prisoners: refused, and named.
    with pytest.raises(ResultsError, match=r"1 run\(s\) lack some of the outcomes prisoners adds up .*: b$"):
        by_seed(means.drop(index=3), runs, ["prisoners"])


def test_the_noise_floor_is_each_parameter_s_change_seed_by_seed():
    # Two trajectories over a and b, three seeds shared by every point. Each step that moves a
    # changes hard's homicides by 1, 2 and 3 on the three seeds; each step that moves b by 5 on
    # every seed, so b's steps carry no noise at all. Soft stays at 0.
    design = sample("morris", ["a", "b"], [(0, 1), (0, 1)], n=2, seed=8)
    values = design.values.reshape(2, 3, 2)
    moved = np.argmax(np.diff(values, axis=1) != 0, axis=2)  # which parameter each step moves
    change = {0: np.array([1.0, 2.0, 3.0]), 1: np.array([5.0, 5.0, 5.0])}
    rows = []
    for t in range(2):
        level = np.zeros(3)
        for k in range(3):
            if k:
                level = level + change[moved[t, k - 1]]
            for r in range(3):
                rows += [
                    ("hard", 3 * t + k, r, "homicide_rate", level[r]),
                    ("soft", 3 * t + k, r, "homicide_rate", 0.0),
                ]
    seeds = pd.DataFrame(rows, columns=["policy", "point", "replicate", "outcome", "value"])
    noise = morris_noise(design, seeds, ["hard", "soft"], [("hard", "soft")], np.arange(6))
    difference = noise[noise.against == "soft"].set_index("parameter").noise
    # sd 1 over 3 seeds is a standard error of 1/sqrt(3); over the step (2/3 of the range) and
    # half-normal: sqrt(2/pi) x 1.5 / sqrt(3).
    assert difference["a"] == pytest.approx(np.sqrt(2 / np.pi) * 1.5 / np.sqrt(3))
    assert difference["b"] == 0.0
    soft = noise[(noise.policy == "soft") & noise.against.isna()]
    assert (soft.noise == 0).all()
    # A trajectory missing a point is left out; with none whole there is nothing to say.
    assert morris_noise(design, seeds, ["hard", "soft"], [("hard", "soft")], np.arange(5)).shape[0] == 6
    assert morris_noise(design, seeds, ["hard", "soft"], [("hard", "soft")], np.arange(2)).empty


def sobol_seeds(design, seeds=2):
    """soft's homicides are a seed's own noise, N(0, 1); hard's are 4 x b, soft's noise and more
    of its own. a changes the runs' random course, b leaves it alone (as a parameter the outcome
    ignores would). The same seeds at every point."""
    rows = []
    for point, (a, b) in enumerate(design.values):
        for r in range(seeds):
            shared, own = np.random.default_rng([r, int(a * 2**40)]).normal(size=2)
            rows += [
                ("hard", point, r, "homicide_rate", 4 * b + shared + own),
                ("soft", point, r, "homicide_rate", shared),
            ]
    return pd.DataFrame(rows, columns=["policy", "point", "replicate", "outcome", "value"])


def test_the_sobol_noise_floor_is_the_st_the_seeds_alone_give():
    design = sample("sobol", ["a", "b"], [(0, 1), (0, 1)], n=256, seed=5)
    seeds, points = sobol_seeds(design), len(design.values)
    policies, differences = ["hard", "soft"], [("hard", "soft")]
    found = sobol_noise(design, seeds, policies, differences, np.arange(points))

    def floor(policy, against=None):
        rows = found[
            (found.policy == policy) & (found.against.isna() if against is None else found.against == against)
        ]
        return rows.set_index("parameter").noise

    # hard minus soft is 4 x b plus hard's own noise: a point's mean of two seeds has noise
    # variance 1/2, the points' variance is 16/12 + 1/2, and Jansen's ST takes half the mean
    # squared change over it: (2 x 1/2) / (2 x (16/12 + 1/2)).
    assert floor("hard", "soft")["a"] == pytest.approx(0.5 / (16 / 12 + 0.5), rel=0.15)
    assert floor("hard", "soft")["b"] == pytest.approx(0.0, abs=1e-12)  # every seed's course unchanged
    # hard's level has both noises (1 / (16/12 + 1)); soft's is all noise (a share of 1).
    assert floor("hard")["a"] == pytest.approx(1 / (16 / 12 + 1), rel=0.15)
    assert floor("soft")["a"] == pytest.approx(1.0, rel=0.15)
    # a changes nothing on average, yet its ST is its floor: the floor says how much ST is noise.
    table = indices(design, targets(outcomes_by_point(seeds, points), policies, differences, points))
    st = table[(table.against == "soft")].set_index("parameter").ST
    assert st["a"] == pytest.approx(floor("hard", "soft")["a"], abs=0.06) and st["a"] > 0.15
    # Drawn for pairs, the variants sit elsewhere in each group: the same floors.
    paired = sample("sobol", ["a", "b"], [(0, 1), (0, 1)], n=256, seed=5, second_order=True)
    seeds2 = sobol_seeds(paired)
    found2 = sobol_noise(paired, seeds2, policies, differences, np.arange(len(paired.values)))
    difference = found2[found2.against == "soft"].set_index("parameter").noise
    assert difference["a"] == pytest.approx(0.5 / (16 / 12 + 0.5), rel=0.15) and difference["b"] < 1e-12
    # Every point is needed, two seeds, and every seed's value.
    assert sobol_noise(design, seeds, policies, differences, np.arange(points - 1)).empty
    assert sobol_noise(design, seeds[seeds.replicate == 0], policies, differences, np.arange(points)).empty
    holed = seeds.drop(
        index=seeds.index[(seeds.policy == "hard") & (seeds.point == 0) & (seeds.replicate == 1)]
    )
    left = sobol_noise(design, holed, policies, differences, np.arange(points))
    assert set(left.policy) == {"soft"}  # hard's level and the difference lack a value: no floor


def test_prim_finds_a_planted_box():
    rng = np.random.default_rng(11)
    x = pd.DataFrame(rng.uniform(0, 1, (2000, 4)), columns=["a", "b", "c", "d"])
    inside = (x.a > 0.6) & (x.b < 0.3)
    noise = rng.uniform(size=len(x)) < 0.02  # a few cases outside the box, a few missing inside it
    cases = (inside ^ noise).to_numpy()
    box = find_box(x, cases)
    assert set(box.limits) == {"a", "b"}
    low, high = box.limits["a"]
    assert low == pytest.approx(0.6, abs=0.03) and high is None
    low, high = box.limits["b"]
    assert low is None and high == pytest.approx(0.3, abs=0.03)
    assert box.coverage > 0.8 and box.density > 0.8
    assert describe_box(box) == f"a at least {box.limits['a'][0]:.3g} and b at most {box.limits['b'][1]:.3g}"


def test_prim_never_calls_the_whole_space_a_box():
    # Cases almost everywhere: the whole space's balance of coverage (1) and density (0.88) beats
    # any peeled box's, yet a box around everything describes nothing.
    rng = np.random.default_rng(13)
    x = pd.DataFrame(rng.uniform(0, 1, (2000, 3)), columns=["a", "b", "c"])
    cases = (~((x.a > 0.7) & (x.b < 0.4))).to_numpy()
    box = find_box(x, cases)
    assert box is not None and box.chosen > 0 and box.limits
    assert box.density > cases.mean()
    assert describe_box(box) != "anywhere"


def test_cart_names_the_leaf_that_holds_a_planted_box():
    rng = np.random.default_rng(12)
    x = pd.DataFrame(rng.uniform(0, 1, (1000, 3)), columns=["a", "b", "c"])
    cases = ((x.a > 0.6) & (x.b < 0.3)).to_numpy()
    leaves = case_leaves(fit_tree(x, cases))
    # The other leaves hold no case: only the box's is denser than the 12% of cases overall.
    assert len(leaves) == 1
    (leaf,) = leaves
    assert set(leaf.limits) == {"a", "b"}
    (a_low, a_high), (b_low, b_high) = leaf.limits["a"], leaf.limits["b"]
    assert a_low == pytest.approx(0.6, abs=0.02) and a_high is None
    assert b_low is None and b_high == pytest.approx(0.3, abs=0.02)
    # Its figures are those of the points its limits hold (left of a split is at or below it).
    held = ((x.a > a_low) & (x.b <= b_high)).to_numpy()
    assert leaf.mass == pytest.approx(held.mean())
    assert leaf.coverage == pytest.approx(cases[held].sum() / cases.sum()) == 1.0
    assert leaf.density == pytest.approx(cases[held].mean()) == 1.0
    sentences = leaf_sentences(fit_tree(x, cases))
    assert sentences[
        2
    ] == f"- {describe_box(leaf)}: 100% of those points (coverage), 100% of the points there " + (
        f"(density), {leaf.mass:.0%} of all points"
    )


def test_a_tree_too_small_to_split_has_no_leaf_to_name():
    # Eight points, and a leaf holds at least five: the tree is its root alone.
    x = pd.DataFrame({"a": np.linspace(0, 1, 8)})
    tree = fit_tree(x, np.arange(8) == 7)
    assert tree.clf.tree_.node_count == 1
    assert case_leaves(tree) == []
    assert leaf_sentences(tree) == [
        "A CART tree finds no leaf where those points are denser than over all points."
    ]


def test_regret_is_the_gap_to_the_best_policy_at_each_point():
    levels = pd.DataFrame(
        {
            "policy": ["hard", "soft"] * 3,
            "point": [0, 0, 1, 1, 2, 2],
            "outcome": "homicide_rate",
            "value": [10.0, 12.0, 9.0, 5.0, 7.0, 7.0],
        }
    )
    table = regret(levels).set_index("policy")
    assert table.at["hard", "max_regret"] == 4.0 and table.at["soft", "max_regret"] == 2.0
    assert table.at["hard", "mean_regret"] == pytest.approx(4 / 3)
    assert table.at["hard", "best_share"] == pytest.approx(2 / 3)  # the tie at point 2 counts for both
    assert table.at["soft", "best_share"] == pytest.approx(2 / 3)


def test_every_policy_at_a_point_has_the_point_s_values_and_seeds(tmp_path):
    chosen = load_exploration(
        {
            "name": "pairs",
            "policies": ["baseline", "mano_dura"],
            "replicates": 2,
            "design": {"method": "morris", "n": 3},
            "uncertainties": ["groups.lethality", "market.reach"],
            "levers": {"policing.punitive_intensity": [0.2, 0.9]},
        }
    )
    specs = chosen.specs()
    assert len(specs) == 2 * 3 * (3 + 1) * 2
    # Point by point (both policies, both seeds), so a batch stopped part way leaves whole points.
    assert [(s.levers["point"], s.levers["policy"], s.replicate) for s in specs[:5]] == [
        (0, "baseline", 0),
        (0, "baseline", 1),
        (0, "mano_dura", 0),
        (0, "mano_dura", 1),
        (1, "baseline", 0),
    ]
    by_point: dict = {}
    for spec in specs:
        by_point.setdefault((spec.levers["point"], spec.replicate), []).append(spec)
    for (_point, _replicate), pair in by_point.items():
        baseline, mano_dura = pair
        assert baseline.seed == mano_dura.seed
        assert baseline.levers["point"] == mano_dura.levers["point"]
        row = chosen.design.values[baseline.levers["point"]]
        values = parameter_values(chosen.design.names, row)
        for spec in pair:
            given = dotted(spec.scenario.params.model_dump())
            assert {k: given[k] for k in ("groups.lethality", "market.reach")} == {
                k: values[k] for k in ("groups.lethality", "market.reach")
            }
        assert isinstance(baseline.scenario.params.market.reach, int)  # a whole number stays one
        # mano dura's timeline sets the punitive intensity: the point's value is what it sets.
        assert mano_dura.scenario.timeline[0].set["policing.punitive_intensity"] == pytest.approx(
            values["policing.punitive_intensity"]
        )
        # The values live in design.csv and the scenario, not as columns of every run's table.
        assert set(baseline.levers) == {"policy", "point"}


def test_an_exploration_file_with_mistakes_gets_every_problem_with_its_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            name: bad
            policies: [baseline, mano_dura]
            design:
              method: sobol
              n: 12
            uncertainties:
              - groups.letality
              - policing.punitive_intensity
            levers:
              groups.lethality: [0.2, 0.4]
            discovery:
              policy: mano_dura
              against: integrated
            """
        )
    )
    with pytest.raises(ScenarioError) as caught:
        load_exploration(path)
    said = str(caught.value)
    assert (
        f"{path}:7: uncertainties.groups.letality: not a parameter; did you mean 'groups.lethality'?" in said
    )
    assert f"{path}:8: uncertainties.policing.punitive_intensity: a lever, not an uncertainty" in said
    assert f"{path}:10: levers.groups.lethality: not a lever" in said
    assert f"{path}:5: design.n: Sobol's samples need n a power of 2" in said
    assert (
        f"{path}:13: discovery.against: 'integrated' is not one of the policies: baseline, mano_dura" in said
    )

    path.write_text("name: bad\npolicies: [baseline]\ndesing: {method: morris, n: 2}\n")
    with pytest.raises(ScenarioError, match=r"bad.yaml:3: desing: unknown name; did you mean 'design'\?"):
        load_exploration(path)


def test_a_cost_per_outcome_averted_needs_a_third_policy_as_baseline_and_a_cost_outcome(tmp_path):
    path = tmp_path / "cost.yaml"
    head = "name: cost\ndesign: {method: latin_hypercube, n: 4}\nuncertainties: [groups.lethality]\n"
    path.write_text(
        head + "policies: [baseline, mano_dura]\n"
        "discovery: {policy: mano_dura, against: baseline, outcome: young_recruits, cost: public_spending}\n"
    )
    with pytest.raises(
        ScenarioError,
        match=r"cost.yaml:5: discovery.cost: a cost per young_recruits averted is "
        r"counted against the baseline, and the baseline 'baseline' is one of the two policies",
    ):
        load_exploration(path)
    path.write_text(
        head + "policies: [baseline, mano_dura, integrated]\noutcomes: [young_recruits, prisoners]\n"
        "discovery: {policy: integrated, against: mano_dura, outcome: young_recruits,"
        " cost: public_spending}\n"
    )
    with pytest.raises(
        ScenarioError,
        match=r"cost.yaml:6: discovery.cost: not one of the outcomes: young_recruits, prisoners$",
    ):
        load_exploration(path)
    path.write_text(
        head + "policies: [baseline, mano_dura, integrated]\n"
        "discovery: {policy: integrated, against: mano_dura, outcome: young_recruits, cost: public_spendin}\n"
    )
    with pytest.raises(
        ScenarioError, match=r"cost.yaml:5: discovery.cost: .*; did you mean 'public_spending'\?"
    ):
        load_exploration(path)
    path.write_text(
        head + "policies: [baseline, mano_dura, integrated]\n"
        "discovery: {policy: integrated, against: mano_dura, outcome: young_recruits,"
        " cost: public_spending}\n"
    )
    found = load_exploration(path)
    assert found.describe()["discovery"]["cost"] == "public_spending" and found.baseline == "baseline"
    # A cost that is not spending, one that is the outcome, and an outcome where more is better.
    for discovery, said in (
        ("{policy: integrated, against: mano_dura, outcome: young_recruits, cost: prisoners}",
         r"cost.yaml:6: discovery.cost: 'prisoners' is not spending: public_spending, or a \*_spending"),
        ("{policy: integrated, against: mano_dura, outcome: public_spending, cost: public_spending}",
         r"cost.yaml:6: discovery.cost: the cost must be another outcome than the one averted"),
        ("{policy: integrated, against: mano_dura, outcome: mean_trust, cost: public_spending}",
         r"cost.yaml:6: discovery.outcome: more mean_trust is better, so none of it is averted"),
    ):  # fmt: skip
        outcomes = "outcomes: [young_recruits, prisoners, public_spending, mean_trust]\n"
        path.write_text(
            head + "policies: [baseline, mano_dura, integrated]\n" + outcomes + f"discovery: {discovery}\n"
        )
        with pytest.raises(ScenarioError, match=said):
            load_exploration(path)
    # A policy that cannot be loaded is named, not also a baseline it may not be.
    path.write_text(
        head + "policies: [nosuch, mano_dura, integrated]\n"
        "discovery: {policy: integrated, against: mano_dura, outcome: young_recruits,"
        " cost: public_spending}\n"
    )
    with pytest.raises(ScenarioError) as caught:
        load_exploration(path)
    assert "cannot use this policy" in str(caught.value) and "is one of the two policies" not in str(
        caught.value
    )


EXPLORATION = """\
name: resumed
policies: [baseline, mano_dura]
replicates: 1
seed: 5
design:
  method: morris
  n: 3
uncertainties:
  - groups.lethality
  - selling.reluctance
discovery:
  policy: mano_dura
  against: baseline
  outcome: prisoners
"""


# The sentence on what the runs took; a kill can lose a run's log line, which changes its wording.
RUN_COST = "each timed from its start to its end"


def _results(report: str) -> str:
    return "\n".join(line for line in report.splitlines() if RUN_COST not in line)


@pytest.mark.slow
def test_an_exploration_killed_and_resumed_gives_the_same_indices(tmp_path):
    """A real kill -9 of ``barrio explore`` while it works, then the same command again."""
    import barrio

    file = tmp_path / "exploration.yaml"
    file.write_text(EXPLORATION)
    size = {"population": 2000, "warmup": 10, "weeks": 30}
    whole = barrio.explore(file, out=tmp_path / "whole", jobs=1, progress=False, **size)

    killed = tmp_path / "killed"
    command = [
        sys.executable,
        "-m",
        "barrio.cli",
        "explore",
        str(file),
        "--out",
        str(killed),
        "--jobs",
        "1",
        "-q",
    ]
    command += ["--population", "2000", "--warmup", "10", "--weeks", "30"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 300
    while not list((killed / "runs").glob("*.parquet")) and time.time() < deadline:
        time.sleep(0.01)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    runs = 2 * 3 * (2 + 1)  # two policies, three trajectories of three points, one seed
    finished = len(list((killed / "runs").glob("*.parquet")))
    assert 1 <= finished < runs, "the exploration should have been killed part-way"
    # Point by point (one worker, so in the order submitted): a kill leaves the first runs.
    order = [f"{policy}-x{k}__r000" for k in range(9) for policy in ("baseline", "mano_dura")]
    assert sorted(p.stem for p in (killed / "runs").glob("*.parquet")) == sorted(order[:finished])
    # The design was written before the runs: what a kill left can be read and reported.
    stopped = analyse(killed)
    assert stopped.complete == (finished // 2, 9) and stopped.indices.empty
    subprocess.run([*command[:3], "report", str(killed)], check=True, capture_output=True, timeout=300)
    assert f"{finished // 2} of 9 point(s) have every run finished" in (killed / "exploration.md").read_text()

    done = subprocess.run(command, check=True, capture_output=True, text=True, timeout=600)
    assert f"{runs - finished} run(s) done, {finished} already there, 0 failed" in done.stdout
    first, second = whole.exploration(), analyse(killed)
    assert first.complete == second.complete == (runs // 2, runs // 2)
    assert first.trajectories == (3, 3) and first.interim.empty
    assert not first.indices.empty and first.indices.mu_star.gt(0).any()
    # Every outcome asked for (here the default four, spending made of two of the model's) is there.
    assert set(first.by_point.outcome) == set(first.indices.outcome) == set(DEFAULT_OUTCOMES)
    pd.testing.assert_frame_equal(second.indices, first.indices)
    pd.testing.assert_frame_equal(second.regret, first.regret)
    # The same report, but for what the runs took (the clock's, not the model's).
    assert _results((killed / "exploration.md").read_text()) == _results(
        (tmp_path / "whole" / "exploration.md").read_text()
    )
    assert RUN_COST in (killed / "exploration.md").read_text()

    # A point of the second trajectory short of a run: no indices of the whole design (Morris
    # needs every point) and no discovery, but an interim screening from the other two trajectories.
    next((killed / "runs").glob("mano_dura-x4__r000.parquet")).unlink()
    partial = analyse(killed)
    assert partial.complete == (8, 9) and partial.indices.empty and partial.cases is None
    assert set(partial.regret.points) == {8}
    assert partial.trajectories == (2, 3)
    rows = [0, 1, 2, 6, 7, 8]
    cut = dataclasses.replace(first.design, values=first.design.values[rows], n=2)
    found = targets(partial.by_point, ["baseline", "mano_dura"], [("mano_dura", "baseline")], 9)
    expected = indices(cut, {target: y[rows] for target, y in found.items()})
    pd.testing.assert_frame_equal(partial.interim, expected)
    assert partial.interim.mu_star.gt(0).any()
    write_exploration(killed)
    assert (killed / "indices_interim.csv").is_file() and (killed / "indices_interim.png").is_file()
    report = (killed / "exploration.md").read_text()
    assert "## So far: what decides each difference (2 of 3 trajectories)" in report
    assert "![indices so far](indices_interim.png)" in report
    # Finished again, the interim screening is gone: the whole one replaces it.
    subprocess.run(command, check=True, capture_output=True, text=True, timeout=600)
    assert not (killed / "indices_interim.csv").exists() and not (killed / "indices_interim.png").exists()
    assert "So far" not in (killed / "exploration.md").read_text()

    # Shipped without its runs and manifest (as a study is in git), the folder gives the same numbers.
    shipped = tmp_path / "shipped"
    left_out = shutil.ignore_patterns("runs", ".lock*", "manifest.json", "log.jsonl")
    shutil.copytree(killed, shipped, ignore=left_out)
    plan = json.loads((shipped / "exploration.json").read_text())
    assert plan["replicates"] == 1 and plan["description"]["design"]["n"] == 3
    assert sum(plan["versions"].values()) == runs  # every finished run, by the version that made it
    took = plan["run_seconds"]  # and what they took, from the log the copy leaves behind
    # The kill may fall between a run's file and its log line: that run is kept but has no time.
    timed = len(run_seconds(killed))
    assert runs - 1 <= timed <= runs and took["runs"] == timed and took["finished"] == runs
    assert 0 < took["median"] <= took["total"]
    assert run_cost(plan) in (killed / "exploration.md").read_text()
    again = analyse(shipped)
    pd.testing.assert_frame_equal(again.indices, first.indices)
    pd.testing.assert_frame_equal(again.regret, first.regret)
    np.testing.assert_array_equal(again.cases, first.cases)
    assert (again.box is None) == (first.box is None)
    if first.box is not None:
        assert again.box.limits == first.box.limits and again.box.coverage == first.box.coverage
    write_exploration(shipped)
    assert (shipped / "exploration.md").read_text() == (killed / "exploration.md").read_text()
    assert json.loads((shipped / "exploration.json").read_text()) == plan
    # A Sobol file can take its top parameters from the shipped screening.
    sobol = tmp_path / "sobol.yaml"
    sobol.write_text(
        "name: deciders\npolicies: [baseline, mano_dura]\ndesign: {method: sobol, n: 4}\n"
        "uncertainties: {top: 1, of: shipped}\n"
    )
    found = pd.read_csv(shipped / "indices.csv")
    noise = read_noise(shipped)
    assert load_exploration(sobol).design.names == tuple(deciding(found, 1, noise))
    # Its summary damaged, it says so (the runs are not there to read instead).
    (shipped / "outcomes_by_point.csv").write_text("policy,point\nmano_dura,0\n")
    with pytest.raises(ResultsError, match=r"outcomes_by_point.csv: not an exploration's summary"):
        analyse(shipped)


def test_a_stopped_morris_screening_is_read_from_its_finished_trajectories():
    design = sample("morris", ["a", "b", "idle"], [(0, 1), (0, 10), (0, 1)], n=4, seed=3)
    # Trajectories of four points: the first and third finished, the second half-way, the last not begun.
    finished, rows = design.finished_trajectories(np.array([0, 1, 2, 3, 4, 5, 8, 9, 10, 11]))
    assert finished.n == 2 and rows.tolist() == [0, 1, 2, 3, 8, 9, 10, 11]
    np.testing.assert_array_equal(finished.values, design.values[rows])
    # A linear function's elementary effects are its slopes over the ranges, whichever trajectories:
    # rows that did not line up with the values would give other numbers.
    y = 3 * design.values[:, 0] + 0.5 * design.values[:, 1]
    found = indices(finished, {("f", None, "y"): y[rows]}).set_index("parameter")
    assert found.index.tolist() == ["b", "a", "idle"]
    assert found.at["b", "mu_star"] == pytest.approx(5.0)
    assert found.at["a", "mu_star"] == pytest.approx(3.0)
    assert found.at["idle", "mu_star"] == 0.0
    none, rows = design.finished_trajectories(np.array([0, 1, 2]))
    assert none.n == 0 and len(rows) == 0
    with pytest.raises(ValueError, match="only a Morris design"):
        sample("latin_hypercube", ["a"], [(0, 1)], n=4, seed=1).finished_trajectories(np.arange(4))


def test_a_sweep_asked_for_a_sobol_design_is_pointed_to_explore():
    from barrio.experiments.sweep import load_experiment

    experiment = {
        "name": "s",
        "sample": {"method": "sobol", "n": 8, "levers": {"policing.punitive_intensity": [0, 1]}},
    }
    with pytest.raises(
        ScenarioError,
        match=r"sample.method: a sweep samples a latin_hypercube; a sobol design.*"
        r"`barrio explore`",
    ):
        load_experiment(experiment)


def test_the_deciding_parameters_are_those_that_move_any_difference_most_in_its_own_units():
    rows = [
        # homicides differ by a little: "a" decides them
        ("hard", "soft", "homicide_rate", "a", 0.5),
        ("hard", "soft", "homicide_rate", "b", 0.05),
        ("hard", "soft", "homicide_rate", "c", 0.0),
        # spending differs by thousands: "b" decides it, and "c" a little
        ("hard", "soft", "public_spending", "a", 10.0),
        ("hard", "soft", "public_spending", "b", 5000.0),
        ("hard", "soft", "public_spending", "c", 900.0),
        # a policy's level is not a difference: "d" moves it most, but decides nothing between them
        ("hard", None, "homicide_rate", "d", 99.0),
    ]
    table = pd.DataFrame(rows, columns=["policy", "against", "outcome", "parameter", "mu_star"])
    by_target = table.groupby(["policy", "against", "outcome"], dropna=False)
    table["rank"] = by_target.mu_star.rank(ascending=False)
    assert deciding(table, 2) == ["a", "b"]  # each the largest on one outcome (weight 1)
    assert deciding(table, 3) == ["a", "b", "c"]  # c: 900 / 5000 of spending's largest
    assert "d" not in deciding(table, 4)


def test_parameters_shown_to_matter_come_before_those_lost_in_the_noise():
    rows = [
        # homicides: "a" has the largest mu*, but an interval wider than it: not told from noise
        ("hard", "soft", "homicide_rate", "a", 900.0, 1000.0, 100.0),
        ("hard", "soft", "homicide_rate", "b", 50.0, 10.0, 5.0),
        # prisoners: "c" clears its noise floor by more than its interval, "d" does not
        ("hard", "soft", "prisoners", "c", 40.0, 10.0, 5.0),
        ("hard", "soft", "prisoners", "d", 60.0, 20.0, 45.0),
    ]
    columns = ["policy", "against", "outcome", "parameter", "mu_star", "mu_star_conf", "noise"]
    table = pd.DataFrame(rows, columns=columns)
    table["rank"] = table.groupby("outcome").mu_star.rank(ascending=False)
    noise = table[["policy", "against", "outcome", "parameter", "noise"]]
    found = table.drop(columns="noise")
    # By mu* alone, "a" and "d" lead their outcomes.
    assert deciding(found, 2) == ["a", "d"]
    # With the noise floors, "b" and "c" are the ones shown to matter (each the largest shown on
    # its outcome; c's larger share of its outcome's largest mu* puts it first); "a" and "d"
    # follow by weight.
    assert deciding(found, 4, noise) == ["c", "b", "a", "d"]


def test_a_sobol_file_can_take_the_top_parameters_of_a_finished_screening(tmp_path):
    screening = tmp_path / "screening"
    screening.mkdir()
    names = ["groups.lethality", "market.reach", "selling.reluctance"]
    bounds = [[0.01, 0.2], [1, 3], [5.0, 40.0]]
    design = {"method": "morris", "names": names, "bounds": bounds, "n": 2, "levels": 4}
    manifest = {"description": {"command": "explore", "design": design}, "runs": [], "scenarios": {}}
    (screening / "manifest.json").write_text(json.dumps(manifest))
    rows = [
        ("mano_dura", "baseline", "homicide_rate", n, mu)
        for n, mu in zip(names, [0.3, 0.0, 0.9], strict=True)
    ]
    table = pd.DataFrame(rows, columns=["policy", "against", "outcome", "parameter", "mu_star"])
    table.assign(rank=[2, 3, 1]).to_csv(screening / "indices.csv", index=False)
    text = """\
        name: deciders
        policies: [baseline, mano_dura]
        design: {method: sobol, n: 8}
        uncertainties: {top: 2, of: screening}
        """
    path = tmp_path / "sobol.yaml"
    path.write_text(textwrap.dedent(text))
    chosen = load_exploration(path)
    assert chosen.design.names == ("selling.reluctance", "groups.lethality")
    assert chosen.design.bounds == ((5.0, 40.0), (0.01, 0.2))  # the screening's own ranges
    # With its noise floors, reluctance's mu* (0.9) is not told from noise (1.0): lethality leads.
    table.assign(noise=[0.1, 0.0, 1.0]).drop(columns="mu_star").to_csv(screening / "noise.csv", index=False)
    table.assign(rank=[2, 3, 1], mu_star_conf=0.05).to_csv(screening / "indices.csv", index=False)
    assert load_exploration(path).design.names == ("groups.lethality", "selling.reluctance")
    # A screening of one policy has levels only, with no "against": its noise floors count alike.
    table.assign(against=None, rank=[2, 3, 1], mu_star_conf=0.05).to_csv(
        screening / "indices.csv", index=False
    )
    floors = table.assign(against=None, noise=[0.1, 0.0, 1.0]).drop(columns="mu_star")
    floors.to_csv(screening / "noise.csv", index=False)
    assert load_exploration(path).design.names == ("groups.lethality", "selling.reluctance")
    # A damaged noise table is named, not taken for no noise.
    (screening / "noise.csv").write_text("policy,outcome\nx,y\n")
    with pytest.raises(ScenarioError, match=r"noise.csv: not an exploration's noise table"):
        load_exploration(path)
    (screening / "indices.csv").write_text("\n")  # what a stopped screening's report leaves
    with pytest.raises(ScenarioError, match=r"sobol.yaml:4: uncertainties.of: .*indices.csv is empty"):
        load_exploration(path)
    (screening / "indices.csv").unlink()  # a screening still running
    with pytest.raises(ScenarioError, match=r"sobol.yaml:4: uncertainties.of: .*indices.csv is missing"):
        load_exploration(path)
    path.write_text(textwrap.dedent(text).replace("of: screening", "of: nowhere"))
    with pytest.raises(ScenarioError, match=r"uncertainties.of: .*nowhere"):
        load_exploration(path)
    # A typo in {top, of} is one problem naming what is allowed, not one per form the field takes.
    path.write_text(textwrap.dedent(text).replace("of: screening", "fo: screening"))
    with pytest.raises(ScenarioError) as caught:
        load_exploration(path)
    assert [str(p.message) for p in caught.value.problems] == [
        "of: Field required; fo: unknown name (allowed: top, of)"
    ]


def test_a_report_says_what_its_runs_took_and_keeps_it_when_the_log_is_gone(tmp_path):
    (tmp_path / "runs").mkdir()
    for key in ("a", "b"):
        (tmp_path / "runs" / f"{key}.parquet").touch()
    stamps = [("a", "10:00:00", "10:00:03"), ("b", "10:00:00", "10:00:05"), ("gone", "10:00:00", "10:09:00")]
    log = [
        {
            "key": key,
            "status": "done",
            "started": f"2026-12-05T{start}+00:00",
            "finished": f"2026-12-05T{end}+00:00",
        }
        for key, start, end in stamps
    ]
    (tmp_path / LOG_FILE).write_text("".join(json.dumps(line) + "\n" for line in log))
    plan = {
        "description": {},
        "replicates": 1,
        "runs": [{"key": "a", "version": "v"}, {"key": "b", "version": "v"}],
    }
    kept = _kept_plan(tmp_path, plan)
    # Only the finished runs count: "gone" was logged but its file is not there.
    assert kept["run_seconds"] == {"runs": 2, "finished": 2, "total": 8.0, "median": 4.0}
    assert run_cost(kept) == (
        "The 2 finished runs took 8.0 s in all (the median run 4.0 s), each timed from its start to its "
        "end: time the machine gave to other work counts."
    )
    (tmp_path / PLAN_FILE).write_text(json.dumps(kept))
    # Its log deleted, the folder keeps what its report said of it.
    (tmp_path / LOG_FILE).unlink()
    assert _kept_plan(tmp_path, plan)["run_seconds"] == kept["run_seconds"]
    # So does a copy without its runs.
    assert _kept_plan(tmp_path, {**plan, "runs": []})["run_seconds"] == kept["run_seconds"]
    # A log that has lost some runs says so.
    (tmp_path / LOG_FILE).write_text(json.dumps(log[0]) + "\n")
    assert run_cost(_kept_plan(tmp_path, plan)).startswith(
        "Of 2 finished runs, the 1 the log has times for, took 3.0 s"
    )
    # Long studies in hours, one run in the singular.
    long = {"run_seconds": {"runs": 1, "finished": 1, "total": 53_640.0, "median": 5.0}}
    assert run_cost(long).startswith("The 1 finished run took 14.9 hours in all")
    assert run_cost({"runs": []}) is None


def _kept_exploration(folder, design, values, finished=None, name="my_morris"):
    """An exploration folder as a study is kept in git: its summary, no runs, no manifest.

    ``values(policy, outcome, point)`` gives each point's mean; ``finished`` the points with runs.
    """
    from barrio.experiments.exploration import write_design

    folder.mkdir()
    write_design(folder, design)
    policies, outcomes = ["baseline", "mano_dura"], ["homicide_rate", "prisoners"]
    points = range(len(design.values)) if finished is None else finished
    rows = [
        (policy, k, outcome, values(policy, outcome, design.values[k]), 1)
        for policy in policies
        for k in points
        for outcome in outcomes
    ]
    pd.DataFrame(rows, columns=["policy", "point", "outcome", "value", "seeds"]).to_csv(
        folder / "outcomes_by_point.csv", index=False
    )
    description = {
        "command": "explore",
        "name": name,
        "experiment": "thefile.yaml",
        "baseline": "baseline",
        "policies": policies,
        "design": design.describe(),
        "outcomes": outcomes,
        "differences": [["mano_dura", "baseline"]],
        "discovery": {"policy": "mano_dura", "against": "baseline", "outcome": "homicide_rate", "above": 0.0},
    }
    (folder / PLAN_FILE).write_text(json.dumps({"description": description, "replicates": 1}))
    return folder


def _crowded(policy, outcome, x):
    """No homicide anywhere (too few residents); thousands of prisoners, more under mano dura."""
    if outcome == "homicide_rate":
        return 0.0
    return 5000.0 + 3000.0 * x[0] + (2610.0 * x[1] if policy == "mano_dura" else 0.0)


def test_an_exploration_report_says_where_an_outcome_is_the_same_everywhere(tmp_path):
    design = sample("morris", ["groups.lethality", "selling.reluctance"], [(0.1, 0.5), (0, 2)], n=4, seed=3)
    folder = _kept_exploration(tmp_path / "my_morris", design, _crowded)
    write_exploration(folder)
    report = (folder / "exploration.md").read_text()
    # Its title is the exploration's name:, not its file's.
    assert report.startswith("# Exploration: my_morris\n")
    # The difference that is 0 everywhere is said to be, not ranked as "0 ± 0".
    said = [line for line in report.splitlines() if line.startswith("- **homicide_rate: mano_dura")]
    assert said == [
        "- **homicide_rate: mano_dura - baseline**: 0 at every point: homicide_rate is 0 at every point "
        "under every policy, so no parameter moves it here and none is ranked (a rare event may need "
        "more residents or a longer run to happen at all)"
    ]
    # Each number is named, the thousands separated.
    assert "- **prisoners: mano_dura - baseline**: selling.reluctance mu* 5,220 ± 0, sigma 0; " in report
    # Discovery and regret say why everything is alike.
    assert (
        "mano_dura minus baseline on homicide_rate is 0 at every point (homicide_rate is 0 under every "
        "policy), so there is nothing to tell apart: no box is drawn."
    ) in report
    assert "- **homicide_rate**: 0 at every point under every policy: all tie." in report
    assert "| prisoners | mano_dura | 33% | 2,180 | 5,220 |" in report


def test_an_unfinished_exploration_writes_no_indices_table(tmp_path):
    design = sample("morris", ["groups.lethality", "selling.reluctance"], [(0.1, 0.5), (0, 2)], n=4, seed=3)
    folder = _kept_exploration(tmp_path / "stopped", design, _crowded, finished=[0, 1, 2])
    (folder / "indices.csv").write_text("left from before\n")
    write_exploration(folder)
    # Not a file no table reader can read: none, until every point has finished.
    assert not (folder / "indices.csv").exists()
    whole = _kept_exploration(tmp_path / "whole", design, _crowded)
    write_exploration(whole)
    assert set(pd.read_csv(whole / "indices.csv").outcome) == {"homicide_rate", "prisoners"}


def test_numbers_are_plain_and_an_interval_below_the_last_digit_says_so():
    from barrio.experiments.exploration import plus_minus, shown

    assert plus_minus(0.1, 4.8e-17) == "0.1 ± <0.001"
    assert plus_minus(261.4, 270.2) == "261 ± 270"
    assert plus_minus(2.08e-17, 2.8e-17) == "0 ± 0"
    assert plus_minus(0.928, 5.4321) == "0.928 ± 5.43"
    assert plus_minus(0.0, 0.031) == "0 ± 0.031"
    assert plus_minus(85_234, 43_543) == "85,200 ± 43,500" and plus_minus(1722, 2503) == "1,720 ± 2,500"
    assert shown(6134.2) == "6,130" and shown(85_234) == "85,200"
    assert shown(-3e-11) == "0" and shown(0.0123) == "0.0123"
    leaf = Region({"costs.soldier_week": (1120.4, None), "groups.lethality": (None, 0.04123)}, 0.2, 0.7, 0.1)
    assert describe_box(leaf) == "costs.soldier_week above 1,120 and groups.lethality below 0.0412"


def test_a_sobol_report_names_each_index_and_flags_those_a_small_sample_cannot_give():
    from barrio.experiments.exploration import Analysis, _markdown

    design = sample("sobol", ["market.reach", "selling.reluctance"], [(2, 5), (40, 100)], n=4, seed=3)
    indices = pd.DataFrame(
        {
            "policy": "mano_dura",
            "against": "baseline",
            "outcome": "prisoners",
            "rank": [1, 2],
            "parameter": ["market.reach", "selling.reluctance"],
            "S1": [0.3, 0.2],
            "S1_conf": [0.1, 0.05],
            "ST": [1.2, 0.5],
            "ST_conf": [1.5, 0.1],
        }
    )
    pairs = pd.DataFrame(
        [("mano_dura", "baseline", "prisoners", "market.reach", "selling.reluctance", 7.22, 3.1)],
        columns=["policy", "against", "outcome", "parameter", "with", "S2", "S2_conf"],
    )
    points = len(design.values)
    result = Analysis(
        design, pd.DataFrame(), indices, pd.DataFrame(), None, None, None, (points, points), pairs=pairs
    )
    plan = {"description": {"name": "my_sobol", "policies": ["baseline", "mano_dura"]}}
    report = _markdown(result, plan, {})
    assert (
        "- **prisoners: mano_dura - baseline**: market.reach ST 1.2 ± 1.5, S1 0.3 ± 0.1 (ST above 1); "
        "selling.reluctance ST 0.5 ± 0.1, S1 0.2 ± 0.05"
    ) in report
    assert "market.reach with selling.reluctance S2 7.22 ± 3.1 (above 1)" in report
    assert "too small" in report and "larger design.n" in report
    # A sample that gives every index within its bounds, and narrower than it, is not warned about.
    calm = indices.assign(ST=[0.6, 0.5], ST_conf=[0.1, 0.1])
    report = _markdown(dataclasses.replace(result, indices=calm, pairs=pd.DataFrame()), plan, {})
    assert "too small" not in report and "(ST" not in report
