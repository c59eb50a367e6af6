"""The page's JSON-LD: every object flattened, and the ones that describe this page's article.

JSON-LD is the most deliberate thing a publisher says about an article (headline, date with
time and offset, authors, keywords), so it is read first; it is also often broken (trailing
commas) or about other articles too (live blogs, related stories), hence the care here.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from archivegen.importing.htmlpage.normalize import clean


def json_ld_objects(tree: HtmlElement) -> list[dict[str, Any]]:
    """All JSON-LD objects of the page, @graph and list members flattened, nested ones included."""
    found: list[dict[str, Any]] = []

    def collect(node: Any, depth: int) -> None:
        if depth > 6:
            return
        if isinstance(node, list):
            for item in node:
                collect(item, depth + 1)
        elif isinstance(node, dict):
            found.append(node)
            for key in ("@graph", "mainEntity", "itemListElement"):
                if key in node:
                    collect(node[key], depth + 1)

    for script in tree.iterfind('.//script[@type="application/ld+json"]'):
        source = (script.text or "").strip()
        if not source:
            continue
        try:
            data = json.loads(source, strict=False)
        except RecursionError:
            continue
        except ValueError:
            try:  # a frequent breakage: a trailing comma before a closing bracket
                data = json.loads(re.sub(r",\s*([}\]])", r"\1", source), strict=False)
            except (ValueError, RecursionError):
                continue
        collect(data, 0)
    return found


_ARTICLE_TYPE = re.compile(r"Article$|BlogPosting$|^Report$|Posting$|^Review$|^Recipe$")


def _types(node: dict[str, Any]) -> list[str]:
    """The @type names of a JSON-LD object, as a list even when the page gives one string or a URL."""
    kind = node.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return [k.rsplit("/", 1)[-1] for k in kinds if isinstance(k, str)]


def _same_page(a: str, b: str) -> bool:
    """Two URLs name the same page (scheme, "www." and trailing slashes aside)."""
    def key(url: str) -> str:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").removeprefix("www.")
        return host + parts.path.rstrip("/")
    try:
        return bool(a and b) and key(a) == key(b)
    except ValueError:
        return False


def article_objects(objects: list[dict[str, Any]], canonical: str) -> list[dict[str, Any]]:
    """The JSON-LD objects describing an article (NewsArticle, BlogPosting, ...), the page's own first.

    A page often also describes other articles (a live blog's updates, related stories); the
    one whose url / @id / mainEntityOfPage is this page comes first, then the others in
    page order.
    """
    articles = [o for o in objects if any(_ARTICLE_TYPE.search(t) for t in _types(o))]

    def is_this_page(article: dict[str, Any]) -> bool:
        main = article.get("mainEntityOfPage")
        main = main.get("@id") or main.get("url") if isinstance(main, dict) else main
        return any(isinstance(v, str) and _same_page(v.split("#")[0], canonical)
                   for v in (article.get("url"), article.get("@id"), main))

    return sorted(articles, key=lambda a: not is_this_page(a))


def ld_text(value: Any) -> str:
    """A JSON-LD value as clean text: strings, the first of a list, or the name of an object."""
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value") or ""
    return clean(value) if isinstance(value, str) else ""
