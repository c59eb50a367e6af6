"""Dates, decoding and language codes done one way (archivegen.text), and the time-zone warning.

Issue 18 item 7: a scraped date and time without an offset, imported while
``import.source_timezone`` is unset, is read in the site's zone, hours off when the source is
elsewhere; the import says so, one ``path:LINE: warning:`` line per article naming the zone.
Item 8: strict and loose date parsing share one module, one month table and one zone rule; the
decoders share one byte-order-mark table; one check says what a language tag looks like.
"""

from __future__ import annotations

import codecs
import json
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from archivegen.config.loader import load_config
from archivegen.config.values import Invalid
from archivegen.config.values import language as config_language
from archivegen.importing.language import declared_language
from archivegen.text.dates import parse_date, parse_loose_date
from archivegen.text.decoding import TextProblem, Undecodable, decode_file, decode_scraped
from archivegen.text.language import is_language_tag
from tests.test_import import WORDS, Archive, text_dump

NO_SOURCE_ZONE = """title: Zones
base_url: https://example.org/
timezone: UTC
"""
WARNING = re.compile(r"(?P<path>[^:]+):(?P<line>\d+): warning: (?P<message>.+)")


def warnings_of(stderr: str) -> list[re.Match[str]]:
    lines = [line for line in stderr.splitlines() if ": warning: " in line]
    matches = [WARNING.fullmatch(line) for line in lines]
    assert all(matches), lines
    return [match for match in matches if match]


# -- item 7: the zone a date was assumed in ---------------------------------------------------

def test_a_dateline_without_offset_and_no_source_zone_warns_with_file_line_and_zone(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive", NO_SOURCE_ZONE)
    dump = text_dump("Putin meets Erdogan in Moscow", dateline="5 Mar, 2020 11:15")  # as in the seed
    source = archive.write("seed.txt", dump)
    result = archive.run(source)
    assert result.returncode == 0, result.stderr
    found = warnings_of(result.stderr)
    assert len(found) == 1, result.stderr
    assert found[0]["path"] == str(source)
    assert found[0]["line"] == "2"  # the dateline's line in the dump
    assert "2020-03-05 11:15" in found[0]["message"] and "UTC" in found[0]["message"]
    assert "import.source_timezone" in found[0]["message"]
    (article,) = archive.articles().values()
    assert article.date.isoformat() == "2020-03-05T11:15:00+00:00"  # read as UTC, as the warning says


def test_the_warning_names_the_site_zone_it_assumed(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive", NO_SOURCE_ZONE.replace("timezone: UTC", "timezone: Asia/Tokyo"))
    result = archive.run(archive.write("a.txt", text_dump("Harbour reopens", dateline="5 Mar, 2020 11:15")))
    (found,) = warnings_of(result.stderr)
    assert "Asia/Tokyo" in found["message"]


def test_a_set_source_zone_silences_the_warning_and_dates_the_article_in_it(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive", NO_SOURCE_ZONE + "import:\n  source_timezone: Europe/Moscow\n")
    dump = text_dump("Putin meets Erdogan in Moscow", dateline="5 Mar, 2020 11:15")
    result = archive.run(archive.write("seed.txt", dump))
    assert result.returncode == 0 and warnings_of(result.stderr) == [], result.stderr
    (article,) = archive.articles().values()
    assert article.date.astimezone(UTC).isoformat() == "2020-03-05T08:15:00+00:00"


def test_json_records_warn_at_their_line_only_for_a_time_without_offset(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive", NO_SOURCE_ZONE)
    records = [
        {"title": "With offset", "text": WORDS * 3, "date": "2020-03-05T11:15:00+03:00"},
        {"title": "Without offset", "text": WORDS * 4, "date": "2020-03-05 11:15"},
        {"title": "A day only", "text": WORDS * 5, "date": "2020-03-06"},
        {"title": "Unix time", "text": WORDS * 6, "date": 1583396100},
    ]
    source = archive.write("dump.jsonl", "".join(json.dumps(record) + "\n" for record in records))
    result = archive.run(source)
    assert result.returncode == 0, result.stderr
    assert [(m["path"], m["line"]) for m in warnings_of(result.stderr)] == [(str(source), "2")]


def test_a_default_date_given_by_the_user_does_not_warn(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive", NO_SOURCE_ZONE)
    source = archive.write("undated.jsonl", json.dumps({"title": "Undated", "text": WORDS * 3}) + "\n")
    result = archive.run(source, "--default-date", "2020-03-05 11:15")
    assert result.returncode == 0 and warnings_of(result.stderr) == [], result.stderr


def test_many_warnings_are_capped_unless_verbose(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive", NO_SOURCE_ZONE)
    records = [{"title": f"Story number {n}", "text": f"{WORDS} Story {n}.", "date": f"2020-03-05 11:{n:02d}"}
               for n in range(1, 24)]
    source = archive.write("dump.jsonl", "".join(json.dumps(record) + "\n" for record in records))
    quiet = archive.run(source, "--dry-run")
    assert len(warnings_of(quiet.stderr)) == 20
    assert "warning: ... and 3 more (--verbose shows all)" in quiet.stderr.splitlines()
    assert len(warnings_of(archive.run(source, "--dry-run", "--verbose").stderr)) == 23


# -- item 8: one date module --------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("5. März 2020 11:15", "2020-03-05T11:15:00"),  # month names of the dateline table, not English only
    ("5 de março de 2020", "2020-03-05T00:00:00"),
    ("2020年3月5日 11:15", "2020-03-05T11:15:00"),
    ("Published: 5 March 2020, 11:15", "2020-03-05T11:15:00"),
    ("3/5/2020", "2020-03-05T00:00:00"),  # American order for slashes, as before
    ("2020/03/05 11:15", "2020-03-05T11:15:00"),
    ("Thursday, March 5, 2020 11:15 PM", "2020-03-05T23:15:00"),
    ("5 Mar 2020 11:15 EST", "2020-03-05T11:15:00-05:00"),  # zone names: dateutil, the last resort
])
def test_loose_dates_read_every_dateline_language(text: str, expected: str) -> None:
    found = parse_loose_date(text)
    assert found is not None and found.isoformat() == expected


def test_strict_dates_refuse_what_only_loose_dates_accept() -> None:
    zone = timezone(timedelta(hours=3))
    assert parse_date("2020-03-05 11:15", zone).isoformat() == "2020-03-05T11:15:00+03:00"
    for loose in ("5 Mar, 2020 11:15", "2020/03/05", "1583396100"):
        assert parse_loose_date(loose) is not None
        with pytest.raises(ValueError):
            parse_date(loose, zone)


def test_declared_page_dates_in_words_are_read() -> None:
    from archivegen.importing.htmlpage import extract_metadata

    page = (b'<html><head><meta property="article:published_time" content="5 March 2020 11:15">'
            b"<title>T</title></head><body><p>Text.</p></body></html>")
    found = extract_metadata(page, "https://example.org/x")
    assert found.date == datetime(2020, 3, 5, 11, 15)


# -- item 8: one decoder, one BOM table --------------------------------------------------------

@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16", "utf-16-be", "utf-32", "utf-32-be"])
def test_both_decoders_read_every_byte_order_mark(codec: str) -> None:
    text = "title: Привет\r\nbody\n"
    raw = text.encode(codec)
    if codec.endswith("-be"):  # these codecs write no mark themselves
        raw = codecs.BOM_UTF16_BE + raw if "16" in codec else codecs.BOM_UTF32_BE + raw
    assert decode_file(raw, "a test file") == "title: Привет\nbody\n"
    assert decode_scraped(raw) == "title: Привет\nbody\n"


def test_a_utf16_config_file_with_a_mark_loads(tmp_path: Path) -> None:
    path = tmp_path / "site_config.yaml"
    path.write_bytes(NO_SOURCE_ZONE.replace("Zones", "Зоны").encode("utf-16"))
    assert load_config(path).title == "Зоны"


def test_binary_files_are_refused_by_both_decoders() -> None:
    with pytest.raises(TextProblem, match="binary file"):
        decode_file(b"abc\x00def", "a Markdown article")
    with pytest.raises(Undecodable, match="binary file"):
        decode_scraped(bytes(range(256)) * 40)  # few NULs, many other control bytes


# -- item 8: one language-tag check -----------------------------------------------------------

@pytest.mark.parametrize("value", ["en", "pt-BR", "zh-Hant-TW", "pt_BR", "utf-8", "english", "e", "x-y", ""])
def test_config_content_and_import_share_one_language_tag_check(value: str) -> None:
    try:
        config_ok = bool(config_language(value))
    except Invalid:
        config_ok = False
    assert config_ok == is_language_tag(value)
    hyphenated = value.replace("_", "-")
    assert bool(declared_language(value)) == (is_language_tag(hyphenated) and value != "utf-8")


def test_a_declared_language_with_a_nul_is_no_language() -> None:
    assert declared_language("e\x00n") == ""  # codecs.lookup, asked about charsets, raises on NUL
