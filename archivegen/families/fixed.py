"""The pages every site has once, at fixed paths: robots.txt, the 404 page and the search page."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urljoin

from archivegen.families.archive import shows_every_year, years_context
from archivegen.families.base import PageFamily, PageType, Planning, by_path, no_context, shows_nothing
from archivegen.render.pages import PageRenderer
from archivegen.site.model import Page


def _robots(renderer: PageRenderer, page: Page, body_html: str | None) -> Mapping[str, Any]:
    """Crawlers read robots.txt only at the root of a host: under a sub-path (``base_url``
    https://example.org/archive/) this file is read by nobody, so it says what the host's
    own robots.txt, named by ``host_robots_url``, needs (None at the host's root)."""
    config = renderer.config
    if config.base_path == "/":
        return {"host_robots_url": None}
    return {"host_robots_url": urljoin(config.base_url, "/robots.txt")}


def _plan_robots(planning: Planning) -> list[Page]:
    return [Page(kind="robots", path="/robots.txt", output="robots.txt", template="robots.txt")]


def _plan_not_found(planning: Planning) -> list[Page]:
    return [Page(kind="not_found", path="/404.html", output="404.html", template="404.html",
                 title="Page not found")]


def _plan_search(planning: Planning) -> list[Page]:
    return [Page(kind="search", path="/search/", output="search/index.html", template="search.html",
                 title="Search")]


ROBOTS = PageFamily(plan=_plan_robots, types=(PageType("robots", _robots, shows_nothing, by_path),))
NOT_FOUND = PageFamily(plan=_plan_not_found, types=(
    PageType("not_found", no_context, shows_nothing, by_path),))
# The search page's year list scopes the search.
SEARCH = PageFamily(plan=_plan_search, types=(
    PageType("search", years_context, shows_every_year, lambda page: "the search page"),))
