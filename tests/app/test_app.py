"""The workshop page's parts without a browser: levers, sessions, map, charts, labels, server."""

from __future__ import annotations

import errno
import re
import socket
import string

import numpy as np
import pandas as pd
import pytest

from barrio.app.charts import PANEL_UNITS, PANELS, chart_option, panel_series
from barrio.app.controls import CONTROLS, DISPLAY_UNITS, PageLeverError, build_controls
from barrio.app.drawing import COLOURS, GROUP_TINT, Layer, group_colour, group_fill, map_pixels
from barrio.app.labels import LANGUAGES, PAGE_LEVERS, SCENARIO_TITLES, TEXT, PageLever, say, scenario_title
from barrio.app.server import (
    CannotListenError,
    PortInUseError,
    check_port,
    server_command,
    server_environment,
)
from barrio.app.session import Simulation, Workshop, clock
from barrio.cli import main
from barrio.model import ParameterError, Params, Scenario, ScenarioError
from barrio.model.errors import BarrioError
from barrio.model.scenario import lever_paths
from tests.builders import small_params


def small_scenario(**changes) -> Scenario:
    params = small_params().replace(timing__warmup_weeks=4, timing__horizon_weeks=30, **changes)
    return Scenario("small", params)


@pytest.fixture
def workshop(monkeypatch) -> Workshop:
    """A workshop on a small neighbourhood (library scenarios are 40,000 people)."""
    monkeypatch.setattr("barrio.app.session.load_scenario", lambda name: small_scenario())
    return Workshop("small", seed=5)


# Labels ---------------------------------------------------------------------------------


def test_every_text_is_in_every_language_with_the_same_blanks():
    for key, texts in TEXT.items():
        assert set(texts) == set(LANGUAGES), key
        blanks = {lang: {f[1] for f in string.Formatter().parse(t) if f[1]} for lang, t in texts.items()}
        assert len({frozenset(b) for b in blanks.values()}) == 1, key
        assert all(t.strip() for t in texts.values()), key


def test_every_library_scenario_has_a_title_in_every_language():
    from barrio.model.scenario import scenario_library

    assert set(SCENARIO_TITLES) == set(scenario_library())
    for titles in SCENARIO_TITLES.values():
        assert set(titles) == set(LANGUAGES)
    assert scenario_title("mano_dura", "pt") == "Linha dura (mano dura)"
    assert scenario_title("my_policy.yaml", "es") == "my_policy.yaml"


def test_names_the_page_maps_back_are_unique_in_every_language():
    from barrio.app.drawing import Layer

    for lang in LANGUAGES:
        titles = [scenario_title(n, lang) for n in SCENARIO_TITLES]
        assert len(set(titles)) == len(titles), lang
        layers = [say(f"layer_{v}", lang) for v in Layer]
        assert len(set(layers)) == len(layers), lang


def test_say_fills_in_and_falls_back_to_english():
    assert say("time", "pt", years=2, months=3, week=60) == "Ano 2, mês 3 (semana 60)"
    assert say("reset", "fr") == "Reset"


# Controls -------------------------------------------------------------------------------


def test_every_page_lever_names_a_lever_with_every_language_and_a_known_display_unit():
    levers = lever_paths()
    keys = [entry.key for entry in PAGE_LEVERS.values()]
    assert len(set(keys)) == len(keys)
    for path, entry in PAGE_LEVERS.items():
        assert path in levers, path
        assert set(entry.label) == set(LANGUAGES) and all(t.strip() for t in entry.label.values()), path
        assert TEXT[entry.key] == entry.label, path  # say() finds it, and no other text took its key
        assert entry.unit in DISPLAY_UNITS, path
        assert set(TEXT[f"unit_{entry.unit}"]) == set(LANGUAGES), entry.unit
        # The conversion fits what the lever measures: no weeks shown as a percentage.
        assert levers[path]["unit"] in DISPLAY_UNITS[entry.unit].model_units, path


def test_the_pages_controls_are_its_levers_in_order_with_their_units_conversion():
    assert [c.path for c in CONTROLS] == list(PAGE_LEVERS)
    for c, entry in zip(CONTROLS, PAGE_LEVERS.values(), strict=True):
        unit = DISPLAY_UNITS[entry.unit]
        assert (c.key, c.section.value, c.unit) == (entry.key, entry.section, f"unit_{entry.unit}")
        assert (c.low, c.high, c.step, c.scale, c.switch) == (
            entry.low,
            entry.high,
            entry.step,
            unit.scale,
            unit.switch,
        )


def test_every_control_moves_a_lever_within_its_range():
    for c in CONTROLS:
        if not c.switch:
            # Both ends of the slider are values the model accepts.
            Params().replace(**{c.path.replace(".", "__"): c.model_value(c.low)})
            Params().replace(**{c.path.replace(".", "__"): c.model_value(c.high)})
            assert c.low < c.high and 0 < c.step <= c.high - c.low, c.key


def test_a_page_entry_that_is_not_a_lever_is_refused_naming_the_file_and_what_is_allowed():
    label = {"es": "x", "pt": "x", "en": "x"}
    table = {
        "policing.punitve_intensity": PageLever("a", "enforcement", "percent", label),
        "neighbourhood.width": PageLever("b", "enforcement", "per_10k", label),
        "policing.kingpin": PageLever("c", "policing", "percent_a_week", label),
    }
    with pytest.raises(PageLeverError) as err:
        build_controls(table)
    text = str(err.value)
    assert text.startswith("app/labels.py: 4 problem(s)")
    assert (
        "PAGE_LEVERS['policing.punitve_intensity']: not a lever; did you mean 'policing.punitive_intensity'?"
        in text
    )
    assert "PAGE_LEVERS['neighbourhood.width']: not a lever" in text
    assert (
        "PAGE_LEVERS['policing.kingpin'].unit: 'percent_a_week' is not a display unit; allowed: percent,"
        in text
    )
    section = "PAGE_LEVERS['policing.kingpin'].section: 'policing' is not a section"
    assert f"{section}; allowed: enforcement, inclusion" in text
    assert isinstance(err.value, BarrioError)


def test_controls_show_model_values_in_the_pages_units():
    params = Params().replace(justice__sentence_weeks=104, policing__punitive_intensity=0.35)
    by_key = {c.key: c for c in CONTROLS}
    assert by_key["sentence"].shown(params) == 2.0
    assert by_key["punitive_intensity"].shown(params) == 35.0
    assert by_key["punitive_intensity"].model_value(35) == pytest.approx(0.35)
    assert by_key["cash"].model_value(12) == 12_000
    assert by_key["possession"].shown(params) is False


def test_both_groups_of_levers_are_on_the_page():
    sections = {c.section for c in CONTROLS}
    assert {s.value for s in sections} == {"enforcement", "inclusion"}
    assert all(c.section.value in TEXT for c in CONTROLS)


# Sessions -------------------------------------------------------------------------------


def test_clock_counts_years_and_months_of_the_policy_period():
    assert clock(0) == (1, 1)
    assert clock(4) == (1, 1)
    assert clock(5) == (1, 2)
    assert clock(51) == (1, 12)
    assert clock(52) == (2, 1)
    assert clock(130) == (3, 7)  # 26 weeks into year 3: six months done


def test_a_simulation_starts_after_the_warm_up_and_stops_at_the_horizon():
    sim = Simulation("small", small_scenario(), seed=3)
    assert sim.week == 0
    assert sim.history().empty
    sim.advance(12)
    assert sim.week == 12 and len(sim.history()) == 12
    sim.advance(100)
    assert sim.week == 30 and sim.finished
    assert list(sim.history().index) == list(range(30))
    assert sim.clock == clock(29)  # the last week run, not a week past the horizon


def test_a_lever_moved_now_changes_the_running_model_and_every_reset_after(workshop):
    workshop.reset()
    workshop.advance(3)
    workshop.set_lever("policing.punitive_intensity", 0.9)
    assert workshop.main.model.params.policing.punitive_intensity == 0.9
    assert workshop.main.week == 3
    workshop.reset()
    assert workshop.main.week == 0
    assert workshop.levers().policing.punitive_intensity == 0.9


def test_the_rooms_changes_start_with_the_policy_period_not_the_warm_up(workshop):
    workshop.set_lever("policing.punitive_intensity", 0.9)
    workshop.reset()
    model = workshop.main.model
    # The warm-up ran on the scenario's own value; week 0 runs on the room's.
    assert model.params.policing.punitive_intensity == 0.9
    baseline = Simulation("small", small_scenario(), seed=5)
    np.testing.assert_array_equal(
        model.outcomes.wide().loc[:-1].to_numpy(), baseline.model.outcomes.wide().loc[:-1].to_numpy()
    )


def test_an_impossible_value_is_refused_and_changes_nothing(workshop):
    workshop.reset()
    with pytest.raises(ParameterError, match="punitive_intensity"):
        workshop.set_lever("policing.punitive_intensity", 1.5)
    with pytest.raises(ParameterError, match="hot_spots"):
        workshop.set_lever("policing.hot_spots", 0.7)
        workshop.set_lever("policing.focused_deterrence", 0.7)
    assert (
        workshop.main.model.params.policing.punitive_intensity
        == small_scenario().params.policing.punitive_intensity
    )
    assert "policing.punitive_intensity" not in workshop.changes
    assert "policing.focused_deterrence" not in workshop.changes


def test_side_by_side_runs_share_the_seed(workshop):
    workshop.compare_with("small")
    workshop.reset()
    workshop.advance(10)
    main, other = workshop.main, workshop.other
    assert main.seed == other.seed
    # Same scenario, same seed: the two futures are the same; only policies set them apart.
    pd.testing.assert_frame_equal(main.history(), other.history())
    workshop.set_lever("policing.soldiers_per_10k", 10)
    workshop.advance(10)
    assert not main.history().equals(other.history())
    # Taking the second run away leaves the main run where it is.
    workshop.compare_with(None)
    assert workshop.other is None and len(workshop.runs) == 1
    assert workshop.main is main and main.week == 20


def test_two_workshops_do_not_share_a_model(workshop, monkeypatch):
    second = Workshop("small", seed=5)
    workshop.reset()
    second.reset()
    workshop.set_lever("policing.punitive_intensity", 0.1)
    workshop.advance(5)
    assert second.main.week == 0
    assert second.main.model.params.policing.punitive_intensity != 0.1
    assert second.main.model is not workshop.main.model


def test_a_refused_reset_keeps_the_runs_on_show(workshop):
    workshop.reset()
    workshop.advance(4)
    before = workshop.main
    workshop.changes["policing.punitive_intensity"] = 3.0  # as if a bad value slipped in
    with pytest.raises(ParameterError):
        workshop.reset()
    assert workshop.main is before and before.week == 4


def test_loading_a_scenario_drops_the_rooms_changes():
    w = Workshop("baseline")
    w.set_lever("policing.punitive_intensity", 0.2)
    w.load("mano_dura")
    assert w.changes == {}
    assert w.levers().policing.punitive_intensity == 0.8  # mano_dura's value from week 0


# Map ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def drawn():
    sim = Simulation("small", small_scenario(), seed=2)
    sim.advance(5)
    return sim.model


def _tile(img: np.ndarray, model, x: int, y: int, tile: int) -> np.ndarray:
    """The pixels of block (x, y), north up."""
    height = model.shape[1]
    row = (height - 1 - y) * tile
    return img[row : row + tile, x * tile : (x + 1) * tile]


def test_map_has_a_tile_per_block(drawn):
    width, height = drawn.shape
    assert map_pixels(drawn, tile=6).shape == (height * 6, width * 6, 3)


def test_map_tints_territory_marks_sellers_patrols_and_violence(drawn):
    model = drawn
    model.grid.control.data[:] = -1
    model.grid.control.data[0, 0] = 2
    model.grid.violence.data[:] = 0.0
    model.grid.violence.data[1, 1] = 1.0
    r = model.residents
    on_block = np.flatnonzero(np.isin(np.arange(len(r)), model.market.seller_ids))
    seller_block = int(r.block[on_block[0]])
    sx, sy = divmod(seller_block, model.shape[1])
    img = map_pixels(model, Layer.TERRITORY, tile=8)

    def has(tile: np.ndarray, colour) -> bool:
        return bool((tile == np.array(colour)).all(axis=-1).any())

    held = _tile(img, model, 0, 0, 8)
    tint = (np.array(group_colour(2)) * GROUP_TINT + 255 * (1 - GROUP_TINT)).astype(np.uint8)
    assert has(held, tint) and tuple(tint) == group_fill(2)
    assert has(_tile(img, model, 1, 1, 8), COLOURS["incidents"])
    # Each mark sits in a dark frame, so that it shows on any fill.
    assert has(_tile(img, model, 1, 1, 8), COLOURS["frame"])
    assert has(_tile(img, model, sx, sy, 8), COLOURS["sellers"])
    unit = model.patrols[0]
    ux, uy = unit.cell.coordinate
    assert has(_tile(img, model, ux, uy, 8), COLOURS["police"])
    empty = [(x, y) for x in range(model.shape[0]) for y in range(model.shape[1]) if (x, y) != (0, 0)]
    quiet = next(
        (x, y)
        for x, y in empty
        if model.grid.violence.data[x, y] == 0
        and x * model.shape[1] + y not in set(r.block[model.market.seller_ids])
        and all(u.cell.coordinate != (x, y) for u in model.patrols)
    )
    assert (_tile(img, model, *quiet, 8) == np.array(COLOURS["empty"])).all()


def test_map_layers_colour_blocks_by_their_value(drawn):
    model = drawn
    model.grid.state_presence.data[:] = 0.0
    model.grid.state_presence.data[2, 2] = 1.0
    img = map_pixels(model, Layer.PRESENCE, tile=4)
    high, low = _tile(img, model, 2, 2, 4)[0, 0], _tile(img, model, 3, 3, 4)[0, 0]
    # Greens: more presence is darker.
    assert int(high.sum()) < int(low.sum())


# Charts ---------------------------------------------------------------------------------


def _history(weeks: int = 8) -> pd.DataFrame:
    sim = Simulation("small", small_scenario(), seed=4)
    sim.advance(weeks)
    return sim.history()


def test_young_recruits_are_the_12_to_24_year_olds_over_four_weeks():
    h = pd.DataFrame(0.0, index=range(6), columns=_history(1).columns)
    h["recruits_male_12_17"] = [1, 0, 2, 0, 0, 1]
    h["recruits_female_18_24"] = [0, 1, 0, 0, 0, 0]
    h["recruits_male_25_34"] = 5.0  # not young: must not count
    assert list(panel_series(h, "chart_young_recruits", 1000)) == [1, 2, 4, 4, 3, 3]


def test_homicide_panel_is_a_yearly_rate_per_100k():
    h = pd.DataFrame(0.0, index=range(13), columns=_history(1).columns)
    h.loc[12, "homicides"] = 13.0
    rate = panel_series(h, "chart_homicides", 52_000)
    assert rate.iloc[12] == pytest.approx(1.0 * 52 * 100_000 / 52_000)


def test_every_panel_draws_one_line_per_run():
    h = _history()
    for panel in PANELS:
        option = chart_option(panel, [("a", h, 1000), ("b", h.iloc[:4], 1000)], "es", 30)
        assert [s["name"] for s in option["series"]] == ["a", "b"]
        assert len(option["series"][0]["data"]) == 8 and len(option["series"][1]["data"]) == 4
        assert option["title"]["text"] == say(panel, "es")
        # The time axis spans the horizon (30 weeks, less than a year), each week named.
        assert option["xAxis"][0]["data"][:2] == ["Año 1, mes 1 (semana 0)", "Año 1, mes 1 (semana 1)"]
        assert len(option["xAxis"][0]["data"]) == 30
        # The tooltip gives each run's value with the panel's unit.
        assert option["tooltip"]["formatter"].endswith(f"{{c1}} {say(PANEL_UNITS[panel], 'es')}")


# Server ---------------------------------------------------------------------------------


def test_server_environment_turns_telemetry_off_and_checks_the_scenario():
    env = server_environment("baseline", 3, "pt", {"PATH": "/bin"})
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
    assert env["SOLARA_KERNEL_CULL_TIMEOUT"] == "30s"  # closed pages' models are freed
    assert env["BARRIO_APP_SCENARIO"] == "baseline" and env["BARRIO_APP_SEED"] == "3"
    assert env["PATH"] == "/bin"
    # Solara's cookie warning is silenced in the server, and the user's own filters are kept.
    assert env["PYTHONWARNINGS"] == "ignore:Cookies with samesite=none require https:UserWarning"
    kept = server_environment("baseline", 3, "pt", {"PYTHONWARNINGS": "error::DeprecationWarning"})
    assert kept["PYTHONWARNINGS"].split(",") == ["error::DeprecationWarning", env["PYTHONWARNINGS"]]
    with pytest.raises(ScenarioError, match="did you mean 'baseline'"):
        server_environment("baseline_typo", 1, "en", {})


def test_server_listens_on_this_machine_only_unless_told():
    from barrio.cli import build_parser

    args = build_parser().parse_args(["app"])
    assert args.host == "127.0.0.1" and args.scenario == "baseline"
    assert build_parser().parse_args(["app", "--host", "0.0.0.0"]).host == "0.0.0.0"
    command = server_command(args.host, args.port)
    assert command[command.index("--host") + 1] == "127.0.0.1"
    assert "--production" in command and "--no-open" in command


def test_app_command_refuses_a_broken_scenario_before_starting(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("policing:\n  punitive_intensty: 0.9\n")
    assert main(["app", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml" in err and "punitive_intensity" in err
    with pytest.raises(SystemExit):
        main(["app", "--language", "fr"])
    assert re.search(r"invalid choice: 'fr'", capsys.readouterr().err)


# Levers on the page (rendered in-process, without a browser) ----------------------------


def _lever(key: str, value: float, calls: list):
    import ipyvuetify as v
    import solara

    from barrio.app.page import Lever

    control = next(c for c in CONTROLS if c.key == key)
    _, rc = solara.render(
        Lever(control, value, "en", lambda c, shown: calls.append(shown)), handle_error=False
    )
    return rc.find(v.Slider).widget


def test_a_slider_does_not_move_a_lever_by_snapping_to_its_step():
    calls = []
    slider = _lever("punitive_intensity", 33.0, calls)  # off the 5-point step, from a file
    assert slider.v_model == 33.0
    slider.fire_event("change", 35.0)  # what the browser's slider sends back after snapping
    assert calls == []
    slider.fire_event("change", 45.0)  # a real move
    assert calls == [45.0]


def test_a_drag_moves_a_lever_once_where_the_slider_is_let_go():
    calls = []
    slider = _lever("units", 5.0, calls)
    for units in range(6, 16):  # the values a drag passes through, as the browser sends them
        slider.v_model = float(units)
    assert calls == []
    slider.fire_event("change", 15)  # let go
    assert calls == [15]


def test_a_slider_widens_for_a_value_beyond_the_workshop_range():
    slider = _lever("units", 40.0, [])  # the slider stops at 30 units per 10,000
    assert (slider.min, slider.max, slider.v_model) == (0.0, 40.0, 40.0)


def test_app_command_says_when_the_port_is_taken(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["app", "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert f"127.0.0.1:{port}: the port is in use" in err
    assert "another `barrio app` may be running there" in err and "--port" in err


@pytest.fixture
def bind_fails(monkeypatch):
    """Make every bind fail with the given error, as the system would."""

    def fail_with(error: OSError) -> None:
        def bind(self, address):
            raise error

        monkeypatch.setattr(socket.socket, "bind", bind)

    return fail_with


def test_a_privileged_port_is_explained_not_blamed_on_another_page(bind_fails, capsys):
    # Simulated: as root (a container, a CI runner) port 80 binds.
    bind_fails(PermissionError(errno.EACCES, "Permission denied"))
    assert main(["app", "--port", "80"]) == 2
    err = capsys.readouterr().err
    assert "127.0.0.1:80: ports below 1024 need administrator privileges (Permission denied)" in err
    assert "choose a port above 1023 with --port" in err
    assert "another" not in err and "Traceback" not in err


def test_an_address_not_of_this_machine_is_explained(capsys):
    # 192.0.2.1 is reserved for documentation: never an address of this machine.
    assert main(["app", "--host", "192.0.2.1", "--port", "8765"]) == 2
    err = capsys.readouterr().err
    assert "192.0.2.1:8765: '192.0.2.1' is not an address of this machine" in err
    assert "--host 127.0.0.1 (this machine only) or --host 0.0.0.0" in err
    assert "another" not in err


def test_a_host_name_that_does_not_resolve_is_explained(bind_fails, capsys):
    # Simulated: a real lookup may wait on a name server.
    bind_fails(socket.gaierror(socket.EAI_NONAME, "Name or service not known"))
    assert main(["app", "--host", "projector-laptop"]) == 2
    err = capsys.readouterr().err
    assert "'projector-laptop' is not an address of this machine (Name or service not known)" in err
    assert "another" not in err


def test_other_bind_failures_give_the_systems_reason(bind_fails):
    bind_fails(OSError(errno.EAFNOSUPPORT, "Address family not supported by protocol"))
    with pytest.raises(
        CannotListenError, match=r"\(Address family not supported by protocol\); check --host"
    ):
        check_port("::1", 8765)


@pytest.mark.parametrize("port", [0, 65536, 70000, -1])
def test_check_port_refuses_what_is_not_a_port(port):
    with pytest.raises(CannotListenError, match="ports are 1 to 65535") as err:
        check_port("127.0.0.1", port)
    assert isinstance(err.value, BarrioError) and not isinstance(err.value, PortInUseError)
