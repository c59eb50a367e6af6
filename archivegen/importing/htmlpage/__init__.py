"""Saved HTML pages: the article body as Markdown (structure kept) and the page's metadata.

The body comes from trafilatura, asked for its XML tree (paragraphs, headings, lists, quotes,
tables, emphasis, links) rather than its text or Markdown output, so that this package writes
the Markdown itself: every piece of page text goes through ``markdown_text`` escaping and can
never turn into raw HTML or into Markdown syntax it did not have; links keep only http, https
and mailto targets, resolved against the page URL; images and scripts never enter.
``body_text`` is the same content as plain text, paragraphs split by blank lines. Around
trafilatura, a few general repairs: the headline is not repeated at the top of the body, a
lead paragraph left in the page header comes back (``body._lead``), link-only teasers go
(``body._tidy``), page furniture the site put inside the article goes (``furniture``: comment,
related and newsletter widgets, share lines, paywall promotions, bylines, datelines), and a page
whose text is only its link labels is no article (``body.navigation_only``).

The bytes are decoded once, by the decoder every import shares (``archivegen.text.decoding``,
which survives pages whose ``<meta charset>`` lies), and parsed once: metadata, trafilatura and
htmldate all read the same lxml tree (trafilatura and htmldate copy it before changing it).

Metadata comes from what the page declares, in the order that is most often right: the
JSON-LD article (headline, datePublished with its time and offset, author, keywords), then
Open Graph and other <meta> tags, then the document itself (<title> without the site name,
<h1>, bylines, htmldate's reading of dates in the URL and text). Site names are cut from
titles by comparing title segments with og:site_name, application-name, the publisher and
the domain, never by a list of known sites.

The steps, one module each:

    tree.py       bytes -> text -> one lxml tree
    metadata.py   <meta> tags, canonical URL, keywords, language; assembles ``PageMetadata``
    jsonld.py     the page's JSON-LD objects and its own article among them
    titles.py     site names cut from titles, the headline chosen among candidates
    dates.py      declared publication timestamp, else htmldate
    authors.py    authors from JSON-LD, <meta> tags or the byline
    normalize.py  the text forms shared by the comparisons (clean line, title key, name key)
    links.py      link targets: absolute http/https/mailto or nothing
    body.py       trafilatura's body, tidied, lead restored, navigation pages refused
    furniture.py  page furniture inside the body (phrases in ../furniture_phrases.py)
    blocks.py     XML/HTML tree -> blocks (paragraphs, lists, quotes, tables, code)
    markdown.py   blocks -> Markdown and plain text
"""

from __future__ import annotations

from dataclasses import dataclass

from archivegen.importing.extracted import NoArticle
from archivegen.importing.htmlpage.body import body_from_tree, navigation_only
from archivegen.importing.htmlpage.metadata import PageMetadata, page_facts
from archivegen.importing.htmlpage.titles import strip_site_name
from archivegen.importing.htmlpage.tree import parse_html

__all__ = ["HtmlPage", "PageMetadata", "body_from_tree", "extract_html", "extract_metadata",
           "parse_html", "strip_site_name"]


@dataclass(frozen=True)
class HtmlPage(PageMetadata):
    """A page's metadata plus its article body, as escaped Markdown and as plain text."""

    body_markdown: str = ""
    body_text: str = ""


def extract_metadata(raw: bytes, url: str | None = None) -> PageMetadata:
    """Title, date, authors, description, keywords, canonical URL and language of a saved page."""
    tree = parse_html(raw)
    if tree is None:
        return PageMetadata("", None, (), "", (), url or "", "")
    return page_facts(tree, url).metadata


def extract_html(raw: bytes, url: str | None = None) -> HtmlPage:
    """A saved HTML page as an article: metadata plus the body as Markdown and as plain text.

    Raises NoArticle when the page holds no article text (empty, not HTML, navigation only).
    """
    tree = parse_html(raw)
    if tree is None:
        raise NoArticle("no article text found: the file is empty or not an HTML page")
    facts = page_facts(tree, url)
    meta = facts.metadata
    # relative links belong to the address the page was saved from; the canonical URL (which
    # may be another site, for syndicated copies) only stands in when that is unknown
    markdown, text = body_from_tree(tree, url or meta.canonical_url, facts.titles, facts.descriptions,
                                    meta.authors)
    if not text.strip():
        raise NoArticle("no article text found in the page (no text at all)")
    if navigation_only(tree, text):
        raise NoArticle("no article text found in the page (only navigation links)")
    return HtmlPage(**{name: getattr(meta, name) for name in PageMetadata.__dataclass_fields__},
                    body_markdown=markdown, body_text=text)
