"""The document Pagefind indexes for an article: made from the model, not from the page.

Indexing the rendered article pages would tie the index to everything on them: a template
edit, or the previous/next links that change whenever a neighbour is added, would force
Pagefind to run again over whole years although nothing searchable changed. A search record
holds exactly what is searchable (title, date, summary, tags, year, language and the body) at
the article page's own path, so result URLs are the pages' URLs. A year's index is then a
function of its records alone, and its fingerprint can say precisely when to rebuild it.
"""

from __future__ import annotations

from html import escape

from archivegen.site.model import Entry, Site

RECORD_SETTINGS = "record-1"  # bump when the record's markup changes


def search_record(site: Site, entry: Entry, language: str, body_html: str) -> bytes:
    """A minimal HTML page carrying Pagefind's metadata, filters and sort keys for one article."""
    article = entry.article
    day = article.date.strftime("%Y-%m-%d")
    title = escape(article.title)
    tags = "".join(f'<span data-pagefind-filter="tag">{escape(site.tags[slug].name)}</span>'
                   for slug in entry.tag_slugs)
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(article.language or language)}">\n<head>\n'
        f'<meta charset="utf-8">\n<title>{title}</title>\n'
        f'<meta name="description" content="{escape(entry.summary)}" data-pagefind-meta="summary[content]">\n'
        f'</head>\n<body>\n<h1 data-pagefind-meta="title">{title}</h1>\n'
        f'<p data-pagefind-meta="date:{day}" data-pagefind-sort="date:{day}" '
        f'data-pagefind-filter="year:{article.date.year}"></p>\n<p>{tags}</p>\n'
        f'<div data-pagefind-body>\n{body_html}\n</div>\n</body>\n</html>\n'
    ).encode("utf-8", "surrogatepass")
