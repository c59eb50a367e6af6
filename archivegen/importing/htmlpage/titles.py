"""The headline: site names cut from titles, then the best of the declared and visible titles.

Site names are recognised by comparing title segments with what the page says its site is
called (og:site_name, application-name, the publisher) and with the domain, never by a list of
known sites.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from archivegen.importing.htmlpage.normalize import clean, name_key, title_key

_TITLE_SEPARATORS = re.compile(r"\s+(?:[|\-–—:·•*»«/]|::)\s+|\s*[｜|│]\s*|：|\s+-{2}\s+")

_GENERIC_HOST_LABELS = {"www", "m", "amp", "mobile", "co", "com", "org", "net", "news", "edition"}


def domain_names(url: str) -> list[str]:
    """The distinctive labels of a host name ("www", the TLD and short labels dropped)."""
    try:
        host = (urlsplit(url).hostname or "") if url else ""
    except ValueError:
        return []
    labels = host.split(".")[:-1]
    return [name_key(label) for label in labels if len(label) >= 3 and label not in _GENERIC_HOST_LABELS]


def is_site_name(segment: str, site_keys: list[str]) -> bool:
    """Whether a title segment names the site ("The Gazette" vs og:site_name "Gazette", gazette.com)."""
    key = name_key(segment)
    if len(key) < 2:
        return False
    for site in site_keys:
        if len(site) >= 3 and (key == site or (len(key) >= 4 and (site in key or key in site))):
            return True
    return False


def strip_site_name(title: str, site_keys: list[str]) -> str:
    """The title without a leading or trailing site name (and the section names next to it).

    "Headline | Politics | Metro News" -> "Headline" when "Metro" is the site name. Segments
    are cut only on the side where a segment matches a site name, and never the headline
    itself (the longest segment that is not a site name). Separators inside the headline
    ("Putin - Erdogan talks") are kept when nothing on that side names the site.
    """
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2 or not site_keys:
        return title
    separators = [m.group(0) for m in _TITLE_SEPARATORS.finditer(title)]
    names = [is_site_name(part, site_keys) for part in parts]
    if all(names):
        return title
    headline = max((i for i in range(len(parts)) if not names[i]), key=lambda i: len(parts[i]))
    start, end = 0, len(parts)
    for i in range(len(parts) - 1, headline, -1):  # a site name after the headline
        if names[i]:
            end = i
            while end - 1 > headline and len(parts[end - 1].split()) <= 3:  # "| Politics |" before it
                end -= 1
            break
    for i in range(0, headline):  # a site name before the headline
        if names[i]:
            start = i + 1
            while start < headline and len(parts[start].split()) <= 3:
                start += 1
            break
    if (start, end) == (0, len(parts)):
        return title
    pieces = [parts[start]]
    for i in range(start + 1, end):
        pieces.append(separators[i - 1] + parts[i])
    return "".join(pieces).strip()


_TITLE_PRIORITY = ("ld", "og", "title", "h1")


def choose_title(candidates: list[tuple[str, str]], site_keys: list[str]) -> str:
    """The page's headline from (source, text) pairs: declared metadata first, then the document.

    The JSON-LD headline of the page's own article is what the publisher declares as the
    headline to search engines and aggregators; og:title is what it declares for display
    elsewhere (which an archive is); then the <title> without the site name, then the first
    <h1>. One exception: when the <h1> readers see and og:title agree with each other but not
    with the JSON-LD headline, that one is an SEO variant and the displayed headline wins.
    A headline cut short ("...") gives way to a source that continues it, and a heading that
    is only the site name (a logo) does not count.
    """
    cleaned: dict[str, tuple[str, str]] = {}
    for source, text in candidates:
        text = clean(text)
        if text and source not in cleaned and not (source in ("h1", "og") and is_site_name(text, site_keys)):
            cleaned[source] = (text, title_key(text))
    order = list(_TITLE_PRIORITY)
    if "ld" in cleaned and "og" in cleaned and "h1" in cleaned:
        ld_key, og_key, h1_key = cleaned["ld"][1], cleaned["og"][1], cleaned["h1"][1]
        if og_key == h1_key != ld_key:
            order.remove("ld")
    for source in order:
        if source not in cleaned:
            continue
        text, key = cleaned[source]
        if text.endswith(("...", "…")):
            stem = key.rstrip(" .…")
            longer = [t for other, (t, k) in cleaned.items()
                      if other != source and k.startswith(stem) and len(k) > len(stem)]
            if longer:
                return longer[0]
        return text
    return ""


def h1_texts(tree: HtmlElement) -> list[str]:
    """The first few non-empty <h1> texts (the first is usually the headline, or a logo)."""
    texts = []
    for heading in tree.iter("h1"):
        text = clean(heading.text_content())
        if text:
            texts.append(text)
        if len(texts) >= 3:
            break
    return texts
