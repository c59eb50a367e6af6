"""The date archive: the archive index (every year and month with its count), a paginated page
per year with a chart of its months, and one per month, each linked to its neighbours."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from archivegen.config.schema import SiteConfig
from archivegen.families.base import PageFamily, PageType, Planning, shows_its_articles
from archivegen.render.inputs import PageKeys
from archivegen.render.pages import PageRenderer
from archivegen.render.recorder import ARCHIVE_COUNTS
from archivegen.render.views import Chart, bars, month_name
from archivegen.site.model import Page
from archivegen.site.pagination import listing_pages


def year_pages(config: SiteConfig, year: int, items: tuple[int, ...]) -> list[Page]:
    """A year's pages (``items``: its articles, or ranks in a patched model)."""
    return listing_pages(config, "year", f"/{year}/", "year.html", items, key=str(year), title=str(year))


def month_pages(config: SiteConfig, year: int, month: int, items: tuple[int, ...]) -> list[Page]:
    """A month's pages (``items``: its articles, or ranks in a patched model)."""
    name = f"{year}-{month:02d}"
    return listing_pages(config, "month", f"/{year}/{month:02d}/", "month.html", items, key=name, title=name)


def archives_page() -> Page:
    return Page(kind="archives", path="/archives/", output="archives/index.html", template="archives.html",
                title="Archives")


def _plan(planning: Planning) -> list[Page]:
    config, parts = planning.config, planning.parts
    pages = [archives_page()]
    for year, archive in parts.archives.items():
        pages += year_pages(config, year, archive.entries)
    for (year, month), ids in parts.months.items():
        pages += month_pages(config, year, month, ids)
    return pages


# -- contexts ---------------------------------------------------------------------------------

def years_context(renderer: PageRenderer, page: Page, body_html: str | None) -> Mapping[str, Any]:
    """Every year with its months: the archive index, and the search page's date scopes."""
    return {"years": renderer.year_links()}


def _year(renderer: PageRenderer, page: Page, body_html: str | None) -> Mapping[str, Any]:
    """A year's articles, its months charted (each bar links to its month), its neighbours."""
    year, url = int(page.key), renderer.links.url
    context = renderer.listing(page)
    context["year"] = next(y for y in renderer.year_links() if y.year == year)
    counts = dict(renderer.site.archives[year].months)
    context["chart"] = Chart(
        f"Articles per month in {year}",
        lambda: bars((month_name(m)[:3], f"{month_name(m)} {year}", counts.get(m, 0),
                      url(f"/{year}/{m:02d}/")) for m in range(1, 13)),
        recorded_as=ARCHIVE_COUNTS)
    older, newer = renderer.site.year_neighbours(year)
    context["older_year"], context["newer_year"] = _year_nav(renderer, older), _year_nav(renderer, newer)
    return context


def _year_nav(renderer: PageRenderer, year: int | None) -> dict[str, Any] | None:
    return None if year is None else {"year": year, "url": renderer.links.url(f"/{year}/")}


def _month(renderer: PageRenderer, page: Page, body_html: str | None) -> Mapping[str, Any]:
    """A month's articles, its year and the months before and after it (across years)."""
    year, month = (int(part) for part in page.key.split("-"))
    context = renderer.listing(page)
    context.update(year=year, month=month, month_name=month_name(month),
                   year_url=renderer.links.url(f"/{year}/"))
    older, newer = renderer.site.month_neighbours((year, month))
    context["older_month"], context["newer_month"] = renderer.month_nav(older), renderer.month_nav(newer)
    return context


# -- keys -------------------------------------------------------------------------------------

def shows_every_year(keys: PageKeys, page: Page) -> list[str]:
    """Every year and month with its count."""
    return [keys.all_years]


def _year_shown(keys: PageKeys, page: Page) -> list[str]:
    """Its articles, its months (their counts are keyed only when its chart read them) and the
    years before and after it (its year links)."""
    year = int(page.key)
    return [*shows_its_articles(keys, page), keys.year_months[year], str(keys.site.year_neighbours(year))]


def _month_shown(keys: PageKeys, page: Page) -> list[str]:
    """Its articles and the months before and after it (its month links)."""
    year, month = (int(part) for part in page.key.split("-"))
    return [*shows_its_articles(keys, page), str(keys.site.month_neighbours((year, month)))]


def _archive_of(page: Page) -> str:
    return f"the {page.title} archive"


ARCHIVE = PageFamily(plan=_plan, types=(
    PageType("archives", years_context, shows_every_year, lambda page: "the archive index", in_sitemap=True),
    PageType("year", _year, _year_shown, _archive_of, in_sitemap=True),
    PageType("month", _month, _month_shown, _archive_of, in_sitemap=True),
))
