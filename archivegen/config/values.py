"""Validators for single values of site_config.yaml: each returns the clean value or raises Invalid.

They speak YAML, not Python: messages name a value's type as a YAML author thinks of it
("a boolean (true)"), never as a repr, because they end up after ``site_config.yaml:LINE: key:``.
"""

from __future__ import annotations

import re
import string
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from archivegen.config.schema import IMPORT_FIELDS, PAGINATIONS, SINGLE_VALUE_FIELDS, SOURCE_TAG_MODES
from archivegen.errors import suggestion
from archivegen.text.language import is_language_tag
from archivegen.textclean import strip_controls


class Invalid(ValueError):
    """A value failed validation; the message is shown to the user after 'key: '."""


def string_value(value: Any) -> str:
    if not isinstance(value, str):
        raise Invalid(f"expected a string, got {describe(value)}")
    return value


def nonempty_string(value: Any) -> str:
    text = string_value(value).strip()
    if not text:
        raise Invalid("must not be empty")
    return text


def text(value: Any) -> str:
    """Text shown in pages and feeds: controls from YAML escapes ("\\x01") dropped, as in articles."""
    return strip_controls(string_value(value))


def nonempty_text(value: Any) -> str:
    return nonempty_string(text(value))


def positive_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(f"expected a whole number, got {describe(value)}")
    if value < 1 or value > 1_000_000:
        raise Invalid(f"must be between 1 and 1000000, got {value}")
    return value


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Invalid(f"expected true or false, got {describe(value)}")
    return value


_SEGMENT = re.compile(r"[a-z0-9][a-z0-9_-]{0,59}")
_FIELD_NAME = re.compile(r"[a-z][a-z0-9_]{0,59}")


def path_segment(value: Any) -> str:
    """One URL segment a taxonomy's pages live under ('authors' -> /authors/...)."""
    segment = nonempty_string(value)
    if not _SEGMENT.fullmatch(segment):
        raise Invalid("must be one URL segment of lowercase letters, digits, '-' and '_', "
                      f"got {segment[:40]}")
    if segment.isdigit():
        raise Invalid(f"must not be a number ({segment} would be taken for a year's archive)")
    if segment == "page":
        raise Invalid("must not be 'page' (the home page's numbered pages live there)")
    return segment


def field_name(value: Any) -> str:
    """A front-matter field a taxonomy reads: a lowercase name that is a list of names."""
    name = nonempty_string(value)
    if not _FIELD_NAME.fullmatch(name):
        raise Invalid(f"must be a front-matter field name (lowercase letters, digits, '_'), got {name[:40]}")
    if name in SINGLE_VALUE_FIELDS:
        raise Invalid(f'"{name}" is a single value, not a list of names')
    return name


def pagination(value: Any) -> str:
    """How listing pages are numbered (``site/pagination.py`` explains both)."""
    return one_of(string_value(value), PAGINATIONS)


def one_of(name: str, choices: tuple[str, ...]) -> str:
    """``name`` if it is one of ``choices``; else the error lists them and the nearest one."""
    if name not in choices:
        hint = suggestion(name, choices)
        listed = ", ".join(choices[:-1]) + f" or {choices[-1]}" if len(choices) > 1 else choices[0]
        raise Invalid(f"expected {listed}, got {name[:40]}" + (f" (did you mean {hint}?)" if hint else ""))
    return name


def base_url(value: Any) -> str:
    """The URL as sitemaps and feeds need it: ASCII, path percent-encoded, host in IDNA form,
    ending in '/' (every published URL starts with this one, so it is encoded here, once)."""
    url = web_url(value, "https://example.org/")
    return url if url.endswith("/") else url + "/"


def web_url(value: Any, example: str = "https://example.org/about/") -> str:
    """An absolute http(s) URL, encoded as sitemaps.org and feeds require (RFC 3986): ASCII,
    the path percent-encoded, the host in IDNA form (``https://пример.рф/архив 2/`` works)."""
    url = nonempty_string(value)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise Invalid(f"must be an absolute http(s) URL such as {example}, got {url}")
    if parts.query or parts.fragment:
        raise Invalid("must not carry a query or fragment")
    netloc = parts.netloc
    if not netloc.isascii():
        try:
            port = f":{parts.port}" if parts.port else ""
            netloc = (parts.hostname or "").encode("idna").decode("ascii") + port
        except (UnicodeError, ValueError):
            raise Invalid(f"has a host name that cannot be encoded: {parts.netloc}") from None
    path = quote(parts.path, safe="/%!$&'()*+,;=:@-._~")
    return urlunsplit((parts.scheme, netloc, path, "", ""))


def web_url_or_site_path(value: Any) -> str:
    """An absolute http(s) URL, or a site path ('/static/logo.png', under ``base_url``'s path
    like every site path; percent-encoded when it is published)."""
    text = nonempty_string(value)
    if not text.startswith("/") or text.startswith("//"):
        return web_url(text, "https://example.org/logo.png or /logo.png")
    if any(part in (".", "..") for part in text.split("/")) or re.search(r"[\x00-\x20\x7f\\?#]", text):
        raise Invalid(f"must be a site path such as /logo.png (no spaces, '..', '?' or '#'), got {text[:60]}")
    return text


def timezone(value: Any) -> str:
    name = nonempty_string(value)
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        hint = suggestion(name, available_timezones())
        raise Invalid(f"unknown time zone {name} " + (f"(did you mean {hint}?)" if hint else
                      "(use an IANA name such as Europe/Berlin)")) from None
    return name


def language(value: Any) -> str:
    code = nonempty_string(value)
    if not is_language_tag(code):
        raise Invalid(f"expected a language code such as en or pt-BR, got {code}")
    return code


def relative_dir(value: Any) -> Path:
    text = nonempty_string(value)
    if "\x00" in text:
        raise Invalid("must not contain NUL")
    return Path(text).expanduser()


PERMALINK_FIELDS = {"year", "month", "day", "slug"}


def permalink(value: Any) -> str:
    pattern = nonempty_string(value)
    if not pattern.startswith("/"):
        raise Invalid("must start with '/'")
    if not (pattern.endswith("/") or pattern.endswith(".html")):
        raise Invalid("must end with '/' (pretty URLs) or '.html'")
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None]
    except ValueError as exc:
        raise Invalid(f"is not a valid pattern: {exc}") from None
    unknown = sorted(set(fields) - PERMALINK_FIELDS)
    if unknown:
        raise Invalid(f"unknown field {{{unknown[0]}}} (use {{year}}, {{month}}, {{day}}, {{slug}})")
    if "slug" not in fields:
        raise Invalid("must contain {slug} so every article gets its own URL")
    try:
        pattern.format(year=2020, month=1, day=1, slug="x")
    except (ValueError, IndexError, KeyError) as exc:
        raise Invalid(f"is not a valid pattern: {exc}") from None
    if any(segment in ("..", ".") for segment in pattern.split("/")):
        raise Invalid("must not contain '.' or '..' segments")
    return pattern


# git check-ref-format's rules for a branch name, checked here so that a bad name is a config
# error with its line, not a git failure halfway through a deploy.
_BAD_BRANCH = re.compile(r"^[-/]|/$|//|(^|/)\.|\.lock($|/)|\.\.|\.$|@\{|^@$|^HEAD$"
                         r"|[\x00-\x20\x7f~^:?*\[\\]")
_HOST_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"


def branch_name(value: Any) -> str:
    """A name git accepts for a branch (also used for ``deploy gh-pages --branch``)."""
    name = nonempty_string(value)
    if _BAD_BRANCH.search(name):
        raise Invalid(f"is not a valid git branch name: {name}")
    return name


def remote_name(value: Any) -> str:
    """A git remote's name; never something git could read as an option or a URL."""
    name = nonempty_string(value)
    if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_.-]+)*", name) or ".." in name:
        raise Invalid(f"expected the name of a git remote such as origin, got {name}")
    return name


def host_name(value: Any) -> str:
    """The CNAME file's content: one host name, in the ASCII form GitHub Pages expects."""
    host = nonempty_string(value).lower().rstrip(".")
    if "/" in host or ":" in host:
        raise Invalid(f"must be a bare host name such as archive.example.org, not a URL: {host}")
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise Invalid(f"is not a valid host name: {host}") from None
    if len(ascii_host) > 253 or not re.fullmatch(rf"{_HOST_LABEL}(\.{_HOST_LABEL})+", ascii_host):
        raise Invalid(f"is not a valid host name: {host}")
    return ascii_host


def count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(f"expected a whole number, got {describe(value)}")
    if value < 0:
        raise Invalid(f"must not be negative, got {value}")
    return value


def describe(value: Any) -> str:
    """Name a YAML value's type the way a YAML author thinks of it, never as a Python repr."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, int):
        return f"a number ({value})"
    if isinstance(value, float):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"a string ({value[:40]})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def field_map(value: Any) -> tuple[tuple[str, str], ...]:
    """``import.fields``: our record field -> the key or dotted path holding it in a JSON dump."""
    if not isinstance(value, dict):
        raise Invalid(f"expected a mapping of field name to JSON key, got {describe(value)}")
    pairs = []
    for ours, theirs in value.items():
        if ours not in IMPORT_FIELDS:
            hint = suggestion(str(ours), IMPORT_FIELDS)
            raise Invalid(f"unknown field {ours!r} " + (f"(did you mean {hint}?)" if hint else
                                                         f"(known: {', '.join(IMPORT_FIELDS)})"))
        if not isinstance(theirs, str) or not theirs.strip():
            raise Invalid(f"{ours}: expected a JSON key such as headline or meta.title, "
                          f"got {describe(theirs)}")
        pairs.append((ours, theirs.strip()))
    return tuple(pairs)


def source_tags(value: Any) -> str:
    """``import.source_tags``: what becomes of the tags a source gives (see ``SOURCE_TAG_MODES``).

    YAML 1.1 reads an unquoted ``off`` as false (and ``on`` as true), so those mean off and keep."""
    if isinstance(value, bool):
        return "keep" if value else "off"
    return one_of(string_value(value), SOURCE_TAG_MODES)


def tag_map(value: Any) -> tuple[tuple[str, str], ...]:
    """``import.tag_map``: a source's tag spelling -> the archive's tag."""
    if not isinstance(value, dict):
        raise Invalid(f"expected a mapping of source tag to tag, got {describe(value)}")
    pairs = []
    for theirs, ours in value.items():
        if not isinstance(theirs, str) or not theirs.strip():
            raise Invalid(f"source tags must be non-empty strings (quote them), got {describe(theirs)}")
        if not isinstance(ours, str) or not ours.strip():
            raise Invalid(f"{theirs.strip()[:40]}: expected the tag it becomes, got {describe(ours)}")
        pairs.append((theirs.strip(), ours.strip()))
    return tuple(pairs)
