"""Saved HTML pages -> article (``archivegen.importing.htmlpage``) and Markdown escaping (``markdown_text``).

Small handmade pages pin down each promise: structure survives as Markdown, nothing from the
page becomes markup it was not (scripts, javascript: links, "1." starts, raw HTML), the title
loses its site name, metadata comes from the page's own declarations, lying charsets still
decode, and pages without an article raise NoArticle instead of yielding an empty body. A few
corpus pages from ../shared are read in place as a check on real markup.
"""

from __future__ import annotations

import gzip
import html
import json
import re
from datetime import UTC, datetime, timedelta, timezone

import pytest

from archivegen.importing.extracted import NoArticle
from archivegen.importing.htmlpage import extract_html, extract_metadata, strip_site_name
from archivegen.importing.markdown_text import escape_text
from archivegen.render.markdown import MarkdownRenderer
from archivegen.text.decoding import decode_scraped
from tests.conftest import SHARED

RENDERER = MarkdownRenderer()
URL = "https://www.example-gazette.com/news/2024/budget-approved?utm_source=feed"

PARA = ("The committee met on Tuesday to discuss the new budget, which has been the subject of intense "
        "debate for several months among members of both parties and the wider public.")


def page(head: str = "", body: str = "", lang: str = "en") -> bytes:
    """A complete page: what a browser's "save as" writes, minus the noise."""
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">{head}</head>'
            f"<body>{body}</body></html>").encode()


ARTICLE = page(
    head="""<title>Council approves the new budget | Example Gazette</title>
    <meta property="og:site_name" content="Example Gazette">
    <link rel="canonical" href="/news/2024/budget-approved">
    <meta property="article:tag" content="Budget"><meta property="article:tag" content="Local politics">
    <meta name="keywords" content="budget, council , Budget, ">
    <script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",
     "headline": "Council approves the new budget", "datePublished": "2024-03-05T14:30:00+01:00",
     "author": [{"@type": "Person", "name": "Jane Doe"}, {"@type": "Person", "name": "John Roe"}],
     "keywords": ["Finance", "budget"]}</script>
    <script>var leaked = "SCRIPT-IN-HEAD";</script><style>p { color: red }</style>""",
    body=f"""<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav>
    <article><h1>Council approves the new budget</h1>
    <p>{PARA} The vote was <b>decisive</b> and <i>quick</i>. Read the <a href="/docs/budget.pdf">full
    budget</a> or <a href="javascript:alert(1)">click here</a>.</p>
    <h2>What changes</h2><p>{PARA}</p>
    <ul><li>More money for schools and libraries in every district</li>
        <li>Lower fees for small businesses in the centre</li><li>A new bus line to the hospital</li></ul>
    <p>{PARA}</p>
    <ol><li>First, the tax rate stays the same for all households</li>
        <li>Second, the reserve fund grows by two percent</li></ol>
    <blockquote><p>This is a budget for everyone who lives in this town, and we are proud of it.</p>
    </blockquote>
    <p>{PARA} 1. This sentence starts oddly # and has *stars* and &lt;script&gt;alert(1)&lt;/script&gt;.</p>
    <script>document.write("SCRIPT-IN-BODY")</script></article>
    <footer><p>Copyright 2024 Example Gazette.</p></footer>""")


def visible_text(fragment: str) -> str:
    """What a reader sees of rendered HTML: tags dropped, entities decoded, whitespace squashed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def same_words(rendered: str, text: str) -> bool:
    """Rendered HTML shows exactly ``text`` (whitespace aside: tags separate words differently)."""
    return "".join(html.unescape(re.sub(r"<[^>]+>", "", rendered)).split()) == "".join(text.split())


# -- body structure ----------------------------------------------------------------------------

def test_structure_survives_as_markdown() -> None:
    found = extract_html(ARTICLE, URL)
    body = found.body_markdown
    assert "## What changes" in body
    assert "- More money for schools and libraries in every district" in body
    assert "1. First, the tax rate stays the same for all households" in body
    assert "> This is a budget for everyone" in body
    assert "**decisive**" in body and "*quick*" in body
    assert "[full budget](https://www.example-gazette.com/docs/budget.pdf)" in body
    rendered = RENDERER.render(body)
    for tag in ("<h2", "<ul>", "<ol>", "<blockquote>", "<strong>", "<em>", '<a href="https://www.example'):
        assert tag in rendered


def test_body_text_is_the_same_content_as_plain_paragraphs() -> None:
    found = extract_html(ARTICLE, URL)
    assert found.body_text.split("\n\n")[0].startswith("The committee met on Tuesday")
    assert "What changes\n\n" in found.body_text and "**" not in found.body_text
    assert same_words(RENDERER.render(found.body_markdown), found.body_text)


def test_headline_is_not_repeated_in_the_body() -> None:
    found = extract_html(ARTICLE, URL)
    assert found.title == "Council approves the new budget"
    assert not found.body_text.startswith("Council approves")


def test_scripts_and_javascript_links_never_reach_the_body() -> None:
    found = extract_html(ARTICLE, URL)
    for output in (found.body_markdown, found.body_text):
        assert "SCRIPT-IN" not in output and "javascript:" not in output and "color: red" not in output
    assert "click here" in found.body_text  # the text of a dropped link stays
    rendered = RENDERER.render(found.body_markdown)
    assert "<script" not in rendered and "javascript:" not in rendered


def test_page_text_that_looks_like_markup_stays_text() -> None:
    found = extract_html(ARTICLE, URL)
    rendered = RENDERER.render(found.body_markdown)
    assert "<script>alert(1)</script>" in found.body_text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered
    assert "*stars*" in visible_text(rendered)
    assert "<em>stars</em>" not in rendered


def test_links_are_resolved_against_the_page_and_unsafe_schemes_dropped() -> None:
    body = f"""<article><p>{PARA} See <a href="../other">the other story</a>,
        <a href="data:text/html,x">data</a>, <a href="mailto:desk@example.org">the desk</a> and
        <a href="#top">the top</a>.</p><p>{PARA}</p></article>"""
    found = extract_html(page(body=body), "https://example.org/a/b/story.html")
    assert "[the other story](https://example.org/a/other)" in found.body_markdown
    assert "[the desk](mailto:desk@example.org)" in found.body_markdown
    assert "data:" not in found.body_markdown and "](#" not in found.body_markdown


# -- metadata ----------------------------------------------------------------------------------

def test_metadata_from_the_page_declarations() -> None:
    meta = extract_metadata(ARTICLE, URL)
    assert meta.title == "Council approves the new budget"
    assert meta.date == datetime(2024, 3, 5, 14, 30, tzinfo=timezone(timedelta(hours=1)))
    assert meta.authors == ("Jane Doe", "John Roe")
    assert meta.keywords == ("Finance", "budget", "Local politics", "council")
    assert meta.canonical_url == "https://www.example-gazette.com/news/2024/budget-approved"
    assert meta.language == "en"


@pytest.mark.parametrize(("title", "head", "url", "expected"), [
    ("Budget approved - Example Gazette", '<meta property="og:site_name" content="Example Gazette">', None,
     "Budget approved"),
    ("Example Gazette | Budget approved", '<meta name="application-name" content="Example Gazette">', None,
     "Budget approved"),
    ("Budget approved | Politics | Gazette", "", "https://www.gazette.co.uk/x", "Budget approved"),
    ("Putin - Erdogan talks end in a ceasefire", "", "https://news.example.org/x",
     "Putin - Erdogan talks end in a ceasefire"),
])
def test_site_name_is_cut_from_the_title(title: str, head: str, url: str | None, expected: str) -> None:
    assert extract_metadata(page(head=f"<title>{title}</title>{head}"), url).title == expected


def test_site_name_matching_is_general() -> None:
    czech = "Hlavní aktér prodává vilu"
    assert strip_site_name(f"{czech} - Seznam Zprávy", ["seznamzpravy"]) == czech
    assert strip_site_name("„Einsatz“ – Die Neue Südtiroler Tageszeitung", ["tageszeitung"]) == "„Einsatz“"
    assert strip_site_name("Only a headline", ["gazette"]) == "Only a headline"


def test_json_ld_headline_wins_over_social_title() -> None:
    head = """<title>Short SEO title - Gazette</title>
        <meta property="og:title" content="Click here to see why">
        <script type="application/ld+json">{"@type": "NewsArticle", "headline": "The real headline"}
        </script>"""
    assert extract_metadata(page(head=head)).title == "The real headline"


def test_displayed_headline_confirmed_by_og_title_beats_an_seo_headline() -> None:
    shown = "What the budget means"
    head = f"""<title>Best budget tips 2024 | Gazette</title><meta property="og:title" content="{shown}">
        <script type="application/ld+json">{{"@type": "NewsArticle", "headline": "Best budget tips 2024"}}
        </script>"""
    assert extract_metadata(page(head=head, body=f"<h1>{shown}</h1>")).title == shown


def test_canonical_url_falls_back_to_og_url_then_argument() -> None:
    og = '<meta property="og:url" content="https://example.org/og">'
    assert extract_metadata(page(head=og), "https://example.org/arg").canonical_url == "https://example.org/og"
    assert extract_metadata(page(), "https://example.org/arg").canonical_url == "https://example.org/arg"
    assert extract_metadata(page()).canonical_url == ""


def test_dates_keep_what_the_page_gave() -> None:
    naive = '<meta property="article:published_time" content="2023-07-01T09:15:00">'
    assert extract_metadata(page(head=naive)).date == datetime(2023, 7, 1, 9, 15)
    utc = ('<script type="application/ld+json">{"@type": "BlogPosting", "datePublished": "2021-12-31T23:30Z"}'
           "</script>")
    assert extract_metadata(page(head=utc)).date == datetime(2021, 12, 31, 23, 30, tzinfo=UTC)
    in_url = extract_metadata(page(body=f"<p>{PARA}</p>"), "https://example.org/2019/05/17/story.html")
    assert in_url.date == datetime(2019, 5, 17)


def test_authors_from_metas_and_bylines() -> None:
    head = '<meta name="author" content="By Jane Doe and John Roe">'
    assert extract_metadata(page(head=head)).authors == ("Jane Doe", "John Roe")
    newsroom = ('<meta property="og:site_name" content="Gazette">'
                '<script type="application/ld+json">{"@type": "NewsArticle", "author": {"name": "Gazette"}}'
                '</script><meta name="author" content="Ann Lee">')
    assert extract_metadata(page(head=newsroom)).authors == ("Ann Lee",)


def test_language_from_html_or_og_locale() -> None:
    assert extract_metadata(page(lang="de-DE")).language == "de"
    no_lang = b'<html><head><meta property="og:locale" content="pt_BR"></head><body></body></html>'
    assert extract_metadata(no_lang).language == "pt"


# -- encodings (CHECKLIST I3) -----------------------------------------------------------------

CYRILLIC_TITLE = "Путин и Эрдоган договорились о прекращении огня в Идлибе"
CYRILLIC_TEXT = ("Президент России Владимир Путин и президент Турции Реджеп Тайип Эрдоган провели в Кремле "
                 "переговоры, которые продолжались более шести часов. По их итогам стороны договорились о "
                 "прекращении огня в сирийской провинции Идлиб с полуночи пятницы. Кроме того, будет создан "
                 "коридор безопасности вдоль трассы, а с пятнадцатого марта начнётся совместное "
                 "патрулирование.")


def cyrillic_page(charset: str | None) -> str:
    meta = f'<meta charset="{charset}">' if charset else ""
    return (f"<!DOCTYPE html><html><head>{meta}<title>{CYRILLIC_TITLE}</title></head><body><article>"
            f"<h1>{CYRILLIC_TITLE}</h1><p>{CYRILLIC_TEXT}</p><p>{CYRILLIC_TEXT}</p></article></body></html>")


@pytest.mark.parametrize(("encoding", "declared"), [
    ("cp1251", "iso-8859-1"), ("cp1251", "utf-8"), ("cp1251", None),
    ("koi8-r", "windows-1251"), ("koi8-r", None), ("koi8-r", "koi8-r"),
])
def test_cyrillic_round_trips_whatever_the_page_declares(encoding: str, declared: str | None) -> None:
    found = extract_html(cyrillic_page(declared).encode(encoding))
    assert found.title == CYRILLIC_TITLE
    assert CYRILLIC_TEXT[:60] in found.body_text


def test_bom_and_control_characters() -> None:
    with_bom = b"\xef\xbb\xbf" + cyrillic_page("utf-8").encode()
    assert extract_html(with_bom).title == CYRILLIC_TITLE
    dirty = cyrillic_page("utf-8").replace("Кремле", "Крем\x00ле\x07\x1b").replace("Идлиб ", "Идлиб\x85 ")
    found = extract_html(dirty.encode())
    assert "Кремле" in found.body_text
    for output in (found.title, found.body_text, found.body_markdown):
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", output)
    assert "\ufeff" not in decode_scraped(with_bom)


def test_crlf_and_lone_surrogates_never_reach_the_output() -> None:
    head = ('<title>Line one\r\nline two</title><script type="application/ld+json">'
            '{"@type": "NewsArticle", "headline": "Broken \\ud83d emoji"}</script>')
    body = f"<article><p>{PARA}\n{PARA}</p><pre><code>first\nsecond</code></pre><p>{PARA}</p></article>"
    found = extract_html(page(head=head, body=body).replace(b"\n", b"\r\n"))  # every line ends in CRLF
    assert found.title == "Broken \ufffd emoji"
    for output in (found.title, found.description, found.body_markdown, found.body_text):
        assert "\r" not in output
        output.encode("utf-8")  # no lone surrogate: this would raise
    assert "```\nfirst\nsecond\n```" in found.body_markdown


def test_latin1_declaration_is_read_as_windows_1252() -> None:
    raw = page(head="<title>x</title>").replace(b"utf-8", b"iso-8859-1").replace(
        b"<body>", "<body><p>“Gänsefüßchen” – ça va</p>".encode("cp1252"))
    assert "“Gänsefüßchen” – ça va" in decode_scraped(raw)


# -- no article --------------------------------------------------------------------------------

NAVIGATION = page(body="<nav><ul>" + "".join(
    f'<li><a href="/story/{n}">Headline number {n} about something that happened today</a></li>'
    for n in range(30)) + "</ul></nav>")


@pytest.mark.parametrize("raw", [
    b"", b"   \n", b"<html></html>", b"<html><body><script>var x = 1;</script></body></html>",
    bytes(range(256)) * 40, b"\x89PNG\r\n\x1a\n" + bytes(2000), NAVIGATION,
], ids=["empty", "blank", "empty-html", "script-only", "binary", "png", "navigation"])
def test_pages_without_an_article_raise_no_article(raw: bytes) -> None:
    with pytest.raises(NoArticle, match="no article text found"):
        extract_html(raw, "https://example.org/")


def test_metadata_of_a_non_page_is_empty_not_an_error() -> None:
    meta = extract_metadata(bytes(range(256)) * 40, "https://example.org/x")
    assert (meta.title, meta.date, meta.authors, meta.canonical_url) == ("", None, (), "https://example.org/x")


# -- escape_text -------------------------------------------------------------------------------

NASTY = ["1. x", "# x", "<script>alert(1)</script>", "*a*", "[a](b)", "> q", "    code", "a\\b", "&amp;",
         "- item", "+ item", "1) x", "2020. A year", "---", "a\n---", "a\n===", "~~gone~~", "`code`",
         "| a | b |\n|---|---|", "Term\n: definition", "[^1]: note", "<http://example.org>", "_a_", "a_b_c",
         "![img](x.png)", "&#65; &copy; AT&T", "C# and F#", "closing #", "* * *", "<!-- comment -->", "\\",
         "a  \nb", "```\nfence\n```", "[x]: http://evil.example", "- [ ] task", "  - indented", ": x", "=",
         "Wow!", "x < y > z"]


@pytest.mark.parametrize("text", NASTY)
def test_escape_text_renders_as_the_literal_text(text: str) -> None:
    rendered = RENDERER.render(escape_text(text))
    assert visible_text(rendered) == " ".join(text.split())
    inner = re.sub(r"</?p>|<br ?/?>", "", rendered)
    assert "<" not in inner.replace("&lt;", ""), rendered  # no element at all besides paragraphs


def test_escape_text_removes_controls_and_keeps_word_separation() -> None:
    assert escape_text("a\x00b\x07c\r\nd") == "abc\nd"
    assert escape_text("word ") == "word " and escape_text(" word") == " word" and escape_text("  ") == " "


# -- corpus pages, read in place ---------------------------------------------------------------

CORPUS = SHARED / "corpus"


def corpus_page(*parts: str) -> bytes:
    path = CORPUS.joinpath(*parts)
    if not path.is_file():
        pytest.skip(f"{path} not available")
    return gzip.decompress(path.read_bytes())


def test_scrapinghub_page_body_matches_the_gold_start() -> None:
    truth_path = CORPUS / "scrapinghub-aeb" / "ground-truth.json"
    if not truth_path.is_file():
        pytest.skip("scrapinghub corpus not available")
    doc_id = "1ace8c85aaee21b9d4505eca506d50c4721c29db62848b567a9703bfe0583892"
    gold = json.loads(truth_path.read_text(encoding="utf-8"))[doc_id]
    found = extract_html(corpus_page("scrapinghub-aeb", "html", f"{doc_id}.html.gz"), gold["url"])
    first = gold["articleBody"].split("\n")[0]
    assert " ".join(found.body_text.split()).startswith(" ".join(first.split()))
    assert "[Reuters](https://www.reuters.com/" in found.body_markdown
    assert same_words(RENDERER.render(found.body_markdown), found.body_text)


def test_latin1_corpus_page_keeps_its_umlauts() -> None:
    found = extract_html(corpus_page("trafilatura-eval", "eval", "winfuture.de-NASA.html.gz"))
    assert "ä" in found.body_text or "ü" in found.body_text or "ö" in found.body_text
    assert "\ufffd" not in found.body_text and "Ã" not in found.body_text


def test_fundus_page_metadata() -> None:
    raw = corpus_page("fundus-testdata", "test_data", "uk", "TheTelegraph_2023_08_30.html.gz")
    found = extract_metadata(raw)
    assert found.date is not None and found.date.strftime("%Y-%m-%d") == "2023-08-30"
    assert found.date.utcoffset() == timedelta(hours=1)


def test_emphasis_at_the_very_end_of_a_paragraph_is_kept() -> None:
    """Regression: a closing delimiter with nothing after it was taken for a clash and dropped."""
    from archivegen.importing.htmlfragment import fragment_to_markdown

    markdown = fragment_to_markdown("<p>more <b>bold</b></p><p>and <em>italic</em></p>")
    assert markdown == "more **bold**\n\nand *italic*"
