"""The home page: every article, newest first, paginated."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from archivegen.config.schema import SiteConfig
from archivegen.families.base import PageFamily, PageType, Planning, shows_its_articles
from archivegen.render.pages import PageRenderer
from archivegen.site.model import Page
from archivegen.site.pagination import listing_pages


def home_pages(config: SiteConfig, items: tuple[int, ...]) -> list[Page]:
    """The home listing's pages (``items``: every article, or ranks in a patched model)."""
    return listing_pages(config, "home", "/", "index.html", items)


def _plan(planning: Planning) -> list[Page]:
    return home_pages(planning.config, tuple(entry.index for entry in planning.parts.entries))


def _context(renderer: PageRenderer, page: Page, body_html: str | None) -> Mapping[str, Any]:
    return renderer.listing(page)


HOME = PageFamily(plan=_plan, types=(
    PageType("home", _context, shows_its_articles, lambda page: "the home page", in_sitemap=True),))
