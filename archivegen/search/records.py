"""The document Pagefind indexes for an article: made from the model, not from the page.

Indexing the rendered article pages would tie the index to everything on them: a template
edit, or the previous/next links that change whenever a neighbour is added, would force
Pagefind to run again over whole years although nothing searchable changed. A search record
holds exactly what is searchable at the article page's own path, so result URLs are the pages'
URLs. A year's index is then a function of its records alone, and its fingerprint can say
precisely when to rebuild it.

What is searchable: the title (weighted as a heading), the body, and the article's tag names,
authors and source, weighted so that a query for a tag name ranks the articles carrying the tag
above those that merely mention it. The record's ``lang`` is the article's language: Pagefind
keeps one index per language in every bundle, stemmed and segmented for that language, and the
search page searches each of them.
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlsplit

from archivegen.site.model import Entry, Site

RECORD_SETTINGS = "record-4"  # bump when the record's markup changes

# A word every record has, so that the search page can list articles by filters alone: Pagefind,
# asked for no word at all, loads every word chunk of every bundle (megabytes); asked for this
# one, a single chunk. The manifest names it (``manifest.py``); the page never shows it.
EVERY_RECORD_WORD = "archivegeneveryrecord"  # one word: Pagefind indexes the parts of "a_b" too

# Pagefind weights (its default is 1 for text, 7 for <h1>): a tag is a strong statement of what
# an article is about; an author or source name is a way readers look articles up.
TAG_WEIGHT = 8
NAME_WEIGHT = 4


def search_record(site: Site, entry: Entry, language: str, body_html: str) -> bytes:
    """A minimal HTML page carrying Pagefind's metadata, filters and sort keys for one article."""
    article = entry.article
    day = article.date.strftime("%Y-%m-%d")
    title = escape(article.title)
    tag_names = [site.tags[slug].name for slug in entry.tag_slugs]
    filters = "".join(f'<span data-pagefind-filter="tag">{escape(name)}</span>' for name in tag_names)
    searchable_names = [
        (TAG_WEIGHT, tag_names),
        (NAME_WEIGHT, [*article.authors, *source_name(article.source)]),
    ]
    names = "".join(f'<p data-pagefind-weight="{weight}">{escape(" · ".join(values))}</p>\n'
                    for weight, values in searchable_names if values)
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(article.language or language)}">\n<head>\n'
        f'<meta charset="utf-8">\n<title>{title}</title>\n'
        f'<meta name="description" content="{escape(entry.summary)}" data-pagefind-meta="summary[content]">\n'
        f'</head>\n<body>\n'
        f'<p data-pagefind-meta="date:{day}" data-pagefind-sort="date:{day}" '
        f'data-pagefind-filter="year:{article.date.year}"></p>\n<p>{filters}</p>\n'
        f'<div data-pagefind-body>\n<h1 data-pagefind-meta="title">{title}</h1>\n'
        f'{body_html}\n{names}<p>{EVERY_RECORD_WORD}</p>\n</div>\n</body>\n</html>\n'
    ).encode("utf-8", "surrogatepass")


def source_name(source: str) -> list[str]:
    """The name readers know a source by: the site's host for a URL ("rt.com"), else the text."""
    if not source:
        return []
    parts = urlsplit(source)
    if parts.scheme in ("http", "https") and parts.hostname:
        return [parts.hostname.removeprefix("www.")]
    return [source]
