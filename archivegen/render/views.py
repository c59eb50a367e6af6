"""What templates see: small read-only views of the model, with URLs already resolved.

Templates never receive the model's indexes to search through; each page gets exactly the
articles it shows, as ArticleView objects whose links already honour base_url.
"""

from __future__ import annotations

import calendar
import html
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from archivegen.config.schema import Pagination, SiteConfig
from archivegen.render import recorder


def quote_path(site_path: str) -> str:
    """Percent-encode a site path (RFC 3986), leaving '/' and unreserved characters."""
    return quote(site_path, safe="/-._~")


@dataclass(frozen=True)
class Links:
    """URL helpers bound to one config: root-relative for pages, absolute for feeds."""

    base_path: str
    base_url: str

    @classmethod
    def of(cls, config: SiteConfig) -> Links:
        return cls(base_path=config.base_path.rstrip("/"), base_url=config.base_url.rstrip("/"))

    def url(self, site_path: str) -> str:
        return self.base_path + quote_path(site_path)

    def abs_url(self, site_path: str) -> str:
        return self.base_url + quote_path(site_path)


class _RecordedCount:
    """A view whose ``count`` is recorded when a template reads it (``render/recorder.py``),
    under the name ``_recorded_as`` returns."""

    __slots__ = ("_count",)
    _count: int

    def _recorded_as(self) -> str:
        raise NotImplementedError

    @property
    def count(self) -> int:
        recorder.count_read(self._recorded_as())
        return self._count


class TagLink(_RecordedCount):
    """A link to a tag page. Reading ``count`` is recorded (see ``render/recorder.py``).

    A tag's article count changes whenever any article joins or leaves the tag, while its name
    and URL almost never do. Pages that never print the count (the theme's article pages) must
    not be re-rendered for it, and pages whose templates do print it must be: so the build
    records, per page, whose counts the templates actually read.
    """

    __slots__ = ("name", "slug", "url")

    def __init__(self, name: str, slug: str, url: str, count: int = 0) -> None:
        self.name, self.slug, self.url, self._count = name, slug, url, count

    def _recorded_as(self) -> str:
        return self.slug

    def __repr__(self) -> str:
        return f"TagLink({self.name!r}, {self.slug!r}, {self.url!r}, {self._count})"


@dataclass(frozen=True)
class ArticleView:
    title: str
    path: str
    url: str
    abs_url: str
    date: datetime
    updated: datetime | None
    summary: str
    authors: tuple[str, ...]
    tags: tuple[TagLink, ...]
    source: str
    language: str
    feed_id: str

    @property
    def lastmod(self) -> datetime:
        return self.updated or self.date


class MonthLink(_RecordedCount):
    """A link to a month's archive. Reading ``count`` is recorded, as is ``YearLink.count``:
    a year page of a stable listing that does not print them keeps its key when its year
    gains an article (``recorder.ARCHIVE_COUNTS``)."""

    __slots__ = ("year", "month", "name", "url")

    def __init__(self, year: int, month: int, name: str, count: int, url: str) -> None:
        self.year, self.month, self.name, self._count, self.url = year, month, name, count, url

    def _recorded_as(self) -> str:
        return recorder.ARCHIVE_COUNTS

    def __repr__(self) -> str:
        return f"MonthLink({self.year}, {self.month}, {self.name!r}, {self._count}, {self.url!r})"


class YearLink(_RecordedCount):
    __slots__ = ("year", "url", "months")

    def __init__(self, year: int, count: int, url: str, months: tuple[MonthLink, ...]) -> None:
        self.year, self._count, self.url, self.months = year, count, url, months

    def _recorded_as(self) -> str:
        return recorder.ARCHIVE_COUNTS

    def __repr__(self) -> str:
        return f"YearLink({self.year}, {self._count}, {self.url!r}, {self.months!r})"


class PagerView:
    """A listing page's place among its pages. Reading ``count`` or ``total_items`` is recorded.

    Both change with every article added to the listing. A newest-first listing shifts every
    page then anyway; a stable one (``pagination: stable``) must not re-render its full pages
    for it, so pages that print them depend on them and the others do not (as ``TagLink.count``).
    ``landing`` is the page at the listing's base path, ``numbering`` the ``pagination:`` mode.
    ``previous_url`` leads to newer articles, ``next_url`` to older ones; ``first_url`` is the
    landing page, ``last_url`` the page with the oldest articles.
    """

    __slots__ = ("number", "landing", "numbering", "previous_url", "next_url", "first_url",
                 "last_url", "_count", "_total_items")

    def __init__(self, number: int, count: int, total_items: int, previous_url: str | None,
                 next_url: str | None, first_url: str, last_url: str, landing: bool = True,
                 numbering: Pagination = "newest-first") -> None:
        self.number, self._count, self._total_items = number, count, total_items
        self.previous_url, self.next_url = previous_url, next_url
        self.first_url, self.last_url = first_url, last_url
        self.landing, self.numbering = landing, numbering

    @property
    def count(self) -> int:
        recorder.count_read(recorder.PAGER_COUNT)
        return self._count

    @property
    def total_items(self) -> int:
        recorder.count_read(recorder.PAGER_TOTAL)
        return self._total_items

    def __repr__(self) -> str:
        return (f"PagerView({self.number}/{self._count} of {self._total_items}, "
                f"{self.numbering}{', landing' if self.landing else ''})")


def month_name(month: int) -> str:
    return calendar.month_name[month]


def format_date(moment: datetime) -> str:
    """'5 March 2020' (no locale dependence: builds are byte-identical everywhere)."""
    return f"{moment.day} {calendar.month_name[moment.month]} {moment.year}"


def rfc3339(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def rfc822(moment: datetime) -> str:
    day = calendar.day_abbr[moment.weekday()]
    month = calendar.month_abbr[moment.month]
    offset = moment.strftime("%z") or "+0000"
    return f"{day}, {moment.day:02d} {month} {moment.year:04d} {moment:%H:%M:%S} {offset}"


def html_text(text: str) -> str:
    """``text`` for a feed element that readers render as HTML: RSS titles and descriptions.

    RSS cannot say "this is text", and readers render those elements as HTML. Escaped here for
    HTML and then again for XML by autoescape (this returns a plain ``str``, not ``Markup``),
    the element holds no ``<`` once XML-parsed, and its HTML rendering shows the characters:
    ``AT&T <b>`` reads ``AT&T <b>``, never bold, and ``<img onerror>`` never loads. Atom needs
    none of this: its text constructs are typed text by default.
    """
    return html.escape(str(text), quote=False)
