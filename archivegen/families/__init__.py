"""Every page family of a site, and the site model planned from them.

The registry is the one place that knows which kinds of page exist. The build asks it to plan
the pages (``build_site``); the renderer (``render/pages.py``) and the page keys
(``render/inputs.py``) are handed it and ask it for a page's context and for what a page
shows. A new kind of page is one module here and one line in ``FAMILIES``.

This package sits above ``site/`` and ``render/`` in the import order, below ``build/``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from archivegen.config.schema import SiteConfig
from archivegen.content.article import Article
from archivegen.families.aliases import REDIRECTS, REDIRECTS_FILE
from archivegen.families.archive import ARCHIVE
from archivegen.families.articles import ARTICLES
from archivegen.families.base import PageFamily, PageType, Planning
from archivegen.families.feeds import FEEDS
from archivegen.families.fixed import NOT_FOUND, ROBOTS, SEARCH
from archivegen.families.home import HOME
from archivegen.families.sitemap import SITEMAP
from archivegen.families.taxonomy import TAXONOMIES
from archivegen.render.inputs import PageKeys
from archivegen.render.pages import PageRenderer
from archivegen.site.builder import SiteParts, site_parts
from archivegen.site.collisions import check_collisions
from archivegen.site.model import Page, Site

SITEMAP_MAX_URLS = 50_000


class Families:
    """The registry: families in the order their pages are planned (and listed in sitemaps;
    those that list pages last), and each kind of page's type."""

    def __init__(self, families: tuple[PageFamily, ...]) -> None:
        self.families = (*(f for f in families if not f.lists_pages), *(f for f in families if f.lists_pages))
        self.types: dict[str, PageType] = {}
        for family in families:
            for page_type in family.types:
                if page_type.kind in self.types:
                    raise ValueError(f"two page families make pages of kind {page_type.kind!r}")
                self.types[page_type.kind] = page_type

    def plan(self, config: SiteConfig, parts: SiteParts, sitemap_max_urls: int) -> list[Page]:
        """Every output file of the site, one family after another."""
        pages: list[Page] = []
        planning = Planning(config, parts, pages, self.in_sitemap, sitemap_max_urls)
        for family in self.families:
            pages += family.plan(planning)
        return pages

    def in_sitemap(self, page: Page) -> bool:
        return self.types[page.kind].in_sitemap

    def lists_articles(self, kind: str) -> bool:
        return self.types[kind].lists_articles

    def context(self, renderer: PageRenderer, page: Page, body_html: str | None) -> Mapping[str, Any]:
        return self.types[page.kind].context(renderer, page, body_html)

    def shown(self, keys: PageKeys, page: Page) -> list[str]:
        return self.types[page.kind].shown(keys, page)

    def describe(self, page: Page) -> str:
        """A generated page as messages name it: 'the tag page of 'Syria'', 'the home page'."""
        return self.types[page.kind].describe(page)

    def __reduce__(self) -> tuple[Any, ...]:
        """Shipped to other processes by name: the registry is module state, never data."""
        return (_registry, ())


FAMILIES = Families((ARTICLES, REDIRECTS, HOME, TAXONOMIES, ARCHIVE, FEEDS, ROBOTS, NOT_FOUND, SEARCH,
                     REDIRECTS_FILE, SITEMAP))


def _registry() -> Families:
    return FAMILIES


def build_site(config: SiteConfig, articles: list[Article], include_drafts: bool = False,
               sitemap_max_urls: int = SITEMAP_MAX_URLS, derived_summaries: Mapping[str, str] | None = None
               ) -> Site:
    """The site model: the articles placed and counted (``site/builder.py``), then every
    family's pages; raise SiteError listing every path collision."""
    parts = site_parts(config, articles, include_drafts, derived_summaries)
    pages = FAMILIES.plan(config, parts, sitemap_max_urls)
    check_collisions(config, parts.entries, pages, FAMILIES.describe)
    return Site(entries=parts.entries, terms=parts.terms, archives=parts.archives, months=parts.months,
                pages=tuple(pages), drafts_included=include_drafts)


__all__ = ["FAMILIES", "Families", "PageFamily", "PageType", "Planning", "build_site"]
