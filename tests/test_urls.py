"""Linkable forever (issue 13, item 3; CHECKLIST U1): the default slug, URL-move warnings, aliases.

A headline correction must not move an article, so the default slug is the file name. Whatever
else moves a URL (a new date, a slug edit, a renamed file) is reported by the build, and
``aliases:`` keeps old links working with redirect pages and a ``_redirects`` file. CLI
behaviour is checked through the real console script, with exact stderr lines.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from archivegen.build import BuildOptions, build
from tests.conftest import pages_bytes, tree_bytes
from tests.search_support import searchable

_SCRIPTS_DIR = Path(sys.executable).parent
ARCHIVEGEN = str(_SCRIPTS_DIR / "archivegen") if (_SCRIPTS_DIR / "archivegen").exists() \
    else shutil.which("archivegen")
if ARCHIVEGEN is None:  # pragma: no cover - the package is installed with `pip install -e .`
    pytest.skip("the archivegen console script is not installed", allow_module_level=True)

CONFIG = "title: Links\nbase_url: https://example.org/archive/\ntimezone: UTC\n"
FERRY = "---\ntitle: Ferries stop as crews strike\ndate: 2020-03-05T10:00:00Z\n---\nBody.\n"
TALKS = "---\ntitle: Talks resume\ndate: 2020-03-07T10:00:00Z\n---\nOther body.\n"


def make_project(root: Path, articles: dict[str, str]) -> Path:
    (root / "content").mkdir(parents=True)
    (root / "site_config.yaml").write_text(CONFIG, encoding="utf-8")
    for name, text in articles.items():
        write(root / "content" / name, text)
    return root


def with_fields(article: str, fields: str) -> str:
    """``article`` with front-matter lines added at the end of its front matter."""
    head, closing, body = article.partition("\n---\n")
    return f"{head}\n{fields}{closing}{body}"


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def cli_build(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([ARCHIVEGEN, "build", "--workers", "1"], cwd=root, capture_output=True,
                          text=True, timeout=120, env=dict(os.environ))


def built(root: Path) -> subprocess.CompletedProcess[str]:
    done = cli_build(root)
    assert done.returncode == 0, done.stderr
    return done


def articles_in(site: Path) -> set[str]:
    """Site paths of the article pages (the files under YEAR/MONTH/SLUG/)."""
    pages = site.glob("[0-9]*/[0-9]*/*/index.html")
    return {"/" + page.parent.relative_to(site).as_posix() + "/" for page in pages}


# -- (a) the default slug -------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "path"), [
    ("2020/ferry-strike.md", "/2020/03/ferry-strike/"),  # not the title's slug
    ("2020/Ferry Strike Ünïcode.md", "/2020/03/ferry-strike-unicode/"),  # slugified like titles
    ("2020/ferry-bundle/index.md", "/2020/03/ferry-bundle/"),  # a page bundle: its folder
    ("2020/index.md", "/2020/03/ferries-stop-as-crews-strike/"),  # a date folder is no name
    ("_index.md", "/2020/03/ferries-stop-as-crews-strike/"),
    ("2020/🚢.md", "/2020/03/ferries-stop-as-crews-strike/"),  # nothing left: the title
])
def test_the_default_slug_is_the_file_name(tmp_path: Path, name: str, path: str) -> None:
    root = make_project(tmp_path / "archive", {name: FERRY})
    build(BuildOptions(config_path=root / "site_config.yaml", workers=1))
    assert articles_in(root / "site") == {path}


def test_an_explicit_slug_still_wins(tmp_path: Path) -> None:
    root = make_project(tmp_path / "archive", {"2020/ferry.md": with_fields(FERRY, "slug: boats")})
    build(BuildOptions(config_path=root / "site_config.yaml", workers=1))
    assert articles_in(root / "site") == {"/2020/03/boats/"}


def test_a_retitle_keeps_the_url_and_warns_of_nothing(tmp_path: Path) -> None:
    root = make_project(tmp_path / "archive", {"2020/ferry.md": FERRY})
    built(root)
    edit(root / "content" / "2020" / "ferry.md", "crews strike", "crews walk out")
    done = built(root)
    assert done.stderr == ""
    assert articles_in(root / "site") == {"/2020/03/ferry/"}
    assert "crews walk out" in (root / "site" / "2020" / "03" / "ferry" / "index.html").read_text()


# -- (b) a moved URL is reported --------------------------------------------------------------------

def _retitle(content: Path) -> str:
    edit(content / "2020" / "index.md", "title: Ferries stop as crews strike", "title: Ferry crews strike")
    return ("content/2020/index.md: URL moved from /2020/03/ferries-stop-as-crews-strike/ to "
            "/2020/03/ferry-crews-strike/")


def _redate(content: Path) -> str:
    edit(content / "2020" / "index.md", "date: 2020-03-05", "date: 2020-04-05")
    return ("content/2020/index.md: URL moved from /2020/03/ferries-stop-as-crews-strike/ to "
            "/2020/04/ferries-stop-as-crews-strike/")


def _slug_edit(content: Path) -> str:
    write(content / "2020" / "index.md", with_fields(FERRY, "slug: ferry-strike"))
    return ("content/2020/index.md: URL moved from /2020/03/ferries-stop-as-crews-strike/ to "
            "/2020/03/ferry-strike/")


def _rename(content: Path) -> str:
    (content / "2020" / "index.md").rename(content / "2020" / "ferry.md")
    return "content/2020/ferry.md: URL moved from /2020/03/ferries-stop-as-crews-strike/ to /2020/03/ferry/"


def _rename_and_retitle(content: Path) -> str:
    _rename(content)
    edit(content / "2020" / "ferry.md", "Body.", "Body, corrected.")
    return "content/2020/ferry.md: URL moved from /2020/03/ferries-stop-as-crews-strike/ to /2020/03/ferry/"


@pytest.mark.parametrize("change", [_retitle, _redate, _slug_edit, _rename, _rename_and_retitle],
                         ids=["retitle", "redate", "slug-edit", "rename", "rename-and-edit"])
def test_a_moved_url_is_reported_once_with_the_alias_that_keeps_it(tmp_path: Path, change) -> None:
    """U1. 2020/index.md has no usable file name, so its slug comes from its title."""
    root = make_project(tmp_path / "archive", {"2020/index.md": FERRY, "2020/talks.md": TALKS})
    built(root)
    moved = change(root / "content")
    old = moved.split(" URL moved from ")[1].split(" ")[0]
    done = built(root)
    assert done.stderr == (f"warning: {moved} (add \"aliases: [{old}]\" to keep the old link "
                           "working)\n")
    assert built(root).stderr == ""  # reported once: the state has the new URL now


def test_a_moved_url_with_its_alias_is_not_reported(tmp_path: Path) -> None:
    root = make_project(tmp_path / "archive", {"2020/index.md": FERRY})
    built(root)
    write(root / "content" / "2020" / "index.md",
          with_fields(FERRY, "slug: ferry-strike\naliases: [/2020/03/ferries-stop-as-crews-strike/]"))
    assert built(root).stderr == ""
    assert (root / "site" / "2020" / "03" / "ferries-stop-as-crews-strike" / "index.html").is_file()


def test_a_deleted_article_is_not_a_move(tmp_path: Path) -> None:
    root = make_project(tmp_path / "archive", {"2020/index.md": FERRY, "2020/talks.md": TALKS})
    built(root)
    (root / "content" / "2020" / "index.md").unlink()
    assert built(root).stderr == ""


# -- (c) aliases --------------------------------------------------------------------------------------

class _Head(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: dict[str, str] = {}
        self.anchors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "meta":
            self.meta[values.get("name") or values.get("http-equiv", "")] = values.get("content", "")
        elif tag == "link":
            self.links[values["rel"]] = values["href"]
        elif tag == "a":
            self.anchors.append(values["href"])


def parsed(path: Path) -> _Head:
    head = _Head()
    head.feed(path.read_text(encoding="utf-8"))
    return head


ALIASED = with_fields(FERRY, "aliases:\n  - /2020/03/old-ferry-headline/\n  - /news/ferry.html")


def test_aliases_write_redirect_pages_and_a_redirects_file(tmp_path: Path) -> None:
    root = make_project(tmp_path / "archive", {"2020/ferry.md": ALIASED, "2020/talks.md": TALKS})
    built(root)
    site = root / "site"
    article = parsed(site / "2020" / "03" / "ferry" / "index.html")
    for alias in ("2020/03/old-ferry-headline/index.html", "news/ferry.html"):
        page = parsed(site / alias)
        assert page.meta["refresh"] == "0; url=/archive/2020/03/ferry/"
        assert page.meta["robots"] == "noindex"
        assert page.links["canonical"] == "https://example.org/archive/2020/03/ferry/"
        assert page.anchors == ["/archive/2020/03/ferry/"]
        assert page.meta["Content-Security-Policy"] == article.meta["Content-Security-Policy"]
    assert (site / "_redirects").read_text() == (
        "/archive/2020/03/old-ferry-headline/ /archive/2020/03/ferry/ 301\n"
        "/archive/news/ferry.html /archive/2020/03/ferry/ 301\n")
    sitemap = (site / "sitemap.xml").read_text()
    assert "/2020/03/ferry/" in sitemap and "old-ferry-headline" not in sitemap and "news" not in sitemap
    assert sorted(searchable(site)) == ["/2020/03/ferry/", "/2020/03/talks/"]  # no alias


def test_no_aliases_no_redirects_file(tmp_path: Path) -> None:
    root = make_project(tmp_path / "archive", {"2020/ferry.md": FERRY})
    built(root)
    assert not (root / "site" / "_redirects").exists()


def test_adding_and_removing_an_alias_is_incremental_and_exact(tmp_path: Path) -> None:
    root = make_project(tmp_path / "archive", {"2020/ferry.md": FERRY, "2020/talks.md": TALKS})
    built(root)
    write(root / "content" / "2020" / "ferry.md", ALIASED)
    built(root)
    assert (root / "site" / "news" / "ferry.html").is_file() and (root / "site" / "_redirects").is_file()
    write(root / "content" / "2020" / "ferry.md", FERRY)
    built(root)
    assert not (root / "site" / "news").exists() and not (root / "site" / "_redirects").exists()
    clean = make_project(tmp_path / "clean", {"2020/ferry.md": FERRY, "2020/talks.md": TALKS})
    built(clean)
    assert pages_bytes(root / "site") == pages_bytes(clean / "site")


BAD_ALIAS = ("must be a site path such as /2020/03/old-title/ (lowercase letters, digits, '-', '_', "
             "'.', '~', ending in '/' or '.html', no '..')")


@pytest.mark.parametrize(("aliases", "message"), [
    ("[../../x/]", f'"aliases" item 1 {BAD_ALIAS}, got "../../x/"'),
    ("[/ok/, /a/../../b/]", f'"aliases" item 2 {BAD_ALIAS}, got "/a/../../b/"'),
    ("[https://evil.example/x/]", f'"aliases" item 1 {BAD_ALIAS}, got "https://evil.example/x/"'),
    ("[//evil.example/x/]", f'"aliases" item 1 {BAD_ALIAS}, got "//evil.example/x/"'),
    ("['/%2e%2e/x/']", f'"aliases" item 1 {BAD_ALIAS}, got "/%2e%2e/x/"'),
    ("[/Old-Title/]", f'"aliases" item 1 {BAD_ALIAS}, got "/Old-Title/"'),
    ("[/old-title]", f'"aliases" item 1 {BAD_ALIAS}, got "/old-title"'),
    ("[5]", f'"aliases" item 1 {BAD_ALIAS}, got "5"'),
    ("{old: /x/}", '"aliases" must be a list of site paths such as [/2020/03/old-title/]'),
])
def test_a_bad_alias_is_a_located_error(tmp_path: Path, aliases: str, message: str) -> None:
    """P1 for aliases: nothing but a plain path below the site root; the old site untouched."""
    root = make_project(tmp_path / "archive", {"2020/ferry.md": FERRY})
    built(root)
    before = tree_bytes(root / "site")
    write(root / "content" / "2020" / "ferry.md", with_fields(FERRY, f"aliases: {aliases}"))
    done = cli_build(root)
    assert (done.returncode, done.stderr) == (1, f"content/2020/ferry.md:4: {message}\n")
    assert tree_bytes(root / "site") == before


@pytest.mark.parametrize(("aliases", "message"), [
    ("[/tags/]", "alias /tags/ is reserved for the tag pages"),
    ("[/_redirects/]", "alias /_redirects/ is reserved for the redirects file"),
    ("[/]", "alias / is reserved for the home page"),
    ("[/2020/03/]", "alias /2020/03/ is also the path of the 2020-03 archive"),
    ("[/2020/03/talks/]", "alias /2020/03/talks/ is also the URL of content/2020/talks.md"),
    ("[/2020/03/ferry/]", "alias /2020/03/ferry/ is this article's own URL; remove it"),
    ("[/old/talks/]", "alias /old/talks/ is also an alias of content/2020/talks.md"),
])
def test_an_alias_claiming_a_used_path_is_an_error_naming_both(tmp_path: Path, aliases: str,
                                                                 message: str) -> None:
    talks = with_fields(TALKS, "aliases: [/old/talks/]")
    root = make_project(tmp_path / "archive", {"2020/ferry.md": FERRY, "2020/talks.md": talks})
    built(root)
    before = tree_bytes(root / "site")
    write(root / "content" / "2020" / "ferry.md", with_fields(FERRY, f"aliases: {aliases}"))
    done = cli_build(root)
    assert (done.returncode, done.stderr) == (1, f"content/2020/ferry.md:4: {message}\n")
    assert tree_bytes(root / "site") == before
