"""An article's old URLs (``aliases:``) kept working: a redirect page at each, and the same
redirects as a ``_redirects`` file for hosts that read one (Netlify, Cloudflare Pages).

Neither is listed in sitemaps or in search: they are not content, only ways to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from archivegen.families.base import PageFamily, PageType, Planning, shows_its_articles
from archivegen.render.pages import PageRenderer
from archivegen.site.model import Entry, Page
from archivegen.site.paths import output_file


def redirect_pages(entry: Entry) -> list[Page]:
    """The pages at the article's old URLs, sending readers to its page."""
    return [Page(kind="redirect", path=alias, output=output_file(alias), template="redirect.html",
                 entries=(entry.index,), key=entry.article.key, title=entry.article.title)
            for alias in entry.article.aliases]


def _plan_redirects(planning: Planning) -> list[Page]:
    return [page for entry in planning.parts.entries for page in redirect_pages(entry)]


def _redirect(renderer: PageRenderer, page: Page, body_html: str | None) -> Mapping[str, Any]:
    """An alias: the article it now lives at (meta refresh, canonical, a plain link)."""
    return {"article": renderer.view(renderer.site.entries[page.entries[0]])}


def _plan_file(planning: Planning) -> list[Page]:
    redirected = tuple(entry.index for entry in planning.parts.entries if entry.article.aliases)
    if not redirected:
        return []
    return [Page(kind="redirects", path="/_redirects", output="_redirects", template="redirects.txt",
                 entries=redirected)]


def _redirects(renderer: PageRenderer, page: Page, body_html: str | None) -> Mapping[str, Any]:
    """Every alias as (source, target) URLs with the base path."""
    url = renderer.links.url
    return {"redirects": [{"source": url(alias), "target": url(entry.path)}
                          for entry in (renderer.site.entries[i] for i in page.entries)
                          for alias in entry.article.aliases]}


# Each shows its articles: the file's bytes, hence its aliases, are in the article's digest.
REDIRECTS = PageFamily(plan=_plan_redirects, types=(
    PageType("redirect", _redirect, shows_its_articles, lambda page: f"the alias {page.path}"),))
REDIRECTS_FILE = PageFamily(plan=_plan_file, types=(
    PageType("redirects", _redirects, shows_its_articles, lambda page: "the redirects file"),))
