"""Find what to import: named files, and the article files inside named folders.

A folder is walked in sorted order (so imports are reproducible), hidden entries (``.git``) are
skipped and symlinked folders are not followed (a link loop must not hang an import). Files in a
folder are taken by their extension, and the others counted by kind, so the summary can say
what a folder held that is no input ("3 Markdown files, 2 images"). A file named on the command
line is taken unless its extension names a kind that is no article input (a Markdown article
is content already, a YAML file is configuration): that is refused with one line saying so,
since importing it as text would make an article of its front matter. A name whose extension
says nothing is sniffed from its first bytes. ``.gz`` files are read through gzip, as scrapers
often store pages that way. Web archives (``.warc``, ``.warc.gz``, ``.wacz``) are their own
kinds, read by ``webarchive``.
"""

from __future__ import annotations

import os
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

KINDS = ("text", "html", "json", "jsonl", "warc", "wacz")
EXTENSIONS = {
    ".txt": "text", ".text": "text",
    ".html": "html", ".htm": "html", ".xhtml": "html", ".shtml": "html",
    ".json": "json",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".jl": "jsonl",
    ".warc": "warc", ".wacz": "wacz",
}
# Kinds that are no article input: (the words for a count of them, why a named one is refused).
_MARKDOWN = ("Markdown", "is a Markdown article, already content: put it in content/")
_YAML = ("YAML", "is a YAML file (configuration?), not an article")
_IMAGE = ("image", "is an image, not an article")
_ARCHIVE = ("archive", "is a compressed archive: unpack it first (a .wacz web archive is read as it is)")
NOT_INPUTS = {
    ".md": _MARKDOWN, ".markdown": _MARKDOWN, ".mdown": _MARKDOWN,
    ".yaml": _YAML, ".yml": _YAML,
    ".toml": ("TOML", "is a TOML file (configuration?), not an article"),
    ".png": _IMAGE, ".jpg": _IMAGE, ".jpeg": _IMAGE, ".gif": _IMAGE, ".svg": _IMAGE, ".webp": _IMAGE,
    ".avif": _IMAGE, ".ico": _IMAGE, ".bmp": _IMAGE, ".tif": _IMAGE, ".tiff": _IMAGE,
    ".pdf": ("PDF", "is a PDF document: save the article as HTML or text to import it"),
    ".css": ("style sheet", "is a style sheet, not an article"),
    ".js": ("script", "is a script, not an article"),
    ".zip": _ARCHIVE, ".tar": _ARCHIVE, ".tgz": _ARCHIVE, ".7z": _ARCHIVE, ".rar": _ARCHIVE,
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


@dataclass
class Inputs:
    """What the named inputs hold: files to import, names that cannot be used (with the reason),
    and the files folders held that are no input, counted by kind ("Markdown file" -> 3)."""

    files: list[InputFile] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)


def find_inputs(named: list[Path]) -> Inputs:
    """The files to import from ``named``; a named file of a kind that is no input is a problem."""
    inputs = Inputs()
    found, problems = inputs.files, inputs.problems
    seen: set[Path] = set()
    for path in named:
        shown = str(path)
        if path.is_dir():
            for file in _walk(path, inputs.skipped):
                real = file.resolve()
                if real not in seen:
                    seen.add(real)
                    found.append(InputFile(file, str(file), kind_of_name(file.name)))
        elif path.is_file():
            refused = NOT_INPUTS.get(_extension(path.name))
            if refused and not kind_of_name(path.name):
                problems.append((shown, f"it {refused[1]}"))
                continue
            real = path.resolve()
            if real not in seen:
                seen.add(real)
                found.append(InputFile(path, shown, kind_of_name(path.name)))
        elif path.exists() or path.is_symlink():
            problems.append((shown, "not a regular file or folder" if path.exists()
                             else "broken symbolic link"))
        else:
            problems.append((shown, "no such file or folder"))
    return inputs


def kind_of_name(name: str) -> str | None:
    """The kind a file name announces (``page.html.gz`` is html, ``crawl.warc.gz`` warc), or None."""
    return EXTENSIONS.get(_extension(name))


def skipped_kind(name: str) -> str:
    """What a file a folder held is, in the words the summary counts it with."""
    known = NOT_INPUTS.get(_extension(name))
    return f"{known[0]} file" if known else "file of another kind"


def _extension(name: str) -> str:
    lower = name.lower()
    if lower.endswith(".gz"):
        lower = lower[:-3]
    return os.path.splitext(lower)[1]


def _walk(folder: Path, skipped: Counter[str]) -> list[Path]:
    files = []
    for root, dirs, names in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if name.startswith("."):
                continue
            if kind_of_name(name):
                files.append(Path(root) / name)
            else:
                skipped[skipped_kind(name)] += 1
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

