"""JSON input: markup in titles and summaries becomes text, summaries a source cut short are
ended properly, and every problem of a dump is ``file:LINE: message``.

The cut summaries are real: the scrapinghub benchmark's Nigerian Senate page (read in place
from ../shared/corpus) cuts its meta description at 155 characters, "...since resumption o",
and its og:description at 200, "...House of Representat".
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from archivegen.content.summary import repair_cut, shorten, summarize
from archivegen.importing.htmlfragment import fragment_text
from archivegen.render.markdown import MarkdownRenderer
from tests.conftest import SHARED
from tests.test_import import WORDS, Archive

AEB = SHARED / "corpus" / "scrapinghub-aeb"
SENATE = "0dd1357045727799a447563fd8851f4ebe79f042073ea16991a9b67aa595f81a"


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    return Archive(tmp_path / "archive")


def _senate() -> tuple[list[str], str]:
    """The page's descriptions and its gold body text."""
    page = AEB / "html" / f"{SENATE}.html.gz"
    if not page.exists():  # pragma: no cover
        pytest.skip(f"{page} is not here")
    html = gzip.decompress(page.read_bytes()).decode("utf-8")
    descriptions = re.findall(r'<meta[^>]*description" content="([^"]*)"', html)
    body = json.loads((AEB / "ground-truth.json").read_text(encoding="utf-8"))[SENATE]["articleBody"]
    return [" ".join(d.split()) for d in descriptions], body


def test_markup_in_a_records_title_and_summary_is_text(archive: Archive) -> None:
    record = {"title": "City council approves new <b>library</b> budget", "text": WORDS * 3,
              "summary": "<p>The <i>council</i> voted 7&ndash;2.</p><p>Work starts in May.</p>",
              "date": "2021-01-12"}
    result = archive.run(archive.write("d.json", json.dumps(record)))
    assert result.returncode == 0, result.stderr
    [(path, text)] = archive.content().items()
    assert path == "2021/city-council-approves-new-library-budget.md"
    assert b'title: "City council approves new library budget"\n' in text
    assert 'summary: "The council voted 7–2. Work starts in May."\n'.encode() in text


@pytest.mark.parametrize(("raw", "text"), [
    ("City council approves new <b>library</b> budget", "City council approves new library budget"),
    ("Why <div> tags matter", "Why <div> tags matter"),  # no markup: a headline about HTML
    ("Tom &amp; Jerry", "Tom & Jerry"),
    ("Line<br>break <script>alert(1)</script>", "Line break"),
])
def test_fragment_text(raw: str, text: str) -> None:
    assert fragment_text(raw) == text


def test_real_descriptions_cut_mid_word_end_on_a_word_with_an_ellipsis() -> None:
    descriptions, body = _senate()
    repaired = {repair_cut(description, body) for description in descriptions}
    assert all(text.endswith("…") for text in repaired), repaired
    assert any(text.endswith("the Senate since resumption…") for text in repaired), repaired
    assert any(text.endswith("former House of…") for text in repaired), repaired


def test_a_cut_description_is_repaired_on_import(archive: Archive) -> None:
    descriptions, body = _senate()
    cut = next(d for d in descriptions if d.endswith("resumption o"))
    record = {"title": "Senate adjourns plenary", "text": body, "summary": cut, "date": "2018-06-12"}
    assert archive.run(archive.write("d.jsonl", json.dumps(record) + "\n")).returncode == 0
    [article] = archive.articles().values()
    assert article.summary.endswith("since resumption…")


@pytest.mark.parametrize(("summary", "body", "expected"), [
    ("A whole sentence.", "A whole sentence. More.", "A whole sentence."),
    ("Lacks its full stop", "Lacks its full stop. Next.", "Lacks its full stop"),  # not damaged
    ("One. Two is cut in the midd", "One. Two is cut in the middle of a word.", "One. Two is cut in the…"),
    ("Already marked […]", "Already marked and more.", "Already marked […]"),
    ("First sentence here is long enough. Then a cut aft", "First sentence here is long enough. "
     "Then a cut after it.", "First sentence here is long enough."),
])
def test_repair_cut(summary: str, body: str, expected: str) -> None:
    assert repair_cut(summary, body) == expected


def test_one_summary_rule_for_build_and_import() -> None:
    """The build's cache and the import derive summaries with the same function."""
    from archivegen.importing import document
    from archivegen.render import markdown_cache

    assert document.summarize is markdown_cache.summarize is summarize
    html = MarkdownRenderer().render("By Jane Doe\n\n" + "The council met on Tuesday. " * 20)
    assert summarize(html).startswith("The council met")  # a byline line is passed over
    html = MarkdownRenderer().render("Short first sentence.\n\nSecond paragraph.")
    assert summarize(html) == "Short first sentence. Second paragraph."
    assert shorten("word " * 100, 20) == "word word word word…"


def test_every_dump_problem_is_file_line_and_a_whole_sentence(archive: Archive) -> None:
    good = json.dumps({"title": "Good record", "text": WORDS * 2, "date": "2021-01-12"})
    archive.write("d.jsonl", good + "\n\n" + '{"title": "Two", "text": "x" "date": "2021"}\n'
                  + "[1, 2]\n" + '{"title": "Open, "text": "x"}\n')
    archive.write("d.json", "[\n  " + good + ",\n  5,\n\n  {\n    \"title\": \"No body\"\n  }\n]\n")
    archive.write("w.json", '{"articles": [\n' + good.replace("Good", "Other") + ",\n  \"x\"]}\n")
    archive.write("bad.json", '{\n  "title": "x",\n  "text": \n}\n')
    result = archive.run("inputs/d.jsonl", "inputs/d.json", "inputs/w.json", "inputs/bad.json")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "inputs/d.jsonl:3: invalid JSON at column 30: a comma is missing between two items",
        "inputs/d.jsonl:4: expected a JSON object, got a list",
        "inputs/d.jsonl:5: invalid JSON at column 19: a comma is missing between two items",
        "inputs/d.json:3: expected a JSON object, got a number",
        "inputs/d.json:5: no body text (looked for body, text, content, articleBody, article_body, "
        "body_text, maintext, main_text, body_paragraphs, paragraphs, article)",
        "inputs/w.json:3: expected a JSON object, got a string",
        "inputs/bad.json:4: invalid JSON at column 1: a value (a string, number, object, array, "
        "true, false or null) is missing",
    ]
    assert "record" not in result.stdout + result.stderr
