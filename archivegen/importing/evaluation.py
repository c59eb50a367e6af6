"""The extractors exactly as ``archivegen import`` runs them, in the shapes the scorers call.

``../shared/tools/extraction_eval.py --extractor archivegen.importing.evaluation:html_body`` and
``../shared/tools/metadata_eval.py --extractor archivegen.importing.evaluation:metadata`` score
these; ``benchmarks/extraction_bench.py`` runs every dataset. Nothing here is tuned for a scorer:
each function is a thin view of the code path the importer uses.
"""

from __future__ import annotations

from typing import Any

from archivegen.importing.extracted import NoArticle
from archivegen.importing.htmlpage import extract_html, extract_metadata
from archivegen.importing.textdump import parse_text_dump


def html_body(raw: bytes, url: str | None = None) -> str:
    """The article body of a saved HTML page as plain text, paragraphs split by blank lines."""
    try:
        return extract_html(raw, url).body_text
    except NoArticle:
        return ""


html_body.wants_bytes = True  # type: ignore[attr-defined]


def text_body(raw: str, url: str | None = None) -> str:
    """The article body of a plain-text page dump (headline excluded), paragraphs split by blank lines."""
    try:
        return "\n\n".join(parse_text_dump(raw).paragraphs)
    except NoArticle:
        return ""


def metadata(html: bytes, url: str | None = None) -> dict[str, Any]:
    """Title, publication date (YYYY-MM-DD or None) and authors of a saved HTML page."""
    found = extract_metadata(html, url)
    return {
        "title": found.title or None,
        "date": found.date.strftime("%Y-%m-%d") if found.date else None,
        "authors": list(found.authors),
    }
