"""``pagination: stable``: listing pages numbered from the oldest behind a landing page.

Page b of a stable listing holds the articles ranked [(b-1)p, bp) from the oldest and keeps
them once it is full; the base path shows the newest p. So a new article rewrites the landing
page, the newest numbered page and at most the neighbour whose link it changes, while the
default newest-first numbering shifts (and rewrites) every page of every listing it joins.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from unittest import mock

import pytest

from archivegen.render.pages import PageRenderer, RenderedPage
from archivegen.site.model import Page
from tests.conftest import pages_bytes
from tests.projects import CONFIG, Archive, article, make_archive

PER_PAGE = 3
# Every article is in one month and one tag, so it joins four listings: the home page, its
# tag, its year and its month.
LISTINGS = ("", "tags/harbour/", "2020/", "2020/03/")
ROOT = "/archive/"  # base_url's path


def title(number: int) -> str:
    return f"A{number:02d}"  # A01 is the oldest


def story(number: int) -> str:
    return article(title(number), f"2020-03-{number:02d}T10:00:00Z", tags=["Harbour"],
                    slug=f"a{number:02d}")


def stable_archive(tmp_path: Path, count: int, pagination: str = "stable") -> Archive:
    config = f"{CONFIG}per_page: {PER_PAGE}\npagination: {pagination}\n"
    return make_archive(tmp_path, {f"content/a{n:02d}.md": story(n) for n in range(1, count + 1)},
                        config=config, name=f"archive-{pagination}-{count}")


def listing_files(site: Path, base: str) -> set[str]:
    """The files of one listing: ``base/index.html`` and ``base/page/N/index.html``."""
    pattern = re.compile(rf"{re.escape(base)}(page/\d+/)?index\.html")
    return {path.relative_to(site).as_posix() for path in site.rglob("index.html")
            if pattern.fullmatch(path.relative_to(site).as_posix())}


def shown(site: Path, page: str) -> tuple[list[str], str | None, str | None]:
    """A listing page's article titles (in page order) and its newer and older links."""
    text = (site / page / "index.html").read_text(encoding="utf-8")
    titles = re.findall(r'<h2><a href="[^"]*">([^<]*)</a></h2>', text)
    newer = re.search(r'<a rel="prev" href="([^"]*)"', text)
    older = re.search(r'<a rel="next" href="([^"]*)"', text)
    return titles, newer and newer[1], older and older[1]


def newest_first(*numbers: int) -> list[str]:
    return [title(n) for n in sorted(numbers, reverse=True)]


def span(oldest: int, newest: int) -> list[str]:
    return newest_first(*range(oldest, newest + 1))


# n -> {page under the listing: (titles, newer link, older link)}, links relative to the listing
EXPECTED: dict[int, dict[str, tuple[list[str], str | None, str | None]]] = {
    0: {"": ([], None, None)},
    1: {"": (span(1, 1), None, None)},
    PER_PAGE: {"": (span(1, 3), None, None)},
    PER_PAGE + 1: {"": (span(2, 4), None, "page/1/"),
                   "page/1/": (span(1, 3), "page/2/", None),
                   "page/2/": (span(4, 4), "", "page/1/")},
    2 * PER_PAGE + 3: {"": (span(7, 9), None, "page/2/"),  # page 3 is all on the landing page
                       "page/1/": (span(1, 3), "page/2/", None),
                       "page/2/": (span(4, 6), "page/3/", "page/1/"),
                       "page/3/": (span(7, 9), "", "page/2/")},
}


@pytest.mark.parametrize("count", sorted(EXPECTED))
def test_stable_pages_count_from_the_oldest_behind_a_landing_page(tmp_path: Path, count: int) -> None:
    archive = stable_archive(tmp_path, count)
    archive.build()
    site = archive.site
    for base in LISTINGS if count else ("",):  # no articles: no tag, year or month
        expected = {f"{base}{page}index.html" for page in EXPECTED[count]}
        assert listing_files(site, base) == expected
        for page, (titles, newer, older) in EXPECTED[count].items():
            url = f"{ROOT}{base}"
            assert shown(site, base + page) == (titles, None if newer is None else url + newer,
                                                None if older is None else url + older), base + page
    locs = {loc.text for loc in ET.parse(site / "sitemap.xml").getroot().iter(
        "{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    for base in LISTINGS if count else ("",):
        for page in EXPECTED[count]:
            assert f"https://example.org{ROOT}{base}{page}" in locs


def test_only_the_landing_page_prints_the_totals(tmp_path: Path) -> None:
    """Bucket pages print no article or page count (which every new article changes)."""
    archive = stable_archive(tmp_path, 2 * PER_PAGE + 3)
    archive.build()
    site = archive.site

    def text(page: str) -> str:
        return (site / page / "index.html").read_text(encoding="utf-8")

    assert "<title>Test archive</title>" in text("")
    assert "<title>Latest articles, page 2 · Test archive</title>" in text("page/2/")
    assert "<title>Harbour, page 1 · Test archive</title>" in text("tags/harbour/page/1/")
    assert "<title>Harbour · Test archive</title>" in text("tags/harbour/")
    assert '<p class="lede">9 articles · <a' in text("tags/harbour/")
    assert '<p class="lede"><a' in text("tags/harbour/page/3/")
    assert '<span class="vh">March 2020: 9 articles</span>' in text("2020/")  # its chart
    assert "articles</span>" not in text("2020/page/2/")
    assert f'<a href="{ROOT}2020/03/" aria-current="page">Newest</a>' in text("2020/03/")
    assert (f'<a href="{ROOT}2020/03/page/2/" aria-current="page"><span class="vh">Page </span>2</a>'
            in text("2020/03/page/2/"))
    assert " of " not in re.sub(r"<main.*?</h1>", "", text("page/2/"), flags=re.S).split("</main>")[0]


def rendered_paths(archive: Archive, **options: object) -> tuple[set[str], list[str]]:
    """Build; return the output files of the pages rendered, and the report's changed list."""
    rendered: set[str] = set()
    original = PageRenderer.render

    def render(self: PageRenderer, page: Page, body_html: str | None = None) -> RenderedPage:
        rendered.add(page.output)
        return original(self, page, body_html)

    with mock.patch.object(PageRenderer, "render", render):
        report = archive.build(**options)
    assert not report.full
    return rendered, report.changed


def of_listings(site: Path, files: set[str] | list[str]) -> set[str]:
    every = set().union(*(listing_files(site, base) for base in LISTINGS))
    return {name for name in files if name in every}


def test_a_new_article_rewrites_only_the_newest_pages_of_a_stable_listing(tmp_path: Path) -> None:
    """3p+2 articles: pages 1-3 full, page 4 holds two. The twelfth fills page 4 (the landing
    page and page 4 change); the thirteenth opens page 5 and changes page 4's newer link."""
    archive = stable_archive(tmp_path, 3 * PER_PAGE + 2)
    archive.build()
    site = archive.site

    archive.write("content/a12.md", story(12))
    rendered, changed = rendered_paths(archive)
    expected = {f"{base}{page}index.html" for base in LISTINGS for page in ("", "page/4/")}
    assert of_listings(site, changed) == expected
    assert of_listings(site, rendered) == expected
    others = {name for name in changed if not name.startswith("pagefind/")} - expected
    assert others == {"2020/03/a12/index.html", "2020/03/a11/index.html",  # the new one, its neighbour
                      "feed.xml", "rss.xml", "feed.json", "tags/harbour/feed.xml",
                      "tags/harbour/feed.json", "sitemap.xml",
                      "tags/index.html", "archives/index.html"}  # their counts
    assert shown(site, "page/4/") == (span(10, 12), ROOT, f"{ROOT}page/3/")

    archive.write("content/a13.md", story(13))
    rendered, changed = rendered_paths(archive)
    expected = {f"{base}{page}index.html" for base in LISTINGS for page in ("", "page/4/", "page/5/")}
    assert of_listings(site, changed) == expected
    assert of_listings(site, rendered) == expected
    assert shown(site, "") == (span(11, 13), None, f"{ROOT}page/4/")
    assert shown(site, "page/4/") == (span(10, 12), f"{ROOT}page/5/", f"{ROOT}page/3/")
    assert shown(site, "page/5/") == (span(13, 13), ROOT, f"{ROOT}page/4/")

    incremental = pages_bytes(site)
    assert archive.build(full=True).full
    assert pages_bytes(site) == incremental


def test_a_new_article_rewrites_every_page_of_a_newest_first_listing(tmp_path: Path) -> None:
    archive = stable_archive(tmp_path, 3 * PER_PAGE + 2, pagination="newest-first")
    archive.build()
    site = archive.site
    archive.write("content/a12.md", story(12))
    rendered, changed = rendered_paths(archive)
    every = {f"{base}{page}index.html" for base in LISTINGS
             for page in ("", "page/2/", "page/3/", "page/4/")}
    assert of_listings(site, changed) == every
    assert of_listings(site, rendered) == every
    assert shown(site, "page/4/") == (span(1, 3), f"{ROOT}page/3/", None)


def test_switching_the_numbering_rebuilds_the_listings_as_a_clean_build_would(tmp_path: Path) -> None:
    archive = stable_archive(tmp_path, 2 * PER_PAGE + 3, pagination="newest-first")
    archive.build()
    for pagination in ("stable", "newest-first"):
        config = archive.root / "site_config.yaml"
        config.write_text(re.sub(r"pagination: .*", f"pagination: {pagination}",
                                 config.read_text(encoding="utf-8")), encoding="utf-8")
        assert not archive.build().full
        incremental = pages_bytes(archive.site)
        assert archive.build(full=True).full
        assert pages_bytes(archive.site) == incremental, pagination


def test_deleting_the_newest_article_shrinks_a_stable_listing_as_a_clean_build_would(
        tmp_path: Path) -> None:
    archive = stable_archive(tmp_path, PER_PAGE + 1)
    archive.build()
    (archive.root / "content" / "a04.md").unlink()
    archive.build()
    assert listing_files(archive.site, "") == {"index.html"}
    incremental = pages_bytes(archive.site)
    assert archive.build(full=True).full
    assert pages_bytes(archive.site) == incremental


@pytest.mark.parametrize(("value", "message"), [
    ("stabel", "expected newest-first or stable, got stabel (did you mean stable?)"),
    ("by-year", "expected newest-first or stable, got by-year"),
    ("yes", "expected a string, got a boolean (true)"),
])
def test_an_unknown_pagination_is_a_config_error(tmp_path: Path, value: str, message: str) -> None:
    archive = make_archive(tmp_path, {"content/a.md": story(1)}, config=f"{CONFIG}pagination: stable\n")
    archive.build()  # a previous site, which the failed build leaves alone
    before = pages_bytes(archive.site)
    archive.write("site_config.yaml", f"{CONFIG}per_page: 3\npagination: {value}\n")
    result = archive.cli("build")
    assert result.returncode != 0
    assert result.stderr == f"site_config.yaml:5: pagination: {message}\n"
    assert pages_bytes(archive.site) == before


THEME = Path(__file__).resolve().parent.parent / "archivegen" / "theme" / "templates"
# template, text in it, the same printing a count, the count before and after an eighth article
COUNT_PRINTERS = {
    "pager totals": ("_macros.html", "<nav ", "<p>{{ pager.count }} pages, {{ pager.total_items }} "
                     "articles</p>\n<nav ", "3 pages, 7 articles", "3 pages, 8 articles"),
    "year count": ("year.html", "<h1>Articles from {{ year.year }}",
                   "<h1>Articles from {{ year.year }} ({{ year.count }})", "2020 (7)", "2020 (8)"),
    "month counts": ("year.html", "<h1>Articles from {{ year.year }}",
                     "<h1>Articles from {{ year.year }} ({{ year.months[0].count }})", "2020 (7)",
                     "2020 (8)"),
}


@pytest.mark.parametrize("printer", sorted(COUNT_PRINTERS))
def test_a_page_that_prints_the_counts_follows_them(tmp_path: Path, printer: str) -> None:
    """Templates that print a count on every page make every page depend on it (the reads are
    recorded): a full page 1 then changes with a new article, as a clean build says."""
    template, old, new, before, after = COUNT_PRINTERS[printer]
    archive = stable_archive(tmp_path, 2 * PER_PAGE + 1)
    theme_text = (THEME / template).read_text(encoding="utf-8")
    archive.write(f"templates/{template}", theme_text.replace(old, new, 1))
    archive.build()
    page = archive.site / ("2020/page/1/index.html" if template == "year.html" else "page/1/index.html")
    assert before in page.read_text(encoding="utf-8")
    archive.write("content/a08.md", story(8))
    _, changed = rendered_paths(archive)
    assert page.relative_to(archive.site).as_posix() in changed
    assert after in page.read_text(encoding="utf-8")
    incremental = pages_bytes(archive.site)
    assert archive.build(full=True).full
    assert pages_bytes(archive.site) == incremental
