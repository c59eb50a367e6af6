"""Stop requests from signals, honoured at safe points instead of wherever a signal lands.

Raising from a signal handler can land inside concurrent.futures' locks (the pool then
deadlocks on shutdown) or inside an at-fork hook (Python swallows it and the build goes on to
swap in its output). So the CLI's handlers only record the request, and long-running loops call
``check()`` between units of work: before each build step, between pages and files, and while
waiting for workers. The build then unwinds normally and discards its staging folder.
"""

from __future__ import annotations

import signal

from archivegen.errors import BuildInterrupted, Problem

_requested: list[int] = []


def request(signum: int, frame: object = None) -> None:
    """Signal handler: remember the request; ``check()`` acts on it."""
    _requested.append(signum)


PREEMPT = 0  # not a signal: another thread wants the build stopped (the live preview)


def preempt() -> None:
    """Ask the running build to stop at its next safe point, from another thread."""
    _requested.append(PREEMPT)


def clear() -> None:
    _requested.clear()


def check() -> None:
    """Raise if a stop was requested: KeyboardInterrupt for SIGINT, BuildInterrupted otherwise."""
    if not _requested:
        return
    if _requested[0] == signal.SIGINT:
        raise KeyboardInterrupt
    if _requested[0] == PREEMPT:
        raise BuildInterrupted([Problem("archivegen", "build stopped for a newer change")])
    raise BuildInterrupted([Problem("archivegen", f"interrupted by signal {_requested[0]}; "
                                                  "the previous output is unchanged")])
