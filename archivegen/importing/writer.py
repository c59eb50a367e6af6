"""Files documents into content/ without ever overwriting a different article.

Each article has a short list of candidate paths, always the same for the same article:
``YEAR/SLUG.md``, then ``YEAR/SLUG-YYYY-MM-DD.md``, then ``YEAR/SLUG-<hash>.md``. The first
candidate that is free, or that already holds this article, wins. "This article" means the same
``content_hash`` (the article's words) or the same ``source`` URL. Re-importing therefore finds
its own file again, reports it unchanged and leaves it alone (mtime included); a different
article with the same headline takes the next candidate, deterministically.

New files are created with ``link()`` from a temporary file in the same folder: atomic, and it
fails rather than replacing a file that appeared since we looked.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from archivegen.content.frontmatter import FrontMatterError, split_front_matter
from archivegen.content.slugs import MAX_SLUG_BYTES, make_slug, short_hash
from archivegen.importing.document import Document

FILE_SLUG_BYTES = MAX_SLUG_BYTES - len(".md")  # NAME_MAX is 255 bytes for the whole file name
IMPORTED, UNCHANGED, UPDATED, RENAMED, SKIPPED, FAILED = (
    "imported", "unchanged", "updated", "renamed", "skipped", "failed")


@dataclass(frozen=True)
class Placement:
    status: str
    path: Path | None
    note: str = ""


class ContentWriter:
    """Decides and performs the writes of one import run (or only decides, for --dry-run)."""

    def __init__(self, content_dir: Path, dry_run: bool = False, update: bool = False):
        self.content_dir = content_dir
        self.dry_run = dry_run
        self.update = update
        self._planned: dict[Path, str] = {}  # dry run: what this run would have written

    def place(self, document: Document) -> Placement:
        folder = self.content_dir / f"{document.date.year:04d}"
        taken: list[Path] = []
        for slug in candidate_slugs(document):
            path = folder / f"{slug}.md"
            text = document.text(slug)
            existing = self._existing_text(path)
            if existing is None:
                self._write_new(path, text)
                if taken:
                    return Placement(RENAMED, path, f"{self._shown(taken[0])} holds a different article")
                return Placement(IMPORTED, path)
            if existing == text:
                return Placement(UNCHANGED, path)
            if _same_article(existing, document):
                if not self.update:
                    return Placement(UNCHANGED, path,
                                     "already imported; kept as it is (--update replaces it)")
                self._replace(path, text)
                return Placement(UPDATED, path)
            taken.append(path)
        return Placement(SKIPPED, None, f"every candidate name is taken: {self._shown(taken[0])}")

    def _existing_text(self, path: Path) -> str | None:
        if path in self._planned:
            return self._planned[path]
        try:
            return path.read_bytes().decode("utf-8", "replace")
        except FileNotFoundError:
            return None
        except IsADirectoryError:
            return "\0"  # never "the same article": a folder in the way means the next name

    def _write_new(self, path: Path, text: str) -> None:
        if self.dry_run:
            self._planned[path] = text
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self._temporary(path, text)
        try:
            os.link(temporary, path)  # fails if the name appeared meanwhile: never a silent overwrite
        finally:
            os.unlink(temporary)

    def _replace(self, path: Path, text: str) -> None:
        if self.dry_run:
            self._planned[path] = text
            return
        temporary = self._temporary(path, text)
        try:
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise

    @staticmethod
    def _temporary(path: Path, text: str) -> str:
        handle, name = tempfile.mkstemp(prefix=".import-", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(text.encode("utf-8"))
            os.chmod(name, 0o644)
        except BaseException:
            os.unlink(name)
            raise
        return name

    def _shown(self, path: Path) -> str:
        try:
            return path.relative_to(self.content_dir.parent).as_posix()
        except ValueError:
            return str(path)


def candidate_slugs(document: Document) -> list[str]:
    """The article's slugs in order of preference; each plus ".md" fits a 255-byte file name."""
    day = f"-{document.date:%Y-%m-%d}"
    digest = f"-{short_hash(document.content_hash + document.title)}"
    return [make_slug(document.title, FILE_SLUG_BYTES),
            make_slug(document.title, FILE_SLUG_BYTES - len(day)) + day,
            make_slug(document.title, FILE_SLUG_BYTES - len(digest)) + digest]


def _same_article(existing: str, document: Document) -> bool:
    """Does this existing file hold ``document`` (same words, or the same source URL)?"""
    try:
        meta = split_front_matter(existing).meta
    except FrontMatterError:
        return False
    if meta.get("content_hash") == document.content_hash:
        return True
    return bool(document.source) and meta.get("source") == document.source
