"""Where runs execute: one ``concurrent.futures`` interface for every way of running them.

In this process (one job, on one worker thread), a local pool of processes (the default: all
cores), or a Dask distributed cluster (``--scheduler tcp://HOST:PORT``). The batch runner only
ever calls ``submit`` and waits on the futures, so the three give the same results.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager

from barrio.model.errors import BarrioError

__all__ = ["SCHEDULER_TIMEOUT", "ClusterError", "InProcessExecutor", "executor"]

log = logging.getLogger(__name__)

#: How often a pool worker checks that the batch that started it is still alive (seconds).
PARENT_CHECK_S = 1.0

#: Seconds to wait for a Dask scheduler to answer before saying it cannot be reached (Dask's
#: own default is 30 s, a long time to learn of a mistyped address).
SCHEDULER_TIMEOUT = 5.0


class ClusterError(BarrioError, ConnectionError):
    """A Dask cluster cannot be used: its scheduler does not answer, or Dask is not installed."""


class InProcessExecutor(ThreadPoolExecutor):
    """Runs tasks one after another on a single thread of this process (one job; debugging).

    A thread rather than running at ``submit``: the batch runner then writes each run as soon
    as it finishes, as it does with a pool.
    """

    def __init__(self) -> None:
        super().__init__(max_workers=1, thread_name_prefix="barrio-run")


@contextmanager
def executor(jobs: int | None = None, scheduler: str | None = None) -> Iterator[Executor]:
    """The executor for a batch.

    Args:
        jobs: Processes to run at once; ``1`` runs in this process; ``None`` uses all cores.
        scheduler: Address of a Dask scheduler (``tcp://host:8786``); overrides ``jobs``.

    Raises:
        ClusterError: If a scheduler is given and Dask is not installed (``pip install
            barrio[cluster]``), or the scheduler does not answer within
            :data:`SCHEDULER_TIMEOUT` seconds, or the address is not one.
    """
    if scheduler:
        try:
            from distributed import Client
        except ImportError as err:
            raise ClusterError(
                "running on a Dask cluster needs the cluster extra: pip install 'barrio[cluster]'"
            ) from err
        try:
            client = Client(scheduler, timeout=SCHEDULER_TIMEOUT)
        except (OSError, ValueError, TypeError) as err:
            raise ClusterError(
                f"cannot use the Dask scheduler at {scheduler!r}: {err}. Check the address "
                "(tcp://HOST:PORT) and that `dask scheduler` is running there and reachable from "
                "this machine; without a scheduler the runs use this machine's cores"
            ) from err
        try:
            yield client.get_executor()
        finally:
            client.close()
        return
    jobs = jobs or os.cpu_count() or 1
    if jobs == 1:
        with InProcessExecutor() as pool:
            yield pool
        return
    cores = os.cpu_count() or 1
    if jobs > cores:
        log.warning(
            "--jobs %d is more than this machine's %d core(s): the runs will share the cores and take no "
            "less time in all, and each needs its own memory",
            jobs,
            cores,
        )
    # "spawn": a forked copy of a process with threads (Dask, tqdm) can deadlock.
    with ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_worker_started,
        initargs=(os.getpid(),),
    ) as pool:
        yield pool


def _worker_started(parent: int) -> None:
    """Set up a pool worker: Ctrl-C is the batch's to handle, and the worker ends with the batch.

    A worker blocked waiting for work never learns that the batch process died (kill -9, a
    crash): it would run on under PID 1, holding its memory, and keep the pool's resource
    tracker alive too. A daemon thread watches the parent and ends the worker when it is gone.
    """
    # Ctrl-C reaches every process of the terminal; the batch stops its workers itself, so a
    # worker must not print a KeyboardInterrupt traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with, args=(parent,), daemon=True, name="barrio-parent-watch").start()


def _exit_with(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_S)
    os._exit(1)  # the batch is gone: nothing here is worth finishing, nobody would read it
