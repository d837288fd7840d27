"""The numbers of a report, checked against a hand computation, and the report files."""

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from barrio.experiments.batch import execute, load, plan
from barrio.experiments.brief import brief_sentences
from barrio.experiments.effects import (
    against_baseline,
    change_with_interval,
    derive,
    log_ratio_interval,
    paired_d,
    per_replicate,
    rare_events,
    replicates_for,
    sentence,
    settling,
    summarise,
    too_few,
    value_with_interval,
    vargha_delaney,
)
from barrio.experiments.execution import InProcessExecutor
from barrio.experiments.report import choose_baseline, with_interval, write_report
from barrio.experiments.studies import resized
from barrio.experiments.vocabulary import outcome_name
from barrio.experiments.wording import say
from barrio.model.population import AGE_BANDS
from barrio.model.scenario import Scenario, load_scenario
from tests.experiments.test_batch import tiny

ROOT = Path(__file__).resolve().parents[2]
T2 = 4.302653  # t(0.975, 2 degrees of freedom)


def hand_table() -> pd.DataFrame:
    """Two scenarios x three replicates; one warm-up week (ignored) and two policy weeks."""
    weekly = {  # (scenario, replicate): homicide_rate in weeks -1, 0, 1
        ("baseline", 0): [99, 10, 12],
        ("baseline", 1): [99, 14, 16],
        ("baseline", 2): [99, 8, 10],
        # Not in the baseline's rank order, so that pairing by replicate is what is tested.
        ("policy", 0): [99, 8, 8],
        ("policy", 1): [99, 6, 8],
        ("policy", 2): [99, 10, 12],
    }
    rows = [
        {"scenario": s, "replicate": r, "week": w, "outcome": "homicide_rate", "value": v}
        for (s, r), values in weekly.items()
        for w, v in zip((-1, 0, 1), values, strict=True)
    ]
    return pd.DataFrame(rows)


def test_means_intervals_and_paired_differences_match_a_hand_computation():
    means = per_replicate(hand_table())
    base = means[means.scenario == "baseline"].value.to_numpy()
    assert list(base) == [11, 15, 9]  # week -1 is left out
    summary = summarise(means).set_index("scenario").loc["baseline"]
    # mean 35/3, sd = sqrt(((11-35/3)^2 + (15-35/3)^2 + (9-35/3)^2) / 2) = sqrt(28/3)
    assert summary["mean"] == pytest.approx(35 / 3)
    half = T2 * np.sqrt(28 / 3) / np.sqrt(3)
    assert summary["ci_low"] == pytest.approx(35 / 3 - half, rel=1e-5)
    assert summary["ci_high"] == pytest.approx(35 / 3 + half, rel=1e-5)

    row = against_baseline(means, "baseline").iloc[0]
    # policy means 8, 7, 11 against 11, 15, 9: differences -3, -8, +2, mean -3, sd 5,
    # half-width 4.3027 x 5 / sqrt(3) (paired by rank instead it would be -2, -3, -4, sd 1).
    half = T2 * 5 / np.sqrt(3)
    assert row["baseline"] == pytest.approx(35 / 3) and row["mean"] == pytest.approx(26 / 3)
    assert row["difference"] == pytest.approx(-3.0)
    assert row["ci_low"] == pytest.approx(-3 - half, rel=1e-5)
    assert row["ci_high"] == pytest.approx(-3 + half, rel=1e-5)
    # The relative change on the log ratio: z_i = policy_i / (26/3) - baseline_i / (35/3).
    z = np.array([8, 7, 11]) / (26 / 3) - np.array([11, 15, 9]) / (35 / 3)
    log_half = T2 * z.std(ddof=1) / np.sqrt(3)
    assert row["relative"] == pytest.approx(26 / 35 - 1)
    assert row["rel_low"] == pytest.approx(26 / 35 * math.exp(-log_half) - 1, rel=1e-5)
    assert row["rel_high"] == pytest.approx(26 / 35 * math.exp(log_half) - 1, rel=1e-5)
    # The old interval, the difference's over the baseline mean, reached -132%; this one cannot.
    assert (-3 - half) / (35 / 3) < -1 < row["rel_low"]
    # Paired d: -3 / 5 with Hedges' correction 1 - 3 / (4 x 2 - 1) = 4/7.
    assert row["paired_d"] == pytest.approx(-3 / 5 * 4 / 7)
    assert row["a12"] == pytest.approx(vargha_delaney(np.array([8, 7, 11.0]), np.array([11, 15, 9.0])))
    assert row["verdict"] == "unclear"
    assert row["sentence"] == (
        "Homicides (per 100,000 a year): no clear change from Status quo (baseline) "
        f"(estimate -26%, 95% CI -{round(-100 * row['rel_low'])}% to +{round(100 * row['rel_high'])}%)"
    )


def test_effect_sizes_by_hand():
    # differences 1, 2, 3: mean 2, sd 1, correction 1 - 3 / (4 x 2 - 1) = 4/7
    assert paired_d(np.array([1.0, 2.0, 3.0])) == pytest.approx(2 * 4 / 7)
    assert np.isnan(paired_d(np.array([1.0, 2.0])))  # too few pairs to say
    a, b = np.array([1.0, 2.0, 3.0]), np.array([2.0, 3.0, 4.0])
    # pairs where a > b: (3, 2) only; ties: (2, 2), (3, 3): (1 + 0.5 x 2) / 9
    assert vargha_delaney(a, b) == pytest.approx(2 / 9)


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.floats(0, 1e6, allow_subnormal=False), st.floats(0, 1e6, allow_subnormal=False)),
        min_size=2,
        max_size=12,
    )
)
def test_the_relative_interval_never_passes_minus_100_percent(pairs):
    base, other = (np.array(side, dtype=float) for side in zip(*pairs, strict=True))
    if base.mean() <= 0 or other.mean() <= 0:
        return
    with np.errstate(over="ignore"):
        rel, low, high = log_ratio_interval(base, other)
    assert low > -1 or math.isclose(low, -1)
    # Rounding grows with the ratio (3 / 1e-214 is 3e214), so both sides allow the same relative slack.
    slack = 1e-9 * max(1, abs(rel))
    assert low <= rel + slack and rel <= high + slack


def test_a_policy_zero_in_every_run_is_minus_100_percent_with_an_upper_end():
    means = pd.DataFrame(
        {
            "scenario": ["baseline"] * 3 + ["policy"] * 3,
            "replicate": [0, 1, 2] * 2,
            "outcome": "riots",
            "value": [2.0, 4.0, 3.0, 0.0, 0.0, 0.0],
        }
    )
    row = against_baseline(means, "baseline").iloc[0]
    assert row["relative"] == -1 and row["rel_low"] == -1 and -1 < row["rel_high"] < 0


def _planted(rng: np.random.Generator, n: int, effect: float) -> pd.DataFrame:
    """Paired replicates: a baseline varying from seed to seed, the policy ``effect`` times it, and noise."""
    base = rng.gamma(20, 5, n)
    policy = base * (1 + effect) * rng.lognormal(0, 0.08, n)
    return pd.DataFrame(
        {
            "scenario": ["baseline"] * n + ["policy"] * n,
            "replicate": [*range(n), *range(n)],
            "outcome": "sellers",
            "value": [*base, *policy],
        }
    )


def test_a_planted_effect_is_recovered_with_its_sign_and_interval():
    rng = np.random.default_rng(20)
    row = against_baseline(_planted(rng, 10, -0.30), "baseline").iloc[0]
    assert row["verdict"] == "lower" and row["rel_high"] < 0
    assert row["rel_low"] < -0.30 < row["rel_high"]
    assert "30% lower" in row["sentence"] or "lower than" in row["sentence"]
    # No effect planted: the interval includes none, and the sentence does not call it a change.
    row = against_baseline(_planted(rng, 10, 0.0), "baseline").iloc[0]
    assert row["rel_low"] < 0 < row["rel_high"] and row["verdict"] == "unclear"
    assert "no clear change" in row["sentence"]
    # Over many experiments the 95% interval holds the planted -30% about 95 times in 100.
    held = []
    for _ in range(400):
        runs = _planted(rng, 8, -0.30).value.to_numpy()
        _, low, high = log_ratio_interval(runs[:8], runs[8:])
        held.append(low <= -0.3 * 1.0032 <= high)
    # exp(sigma^2 / 2) = 1.0032: the planted noise's mean; the ratio of means estimates that.
    assert 0.90 <= np.mean(held) <= 0.99


def test_an_outcome_zero_in_every_run_of_both_is_left_out():
    means = pd.DataFrame(
        {
            "scenario": ["baseline"] * 4 + ["policy"] * 4,
            "replicate": [0, 1, 0, 1] * 2,
            "outcome": ["homicide_rate", "homicide_rate", "sellers", "sellers"] * 2,
            "value": [0.0, 0.0, 10.0, 12.0, 0.0, 0.0, 9.0, 11.0],
        }
    )
    versus = against_baseline(means, "baseline")
    assert list(versus.outcome) == ["sellers"]


def test_sentences_follow_the_intervals_in_every_language():
    assert sentence("sellers", 0.05, -0.02, 0.12) == (
        "Active sellers: no clear change from baseline (estimate +5%, 95% CI -2% to +12%)"
    )
    assert sentence("homicide_rate", -0.18, -0.25, -0.11) == (
        "Homicides (per 100,000 a year): 18% lower than baseline (95% CI -25% to -11%)"
    )
    assert "no clear change" in sentence("sellers", 0.1, 0.0, 0.2)  # reaching no change is not a rise
    assert "higher than" in sentence("sellers", 0.1, 0.01, 0.2)
    assert sentence("sellers", 0.1, 0.01, 0.2, "Situación actual", "es") == (
        "Vendedores activos: 10% más que en «Situación actual» (IC 95% +1% a +20%)"
    )
    assert "sem mudança clara" in sentence("sellers", 0.1, -0.01, 0.2, "Situação atual", "pt")
    assert "no interval" in sentence("sellers", 0.1, np.nan, np.nan)


def _versus(rows: list[tuple[str, str, float, float, float]]) -> pd.DataFrame:
    """Comparison rows (scenario, outcome, relative, low, high), verdicts from the intervals."""
    frame = pd.DataFrame(rows, columns=["scenario", "outcome", "relative", "rel_low", "rel_high"])
    frame["difference"] = frame.relative
    frame["ci_low"], frame["ci_high"] = frame.rel_low, frame.rel_high
    frame["verdict"] = np.where(frame.rel_low > 0, "higher", np.where(frame.rel_high < 0, "lower", "unclear"))
    return frame


def test_the_briefs_sentences_follow_the_intervals():
    versus = _versus(
        [
            ("mano_dura", "homicide_rate", -0.20, -0.30, -0.10),  # lower and lower is better
            ("mano_dura", "prisoners", 0.40, 0.20, 0.60),  # higher and higher is worse
            ("mano_dura", "young_recruits", -0.25, -0.60, 0.15),  # could be either
            ("mano_dura", "mean_trust", 0.05, 0.01, 0.09),  # higher trust is better
        ]
    )
    said = brief_sentences(versus, "en", replicates=5)
    assert 3 <= len(said) <= 5
    better, worse, unclear = said[0], said[1], said[2]
    assert better.startswith("With Mano dura (crackdown), better:")
    assert "Homicides (per 100,000 a year) -20% (95% CI -30% to -10%)" in better and "Trust" in better
    assert worse.startswith("With Mano dura (crackdown), worse:") and "Prisoners" in worse
    young = outcome_name("young_recruits", "en")
    assert young in unclear and "cannot tell" in unclear
    assert young not in better and young not in worse  # an interval across zero is no rise or fall
    es = brief_sentences(versus, "es", replicates=5)
    assert es[0].startswith("Con Mano dura, mejora:") and outcome_name("young_recruits", "es") in es[2]


def test_rare_events_say_how_many_replicates_or_residents_would_do():
    rows = [
        {"scenario": "baseline", "replicate": r, "week": w, "outcome": "homicides", "value": v}
        for r in range(3)
        for w, v in enumerate([1, 0, 0, 1])  # 2 homicides a run over the policy period: 6 in all
    ]
    rare = rare_events(pd.DataFrame(rows), population=4000, precision=0.2).iloc[0]
    # A Poisson count known to +/-20% needs (1.96 / 0.2)^2 = 96.04 events: 16 times the 6 seen.
    assert rare["outcome"] == "homicide_rate" and rare["events"] == pytest.approx(2)
    assert rare["needed_replicates"] == math.ceil(3 * 96.04 / 6)
    assert rare["needed_population"] == math.ceil(4000 * 96.04 / 6 / 1000) * 1000


def _steady_counts() -> pd.DataFrame:
    """Women in prison 3 against 5 and uses of force 2 against 3, the same in each of 3 paired runs."""
    rows = []
    for scenario, women, force in (("baseline", 3.0, 2.0), ("policy", 5.0, 3.0)):
        for replicate in range(3):
            for week in range(4):
                for k, (band, _, _) in enumerate(AGE_BANDS):
                    value = women if k == 0 else 0.0  # the bands add up to the women in prison
                    rows.append((scenario, replicate, week, f"prisoners_female_{band}", value))
                rows.append((scenario, replicate, week, "police_violence", force if week == 0 else 0.0))
    return pd.DataFrame(rows, columns=["scenario", "replicate", "week", "outcome", "value"])


def test_every_small_count_is_warned_of_and_the_brief_claims_no_interval_for_it():
    table = _steady_counts()
    rare = rare_events(table, population=4000).set_index(["scenario", "outcome"])
    assert set(rare.index) == {
        (s, o) for s in ("baseline", "policy") for o in ("women_prisoners", "police_violence")
    }
    women = rare.loc[("baseline", "women_prisoners")]
    assert women["kind"] == "people" and women["events"] == pytest.approx(3)
    # 9 women in all against the 96.04 a count known to +/-20% needs.
    assert women["needed_replicates"] == math.ceil(3 * 96.04 / 9)
    force = rare.loc[("policy", "police_violence")]
    assert force["kind"] == "events" and force["events"] == pytest.approx(3)

    versus = too_few(
        against_baseline(derive(per_replicate(table)), "baseline"), rare.reset_index(), "baseline"
    )
    row = versus.set_index("outcome").loc["women_prisoners"]
    # Without the mark: +67% with a 95% interval of +67% to +67%, called a sure rise.
    assert row["relative"] == pytest.approx(2 / 3) and row["rel_low"] == pytest.approx(row["rel_high"])
    assert row["too_few"] and row["verdict"] == "unclear" and "too few cases" in row["sentence"]
    for language in ("en", "es", "pt"):
        said = " ".join(brief_sentences(versus, language, replicates=3, rare=rare.reset_index()))
        assert outcome_name("women_prisoners", language) in said
        assert "+67%" not in said and "67% " not in said  # no change claimed, no interval
    said = brief_sentences(versus, "en", replicates=3, rare=rare.reset_index())
    assert any("too small for the runs to tell" in s and "Women in prison" in s for s in said)
    assert any(s.startswith("Caution: ") for s in said)


def test_replicates_for_a_precision_come_from_the_spread_so_far():
    rows = [
        {"scenario": "a", "replicate": r, "week": 0, "outcome": "prisoners_sentenced", "value": v}
        for r, v in enumerate([90.0, 100.0, 110.0])
    ] + [
        {"scenario": "a", "replicate": r, "week": 0, "outcome": "prisoners_pretrial", "value": 0.0}
        for r in range(3)
    ]
    # prisoners: mean 100, sd 10, cv 0.1; +/-5% needs (4.3027 x 0.1 / 0.05)^2 = 74.05 replicates.
    assert replicates_for(pd.DataFrame(rows), 0.05, 4000) == 75
    assert replicates_for(pd.DataFrame(rows), 0.5, 4000) == 3
    with pytest.raises(ValueError, match="between 0 and 1"):
        replicates_for(pd.DataFrame(rows), 10, 4000)


def test_settling_warns_when_the_mean_is_not_pinned_down():
    steady = pd.DataFrame(
        {"scenario": "a", "outcome": "x", "replicate": range(5), "value": [10, 10.1, 9.9, 10, 10]}
    )
    noisy = pd.DataFrame({"scenario": "a", "outcome": "y", "replicate": range(5), "value": [1, 10, 3, 30, 2]})
    table = settling(pd.concat([steady, noisy]))
    last = table.groupby("outcome").tail(1).set_index("outcome")
    assert last.loc["x", "settled"] and not last.loc["y", "settled"]
    assert list(table[table.outcome == "x"].k) == [2, 3, 4, 5]
    # The warning's +/- is the report table's own 95% interval, relative to the mean.
    row = summarise(noisy).iloc[0]
    assert last.loc["y", "half"] == pytest.approx((row.ci_high - row["mean"]) / row["mean"])


def test_the_baseline_is_the_named_one_else_baseline_else_the_first():
    assert choose_baseline(["a", "baseline"]) == "baseline"
    assert choose_baseline(["a", "b"]) == "a"
    assert choose_baseline(["a", "b"], "b") == "b"
    with pytest.raises(ValueError, match="not among"):
        choose_baseline(["a", "b"], "c")


@pytest.fixture(scope="module")
def small_batch(tmp_path_factory) -> Path:
    """The library's baseline and mano dura at 2,000 residents, half a year each way, 3 replicates."""
    out = tmp_path_factory.mktemp("batch")
    scenarios = [resized(load_scenario(name), 26, 26, 2000) for name in ("baseline", "mano_dura")]
    execute(plan(scenarios, 3), out, InProcessExecutor(), progress=False)
    return out


@pytest.fixture(scope="module")
def small_report(small_batch, tmp_path_factory) -> dict[str, Path]:
    return write_report(small_batch, to=tmp_path_factory.mktemp("report"))


@pytest.mark.slow
def test_the_report_files_carry_the_numbers_and_embed_their_figures(small_batch, small_report):
    paths = small_report
    page = paths["html"].read_text()
    text = paths["markdown"].read_text()
    figures = ("forest", "series", "costs", "burden", "replicates")
    # Self-contained: every figure embedded, none linked.
    assert page.count("data:image/png;base64,") == len(figures) and "src='report-" not in page
    assert "http://" not in page and "https://" not in page  # nothing to fetch: it opens offline
    assert text.index("## Brief") < text.index("## Detail") < text.index("## Methods")
    assert "What this model cannot tell" in text and "![forest](report-forest.png)" in text
    for name in figures:
        assert paths[name].read_bytes()[:4] == b"\x89PNG" and paths[name].stat().st_size > 10_000
    # The table carries the numbers of the runs: each scenario's mean sellers with its interval.
    summary = summarise(derive(per_replicate(load(small_batch)))).set_index(["scenario", "outcome"])
    cells = [with_interval(summary.loc[(s, "sellers")]) for s in ("baseline", "mano_dura")]
    assert f"| Active sellers | {' | '.join(cells)} |" in text


@pytest.mark.slow
def test_results_effects_are_the_reports_and_the_cost_table_claims_no_more(small_batch, small_report):
    from barrio.experiments.costs import JUDGED_AS
    from barrio.experiments.results import load_results

    report = pd.read_csv(small_report["effects.csv"])
    effects = load_results(small_batch).effects()
    # 2,000 residents for half a year: small counts, marked as the report marks them.
    assert effects.too_few.any()
    for column in ("scenario", "outcome", "too_few", "verdict", "sentence"):
        assert list(effects[column]) == list(report[column]), column
    costs = pd.read_csv(small_report["cost_effectiveness.csv"])
    judged = effects.set_index(["scenario", "outcome"])
    for row in costs.itertuples():
        key = (row.scenario, JUDGED_AS[row.averted_outcome])
        if key not in judged.index:
            assert row.status == "none"
            continue
        verdict = judged.loc[key]
        expected = (
            "too_few"
            if verdict.too_few
            else {"lower": "averts", "higher": "raises"}.get(verdict.verdict, "unclear")
        )
        assert row.status == expected, key
    # Too few cases: no interval anywhere, in the cost table either.
    text = small_report["markdown"].read_text()
    assert "too few cases to tell whether it averts any" in text or not (costs.status == "too_few").any()
    for line in text.splitlines():
        if "too few cases" in line and line.startswith("| "):
            assert "95% CI" not in line.split("too few cases")[0].rsplit("|", 1)[-1], line


@pytest.mark.slow
def test_the_spreadsheet_holds_the_numbers_of_the_report(small_batch, small_report):
    paths = small_report
    text = paths["markdown"].read_text()
    sheets = pd.read_excel(paths["xlsx"], sheet_name=None)
    assert set(sheets) == {"summary", "effects", "costs", "cost_effectiveness", "burden"}
    summary = sheets["summary"]
    pd.testing.assert_frame_equal(summary, pd.read_csv(paths["summary.csv"]), check_dtype=False)
    means_section = text.split("### Means with 95% confidence intervals")[1].split("###")[0]
    for outcome in ("sellers", "prisoners", "total_cost", "mean_trust"):
        rows = summary[summary.outcome == outcome].set_index("scenario")
        cells = [with_interval(rows.loc[s]) for s in ("baseline", "mano_dura")]
        assert f"| {outcome_name(outcome, 'en')} | {' | '.join(cells)} |" in means_section
    effects = sheets["effects"]
    changes = text.split("### Mano dura (crackdown) against Status quo (baseline)")[1].split("###")[0]
    for row in effects.itertuples():
        assert f"| {row.name} | " in changes  # every compared outcome is in the report's table
    shown = effects[effects.outcome == "total_cost"].iloc[0]
    assert f"{round(100 * shown.relative):+d}%" in changes
    # Who bears it: each group's arrests a year are the runs' weekly arrests x 52, as tabled.
    burden = sheets["burden"].set_index(["scenario", "outcome"])
    pd.testing.assert_frame_equal(sheets["burden"], pd.read_csv(paths["burden.csv"]), check_dtype=False)
    most = burden.loc["baseline"].filter(like="arrests_", axis=0)["mean"].idxmax()
    assert burden.loc[("baseline", most), "mean"] > 0
    table = load(small_batch)
    policy = table[(table.week >= 0) & (table.outcome == most)]
    by_run = policy.groupby(["scenario", "replicate"]).value.mean() * 52
    for scenario in ("baseline", "mano_dura"):
        assert burden.loc[(scenario, most), "mean"] == pytest.approx(by_run[scenario].mean())
    section = text.split("### Who bears it: arrests and prisoners by sex and age")[1].split("###")[0]
    row = burden.loc[("baseline", most)]
    cell = value_with_interval(row["mean"], row["mean_low"], row["mean_high"])
    group = outcome_name(most, "en").split(": ")[1]
    assert f"| {group} | {cell} | " in section


@pytest.mark.slow
def test_the_report_speaks_each_language(small_batch, tmp_path):
    for language, words in (("es", "## Resumen"), ("pt", "## Resumo")):
        paths = write_report(small_batch, to=tmp_path / language, language=language)
        text = paths["markdown"].read_text()
        assert words in text
        assert f"<html lang='{language}'>" in paths["html"].read_text()
    summary = pd.read_csv(tmp_path / "es" / "summary.csv").set_index(["scenario", "outcome"])
    sellers = summary.loc[("baseline", "sellers")]
    spanish = (tmp_path / "es" / "report.md").read_text()
    assert with_interval(sellers, "es") in spanish and " a " in with_interval(sellers, "es")
    assert "," in f"{sellers['mean']:.3g}".replace(".", ",")  # Spanish writes a decimal comma
    with pytest.raises(ValueError, match="not one of the report's: es, pt, en"):
        write_report(small_batch, to=tmp_path / "x", language="fr")


@pytest.mark.slow
def test_a_report_of_an_unfinished_batch_says_what_is_missing(tmp_path):
    from barrio.experiments.batch import ResultsError

    execute(plan([tiny("baseline"), tiny("crackdown")], 3), tmp_path, InProcessExecutor(), progress=False)
    runs = tmp_path / "runs"
    (runs / "crackdown__r001.parquet").unlink()
    text = write_report(tmp_path)["markdown"].read_text()
    assert "replicates: baseline 3, crackdown 2" in text
    assert "Not finished yet, so not in this report: crackdown (replicate 1)" in text
    for part in runs.glob("crackdown__*.parquet"):
        part.unlink()
    text = write_report(tmp_path)["markdown"].read_text()  # the baseline alone, no crash
    assert "crackdown (all 3)" in text and "Scenarios: baseline; 3 replicate(s) each" in text
    for part in runs.glob("baseline__*.parquet"):
        part.unlink()
    crackdown_only = [
        s for s in plan([tiny("baseline"), tiny("crackdown")], 1) if s.scenario.name == "crackdown"
    ]
    execute(crackdown_only, tmp_path, InProcessExecutor(), progress=False)
    with pytest.raises(ResultsError, match="the baseline 'baseline' has no finished runs yet"):
        write_report(tmp_path, baseline="baseline")


def test_writing_figures_leaves_the_callers_matplotlib_backend_alone():
    """A notebook's inline backend must survive importing and using the batch layer."""
    code = (
        "import matplotlib; matplotlib.use('svg'); import matplotlib.pyplot as plt\n"
        "from barrio.experiments import output, report\n"
        "import pandas as pd, tempfile, pathlib\n"
        "names = [n for panel in output.MAIN_SERIES.values() for n in panel]\n"
        "table = pd.DataFrame([(w, n, 1.0) for w in range(-2, 4) for n in names],\n"
        "                     columns=['week', 'outcome', 'value'])\n"
        "paths = output.write_run(table, pathlib.Path(tempfile.mkdtemp()), 'a run')\n"
        "print(matplotlib.get_backend(), paths['png'].read_bytes()[:4] == b'\\x89PNG', plt.get_fignums())\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert done.stdout.split() == ["svg", "True", "[]"]


#: Screenshots of the brief, one per language (not test-results/: pytest-playwright empties it).
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"


@pytest.mark.browser
@pytest.mark.slow
def test_the_brief_opens_offline_in_chromium_in_each_language(small_batch, tmp_path, page):
    """Each language's report opened from disk with every request outside the file refused."""
    outside: list[str] = []

    def only_the_file(route):
        url = route.request.url
        if url.startswith(("file://", "data:")):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    page.route("**/*", only_the_file)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for language, heading in (("es", "Resumen"), ("pt", "Resumo"), ("en", "Brief")):
        paths = write_report(small_batch, to=tmp_path / language, language=language)
        page.set_viewport_size({"width": 1100, "height": 1500})
        page.goto(paths["html"].as_uri())
        assert page.locator("h2").first.inner_text() == heading
        forest = page.locator("#figure-forest img")
        assert forest.evaluate("img => img.complete && img.naturalWidth > 0")
        page.screenshot(path=str(SCREENSHOTS / f"report-brief-{language}.png"))
        # Every figure fits the page, also on a narrow screen.
        for width in (1100, 640):
            page.set_viewport_size({"width": width, "height": 1000})
            wider = page.evaluate(
                "() => [...document.images].filter(i => i.getBoundingClientRect().right > "
                "document.documentElement.clientWidth + 1).length"
            )
            assert wider == 0
    assert outside == []


@pytest.mark.slow
def test_a_target_precision_adds_replicates_until_it_is_met_or_the_most_allowed(tmp_path):
    from barrio.experiments.studies import compare

    scenarios = [tiny("baseline"), tiny("crackdown")]
    results = compare(
        scenarios, replicates=2, target_precision=0.5, max_replicates=4, out=tmp_path, jobs=1, progress=False
    )
    done = results.finished
    assert done["baseline"] == done["crackdown"]  # still paired
    n = len(done["baseline"])
    assert 3 <= n <= 4  # at least 3 for an interval; no more than allowed
    needed = replicates_for(results.table, 0.5, 600)
    assert needed <= n or n == 4
    with pytest.raises(ValueError, match="max_replicates"):
        compare(
            scenarios,
            replicates=3,
            target_precision=0.5,
            max_replicates=2,
            out=tmp_path,
            jobs=1,
            progress=False,
        )


@pytest.mark.slow
def test_barrio_report_writes_the_language_asked_for(small_batch, capsys):
    from barrio.cli import main

    assert main(["report", str(small_batch), "--language", "pt"]) == 0
    assert f"xlsx     {small_batch / 'report.xlsx'}" in capsys.readouterr().out
    assert "## Resumo" in (small_batch / "report.md").read_text()
    with pytest.raises(SystemExit) as refused:
        main(["compare", "baseline", "--target-precision", "2"])
    assert refused.value.code == 2
    assert "must be a share between 0 and 1" in capsys.readouterr().err


def test_what_a_scenario_changes_is_said_value_by_value_in_order():
    from barrio.experiments.brief import scenario_changes

    base = {"params": {"policing": {"units_per_10k": 5.0, "arrest_possession": False}}}
    mine = {
        "params": {"policing": {"units_per_10k": 8.0, "arrest_possession": False}},
        "timeline": [
            {"week": 10, "set": {"policing.units_per_10k": 10.0, "policing.arrest_possession": True}},
            {"year": 1.0, "set": {"policing.units_per_10k": 4.0}},
        ],
    }
    lines = scenario_changes(mine, base, "es")
    units = "Patrullas de policía en el barrio"
    per_10k = "patrullas por cada 10.000 habitantes"
    assert lines == [
        f"Desde el inicio: {units} (5 → 8 {per_10k})",
        f"Desde la semana 10: {units} (8 → 10 {per_10k})",
        "Desde la semana 10: Se arresta también a quienes llevan drogas para su consumo (no → sí)",
        f"Desde la semana 52: {units} (10 → 4 {per_10k})",
    ]
    english = scenario_changes(mine, base, "en")[0]
    assert english.startswith(
        "From the start: Patrol units working the neighbourhood (policing.units_per_10k: 5 → 8"
    )
    assert scenario_changes(base, base, "pt") == ["Os mesmos valores da situação de partida."]


def test_with_many_policies_the_brief_gives_each_one_sentence():
    rows = []
    for policy in ("mano_dura", "cash_transfer", "integrated"):
        rows += [
            (policy, "homicide_rate", -0.20, -0.30, -0.10),
            (policy, "prisoners", 0.40, 0.20, 0.60),
            (policy, "young_recruits", -0.25, -0.60, 0.15),
        ]
    said = brief_sentences(_versus(rows), "en", replicates=5)
    assert len(said) == 4  # a sentence a policy, and how sure
    for sentence_, title in zip(said, ("Mano dura", "Conditional cash", "Integrated"), strict=False):
        assert sentence_.startswith(f"With {title}")
        assert "better Homicides" in sentence_ and "worse Prisoners" in sentence_
        assert sentence_.endswith("no clear change in New sellers aged 12-24 (a year).")


@pytest.mark.slow
def test_barrio_report_speaks_the_language_the_batch_was_run_in(tmp_path, capsys):
    import json

    from barrio.cli import main
    from barrio.experiments.studies import compare

    scenarios = [tiny("baseline"), tiny("crackdown")]
    compare(scenarios, replicates=2, out=tmp_path, jobs=1, progress=False, language="es")
    manifest = tmp_path / "manifest.json"
    assert json.loads(manifest.read_text())["description"]["language"] == "es"
    assert "## Resumen" in (tmp_path / "report.md").read_text()
    # Without --language, the folder's; an explicit one wins for that report, and is not kept.
    assert main(["report", str(tmp_path)]) == 0
    assert "## Resumen" in (tmp_path / "report.md").read_text()
    assert main(["report", str(tmp_path), "--language", "pt"]) == 0
    assert "## Resumo" in (tmp_path / "report.md").read_text()
    assert main(["report", str(tmp_path)]) == 0
    assert "## Resumen" in (tmp_path / "report.md").read_text()
    # Resuming without a language keeps the folder's; resuming with one makes it the folder's.
    compare(scenarios, replicates=2, out=tmp_path, jobs=1, progress=False)
    assert "## Resumen" in (tmp_path / "report.md").read_text()
    compare(scenarios, replicates=2, out=tmp_path, jobs=1, progress=False, language="pt")
    assert json.loads(manifest.read_text())["description"]["language"] == "pt"
    # A folder written before the manifest recorded its language is reported in English.
    old = json.loads(manifest.read_text())
    del old["description"]["language"]
    manifest.write_text(json.dumps(old))
    assert main(["report", str(tmp_path)]) == 0
    assert "## Brief" in (tmp_path / "report.md").read_text()
    capsys.readouterr()


def _pairs(outcome: str, base: list[float], policy: list[float]) -> pd.DataFrame:
    """Per-replicate means of one outcome, paired by replicate."""
    return pd.DataFrame(
        {
            "scenario": ["baseline"] * len(base) + ["policy"] * len(policy),
            "replicate": [*range(len(base)), *range(len(policy))],
            "outcome": outcome,
            "value": [*base, *policy],
        }
    )


def test_an_interval_that_excludes_no_change_never_shows_an_end_as_0_percent():
    # Trust falls by about 1% in each run: a sure fall whose interval's upper end is -0.3%.
    rel, low, high = -0.0113, -0.0193, -0.0033
    said = sentence("mean_trust", rel, low, high)
    assert said == "Trust in the state (0 to 1): 1.1% lower than baseline (95% CI -1.9% to -0.3%)"
    assert "1,1% menos" in sentence("mean_trust", rel, low, high, "Situación actual", "es")
    # Across zero, the end near it shows its sign too: it is no change, and reads as one.
    assert sentence("mean_trust", -0.008, -0.0203, 0.0044) == (
        "Trust in the state (0 to 1): no clear change from baseline (estimate -0.8%, 95% CI -2% to +0.4%)"
    )
    versus = _versus([("mano_dura", "mean_trust", rel, low, high)]).assign(n=3, too_few=False)
    row = next(versus.itertuples())
    assert change_with_interval(row, "en") == "-1.1% (95% CI -1.9% to -0.3%)"
    said = " ".join(brief_sentences(versus, "en", replicates=3))
    assert "worse: Trust in the state (0 to 1) -1.1% (95% CI -1.9% to -0.3%)" in said
    # Whole percentages where they show the sign, as before.
    assert (
        sentence("sellers", 0.1, 0.01, 0.2) == "Active sellers: 10% higher than baseline (95% CI +1% to +20%)"
    )


def test_a_single_pair_of_runs_is_said_to_have_no_interval():
    means = pd.concat([_pairs("mean_trust", [0.4], [0.38]), _pairs("prison_occupancy_pct", [120.0], [130.0])])
    versus = against_baseline(means, "baseline")
    assert (versus.n == 1).all() and (versus.verdict == "unclear").all()
    changes = [change_with_interval(r, "en") for r in versus.itertuples()]
    assert changes == ["-5% (one pair of runs: no interval)", "+8% (one pair of runs: no interval)"]
    said = brief_sentences(versus, "en", replicates=1)
    text = " ".join(said)
    assert "intervals include no change" not in text and "1 pairs" not in text and " - to -" not in text
    assert any("a single pair of runs gives no interval" in s and "Trust in the state" in s for s in said)
    assert said[-1].startswith("Each figure comes from a single pair of runs")
    for language in ("es", "pt"):
        assert "1 pares" not in " ".join(brief_sentences(versus, language, replicates=1))


def test_a_count_of_none_in_a_scenario_is_not_given_a_number_of_replicates():
    from barrio.experiments.brief import rare_warning

    rows = []
    for scenario, women in (("baseline", 0.0), ("policy", 2.0)):
        for replicate in range(3):
            for band, _, _ in AGE_BANDS:
                rows.append(
                    (scenario, replicate, 0, f"prisoners_female_{band}", women if band == "18_24" else 0)
                )
    rare = rare_events(
        pd.DataFrame(rows, columns=["scenario", "replicate", "week", "outcome", "value"]), 2000
    )
    none = rare[rare.scenario == "baseline"].iloc[0]
    assert none["events"] == 0
    for language in ("en", "es", "pt"):
        said = rare_warning(none, language)
        assert "385" not in said and "±20%" in said
    assert rare_warning(none, "en") == (
        "Caution: Women in prison: none in the runs of “Status quo (baseline)”; a count of none has "
        "no relative precision, so no number of replicates gives it to ±20%: its changes are too few "
        "cases to tell."
    )
    assert "muy pocos casos" in rare_warning(rare[rare.scenario == "policy"].iloc[0], "es")


def test_a_timeline_change_after_the_last_week_is_said_not_to_have_happened():
    from barrio.experiments.brief import scenario_changes

    base = {"params": {"timing": {"horizon_weeks": 52}, "policing": {"punitive_intensity": 0.5}}}
    late = {**base, "timeline": [{"year": 3, "set": {"policing.punitive_intensity": 0.9}}]}
    lines = scenario_changes(late, base, "en")
    assert lines[0].startswith("From week 156: Chance an encountered seller is arrested")
    assert lines[0].endswith("(after the 52 weeks simulated: it did not happen in these runs)")
    assert lines[1] == (
        "None of this scenario's changes happened in the weeks simulated: its differences from the "
        "baseline are no policy's effect."
    )
    assert "no ocurrió" in scenario_changes(late, base, "es")[0]
    # Within the runs: said as it happens, with nothing added.
    early = {**base, "timeline": [{"week": 51, "set": {"policing.punitive_intensity": 0.9}}]}
    [line] = scenario_changes(early, base, "en")
    assert line.startswith("From week 51: ") and "did not happen" not in line


def test_the_chart_draws_no_interval_for_too_few_cases_and_shows_every_interval_whole():
    from barrio.experiments.figures import forest_figure

    versus = _versus(
        [
            ("mano_dura", "prisoners", 0.49, 0.10, 13.7),  # too few: its interval is not drawn
            ("mano_dura", "young_recruits", 1.61, 0.53, 3.45),  # too few
            ("mano_dura", "total_cost", 2.13, 0.81, 4.38),
        ]
    ).assign(too_few=[True, True, False])
    ax = forest_figure(versus, "baseline", "en").axes[0]
    # Intervals are the lines of two points that are not the line of no change.
    spans = [x for x in (line.get_xdata() for line in ax.lines) if len(x) == 2 and x[0] != x[1]]
    assert [tuple(np.round(s, 2)) for s in spans] == [(1.81, 5.38)]  # total cost's alone

    # Every end and point at least 5% of the axis's width inside the frame, with room for its
    # marker: the reviewer's prisoners (+49%, -85% to +1,373%) was drawn to within 3% of it.
    def inside(ax, drawn):
        left, right = np.log(ax.get_xlim())
        return all(0.05 < (np.log(x) - left) / (right - left) < 0.95 for x in drawn)

    assert inside(ax, [1.49, 2.61, 3.13, 1.81, 5.38])
    wide = _versus(
        [("mano_cash", "prisoners", 0.493, -0.849, 13.7), ("mano_cash", "mean_trust", -0.01, -0.02, 0)]
    )
    assert inside(forest_figure(wide, "baseline", "en").axes[0], [0.151, 14.7, 0.98])
    caption = " ".join(say("forest_caption", lang, baseline="b") for lang in ("en", "es", "pt"))
    assert "a point with no interval: too few cases" in caption
    assert "un punto sin intervalo" in caption and "um ponto sem intervalo" in caption


@pytest.mark.slow
def test_a_report_of_one_pair_of_runs_and_a_change_after_them_says_so(tmp_path):
    from barrio.model.scenario import Event

    base = tiny("baseline")  # 8 weeks of policy
    late = Scenario("late", base.params, (Event(week=20, set={"policing.punitive_intensity": 0.9}),))
    execute(plan([base, late], 1), tmp_path, InProcessExecutor(), progress=False)
    text = write_report(tmp_path)["markdown"].read_text()
    assert "Each scenario was run once with" in text
    assert "(after the 8 weeks simulated: it did not happen in these runs)" in text
    assert "None of this scenario's changes happened in the weeks simulated" in text
    # One pair of runs: no interval to show, and none said to include no change.
    assert (
        "(one pair of runs: no interval)" in text and "Each figure comes from a single pair of runs" in text
    )
    for wrong in (" - to -", "1 pairs", "run 1 times", "intervals include no change"):
        assert wrong not in text, wrong
