"""Read every article under content/ and report all problems at once.

Reading is pure: it turns bytes into Article records or Problems. Every file is checked before
the build gives up, so a user fixing a broken import sees the whole list in one run.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from archivegen import interrupt
from archivegen.content.article import Article
from archivegen.content.frontmatter import FrontMatterError, SplitDocument, split_front_matter
from archivegen.content.slugs import file_slug, is_valid_slug, make_slug
from archivegen.errors import Problem, suggestion
from archivegen.parallel import fork_map, inherited
from archivegen.text.dates import DateOutOfRange, parse_date
from archivegen.text.decoding import TextProblem, decode_file
from archivegen.text.language import is_language_tag
from archivegen.textclean import strip_controls

MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_BODY_LINES = 20_000
MAX_MARKUP = 50_000
MARKUP_CHARACTERS = "<*_[`&"
_NO_DATE = datetime(1970, 1, 1, tzinfo=UTC)  # stands in for a bad date until the error
KNOWN_FIELDS = (
    "title", "date", "updated", "tags", "summary", "source", "authors", "slug", "url", "draft",
    "language", "source_file", "content_hash", "import_hash", "aliases",
    "captured",  # import from a web archive: when the page was fetched (kept, not shown)
)
_SAFE_URL_PATH = re.compile(r"/(?:[a-z0-9._~-]+/)*(?:[a-z0-9._~-]+\.html)?")


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
    """True for plain files and for symlinks to files inside the content folder.

    Anything else is skipped with a warning: a loop (``ln -s x.md x.md``), a broken link, a
    link out of the project (``/etc/passwd``), and FIFOs or devices, which reading would hang.
    """
    if not entry.is_symlink():
        if entry.is_file(follow_symlinks=False):
            return True
        warnings.append(Problem(_shown(Path(entry.path), shown_root), "not a regular file, skipped"))
        return False
    path = Path(entry.path)
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError) as exc:  # Python < 3.13 raises RuntimeError for a loop
        loop = isinstance(exc, RuntimeError) or exc.errno == errno.ELOOP
        warnings.append(Problem(_shown(path, shown_root),
                                "symlink loop skipped" if loop else "broken symlink skipped"))
        return False
    if not target.is_file():
        warnings.append(Problem(_shown(path, shown_root), "symlink to something other than a file "
                                                          "skipped"))
        return False
    if not target.is_relative_to(root):
        warnings.append(Problem(_shown(path, shown_root),
                                "symlink to a file outside the content folder skipped"))
        return False
    return True


def read_articles(content_dir: Path, zone: tzinfo, shown_root: Path, workers: int = 1,
                  list_fields: tuple[str, ...] = ()) -> ReadResult:
    """Read and validate all articles, on ``workers`` processes; problems are collected.

    Results come back in file order whatever the number of workers, so the build (and its
    error messages) never depend on it.
    """
    result = ReadResult()
    paths = find_content_files(content_dir, result.warnings, shown_root)
    state = {"root": content_dir.resolve(), "zone": zone, "shown_root": shown_root,
             "list_fields": list_fields}
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
            result.articles.append(parse_article(raw, key, zone, shown, result.warnings,
                                                 inherited("list_fields")))
        except _ArticleProblem as problem:
            result.problems.extend(problem.problems(shown))
    return result


class _ArticleProblem(Exception):
    """Every problem found in one file, in line order (whole-file problems are on line 1)."""

    def __init__(self, message: str, line: int = 1, column: int | None = None):
        super().__init__(message)
        self.found: list[tuple[str, int, int | None]] = [(message, line, column)]

    @classmethod
    def every(cls, found: list[tuple[str, int, int | None]]) -> _ArticleProblem:
        problem = cls(*found[0])
        problem.found = sorted(found, key=lambda item: item[1])
        return problem

    def problems(self, shown: str) -> list[Problem]:
        return [Problem(shown, message, line, column) for message, line, column in self.found]


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
    except RuntimeError:  # a symlink loop created after the folder was walked (Python < 3.13)
        raise _ArticleProblem("cannot read: symlink loop") from None


def decode_text(raw: bytes) -> str:
    """An article file's text (``archivegen.text.decoding.decode_file``), problems located."""
    try:
        return decode_file(raw, "a Markdown article")
    except TextProblem as exc:
        raise _ArticleProblem(exc.message, exc.line) from None


def parse_article(
    raw: bytes, key: str, zone: tzinfo, shown: str, warnings: list[Problem],
    list_fields: tuple[str, ...] = (),
) -> Article:
    """The article in ``raw``; ``list_fields``: front-matter list fields the config's taxonomies
    declare besides the known ones (``section``), kept in ``Article.fields``."""
    text = decode_text(raw)
    try:
        doc = split_front_matter(text)
    except FrontMatterError as exc:
        raise _ArticleProblem(exc.message, exc.line or 1, exc.column) from None
    fields = _Fields(doc, zone, shown, warnings)
    return fields.article(key, hashlib.sha256(raw).hexdigest(), list_fields)


def check_markup(body: str, body_line: int) -> tuple[str, int] | None:
    """(message, line) when the body holds more markup than one article may, else None.

    markdown-it-py costs tens of microseconds per line and per inline construct, so an 8 MB
    body of list items or emphasis would take minutes; these caps keep every article near a
    second at most, far above what a real article uses. Counting is done in C (``str.count``).
    """
    lines = body.count("\n")
    if lines > MAX_BODY_LINES:
        return (f"the body has more than {MAX_BODY_LINES:,} lines; articles are limited to that "
                "so that each renders in about a second", body_line + MAX_BODY_LINES)
    markup = sum(body.count(char) for char in MARKUP_CHARACTERS)
    if markup <= MAX_MARKUP:
        return None
    seen = 0
    offset = 0
    for index, char in enumerate(body):
        if char in MARKUP_CHARACTERS:
            seen += 1
            if seen > MAX_MARKUP:
                offset = index
                break
    return (f"the body has more than {MAX_MARKUP:,} markup characters ({' '.join(MARKUP_CHARACTERS)}); "
            "articles are limited to that so that each renders in about a second",
            body_line + body.count("\n", 0, offset))


class _Fields:
    """Validates one front matter mapping, collecting every problem with its file line."""

    def __init__(self, doc: SplitDocument, zone: tzinfo, shown: str, warnings: list[Problem]):
        self.doc, self.meta, self.zone = doc, doc.meta, zone
        self.shown, self.warnings = shown, warnings
        self.found: list[tuple[str, int, int | None]] = []

    def fail(self, key: str, message: str) -> None:
        self.found.append((message, self.doc.line_of(key), None))

    def article(self, key: str, content_hash: str, list_fields: tuple[str, ...] = ()) -> Article:
        known = (*KNOWN_FIELDS, *list_fields)
        for name in self.meta:
            if name not in known:
                hint = suggestion(str(name), known)
                self.fail(str(name), f'unknown field "{name}" ' + (
                    f'(did you mean "{hint}"?)' if hint else f'(known: {", ".join(known)})'))
        title = self.text("title", required=True)
        date = self.date("date", required=True)
        slug = self.slug(title, key)
        article = Article(
            key=key, title=title, date=date or _NO_DATE, slug=slug,
            body=self.doc.body, body_line=self.doc.body_line,
            tags=self.tags(), summary=self.text("summary"), source=self.source(),
            authors=self.string_list("authors"), language=self.language(),
            draft=self.flag("draft"), updated=self.date("updated"), url=self.url(),
            url_line=self.url_line(key),
            aliases=self.aliases(), aliases_line=self.doc.line_of("aliases"),
            fields=tuple((name, found) for name in list_fields if (found := self.string_list(name))),
            content_hash=content_hash,
            body_hash=hashlib.sha256(self.doc.body.encode("utf-8", "surrogatepass")).hexdigest(),
        )
        too_much = check_markup(self.doc.body, self.doc.body_line)
        if too_much:
            self.found.append((too_much[0], too_much[1], None))
        if self.found:
            raise _ArticleProblem.every(self.found)
        return article

    def text(self, key: str, required: bool = False) -> str:
        value = self.meta.get(key)
        if value is None:
            if required:
                self.fail(key, f'"{key}" is required')
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.fail(key, f'"{key}" must be text')
            return ""
        # Raw controls were dropped with the file's text; these came from YAML escapes ("\x01").
        text = " ".join(strip_controls(str(value)).split())
        if required and not text:
            self.fail(key, f'"{key}" must not be empty')
        return text

    def date(self, key: str, required: bool = False) -> datetime | None:
        value = self.meta.get(key)
        if value is None and not required:
            return None
        if value is None and key not in self.meta:
            self.fail(key, f'"{key}" is required')
            return None
        shown = "" if value is None else str(value)[:60]
        if isinstance(value, bool):  # 'date: yes' reads as a boolean; show it as YAML does
            shown = shown.lower()
        try:
            return parse_date(value, self.zone)
        except DateOutOfRange as exc:
            self.fail(key, f'"{key}" is out of range: "{shown}" is {exc.side} the year '
                           f"{exc.limit} in the site's time zone ({self.zone})")
        except (ValueError, OverflowError):
            self.fail(key, f'"{key}" is not a parsable date: "{shown}" '
                           "(use ISO 8601, e.g. 2020-03-05T11:15:00+03:00)")
        return None

    def string_list(self, key: str) -> tuple[str, ...]:
        value = self.meta.get(key)
        if value is None:
            return ()
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            value = [value]
        if not isinstance(value, list):
            self.fail(key, f'"{key}" must be a list of text items')
            return ()
        items: list[str] = []
        for item in value:
            if isinstance(item, bool) or not isinstance(item, (str, int, float)):
                self.fail(key, f'"{key}" must be a list of text items')
                return ()
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
            return file_slug(key) or (make_slug(title) if title else "")
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not is_valid_slug(value):
            self.fail("slug", f'"slug" must be lowercase letters, digits and hyphens, '
                              f'got "{str(value)[:60]}"')
            return ""
        return value

    def url(self) -> str:
        value = self.meta.get("url")
        if value is None:
            return ""
        if not is_site_path(value):
            self.fail("url", '"url" must be a site path such as /special/page/ '
                             "(lowercase letters, digits, '-', '_', no '..')")
            return ""
        return value

    def url_line(self, key: str) -> int:
        """The line a URL collision points at: ``url:`` or ``slug:``, else the file name (line 1),
        else (a file name with nothing to slugify) the title the slug came from."""
        field = next((name for name in ("url", "slug") if name in self.meta), None)
        if field is not None:
            return self.doc.line_of(field)
        return 1 if file_slug(key) else self.doc.line_of("title")

    def aliases(self) -> tuple[str, ...]:
        """Old site paths of the article, each to become a redirect page (``url:``'s rules)."""
        value = self.meta.get("aliases")
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.fail("aliases", '"aliases" must be a list of site paths such as [/2020/03/old-title/]')
            return ()
        found: list[str] = []
        for number, item in enumerate(value):
            if not is_site_path(item):
                position = self.doc.positions.get(("aliases", number))
                self.found.append((
                    f'"aliases" item {number + 1} must be a site path such as /2020/03/old-title/ '
                    "(lowercase letters, digits, '-', '_', '.', '~', ending in '/' or '.html', "
                    f"no '..'), got \"{str(item)[:60]}\"",
                    position[0] + 1 if position else self.doc.line_of("aliases"), None))
                continue
            if item not in found:
                found.append(item)
        return tuple(found)

    def language(self) -> str:
        value = self.text("language")
        if value and not is_language_tag(value):
            self.fail("language", f'"language" must be a code such as en or pt-BR, '
                                  f'got "{value[:20]}"')
            return ""
        return value

    def flag(self, key: str) -> bool:
        value: Any = self.meta.get(key, False)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.fail(key, f'"{key}" must be true or false')
            return False
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
