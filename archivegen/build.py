"""``archivegen build``: a flat sequence of named, timed steps (Zola's ``Site::build``).

    load config -> read content -> render Markdown -> build site model -> plan
    -> render pages -> copy static files -> index search -> commit

Every build is incremental against the build state of its output folder (``.archivegen/state.sqlite``
for the configured output, see ``state/location.py``): only new
or changed content files are parsed, only bodies missing from the Markdown cache are rendered,
and only pages whose input key changed are rendered (``render/inputs.py``), of which only those
whose bytes changed are written. The result is byte-identical to a clean build.

Nothing touches the output before the commit step. A *full* build (no usable state, a new
output folder) renders everything into a staging folder that replaces the output in one
rename; an *incremental* build stages its changed files in a pending folder and moves them in
through a journal (``output/journal.py``). Either way a failed or interrupted build leaves the
previous site byte-identical and the state consistent.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from archivegen import __version__, interrupt
from archivegen.config import SiteConfig, load_config
from archivegen.errors import BuildInterrupted, Problem
from archivegen.output.lock import BuildLock
from archivegen.output.safety import check_output_dir
from archivegen.parallel import cpu_count
from archivegen.search.report import SearchReport
from archivegen.state.location import project_state_dir, state_dir_for
from archivegen.state.store import BuildState

STATE_FORMAT = "build-3"  # bump when what the state records changes meaning


@dataclass
class BuildReport:
    output_dir: Path
    articles: int = 0
    tags: int = 0
    pages: int = 0
    files: int = 0  # files written (or moved into the output)
    deleted: int = 0  # outputs removed because nothing produces them any more
    rendered: int = 0  # pages rendered (some may have come out unchanged)
    bytes_written: int = 0
    full: bool = True  # a full build (everything rendered) rather than an incremental one
    up_to_date: bool = False  # nothing had changed: only the inputs' signatures were checked
    sources_changed: int = 0  # content files added, edited or removed since the last build
    output_files: int | None = None  # what the output folder holds after the build (None: unknown)
    output_bytes: int = 0
    changed: list[str] = field(default_factory=list)  # outputs written or removed
    steps: list[tuple[str, float]] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    search: SearchReport = field(default_factory=SearchReport)

    @property
    def seconds(self) -> float:
        return sum(seconds for _, seconds in self.steps)


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


class BuildWatcher(Protocol):
    """Whoever watches a running build: the CLI draws a progress bar or writes log lines.

    A long build must not be silent (a cold build of 100k articles runs for minutes), yet the
    library knows nothing of terminals: it only says which step runs and how far it got.
    """

    def step_started(self, name: str) -> None: ...

    def step_progressed(self, name: str, done: int, total: int, unit: str) -> None: ...

    def step_ended(self, name: str, seconds: float) -> None: ...


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


def build(options: BuildOptions, watcher: BuildWatcher | None = None) -> BuildReport:
    """Build the site; raise an ArchivegenError (leaving the old output intact) on failure."""
    started = time.perf_counter()
    config = load_config(options.config_path)
    output = (options.output_dir.resolve() if options.output_dir else config.output_dir)
    report = BuildReport(output_dir=output)
    steps = Steps(report, watcher)
    steps.record("load config", time.perf_counter() - started)
    check_output_dir(config, output, from_command_line=options.output_dir is not None)

    state_dir = state_dir_for(config, output, options.drafts)
    with BuildLock(project_state_dir(config)):
        try:
            from archivegen.pipeline import run_build
            run_build(config, options, output, state_dir, steps, report)
        except BaseException as exc:
            _record_status(state_dir, output, ok=False, error=str(exc).splitlines()[:1],
                           interrupted=isinstance(exc, KeyboardInterrupt | BuildInterrupted))
            raise
        _record_status(state_dir, output, ok=True, report=report,
                       seconds=time.perf_counter() - started)
    return report


def settings_digest(config: SiteConfig, output: Path, drafts: bool) -> str:
    """What decides whether the recorded outputs describe ``output`` at all."""
    return hashlib.sha256(f"{STATE_FORMAT}\0{__version__}\0{output}\0{drafts}".encode()).hexdigest()


def reader_digest(config: SiteConfig) -> str:
    """What parsed articles depend on besides their files (dates are read in the site's zone).

    The Python version counts because records are ``marshal``-ed, whose format may change; the
    record format because a record of another layout cannot be decoded.
    """
    from archivegen.content.incremental import RECORD_FORMAT

    return hashlib.sha256(f"{STATE_FORMAT}\0{RECORD_FORMAT}\0{__version__}\0{sys.version_info[:2]}\0"
                          f"{config.timezone}\0{config.content_dir}".encode()).hexdigest()


def remembered_warnings(state: BuildState) -> list[Problem]:
    raw = state.meta("warnings")
    return pickle.loads(bytes.fromhex(raw)) if raw else []


def _record_status(state_dir: Path, output: Path, ok: bool, **details: object) -> None:
    """Remember whether the last build succeeded (deploy refuses to publish a failed one, and
    says so differently for one stopped by Ctrl-C or a signal: there is nothing to fix)."""
    report = details.pop("report", None)
    status = {"ok": ok, "output": str(output), "archivegen": __version__, **details}
    if isinstance(report, BuildReport):
        status.update(articles=report.articles, files=report.files)
    state_dir.mkdir(parents=True, exist_ok=True)
    temporary = state_dir / "last-build.json.tmp"
    temporary.write_text(json.dumps(status, indent=1, default=str), encoding="utf-8")
    temporary.replace(state_dir / "last-build.json")


def workers_for(options: BuildOptions) -> int:
    return options.workers or cpu_count()
