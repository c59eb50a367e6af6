"""Immutable records of the site: what pages exist, what each shows, where each is written.

The model holds the indexes (tag -> articles, year -> articles, ...) so no template ever scans
all articles, and every output path is known before a byte is written. A Page names the data it
shows by article index, which is also what the incremental build records as its inputs.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TypeVar

from archivegen.config.schema import Pagination
from archivegen.content.article import Article

# What kind of page a Page is ('article', 'home', 'term', 'atom'...): the page families'
# registry (``archivegen/families/``) is the list of kinds, each family declaring its own, so a
# new kind of page is added there alone. A taxonomy's pages (tags', authors'...) are of the
# term kinds, ``Page.taxonomy`` naming it.
PageKind = str


@dataclass(frozen=True)
class Entry:
    """An article placed in the site: its URL and its terms in every declared taxonomy."""

    index: int  # position in Site.entries (newest first)
    article: Article
    path: str  # site path, e.g. '/2020/03/slug/'
    terms: Mapping[str, tuple[str, ...]]  # taxonomy name -> its term slugs, in the article's order
    summary: str = ""  # the article's own summary, or the one derived from its rendered body

    @property
    def tag_slugs(self) -> tuple[str, ...]:
        return self.terms.get("tags", ())

    @property
    def body_key(self) -> str:
        """What names the article's rendered body in the Markdown cache (``render/markdown_cache.py``)."""
        return self.article.body_hash


@dataclass(frozen=True)
class Term:
    """One term of a taxonomy (a tag, an author, a source) and the articles carrying it."""

    slug: str
    name: str
    entries: tuple[int, ...]  # indexes into Site.entries, newest first (those a partial model holds)
    count: int  # articles carrying the term in the whole site
    # (year, articles of the year carrying the term), newest first: the shape of the term over
    # time that its page charts. Whole-site counts, like ``count``; a partial model
    # (``build/patch.py``) fills them for the terms whose pages it renders.
    years: tuple[tuple[int, int], ...] = ()
    base: str = "/tags/"  # its taxonomy's index path

    @property
    def path(self) -> str:
        return f"{self.base}{self.slug}/"


@dataclass(frozen=True)
class Pager:
    """One page of a paginated listing, with its neighbours' site paths.

    ``newest-first`` numbering counts pages from the newest (page 1 at the base path), so one
    new article shifts every page. ``stable`` numbering counts them from the oldest: page b
    holds the articles ranked [(b-1)p, bp) from the oldest, keeps them once it is full, and sits
    at ``base/page/b/``; the base path is a landing page showing the newest ``per_page``
    articles, so a new article changes the landing page, the newest page and one neighbour.
    Articles are newest first on every page of both.
    """

    number: int  # 1-based; a stable listing's landing page has the newest number (= count)
    count: int  # the highest page number (1 when everything fits on one page)
    base: str  # site path of the landing page, e.g. '/tags/syria/'
    items: tuple[int, ...]
    total_items: int
    path: str  # this page's site path
    newer: str | None  # site path of the page with newer articles (None on the landing page)
    older: str | None  # site path of the page with older articles (None on the oldest)
    oldest: str  # site path of the page with the oldest articles
    numbering: Pagination = "newest-first"
    landing: bool = True  # the page at the base path (page 1 of a newest-first listing)


@dataclass(frozen=True)
class Page:
    """One output file and what it is made from.

    ``entries`` lists the article indexes the page shows; ``key`` identifies the listing the
    page belongs to (a tag slug, a year, 'YYYY-MM').
    """

    kind: PageKind
    path: str  # site path ('/tags/syria/page/2/' or '/feed.xml')
    output: str  # file relative to the output root ('tags/syria/page/2/index.html')
    template: str
    entries: tuple[int, ...] = ()
    key: str = ""
    pager: Pager | None = None
    title: str = ""
    taxonomy: str = ""  # the taxonomy of a term page, term feed or term index


@dataclass(frozen=True)
class Archive:
    year: int
    months: tuple[tuple[int, int], ...]  # (month, article count), newest first
    entries: tuple[int, ...]  # (those a partial model holds)
    count: int  # articles of the year in the whole site


@dataclass(frozen=True)
class Site:
    entries: tuple[Entry, ...]
    # taxonomy name -> (slug -> term, in display order: by name), every declared taxonomy
    terms: dict[str, dict[str, Term]]
    archives: dict[int, Archive]  # year -> archive, newest first
    months: dict[tuple[int, int], tuple[int, ...]]
    pages: tuple[Page, ...]
    drafts_included: bool = False
    # A partial model (``build/patch.py``) holds only some entries, so an entry's neighbours in
    # the site need not be next to it: index -> (older, newer) for its article pages.
    neighbours: Mapping[int, tuple[int | None, int | None]] | None = None

    @property
    def tags(self) -> dict[str, Term]:
        """The tags taxonomy's terms (always declared: the search filters by tag)."""
        return self.terms.get("tags", {})

    def previous_entry(self, entry: Entry) -> Entry | None:
        """The next older article (entries are newest first)."""
        if self.neighbours is not None:
            older = self.neighbours[entry.index][0]
            return None if older is None else self.entries[older]
        index = entry.index + 1
        return self.entries[index] if index < len(self.entries) else None

    def year_neighbours(self, year: int) -> tuple[int | None, int | None]:
        """(older, newer): the nearest years before and after ``year`` that have articles."""
        return _neighbours(self._year_order, year)

    def month_neighbours(self, month: tuple[int, int]
                         ) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
        """(older, newer): the nearest (year, month) before and after ``month`` that have
        articles, across years (December 2019 follows nothing in 2020 but January)."""
        return _neighbours(self._month_order, month)

    @cached_property
    def _year_order(self) -> tuple[list[int], dict[int, int]]:
        return _ordered(list(self.archives))

    @cached_property
    def _month_order(self) -> tuple[list[tuple[int, int]], dict[tuple[int, int], int]]:
        return _ordered(list(self.months))

    def next_entry(self, entry: Entry) -> Entry | None:
        """The next newer article."""
        if self.neighbours is not None:
            newer = self.neighbours[entry.index][1]
            return None if newer is None else self.entries[newer]
        return self.entries[entry.index - 1] if entry.index > 0 else None


_K = TypeVar("_K", bound=Hashable)


def _ordered(keys: list[_K]) -> tuple[list[_K], dict[_K, int]]:
    """Keys newest first, and each key's position among them (for neighbour look-ups)."""
    return keys, {key: at for at, key in enumerate(keys)}


def _neighbours(order: tuple[list[_K], dict[_K, int]], key: _K) -> tuple[_K | None, _K | None]:
    """(older, newer) of ``key`` in a newest-first order."""
    keys, positions = order
    at = positions[key]
    return (keys[at + 1] if at + 1 < len(keys) else None, keys[at - 1] if at > 0 else None)
