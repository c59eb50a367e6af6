"""Issue 17 items 1, 2 and 5: finding one's way through a big archive, without a browser.

Numbered pagination (a window around the current page, first and last, "page N of M" titles,
rel=prev/next), the A-Z tag index, previous/next years and months, the article breadcrumb and
dateline, the charts of years and tags; and that each of them stays exact in incremental and
patched builds (what a page shows is in its key) without making a stable listing's full pages
depend on the listing's size. The browser checks are in test_browser_navigation.py.
"""

from __future__ import annotations

import re
from pathlib import Path
from unittest import mock

import pytest

from archivegen.render import recorder
from archivegen.render.pages import PageRenderer, RenderedPage
from archivegen.render.views import PageLink, PagerView, index_letter
from archivegen.scaffold import SCAFFOLD_DIR
from archivegen.site.model import Page
from tests.conftest import pages_bytes
from tests.projects import CONFIG, Archive, article, make_archive


def labels(window: list[PageLink | None]) -> list[str]:
    """'…' for a gap, '[6]' for the current page, 'Newest' for a stable landing page."""
    shown = []
    for link in window:
        if link is None:
            shown.append("…")
            continue
        label = "Newest" if link.number is None else str(link.number)
        shown.append(f"[{label}]" if link.current else label)
    return shown


def pager(number: int, count: int, numbering: str = "newest-first", landing: bool = False,
          newer: str | None = "/newer/", older_number: int | None = None) -> PagerView:
    return PagerView(number=number, count=count, total_items=count * 10, previous_url=newer,
                     next_url="/older/", first_url="/", last_url="/last/", landing=landing,
                     numbering=numbering, older_number=older_number,  # type: ignore[arg-type]
                     page_url=lambda n: f"/page/{n}/")


@pytest.mark.parametrize(("number", "count", "expected"), [
    (6, 150, "1 … 4 5 [6] 7 8 … 150"),
    (1, 150, "[1] 2 3 … 150"),
    (150, 150, "1 … 148 149 [150]"),
    (4, 9, "1 2 3 [4] 5 6 … 9"),  # a gap of one page shows the page instead
    (2, 2, "1 [2]"),
])
def test_a_newest_first_window_shows_first_last_and_the_neighbourhood(number: int, count: int,
                                                                     expected: str) -> None:
    with recorder.recording() as record:
        window = pager(number, count, landing=number == 1).window
    assert " ".join(labels(window)) == expected
    assert recorder.PAGER_COUNT in record.counts  # it prints the last number


@pytest.mark.parametrize(("view", "expected"), [
    (pager(6, 150, "stable", newer="/page/7/"), "Newest 7 [6] 5 4 … 1"),
    (pager(149, 150, "stable", newer="/page/150/"), "Newest 150 [149] 148 147 … 1"),
    (pager(150, 150, "stable", newer="/"), "Newest [150] 149 148 … 1"),  # newer is the landing page
    (pager(2, 3, "stable", newer="/page/3/"), "Newest 3 [2] 1"),
    (pager(150, 150, "stable", landing=True, newer=None, older_number=149), "[Newest] 149 148 … 1"),
    (pager(1, 1, "stable", landing=True, newer=None), "[Newest]"),
])
def test_a_stable_window_never_reads_the_page_count(view: PagerView, expected: str) -> None:
    """Page b's window is made of what its key already holds (its newer link, its own number,
    page 1), so a new article does not re-render every full page for a new highest number."""
    with recorder.recording() as record:
        window = view.window
    assert " ".join(labels(window)) == expected
    assert not record.counts


@pytest.mark.parametrize(("name", "letter"), [
    ("Syria", "S"), ("économie", "E"), ("İstanbul", "I"), ("россия", "Р"), ("2020 vote", "0-9"),
    ("سوريا", "س"), ("中国", "#"), ("#metoo", "#"), ("  padded", "P"),
])
def test_the_index_letter_of_a_name(name: str, letter: str) -> None:
    assert index_letter(name) == letter


PER_PAGE = 2


def story(n: int, date: str, tags: list[str], **fields: object) -> str:
    return article(f"Story {n:02d}", date, tags=tags, slug=f"story-{n:02d}", authors=["Desk"],
                   summary=f"Summary {n}.", **fields)


def archive_of(tmp_path: Path, pagination: str = "newest-first", count: int = 9) -> Archive:
    """``count`` stories, two a month from 2019-01 on (2019 ... 2021 for the default 9 and
    more), every one tagged Harbour, the even ones Council too."""
    files = {}
    for n in range(1, count + 1):
        year, month = 2019 + (n - 1) // 4, ((n - 1) % 4) // 2 * 5 + 1  # January and June
        day = 10 + n % 2
        tags = ["Harbour", "Council"] if n % 2 == 0 else ["Harbour"]
        files[f"content/s{n:02d}.md"] = story(n, f"{year}-{month:02d}-{day}T10:00:00Z", tags)
    config = f"{CONFIG}per_page: {PER_PAGE}\npagination: {pagination}\n"
    return make_archive(tmp_path, files, config=config, name=f"nav-{pagination}-{count}")


def text(archive: Archive, page: str) -> str:
    return (archive.site / page / "index.html").read_text(encoding="utf-8")


def title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html)[1]  # type: ignore[index]


def heading(html: str) -> str:
    return re.sub(r"<[^>]+>", "", re.search(r"<h1>(.*?)</h1>", html, re.S)[1])  # type: ignore[index]


def test_numbered_pages_say_page_n_of_m_and_link_their_neighbours_in_head(tmp_path: Path) -> None:
    archive = archive_of(tmp_path)
    archive.build()
    home, second = text(archive, ""), text(archive, "page/2")
    assert title(home) == "Test archive" and title(second) == "Latest articles, page 2 of 5 · Test archive"
    assert heading(second) == "Latest articles, page 2 of 5"
    head = second.split("</head>")[0]
    assert '<link rel="prev" href="/archive/">' in head
    assert '<link rel="next" href="/archive/page/3/">' in head
    assert '<link rel="prev"' not in home.split("</head>")[0]
    assert '<a href="/archive/page/5/"><span class="vh">Page </span>5</a>' in second  # the last
    assert '<a href="/archive/page/2/" aria-current="page">' in second
    assert title(text(archive, "tags/harbour/page/2")) == "Harbour, page 2 of 5 · Test archive"
    assert title(text(archive, "2019/page/2")) == "2019, page 2 of 2 · Test archive"
    assert title(text(archive, "2019/01")) == "January 2019 · Test archive"


def test_a_stable_numbered_page_names_no_total_and_links_the_newest(tmp_path: Path) -> None:
    archive = archive_of(tmp_path, "stable")
    archive.build()
    page = text(archive, "page/2")
    assert title(page) == "Latest articles, page 2 · Test archive"
    assert '<a href="/archive/">Newest</a>' in page
    assert " of " not in page.split("<main")[1]


def test_a_tag_page_does_not_repeat_its_own_tag(tmp_path: Path) -> None:
    archive = archive_of(tmp_path)
    archive.build()
    council = text(archive, "tags/council")
    assert 'class="tag" href="/archive/tags/council/"' not in council
    assert 'class="tag" href="/archive/tags/harbour/"' in council
    assert 'class="tag" href="/archive/tags/council/"' in text(archive, "2020/06")


def test_year_and_month_pages_link_their_neighbours(tmp_path: Path) -> None:
    archive = archive_of(tmp_path)
    archive.build()
    assert re.search(r'<a class="older" href="/archive/2019/">← 2019</a>', text(archive, "2020"))
    assert re.search(r'<a class="newer" href="/archive/2021/">2021 →</a>', text(archive, "2020"))
    assert 'class="older"' not in text(archive, "2019")
    june = text(archive, "2019/06")
    assert '<a class="older" href="/archive/2019/01/">← January 2019</a>' in june
    assert '<a class="newer" href="/archive/2020/01/">January 2020 →</a>' in june  # across years


def test_an_article_has_a_breadcrumb_and_its_date_links_its_month(tmp_path: Path) -> None:
    archive = archive_of(tmp_path)
    archive.build()
    page = text(archive, "2019/06/story-03")
    crumbs = re.search(r'<nav class="breadcrumb" aria-label="Breadcrumb">(.*?)</nav>', page, re.S)[1]  # type: ignore[index]
    assert re.findall(r'<a href="([^"]*)">([^<]*)</a>', crumbs) == [
        ("/archive/", "Home"), ("/archive/2019/", "2019"), ("/archive/2019/06/", "June")]
    assert re.search(r'<a class="dateline" href="/archive/2019/06/"><time [^>]*>11 June 2019</time></a>',
                     page)
    assert "Previous article" in page and "Next article" in page


def bars(html: str) -> list[tuple[str, str]]:
    """(href, full text) of a chart's bars; href '' for a bar without articles."""
    chart = re.search(r'<ol class="bars">(.*?)</ol>', html, re.S)[1]  # type: ignore[index]
    return [(m[1] or "", m[2]) for m in re.finditer(
        r'<li>(?:<a href="([^"]*)">|<span class="none">).*?<span class="vh">([^<]*)</span>', chart)]


def test_a_year_charts_its_months_and_a_tag_its_years(tmp_path: Path) -> None:
    archive = archive_of(tmp_path)
    archive.build()
    year = bars(text(archive, "2019"))
    assert len(year) == 12
    assert year[0] == ("/archive/2019/01/", "January 2019: 2 articles")
    assert year[1] == ("", "February 2019: 0 articles")
    council = bars(text(archive, "tags/council"))
    assert council == [
        (f"/archive/search/?tag=Council&amp;from={y}&amp;to={y}&amp;sort=newest", f"{y}: 2 articles")
        for y in (2019, 2020)]


def test_the_tag_index_is_one_a_to_z_page(tmp_path: Path) -> None:
    names = ["Zebra", "apple", "Émigrés", "Ёж", "1968", "中国", *(f"Tag {n:02d}" for n in range(30))]
    files = {f"content/a{n}.md": story(n, f"2020-01-{n % 28 + 1:02d}T10:00:00Z",
                                       [name] + ["Tag 07"] * (n > 1))
             for n, name in enumerate(names)}
    archive = make_archive(tmp_path, files)
    archive.build()
    page = text(archive, "tags")
    letters = re.findall(r'<li><a href="#(letter-[^"]+)">([^<]+)</a></li>', page)
    assert [letter for _, letter in letters] == ["0-9", "A", "E", "T", "Z", "Е", "#"]
    for anchor, _ in letters:
        assert f'<h2 id="{anchor}">' in page
    most_used = re.search(r'<ul class="term-cloud">\s*<li><a href="[^"]*">([^<]*)</a> '
                          r'<span class="count">(\d+)', page)
    assert most_used and most_used.groups() == ("Tag 07", str(len(names) - 2))  # all but a0, a1
    assert not (archive.site / "tags" / "page").exists()


def test_new_years_and_months_update_their_neighbours_incrementally(tmp_path: Path) -> None:
    archive = archive_of(tmp_path, count=4)  # 2019 only
    archive.build()
    archive.write("content/s20.md", story(20, "2021-03-01T10:00:00Z", ["Council"]))
    report = archive.build()
    assert not report.full
    assert '<a class="newer" href="/archive/2021/">2021 →</a>' in text(archive, "2019")
    assert '<a class="newer" href="/archive/2021/03/">March 2021 →</a>' in text(archive, "2019/06")
    assert "2021: 1 article" in text(archive, "tags/council")
    incremental = pages_bytes(archive.site)
    assert archive.build(full=True).full
    assert pages_bytes(archive.site) == incremental


@pytest.mark.parametrize("pagination", ["newest-first", "stable"])
def test_a_patched_edit_draws_the_same_tag_chart_as_a_clean_build(tmp_path: Path, pagination: str) -> None:
    """An in-place edit renders the tag landing pages it shows on from a partial model, which
    counts the tag's years from the stored model (``build/patch.py``)."""
    archive = archive_of(tmp_path, pagination, count=9)
    archive.build()
    newest = archive.root / "content" / "s09.md"
    newest.write_text(newest.read_text(encoding="utf-8").replace("Body text.", "Body text, edited."),
                      encoding="utf-8")
    rendered: set[str] = set()
    original = PageRenderer.render

    def render(self: PageRenderer, page: Page, body_html: str | None = None) -> RenderedPage:
        rendered.add(page.output)
        return original(self, page, body_html)

    with mock.patch.object(PageRenderer, "render", render):
        assert archive.build().patched
    assert "tags/harbour/index.html" in rendered  # drawn again, from the partial model
    chart = bars(text(archive, "tags/harbour"))
    assert [name for _, name in chart] == ["2019: 4 articles", "2020: 4 articles", "2021: 1 article"]
    patched = pages_bytes(archive.site)
    assert archive.build(full=True).full
    assert pages_bytes(archive.site) == patched


def test_the_welcome_article_does_not_send_readers_to_files_on_disk() -> None:
    """The site's links are root-relative: opened from disk, site/index.html has no styles."""
    welcome = (SCAFFOLD_DIR / "content" / "welcome.md").read_text(encoding="utf-8")
    assert "open `site/index.html`" not in welcome
    assert "`archivegen serve`" in welcome
