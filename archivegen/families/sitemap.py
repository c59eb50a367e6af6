"""The sitemap: every page whose type says ``in_sitemap``, with its last modification; split
into numbered sitemaps behind a sitemap index beyond ``sitemap_max_urls`` (50,000, the
protocol's limit)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from archivegen.families.base import PageFamily, PageType, Planning, by_path
from archivegen.render.inputs import PageKeys
from archivegen.render.pages import PageRenderer
from archivegen.site.model import Page


def _plan(planning: Planning) -> list[Page]:
    """One sitemap.xml, or numbered sitemaps behind a sitemap index when there are too many."""
    listed = tuple(i for i, page in enumerate(planning.planned) if planning.in_sitemap(page))
    max_urls = planning.sitemap_max_urls
    if len(listed) <= max_urls:
        return [Page(kind="sitemap", path="/sitemap.xml", output="sitemap.xml", template="sitemap.xml",
                     entries=listed)]
    parts = [listed[start: start + max_urls] for start in range(0, len(listed), max_urls)]
    result = [Page(kind="sitemap", path=f"/sitemap-{n}.xml", output=f"sitemap-{n}.xml",
                   template="sitemap.xml", entries=part, key=str(n))
              for n, part in enumerate(parts, start=1)]
    result.append(Page(kind="sitemap_index", path="/sitemap.xml", output="sitemap.xml",
                       template="sitemap_index.xml", entries=tuple(range(1, len(parts) + 1))))
    return result


def _sitemap(renderer: PageRenderer, page: Page, body_html: str | None) -> Mapping[str, Any]:
    """Each listed page's URL, and its newest article's date when it lists articles."""
    urls = []
    for index in page.entries:
        listed = renderer.site.pages[index]
        lastmod = None
        if listed.entries and renderer.families.lists_articles(listed.kind):
            lastmod = max(renderer.view(renderer.site.entries[i]).lastmod for i in listed.entries)
        urls.append({"loc": renderer.links.abs_url(listed.path), "lastmod": lastmod})
    return {"urls": urls}


def _sitemap_shown(keys: PageKeys, page: Page) -> list[str]:
    """Each listed page's path and last modification."""
    return [keys.listed(keys.site.pages[i]) for i in page.entries]


def _index(renderer: PageRenderer, page: Page, body_html: str | None) -> Mapping[str, Any]:
    return {"sitemaps": [renderer.links.abs_url(f"/sitemap-{n}.xml") for n in page.entries]}


SITEMAP = PageFamily(plan=_plan, types=(
    PageType("sitemap", _sitemap, _sitemap_shown, by_path, lists_articles=False),
    PageType("sitemap_index", _index, lambda keys, page: [str(n) for n in page.entries], by_path,
             lists_articles=False),
), lists_pages=True)
