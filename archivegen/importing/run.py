"""One ``archivegen import``: inputs in, files written, a summary out.

Web archives are scanned first, in this process (``webarchive.scan``): that pass reads every
record's headers and keeps the newest HTML capture of each URL, so the work handed to the
workers is a list of byte offsets, never page bodies, and a crawl of any size imports in
bounded memory. Loose files and captures then go through the same extraction and writing.

Extraction (decoding, trafilatura, Markdown rendering for summaries and hashes) is the costly
part and runs on every core, a few files per task. Deciding where each article goes and writing
it happens in this process, in input order, so two inputs that want the same name always
resolve the same way whatever the number of workers. Before extraction starts, the URLs that
content/ already uses are read (``urls.py``), so no article is written onto another's URL.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from archivegen.config.loader import load_config
from archivegen.config.schema import SiteConfig
from archivegen.importing import writer
from archivegen.importing.document import Document, make_document
from archivegen.importing.extracted import Extracted, NoArticle
from archivegen.importing.htmlpage import HtmlPage, extract_html
from archivegen.importing.jsondump import Record, read_json, read_jsonl, record_to_extracted
from archivegen.importing.markdown_text import escape_text
from archivegen.importing.sources import (
    MAX_DUMP_BYTES,
    MAX_PAGE_BYTES,
    InputFile,
    SourceError,
    find_inputs,
    read_bytes,
    read_piece,
    sniff_kind,
    split_dumps,
)
from archivegen.importing.spool import count_then_replay
from archivegen.importing.textdump import parse_text_dump
from archivegen.importing.urls import UrlsInUse
from archivegen.importing.webarchive import (
    WEB_ARCHIVE_KINDS,
    Capture,
    Member,
    archive_members,
    capture_page,
    scan_archives,
)
from archivegen.importing.webarchive.members import ArchiveError
from archivegen.parallel import cpu_count, fork_imap, inherited
from archivegen.text.decoding import Undecodable, decode_scraped

FILES_PER_TASK = 8
_AT_OFFSET = re.compile(r":offset \d+(?: \(.*\))?$")  # a web-archive record's location (webarchive/)
WARNING = "warning"  # an Event that reports a doubt about an article, not its fate


@dataclass(frozen=True)
class ImportOptions:
    config_path: Path
    inputs: tuple[Path, ...]
    dry_run: bool = False
    update: bool = False
    overwrite_edits: bool = False  # with update: also rewrite articles edited by hand
    default_date: datetime | None = None
    workers: int = 0  # 0: every core
    all_captures: bool = False  # web archives: every capture of a URL, not only the newest


@dataclass(frozen=True)
class Event:
    """What happened to one input article: a writer status, "failed" with the reason, or a
    ``WARNING`` about it (a date read in an assumed zone)."""

    status: str
    origin: str  # the input as the user knows it: "dump.jsonl:37", "pages/a.html"
    path: Path | None = None
    note: str = ""
    line: int | None = None

    @property
    def location(self) -> str:
        """``path:LINE``, the one location form of every import problem: records of dumps end
        with their line already, and a problem of a whole input (a page, a missing file, a dump
        that does not parse) is on line 1. A web archive has no lines: its records are located
        by byte offset (``crawl.warc.gz:offset 12345``, what WARC tools take), as scanned."""
        if self.line is None and _AT_OFFSET.search(self.origin):
            return self.origin
        line = self.line or 1
        if self.origin.endswith(f":{line}"):
            return self.origin
        return f"{self.origin}:{line}"


@dataclass
class ImportSummary:
    events: list[Event] = field(default_factory=list)
    seconds: float = 0.0
    # what the inputs held that is no article, by kind: "revisit record", "Markdown file"
    passed_over: Counter[str] = field(default_factory=Counter)

    @property
    def counts(self) -> Counter[str]:
        return Counter(event.status for event in self.events)

    @property
    def ok(self) -> bool:
        """No problem, and at least one article among the inputs (imported now or before): a run
        that found nothing to import in what it was given is a mistake the exit status tells."""
        return (not any(event.status in (writer.SKIPPED, writer.FAILED) for event in self.events)
                and any(event.status in _ARTICLES for event in self.events))


_ARTICLES = (writer.IMPORTED, writer.UPDATED, writer.RENAMED, writer.UNCHANGED, writer.EDITED)
Work = InputFile | Capture  # what a worker extracts: a file (or a piece of a dump), or one capture


@dataclass(frozen=True)
class _Found:
    """A worker's answer for one article of an input: a document, or why there is none."""

    origin: str
    document: Document | None = None
    problem: str = ""
    line: int | None = None
    date_line: int | None = None  # the input's line its date was read from, when known


def run_import(options: ImportOptions, on_event: Callable[[Event], None] | None = None,
               on_progress: Callable[[int, int], None] | None = None) -> ImportSummary:
    """Import ``options.inputs``; ``on_event`` hears each article's fate, ``on_progress`` (done, total)."""
    started = time.perf_counter()
    config = load_config(options.config_path)
    summary = ImportSummary()

    def emit(event: Event) -> None:
        summary.events.append(event)
        if on_event:
            on_event(event)

    inputs = find_inputs(list(options.inputs))
    for shown, reason in inputs.problems:
        emit(Event(writer.FAILED, shown, note=reason, line=1))
    summary.passed_over.update(inputs.skipped)
    archives = [file for file in inputs.files if file.kind in WEB_ARCHIVE_KINDS]
    work: list[Work] = list(split_dumps([file for file in inputs.files if file not in archives]))
    work += _captures(archives, options.all_captures, emit, summary.passed_over, on_progress)
    workers = options.workers or cpu_count()
    urls = UrlsInUse(config, workers)
    if work:
        urls.read()
    content = writer.ContentWriter(config.content_dir, urls, dry_run=options.dry_run, update=options.update,
                                     overwrite_edits=options.overwrite_edits)
    state = {"config": config, "default_date": options.default_date, "all_captures": options.all_captures}
    found_all: Iterable[_Found] = _extracted(work, workers, state, on_progress)
    settings = config.importing
    uses: Counter[str] | None = None
    if settings.min_source_tag_uses > 1 and settings.source_tags != "off":
        uses, found_all = count_then_replay(
            found_all, lambda found: found.document.source_tags if found.document else ())
    for found in found_all:
        if found.document is None:
            emit(Event(writer.FAILED, found.origin, note=found.problem, line=found.line))
            continue
        document = found.document if uses is None else found.document.counted(uses, settings)
        placement = content.place(document)
        emit(Event(placement.status, found.origin, placement.path, placement.note, found.line))
        for warning in document.warnings:
            emit(Event(WARNING, found.origin, placement.path, warning, found.date_line or found.line))
    summary.seconds = time.perf_counter() - started
    return summary


def _extracted(work: list[Work], workers: int, state: dict[str, Any],
               on_progress: Callable[[int, int], None] | None) -> Iterator[_Found]:
    """Every article of ``work``, in input order, extracted by ``workers`` processes; progress
    moves by the bytes each item stands for."""
    sizes = [_size(item) for item in work]
    total, done, index = sum(sizes), 0, 0
    for chunk in fork_imap(_extract_work, work, workers, state, chunk_size=FILES_PER_TASK, min_chunk=1):
        for found_in_item in chunk:
            yield from found_in_item
            done += sizes[index]
            index += 1
        if on_progress:
            on_progress(done, total)


def _captures(archives: list[InputFile], all_captures: bool, emit: Callable[[Event], None],
              passed_over: Counter[str], on_progress: Callable[[int, int], None] | None) -> list[Capture]:
    """The captures to extract from the web archives among the inputs (the first pass)."""
    members: list[Member] = []
    for archive in archives:
        try:
            members += archive_members(archive.path, archive.shown, archive.kind or "warc")
        except (ArchiveError, OSError) as exc:
            emit(Event(writer.FAILED, archive.shown, note=str(exc), line=1))
    if not members:
        return []
    total, done = sum(member.size for member in members), 0

    def read(count: int) -> None:
        nonlocal done
        done += count
        if on_progress:
            on_progress(done, total)

    scan = scan_archives(members, all_captures, read)
    for location, message in scan.problems:
        emit(Event(writer.FAILED, location, note=message))
    passed_over.update(scan.passed_over)
    return scan.captures


def _size(item: Work) -> int:
    """The bytes an item stands for, so progress moves by bytes whatever the inputs are."""
    if isinstance(item, Capture):
        return item.length
    if item.piece:
        return item.piece[1] - item.piece[0]
    try:
        return item.path.stat().st_size
    except OSError:
        return 0


def _extract_work(items: Sequence[Work]) -> list[list[_Found]]:
    config: SiteConfig = inherited("config")
    default_date: datetime | None = inherited("default_date")
    all_captures: bool = inherited("all_captures")
    return [extract_capture(item, config, default_date, all_captures) if isinstance(item, Capture)
            else extract_file(item, config, default_date) for item in items]


def extract_capture(capture: Capture, config: SiteConfig, default_date: datetime | None = None,
                    all_captures: bool = False) -> list[_Found]:
    """One web-archive capture as a document, extracted as the saved page it is.

    ``source`` is the URL the crawler fetched, not a canonical URL the page names: that is what
    the archive holds, and what tells captures of one page apart from other pages. With every
    capture kept, each file name carries its capture time (``SLUG-20240102030405.md``, as
    Wayback URLs do), so captures never replace one another.
    """
    def document() -> Document:
        page = extract_html(capture_page(capture), capture.url)
        found = _page_article(page, capture.url, capture.date)
        made = make_document(found, config, capture.member.path.name, default_date)
        if all_captures:
            made = replace(made, name_suffix=f"{capture.date.astimezone(UTC):%Y%m%d%H%M%S}")
        return made

    try:
        return [_Found(capture.origin, document())]
    except Exception as exc:  # noqa: BLE001 - one pathological page must not end a 100k-page crawl
        return [_failed(capture.origin, None, exc)]


def _page_article(page: HtmlPage, source: str, captured: datetime | None = None) -> Extracted:
    return Extracted(title=page.title, body=page.body_markdown, date=page.date, summary=page.description,
                     authors=page.authors, tags=page.keywords, source=source, language=page.language,
                     captured=captured)


def _failed(origin: str, line: int | None, exc: Exception) -> _Found:
    """Why an input gave no article, from what extracting it raised."""
    if isinstance(exc, (NoArticle, SourceError, Undecodable)):
        return _Found(origin, problem=str(exc), line=line)
    if isinstance(exc, RecursionError):
        return _Found(origin, problem="nested too deeply to be an article", line=line)
    return _Found(origin, problem=f"could not be extracted ({type(exc).__name__}: {exc})"[:300], line=line)


def extract_file(file: InputFile, config: SiteConfig, default_date: datetime | None = None) -> list[_Found]:
    """Every article in one input file, as documents or problems (never an exception)."""
    kind = file.kind
    try:
        if file.piece:
            start, end, first_line = file.piece
            piece = read_piece(file.path, start, end)
            return _records(file, piece, "jsonl", config, default_date, first_line)
        raw = read_bytes(file.path, MAX_DUMP_BYTES if kind in ("json", "jsonl", None) else MAX_PAGE_BYTES)
        if kind is None:
            kind = sniff_kind(raw)
        if kind in ("json", "jsonl"):
            return _records(file, raw, kind, config, default_date)
        if kind == "html":
            page = extract_html(raw)
            found = _page_article(page, page.canonical_url)
        elif kind in WEB_ARCHIVE_KINDS:
            raise SourceError("a web archive is read by its own pass")  # never: run_import scans them
        else:
            text = decode_scraped(raw)
            dump = parse_text_dump(text)
            found = Extracted(title=dump.title, date=dump.date,
                              body="\n\n".join(escape_text(paragraph) for paragraph in dump.paragraphs))
            document = make_document(found, config, file.path.name, default_date)
            return [_Found(file.shown, document, line=1, date_line=_line_of(text, dump.dateline))]
        return [_Found(file.shown, make_document(found, config, file.path.name, default_date), line=1)]
    except Exception as exc:  # noqa: BLE001 - one pathological page must not end a 100k-file import
        return [_failed(file.shown, 1, exc)]


def _records(file: InputFile, raw: bytes, kind: str, config: SiteConfig,
             default_date: datetime | None, first_line: int = 1) -> list[_Found]:
    field_map = dict(config.importing.fields)
    results = []
    for item in (read_jsonl(raw, first_line) if kind == "jsonl" else read_json(raw)):
        origin = file.shown + item.where
        if not isinstance(item, Record):
            whole_file = 1 if not item.where else None  # the dump itself: empty, not JSON, ...
            results.append(_Found(origin, problem=item.message, line=item.line or whole_file))
            continue
        try:
            found = record_to_extracted(item.data, field_map)
            document = make_document(found, config, file.path.name, default_date, min_words=1)
            results.append(_Found(origin, document, line=item.line))
        except NoArticle as exc:
            results.append(_Found(origin, problem=str(exc), line=item.line))
        except RecursionError:
            results.append(_Found(origin, problem="nested too deeply to be an article", line=item.line))
    return results


def _line_of(text: str, line: str) -> int | None:
    """The 1-based number of the first line of ``text`` that reads ``line`` (whitespace aside)."""
    if line:
        for number, candidate in enumerate(text.split("\n"), 1):
            if " ".join(candidate.split()) == line:
                return number
    return None
