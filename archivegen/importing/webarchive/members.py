"""The WARC streams of a web-archive input, each readable from any byte offset.

A .warc or .warc.gz file is one stream. A .wacz is a zip whose archive/ folder holds WARC
files; WACZ writers store them uncompressed inside the zip (the WARCs are gzipped already),
so each is a window of bytes in the .wacz itself and is read in place, seeking as freely as
a loose file. A WARC that a zip tool deflated anyway is read through ``zipfile`` instead:
still streaming, but seeking forward means decompressing the way there.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

WEB_ARCHIVE_KINDS = ("warc", "wacz")
_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature ... file name length, extra field length


class ArchiveError(Exception):
    """A web archive that cannot be opened at all (not a zip, no WARC inside); for the user."""


@dataclass(frozen=True)
class Member:
    """One WARC stream: ``size`` bytes of ``path`` from ``start``, or a deflated zip entry."""

    path: Path
    shown: str  # how messages name it: "crawl.warc.gz", "site.wacz/archive/data.warc.gz"
    start: int
    size: int
    deflated: str = ""  # the entry's name when the zip compressed it: read through zipfile

    @contextmanager
    def open(self) -> Iterator[IO[bytes]]:
        """The stream, positioned at its first byte; offsets (``tell``/``seek``) are its own."""
        with open(self.path, "rb") as handle:
            if self.deflated:
                with zipfile.ZipFile(handle) as archive, archive.open(self.deflated) as entry:
                    yield entry
            else:
                yield io.BufferedReader(_Window(handle, self.start, self.size), 1 << 16)


def archive_members(path: Path, shown: str, kind: str) -> list[Member]:
    """The WARC streams of one input of kind "warc" or "wacz"; ArchiveError if a .wacz is unusable."""
    if kind == "warc":
        return [Member(path, shown, 0, path.stat().st_size)]
    try:
        with open(path, "rb") as handle, zipfile.ZipFile(handle) as archive:
            entries = sorted((info for info in archive.infolist() if _is_warc_entry(info.filename)),
                             key=lambda info: info.filename)
            if not entries:
                raise ArchiveError("a WACZ without WARC files in archive/")
            return [_member(path, f"{shown}/{info.filename}", handle, info) for info in entries]
    except (zipfile.BadZipFile, OSError, struct.error) as exc:
        raise ArchiveError(f"not a readable WACZ (zip) file: {exc}") from None


def _is_warc_entry(name: str) -> bool:
    lower = name.lower()
    return lower.startswith("archive/") and lower.endswith((".warc", ".warc.gz"))


def _member(path: Path, shown: str, handle: IO[bytes], info: zipfile.ZipInfo) -> Member:
    if info.compress_type != zipfile.ZIP_STORED:
        return Member(path, shown, 0, info.file_size, deflated=info.filename)
    handle.seek(info.header_offset)
    signature, name_length, extra_length = _LOCAL_HEADER.unpack(handle.read(_LOCAL_HEADER.size))
    if signature != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"no local header for {info.filename}")
    start = info.header_offset + _LOCAL_HEADER.size + name_length + extra_length
    return Member(path, shown, start, info.file_size)


class _Window(io.RawIOBase):
    """``size`` bytes of an open file from ``start``, as a file of their own."""

    def __init__(self, handle: IO[bytes], start: int, size: int) -> None:
        super().__init__()
        self._handle, self._start, self._size, self._position = handle, start, size, 0
        handle.seek(start)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        wanted = min(len(buffer), self._size - self._position)
        if wanted <= 0:
            return 0
        data = self._handle.read(wanted)
        buffer[: len(data)] = data
        self._position += len(data)
        return len(data)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        self._position = max(0, min(self._size, base + offset))
        self._handle.seek(self._start + self._position)
        return self._position

    def tell(self) -> int:
        return self._position
