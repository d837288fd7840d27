"""Batches of runs whose results are never lost.

A batch is a list of :class:`RunSpec` (a scenario, a replicate number and its seed). Replicate
*i* of every scenario gets the same seed, spawned from one root seed with
``numpy.random.SeedSequence``, so that differences between scenarios are paired (common
random numbers). Each finished run is written at once to ``DIR/runs/<scenario>__r<i>.parquet``
(to a temporary name, then renamed); a run that raises is written to ``DIR/failed/`` with its
traceback and the batch goes on. Running the same batch on the same folder again skips
finished runs, so a batch killed at any moment resumes without repeating or losing a run.

``DIR/manifest.json`` records what the batch is (scenarios with their resolved values and
hashes, seeds; what the command asked, such as the report's baseline and language), the
code that ran it (:func:`model.provenance.code_identity`: the version, and in a checkout the
commit and any uncommitted changes) and the environment (Python, the operating system, every
installed package with its version); ``DIR/log.jsonl`` records when
each run started and finished. Runs of two versions of the code are not mixed in one folder
unless asked (``allow_other_version``). :func:`load` reads the folder back as one tidy table.

A folder holds one plan. Each run's file carries its identity (key, scenario hash, seed) in
its Parquet metadata; resuming, :func:`load` and the report check every file against the
manifest and refuse a folder with runs of another plan, naming them. A lock file stops two
batches writing one folder at once; the operating system releases it when its process dies,
however it dies, and the next batch then removes the dead one's temporary files.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import socket
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import filelock
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from tqdm.auto import tqdm

from barrio.experiments.output import OutputError, atomic_write, inside, writable_folder
from barrio.model.errors import BarrioError
from barrio.model.provenance import CodeIdentity, code_identity, environment
from barrio.model.run import run
from barrio.model.scenario import Scenario

__all__ = [
    "MAX_SEED",
    "BatchError",
    "BatchInterrupted",
    "BatchResult",
    "FolderBusyError",
    "ResultsError",
    "RunSpec",
    "RunTimeoutError",
    "execute",
    "load",
    "plan",
    "read_manifest",
    "replicate_seeds",
    "run_one",
    "run_seconds",
    "run_version",
]

MANIFEST = "manifest.json"
#: When each run started and finished, one JSON line per run attempt.
LOG_FILE = "log.jsonl"
#: Items of a manifest's description that a later command on the folder replaces (the others
#: keep the folder's first: its baseline, its root seed). An exploration's discovery is only
#: what its report looks for, so a file that asks for another gets it on the same runs.
LATEST_WINS = ("language", "discovery")
#: The lock a batch holds on its folder while it writes (the operating system's, so a batch
#: killed with kill -9 leaves no lock behind), and who holds it.
LOCK, OWNER = ".lock", ".lock-owner.json"
#: Largest seed: run tables store seeds as 64-bit signed integers.
MAX_SEED = 2**63 - 1
#: Parquet metadata key of a run file's identity.
RUN_METADATA = b"barrio.run"

log = logging.getLogger(__name__)


class BatchError(BarrioError, ValueError):
    """A batch cannot be run as asked (two scenarios with one name, a baseline not among them)."""


class ResultsError(BarrioError, ValueError):
    """A results folder cannot be used as asked (another batch's or another code's folder, a damaged file)."""


class FolderBusyError(ResultsError):
    """Another batch is writing the results folder now."""


class RunTimeoutError(BarrioError, RuntimeError):
    """A run went past its time limit."""


class RunStoppedError(BarrioError, RuntimeError):
    """A run was stopped because its batch was interrupted (Ctrl-C)."""


class BatchInterrupted(KeyboardInterrupt):
    """Ctrl-C stopped a batch; what had finished is kept.

    A ``KeyboardInterrupt`` (not a :class:`BarrioError`) so that ``except Exception`` does not
    swallow the user's Ctrl-C.

    Attributes:
        folder: The results folder.
        result: What the batch did before it was stopped.
        total: Runs in the batch.
    """

    def __init__(self, folder: Path, result: BatchResult, total: int) -> None:
        self.folder, self.result, self.total = folder, result, total
        kept = len(result.done) + len(result.skipped)
        super().__init__(
            f"stopped: {kept} of {total} run(s) finished and kept in {folder} ({len(result.done)} in this "
            "session); run the same command again to complete the rest"
        )


#: Set when a batch is interrupted, so that a run in this process stops at its next week.
_STOP = threading.Event()


@dataclass(frozen=True)
class RunSpec:
    """One run of a batch.

    Attributes:
        scenario: What to run.
        replicate: Replicate number (0-based); the same number means the same seed.
        seed: The run's seed (``barrio run --seed`` reproduces it alone).
        levers: Lever values a sweep set for this run, recorded as columns of its table.
    """

    scenario: Scenario
    replicate: int
    seed: int
    levers: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """The run's name in the results folder."""
        return f"{self.scenario.name}__r{self.replicate:03d}"


def replicate_seeds(root: int, replicates: int) -> list[int]:
    """One seed per replicate, spawned from ``SeedSequence(root)`` (independent streams)."""
    children = np.random.SeedSequence(root).spawn(replicates)
    return [int(child.generate_state(1, np.uint64)[0] >> np.uint64(1)) for child in children]


def plan(scenarios: Sequence[Scenario], replicates: int, root_seed: int = 0) -> list[RunSpec]:
    """Every scenario ``replicates`` times, replicate *i* with the same seed in every scenario.

    Raises:
        BatchError: If two scenarios share a name (their results would share files).
    """
    names = [s.name for s in scenarios]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise BatchError(f"scenario names must be unique in a batch; given twice: {', '.join(twice)}")
    seeds = replicate_seeds(root_seed, replicates)
    return [RunSpec(s, i, seed) for s in scenarios for i, seed in enumerate(seeds)]


def run_one(spec: RunSpec, time_limit: float | None = None) -> tuple[pd.DataFrame, float, float]:
    """Run one spec (in whatever process the executor chose).

    Returns:
        The run's table (with ``replicate`` and any swept levers as columns), and its start
        and end times (seconds since the epoch).

    Raises:
        RunTimeoutError: If the run takes longer than ``time_limit`` seconds.
    """
    started = time.time()
    clock = time.monotonic()  # the limit is timed on a clock that cannot jump

    def check(_model) -> None:
        if _STOP.is_set():
            raise RunStoppedError(f"{spec.key} was stopped with its batch")
        if time_limit is not None and time.monotonic() - clock > time_limit:
            raise RunTimeoutError(f"{spec.key} went past its time limit of {time_limit:g} s")

    table = run(spec.scenario, spec.seed, on_week=check)
    # All columns in one step, with the resolved scenario (attrs) set aside meanwhile: pandas
    # deep-copies attrs on every column it inserts, and a sweep may set dozens of levers.
    resolved, table.attrs = table.attrs, {}
    table = table.assign(replicate=spec.replicate, **spec.levers)
    table.attrs = resolved
    # Ended by the clock that cannot jump, so that the log's durations are the run's own.
    return table, started, started + (time.monotonic() - clock)


@dataclass
class BatchResult:
    """What a call to :func:`execute` did."""

    done: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when no run failed."""
        return not self.failed


def execute(
    specs: Sequence[RunSpec],
    out: Path | str,
    pool: Executor,
    *,
    time_limit: float | None = None,
    progress: bool = True,
    description: dict[str, Any] | None = None,
    allow_other_version: bool = False,
    prepare: Callable[[Path], Any] | None = None,
) -> BatchResult:
    """Run what is not yet in ``out``, writing each run as soon as it finishes.

    Args:
        specs: The batch.
        out: Results folder (created if needed).
        pool: Where runs execute (see :func:`experiments.execution.executor`).
        time_limit: Seconds (more than 0) after which a run is stopped and recorded as failed.
        progress: Show a progress bar (runs done, failed, time left).
        description: Extra items for the manifest (the command, an experiment file).
        allow_other_version: Add to a folder whose runs were made by other code (another
            commit, other uncommitted changes, another release). Each run's table and its
            manifest entry keep the version that made it.
        prepare: Called with ``out`` once the folder is checked and its manifest written,
            before any run: what the batch's analysis needs besides its runs (an
            exploration's design), so that a batch stopped part way can be read.

    Raises:
        ResultsError: If ``out`` holds another plan's runs (other scenarios, values or
            seeds), or runs of other code and ``allow_other_version`` is false.
        FolderBusyError: If another batch is writing ``out`` now.
        OutputError: If ``out`` cannot be written (not a folder, read-only, full).
        BatchInterrupted: On Ctrl-C, after stopping the runs; finished runs are kept.
    """
    _check_time_limit(time_limit)
    out = writable_folder(out, "results folder")
    with folder_lock(out, description):
        old = _read_manifest(out, required=False)
        _check_plan(out, old, specs)
        # A manifest being rebuilt (moved aside): each finished run's own table says what made it.
        made = {} if old else _versions_of_runs(out)
        _check_code(out, old, allow_other_version, made)
        _remove_leftovers(out)
        runs = inside(out, out / "runs")
        runs.mkdir(exist_ok=True)
        _check_runs(out, old, specs)
        _write_manifest(out, old, specs, description or {}, made)
        if prepare is not None:
            prepare(out)
        return _run_all(specs, out, pool, time_limit, progress)


def _run_all(
    specs: Sequence[RunSpec], out: Path, pool: Executor, time_limit: float | None, progress: bool
) -> BatchResult:
    result = BatchResult()
    todo = []
    for spec in specs:
        if _run_path(out, spec.key).exists():
            result.skipped.append(spec.key)
        else:
            todo.append(spec)
    bar = tqdm(total=len(specs), initial=len(result.skipped), unit="run", disable=not progress)
    _STOP.clear()
    futures = {pool.submit(run_one, spec, time_limit): spec for spec in todo}
    made_by: dict[str, str] = {}  # the version each finished run's own process reported
    try:
        for future in as_completed(futures):
            # Let go of the future once its run is written: it holds the run's table, and an
            # exploration of thousands of runs kept them all (11 MB a run at 100,000 residents).
            spec = futures.pop(future)
            try:
                table, started, finished = future.result()
            except Exception as err:  # any failure of one run is recorded, not fatal
                text = "".join(traceback.format_exception(err))
                _write(
                    out, inside(out, out / "failed" / f"{spec.key}.txt"), lambda p, t=text: p.write_text(t)
                )
                result.failed[spec.key] = f"{type(err).__name__}: {err}"
                _log(out, spec, "failed", None, time.time())
            else:
                _write(out, _run_path(out, spec.key), lambda p, t=table, s=spec: _write_part(t, p, s))
                (out / "failed" / f"{spec.key}.txt").unlink(missing_ok=True)
                result.done.append(spec.key)
                made_by[spec.key] = str(table["version"].iloc[0])
                _log(out, spec, "done", started, finished, made_by[spec.key])
            bar.update()
            bar.set_postfix(failed=len(result.failed))
    except KeyboardInterrupt:
        _stop(pool, futures)
        raise BatchInterrupted(out, result, len(specs)) from None
    except BaseException:
        _stop(pool, futures)
        raise
    finally:
        bar.close()
        for future in futures:
            future.cancel()
        with contextlib.suppress(OSError, ResultsError):  # a full disk was said already
            _record_versions(out, made_by)
    return result


def _stop(pool: Executor, futures: dict) -> None:
    """Stop a batch's runs now: cancel those waiting, stop those running (finished runs are kept)."""
    _STOP.set()  # a run in this process stops at its next week
    for future in futures:
        future.cancel()
    if isinstance(pool, ProcessPoolExecutor):
        pool.shutdown(wait=False, cancel_futures=True)
        # The workers ignore Ctrl-C (see experiments.execution) and would finish their runs
        # first; Python 3.14 has terminate_workers(), 3.12 only the pool's own table.
        terminate = getattr(pool, "terminate_workers", None)
        if terminate is not None:
            terminate()
        else:
            for process in list((getattr(pool, "_processes", None) or {}).values()):
                process.terminate()


def _write(out: Path, path: Path, write) -> None:
    """Write a file of the folder whole, or stop the batch with a message (a full disk, a lost mount)."""
    try:
        atomic_write(path, write)
    except OSError as err:
        raise OutputError(
            f"cannot write {path}: {err.strerror or err}; the runs finished before are kept in {out}; "
            "free space (or mend the folder) and run the same command again to complete the batch"
        ) from err


def _check_time_limit(time_limit: float | None) -> None:
    if time_limit is None:
        return
    if (
        isinstance(time_limit, bool)
        or not isinstance(time_limit, int | float)
        or not math.isfinite(time_limit)
    ):
        raise BatchError(f"time_limit must be a number of seconds above 0, got {time_limit!r}")
    if time_limit <= 0:
        raise BatchError(f"time_limit must be a number of seconds above 0, got {time_limit!r}")


@contextlib.contextmanager
def folder_lock(out: Path, description: dict[str, Any] | None = None) -> Iterator[None]:
    """Hold ``out``'s lock while a batch writes it.

    The lock is the operating system's (``flock``), so it is released when its process ends,
    even by ``kill -9``; a lock left by a dead batch is then simply taken over.

    Raises:
        FolderBusyError: If a batch (in this or another process) holds it, naming its process.
    """
    lock = filelock.FileLock(inside(out, out / LOCK), blocking=False, thread_local=False)
    try:
        lock.acquire()
    except filelock.Timeout:
        raise FolderBusyError(
            f"{out} is being written by another batch ({_owner(out)}); results of two batches are not "
            "mixed in one folder: wait for it to finish (then run this command again to resume), or use "
            "another results folder"
        ) from None
    try:
        before = _read_owner(out)
        if before:
            log.info("%s: taking over from a batch that stopped (%s)", out, _describe_owner(before))
        owner = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": datetime.now(UTC).isoformat(timespec="seconds"),
            "command": (description or {}).get("command"),
        }
        atomic_write(out / OWNER, lambda p: p.write_text(json.dumps(owner)))
        yield
    finally:
        with contextlib.suppress(OSError):
            (out / OWNER).unlink(missing_ok=True)
        # The .lock file itself stays: removing it as another batch opens it to take the lock
        # would let a third lock a new file of the same name, and two batches write at once.
        lock.release()


def _read_owner(out: Path) -> dict[str, Any]:
    try:
        return json.loads((out / OWNER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _describe_owner(owner: dict[str, Any]) -> str:
    if not owner:
        return "its process is unknown"
    return f"process {owner.get('pid')} on {owner.get('host')}, started {owner.get('started')}"


def _owner(out: Path) -> str:
    return _describe_owner(_read_owner(out))


def _remove_leftovers(out: Path) -> None:
    """Remove the temporary files of a batch that died while writing (this batch holds the lock)."""
    for folder in (out, out / "runs", out / "failed"):
        for part in folder.glob(".*.part") if folder.is_dir() else ():
            with contextlib.suppress(OSError):
                part.unlink()
                log.info("%s: removed %s, left by a batch that stopped while writing it", out, part.name)


def _run_path(out: Path, key: str) -> Path:
    return inside(out, out / "runs" / f"{key}.parquet")


def load(
    out: Path | str,
    outcomes: Sequence[str] | None = None,
    each: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """A results folder as one tidy table (every finished run, in a stable order).

    Args:
        out: The results folder.
        outcomes: Read only these outcomes' rows, and only the columns ``scenario, replicate,
            week, outcome, value`` (an exploration's thousands of runs hold every outcome of
            every week, far more than it needs).
        each: Applied to each run's table as it is read (a summary such as
            :func:`experiments.effects.per_replicate`), so that only the summaries are held.

    Raises:
        ResultsError: If the folder is not a Barrio results folder, a part cannot be read, or
            a part is not one of the manifest's runs (another plan's, written into this folder).
    """
    out = Path(out)
    manifest = _read_manifest(out, required=True)
    parts = sorted((out / "runs").glob("*.parquet"))
    if not parts:
        raise ResultsError(f"{out}: no finished runs yet (nothing in {out / 'runs'})")
    check_folder(out, manifest)
    columns = ["scenario", "replicate", "week", "outcome", "value"] if outcomes is not None else None
    chosen = [("outcome", "in", list(outcomes))] if outcomes is not None else None
    tables = []
    for part in parts:
        try:
            table = pd.read_parquet(part, columns=columns, filters=chosen)
            # The resolved scenario comes back as attrs, which pandas deep-copies on every
            # operation; the combined table could not keep one run's anyway.
            table.attrs = {}
        except (OSError, pa.ArrowException) as err:
            raise _unreadable_run(part, err, _redo_from_report(out, manifest)) from err
        tables.append(each(table) if each is not None else table)
    # Parts written by different commits may not list the same outcomes: keep them all.
    names = list(dict.fromkeys(n for t in tables for n in t["outcome"].astype("category").cat.categories))
    for t in tables:
        t["outcome"] = pd.Categorical(t["outcome"].astype(str), categories=names)
    table = pd.concat(tables, ignore_index=True)
    order = [c for c in ("scenario", "replicate", "week", "outcome") if c in table.columns]
    return table.sort_values(order, kind="stable", ignore_index=True)


def check_folder(out: Path | str, manifest: dict[str, Any] | None = None) -> None:
    """Check every run file of a results folder against its manifest.

    Raises:
        ResultsError: Naming the files that are not runs of the manifest's plan (no entry, or
            another scenario hash than the manifest records), or that cannot be read; or, when
            runs of the manifest's scenarios are listed otherwise (no entry, another seed), saying
            that the manifest does not match its runs and how to rebuild it.
    """
    out = Path(out)
    manifest = manifest if manifest is not None else _read_manifest(out, required=True)
    hashes = {name: entry["hash"] for name, entry in manifest["scenarios"].items()}
    expected = {r["key"]: (hashes.get(r["scenario"]), int(r["seed"])) for r in manifest["runs"]}
    other, unlisted = [], []
    for part in _run_files(out):
        want = expected.get(part.stem)
        try:
            found = _identity(part)
        except _UnreadableError as err:
            if want is not None:
                raise _unreadable_run(part, err.__cause__, _redo_from_report(out, manifest)) from err
            other.append(f"{part.name} (not a run of this folder's plan, nor a run file Barrio can read)")
            continue
        if found is None:  # an older file with no rows: nothing to mix
            continue
        if want is None:
            if hashes.get(_key_parts(part.stem)[0]) == found[0]:
                unlisted.append(
                    f"{part.name} (a run of its scenario with its values, seed {found[1]}; not listed)"
                )
            else:
                other.append(f"{part.name} (not a run of this folder's plan)")
        elif found[0] != want[0]:
            other.append(
                f"{part.name} (scenario hash {found[0]}, seed {found[1]}; the manifest has {want[0]}, "
                f"seed {want[1]})"
            )
        elif found[1] != want[1]:
            unlisted.append(f"{part.name} (made with seed {found[1]}; the manifest has seed {want[1]})")
    if other:
        raise ResultsError(
            f"{out} holds files that are not runs of its manifest's plan: {_shown(other)}. Results of two "
            "plans are not mixed: move those files out of runs/ (elsewhere, to keep them) and report again"
        )
    if unlisted:
        raise ResultsError(
            f"{out / MANIFEST} does not match its runs: {_shown(unlisted)}. They are runs of its scenarios "
            "with the values it records, listed otherwise (the manifest edited, or written by another "
            f"batch): the runs are kept; rebuild the manifest: move {MANIFEST} aside (to "
            f"{MANIFEST}.damaged, say) and {_REBUILD.format(out=out)}"
        )


def _shown(items: list[str], limit: int = 10, sep: str = "; ") -> str:
    """The first ``limit`` items, the rest counted: "a; b and 5 more"."""
    if len(items) <= limit + 1:
        return sep.join(items)
    return f"{sep.join(items[:limit])} and {len(items) - limit} more"


#: Names a message lists before it counts the rest: an exploration's scenarios are each policy at
#: each of its points, hundreds of names no reader can take in.
FEW = 3


def _few(names: list[str], what: str = "") -> str:
    """A few names, the rest counted: "a, b" or "50 scenarios (a, b, c and 47 more)"."""
    if len(names) <= FEW + 1:
        return ", ".join(names)
    return f"{len(names)}{' ' + what if what else ''} ({_shown(names, FEW, ', ')})"


def _key_parts(key: str) -> tuple[str, int | None]:
    """The scenario and replicate a run's name is of (``NAME__r000``; None: not such a name)."""
    name, _, replicate = key.rpartition("__r")
    return name, int(replicate) if replicate.isdigit() else None


def _unreadable_run(part: Path, err: object, redo: str, whose: str = "this folder's") -> ResultsError:
    """A run of the plan that cannot be read: move it out, and ``redo`` it (the rest are kept)."""
    return ResultsError(
        f"{part}: cannot be read ({err}). It is {part.stem}, one of {whose} runs: move it out of "
        f"runs/ and {redo} to redo that run (the other runs are kept)"
    )


def _redo_from_report(out: Path, manifest: dict[str, Any]) -> str:
    """How to redo a run from a report, which runs nothing: the batch command that made the folder."""
    command = manifest.get("description", {}).get("command")
    made_by = f"`barrio {command}`" if command in ("compare", "sweep", "explore") else "batch command"
    again = f"run the {made_by} that made this folder again with the same arguments (--out {out})"
    return f"{again}; then report again"


class _UnreadableError(Exception):
    """A file in runs/ that is not a Parquet file Barrio can read (the cause says why)."""


def _identity(part: Path) -> tuple[str, int] | None:
    """A run file's (scenario hash, seed): from its metadata, else (older files) its first row.

    Raises:
        _UnreadableError: If it cannot be read, for the caller to say what to do in its own terms.
    """
    try:
        metadata = pq.read_schema(part).metadata or {}
        if RUN_METADATA in metadata:
            found = json.loads(metadata[RUN_METADATA])
            return str(found["scenario_hash"]), int(found["seed"])
        first = pq.read_table(part, columns=["scenario_hash", "seed"]).slice(0, 1).to_pylist()
    except (OSError, ValueError, KeyError, TypeError, pa.ArrowException) as err:
        raise _UnreadableError(part) from err
    return (str(first[0]["scenario_hash"]), int(first[0]["seed"])) if first else None


def read_manifest(out: Path | str) -> dict[str, Any]:
    """The manifest of a results folder.

    Raises:
        ResultsError: If there is none or it is damaged.
    """
    return _read_manifest(Path(out), required=True)


# -- the folder's files --------------------------------------------------------------------------


def _write_part(table: pd.DataFrame, path: Path, spec: RunSpec) -> None:
    """Write a run's table with its identity in the file's metadata (checked on resume and load)."""
    arrow = pa.Table.from_pandas(table, preserve_index=False)
    identity = {
        "key": spec.key,
        "scenario": spec.scenario.name,
        "scenario_hash": spec.scenario.hash,
        "seed": spec.seed,
        "replicate": spec.replicate,
    }
    arrow = arrow.replace_schema_metadata(
        {**(arrow.schema.metadata or {}), RUN_METADATA: json.dumps(identity)}
    )
    pq.write_table(arrow, path)


def _check_plan(out: Path, old: dict[str, Any], specs: Sequence[RunSpec]) -> None:
    """Refuse a batch with scenarios the folder does not hold, or other values of those it holds.

    A batch of some of the folder's scenarios, or more or fewer replicates, is the same plan.
    """
    if not old:
        return
    before = list(old["scenarios"])
    now = list(dict.fromkeys(s.scenario.name for s in specs))
    new = [name for name in now if name not in before]
    if new:
        raise ResultsError(
            f"{out} holds a batch of {_few(before, 'scenarios')}, and this one adds {_few(new)}. Results of "
            "two plans are not mixed (the report would compare runs of one with the other): use another "
            "results folder"
        )
    for spec in specs:
        entry = old["scenarios"][spec.scenario.name]
        if entry["hash"] != spec.scenario.hash:
            if any(_made_as(out, s) for s in specs if s.scenario.name == spec.scenario.name):
                raise _manifest_disagrees(
                    out,
                    f"it records scenario '{spec.scenario.name}' with hash {entry['hash']}, and its runs "
                    f"were made with hash {spec.scenario.hash}, as this batch asks",
                )
            raise ResultsError(
                f"{out} already holds runs of scenario '{spec.scenario.name}' with other values (hash "
                f"{entry['hash']}, now {spec.scenario.hash}); use another results folder (this one keeps "
                "its runs)"
            )
    seeds = {r["key"]: r["seed"] for r in old["runs"]}
    for spec in specs:
        if spec.key in seeds and seeds[spec.key] != spec.seed:
            if _made_as(out, spec):
                raise _manifest_disagrees(
                    out,
                    f"it records {spec.key} with seed {seeds[spec.key]}, and its file was made with seed "
                    f"{spec.seed}, as this batch asks",
                )
            raise ResultsError(
                f"{out} already holds {spec.key} with seed {seeds[spec.key]}, not {spec.seed}; "
                "use the same --seed as before, or another results folder"
            )


def _check_runs(out: Path, old: dict[str, Any], specs: Sequence[RunSpec]) -> None:
    """Refuse to resume over run files that are not this plan's (a manifest deleted, other --weeks)."""
    wanted = {s.key: (s.scenario.hash, s.seed) for s in specs}
    hashes = {s.scenario.name: s.scenario.hash for s in specs}
    known = {r["key"] for r in old.get("runs", [])}
    stray = []
    for part in _run_files(out):
        want = wanted.get(part.stem)
        if want is None and part.stem in known:
            continue  # a run of the folder's plan this batch does not ask for (fewer replicates)
        try:
            found = _identity(part)
        except _UnreadableError as err:
            if want is None:
                stray.append(f"{part.name} (not a run of this plan, nor a run file Barrio can read)")
                continue
            raise _unreadable_run(part, err.__cause__, "run this command again", "this batch's") from err
        if want is None:
            name, replicate = _key_parts(part.stem)
            if found is not None and replicate is not None and hashes.get(name) == found[0]:
                stray.append(
                    f"{part.name} (replicate {replicate} of {name}, with this batch's values; this "
                    "batch asks for fewer replicates)"
                )
            else:
                stray.append(f"{part.name} (not a run of this plan)")
        elif found is not None and found != want:
            stray.append(
                f"{part.name} (scenario hash {found[0]}, seed {found[1]}; this plan's is {want[0]}, "
                f"seed {want[1]})"
            )
    if stray:
        raise ResultsError(
            f"{out} holds runs that are not this batch's: {_shown(stray)}. If they are this folder's own "
            "runs, run the command with the arguments that made them (the same scenarios, --seed, --weeks, "
            "--population, and as many replicates); if they are another plan's, results of two plans are "
            "not mixed: move them out of runs/ (elsewhere, to keep them) and run this command again, or use "
            "another results folder"
        )


def _manifest_disagrees(out: Path, what: str) -> ResultsError:
    """The manifest, not the runs, is what is wrong: rebuild it (the runs say what they are)."""
    return ResultsError(
        f"{out / MANIFEST} does not match its runs: {what}. The runs are kept; rebuild the manifest: move "
        f"{MANIFEST} aside (to {MANIFEST}.damaged, say) and {_REBUILD.format(out=out)}"
    )


def _made_as(out: Path, spec: RunSpec) -> bool:
    """Whether the spec's run file is there and was made as the spec says (its scenario hash and seed)."""
    part = out / "runs" / f"{spec.key}.parquet"
    try:
        return part.is_file() and _identity(part) == (spec.scenario.hash, spec.seed)
    except _UnreadableError:
        return False


def _read_manifest(out: Path, required: bool) -> dict[str, Any]:
    path = out / MANIFEST
    if not path.exists():
        if required:
            message = f"{out}: not a Barrio results folder (no {MANIFEST})"
            held = _run_files(out)
            if held:
                message += (
                    f"; its runs/ holds {len(held)} run file(s). To rebuild its manifest, "
                    + _REBUILD.format(out=out)
                )
            raise ResultsError(message)
        return {}
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:  # unreadable is not damaged: nothing to rebuild
        raise ResultsError(f"{path}: cannot be read ({err.strerror or err})") from err
    try:
        manifest = json.loads(text)
    except ValueError as err:
        raise _damaged(out, str(err)) from err
    missing = _missing(manifest)
    if missing:
        raise _damaged(out, missing)
    return manifest


#: How to rebuild a results folder's manifest (from a batch command that made the folder).
_REBUILD = (
    "run the batch command that made this folder again with the same arguments (barrio compare, sweep "
    "or explore ... --out {out}; for compare, as many --replicates as made its runs): it writes a new "
    "manifest, keeps every finished run that is that command's, names any that is not, and runs only "
    "the missing ones"
)


def _damaged(out: Path, why: str) -> ResultsError:
    """A manifest that cannot be used: its runs are kept, and it is rebuilt by the batch command."""
    path = out / MANIFEST
    return ResultsError(
        f"{path}: damaged ({why}); the runs in runs/ are kept. To rebuild it, move {MANIFEST} aside (to "
        f"{MANIFEST}.damaged, say) and {_REBUILD.format(out=out)}"
    )


def _missing(manifest: Any) -> str:
    """What a manifest lacks of what every command reads (its scenarios' hashes, its runs' seeds)."""
    if not isinstance(manifest, dict):
        return "not a JSON object"
    scenarios, runs = manifest.get("scenarios"), manifest.get("runs")
    if not isinstance(scenarios, dict):
        return "no 'scenarios'" if scenarios is None else "'scenarios' is not an object"
    for name, entry in scenarios.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("hash"), str):
            return f"scenario '{name}' has no 'hash'"
    if not isinstance(runs, list):
        return "no 'runs'" if runs is None else "'runs' is not a list"
    for i, entry in enumerate(runs):
        if not isinstance(entry, dict) or not all(k in entry for k in ("key", "scenario", "seed")):
            return f"run {i + 1} lacks its key, scenario or seed"
        if isinstance(entry["seed"], bool) or not isinstance(entry["seed"], int):
            return f"run {entry['key']}: seed {entry['seed']!r} is not a whole number"
    description = manifest.get("description", {})
    if not isinstance(description, dict):
        return "'description' is not an object"
    return ""


def _run_files(out: Path) -> list[Path]:
    return sorted((out / "runs").glob("*.parquet")) if (out / "runs").is_dir() else []


def _versions_of_runs(out: Path) -> dict[str, str]:
    """The version that made each run file, from its table (one it cannot read is named later)."""
    made = {}
    for part in _run_files(out):
        with contextlib.suppress(OSError, KeyError, ValueError, pa.ArrowException):
            first = pq.read_table(part, columns=["version"]).slice(0, 1).to_pylist()
            if first:
                made[part.stem] = str(first[0]["version"])
    return made


def _check_code(
    out: Path, old: dict[str, Any], allow_other_version: bool, made: dict[str, str] | None = None
) -> None:
    """Refuse to add runs of this code to a folder of runs made by other code, unless allowed.

    ``made``: the version of each run of a folder whose manifest is being rebuilt.
    """
    if not old:
        here = code_identity().version
        other = sorted({v for v in (made or {}).values() if v != here})
        if not other:
            return
        if allow_other_version:
            log.warning("%s: adding runs of Barrio %s to runs of Barrio %s", out, here, ", ".join(other))
            return
        raise ResultsError(
            f"{out} holds runs of Barrio {', '.join(other)}, and this is Barrio {here}; "
            "results of two versions of the code are not mixed unless asked: use another results folder, "
            "or add to this one anyway with --allow-other-version (allow_other_version=True in Python)"
        )
    # Manifests written before the code identity was recorded name only a version.
    before = CodeIdentity.from_dict(old.get("code") or {"version": old.get("barrio_version", "unknown")})
    now = code_identity()
    if before.same_code(now):
        return
    if before.commit and before.commit == now.commit:
        why = "the same commit with other uncommitted changes"
    else:
        why = "another version of the code"
    if allow_other_version:
        log.warning(
            "%s: adding runs of Barrio %s to runs of Barrio %s (%s)", out, now.version, before.version, why
        )
        return
    raise ResultsError(
        f"{out} holds runs of Barrio {before.version}, and this is Barrio {now.version} ({why}); results "
        "of two versions of the code are not mixed unless asked: use another results folder, or add to "
        "this one anyway with --allow-other-version (allow_other_version=True in Python)"
    )


def _write_manifest(
    out: Path,
    old: dict[str, Any],
    specs: Sequence[RunSpec],
    description: dict[str, Any],
    made: dict[str, str] | None = None,
) -> None:
    code = code_identity()
    scenarios = {
        s.scenario.name: {
            "hash": s.scenario.hash,
            "source": s.scenario.source,
            "resolved": s.scenario.resolved(),
        }
        for s in specs
    }
    for name, entry in scenarios.items():
        before = old.get("scenarios", {}).get(name)
        if before and before["hash"] != entry["hash"]:
            raise ResultsError(
                f"{out} already holds runs of scenario '{name}' with other values (hash {before['hash']}, "
                f"now {entry['hash']}); use another results folder (this one keeps its runs)"
            )
    runs = {r["key"]: r for r in old.get("runs", [])}
    for spec in specs:
        before = runs.get(spec.key)
        if before and before["seed"] != spec.seed:
            raise ResultsError(
                f"{out} already holds {spec.key} with seed {before['seed']}, not {spec.seed}; "
                "use the same --seed as before, or another results folder"
            )
        finished = (out / "runs" / f"{spec.key}.parquet").exists()
        runs[spec.key] = {
            "key": spec.key,
            "scenario": spec.scenario.name,
            "replicate": spec.replicate,
            "seed": spec.seed,
            "levers": spec.levers,
            # A finished run keeps the version that made it; one still to run gets this one.
            "version": (run_version(before) if before else (made or {}).get(spec.key, code.version))
            if finished
            else code.version,
        }
    now = datetime.now(UTC).isoformat(timespec="seconds")
    manifest = {
        "created": old.get("created", now),
        "updated": now,
        "barrio_version": code.version,
        "code": code.to_dict(),
        "environment": environment(),
        "scenarios": {**old.get("scenarios", {}), **scenarios},
        "runs": sorted(runs.values(), key=lambda r: r["key"]),
    }
    # The folder's own description wins (its baseline, root seed): resuming with a subset of its
    # scenarios must not make another scenario the report's baseline. The report's language is
    # the one last asked for, so that `barrio report DIR` writes what the last command wrote.
    described = {**description, **old.get("description", {})}
    described.update({key: description[key] for key in LATEST_WINS if key in description})
    if described:
        manifest["description"] = described
    _write(out, out / MANIFEST, lambda p: p.write_text(json.dumps(manifest, indent=1, default=str)))


def run_version(entry: dict[str, Any]) -> str:
    """The version a manifest entry records (older manifests recorded the commit only)."""
    return entry.get("version") or f"commit {entry.get('git_commit', 'unknown')}"


def _record_versions(out: Path, made_by: dict[str, str]) -> None:
    """Put in the manifest the version each run's own process reported, where it is not this one.

    A worker (on a Dask cluster, or one that started after the code was edited) may run other
    code than the process that planned the batch; its runs are then said to be its own.
    """
    here = code_identity().version
    other = {key: version for key, version in made_by.items() if version != here}
    if not other:
        return
    for key, version in sorted(other.items()):
        log.warning("%s: %s was made by Barrio %s, not Barrio %s as planned", out, key, version, here)
    manifest = _read_manifest(out, required=True)
    for entry in manifest["runs"]:
        entry["version"] = other.get(entry["key"], entry.get("version"))
    _write(out, out / MANIFEST, lambda p: p.write_text(json.dumps(manifest, indent=1, default=str)))


def run_seconds(out: Path) -> dict[str, float]:
    """How long each finished run took, as the folder's log recorded it, by run key.

    A run made more than once (a batch stopped and resumed) counts its last finished attempt.
    Lines a killed batch left half-written are skipped: the log informs, the runs are the record.
    """
    took: dict[str, float] = {}
    try:
        lines = (out / LOG_FILE).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return took
    for line in lines:
        try:
            stamp = json.loads(line)
            if stamp["status"] == "done" and stamp["started"]:
                started, finished = (datetime.fromisoformat(stamp[k]) for k in ("started", "finished"))
                seconds = (finished - started).total_seconds()
                if seconds >= 0:  # older logs timed runs on a clock that could jump back
                    took[stamp["key"]] = seconds
        except (ValueError, KeyError, TypeError):
            continue
    return took


def _log(
    out: Path, spec: RunSpec, status: str, started: float | None, finished: float, version: str | None = None
) -> None:
    stamp = {
        "key": spec.key,
        "status": status,
        "started": datetime.fromtimestamp(started, UTC).isoformat() if started else None,
        "finished": datetime.fromtimestamp(finished, UTC).isoformat(),
        "version": version,
    }
    try:
        with (out / LOG_FILE).open("a+b") as file:
            # A batch killed mid-line left no newline: start on a line of our own.
            end, torn = file.seek(0, os.SEEK_END), False
            if end:
                file.seek(end - 1)
                torn = file.read(1) != b"\n"
            file.write((b"\n" if torn else b"") + (json.dumps(stamp) + "\n").encode("utf-8"))
    except OSError as err:
        raise OutputError(
            f"cannot write {out / LOG_FILE}: {err.strerror or err}; the runs finished before are kept; "
            "free space and run the same command again to complete the batch"
        ) from err
