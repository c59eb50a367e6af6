"""Root files (issue 17 item 6): the project's static/ folder is published at the site's root,
a static file on a generated page's path is an error, incremental builds copy exactly the
static files that changed, and site/ holds only what the build makes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from archivegen.config import load_config
from archivegen.serve.changes import classify
from tests.conftest import pages_bytes, tree_bytes
from tests.projects import CONFIG, Archive, article, make_archive
from tests.test_incremental import snapshot, written


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    made = make_archive(tmp_path, {
        "content/2021/ferry.md": article("Ferry strike", "2021-01-05T10:00:00Z", tags=["Port"],
                                         aliases=["/old/ferry/"]),
        "content/2021/bridge.md": article("Bridge opens", "2021-02-05T10:00:00Z", tags=["Port"]),
        "static/favicon.ico": b"\x00\x00\x01\x00icon",
        "static/ads.txt": "example.com, pub-0, DIRECT\n",
        "static/.well-known/security.txt": "Contact: mailto:desk@example.org\n",
        "static/.htaccess": "ErrorDocument 404 /archive/404.html\n",
        "static/files/2021/report.pdf": b"%PDF-1.4",
        # editors' and systems' litter: never published
        "static/ads.txt~": "backup", "static/.ads.txt.swp": "swap", "static/.DS_Store": "finder",
        "static/.git/config": "[core]",
    }, CONFIG)
    made.build()
    return made


def published(archive: Archive) -> set[str]:
    return {name for name in tree_bytes(archive.site) if not name.startswith("pagefind/")}


def test_static_files_are_published_at_the_site_root(archive: Archive) -> None:
    site = archive.site
    assert (site / "favicon.ico").read_bytes() == b"\x00\x00\x01\x00icon"
    assert (site / "ads.txt").is_file() and (site / "files" / "2021" / "report.pdf").is_file()
    assert (site / ".well-known" / "security.txt").is_file() and (site / ".htaccess").is_file()
    names = published(archive)
    assert not {"ads.txt~", ".ads.txt.swp", ".DS_Store", ".git/config"} & names
    assert not any(name.startswith("static/") and name not in
                   {"static/style.css", "static/search.js", "static/favicon.svg"} for name in names)


def test_the_theme_files_stay_under_static_and_every_page_links_its_icon(archive: Archive) -> None:
    site = archive.site
    for name in ("style.css", "search.js", "favicon.svg"):
        assert (site / "static" / name).is_file()
    pages = sorted(site.rglob("*.html"))
    assert site / "old" / "ferry" / "index.html" in pages and site / "404.html" in pages
    for page in pages:  # a page without one makes browsers ask for /favicon.ico
        head = page.read_text(encoding="utf-8").split("</head>")[0]
        assert '<link rel="icon" type="image/svg+xml" href="/archive/static/favicon.svg">' in head, page


def test_a_project_file_replaces_a_theme_file_at_the_same_path(archive: Archive) -> None:
    archive.write("static/static/style.css", "body { color: teal }\n")
    archive.build()
    assert (archive.site / "static" / "style.css").read_text() == "body { color: teal }\n"
    (archive.root / "static" / "static" / "style.css").unlink()
    archive.build()
    assert "archivegen default theme" in (archive.site / "static" / "style.css").read_text()


def test_adding_editing_and_deleting_a_static_file_changes_exactly_its_output(archive: Archive) -> None:
    site = archive.site
    before = snapshot(site)
    archive.write("static/.well-known/apple-app-site-association", "{}")
    report = archive.build()
    assert written(before, snapshot(site)) == {".well-known/apple-app-site-association"}
    assert report.changed == [".well-known/apple-app-site-association"] and report.rendered == 0

    before = snapshot(site)
    archive.write("static/ads.txt", "example.com, pub-1, DIRECT\n")
    report = archive.build()
    assert written(before, snapshot(site)) == {"ads.txt"}
    assert (site / "ads.txt").read_text() == "example.com, pub-1, DIRECT\n"

    before = snapshot(site)
    (archive.root / "static" / "files" / "2021" / "report.pdf").unlink()
    report = archive.build()
    assert report.changed == ["files/2021/report.pdf"] and report.deleted == 1
    assert not (site / "files").exists()  # its emptied folders go too
    assert set(before) - set(snapshot(site)) == {"files/2021/report.pdf"}

    before = snapshot(site)
    archive.write("static/notes.txt~", "an editor's backup")
    report = archive.build()
    assert report.up_to_date and snapshot(site) == before


def test_incremental_static_changes_match_a_clean_build(archive: Archive, tmp_path: Path) -> None:
    archive.write("static/robots-extra.txt", "x")
    (archive.root / "static" / "ads.txt").unlink()
    archive.write("static/static/favicon.svg", "<svg/>")
    archive.build()
    clean = make_archive(tmp_path, {}, CONFIG, name="clean")
    for path in [*(archive.root / "content").rglob("*.md"), *(archive.root / "static").rglob("*")]:
        if path.is_file():
            clean.write(path.relative_to(archive.root).as_posix(), path.read_bytes())
    clean.build()
    assert pages_bytes(archive.site) == pages_bytes(clean.site)


@pytest.mark.parametrize(("static", "message"), [
    ("index.html", "would replace the home page (/)"),
    ("tags/index.html", "would replace the index of tags (/tags/)"),
    ("tags/port/feed.json", "would replace the JSON feed of tag 'Port' (/tags/port/feed.json)"),
    ("sitemap.xml", "would replace the generated page /sitemap.xml"),
    ("search/index.html", "would replace the search page (/search/)"),
    ("2021/01/ferry/index.html", "would replace the page of content/2021/ferry.md (/2021/01/ferry/)"),
    ("Robots.TXT", "would replace the generated page /robots.txt"),
    ("tags", "is a file where the build needs a folder, for the index of tags (/tags/)"),
    ("404.html/x", "needs a folder where the build writes the generated page /404.html"),
    ("pagefind/extra.js", "is in pagefind/, the search index's folder, which the build writes"),
])
def test_a_static_file_on_a_generated_path_is_an_error_naming_both(archive: Archive, static: str,
                                                                   message: str) -> None:
    before = tree_bytes(archive.site)
    archive.write(f"static/{static}", "mine")
    done = archive.cli("build")
    assert done.returncode == 1, done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"static/{static}:1: {message}"), lines
    assert "Traceback" not in done.stderr
    assert tree_bytes(archive.site) == before


def test_every_colliding_static_file_is_reported_at_once(archive: Archive) -> None:
    before = tree_bytes(archive.site)
    for name in ("index.html", "sitemap.xml", "tags/index.html", "search/index.html"):
        archive.write(f"static/{name}", "mine")
    done = archive.cli("build", "--full")
    assert done.returncode == 1
    assert [line.split(":")[0] for line in done.stderr.strip().splitlines()] == [
        "static/index.html", "static/search/index.html", "static/sitemap.xml", "static/tags/index.html"]
    assert tree_bytes(archive.site) == before


def test_a_hand_placed_file_in_site_is_removed_by_any_build_as_by_a_full_one(archive: Archive) -> None:
    """site/ is generated: what a build did not write goes, incremental or full (it used to
    survive incremental builds and vanish at the next --full). Files for the root: static/."""
    site = archive.site
    expected = tree_bytes(site)
    (site / "google1234.html").write_text("verification")
    (site / "2021" / "01" / "ferry" / "extra.html").write_text("x")
    (site / "by-hand" / "deep").mkdir(parents=True)
    (site / "by-hand" / "deep" / "a.txt").write_text("x")
    done = archive.cli("build")
    assert done.returncode == 0, done.stderr
    assert re.search(r"removed 2 files and 1 folder no build wrote \(2021/01/ferry/extra\.html, "
                     r"by-hand/, google1234\.html\): .* files to publish go in static/", done.stdout)
    assert tree_bytes(site) == expected
    assert not (site / "by-hand").exists()
    again = archive.cli("build")
    assert "nothing changed" in again.stdout and "removed" not in again.stdout.split("\n", 1)[1]
    (site / "stray.txt").write_text("x")
    archive.cli("build", "--full")
    assert tree_bytes(site) == expected


def test_a_stray_beside_a_damaged_output_goes_and_the_output_comes_back(archive: Archive) -> None:
    site = archive.site
    expected = tree_bytes(site)
    (site / "index.html").unlink()
    (site / "index.htm").write_text("typo")
    report = archive.build()
    assert report.restored == 1 and report.strays == ["index.htm"]
    assert tree_bytes(site) == expected


def test_the_preview_watches_published_dotfiles_and_ignores_litter(archive: Archive) -> None:
    config = load_config(archive.root / "site_config.yaml")
    static = archive.root / "static"
    for name in (".well-known/security.txt", ".htaccess", "favicon.ico"):
        assert classify(static / name, config, config.output_dir) == "static", name
    for name in (".ads.txt.swp", "ads.txt~", ".DS_Store", ".git/config", "4913"):
        assert classify(static / name, config, config.output_dir) is None, name
    assert classify(archive.root / "content" / ".hidden.md", config, config.output_dir) is None


def test_outputs_moved_in_by_a_build_that_died_after_its_commit_are_no_strays(
        archive: Archive, monkeypatch: pytest.MonkeyPatch) -> None:
    """Power lost after the journal was carried out, before the outputs' signatures were taken:
    the next build finds files and folders it has no signature of, but the build state names
    them as written, so they stay."""
    from archivegen.output import journal

    real_apply = journal.apply

    def apply_then_die(entry: journal.Journal, on_done: object = None) -> None:
        real_apply(entry)
        raise SystemExit("power lost")

    archive.write("content/2021/new.md", article("New", "2021-03-01T10:00:00Z", tags=["Harbour"]))
    monkeypatch.setattr(journal, "apply", apply_then_die)
    with pytest.raises(SystemExit):
        archive.build()
    monkeypatch.setattr(journal, "apply", real_apply)
    page = archive.site / "2021" / "03" / "new" / "index.html"
    assert page.is_file()
    report = archive.build()
    assert report.strays == [] and page.is_file()
    assert (archive.site / "tags" / "harbour" / "feed.json").is_file()
