"""What a build is asked to do (``BuildOptions``), what it did (``BuildReport``), and who is told
while it runs (``BuildWatcher``): the build package's vocabulary, imported by every other module."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from archivegen.errors import Problem
from archivegen.parallel import cpu_count
from archivegen.search.report import SearchReport


@dataclass
class BuildOptions:
    config_path: Path = Path("site_config.yaml")
    output_dir: Path | None = None
    drafts: bool = False
    workers: int = 0  # 0: one per core
    executor: Executor | None = None  # render on this instead of forked workers
    dask: str = ""  # address of a Dask scheduler to render on
    full: bool = False  # ignore the build state: render everything
    search: bool = True  # False: leave stale search bundles for the next build (live preview)
    before_commit: Callable[[], None] | None = None  # called just before the output changes
    check_outputs: bool = True  # False: trust that the output is as the last build left it
    # The content files (keys below content/) a watcher saw change since the last build; every
    # other one is trusted without a look. None: look at every file (what a command line does).
    changed_content: frozenset[str] | None = None

    @property
    def worker_count(self) -> int:
        return self.workers or cpu_count()


@dataclass
class BuildReport:
    output_dir: Path
    articles: int = 0
    tags: int = 0
    pages: int = 0
    files: int = 0  # files written (or moved into the output)
    deleted: int = 0  # outputs removed because nothing produces them any more
    restored: int = 0  # outputs found deleted or changed since the build that wrote them
    strays: list[str] = field(default_factory=list)  # files found in the output that no build wrote, removed
    rendered: int = 0  # pages rendered (some may have come out unchanged)
    bytes_written: int = 0
    full: bool = True  # a full build (everything rendered) rather than an incremental one
    up_to_date: bool = False  # nothing had changed: only the inputs' signatures were checked
    patched: bool = False  # in-place edits only: the stored model was patched, not rebuilt
    sources_changed: int = 0  # content files added, edited or removed since the last build
    output_files: int | None = None  # what the output folder holds after the build (None: unknown)
    output_bytes: int = 0
    changed: list[str] = field(default_factory=list)  # outputs written or removed
    statics: list[str] = field(default_factory=list)  # static files copied (outputs, also in changed)
    steps: list[tuple[str, float]] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    search: SearchReport = field(default_factory=SearchReport)

    @property
    def seconds(self) -> float:
        return sum(seconds for _, seconds in self.steps)


class BuildWatcher(Protocol):
    """Whoever watches a running build: the CLI draws a progress bar or writes log lines.

    A long build must not be silent (a cold build of 100k articles runs for minutes), yet the
    library knows nothing of terminals: it only says which step runs and how far it got.
    """

    def step_started(self, name: str) -> None: ...

    def step_progressed(self, name: str, done: int, total: int, unit: str) -> None: ...

    def step_ended(self, name: str, seconds: float) -> None: ...
