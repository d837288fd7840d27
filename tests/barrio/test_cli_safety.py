"""The ``barrio`` command with bad input: a message, never a traceback, and no work thrown away."""

import errno
import subprocess
import sys
import time

import pytest

from barrio.cli import main
from barrio.experiments import output, studies

FAST = ["--weeks", "6", "--warmup", "2", "--population", "400", "-q"]
IMPOSSIBLE = (
    "market: {commerce_pull: 0}\ngroups: {count: 200}\n"
    "neighbourhood: {width: 10, height: 10, population: 2000}\n"
)


@pytest.fixture
def no_simulation(monkeypatch):
    """Fail the test if a simulation starts: the command must refuse before it."""

    def simulated(*args, **kwargs):
        raise AssertionError("the simulation ran before the problem was said")

    monkeypatch.setattr(studies, "run_model", simulated)


@pytest.mark.parametrize("kind", ["a file", "unwritable"])
def test_run_checks_its_output_folder_before_simulating(tmp_path, capsys, no_simulation, kind):
    out = tmp_path / "taken"
    out.write_text("a file")
    if kind == "unwritable":
        out = "/proc/barrio-out"  # not writable, even by root
    assert main(["run", "baseline", "--out", str(out), *FAST]) == 2
    err = capsys.readouterr().err
    assert f"barrio: error: cannot write into the output folder {out}" in err and "Traceback" not in err


def test_a_full_disk_while_writing_a_run_is_a_message(tmp_path, capsys, monkeypatch):
    def full(path, write):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(output, "atomic_write", full)
    assert main(["run", "baseline", "--out", str(tmp_path / "o"), *FAST]) == 2
    err = capsys.readouterr().err
    assert "cannot write the run's results into" in err and "No space left on device" in err


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--seed", "18446744073709551616"], "argument --seed: must be 9,223,372,036,854,775,807 or less"),
        (["--out", ""], "argument --out: must name a folder, got an empty value"),
    ],
)
def test_run_options_that_would_fail_after_the_simulation_are_refused_first(args, said, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["run", "baseline", *FAST, *args])
    assert exit_.value.code == 2 and said in capsys.readouterr().err


@pytest.mark.parametrize("limit", ["nan", "inf", "0", "-1", "soon"])
def test_a_time_limit_must_be_seconds_above_zero(limit, capsys):
    with pytest.raises(SystemExit):
        main(["compare", "baseline", "--time-limit", limit])
    assert "argument --time-limit: must be a number of seconds" in capsys.readouterr().err


def test_validate_builds_the_world_and_names_the_parameters_that_stop_it(tmp_path, capsys, no_simulation):
    file = tmp_path / "impossible.yaml"
    file.write_text(IMPOSSIBLE, encoding="utf-8")
    assert main(["validate", str(file)]) == 1
    err = capsys.readouterr().err
    assert "impossible: the neighbourhood cannot be built with these values" in err
    assert "Fewer non-zero entries in p than size" in err
    for named in ("market.commerce_pull: 0.0 (default 3.0)", "groups.count: 200"):
        assert named in err


def test_run_of_a_world_that_cannot_start_is_a_message(tmp_path, capsys):
    file = tmp_path / "impossible.yaml"
    file.write_text(IMPOSSIBLE, encoding="utf-8")
    assert main(["run", str(file), "--out", str(tmp_path / "o"), "-q"]) == 2
    err = capsys.readouterr().err
    assert "cannot be built" in err and "groups.count" in err and "Traceback" not in err


@pytest.mark.parametrize("file", ["/dev/zero", "/dev/urandom"])
def test_run_and_validate_read_only_regular_files(file, capsys):
    started = time.monotonic()
    assert main(["run", file, "-q"]) == 2
    assert main(["validate", file]) == 1
    assert time.monotonic() - started < 10
    assert "not a regular file" in capsys.readouterr().err


def test_a_name_that_escapes_is_refused_by_validate(tmp_path, capsys):
    for name in ("/tmp/elsewhere", "../../x", "sub/dir"):
        file = tmp_path / "escape.yaml"
        file.write_text(f"name: {name}\nextends: baseline\n", encoding="utf-8")
        assert main(["validate", str(file)]) == 1
        assert "cannot name a scenario" in capsys.readouterr().err


@pytest.mark.slow
def test_ctrl_c_during_a_run_is_one_line_not_a_traceback(tmp_path):
    with subprocess.Popen(
        [
            sys.executable,
            "-m",
            "barrio.cli",
            "run",
            "baseline",
            "--weeks",
            "5000",
            "--out",
            str(tmp_path / "o"),
        ],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    ) as process:
        time.sleep(6)  # into the simulation (a run of about a minute)
        process.send_signal(2)
        _, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "Traceback" not in err and err.strip().endswith("barrio: stopped; nothing was written (Ctrl-C)")
    assert not (tmp_path / "o" / "outcomes.parquet").exists()


def test_validate_checks_timeline_changes_together_not_only_one_by_one(tmp_path, capsys):
    file = tmp_path / "both.yaml"
    file.write_text(
        "extends: baseline\ntimeline:\n  - week: 0\n    set: {policing.hot_spots: 1.0}\n"
        "  - week: 5\n    set: {policing.focused_deterrence: 1.0}\n",
        encoding="utf-8",
    )
    assert main(["validate", str(file)]) == 1
    err = capsys.readouterr().err
    assert "timeline.1.set: with the changes before it in force: policing:" in err
    assert "hot_spots + focused_deterrence must be at most 1" in err
