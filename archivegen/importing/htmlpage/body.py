"""The article body: trafilatura's XML tree, written as blocks, then a few general repairs.

Links are resolved before trafilatura runs (it resolves "../x" against the site root). After
it: the headline is not repeated at the top of the body, a lead paragraph left in the page
header comes back (``_lead``), link-only teasers go (``_tidy``), page furniture goes
(``furniture.drop_furniture``), and a page whose text is only its link labels is no article
(``navigation_only``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import trafilatura
from lxml.html import HtmlElement

from archivegen.importing import markdown_text as md
from archivegen.importing.htmlpage.blocks import Block, BodyWriter, List, Paragraph
from archivegen.importing.htmlpage.furniture import drop_furniture
from archivegen.importing.htmlpage.links import resolve_links
from archivegen.importing.htmlpage.markdown import blocks_to_markdown, blocks_to_text
from archivegen.importing.htmlpage.normalize import title_key

_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)?")
_LINK_ONLY_SHARE = 0.9  # of a paragraph's characters inside links
_LINK_ONLY_MAX_WORDS = 30


def _link_only(block: Block) -> bool:
    """A short paragraph that is all link text: a "read also" teaser or a menu entry, not prose.

    Headings are kept (a heading that links to its section is still a heading), and so is a
    long paragraph that happens to sit inside one link (a lead linked to its photo).
    """
    if not isinstance(block, Paragraph) or not block.link_chars or block.heading:
        return False
    letters = len("".join(block.text.split()))
    return len(block.text.split()) <= _LINK_ONLY_MAX_WORDS and block.link_chars >= _LINK_ONLY_SHARE * letters


def _tidy(blocks: list[Block], titles: set[str]) -> list[Block]:
    """Drop what is not article text even though it sits in the article's container.

    * the headline at the top (the title is kept in the front matter; the body would repeat it);
    * a paragraph repeating the one before it (responsive layouts print some blocks twice);
    * a paragraph that is only a machine timestamp (leaked microdata);
    * link-only paragraphs and list items (``_link_only``).

    Repeated paragraphs further apart are kept: interviews repeat questions, recipes steps.
    """
    kept: list[Block] = []
    previous = ""
    for block in blocks:
        if isinstance(block, Paragraph):
            key = title_key(block.text)
            if (not kept and key in titles) or key == previous or _TIMESTAMP.fullmatch(block.text):
                continue
            if _link_only(block):
                continue
            previous = key
        elif isinstance(block, List):
            items = [item for item in block.items if not (len(item) == 1 and _link_only(item[0]))]
            if not items:
                continue
            block = List(block.ordered, items)
        kept.append(block)
    return kept


_LEAD_TAGS = ("p", "div", "h2", "h3", "h4", "span", "strong", "em", "b", "section", "header", "summary")


def _lead(tree: HtmlElement, descriptions: list[str], body_text: str) -> str:
    """The page's standfirst when the extraction left it out, else "".

    News pages put a lead paragraph between the headline and the text, often in the page
    header where extractors do not look. Its text is usually also the page's meta description,
    and that is the test: a description that is the entire text of an element of the page, but
    absent from the extracted body, is the lead.
    """
    body = tree.find("body")
    if body is None:
        return ""
    squashed_body = " ".join(body_text.split())
    page_text: str | None = None
    for description in descriptions:
        key = " ".join(description.split())
        if len(key) < 40 or key.rstrip(".…").strip() in squashed_body:
            continue
        if page_text is None:
            page_text = " ".join(" ".join(body.itertext()).split())
        if key not in page_text:
            continue
        for element in body.iter(_LEAD_TAGS):
            text = element.text_content()
            if len(text) >= len(key) and " ".join(text.split()) == key:
                return key
    return ""


def navigation_only(tree: HtmlElement, text: str) -> bool:
    """Whether the extracted text is (almost) all link labels of the page: an index or menu page.

    Extractors fall back to whatever text a page has; on a page of headlines or a menu that
    is the link labels, one per line or run together, which is not an article. Short labels
    count only as whole lines ("News" is also a word of many sentences).
    """
    labels = {" ".join(a.text_content().split()) for a in tree.iter("a")}
    labels.discard("")
    if not labels:
        return False
    lines = [" ".join(line.split()) for line in text.split("\n")]
    squashed = " ".join(line for line in lines if line)
    if not squashed:
        return False
    linked = sum(len(line) for line in lines if line in labels)
    long_labels = (label for label in labels if len(label) >= 20 and label not in lines)
    linked += sum(squashed.count(label) * len(label) for label in long_labels)
    return linked >= _NAVIGATION_SHARE * len(squashed)


_NAVIGATION_SHARE = 0.8  # real articles in the corpora stay below 0.75


def body_from_tree(tree: HtmlElement, url: str | None, titles: Iterable[str] = (),
                   descriptions: Iterable[str] = (), authors: Iterable[str] = ()) -> tuple[str, str]:
    """(Markdown, plain text) of the article body of a parsed page; ("", "") when there is none.

    ``titles`` are the page's headline variants (removed from the top of the body),
    ``descriptions`` its meta descriptions (the test for a missing lead paragraph), ``authors``
    the names a byline at the top of the body would repeat (``furniture``).
    """
    resolve_links(tree, url)
    document = trafilatura.bare_extraction(
        tree, url=url, include_comments=False, include_tables=True, include_formatting=True,
        include_links=True, include_images=False, output_format="xml")
    body = getattr(document, "body", None)
    if body is None:
        return "", ""
    blocks = _tidy(BodyWriter(url).blocks(body), {title_key(t) for t in titles if t})
    blocks = drop_furniture(blocks, authors)
    text = "\n\n".join(part for part in blocks_to_text(blocks) if part.strip())
    if not text:
        return "", ""
    lead = _lead(tree, [d for d in descriptions if d], text)
    if lead:
        blocks.insert(0, Paragraph(md.escape_text(lead), lead))
        text = f"{lead}\n\n{text}"
    return blocks_to_markdown(blocks), text
