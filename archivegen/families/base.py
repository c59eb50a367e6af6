"""What a page family is: one descriptor saying how its pages are planned, rendered and keyed.

A family (the articles, the home listing, a taxonomy's pages, the date archives, the feeds, the
sitemaps...) is one module of this package holding one ``PageFamily``: how its pages are
planned, and for each kind of page in it (a term's page and its feeds are planned together)
their context, what their key shows, their sitemap entry and how messages name them. The site builder, the
renderer and the page keys never name a kind of page themselves: they ask the registry
(``families/__init__.py``), so a new kind of page is one new module and one line there.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from archivegen.config.schema import SiteConfig
from archivegen.render.inputs import PageKeys
from archivegen.render.pages import PageRenderer
from archivegen.site.builder import SiteParts
from archivegen.site.model import Page, PageKind


@dataclass(frozen=True)
class Planning:
    """What a family plans its pages from: the model's parts and the pages planned before it
    (the sitemap lists those)."""

    config: SiteConfig
    parts: SiteParts
    planned: list[Page]
    in_sitemap: Callable[[Page], bool]
    sitemap_max_urls: int


Context = Callable[[PageRenderer, Page, "str | None"], Mapping[str, Any]]


@dataclass(frozen=True)
class PageType:
    """One kind of page (``Page.kind``) of a family, and how the build treats it.

    * ``context``: the template variables of one page (besides ``page`` and the globals);
      ``body_html`` is the article's rendered body for an article page, None otherwise.
    * ``shown``: digests of what a page shows (``render/inputs.py`` adds what every page has);
      a page whose key is unchanged is not rendered again, so this must cover everything the
      context reads that the common part of the key does not.
    * ``describe``: how messages name a page of it ('the tag page of 'Syria'').
    * ``in_sitemap``: whether its pages are listed in the sitemap.
    * ``lists_articles``: whether a page's ``entries`` are articles (their newest date is the
      page's last modification in the sitemap) rather than terms, pages or sitemap numbers.
    """

    kind: PageKind
    context: Context
    shown: Callable[[PageKeys, Page], list[str]]
    describe: Callable[[Page], str]
    in_sitemap: bool = False
    lists_articles: bool = True


@dataclass(frozen=True)
class PageFamily:
    """One family of pages: ``plan`` returns every page of it in a whole site, in the order
    they are listed (sitemaps follow it), each of one of its ``types``. A family whose pages
    list other pages (the sitemap) says ``lists_pages``: it is planned after every other."""

    plan: Callable[[Planning], list[Page]]
    types: tuple[PageType, ...]
    lists_pages: bool = False


def shows_its_articles(keys: PageKeys, page: Page) -> list[str]:
    """What a listing or feed shows: each of its articles."""
    return [keys.entries[i] for i in page.entries]


def shows_nothing(keys: PageKeys, page: Page) -> list[str]:
    """A page made from the config and templates alone (the common part of every key)."""
    return []


def no_context(renderer: PageRenderer, page: Page, body_html: str | None) -> Mapping[str, Any]:
    return {}


def by_path(page: Page) -> str:
    return f"the generated page {page.path}"
