"""Patching the stored site model for edits that leave every article in its place.

Most edits to an archive change an article's words (its body, title, summary, language) and
nothing that decides where it stands: its date, URL, terms (tags, authors... every declared
taxonomy's), aliases and draft flag stay. Such an
edit cannot move any article, change any listing's size or any tag's count, so the pages it can
change are few and known in advance: the article's page (and its aliases' redirects), its two
neighbours' pages, the one page of each listing (home, tags, year, month) that shows it, and
the feeds it is in. They are found in the stored model (``site/stored.py``) by indexed look-ups,
and only the articles those pages show are read from the state: a *partial* site model holds
just them, with the whole site's tag and year counts. The page keys then decide exactly as in a
full build (``render/inputs.py``), so a page on this list that did not really change is not
rendered; what is not on the list cannot have changed.

Anything else (a new, deleted, redated, retagged or moved article, a config or template change,
a damaged output) goes through the whole model.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo

from archivegen.config.schema import SiteConfig, Taxonomy
from archivegen.content.article import Article
from archivegen.content.incremental import Checked, SourceRecord
from archivegen.errors import Problem
from archivegen.families.aliases import redirect_pages
from archivegen.families.archive import month_pages, year_pages
from archivegen.families.articles import article_page
from archivegen.families.feeds import site_feed_pages
from archivegen.families.home import home_pages
from archivegen.families.taxonomy import term_feed_pages, term_pages
from archivegen.search.layout import IndexEntry
from archivegen.search.manifest import ManifestCounts
from archivegen.search.records import search_record
from archivegen.site.model import Archive, Entry, Page, Site, Term
from archivegen.site.paths import article_path
from archivegen.site.stored import HOME, listing_term, listings_of, order_at, order_of
from archivegen.site.taxonomy import TermSlugs, article_terms, index_path, term_names
from archivegen.state.store import BuildState

SEARCH_ENTRIES = "search_entries"  # snapshots (state/store.py): the index entries of every article
SEARCH_COUNTS = "search_counts"  # the manifest's counts per year and per tag and year
_LAST_KEY = "\U0010ffff"  # sorts after every content key: (order, _LAST_KEY) follows all of that order


@dataclass(frozen=True)
class Edit:
    """One article edited in place."""

    old: Article
    new: Article
    summary: str  # derived from the new body (when the article has no summary of its own)
    old_warnings: tuple[Problem, ...]


def in_place_edits(checked: Checked, zone: tzinfo, taxonomies: tuple[Taxonomy, ...]) -> list[Edit] | None:
    """The edits of this build, when every one of them leaves its article in place (and in
    the same terms of every taxonomy); else None."""
    if checked.scan.removed or checked.problems or not checked.parsed:
        return None
    edits = []
    for key, (article, summary) in checked.parsed.items():
        recorded = checked.known.get(key)
        if recorded is None:
            return None  # a new file
        before = SourceRecord.decode(recorded[1], zone)
        if not _same_place(before.article, article, taxonomies):
            return None
        edits.append(Edit(before.article, article, summary, before.warnings))
    return edits


def _same_place(old: Article, new: Article, taxonomies: tuple[Taxonomy, ...]) -> bool:
    return (old.date == new.date and old.slug == new.slug and old.url == new.url
            and all(term_names(old, taxonomy) == term_names(new, taxonomy) for taxonomy in taxonomies)
            and old.aliases == new.aliases and old.draft == new.draft and old.updated == new.updated)


class PartialModel:
    """The part of the site model an in-place edit can change, read from the stored model."""

    def __init__(self, config: SiteConfig, state: BuildState, include_drafts: bool) -> None:
        self.config, self.state, self.include_drafts = config, state, include_drafts
        self.counts = state.model_counts()
        self.term_names = state.model_terms()  # by listing
        self.taxonomies = {taxonomy.name: taxonomy for taxonomy in config.taxonomies}
        self._slugs = TermSlugs()
        self._articles: dict[str, tuple[Article, str]] = {}  # key -> (article, summary)
        self._needed: dict[str, None] = {}  # keys of the entries the pages show, in order met
        # The pages to make once the entries are read: article pages (by key), listing pages
        # (made with ranks for entries, and the keys those ranks hold), feeds (listing, keys).
        self._article_pages: list[str] = []
        self._listing_pages: list[tuple[Page, tuple[str, ...]]] = []
        self._feeds: list[tuple[str, tuple[str, ...]]] = []

    def terms(self, article: Article) -> dict[str, tuple[str, ...]]:
        return article_terms(article, self.config.taxonomies, self._slugs)

    def site(self, edits: Iterable[Edit]) -> Site:
        """The partial site: the pages the edits can change and the entries they show."""
        for edit in edits:
            if edit.new.draft and not self.include_drafts:
                continue  # not published before or after
            self._articles[edit.new.key] = (edit.new, edit.new.summary or edit.summary)
            self._plan_edit(edit.new)
        self._load([key for key in self._needed if key not in self._articles])
        entries = self._entries()
        return self._assemble(entries)

    # -- what the edit touches ------------------------------------------------------------------

    def _need(self, *keys: str | None) -> None:
        for key in keys:
            if key is not None:
                self._needed[key] = None

    def _plan_edit(self, article: Article) -> None:
        key, order = article.key, order_of(article)
        newer, older = self.state.model_around(HOME, order, key)
        self._need(key, newer, older)
        self._article_pages.append(key)
        for neighbour in (newer, older):
            if neighbour is not None:
                self._article_pages.append(neighbour)
                position = self.state.model_order(neighbour)
                if position is not None:
                    self._need(*self.state.model_around(HOME, position, neighbour))
        for listing in listings_of(article.date, self.terms(article)):
            size = self.counts.get(listing, 0)
            rank = self.state.model_rank(listing, order, key)
            for page in self._listing(listing, size):
                if rank in page.entries:  # entries are ranks here
                    members = self.state.model_slice(listing, page.entries[0], len(page.entries))
                    self._need(*members)
                    self._listing_pages.append((page, tuple(members)))
            if rank < self.config.feed_items:
                members = self.state.model_slice(listing, 0, self.config.feed_items)
                self._need(*members)
                self._feeds.append((listing, tuple(members)))

    # -- reading the entries --------------------------------------------------------------------

    def _load(self, keys: list[str]) -> None:
        zone = self.config.tzinfo
        for key, (_, data) in self.state.source_records(keys).items():
            record = SourceRecord.decode(data, zone)
            self._articles[key] = (record.article, record.article.summary or record.derived_summary)

    def entry(self, key: str, path: str) -> Entry:
        """An entry the partial site does not hold (its index is -1), read from the state."""
        if key not in self._articles:
            self._load([key])
        article, summary = self._articles[key]
        return Entry(index=-1, article=article, path=path, terms=self.terms(article), summary=summary)

    def _entries(self) -> dict[str, Entry]:
        ordered = sorted(self._needed, key=lambda k: self._articles[k][0].sort_key)
        entries = {}
        for index, key in enumerate(ordered):
            article, summary = self._articles[key]
            entries[key] = Entry(index=index, article=article,
                                 path=article_path(article, self.config.permalinks),
                                 terms=self.terms(article), summary=summary)
        return entries

    def _assemble(self, entries: dict[str, Entry]) -> Site:
        terms = self._terms()
        pages: list[Page] = []
        neighbours: dict[int, tuple[int | None, int | None]] = {}
        for key in self._article_pages:
            entry = entries[key]
            position = self.state.model_order(key)
            if position is None:
                continue
            newer, older = self.state.model_around(HOME, position, key)
            neighbours[entry.index] = (entries[older].index if older else None,
                                       entries[newer].index if newer else None)
            pages += [article_page(entry), *redirect_pages(entry)]
        for page, members in self._listing_pages:
            pages.append(_with_entries(page, tuple(entries[k].index for k in members)))
        for listing, members in self._feeds:
            pages += self._feed_pages(listing, tuple(entries[k].index for k in members), terms)
        unique: dict[str, Page] = {}
        for page in pages:  # a page two edits share is made once
            unique.setdefault(page.output, page)
        archives, months = self._archives()
        return Site(entries=tuple(sorted(entries.values(), key=lambda e: e.index)), terms=terms,
                    archives=archives, months=months, pages=tuple(unique.values()),
                    drafts_included=self.include_drafts, neighbours=neighbours)

    def _listing(self, listing: str, size: int) -> list[Page]:
        """The pages of a listing of ``size`` articles, with ranks for entries."""
        ranks = tuple(range(size))
        found = listing_term(listing)
        if found is not None:
            taxonomy, slug = found
            term = Term(slug=slug, name=self.term_names[listing], entries=(), count=size,
                        base=index_path(self.taxonomies[taxonomy]))
            return term_pages(self.config, self.taxonomies[taxonomy], term, ranks)
        return _date_listing_pages(self.config, listing, ranks)

    def _feed_pages(self, listing: str, members: tuple[int, ...], terms: dict[str, dict[str, Term]]
                    ) -> list[Page]:
        if listing == HOME:
            return site_feed_pages(members)
        found = listing_term(listing)
        if found is not None:
            taxonomy, slug = found
            return term_feed_pages(self.taxonomies[taxonomy], terms[taxonomy][slug], members)
        return []

    def _terms(self) -> dict[str, dict[str, Term]]:
        """Every term of every taxonomy, with the whole site's counts (and, for the terms whose
        pages are made, their counts per year)."""
        charted = {(page.taxonomy, page.key) for page, _ in self._listing_pages if page.kind == "term"}
        found: dict[str, dict[str, tuple[str, str]]] = {name: {} for name in self.taxonomies}
        for listing, name in self.term_names.items():
            term = listing_term(listing)
            if term is not None and term[0] in found:
                found[term[0]][term[1]] = (listing, name)
        def by_name(item: tuple[str, tuple[str, str]]) -> tuple[str, str]:
            return item[1][1].casefold(), item[0]

        return {taxonomy: {slug: Term(slug=slug, name=name, entries=(), count=self.counts.get(listing, 0),
                                      years=self._term_years(listing) if (taxonomy, slug) in charted else (),
                                      base=index_path(self.taxonomies[taxonomy]))
                           for slug, (listing, name) in sorted(names.items(), key=by_name)}
                for taxonomy, names in found.items()}

    def _term_years(self, listing: str) -> tuple[tuple[int, int], ...]:
        """The term's (year, count) newest first, as the builder counts them (its page's chart),
        by counting the term's articles dated from each year's start on (indexed look-ups)."""
        zone = self.config.tzinfo
        years = sorted((int(name[2:]) for name in self.counts if name.startswith("y/")), reverse=True)

        def since(year: int) -> int:  # articles of the term dated from 1 January of ``year`` on
            return self.state.model_rank(listing, order_at(datetime(year, 1, 1, tzinfo=zone)), _LAST_KEY)

        found = []
        for year in years:
            count = since(year) - since(year + 1)
            if count:
                found.append((year, count))
        return tuple(found)

    def _archives(self) -> tuple[dict[int, Archive], dict[tuple[int, int], tuple[int, ...]]]:
        months: dict[tuple[int, int], int] = {}
        for listing, count in self.counts.items():
            if listing.startswith("m/"):
                year_text, month_text = listing[2:].split("-")
                months[(int(year_text), int(month_text))] = count
        ordered = sorted(months, reverse=True)
        archives = {}
        for year in sorted({y for y, _ in ordered}, reverse=True):
            of_year = tuple((m, months[(y, m)]) for y, m in ordered if y == year)
            archives[year] = Archive(year=year, months=of_year, entries=(),
                                     count=self.counts.get(f"y/{year}", 0))
        return archives, {key: () for key in ordered}


def _date_listing_pages(config: SiteConfig, listing: str, ranks: tuple[int, ...]) -> list[Page]:
    """The pages of the home, a year or a month listing (by its stored name), as their
    families make them."""
    if listing == HOME:
        return home_pages(config, ranks)
    if listing.startswith("y/"):
        return year_pages(config, int(listing[2:]), ranks)
    year, month = listing[2:].split("-")
    return month_pages(config, int(year), int(month), ranks)


def _with_entries(page: Page, entries: tuple[int, ...]) -> Page:
    pager = dataclasses.replace(page.pager, items=entries) if page.pager is not None else None
    return dataclasses.replace(page, entries=entries, pager=pager)


class PatchRecords:
    """Search records for a patched build: from the partial site, or read from the state for
    articles it does not hold (the delta is re-indexed whole, a compaction reads its shards)."""

    def __init__(self, config: SiteConfig, state: BuildState, site: Site, model: PartialModel,
                 body_html: Callable[[Article], str]) -> None:
        self.config, self.state, self.site, self.model = config, state, site, model
        self.body_html = body_html
        self._entries = {e.path: e for e in site.entries}

    def _entry(self, path: str) -> Entry:
        entry = self._entries.get(path)
        if entry is None:
            key = self.state.source_at(path)
            if key is None:
                raise KeyError(path)
            entry = self.model.entry(key, path)
            self._entries[path] = entry
        return entry

    def record(self, path: str) -> bytes:
        entry = self._entry(path)
        return search_record(self.site, entry, self.config.language, self.body_html(entry.article))

    def date(self, path: str) -> str:
        return self._entry(path).article.date.isoformat()


def stored_index_entries(state: BuildState) -> dict[str, IndexEntry]:
    """The index entries of every article, as the last build left them."""
    return {path: IndexEntry(key, path, digest, day)
            for path, (key, digest, day) in state.snapshot(SEARCH_ENTRIES).items()}


def store_index_entries(state: BuildState, entries: Iterable[IndexEntry], counts: ManifestCounts) -> None:
    state.put_snapshot(SEARCH_ENTRIES, {e.path: (e.key, e.digest, e.day) for e in entries})
    state.put_snapshot(SEARCH_COUNTS, {"years": counts.years, "tags": counts.tags})


def stored_counts(state: BuildState) -> ManifestCounts:
    found = state.snapshot(SEARCH_COUNTS)
    return ManifestCounts(found["years"], found["tags"])
