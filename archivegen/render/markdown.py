"""Markdown source -> sanitized HTML (the summary derived from it: ``content/summary.py``).

The parser is markdown-it-py (CommonMark, plus tables, strikethrough, footnotes and definition
lists: the useful part of Python-Markdown's ``extra``). We measured Python-Markdown at 2.6 ms
per 700-word article against 0.74 ms, and at 92 s on ``"[" * 20000`` and 128 s on a list nested
2,000 deep, inputs markdown-it-py parses in under 2 s: its parser is built to stay near-linear
on hostile input, which scraped content is.

Article bodies are untrusted (they come from scrapers), so whatever Python-Markdown produces,
raw HTML included, goes through nh3 (ammonia) with an allow-list: no scripts, frames, forms,
styles, event handlers or javascript:/data: URLs. Element ids are prefixed so an article cannot
clobber globals of the page (``<a id="__xss">`` would otherwise become ``window.__xss``).

The sanitizer's cost grows with the square of the nesting depth (a 1 MB article of nested
``<div>`` took minutes), and the Markdown nesting cap does not reach raw HTML; so HTML nested
deeper than ``MAX_HTML_DEPTH`` is flattened first: tags below that depth are dropped, their text
kept. No real article nests that deep, and the content reader caps the markup of one article.
"""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin

# Identifies everything that changes the HTML a body renders to (cache keys include it).
MARKDOWN_SETTINGS_ID = "commonmark+html+table+strikethrough+footnote+deflist/nesting50/html-depth100/v1"
MAX_NESTING = 50
MAX_HTML_DEPTH = 100
ID_PREFIX = "c-"

_ALLOWED_TAGS = (nh3.ALLOWED_TAGS - {"area", "map"}) | {"figure", "figcaption", "section"}
_ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
    "a": {"href", "hreflang", "title", "id"},
    "abbr": {"title"},
    "img": {"alt", "height", "width", "src", "title"},
    "li": {"id"},
    "section": {"class"},
    "sup": {"id"},
    "div": {"class"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "h1": {"id"}, "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"},
    "time": {"datetime"},
}
_URL_SCHEMES = {"http", "https", "mailto"}
# A start or end tag as the depth scan sees it; [^<>] keeps the scan linear on "<a<a<a...".
_HTML_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)(?:[\s/][^<>]*)?>")
_VOID_TAGS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                        "source", "track", "wbr"})
# Elements a second start tag of the same name closes (<li>a<li>b): not one level deeper.
_SELF_CLOSING_SIBLINGS = frozenset({"p", "li", "dt", "dd", "tr", "td", "th", "option"})


def _prefix_fragment_links(tag: str, attribute: str, value: str) -> str | None:
    """Keep in-page links (footnotes) pointing at the prefixed ids."""
    if attribute == "href" and value.startswith("#") and len(value) > 1:
        return "#" + ID_PREFIX + value[1:]
    return value


def flatten_deep_html(fragment: str, max_depth: int = MAX_HTML_DEPTH) -> str:
    """``fragment`` without the tags nested deeper than ``max_depth`` (their text is kept).

    One linear scan; a fragment within the limit comes back unchanged. When it flattens, the
    text between tags has its ``<`` escaped, so dropping ``<div>`` from ``<<div>div>`` cannot
    form a new tag. The result still has to be sanitized.
    """
    if fragment.count("<") <= max_depth:
        return fragment
    open_tags: list[str] = []  # at most max_depth names
    beyond = 0  # tags open below max_depth (dropped, so their names do not matter)
    parts: list[str] = []
    position = 0
    flattened = False
    for match in _HTML_TAG.finditer(fragment):
        closing, name = match.group(1), match.group(2).lower()
        keep = True
        if name in _VOID_TAGS:
            pass
        elif closing and beyond:
            beyond -= 1
            keep = False
        elif closing:
            if name in open_tags:
                del open_tags[len(open_tags) - open_tags[::-1].index(name) - 1:]
        else:
            if not beyond and open_tags and open_tags[-1] == name and name in _SELF_CLOSING_SIBLINGS:
                open_tags.pop()
            if len(open_tags) < max_depth:
                open_tags.append(name)
            else:
                beyond += 1
                keep = False
        start, end = match.span()
        parts.append(fragment[position:start].replace("<", "&lt;"))
        if keep:
            parts.append(match.group())
        else:
            flattened = True
        position = end
    if not flattened:
        return fragment
    parts.append(fragment[position:].replace("<", "&lt;"))
    return "".join(parts)


def sanitize_html(fragment: str) -> str:
    """Allow-list sanitizing of untrusted HTML (also used by import), deep nesting flattened."""
    return nh3.clean(
        flatten_deep_html(fragment), tags=_ALLOWED_TAGS, attributes=_ALLOWED_ATTRIBUTES,
        attribute_filter=_prefix_fragment_links, url_schemes=_URL_SCHEMES,
        clean_content_tags={"script", "style", "iframe", "object", "embed", "noscript", "template",
                            "textarea", "select", "svg", "math"},
        link_rel="noopener noreferrer", id_prefix=ID_PREFIX, strip_comments=True,
    )


class MarkdownRenderer:
    """One reusable parser (building one costs about as much as rendering a short article)."""

    def __init__(self) -> None:
        self._md = (
            MarkdownIt("commonmark", {"html": True, "maxNesting": MAX_NESTING})
            .enable(["table", "strikethrough"])
            .use(footnote_plugin)
            .use(deflist_plugin)
        )

    def render(self, source: str) -> str:
        """Markdown -> sanitized HTML. Raw HTML in the source is allowed, then sanitized."""
        return sanitize_html(self._md.render(source))
