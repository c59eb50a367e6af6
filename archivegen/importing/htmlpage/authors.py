"""The article's authors: JSON-LD, then author <meta> tags, then the byline in the page.

Author strings are split into names ("By Ann Lee and Bo Chan (bc)" -> two names), and a credit
that is only the publication itself gives way to a source that names people.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from lxml.html import HtmlElement
from trafilatura import metadata as trafilatura_metadata

from archivegen.importing.htmlpage.normalize import clean
from archivegen.importing.htmlpage.titles import is_site_name

# separators between names: ";", "|", "&" and "and" in the languages most often seen in bylines
_AUTHOR_SPLIT = re.compile(r"\s*[;|&]\s*|\s+(?:and|und|et|og|och|en|y|e)\s+")
_BYLINE_PREFIX = re.compile(r"^(?:by|von|par|por|di|door|av|af|autor(?:in)?|author|text|texte)\b[:\s]*",
                            re.IGNORECASE)
_HANDLE = re.compile(r"\s*\([^)]{1,12}\)$")  # "Elena Oberholzer (obe)": a newsroom short code


def _looks_like_name(text: str) -> bool:
    """One to five words without digits: enough to tell a list of names from a sentence."""
    words = text.split()
    return 1 <= len(words) <= 5 and not any(c.isdigit() for c in text)


def _split_authors(value: str) -> list[str]:
    """Names in an author string: "By Ann Lee and Bo Chan (bc)" -> ["Ann Lee", "Bo Chan"]."""
    names = []
    for part in _AUTHOR_SPLIT.split(clean(value)):
        part = _HANDLE.sub("", _BYLINE_PREFIX.sub("", part.strip(" ,"))).strip(" ,")
        pieces = [p.strip() for p in part.split(",")]
        if len(pieces) > 1 and all(len(p.split()) >= 2 and _looks_like_name(p) for p in pieces):
            names.extend(pieces)  # "Ann Lee, Bo Chan, Cy Diaz": a list, not "Lee, Ann"
        elif part:
            names.append(part)
    return names


def _ld_people(value: Any) -> list[str]:
    """Names from a JSON-LD author value (a string, a Person, or a list of either)."""
    names: list[str] = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict):
            item = item.get("name")
        if isinstance(item, list):
            names.extend(_ld_people(item))
        elif isinstance(item, str):
            names.extend(_split_authors(item))
    return names


def find_authors(tree: HtmlElement, metas: dict[str, list[str]], articles: list[dict[str, Any]],
             site_keys: list[str]) -> tuple[str, ...]:
    """The article's authors: JSON-LD author, else author metas, else the byline in the page.

    A source that credits only the publication itself ("NTV", "Lesotho Times") is passed
    over when a later source names people; when none does, the publication is the author.
    """
    def usable(names: Iterable[str]) -> list[str]:
        kept: list[str] = []
        for name in names:
            if (name and "://" not in name and "@" not in name and len(name) <= 80 and not name.isdigit()
                    and name.casefold() not in {k.casefold() for k in kept}):
                kept.append(name)
        return kept

    def sources() -> Iterator[list[str]]:
        for article in articles[:1]:
            yield usable(_ld_people(article.get("author") or article.get("creator")))
        for key in ("author", "article:author", "dc.creator", "parsely-author", "sailthru.author", "byl"):
            yield usable(n for value in metas.get(key, ())[:3] for n in _split_authors(value))
        byline = _byline(tree)
        yield usable(_split_authors(byline)) if byline else []

    publication_only: list[str] = []
    for names in sources():
        people = [n for n in names if not is_site_name(n, site_keys)]
        if people:
            return tuple(people)
        publication_only = publication_only or names
    return tuple(publication_only)


def _byline(tree: HtmlElement) -> str:
    """The byline text of the page, by trafilatura's author heuristics (bylines in the markup)."""
    try:
        return trafilatura_metadata.extract_author(tree) or ""
    except Exception:  # noqa: BLE001 - a heuristic failing on odd markup means "no byline"
        return ""
