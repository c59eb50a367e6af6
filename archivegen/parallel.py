"""Run a function over chunks of work on every core, with state inherited by fork.

Reading articles and rendering pages both need large read-only state in every worker (the
config, the site model). Forking after that state is built shares it with the workers for free,
where pickling it to each worker would cost more than the work. Only chunk indexes go to the
workers and only small results come back. Results are returned in chunk order, so callers get
the same answer from any number of workers.
"""

from __future__ import annotations

import ctypes
import gc
import os
import signal
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Future

from archivegen import interrupt

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


_PR_SET_PDEATHSIG = 1


def _init_worker(parent: int) -> None:
    """Workers ignore Ctrl-C (the parent decides) and die with the parent.

    Without the parent-death signal, a build killed with SIGKILL leaves its workers blocked on
    the task queue forever, holding the terminal's (or a CI runner's) output pipes open.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the pool's own broken-pipe checks remain
        pass
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)


def _result(future: Future[R]) -> R:
    """Wait for one chunk, honouring stop requests every 50 ms while waiting."""
    from concurrent.futures import TimeoutError as FuturesTimeout

    while True:
        interrupt.check()
        try:
            return future.result(timeout=0.05)
        except FuturesTimeout:
            continue


Progress = Callable[[int], None]  # told how many more items are done, after each chunk


def fork_map(function: Callable[[Sequence[T]], R], items: Sequence[T], workers: int,
             state: dict[str, Any], min_items: int = 400, chunk_size: int = 250,
             on_done: Progress | None = None) -> list[R]:
    """``[function(chunk) for chunk in chunks(items)]``, on ``workers`` forked processes.

    Small inputs run in this process: below ``min_items`` a pool costs more than it saves.
    """
    if workers <= 1 or len(items) < min_items or not _can_fork():
        _STATE.clear()
        _STATE.update(state)
        try:
            results = [function(items)]
        finally:
            _STATE.clear()
        if on_done:
            on_done(len(items))
        return results
    return list(fork_imap(function, items, workers, state, chunk_size=chunk_size, on_done=on_done))


def fork_imap(function: Callable[[Sequence[T]], R], items: Sequence[T], workers: int,
              state: dict[str, Any], chunk_size: int = 250, min_chunk: int = 20,
              on_done: Progress | None = None) -> Iterator[R]:
    """Like ``fork_map`` but yields each chunk's result as soon as it (and those before it) are done.

    For callers that act on results while later chunks still run (import writes files as
    pages are extracted, and moves a progress bar). With one worker, chunks run in this process.
    """
    _STATE.clear()
    _STATE.update(state)
    try:
        size = min(chunk_size, max(min_chunk, len(items) // (max(1, workers) * 4)))
        chunks = [items[start: start + size] for start in range(0, len(items), size)]
        if workers <= 1 or len(chunks) <= 1 or not _can_fork():
            for chunk in chunks:
                interrupt.check()
                yield function(chunk)
                if on_done:
                    on_done(len(chunk))
            return
        # Move everything built so far out of the collector's sight: a worker's garbage
        # collections would otherwise walk (and so copy-on-write) the whole inherited heap.
        gc.freeze()
        import multiprocessing  # here: a build with nothing to do never pays for the import
        from concurrent.futures import ProcessPoolExecutor

        pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                                   initializer=_init_worker, initargs=(os.getpid(),))
        try:
            pending = deque(pool.submit(function, chunk) for chunk in chunks)
            for chunk in chunks:
                # Popped, not kept in a list: a done future holds its result, and a long import's
                # results (every article's text) would otherwise all stay in memory to the end.
                result = _result(pending.popleft())
                yield result
                del result
                if on_done:
                    on_done(len(chunk))
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            gc.unfreeze()
    finally:
        _STATE.clear()


class Forked(Generic[R]):
    """``function()`` running in a forked process that inherited ``state`` (``inherited``), while
    this process goes on with other work; ``result()`` waits for it. Runs here, at ``result()``,
    where processes cannot be forked."""

    def __init__(self, function: Callable[[], R], state: dict[str, Any]) -> None:
        self._function, self._state = function, state
        self._pool: Any = None
        self._future: Future[R] | None = None
        if _can_fork():
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            _STATE.clear()
            _STATE.update(state)
            try:
                context = multiprocessing.get_context("fork")
                self._pool = ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=_init_worker,
                                                 initargs=(os.getpid(),))
                self._future = self._pool.submit(function)  # forks now, with the state in place
            finally:
                _STATE.clear()

    def result(self) -> R:
        if self._future is None:
            _STATE.clear()
            _STATE.update(self._state)
            try:
                return self._function()
            finally:
                _STATE.clear()
        try:
            return _result(self._future)
        finally:
            self._pool.shutdown(wait=True, cancel_futures=True)


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()
