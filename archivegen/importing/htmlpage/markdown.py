"""Blocks to text: Markdown for the article body, plain paragraphs for ``body_text``."""

from __future__ import annotations

from collections.abc import Iterator

from archivegen.importing import markdown_text as md
from archivegen.importing.htmlpage.blocks import Block, Code, List, Paragraph, Quote, Table


def _indent(text: str, first: str, rest: str) -> str:
    """Prefix the first line with a list marker and indent the rest to stay inside the item."""
    lines = text.split("\n")
    return "\n".join([first + lines[0]] + [(rest + line) if line else "" for line in lines[1:]])


def blocks_to_markdown(blocks: list[Block]) -> str:
    """Blocks as Markdown, separated by blank lines so that no block can run into the next."""
    out: list[str] = []
    previous: Block | None = None
    for block in blocks:
        if isinstance(block, Paragraph):
            out.append(("#" * block.heading + " " + block.markdown) if block.heading else block.markdown)
        elif isinstance(block, Code):
            out.append(md.code_block(block.code))
        elif isinstance(block, Quote):
            inner = blocks_to_markdown(block.blocks)
            out.append("\n".join(("> " + line) if line else ">" for line in inner.split("\n")))
        elif isinstance(block, List):
            # two lists in a row would merge into one: the second uses the other marker
            alternate = isinstance(previous, List) and previous.ordered == block.ordered
            loose = any(len(item) > 1 for item in block.items)
            rendered = []
            for number, item in enumerate(block.items, start=1):
                marker = (f"{number}{')' if alternate else '.'} " if block.ordered
                          else ("* " if alternate else "- "))
                rendered.append(_indent(blocks_to_markdown(item), marker, " " * len(marker)))
            out.append(("\n\n" if loose else "\n").join(rendered))
        elif isinstance(block, Table):
            width = len(block.rows[0])
            lines = ["| " + " | ".join(cell or " " for cell, _ in row) + " |" for row in block.rows]
            lines.insert(1, "|" + " --- |" * width)
            out.append("\n".join(lines))
        previous = block
    return "\n\n".join(part for part in out if part.strip())


def blocks_to_text(blocks: list[Block]) -> Iterator[str]:
    """Blocks as plain-text paragraphs: list items and table rows one each, no markers."""
    for block in blocks:
        if isinstance(block, Paragraph):
            yield block.text
        elif isinstance(block, Code):
            yield block.code
        elif isinstance(block, Quote):
            yield from blocks_to_text(block.blocks)
        elif isinstance(block, List):
            for item in block.items:
                yield from blocks_to_text(item)
        elif isinstance(block, Table):
            for row in block.rows:
                yield " | ".join(text for _, text in row if text)
