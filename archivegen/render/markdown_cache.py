"""Rendered article bodies, cached by (body hash, Markdown settings, archivegen version).

Markdown is the most expensive part of rendering an article page, and most rebuilds re-render
pages whose bodies did not change (a template edit, a new neighbour, a retag). The cache lets
them reuse the sanitized HTML. Its key names everything the HTML depends on, so an upgrade or
a settings change simply misses the cache instead of serving stale HTML. Entries are committed
as soon as they are rendered: they are facts about a body, true whatever the build decides.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

from archivegen import __version__, interrupt
from archivegen.content.article import Article
from archivegen.parallel import fork_map
from archivegen.render.markdown import MARKDOWN_SETTINGS_ID, MarkdownRenderer, summarize
from archivegen.state.store import BuildState, open_reader


def markdown_key(body_hash: str) -> str:
    return hashlib.sha256(f"{body_hash}\0{MARKDOWN_SETTINGS_ID}\0{__version__}".encode()).hexdigest()


def _render_chunk(bodies: Sequence[tuple[str, str]]) -> list[tuple[str, str, str]]:
    renderer = MarkdownRenderer()
    rows = []
    for key, body in bodies:
        interrupt.check()
        html = renderer.render(body)
        rows.append((key, html, summarize(html)))
    return rows


def render_bodies(articles: Iterable[Article], state: BuildState, workers: int) -> dict[str, str]:
    """Render (on all cores) and cache every body the cache lacks; return key -> derived summary.

    ``articles`` must have their bodies loaded. Returns the summary derived from each article's
    body, keyed by the article's content key.
    """
    by_article: dict[str, str] = {}  # article key -> markdown key
    summaries: dict[str, str] = {}
    bodies = {}
    for article in articles:
        key = markdown_key(article.body_hash)
        by_article[article.key] = key
        bodies.setdefault(key, article.body)
    known = state.markdown_summaries(list(bodies))
    wanted = {key: body for key, body in bodies.items() if key not in known}
    fresh: dict[str, str] = {}
    if wanted:
        for rows in fork_map(_render_chunk, list(wanted.items()), workers, {}, min_items=200,
                             chunk_size=100):
            with state.transaction():
                state.put_markdown(rows)
            fresh.update((key, summary) for key, _, summary in rows)
    for article_key, key in by_article.items():
        summaries[article_key] = fresh[key] if key in fresh else known[key]
    return summaries


class HtmlSource:
    """Looks rendered bodies up in the cache, rendering (and re-reading) only on a miss.

    One per process: worker processes open their own read-only connection to the state.
    """

    def __init__(self, state_dir: Path, content_dir: Path) -> None:
        self.state_dir, self.content_dir = state_dir, content_dir
        self._db: sqlite3.Connection | None = None
        self._renderer: MarkdownRenderer | None = None

    def __getstate__(self) -> dict[str, object]:
        return {"state_dir": self.state_dir, "content_dir": self.content_dir,
                "_db": None, "_renderer": None}

    def html(self, article: Article) -> str:
        if self._db is None:
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
