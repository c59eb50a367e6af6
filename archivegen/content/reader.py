"""Read every article under content/ and report all problems at once.

Reading is pure: it turns bytes into Article records or Problems. Every file is checked before
the build gives up, so a user fixing a broken import sees the whole list in one run.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from archivegen import interrupt
from archivegen.content.article import Article
from archivegen.content.dates import parse_date
from archivegen.content.frontmatter import FrontMatterError, SplitDocument, split_front_matter
from archivegen.content.slugs import file_slug, is_valid_slug, make_slug
from archivegen.errors import Problem
from archivegen.parallel import fork_map, inherited
from archivegen.textclean import strip_controls

MAX_FILE_BYTES = 8 * 1024 * 1024
KNOWN_FIELDS = (
    "title", "date", "updated", "tags", "summary", "source", "authors", "slug", "url", "draft",
    "language", "source_file", "content_hash", "aliases",
)
_SAFE_URL_PATH = re.compile(r"/(?:[a-z0-9._~-]+/)*(?:[a-z0-9._~-]+\.html)?")
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")


@dataclass
class ReadResult:
    articles: list[Article] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)



def find_content_files(content_dir: Path, warnings: list[Problem], shown_root: Path) -> list[Path]:
    """All ``*.md`` files below content_dir, sorted, without following symlinks out of it."""
    return [Path(path) for _, path in content_files(content_dir, warnings, shown_root)]


def content_files(content_dir: Path, warnings: list[Problem], shown_root: Path) -> list[tuple[str, str]]:
    """(content key, absolute path) of every ``*.md`` file below content_dir, in a stable order.

    Symlinked files are read only if they resolve inside content_dir; symlinked directories are
    never descended into (that is how ``ln -s . loop`` cannot hang the build). Works on plain
    strings and ``os.scandir``: a no-op build of 100,000 articles spends most of its time here.
    """
    root = content_dir.resolve()
    found: list[tuple[str, str]] = []
    if not root.is_dir():
        return found
    root_text = str(root)

    def walk(folder: str, prefix: str) -> None:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
        folders = []
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                folders.append(entry)
            elif entry.is_symlink() and os.path.isdir(entry.path):
                warnings.append(Problem(_shown(Path(entry.path), shown_root),
                                        "symlinked directory not followed"))
            elif name.endswith(".md") and _readable_link(entry, root, warnings, shown_root):
                found.append((prefix + name, entry.path))
        for entry in folders:
            walk(entry.path, f"{prefix}{entry.name}/")

    walk(root_text, "")
    return found


def _readable_link(entry: os.DirEntry[str], root: Path, warnings: list[Problem], shown_root: Path) -> bool:
    """True for plain files and for symlinks to files inside the content folder."""
    if not entry.is_symlink():
        return True
    path = Path(entry.path)
    target = path.resolve()
    if not target.exists():
        warnings.append(Problem(_shown(path, shown_root), "broken symlink skipped"))
        return False
    if not target.is_relative_to(root):
        warnings.append(Problem(_shown(path, shown_root),
                                "symlink to a file outside the content folder skipped"))
        return False
    return True


def read_articles(content_dir: Path, zone: tzinfo, shown_root: Path, workers: int = 1) -> ReadResult:
    """Read and validate all articles, on ``workers`` processes; problems are collected.

    Results come back in file order whatever the number of workers, so the build (and its
    error messages) never depend on it.
    """
    result = ReadResult()
    paths = find_content_files(content_dir, result.warnings, shown_root)
    state = {"root": content_dir.resolve(), "zone": zone, "shown_root": shown_root}
    for chunk in fork_map(_read_chunk, paths, workers, state, min_items=1000, chunk_size=500):
        result.articles.extend(chunk.articles)
        result.problems.extend(chunk.problems)
        result.warnings.extend(chunk.warnings)
    return result


def _read_chunk(paths: Sequence[Path]) -> ReadResult:
    root, zone, shown_root = inherited("root"), inherited("zone"), inherited("shown_root")
    result = ReadResult()
    for path in paths:
        interrupt.check()
        key = path.relative_to(root).as_posix()
        shown = _shown(path, shown_root)
        try:
            raw = _read_bytes(path)
            result.articles.append(parse_article(raw, key, zone, shown, result.warnings))
        except _ArticleProblem as problem:
            result.problems.append(Problem(shown, problem.message, problem.line, problem.column))
    return result


class _ArticleProblem(Exception):
    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _ArticleProblem(
                f"file is {size / 1_048_576:.1f} MB; articles are limited to "
                f"{MAX_FILE_BYTES // 1_048_576} MB")
        return path.read_bytes()
    except OSError as exc:
        raise _ArticleProblem(f"cannot read: {exc.strerror}") from None


def decode_text(raw: bytes) -> str:
    """UTF-8 (BOM tolerated), LF newlines; NUL bytes mean a binary file, not an article."""
    if b"\x00" in raw[:8192] or b"\x00" in raw:
        raise _ArticleProblem("binary file (contains NUL bytes), not a Markdown article")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise _ArticleProblem(f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})", line) from None
    # Control characters are invalid in XML and YAML and invisible in HTML: drop them here, once.
    return strip_controls(text.replace("\r\n", "\n").replace("\r", "\n"))


def parse_article(
    raw: bytes, key: str, zone: tzinfo, shown: str, warnings: list[Problem],
) -> Article:
    text = decode_text(raw)
    try:
        doc = split_front_matter(text)
    except FrontMatterError as exc:
        raise _ArticleProblem(exc.message, exc.line, exc.column) from None
    fields = _Fields(doc, zone, shown, warnings)
    return fields.article(key, hashlib.sha256(raw).hexdigest())


class _Fields:
    """Validates one front matter mapping, raising the first problem with its file line."""

    def __init__(self, doc: SplitDocument, zone: tzinfo, shown: str, warnings: list[Problem]):
        self.doc, self.meta, self.zone = doc, doc.meta, zone
        self.shown, self.warnings = shown, warnings

    def fail(self, key: str, message: str) -> _ArticleProblem:
        return _ArticleProblem(message, self.doc.line_of(key))

    def article(self, key: str, content_hash: str) -> Article:
        for name in self.meta:
            if name not in KNOWN_FIELDS:
                raise self.fail(str(name), f'unknown field "{name}" (known: '
                                           f'{", ".join(KNOWN_FIELDS)})')
        title = self.text("title", required=True)
        date = self.date("date", required=True)
        assert date is not None
        slug = self.slug(title, key)
        return Article(
            key=key, title=title, date=date, slug=slug,
            body=self.doc.body, body_line=self.doc.body_line,
            tags=self.tags(), summary=self.text("summary"), source=self.source(),
            authors=self.string_list("authors"), language=self.language(),
            draft=self.flag("draft"), updated=self.date("updated"), url=self.url(),
            aliases=self.aliases(), aliases_line=self.doc.line_of("aliases"),
            content_hash=content_hash,
            body_hash=hashlib.sha256(self.doc.body.encode("utf-8", "surrogatepass")).hexdigest(),
        )

    def text(self, key: str, required: bool = False) -> str:
        value = self.meta.get(key)
        if value is None:
            if required:
                raise self.fail(key, f'"{key}" is required')
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise self.fail(key, f'"{key}" must be text')
        # Raw controls were dropped with the file's text; these came from YAML escapes ("\x01").
        text = " ".join(strip_controls(str(value)).split())
        if required and not text:
            raise self.fail(key, f'"{key}" must not be empty')
        return text

    def date(self, key: str, required: bool = False) -> datetime | None:
        value = self.meta.get(key)
        if value is None and not required:
            return None
        if value is None and key not in self.meta:
            raise self.fail(key, f'"{key}" is required')
        try:
            return parse_date(value, self.zone)
        except (ValueError, OverflowError):
            shown = "" if value is None else str(value)[:60]
            if isinstance(value, bool):  # 'date: yes' reads as a boolean; show it as YAML does
                shown = shown.lower()
            raise self.fail(key, f'"{key}" is not a parsable date: "{shown}" '
                                 "(use ISO 8601, e.g. 2020-03-05T11:15:00+03:00)") from None

    def string_list(self, key: str) -> tuple[str, ...]:
        value = self.meta.get(key)
        if value is None:
            return ()
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            value = [value]
        if not isinstance(value, list):
            raise self.fail(key, f'"{key}" must be a list of text items')
        items: list[str] = []
        for item in value:
            if isinstance(item, bool) or not isinstance(item, (str, int, float)):
                raise self.fail(key, f'"{key}" must be a list of text items')
            text = " ".join(strip_controls(str(item)).split())
            if text and text not in items:
                items.append(text)
        return tuple(items)

    def tags(self) -> tuple[str, ...]:
        """Stripped, deduplicated by their slug (``Syria``/``syria`` are one tag)."""
        seen: set[str] = set()
        tags: list[str] = []
        for tag in self.string_list("tags"):
            tag_slug = make_slug(tag)
            if tag_slug not in seen:
                seen.add(tag_slug)
                tags.append(tag)
        return tuple(tags)

    def source(self) -> str:
        source = self.text("source")
        if not source:
            return ""
        parts = urlsplit(source)
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
            self.warnings.append(Problem(self.shown, f'"source" is not an http(s) URL, '
                                         f'ignored: {source[:60]}', self.doc.line_of("source")))
            return ""
        return source

    def slug(self, title: str, key: str) -> str:
        """An explicit ``slug:``, else the file name's (see ``file_slug``), else the title's."""
        value = self.meta.get("slug")
        if value is None:
            return file_slug(key) or make_slug(title)
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not is_valid_slug(value):
            raise self.fail("slug", f'"slug" must be lowercase letters, digits and hyphens, '
                                    f'got "{str(value)[:60]}"')
        return value

    def url(self) -> str:
        value = self.meta.get("url")
        if value is None:
            return ""
        if not is_site_path(value):
            raise self.fail("url", '"url" must be a site path such as /special/page/ '
                                   "(lowercase letters, digits, '-', '_', no '..')")
        return value

    def aliases(self) -> tuple[str, ...]:
        """Old site paths of the article, each to become a redirect page (``url:``'s rules)."""
        value = self.meta.get("aliases")
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise self.fail("aliases", '"aliases" must be a list of site paths such as '
                                       "[/2020/03/old-title/]")
        found: list[str] = []
        for number, item in enumerate(value):
            if not is_site_path(item):
                position = self.doc.positions.get(("aliases", number))
                raise _ArticleProblem(
                    f'"aliases" item {number + 1} must be a site path such as /2020/03/old-title/ '
                    "(lowercase letters, digits, '-', '_', '.', '~', ending in '/' or '.html', "
                    f"no '..'), got \"{str(item)[:60]}\"",
                    position[0] + 1 if position else self.doc.line_of("aliases"))
            if item not in found:
                found.append(item)
        return tuple(found)

    def language(self) -> str:
        value = self.text("language")
        if value and not _LANGUAGE.fullmatch(value):
            raise self.fail("language", f'"language" must be a code such as en or pt-BR, '
                                        f'got "{value[:20]}"')
        return value

    def flag(self, key: str) -> bool:
        value: Any = self.meta.get(key, False)
        if value is None:
            return False
        if not isinstance(value, bool):
            raise self.fail(key, f'"{key}" must be true or false')
        return value


def is_site_path(value: object) -> bool:
    """A path below the site root that is safe as a folder name on every host: no '..', no
    scheme or host, no '%' escapes; what ``url:`` and ``aliases:`` accept."""
    return (isinstance(value, str) and _SAFE_URL_PATH.fullmatch(value) is not None
            and not any(part in (".", "..") for part in value.split("/")))


def _shown(path: Path, shown_root: Path) -> str:
    try:
        return path.relative_to(shown_root).as_posix()
    except ValueError:
        try:
            return path.resolve().relative_to(shown_root).as_posix()
        except ValueError:
            return str(path)
