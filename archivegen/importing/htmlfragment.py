"""An HTML article body held in a JSON record, to Markdown.

Dumps often keep the body as the site's HTML (``<p>``, ``<h2>``, lists, links). It is sanitized
with nh3 first (scripts, styles and event handlers gone, only structural tags left), then walked
into Markdown whose text is escaped, so nothing from the record can come back as raw HTML.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import lxml.html
import nh3
from lxml import etree

from archivegen.importing.markdown_text import escape_text

_KEPT_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "a", "strong",
              "b", "em", "i", "br", "pre", "code", "div", "section", "article", "span", "figure",
              "figcaption", "table", "tbody", "thead", "tr", "td", "th"}
_BLOCKS = {"p", "div", "section", "article", "figure", "figcaption", "table", "tr", "pre"}
_LINK_SCHEMES = {"http", "https", "mailto"}


def fragment_to_markdown(fragment: str, base_url: str = "") -> str:
    """Markdown for an HTML fragment: paragraphs, headings, lists, quotes, links, emphasis."""
    clean = nh3.clean(fragment, tags=_KEPT_TAGS, attributes={"a": {"href"}}, url_schemes=_LINK_SCHEMES,
                      clean_content_tags={"script", "style", "noscript", "template", "iframe", "svg"},
                      link_rel=None, strip_comments=True)
    if not clean.strip():
        return ""
    root = lxml.html.fragment_fromstring(clean, create_parent="div")
    blocks: list[str] = []
    _blocks(root, blocks, base_url, depth=0)
    return "\n\n".join(block for block in blocks if block.strip())


def _blocks(element: etree._Element, out: list[str], base_url: str, depth: int) -> None:
    """Append the Markdown blocks of ``element``'s children to ``out``."""
    inline: list[str] = []

    def flush() -> None:
        text = " ".join("".join(inline).split())
        if text:
            out.append(text)
        inline.clear()

    if element.text:
        inline.append(escape_text(element.text))
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            flush()
            text = " ".join(_inline(child, base_url).split())
            if text:
                out.append("#" * max(2, int(tag[1])) + " " + text)
        elif tag in ("ul", "ol"):
            flush()
            items = [" ".join(_inline(item, base_url).split()) for item in child if item.tag == "li"]
            marker = (lambda n: f"{n}.") if tag == "ol" else (lambda n: "-")
            lines = [f"{marker(n)} {text}" for n, text in enumerate(items, start=1) if text]
            if lines:
                out.append("\n".join(lines))
        elif tag == "blockquote" and depth < 8:
            flush()
            quoted: list[str] = []
            _blocks(child, quoted, base_url, depth + 1)
            if quoted:
                out.append("\n>\n".join("\n".join("> " + line for line in block.split("\n"))
                                        for block in quoted))
        elif tag in _BLOCKS and depth < 32:
            flush()
            _blocks(child, out, base_url, depth + 1)
        elif tag == "br":
            inline.append(" ")
        else:
            inline.append(_inline(child, base_url))
        if child.tail:
            inline.append(escape_text(child.tail))
    flush()


def _inline(element: etree._Element, base_url: str) -> str:
    """Inline Markdown of one element: emphasis and links kept, other tags reduced to their text."""
    parts = [escape_text(element.text or "")]
    for child in element:
        parts.append(_inline(child, base_url))
        parts.append(escape_text(child.tail or ""))
    text = "".join(parts)
    tag = element.tag if isinstance(element.tag, str) else ""
    if not text.strip():
        return text
    if tag in ("strong", "b"):
        return f"**{text.strip()}**"
    if tag in ("em", "i"):
        return f"*{text.strip()}*"
    if tag == "a":
        href = _safe_href(element.get("href") or "", base_url)
        if href:
            return f"[{text.strip()}](<{href}>)"
    return text


def _safe_href(href: str, base_url: str) -> str:
    href = href.strip()
    if not href or href.startswith("#"):
        return ""
    absolute = urljoin(base_url, href) if base_url else href
    scheme = urlsplit(absolute).scheme.lower()
    if scheme not in _LINK_SCHEMES:
        return ""
    return absolute.replace("<", "%3C").replace(">", "%3E").replace(" ", "%20")
