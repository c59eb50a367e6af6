"""The record every extractor returns, whatever the input looked like."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


class NoArticle(Exception):
    """The input holds no article (an index page, an empty dump, a page of navigation only).

    The message says why, in words a user can act on; the caller adds the file name.
    """


@dataclass(frozen=True)
class Extracted:
    """One article as an extractor found it, before tagging and writing.

    ``body`` is Markdown in which all text from the source is escaped, so nothing from a scrape
    is ever read as raw HTML or as Markdown syntax it did not have. ``date`` is naive when the
    source gave no offset (the importer then applies the configured source time zone).
    """

    title: str
    body: str
    date: datetime | None = None
    summary: str = ""
    authors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    source: str = ""
    language: str = ""
    captured: datetime | None = None  # when a web archive fetched the page: the date it lacks
