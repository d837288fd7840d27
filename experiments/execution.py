"""Where runs execute: one ``concurrent.futures`` interface for every way of running them.

In this process (one job), a local pool of processes (the default: all cores), or a Dask
distributed cluster (``--scheduler tcp://HOST:PORT``). The batch runner only ever calls
``submit`` and waits on the futures, so the three give the same results.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

__all__ = ["InProcessExecutor", "executor"]


class InProcessExecutor(Executor):
    """Runs each task at once, in this process, when it is submitted (for one job and debugging)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        """Run ``fn(*args, **kwargs)`` now; return a finished future with its result or error."""
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as err:  # the future carries it, as a pool's would
            future.set_exception(err)
        return future


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
        yield InProcessExecutor()
        return
    # "spawn": a forked copy of a process with threads (Dask, tqdm) can deadlock.
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        yield pool
