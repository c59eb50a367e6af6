"""Index the archive with Pagefind, one bundle per year, re-indexing only years whose articles changed.

One Pagefind bundle for a whole archive stops scaling near 80-90k pages (memory while indexing,
slow common-word queries), and Pagefind cannot update a bundle incrementally. Bundles per year
fix both: each stays small, the search page merges them (or loads only the years a reader
picks), and a build re-runs Pagefind only for years whose searchable content changed.

What Pagefind reads is not the rendered page but a *search record* per article
(``records.py``), written at the page's own path into a private folder, so result URLs are the
pages' URLs under any permalink pattern. A year's fingerprint covers exactly what its records
are made from (each article's file hash, URL, summary and tag names; Pagefind's version; our
settings), so neither a template edit nor a new neighbour's previous/next link re-indexes a
year. Bundles are kept in ``.archivegen/search/YEAR/`` with their fingerprint, and a matching
kept bundle is hard-linked into the site instead of running Pagefind again.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from archivegen import __version__, interrupt
from archivegen.config.schema import SiteConfig
from archivegen.errors import Problem, SearchError
from archivegen.parallel import Progress
from archivegen.render.markdown import MARKDOWN_SETTINGS_ID
from archivegen.render.markdown_cache import HtmlSource
from archivegen.search.records import RECORD_SETTINGS, search_record
from archivegen.search.report import SearchReport
from archivegen.site.model import Site
from archivegen.site.paths import output_file

BUNDLE_DIR = "pagefind"  # site folder holding one bundle per year: /pagefind/2020/
INDEX_SETTINGS = "pagefind-per-year-2"  # bump when the markup or the Pagefind options change
TIMEOUT_SECONDS = 3600


def pagefind_executable() -> Path:
    """The Pagefind binary installed with the ``pagefind[bin]`` package (never downloaded)."""
    try:
        from pagefind_bin import get_executable
    except ImportError:
        raise SearchError("pagefind is not installed (pip install 'pagefind[bin]')") from None
    return Path(get_executable())


def pagefind_version(executable: Path) -> str:
    done = subprocess.run([str(executable), "--version"], capture_output=True, text=True, timeout=60)
    return done.stdout.strip() or "unknown"


class SearchIndexer:
    """Per-year fingerprints for one site model, and the bundles that go with them."""

    def __init__(self, config: SiteConfig, site: Site, entry_digests: Sequence[str], state_dir: Path):
        self.config, self.site = config, site
        self.cache = state_dir / "search"
        self.executable = pagefind_executable()
        common = _digest([_cached_version(self.executable, self.cache), INDEX_SETTINGS, RECORD_SETTINGS,
                          MARKDOWN_SETTINGS_ID, __version__, config.base_url, config.language])
        self.years: dict[int, list[int]] = {}
        for entry in site.entries:
            self.years.setdefault(entry.article.date.year, []).append(entry.index)
        self.fingerprints = {
            year: _digest([common, *(f"{site.entries[i].path} {entry_digests[i]}" for i in indexes)])
            for year, indexes in sorted(self.years.items(), reverse=True)}

    def place(self, years: Iterable[int], bundle_root: Path, summaries: Sequence[str], bodies: HtmlSource,
              workers: int = 1, on_done: Progress | None = None) -> SearchReport:
        """Put the bundle of each of ``years`` into ``bundle_root/pagefind/YEAR/``.

        A kept bundle whose fingerprint still matches is linked; other years are indexed, and
        ``on_done`` is told each indexed year's article count when it is done.
        """
        self.cache.mkdir(parents=True, exist_ok=True)
        report = SearchReport()
        stale: list[int] = []
        for year in years:
            kept = self.cache / str(year)
            fingerprint = kept / "fingerprint"
            if fingerprint.is_file() and fingerprint.read_text() == self.fingerprints[year] \
                    and (kept / "bundle").is_dir():
                report.reused.append(year)
            else:
                stale.append(year)
        if on_done and report.reused:
            on_done(sum(len(self.years[year]) for year in report.reused))

        def run(year: int) -> int:
            records = self._records(year, summaries, bodies)
            _index_year(self.executable, records, self.cache, year, self.fingerprints[year])
            return len(records)

        with ThreadPoolExecutor(max_workers=max(1, min(workers, len(stale) or 1))) as pool:
            for indexed in pool.map(run, stale):
                interrupt.check()
                if on_done:
                    on_done(indexed)
        report.indexed = sorted(stale)
        for year in [*report.reused, *stale]:
            _link_tree(self.cache / str(year) / "bundle", bundle_root / BUNDLE_DIR / str(year))
        return report

    def forget_other_years(self) -> None:
        """Drop kept bundles of years that no longer have articles."""
        if self.cache.is_dir():
            for leftover in self.cache.iterdir():
                if leftover.name.isdigit() and int(leftover.name) not in self.years:
                    shutil.rmtree(leftover, ignore_errors=True)

    def _records(self, year: int, summaries: Sequence[str], bodies: HtmlSource) -> list[tuple[str, bytes]]:
        records = []
        for index in self.years[year]:
            entry = self.site.entries[index]
            html = bodies.html(entry.article)
            records.append((output_file(entry.path), search_record(
                self.site, entry, summaries[index], self.config.language, html)))
        return records


def _digest(parts: Iterable[str]) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _cached_version(executable: Path, cache: Path) -> str:
    """Pagefind's version, asked once per installed binary (starting it costs some 10 ms)."""
    stat = executable.stat()
    marker = f"{executable}\0{stat.st_size}\0{stat.st_mtime_ns}"
    remembered = cache / "pagefind-version"
    try:
        lines = remembered.read_text(encoding="utf-8").split("\n", 1)
        if lines[0] == marker:
            return lines[1]
    except (OSError, IndexError):
        pass
    version = pagefind_version(executable)
    cache.mkdir(parents=True, exist_ok=True)
    remembered.write_text(f"{marker}\n{version}", encoding="utf-8")
    return version


def _index_year(executable: Path, records: list[tuple[str, bytes]], cache: Path, year: int,
                fingerprint: str) -> None:
    """Run Pagefind over one year's search records; replace the kept bundle only when it succeeded."""
    work = cache / f".work-{year}"
    shutil.rmtree(work, ignore_errors=True)
    view, bundle = work / "pages", work / "bundle"
    for name, data in records:
        target = view / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    done = subprocess.run(
        [str(executable), "--site", str(view), "--output-path", str(bundle), "--quiet"],
        capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
    if done.returncode != 0 or not (bundle / "pagefind.js").is_file():
        detail = " ".join((done.stderr or done.stdout).split())[-300:] or f"exit status {done.returncode}"
        shutil.rmtree(work, ignore_errors=True)
        raise SearchError([Problem("pagefind", f"indexing {year} failed: {detail}")])
    shutil.rmtree(view)
    (work / "fingerprint").write_text(fingerprint)
    kept = cache / str(year)
    retired = cache / f".old-{year}"
    shutil.rmtree(retired, ignore_errors=True)
    if kept.exists():
        kept.rename(retired)
    work.rename(kept)
    shutil.rmtree(retired, ignore_errors=True)


def _link_tree(source: Path, target: Path) -> None:
    """Hard-link a kept bundle into the staged site (bundles are never modified in place)."""
    for folder, _, names in os.walk(source):
        relative = Path(folder).relative_to(source)
        (target / relative).mkdir(parents=True, exist_ok=True)
        for name in names:
            _link_or_copy(Path(folder) / name, target / relative / name)


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:  # another filesystem, or links not supported
        shutil.copy2(source, target)
