"""The build state: one SQLite file recording what every output was made from.

Three kinds of memory live here, each a table:

* ``sources``: every content file's stat signature, the hash of its bytes and the parsed
  article (without its body), so an unchanged file is neither read nor parsed again;
* ``markdown``: rendered article bodies keyed by (body hash, Markdown settings, archivegen
  version), so a template or config change re-renders pages without re-parsing Markdown;
* ``outputs``: for every output file, the key of its inputs (see ``render/inputs.py``), the
  dependencies recorded while it was rendered, and the hash of the bytes written. A rebuild
  renders only outputs whose key changed and writes only those whose bytes changed.

The site model is stored too (``model_members``, ``model_counts``, ``model_terms``, see
``site/stored.py``): every listing's articles in order, so that a build patching the model for an
edited article finds its rank, its page and its neighbours by indexed look-ups.

Plus ``snapshots`` (whole mappings a build with nothing to do must read at once, stored as one
``marshal``-ed value because one row per item costs ten times as much to load: the stat
signatures of the outputs and of the config, template and static files, see
``build/freshness.py``), ``search_bundles`` (the search index's shards and delta: which
articles each holds, with their digests and result ids, see ``search/layout.py``), ``urls``
(the site path each published article had, to warn when a build moves one, see
``site/moves.py``), ``meta`` (settings the whole state depends on) and ``journal`` (the
incremental build's commit record, see ``output/journal.py``). Every build's updates are one
transaction, committed together with its journal: a crash before that leaves the previous
state, a crash after it is rolled forward by the next build.

There is one state file per output folder and drafts setting (see ``state/location.py``).
"""

from __future__ import annotations

import marshal
import pickle
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archivegen.errors import Problem, StateError

SCHEMA_VERSION = "8"  # 8: model_terms (every taxonomy's term names) replaced model_tags
STATE_FILE = "state.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sources (
    path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, ctime_ns INTEGER, inode INTEGER,
    checked_ns INTEGER, sha256 TEXT, record BLOB);
CREATE TABLE IF NOT EXISTS markdown (key TEXT PRIMARY KEY, summary TEXT, html TEXT);
CREATE TABLE IF NOT EXISTS outputs (
    path TEXT PRIMARY KEY, inputs TEXT, templates TEXT, reads TEXT, digest TEXT);
CREATE TABLE IF NOT EXISTS journal (id INTEGER PRIMARY KEY CHECK (id = 1), body BLOB);
CREATE TABLE IF NOT EXISTS urls (source TEXT PRIMARY KEY, path TEXT, content_hash TEXT, identity TEXT);
CREATE TABLE IF NOT EXISTS search_bundles (
    name TEXT PRIMARY KEY, position INTEGER, low TEXT, members BLOB);
CREATE TABLE IF NOT EXISTS snapshots (name TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS urls_by_path ON urls (path);
CREATE TABLE IF NOT EXISTS model_members (
    listing TEXT NOT NULL, ts INTEGER NOT NULL, key TEXT NOT NULL,
    PRIMARY KEY (listing, ts, key)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS model_members_by_key ON model_members (key);
CREATE TABLE IF NOT EXISTS model_counts (listing TEXT PRIMARY KEY, count INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS model_terms (listing TEXT PRIMARY KEY, name TEXT NOT NULL);
"""


SOURCE_STATS = "source_stats"  # snapshot of the sources' signatures
SourceStat = tuple[int, int, int, int, int]  # size, mtime_ns, ctime_ns, inode, checked_ns


@dataclass(frozen=True)
class SourceRow:
    """What the state remembers of one content file."""

    path: str  # content-relative key, e.g. '2020/slug.md'
    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int
    checked_ns: int  # wall clock when its bytes were hashed (the racy-clean check needs it)
    sha256: str
    record: bytes  # pickled SourceRecord (the article without its body, its warnings)


@dataclass(frozen=True)
class OutputRow:
    """What the state remembers of one output file."""

    path: str  # relative to the output folder
    inputs: str  # key of everything it was made from
    templates: str  # templates loaded while rendering it, '\n'-separated
    reads: str  # counts read while rendering it (tag slugs, recorder's reserved names; '\n'-separated)
    digest: str  # hash of the bytes written


def _open(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.executescript(_SCHEMA)
    return db


def open_reader(state_dir: Path) -> sqlite3.Connection:
    """A read-only connection for worker processes (they only look up rendered Markdown)."""
    return sqlite3.connect(f"file:{state_dir / STATE_FILE}?mode=ro", uri=True, check_same_thread=False)


class BuildState:
    """A handle on one output folder's state file (``state/location.py`` says where it lives);
    every change happens inside ``transaction()``."""

    def __init__(self, state_dir: Path) -> None:
        state_dir.mkdir(parents=True, exist_ok=True)
        self.path = state_dir / STATE_FILE
        self._db = self._connect()
        self._source_stats: dict[str, SourceStat] | None = None  # the snapshot, once read
        self._stats_dirty = False

    def _connect(self) -> sqlite3.Connection:
        try:
            db = _open(self.path)
            if self._meta(db, "schema") in (None, SCHEMA_VERSION):
                db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
                return db
            db.close()
        except sqlite3.DatabaseError:
            pass
        # A corrupt or outdated state only costs a full build: start again from nothing.
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        db = _open(self.path)
        db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
        return db

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All-or-nothing updates; SQLite failures become one clean error naming the file."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
                if self._stats_dirty:
                    self.put_snapshot(SOURCE_STATS, self.source_signatures())
            except BaseException:
                self._db.execute("ROLLBACK")
                self._source_stats, self._stats_dirty = None, False  # reread what is committed
                raise
            self._db.execute("COMMIT")
            self._stats_dirty = False
        except sqlite3.Error as exc:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise StateError([Problem(str(self.path), f"cannot update the build state: {exc}")]) from None

    # -- meta ---------------------------------------------------------------------------------

    @staticmethod
    def _meta(db: sqlite3.Connection, name: str) -> str | None:
        row = db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def meta(self, name: str) -> str | None:
        return self._meta(self._db, name)

    def set_meta(self, name: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (name, value))

    # -- sources ------------------------------------------------------------------------------

    def source_signatures(self) -> dict[str, SourceStat]:
        """Content key -> (size, mtime_ns, ctime_ns, inode, checked_ns), without the records.

        Read from a snapshot kept beside the table: a no-op build of 100,000 articles needs all
        of them, and one ``marshal`` load costs a fifth of reading a row per file.
        """
        if self._source_stats is None:
            stats = self.snapshot(SOURCE_STATS)
            if not stats:  # a state from before the snapshot, or a new one
                stats = {row[0]: row[1:] for row in self._db.execute(
                    "SELECT path, size, mtime_ns, ctime_ns, inode, checked_ns FROM sources")}
            self._source_stats = stats
        return self._source_stats

    def source_keys(self) -> list[str]:
        return list(self.source_signatures())

    def source_signatures_of(self, keys: Iterable[str]) -> dict[str, SourceStat]:
        """``source_signatures`` for the given keys only."""
        stats = self.source_signatures()
        return {key: stats[key] for key in keys if key in stats}

    def source_records(self, keys: Sequence[str]) -> dict[str, tuple[str, bytes]]:
        """Content key -> (sha256 of the file, pickled record) for the given keys."""
        if len(keys) > 500:
            wanted = set(keys)
            return {path: (sha, record) for path, sha, record
                    in self._db.execute("SELECT path, sha256, record FROM sources") if path in wanted}
        found = {}
        for key in keys:
            row = self._db.execute("SELECT sha256, record FROM sources WHERE path = ?", (key,)).fetchone()
            if row is not None:
                found[key] = (row[0], row[1])
        return found

    def put_sources(self, rows: Iterable[SourceRow]) -> None:
        rows = list(rows)
        self._db.executemany("INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                             ((r.path, r.size, r.mtime_ns, r.ctime_ns, r.inode, r.checked_ns,
                               r.sha256, r.record) for r in rows))
        if rows:
            stats = self.source_signatures()
            for r in rows:
                stats[r.path] = (r.size, r.mtime_ns, r.ctime_ns, r.inode, r.checked_ns)
            self._stats_dirty = True

    def drop_sources(self, paths: Iterable[str]) -> None:
        paths = list(paths)
        self._db.executemany("DELETE FROM sources WHERE path = ?", ((p,) for p in paths))
        if paths:
            stats = self.source_signatures()
            for path in paths:
                stats.pop(path, None)
            self._stats_dirty = True

    def clear_sources(self) -> None:
        self._db.execute("DELETE FROM sources")
        self._source_stats, self._stats_dirty = {}, True

    # -- rendered Markdown --------------------------------------------------------------------

    # (written by the workers that render it: see render/markdown_cache.py)

    def drop_markdown(self, keys: Iterable[str]) -> None:
        self._db.executemany("DELETE FROM markdown WHERE key = ?", ((k,) for k in keys))

    # -- outputs ------------------------------------------------------------------------------

    def outputs(self) -> dict[str, OutputRow]:
        return {row[0]: OutputRow(*row) for row in self._db.execute("SELECT * FROM outputs")}

    def put_outputs(self, rows: Iterable[OutputRow]) -> None:
        self._db.executemany("INSERT OR REPLACE INTO outputs VALUES (?, ?, ?, ?, ?)",
                             ((r.path, r.inputs, r.templates, r.reads, r.digest) for r in rows))

    def drop_outputs(self, paths: Iterable[str]) -> None:
        self._db.executemany("DELETE FROM outputs WHERE path = ?", ((p,) for p in paths))

    def clear_outputs(self) -> None:
        self._db.execute("DELETE FROM outputs")

    def outputs_at(self, paths: Iterable[str], prefixes: Sequence[str] = ()) -> dict[str, OutputRow]:
        """The rows of the given outputs, and of every output under each of ``prefixes``."""
        found = {}
        for path in paths:
            row = self._db.execute("SELECT * FROM outputs WHERE path = ?", (path,)).fetchone()
            if row is not None:
                found[row[0]] = OutputRow(*row)
        for prefix in prefixes:
            for row in self._db.execute("SELECT * FROM outputs WHERE path >= ? AND path < ?",
                                        (prefix, prefix + "\U0010ffff")):
                found[row[0]] = OutputRow(*row)
        return found

    def output_digest(self, path: str) -> str | None:
        """The hash of the bytes recorded for one output."""
        row = self._db.execute("SELECT digest FROM outputs WHERE path = ?", (path,)).fetchone()
        return row[0] if row else None

    def has_outputs_under(self, folder: str) -> bool:
        """Whether some recorded output lies below ``folder`` ('x/'), or is that folder (a bundle)."""
        row = self._db.execute("SELECT 1 FROM outputs WHERE path >= ? AND path < ? LIMIT 1",
                               (folder, folder + "\U0010ffff")).fetchone()
        return row is not None

    # -- the stored site model ----------------------------------------------------------------

    def replace_model(self, members: Iterable[tuple[str, int, str]], counts: Iterable[tuple[str, int]],
                      terms: Iterable[tuple[str, str]]) -> None:
        """Store the whole model: (listing, order, content key) rows, listing sizes, and the
        terms' display names by their listing."""
        for table in ("model_members", "model_counts", "model_terms"):
            self._db.execute(f"DELETE FROM {table}")
        self.patch_model((), members, counts, terms)

    def patch_model(self, keys: Iterable[str], members: Iterable[tuple[str, int, str]],
                    counts: Iterable[tuple[str, int]], terms: Iterable[tuple[str, str]]) -> None:
        """Replace the rows of the articles ``keys`` by ``members``; counts and terms whole."""
        self._db.executemany("DELETE FROM model_members WHERE key = ?", ((k,) for k in keys))
        self._db.executemany("INSERT OR REPLACE INTO model_members VALUES (?, ?, ?)", members)
        self._db.execute("DELETE FROM model_counts")
        self._db.executemany("INSERT INTO model_counts VALUES (?, ?)", counts)
        self._db.execute("DELETE FROM model_terms")
        self._db.executemany("INSERT INTO model_terms VALUES (?, ?)", terms)

    def model_rank(self, listing: str, order: int, key: str) -> int:
        """How many articles come before (order, key) in ``listing``."""
        return self._db.execute(
            "SELECT COUNT(*) FROM model_members WHERE listing = ? AND (ts, key) < (?, ?)",
            (listing, order, key)).fetchone()[0]

    def model_slice(self, listing: str, start: int, count: int) -> list[str]:
        """Content keys of ``listing`` from position ``start`` on (at most ``count``)."""
        return [key for key, in self._db.execute(
            "SELECT key FROM model_members WHERE listing = ? ORDER BY ts, key LIMIT ? OFFSET ?",
            (listing, count, start))]

    def model_around(self, listing: str, order: int, key: str) -> tuple[str | None, str | None]:
        """The content keys just before and just after (order, key) in ``listing``."""
        before = self._db.execute(
            "SELECT key FROM model_members WHERE listing = ? AND (ts, key) < (?, ?) "
            "ORDER BY ts DESC, key DESC LIMIT 1", (listing, order, key)).fetchone()
        after = self._db.execute(
            "SELECT key FROM model_members WHERE listing = ? AND (ts, key) > (?, ?) "
            "ORDER BY ts, key LIMIT 1", (listing, order, key)).fetchone()
        return (before[0] if before else None, after[0] if after else None)

    def model_order(self, key: str) -> int | None:
        """The order of the article ``key`` in the model (None when it is not in it)."""
        row = self._db.execute("SELECT ts FROM model_members WHERE key = ? AND listing = 'home'",
                               (key,)).fetchone()
        return row[0] if row else None

    def model_counts(self) -> dict[str, int]:
        return dict(self._db.execute("SELECT listing, count FROM model_counts"))

    def model_terms(self) -> dict[str, str]:
        """A term's listing ('t/<slug>', 'x/<taxonomy>/<slug>') -> its display name, in no
        particular order."""
        return dict(self._db.execute("SELECT listing, name FROM model_terms"))

    def source_at(self, path: str) -> str | None:
        """The content key of the article published at site path ``path``."""
        row = self._db.execute("SELECT source FROM urls WHERE path = ?", (path,)).fetchone()
        return row[0] if row else None

    # -- snapshots ----------------------------------------------------------------------------

    def snapshot(self, name: str) -> dict[str, Any]:
        """A mapping stored whole (empty when there is none, or it cannot be decoded)."""
        row = self._db.execute("SELECT data FROM snapshots WHERE name = ?", (name,)).fetchone()
        if row is None:
            return {}
        try:
            found = marshal.loads(row[0])
        except (EOFError, ValueError, TypeError):
            return {}
        return found if isinstance(found, dict) else {}

    def has_snapshot(self, name: str) -> bool:
        return self._db.execute("SELECT 1 FROM snapshots WHERE name = ?", (name,)).fetchone() is not None

    def put_snapshot(self, name: str, mapping: dict[str, Any]) -> None:
        self._db.execute("INSERT OR REPLACE INTO snapshots VALUES (?, ?)", (name, marshal.dumps(mapping)))

    # -- published URLs -----------------------------------------------------------------------

    def published_urls(self) -> dict[str, tuple[str, str, str]]:
        """Content key -> (site path, sha256 of the file, identity) as of the last build."""
        return {source: (path, content_hash, identity) for source, path, content_hash, identity
                in self._db.execute("SELECT source, path, content_hash, identity FROM urls")}

    def put_published_urls(self, rows: Iterable[tuple[str, str, str, str]]) -> None:
        self._db.executemany("INSERT OR REPLACE INTO urls VALUES (?, ?, ?, ?)", rows)

    def drop_published_urls(self, sources: Iterable[str]) -> None:
        self._db.executemany("DELETE FROM urls WHERE source = ?", ((s,) for s in sources))

    # -- search bundles -----------------------------------------------------------------------

    def search_bundles(self) -> list[tuple[str, int, str, bytes]]:
        """(name, position, low key, marshalled members) of every bundle, shards in key order;
        the delta has position -1."""
        return list(self._db.execute(
            "SELECT name, position, low, members FROM search_bundles ORDER BY position"))

    def put_search_bundles(self, rows: Sequence[tuple[str, int, str, bytes | None]]) -> None:
        """Make the index these rows; a row without members keeps the members it has."""
        names = [row[0] for row in rows]
        marks = ",".join("?" * len(names))
        self._db.execute(f"DELETE FROM search_bundles WHERE name NOT IN ({marks})", names)
        for name, position, low, members in rows:
            if members is None:
                self._db.execute("UPDATE search_bundles SET position = ?, low = ? WHERE name = ?",
                                 (position, low, name))
            else:
                self._db.execute("INSERT OR REPLACE INTO search_bundles VALUES (?, ?, ?, ?)",
                                 (name, position, low, members))

    # -- journal ------------------------------------------------------------------------------

    def journal(self) -> object | None:
        row = self._db.execute("SELECT body FROM journal WHERE id = 1").fetchone()
        return pickle.loads(row[0]) if row else None

    def set_journal(self, body: object) -> None:
        self._db.execute("INSERT OR REPLACE INTO journal VALUES (1, ?)",
                         (pickle.dumps(body, protocol=pickle.HIGHEST_PROTOCOL),))

    def clear_journal(self) -> None:
        self._db.execute("DELETE FROM journal")
