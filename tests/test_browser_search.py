"""Full-text search (Pagefind, shards of four articles) in a real browser.

The fixture archive (tests/fixtures/search-archive, 2018-2021) is built with the real CLI and
served under the /archive/ sub-path of its base_url; /archive/search/ is driven in Debian's
Chromium: queries, filters, the year scope, ?q= in the URL, "More results", and hostile titles
shown as text. No dialog, console error or page error is allowed on any of these pages.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
import yaml

from tests.browser_support import (
    PREFIX,
    RESULT_LINKS,
    Watched,
    archivegen_script,
    build_copy,
    open_search,
    serve,
    wait_for_results,
)
from tests.search_support import manifest

pytestmark = pytest.mark.browser

FIXTURE = Path(__file__).parent / "fixtures" / "search-archive"
HOSTILE_TITLE = "<img src=x onerror=alert(1)> and <script>alert(1)</script> pomegranate"


def _front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n", 2)[1])


ARTICLES = {p.stem: _front_matter(p) for p in sorted((FIXTURE / "content").glob("*/*.md"))}
YEARS = sorted({p.parent.name for p in (FIXTURE / "content").glob("*/*.md")})


def _titles(word: str, tag: str | None = None, years: tuple[str, ...] | None = None) -> set[str]:
    """Titles of the fixture articles whose title or body has ``word`` (the expected results)."""
    found = set()
    for path in (FIXTURE / "content").glob("*/*.md"):
        meta, text = _front_matter(path), path.read_text(encoding="utf-8").lower()
        if word in text and (tag is None or tag in meta["tags"]) and (
                years is None or path.parent.name in years):
            found.add(meta["title"])
    return found





@pytest.fixture(scope="module")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # A copy, so the build's state directory (.archivegen/) lands in tmp, not in tests/fixtures.
    out = build_copy(FIXTURE, tmp_path_factory.mktemp("search"))
    assert (out / "search" / "index.html").exists(), "the build wrote no /search/ page"
    shards = manifest(out)["shards"]
    assert len(shards) == 4 and any(len(shard["years"]) == 2 for shard in shards)
    for shard in shards:
        assert (out / "pagefind" / shard["path"] / "pagefind.js").exists(), shard
    return out


def _type(w: Watched, text: str) -> None:
    box = w.page.locator("#search-q")
    box.fill("")
    box.press_sequentially(text, delay=20)


def test_search_link_in_header_nav(watched: Watched, base_url: str) -> None:
    watched.page.goto(base_url, wait_until="load")
    link = watched.page.locator("header nav a", has_text="Search")
    assert link.get_attribute("href") == PREFIX + "search/"


def test_word_in_one_article_finds_it_and_the_link_opens_it(watched: Watched, base_url: str) -> None:
    page = watched.page
    open_search(watched, base_url)
    _type(watched, "quillwort")
    titles = wait_for_results(watched, 1)
    assert titles == ["Survey maps retreating glacier"]
    assert page.url.endswith("/search/?q=quillwort"), page.url  # typing updated the URL
    assert page.locator("#search-results time").first.get_attribute("datetime") == "2019-04-02"
    assert page.locator("#search-results time").first.inner_text() == "2 April 2019"
    marks = page.locator("#search-results .excerpt mark").all_inner_texts()
    assert [m.lower() for m in marks] == ["quillwort"]
    link = page.locator(RESULT_LINKS).first
    href = urlsplit(link.get_attribute("href")).path
    assert href.startswith(f"{PREFIX}2019/04/"), href
    with page.expect_navigation(wait_until="load"):
        link.click()
    assert urlsplit(page.url).path == href
    assert page.locator("h1").inner_text().strip() == "Survey maps retreating glacier"


def test_query_in_url_runs_the_search(watched: Watched, base_url: str) -> None:
    open_search(watched, base_url, "?q=harbour")
    expected = _titles("harbour")
    assert len(expected) == 8
    assert watched.page.locator("#search-q").input_value() == "harbour"
    assert set(wait_for_results(watched, len(expected))) == expected


def test_tag_filter_and_year_filter_narrow_results(watched: Watched, base_url: str) -> None:
    page = watched.page
    open_search(watched, base_url, "?q=harbour")
    wait_for_results(watched, len(_titles("harbour")))
    tags = page.locator("#search-tag option").all_inner_texts()
    assert "Transport (3)" in tags and "Climate (4)" in tags, tags
    page.locator("#search-tag").select_option("Transport")
    expected = _titles("harbour", tag="Transport")
    assert set(wait_for_results(watched, len(expected))) == expected
    assert "tag=Transport" in page.url

    page.locator("#search-tag").select_option("")
    page.locator("#search-from").select_option("2019")
    page.locator("#search-to").select_option("2019")
    expected = _titles("harbour", years=("2019",))
    assert set(wait_for_results(watched, len(expected))) == expected
    assert page.url.endswith("?q=harbour&from=2019&to=2019"), page.url


def test_year_scope_loads_only_the_chosen_bundles(watched: Watched, base_url: str, site_dir: Path) -> None:
    page = watched.page
    open_search(watched, base_url, "?q=harbour")
    wait_for_results(watched, len(_titles("harbour")))
    loaded: list[str] = []
    page.on("request", lambda r: loaded.append(urlsplit(r.url).path))
    page.locator("#search-from").select_option("2020")
    page.locator("#search-to").select_option("2021")
    expected = _titles("harbour", years=("2020", "2021"))
    assert len(expected) == 4
    assert set(wait_for_results(watched, len(expected))) == expected
    shards = manifest(site_dir)["shards"]
    wanted = {s["path"].rstrip("/") for s in shards if {2020, 2021} & set(s["years"])}
    bundles = {m.group(1) for path in loaded if (m := re.search(r"/pagefind/([^/]+)/", path))}
    assert bundles and bundles <= wanted < {s["path"].rstrip("/") for s in shards}, bundles
    assert page.url.endswith("?q=harbour&from=2020"), page.url  # "to" is the newest year


def test_sort_newest_first_and_more_results(watched: Watched, base_url: str) -> None:
    page = watched.page
    open_search(watched, base_url, "?q=records&sort=newest")
    expected = _titles("records")
    assert len(expected) == len(ARTICLES) > 10
    shown = wait_for_results(watched, len(expected))
    assert len(shown) == 10
    dates = page.locator("#search-results time").evaluate_all("els => els.map(e => e.dateTime)")
    assert dates == sorted(dates, reverse=True) and dates[0].startswith("2021")
    more = page.locator("#search-more")
    assert more.is_visible()
    more.click()
    page.wait_for_function(
        "n => document.querySelectorAll('#search-results li').length === n", arg=len(expected))
    assert set(page.locator(RESULT_LINKS).all_inner_texts()) == expected
    assert more.is_hidden()


def test_hostile_title_and_excerpt_are_text(watched: Watched, base_url: str) -> None:
    page = watched.page
    open_search(watched, base_url, "?q=" + quote("pomegranate"))
    assert wait_for_results(watched, 1) == [HOSTILE_TITLE]
    excerpt = page.locator("#search-results .excerpt").inner_text()
    assert "<img src=x onerror=alert(1)>" in excerpt or "<script>alert(1)</script>" in excerpt, excerpt
    injected = page.evaluate("""() => {
      const root = document.getElementById('search-results');
      return [...root.querySelectorAll('*')].map(e => e.localName)
        .filter(n => !['li', 'h2', 'a', 'p', 'time', 'mark'].includes(n));
    }""")
    assert injected == []
    tags = page.locator("#search-tag option").all_inner_texts()
    assert any(t.startswith("<i>Markup</i>") for t in tags), tags
    page.locator("#search-tag").select_option("<i>Markup</i>")
    assert wait_for_results(watched, 1) == [HOSTILE_TITLE]
    page.wait_for_timeout(200)  # any late onerror would fire a dialog, caught by assert_clean


REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def example_base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The repository's own example archive, built and served like the fixture."""
    project = tmp_path_factory.mktemp("example")
    shutil.copy(REPO / "site_config.yaml", project / "site_config.yaml")
    shutil.copytree(REPO / "content", project / "content")
    result = subprocess.run([archivegen_script(), "build"], cwd=project, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    with serve(project / "site") as url:
        yield url


def test_example_archive_finds_the_seed_article_by_idlib(browser, example_base_url: str) -> None:
    context = browser.new_context()
    try:
        w = Watched(context.new_page(), example_base_url.removesuffix(PREFIX))
        open_search(w, example_base_url, "?q=Idlib")
        w.page.wait_for_function("() => document.getElementById('search').dataset.done === location.search",
                                 timeout=15_000)
        titles = [t.strip() for t in w.page.locator(RESULT_LINKS).all_inner_texts()]
        seed = ("Acute crisis in Syria's Idlib demanded our direct talks, Putin says as he meets "
                "Erdogan in Moscow")
        assert seed in titles, titles
        # Every hit has the word: none matched only on "I" (Pagefind's fallback to a shorter word).
        for href in w.page.locator(RESULT_LINKS).evaluate_all("links => links.map(a => a.href)"):
            assert "idlib" in w.page.request.get(href).text().lower(), href
        link = w.page.locator(RESULT_LINKS, has_text="Acute crisis in Syria")
        with w.page.expect_navigation(wait_until="load"):
            link.first.click()
        assert w.page.locator("h1").inner_text().strip() == seed
        w.assert_clean()
    finally:
        context.close()
