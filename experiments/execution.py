"""Where runs execute: one ``concurrent.futures`` interface for every way of running them.

In this process (one job, on one worker thread), a local pool of processes (the default: all
cores), or a Dask distributed cluster (``--scheduler tcp://HOST:PORT``). The batch runner only
ever calls ``submit`` and waits on the futures, so the three give the same results.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager

__all__ = ["InProcessExecutor", "executor"]


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
        ImportError: If a scheduler is given and Dask is not installed (``pip install
            barrio[cluster]``).
    """
    if scheduler:
        try:
            from distributed import Client
        except ImportError as err:
            raise ImportError(
                "running on a Dask cluster needs the cluster extra: pip install 'barrio[cluster]'"
            ) from err
        client = Client(scheduler)
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
    # "spawn": a forked copy of a process with threads (Dask, tqdm) can deadlock.
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        yield pool
