"""``archivegen build``: a flat sequence of named, timed steps (Zola's ``Site::build``).

    load config -> read content -> render Markdown -> build site model -> plan
    -> render pages -> copy static files -> index search -> commit

Every build is incremental against the build state of its output folder
(``.archivegen/state/<digest>.sqlite``, see ``state/store.py:state_path``): only new
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

from archivegen import __version__, interrupt
from archivegen.config import SiteConfig, load_config
from archivegen.errors import Problem
from archivegen.output.lock import STATE_DIR_NAME, BuildLock
from archivegen.output.safety import check_output_dir
from archivegen.parallel import cpu_count
from archivegen.search.report import SearchReport
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


class Steps:
    """Times named build steps and reports each as it ends (``-v`` prints them)."""

    def __init__(self, report: BuildReport, on_step: Callable[[str, float], None] | None):
        self.report, self.on_step = report, on_step

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        interrupt.check()  # also right before the output changes
        start = time.perf_counter()
        yield
        self.record(name, time.perf_counter() - start)

    def record(self, name: str, seconds: float) -> None:
        self.report.steps.append((name, seconds))
        if self.on_step:
            self.on_step(name, seconds)


def build(options: BuildOptions,
          on_step: Callable[[str, float], None] | None = None) -> BuildReport:
    """Build the site; raise an ArchivegenError (leaving the old output intact) on failure."""
    started = time.perf_counter()
    config = load_config(options.config_path)
    output = (options.output_dir.resolve() if options.output_dir else config.output_dir)
    report = BuildReport(output_dir=output)
    steps = Steps(report, on_step)
    steps.record("load config", time.perf_counter() - started)
    check_output_dir(config, output, from_command_line=options.output_dir is not None)

    state_dir = config.project_dir / STATE_DIR_NAME
    with BuildLock(state_dir):
        try:
            from archivegen.pipeline import run_build
            run_build(config, options, output, state_dir, steps, report)
        except BaseException as exc:
            _record_status(state_dir, output, ok=False, error=str(exc).splitlines()[:1])
            raise
        _record_status(state_dir, output, ok=True, report=report,
                       seconds=time.perf_counter() - started)
    return report


def settings_digest(config: SiteConfig, output: Path, drafts: bool) -> str:
    """What decides whether the recorded outputs describe ``output`` at all."""
    return hashlib.sha256(f"{STATE_FORMAT}\0{__version__}\0{output}\0{drafts}".encode()).hexdigest()


def reader_digest(config: SiteConfig) -> str:
    """What parsed articles depend on besides their files (dates are read in the site's zone).

    The Python version counts because records are ``marshal``-ed, whose format may change.
    """
    return hashlib.sha256(f"{STATE_FORMAT}\0{__version__}\0{sys.version_info[:2]}\0{config.timezone}\0"
                          f"{config.content_dir}".encode()).hexdigest()


def remembered_warnings(state: BuildState) -> list[Problem]:
    raw = state.meta("warnings")
    return pickle.loads(bytes.fromhex(raw)) if raw else []


def _record_status(state_dir: Path, output: Path, ok: bool, **details: object) -> None:
    """Remember whether the last build succeeded (deploy refuses to publish a failed one)."""
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
