"""Index the rendered article pages with Pagefind, one bundle per year, re-indexing only what changed.

One Pagefind bundle for a whole archive stops scaling near 80-90k pages (memory while indexing,
slow common-word queries), and Pagefind cannot update a bundle incrementally. Bundles per year
fix both: each stays small, the search page merges them (or loads only the years a reader
picks), and a build re-runs Pagefind only for years whose article pages changed.

How a year is indexed: its article pages are hard-linked into a private folder with the same
relative paths (so result URLs are right whatever the permalink pattern) and Pagefind runs on
that folder alone. The bundle is kept in ``.archivegen/search/YEAR/`` with a fingerprint of
everything it was made from (the bytes of the year's pages, Pagefind's version, our settings);
a later build whose fingerprint matches links the kept bundle into the new site instead of
running Pagefind again.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from archivegen import interrupt
from archivegen.config.schema import SiteConfig
from archivegen.errors import Problem, SearchError
from archivegen.render.templates import THEME_TEMPLATES
from archivegen.site.model import Site

BUNDLE_DIR = "pagefind"  # site folder holding one bundle per year: /pagefind/2020/
INDEX_SETTINGS = "pagefind-per-year-1"  # bump when the markup or the Pagefind options change
TIMEOUT_SECONDS = 3600


@dataclass
class SearchReport:
    indexed: list[int] = field(default_factory=list)  # years Pagefind ran for
    reused: list[int] = field(default_factory=list)  # years whose kept bundle was still right


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


def index_search(config: SiteConfig, site: Site, root: Path, state_dir: Path,
                 workers: int = 1) -> SearchReport:
    """Put a Pagefind bundle for every year with articles into ``root/pagefind/YEAR/``."""
    executable = pagefind_executable()
    common = _common_inputs(config, pagefind_version(executable))
    cache = state_dir / "search"
    cache.mkdir(parents=True, exist_ok=True)
    years = _article_files_by_year(site)
    report = SearchReport()
    stale: list[tuple[int, str]] = []
    for year, files in years.items():
        fingerprint = _fingerprint(common, files)
        kept = cache / str(year)
        if (kept / "fingerprint").is_file() and (kept / "fingerprint").read_text() == fingerprint \
                and (kept / "bundle").is_dir():
            report.reused.append(year)
        else:
            stale.append((year, fingerprint))

    def run(job: tuple[int, str]) -> None:
        year, fingerprint = job
        _index_year(executable, root, years[year], cache, year, fingerprint)

    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(stale) or 1))) as pool:
        for _ in pool.map(run, stale):
            interrupt.check()
    report.indexed = sorted(year for year, _ in stale)
    for year in years:
        _link_tree(cache / str(year) / "bundle", root / BUNDLE_DIR / str(year))
    for leftover in cache.iterdir():  # years that no longer have articles
        if leftover.name.isdigit() and int(leftover.name) not in years:
            shutil.rmtree(leftover, ignore_errors=True)
    return report


def _article_files_by_year(site: Site) -> dict[int, list[tuple[str, str]]]:
    """Year -> (output file, content hash) of its article pages."""
    years: dict[int, list[tuple[str, str]]] = {}
    for page in site.pages:
        if page.kind == "article":
            article = site.entries[page.entries[0]].article
            years.setdefault(article.date.year, []).append((page.output, article.content_hash))
    return {year: sorted(files) for year, files in sorted(years.items(), reverse=True)}


def _common_inputs(config: SiteConfig, version: str) -> bytes:
    """What every year's index depends on besides its own articles.

    The page bytes themselves are not the fingerprint: a new article elsewhere changes the
    previous/next links of its neighbours, which Pagefind does not index, and must not cost a
    re-index of their year. Templates do count (they decide what is marked for indexing), so a
    template edit re-indexes everything, as it should.
    """
    digest = hashlib.sha256(f"{version}\n{INDEX_SETTINGS}\n{config.base_url}\n{config.language}\n"
                            f"{config.timezone}\n{config.permalinks}\n".encode())
    for folder in (THEME_TEMPLATES, config.templates_dir):
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    digest.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.digest()


def _fingerprint(common: bytes, files: Iterable[tuple[str, str]]) -> str:
    digest = hashlib.sha256(common)
    for name, content_hash in files:
        digest.update(f"{name}\0{content_hash}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def _index_year(executable: Path, root: Path, files: list[tuple[str, str]], cache: Path, year: int,
                fingerprint: str) -> None:
    """Run Pagefind over one year's pages; replace the kept bundle only when it succeeded."""
    work = cache / f".work-{year}"
    shutil.rmtree(work, ignore_errors=True)
    view, bundle = work / "pages", work / "bundle"
    for name, _ in files:
        target = view / name
        target.parent.mkdir(parents=True, exist_ok=True)
        _link_or_copy(root / name, target)
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
