"""Watch the site's inputs with watchdog and feed relevant events to the debouncer.

What is watched: content/, templates/ and static/ recursively (new sub-folders are picked up
by the recursive watch), and the project folder itself without recursion, which sees
site_config.yaml and the creation of a templates/ or static/ folder that did not exist yet.
The output folder is never watched: a build's own writes must not trigger builds, and at
100,000 pages its folders alone would exhaust the inotify watch limit.

Native events (inotify on Linux) by default; ``--poll`` uses watchdog's polling observer, for
network mounts and containers where inotify stays silent. When inotify cannot be set up (the
``max_user_watches`` limit) or its observer dies, the watcher warns, switches to polling and
asks for a full rescan, since events may have been lost.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from archivegen.config.schema import SiteConfig
from archivegen.serve.changes import Debouncer, classify

POLL_INTERVAL = 0.5  # seconds between scans of the polling observer
# watchdog (>= 6) survives an inotify queue overflow by itself and only logs it here; events are
# lost all the same, so the watcher listens to this logger to ask for a rescan.
_INOTIFY_LOGGERS = ("watchdog.observers.inotify_c", "watchdog.observers.inotify",
                    "watchdog.observers.inotify_buffer")


def _to_stderr(line: str, err: bool = True) -> None:
    print(line, file=sys.stderr if err else sys.stdout, flush=True)


class Watcher:
    """Feeds the debouncer from a watchdog observer; survives a dead or impossible inotify."""

    def __init__(self, config: SiteConfig, output: Path, debouncer: Debouncer, poll: bool = False,
                 warn: Callable[..., None] = _to_stderr, clock: Callable[[], float] = time.monotonic) -> None:
        self.config, self.output, self.debouncer = config, output, debouncer
        self.poll, self.warn, self.clock = poll, warn, clock
        self._observer: object | None = None
        self._watched: set[Path] = set()
        self._overflow = _OverflowListener(self)

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> None:
        """Start watching (inotify unless ``poll``); an inotify limit falls back to polling."""
        try:
            self._observer = self._make_observer(self.poll)
            self.refresh()
            self._observer.start()  # type: ignore[attr-defined]
        except OSError as exc:
            if self.poll:
                raise
            self._native_failed(f"cannot watch files with inotify ({exc.strerror or exc})")
            return
        if not self.poll:
            self._overflow.attach()

    def stop(self) -> None:
        self._overflow.detach()
        observer = self._observer
        if observer is not None:
            observer.stop()  # type: ignore[attr-defined]
            if observer.is_alive():  # type: ignore[attr-defined]
                observer.join(timeout=5)  # type: ignore[attr-defined]

    def check(self) -> None:
        """Called between builds: watch newly created roots; replace a dead native observer."""
        observer = self._observer
        if observer is not None and not observer.is_alive() and not self.poll:  # type: ignore[attr-defined]
            self._native_failed("the file watcher stopped")
            return
        try:
            self.refresh()
        except OSError as exc:  # a new folder hit the inotify watch limit
            if self.poll:
                raise
            self._native_failed(f"cannot watch a new folder with inotify ({exc.strerror or exc})")

    def overflowed(self) -> None:
        """The kernel dropped events: nothing tells which files changed, so a build looks at all."""
        self.warn("warning: the file watcher lost events (inotify queue overflow); rescanning", err=True)
        self.debouncer.rescan(self.clock())

    def refresh(self) -> None:
        """Schedule watches on the roots that exist now (templates/ may appear later)."""
        observer = self._observer
        if observer is None:
            return
        roots = [(self.config.project_dir, False), (self.config.content_dir, True),
                 (self.config.templates_dir, True), (self.config.static_dir, True)]
        for root, recursive in roots:
            if root in self._watched or not root.is_dir():
                continue
            observer.schedule(_Handler(self), str(root), recursive=recursive)  # type: ignore[attr-defined]
            self._watched.add(root)

    # -- internals ----------------------------------------------------------------------------

    def _make_observer(self, poll: bool) -> object:
        if poll:
            from watchdog.observers.polling import PollingObserverVFS

            # lstat: the scan must not follow symlinks, or 'ln -s . loop' in content/ recurses
            # until the path is too long and the polling thread dies (the build skips it too).
            return PollingObserverVFS(os.lstat, os.scandir, polling_interval=POLL_INTERVAL)
        from watchdog.observers import Observer

        return Observer()

    def _native_failed(self, why: str) -> None:
        self.warn(f"warning: {why}; falling back to polling and rescanning "
                  "(raise fs.inotify.max_user_watches, or use --poll)", err=True)
        self._switch_to_polling()

    def _switch_to_polling(self) -> None:
        self.stop()
        self.poll = True
        self._watched.clear()
        self._observer = self._make_observer(True)
        self.refresh()
        self._observer.start()  # type: ignore[attr-defined]
        self.debouncer.rescan(self.clock())

    def event(self, path: str) -> None:
        """One path an event named: relevant ones go to the debouncer, the rest are dropped."""
        kind = classify(Path(path), self.config, self.output)
        if kind is not None:
            self.debouncer.add(kind, Path(path), self.clock())


class _Handler:
    """watchdog event handler: every path an event names goes through ``classify``."""

    def __init__(self, watcher: Watcher) -> None:
        self.watcher = watcher

    def dispatch(self, event: object) -> None:
        kind = getattr(event, "event_type", "")
        if kind in ("opened", "closed_no_write"):  # reading a file changes nothing
            return
        if kind == "modified" and getattr(event, "is_directory", False):
            return  # only echoes a change of an entry, which has its own event (maybe a swap file)
        self.watcher.event(str(getattr(event, "src_path", "")))
        destination = getattr(event, "dest_path", "")
        if destination:  # a rename-over save: the new name is what matters
            self.watcher.event(str(destination))


class _OverflowListener(logging.Handler):
    """Turns watchdog's "queue overflowed" log record into a rescan (watchdog has no callback)."""

    def __init__(self, watcher: Watcher) -> None:
        super().__init__(level=logging.WARNING)
        self.watcher = watcher

    def attach(self) -> None:
        for name in _INOTIFY_LOGGERS:
            logging.getLogger(name).addHandler(self)

    def detach(self) -> None:
        for name in _INOTIFY_LOGGERS:
            logging.getLogger(name).removeHandler(self)

    def emit(self, record: logging.LogRecord) -> None:
        if "overflow" in record.getMessage().lower():
            self.watcher.overflowed()
