"""Every library scenario's description and shock in the room's language, on the page and in the report."""

from __future__ import annotations

from barrio.experiments.brief import scenario_description
from barrio.experiments.vocabulary import LANGUAGE_CODES, SCENARIO_DESCRIPTIONS, SHOCK_NAMES, shock_name
from barrio.model.scenario import load_scenario, scenario_library


def test_every_library_scenario_has_its_files_description_in_every_language():
    assert set(SCENARIO_DESCRIPTIONS) == set(scenario_library())
    for name, texts in SCENARIO_DESCRIPTIONS.items():
        assert set(texts) == set(LANGUAGE_CODES), name
        assert all(t.strip() for t in texts.values()), name
        # The English is the file's own words: a file edited since is not said to say the translation.
        assert texts["en"] == load_scenario(name).description, name


def test_every_library_shock_has_a_name_in_every_language():
    shocks = {
        e.shock.name for n in scenario_library() for e in load_scenario(n).timeline if e.shock is not None
    }
    assert shocks and shocks <= set(SHOCK_NAMES)
    for texts in SHOCK_NAMES.values():
        assert set(texts) == set(LANGUAGE_CODES)
    assert shock_name("pandemic", "es") == "pandemia"
    assert shock_name("flood", "pt") == "flood"


def test_the_report_translates_a_library_description_and_marks_a_users_file_as_english():
    written = load_scenario("baseline").description
    assert scenario_description("baseline", written, "es") == SCENARIO_DESCRIPTIONS["baseline"]["es"]
    assert scenario_description("baseline", written, "en") == written
    # A file named like the library's but saying something else: its own words, marked.
    mine = scenario_description("baseline", "My own neighbourhood.", "es")
    assert mine == "My own neighbourhood. (descripción del archivo del escenario, en inglés)"
    assert scenario_description("my_policy", "", "pt") == ""
