"""Which terms of each declared taxonomy an article carries, and the terms of a whole site.

One model for every taxonomy (``config.schema.Taxonomy``): tags, authors, sources and any
front-matter list field group articles the same way, so the builder, the patched model
(``build/patch.py``) and the stored model (``site/stored.py``) ask this module and never name
a taxonomy's field themselves.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

from archivegen.config.schema import Taxonomy
from archivegen.content.article import Article
from archivegen.content.slugs import make_slug
from archivegen.site.model import Entry, Term


class TermSlugs(dict[str, str]):
    """Term name -> slug, computed once per distinct name (slugifying is slow; names repeat)."""

    def __missing__(self, name: str) -> str:
        slug = self[name] = make_slug(name)
        return slug


def term_names(article: Article, taxonomy: Taxonomy) -> tuple[str, ...]:
    """The article's terms in ``taxonomy``, as written (an empty name carries no term)."""
    if taxonomy.field == "tags":
        return article.tags
    if taxonomy.field == "authors":
        return article.authors
    if taxonomy.from_host:
        return (source_host(article.source),) if article.source else ()
    return dict(article.fields).get(taxonomy.field, ())  # a declared field (content/reader.py)


def source_host(url: str) -> str:
    """The publisher a source URL names: its host, without 'www.' ('https://www.bbc.com/x' ->
    'bbc.com')."""
    host = (urlsplit(url).hostname or "").rstrip(".")
    return host.removeprefix("www.")


def article_terms(article: Article, taxonomies: Iterable[Taxonomy], slug_of: TermSlugs
                  ) -> dict[str, tuple[str, ...]]:
    """Taxonomy name -> the article's term slugs, deduplicated, in the article's order."""
    return {taxonomy.name: tuple(dict.fromkeys(slug_of[name] for name in term_names(article, taxonomy)))
            for taxonomy in taxonomies}


def canonical_names(articles: Iterable[Article], taxonomy: Taxonomy, slug_of: TermSlugs) -> dict[str, str]:
    """Display name per term slug: the most used spelling, ties broken alphabetically."""
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for article in articles:
        for name in term_names(article, taxonomy):
            spellings[slug_of[name]][name] += 1
    return {slug: min(counts, key=lambda name: (-counts[name], name))
            for slug, counts in spellings.items()}


def site_terms(taxonomy: Taxonomy, entries: tuple[Entry, ...], names: Mapping[str, str]) -> dict[str, Term]:
    """Every term of ``taxonomy`` with its articles (newest first), in display order (by name)."""
    members: dict[str, list[int]] = defaultdict(list)
    for entry in entries:
        for slug in entry.terms.get(taxonomy.name, ()):
            members[slug].append(entry.index)
    return {slug: Term(slug=slug, name=names[slug], entries=tuple(members[slug]), count=len(members[slug]),
                       years=_years_of(entries, members[slug]), base=index_path(taxonomy))
            for slug in sorted(members, key=lambda s: (names[s].casefold(), s))}


def index_path(taxonomy: Taxonomy) -> str:
    """The site path of the taxonomy's index ('/tags/'); its terms' pages are below it."""
    return f"/{taxonomy.path}/"


def templates(taxonomy: Taxonomy) -> tuple[str, str]:
    """(index template, term page template): the tags keep their own (``tags.html``,
    ``tag.html``, which projects override), every other taxonomy shares ``terms.html`` and
    ``term.html``."""
    return ("tags.html", "tag.html") if taxonomy.name == "tags" else ("terms.html", "term.html")


def _years_of(entries: tuple[Entry, ...], members: list[int]) -> tuple[tuple[int, int], ...]:
    """(year, count) of a newest-first list of entries, newest first."""
    years = Counter(entries[i].article.date.year for i in members)
    return tuple(sorted(years.items(), reverse=True))
