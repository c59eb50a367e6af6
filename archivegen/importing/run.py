"""One ``archivegen import``: inputs in, files written, a summary out.

Extraction (decoding, trafilatura, Markdown rendering for summaries and hashes) is the costly
part and runs on every core, a few files per task. Deciding where each article goes and writing
it happens in this process, in input order, so two inputs that want the same name always
resolve the same way whatever the number of workers. Before extraction starts, the URLs that
content/ already uses are read (``urls.py``), so no article is written onto another's URL.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from archivegen.config.loader import load_config
from archivegen.config.schema import SiteConfig
from archivegen.importing import writer
from archivegen.importing.document import Document, make_document
from archivegen.importing.extracted import Extracted, NoArticle
from archivegen.importing.htmlpage import extract_html
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
from archivegen.parallel import cpu_count, fork_imap, inherited
from archivegen.text.decoding import Undecodable, decode_scraped

FILES_PER_TASK = 8
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
        that does not parse) is on line 1."""
        line = self.line or 1
        if self.origin.endswith(f":{line}"):
            return self.origin
        return f"{self.origin}:{line}"


@dataclass
class ImportSummary:
    events: list[Event] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def counts(self) -> Counter[str]:
        return Counter(event.status for event in self.events)

    @property
    def ok(self) -> bool:
        return not any(event.status in (writer.SKIPPED, writer.FAILED) for event in self.events)


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

    files, missing = find_inputs(list(options.inputs))
    files = split_dumps(files)
    for shown, reason in missing:
        emit(Event(writer.FAILED, shown, note=reason))
    workers = options.workers or cpu_count()
    urls = UrlsInUse(config, workers)
    if files:
        urls.read()
    content = writer.ContentWriter(config.content_dir, urls, dry_run=options.dry_run, update=options.update,
                                     overwrite_edits=options.overwrite_edits)
    state = {"config": config, "default_date": options.default_date}
    found_all: Iterable[_Found] = _extracted(files, workers, state, on_progress)
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


def _extracted(files: list[InputFile], workers: int, state: dict[str, Any],
               on_progress: Callable[[int, int], None] | None) -> Iterator[_Found]:
    """Every article of ``files``, in input order, extracted by ``workers`` processes."""
    done = 0
    for chunk in fork_imap(_extract_files, files, workers, state, chunk_size=FILES_PER_TASK, min_chunk=1):
        for found_in_file in chunk:
            yield from found_in_file
            done += 1
        if on_progress:
            on_progress(done, len(files))


def _extract_files(files: Sequence[InputFile]) -> list[list[_Found]]:
    config: SiteConfig = inherited("config")
    default_date: datetime | None = inherited("default_date")
    return [list(extract_file(file, config, default_date)) for file in files]


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
            found = Extracted(
                title=page.title, body=page.body_markdown, date=page.date, summary=page.description,
                authors=page.authors, tags=page.keywords, source=page.canonical_url, language=page.language)
        else:
            text = decode_scraped(raw)
            dump = parse_text_dump(text)
            found = Extracted(title=dump.title, date=dump.date,
                              body="\n\n".join(escape_text(paragraph) for paragraph in dump.paragraphs))
            document = make_document(found, config, file.path.name, default_date)
            return [_Found(file.shown, document, line=1, date_line=_line_of(text, dump.dateline))]
        return [_Found(file.shown, make_document(found, config, file.path.name, default_date), line=1)]
    except (NoArticle, SourceError, Undecodable) as exc:
        return [_Found(file.shown, problem=str(exc), line=1)]
    except RecursionError:
        return [_Found(file.shown, problem="nested too deeply to be an article", line=1)]
    except Exception as exc:  # noqa: BLE001 - one pathological page must not end a 100k-file import
        return [_Found(file.shown, problem=f"could not be extracted ({type(exc).__name__}: {exc})"[:300],
                       line=1)]


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
