"""The article pages: one per published article, at its URL, with its neighbours' links."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from archivegen.families.base import PageFamily, PageType, Planning
from archivegen.render.inputs import PageKeys
from archivegen.render.pages import PageRenderer
from archivegen.render.structured_data import news_article
from archivegen.site.model import Entry, Page
from archivegen.site.paths import output_file


def article_page(entry: Entry) -> Page:
    """The page of one article (``key``: its content file)."""
    return Page(kind="article", path=entry.path, output=output_file(entry.path), template="article.html",
                entries=(entry.index,), key=entry.article.key, title=entry.article.title)


def _plan(planning: Planning) -> list[Page]:
    return [article_page(entry) for entry in planning.parts.entries]


def _context(renderer: PageRenderer, page: Page, body_html: str | None) -> Mapping[str, Any]:
    """The article, its body, its JSON-LD, its month (the breadcrumb) and its neighbours."""
    site = renderer.site
    entry = site.entries[page.entries[0]]
    if body_html is None:
        body_html = renderer.body_html(page)
    previous, following = site.previous_entry(entry), site.next_entry(entry)
    view = renderer.view(entry)
    date = entry.article.date
    return {
        "article": view, "content": body_html,
        "structured_data": news_article(view, renderer.config, renderer.publisher),
        "archive": renderer.month_nav((date.year, date.month)),
        "previous": renderer.view(previous) if previous else None,
        "next": renderer.view(following) if following else None,
    }


def _shown(keys: PageKeys, page: Page) -> list[str]:
    """Its article and both neighbours (the previous/next links)."""
    entry = keys.site.entries[page.entries[0]]
    previous, following = keys.site.previous_entry(entry), keys.site.next_entry(entry)
    return [keys.entries[entry.index], keys.entries[previous.index] if previous else "",
            keys.entries[following.index] if following else ""]


ARTICLES = PageFamily(plan=_plan, types=(
    PageType("article", _context, _shown, lambda page: f"the article page {page.path}", in_sitemap=True),))
