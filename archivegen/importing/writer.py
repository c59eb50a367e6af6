"""Files documents into content/ without ever overwriting a different article or taking its URL.

Each article has a short list of candidate paths, always the same for the same article:
``YEAR/SLUG.md``, then ``YEAR/SLUG-YYYY-MM-DD.md``, then ``YEAR/SLUG-<hash>.md``. The first
candidate that already holds this article, or that is free *and* whose URL no other file uses,
wins. "This article" means the same words (the same ``content_hash``), or the same headline
from the same ``source`` (a re-extraction or correction, which ``--update`` rewrites). The
``source`` URL alone is not identity: one address can serve a story and, later, its rewrite,
or a scraper can give every record a section's URL; a different article from the same source
takes the next candidate and the report says so. Re-importing finds its own file again,
reports it unchanged and leaves it alone (mtime included); a different article with the same
headline takes the next candidate, deterministically.

Hand edits are safe. ``--update`` rewrites a file only while it is exactly what the import
wrote: every imported file ends its front matter with ``import_hash``, a digest of the rest of
the file, so a file changed since (a corrected title, a tag removed, junk cut from the body) is
kept and reported "edited by hand, kept" unless ``overwrite_edits``. Files imported before
``import_hash`` existed are judged by their words (``content_hash``, a hash of the body's words,
markup and spacing ignored). No state file is needed: the record travels with the article
(copied, moved or restored from git).

A free file name is not a free URL (a hand-written ``slug:``, a ``/{slug}/`` pattern across
years): ``urls.UrlsInUse`` knows every URL content/ uses, computed the way the build does.

New files are created with ``link()`` from a temporary file in the same folder: atomic, and it
fails rather than replacing a file that appeared since we looked.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archivegen.content.frontmatter import FrontMatterError, split_front_matter
from archivegen.content.slugs import MAX_SLUG_BYTES, make_slug, short_hash
from archivegen.importing.document import Document, body_hash, import_hash_of, plain_text
from archivegen.importing.urls import UrlsInUse

FILE_SLUG_BYTES = MAX_SLUG_BYTES - len(".md")  # NAME_MAX is 255 bytes for the whole file name
IMPORTED, UNCHANGED, UPDATED, RENAMED, EDITED, SKIPPED, FAILED = (
    "imported", "unchanged", "updated", "renamed", "edited by hand, kept", "skipped", "failed")


@dataclass(frozen=True)
class Placement:
    status: str
    path: Path | None
    note: str = ""


class ContentWriter:
    """Decides and performs the writes of one import run (or only decides, for --dry-run)."""

    def __init__(self, content_dir: Path, urls: UrlsInUse, dry_run: bool = False, update: bool = False,
                 overwrite_edits: bool = False):
        self.content_dir = content_dir
        self.urls = urls
        self.dry_run = dry_run
        self.update = update
        self.overwrite_edits = overwrite_edits
        self._planned: dict[Path, str] = {}  # dry run: what this run would have written

    def place(self, document: Document) -> Placement:
        folder = self.content_dir / f"{document.date.year:04d}"
        passed: list[str] = []  # why each earlier candidate was not this article's
        for slug in candidate_slugs(document):
            path = folder / f"{slug}.md"
            text = document.text(slug)
            existing = self._existing_text(path)
            if existing is not None:
                if existing == text:
                    return Placement(UNCHANGED, path)
                meta = _front_matter(existing)
                if _same_article(meta, document):
                    return self._again(path, text, existing)
                passed.append(f"{self._shown(path)} holds a different article"
                              + (" from the same source" if _same_source(meta, document) else ""))
                continue
            url = self.urls.url_of(text, path)
            claimant = self.urls.claimant(url, path)
            if claimant is not None:
                passed.append(f"{url} is the URL of {claimant}")
                continue
            self._write_new(path, text)
            self.urls.claim(url, path)
            return Placement(RENAMED, path, passed[0]) if passed else Placement(IMPORTED, path)
        return Placement(SKIPPED, None, f"every candidate name is taken: {passed[0]}")

    def _again(self, path: Path, text: str, existing: str) -> Placement:
        """``path`` holds this article already: keep it, or rewrite it with --update unless its
        body was edited by hand since the import wrote it."""
        if not self.update:
            return Placement(UNCHANGED, path, "already imported; kept as it is, --update rewrites it")
        if not self.overwrite_edits and edited_by_hand(existing):
            return Placement(EDITED, path, "it changed since the import wrote it; "
                                           "--overwrite-edits replaces it")
        url = self.urls.url_of(text, path)
        claimant = self.urls.claimant(url, path)
        if claimant is not None:
            return Placement(SKIPPED, path, f"not updated: its new URL {url} is the URL of "
                                            f"{claimant}")
        self._replace(path, text)
        self.urls.claim(url, path)
        return Placement(UPDATED, path)

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
    """The article's slugs in order of preference; each plus ".md" fits a 255-byte file name.

    A document with a ``name_suffix`` (one of several captures of a page) never takes the plain
    name: its captures must not settle into each other's files.
    """
    day = f"-{document.date:%Y-%m-%d}"
    digest = f"-{short_hash(document.content_hash + document.title)}"
    if document.name_suffix:
        suffix = f"-{document.name_suffix}"
        return [make_slug(document.title, FILE_SLUG_BYTES - len(suffix)) + suffix,
                make_slug(document.title, FILE_SLUG_BYTES - len(suffix + digest)) + suffix + digest]
    return [make_slug(document.title, FILE_SLUG_BYTES),
            make_slug(document.title, FILE_SLUG_BYTES - len(day)) + day,
            make_slug(document.title, FILE_SLUG_BYTES - len(digest)) + digest]


def _front_matter(text: str) -> dict[str, Any]:
    try:
        return split_front_matter(text).meta  # always a mapping: anything else is a FrontMatterError
    except FrontMatterError:
        return {}


def edited_by_hand(text: str) -> bool:
    """The file is no longer what the import wrote: its bytes (line endings aside) no longer
    match its ``import_hash``. A file imported before ``import_hash`` existed is judged by its
    body: its words no longer hash to its ``content_hash``. A file with neither, or whose front
    matter does not parse, counts as edited: it is not what an import wrote."""
    recorded_file, actual_file = import_hash_of(text)
    if recorded_file is not None:
        return recorded_file != actual_file
    try:
        split = split_front_matter(text)
    except FrontMatterError:
        return True
    recorded = split.meta.get("content_hash")
    return not isinstance(recorded, str) or body_hash(plain_text(split.body)) != recorded


def _same_article(meta: dict[str, Any], document: Document) -> bool:
    """The same words, or the same headline from the same source: a re-extraction or a
    correction of one story, which ``--update`` may rewrite. Another headline with other words
    from the same source is another article."""
    return meta.get("content_hash") == document.content_hash or (
        _same_source(meta, document) and meta.get("title") == document.title)


def _same_source(meta: dict[str, Any], document: Document) -> bool:
    return bool(document.source) and meta.get("source") == document.source
