"""The site model as the build state stores it: every listing's articles in order.

A listing is named ``home``, ``t/<tag slug>``, ``x/<taxonomy>/<term slug>`` (the other declared
taxonomies' terms), ``y/<year>`` or ``m/<year>-<month>``; each of its
articles is a row (listing, order, content key), where ``order`` sorts newest first exactly like
``Article.sort_key`` (ties by content key). From these rows and the listings' sizes, a build
that patches the model finds an article's rank in each listing, hence the listing pages that
show it, its neighbours, and the articles on any page, with indexed look-ups alone
(``state/store.py``), however big the archive.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta

from archivegen.content.article import Article
from archivegen.site.model import Entry, Site

HOME = "home"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def order_of(article: Article) -> int:
    """Newest first: minus the microseconds since 1970 (exact, unlike a float timestamp)."""
    return order_at(article.date)


def order_at(moment: datetime) -> int:
    """The order of an article dated ``moment`` (aware)."""
    return -((moment - _EPOCH) // _MICROSECOND)


def term_listing(taxonomy: str, slug: str) -> str:
    """The listing of a term: 't/<slug>' for a tag (as before taxonomies), else
    'x/<taxonomy>/<slug>'."""
    return f"t/{slug}" if taxonomy == "tags" else f"x/{taxonomy}/{slug}"


def listing_term(listing: str) -> tuple[str, str] | None:
    """(taxonomy, slug) of a term's listing, None for another listing: ``term_listing`` undone."""
    if listing.startswith("t/"):
        return "tags", listing[2:]
    if listing.startswith("x/"):
        taxonomy, _, slug = listing[2:].partition("/")
        return taxonomy, slug
    return None


def year_listing(year: int) -> str:
    return f"y/{year}"


def month_listing(year: int, month: int) -> str:
    return f"m/{year}-{month:02d}"


def listings_of(date: datetime, terms: Mapping[str, tuple[str, ...]]) -> list[str]:
    """Every listing an article of this date and these terms (taxonomy -> slugs) is in."""
    return [HOME, *(term_listing(taxonomy, slug) for taxonomy, slugs in terms.items() for slug in slugs),
            year_listing(date.year), month_listing(date.year, date.month)]


def member_rows(entry: Entry) -> Iterator[tuple[str, int, str]]:
    order, key = order_of(entry.article), entry.article.key
    for listing in listings_of(entry.article.date, entry.terms):
        yield listing, order, key


def model_rows(site: Site) -> tuple[list[tuple[str, int, str]], list[tuple[str, int]], list[tuple[str, str]]]:
    """(members, listing sizes, term names by listing) of a whole model."""
    members = [row for entry in site.entries for row in member_rows(entry)]
    counts = [(HOME, len(site.entries))]
    listed = [(term_listing(taxonomy, slug), term) for taxonomy, terms in site.terms.items()
              for slug, term in terms.items()]
    counts += [(listing, term.count) for listing, term in listed]
    counts += [(year_listing(year), archive.count) for year, archive in site.archives.items()]
    counts += [(month_listing(year, month), n) for year, archive in site.archives.items()
               for month, n in archive.months]
    return members, counts, [(listing, term.name) for listing, term in listed]
