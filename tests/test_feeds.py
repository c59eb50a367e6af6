"""Feeds carry text, never live markup (CHECKLIST X6; issue 13 item 5).

Every text field of every feed (the site's Atom ``feed.xml`` and RSS ``rss.xml``, and each
tag's Atom feed) is read back the way a feed reader reads it, with feedparser: a field typed
HTML is rendered (parsed as HTML), one typed text is taken as it is. Either way no element or
attribute may arrive, and what the reader shows must be exactly the characters the author
wrote: ``AT&T <b>`` reads ``AT&T <b>``, neither bold nor ``AT&amp;T``.

RSS has no way to say "this is text", and readers render its title and description as HTML,
so the test also reads the raw XML: after XML parsing, an RSS text element holds no ``<``
(whatever a reader does with it, nothing becomes a tag) and its HTML rendering is the original.

The JSON Feeds (``feed.json`` beside each Atom feed, issue 17 item 8) are checked against the
JSON Feed 1.1 spec (no released feedparser reads them) and carry the same text: their content
is ``content_text``, never ``content_html``, and no ``<`` is left unescaped in their bytes.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import datetime
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.projects import CONFIG, article, make_archive

feedparser = pytest.importorskip("feedparser")

_SCRIPTS_DIR = Path(sys.executable).parent
ARCHIVEGEN = str(_SCRIPTS_DIR / "archivegen") if (_SCRIPTS_DIR / "archivegen").exists() \
    else shutil.which("archivegen")

HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<script>alert(1)</script>",
    "&lt;b&gt;",
    "]]>",
    "&amp;",
    "AT&T <b>",
    "Tom's \"quoted\" <i>word</i> & more",
]
SITE_TITLE = "Archive <b>AT&T</b> &amp; <img src=x onerror=alert(1)>"
SITE_DESCRIPTION = "News <svg onload=alert(1)> &lt;i&gt; ]]>"
SITE_AUTHOR = "Desk <script>alert(1)</script> &amp;"
BODY_ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"  # Markdown text; the derived summary unescapes it


class _Rendered(HTMLParser):
    """What a reader shows for an HTML field: its text, and any element it would create."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(tag)

    def handle_endtag(self, tag: str) -> None:
        self.elements.append("/" + tag)

    def handle_comment(self, data: str) -> None:
        self.elements.append("!--")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def shown(value: str, content_type: str) -> str:
    """The text a reader displays for ``value``; fails if it would create any element."""
    if content_type not in ("text/html", "application/xhtml+xml"):
        return value
    rendered = _Rendered()
    rendered.feed(value)
    rendered.close()
    assert rendered.elements == [], f"markup arrives in a feed field: {value!r}"
    return "".join(rendered.text)


def field(holder: feedparser.FeedParserDict, name: str) -> str:
    detail = holder[f"{name}_detail"]
    return shown(holder[name], detail["type"])


def one_line(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("feeds")
    (root / "site_config.yaml").write_text(
        f"title: {json.dumps(SITE_TITLE)}\nbase_url: https://example.org/archive/\n"
        f"description: {json.dumps(SITE_DESCRIPTION)}\nauthor: {json.dumps(SITE_AUTHOR)}\n",
        encoding="utf-8")
    content = root / "content"
    content.mkdir()
    for number, text in enumerate(HOSTILE):
        (content / f"a{number}.md").write_text(
            f"---\ntitle: {json.dumps('Title ' + text)}\ndate: 2021-01-{number + 1:02d}T10:00:00Z\n"
            f"summary: {json.dumps('Summary ' + text)}\nauthors: [{json.dumps('Author ' + text)}]\n"
            f"tags: [{json.dumps(f'Tag {number} {text}')}]\nslug: article-{number}\n---\n\nBody {number}.\n",
            encoding="utf-8")
    (content / "derived.md").write_text(
        f"---\ntitle: Derived summary\ndate: 2021-02-01T10:00:00Z\ntags: [Derived]\n---\n\n"
        f"{BODY_ESCAPED} and <b>AT&amp;T</b>\n", encoding="utf-8")
    done = subprocess.run([ARCHIVEGEN, "build"], cwd=root, capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr.decode()
    return root / "site"


def expected_entries() -> dict[str, dict[str, object]]:
    """Entry title -> the fields a reader must show for it."""
    entries: dict[str, dict[str, object]] = {
        f"Title {text}": {"summary": f"Summary {text}", "authors": [f"Author {text}"],
                          "tags": [f"Tag {number} {text}"]}
        for number, text in enumerate(HOSTILE)}
    entries["Derived summary"] = {"summary": "<img src=x onerror=alert(1)> and AT&T", "authors": [],
                                  "tags": ["Derived"]}
    return entries


def feeds(site: Path) -> list[Path]:
    found = [site / "feed.xml", site / "rss.xml", *sorted((site / "tags").glob("*/feed.xml"))]
    assert len(found) == 2 + len(HOSTILE) + 1
    return found


def test_X6_every_feed_field_reads_back_as_the_exact_text(site: Path) -> None:
    expected = expected_entries()
    for path in feeds(site):
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        is_tag_feed = path.parent.parent.name == "tags"
        feed_title = field(parsed.feed, "title")
        if is_tag_feed:
            assert feed_title.startswith(SITE_TITLE + ": "), (path, feed_title)
        else:
            assert feed_title == SITE_TITLE, (path, feed_title)
            assert one_line(field(parsed.feed, "subtitle")) == SITE_DESCRIPTION, path
        if path.name == "feed.xml" and not is_tag_feed:
            assert [shown(a["name"], "text/plain") for a in parsed.feed.authors] == [SITE_AUTHOR]
        assert parsed.entries, path
        for entry in parsed.entries:
            title = field(entry, "title")
            assert title in expected, (path, title)
            want = expected[title]
            assert field(entry, "summary") == want["summary"], (path, title)
            names = [tag.get("label") or tag["term"] for tag in entry.get("tags", [])]
            assert names == want["tags"], (path, title, entry.get("tags"))
            if parsed.version.startswith("atom"):
                authors = [author["name"] for author in entry.get("authors", [])]
                assert authors == want["authors"], (path, title)
            for part in entry.get("content", []):
                shown(part["value"], part["type"])
        if is_tag_feed:
            assert feed_title == f"{SITE_TITLE}: {parsed.entries[0].get('tags')[0]['label']}"


def test_X6_rss_text_holds_no_markup_for_a_reader_that_renders_html(site: Path) -> None:
    """Readers differ on whether an RSS title is HTML; escaped twice, both readings are safe."""
    channel = ET.parse(site / "rss.xml").getroot().find("channel")
    assert channel is not None
    texts = [channel.findtext("title"), channel.findtext("description")]
    expected = expected_entries()
    for item in channel.iter("item"):
        title, description = item.findtext("title") or "", item.findtext("description") or ""
        texts += [title, description]
        assert unescape(title) in expected
        assert unescape(description) == expected[unescape(title)]["summary"]
        assert [c.text for c in item.iter("category")] == expected[unescape(title)]["tags"]
    assert unescape(texts[0] or "") == SITE_TITLE
    assert one_line(unescape(texts[1] or "")) == SITE_DESCRIPTION
    for text in texts:
        assert text and "<" not in text, text  # rendered as HTML, it is text: no element can start


# -- JSON Feed 1.1 (issue 17 item 8) -------------------------------------------------------------

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
_FEED_KEYS = {"version", "title", "home_page_url", "feed_url", "description", "user_comment", "next_url",
              "icon", "favicon", "authors", "language", "expired", "hubs", "items"}
_ITEM_KEYS = {"id", "url", "external_url", "title", "content_html", "content_text", "summary", "image",
              "banner_image", "date_published", "date_modified", "authors", "tags", "language",
              "attachments"}


def _is_url(value: object) -> bool:
    return isinstance(value, str) and value.startswith(("https://", "http://")) and " " not in value


def _check_authors(authors: object) -> None:
    assert isinstance(authors, list) and authors, authors
    for author in authors:  # "must have at least one key" of name, url, avatar
        assert isinstance(author, dict) and author and set(author) <= {"name", "url", "avatar"}, author
        assert all(isinstance(value, str) and value for value in author.values()), author


def check_json_feed(feed: object) -> None:
    """What https://www.jsonfeed.org/version/1.1/ requires of a feed (feedparser 6.0, the
    latest release, reads no JSON Feed, so the spec is checked here): the required keys and
    the type of every key present; extensions would start with '_'."""
    assert isinstance(feed, dict)
    assert feed["version"] == JSON_FEED_VERSION
    assert isinstance(feed["title"], str) and feed["title"]
    assert isinstance(feed["items"], list)
    assert {key for key in feed if not key.startswith("_")} <= _FEED_KEYS, set(feed) - _FEED_KEYS
    for key in ("home_page_url", "feed_url"):
        if key in feed:
            assert _is_url(feed[key]), (key, feed[key])
    for key in ("description", "language"):
        if key in feed:
            assert isinstance(feed[key], str), key
    if "authors" in feed:
        _check_authors(feed["authors"])
    ids = []
    for item in feed["items"]:
        assert isinstance(item, dict)
        assert {key for key in item if not key.startswith("_")} <= _ITEM_KEYS, set(item) - _ITEM_KEYS
        assert isinstance(item["id"], str) and item["id"], item  # required
        ids.append(item["id"])
        assert "content_html" in item or "content_text" in item, item  # one of them is required
        for key in ("title", "content_html", "content_text", "summary", "language"):
            if key in item:
                assert isinstance(item[key], str), (key, item)
        if "url" in item:
            assert _is_url(item["url"]), item
        for key in ("date_published", "date_modified"):  # RFC 3339, with an offset
            if key in item:
                assert datetime.fromisoformat(item[key]).utcoffset() is not None, (key, item)
        if "tags" in item:
            assert isinstance(item["tags"], list) and all(isinstance(t, str) for t in item["tags"])
        if "authors" in item:
            _check_authors(item["authors"])
    assert len(ids) == len(set(ids)), "item ids must be unique"


def json_feeds(site: Path) -> list[Path]:
    found = [site / "feed.json", *sorted((site / "tags").glob("*/feed.json"))]
    assert len(found) == 1 + len(HOSTILE) + 1
    return found


def test_X6_json_feeds_follow_the_spec_and_carry_every_field_as_the_exact_text(site: Path) -> None:
    expected = expected_entries()
    for path in json_feeds(site):
        raw = path.read_bytes()
        assert b"<" not in raw, path  # every < is \u003c: no markup, and nothing closes a <script>
        feed = json.loads(raw)
        check_json_feed(feed)
        is_tag_feed = path.parent.parent.name == "tags"
        assert feed["feed_url"] == "https://example.org/archive/" + path.relative_to(site).as_posix()
        assert feed["authors"] == [{"name": SITE_AUTHOR}]
        if is_tag_feed:
            tag = path.parent.name
            assert feed["home_page_url"] == f"https://example.org/archive/tags/{tag}/"
            assert feed["title"] == f"{SITE_TITLE}: {feed['items'][0]['tags'][0]}"
        else:
            assert feed["home_page_url"] == "https://example.org/archive/"
            assert (feed["title"], feed["description"]) == (SITE_TITLE, SITE_DESCRIPTION)
        assert feed["items"], path
        for item in feed["items"]:
            want = expected[item["title"]]
            assert "content_html" not in item  # text, as the Atom feed's summary: never rendered
            assert item["content_text"] == item["summary"] == want["summary"], item
            assert [author["name"] for author in item.get("authors", [])] == want["authors"]
            assert item["tags"] == want["tags"]


def test_json_feeds_are_the_atom_feeds_entries_with_the_same_ids(site: Path) -> None:
    """Bounded like the Atom feeds (``feed_items``), the same articles in the same order, under
    the same stable ids (a reader switching formats sees no article twice)."""
    for path in json_feeds(site):
        atom = feedparser.parse((path.parent / "feed.xml").read_bytes())
        items = json.loads(path.read_bytes())["items"]
        assert [(item["id"], item["url"]) for item in items] == \
            [(entry.id, entry.link) for entry in atom.entries], path
        assert [item["date_modified"] for item in items] == [entry.updated for entry in atom.entries]


def test_pages_link_the_json_feeds_from_their_head(site: Path) -> None:
    home = (site / "index.html").read_text(encoding="utf-8")
    head = home[: home.index("</head>")]
    assert '<link rel="alternate" type="application/feed+json"' in head
    assert 'href="/archive/feed.json"' in head
    tag = next((site / "tags").glob("*/index.html"))
    head = tag.read_text(encoding="utf-8").split("</head>")[0]
    assert f'href="/archive/tags/{tag.parent.name}/feed.json"' in head


def test_a_json_feed_is_bounded_by_feed_items(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        f"content/a{n}.md": article(f"Article {n}", f"2021-01-0{n + 1}T10:00:00Z", tags=["Port"])
        for n in range(5)}
    archive = make_archive(tmp_path, files, CONFIG + "feed_items: 2\n")
    archive.build()
    for path in (archive.site / "feed.json", archive.site / "tags" / "port" / "feed.json"):
        feed = json.loads(path.read_bytes())
        check_json_feed(feed)
        assert [item["title"] for item in feed["items"]] == ["Article 4", "Article 3"]
        assert "authors" not in feed["items"][0]  # none of its own: the feed's authors stand
        assert feed["authors"] == [{"name": "Test archive"}]  # no author: the site's title
