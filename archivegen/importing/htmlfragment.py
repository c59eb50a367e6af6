"""An HTML article body held in a JSON record, to Markdown.

Dumps often keep the body as the site's HTML (``<p>``, ``<h2>``, lists, links). It is sanitized
with nh3 first (scripts, styles and event handlers gone, only structural tags left), its links
are resolved against the record's URL the way saved pages' links are (unusable ones lose their
target and keep their text), and it is then written by the saved-page block writer
(``htmlpage.blocks`` and ``htmlpage.markdown``), so there is one tree-to-Markdown converter and
nothing from the record can come back as raw HTML.

A record's title or summary may carry markup too (``new <b>library</b> budget``);
``fragment_text`` gives its plain text, for fields that are one line of text, not a body.
"""

from __future__ import annotations

import html
import re

import lxml.html
import nh3
from lxml import etree

from archivegen.importing.htmlpage.blocks import BodyWriter
from archivegen.importing.htmlpage.links import resolve_links
from archivegen.importing.htmlpage.markdown import blocks_to_markdown
from archivegen.render.markdown import flatten_deep_html

# Markup in a one-line field: an end tag or a line break (a lone "<div>" in a headline about
# HTML is text; "</b>" never is).
_MARKUP = re.compile(r"</[A-Za-z][A-Za-z0-9]*\s*>|<br\s*/?>", re.IGNORECASE)
_BLOCK_TAG = re.compile(r"</?(?:p|div|br|li|h[1-6]|blockquote|tr|td|th|section|article)\b[^<>]*>",
                        re.IGNORECASE)

_KEPT_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "a", "strong",
              "b", "em", "i", "br", "pre", "code", "div", "section", "article", "span", "figure",
              "figcaption", "table", "tbody", "thead", "tr", "td", "th"}
_LINK_SCHEMES = {"http", "https", "mailto"}


def fragment_to_markdown(fragment: str, base_url: str = "") -> str:
    """Markdown for an HTML fragment: paragraphs, headings, lists, quotes, tables, links, emphasis."""
    # Flattened first: the sanitizer's cost grows faster than linearly with nesting depth.
    clean = nh3.clean(flatten_deep_html(fragment), tags=_KEPT_TAGS, attributes={"a": {"href"}},
                      url_schemes=_LINK_SCHEMES,
                      clean_content_tags={"script", "style", "noscript", "template", "iframe", "svg"},
                      link_rel=None, strip_comments=True)
    if not clean.strip():
        return ""
    try:
        root = lxml.html.fragment_fromstring(clean, create_parent="div")
    except (etree.ParserError, ValueError):
        return ""
    resolve_links(root, base_url or None)
    return blocks_to_markdown(BodyWriter(base_url or None).blocks(root))


def fragment_text(text: str) -> str:
    """The plain text of a field that may hold HTML: tags removed (block ones leave a space),
    entities decoded, scripts and styles dropped with their content; one line. Text without
    markup keeps its angle brackets."""
    if not _MARKUP.search(text):
        return " ".join(html.unescape(text).split()) if "&" in text else text
    spaced = _BLOCK_TAG.sub(" ", flatten_deep_html(text))
    clean = nh3.clean(spaced, tags=set(), clean_content_tags={"script", "style", "noscript", "template"},
                      strip_comments=True)
    return " ".join(html.unescape(clean).split())
