"""An HTML article body held in a JSON record, to Markdown.

Dumps often keep the body as the site's HTML (``<p>``, ``<h2>``, lists, links). It is sanitized
with nh3 first (scripts, styles and event handlers gone, only structural tags left), its links
are resolved against the record's URL the way saved pages' links are (unusable ones lose their
target and keep their text), and it is then written by the saved-page block writer
(``htmlpage.blocks`` and ``htmlpage.markdown``), so there is one tree-to-Markdown converter and
nothing from the record can come back as raw HTML.
"""

from __future__ import annotations

import lxml.html
import nh3
from lxml import etree

from archivegen.importing.htmlpage.blocks import BodyWriter
from archivegen.importing.htmlpage.links import resolve_links
from archivegen.importing.htmlpage.markdown import blocks_to_markdown
from archivegen.render.markdown import flatten_deep_html

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
