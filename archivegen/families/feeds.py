"""The site's feeds (Atom, RSS, JSON Feed) of its newest articles, and the one way any feed's
context is made: a term's feeds (``families/taxonomy.py``) are rendered by the same function.

``feed_items`` bounds every feed, so a feed's size never grows with the archive.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from archivegen.families.base import PageFamily, PageType, Planning, shows_its_articles
from archivegen.render.pages import PageRenderer
from archivegen.site.model import Page, PageKind
from archivegen.site.paths import output_file


def feed_page(kind: PageKind, path: str, template: str, entries: tuple[int, ...], key: str = "",
              title: str = "", taxonomy: str = "") -> Page:
    """One feed of ``entries`` (the newest articles of a listing, or ranks in a patched model)."""
    return Page(kind=kind, path=path, output=output_file(path), template=template, entries=entries,
                key=key, title=title, taxonomy=taxonomy)


def site_feed_pages(entries: tuple[int, ...]) -> list[Page]:
    """The site's Atom, RSS and JSON Feed of ``entries``, for the whole model and the patched
    one (``build/patch.py``) alike."""
    return [feed_page("atom", "/feed.xml", "atom.xml", entries),
            feed_page("rss", "/rss.xml", "rss.xml", entries),
            feed_page("json_feed", "/feed.json", "feed.json", entries)]


def _plan(planning: Planning) -> list[Page]:
    newest = tuple(entry.index for entry in planning.parts.entries[: planning.config.feed_items])
    return site_feed_pages(newest)


def feed_context(renderer: PageRenderer, page: Page, body_html: str | None) -> Mapping[str, Any]:
    """Atom, RSS and JSON Feed alike: the newest articles of the site or of a term."""
    articles = renderer.views_of(page.entries)
    config, links = renderer.config, renderer.links
    if page.taxonomy:
        taxonomy = renderer.taxonomies[page.taxonomy]
        term = renderer.site.terms[taxonomy.name][page.key]
        title, alternate = f"{config.title}: {term.name}", term.path
        what = "tagged" if taxonomy.name == "tags" else f"of {taxonomy.singular.lower()}"
        description = f"Articles {what} {term.name} in {config.title}"
    else:
        title, alternate = config.title, "/"
        description = config.description or config.title
    updated = max((a.lastmod for a in articles), default=None)
    return {"articles": articles, "feed": {
        "title": title, "id": links.abs_url(page.path), "self_url": links.abs_url(page.path),
        "alternate_url": links.abs_url(alternate), "description": description, "updated": updated}}


FEEDS = PageFamily(plan=_plan, types=(
    PageType("atom", feed_context, shows_its_articles, lambda page: "the Atom feed"),
    PageType("rss", feed_context, shows_its_articles, lambda page: "the RSS feed"),
    PageType("json_feed", feed_context, shows_its_articles, lambda page: "the JSON feed")))
