"""Bring the site's full-text index up to date: shards, a delta, compaction (plan in ``layout.py``).

Pagefind reads not the rendered pages but a *search record* per article (``records.py``), at
the page's own path. An article's index digest covers exactly what its record is made from
(file hash, URL, summary, tag names, its day in the site's zone, plus Pagefind's version and
our settings), so template edits and new neighbours never re-index anything.

Each bundle is kept in ``.archivegen/search/bundles/NAME/`` (its name is a digest of its
records) with the result id of each page, and hard-linked into ``site/pagefind/NAME/``. One
edit re-indexes only the delta, a bundle of the few articles changed since their shard was
built; the shards' records it replaces are listed as superseded in ``site/pagefind/index.json``
(``manifest.py``), and the search page drops them. A superseded id must never also be the id of
a live record: Pagefind's ids are 7 hex digits of a content hash, unique only within a bundle,
so when one would be ambiguous the shard holding it is rebuilt at once (a forced compaction).
"""

from __future__ import annotations

import hashlib
import json
import marshal
import math
import os
import shutil
import uuid
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote

from archivegen import __version__, interrupt
from archivegen.config.schema import SearchConfig, SiteConfig
from archivegen.parallel import Progress
from archivegen.render.markdown import MARKDOWN_SETTINGS_ID
from archivegen.render.markdown_cache import HtmlSource
from archivegen.search import pagefind
from archivegen.search.layout import Bundle, IndexEntry, LayoutPlan, Member, bundle_name, cut, plan_layout
from archivegen.search.manifest import ManifestCounts, manifest_bytes
from archivegen.search.records import RECORD_SETTINGS, search_record
from archivegen.search.report import SearchReport
from archivegen.site.model import Entry, Site
from archivegen.site.paths import output_file

BUNDLE_DIR = "pagefind"  # site folder holding the bundles and the manifest
# Bump when the Pagefind options or the sort key format change: every shard is rebuilt.
INDEX_SETTINGS = f"pagefind-shards-2-chunks-{pagefind.INDEX_CHUNK_LOCATIONS}"

EPOCH_SHIFT = 10**12  # seconds: more than year 1 is before 1970
# Index records remotely: (records, label) -> a future of (bundle files by relative path, ids).
RemoteIndexer = Callable[[list[tuple[str, bytes]], str], "Future[tuple[dict[str, bytes], dict[str, str]]]"]


@dataclass
class StoredIndex:
    """The index as the build state remembers it: shards in key order, and the delta."""

    shards: list[Bundle] = field(default_factory=list)
    delta: Bundle | None = None

    def bundles(self) -> list[Bundle]:
        return [*self.shards, *([self.delta] if self.delta else [])]

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, int, str, bytes]]) -> StoredIndex:
        """Read the build state's ``search_bundles`` rows (the delta has position -1)."""
        stored = cls()
        for name, position, low, blob in rows:
            bundle = Bundle(name, low, {path: Member(key, digest, pid, day)
                                        for path, key, digest, pid, day in marshal.loads(blob)})
            if position < 0:
                stored.delta = bundle
            else:
                stored.shards.append(bundle)
        return stored

    def rows(self, before: StoredIndex) -> list[tuple[str, int, str, bytes | None]]:
        """Rows for the build state; bundles it already holds keep their members (None)."""
        known = {bundle.name for bundle in before.bundles()}
        return [(bundle.name, position, bundle.low, None if bundle.name in known else marshal.dumps(
                    [(path, m.key, m.digest, m.pid, m.day) for path, m in bundle.members.items()]))
                for position, bundle in [*enumerate(self.shards),
                                         *([(-1, self.delta)] if self.delta else [])]]


@dataclass
class SearchIndex:
    """What ``site/pagefind/`` should hold after this build, and what the state should remember."""

    stored: StoredIndex
    folders: dict[str, Path]  # bundle name -> its kept folder, to link into the site
    manifest: bytes


class RecordSource(Protocol):
    """Where the indexer gets what it indexes: the search record and the date of the article
    published at a site path (the whole model in a full build, the build state in a patch)."""

    def record(self, path: str) -> bytes: ...

    def date(self, path: str) -> str: ...


class SiteRecords:
    """Records made from a whole site model."""

    def __init__(self, config: SiteConfig, site: Site, bodies: HtmlSource) -> None:
        self.config, self.site, self.bodies = config, site, bodies
        self._entry = {e.path: e for e in site.entries}

    def record(self, path: str) -> bytes:
        entry = self._entry[path]
        return search_record(self.site, entry, self.config.language, self.bodies.html(entry.article))

    def date(self, path: str) -> str:
        return self._entry[path].article.date.isoformat()


class IndexKeys:
    """An article's place in the index and the digest of what its record is made from.

    The digest covers the page-key digest of the article (file hash, URL, summary, tag names)
    and its day in the site's zone: the page key does not cover the day, as a zone change that
    keeps an article's URL may still move it. Plus Pagefind's version and our settings.
    """

    def __init__(self, config: SiteConfig, state_dir: Path) -> None:
        self.common = _digest([_cached_version(state_dir / "search"), INDEX_SETTINGS, RECORD_SETTINGS,
                               MARKDOWN_SETTINGS_ID, __version__, config.base_url, config.language])

    def entry(self, site_entry: Entry, entry_digest: str) -> IndexEntry:
        day = _day(site_entry.article.date)
        path = site_entry.path
        return IndexEntry(key=f"{sort_instant(site_entry.article.date)}\x1f{path}", path=path,
                          digest=_digest([self.common, path, entry_digest, day]), day=day)


class SearchIndexer:
    """Plans and builds the index of a site's articles against the stored one."""

    def __init__(self, config: SiteConfig, entries: Iterable[IndexEntry], counts: ManifestCounts,
                 state_dir: Path, limits: SearchConfig):
        self.config, self.counts, self.limits = config, counts, limits
        self.cache = state_dir / "search"
        self.entries = sorted(entries, key=lambda e: e.key)

    # -- planning -----------------------------------------------------------------------------

    def fingerprint(self) -> str:
        """A digest of everything the index and its manifest are made from: every article's
        index entry and the manifest's counts (the build state keeps the last indexed one)."""
        return _digest([*(f"{e.key}\0{e.digest}" for e in self.entries),
                        json.dumps([self.counts.years, self.counts.tags], sort_keys=True)])

    def is_current(self, stored: StoredIndex, fingerprint: str | None) -> bool:
        """Whether the stored index is exactly this model's (a build without search asks).

        ``fingerprint`` is the one recorded when the stored index was built: the bundles alone
        cannot tell, as a deleted article only adds a superseded id to the manifest.
        """
        if fingerprint != self.fingerprint():
            return False
        plan = plan_layout(stored.shards, self.entries, self.limits)
        wanted_delta = bundle_name("d", plan.delta) if plan.delta else None
        return (all(shard.kept is not None for shard in plan.shards)
                and len(plan.shards) == len(stored.shards)
                and wanted_delta == (stored.delta.name if stored.delta else None))

    # -- building -----------------------------------------------------------------------------

    def update(self, stored: StoredIndex, source: RecordSource, workers: int = 1,
               remote: RemoteIndexer | None = None, on_done: Progress | None = None,
               report: SearchReport | None = None) -> SearchIndex:
        """Plan, index what the plan needs, and check that superseded ids are unambiguous."""
        report = report if report is not None else SearchReport()
        self.source = source
        force = {shard.name for shard in stored.shards if not self.is_kept(shard.name)}
        builder = _Builder(self, workers, remote, on_done, report)
        try:
            while True:
                plan = plan_layout(stored.shards, self.entries, self.limits, force)
                index = self._build(plan, stored, builder)
                ambiguous = self._ambiguous(plan, index.stored)
                if not ambiguous:
                    break
                force |= ambiguous  # rare: rebuild the shards holding them, then plan again
        finally:
            builder.close()
        report.shards = len(index.stored.shards)
        report.delta = len(plan.delta)
        report.superseded = sum(map(len, plan.superseded.values()))
        report.compacted = plan.compacted
        return index

    def _build(self, plan: LayoutPlan, stored: StoredIndex, builder: _Builder) -> SearchIndex:
        shards: list[Bundle | Future[Bundle]] = []
        in_delta = {entry.path for entry in plan.delta}
        for run in plan.shards:
            if run.kept is not None:
                shards.append(Bundle(run.kept.name, run.low, run.kept.members))
                builder.done(sum(entry.path not in in_delta for entry in run.entries))
                continue
            for low, entries, records in cut(run.entries, run.low, self.limits, self._record):
                interrupt.check()
                shards.append(builder.bundle("s", low, entries, records))
        delta: Bundle | Future[Bundle] | None = None
        if plan.delta:
            if stored.delta is not None and stored.delta.name == bundle_name("d", plan.delta) \
                    and self.is_kept(stored.delta.name):
                delta = stored.delta
                builder.done(len(plan.delta))
            else:
                delta = builder.bundle("d", "", plan.delta, [self._record(e) for e in plan.delta])
        done = StoredIndex([s.result() if isinstance(s, Future) else s for s in shards],
                           delta.result() if isinstance(delta, Future) else delta)
        folders = {bundle.name: self._folder(bundle.name) / "bundle" for bundle in done.bundles()
                   if not bundle.empty}
        superseded = sorted(pid for ids in plan.superseded.values() for pid in ids)
        return SearchIndex(done, folders, manifest_bytes(done, superseded, self.counts, self.source.date,
                                                         self.languages))

    def _ambiguous(self, plan: LayoutPlan, built: StoredIndex) -> set[str]:
        """Shards holding a superseded id that is also the id of a live record somewhere."""
        live: set[str] = set()
        for bundle in built.bundles():
            stale = set(plan.superseded.get(bundle.name, ()))
            live.update(m.pid for m in bundle.members.values() if m.pid and m.pid not in stale)
        return {name for name, ids in plan.superseded.items() if live.intersection(ids)}

    def _record(self, entry: IndexEntry) -> bytes:
        return self.source.record(entry.path)

    # -- the kept bundles ---------------------------------------------------------------------

    def _folder(self, name: str) -> Path:
        return self.cache / "bundles" / name

    def is_kept(self, name: str) -> bool:
        """Whether bundle ``name`` is complete in the cache (its ids file is written last)."""
        return (self._folder(name) / pagefind.IDS_FILE).is_file()

    def languages(self, name: str) -> list[str]:
        """The languages of the indexes in kept bundle ``name`` (Pagefind keeps one per language)."""
        return pagefind.bundle_languages(self._folder(name) / "bundle")

    def kept_ids(self, name: str) -> dict[str, str]:
        return json.loads((self._folder(name) / pagefind.IDS_FILE).read_text(encoding="utf-8"))

    def keep(self, name: str, write: Callable[[Path], dict[str, str]]) -> dict[str, str]:
        """Make bundle ``name`` in a scratch folder with ``write`` (which returns its ids), then
        move it into place: a kept folder is complete or absent, whatever interrupts the build."""
        scratch = self.cache / "bundles" / f".work-{name}-{uuid.uuid4().hex[:8]}"
        scratch.mkdir(parents=True)
        try:
            ids = write(scratch / "bundle")
            (scratch / pagefind.IDS_FILE).write_text(json.dumps(ids, sort_keys=True), encoding="utf-8")
            target = self._folder(name)
            if target.exists():
                shutil.rmtree(target)
            scratch.rename(target)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        return ids

    def forget_others(self, keep: Iterable[str]) -> None:
        """Drop kept bundles (and the per-year folders of older versions) no longer in the index."""
        wanted = set(keep)
        for folder in (self.cache / "bundles", self.cache):
            if folder.is_dir():
                for leftover in folder.iterdir():
                    if leftover.is_dir() and leftover.name not in wanted | {"bundles"}:
                        shutil.rmtree(leftover, ignore_errors=True)


class _Builder:
    """Indexes bundles on a pool of threads (each runs Pagefind, locally or through Dask),
    with at most ``workers + 1`` shards' records waiting, so memory stays bounded."""

    def __init__(self, indexer: SearchIndexer, workers: int, remote: RemoteIndexer | None,
                 on_done: Progress | None, report: SearchReport):
        self.indexer, self.remote, self.on_done, self.report = indexer, remote, on_done, report
        self.workers = max(1, workers)
        self.pool = ThreadPoolExecutor(max_workers=self.workers)
        self.running: deque[Future[Bundle]] = deque()

    def bundle(self, kind: str, low: str, entries: list[IndexEntry], records: list[bytes]) -> Future[Bundle]:
        name = bundle_name(kind, entries)
        while len(self.running) > self.workers:
            self.running.popleft().result()
        future = self.pool.submit(self._make, name, low, entries, records)
        self.running.append(future)
        return future

    def _make(self, name: str, low: str, entries: list[IndexEntry], records: list[bytes]) -> Bundle:
        indexer = self.indexer
        if indexer.is_kept(name):
            ids = indexer.kept_ids(name)
        else:
            label = "the delta" if name.startswith("d-") else \
                f"the shard of {entries[0].day} to {entries[-1].day}"
            pages = [(output_file(e.path), record) for e, record in zip(entries, records, strict=True)]
            ids = indexer.keep(name, lambda folder: self._index(pages, folder, label))
            self.report.indexed.append(name)
            self.report.indexed_articles += len(entries)
        members = {e.path: Member(e.key, e.digest, ids.get(_page_url(e.path), ""), e.day) for e in entries}
        self.done(len(entries))
        return Bundle(name, low, members)

    def done(self, articles: int) -> None:
        if self.on_done and articles:
            self.on_done(articles)

    def _index(self, pages: list[tuple[str, bytes]], folder: Path, label: str) -> dict[str, str]:
        if self.remote is None:
            return {_normal(url): pid for url, pid in pagefind.index_records(pages, folder, label).items()}
        files, ids = self.remote(pages, label).result()
        for relative, data in files.items():
            target = folder / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        return {_normal(url): pid for url, pid in ids.items()}

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def link_tree(source: Path, target: Path) -> None:
    """Hard-link a kept bundle into the output (kept bundles are never modified in place)."""
    for folder, _, names in os.walk(source):
        relative = Path(folder).relative_to(source)
        (target / relative).mkdir(parents=True, exist_ok=True)
        for name in names:
            try:
                os.link(Path(folder) / name, target / relative / name)
            except OSError:  # another filesystem, or links not supported
                shutil.copy2(Path(folder) / name, target / relative / name)


def sort_instant(moment: datetime) -> str:
    """A sortable text of an aware datetime: whole seconds since 1970 shifted positive, then the
    microseconds, both zero-padded (any date from year 1 to 9999, in any zone)."""
    return f"{math.floor(moment.timestamp()) + EPOCH_SHIFT:013d}{moment.microsecond:06d}"


def _day(moment: datetime) -> str:
    return moment.date().isoformat()  # 'YYYY-MM-DD', year zero-padded (strftime drops it)


def _page_url(site_path: str) -> str:
    """The URL Pagefind gives the record written at the page's output file."""
    url = "/" + output_file(site_path)
    return _normal(url.removesuffix("index.html"))


def _normal(url: str) -> str:
    return unquote(url)


def _digest(parts: Iterable[str]) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _cached_version(cache: Path) -> str:
    """Pagefind's version, asked once per installed binary (starting it costs some 10 ms)."""
    executable = pagefind.pagefind_executable()
    stat = executable.stat()
    marker = f"{executable}\0{stat.st_size}\0{stat.st_mtime_ns}"
    remembered = cache / "pagefind-version"
    try:
        lines = remembered.read_text(encoding="utf-8").split("\n", 1)
        if lines[0] == marker:
            return lines[1]
    except (OSError, IndexError):
        pass
    # The extended binary (Japanese and Chinese segmentation) indexes differently under the
    # same version number: its name is part of what an index is made with.
    version = f"{pagefind.pagefind_version(executable)} {executable.name}"
    cache.mkdir(parents=True, exist_ok=True)
    remembered.write_text(f"{marker}\n{version}", encoding="utf-8")
    return version
