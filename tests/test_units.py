"""Unit tests of the pipeline's parts: config, front matter, dates, slugs, the site model."""

from __future__ import annotations

import unicodedata
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from archivegen import __version__
from archivegen.build import BuildOptions, build
from archivegen.cli import main
from archivegen.config import load_config
from archivegen.content.reader import read_articles
from archivegen.content.slugs import make_slug
from archivegen.errors import ConfigError, SiteError
from archivegen.families import build_site
from archivegen.text.dates import parse_date
from tests.projects import make_archive

ZONE = ZoneInfo("Europe/Moscow")


def write_project(root: Path, config: str = "", articles: dict[str, str] | None = None) -> Path:
    files: dict[str, str | bytes] = {f"content/{name}": text for name, text in (articles or {}).items()}
    archive = make_archive(root.parent, files, "title: Test\nbase_url: https://example.org/a/\n" + config,
                           name=root.name)
    return archive.root / "site_config.yaml"


def article(title: str, date: str = "2020-01-01T10:00:00Z", extra: str = "") -> str:
    return f'---\ntitle: "{title}"\ndate: {date}\n{extra}---\n\nBody of {title}.\n'


# -- config -----------------------------------------------------------------------------------

def test_config_defaults_and_base_path(tmp_path: Path) -> None:
    config = load_config(write_project(tmp_path))
    assert config.per_page == 20 and config.feed_items == 50
    assert config.permalinks == "/{year}/{month:02}/{slug}/"
    assert config.base_path == "/a/"
    assert config.output_dir == (tmp_path / "site").resolve()


def test_config_reports_every_problem_with_lines(tmp_path: Path) -> None:
    path = write_project(tmp_path, "per_page: 0\ncolour: red\npermalinks: /{slug}\n"
                                   "tags:\n  Syria:\n    patterns: ['(']\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.lines() == [
        "site_config.yaml:3: per_page: must be between 1 and 1000000, got 0",
        "site_config.yaml:4: colour: unknown setting (known: title, base_url, description, language, "
        "timezone, author, publisher, content_dir, templates_dir, static_dir, output_dir, per_page, "
        "pagination, feed_items, permalinks, tags, taxonomies, deploy, import, search)",
        "site_config.yaml:5: permalinks: must end with '/' (pretty URLs) or '.html'",
        "site_config.yaml:8: tags.Syria.patterns.0: bad regular expression '(': missing ), "
        "unterminated subpattern at position 0",
    ]


def test_config_taxonomies_default_to_tags(tmp_path: Path) -> None:
    config = load_config(write_project(tmp_path))
    assert [(t.name, t.field, t.path, t.nav) for t in config.taxonomies] == [("tags", "tags", "tags", True)]


def test_config_declares_taxonomies(tmp_path: Path) -> None:
    path = write_project(tmp_path, "taxonomies:\n  authors: {nav: true}\n  sources:\n"
                                   "  sections: {field: section, path: rubrik, per_page: 5}\n"
                                   "  tags: {title: Topics, singular: Topic}\n")
    declared = {t.name: t for t in load_config(path).taxonomies}
    assert list(declared) == ["tags", "authors", "sources", "sections"]
    tags, authors, sources, sections = declared.values()
    assert (tags.title, tags.singular, tags.path) == ("Topics", "Topic", "tags")
    assert (authors.field, authors.singular, authors.nav, authors.feed) == ("authors", "Author", True, True)
    assert (sources.field, sources.from_host, sources.nav) == ("source", True, False)
    assert (sections.field, sections.path, sections.per_page) == ("section", "rubrik", 5)
    assert not sections.from_host and sources.title == "Sources"
    lines = path.read_text().splitlines()
    assert lines[authors.line - 1].strip().startswith("authors:")


def test_config_taxonomy_problems_with_lines(tmp_path: Path) -> None:
    path = write_project(tmp_path, "taxonomies:\n  Authors: {}\n"
                                   "  authors: {field: title, path: Page, feed: 3, colour: red}\n"
                                   "  writers: {field: authors}\n  x: {path: tags}\n"
                                   "  tags: {field: keywords}\n  y: [1]\n  z: {path: '2020'}\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    first = 1 + path.read_text().splitlines().index("taxonomies:")

    def at(offset: int) -> str:
        return f"site_config.yaml:{first + offset}: taxonomies."

    assert caught.value.lines() == [
        f"{at(1)}Authors: taxonomy names are lowercase letters, digits, '-' and '_', starting with a letter",
        f'{at(2)}authors.field: "title" is a single value, not a list of names',
        f"{at(2)}authors.path: must be one URL segment of lowercase letters, digits, '-' and '_', got Page",
        f"{at(2)}authors.feed: expected true or false, got a number (3)",
        f"{at(2)}authors.colour: unknown setting (known: field, path, title, singular, feed, nav, per_page)",
        f"{at(3)}writers.field: authors is also the field of taxonomy authors",
        f"{at(4)}x.path: tags is also the path of taxonomy tags",
        f"{at(5)}tags.field: only the tags taxonomy reads the tags field",
        f"{at(6)}y: expected a mapping of taxonomy settings, got a list",
        f"{at(7)}z.path: must not be a number (2020 would be taken for a year's archive)",
    ]


def test_config_rejects_missing_required_keys(tmp_path: Path) -> None:
    (tmp_path / "site_config.yaml").write_text("language: en\n")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "site_config.yaml")
    messages = [p.message for p in caught.value.problems]
    assert messages == ["title: is required", "base_url: is required"]


# -- dates and slugs --------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    ("2020-03-05", datetime(2020, 3, 5, tzinfo=ZONE)),
    ("2020-03-05T11:15", datetime(2020, 3, 5, 11, 15, tzinfo=ZONE)),
    ("2020-03-05 08:15:00Z", datetime(2020, 3, 5, 11, 15, tzinfo=ZONE)),
    ("2020-03-05T11:15:00+0300", datetime(2020, 3, 5, 11, 15, tzinfo=ZONE)),
])
def test_dates_are_normalized_to_the_site_zone(value: str, expected: datetime) -> None:
    parsed = parse_date(value, ZONE)
    assert parsed == expected and parsed.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize("value", ["2023-02-30", "2023-02-010", "205-09-29", "", True, None, 20200101,
                                   "9999-12-31T23:00:00-05:00", "yesterday"])
def test_unparsable_dates_raise(value: object) -> None:
    with pytest.raises((ValueError, OverflowError)):
        parse_date(value, ZONE)


def test_slugs_are_stable_short_and_never_empty() -> None:
    title = "Café crème in Zürich"
    assert make_slug(unicodedata.normalize("NFD", title)) == make_slug(title) == "cafe-creme-in-zurich"
    assert make_slug("Syria's war") == "syrias-war"
    assert make_slug("😀😀").startswith("h-") and make_slug("😀😀") == make_slug("😀😀")
    assert make_slug("con") != "con" and make_slug("con").startswith("con-")
    long_title = " ".join(["Россия"] * 100)
    slug = make_slug(long_title)
    assert len(slug.encode()) <= 255 and not slug.endswith("-") and slug.endswith("rossiia")


# -- content ----------------------------------------------------------------------------------

def test_reader_normalizes_tags_and_collects_all_problems(tmp_path: Path) -> None:
    write_project(tmp_path, articles={
        "good.md": article("Good", extra='tags: [Syria, syria, " Syria ", Turkey]\n'),
        "single.md": article("Single", extra="tags: Syria\n"),
        "bad-date.md": article("Bad", date="2023-02-30"),
        "no-title.md": "---\ndate: 2020-01-01\n---\nx\n",
    })
    result = read_articles(tmp_path / "content", ZONE, tmp_path)
    assert [str(p) for p in result.problems] == [
        'content/bad-date.md:3: "date" is not a parsable date: "2023-02-30" '
        "(use ISO 8601, e.g. 2020-03-05T11:15:00+03:00)",
        'content/no-title.md:1: "title" is required',
    ]
    tags = {a.key: a.tags for a in result.articles}
    assert tags == {"good.md": ("Syria", "Turkey"), "single.md": ("Syria",)}


def test_body_line_and_crlf_and_bom(tmp_path: Path) -> None:
    raw = "\ufeff---\r\ntitle: T\r\ndate: 2020-01-01\r\n---\r\nBody\r\n"
    write_project(tmp_path)
    (tmp_path / "content" / "x.md").write_bytes(raw.encode("utf-8"))
    result = read_articles(tmp_path / "content", ZONE, tmp_path)
    assert not result.problems
    assert result.articles[0].body == "Body\n" and result.articles[0].body_line == 5


# -- site model -------------------------------------------------------------------------------

def model_of(tmp_path: Path, articles: dict[str, str], config: str = ""):
    config_path = write_project(tmp_path, config, articles)
    config_obj = load_config(config_path)
    read = read_articles(config_obj.content_dir, config_obj.tzinfo, tmp_path)
    assert not read.problems, read.problems
    return config_obj, build_site(config_obj, read.articles)


def test_model_sorts_newest_first_with_deterministic_ties(tmp_path: Path) -> None:
    _, site = model_of(tmp_path, {
        "b.md": article("B", "2020-01-01T10:00:00Z"),
        "a.md": article("A", "2020-01-01T13:00:00+03:00"),
        "c.md": article("C", "2021-01-01"),
    })
    assert [e.article.key for e in site.entries] == ["c.md", "a.md", "b.md"]


def test_model_indexes_tags_by_slug_and_paginates(tmp_path: Path) -> None:
    articles = {f"{i}.md": article(f"Article {i}", f"2020-01-{i + 1:02d}", "tags: [Syria]\n")
                for i in range(5)}
    articles["x.md"] = article("X", "2019-05-05", "tags: [syria]\n")
    _, site = model_of(tmp_path, articles, "per_page: 2\n")
    assert list(site.tags) == ["syria"] and len(site.tags["syria"].entries) == 6
    tag_pages = [p.path for p in site.pages if p.kind == "term" and p.taxonomy == "tags"]
    assert tag_pages == ["/tags/syria/", "/tags/syria/page/2/", "/tags/syria/page/3/"]
    assert [p.path for p in site.pages if p.kind == "year"] == ["/2020/", "/2020/page/2/",
                                                                 "/2020/page/3/", "/2019/"]


def test_model_refuses_two_articles_on_one_url(tmp_path: Path) -> None:
    with pytest.raises(SiteError) as caught:
        model_of(tmp_path, {"a/Foo.md": article("Same"), "b/foo.md": article("Same")})
    assert caught.value.lines() == [
        'content/b/foo.md:1: URL /2020/01/foo/ is also claimed by content/a/Foo.md:1 (give one of '
        'them its own "slug:")']


@pytest.mark.parametrize("slug", ["tags", "index", "search", "pagefind", "404", "page", "archives"])
def test_model_refuses_reserved_paths(tmp_path: Path, slug: str) -> None:
    with pytest.raises(SiteError) as caught:
        model_of(tmp_path, {"x.md": article("X", extra=f"slug: {slug}\n")}, "permalinks: /{slug}/\n")
    assert caught.value.lines()[0].startswith(f"content/x.md:4: URL /{slug}/ is reserved for ")


def test_sitemap_splits_past_the_limit(tmp_path: Path) -> None:
    config_path = write_project(tmp_path, articles={
        f"{i}.md": article(f"Article {i}", f"2020-02-{i + 1:02d}") for i in range(7)})
    config = load_config(config_path)
    read = read_articles(config.content_dir, config.tzinfo, tmp_path)
    site = build_site(config, read.articles, sitemap_max_urls=4)
    sitemaps = [p for p in site.pages if p.kind in ("sitemap", "sitemap_index")]
    assert [p.path for p in sitemaps] == ["/sitemap-1.xml", "/sitemap-2.xml", "/sitemap-3.xml",
                                          "/sitemap.xml"]
    # 7 articles, home, tag index, archives, one year, one month: 12 URLs in 3 files
    assert sum(len(p.entries) for p in sitemaps[:-1]) == 12


# -- CLI and end to end -----------------------------------------------------------------------

def test_version_and_help() -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["--version"]).output.strip() == f"archivegen, version {__version__}"
    for command in ([], ["build"], ["init"]):
        result = runner.invoke(main, [*command, "--help"])
        assert result.exit_code == 0 and "Usage:" in result.output


def test_init_creates_a_buildable_archive_and_refuses_non_empty(tmp_path: Path) -> None:
    runner = CliRunner()
    target = tmp_path / "my-archive"
    assert runner.invoke(main, ["init", str(target)]).exit_code == 0
    assert (target / "templates").is_dir() and (target / "site_config.yaml").is_file()
    report = build(BuildOptions(config_path=target / "site_config.yaml"))
    assert report.articles == 1 and (target / "site" / "index.html").is_file()
    again = runner.invoke(main, ["init", str(target)])
    assert again.exit_code == 1
    assert again.output.strip() == f"{target}: refusing to initialize: the folder exists and is not empty"


def test_drafts_only_with_flag(tmp_path: Path) -> None:
    config = write_project(tmp_path, articles={"d.md": article("D", extra="draft: true\n"),
                                                "p.md": article("P")})
    assert build(BuildOptions(config_path=config)).articles == 1
    assert build(BuildOptions(config_path=config, drafts=True)).articles == 2


def test_every_xml_file_parses_strictly(tmp_path: Path) -> None:
    config = write_project(tmp_path, articles={
        "x.md": article("Fish & <chips> ]]> \x0b end", extra='summary: "a & b < c ]]>"\n'
                                                            "source: javascript:alert(1)\n"),
        "y.md": article("Ünïcödé", extra="tags: [İstanbul, Ω]\n")})
    build(BuildOptions(config_path=config))
    xml_files = sorted((tmp_path / "site").rglob("*.xml"))
    assert len(xml_files) >= 5
    for path in xml_files:
        ET.parse(path)  # raises on any well-formedness error
    feed = (tmp_path / "site" / "feed.xml").read_text()
    assert "Fish &amp; &lt;chips&gt; ]]&gt; end" in feed and "javascript:" not in feed


def test_example_archive_seed_is_on_three_tag_pages(tmp_path: Path) -> None:
    repo = Path(__file__).resolve().parent.parent
    output = tmp_path / "site"
    build(BuildOptions(config_path=repo / "site_config.yaml", output_dir=output))
    for tag in ("syria", "turkey", "russia"):
        page = (output / "tags" / tag / "index.html").read_text()
        assert "Acute crisis in Syria&#39;s Idlib demanded our direct talks" in page


def test_parallel_reading_matches_serial_reading(tmp_path: Path, monkeypatch) -> None:
    from archivegen import parallel
    from archivegen.content import reader

    write_project(tmp_path, articles={
        **{f"{i:02d}.md": article(f"Article {i}", f"2020-01-{i % 28 + 1:02d}") for i in range(30)},
        "bad.md": article("Bad", date="yesterday"),
    })
    serial = read_articles(tmp_path / "content", ZONE, tmp_path, workers=1)
    real_fork_map = parallel.fork_map
    monkeypatch.setattr(reader, "fork_map", lambda *args, **kwargs: real_fork_map(
        *args, **{**kwargs, "min_items": 1, "chunk_size": 4}))
    forked = read_articles(tmp_path / "content", ZONE, tmp_path, workers=2)
    assert forked.articles == serial.articles and len(serial.articles) == 30
    assert forked.problems == serial.problems and len(serial.problems) == 1


def test_flatten_deep_html_keeps_text_and_forms_no_new_tags() -> None:
    from archivegen.render.markdown import MAX_HTML_DEPTH, flatten_deep_html, sanitize_html

    shallow = "<ul>" + "<li>item" * 5000 + "</ul>"  # implicitly closed siblings are not depth
    assert flatten_deep_html(shallow) == shallow
    deep = "<<div>div>" * 5000 + "text"
    flat = flatten_deep_html(deep)
    assert flat.count("<div>") == MAX_HTML_DEPTH and flat.endswith("text")
    assert "<div>" not in flat.replace("<div>", "", MAX_HTML_DEPTH)  # "<" + "div>" stays text
    assert sanitize_html("<b>" * 50_000 + "x").count("<b>") <= MAX_HTML_DEPTH
