"""Feeds carry text, never live markup (CHECKLIST X6; issue 13 item 5).

Every text field of every feed (the site's Atom ``feed.xml`` and RSS ``rss.xml``, and each
tag's Atom feed) is read back the way a feed reader reads it, with feedparser: a field typed
HTML is rendered (parsed as HTML), one typed text is taken as it is. Either way no element or
attribute may arrive, and what the reader shows must be exactly the characters the author
wrote: ``AT&T <b>`` reads ``AT&T <b>``, neither bold nor ``AT&amp;T``.

RSS has no way to say "this is text", and readers render its title and description as HTML,
so the test also reads the raw XML: after XML parsing, an RSS text element holds no ``<``
(whatever a reader does with it, nothing becomes a tag) and its HTML rendering is the original.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

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
