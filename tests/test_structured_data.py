"""What search engines read besides the text (issue 17 item 4): the articles' NewsArticle
JSON-LD, the meta description of every page, the 404 page's noindex, and robots.txt under a
sub-path."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from archivegen.config import load_config
from archivegen.config.schema import Publisher, SiteConfig
from archivegen.errors import ConfigError
from archivegen.render.structured_data import HEADLINE_LIMIT, headline, news_article, publisher
from archivegen.render.views import ArticleView, Links
from tests.projects import CONFIG, article, make_archive

HOSTILE = "</script><script>alert(1)</script><!-- x"


class _Head(HTMLParser):
    """The <head>'s meta and link elements, and the text of its JSON-LD scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.links: list[dict[str, str | None]] = []
        self.json_ld: list[str] = []
        self.scripts: list[dict[str, str | None]] = []
        self._in_json_ld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "meta" and found.get("name"):
            self.meta[found["name"] or ""] = found.get("content") or ""
        elif tag == "link":
            self.links.append(found)
        elif tag == "script":
            self.scripts.append(found)
            self._in_json_ld = found.get("type") == "application/ld+json"
            if self._in_json_ld:
                self.json_ld.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_json_ld = False

    def handle_data(self, data: str) -> None:
        if self._in_json_ld:
            self.json_ld[-1] += data


def head(path: Path) -> _Head:
    parsed = _Head()
    parsed.feed(path.read_text(encoding="utf-8"))
    return parsed


def view(**fields: object) -> ArticleView:
    values: dict[str, object] = dict(
        title="Ferry strike", path="/2021/01/ferry/", url="/a/2021/01/ferry/",
        abs_url="https://example.org/a/2021/01/ferry/", date=datetime(2021, 1, 5, 10, tzinfo=UTC),
        updated=None, summary="Ferries stop.", authors=(), tags=(), source="", language="en",
        feed_id="urn:uuid:x")
    values.update(fields)
    return ArticleView(**values)  # type: ignore[arg-type]


# -- the JSON-LD, as data ------------------------------------------------------------------------

def config_of(tmp_path: Path, extra: str = "") -> SiteConfig:
    archive = make_archive(tmp_path, {}, "title: Harbour Times\nbase_url: https://example.org/a/\n" + extra)
    return load_config(archive.root / "site_config.yaml")


def test_authors_are_people_and_fall_back_to_the_configured_author(tmp_path: Path) -> None:
    config = config_of(tmp_path, "author: City Desk\n")
    owner = publisher(config, Links.of(config))
    data = news_article(view(authors=("Ann Lee", "Bo Chen")), config, owner)
    assert data["author"] == [{"@type": "Person", "name": "Ann Lee"}, {"@type": "Person", "name": "Bo Chen"}]
    assert news_article(view(), config, owner)["author"] == [{"@type": "Person", "name": "City Desk"}]


def test_without_any_author_the_key_is_left_out_never_an_empty_list(tmp_path: Path) -> None:
    config = config_of(tmp_path)
    data = news_article(view(), config, publisher(config, Links.of(config)))
    assert "author" not in data


def test_news_article_fields(tmp_path: Path) -> None:
    config = config_of(tmp_path)
    updated = datetime(2021, 2, 1, 8, tzinfo=UTC)
    data = news_article(view(updated=updated, language="de"), config, publisher(config, Links.of(config)))
    assert data["@context"] == "https://schema.org" and data["@type"] == "NewsArticle"
    assert data["datePublished"] == "2021-01-05T10:00:00+00:00"
    assert data["dateModified"] == "2021-02-01T08:00:00+00:00"
    assert data["inLanguage"] == "de" and data["description"] == "Ferries stop."
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": "https://example.org/a/2021/01/ferry/"}
    assert data["publisher"] == {"@type": "Organization", "name": "Harbour Times",
                                 "url": "https://example.org/a/"}
    assert news_article(view(), config, {})["dateModified"] == "2021-01-05T10:00:00+00:00"


def test_the_headline_is_bounded_as_google_asks() -> None:
    assert headline("Short") == "Short"
    exact = "x" * HEADLINE_LIMIT
    assert headline(exact) == exact
    long = " ".join(["harbour"] * 40)
    cut = headline(long)
    assert len(cut) <= HEADLINE_LIMIT and cut.endswith("harbour…") and long.startswith(cut[:-1])
    unbroken = "Ж" * 300  # no word boundary: cut anyway
    assert len(headline(unbroken)) == HEADLINE_LIMIT


def test_a_configured_publisher_with_a_logo_at_a_site_path(tmp_path: Path) -> None:
    config = config_of(tmp_path, "publisher:\n  name: Harbour Media\n  url: https://media.example.org/\n"
                                 "  logo: /static/логотип.png\n")
    assert config.publisher == Publisher("Harbour Media", "https://media.example.org/",
                                         "/static/логотип.png")
    assert publisher(config, Links.of(config)) == {
        "@type": "Organization", "name": "Harbour Media", "url": "https://media.example.org/",
        "logo": {"@type": "ImageObject", "url": "https://example.org/a/static/%D0%BB%D0%BE%D0%B3%D0%BE%D1%82%D0%B8%D0%BF.png"}}
    named = config_of(tmp_path / "b", "publisher: Harbour Media\n")
    assert publisher(named, Links.of(named)) == {"@type": "Organization", "name": "Harbour Media"}


@pytest.mark.parametrize(("setting", "message"), [
    ("publisher: {url: 'https://x.org/'}", "site_config.yaml:3: publisher: needs a name"),
    ("publisher: [a]", "site_config.yaml:3: publisher: expected a name or a mapping of name, url and logo, "
                       "got a list"),
    ("publisher:\n  name: X\n  url: ftp://x.org/", "site_config.yaml:5: publisher.url: must be an absolute "
                                                   "http(s) URL such as https://example.org/about/, got ftp://x.org/"),
    ("publisher:\n  name: X\n  logo: /../x.png",
     "site_config.yaml:5: publisher.logo: must be a site path such as /logo.png "
     "(no spaces, '..', '?' or '#'), got /../x.png"),
    ("publisher:\n  name: X\n  colour: red", "site_config.yaml:5: publisher.colour: unknown setting "
                                              "(known: name, url, logo)"),
])
def test_bad_publisher_settings_are_config_errors(tmp_path: Path, setting: str, message: str) -> None:
    archive = make_archive(tmp_path, {}, "title: T\nbase_url: https://example.org/\n" + setting + "\n")
    with pytest.raises(ConfigError) as caught:
        load_config(archive.root / "site_config.yaml")
    assert caught.value.lines() == [message]


# -- a built site ----------------------------------------------------------------------------------

def test_json_ld_of_a_hostile_title_and_author_cannot_close_its_script(tmp_path: Path) -> None:  # X3
    archive = make_archive(tmp_path, {
        "content/x.md": article("Title " + HOSTILE, "2021-01-05T10:00:00Z", slug="x",
                                authors=["Author " + HOSTILE], summary="Summary " + HOSTILE)}, CONFIG)
    archive.build()
    page = archive.site / "2021" / "01" / "x" / "index.html"
    text = page.read_text(encoding="utf-8")
    script = text[text.index('<script type="application/ld+json">'):]
    script = script[: script.index("</script>")]
    assert "<!--" not in script and "<script" not in script[1:]
    parsed = head(page)
    assert len(parsed.json_ld) == 1 and [s.get("type") for s in parsed.scripts] == ["application/ld+json"]
    data = json.loads(parsed.json_ld[0])
    assert data["headline"] == "Title " + HOSTILE
    assert data["author"] == [{"@type": "Person", "name": "Author " + HOSTILE}]
    assert data["description"] == "Summary " + HOSTILE


def test_built_json_ld_without_authors_uses_the_site_author_or_none(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {"content/x.md": article("Quiet day", "2021-01-05T10:00:00Z", slug="x")}
    bare = make_archive(tmp_path, files, CONFIG, name="bare")
    bare.build()
    data = json.loads(head(bare.site / "2021" / "01" / "x" / "index.html").json_ld[0])
    assert "author" not in data and data["publisher"]["name"] == "Test archive"
    desk = make_archive(tmp_path, files, CONFIG + "author: Night Desk\n", name="desk")
    desk.build()
    data = json.loads(head(desk.site / "2021" / "01" / "x" / "index.html").json_ld[0])
    assert data["author"] == [{"@type": "Person", "name": "Night Desk"}]


def test_no_page_has_an_empty_description(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        f"content/a{n}.md": article(f"Article {n}", f"2021-01-0{n + 1}T10:00:00Z", tags=["Port"])
        for n in range(3)}
    files["content/empty.md"] = article("Nothing to say", "2021-02-01T10:00:00Z", body="")
    archive = make_archive(tmp_path, files, CONFIG + "per_page: 2\n")
    archive.build()
    pages = sorted(archive.site.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        assert head(page).meta.get("description"), page
    home = head(archive.site / "index.html").meta["description"]
    assert home == "Test archive: an archive of 4 articles"
    assert head(archive.site / "page" / "2" / "index.html").meta["description"] == home
    assert head(archive.site / "2021" / "index.html").meta["description"] == "Test archive"
    assert head(archive.site / "2021" / "02" / "empty" / "index.html").meta["description"] == \
        "Nothing to say"  # no summary and no body to derive one from: the title


def test_the_home_description_counts_articles_incrementally(tmp_path: Path) -> None:
    """The count is a recorded dependency: only the pages printing it change with it (in stable
    numbering the numbered pages print the title, and keep their bytes)."""
    files: dict[str, str | bytes] = {
        f"content/a{n}.md": article(f"Article {n}", f"2021-01-0{n + 1}T10:00:00Z") for n in range(4)}
    archive = make_archive(tmp_path, files, CONFIG + "per_page: 2\npagination: stable\n")
    archive.build()
    numbered = archive.site / "page" / "1" / "index.html"
    before = numbered.read_bytes()
    assert head(numbered).meta["description"] == "Test archive"
    archive.write("content/a9.md", article("Article 9", "2021-01-09T10:00:00Z"))
    report = archive.build()
    assert not report.full
    assert head(archive.site / "index.html").meta["description"] == "Test archive: an archive of 5 articles"
    assert numbered.read_bytes() == before
    assert "page/1/index.html" not in report.changed


def test_a_configured_description_is_used_everywhere_but_articles(tmp_path: Path) -> None:
    archive = make_archive(tmp_path, {"content/x.md": article("X", "2021-01-05T10:00:00Z", summary="Own.")},
                           CONFIG + "description: News of the harbour.\n")
    archive.build()
    assert head(archive.site / "index.html").meta["description"] == "News of the harbour."
    assert head(archive.site / "archives" / "index.html").meta["description"] == "News of the harbour."
    assert head(archive.site / "2021" / "01" / "x" / "index.html").meta["description"] == "Own."


def test_the_404_page_is_noindex_and_has_no_canonical_link(tmp_path: Path) -> None:
    archive = make_archive(tmp_path, {"content/x.md": article("X", "2021-01-05T10:00:00Z")}, CONFIG)
    archive.build()
    parsed = head(archive.site / "404.html")
    assert parsed.meta["robots"] == "noindex"
    assert not [link for link in parsed.links if link.get("rel") == "canonical"]
    home = head(archive.site / "index.html")
    assert "robots" not in home.meta
    assert [link["href"] for link in home.links if link.get("rel") == "canonical"] == \
        ["https://example.org/archive/"]


def robots_records(text: str) -> list[tuple[str, str]]:
    """robots.txt's records as a crawler reads them (comments and blank lines dropped)."""
    records = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            field, _, value = line.partition(":")
            records.append((field.strip().lower(), value.strip()))
    return records


def test_robots_txt_at_the_host_root_allows_all_and_names_the_sitemap(tmp_path: Path) -> None:
    archive = make_archive(tmp_path, {"content/x.md": article("X", "2021-01-05T10:00:00Z")},
                           "title: T\nbase_url: https://example.org/\n")
    archive.build()
    assert robots_records((archive.site / "robots.txt").read_text()) == [
        ("user-agent", "*"), ("allow", "/"), ("sitemap", "https://example.org/sitemap.xml")]


def test_robots_txt_under_a_sub_path_says_what_the_host_root_needs(tmp_path: Path) -> None:
    """Crawlers read only https://example.org/robots.txt: this file is for the reader, and its
    one record is the line that file needs. The build prints nothing about it."""
    archive = make_archive(tmp_path, {"content/x.md": article("X", "2021-01-05T10:00:00Z")}, CONFIG)
    done = archive.cli("build")
    assert done.returncode == 0 and "robots" not in done.stdout + done.stderr
    text = (archive.site / "robots.txt").read_text()
    assert robots_records(text) == [("sitemap", "https://example.org/archive/sitemap.xml")]
    assert "https://example.org/robots.txt" in text and "/archive/" in text
    assert re.search(r"(?m)^Sitemap: https://example\.org/archive/sitemap\.xml$", text)
