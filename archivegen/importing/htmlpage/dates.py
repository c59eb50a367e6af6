"""The publication date: the timestamp the page declares, else htmldate's reading of the page.

Declared timestamps are read by the importers' one loose date reader (``archivegen.text.dates``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from htmldate import find_date
from lxml.html import HtmlElement

from archivegen.text.dates import parse_loose_date

_PUBLISHED_META = ("article:published_time", "og:published_time", "og:article:published_time",
                   "datepublished", "publishdate", "publish-date", "pubdate", "publication_date",
                   "sailthru.date", "parsely-pub-date", "dc.date.issued", "dcterms.issued", "dc.date",
                   "dcterms.date", "dcterms.created", "article.published", "published_time")


def _structured_dates(tree: HtmlElement, metas: dict[str, list[str]], articles: list[dict[str, Any]]
                      ) -> list[datetime]:
    """Publication timestamps the page declares, most authoritative first."""
    raw: list[str] = []
    for article in articles[:1]:
        for key in ("datePublished", "dateCreated"):
            value = article.get(key)
            if isinstance(value, str):
                raw.append(value)
    for key in _PUBLISHED_META:
        raw.extend(metas.get(key, ()))
    for element in tree.xpath('//*[@itemprop="datePublished"][@datetime or @content]'):
        raw.append(element.get("datetime") or element.get("content") or "")
    dates = []
    for value in raw:
        parsed = parse_loose_date(value)
        if parsed is not None and 1990 <= parsed.year <= datetime.now().year + 1:
            dates.append(parsed)
    return dates


def page_date(tree: HtmlElement, metas: dict[str, list[str]], articles: list[dict[str, Any]],
               url: str) -> datetime | None:
    """The publication date: the page's declared timestamp, else htmldate's reading of the page.

    A declared ``datePublished`` / ``article:published_time`` is what the publisher says and
    carries the time and offset; htmldate's heuristics (dates in the URL, in bylines, in the
    text) fill in for pages that declare nothing, as a naive date.
    """
    declared = _structured_dates(tree, metas, articles)
    if declared:
        return declared[0]
    day = find_date(tree, extensive_search=True, original_date=True, url=url or None,
                    max_date=datetime.now().strftime("%Y-%m-%d"))
    try:
        return datetime.strptime(day, "%Y-%m-%d") if day else None
    except ValueError:
        return None
