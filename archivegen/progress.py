"""What a running build shows the person who started it: the CLI's side of ``BuildWatcher``.

On a terminal a rich status on stderr names the running step and, for the long ones (reading
changed files, rendering pages, indexing search, moving files in), shows a bar, counts and the
time left; it disappears when the build ends, leaving only the summary. In a log (CI, cron, a
pipe) the same news comes as plain lines on stdout, but only once a step has run for a while
and then at most every ``LOG_EVERY`` seconds, so a quick build prints nothing but its summary
and a long one is never silent for long.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from types import TracebackType

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

LOG_AFTER = 5.0  # seconds a step runs before a log gets its first progress line
LOG_EVERY = 10.0  # seconds between two progress lines of one step in a log


class BuildDisplay:
    """Draws a build's progress: a bar on a terminal, sparse plain lines elsewhere.

    Use as a context manager around the build; it is the ``BuildWatcher`` passed to ``build``.
    ``clock`` is injectable so the log throttling can be tested without waiting.
    """

    def __init__(self, console: Console | None = None, echo: Callable[[str], None] = click.echo,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.console = console or Console(stderr=True)
        self.echo, self.clock = echo, clock
        self._bar: Progress | None = None
        self._task: TaskID | None = None
        self._started = 0.0
        self._next_line = 0.0  # when the running step may print its next line (logs)
        self._printed = False  # the running step printed progress (logs)

    def __enter__(self) -> BuildDisplay:
        if self.console.is_terminal:
            self._bar = Progress(
                SpinnerColumn(), TextColumn("{task.description:<18}"), BarColumn(),
                TextColumn("{task.fields[counts]}"), TimeElapsedColumn(), TextColumn("{task.fields[left]}"),
                console=self.console, transient=True)
            self._bar.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._bar is not None:
            self._bar.stop()

    # -- BuildWatcher ------------------------------------------------------------------------

    def step_started(self, name: str) -> None:
        self._started = self.clock()
        self._next_line, self._printed = self._started + LOG_AFTER, False
        if self._bar is not None:
            if self._task is not None:
                self._bar.remove_task(self._task)
            self._task = self._bar.add_task(name, total=None, counts="", left="")

    def step_progressed(self, name: str, done: int, total: int, unit: str) -> None:
        now = self.clock()
        if self._bar is not None and self._task is not None:
            left = _time_left(now - self._started, done, total).lstrip(", ")
            self._bar.update(self._task, completed=done, total=total or None,
                             counts=f"{done:,} of {total:,} {unit}", left=left)
            return
        if now >= self._next_line and done < total:
            self._next_line, self._printed = now + LOG_EVERY, True
            self.echo(f"  {name}: {done:,} of {total:,} {unit} ({100 * done // max(total, 1)}%)"
                      f"{_time_left(now - self._started, done, total)}")

    def step_ended(self, name: str, seconds: float) -> None:
        if self._bar is not None:
            if self._task is not None:
                self._bar.remove_task(self._task)
                self._task = None
        elif self._printed:  # the step printed progress: close it
            self.echo(f"  {name}: done in {seconds:.1f} s")


def _time_left(elapsed: float, done: int, total: int) -> str:
    if done <= 0 or elapsed <= 0 or done >= total:
        return ""
    return f", about {elapsed * (total - done) / done:.0f} s left"
