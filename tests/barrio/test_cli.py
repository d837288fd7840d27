"""The ``barrio`` command, run as a user would (in-process and as a real subprocess)."""

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from barrio.cli import build_parser, main

FAST = ["--weeks", "6", "--warmup", "2", "--population", "400", "-q"]


def test_run_writes_the_same_table_as_parquet_and_csv_and_a_picture(tmp_path, capsys):
    out = tmp_path / "demo"
    assert main(["run", "baseline", "--seed", "3", "--out", str(out), *FAST]) == 0
    parquet = pd.read_parquet(out / "outcomes.parquet")
    csv = pd.read_csv(out / "outcomes.csv")
    assert len(parquet) == len(csv) > 0
    assert (parquet.week.unique() == list(range(-2, 6))).all()
    pd.testing.assert_series_equal(parquet.value, csv.value, check_exact=False)
    assert (parquet.seed == 3).all() and (parquet.scenario == "baseline").all()
    assert parquet.scenario_hash.nunique() == 1
    resolved = pd.read_parquet(out / "outcomes.parquet").attrs["scenario"]
    assert resolved["params"]["neighbourhood"]["population"] == 400
    assert (out / "outcomes.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert str(out / "outcomes.parquet") in capsys.readouterr().out
    assert not list(out.glob(".*part"))  # no temporary files left behind


def test_same_seed_gives_the_same_file(tmp_path):
    for name in ("a", "b"):
        main(["run", "baseline", "--seed", "9", "--out", str(tmp_path / name), *FAST])
    a = pd.read_parquet(tmp_path / "a" / "outcomes.parquet")
    b = pd.read_parquet(tmp_path / "b" / "outcomes.parquet")
    pd.testing.assert_frame_equal(a, b)


def test_unknown_scenario_is_a_clear_error_with_exit_status_2(tmp_path, capsys):
    assert main(["run", "basline", "--out", str(tmp_path), *FAST]) == 2
    err = capsys.readouterr().err
    assert "basline" in err and "did you mean 'baseline'" in err
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("args", "allowed"),
    [
        (["--weeks", "-3"], "1 or more"),
        (["--weeks", "0"], "1 or more"),
        (["--weeks", "many"], "whole number"),
        (["--population", "0"], "1 or more"),
        (["--seed", "-1"], "0 or more"),
    ],
)
def test_bad_numbers_are_refused_by_the_parser(args, allowed, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["run", "baseline", *args])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert args[0] in err and allowed in err


@pytest.mark.parametrize(
    ("port", "allowed"),
    [("70000", "ports are 1 to 65535"), ("0", "ports are 1 to 65535"), ("http", "must be a whole number")],
)
def test_app_refuses_a_port_that_is_not_a_port_with_a_message(port, allowed, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["app", "--port", port])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert f"argument --port: {allowed}, got '{port}'" in err and "Traceback" not in err


def test_help_describes_every_command(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    text = capsys.readouterr().out
    assert "run" in text and "parameters" in text
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    assert "--seed" in capsys.readouterr().out


def test_every_command_s_help_reads_as_written(capsys):
    # argparse %-formats an option's help but not a command's description, so a "%%" written
    # for the one shows doubled in the other.
    commands = build_parser()._subparsers._group_actions[0].choices
    assert len(commands) >= 13
    for name in commands:
        with pytest.raises(SystemExit) as exit_:
            main([name, "--help"])
        assert exit_.value.code == 0
        text = capsys.readouterr().out
        assert f"usage: barrio {name}" in text
        assert "%%" not in text and "%(" not in text, name


def test_the_installed_console_command_runs(tmp_path):
    exe = shutil.which("barrio", path=str(Path(sys.executable).parent))
    assert exe, "the barrio console script is not installed next to this Python"
    done = subprocess.run(
        [exe, "run", "baseline", "--out", str(tmp_path / "x"), *FAST],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "x" / "outcomes.parquet").exists()


def test_validate_reports_problems_and_exit_status(tmp_path, capsys):
    good = tmp_path / "good.yaml"
    good.write_text("country: peru\n", encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text("country: peru\npolicing:\n  punitve_intensity: 0.9\n", encoding="utf-8")
    assert main(["validate", str(good)]) == 0
    assert "ok" in capsys.readouterr().out
    assert main(["validate", str(good), str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:3: policing.punitve_intensity" in err and "did you mean 'punitive_intensity'" in err


def test_levers_lists_every_lever(capsys):
    from barrio.model.scenario import lever_paths

    assert main(["levers"]) == 0
    out = capsys.readouterr().out
    for path in lever_paths():
        assert path in out


def test_run_a_scenario_file_with_a_timeline(tmp_path):
    f = tmp_path / "crack.yaml"
    f.write_text(
        "country: mexico\ntimeline:\n  - week: 2\n    set: {policing.punitive_intensity: 1.0}\n",
        encoding="utf-8",
    )
    assert main(["run", str(f), "--out", str(tmp_path / "o"), *FAST]) == 0
    table = pd.read_parquet(tmp_path / "o" / "outcomes.parquet")
    assert (table.scenario == "crack").all() and (table.country == "mexico").all()
    assert table.attrs["scenario"]["timeline"] == [{"week": 2, "set": {"policing.punitive_intensity": 1.0}}]


def test_compare_refuses_an_unknown_baseline_and_report_a_folder_that_is_not_results(tmp_path, capsys):
    assert main(["compare", "baseline", "mano_dura", "--baseline", "mano", "--out", str(tmp_path), "-q"]) == 2
    assert "baseline 'mano' is not one of the scenarios given: baseline, mano_dura" in capsys.readouterr().err
    assert not (tmp_path / "runs").exists()  # nothing was run
    assert main(["report", str(tmp_path)]) == 2
    assert "not a Barrio results folder" in capsys.readouterr().err


def test_compare_runs_paired_replicates_and_writes_a_report(tmp_path, capsys):
    args = ["compare", "baseline", "mano_dura", "--replicates", "2", "--population", "1000"]
    args += ["--warmup", "4", "--weeks", "8", "--jobs", "1", "-q", "--out", str(tmp_path)]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "4 run(s) done, 0 already there, 0 failed" in out and str(tmp_path / "report.html") in out
    assert main(args) == 0
    assert "0 run(s) done, 4 already there, 0 failed" in capsys.readouterr().out


def test_levers_and_parameters_print_a_header_and_ranges_in_words(capsys):
    assert main(["parameters"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:4] == ["parameter", "default", "unit", "allowed"]
    upkeep = next(line for line in lines if line.startswith("groups.upkeep "))
    assert "0 or more" in upkeep and " to  " not in upkeep
    sentence = next(line for line in lines if line.startswith("justice.sentence_weeks "))
    assert "above 0, up to 2600" in sentence
    # Columns line up: every row's unit starts where the header's does.
    column = lines[0].index("unit")
    assert all(line[column - 2 : column] == "  " for line in lines[1:])


def free_port() -> int:
    """A port on 127.0.0.1 where nothing listens (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow
def test_a_scheduler_that_does_not_answer_is_a_message_within_seconds(tmp_path, capsys):
    pytest.importorskip("distributed")
    from barrio.experiments.execution import SCHEDULER_TIMEOUT

    address = f"tcp://127.0.0.1:{free_port()}"
    args = ["compare", "baseline", "--replicates", "1", *FAST, "--out", str(tmp_path / "out")]
    started = time.monotonic()
    assert main([*args, "--scheduler", address]) == 2
    assert time.monotonic() - started < SCHEDULER_TIMEOUT + 5  # Dask's own wait is 30 s
    err = capsys.readouterr().err
    assert f"cannot use the Dask scheduler at '{address}'" in err and "dask scheduler" in err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()  # nothing was run or written
    # An address that is not one is said at once.
    assert main([*args, "--scheduler", "my-laptop"]) == 2
    assert "cannot use the Dask scheduler at 'my-laptop'" in capsys.readouterr().err


def test_validate_tells_each_kind_of_file_by_its_names_and_checks_it_as_its_command_would(tmp_path, capsys):
    root = Path(__file__).resolve().parents[2]
    explore = (root / "examples" / "explore_crackdown.yaml").read_text(encoding="utf-8")
    good = tmp_path / "screening.yaml"
    good.write_text(explore, encoding="utf-8")
    sweep = tmp_path / "grid.yaml"
    sweep.write_text(
        "name: grid\nbase: baseline\nreplicates: 2\nvary:\n  policing.punitive_intensity: [0.3, 0.5, 0.8]\n",
        encoding="utf-8",
    )
    assert main(["validate", str(good), str(sweep), str(root / "calibrations" / "fortaleza.yaml")]) == 0
    said = capsys.readouterr().out.splitlines()
    assert said[0] == (
        f"ok       {good}: exploration explore_crackdown: morris design of 5 parameter(s), "
        "24 point(s) x 3 policies x 2 seed(s) = 144 runs"
    )
    assert said[1] == f"ok       {sweep}: sweep grid: 3 point(s) x 2 replicate(s) = 6 runs"
    assert said[2].endswith("calibration fortaleza: 10 parameter(s), 11 target(s)")
    # A broken exploration file is read as one: its own problems, not a scenario's.
    bad = tmp_path / "bad.yaml"
    bad.write_text(explore.replace("- selling.reluctance", "- selling.reluctanse"), encoding="utf-8")
    assert main(["validate", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "selling.reluctanse" in err and "did you mean 'selling.reluctance'" in err
    assert "scenario" not in err.split("\n")[0] and "barrio sweep" not in err
