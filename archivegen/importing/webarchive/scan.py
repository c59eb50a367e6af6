"""The first pass over web archives: which records are captures worth extracting.

A record is a candidate article when it is a ``response`` with HTTP status 200 and an HTML
media type; everything else is counted by what it is (revisit, request, metadata, a 404, an
image), so the import summary can say what a crawl held. One URL captured several times
(every crawl of a front page, a story fetched again after a correction) keeps only its newest
capture, by WARC-Date, the later record winning a tie, unless every capture is asked for.

Only headers are parsed here; bodies are read through and dropped, which is also how a record
cut short is found (its Content-Length promises more bytes than the file holds). A corrupt or
truncated archive ends its scan with one problem at the byte offset of the record that failed,
and the captures before it are still imported.
"""

from __future__ import annotations

import contextlib
import io
import re
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeadersParserException

from archivegen.importing.webarchive.members import Member

HTML_TYPES = ("text/html", "application/xhtml+xml")
_CHUNK = 1 << 16
_CHARSET_LABEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,39}")


@dataclass(frozen=True)
class Capture:
    """One HTML capture to extract: where its record starts, what was fetched and when."""

    member: Member
    offset: int
    url: str
    date: datetime
    charset: str  # from the HTTP Content-Type header; "" when it names none
    length: int = 0  # the record's bytes in the archive (compressed, for .warc.gz): progress

    @property
    def origin(self) -> str:
        """How messages name it: the archive, the record's byte offset, the URL.

        A byte offset is what WARC tools take (``warcio extract crawl.warc.gz 12345``, CDX
        indexes); a line number means nothing in a gzipped archive.
        """
        return f"{self.member.shown}:offset {self.offset} ({self.url})"


@dataclass
class ScanResult:
    captures: list[Capture] = field(default_factory=list)
    passed_over: Counter[str] = field(default_factory=Counter)  # "revisit record" -> how many
    problems: list[tuple[str, str]] = field(default_factory=list)  # (location, message)


def scan_archives(members: list[Member], all_captures: bool = False,
                  on_bytes: Callable[[int], None] | None = None) -> ScanResult:
    """The captures to extract from ``members``, in archive order, and what was passed over."""
    result = ScanResult()
    newest: dict[str, tuple[datetime, int]] = {}  # url -> (date, index in found)
    found: list[Capture] = []
    for member in members:
        for capture in _member_captures(member, result, on_bytes):
            if all_captures:
                found.append(capture)
                continue
            earlier = newest.get(capture.url)
            if earlier is not None:
                result.passed_over["older capture of a URL"] += 1
                if capture.date < earlier[0]:
                    continue
                found[earlier[1]] = capture  # in place: the URL keeps its first position
                newest[capture.url] = (capture.date, earlier[1])
                continue
            newest[capture.url] = (capture.date, len(found))
            found.append(capture)
    result.captures = found
    return result


def _member_captures(member: Member, result: ScanResult,
                     on_bytes: Callable[[int], None] | None) -> Iterator[Capture]:
    reported = 0
    offset = 0
    try:
        with member.open() as stream:
            records = ArchiveIterator(stream)
            while True:
                offset = records.offset
                record = _quietly(records)
                if record is None:
                    break
                capture, skipped = _classify(member, offset, record)
                _drain(record)  # reading to the end is what finds a record cut short
                with contextlib.redirect_stderr(io.StringIO()):
                    length = records.get_record_length()  # reads the blank lines after the record
                if records.err_count:
                    raise _Corrupt("the record does not end where its Content-Length says")
                if skipped:
                    result.passed_over[skipped] += 1
                elif capture:
                    yield replace(capture, length=length)
                if on_bytes:
                    position = stream.tell()
                    on_bytes(position - reported)
                    reported = position
    except _Corrupt as exc:
        result.problems.append((f"{member.shown}:offset {offset}", f"{exc}; the records before it were read"))
    except (ArchiveLoadFailed, StatusAndHeadersParserException, zlib.error, EOFError, ValueError) as exc:
        message = " ".join(str(exc).split())[:200] or type(exc).__name__
        if "non-chunked gzip" in message:  # one gzip stream: the whole file is at fault, not a record
            result.problems.append((f"{member.shown}:1", _ONE_STREAM))
        else:
            result.problems.append((f"{member.shown}:offset {offset}", f"not a readable WARC record "
                                    f"({message}); the records before it were read"))
    except OSError as exc:
        result.problems.append((f"{member.shown}:offset {offset}", f"cannot read: {exc.strerror or exc}"))
    if on_bytes and member.size > reported:
        on_bytes(member.size - reported)


_ONE_STREAM = ("gzipped as one stream, not one gzip member per record as WARC tools write it "
               "('warcio recompress IN OUT' makes a readable copy)")


class _Corrupt(Exception):
    """A record whose bytes do not match its headers: the archive cannot be trusted past it."""


def _quietly(records: ArchiveIterator) -> ArcWarcRecord | None:
    """The next record, or None at the end; warcio's own warnings (printed to stderr) become
    ``err_count``, which the caller turns into a located problem."""
    with contextlib.redirect_stderr(io.StringIO()):
        return next(records, None)


def _drain(record: ArcWarcRecord) -> None:
    stream = record.raw_stream
    while stream.read(_CHUNK):
        pass
    if getattr(stream, "limit", 0) > 0:
        raise _Corrupt(f"the archive ends inside this record ({stream.limit} bytes missing)")


def _classify(member: Member, offset: int, record: ArcWarcRecord) -> tuple[Capture | None, str]:
    """A capture to extract, or the words that count what this record is instead."""
    kind = record.rec_type or "unknown"
    if kind != "response":
        return None, f"{kind} record"
    http = record.http_headers
    if http is None:
        return None, "response record without HTTP headers"
    status = http.get_statuscode()
    if status != "200":
        return None, f"HTTP status {status}"
    media, _, parameters = (http.get_header("Content-Type") or "").partition(";")
    media = media.strip().lower()
    if media not in HTML_TYPES:
        return None, f"{media or 'untyped'} response"
    url = (record.rec_headers.get_header("WARC-Target-URI") or "").strip().strip("<>")
    date = parse_warc_date(record.rec_headers.get_header("WARC-Date") or "")
    if not url or date is None:
        return None, "response without a target URL or date"
    return Capture(member, offset, url, date, _charset(parameters)), ""


def parse_warc_date(value: str) -> datetime | None:
    """WARC-Date: ISO 8601 in UTC (``2024-01-02T03:04:05Z``, fractions allowed since WARC 1.1)."""
    try:
        date = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return date if date.tzinfo is not None else None


def _charset(parameters: str) -> str:
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            value = value.strip().strip("\"'")
            return value if _CHARSET_LABEL.fullmatch(value) else ""
    return ""
