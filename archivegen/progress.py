"""What a running build shows the person who started it: the CLI's side of ``BuildWatcher``.

On a terminal a rich status on stderr names the running step and, for the long ones (reading
changed files, rendering pages, indexing search, moving files in), shows a bar, counts and the
time left; it disappears when the build ends, leaving only the summary. In a log (CI, cron, a
pipe) the same news comes as plain lines on stdout, but only once a step has run for a while
and then at most every ``LOG_EVERY`` seconds, so a quick build prints nothing but its summary
and a long one is never silent for long. Steps that cannot count their work (building the
site model, planning) are covered by a heartbeat thread that says how long they have run.
"""

from __future__ import annotations

import threading
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
    ``clock`` is injectable so the log throttling can be tested without waiting, and
    ``heartbeat`` (seconds between two ``tick()`` calls in a log; None: no thread) with it.
    """

    def __init__(self, console: Console | None = None, echo: Callable[[str], None] = click.echo,
                 clock: Callable[[], float] = time.monotonic, heartbeat: float | None = 1.0) -> None:
        self.console = console or Console(stderr=True)
        self.echo, self.clock, self.heartbeat = echo, clock, heartbeat
        self._bar: Progress | None = None
        self._task: TaskID | None = None
        self._step = ""  # the running step ("" between steps)
        self._started = 0.0
        self._next_line = 0.0  # when the running step may print its next line (logs)
        self._printed = False  # the running step printed progress (logs)
        self._lock = threading.Lock()  # the build's thread and the heartbeat both print
        self._stopped = threading.Event()
        self._heartbeat: threading.Thread | None = None

    def __enter__(self) -> BuildDisplay:
        if self.console.is_terminal:
            self._bar = Progress(
                SpinnerColumn(), TextColumn("{task.description:<18}"), BarColumn(),
                TextColumn("{task.fields[counts]}"), TimeElapsedColumn(), TextColumn("{task.fields[left]}"),
                console=self.console, transient=True)
            self._bar.start()
        elif self.heartbeat is not None:
            self._heartbeat = threading.Thread(target=self._beat, name="archivegen-progress", daemon=True)
            self._heartbeat.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._bar is not None:
            self._bar.stop()
        self._stopped.set()
        if self._heartbeat is not None:
            self._heartbeat.join()

    def _beat(self) -> None:
        while not self._stopped.wait(self.heartbeat):
            self.tick()

    def tick(self) -> None:
        """In a log, say that a step without counts is still running (called every second)."""
        with self._lock:
            now = self.clock()
            if self._bar is None and self._step and now >= self._next_line:
                self._next_line, self._printed = now + LOG_EVERY, True
                self.echo(f"  {self._step}: running for {now - self._started:.0f} s")

    # -- BuildWatcher ------------------------------------------------------------------------

    def step_started(self, name: str) -> None:
        with self._lock:
            self._step, self._started = name, self.clock()
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
        with self._lock:
            if now >= self._next_line and done < total:
                self._next_line, self._printed = now + LOG_EVERY, True
                self.echo(f"  {name}: {done:,} of {total:,} {unit} ({100 * done // max(total, 1)}%)"
                          f"{_time_left(now - self._started, done, total)}")

    def step_ended(self, name: str, seconds: float) -> None:
        if self._bar is not None:
            if self._task is not None:
                self._bar.remove_task(self._task)
                self._task = None
            return
        with self._lock:
            if self._printed and self._step == name:  # the step printed progress: close it
                self.echo(f"  {name}: done in {seconds:.1f} s")
            self._step, self._printed = "", False


def _time_left(elapsed: float, done: int, total: int) -> str:
    if done <= 0 or elapsed <= 0 or done >= total:
        return ""
    return f", about {elapsed * (total - done) / done:.0f} s left"
