"""Articles + config -> the parts of the Site model every page family plans its pages from.

This is Pelican's "read everything into the context first" phase and Zola's ``Site::load``:
sort, index by taxonomy term (tags, authors...) and date. Which pages exist is then up to the
page families (``archivegen/families/``), each planning its own from these parts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from archivegen.config.schema import SiteConfig
from archivegen.content.article import Article
from archivegen.site.model import Archive, Entry, Term
from archivegen.site.paths import article_path
from archivegen.site.taxonomy import TermSlugs, article_terms, canonical_names, site_terms


@dataclass(frozen=True)
class SiteParts:
    """The site model without its pages: articles placed, terms and date archives counted."""

    entries: tuple[Entry, ...]  # newest first
    terms: dict[str, dict[str, Term]]  # taxonomy name -> slug -> term, by name
    archives: dict[int, Archive]  # year -> archive, newest first
    months: dict[tuple[int, int], tuple[int, ...]]  # (year, month) -> its entries, newest first


def site_parts(config: SiteConfig, articles: list[Article], include_drafts: bool = False,
               derived_summaries: Mapping[str, str] | None = None) -> SiteParts:
    """Place the published articles and count them by term and date.

    ``derived_summaries`` maps content keys to the summary derived from the rendered body, for
    articles without a ``summary:`` of their own.
    """
    derived = derived_summaries or {}
    published = [a for a in articles if include_drafts or not a.draft]
    published.sort(key=lambda a: a.sort_key)
    slug_of = TermSlugs()
    entries = tuple(
        Entry(index=i, article=a, path=article_path(a, config.permalinks),
              terms=article_terms(a, config.taxonomies, slug_of), summary=a.summary or derived.get(a.key, ""))
        for i, a in enumerate(published)
    )
    terms = {taxonomy.name: site_terms(taxonomy, entries, canonical_names(published, taxonomy, slug_of))
             for taxonomy in config.taxonomies}

    month_members: dict[tuple[int, int], list[int]] = defaultdict(list)
    for entry in entries:
        month_members[(entry.article.date.year, entry.article.date.month)].append(entry.index)
    months = {key: tuple(month_members[key]) for key in sorted(month_members, reverse=True)}
    archives: dict[int, Archive] = {}
    for year in sorted({year for year, _ in months}, reverse=True):
        year_months = [(m, len(ids)) for (y, m), ids in months.items() if y == year]
        year_entries = tuple(i for (y, _), ids in months.items() if y == year for i in ids)
        archives[year] = Archive(year=year, months=tuple(year_months), entries=year_entries,
                                 count=len(year_entries))
    return SiteParts(entries=entries, terms=terms, archives=archives, months=months)
