"""Named, timed build steps, reported to the watcher as they run."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from archivegen import interrupt
from archivegen.build.report import BuildReport, BuildWatcher


class Steps:
    """Times named build steps and tells the watcher (if any) how each one is going."""

    def __init__(self, report: BuildReport, watcher: BuildWatcher | None):
        self.report, self.watcher = report, watcher
        self._current = ""

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        interrupt.check()  # also right before the output changes
        start = time.perf_counter()
        self._current = name
        if self.watcher:
            self.watcher.step_started(name)
        yield
        self.record(name, time.perf_counter() - start)

    def progress(self, done: int, total: int, unit: str) -> None:
        """The running step has done ``done`` of ``total`` units (pages, articles, files)."""
        if self.watcher:
            self.watcher.step_progressed(self._current, done, total, unit)

    def counter(self, total: int, unit: str) -> Callable[[int], None]:
        """A callback that adds finished units and reports the running total."""
        done = 0

        def advance(count: int) -> None:
            nonlocal done
            done = min(done + count, total)  # a step that has to redo some work does not overshoot
            self.progress(done, total, unit)
        return advance

    def record(self, name: str, seconds: float) -> None:
        self.report.steps.append((name, seconds))
        if self.watcher:
            self.watcher.step_ended(name, seconds)
