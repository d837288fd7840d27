"""Batches of runs whose results are never lost.

A batch is a list of :class:`RunSpec` (a scenario, a replicate number and its seed). Replicate
*i* of every scenario gets the same seed, spawned from one root seed with
``numpy.random.SeedSequence``, so that differences between scenarios are paired (common
random numbers). Each finished run is written at once to ``DIR/runs/<scenario>__r<i>.parquet``
(to a temporary name, then renamed); a run that raises is written to ``DIR/failed/`` with its
traceback and the batch goes on. Running the same batch on the same folder again skips
finished runs, so a batch killed at any moment resumes without repeating or losing a run.

``DIR/manifest.json`` records what the batch is (scenarios with their resolved values and
hashes, seeds), the code that ran it (:func:`model.provenance.code_identity`: the version,
and in a checkout the commit and any uncommitted changes) and the environment (Python, the
operating system, every installed package with its version); ``DIR/log.jsonl`` records when
each run started and finished. Runs of two versions of the code are not mixed in one folder
unless asked (``allow_other_version``). :func:`load` reads the folder back as one tidy table.
"""

from __future__ import annotations

import json
import logging
import time
import traceback
from collections.abc import Sequence
from concurrent.futures import Executor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from tqdm.auto import tqdm

from barrio.experiments.output import atomic_write
from barrio.model.errors import BarrioError
from barrio.model.provenance import CodeIdentity, code_identity, environment
from barrio.model.run import run
from barrio.model.scenario import Scenario

__all__ = [
    "BatchError",
    "BatchResult",
    "ResultsError",
    "RunSpec",
    "RunTimeoutError",
    "execute",
    "load",
    "plan",
    "read_manifest",
    "replicate_seeds",
    "run_one",
]

MANIFEST = "manifest.json"

log = logging.getLogger(__name__)


class BatchError(BarrioError, ValueError):
    """A batch cannot be run as asked (two scenarios with one name, a baseline not among them)."""


class ResultsError(BarrioError, ValueError):
    """A results folder cannot be used as asked (another batch's or another code's folder, a damaged file)."""


class RunTimeoutError(BarrioError, RuntimeError):
    """A run went past its time limit."""


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
        if time_limit is not None and time.monotonic() - clock > time_limit:
            raise RunTimeoutError(f"{spec.key} went past its time limit of {time_limit:g} s")

    table = run(spec.scenario, spec.seed, on_week=check)
    table["replicate"] = spec.replicate
    for path, value in spec.levers.items():
        table[path] = value
    return table, started, time.time()


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
) -> BatchResult:
    """Run what is not yet in ``out``, writing each run as soon as it finishes.

    Args:
        specs: The batch.
        out: Results folder (created if needed).
        pool: Where runs execute (see :func:`experiments.execution.executor`).
        time_limit: Seconds after which a run is stopped and recorded as failed.
        progress: Show a progress bar (runs done, failed, time left).
        description: Extra items for the manifest (the command, an experiment file).
        allow_other_version: Add to a folder whose runs were made by other code (another
            commit, other uncommitted changes, another release). Each run's table and its
            manifest entry keep the version that made it.

    Raises:
        ResultsError: If ``out`` holds another batch's results, or runs of other code and
            ``allow_other_version`` is false.
    """
    out = Path(out)
    old = _read_manifest(out, required=False)
    _check_code(out, old, allow_other_version)
    (out / "runs").mkdir(parents=True, exist_ok=True)
    _write_manifest(out, old, specs, description or {})
    result = BatchResult()
    todo = []
    for spec in specs:
        if (out / "runs" / f"{spec.key}.parquet").exists():
            result.skipped.append(spec.key)
        else:
            todo.append(spec)
    bar = tqdm(total=len(specs), initial=len(result.skipped), unit="run", disable=not progress)
    futures = {pool.submit(run_one, spec, time_limit): spec for spec in todo}
    made_by: dict[str, str] = {}  # the version each finished run's own process reported
    try:
        for future in as_completed(futures):
            spec = futures[future]
            try:
                table, started, finished = future.result()
            except Exception as err:  # any failure of one run is recorded, not fatal
                text = "".join(traceback.format_exception(err))
                atomic_write(out / "failed" / f"{spec.key}.txt", lambda p, t=text: p.write_text(t))
                result.failed[spec.key] = f"{type(err).__name__}: {err}"
                _log(out, spec, "failed", None, time.time())
            else:
                atomic_write(out / "runs" / f"{spec.key}.parquet", lambda p, t=table: _write_part(t, p))
                (out / "failed" / f"{spec.key}.txt").unlink(missing_ok=True)
                result.done.append(spec.key)
                made_by[spec.key] = str(table["version"].iloc[0])
                _log(out, spec, "done", started, finished, made_by[spec.key])
            bar.update()
            bar.set_postfix(failed=len(result.failed))
    finally:
        bar.close()
        for future in futures:
            future.cancel()
        _record_versions(out, made_by)
    return result


def load(out: Path | str) -> pd.DataFrame:
    """A results folder as one tidy table (every finished run, in a stable order).

    Raises:
        ResultsError: If the folder is not a Barrio results folder or a part cannot be read.
    """
    out = Path(out)
    _read_manifest(out, required=True)
    parts = sorted((out / "runs").glob("*.parquet"))
    if not parts:
        raise ResultsError(f"{out}: no finished runs yet (nothing in {out / 'runs'})")
    tables = []
    for part in parts:
        try:
            tables.append(pd.read_parquet(part))
        except (OSError, pa.ArrowException) as err:
            raise ResultsError(
                f"{part}: cannot be read ({err}); delete it and run the same command again to redo that run"
            ) from err
    # Parts written by different commits may not list the same outcomes: keep them all.
    names = list(dict.fromkeys(n for t in tables for n in t["outcome"].astype("category").cat.categories))
    for t in tables:
        t["outcome"] = pd.Categorical(t["outcome"].astype(str), categories=names)
    table = pd.concat(tables, ignore_index=True)
    return table.sort_values(["scenario", "replicate", "week", "outcome"], kind="stable", ignore_index=True)


def read_manifest(out: Path | str) -> dict[str, Any]:
    """The manifest of a results folder.

    Raises:
        ResultsError: If there is none or it is damaged.
    """
    return _read_manifest(Path(out), required=True)


# -- the folder's files --------------------------------------------------------------------------


def _write_part(table: pd.DataFrame, path: Path) -> None:
    table.to_parquet(path, index=False)


def _read_manifest(out: Path, required: bool) -> dict[str, Any]:
    path = out / MANIFEST
    if not path.exists():
        if required:
            raise ResultsError(f"{out}: not a Barrio results folder (no {MANIFEST})")
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        message = f"{path}: damaged ({err}); it cannot be rebuilt, use a new results folder"
        raise ResultsError(message) from err


def _check_code(out: Path, old: dict[str, Any], allow_other_version: bool) -> None:
    """Refuse to add runs of this code to a folder of runs made by other code, unless allowed."""
    if not old:
        return
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
    out: Path, old: dict[str, Any], specs: Sequence[RunSpec], description: dict[str, Any]
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
                f"now {entry['hash']}); use another results folder, or delete this one to start again"
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
            "version": _run_version(before) if before and finished else code.version,
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
    described = {**old.get("description", {}), **description}
    if described:
        manifest["description"] = described
    atomic_write(out / MANIFEST, lambda p: p.write_text(json.dumps(manifest, indent=1, default=str)))


def _run_version(entry: dict[str, Any]) -> str:
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
    atomic_write(out / MANIFEST, lambda p: p.write_text(json.dumps(manifest, indent=1, default=str)))


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
    with (out / "log.jsonl").open("a", encoding="utf-8") as file:
        file.write(json.dumps(stamp) + "\n")
