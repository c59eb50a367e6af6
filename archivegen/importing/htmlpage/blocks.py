"""Tree to blocks: trafilatura's XML body (or sanitized HTML) as paragraphs, lists, quotes, tables, code.

Every piece of text goes through ``markdown_text`` escaping as it is gathered, so the blocks
hold Markdown that can never turn into raw HTML or into syntax the page did not have; links
keep only http, https and mailto targets; images, scripts and forms never enter. The blocks
are written out by ``markdown`` (as Markdown and as plain text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml.etree import _Element

from archivegen.importing import markdown_text as md
from archivegen.importing.htmlpage.links import link_target

_SPACES = re.compile(r"[ \t\n\r\f\v]+")


@dataclass
class _Inline:
    """One block's inline content: escaped Markdown with placeholders, plain text, links, code."""

    markdown: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    emphasis: int = 0  # > 0 inside emphasis: inner emphasis is not nested, only its text kept
    in_link: bool = False
    link_chars: int = 0  # non-space characters inside links (navigation looks like all-link text)
    anchors: int = 0  # depth of <ref> elements, with or without a usable target

    def markup(self, piece: str) -> None:
        """Our own Markdown (a placeholder, a space): written as is."""
        self.markdown.append(piece)

    def add(self, raw: str | None) -> None:
        """Text from the page: escaped, counted as link text inside a link."""
        if raw:
            clean = md.clean_source_text(raw)
            self.markdown.append(md.escape_inline(clean))
            self.text.append(_SPACES.sub(" ", clean))  # only <lb> breaks a line
            if self.anchors:
                self.link_chars += len("".join(clean.split()))

    def space(self) -> None:
        """A word separator (a block element met inside inline content)."""
        self.markup(" ")
        self.text.append(" ")

    def code(self, raw: str) -> None:
        """Inline code, written as a placeholder: its fence is chosen once its neighbours are known."""
        text = " ".join(md.clean_source_text(raw).split())
        if text:
            self.markdown.append(md.CODE)
            self.codes.append(text)
            self.text.append(text)

    def hard_break(self) -> None:
        """A line break inside the paragraph (<br>), kept as a Markdown hard break."""
        self.markup(md.HARD_BREAK)
        self.text.append("\n")

    def finished(self) -> tuple[str, str]:
        """(Markdown, plain text) of the content gathered so far."""
        markdown = md.finish_inline(_SPACES.sub(" ", "".join(self.markdown)), self.urls, self.codes)
        text = "\n".join(" ".join(line.split()) for line in "".join(self.text).split("\n"))
        return markdown, text.strip()


@dataclass
class Paragraph:
    """A paragraph or heading: its Markdown, its text, its heading level, its link characters."""

    markdown: str
    text: str
    heading: int = 0  # 2..6 for a heading
    link_chars: int = 0


@dataclass
class Code:
    """A code block, kept verbatim."""

    code: str


@dataclass
class List:
    """A list; each item is a list of blocks (an item may hold paragraphs, lists, code)."""

    ordered: bool
    items: list[list[Block]]


@dataclass
class Quote:
    """A block quote of blocks."""

    blocks: list[Block]


@dataclass
class Table:
    """A table of short inline cells, written as a GFM pipe table."""

    rows: list[list[tuple[str, str]]]  # (markdown, text) per cell


Block = Paragraph | Code | List | Quote | Table

# trafilatura's XML vocabulary plus the HTML block tags it sometimes leaves in place
_BLOCK_TAGS = {
    "p", "div", "head", "list", "item", "quote", "table", "row", "cell", "code", "section", "article",
    "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "li", "dt", "dd", "blockquote", "pre", "tr", "td",
    "th", "figure", "figcaption", "main", "header", "footer", "aside", "details", "summary", "body", "center",
    "form", "fieldset", "address", "tbody", "thead", "tfoot",
}
_LIST_TAGS = {"list", "ul", "ol", "dl"}
_QUOTE_TAGS = {"quote", "blockquote"}
_HEADING_TAGS = {"head", "h1", "h2", "h3", "h4", "h5", "h6"}
_TABLE_TAGS = {"table"}
_SKIP_TAGS = {"graphic", "img", "script", "style", "noscript", "template", "iframe", "svg", "math", "button"}
_URL_SCHEMES = ("http", "https", "mailto")


def _tag(element: _Element) -> str:
    """The tag name, "" for comments and processing instructions (their .tag is a function)."""
    return element.tag if isinstance(element.tag, str) else ""


def _string(element: _Element) -> str:
    """All the text inside the element (XPath's string value: always a str, whatever the stubs say)."""
    return str(element.xpath("string()"))


def _drop_cap(element: _Element, out: _Inline) -> bool:
    """An emphasised first letter that the word's other letters follow: a drop cap, not emphasis.

    Pages style the initial of a story big and bold (``<strong>F</strong>ormer ...``); as
    emphasis it would read ``**F**ormer``, so it is kept as a plain letter of its word.
    """
    letter = _string(element).strip()
    return (len(letter) == 1 and letter.isalpha() and not "".join(out.text).strip()
            and (element.tail or "")[:1].isalpha())


class BodyWriter:
    """Walks trafilatura's XML body and builds blocks; one instance per page."""

    def __init__(self, base_url: str | None) -> None:
        """``base_url`` resolves the links that are still relative (when no page URL was known)."""
        self.base_url = base_url

    # ---- inline content

    def inline_children(self, element: _Element, out: _Inline, in_cell: bool = False) -> None:
        """An element's text, children and their tails, as inline content."""
        out.add(element.text)
        for child in element:
            self.inline(child, out, in_cell)
            out.add(child.tail)

    def inline(self, element: _Element, out: _Inline, in_cell: bool = False) -> None:
        """One element inside a paragraph: emphasis, link, code, break, or just its text.

        In table cells there are no breaks and no code spans (GFM splits a cell at "|" even
        inside code), and emphasis is never nested (the inner one keeps only its text).
        """
        tag = _tag(element)
        if tag in _SKIP_TAGS or not tag:
            return
        if tag == "lb" or tag == "br":
            if in_cell:
                out.space()
            else:
                out.hard_break()
            return
        if tag == "hi" or tag in ("b", "strong", "i", "em", "del", "s", "strike"):
            rend = element.get("rend", "")
            kind = {"#b": "b", "#i": "i", "b": "b", "strong": "b", "i": "i", "em": "i"}.get(rend or tag, "")
            if tag in ("del", "s", "strike"):
                kind = "s"
            if rend == "#t" and not in_cell:  # GFM splits cells on "|" even inside code spans
                out.code(_string(element))
                return
            if kind and not out.emphasis and not _drop_cap(element, out):
                opener, closer = {"b": (md.BOLD_OPEN, md.BOLD_CLOSE), "i": (md.ITALIC_OPEN, md.ITALIC_CLOSE),
                                  "s": (md.STRIKE_OPEN, md.STRIKE_CLOSE)}[kind]
                out.markup(opener)
                out.emphasis += 1
                self.inline_children(element, out, in_cell)
                out.emphasis -= 1
                out.markup(closer)
                return
            self.inline_children(element, out, in_cell)
            return
        if tag in ("ref", "a"):
            target = link_target(element.get("target") or element.get("href"), self.base_url)
            out.anchors += 1
            if target and not out.in_link:
                out.markup(md.LINK_OPEN)
                out.urls.append(target)
                out.in_link = True
                self.inline_children(element, out, in_cell)
                out.in_link = False
                out.markup(md.LINK_CLOSE)
            else:
                self.inline_children(element, out, in_cell)
            out.anchors -= 1
            return
        if tag == "code":
            if in_cell:
                out.add(_string(element))
            else:
                out.code(_string(element))
            return
        if tag in _BLOCK_TAGS:  # a block inside inline content: keep its words apart
            out.space()
            self.inline_children(element, out, in_cell)
            out.space()
            return
        self.inline_children(element, out, in_cell)

    # ---- blocks

    def paragraph(self, inline: _Inline, blocks: list[Block], heading: int = 0) -> None:
        """Close a paragraph (or heading) and keep it if it has text."""
        markdown, text = inline.finished()
        if text:
            if heading:
                markdown = markdown.replace("\\\n", " ")
                text = " ".join(text.split())
            blocks.append(Paragraph(markdown, text, heading, inline.link_chars))

    def blocks(self, element: _Element) -> list[Block]:
        """The blocks of a container element: its loose text becomes paragraphs."""
        blocks: list[Block] = []
        self.container(element, blocks)
        return blocks

    def container(self, element: _Element, blocks: list[Block]) -> None:
        """Walk a container: loose text and inline children gather into paragraphs between blocks."""
        current = _Inline()
        current.add(element.text)
        for child in element:
            tag = _tag(child)
            if tag in ("lb", "br") and _tag(element) in ("body", "div", "section", "article", "main"):
                self.paragraph(current, blocks)
                current = _Inline()
            elif tag == "code" and self._is_code_block(child):
                self.paragraph(current, blocks)
                current = _Inline()
                self.code(child, blocks)
            elif tag in _BLOCK_TAGS and tag != "code":
                self.paragraph(current, blocks)
                current = _Inline()
                self.block(child, blocks)
            else:
                self.inline(child, current)
            current.add(child.tail)
        self.paragraph(current, blocks)

    @staticmethod
    def _is_code_block(element: _Element) -> bool:
        """Code on several lines or standing on its own is a block; code inside a sentence is inline."""
        text = _string(element)
        parent = element.getparent()
        return "\n" in text.strip() or element.find(".//lb") is not None or parent is None \
            or _tag(parent) in ("body", "div", "quote", "item", "section", "article")

    def code(self, element: _Element, blocks: list[Block]) -> None:
        """A code block: the text as it stands, line breaks (<lb>) as newlines, no escaping."""
        parts: list[str] = []

        def collect(node: _Element) -> None:
            parts.append(node.text or "")
            for child in node:
                if _tag(child) in ("lb", "br"):
                    parts.append("\n")
                elif _tag(child) not in _SKIP_TAGS:
                    collect(child)
                parts.append(child.tail or "")

        collect(element)
        code = md.clean_source_text("".join(parts).replace("\r\n", "\n").replace("\r", "\n")).strip("\n")
        if code.strip():
            blocks.append(Code(code))

    def block(self, element: _Element, blocks: list[Block]) -> None:
        """One block element: heading, list, quote, table, code, or a container of more blocks."""
        tag = _tag(element)
        if tag in _HEADING_TAGS:
            rend = element.get("rend", "") if tag == "head" else tag
            level = int(rend[1]) if re.fullmatch("h[1-6]", rend or "") else 3
            inline = _Inline()
            self.inline_children(element, inline)
            self.paragraph(inline, blocks, heading=max(2, level))
        elif tag in _LIST_TAGS:
            items = []
            for child in element:
                item_blocks = self.blocks(child) if _tag(child) in _BLOCK_TAGS else []
                if not item_blocks and _tag(child) not in _BLOCK_TAGS:
                    inline = _Inline()
                    self.inline(child, inline)
                    self.paragraph(inline, item_blocks)
                if item_blocks:
                    items.append(item_blocks)
                if child.tail and child.tail.strip():
                    inline = _Inline()
                    inline.add(child.tail)
                    tail_blocks: list[Block] = []
                    self.paragraph(inline, tail_blocks)
                    if tail_blocks:
                        items.append(tail_blocks)
            if items:
                ordered = element.get("rend") == "ol" or tag == "ol"
                blocks.append(List(ordered, items))
        elif tag in _QUOTE_TAGS:
            inner = self.blocks(element)
            if inner:
                blocks.append(Quote(inner))
        elif tag in _TABLE_TAGS:
            self.table(element, blocks)
        elif tag == "pre":
            self.code(element, blocks)
        else:
            self.container(element, blocks)

    def table(self, element: _Element, blocks: list[Block]) -> None:
        """A GFM table when the cells are short inline text; otherwise the cells' blocks in order."""
        rows = [row for row in element.iter("row", "tr") if _nearest_table(row) is element]
        nested_blocks = _LIST_TAGS | _HEADING_TAGS | _TABLE_TAGS | _QUOTE_TAGS | {"code", "pre"}
        simple = bool(rows) and all(
            _tag(cell) in ("cell", "td", "th") and not any(_tag(d) in nested_blocks for d in cell.iter())
            for row in rows for cell in row)
        grid: list[list[tuple[str, str]]] = []
        if simple:
            for row in rows:
                cells = []
                for cell in row:
                    inline = _Inline()
                    self.inline_children(cell, inline, in_cell=True)
                    markdown, text = inline.finished()
                    cells.append((markdown.replace("\\\n", " "), " ".join(text.split())))
                if any(text for _, text in cells):
                    grid.append(cells)
            width = max((len(r) for r in grid), default=0)
            longest = max((len(text) for r in grid for _, text in r), default=0)
            if width >= 2 and longest <= 400:
                blocks.append(Table([r + [("", "")] * (width - len(r)) for r in grid]))
                return
        self.container(element, blocks)


def _nearest_table(element: _Element) -> _Element | None:
    """The table a row belongs to (rows of nested tables belong to the inner one)."""
    for ancestor in element.iterancestors():
        if _tag(ancestor) == "table":
            return ancestor
    return None
