"""One extracted article to the exact text of a content/ Markdown file.

The output is a pure function of the article (no timestamps, fixed key order, fixed quoting),
which is what makes re-importing a no-op: the same article gives the same bytes. Strings are
written plain only when YAML cannot misread them; everything else is double-quoted with JSON
escapes (valid YAML), so titles like ``No``, ``1e3``, ``2024-01-01`` or ``a: b`` read back as the
same string.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, time
from urllib.parse import urlsplit

from archivegen.config.schema import ImportConfig, SiteConfig
from archivegen.content.summary import repair_cut, shorten, summarize
from archivegen.importing.extracted import Extracted, NoArticle
from archivegen.importing.language import article_language
from archivegen.importing.tagging import choose_tags, rule_tags, source_tags
from archivegen.render.markdown import MarkdownRenderer
from archivegen.text.dates import assume_zone, has_offset
from archivegen.textclean import strip_controls

MAX_TITLE_CHARS = 500
MAX_SUMMARY_CHARS = 600
MAX_AUTHORS = 20
_PLAIN = re.compile(r"[^\W\d_][\w .'’()/&+-]*", re.UNICODE)
_YAML_WORDS = {"y", "n", "yes", "no", "true", "false", "on", "off", "null", "~"}
_URL_PLAIN = re.compile(r"https?://[A-Za-z0-9._~:/?@!$&()*+;=%-]+(?:#[A-Za-z0-9._~:/?@!$&()*+;=%-]*)?")
_TAG = re.compile(r"<[^>]*>")
_IDEOGRAPHS = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_renderer: MarkdownRenderer | None = None


@dataclass(frozen=True)
class Document:
    """An article ready to be written; ``text(slug)`` gives the file for a chosen slug."""

    title: str
    date: datetime
    body: str
    summary: str
    tags: tuple[str, ...]
    authors: tuple[str, ...]
    source: str
    language: str
    source_file: str
    content_hash: str
    warnings: tuple[str, ...] = ()  # for the user, not written: e.g. the zone a date was assumed in
    # Where ``tags`` came from, for the import-wide minimum use count (``counted``): not written.
    rule_tags: tuple[str, ...] = ()
    source_tags: tuple[str, ...] = ()
    captured: datetime | None = None  # a web archive's capture time, kept apart from the date
    name_suffix: str = ""  # one capture among several of a URL: its file name says which

    def counted(self, uses: Mapping[str, int], settings: ImportConfig) -> Document:
        """This document with the source tags fewer than ``min_source_tag_uses`` articles of
        the import carry left out (``uses``: tag slug -> articles of the import)."""
        tags = choose_tags(self.rule_tags, self.source_tags, settings.max_source_tags, uses,
                           settings.min_source_tag_uses)
        return self if tags == self.tags else replace(self, tags=tags)

    def text(self, slug: str) -> str:
        lines = [
            "---",
            f"title: {yaml_string(self.title, always_quote=True)}",
            f"date: {self.date.isoformat(timespec='seconds')}",
            f"slug: {yaml_string(slug)}",
        ]
        if self.summary:
            lines.append(f"summary: {yaml_string(self.summary, always_quote=True)}")
        if self.tags:
            lines.append(f"tags: {yaml_list(self.tags)}")
        if self.authors:
            lines.append(f"authors: {yaml_list(self.authors)}")
        if self.source:
            plain = _URL_PLAIN.fullmatch(self.source)
            lines.append(f"source: {self.source if plain else yaml_string(self.source, True)}")
        if self.language:
            lines.append(f"language: {yaml_string(self.language)}")  # "no" (Norwegian) is not false
        if self.captured:
            lines.append(f"captured: {self.captured.isoformat(timespec='seconds')}")
        lines.append(f"source_file: {yaml_string(self.source_file)}")
        lines.append(f"content_hash: {self.content_hash}")
        text = "\n".join(lines) + "\n---\n\n" + self.body.strip("\n") + "\n"
        return with_import_hash(text)


def make_document(found: Extracted, config: SiteConfig, source_file: str,
                  default_date: datetime | None = None, min_words: int | None = None) -> Document:
    """Validate and normalize one extracted article; NoArticle says why it cannot be one.

    ``min_words`` (default ``import.min_words``) tells an extracted page from a page with no
    article; a dump record says it is an article, so its callers pass 1.
    """
    body = clean_body(found.body)
    plain = plain_text(body)
    words = count_words(plain)
    needed = config.importing.min_words if min_words is None else min_words
    if words < needed:
        if words == 0:
            raise NoArticle("no article: no text")
        raise NoArticle(f"no article: only {words} word{'s' if words > 1 else ''} of text "
                        f"(import.min_words is {needed})")
    title = one_line(found.title)[:MAX_TITLE_CHARS].strip()
    if not title:
        raise NoArticle("no headline found")
    date = found.date or found.captured or default_date
    if date is None:
        raise NoArticle("no publication date found (pass --default-date to set one)")
    warning = assumed_zone_warning(found.date, config) if found.date else ""
    date = assume_zone(date.replace(microsecond=0), config.source_tzinfo)  # written with an offset
    given = one_line(found.summary)
    summary = shorten(repair_cut(given, plain), MAX_SUMMARY_CHARS) if given else summarize(_render(body))
    from_rules = tuple(rule_tags(config.tags, title, plain))
    from_source = source_tags(found.tags, config)
    return Document(
        title=title, date=date, body=body, summary=summary,
        tags=choose_tags(from_rules, from_source, config.importing.max_source_tags),
        rule_tags=from_rules, source_tags=from_source, authors=_authors(found.authors),
        source=_source(found.source),
        language=article_language(found.language, title + plain),
        source_file=one_line(source_file),
        content_hash=body_hash(plain),
        warnings=(warning,) if warning else (),
        captured=found.captured.replace(microsecond=0) if found.captured else None,
    )


IMPORT_HASH = "import_hash"


def with_import_hash(text: str) -> str:
    """The file as the import writes it: its front matter ends with ``import_hash``, a digest
    of every other byte of the file, so any later change to the file (its title, tags or body)
    shows (``import_hash_of``), and ``--update`` leaves an edited file alone."""
    end = text.index("\n---\n") + 1
    return f"{text[:end]}{IMPORT_HASH}: {_file_digest(text)}\n{text[end:]}"


def import_hash_of(text: str) -> tuple[str | None, str]:
    """(the ``import_hash`` a file records, the digest of the file without that line): equal
    when the file is as the import wrote it. Line endings do not count (an editor may change
    them). (None, ...) for a file without one (written by hand, or by an older import)."""
    text = text.replace("\r\n", "\n")
    match = re.search(rf"^{IMPORT_HASH}: ([0-9a-f]+)\n", text, re.M)
    if match is None:
        return None, ""
    return match[1], _file_digest(text[:match.start()] + text[match.end():])


def _file_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def body_hash(plain: str) -> str:
    """Identity of an article's text: lowercase words only, so markup and spacing do not count.

    The same article imported from a text dump, a JSON record or a re-saved page keeps one hash
    even when line breaks, escaping or link markup differ.
    """
    words = " ".join(re.findall(r"\w+", plain.lower()))
    return hashlib.sha256(words.encode("utf-8")).hexdigest()[:16]


def count_words(text: str) -> int:
    """Words, counting Chinese and Japanese (written without spaces) as one word per two characters."""
    words = 0
    for token in re.findall(r"\w+", text):
        ideographs = len(_IDEOGRAPHS.findall(token))
        words += 1 if not ideographs else max(1, ideographs // 2)
    return words


def one_line(text: str) -> str:
    return " ".join(strip_controls(html.unescape(text) if "&" in text else text).split())


def clean_body(body: str) -> str:
    """Markdown body with controls dropped, trailing spaces trimmed, at most one blank line."""
    lines = [line.rstrip() for line in strip_controls(body.replace("\r\n", "\n")).split("\n")]
    text = "\n".join(lines).strip("\n")
    return re.sub(r"\n{3,}", "\n\n", text)


def plain_text(markdown: str) -> str:
    return html.unescape(_TAG.sub(" ", _render(markdown)))


def assumed_zone_warning(date: datetime, config: SiteConfig) -> str:
    """What to tell the user when a source's date and time came without an offset and no
    ``import.source_timezone`` says where it was written, else "".

    The date is then read in the site's ``timezone``, hours off when the source is elsewhere (a
    Moscow dateline imported under UTC). A date without a time of day is not worth a warning:
    it is placed at midnight of the site's zone and shows as the same day in it.
    """
    if has_offset(date) or config.importing.source_timezone or date.time() == time(0, 0):
        return ""
    return (f"the date {date:%Y-%m-%d %H:%M} has no time zone offset and was read as "
            f"{config.timezone}, the site's timezone (set import.source_timezone to the zone "
            "the source writes dates in)")


def yaml_string(value: str, always_quote: bool = False) -> str:
    """``value`` as a YAML scalar that reads back as exactly this string."""
    if (not always_quote and _PLAIN.fullmatch(value) and value.lower() not in _YAML_WORDS
            and not value.endswith((" ", ":")) and " #" not in value):
        return value
    quoted = json.dumps(value, ensure_ascii=False)
    # JSON leaves these raw; YAML would fold them as line breaks or drop the BOM.
    return (quoted.replace("\u0085", "\\N").replace("\u2028", "\\L").replace("\u2029", "\\P")
            .replace("\ufeff", "\\uFEFF"))


def yaml_list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(yaml_string(value) for value in values) + "]"


def _authors(raw: tuple[str, ...]) -> tuple[str, ...]:
    authors: list[str] = []
    for name in raw:
        clean = one_line(name)[:100].strip(" ,;")
        if clean and clean.lower() not in (a.lower() for a in authors):
            authors.append(clean)
    return tuple(authors[:MAX_AUTHORS])


def _source(url: str) -> str:
    url = one_line(url)
    parts = urlsplit(url)
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc and " " not in url else ""




def _render(markdown: str) -> str:
    global _renderer
    if _renderer is None:
        _renderer = MarkdownRenderer()
    return _renderer.render(markdown)
