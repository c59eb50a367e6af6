"""Rendered article bodies, cached by (body hash, Markdown settings, archivegen version).

Markdown is the most expensive part of rendering an article page, and most rebuilds re-render
pages whose bodies did not change (a template edit, a new neighbour, a retag). The cache lets
them reuse the sanitized HTML. Its key names everything the HTML depends on, so an upgrade or
a settings change simply misses the cache instead of serving stale HTML. Entries are committed
as soon as they are rendered: they are facts about a body, true whatever the build decides.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path

from archivegen import __version__, interrupt
from archivegen.content.article import Article
from archivegen.content.summary import SUMMARY_RULE_ID, summarize
from archivegen.errors import Problem, StateError
from archivegen.render.markdown import MARKDOWN_SETTINGS_ID, MarkdownRenderer
from archivegen.state.store import STATE_FILE, open_reader


def markdown_key(body_hash: str) -> str:
    # The summary is cached beside the HTML, so its rule is part of the key too.
    return hashlib.sha256(f"{body_hash}\0{MARKDOWN_SETTINGS_ID}\0{SUMMARY_RULE_ID}\0{__version__}"
                          .encode()).hexdigest()


class BodyCache:
    """Renders the bodies of freshly parsed articles into the cache, in the process parsing them.

    Used as the content reader's body hook: each worker renders its chunk's bodies, stores the
    HTML under its own connection (SQLite serializes the writers) and hands back only the
    derived summaries, so no body or HTML crosses a process boundary.
    """

    def __init__(self, state_dir: Path) -> None:
        self.state_dir = state_dir
        self._db: sqlite3.Connection | None = None
        self._pid = 0
        self._renderer: MarkdownRenderer | None = None

    def __getstate__(self) -> dict[str, object]:
        return {"state_dir": self.state_dir, "_db": None, "_pid": 0, "_renderer": None}

    def __call__(self, articles: Sequence[Article]) -> list[str]:
        db = self._connection()
        keys = [markdown_key(article.body_hash) for article in articles]
        marks = ",".join("?" * len(keys))
        known = dict(db.execute(f"SELECT key, summary FROM markdown WHERE key IN ({marks})", keys))
        rows = []
        for article, key in zip(articles, keys, strict=True):
            if key not in known:
                interrupt.check()
                if self._renderer is None:
                    self._renderer = MarkdownRenderer()
                html = self._renderer.render(article.body)
                known[key] = summarize(html)
                rows.append((key, known[key], html))
        if rows:
            try:
                with db:
                    db.executemany("INSERT OR REPLACE INTO markdown (key, summary, html) VALUES (?, ?, ?)",
                                   rows)
            except sqlite3.Error as exc:  # a full disk: one clean line, like the build's own writes
                raise StateError([Problem(str(self.state_dir / STATE_FILE),
                                          f"cannot update the build state: {exc}")]) from None
        return [known[key] for key in keys]

    def _connection(self) -> sqlite3.Connection:
        if self._db is None or self._pid != os.getpid():  # never share a connection across fork
            self._db = sqlite3.connect(self.state_dir / STATE_FILE, timeout=60)
            self._pid = os.getpid()
        return self._db

    def close(self) -> None:
        """Close this process's connection (an open one keeps SQLite's WAL files beside the state)."""
        _close(self)


class HtmlSource:
    """Looks rendered bodies up in the cache, rendering (and re-reading) only on a miss.

    One per process: worker processes open their own read-only connection to the state.
    """

    def __init__(self, state_dir: Path, content_dir: Path) -> None:
        self.state_dir, self.content_dir = state_dir, content_dir
        self._db: sqlite3.Connection | None = None
        self._pid = 0
        self._renderer: MarkdownRenderer | None = None

    def __getstate__(self) -> dict[str, object]:
        return {"state_dir": self.state_dir, "content_dir": self.content_dir,
                "_db": None, "_pid": 0, "_renderer": None}

    def html(self, article: Article) -> str:
        if self._db is not None and self._pid != os.getpid():
            self._db = None  # inherited through fork: never share a connection
        if self._db is None:
            self._pid = os.getpid()
            try:
                self._db = open_reader(self.state_dir)
            except sqlite3.Error:
                self._db = None
        if self._db is not None:
            row = self._db.execute("SELECT html FROM markdown WHERE key = ?",
                                   (markdown_key(article.body_hash),)).fetchone()
            if row is not None:
                return row[0]
        return self.render(article.body if article.body or not article.body_hash
                           else self._reread(article))

    def close(self) -> None:
        """Close this process's connection (an open one keeps SQLite's WAL files beside the state)."""
        _close(self)

    def render(self, body: str) -> str:
        if self._renderer is None:
            self._renderer = MarkdownRenderer()
        return self._renderer.render(body)

    def _reread(self, article: Article) -> str:
        """The body of an article the state kept without it (its cache entry was dropped)."""
        from archivegen.content.frontmatter import split_front_matter
        from archivegen.content.reader import decode_text

        text = decode_text((self.content_dir / article.key).read_bytes())
        return split_front_matter(text).body


def _close(owner: BodyCache | HtmlSource) -> None:
    """Close the owner's connection if this process opened it (a forked child's copy is not ours)."""
    if owner._db is not None and owner._pid == os.getpid():
        owner._db.close()
    owner._db = None
