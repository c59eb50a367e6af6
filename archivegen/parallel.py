"""Run a function over chunks of work on every core, with state inherited by fork.

Reading articles and rendering pages both need large read-only state in every worker (the
config, the site model). Forking after that state is built shares it with the workers for free,
where pickling it to each worker would cost more than the work. Only chunk indexes go to the
workers and only small results come back. Results are returned in chunk order, so callers get
the same answer from any number of workers.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_STATE: dict[str, Any] = {}


def cpu_count() -> int:
    """Cores this process may use (respects CPU affinity, e.g. in containers)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def inherited(name: str) -> Any:
    """State a worker inherited from the parent that called ``fork_map``."""
    return _STATE[name]


def _ignore_sigint() -> None:
    # Ctrl-C goes to the whole process group; only the parent decides what happens next.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def fork_map(function: Callable[[Sequence[T]], R], items: Sequence[T], workers: int,
             state: dict[str, Any], min_items: int = 400, chunk_size: int = 250) -> list[R]:
    """``[function(chunk) for chunk in chunks(items)]``, on ``workers`` forked processes.

    Small inputs run in this process: below ``min_items`` a pool costs more than it saves.
    """
    _STATE.clear()
    _STATE.update(state)
    try:
        if workers <= 1 or len(items) < min_items or "fork" not in multiprocessing.get_all_start_methods():
            return [function(items)]
        size = min(chunk_size, max(20, len(items) // (workers * 4)))
        chunks = [items[start: start + size] for start in range(0, len(items), size)]
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                                   initializer=_ignore_sigint)
        try:
            futures = [pool.submit(function, chunk) for chunk in chunks]
            return [future.result() for future in futures]
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    finally:
        _STATE.clear()
