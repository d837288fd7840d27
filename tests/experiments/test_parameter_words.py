"""What each scenario changes, said in words in every language of the report."""

import re

import pytest
import yaml

from barrio.experiments.brief import scenario_changes
from barrio.experiments.parameter_words import MEANINGS, PROGRAMME_FIELDS, parameter_words
from barrio.model.params import dotted, parameter_table
from barrio.model.scenario import lever_paths, load_scenario, scenario_library

#: A dotted parameter path as a brief would show it (policing.units_per_10k).
DOTTED = re.compile(r"\b[a-z_]+(\.[a-z0-9_]+)+\b")


def _compared() -> list[tuple[str, str, dict, dict]]:
    """Each library scenario with what a report may compare it with: the baseline, its parent."""
    baseline = load_scenario("baseline").resolved()
    pairs = []
    for name, path in scenario_library().items():
        resolved = load_scenario(name).resolved()
        pairs.append((name, "baseline", resolved, baseline))
        parent = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("extends")
        if parent and parent.removesuffix(".yaml") != "baseline":
            stem = parent.removesuffix(".yaml")
            pairs.append((name, stem, resolved, load_scenario(stem).resolved()))
    return pairs


@pytest.mark.parametrize("language", ["es", "pt"])
def test_every_library_scenario_says_what_it_changes_in_words_without_a_dotted_path(language):
    said = 0
    for name, against, resolved, base in _compared():
        text = "\n".join(scenario_changes(resolved, base, language))
        changed = {p for p, v in dotted(resolved["params"]).items() if dotted(base["params"]).get(p) != v}
        changed |= {p for event in resolved.get("timeline", []) for p in event.get("set", {})}
        assert not DOTTED.search(text), f"{name} against {against}: {text}"
        assert not any(path in text for path in changed), f"{name} against {against}: {text}"
        assert "[en inglés]" not in text and "[em inglês]" not in text, f"{name}: {text}"
        said += len(changed)
    assert said > 40  # the loop saw the library's changes, not nothing


def test_every_lever_and_every_parameter_a_library_scenario_sets_has_spanish_and_portuguese_words():
    paths = set(lever_paths())
    for _, _, resolved, base in _compared():
        paths |= {p for p, v in dotted(resolved["params"]).items() if dotted(base["params"]).get(p) != v}
    for path in sorted(paths):
        for language in ("es", "pt"):
            words = parameter_words(path, language)
            assert words.translated and words.meaning, (path, language)
    # Every entry names a parameter of the model, in both languages.
    known = {row["path"] for row in parameter_table()}
    assert set(MEANINGS) <= known
    fields = {p.rsplit(".", 1)[1] for p in known if p.startswith("programmes.")}
    assert set(PROGRAMME_FIELDS) <= fields
    for table in (MEANINGS, PROGRAMME_FIELDS):
        assert all(set(texts) == {"es", "pt"} for texts in table.values())


def test_a_change_is_said_with_the_parameters_meaning_its_values_and_its_unit():
    base = {"params": {"policing": {"units_per_10k": 5.0, "punitive_intensity": 0.5}, "country": "brazil"}}
    mine = {"params": {"policing": {"units_per_10k": 10.0, "punitive_intensity": 0.8}, "country": "haiti"}}
    assert scenario_changes(mine, base, "es") == [
        "Desde el inicio: Patrullas de policía en el barrio (5 → 10 patrullas por cada 10.000 habitantes)",
        "Desde el inicio: Probabilidad de que se arreste a un vendedor encontrado por la policía "
        "(0,5 → 0,8, de 0 a 1)",
        "Desde el inicio: Contexto del país (empleo, salarios y cárceles) (Brasil → Haití)",
    ]
    portuguese = scenario_changes(mine, base, "pt")
    assert (
        portuguese[0]
        == "Desde o início: Viaturas de polícia no bairro (5 → 10 viaturas por 10 mil habitantes)"
    )
    english = scenario_changes(mine, base, "en")
    assert english[0] == (
        "From the start: Patrol units working the neighbourhood "
        "(policing.units_per_10k: 5 → 10 patrol units per 10,000 residents)"
    )
    assert english[2] == (
        "From the start: Country context that sets labour, wage and prison figures (country: brazil → haiti)"
    )


def test_a_parameter_without_words_is_said_in_english_marked_with_its_path():
    # The jobs programme's wage subsidy is neither a lever nor set by a library scenario.
    base = {"params": {"programmes": {"jobs": {"subsidy": 40.0}}}}
    mine = {"params": {"programmes": {"jobs": {"subsidy": 60.0}}}}
    [line] = scenario_changes(mine, base, "es")
    assert line == (
        "Desde el inicio: Wage subsidy paid for each placement while it lasts [en inglés] "
        "(programmes.jobs.subsidy: 40 → 60 USD per placement-week)"
    )
    assert "[em inglês]" in scenario_changes(mine, base, "pt")[0]
    # A path this model does not have (a file of another version) is said as it is.
    unknown = {"params": {"policing": {"drones": 3}}}
    assert scenario_changes(unknown, {"params": {"policing": {"drones": 0}}}, "pt") == [
        "Desde o início: policing.drones: 0 → 3"
    ]
