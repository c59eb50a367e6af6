"""Find what to import: named files, and the article files inside named folders.

A folder is walked in sorted order (so imports are reproducible), hidden entries (``.git``) are
skipped and symlinked folders are not followed (a link loop must not hang an import). Files in a
folder are taken by their extension; a file named on the command line is always taken, its kind
sniffed from its first bytes when the extension says nothing. ``.gz`` files are read through
gzip, as scrapers often store pages that way.
"""

from __future__ import annotations

import os
import zlib
from dataclasses import dataclass
from pathlib import Path

KINDS = ("text", "html", "json", "jsonl")
EXTENSIONS = {
    ".txt": "text", ".text": "text",
    ".html": "html", ".htm": "html", ".xhtml": "html", ".shtml": "html",
    ".json": "json",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".jl": "jsonl",
}
MAX_PAGE_BYTES = 64 * 1024 * 1024  # one HTML page or text dump; bigger is not an article
MAX_DUMP_BYTES = 2 * 1024 * 1024 * 1024  # a JSON(L) dump, after decompression


class SourceError(Exception):
    """A named input cannot be read; the message is for the user, after the path."""


@dataclass(frozen=True)
class InputFile:
    path: Path
    shown: str  # how messages name the file: as the user typed it, or relative to the named folder
    kind: str | None  # from the extension; None means "sniff the bytes"
    piece: tuple[int, int, int] | None = None  # JSONL only: byte start, byte end, first line number


def split_dumps(files: list[InputFile], piece_bytes: int = 1 << 20) -> list[InputFile]:
    """Big uncompressed JSONL dumps cut into pieces of whole lines, so every core can take some.

    A 100,000-record dump is one file; without this, one worker would extract all of it.
    """
    pieces: list[InputFile] = []
    for file in files:
        try:
            size = file.path.stat().st_size
        except OSError:
            size = 0
        if file.kind != "jsonl" or size <= piece_bytes or file.path.name.lower().endswith(".gz"):
            pieces.append(file)
            continue
        with open(file.path, "rb") as handle:
            start, line = 0, 1
            while start < size:
                handle.seek(min(start + piece_bytes, size))
                handle.readline()  # finish the line the cut fell in
                end = min(handle.tell(), size) if start + piece_bytes < size else size
                handle.seek(start)
                lines_in_piece = handle.read(end - start).count(b"\n")
                pieces.append(InputFile(file.path, file.shown, file.kind, (start, end, line)))
                start, line = end, line + lines_in_piece
    return pieces


def find_inputs(named: list[Path]) -> tuple[list[InputFile], list[tuple[str, str]]]:
    """The files to import from ``named``, and (path, reason) for names that cannot be used."""
    found: list[InputFile] = []
    problems: list[tuple[str, str]] = []
    seen: set[Path] = set()
    for path in named:
        shown = str(path)
        if path.is_dir():
            for file in _walk(path):
                real = file.resolve()
                if real not in seen:
                    seen.add(real)
                    found.append(InputFile(file, str(file), kind_of_name(file.name)))
        elif path.is_file():
            real = path.resolve()
            if real not in seen:
                seen.add(real)
                found.append(InputFile(path, shown, kind_of_name(path.name)))
        elif path.exists() or path.is_symlink():
            problems.append((shown, "not a regular file or folder" if path.exists()
                             else "broken symbolic link"))
        else:
            problems.append((shown, "no such file or folder"))
    return found, problems


def kind_of_name(name: str) -> str | None:
    """The kind a file name announces (``page.html.gz`` is html), or None."""
    lower = name.lower()
    if lower.endswith(".gz"):
        lower = lower[:-3]
    return EXTENSIONS.get(os.path.splitext(lower)[1])


def _walk(folder: Path) -> list[Path]:
    files = []
    for root, dirs, names in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if not name.startswith(".") and kind_of_name(name):
                files.append(Path(root) / name)
    return files


def read_piece(path: Path, start: int, end: int) -> bytes:
    try:
        with open(path, "rb") as handle:
            handle.seek(start)
            return handle.read(end - start)
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror}") from None


def read_bytes(path: Path, limit: int) -> bytes:
    """The file's bytes, gunzipped when it is gzip; SourceError past ``limit`` or on failure.

    The limit applies after decompression too, so a small gzip bomb cannot fill memory.
    """
    try:
        with open(path, "rb") as handle:
            raw = handle.read(limit + 1)
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror}") from None
    if len(raw) > limit:
        raise SourceError(f"larger than {limit // 1_048_576} MB")
    if raw[:2] != b"\x1f\x8b":
        return raw
    try:
        data = zlib.decompressobj(wbits=31).decompress(raw, limit + 1)
    except zlib.error as exc:
        raise SourceError(f"broken gzip file: {exc}") from None
    if len(data) > limit:
        raise SourceError(f"larger than {limit // 1_048_576} MB once decompressed")
    return data


def sniff_kind(raw: bytes) -> str:
    """Kind of an input whose name says nothing, from its first bytes."""
    head = raw[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"{", b"[")):
        first_line = head.split(b"\n", 1)[0].rstrip()
        return "jsonl" if head.startswith(b"{") and first_line.endswith(b"}") and b"\n{" in head else "json"
    if head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<body" in head or b"<p>" in head:
        return "html"
    return "text"

