"""JSON and JSONL dumps: records with the usual field names, or a configured field map.

Scrapers and datasets name the same things differently (``headline``, ``articleBody``,
``publishing_date``, ``topics``...). Each of our fields has a list of usual names, tried in
order; ``import.fields`` in site_config.yaml overrides them with a key or dotted path for dumps
of another shape. A record's body may be plain text (paragraphs split by blank lines), a list of
paragraphs, or HTML; HTML is sanitized and converted to Markdown. Markup in a title or a summary
becomes plain text (``new <b>library</b> budget`` is "new library budget").

Bad records never stop a dump: each becomes a ``dump.jsonl:37: message`` problem and the other
records are still imported (the command exits non-zero at the end). Every record and problem is
located by its line in the file: the JSONL line, or, in a JSON document, the line where the
record starts (``_record_lines``), so one ``file:LINE: message`` form names them all.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from archivegen.importing.extracted import Extracted, NoArticle
from archivegen.importing.htmlfragment import fragment_text, fragment_to_markdown
from archivegen.importing.markdown_text import escape_text
from archivegen.text.dates import parse_loose_date
from archivegen.text.decoding import Undecodable, clean_text, decode_scraped

USUAL_NAMES: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline", "heading", "name"),
    "body_html": ("body_html", "html_body", "content_html", "contentHtml", "bodyHtml", "content:encoded"),
    "body": ("body", "text", "content", "articleBody", "article_body", "body_text", "maintext",
             "main_text", "body_paragraphs", "paragraphs", "article"),
    "date": ("date", "published", "publishing_date", "published_at", "publishedAt", "datePublished",
             "date_published", "publication_date", "pubDate", "pub_date", "publish_date",
             "created_at", "created", "timestamp"),
    "updated": ("updated", "dateModified", "modified", "updated_at", "date_modified"),
    "summary": ("summary", "description", "lede", "lead", "abstract", "standfirst", "excerpt",
                "subtitle", "teaser"),
    "url": ("url", "link", "canonical_url", "canonical", "source_url", "permalink", "uri"),
    "authors": ("authors", "author", "byline", "creator", "creators", "by"),
    "tags": ("tags", "topics", "keywords", "categories", "category"),
    "language": ("language", "lang", "inLanguage", "locale"),
    "id": ("id", "_id", "uuid", "guid"),
}
_LIST_KEYS = ("articles", "items", "records", "data", "results", "posts", "entries", "docs", "documents")
_HTML_MARKUP = re.compile(r"</?(?:p|div|br|h[1-6]|ul|ol|li|blockquote|strong|em|b|i|span|section|article"
                          r"|figure|a\s+href)\b[^>]*>", re.IGNORECASE)
MAX_JSON_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class RecordProblem:
    where: str  # ":37": the line of the record in the file ("" for a problem of the whole file)
    message: str
    line: int | None = None


@dataclass(frozen=True)
class Record:
    where: str
    data: dict[str, Any]
    line: int | None = None


def read_jsonl(raw: bytes, first_line: int = 1) -> Iterator[Record | RecordProblem]:
    """One record per non-blank line; a bad line is a problem of that line, not of the file.

    ``first_line`` numbers the lines of a piece cut from the middle of a big dump.
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if not raw.strip():
        if first_line == 1:
            yield RecordProblem("", "empty file: no records", 1)
        return
    for number, line in enumerate(raw.split(b"\n"), start=first_line):
        if not line.strip():
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = decode_scraped(line)
            except Undecodable as exc:
                yield RecordProblem(f":{number}", str(exc), number)
                continue
        value = _parse(text)
        if isinstance(value, _Invalid):
            yield RecordProblem(f":{number}", value.message, number)
        elif not isinstance(value.data, dict):
            yield RecordProblem(f":{number}", f"expected a JSON object, got {_kind(value.data)}", number)
        else:
            yield Record(f":{number}", value.data, number)


def read_json(raw: bytes) -> Iterator[Record | RecordProblem]:
    """A record, an array of records, or an object holding them (``{"articles": [...]}``)."""
    if len(raw) > MAX_JSON_BYTES:
        yield RecordProblem("", f"larger than {MAX_JSON_BYTES // 1_048_576} MB; use JSONL for big dumps")
        return
    try:
        text = decode_scraped(raw)
    except Undecodable as exc:
        yield RecordProblem("", str(exc))
        return
    if not text.strip():
        yield RecordProblem("", "empty file: no records", 1)
        return
    parsed = _parse(text)
    if isinstance(parsed, _Invalid):
        yield RecordProblem("", parsed.message, parsed.line)
        return
    records = _records_in(parsed.data)
    if records is None:
        yield RecordProblem("", f"expected a record, a list of records or an object holding one "
                                f"(articles, items, data...), got {_kind(parsed.data)}", 1)
        return
    for record, line in zip(records, _record_lines(text, parsed.data), strict=True):
        if isinstance(record, dict):
            yield Record(f":{line}", record, line)
        else:
            yield RecordProblem(f":{line}", f"expected a JSON object, got {_kind(record)}", line)


@dataclass(frozen=True)
class _Parsed:
    data: Any


_DECODER = json.JSONDecoder()
# json's terse messages, as sentences a user can act on.
_JSON_MESSAGES = {
    "Expecting value": "a value (a string, number, object, array, true, false or null) is missing",
    "Expecting ',' delimiter": "a comma is missing between two items",
    "Expecting ':' delimiter": "a colon is missing after a key",
    "Expecting property name enclosed in double quotes":
        "a key in double quotes was expected (a trailing comma, or a key in single quotes?)",
    "Unterminated string starting at": "a string starts here and is never closed",
    "Invalid control character at": "a string holds a raw control character (write a line break as \\n)",
    "Invalid \\escape": "a string holds an invalid backslash escape",
    "Invalid \\uXXXX escape": "a string holds an invalid \\u escape",
    "Extra data": "more data follows the first JSON value (one record per line is JSONL: name "
                  "the file .jsonl)",
}


@dataclass(frozen=True)
class _Invalid:
    message: str  # "invalid JSON at column C: what is wrong"; the line is the location's
    line: int = 1


def _parse(text: str) -> _Parsed | _Invalid:
    """The parsed value, or what is wrong and on which line of ``text``."""
    try:
        return _Parsed(json.loads(text))
    except json.JSONDecodeError as exc:
        reason = _JSON_MESSAGES.get(exc.msg, exc.msg[:1].lower() + exc.msg[1:])
        return _Invalid(f"invalid JSON at column {exc.colno}: {reason}", exc.lineno)
    except RecursionError:
        return _Invalid("invalid JSON: nested too deeply")
    except ValueError as exc:  # e.g. integers past Python's 4300-digit limit
        return _Invalid(f"invalid JSON: {str(exc).split(';')[0]}")


def _record_lines(text: str, data: Any) -> list[int]:
    """The line where each record ``_records_in(data)`` chose starts in the document ``text``.

    ``data`` is ``text`` already parsed, so the scan cannot fail: elements of the top-level
    array, or of the list or mapping a top-level object holds, are found again with the
    decoder's ``raw_decode`` (its C scanner), and the offsets turned into lines in one pass.
    """
    start = _skip(text, 0)
    if isinstance(data, list):
        offsets = _element_offsets(text, start)
    else:
        members = _member_offsets(text, start)
        key = next((key for key in _LIST_KEYS if isinstance(data.get(key), list)), None)
        if key is not None:
            offsets = _element_offsets(text, members[key])
        elif _records_in(data) == [data]:
            offsets = [start]
        else:
            offsets = list(members.values())
    lines, line, position = [], 1, 0
    for offset in offsets:
        line += text.count("\n", position, offset)
        position = offset
        lines.append(line)
    return lines


def _skip(text: str, index: int) -> int:
    while index < len(text) and text[index] in " \t\r\n":
        index += 1
    return index


def _element_offsets(text: str, index: int) -> list[int]:
    """Offsets of the elements of the array starting at ``text[index]`` ("[")."""
    offsets: list[int] = []
    index = _skip(text, index + 1)
    while text[index] != "]":
        offsets.append(index)
        _, end = _DECODER.raw_decode(text, index)
        index = _skip(text, end)
        if text[index] == ",":
            index = _skip(text, index + 1)
    return offsets


def _member_offsets(text: str, index: int) -> dict[str, int]:
    """Offsets of the member values of the object starting at ``text[index]`` ("{"), by key
    (the last of duplicate keys, as ``json.loads`` keeps it)."""
    offsets: dict[str, int] = {}
    index = _skip(text, index + 1)
    while text[index] != "}":
        key, end = _DECODER.raw_decode(text, index)
        index = _skip(text, _skip(text, end) + 1)  # past the colon
        offsets[key] = index
        _, end = _DECODER.raw_decode(text, index)
        index = _skip(text, end)
        if text[index] == ",":
            index = _skip(text, index + 1)
    return offsets


def _records_in(data: Any) -> list[Any] | None:
    if isinstance(data, list):
        return data
    if not isinstance(data, dict):
        return None
    for key in _LIST_KEYS:
        if isinstance(data.get(key), list):
            return data[key]
    values = list(data.values())
    if values and all(isinstance(value, dict) for value in values) and not _looks_like_record(data):
        return values  # {id: record, ...}
    return [data]


def _looks_like_record(data: dict[str, Any]) -> bool:
    return any(name in data for names in (USUAL_NAMES["title"], USUAL_NAMES["body"]) for name in names)


def record_to_extracted(record: dict[str, Any], field_map: dict[str, str], base_url: str = "") -> Extracted:
    """Our fields from one record; NoArticle when it has no title or no body."""
    fields = _FieldFinder(record, field_map)
    title = fragment_text(fields.text("title"))
    if not title:
        raise NoArticle(f"no title (looked for {fields.tried('title')})")
    url = fields.text("url")
    html_body = fields.text("body_html")
    body_value = fields.value("body")
    if html_body:
        body = fragment_to_markdown(html_body, url or base_url)
    elif isinstance(body_value, str) and _HTML_MARKUP.search(body_value):
        body = fragment_to_markdown(body_value, url or base_url)
    else:
        body = "\n\n".join(escape_text(paragraph) for paragraph in _paragraphs(body_value))
    if not body.strip():
        raise NoArticle(f"no body text (looked for {fields.tried('body')})")
    date_value = fields.value("date")
    date = parse_loose_date(date_value)
    if date is None and date_value not in (None, ""):
        raise NoArticle(f"date is not a date: {str(date_value)[:60]!r}")
    summary = fragment_text(" ".join(_paragraphs(fields.value("summary"))))
    return Extracted(
        title=title, body=body, date=date, summary=summary,
        authors=tuple(_names(fields.value("authors"))), tags=tuple(_names(fields.value("tags"), split=True)),
        source=url, language=fields.text("language"),
    )


class _FieldFinder:
    def __init__(self, record: dict[str, Any], field_map: dict[str, str]):
        self.record, self.field_map = record, field_map

    def value(self, field: str) -> Any:
        if field in self.field_map:
            return _dig(self.record, self.field_map[field])
        for name in USUAL_NAMES[field]:
            value = self.record.get(name)
            if value not in (None, "", [], {}):
                return value
        return None

    def text(self, field: str) -> str:
        value = self.value(field)
        if isinstance(value, list) and value and all(isinstance(item, str) for item in value):
            value = " ".join(value)
        if isinstance(value, dict):
            value = value.get("name") or value.get("@value") or value.get("url") or ""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            return ""
        return " ".join(clean_text(str(value)).split())

    def tried(self, field: str) -> str:
        names = (self.field_map[field],) if field in self.field_map else USUAL_NAMES[field]
        return ", ".join(names)


def _dig(record: Any, path: str) -> Any:
    """``meta.title`` / ``authors.0.name`` inside a record; a whole-key match wins over a path."""
    if isinstance(record, dict) and path in record:
        return record[path]
    value = record
    for part in path.split("."):
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def _paragraphs(value: Any) -> list[str]:
    """Body or summary paragraphs from text (split on blank lines) or a list of strings."""
    if value is None or isinstance(value, bool):
        return []
    if isinstance(value, (int, float)):
        value = str(value)
    if isinstance(value, str):
        text = clean_text(value)
        chunks = re.split(r"\n\s*\n", text) if "\n\n" in text.replace("\r", "") else text.split("\n")
        return [" ".join(chunk.split()) for chunk in chunks if chunk.strip()]
    if isinstance(value, list):
        out: list[str] = []
        for item in value:
            if isinstance(item, dict):  # {"headline": ..., "paragraphs": [...]} sections
                out.extend(_paragraphs(item.get("headline")))
                out.extend(_paragraphs(item.get("paragraphs") or item.get("text")))
            else:
                out.extend(_paragraphs(item))
        return out
    if isinstance(value, dict):
        return _paragraphs(value.get("text") or value.get("paragraphs") or value.get("value"))
    return []


def _names(value: Any, split: bool = False) -> list[str]:
    """Author or tag names from "A, B", ["A", "B"] or [{"name": "A"}]."""
    if value is None or isinstance(value, bool):
        return []
    if isinstance(value, (int, float)):
        return [str(value)]
    if isinstance(value, str):
        text = " ".join(clean_text(value).split())
        if split or ";" in text:
            return [part.strip() for part in re.split(r"[;,]" if split else ";", text) if part.strip()]
        return [text] if text else []
    if isinstance(value, dict):
        return _names(value.get("name") or value.get("@value") or value.get("term"), split)
    if isinstance(value, list):
        return [name for item in value for name in _names(item, split)]
    return []


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    return "a number"
