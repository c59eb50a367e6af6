"""``archivegen build``: a flat sequence of named, timed steps (Zola's ``Site::build``).

    load config -> read content -> build site model -> render pages -> copy static -> swap in

Nothing touches the output until the last step: everything is written to a staging directory
that replaces the output in one rename, so a failed or interrupted build leaves the previous
site byte-identical.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from archivegen import __version__, interrupt
from archivegen.config import SiteConfig, load_config
from archivegen.content.reader import read_articles
from archivegen.errors import ContentError, Problem
from archivegen.output.lock import STATE_DIR_NAME, BuildLock
from archivegen.output.safety import check_output_dir
from archivegen.output.staging import Staging, copy_static
from archivegen.parallel import cpu_count
from archivegen.render.stage import render_site
from archivegen.render.templates import THEME_STATIC
from archivegen.search.indexer import SearchReport, index_search
from archivegen.site import build_site


@dataclass
class BuildReport:
    output_dir: Path
    articles: int = 0
    tags: int = 0
    pages: int = 0
    files: int = 0
    bytes_written: int = 0
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


class _Steps:
    def __init__(self, report: BuildReport, on_step: Callable[[str, float], None] | None):
        self.report, self.on_step = report, on_step

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        interrupt.check()  # also right before the output is swapped in
        start = time.perf_counter()
        yield
        elapsed = time.perf_counter() - start
        self.report.steps.append((name, elapsed))
        if self.on_step:
            self.on_step(name, elapsed)


def build(options: BuildOptions,
          on_step: Callable[[str, float], None] | None = None) -> BuildReport:
    """Build the site; raise an ArchivegenError (leaving the old output intact) on failure."""
    started = time.perf_counter()
    config_start = time.perf_counter()
    config = load_config(options.config_path)
    output = (options.output_dir.resolve() if options.output_dir else config.output_dir)
    report = BuildReport(output_dir=output)
    steps = _Steps(report, on_step)
    report.steps.append(("load config", time.perf_counter() - config_start))
    if on_step:
        on_step("load config", report.steps[-1][1])
    check_output_dir(config, output, from_command_line=options.output_dir is not None)

    state_dir = config.project_dir / STATE_DIR_NAME
    with BuildLock(state_dir):
        try:
            _build_locked(config, options, output, steps, report)
        except BaseException as exc:
            _record_status(state_dir, output, ok=False, error=str(exc).splitlines()[:1])
            raise
        _record_status(state_dir, output, ok=True, report=report,
                       seconds=time.perf_counter() - started)
    return report


def _build_locked(config: SiteConfig, options: BuildOptions, output: Path, steps: _Steps,
                  report: BuildReport) -> None:
    workers = options.workers or cpu_count()
    with steps.step("read content"):
        result = read_articles(config.content_dir, config.tzinfo, config.project_dir, workers)
        report.warnings.extend(result.warnings)
        if result.problems:
            raise ContentError(result.problems)
    with steps.step("build site model"):
        site = build_site(config, result.articles, include_drafts=options.drafts)
        report.articles, report.tags, report.pages = len(site.entries), len(site.tags), len(site.pages)

    staging = Staging(output)
    staging.clean_stale()
    root = staging.create()
    try:
        with steps.step("render pages"):
            rendered = render_site(config, site, root, workers=workers)
        with steps.step("copy static files"):
            static_files = copy_static([THEME_STATIC, config.static_dir], root / "static")
        with steps.step("index search"):
            report.search = index_search(config, site, root, config.project_dir / STATE_DIR_NAME, workers)
        report.files = rendered.pages_written + static_files
        report.bytes_written = rendered.bytes_written
        with steps.step("swap in output"):
            staging.commit()
    except BaseException:
        staging.discard()
        raise


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
