"""Which file events matter to the live preview, and when a burst of them is over.

File events are only a trigger: the incremental build decides what actually changed, by
content. So this module only has to answer two questions, both without sockets or threads
(the unit tests drive them with a fake clock):

* ``classify``: is this path an input of the site (content, template, static file, the
  config), or noise (editors' swap and backup files, the output, the build state, VCS)?
* ``Debouncer``: has the quiet period passed since the last relevant event? A ``git checkout``
  of 500 files, or an editor's write-rename-delete save, is one rebuild, not hundreds.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from archivegen.config.schema import SiteConfig
from archivegen.editorfiles import VCS_FOLDERS, is_editor_junk
from archivegen.output.lock import STATE_DIR_NAME

Kind = Literal["content", "template", "static", "config"]

QUIET_SECONDS = 0.15  # no event for this long: the burst is over
MAX_WAIT_SECONDS = 2.0  # a never-ending stream of events still builds this often

_IGNORED_FOLDERS = {*VCS_FOLDERS, "__pycache__", "node_modules", STATE_DIR_NAME}


def is_temporary(name: str) -> bool:
    """Whether a file name is an editor's or tool's temporary file, or hidden: never content or
    a template (a static file may be hidden: see ``classify``)."""
    return name.startswith(".") or is_editor_junk(name)


def classify(path: Path, config: SiteConfig, output: Path) -> Kind | None:
    """The kind of site input ``path`` is, or None when changing it cannot change the site."""
    if is_editor_junk(path.name):
        return None
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python < 3.13)
        return None
    if resolved == config.config_path:
        return "config"
    for root, kind in ((output, None), (config.content_dir, "content"),
                       (config.templates_dir, "template"), (config.static_dir, "static")):
        try:
            relative = resolved.relative_to(root)
        except ValueError:
            continue
        if kind is None:
            return None
        if kind == "static":  # published as the build copies them: dotfiles too (editorfiles.py)
            return None if any(part in VCS_FOLDERS for part in relative.parts) else "static"
        if any(part in _IGNORED_FOLDERS or part.startswith(".") for part in relative.parts):
            return None
        if kind == "content" and path.suffix != ".md" and "." in path.name:
            return None  # an image or a note beside the articles: not read by the build
        return kind  # type: ignore[return-value]
    return None


@dataclass
class Batch:
    """The relevant events of one burst (for the log line; the build decides what changed)."""

    kinds: set[Kind] = field(default_factory=set)
    paths: set[Path] = field(default_factory=set)
    rescan: bool = False  # the watcher lost events: look at everything


class Debouncer:
    """Collects events from the watcher thread; hands out a batch once the burst is over."""

    def __init__(self, quiet: float = QUIET_SECONDS, max_wait: float = MAX_WAIT_SECONDS,
                 on_event: Callable[[], None] | None = None) -> None:
        self.quiet, self.max_wait, self.on_event = quiet, max_wait, on_event
        self._lock = threading.Condition()
        self._batch: Batch | None = None
        self._first = self._last = 0.0

    def add(self, kind: Kind, path: Path, now: float) -> None:
        with self._lock:
            self._start(now)
            assert self._batch is not None
            self._batch.kinds.add(kind)
            self._batch.paths.add(path)
            self._lock.notify_all()
        if self.on_event:
            self.on_event()

    def rescan(self, now: float) -> None:
        """The watcher overflowed or failed: whatever changed, a build must look."""
        with self._lock:
            self._start(now)
            assert self._batch is not None
            self._batch.rescan = True
            self._lock.notify_all()
        if self.on_event:
            self.on_event()

    def _start(self, now: float) -> None:
        if self._batch is None:
            self._batch, self._first = Batch(), now
        self._last = now

    def pending(self) -> bool:
        with self._lock:
            return self._batch is not None

    def due(self, now: float) -> Batch | None:
        """The batch, if its burst is over at ``now`` (quiet long enough, or waited too long)."""
        with self._lock:
            if self._batch is None:
                return None
            if now - self._last >= self.quiet or now - self._first >= self.max_wait:
                batch, self._batch = self._batch, None
                return batch
            return None

    def wait(self, clock: Callable[[], float], stop: threading.Event,
             idle: Callable[[], None] | None = None) -> Batch | None:
        """Block until a batch is due (or ``stop`` is set), running ``idle`` while none is pending."""
        while not stop.is_set():
            now = clock()
            batch = self.due(now)
            if batch is not None:
                return batch
            if idle is not None and not self.pending():
                idle()
                if self.pending():
                    continue
            with self._lock:
                if self._batch is None:
                    self._lock.wait(timeout=0.5)
                else:
                    deadline = min(self._last + self.quiet, self._first + self.max_wait)
                    self._lock.wait(timeout=max(0.005, deadline - now))
        return None

