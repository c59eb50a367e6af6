"""Link targets: absolute http, https and mailto URLs only, resolved the way a browser does.

Everything else (javascript:, data:, in-page fragments, the unresolvable) loses its target and
keeps its text. Used for the page's links before trafilatura sees them, for the links the
block writer meets, and for canonical URLs (http and https only).
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

from archivegen.importing import markdown_text as md

_URL_SCHEMES = ("http", "https", "mailto")


_PLAIN_ABSOLUTE = re.compile(r"(?:https?://[^/?#\s]+|mailto:(?=\S))[^\s\x00-\x1f\x7f-\x9f\ud800-\udfff]*")


def link_target(href: str | None, base: str | None) -> str:
    """An absolute http(s)/mailto URL, or "" for javascript:, data:, fragments and the unresolvable."""
    if not href:
        return ""
    if _PLAIN_ABSOLUTE.fullmatch(href):  # the common case, without the cost of parsing
        return href
    href = "".join(md.clean_source_text(href).split())
    if not href or href.startswith("#"):
        return ""
    try:
        scheme = urlsplit(href).scheme.lower()
        if not scheme:
            if not base:
                return ""
            href = urljoin(base, href)
            scheme = urlsplit(href).scheme.lower()
    except ValueError:
        return ""
    if scheme not in _URL_SCHEMES or (scheme != "mailto" and not urlsplit(href).netloc):
        return ""
    return href


def http_url(href: str | None, base: str | None) -> str:
    """An absolute http(s) URL from ``href`` resolved against ``base``, or "" (canonical links only)."""
    if not href:
        return ""
    try:
        absolute = urljoin(base or "", "".join(href.split()))
        parts = urlsplit(absolute)
    except ValueError:
        return ""
    return absolute if parts.scheme in ("http", "https") and parts.netloc else ""


def resolve_links(tree: HtmlElement, url: str | None) -> None:
    """Make every link absolute against the page (and its <base>), and unusable ones plain text.

    trafilatura resolves relative links against the site root ("../x" on /a/b/ becomes /x), so
    links are resolved here first, the way a browser does; javascript:, data: and in-page
    links lose their target and keep their text.
    """
    base = url
    base_element = tree.find(".//base[@href]")
    if base_element is not None:
        base = http_url(base_element.get("href"), url) or url
    for anchor in tree.iter("a"):
        href = anchor.get("href")
        if href is not None:
            target = link_target(href, base)
            if target:
                anchor.set("href", target)
            else:
                del anchor.attrib["href"]
