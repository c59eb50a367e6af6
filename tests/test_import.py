"""``archivegen import`` end to end: real files in a temporary archive, the real console script.

The CHECKLIST rows I1-I6 are here by id, together with the promises of the import issue: the
seed becomes exactly its article, re-importing changes nothing, no import overwrites a
different article, and every bad input is a one-line error naming the file (and line).
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
import yaml

from archivegen.config.loader import load_config
from archivegen.content.reader import read_articles
from archivegen.content.slugs import make_slug
from archivegen.importing.dates import parse_loose_date
from archivegen.importing.document import yaml_string
from archivegen.importing.jsondump import Record, read_jsonl
from archivegen.importing.sources import InputFile, read_piece, split_dumps
from archivegen.importing.tagging import merge_tags, rule_tags
from tests.conftest import SHARED, tree_bytes

_SCRIPTS_DIR = Path(sys.executable).parent
ARCHIVEGEN = str(_SCRIPTS_DIR / "archivegen") if (_SCRIPTS_DIR / "archivegen").exists() \
    else shutil.which("archivegen")
if ARCHIVEGEN is None:  # pragma: no cover
    pytest.skip("the archivegen console script is not installed", allow_module_level=True)

SEED = SHARED / "seeds" / "000_97907ec7cde03577.txt"
FUNDUS = SHARED / "corpus" / "fundus-testdata" / "expected.jsonl"
CONFIG = """title: Import test
base_url: https://example.org/
timezone: UTC
tags:
  Syria: [Syria, Syrian*, Damascus, Idlib, Assad]
  Turkey: [Turkey, Turkish, Ankara, Erdogan]
  Russia: [Russia, Russian*, Moscow, Kremlin, Putin]
  Energy:
    keywords: [gas, oil, pipeline*]
    min_mentions: 2
import:
  source_timezone: Europe/Moscow
"""
SEED_TITLE = ("Acute crisis in Syria's Idlib demanded our direct talks, Putin says as he meets "
              "Erdogan in Moscow")
WORDS = ("The committee met again on Tuesday to discuss the plan, and members said the talks had "
         "been useful but that much work remained before any agreement could be signed. ")
ERROR_LINE = re.compile(r"[^\s:][^:]*(:\d+)?(?: record \d+)?: \S.*")


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


class Archive:
    """A temporary archive with the test config; runs the real console script inside it."""

    def __init__(self, root: Path, config: str = CONFIG):
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        (root / "site_config.yaml").write_text(config, encoding="utf-8")
        (root / "content").mkdir(exist_ok=True)

    def write(self, relative: str, data: str | bytes) -> Path:
        path = self.root / "inputs" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            data = data.encode("utf-8")
        path.write_bytes(data)
        return path

    def run(self, *args: str | Path) -> Result:
        done = subprocess.run([ARCHIVEGEN, "import", *map(str, args)], cwd=self.root,
                              capture_output=True, timeout=300)
        result = Result(done.returncode, done.stdout.decode(), done.stderr.decode())
        assert "Traceback" not in result.stderr, result.stderr
        return result

    def content(self) -> dict[str, bytes]:
        return tree_bytes(self.root / "content")

    def mtimes(self) -> dict[str, int]:
        return {path.relative_to(self.root).as_posix(): path.stat().st_mtime_ns
                for path in (self.root / "content").rglob("*") if path.is_file()}

    def articles(self) -> dict[str, object]:
        config = load_config(self.root / "site_config.yaml")
        result = read_articles(config.content_dir, config.tzinfo, self.root)
        assert not result.problems, [str(problem) for problem in result.problems]
        return {article.key: article for article in result.articles}


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    return Archive(tmp_path / "archive")


def text_dump(title: str, dateline: str = "12 Jan, 2021 09:30", paragraphs: int = 4,
              extra: str = "") -> str:
    body = "\n\n".join(f"{WORDS}{extra}Paragraph {n} adds its own point number {n}."
                       for n in range(paragraphs))
    return f"Home News World Business Sport\n{dateline}\n\n{title}\n\n{body}\n\nShare this story!\n"


def html_page(title: str, body_paragraphs: list[str], charset: str = "utf-8", meta_charset: str | None = None,
              url: str = "https://news.example.com/2021/01/12/story") -> str:
    paragraphs = "\n".join(f"<p>{text}</p>" for text in body_paragraphs)
    declared = f'<meta charset="{meta_charset or charset}">' if meta_charset != "" else ""
    return f"""<!DOCTYPE html><html lang="en"><head>{declared}
<title>{title} | Example News</title>
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="Example News">
<meta property="article:published_time" content="2021-01-12T09:30:00+00:00">
<meta name="author" content="Jane Reporter">
<meta name="keywords" content="Politics, Diplomacy">
<link rel="canonical" href="{url}">
</head><body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>{title}</h1>{paragraphs}</article>
<footer>© Example News. All rights reserved.</footer></body></html>"""


# -- the seed ---------------------------------------------------------------------------------

@pytest.mark.skipif(not SEED.exists(), reason="../shared/seeds missing")
def test_seed_imports_to_exactly_its_article_and_again_changes_nothing(archive: Archive) -> None:
    first = archive.run(SEED)
    assert first.returncode == 0, first.stderr
    files = list((archive.root / "content").rglob("*.md"))
    assert [path.relative_to(archive.root).as_posix() for path in files] == [
        "content/2020/acute-crisis-in-syrias-idlib-demanded-our-direct-talks-putin-says-as-he-meets-"
        "erdogan-in-moscow.md"]
    (article,) = archive.articles().values()
    assert article.title == SEED_TITLE
    assert article.date.isoformat() == "2020-03-05T08:15:00+00:00"  # read back in the site's UTC
    assert "\ndate: 2020-03-05T11:15:00+03:00\n" in files[0].read_text(encoding="utf-8")
    assert article.tags == ("Syria", "Turkey", "Russia")
    body = article.body.strip()
    assert body.startswith("Dozens of Turkish troops died in a Syrian airstrike")
    assert body.rstrip().endswith("set their hopes high for the meeting in Moscow.")
    assert "Now the situation in the well-known zone in Idlib has become so grave" in body
    assert SEED_TITLE not in body
    for junk in ("bookmark", "Also on rt.com", "Share this story", "Think your friends"):
        assert junk not in body
    assert article.summary.startswith("Dozens of Turkish troops died")
    before, mtimes = archive.content(), archive.mtimes()
    second = archive.run(SEED)
    assert second.returncode == 0
    assert "1 unchanged" in second.stdout
    assert archive.content() == before and archive.mtimes() == mtimes


# -- I1: re-importing any form changes nothing ------------------------------------------------

@pytest.mark.parametrize("form", ["txt", "html", "json", "jsonl"])
def test_I1_reimport_is_unchanged(archive: Archive, form: str) -> None:
    title = "Council approves the new harbour budget"
    paragraphs = [f"{WORDS} Point {n}." for n in range(4)]
    if form == "txt":
        source = archive.write("a.txt", text_dump(title))
    elif form == "html":
        source = archive.write("a.html", html_page(title, paragraphs))
    else:
        record = {"title": title, "body": "\n\n".join(paragraphs), "date": "2021-01-12T09:30:00Z",
                  "url": "https://news.example.com/a"}
        text = json.dumps(record) + "\n" if form == "jsonl" else json.dumps([record])
        source = archive.write(f"a.{form}", text)
    first = archive.run(source)
    assert first.returncode == 0, first.stderr
    assert "1 imported" in first.stdout
    before, mtimes = archive.content(), archive.mtimes()
    assert len(before) == 1
    second = archive.run(source)
    assert second.returncode == 0, second.stderr
    assert "1 unchanged" in second.stdout
    assert archive.content() == before and archive.mtimes() == mtimes


@pytest.mark.parametrize("language", ["no", "on", "yes"])
def test_a_language_code_yaml_reads_as_another_type_is_quoted(archive: Archive, language: str) -> None:
    """Norwegian is "no", which unquoted YAML reads as false: the import crashed on re-reading
    the file it wrote (found importing the fundus corpus's Norwegian pages)."""
    record = {"title": "Budsjettet er vedtatt", "body": "\n\n".join(f"{WORDS} Punkt {n}." for n in range(4)),
              "date": "2021-01-12T09:30:00Z", "url": "https://news.example.no/a", "language": language}
    result = archive.run(archive.write("a.json", json.dumps([record])))
    assert result.returncode == 0, result.stderr
    assert [a.language for a in archive.articles().values()] == [language]


def test_I1_changed_tag_rules_do_not_rewrite_an_imported_article(archive: Archive) -> None:
    source = archive.write("a.txt", text_dump("Talks in Damascus resume", extra="Syria. "))
    assert archive.run(source).returncode == 0
    before = archive.content()
    config = archive.root / "site_config.yaml"
    config.write_text(CONFIG.replace("Syria: [", "Levant: ["), encoding="utf-8")
    again = archive.run(source)
    assert "1 unchanged" in again.stdout and archive.content() == before
    updated = archive.run("--update", source)
    assert "1 updated" in updated.stdout
    (article,) = archive.articles().values()
    assert "Levant" in article.tags


# -- I2: a different article with the same headline ---------------------------------------------

def test_I2_same_headline_gets_a_new_deterministic_name(archive: Archive) -> None:
    first = archive.write("one.txt", text_dump("Storm closes the port", extra="First story. "))
    second = archive.write("two.txt", text_dump("Storm closes the port", extra="Another story. "))
    assert archive.run(first).returncode == 0
    original = archive.content()
    result = archive.run(second)
    assert result.returncode == 0, result.stderr
    assert "1 renamed" in result.stdout
    assert "content/2021/storm-closes-the-port.md" in result.stdout  # both paths reported
    assert "content/2021/storm-closes-the-port-2021-01-12.md" in result.stdout
    after = archive.content()
    assert {k: v for k, v in after.items() if k in original} == original
    articles = archive.articles()
    assert sorted(a.slug for a in articles.values()) == ["storm-closes-the-port",
                                                         "storm-closes-the-port-2021-01-12"]
    again = archive.run(first, second)
    assert "2 unchanged" in again.stdout and archive.content() == after
    third = archive.write("three.txt", text_dump("Storm closes the port", extra="A third one. "))
    assert "1 renamed" in archive.run(third).stdout
    assert len(archive.content()) == 3


def test_same_article_twice_in_one_run_is_written_once(archive: Archive) -> None:
    record = {"title": "Ferry timetable changes", "text": WORDS * 3, "date": "2021-02-01"}
    dump = archive.write("d.jsonl", json.dumps(record) + "\n" + json.dumps(record) + "\n")
    result = archive.run(dump)
    assert "1 imported, 1 unchanged" in result.stdout
    assert len(archive.content()) == 1


# -- issue 13 item 11: a free file name is not a free URL --------------------------------------

def build(archive: Archive) -> Result:
    done = subprocess.run([ARCHIVEGEN, "build"], cwd=archive.root, capture_output=True, timeout=300)
    return Result(done.returncode, done.stdout.decode(), done.stderr.decode())


def test_11_url_used_by_a_hand_written_slug_takes_the_next_name(archive: Archive) -> None:
    hand = archive.root / "content" / "2021" / "hand.md"
    hand.parent.mkdir()
    hand.write_text("---\ntitle: Written by hand\ndate: 2021-01-05\nslug: storm-closes-the-port\n---\n\n"
                    "A note.\n", encoding="utf-8")
    archive.write("one.txt", text_dump("Storm closes the port"))
    before = archive.content()
    result = archive.run("inputs/one.txt")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines()[0] == (
        "inputs/one.txt: wrote content/2021/storm-closes-the-port-2021-01-12.md "
        "(/2021/01/storm-closes-the-port/ is the URL of content/2021/hand.md)")
    assert result.stdout.splitlines()[1].startswith("Import: 1 renamed in ")
    after = archive.content()
    assert after["2021/hand.md"] == before["2021/hand.md"]
    assert sorted(after) == ["2021/hand.md", "2021/storm-closes-the-port-2021-01-12.md"]
    built = build(archive)
    assert (built.returncode, built.stderr) == (0, ""), built.stderr
    again = archive.run("inputs/one.txt")
    assert again.stdout.startswith("Import: 1 unchanged in ") and archive.content() == after


def test_11_an_alias_of_another_article_is_a_url_in_use(archive: Archive) -> None:
    hand = archive.root / "content" / "2021" / "renamed.md"
    hand.parent.mkdir()
    hand.write_text("---\ntitle: Renamed by hand\ndate: 2021-01-05\n"
                    "aliases: [/2021/01/storm-closes-the-port/]\n---\n\nA note.\n", encoding="utf-8")
    archive.write("one.txt", text_dump("Storm closes the port"))
    result = archive.run("inputs/one.txt")
    assert result.stdout.splitlines()[0] == (
        "inputs/one.txt: wrote content/2021/storm-closes-the-port-2021-01-12.md "
        "(/2021/01/storm-closes-the-port/ is the URL of content/2021/renamed.md)")
    built = build(archive)
    assert (built.returncode, built.stderr) == (0, ""), built.stderr


def test_11_permalinks_without_the_year_and_reserved_paths(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive", CONFIG + "permalinks: /{slug}/\n")
    archive.write("2020.txt", text_dump("Storm closes the port", dateline="3 Feb, 2020 10:00",
                                        extra="Last year. "))
    archive.write("2021.txt", text_dump("Storm closes the port", extra="This year. "))
    archive.write("search.jsonl", json.dumps({"title": "Search", "text": WORDS, "date": "2021-01-12"}) + "\n")
    result = archive.run("inputs/2020.txt", "inputs/2021.txt", "inputs/search.jsonl")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines()[:2] == [
        "inputs/2021.txt: wrote content/2021/storm-closes-the-port-2021-01-12.md "
        "(/storm-closes-the-port/ is the URL of content/2020/storm-closes-the-port.md)",
        "inputs/search.jsonl:1: wrote content/2021/search-2021-01-12.md "
        "(/search/ is the URL of the search page)"]
    assert sorted(archive.content()) == ["2020/storm-closes-the-port.md", "2021/search-2021-01-12.md",
                                         "2021/storm-closes-the-port-2021-01-12.md"]
    built = build(archive)
    assert (built.returncode, built.stderr) == (0, ""), built.stderr


def test_11_dry_run_sees_the_urls_it_would_write(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive", CONFIG + "permalinks: /{slug}/\n")
    archive.write("2020.txt", text_dump("Storm closes the port", dateline="3 Feb, 2020 10:00"))
    archive.write("2021.txt", text_dump("Storm closes the port", extra="This year. "))
    result = archive.run("--dry-run", "inputs/2020.txt", "inputs/2021.txt")
    assert result.stdout.splitlines()[:2] == [
        "inputs/2020.txt: would write content/2020/storm-closes-the-port.md",
        "inputs/2021.txt: would write content/2021/storm-closes-the-port-2021-01-12.md "
        "(/storm-closes-the-port/ is the URL of content/2020/storm-closes-the-port.md)"]
    assert archive.content() == {}


# -- issue 13 item 12: the same source URL is not the same article ------------------------------

def test_12_same_source_with_other_words_is_another_article_and_said_so(archive: Archive) -> None:
    source = "https://news.example.com/2021/01/12/harbour"
    records = [
        {"title": "Harbour budget approved", "text": WORDS * 3, "date": "2021-01-12", "url": source},
        {"title": "Harbour budget approved!", "text": "Storm warnings closed the harbour for two days. " * 5,
         "date": "2021-01-13", "url": source},
        {"title": "HARBOUR BUDGET APPROVED", "text": WORDS * 3, "date": "2021-01-12", "url": source},
    ]
    archive.write("d.jsonl", "".join(json.dumps(record) + "\n" for record in records))
    result = archive.run("inputs/d.jsonl")
    assert (result.returncode, result.stderr) == (0, "")
    lines = result.stdout.splitlines()
    assert lines[0] == ("inputs/d.jsonl:2: wrote content/2021/harbour-budget-approved-2021-01-13.md "
                        "(content/2021/harbour-budget-approved.md holds a different article "
                        "from the same source)")
    assert lines[1].startswith("Import: 1 imported, 1 renamed, 1 unchanged in "), lines
    articles = archive.articles()
    assert sorted(a.title for a in articles.values()) == ["Harbour budget approved",
                                                          "Harbour budget approved!"]
    after = archive.content()
    verbose = archive.run("--verbose", "inputs/d.jsonl")
    assert verbose.stdout.splitlines()[:3] == [
        "inputs/d.jsonl:1: unchanged content/2021/harbour-budget-approved.md",
        "inputs/d.jsonl:2: unchanged content/2021/harbour-budget-approved-2021-01-13.md",
        "inputs/d.jsonl:3: unchanged content/2021/harbour-budget-approved.md "
        "(already imported; kept as it is, --update rewrites it)"]
    assert archive.content() == after


def test_12_same_headline_and_source_with_new_words_is_the_same_article(archive: Archive) -> None:
    """A better extraction (or a correction) of one story: --update rewrites it in place."""
    source = "https://news.example.com/2021/01/12/harbour"
    first = {"title": "Harbour budget approved", "text": WORDS * 3, "date": "2021-01-12", "url": source}
    archive.write("d.jsonl", json.dumps(first) + "\n")
    assert archive.run("inputs/d.jsonl").returncode == 0
    better = {**first, "text": WORDS * 3 + "A correction was appended to the story later. " * 3}
    archive.write("d.jsonl", json.dumps(better) + "\n")
    kept = archive.run("--verbose", "inputs/d.jsonl")
    assert kept.stdout.splitlines()[0] == (
        "inputs/d.jsonl:1: unchanged content/2021/harbour-budget-approved.md "
        "(already imported; kept as it is, --update rewrites it)")
    updated = archive.run("--update", "inputs/d.jsonl")
    assert updated.returncode == 0 and updated.stdout.startswith("Import: 1 updated in "), updated.stdout
    assert [a.title for a in archive.articles().values()] == ["Harbour budget approved"]
    updated_file = archive.root / "content/2021/harbour-budget-approved.md"
    assert "A correction was appended" in updated_file.read_text(encoding="utf-8")


# -- I3: encodings and damaged text -----------------------------------------------------------

CYRILLIC_TITLE = "Москва и Анкара договорились о прекращении огня в Идлибе"
CYRILLIC_BODY = ("Президенты России и Турции провели переговоры в Москве и договорились о новом "
                 "режиме прекращения огня в сирийской провинции Идлиб. Стороны обсудили "
                 "гуманитарную ситуацию и безопасность на трассе. ")


@pytest.mark.parametrize("encoding", ["cp1251", "koi8-r"])
@pytest.mark.parametrize("declared", ["lie", "none"])
def test_I3_cyrillic_html_with_a_lying_or_missing_charset(
        archive: Archive, encoding: str, declared: str) -> None:
    page = html_page(CYRILLIC_TITLE, [CYRILLIC_BODY * 2, CYRILLIC_BODY],
                     meta_charset="utf-8" if declared == "lie" else "").replace('lang="en"', 'lang="ru"')
    source = archive.write("ru.html", page.encode(encoding))
    result = archive.run(source)
    assert result.returncode == 0, result.stderr
    (article,) = archive.articles().values()
    assert article.title == CYRILLIC_TITLE
    assert "Президенты России" in article.body


@pytest.mark.parametrize("encoding", ["cp1251", "koi8-r"])
def test_I3_cyrillic_text_dump_in_a_legacy_encoding(archive: Archive, encoding: str) -> None:
    dump = f"{CYRILLIC_TITLE}\n\n5 марта 2020\n\n" + "\n\n".join(
        f"{CYRILLIC_BODY} Абзац номер {n}. {CYRILLIC_BODY}" for n in range(3))
    source = archive.write("ru.txt", dump.encode(encoding))
    result = archive.run("--default-date", "2020-03-05", source)
    assert result.returncode == 0, result.stderr
    (article,) = archive.articles().values()
    assert article.title == CYRILLIC_TITLE


def test_I3_bom_crlf_controls_and_lone_surrogates_come_out_clean(archive: Archive) -> None:
    dump = text_dump("Harbour\x00 workers\x07 strike", extra="Tab\tand bell\x07. ").replace("\n", "\r\n")
    text_source = archive.write("bom.txt", b"\xef\xbb\xbf" + dump.encode("utf-8"))
    record = ('{"title": "Lone \\ud800 surrogate", "text": "%s \\udc00 end", "date": "2021-03-01"}\n'
              % (WORDS * 2))
    json_source = archive.write("s.jsonl", "\ufeff" + record)
    result = archive.run(text_source, json_source)
    assert result.returncode == 0, result.stderr
    for name, data in archive.content().items():
        text = data.decode("utf-8")  # valid UTF-8
        assert "\r" not in text and "\ufeff" not in text, name
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", text), name
    titles = sorted(article.title for article in archive.articles().values())
    assert titles == ["Harbour workers strike", "Lone \ufffd surrogate"]


# -- I4: malformed dumps and pages without an article ------------------------------------------

def test_I4_malformed_jsonl_line_is_reported_and_the_rest_imported(archive: Archive) -> None:
    lines = [json.dumps({"title": f"Record number {n} of the dump", "text": WORDS * 2, "date": "2021-05-01"})
             for n in range(1, 41)]
    lines[36] = '{"title": "broken", "text": '  # line 37
    dump = archive.write("dump.jsonl", "\n".join(lines) + "\n")
    result = archive.run(dump)
    assert result.returncode == 1
    problems = result.stderr.strip().splitlines()
    assert len(problems) == 1 and problems[0].startswith(f"{dump}:37: "), result.stderr
    assert ERROR_LINE.fullmatch(problems[0])
    assert len(archive.content()) == 39
    assert "39 imported" in result.stdout


def test_F8_deeply_nested_html_in_a_record_imports_in_bounded_time(archive: Archive) -> None:
    """The sanitizer's cost grows faster than linearly with depth: the body is flattened first."""
    deep = "<div><span>" * 60_000 + "The harbour reopened after the storm. " * 20 + "</span></div>" * 60_000
    archive.write("deep.jsonl", json.dumps({"title": "Deep record", "body_html": deep,
                                            "date": "2021-05-01"}) + "\n")
    started = time.perf_counter()
    result = archive.run("inputs/deep.jsonl")
    assert result.returncode == 0, result.stderr
    assert time.perf_counter() - started < 20  # about 1 s here; 48 s (and an empty body) before
    [text] = archive.content().values()
    assert b"The harbour reopened after the storm." in text


@pytest.mark.parametrize(("name", "data", "expected"), [
    ("big.json", '{"title": "x", "n": ' + "9" * 5000 + "}", "invalid JSON"),
    ("deep.json", "[" * 100_000 + "]" * 100_000, "invalid JSON: nested too deeply"),
    ("deep.jsonl", "[" * 100_000 + "]" * 100_000 + "\n", "invalid JSON: nested too deeply"),
    ("empty.jsonl", "", "empty file"),
    ("empty.json", "  \n", "empty file"),
    ("bad.json", '{"title": "x",\n "text": nope}', "line 2 column 10: invalid JSON"),
    ("list.jsonl", "[1, 2]\n", "expected a JSON object"),
    ("nav.html", "<html><body><nav><a href='/'>Home</a><a href='/x'>World</a></nav></body></html>",
     "no article"),
    ("empty.html", "", "no article"),
    ("notitle.jsonl", json.dumps({"text": WORDS}) + "\n", "no title"),
    ("short.txt", "Home\n\nShort page title\n\n1 May 2021\n\nToo short to be an article.\n", "no article"),
    ("blank.jsonl", json.dumps({"title": "Blank", "text": "  ", "date": "2021-01-01"}) + "\n", "no body"),
    ("nodate.jsonl", json.dumps({"title": "Undated", "text": WORDS * 2}) + "\n", "no publication date"),
    ("baddate.jsonl", json.dumps({"title": "Bad date", "text": WORDS * 2, "date": "soon"}) + "\n",
     "date is not a date"),
    ("binary.txt", b"\x00\x01\x02" * 1000, "binary"),
], ids=lambda value: value if isinstance(value, str) and len(value) < 20 else "")
def test_I4_bad_inputs_are_one_line_errors_and_never_an_empty_file(
        archive: Archive, name: str, data: str | bytes, expected: str) -> None:
    source = archive.write(name, data)
    result = archive.run(source)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(str(source)) and expected in lines[0], lines[0]
    assert ERROR_LINE.fullmatch(lines[0]), lines[0]
    assert archive.content() == {}


def test_missing_input_is_an_error_and_other_inputs_still_import(archive: Archive) -> None:
    good = archive.write("ok.txt", text_dump("Bridge reopens after repairs"))
    result = archive.run(archive.root / "nope.txt", good)
    assert result.returncode == 1
    assert result.stderr.strip() == f"{archive.root / 'nope.txt'}:1: no such file or folder"
    assert len(archive.content()) == 1


# -- I5 / I6: titles YAML would misread, long non-Latin titles --------------------------------

TRICKY_TITLES = ["No", "yes", "on", "null", "~", "1e3", "2024-01-01", "12:30", "#x", "a: b", "- x",
                 "'quoted'", '"double"', "new\nline", "tab\there", "back\\slash", "[list]", "{map}",
                 "&anchor", "*alias", "!tag", "%directive", "@at", "`tick`", "a #b", "trailing:",
                 "\u2028separator", "emoji 🎉", "0x1F", ".inf", "NaN", "=", "<<"]


@pytest.mark.parametrize("title", TRICKY_TITLES)
def test_I5_yaml_strings_read_back_as_the_same_string(title: str) -> None:
    for quoted in (False, True):
        written = yaml_string(title, always_quote=quoted)
        assert yaml.safe_load(f"k: {written}") == {"k": title}, written
        assert yaml.safe_load(f"k: [{written}]") == {"k": [title]}, written


def test_I5_tricky_titles_import_and_read_back(archive: Archive) -> None:
    records = [{"title": title, "text": f"{WORDS} {n}", "date": "2021-06-01", "tags": [title]}
               for n, title in enumerate(TRICKY_TITLES)]
    result = archive.run(archive.write("t.json", json.dumps(records)))
    assert result.returncode == 0, result.stderr
    titles = {article.title for article in archive.articles().values()}
    assert titles == {" ".join(title.replace("\u2028", " ").split()) for title in TRICKY_TITLES}


@pytest.mark.parametrize("word", ["Правительство", "الحكومة", "Государственная"])
def test_I6_300_character_titles_give_slugs_under_255_bytes_cut_on_a_word(
        archive: Archive, word: str) -> None:
    title = " ".join([word] * 40)[:300]
    result = archive.run(archive.write("long.jsonl", json.dumps({"title": title, "text": WORDS * 2,
                                                                 "date": "2021-01-01"}) + "\n"))
    assert result.returncode == 0, result.stderr
    (path,) = (archive.root / "content").rglob("*.md")
    assert len(path.name.encode()) <= 255
    slug = path.stem
    assert not slug.endswith("-")
    whole = make_slug(title, max_bytes=10_000)
    assert slug == whole or (whole.startswith(slug) and whole[len(slug)] == "-")  # cut on a word
    (article,) = archive.articles().values()
    assert article.title == title


# -- options and shapes --------------------------------------------------------------------------

def test_dry_run_writes_nothing_and_says_what_it_would_write(archive: Archive) -> None:
    source = archive.write("a.txt", text_dump("Library extends opening hours"))
    result = archive.run("--dry-run", source)
    assert result.returncode == 0
    assert "would write content/2021/library-extends-opening-hours.md" in result.stdout
    assert "Dry run, nothing written: 1 to import" in result.stdout
    assert archive.content() == {}


def test_folders_are_walked_and_gzip_is_read(archive: Archive) -> None:
    archive.write("pages/a.txt", text_dump("First walked article"))
    archive.write("pages/sub/b.html.gz", gzip.compress(html_page("Second walked article",
                                                                 [WORDS * 2, WORDS]).encode()))
    archive.write("pages/.hidden/c.txt", text_dump("Hidden article"))
    archive.write("pages/image.png", b"\x89PNG")
    result = archive.run(archive.root / "inputs" / "pages")
    assert result.returncode == 0, result.stderr
    assert sorted(a.title for a in archive.articles().values()) == ["First walked article",
                                                                    "Second walked article"]


def test_html_page_metadata_lands_in_front_matter(archive: Archive) -> None:
    result = archive.run(archive.write("p.html", html_page("Mayor opens the new bridge", [WORDS * 2, WORDS])))
    assert result.returncode == 0, result.stderr
    (article,) = archive.articles().values()
    assert article.title == "Mayor opens the new bridge"
    assert article.source == "https://news.example.com/2021/01/12/story"
    assert article.authors == ("Jane Reporter",)
    assert article.date.isoformat() == "2021-01-12T09:30:00+00:00"
    assert set(article.tags) >= {"Politics", "Diplomacy"}
    assert article.language == "en"


def test_json_field_map_from_config(archive: Archive) -> None:
    config = CONFIG + "  fields:\n    title: meta.headline\n    body: story\n    date: meta.when\n"
    (archive.root / "site_config.yaml").write_text(config, encoding="utf-8")
    record = {"meta": {"headline": "Mapped headline here", "when": "2019-07-04 10:00"}, "story": WORDS * 2}
    result = archive.run(archive.write("m.json", json.dumps({"articles": [record]})))
    assert result.returncode == 0, result.stderr
    (article,) = archive.articles().values()
    assert article.title == "Mapped headline here"
    assert article.date.isoformat() == "2019-07-04T07:00:00+00:00"  # 10:00 in source_timezone (Moscow)


def test_html_body_in_a_record_keeps_structure_and_loses_scripts(archive: Archive) -> None:
    body = (f"<p>{WORDS}</p><h2>Background</h2><ul><li>one</li><li>two</li></ul>"
            f"<blockquote><p>Quoted words here.</p></blockquote><p>See <a href='https://x.org/a'>this</a>"
            f" and <a href='javascript:alert(1)'>that</a>.</p><script>alert(1)</script>"
            f"<p onclick='alert(2)'>1. Not a list &lt;b&gt;</p>")
    result = archive.run(archive.write("h.jsonl", json.dumps({"title": "Structured", "content": body,
                                                              "date": "2021-01-01"}) + "\n"))
    assert result.returncode == 0, result.stderr
    (article,) = archive.articles().values()
    assert "## Background" in article.body
    assert "- one\n- two" in article.body
    assert "> Quoted words here." in article.body
    assert "[this](https://x.org/a)" in article.body  # the saved-page writer's link syntax
    assert "javascript" not in article.body and "alert" not in article.body
    assert "1\\. Not a list \\<b" in article.body or "1\\. Not a list \\<b\\>" in article.body


def test_config_import_section_is_validated(archive: Archive) -> None:
    (archive.root / "site_config.yaml").write_text(CONFIG + "  fields:\n    headline: x\n  colour: red\n",
                                                   encoding="utf-8")
    result = archive.run(archive.write("a.txt", text_dump("Anything")))
    assert result.returncode == 1
    assert "site_config.yaml:" in result.stderr and "import.fields" in result.stderr
    assert "import.colour: unknown setting" in result.stderr


@pytest.mark.skipif(not FUNDUS.exists(), reason="../shared/corpus missing")
def test_fundus_expected_jsonl_imports_completely(archive: Archive) -> None:
    result = archive.run(FUNDUS)
    assert result.returncode == 0, result.stderr[:2000]
    records = [json.loads(line) for line in FUNDUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    articles = archive.articles()
    assert len(records) == 172
    imported = sum(int(n) for n in re.findall(r"(\d+) (?:imported|renamed)", result.stdout))
    found = re.search(r"(\d+) unchanged", result.stdout)
    unchanged = int(found.group(1)) if found else 0
    assert imported + unchanged == len(records)
    assert len(articles) == imported
    titles = {article.title for article in articles.values()}
    assert sum(" ".join(record["title"].split()) in titles for record in records) >= 170


def test_seed_builds_onto_the_three_tag_pages(archive: Archive) -> None:
    if not SEED.exists():
        pytest.skip("../shared/seeds missing")
    assert archive.run(SEED).returncode == 0
    done = subprocess.run([ARCHIVEGEN, "build"], cwd=archive.root, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    for tag in ("syria", "turkey", "russia"):
        page = (archive.root / "site" / "tags" / tag / "index.html").read_text(encoding="utf-8")
        assert "Acute crisis in Syria" in page


# -- units --------------------------------------------------------------------------------------

def test_tag_rules_whole_words_prefixes_title_weight_and_minimum(tmp_path: Path) -> None:
    Archive(tmp_path)
    config = load_config(tmp_path / "site_config.yaml")
    assert rule_tags(config.tags, "", "The Syrian army and Turkish troops.") == ["Syria", "Turkey"]
    assert rule_tags(config.tags, "", "Syriac texts and turkeys; Moscowitz.") == []
    assert rule_tags(config.tags, "", "Gas prices rose.") == []  # Energy needs 2 mentions
    assert rule_tags(config.tags, "Gas deal", "") == ["Energy"]  # a title mention counts 3
    assert rule_tags(config.tags, "", "gas and oil, oil pipelines") == ["Energy"]
    assert merge_tags(config.tags, ["Syria"], ["syria", "#Middle  East", "", "middle east"]) == [
        "Syria", "Middle East"]


@pytest.mark.parametrize(("text", "expected"), [
    ("2024-05-03 15:47:42.389000+00:00", "2024-05-03T15:47:42.389000+00:00"),
    ("5 Mar, 2020 11:15", "2020-03-05T11:15:00"),
    ("Thu, 05 Mar 2020 11:15:00 +0300", "2020-03-05T11:15:00+03:00"),
    ("05.03.2020", "2020-03-05T00:00:00"),
    (1583396100, "2020-03-05T08:15:00+00:00"),
    ("yes", None), ("12:30", None), ("", None), ("3000-01-01", None),
])
def test_loose_dates(text: object, expected: str | None) -> None:
    found = parse_loose_date(text)
    assert (found.isoformat() if isinstance(found, datetime) else None) == expected


def test_no_temporary_files_are_left_behind(archive: Archive) -> None:
    archive.run(archive.write("a.txt", text_dump("Market hall restored")))
    leftovers = [p for p in (archive.root / "content").rglob("*") if p.name.startswith(".")]
    assert leftovers == []
    assert all(oct(p.stat().st_mode)[-3:] == "644" for p in (archive.root / "content").rglob("*.md"))


def test_big_jsonl_dumps_are_cut_into_whole_line_pieces_with_true_line_numbers(tmp_path: Path) -> None:
    dump = tmp_path / "big.jsonl"
    lines = [json.dumps({"n": n, "pad": "x" * (n % 300)}) for n in range(5000)]
    lines[3210] = '{"broken": '
    dump.write_text("\n".join(lines) + "\n", encoding="utf-8")
    pieces = split_dumps([InputFile(dump, "big.jsonl", "jsonl")], piece_bytes=50_000)
    assert len(pieces) > 10
    records, problems = [], []
    for piece in pieces:
        assert piece.piece is not None
        start, end, first_line = piece.piece
        for item in read_jsonl(read_piece(dump, start, end), first_line):
            (records if isinstance(item, Record) else problems).append(item)
    assert [record.data["n"] for record in records] == [n for n in range(5000) if n != 3210]
    assert all(record.line == record.data["n"] + 1 for record in records)
    assert [(problem.line, problem.where) for problem in problems] == [(3211, ":3211")]


def test_an_extractor_crash_is_one_failed_input_not_the_end_of_the_import(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from archivegen.importing import run

    archive = Archive(tmp_path / "archive")
    bad = archive.write("bad.html", html_page("Crashing page", [WORDS * 2]))
    good = archive.write("good.txt", text_dump("Quiet day at the harbour"))

    def explode(raw: bytes, url: str | None = None) -> None:
        raise ValueError("unexpected markup")

    monkeypatch.setattr(run, "extract_html", explode)
    summary = run.run_import(run.ImportOptions(config_path=archive.root / "site_config.yaml",
                                               inputs=(bad, good), workers=1))
    assert [(event.status, event.note) for event in summary.events] == [
        ("failed", "could not be extracted (ValueError: unexpected markup)"), ("imported", "")]
    assert not summary.ok
