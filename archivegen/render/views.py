"""What templates see: small read-only views of the model, with URLs already resolved.

Templates never receive the model's indexes to search through; each page gets exactly the
articles it shows, as ArticleView objects whose links already honour base_url.
"""

from __future__ import annotations

import calendar
import html
import math
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
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
    """A link to a term's page (a tag's, an author's...). Reading ``count`` is recorded (see
    ``render/recorder.py``).

    A term's article count changes whenever any article joins or leaves the term, while its
    name and URL almost never do. Pages that never print the count (the theme's article pages)
    must not be re-rendered for it, and pages whose templates do print it must be: so the build
    records, per page, whose counts the templates actually read.
    """

    __slots__ = ("name", "slug", "url", "taxonomy")

    def __init__(self, name: str, slug: str, url: str, count: int = 0, taxonomy: str = "tags") -> None:
        self.name, self.slug, self.url, self._count, self.taxonomy = name, slug, url, count, taxonomy

    def _recorded_as(self) -> str:
        return recorder.term_count(self.taxonomy, self.slug)

    def __repr__(self) -> str:
        return f"TagLink({self.name!r}, {self.slug!r}, {self.url!r}, {self._count}, {self.taxonomy!r})"


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
    # taxonomy name -> the article's term links (``tags`` is the tags taxonomy's)
    terms: Mapping[str, tuple[TagLink, ...]] = field(default_factory=dict)
    # links to the authors' pages, when a taxonomy reads the ``authors`` field (else empty:
    # the byline is ``authors`` as text)
    author_links: tuple[TagLink, ...] = ()

    @property
    def lastmod(self) -> datetime:
        return self.updated or self.date

    def tags_except(self, slug: str) -> tuple[TagLink, ...]:
        """The article's tags but one: a tag page does not repeat its own tag on every item.
        (A method rather than Jinja's ``rejectattr``, which costs more than the rest of an item.)"""
        return self.tags if not slug else tuple(tag for tag in self.tags if tag.slug != slug)

    def terms_except(self, taxonomy: str, slug: str) -> tuple[TagLink, ...]:
        """The article's terms of ``taxonomy`` but one (``tags_except`` for any taxonomy)."""
        return tuple(term for term in self.terms.get(taxonomy, ()) if term.slug != slug)


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


@dataclass(frozen=True)
class PageLink:
    """One slot of a pager's numbered window: a page number, or the landing page of a
    ``stable`` listing (``number`` None, shown as "Newest")."""

    number: int | None
    url: str
    current: bool = False


PAGER_WINDOW = 2  # page numbers shown on each side of the current one


class PagerView:
    """A listing page's place among its pages. Reading ``count`` or ``total_items`` is recorded.

    Both change with every article added to the listing. A newest-first listing shifts every
    page then anyway; a stable one (``pagination: stable``) must not re-render its full pages
    for it, so pages that print them depend on them and the others do not (as ``TagLink.count``).
    ``landing`` is the page at the listing's base path, ``numbering`` the ``pagination:`` mode.
    ``previous_url`` leads to newer articles, ``next_url`` to older ones; ``first_url`` is the
    landing page, ``last_url`` the page with the oldest articles. ``page_url(n)`` is page n's URL.
    """

    __slots__ = ("number", "landing", "numbering", "previous_url", "next_url", "first_url",
                 "last_url", "older_number", "_page_url", "_count", "_total_items")

    def __init__(self, number: int, count: int, total_items: int, previous_url: str | None,
                 next_url: str | None, first_url: str, last_url: str, landing: bool = True,
                 numbering: Pagination = "newest-first", older_number: int | None = None,
                 page_url: Callable[[int], str] | None = None) -> None:
        self.number, self._count, self._total_items = number, count, total_items
        self.previous_url, self.next_url = previous_url, next_url
        self.first_url, self.last_url = first_url, last_url
        self.landing, self.numbering = landing, numbering
        self.older_number = older_number  # the number of the page ``next_url`` leads to
        self._page_url = page_url or (lambda n: first_url)

    @property
    def count(self) -> int:
        recorder.count_read(recorder.PAGER_COUNT)
        return self._count

    @property
    def total_items(self) -> int:
        recorder.count_read(recorder.PAGER_TOTAL)
        return self._total_items

    @property
    def window(self) -> list[PageLink | None]:
        """The numbered links, newest page first (left to right, like "Newer ... Older"), with
        None for a gap: "1 ... 4 5 [6] 7 8 ... 150" in newest-first numbering.

        Newest-first numbering shows the first and last page numbers, so the window reads
        ``count`` (recorded): every page of such a listing changes with a new article anyway.

        Stable numbering must not make a numbered page depend on the listing's size, or every
        page would be re-rendered with each new article (``tests/test_pagination_stable.py``).
        So its window is built from what the page's key already holds: the landing page as
        "Newest" in place of the highest number, the next newer page only when the page's own
        newer link is a numbered page, the older numbers down to page 1 (which never move):
        "Newest 7 [6] 5 4 ... 1". The landing page's window starts at the page its older link
        leads to. Nothing here reads ``count``.
        """
        if self.numbering != "stable":
            count = self.count
            return self._numbers(range(1, count + 1), low=1, high=count)
        newest = PageLink(None, self.first_url, current=self.landing)
        if self.landing:
            top = self.older_number
        else:
            has_newer = self.previous_url is not None and self.previous_url != self.first_url
            top = self.number + 1 if has_newer else self.number
        if top is None:
            return [newest]
        return [newest, *self._numbers(range(top, 0, -1), low=1, high=top)]

    def _numbers(self, numbers: range, low: int, high: int) -> list[PageLink | None]:
        """Links to the ``numbers`` (in that order) within the window of the current page, or
        ``low``/``high``, or alone in a gap (a gap of one page shows that page)."""
        keep = {low, high, *range(self.number - PAGER_WINDOW, self.number + PAGER_WINDOW + 1)}
        slots: list[PageLink | None] = []
        previous: int | None = None
        for number in numbers:
            if number not in keep and not (number - 1 in keep and number + 1 in keep):
                continue
            if previous is not None and abs(previous - number) > 1:
                slots.append(None)
            slots.append(PageLink(number, self._page_url(number), current=number == self.number))
            previous = number
        return slots

    def __repr__(self) -> str:
        return (f"PagerView({self.number}/{self._count} of {self._total_items}, "
                f"{self.numbering}{', landing' if self.landing else ''})")


CHART_LEVELS = 20  # a bar's height in steps of 1/20 of the chart (style.css: .bar.h0-.h20)


@dataclass(frozen=True)
class Bar:
    """One bar of a chart of article counts: a month of a year, a year of a tag."""

    label: str  # short, under the bar: 'Mar', '2020'
    name: str  # in full, for screen readers: 'March 2020'
    count: int
    url: str  # '' when there is nothing to link to (no articles)
    level: int  # 0..CHART_LEVELS, the bar's height relative to the tallest


def bars(items: Iterable[tuple[str, str, int, str]]) -> tuple[Bar, ...]:
    """Bars of (label, name, count, url), scaled to the tallest; a non-zero count shows."""
    rows = list(items)
    top = max((count for _, _, count, _ in rows), default=0) or 1
    return tuple(Bar(label, name, count, url if count else "",
                     math.ceil(count * CHART_LEVELS / top)) for label, name, count, url in rows)


class Chart:
    """A chart's bars, recorded as a dependency when a template reads them (``recorded_as``:
    ``recorder.ARCHIVE_COUNTS`` for a year's months, ``recorder.TERM_YEARS`` + a term's name for a term's
    years), so a page that does not draw the chart does not change with the counts. The bars
    are made on first read (``make``): most pages of a listing do not draw them."""

    __slots__ = ("title", "_make", "_bars", "_recorded_as")

    def __init__(self, title: str, make: Callable[[], tuple[Bar, ...]], recorded_as: str) -> None:
        self.title, self._make, self._recorded_as = title, make, recorded_as
        self._bars: tuple[Bar, ...] | None = None

    @property
    def bars(self) -> tuple[Bar, ...]:
        recorder.count_read(self._recorded_as)
        if self._bars is None:
            self._bars = self._make()
        return self._bars

    def __repr__(self) -> str:
        return f"Chart({self.title!r}, {self._recorded_as!r})"


@dataclass(frozen=True)
class LetterGroup:
    """The terms (tags) of one letter of an A-Z index, and the anchor the letter bar links to."""

    letter: str  # 'A', 'Ж', '0-9', or '#' for the rest
    anchor: str  # an HTML id: 'letter-a', 'letter-u416', 'letter-digits', 'letter-other'
    terms: tuple[TagLink, ...]


def index_letter(name: str) -> str:
    """The A-Z index letter of a name: its first letter without accents, upper case ('É' and
    'e' are 'E', 'ж' is 'Ж'), '0-9' for a digit, '#' for anything else (symbols, and scripts
    without letters in that sense, such as Chinese, whose "letters" would be thousands)."""
    first = unicodedata.normalize("NFKD", name.strip()[:1].casefold())[:1]
    if first.isdigit():
        return "0-9"
    if first.isalpha() and first.upper() != first.lower():
        return first.upper()
    if first.isalpha() and unicodedata.category(first) == "Lo" and ord(first) < 0x1100:
        return first  # Arabic, Hebrew, Indic, Thai...: small alphabets without case
    return "#"


def _anchor(letter: str) -> str:
    if letter == "0-9":
        return "letter-digits"
    if letter == "#":
        return "letter-other"
    return f"letter-{letter.lower()}" if letter.isascii() else f"letter-u{ord(letter):x}"


def letter_groups(tags: Iterable[TagLink]) -> list[LetterGroup]:
    """Tags (in index order) grouped by ``index_letter``: digits first, then the letters (Latin
    A-Z, then other alphabets, in code point order), the rest ('#') last."""
    groups: dict[str, list[TagLink]] = {}
    for tag in tags:
        groups.setdefault(index_letter(tag.name), []).append(tag)
    order = sorted(groups, key=lambda letter: (letter != "0-9", letter == "#", letter))
    return [LetterGroup(letter, _anchor(letter), tuple(groups[letter])) for letter in order]


# English month names, read once: ``calendar.month_name[m]`` formats a date on every read (in
# the C locale Python starts in, so these are always the English names).
_MONTH_NAMES = tuple(calendar.month_name)


def month_name(month: int) -> str:
    return _MONTH_NAMES[month]


def format_date(moment: datetime) -> str:
    """'5 March 2020' (no locale dependence: builds are byte-identical everywhere)."""
    return f"{moment.day} {_MONTH_NAMES[moment.month]} {moment.year}"


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
