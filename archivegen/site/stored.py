"""The site model as the build state stores it: every listing's articles in order.

A listing is named ``home``, ``t/<tag slug>``, ``y/<year>`` or ``m/<year>-<month>``; each of its
articles is a row (listing, order, content key), where ``order`` sorts newest first exactly like
``Article.sort_key`` (ties by content key). From these rows and the listings' sizes, a build
that patches the model finds an article's rank in each listing, hence the listing pages that
show it, its neighbours, and the articles on any page, with indexed look-ups alone
(``state/store.py``), however big the archive.
"""

from __future__ import annotations

from collections.abc import Iterator
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


def tag_listing(slug: str) -> str:
    return f"t/{slug}"


def year_listing(year: int) -> str:
    return f"y/{year}"


def month_listing(year: int, month: int) -> str:
    return f"m/{year}-{month:02d}"


def listings_of(date: datetime, tag_slugs: tuple[str, ...]) -> list[str]:
    """Every listing an article of this date and these tags is in."""
    return [HOME, *(tag_listing(slug) for slug in tag_slugs), year_listing(date.year),
            month_listing(date.year, date.month)]


def member_rows(entry: Entry) -> Iterator[tuple[str, int, str]]:
    order, key = order_of(entry.article), entry.article.key
    for listing in listings_of(entry.article.date, entry.tag_slugs):
        yield listing, order, key


def model_rows(site: Site) -> tuple[list[tuple[str, int, str]], list[tuple[str, int]], list[tuple[str, str]]]:
    """(members, listing sizes, tag names) of a whole model."""
    members = [row for entry in site.entries for row in member_rows(entry)]
    counts = [(HOME, len(site.entries))]
    counts += [(tag_listing(slug), tag.count) for slug, tag in site.tags.items()]
    counts += [(year_listing(year), archive.count) for year, archive in site.archives.items()]
    counts += [(month_listing(year, month), n) for year, archive in site.archives.items()
               for month, n in archive.months]
    return members, counts, [(slug, tag.name) for slug, tag in site.tags.items()]
