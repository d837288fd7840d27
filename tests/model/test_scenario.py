"""Scenario files: loading, extends, timelines, and the errors a policy analyst sees."""

import numpy as np
import pytest

from barrio.model import ParameterError, Params, ScenarioError, load_scenario, make_model, run
from barrio.model.scenario import Event, Scenario, Shock, scenario_library

BASELINE = scenario_library()["baseline"]


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path):
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    return err.value.problems


def test_a_policy_scenario_can_be_five_lines(tmp_path):
    path = write(
        tmp_path,
        "crackdown.yaml",
        f"extends: {BASELINE}\ntimeline:\n  - year: 2\n    set: {{policing.punitive_intensity: 0.9}}\n",
    )
    s = load_scenario(path)
    assert s.name == "crackdown" and s.params == load_scenario(BASELINE).params
    assert [(e.at, e.set) for e in s.timeline] == [(104, {"policing.punitive_intensity": 0.9})]


@pytest.mark.parametrize("parent", ["baseline", "baseline.yaml"])
def test_a_file_anywhere_can_extend_a_library_scenario_by_name(tmp_path, parent):
    path = write(tmp_path, "mine.yaml", f"extends: {parent}\npolicing: {{encounter: 0.1}}\n")
    assert load_scenario(path).params == load_scenario("baseline").params.replace(policing__encounter=0.1)
    # A file of that exact name next to it wins over the library.
    write(tmp_path, "baseline.yaml", "country: peru\n")
    assert load_scenario(path).params.country == ("peru" if parent == "baseline.yaml" else "brazil")


def test_extends_merges_sections_and_the_child_wins(tmp_path):
    write(tmp_path, "parent.yaml", "country: peru\npolicing: {units_per_10k: 8, encounter: 0.4}\n")
    child = write(tmp_path, "child.yaml", "extends: parent.yaml\npolicing: {encounter: 0.1}\n")
    p = load_scenario(child).params
    assert p.country == "peru" and p.policing.units_per_10k == 8 and p.policing.encounter == 0.1


def test_an_extension_with_its_own_timeline_keeps_the_parents(tmp_path):
    # An extension of mano_dura once lost its possession arrests to its own timeline.
    child = write(
        tmp_path,
        "tougher.yaml",
        "extends: mano_dura\ntimeline:\n  - year: 2\n    set: {justice.sentence_weeks: 520}\n",
    )
    s = load_scenario(child)
    mano_dura = load_scenario("mano_dura")
    assert s.timeline == (*mano_dura.timeline, Event(year=2, set={"justice.sentence_weeks": 520}))
    assert s.params_at(0).policing.arrest_possession is True
    assert s.params_at(0) == mano_dura.params_at(0)
    assert s.params_at(104).justice.sentence_weeks == 520
    assert s.params_at(104).policing.arrest_possession is True


def test_timelines_of_three_generations_add_up_in_order(tmp_path):
    write(tmp_path, "a.yaml", "timeline:\n  - week: 5\n    set: {policing.units_per_10k: 6}\n")
    write(
        tmp_path, "b.yaml", "extends: a.yaml\ntimeline:\n  - week: 1\n    set: {policing.units_per_10k: 7}\n"
    )
    c = write(
        tmp_path, "c.yaml", "extends: b.yaml\ntimeline:\n  - week: 5\n    set: {policing.units_per_10k: 8}\n"
    )
    s = load_scenario(c)
    assert [(e.at, e.set["policing.units_per_10k"]) for e in s.timeline] == [(1, 7), (5, 6), (5, 8)]
    assert s.params_at(5).policing.units_per_10k == 8


def test_where_both_files_set_a_lever_at_the_same_week_the_child_wins(tmp_path):
    child = write(
        tmp_path,
        "softer.yaml",
        "extends: mano_dura\ntimeline:\n  - week: 0\n    set: {policing.punitive_intensity: 0.6}\n",
    )
    s = load_scenario(child)
    assert s.params_at(0).policing.punitive_intensity == 0.6
    # The parent's other changes of that week still apply.
    assert s.params_at(0).policing.units_per_10k == 10 and s.params_at(0).policing.arrest_possession
    # And so it is in a run: the model applies the week's entries in the same order.
    model = make_model(Scenario("t", small(), s.timeline), seed=1)
    for _ in range(small().timing.warmup_weeks):
        model.step()
    model.apply_timeline()  # week 0's changes
    assert model.params.policing.punitive_intensity == 0.6 and model.params.policing.arrest_possession


def test_an_extensions_resolved_timeline_and_hash_are_the_same_every_time(tmp_path):
    text = "extends: mano_dura\ntimeline:\n  - year: 0\n    set: {policing.punitive_intensity: 0.6}\n"
    first = load_scenario(write(tmp_path, "one.yaml", text))
    again = load_scenario(write(tmp_path, "one.yaml", text))
    assert first.resolved() == again.resolved() and first.hash == again.hash
    timeline = first.resolved()["timeline"]
    assert [e["set"].get("policing.punitive_intensity") for e in timeline] == [0.8, 0.6]
    # The child's value is part of what is hashed: another value, another hash.
    other = load_scenario(write(tmp_path, "two.yaml", text.replace("0.6", "0.7")))
    assert other.hash != first.hash


def test_problems_in_a_parent_and_a_child_timeline_each_name_their_own_file_and_line(tmp_path):
    parent = write(
        tmp_path,
        "parent.yaml",
        "# a parent\ntimeline:\n  - week: 1\n    set: {policing.units_per_10k: 6}\n"
        "  - week: 2\n    set: {policing.punitve_intensity: 0.9}\n",
    )
    child = write(
        tmp_path,
        "child.yaml",
        "extends: parent.yaml\ntimeline:\n  - week: 3\n    set: {justice.sentence_weeks: -5}\n",
    )
    problems = problems_of(child)
    where = {(p.file, p.line, p.path) for p in problems}
    assert where == {
        (str(parent), 6, "timeline.1.set.policing.punitve_intensity"),
        (str(child), 4, "timeline.0.set.justice.sentence_weeks"),
    }
    text = str(ScenarioError(problems))
    assert "parent.yaml:6: timeline.1.set.policing.punitve_intensity: not a lever" in text
    assert "child.yaml:4: timeline.0.set.justice.sentence_weeks: Input should be greater than" in text


def test_a_broken_parent_timeline_is_reported_from_the_parent(tmp_path):
    parent = write(tmp_path, "parent.yaml", "country: peru\ntimeline: 0\n")
    child = write(
        tmp_path,
        "child.yaml",
        "extends: parent.yaml\ntimeline:\n  - week: 1\n    set: {policing.units_per_10k: 6}\n",
    )
    (problem,) = problems_of(child)
    assert (problem.file, problem.line, problem.path) == (str(parent), 2, "timeline")
    assert "must be a list of events" in problem.message


def test_an_empty_timeline_in_the_child_keeps_the_parents(tmp_path):
    child = write(tmp_path, "child.yaml", "extends: mano_dura\ntimeline:\n")
    assert load_scenario(child).timeline == load_scenario("mano_dura").timeline


def test_resolved_values_and_hash_follow_the_inputs(tmp_path):
    a = load_scenario(write(tmp_path, "a.yaml", "country: chile\n"))
    b = load_scenario(
        write(tmp_path, "b.yaml", "country: chile\npolicing: {encounter: 0.25}\n")
    )  # the default
    c = load_scenario(write(tmp_path, "c.yaml", "country: chile\npolicing: {encounter: 0.3}\n"))
    assert a.resolved()["params"] == b.resolved()["params"]
    assert a.resolved()["params"]["policing"]["encounter"] == 0.25
    assert b.hash != c.hash


@pytest.mark.parametrize(
    ("text", "line", "path", "words"),
    [
        (
            "policing:\n  punitve_intensity: 0.9\n",
            2,
            "policing.punitve_intensity",
            "did you mean 'punitive_intensity'",
        ),
        ("policing:\n  units_per_10k: lots\n", 2, "policing.units_per_10k", "valid number"),
        ("justice:\n  conviction: 1.4\n", 2, "justice.conviction", "less than or equal to 1"),
        ("country: atlantis\n", 1, "country", "allowed: bogota, bolivia, brazil"),
        ("polcing: {}\n", 1, "polcing", "did you mean 'policing'"),
        (
            "timeline:\n  - week: 600\n    set: {policing.punitive_intensity: 0.9}\n",
            2,
            "timeline.0.week",
            "beyond the scenario's horizon: allowed 0 to 519; to run longer, set timing.horizon_weeks",
        ),
        (
            "timeline:\n  - week: 1\n    set: {policing.punitve_intensity: 0.9}\n",
            3,
            "timeline.0.set.policing.punitve_intensity",
            "did you mean 'policing.punitive_intensity'",
        ),
        (
            "timeline:\n  - week: 1\n    set: {neighbourhood.width: 9}\n",
            3,
            "timeline.0.set.neighbourhood.width",
            "not a lever",
        ),
        (
            "timeline:\n  - week: 1\n    set: {policing.punitive_intensity: 3}\n",
            3,
            "timeline.0.set.policing.punitive_intensity",
            "less than or equal to 1",
        ),
        (
            "timeline:\n  - week: 1\n    year: 2\n    set: {policing.punitive_intensity: 0.9}\n",
            2,
            "timeline.0",
            "exactly one of 'week' or 'year'",
        ),
        (
            "timeline:\n  - week: 1\n    shock: {weeks: 0}\n",
            3,
            "timeline.0.shock.weeks",
            "greater than or equal to 1",
        ),
        ("country: peru\ncountry: chile\n", 2, "country", "given twice"),
        (
            "base: baseline\nvary: {}\n",
            1,
            "base",
            "this looks like an experiment file: run it with `barrio sweep`",
        ),
        (
            "programmes:\n  jobs: {min_age: 40, max_age: 20}\n",
            2,
            "programmes.jobs",
            "min_age must be at most max_age",
        ),
        (
            "timeline:\n  - week: 1\n    shock: {weeks: 4, demnd: 1.2}\n",
            3,
            "timeline.0.shock.demnd",
            "did you mean 'demand'? allowed here: name, weeks, economy, demand",
        ),
    ],
)
def test_each_mistake_names_the_file_line_field_and_what_is_allowed(tmp_path, text, line, path, words):
    f = write(tmp_path, "s.yaml", text)
    problems = problems_of(f)
    match = [p for p in problems if p.path == path]
    assert match, problems
    assert match[0].line == line and match[0].file == str(f)
    assert words in match[0].message
    assert f"s.yaml:{line}: {path}:" in str(ScenarioError(problems))


@pytest.mark.parametrize(
    ("text", "path", "message"),
    [
        (
            "punitve_intensity: 0.5\n",
            "punitve_intensity",
            "unknown name; did you mean 'policing.punitive_intensity'? It belongs under `policing:` "
            "(`policing: {punitive_intensity: 0.5}`), or as `policing.punitive_intensity: 0.5` in a "
            "timeline entry's set",
        ),
        (
            "punitive_intensity: 0.5\n",
            "punitive_intensity",
            "not a top-level name: punitive_intensity belongs under `policing:` "
            "(`policing: {punitive_intensity: 0.5}`), or as `policing.punitive_intensity: 0.5` in a "
            "timeline entry's set",
        ),
        (
            "arrest_possession: true\n",
            "arrest_possession",
            "not a top-level name: arrest_possession belongs under `policing:` "
            "(`policing: {arrest_possession: true}`), or as `policing.arrest_possession: true` in a "
            "timeline entry's set",
        ),
        # Not a lever: it has no place in a timeline.
        (
            "width: 30\n",
            "width",
            "not a top-level name: width belongs under `neighbourhood:` (`neighbourhood: {width: 30}`)",
        ),
        (
            "amount: 20\n",
            "amount",
            "not a top-level name: amount belongs under one of the sections programmes.cash, "
            "programmes.women, e.g. `programmes: {cash: {amount: 20}}`",
        ),
        (
            "policing: {sentence_weeks: 260}\n",
            "policing.sentence_weeks",
            "not a name in policing: sentence_weeks belongs under `justice:` "
            "(`justice: {sentence_weeks: 260}`), or as `justice.sentence_weeks: 260` in a timeline "
            "entry's set",
        ),
        # A misspelt section is still a misspelt section.
        (
            "polcing: {encounter: 0.1}\n",
            "polcing",
            "unknown name; did you mean 'policing'? allowed here: country",
        ),
    ],
)
def test_a_parameter_in_the_wrong_place_is_shown_where_it_belongs(tmp_path, text, path, message):
    (problem,) = problems_of(write(tmp_path, "s.yaml", text))
    assert (problem.line, problem.path) == (1, path)
    assert problem.message.startswith(message), problem.message


def test_every_problem_in_a_file_is_reported_at_once(tmp_path):
    f = write(
        tmp_path,
        "many.yaml",
        "country: x\npolicing: {punitive_intensity: 7, encounter: -1}\n"
        "timeline:\n  - year: 50\n    set: {policing.units_per_10k: 5}\n",
    )
    paths = sorted(p.path for p in problems_of(f))
    assert paths == ["country", "policing.encounter", "policing.punitive_intensity", "timeline.0.year"]


def test_a_bad_time_does_not_hide_bad_levers_in_the_same_entry(tmp_path):
    text = 'timeline:\n  - year: "two"\n    set: {policing.punitive_intensity: high, policing.unitz: 3}\n'
    paths = {p.path for p in problems_of(write(tmp_path, "s.yaml", text))}
    assert paths == {
        "timeline.0.year",
        "timeline.0.set.policing.punitive_intensity",
        "timeline.0.set.policing.unitz",
    }


@pytest.mark.parametrize(
    ("files", "words"),
    [
        ({"s.yaml": "a: [1, 2\n"}, "not valid YAML"),
        ({"s.yaml": ""}, "the file is empty"),
        ({"s.yaml": "# only a comment\n"}, "the file is empty"),
        ({"s.yaml": "- 1\n- 2\n"}, "not a list"),
        ({"s.yaml": "country: !!python/object/apply:os.system ['echo hacked']\n"}, "could run code"),
        ({"s.yaml": "extends: nowhere.yaml\n"}, "no such file"),
        ({"s.yaml": "extends: t.yaml\n", "t.yaml": "extends: s.yaml\n"}, "circular 'extends'"),
        ({"s.yaml": "a: &a [*a]\n"}, "aliases (*name) are not allowed"),
        ({"s.yaml": "a: &a [1, 2]\nb: [*a, *a, *a]\n"}, "aliases (*name) are not allowed"),
        ({"s.yaml": "x: " + "[" * 3000 + "]" * 3000 + "\n"}, "nested too deeply"),
        ({"s.yaml": "? [a, b]\n: 1\n"}, "not a plain value"),
        ({"s.yaml": "timeline: 0\n"}, "must be a list of events"),
        (
            {"s.yaml": "timeline:\n  - year: .inf\n    set: {policing.punitive_intensity: 0.9}\n"},
            "finite number",
        ),
        (
            {"s.yaml": "timeline:\n  - week: true\n    set: {policing.punitive_intensity: 0.9}\n"},
            "valid integer",
        ),
        ({"s.yaml": "groups: {upkeep: .inf}\n"}, "finite number"),
    ],
)
def test_broken_files_are_refused_with_a_reason(tmp_path, files, words):
    for name, text in files.items():
        write(tmp_path, name, text)
    problems = problems_of(tmp_path / "s.yaml")
    assert any(words in p.message for p in problems), problems


def test_code_in_yaml_is_never_run(tmp_path):
    marker = tmp_path / "ran"
    f = write(tmp_path, "s.yaml", f"country: !!python/object/apply:os.system ['touch {marker}']\n")
    problems_of(f)
    assert not marker.exists()


def test_unknown_library_name_suggests_the_nearest():
    with pytest.raises(ScenarioError, match="did you mean 'mano_dura'"):
        load_scenario("mano_dur")


def test_every_library_scenario_is_valid_and_runs_briefly():
    library = scenario_library()
    assert {
        "baseline",
        "mano_dura",
        "covid_shock",
        "state_presence",
        "militarised",
        "kingpin",
        "hot_spots",
        "focused_deterrence",
        "follow_the_money",
        "cash_transfer",
        "jobs_for_youth",
        "penal_alternatives",
        "women_first",
        "integrated",
    } <= set(library)
    assert {
        f"country_{c}"
        for c in ("brazil", "colombia", "mexico", "ecuador", "bolivia", "peru", "chile", "uruguay", "haiti")
    } <= set(library)
    for name, path in library.items():
        s = load_scenario(path)
        assert s.description, name
        assert path.read_text(encoding="utf-8").startswith("# "), f"{name} needs a header comment"
        short = s.params.replace(
            neighbourhood__population=600,
            neighbourhood__width=8,
            neighbourhood__height=8,
            timing__warmup_weeks=2,
            timing__horizon_weeks=3,
        )
        events = tuple(e for e in s.timeline if e.at < 3)
        table = run(Scenario(name, short, events), seed=1)
        assert table.week.max() == 2 and (table.scenario == name).all()


# -- timelines in the model ------------------------------------------------------------------


def small(**changes) -> Params:
    base = Params.build(
        {
            "neighbourhood": {"width": 10, "height": 10, "population": 1000},
            "timing": {"warmup_weeks": 2, "horizon_weeks": 20},
        }
    )
    return base.replace(**changes) if changes else base


def test_a_lever_changes_at_its_week_and_not_before():
    event = Event(week=3, set={"policing.punitive_intensity": 0.9, "policing.units_per_10k": 50})
    m = make_model(Scenario("t", small(), (event,)), seed=1)
    seen = []
    for _ in range(7):
        m.step()
        seen.append((m.week - 1, m.params.policing.punitive_intensity, len(m.patrols)))
    before = [s for s in seen if s[0] < 3]
    after = [s for s in seen if s[0] >= 3]
    assert before and all(i == 0.5 and n == 0 for _, i, n in before)  # 5 per 10k of 1,000 rounds to 0
    assert after and all(i == 0.9 and n == 5 for _, i, n in after)


def test_fewer_patrols_withdraws_units():
    m = make_model(
        Scenario(
            "t", small(policing__units_per_10k=50), (Event(week=0, set={"policing.units_per_10k": 10}),)
        ),
        1,
    )
    assert len(m.patrols) == 5
    for _ in range(3):
        m.step()
    assert len(m.patrols) == 1


def test_state_presence_lever_shifts_the_layer():
    m = make_model(Scenario("t", small(), (Event(week=0, set={"neighbourhood.state_presence": 0.7}),)), 1)
    before = m.grid.state_presence.data.copy()
    for _ in range(3):
        m.step()
    after = m.grid.state_presence.data
    inside = (before > 0.05) & (before < 0.65)
    assert np.allclose(after[inside], before[inside] + 0.3)
    assert after.max() <= 1.0


def test_a_shock_raises_demand_and_lowers_the_economy_for_its_weeks_then_ends():
    shock = Shock(weeks=4, economy=0.5, demand=1.5)
    m = make_model(Scenario("t", small(economy__volatility=0.0), (Event(week=2, shock=shock),)), 1)
    base = m.grid.demand.data.sum()
    record = {}
    for _ in range(12):
        m.step()
        record[m.week - 1] = (m.grid.demand.data.sum() / base, m.cycle.index)
    for week, (demand, economy) in record.items():
        inside = 2 <= week < 6
        assert np.isclose(demand, 1.5 if inside else 1.0), week
        assert np.isclose(economy, 0.5 if inside else 1.0), week


def test_an_income_shock_raises_unemployment():
    shock = Shock(weeks=30, economy=0.7)
    base = small(timing__warmup_weeks=10, timing__horizon_weeks=40, economy__volatility=0.0)
    calm = run(base, seed=4)
    hit = run(Scenario("t", base, (Event(week=0, shock=shock),)), seed=4)

    def unemployment(table):
        rows = table[(table.outcome == "unemployment_rate") & table.week.between(10, 29)]
        return rows.value.mean()

    assert unemployment(hit) > unemployment(calm) + 0.03


def test_at_population_keeps_density_groups_per_resident_and_spending_per_resident():
    cash = load_scenario("cash_transfer")
    small = cash.at_population(4_000)
    nb, old = small.params.neighbourhood, cash.params.neighbourhood
    assert nb.population == 4_000
    density = nb.population / (nb.width * nb.height)
    assert density == pytest.approx(old.population / (old.width * old.height), rel=0.1)
    assert nb.width / nb.height == pytest.approx(old.width / old.height, rel=0.1)
    assert small.params.groups.count == max(1, round(cash.params.groups.count / 10))
    (before,), (after,) = cash.timeline, small.timeline
    assert after.set["programmes.cash.budget_week"] == pytest.approx(
        before.set["programmes.cash.budget_week"] / 10
    )
    # Levers that are not amounts for the whole neighbourhood are left alone.
    assert {k: v for k, v in after.set.items() if "budget" not in k} == {
        k: v for k, v in before.set.items() if "budget" not in k
    }


def test_a_small_neighbourhood_at_the_default_density_has_a_drug_market():
    scenario = load_scenario("baseline").at_population(4_000)
    table = run(scenario.params.replace(timing__warmup_weeks=26, timing__horizon_weeks=26), 1)
    sellers = table[(table.outcome == "sellers") & (table.week >= 0)].value
    assert (sellers > 0).all()


def test_a_value_given_to_a_scenario_takes_the_place_of_its_own_wherever_it_is_set():
    crackdown = load_scenario("mano_dura")
    changed = crackdown.with_values({"policing.punitive_intensity": 0.5, "justice.conviction": 0.9})
    # The timeline raises punitive intensity at year 0: it now raises it to 0.5, and the
    # warm-up keeps the scenario's own starting value.
    assert changed.params.policing.punitive_intensity == crackdown.params.policing.punitive_intensity
    assert changed.params_at(0).policing.punitive_intensity == 0.5
    # Conviction is not in the timeline: the new value holds from the first week.
    assert changed.params.justice.conviction == 0.9 and changed.params_at(0).justice.conviction == 0.9
    assert changed.params_at(0).justice.sentence_weeks == crackdown.params_at(0).justice.sentence_weeks
    with pytest.raises(ValueError, match=r"justice\.conviction"):
        crackdown.with_values({"justice.conviction": 2.0})


def test_a_refused_value_is_said_even_where_the_rule_holds_the_same_number(tmp_path):
    # "greater than 0" holds a 0: the value given must still be said.
    problems = problems_of(write(tmp_path, "s.yaml", "justice:\n  sentence_weeks: 0\n"))
    assert [p.message for p in problems] == ["Input should be greater than 0 (got 0)"]
    with pytest.raises(ParameterError, match=r"greater than 0 \(got 0\)"):
        Params.build({"justice": {"sentence_weeks": 0}})


def test_a_problem_in_a_file_extended_says_which_file_extends_it(tmp_path):
    write(tmp_path, "typo.yaml", "policing:\n  punitve_intensity: 0.5\n")
    child = write(tmp_path, "mine.yaml", "extends: typo.yaml\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(child)
    assert (
        str(err.value).splitlines()[0] == f"1 problem(s) in {tmp_path / 'typo.yaml'} (which {child} extends)"
    )
    with pytest.raises(ScenarioError) as err:
        load_scenario(tmp_path / "typo.yaml")
    assert "extends" not in str(err.value).splitlines()[0]
