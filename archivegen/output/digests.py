"""The one hash of output bytes: what the build records for every file it writes, what a later
build compares a file on disk with (``check.py``), and what a deploy checks before publishing."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path


def data_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def file_digest(path: Path) -> str:
    return data_digest(path.read_bytes())


def file_digest_or_none(path: Path) -> str | None:
    """The digest of a file, or None when it cannot be read (gone, a folder, no permission)."""
    try:
        return file_digest(path)
    except OSError:
        return None


def folder_digest(files: Iterable[tuple[str, str]]) -> str:
    """The recorded digest of an output that is a whole folder (a search bundle): every file's
    path inside it with its ``file_digest``, so a deploy can check the folder it publishes."""
    return hashlib.blake2b("\x1f".join(f"{path}\0{digest}" for path, digest in sorted(files))
                           .encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def folder_files_digest(folder: Path) -> str:
    return folder_digest((path.relative_to(folder).as_posix(), file_digest(path))
                         for path in folder.rglob("*") if path.is_file())
