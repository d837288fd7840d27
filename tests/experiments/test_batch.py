"""Batches: paired seeds, results written at once, resuming, failures, executors."""

import json
import os
import platform
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from barrio import experiments
from barrio.experiments import batch
from barrio.experiments.batch import ResultsError, execute, load, plan, replicate_seeds
from barrio.experiments.effects import per_replicate
from barrio.experiments.execution import InProcessExecutor, executor
from barrio.experiments.report import write_report
from barrio.model import Params, Scenario
from barrio.model.provenance import code_identity
from barrio.model.scenario import Event

TINY = {
    "neighbourhood": {"width": 10, "height": 10, "population": 600},
    "timing": {"warmup_weeks": 4, "horizon_weeks": 8},
}


def tiny(name: str, **changes) -> Scenario:
    params = Params.build(TINY).replace(**changes) if changes else Params.build(TINY)
    timeline = (Event(week=2, set={"policing.punitive_intensity": 0.9}),) if name == "crackdown" else ()
    return Scenario(name, params, timeline)


def test_replicate_i_has_the_same_seed_in_every_scenario_and_replicates_differ():
    specs = plan([tiny("a"), tiny("b")], replicates=3, root_seed=7)
    seeds = {(s.scenario.name, s.replicate): s.seed for s in specs}
    assert [seeds[("a", i)] for i in range(3)] == [seeds[("b", i)] for i in range(3)]
    assert len({seeds[("a", i)] for i in range(3)}) == 3
    assert replicate_seeds(7, 3) == replicate_seeds(7, 5)[:3]  # more replicates keep the first ones
    assert replicate_seeds(7, 3) != replicate_seeds(8, 3)
    with pytest.raises(ValueError, match="unique"):
        plan([tiny("a"), tiny("a")], replicates=1)


def test_a_batch_writes_every_run_and_a_second_call_skips_them_all(tmp_path):
    specs = plan([tiny("baseline"), tiny("crackdown")], replicates=2)
    first = execute(specs, tmp_path, InProcessExecutor(), progress=False)
    assert first.ok and sorted(first.done) == sorted(s.key for s in specs)
    table = experiments.load(tmp_path)
    assert set(table.scenario) == {"baseline", "crackdown"} and set(table.replicate) == {0, 1}
    assert len(table) == 4 * len(load(tmp_path).query("scenario == 'baseline' and replicate == 0"))
    again = execute(specs, tmp_path, InProcessExecutor(), progress=False)
    assert again.done == [] and sorted(again.skipped) == sorted(s.key for s in specs)
    pd.testing.assert_frame_equal(load(tmp_path), table)
    manifest = batch.read_manifest(tmp_path)
    assert set(manifest["scenarios"]) == {"baseline", "crackdown"}
    assert manifest["scenarios"]["crackdown"]["hash"] == tiny("crackdown").hash
    assert {r["seed"] for r in manifest["runs"]} == {s.seed for s in specs}
    assert manifest["environment"]["packages"]["numpy"] == np.__version__
    assert manifest["environment"]["python"] == platform.python_version()
    assert manifest["code"] == code_identity().to_dict()
    assert {r["version"] for r in manifest["runs"]} == {code_identity().version} == set(table.version)


def test_a_batch_keeps_no_finished_runs_table_once_it_is_written(tmp_path, monkeypatch):
    import gc
    import weakref

    written, alive_before = [], []
    write = batch._write_part

    def watching(table, path, spec):
        # When a run is written, every run written before it must be gone from memory.
        gc.collect()
        alive_before.append(sum(ref() is not None for ref in written))
        written.append(weakref.ref(table))
        write(table, path, spec)

    monkeypatch.setattr(batch, "_write_part", watching)
    specs = plan([tiny("baseline"), tiny("crackdown")], replicates=3)
    assert execute(specs, tmp_path, InProcessExecutor(), progress=False).ok
    assert len(written) == 6 and alive_before == [0] * 6


def test_load_can_read_only_some_outcomes_and_summarise_each_run_as_it_reads(tmp_path):
    specs = plan([tiny("baseline"), tiny("crackdown")], replicates=2)
    for spec in specs:  # levers given as a sweep gives them: columns of the run's table
        object.__setattr__(spec, "levers", {"point": 3, "policing.units_per_10k": 2.5})
    execute(specs, tmp_path, InProcessExecutor(), progress=False)
    whole = load(tmp_path)
    assert set(whole["point"]) == {3} and set(whole["policing.units_per_10k"]) == {2.5}
    wanted = ["arrests", "homicides"]
    some = load(tmp_path, wanted)
    assert set(some.outcome) == set(wanted)
    assert list(some.columns) == ["scenario", "replicate", "week", "outcome", "value"]
    expected = whole[whole.outcome.isin(wanted)][some.columns].reset_index(drop=True)
    expected["outcome"] = expected.outcome.astype(str)
    got = some.assign(outcome=some.outcome.astype(str))
    pd.testing.assert_frame_equal(got, expected)
    means = load(tmp_path, wanted, each=per_replicate)
    assert len(means) == 2 * 2 * len(wanted)  # scenarios x replicates x outcomes, no weeks
    keys = ["scenario", "replicate", "outcome"]
    direct = per_replicate(whole, wanted).assign(outcome=lambda t: t.outcome.astype(str))
    means = means.assign(outcome=means.outcome.astype(str))
    pd.testing.assert_frame_equal(
        means.sort_values(keys, ignore_index=True), direct.sort_values(keys, ignore_index=True)
    )


def test_a_failing_run_is_recorded_with_its_traceback_and_the_rest_complete(tmp_path, monkeypatch):
    real = batch.run

    def flaky(scenario, seed, **kwargs):
        if scenario.name == "broken":
            raise RuntimeError("the model fell over")
        return real(scenario, seed, **kwargs)

    monkeypatch.setattr(batch, "run", flaky)
    specs = plan([tiny("baseline"), tiny("broken")], replicates=2)
    result = execute(specs, tmp_path, InProcessExecutor(), progress=False)
    assert not result.ok
    assert sorted(result.failed) == ["broken__r000", "broken__r001"]
    assert sorted(result.done) == ["baseline__r000", "baseline__r001"]
    text = (tmp_path / "failed" / "broken__r000.txt").read_text()
    assert "RuntimeError: the model fell over" in text and "Traceback" in text
    assert set(load(tmp_path).scenario) == {"baseline"}
    # Mended, the same batch completes only what failed and clears the failure records.
    monkeypatch.setattr(batch, "run", real)
    again = execute(specs, tmp_path, InProcessExecutor(), progress=False)
    assert sorted(again.done) == ["broken__r000", "broken__r001"] and len(again.skipped) == 2
    assert not list((tmp_path / "failed").glob("*.txt"))


def test_a_run_past_its_time_limit_fails_and_the_batch_goes_on(tmp_path):
    result = execute(
        plan([tiny("baseline")], 1), tmp_path, InProcessExecutor(), time_limit=1e-9, progress=False
    )
    assert list(result.failed) == ["baseline__r000"]
    assert "time limit" in result.failed["baseline__r000"]


def test_a_folder_of_another_batch_is_refused_and_damage_is_named(tmp_path):
    execute(plan([tiny("baseline")], 1), tmp_path, InProcessExecutor(), progress=False)
    other = tiny("baseline", policing__units_per_10k=20)
    with pytest.raises(ResultsError, match="other values"):
        execute(plan([other], 1), tmp_path, InProcessExecutor(), progress=False)
    with pytest.raises(ResultsError, match="same --seed"):
        execute(plan([tiny("baseline")], 1, root_seed=5), tmp_path, InProcessExecutor(), progress=False)
    part = tmp_path / "runs" / "baseline__r000.parquet"
    part.write_bytes(part.read_bytes()[:100])  # a damaged file, as a full disk might leave
    # Read by a report, which redoes no run: the batch command that made the folder does.
    with pytest.raises(ResultsError, match=r"baseline__r000\.parquet: cannot be read") as refused:
        load(tmp_path)
    said = str(refused.value)
    assert "It is baseline__r000, one of this folder's runs: move it out of runs/ and run the batch" in said
    assert "then report again" in said and "delete" not in said and "same command" not in said
    # Read by the batch itself: the same command redoes it.
    with pytest.raises(ResultsError, match=r"one of this batch's runs: move it out of runs/ and run this"):
        execute(plan([tiny("baseline")], 1), tmp_path, InProcessExecutor(), progress=False)
    with pytest.raises(ResultsError, match="not a Barrio results folder"):
        load(tmp_path / "runs")


def as_if_written_by(folder, **code) -> None:
    """Make a results folder look as if another version of the code had written it."""
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["code"] = {**manifest["code"], **code}
    manifest["barrio_version"] = manifest["code"]["version"]
    for run in manifest["runs"]:
        run["version"] = manifest["code"]["version"]
    path.write_text(json.dumps(manifest))


@pytest.mark.parametrize(
    ("code", "why"),
    [
        ({"version": "0.1.0+gfeedbeef0", "commit": "feedbeef" * 5, "changes": None}, "another version"),
        (
            {"version": "0.2.0+gsame.dirty-0123456789ab", "changes": "0123456789ab"},
            "other uncommitted changes",
        ),
        ({"version": "0.1.0", "source": "package", "commit": None, "changes": None}, "another version"),
    ],
)
def test_a_folder_of_runs_by_other_code_is_refused_unless_allowed(tmp_path, code, why):
    specs = plan([tiny("baseline")], 2)
    execute(specs[:1], tmp_path, InProcessExecutor(), progress=False)
    now = code_identity()
    if "commit" not in code:  # the same commit as this checkout, with other changes
        code = {**code, "commit": now.commit or "0" * 40, "source": "git"}
        if now.commit is None:
            pytest.skip("this code is not a git checkout: no commit to share")
    as_if_written_by(tmp_path, **code)
    with pytest.raises(ResultsError) as refused:
        execute(specs, tmp_path, InProcessExecutor(), progress=False)
    message = str(refused.value)
    assert f"holds runs of Barrio {code['version']}, and this is Barrio {now.version}" in message
    assert why in message and "--allow-other-version" in message
    assert not (tmp_path / "runs" / f"{specs[1].key}.parquet").exists()  # nothing ran
    # Forced, the missing run is added under this version and the finished one keeps its own.
    forced = execute(specs, tmp_path, InProcessExecutor(), progress=False, allow_other_version=True)
    assert forced.done == [specs[1].key] and forced.skipped == [specs[0].key]
    manifest = batch.read_manifest(tmp_path)
    runs = {r["key"]: r["version"] for r in manifest["runs"]}
    assert runs == {specs[0].key: code["version"], specs[1].key: now.version}
    assert manifest["code"]["version"] == now.version  # the folder now names this code
    report = write_report(tmp_path)["markdown"].read_text()
    assert f"runs of 2 versions of the code ({', '.join(sorted([code['version'], now.version]))})" in report


def test_the_same_edited_tree_resumes_without_being_asked(tmp_path):
    specs = plan([tiny("baseline")], 2)
    execute(specs[:1], tmp_path, InProcessExecutor(), progress=False)
    as_if_written_by(tmp_path, **code_identity().to_dict())  # the same identity, written again
    again = execute(specs, tmp_path, InProcessExecutor(), progress=False)
    assert again.done == [specs[1].key]


def test_a_run_made_by_a_worker_of_other_code_is_said_and_recorded_as_such(tmp_path, monkeypatch, caplog):
    real = batch.run

    def elsewhere(scenario, seed, **kwargs):  # as a Dask worker running another release would
        table = real(scenario, seed, **kwargs)
        table["version"] = "0.0.1" if scenario.name == "crackdown" else table["version"]
        return table

    monkeypatch.setattr(batch, "run", elsewhere)
    execute(plan([tiny("baseline"), tiny("crackdown")], 1), tmp_path, InProcessExecutor(), progress=False)
    assert "crackdown__r000 was made by Barrio 0.0.1, not Barrio" in caplog.text
    runs = {r["key"]: r["version"] for r in batch.read_manifest(tmp_path)["runs"]}
    assert runs == {"baseline__r000": code_identity().version, "crackdown__r000": "0.0.1"}
    logged = [json.loads(line) for line in (tmp_path / "log.jsonl").read_text().splitlines()]
    assert {entry["key"]: entry["version"] for entry in logged} == runs
    assert "runs of 2 versions of the code" in write_report(tmp_path)["markdown"].read_text()


def test_the_folder_can_be_queried_in_place_with_duckdb(tmp_path):
    duckdb = pytest.importorskip("duckdb")
    execute(plan([tiny("baseline"), tiny("crackdown")], 2), tmp_path, InProcessExecutor(), progress=False)
    query = f"select count(*) from read_parquet('{tmp_path}/runs/*.parquet') where outcome = 'arrests'"
    # duckdb 2.0 relations have no fetchone() ("a relation keeps no result between calls").
    [(count,)] = duckdb.sql(query).fetchall()
    table = load(tmp_path)
    assert count == (table.outcome == "arrests").sum()


def test_serial_process_pool_and_dask_cluster_give_identical_tables(tmp_path):
    distributed = pytest.importorskip("distributed")
    specs = plan([tiny("baseline"), tiny("crackdown")], replicates=2)
    with executor(jobs=1) as pool:
        execute(specs, tmp_path / "serial", pool, progress=False)
    with executor(jobs=2) as pool:
        execute(specs, tmp_path / "pool", pool, progress=False)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None, processes=True
        ) as cluster,
        executor(scheduler=cluster.scheduler_address) as pool,
    ):
        execute(specs, tmp_path / "dask", pool, progress=False)
    serial = load(tmp_path / "serial")
    pd.testing.assert_frame_equal(load(tmp_path / "pool"), serial)
    pd.testing.assert_frame_equal(load(tmp_path / "dask"), serial)


def test_a_batch_killed_mid_way_resumes_to_the_same_table(tmp_path):
    """A real kill -9 of ``barrio compare`` while it works, then the same command again."""
    command = [
        sys.executable,
        "-m",
        "barrio.cli",
        "compare",
        "baseline",
        "mano_dura",
        "--replicates",
        "4",
        "--population",
        "4000",
        "--warmup",
        "10",
        "--weeks",
        "50",
        "--jobs",
        "1",
        "-q",
    ]
    whole, killed = tmp_path / "whole", tmp_path / "killed"
    subprocess.run([*command, "--out", str(whole)], check=True, capture_output=True, timeout=600)

    process = subprocess.Popen(
        [*command, "--out", str(killed)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.time() + 300
    while not list((killed / "runs").glob("*.parquet")) and time.time() < deadline:
        time.sleep(0.01)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    finished = len(list((killed / "runs").glob("*.parquet")))
    assert 1 <= finished < 8, "the batch should have been killed part-way"

    done = subprocess.run(
        [*command, "--out", str(killed)], check=True, capture_output=True, text=True, timeout=600
    )
    assert f"{8 - finished} run(s) done, {finished} already there, 0 failed" in done.stdout
    pd.testing.assert_frame_equal(load(killed), load(whole))
    assert Path(killed / "report.html").exists()


def test_run_seconds_are_each_finished_run_s_last_attempt_from_the_log(tmp_path):
    lines = [
        {
            "key": "a",
            "status": "done",
            "started": "2026-12-05T10:00:00+00:00",
            "finished": "2026-12-05T10:00:02.5+00:00",
        },
        # "b" was cut short, then made again: its finished attempt counts.
        {
            "key": "b",
            "status": "interrupted",
            "started": "2026-12-05T10:00:00+00:00",
            "finished": "2026-12-05T10:00:09+00:00",
        },
        {
            "key": "b",
            "status": "done",
            "started": "2026-12-05T11:00:00+00:00",
            "finished": "2026-12-05T11:00:04+00:00",
        },
        {
            "key": "c",
            "status": "failed",
            "started": "2026-12-05T10:00:00+00:00",
            "finished": "2026-12-05T10:00:01+00:00",
        },
    ]
    text = (
        "".join(json.dumps(line) + "\n" for line in lines) + '{"key": "d", "status": "do'
    )  # a kill mid-line
    (tmp_path / batch.LOG_FILE).write_text(text)
    assert batch.run_seconds(tmp_path) == {"a": 2.5, "b": 4.0}
    assert batch.run_seconds(tmp_path / "nowhere") == {}
    # The next batch's first line starts on a line of its own, not glued to the torn one.
    batch._log(tmp_path, SimpleNamespace(key="e"), "done", 1_700_000_000.0, 1_700_000_006.0, "v")
    assert batch.run_seconds(tmp_path) == {"a": 2.5, "b": 4.0, "e": 6.0}
    # A run never started, bytes that are not text, a clock that went back: skipped, not fatal.
    with (tmp_path / batch.LOG_FILE).open("ab") as file:
        file.write(
            b'{"key": "f", "status": "done", "started": null, "finished": "2026-12-05T10:00:00+00:00"}\n'
        )
        file.write(b"\xff\xfe not text\n")
        file.write(b'{"key": "g", "status": "done", "started": "2026-12-05T10:00:09+00:00", ')
        file.write(b'"finished": "2026-12-05T10:00:00+00:00"}\n')
    assert batch.run_seconds(tmp_path) == {"a": 2.5, "b": 4.0, "e": 6.0}


def test_a_batch_that_adds_scenarios_names_a_few_and_counts_the_rest(tmp_path):
    held = {f"baseline-x{k:02d}": {"hash": "h"} for k in range(50)}
    adds = [SimpleNamespace(scenario=SimpleNamespace(name=f"baseline-x{k}")) for k in range(50, 110)]
    with pytest.raises(ResultsError) as caught:
        batch._check_plan(tmp_path, {"scenarios": held, "runs": []}, adds)
    said = str(caught.value)
    assert said.startswith(
        f"{tmp_path} holds a batch of 50 scenarios (baseline-x00, baseline-x01, baseline-x02 and 47 more), "
        "and this one adds 60 (baseline-x50, baseline-x51, baseline-x52 and 57 more). Results of two plans"
    )
    # A few are all named.
    with pytest.raises(ResultsError, match=r"holds a batch of a, b, and this one adds c\. Results"):
        only = [SimpleNamespace(scenario=SimpleNamespace(name="c"))]
        batch._check_plan(tmp_path, {"scenarios": {"a": {}, "b": {}}, "runs": []}, only)
