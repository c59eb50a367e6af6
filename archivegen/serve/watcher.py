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

import time
from collections.abc import Callable
from pathlib import Path

from archivegen.config.schema import SiteConfig
from archivegen.serve.changes import Debouncer, classify

POLL_INTERVAL = 0.5  # seconds between scans of the polling observer


class Watcher:
    def __init__(self, config: SiteConfig, output: Path, debouncer: Debouncer, poll: bool = False,
                 warn: Callable[..., None] = print, clock: Callable[[], float] = time.monotonic) -> None:
        self.config, self.output, self.debouncer = config, output, debouncer
        self.poll, self.warn, self.clock = poll, warn, clock
        self._observer: object | None = None
        self._watched: set[Path] = set()

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> None:
        try:
            self._observer = self._make_observer(self.poll)
            self.refresh()
            self._observer.start()  # type: ignore[attr-defined]
        except OSError as exc:
            if self.poll:
                raise
            self.warn(f"warning: cannot watch files with inotify ({exc.strerror or exc}); "
                      "falling back to polling (raise fs.inotify.max_user_watches, or use --poll)", err=True)
            self._switch_to_polling()

    def stop(self) -> None:
        observer = self._observer
        if observer is not None:
            observer.stop()  # type: ignore[attr-defined]
            observer.join(timeout=5)  # type: ignore[attr-defined]

    def check(self) -> None:
        """Called between builds: watch newly created roots; replace a dead native observer."""
        observer = self._observer
        if observer is not None and not observer.is_alive() and not self.poll:  # type: ignore[attr-defined]
            self.warn("warning: the file watcher stopped (event queue overflow?); "
                      "falling back to polling and rescanning", err=True)
            self._switch_to_polling()
            return
        self.refresh()

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
            from watchdog.observers.polling import PollingObserver

            return PollingObserver(timeout=POLL_INTERVAL)
        from watchdog.observers import Observer

        return Observer()

    def _switch_to_polling(self) -> None:
        self.stop()
        self.poll = True
        self._watched.clear()
        self._observer = self._make_observer(True)
        self.refresh()
        self._observer.start()  # type: ignore[attr-defined]
        self.debouncer.rescan(self.clock())

    def event(self, path: str) -> None:
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
        self.watcher.event(str(getattr(event, "src_path", "")))
        destination = getattr(event, "dest_path", "")
        if destination:  # a rename-over save: the new name is what matters
            self.watcher.event(str(destination))
