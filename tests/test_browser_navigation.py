"""Issue 17 items 1, 2 and 5 in Chromium: a reader finds the way through the example archive.

The repository's example archive (site_config.yaml, content/ and its templates/ override) is
built with ``per_page: 3`` (15 pages of latest articles), served under its base path, and
clicked through as a reader would: a page number of the pager, a letter of the A-Z tag index,
the previous and next year and month, the article's breadcrumb and dateline. Every page family
fits a 390 px wide phone without horizontal scrolling, and has no axe violations (axe-core from
the Lighthouse install of benchmarks/lighthouse.py, when it is there).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser_support import build_copy

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parent.parent
AXE = Path.home() / ".cache" / "archivegen-bench" / "lighthouse" / "node_modules" / "axe-core" / "axe.min.js"
PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 900}
# The page families of the archive, by path under the base URL.
FAMILIES = {"home": "", "page 2": "page/2/", "article": "2020/03/",  # the month's first article
            "tag index": "tags/", "tag": "tags/syria/", "year": "2020/", "month": "2020/03/",
            "archives": "archives/", "author index": "authors/", "author": "authors/example-desk/"}


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("example") / "example"
    project.mkdir()
    config = (REPO / "site_config.yaml").read_text(encoding="utf-8")
    (project / "site_config.yaml").write_text(re.sub(r"(?m)^per_page: .*$", "per_page: 3", config),
                                              encoding="utf-8")
    shutil.copytree(REPO / "content", project / "content")
    shutil.copytree(REPO / "templates", project / "templates")
    return build_copy(project, tmp_path_factory.mktemp("built"))


@pytest.fixture
def page(browser) -> Iterator[object]:
    context = browser.new_context(viewport=DESKTOP, bypass_csp=True)  # axe is injected inline
    try:
        yield context.new_page()
    finally:
        context.close()


def pager_labels(page) -> list[str]:
    return [t.strip() for t in page.locator("nav.pagination ol.pages li").all_text_contents()]


def test_a_page_number_leads_to_that_page(base_url: str, page) -> None:
    page.goto(base_url + "page/6/")
    assert page.title().startswith("Latest articles, page 6 of 15 ·")
    assert pager_labels(page) == ["Page 1", "…", "Page 4", "Page 5", "Page 6", "Page 7", "Page 8", "…",
                                  "Page 15"]
    assert page.locator("nav.pagination [aria-current=page]").text_content() == "Page 6"
    with page.expect_navigation():
        page.get_by_role("link", name="Page 15", exact=True).click()
    assert page.url == base_url + "page/15/"
    assert page.locator("h1").inner_text() == "Latest articles, page 15 of 15"
    assert page.locator('head link[rel="prev"]').get_attribute("href") == "/archive/page/14/"


def test_a_letter_of_the_tag_index_jumps_to_its_tags(base_url: str, page) -> None:
    page.set_viewport_size(PHONE)  # the letters' sections are below the fold
    page.goto(base_url + "tags/")
    page.get_by_role("navigation", name="Tags by letter").get_by_role("link", name="U", exact=True).click()
    assert page.url == base_url + "tags/#letter-u"
    section = page.locator("#letter-u")
    assert section.inner_text() == "U"
    top, scrolled, height = page.evaluate(
        "[document.getElementById('letter-u').getBoundingClientRect().top, scrollY, innerHeight]")
    assert scrolled > 0 and 0 <= top < height  # scrolled to the letter (as far as the page goes)
    with page.expect_navigation():
        page.locator("section.letter").filter(has=section).get_by_role("link", name="Ukraine").click()
    assert page.url == base_url + "tags/ukraine/"


def test_the_navigation_leads_to_the_authors_and_a_byline_to_an_author(base_url: str, page) -> None:
    """The authors taxonomy the example declares with ``nav: true``: its index is in the site's
    navigation (marked current there), and an article's byline links to its author's page."""
    page.goto(base_url)
    with page.expect_navigation():
        page.get_by_role("navigation", name="Site").get_by_role("link", name="Authors").click()
    assert page.url == base_url + "authors/"
    current = page.get_by_role("navigation", name="Site").locator('[aria-current="page"]')
    assert current.text_content() == "Authors"
    with page.expect_navigation():
        page.get_by_role("link", name="Sample Correspondent").click()
    assert page.url == base_url + "authors/sample-correspondent/"
    with page.expect_navigation():
        page.locator("ol.article-list h2 a").first.click()
    with page.expect_navigation():
        page.locator("span.authors").get_by_role("link", name="Sample Correspondent").click()
    assert page.url == base_url + "authors/sample-correspondent/"


def test_years_and_months_lead_to_their_neighbours(base_url: str, page) -> None:
    page.goto(base_url + "2020/")
    years = page.get_by_role("navigation", name="Other years")
    with page.expect_navigation():
        years.get_by_role("link", name="← 2019").click()
    assert page.url == base_url + "2019/"
    with page.expect_navigation():
        page.get_by_role("navigation", name="Other years").get_by_role("link", name="2020 →").click()
    assert page.url == base_url + "2020/"
    with page.expect_navigation():  # a bar of the year's chart
        bar = re.compile(r"^March 2020: \d+ articles?$")
        page.locator("figure.chart").get_by_role("link", name=bar).click()
    assert page.url == base_url + "2020/03/"
    months = page.get_by_role("navigation", name="Other months")
    older = months.locator("a.older")
    target = older.get_attribute("href")
    assert target and re.fullmatch(r"/archive/20(19|20)/\d\d/", target)
    with page.expect_navigation():
        older.click()
    assert page.url.endswith(target)


def test_an_article_links_its_year_and_month(base_url: str, page) -> None:
    page.goto(base_url + "2020/03/")
    with page.expect_navigation():
        page.locator("ol.article-list h2 a").first.click()
    article_url = page.url
    crumbs = page.get_by_role("navigation", name="Breadcrumb")
    assert crumbs.get_by_role("link").all_inner_texts() == ["Home", "2020", "March"]
    with page.expect_navigation():
        crumbs.get_by_role("link", name="2020").click()
    assert page.url == base_url + "2020/"
    page.goto(article_url)
    with page.expect_navigation():
        page.locator("article.article header time").click()
    assert page.url == base_url + "2020/03/"


def test_no_page_scrolls_sideways_on_a_phone(base_url: str, page, site_dir: Path) -> None:
    page.set_viewport_size(PHONE)
    article = next(site_dir.glob("2020/03/*/index.html")).parent.relative_to(site_dir).as_posix() + "/"
    wide = {}
    for family, path in {**FAMILIES, "article": article}.items():
        page.goto(base_url + path)
        width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        if width[0] > width[1]:
            wide[family] = width
    assert not wide


@pytest.mark.skipif(not AXE.is_file(), reason="axe-core is not installed (benchmarks/lighthouse.py)")
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_axe_finds_no_violation_on_any_page_family(base_url: str, page, site_dir: Path,
                                                   viewport: dict[str, int]) -> None:
    page.set_viewport_size(viewport)
    article = next(site_dir.glob("2020/03/*/index.html")).parent.relative_to(site_dir).as_posix() + "/"
    found = {}
    for family, path in {**FAMILIES, "article": article, "search": "search/"}.items():
        page.goto(base_url + path)
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate("""async () => (await axe.run(document, {resultTypes: ["violations"]}))
            .violations.map(v => `${v.id}: ${v.nodes.map(n => n.target.join(" ")).join(", ")}`)""")
        if violations:
            found[family] = violations
    assert not found


def test_a_printed_article_is_its_text_without_the_site_navigation(base_url: str, page,
                                                                    site_dir: Path) -> None:
    article = next(site_dir.glob("2020/03/*/index.html")).parent.relative_to(site_dir).as_posix() + "/"
    page.goto(base_url + article)
    page.emulate_media(media="print")
    hidden = ["nav.site-nav", "nav.breadcrumb", "nav.prev-next", "footer.site-footer"]
    assert [s for s in hidden if page.locator(s).is_visible()] == []
    assert page.locator("article.article h1").is_visible() and page.locator(".body").is_visible()
