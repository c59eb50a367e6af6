"""What a page says about itself: title, date, authors, description, keywords, canonical URL, language.

Declarations come first, in the order that is most often right: the JSON-LD article, then Open
Graph and other <meta> tags, then the document itself (<title> without the site name, <h1>,
bylines, htmldate's reading of dates). ``page_facts`` also returns what the body clean-up
needs: the headline variants and the meta descriptions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lxml.html import HtmlElement

from archivegen.importing.htmlpage.authors import find_authors
from archivegen.importing.htmlpage.dates import page_date
from archivegen.importing.htmlpage.jsonld import article_objects, json_ld_objects, ld_text
from archivegen.importing.htmlpage.links import http_url
from archivegen.importing.htmlpage.normalize import clean, name_key
from archivegen.importing.htmlpage.titles import (
    choose_title,
    domain_names,
    h1_texts,
    is_site_name,
    strip_site_name,
)
from archivegen.importing.language import declared_language


@dataclass(frozen=True)
class PageMetadata:
    """What a page says about itself; empty strings and tuples where it says nothing."""

    title: str
    date: datetime | None
    authors: tuple[str, ...]
    description: str
    keywords: tuple[str, ...]
    canonical_url: str
    language: str


def _meta_values(tree: HtmlElement) -> dict[str, list[str]]:
    """Every <meta> value by lower-cased property / name / itemprop / http-equiv."""
    values: dict[str, list[str]] = {}
    for meta in tree.iter("meta"):
        content = meta.get("content")
        if content is None:
            continue
        for attribute in ("property", "name", "itemprop", "http-equiv"):
            key = meta.get(attribute)
            if key:
                values.setdefault(key.strip().lower(), []).append(content)
    return values


def _first(values: dict[str, list[str]], *keys: str) -> str:
    """The first non-empty cleaned value among ``keys``, in the order given (the order is the preference)."""
    for key in keys:
        for value in values.get(key, ()):
            value = clean(value)
            if value:
                return value
    return ""


def _keywords(metas: dict[str, list[str]], articles: list[dict[str, Any]], site_keys: list[str],
              text: str) -> tuple[str, ...]:
    """The page's own tags: JSON-LD keywords, article:tag, keywords metas; cleaned, deduplicated.

    Two kinds of keywords are no tags, whatever the import's tag policy: the site's own name
    ("NZZ", "Anadolu Ajansı" on aa.com.tr), and a keywords list that is the headline or the
    description chopped into words (``president, Russia, Vladimir, Putin, met, ...``: most
    items single words of ``text``). An ``article:tag`` is one tag each (Open Graph), so it is
    not split here; ``importing/tagging.py`` splits lists joined without spaces.
    """
    raw: list[str] = []
    for article in articles[:1]:
        value = article.get("keywords")
        if isinstance(value, str):
            raw.extend(_unless_chopped(value.split(","), text))
        elif isinstance(value, list):
            raw.extend(v for v in value if isinstance(v, str))
    raw.extend(metas.get("article:tag", ()))
    for key in ("keywords", "news_keywords"):
        for value in metas.get(key, ()):
            raw.extend(_unless_chopped(value.split(","), text))
    keywords: list[str] = []
    seen: set[str] = set()
    for item in raw:
        keyword = clean(item).strip(" ;.#")
        if (not keyword or len(keyword) > 60 or "://" in keyword or keyword.startswith("@")
                or re.fullmatch(r"[\w-]+:[\w-]+", keyword) or keyword.casefold() in seen
                or is_site_name(keyword, site_keys)):
            continue  # "@post-id:123", "tag:foo": CMS identifiers, not tags
        seen.add(keyword.casefold())
        keywords.append(keyword)
    return tuple(keywords[:50])


_CHOPPED_MIN_ITEMS = 5


def _unless_chopped(items: list[str], text: str) -> list[str]:
    """``items``, or none when they are the words of ``text`` (headline and description) one by
    one: at least five, nearly all single words found in it."""
    words = [item.strip().casefold() for item in items if item.strip()]
    if len(words) < _CHOPPED_MIN_ITEMS:
        return items
    found = set(re.findall(r"\w+", text.casefold()))
    single = [word for word in words if re.fullmatch(r"\w+", word)]
    if len(single) >= 0.8 * len(words) and sum(word in found for word in single) >= 0.6 * len(words):
        return []
    return items


def _language(tree: HtmlElement, metas: dict[str, list[str]], articles: list[dict[str, Any]]) -> str:
    """The primary language subtag ("en" of "en-GB", "pt" of "pt_BR"), or "" when nothing declares it."""
    values = [tree.get("lang"), tree.get("xml:lang"), *metas.get("og:locale", ()),
              *metas.get("content-language", ()), *metas.get("language", ()), *metas.get("dc.language", ())]
    values += [a.get("inLanguage") for a in articles[:1] if isinstance(a.get("inLanguage"), str)]
    for value in values:
        language = declared_language(value)
        if language:
            return language.split("-")[0]
    return ""


def _canonical(tree: HtmlElement, metas: dict[str, list[str]], url: str | None) -> str:
    """<link rel=canonical>, else og:url, else the URL the page was saved from, else ""."""
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split():
            found = http_url(link.get("href"), url)
            if found:
                return found
    for value in metas.get("og:url", ()):
        found = http_url(value, url)
        if found:
            return found
    return url or ""


@dataclass
class PageFacts:
    """Metadata plus what the body clean-up needs: the headline variants and the descriptions."""

    metadata: PageMetadata
    titles: list[str]
    descriptions: list[str]


def page_facts(tree: HtmlElement, url: str | None) -> PageFacts:
    """Everything the page says about itself, from <meta>, JSON-LD, <title>, <h1> and bylines."""
    metas = _meta_values(tree)
    canonical = _canonical(tree, metas, url)
    articles = article_objects(json_ld_objects(tree), canonical)

    site_names = [_first(metas, "og:site_name"), _first(metas, "application-name"),
                  _first(metas, "apple-mobile-web-app-title"), _first(metas, "twitter:site").lstrip("@")]
    site_names += [ld_text(a.get("publisher")) for a in articles[:1]]
    site_keys = [key for key in (name_key(n) for n in site_names if n) if len(key) >= 3]
    site_keys += domain_names(canonical) + domain_names(url or "")

    title_element = tree.find(".//title")
    page_title = clean(title_element.text_content()) if title_element is not None else ""
    candidates = [("ld", ld_text(a.get("headline"))) for a in articles[:1]]
    candidates.append(("og", strip_site_name(_first(metas, "og:title", "twitter:title"), site_keys)))
    candidates.append(("title", strip_site_name(page_title, site_keys)))
    candidates += [("h1", text) for text in h1_texts(tree)[:1]]
    title = choose_title(candidates, site_keys)

    description = _first(metas, "description", "og:description", "twitter:description", "dc.description")
    descriptions = [description, _first(metas, "og:description"), _first(metas, "twitter:description")]
    descriptions += [ld_text(a.get("description")) for a in articles[:1]]
    metadata = PageMetadata(
        title=title,
        date=page_date(tree, metas, articles, canonical),
        authors=find_authors(tree, metas, articles, site_keys),
        description=description or next((d for d in descriptions if d), ""),
        keywords=_keywords(metas, articles, site_keys, f"{title} {description} {page_title}"),
        canonical_url=canonical,
        language=_language(tree, metas, articles),
    )
    titles = [title, page_title, *(text for _, text in candidates if text)]
    return PageFacts(metadata, titles, list(dict.fromkeys(d for d in descriptions if d)))
