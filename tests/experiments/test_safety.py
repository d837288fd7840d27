"""Results folders that cannot mix, names that cannot escape, plans checked before they run,
nothing thrown away, and no orphans: each case tried as an attacker or a careless user would."""

import errno
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import psutil
import pytest

from barrio.experiments import batch, capacity
from barrio.experiments.batch import (
    BatchInterrupted,
    FolderBusyError,
    ResultsError,
    execute,
    folder_lock,
    load,
    plan,
)
from barrio.experiments.execution import InProcessExecutor
from barrio.experiments.output import OutputError, inside, writable_folder
from barrio.experiments.studies import compare, sweep
from barrio.model import Params, Scenario, ScenarioError, load_scenario
from barrio.model.scenario import MAX_FILE_BYTES
from tests.experiments.test_batch import TINY, tiny

# -- names and paths -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["/tmp/barrio-escape", "../../x", "sub/dir", "..", "a b", "", "x" * 81])
def test_a_scenario_name_that_is_not_an_identifier_is_refused_by_the_file_and_the_code(tmp_path, name):
    file = tmp_path / "escape.yaml"
    file.write_text(f"name: {json.dumps(name)}\ncountry: peru\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="cannot name a scenario: use 1 to 80 letters, digits"):
        load_scenario(file)
    with pytest.raises(ScenarioError, match="cannot name a scenario"):
        Scenario(name, Params.build(TINY))


def test_a_name_with_a_path_cannot_write_outside_the_results_folder(tmp_path):
    outside = tmp_path / "outside"
    file = tmp_path / "escape.yaml"
    file.write_text(f"name: {outside}\nextends: baseline\n", encoding="utf-8")
    with pytest.raises(ScenarioError):
        compare([file], replicates=1, out=tmp_path / "out", jobs=1, progress=False)
    assert not outside.exists() and not (tmp_path / "out").exists()


def test_a_file_without_a_name_is_named_after_its_file_made_safe(tmp_path):
    file = tmp_path / "my policy.v2.yaml"
    file.write_text("country: peru\n", encoding="utf-8")
    assert load_scenario(file).name == "my_policy_v2"


def test_an_experiment_name_cannot_leave_the_results_folder(tmp_path):
    for name in ("..", "../x", "a.b"):
        with pytest.raises(ScenarioError, match="name"):
            sweep(
                {"name": name, "base": "baseline", "vary": {"policing.punitive_intensity": [0.5]}},
                out=tmp_path / "out",
                progress=False,
            )


def test_every_path_a_batch_writes_is_checked_to_be_inside_its_folder(tmp_path):
    assert inside(tmp_path, tmp_path / "runs" / "a.parquet") == tmp_path / "runs" / "a.parquet"
    with pytest.raises(OutputError, match="outside the folder given"):
        inside(tmp_path / "out", tmp_path / "out" / ".." / "elsewhere.parquet")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "runs").symlink_to(tmp_path)  # a link planted in the folder
    with pytest.raises(OutputError, match="outside the folder given"):
        execute(plan([tiny("baseline")], 1), tmp_path / "out", InProcessExecutor(), progress=False)


def test_only_regular_files_of_a_sensible_size_are_read(tmp_path):
    with pytest.raises(ScenarioError, match="not a regular file"):
        load_scenario("/dev/zero")
    with pytest.raises(ScenarioError, match="not a regular file"):
        load_scenario(tmp_path)
    big = tmp_path / "big.yaml"
    big.write_text("country: peru\n" + "# padding\n" * (MAX_FILE_BYTES // 10 + 1), encoding="utf-8")
    with pytest.raises(ScenarioError, match="too large to be a scenario file"):
        load_scenario(big)


def test_a_number_written_as_text_is_refused(tmp_path):
    file = tmp_path / "quoted.yaml"
    file.write_text(
        'neighbourhood:\n  population: "40000"\ntimeline:\n  - week: 1\n'
        '    set: {policing.punitive_intensity: "0.5"}\ngroups:\n  count: true\n',
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError) as refused:
        load_scenario(file)
    text = str(refused.value)
    assert "3 problem(s)" in text
    assert (
        f"{file}:2: neighbourhood.population: Input should be a valid integer, not text (got '40000')" in text
    )
    assert "policing.punitive_intensity: Input should be a valid number, not text (got '0.5')" in text
    # A switch where a number belongs is not a quoting slip: the advice says so.
    assert (
        "groups.count: Input should be a valid integer, not true/false (got true); write the number itself"
        in text
    )


# -- folders that cannot mix ---------------------------------------------------------------------


def test_a_second_batch_of_other_scenarios_into_the_same_folder_is_refused(tmp_path):
    execute(plan([tiny("baseline"), tiny("crackdown")], 1), tmp_path, InProcessExecutor(), progress=False)
    with pytest.raises(ResultsError, match="holds a batch of baseline, crackdown, and this one adds other"):
        execute(plan([tiny("baseline"), tiny("other")], 1), tmp_path, InProcessExecutor(), progress=False)
    assert sorted(p.stem for p in (tmp_path / "runs").glob("*.parquet")) == [
        "baseline__r000",
        "crackdown__r000",
    ]
    # Some of the folder's own scenarios, or more replicates, are the same plan.
    more = execute(plan([tiny("baseline")], 2), tmp_path, InProcessExecutor(), progress=False)
    assert more.done == ["baseline__r001"]
    assert set(load(tmp_path).scenario) == {"baseline", "crackdown"}


def test_a_subset_resumed_keeps_the_folders_baseline(tmp_path):
    first = {"command": "compare", "baseline": "baseline", "root_seed": 0}
    execute(plan([tiny("baseline"), tiny("crackdown")], 1), tmp_path, InProcessExecutor(), progress=False,
            description=first)  # fmt: skip
    again = {"command": "compare", "baseline": "crackdown", "root_seed": 0}
    execute(plan([tiny("crackdown")], 1), tmp_path, InProcessExecutor(), progress=False, description=again)
    assert batch.read_manifest(tmp_path)["description"]["baseline"] == "baseline"
    # What an exploration's report looks for is the last command's: the runs are the same.
    looked = {
        "policy": "crackdown",
        "against": "baseline",
        "outcome": "homicide_rate",
        "above": 0,
        "cost": None,
    }
    execute(plan([tiny("crackdown")], 1), tmp_path, InProcessExecutor(), progress=False,
            description={**again, "discovery": looked})  # fmt: skip
    execute(plan([tiny("crackdown")], 1), tmp_path, InProcessExecutor(), progress=False,
            description={**again, "discovery": {**looked, "above": 2.5}})  # fmt: skip
    described = batch.read_manifest(tmp_path)["description"]
    assert described["discovery"]["above"] == 2.5 and described["baseline"] == "baseline"


def test_a_folder_whose_manifest_was_deleted_refuses_runs_of_other_settings(tmp_path):
    execute(plan([tiny("baseline")], 2), tmp_path, InProcessExecutor(), progress=False)
    (tmp_path / "manifest.json").unlink()
    longer = tiny("baseline", timing__horizon_weeks=10)  # other --weeks
    with pytest.raises(
        ResultsError, match=r"baseline__r000\.parquet \(scenario hash .*this plan's is"
    ) as refused:
        execute(plan([longer], 2), tmp_path, InProcessExecutor(), progress=False)
    assert "baseline__r001.parquet" in str(refused.value)
    assert not (tmp_path / "manifest.json").exists()  # nothing was written
    # The same settings resume without a word: the files say what they are.
    again = execute(plan([tiny("baseline")], 2), tmp_path, InProcessExecutor(), progress=False)
    assert again.done == [] and len(again.skipped) == 2


def test_load_and_report_refuse_a_folder_with_runs_of_another_plan_naming_them(tmp_path, capsys):
    from barrio.cli import main

    execute(plan([tiny("baseline")], 1), tmp_path / "a", InProcessExecutor(), progress=False)
    execute(plan([tiny("baseline", groups__count=2)], 2), tmp_path / "b", InProcessExecutor(), progress=False)
    # Another batch's files copied in (or written by a batch that ran at the same instant).
    for part in (tmp_path / "b" / "runs").glob("*.parquet"):
        (tmp_path / "a" / "runs" / part.name).write_bytes(part.read_bytes())
    with pytest.raises(ResultsError) as refused:
        load(tmp_path / "a")
    message = str(refused.value)
    assert "baseline__r000.parquet (scenario hash" in message
    assert "baseline__r001.parquet (not a run of this folder's plan)" in message
    assert main(["report", str(tmp_path / "a")]) == 2
    said = capsys.readouterr().err
    assert "holds files that are not runs of its manifest's plan" in said
    assert "move those files out of runs/" in said and "delete" not in said


# -- a manifest damaged or edited: the runs are kept, and the manifest is rebuilt --------------------


def _edit_manifest(folder: Path, edit) -> None:
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text())
    edit(manifest)
    path.write_text(json.dumps(manifest))


def _refused(call) -> str:
    with pytest.raises(ResultsError) as refused:
        call()
    said = str(refused.value)
    assert "delete" not in said and "cannot be rebuilt" not in said
    return said


REBUILD = "run the batch command that made this folder again with the same arguments"


@pytest.mark.parametrize(
    ("damage", "why"),
    [
        (lambda path: path.write_text(path.read_text()[:300]), "damaged (Unterminated string"),
        (lambda path: _edit_manifest(path.parent, lambda m: m.pop("scenarios")), "damaged (no 'scenarios')"),
        (lambda path: _edit_manifest(path.parent, lambda m: m.pop("runs")), "damaged (no 'runs')"),
        (lambda path: path.write_text("[]"), "damaged (not a JSON object)"),
        (
            lambda path: _edit_manifest(path.parent, lambda m: m["runs"][0].update(seed="7")),
            "damaged (run baseline__r000: seed '7' is not a whole number)",
        ),
    ],
)
def test_a_damaged_manifest_is_rebuilt_by_the_same_batch_which_keeps_every_run(tmp_path, damage, why):
    specs = plan([tiny("baseline"), tiny("crackdown")], 2)
    execute(specs, tmp_path, InProcessExecutor(), progress=False)
    table = load(tmp_path)
    damage(tmp_path / "manifest.json")
    for call in (
        lambda: load(tmp_path),
        lambda: execute(specs, tmp_path, InProcessExecutor(), progress=False),
    ):
        said = _refused(call)
        assert said.startswith(f"{tmp_path / 'manifest.json'}: {why}")
        assert "the runs in runs/ are kept. To rebuild it, move manifest.json aside" in said
        assert REBUILD in said and "as many --replicates as made its runs" in said
    # What it advises is true: the same batch rebuilds the manifest and runs nothing again.
    (tmp_path / "manifest.json").rename(tmp_path / "manifest.json.damaged")
    again = execute(specs, tmp_path, InProcessExecutor(), progress=False)
    assert again.done == [] and len(again.skipped) == 4
    pd.testing.assert_frame_equal(load(tmp_path), table)


def test_a_folder_without_its_manifest_says_how_to_rebuild_it_when_it_holds_runs(tmp_path):
    with pytest.raises(ResultsError, match=r"not a Barrio results folder \(no manifest.json\)$"):
        load(tmp_path)  # nothing there: nothing to rebuild
    specs = plan([tiny("baseline")], 2)
    execute(specs, tmp_path, InProcessExecutor(), progress=False)
    (tmp_path / "manifest.json").unlink()
    said = _refused(lambda: load(tmp_path))
    assert "not a Barrio results folder (no manifest.json); its runs/ holds 2 run file(s)" in said
    assert f"To rebuild its manifest, {REBUILD}" in said
    assert execute(specs, tmp_path, InProcessExecutor(), progress=False).skipped == [s.key for s in specs]


def test_a_rebuild_with_fewer_replicates_names_this_plan_s_other_runs_as_such(tmp_path):
    execute(plan([tiny("baseline")], 2), tmp_path, InProcessExecutor(), progress=False)
    (tmp_path / "manifest.json").unlink()
    said = _refused(
        lambda: execute(plan([tiny("baseline")], 1), tmp_path, InProcessExecutor(), progress=False)
    )
    assert (
        "baseline__r001.parquet (replicate 1 of baseline, with this batch's values; this batch asks" in said
    )
    assert "run the command with the arguments that made them" in said


def test_a_rebuilt_manifest_keeps_the_version_that_made_each_run(tmp_path, monkeypatch):
    real = batch.run

    def elsewhere(scenario, seed, **kwargs):  # runs made by another release
        return real(scenario, seed, **kwargs).assign(version="0.0.1")

    monkeypatch.setattr(batch, "run", elsewhere)
    specs = plan([tiny("baseline")], 1)
    execute(specs, tmp_path, InProcessExecutor(), progress=False, allow_other_version=True)
    (tmp_path / "manifest.json").unlink()
    monkeypatch.setattr(batch, "run", real)
    with pytest.raises(ResultsError, match=r"holds runs of Barrio 0\.0\.1, and this is Barrio .*allow-other"):
        execute(specs, tmp_path, InProcessExecutor(), progress=False)
    execute(specs, tmp_path, InProcessExecutor(), progress=False, allow_other_version=True)
    assert [r["version"] for r in batch.read_manifest(tmp_path)["runs"]] == ["0.0.1"]


def test_a_manifest_that_lost_a_run_or_a_seed_is_said_not_to_match_its_runs(tmp_path):
    specs = plan([tiny("baseline"), tiny("crackdown")], 2)
    execute(specs, tmp_path, InProcessExecutor(), progress=False)
    _edit_manifest(tmp_path, lambda m: m.update(runs=[r for r in m["runs"] if r["key"] != "crackdown__r001"]))
    said = _refused(lambda: load(tmp_path))
    assert said.startswith(f"{tmp_path / 'manifest.json'} does not match its runs: crackdown__r001.parquet")
    assert "move manifest.json aside" in said and REBUILD in said and "move those files" not in said
    # The same batch puts the run back in the manifest.
    assert execute(specs, tmp_path, InProcessExecutor(), progress=False).done == []
    assert len(load(tmp_path)) > 0

    _edit_manifest(tmp_path, lambda m: m["runs"][0].update(seed=12345))
    said = _refused(lambda: load(tmp_path))
    assert "does not match its runs: baseline__r000.parquet (made with seed" in said
    assert "the manifest has seed 12345" in said and "move those files" not in said
    said = _refused(lambda: execute(specs, tmp_path, InProcessExecutor(), progress=False))
    assert "does not match its runs: it records baseline__r000 with seed 12345, and its file was made" in said
    assert "use the same --seed" not in said
    (tmp_path / "manifest.json").rename(tmp_path / "manifest.json.damaged")
    assert execute(specs, tmp_path, InProcessExecutor(), progress=False).done == []
    assert len(load(tmp_path)) > 0


def test_a_file_in_runs_that_is_not_a_run_is_named_as_such_and_moved_out_not_redone(tmp_path, capsys):
    from barrio.cli import main

    specs = plan([tiny("baseline")], 1)
    execute(specs, tmp_path, InProcessExecutor(), progress=False)
    (tmp_path / "runs" / "junk.parquet").write_text("not parquet")
    assert main(["report", str(tmp_path)]) == 2
    said = capsys.readouterr().err
    assert "junk.parquet (not a run of this folder's plan, nor a run file Barrio can read)" in said
    assert "move those files out of runs/" in said and "report again" in said
    assert "delete" not in said and "same command" not in said and "redo" not in said
    said = _refused(lambda: execute(specs, tmp_path, InProcessExecutor(), progress=False))
    assert "junk.parquet (not a run of this plan, nor a run file Barrio can read)" in said


def test_a_language_the_report_does_not_speak_is_named_with_where_it_came_from(tmp_path, capsys):
    from barrio.cli import main
    from barrio.experiments.wording import LanguageError, check_language
    from barrio.model.errors import BarrioError

    with pytest.raises(LanguageError, match="language 'fr' is not one of the report's: es, pt, en"):
        check_language("fr")
    assert issubclass(LanguageError, BarrioError) and issubclass(LanguageError, ValueError)
    execute(plan([tiny("baseline")], 1), tmp_path, InProcessExecutor(), progress=False)
    _edit_manifest(tmp_path, lambda m: m.setdefault("description", {}).update(language="fr"))
    assert main(["report", str(tmp_path)]) == 2
    said = capsys.readouterr().err
    assert said.count("\n") == 1 and "Traceback" not in said
    assert f"{tmp_path / 'manifest.json'}: description.language is 'fr', not one of the report's" in said
    assert "(es, pt, en); give --language es|pt|en" in said and "overrides the folder's" in said
    with pytest.raises(SystemExit):
        main(["report", str(tmp_path), "--language", "fr"])
    assert "invalid choice: 'fr'" in capsys.readouterr().err
    # What it says is true: --language overrides the folder's, and the manifest is left as it was.
    assert main(["report", str(tmp_path), "--language", "en"]) == 0
    assert json.loads((tmp_path / "manifest.json").read_text())["description"]["language"] == "fr"


def test_two_batches_cannot_write_one_folder_at_once(tmp_path):
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with folder_lock(tmp_path, {"command": "compare"}):
            holding.set()
            release.wait(30)

    other = threading.Thread(target=hold)
    other.start()
    try:
        assert holding.wait(10)
        with pytest.raises(FolderBusyError, match=rf"being written by another batch \(process {os.getpid()}"):
            execute(plan([tiny("baseline")], 1), tmp_path, InProcessExecutor(), progress=False)
        assert not (tmp_path / "runs").exists()
    finally:
        release.set()
        other.join()
    assert execute(plan([tiny("baseline")], 1), tmp_path, InProcessExecutor(), progress=False).ok


def test_a_lock_left_by_a_batch_killed_with_kill_9_is_taken_over(tmp_path):
    code = (
        "import sys, time; from pathlib import Path; from barrio.experiments.batch import folder_lock\n"
        "with folder_lock(Path(sys.argv[1]), {'command': 'compare'}):\n"
        "    print('locked', flush=True); time.sleep(600)\n"
    )
    holder = subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(FolderBusyError, match=f"process {holder.pid}"):
            execute(plan([tiny("baseline")], 1), tmp_path, InProcessExecutor(), progress=False)
        # A batch that died while writing leaves a temporary file behind.
        (tmp_path / "runs").mkdir()
        left = tmp_path / "runs" / ".baseline__r000.parquet.abc123.part"
        left.write_bytes(b"half a file")
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
        holder.stdout.close()
    assert (tmp_path / ".lock-owner.json").exists()  # what kill -9 leaves
    assert execute(plan([tiny("baseline")], 1), tmp_path, InProcessExecutor(), progress=False).ok
    assert not left.exists()
    assert not (tmp_path / ".lock-owner.json").exists()


# -- nothing thrown away -------------------------------------------------------------------------


def test_a_results_folder_that_cannot_be_written_is_said_before_anything_runs(tmp_path):
    a_file = tmp_path / "taken"
    a_file.write_text("not a folder")
    for out, why in ((a_file, "it is a file, not a folder"), (Path("/proc/barrio-test"), "cannot write")):
        with pytest.raises(OutputError, match=why):
            writable_folder(out)
        with pytest.raises(OutputError, match=f"cannot write into the results folder {out}"):
            execute(plan([tiny("baseline")], 1), out, InProcessExecutor(), progress=False)


def test_a_full_disk_stops_the_batch_with_a_message_and_keeps_what_finished(tmp_path, monkeypatch):
    real, written = batch._write_part, []

    def fills_up(table, path, spec):
        if written:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(table, path, spec)
        written.append(spec.key)

    monkeypatch.setattr(batch, "_write_part", fills_up)
    with pytest.raises(OutputError, match="No space left on device; the runs finished before are kept"):
        execute(plan([tiny("baseline")], 3), tmp_path, InProcessExecutor(), progress=False)
    assert [p.stem for p in (tmp_path / "runs").glob("*.parquet")] == written
    assert not list((tmp_path / "runs").glob(".*.part"))
    monkeypatch.setattr(batch, "_write_part", real)
    assert len(execute(plan([tiny("baseline")], 3), tmp_path, InProcessExecutor(), progress=False).done) == 2


def test_ctrl_c_stops_the_batch_and_keeps_what_finished(tmp_path, monkeypatch):
    real, calls = batch.run, []

    def interrupted(scenario, seed, **kwargs):
        calls.append(seed)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(scenario, seed, **kwargs)

    monkeypatch.setattr(batch, "run", interrupted)
    with pytest.raises(BatchInterrupted) as stopped:
        execute(plan([tiny("baseline")], 3), tmp_path, InProcessExecutor(), progress=False)
    assert str(stopped.value).startswith(f"stopped: 1 of 3 run(s) finished and kept in {tmp_path}")
    assert len(list((tmp_path / "runs").glob("*.parquet"))) == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"time_limit": float("nan")}, "time_limit must be a number of seconds above 0"),
        ({"time_limit": 0}, "time_limit must be a number of seconds above 0"),
        ({"out": ""}, "out is empty"),
        ({"seed": 2**64}, "seed must be a whole number from 0 to"),
    ],
)
def test_batch_options_that_would_lose_work_are_refused_at_once(tmp_path, kwargs, message):
    with pytest.raises(ValueError, match=message):
        compare(["baseline"], replicates=1, progress=False, **{"out": tmp_path / "o", **kwargs})
    assert not (tmp_path / "o").exists()


# -- plans checked first -------------------------------------------------------------------------


@pytest.fixture
def eight_gb(monkeypatch):
    """A machine with 8 GB to spare, as the one where these plans had to be killed."""
    monkeypatch.setenv(capacity.MEMORY_ENV, "8GB")


def _quick(call) -> capacity.PlanTooLargeError:
    started = time.monotonic()
    with pytest.raises(capacity.PlanTooLargeError) as refused:
        call()
    assert time.monotonic() - started < 10
    return refused.value


def test_a_sweep_of_a_billion_points_is_refused_before_any_point_is_made(tmp_path, eight_gb):
    paths = ("policing.punitive_intensity", "programmes.cash.amount", "neighbourhood.state_presence")
    axes = {path: {"start": 0.1, "stop": 0.9, "steps": 1000} for path in paths}
    err = _quick(lambda: sweep({"name": "huge", "vary": axes}, out=tmp_path / "o", progress=False))
    assert "a sweep of 1,000,000,000 point(s), 5,000,000,000 run(s) in all would need about" in str(err)
    assert "--force" in str(err) and not (tmp_path / "o").exists()
    lhs = {"n": 100_000, "levers": {"policing.punitive_intensity": [0.1, 0.9]}}
    experiment = {"name": "lhs", "sample": lhs, "replicates": 10_000}
    err = _quick(lambda: sweep(experiment, out=tmp_path / "o", progress=False))
    assert "1,000,000,000 run(s) in all" in str(err)


def test_a_hundred_million_replicates_are_refused(tmp_path, eight_gb):
    err = _quick(lambda: compare(["baseline"], replicates=100_000_000, out=tmp_path / "o", progress=False))
    assert "compare of 1 scenario(s) x 100,000,000 replicate(s)" in str(err) and "fewer runs" in str(err)


def test_a_hundred_jobs_are_refused_and_more_jobs_than_cores_are_said(tmp_path, eight_gb, caplog):
    err = _quick(lambda: compare(["baseline"], replicates=100, jobs=100, out=tmp_path / "o", progress=False))
    assert "fewer --jobs (now 100)" in str(err)
    from barrio.experiments.execution import executor

    with executor(jobs=(os.cpu_count() or 1) + 1):
        pass
    assert f"is more than this machine's {os.cpu_count()} core(s)" in caplog.text


def test_a_population_of_twenty_million_is_refused_by_run_and_validate(tmp_path, eight_gb, capsys):
    from barrio.cli import main

    file = tmp_path / "city.yaml"
    file.write_text("neighbourhood: {population: 20000000, width: 1000, height: 1000}\n", encoding="utf-8")
    assert main(["run", str(file), "--out", str(tmp_path / "o"), "-q"]) == 2
    assert "a smaller --population (the largest is 20,000,000 residents)" in capsys.readouterr().err
    assert main(["validate", str(file)]) == 1
    assert "would need about" in capsys.readouterr().err


def test_force_goes_ahead_with_a_warning(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv(capacity.MEMORY_ENV, "1MB")
    scenario = Scenario("baseline", Params.build(TINY))
    with pytest.raises(capacity.PlanTooLargeError):
        compare([scenario], replicates=1, out=tmp_path, jobs=1, progress=False)
    results = compare([scenario], replicates=1, out=tmp_path, jobs=1, progress=False, force=True)
    assert results.batch.done == ["baseline__r000"] and "Going ahead (--force)" in caplog.text
    monkeypatch.setenv(capacity.MEMORY_ENV, "lots")
    with pytest.raises(capacity.PlanTooLargeError, match="not an amount of memory"):
        capacity.available_bytes()


# -- no orphans ----------------------------------------------------------------------------------

COMPARE = [sys.executable, "-m", "barrio.cli", "compare", "baseline", "mano_dura", "--replicates", "6"]
COMPARE += ["--population", "4000", "--warmup", "10", "--weeks", "40", "-q"]


@pytest.mark.slow
def test_pool_workers_exit_when_the_batch_is_killed_with_kill_9(tmp_path):
    process = subprocess.Popen([*COMPARE, "--jobs", "2", "--out", str(tmp_path)], stderr=subprocess.DEVNULL)
    parent = psutil.Process(process.pid)
    deadline = time.monotonic() + 120
    while len(parent.children()) < 3 and time.monotonic() < deadline:  # two workers and the tracker
        time.sleep(0.1)
    children = parent.children(recursive=True)
    assert len(children) >= 3, "the pool did not start"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    # Workers notice within a second on a quiet machine; a loaded one (a CI neighbour) may be slower.
    _, alive = psutil.wait_procs(children, timeout=30)
    assert alive == [], f"orphans still running: {[p.cmdline()[-2:] for p in alive]}"


@pytest.mark.slow
def test_ctrl_c_stops_a_pool_batch_with_a_one_line_summary(tmp_path):
    process = subprocess.Popen(
        [*COMPARE, "--jobs", "2", "--out", str(tmp_path)],
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while not list((tmp_path / "runs").glob("*.parquet")) and time.monotonic() < deadline:
        time.sleep(0.05)
    children = psutil.Process(process.pid).children(recursive=True)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    kept = len(list((tmp_path / "runs").glob("*.parquet")))
    assert f"barrio: stopped: {kept} of 12 run(s) finished and kept in {tmp_path}" in err
    assert psutil.wait_procs(children, timeout=15)[1] == []
    assert not list((tmp_path / "runs").glob(".*.part"))
