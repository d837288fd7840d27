import pytest

from barrio.model import ParameterError, Params
from barrio.model.errors import BarrioError
from barrio.model.params import parameter_table
from barrio.model.reference import allowed_range


def test_defaults_are_valid_and_named_country_exists():
    p = Params()
    assert p.country == "brazil"
    assert p.neighbourhood.width == 60 and p.neighbourhood.population == 40_000


def test_negative_size_is_refused_with_the_parameter_and_the_bound():
    with pytest.raises(ParameterError) as err:
        Params.build({"neighbourhood": {"width": -4}}, source="my.yaml")
    message = str(err.value)
    assert "my.yaml" in message
    assert "neighbourhood.width" in message
    assert "greater than or equal to 3" in message
    assert "-4" in message


def test_probability_outside_unit_interval_is_refused():
    with pytest.raises(ParameterError, match=r"policing\.punitive_intensity: .*less than or equal to 1"):
        Params.build({"policing": {"punitive_intensity": 1.5}})


def test_unknown_country_lists_the_allowed_ones():
    with pytest.raises(ParameterError) as err:
        Params.build({"country": "atlantis"})
    assert "country" in str(err.value)
    assert "atlantis" in str(err.value)
    assert "brazil" in str(err.value) and "haiti" in str(err.value)


def test_unknown_parameter_is_refused():
    with pytest.raises(ParameterError, match=r"policing\.punitve_intensity: unknown parameter"):
        Params.build({"policing": {"punitve_intensity": 0.3}})


def test_every_problem_is_reported_at_once():
    with pytest.raises(ParameterError) as err:
        Params.build({"neighbourhood": {"population": 0}, "market": {"price": -1}, "country": "x"})
    paths = [path for path, _ in err.value.problems]
    assert sorted(paths) == ["country", "market.price", "neighbourhood.population"]


def test_parameter_error_is_a_value_error_and_a_barrio_error():
    with pytest.raises(ValueError):
        Params.build({"selling": {"decision_rate": 0}})
    assert issubclass(ParameterError, BarrioError)


def test_replace_changes_one_value_and_validates():
    p = Params().replace(policing__punitive_intensity=0.9)
    assert p.policing.punitive_intensity == 0.9
    assert Params().policing.punitive_intensity == 0.5
    with pytest.raises(ParameterError):
        Params().replace(justice__conviction=2.0)


def test_params_are_frozen():
    with pytest.raises(ValueError):
        Params().policing.punitive_intensity = 0.1


def test_hot_spot_and_focused_units_cannot_add_up_to_more_than_all_units():
    with pytest.raises(ParameterError) as err:
        Params.build({"policing": {"hot_spots": 0.7, "focused_deterrence": 0.5}}, source="x.yaml")
    text = str(err.value)
    assert "x.yaml" in text and "policing" in text and "at most 1" in text
    assert "units_per_10k" not in text  # the message does not dump the whole section
    assert Params.build({"policing": {"hot_spots": 0.5, "focused_deterrence": 0.5}}).policing.hot_spots == 0.5


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"punitive_intensity": 0.5},
            "punitive_intensity: unknown parameter; did you mean 'policing.punitive_intensity'?",
        ),
        (
            {"punitve_intensity": 0.5},
            "punitve_intensity: unknown parameter; did you mean 'policing.punitive_intensity'?",
        ),
        ({"polcing": {}}, "polcing: unknown parameter; did you mean 'policing'?"),
        (
            {"amount": 20},
            "amount: unknown parameter; did you mean one of 'programmes.cash.amount', "
            "'programmes.women.amount'?",
        ),
    ],
)
def test_a_parameter_without_its_section_names_its_dotted_path(data, message):
    with pytest.raises(ParameterError) as err:
        Params.build(data)
    assert message in str(err.value)


def test_a_name_like_no_parameter_gets_no_guess():
    with pytest.raises(ParameterError) as err:
        Params.build({"zzzq": 1})
    assert str(err.value).endswith("zzzq: unknown parameter")


def test_paths_by_name_lists_every_section_a_name_is_used_in():
    from barrio.model.params import paths_by_name

    names = paths_by_name()
    assert names["punitive_intensity"] == ["policing.punitive_intensity"]
    assert "programmes.cash.budget_week" in names["budget_week"] and len(names["budget_week"]) == 7
    assert "country" not in names and "policing" not in names  # top-level names are not inside a section


def test_every_range_shown_is_the_range_the_schema_allows():
    """A bound shown as allowed ("0 to 1") is accepted; one shown as open ("above 0") is refused."""
    checked = 0
    for row in parameter_table():
        default = row["default"]
        if isinstance(default, bool) or not isinstance(default, int | float):
            continue
        for bound, is_open in (("min", row["min_open"]), ("max", row["max_open"])):
            if row[bound] is None:
                continue
            value = type(default)(row[bound])
            try:
                nested: object = value
                for part in reversed(row["path"].split(".")):
                    nested = {part: nested}
                Params.build(nested)
                accepted = True
            except ParameterError as err:
                # Refused for the field's own range, not by a check across fields (min_age <= max_age).
                accepted = all(where != row["path"] for where, _message in err.problems)
            assert accepted != is_open, (row["path"], bound, row[bound], allowed_range(row))
            checked += 1
    assert checked > 100
    assert allowed_range(next(r for r in parameter_table() if r["path"] == "justice.sentence_weeks")) == (
        "above 0, up to 2600"
    )
