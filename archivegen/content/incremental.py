"""Read content/ against the build state: only new or changed files are read and parsed.

A file counts as unchanged when its stat signature (size, mtime, ctime, inode) equals the one
recorded *and* it was last changed well before its bytes were hashed. The second condition is
git's "racily clean" rule: an edit that keeps the size and lands within the timestamp
granularity of the previous hash would otherwise look unchanged, so such files are hashed
again. Writing a file always moves its ctime to the current time, which tools cannot set back,
so ``touch -d`` or ``rsync -t`` cannot hide an edit either. A file whose signature changed but
whose bytes did not (``touch``) is hashed and kept without parsing.

Reading is two steps so that a build with nothing to do stays cheap: ``scan`` only stats files
and compares signatures; ``read`` decodes the recorded articles and parses the rest.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path

from archivegen import interrupt
from archivegen.content.article import Article
from archivegen.content.reader import (
    ReadResult,
    _ArticleProblem,
    _read_bytes,
    _shown,
    content_files,
    parse_article,
)
from archivegen.errors import Problem
from archivegen.parallel import Progress, fork_map, inherited
from archivegen.state.store import SourceRow, SourceStat

RACY_NS = 2_000_000_000  # files changed this close to their hashing are hashed again
RECORD_FORMAT = 3  # 3: the declared list fields (Article.fields)
DECODED_CACHE_LIMIT = 300_000  # records kept decoded in a long-running process (serve)

Signature = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode


@dataclass(frozen=True)
class SourceRecord:
    """The parsed form of one file, as the state keeps it (without the body).

    Stored as a ``marshal``-ed tuple of plain values: decoding 100,000 of them is a large part
    of every incremental build, and marshal is several times faster than unpickling dataclasses
    holding zone-aware datetimes.
    """

    article: Article
    warnings: tuple[Problem, ...] = ()
    derived_summary: str = ""  # from the rendered body, for articles without a summary field

    def encode(self) -> bytes:
        a = self.article
        return marshal.dumps((
            RECORD_FORMAT, a.key, a.title, a.date.isoformat(), a.slug, a.body_line, a.tags, a.summary,
            a.source, a.authors, a.language, a.draft, a.updated.isoformat() if a.updated else None,
            a.url, a.url_line, a.aliases, a.aliases_line, a.content_hash, a.body_hash,
            tuple((w.path, w.message, w.line, w.column) for w in self.warnings), self.derived_summary,
            a.fields))

    @staticmethod
    def decode(data: bytes, zone: tzinfo) -> SourceRecord:
        """The record ``data`` encodes; remembered, since a live preview decodes the same ones
        build after build (records are immutable, so the bytes are the identity)."""
        cache_key = (data, str(zone))
        found = _DECODED.get(cache_key)
        if found is None:
            if len(_DECODED) > DECODED_CACHE_LIMIT:
                _DECODED.clear()
            found = _DECODED[cache_key] = SourceRecord._decode(data, zone)
        return found

    @staticmethod
    def _decode(data: bytes, zone: tzinfo) -> SourceRecord:
        (version, key, title, date, slug, body_line, tags, summary, source, authors, language, draft,
         updated, url, url_line, aliases, aliases_line, content_hash, body_hash, warnings,
         derived, fields) = marshal.loads(data)
        if version != RECORD_FORMAT:
            raise ValueError("record format")
        article = Article(
            key=key, title=title, date=datetime.fromisoformat(date).astimezone(zone), slug=slug, body="",
            body_line=body_line, tags=tags, summary=summary, source=source, authors=authors,
            language=language, draft=draft,
            updated=datetime.fromisoformat(updated).astimezone(zone) if updated else None,
            url=url, url_line=url_line, aliases=aliases, aliases_line=aliases_line,
            content_hash=content_hash, body_hash=body_hash, fields=fields)
        return SourceRecord(article, tuple(Problem(*w) for w in warnings), derived)


_DECODED: dict[tuple[bytes, str], SourceRecord] = {}


@dataclass
class Scan:
    """Which content files the state can vouch for, and which must be looked at."""

    trusted: list[str] = field(default_factory=list)  # content keys
    to_check: list[tuple[Path, str, Signature]] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # from walking the folder
    partial: bool = False  # only the files a watcher saw change were looked at (no walk)

    @property
    def unchanged(self) -> bool:
        return not self.to_check and not self.removed


@dataclass
class IncrementalRead:
    """Every article (without its body) and the changes to the state's records."""

    result: ReadResult
    parsed: set[str] = field(default_factory=set)  # keys of files parsed in this run
    rows: list[SourceRow] = field(default_factory=list)  # new or refreshed state rows
    removed: list[str] = field(default_factory=list)  # keys of files gone since the last build
    summaries: dict[str, str] = field(default_factory=dict)  # key -> derived summary, if known
    replaced: dict[str, Article] = field(default_factory=dict)  # key -> article before this run


def _signature(stat: os.stat_result) -> Signature:
    return stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino


def _trusted(row: SourceStat | None, stat: os.stat_result) -> bool:
    if (row is None or row[0] != stat.st_size or row[1] != stat.st_mtime_ns or row[2] != stat.st_ctime_ns
            or row[3] != stat.st_ino):
        return False
    return max(stat.st_mtime_ns, stat.st_ctime_ns) < row[4] - RACY_NS


def scan(content_dir: Path, shown_root: Path, known: dict[str, SourceStat]) -> Scan:
    """Stat every content file; ``known`` maps keys to their recorded signature and the time
    their bytes were hashed (``state/store.py: SourceStat``)."""
    found = Scan()
    seen: set[str] = set()
    for key, path in content_files(content_dir, found.warnings, shown_root):
        seen.add(key)
        try:
            stat = os.stat(path)
        except OSError:
            found.to_check.append((Path(path), key, (0, 0, 0, 0)))  # reading reports the problem
            continue
        if _trusted(known.get(key), stat):
            found.trusted.append(key)
        else:
            found.to_check.append((Path(path), key, _signature(stat)))
    found.removed = sorted(set(known) - seen)
    return found


def scan_changed(content_dir: Path, changed: Collection[str], recorded: Collection[str],
                 known: dict[str, SourceStat]) -> Scan | None:
    """Stat only the files a watcher saw change (the live preview's rebuilds); every other
    recorded file is trusted. ``known`` holds the state's signatures of the changed keys.

    None when a changed path needs the folder walked to be judged (a folder, a hidden file, a
    symlink, not a ``.md`` file): the caller scans everything instead.
    """
    found = Scan(partial=True)
    changed = set(changed)
    found.trusted = [key for key in recorded if key not in changed]
    for key in sorted(changed):
        parts = key.split("/")
        if not key.endswith(".md") or any(part.startswith(".") or not part for part in parts):
            return None
        path = content_dir.joinpath(*parts)
        try:
            stat = os.lstat(path)
        except FileNotFoundError:
            if key in known:
                found.removed.append(key)
            continue
        except OSError:
            return None
        if not path.is_file() or path.is_symlink() or path.parent.is_symlink():
            return None
        if _trusted(known.get(key), stat):
            found.trusted.append(key)
        else:
            found.to_check.append((path, key, _signature(stat)))
    return found


RecordLookup = Callable[[Sequence[str]], dict[str, tuple[str, bytes]]]


@dataclass
class Checked:
    """The files a scan could not vouch for, looked at: hashed, and parsed if their bytes changed.

    A build with nothing to do stops here: files changed within ``RACY_NS`` of their last hashing
    (as every file is right after a cold build) are hashed again and, when their bytes are the
    recorded ones, only their rows are refreshed, without decoding a single other record.
    """

    scan: Scan
    known: dict[str, tuple[str, bytes]]  # recorded (sha256, record) of the checked and removed files
    rows: list[SourceRow] = field(default_factory=list)  # new or refreshed state rows
    parsed: dict[str, tuple[Article, str]] = field(default_factory=dict)  # key -> (article, summary)
    same: list[str] = field(default_factory=list)  # checked files whose bytes are the recorded ones
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        """No content file was added, edited or removed (and none failed to read)."""
        return not self.parsed and not self.scan.removed and not self.problems


def check(scanned: Scan, zone: tzinfo, shown_root: Path, records: RecordLookup, workers: int = 1,
          body_hook: BodyHook | None = None, on_done: Progress | None = None,
          list_fields: tuple[str, ...] = ()) -> Checked:
    """Hash every file the scan could not vouch for; parse those whose bytes changed.

    ``records(keys)`` returns key -> (sha256, encoded SourceRecord) from the state;
    ``body_hook`` sees the bodies of parsed articles and derives their summaries;
    ``on_done`` is told how many of the files to check are done, chunk by chunk;
    ``list_fields`` are the front-matter fields the config's taxonomies declare.
    """
    known = records([*(key for _, key, _ in scanned.to_check), *scanned.removed])
    checked = Checked(scanned, known)
    items = [(path, key, signature, known[key][0] if key in known else "")
             for path, key, signature in scanned.to_check]
    state = {"zone": zone, "shown_root": shown_root, "body_hook": body_hook, "list_fields": list_fields}
    for chunk in fork_map(_check_chunk, items, workers, state, min_items=1000, chunk_size=500,
                          on_done=on_done):
        for key, row, article, problem, file_warnings, summary in chunk:
            if problem is not None:
                checked.problems.extend(problem)
                continue
            if article is None:  # same bytes as recorded: keep the recorded article
                checked.same.append(key)
                row = _replace_record(row, known[key][1])
            else:
                checked.warnings.extend(file_warnings)
                checked.parsed[key] = (article, summary)
            checked.rows.append(row)
    return checked


def recall(checked: Checked, zone: tzinfo, records: RecordLookup) -> IncrementalRead:
    """Every article (without its body): the parsed ones, and the recorded ones decoded."""
    scanned = checked.scan
    outcome = IncrementalRead(ReadResult(warnings=list(scanned.warnings)), removed=scanned.removed,
                              rows=checked.rows)
    outcome.result.problems.extend(checked.problems)
    warnings = outcome.result.warnings
    articles: dict[str, Article] = {}
    known = dict(checked.known)
    known.update(records(scanned.trusted))
    for key in [*scanned.trusted, *checked.same]:
        record = SourceRecord.decode(known[key][1], zone)
        articles[key] = record.article
        outcome.summaries[key] = record.derived_summary
        warnings.extend(record.warnings)
    warnings.extend(checked.warnings)
    for key, (article, summary) in checked.parsed.items():
        articles[key] = article
        outcome.parsed.add(key)
        outcome.summaries[key] = summary
        if key in known:
            outcome.replaced[key] = SourceRecord.decode(known[key][1], zone).article
    for key in scanned.removed:
        outcome.replaced[key] = SourceRecord.decode(known[key][1], zone).article
    outcome.result.articles = [articles[key] for key in sorted(articles)]
    return outcome


def _replace_record(row: SourceRow, record: bytes) -> SourceRow:
    return SourceRow(row.path, row.size, row.mtime_ns, row.ctime_ns, row.inode, row.checked_ns,
                     row.sha256, record)


_Checked = tuple[str, SourceRow, Article | None, list[Problem] | None, list[Problem], str]

# Runs in the worker on each chunk's freshly parsed articles (bodies loaded) and returns the
# summary derived from each body: the build renders and caches the Markdown there, so bodies
# never travel between processes.
BodyHook = Callable[[Sequence[Article]], list[str]]


def _check_chunk(items: Sequence[tuple[Path, str, Signature, str]]) -> list[_Checked]:
    """Hash each file; parse it unless its hash is the recorded one."""
    zone, shown_root, hook = inherited("zone"), inherited("shown_root"), inherited("body_hook")
    results: list[_Checked] = []
    fresh: list[tuple[int, Article, list[Problem]]] = []
    for path, key, signature, recorded_sha in items:
        interrupt.check()
        shown = _shown(path, shown_root)
        checked_ns = time.time_ns()
        warnings: list[Problem] = []
        try:
            raw = _read_bytes(path)
            sha = hashlib.sha256(raw).hexdigest()
            row = SourceRow(key, *signature, checked_ns, sha, b"")
            if sha == recorded_sha:
                results.append((key, row, None, None, warnings, ""))
                continue
            article = parse_article(raw, key, zone, shown, warnings, inherited("list_fields"))
        except _ArticleProblem as problem:
            results.append((key, SourceRow(key, 0, 0, 0, 0, 0, "", b""), None,
                            problem.problems(shown), [], ""))
            continue
        fresh.append((len(results), article, warnings))
        results.append((key, row, article, None, warnings, ""))
    summaries = hook([article for _, article, _ in fresh]) if hook and fresh else [""] * len(fresh)
    for (position, article, warnings), summary in zip(fresh, summaries, strict=True):
        key, row = results[position][0], results[position][1]
        record = SourceRecord(article.without_body(), tuple(warnings), summary)
        row = _replace_record(row, record.encode())
        results[position] = (key, row, record.article, None, warnings, summary)
    return results
