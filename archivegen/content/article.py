"""The Article record: everything the site model needs to know about one content file."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime


@dataclass(frozen=True)
class Article:
    """One article as read from disk; validated and normalized, not yet rendered.

    ``key`` is the content-relative path with '/' separators: the article's identity for error
    messages, deterministic tie-breaking and (later) the build state. ``body`` is the Markdown
    source; rendering it is the renderer's job, so the content layer stays free of HTML.
    """

    key: str
    title: str
    date: datetime
    slug: str
    body: str
    body_line: int
    tags: tuple[str, ...] = ()
    summary: str = ""
    source: str = ""
    authors: tuple[str, ...] = ()
    language: str = ""
    draft: bool = False
    updated: datetime | None = None
    url: str = ""  # explicit site path from front matter, overriding the permalink pattern
    url_line: int = 1  # line of the field the URL comes from (url, slug or title): for collisions
    aliases: tuple[str, ...] = ()  # old site paths that redirect to this article
    aliases_line: int = 1  # file line of the "aliases" key, for collision errors
    # front-matter list fields the config's taxonomies declare (``section: [...]``), by name
    fields: tuple[tuple[str, tuple[str, ...]], ...] = ()
    content_hash: str = ""  # sha256 of the file's bytes
    body_hash: str = ""  # sha256 of the Markdown body: the rendered-HTML cache key

    def without_body(self) -> Article:
        """The record the build state keeps: bodies are re-read only when they must be rendered."""
        return replace(self, body="")

    @property
    def sort_key(self) -> tuple[float, str]:
        """Newest first, ties broken by the content path so output never depends on disk order."""
        return (-self.date.timestamp(), self.key)
