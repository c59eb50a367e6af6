"""Issue 17 item 3: taxonomies declared in site_config.yaml (authors, sources, any list field),
built on a small archive: index, paginated term pages, feeds, sitemap entries, navigation,
collisions, and incremental builds that stay exact when an article's terms change."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archivegen.errors import ContentError, SiteError
from tests.projects import CONFIG, Archive, article, make_archive

TAXONOMIES = CONFIG + ("per_page: 2\ntaxonomies:\n  authors: {nav: true}\n"
                       "  sources: {title: Publishers, singular: Publisher, feed: false}\n")


def archive_of(tmp_path: Path, config: str = TAXONOMIES) -> Archive:
    files = {
        f"content/a{n}.md": article(f"Story {n}", f"2020-0{n}-05T10:00:00Z", tags=["Harbour"],
                                    authors=["Jane Roe", *(["John Doe"] if n % 2 else [])],
                                    source=f"https://www.{'bbc.com' if n < 3 else 'example.net'}/s/{n}")
        for n in range(1, 6)
    }
    return make_archive(tmp_path, files, config=config)


def read(archive: Archive, path: str) -> str:
    return (archive.site / path).read_text(encoding="utf-8")


def test_authors_and_sources_get_an_index_term_pages_and_feeds(tmp_path: Path) -> None:
    archive = archive_of(tmp_path)
    archive.build()
    index = read(archive, "authors/index.html")
    assert "<h1>Authors</h1>" in index and 'href="/archive/authors/jane-roe/"' in index
    jane = read(archive, "authors/jane-roe/index.html")
    assert "<h1>Jane Roe</h1>" in jane and "Story 5" in jane and "Story 3" not in jane
    assert "<h1>Jane Roe, page 2 of 3</h1>" in read(archive, "authors/jane-roe/page/2/index.html")
    assert not (archive.site / "authors/jane-roe/page/4/index.html").exists()
    feed = json.loads(read(archive, "authors/john-doe/feed.json"))
    assert [item["title"] for item in feed["items"]] == ["Story 5", "Story 3", "Story 1"]
    assert "<title>Test archive: John Doe</title>" in read(archive, "authors/john-doe/feed.xml")
    # sources: the host of the source URL, 'www.' dropped; no feeds (feed: false)
    assert "<h1>Publishers</h1>" in read(archive, "sources/index.html")
    bbc = read(archive, "sources/bbc-com/index.html")
    assert "Publisher" in bbc and "Story 2" in bbc and "Story 3" not in bbc
    assert not (archive.site / "sources/bbc-com/feed.xml").exists()
    sitemap = read(archive, "sitemap.xml")
    for path in ("authors/", "authors/jane-roe/", "authors/jane-roe/page/2/", "sources/example-net/"):
        assert f"<loc>https://example.org/archive/{path}</loc>" in sitemap
    # the navigation shows the taxonomies the config asks for (authors), not the others
    nav = read(archive, "index.html").split('<nav class="site-nav"', 1)[1].split("</nav>", 1)[0]
    assert 'href="/archive/authors/"' in nav and "/sources/" not in nav
    assert 'aria-current="page"' in read(archive, "authors/index.html").split("</nav>", 1)[0]


def test_stable_numbering_pages_terms_from_the_oldest(tmp_path: Path) -> None:
    archive = archive_of(tmp_path, TAXONOMIES + "pagination: stable\n")
    archive.build()
    oldest = read(archive, "authors/jane-roe/page/1/index.html")
    assert "Story 1" in oldest and "Story 2" in oldest and "Story 5" not in oldest


def test_a_term_page_on_another_pages_path_is_an_error_naming_both(tmp_path: Path) -> None:
    archive = archive_of(tmp_path, CONFIG + "taxonomies:\n  authors: {path: search}\n")
    with pytest.raises(SiteError) as caught:
        archive.build()
    assert caught.value.lines() == [
        "site_config.yaml:5: taxonomies.authors.path: the search page and the index of authors both want "
        "/search/ (give the taxonomy another path)"]


def test_an_author_change_rebuilds_the_pages_it_touches(tmp_path: Path) -> None:
    archive = archive_of(tmp_path)
    archive.build()
    assert (archive.site / "authors/john-doe/index.html").exists()
    archive.write("content/a5.md", article("Story 5", "2020-05-05T10:00:00Z", tags=["Harbour"],
                                           authors=["Ann Lee"], source="https://www.example.net/s/5"))
    archive.build()
    assert "Story 5" in read(archive, "authors/ann-lee/index.html")
    assert "Story 5" not in read(archive, "authors/john-doe/index.html")
    assert "Story 5" not in read(archive, "authors/jane-roe/index.html")
    assert "Ann Lee" in read(archive, "authors/index.html")


def test_any_front_matter_list_field_is_a_taxonomy_once_declared(tmp_path: Path) -> None:
    files = {"content/a.md": article("Budget vote", "2020-01-05T10:00:00Z", section=["Local politics"]),
             "content/b.md": article("Ferry", "2020-02-05T10:00:00Z", section="Transport")}
    archive = make_archive(tmp_path, files)
    with pytest.raises(ContentError, match='unknown field "section"'):
        archive.build()
    archive.write("site_config.yaml", CONFIG + "taxonomies:\n  sections: {field: section, path: rubrik}\n")
    archive.build()
    assert "Budget vote" in read(archive, "rubrik/local-politics/index.html")
    assert "Ferry" in read(archive, "rubrik/transport/index.html")
    assert "Local politics" in read(archive, "rubrik/index.html")
    # the field changed in place: the article leaves one section's pages for the other's
    archive.write("content/a.md", article("Budget vote", "2020-01-05T10:00:00Z", section=["Transport"]))
    archive.build()
    assert "Budget vote" in read(archive, "rubrik/transport/index.html")
    assert not (archive.site / "rubrik/local-politics/index.html").exists()


def test_author_and_source_names_stay_text_in_pages_and_feeds(tmp_path: Path) -> None:
    evil = '"><img src=x onerror=alert(1)></script><script>alert(1)</script>'
    files = {"content/a.md": article("A", "2020-01-05T10:00:00Z", authors=[evil],
                                     source="https://evil.example/x?<script>")}
    archive = make_archive(tmp_path, files, config=TAXONOMIES)
    archive.build()
    written = [p for p in archive.site.rglob("*") if p.is_file() and p.suffix in (".html", ".xml", ".json")]
    assert any("authors/" in p.as_posix() for p in written)
    for path in written:
        text = path.read_text(encoding="utf-8")
        assert "<img src=x" not in text and "<script>alert" not in text, path
    [feed_path] = [p for p in written if p.name == "feed.json" and "authors" in p.parts]
    assert json.loads(feed_path.read_text(encoding="utf-8"))["title"] == f"Test archive: {evil}"


@pytest.mark.parametrize("change", ["declare", "rename the path"])
def test_a_taxonomy_change_reaches_every_page_that_shows_it(tmp_path: Path, change: str) -> None:
    """The navigation and the bylines' links are on pages of every family: declaring a
    taxonomy with ``nav: true``, or moving one, re-renders them (found by the property test)."""
    archive = archive_of(tmp_path, CONFIG if change == "declare" else TAXONOMIES)
    archive.build()
    moved = TAXONOMIES.replace("authors: {nav: true}", "authors: {nav: true, path: people}")
    archive.write("site_config.yaml", TAXONOMIES if change == "declare" else moved)
    archive.build()
    prefix = "/archive/authors/" if change == "declare" else "/archive/people/"
    for page in ("index.html", "2020/01/a1/index.html", "tags/harbour/index.html", "404.html"):
        assert f'href="{prefix}' in read(archive, page), page
