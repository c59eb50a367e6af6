"""Read site_config.yaml into a SiteConfig, reporting every problem in one run.

Each option is declared once in ``OPTIONS`` with a validator and a default (the MkDocs idea),
so validation, defaults and ``archivegen init``'s documented config stay in one place. Problems
are ``site_config.yaml:LINE: key: message``; unknown keys are errors, not warnings, because a
misspelt ``per_pgae`` silently ignored is worse than a refused build.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from archivegen import yamlread
from archivegen.config.schema import DeployConfig, SiteConfig, TagRule
from archivegen.content.reader import strip_controls
from archivegen.errors import ConfigError, Problem

MAX_CONFIG_BYTES = 1_000_000


class Invalid(ValueError):
    """A value failed validation; the message is shown to the user after 'key: '."""


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise Invalid(f"expected a string, got {_describe(value)}")
    return value


def _nonempty_string(value: Any) -> str:
    text = _string(value).strip()
    if not text:
        raise Invalid("must not be empty")
    return text


def _text(value: Any) -> str:
    """Text shown in pages and feeds: controls from YAML escapes ("\\x01") dropped, as in articles."""
    return strip_controls(_string(value))


def _nonempty_text(value: Any) -> str:
    return _nonempty_string(_text(value))


def _positive_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(f"expected a whole number, got {_describe(value)}")
    if value < 1 or value > 1_000_000:
        raise Invalid(f"must be between 1 and 1000000, got {value}")
    return value


def _base_url(value: Any) -> str:
    """The URL as sitemaps and feeds need it: ASCII, path percent-encoded, host in IDNA form.

    Every published URL starts with this one, so ``https://пример.рф/архив 2/`` is encoded here,
    once (sitemaps.org requires RFC 3986 URLs; a raw space or Cyrillic path is not one).
    """
    url = _nonempty_string(value)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise Invalid(f"must be an absolute http(s) URL such as https://example.org/, got {url}")
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
    url = urlunsplit((parts.scheme, netloc, path, "", ""))
    return url if url.endswith("/") else url + "/"


def _timezone(value: Any) -> str:
    name = _nonempty_string(value)
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(f"unknown time zone {name} (use an IANA name such as Europe/Berlin)") from None
    return name


def _language(value: Any) -> str:
    code = _nonempty_string(value)
    if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", code):
        raise Invalid(f"expected a language code such as en or pt-BR, got {code}")
    return code


def _relative_dir(value: Any) -> Path:
    text = _nonempty_string(value)
    if "\x00" in text:
        raise Invalid("must not contain NUL")
    return Path(text).expanduser()


PERMALINK_FIELDS = {"year", "month", "day", "slug"}


def _permalink(value: Any) -> str:
    pattern = _nonempty_string(value)
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
    name = _nonempty_string(value)
    if _BAD_BRANCH.search(name):
        raise Invalid(f"is not a valid git branch name: {name}")
    return name


def remote_name(value: Any) -> str:
    """A git remote's name; never something git could read as an option or a URL."""
    name = _nonempty_string(value)
    if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_.-]+)*", name) or ".." in name:
        raise Invalid(f"expected the name of a git remote such as origin, got {name}")
    return name


def _host_name(value: Any) -> str:
    """The CNAME file's content: one host name, in the ASCII form GitHub Pages expects."""
    host = _nonempty_string(value).lower().rstrip(".")
    if "/" in host or ":" in host:
        raise Invalid(f"must be a bare host name such as archive.example.org, not a URL: {host}")
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise Invalid(f"is not a valid host name: {host}") from None
    if len(ascii_host) > 253 or not re.fullmatch(rf"{_HOST_LABEL}(\.{_HOST_LABEL})+", ascii_host):
        raise Invalid(f"is not a valid host name: {host}")
    return ascii_host


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(f"expected a whole number, got {_describe(value)}")
    if value < 0:
        raise Invalid(f"must not be negative, got {value}")
    return value


@dataclass(frozen=True)
class Option:
    validate: Callable[[Any], Any]
    default: Any
    doc: str
    required: bool = False


OPTIONS: dict[str, Option] = {
    "title": Option(_nonempty_text, None, "Name of the archive, shown on every page.", True),
    "base_url": Option(_base_url, None, "Public URL, may carry a sub-path.", True),
    "description": Option(_text, "", "One-line description for feeds and the home page."),
    "language": Option(_language, "en", "Default language of articles (<html lang>)."),
    "timezone": Option(_timezone, "UTC", "IANA zone; naive dates in content are in this zone."),
    "author": Option(_text, "", "Default feed author."),
    "content_dir": Option(_relative_dir, Path("content"), "Where the Markdown articles live."),
    "templates_dir": Option(_relative_dir, Path("templates"), "Template overrides."),
    "static_dir": Option(_relative_dir, Path("static"), "Static file overrides."),
    "output_dir": Option(_relative_dir, Path("site"), "Where the site is written."),
    "per_page": Option(_positive_int, 20, "Articles per listing page."),
    "feed_items": Option(_positive_int, 50, "Entries per feed."),
    "permalinks": Option(_permalink, "/{year}/{month:02}/{slug}/", "Article URL pattern."),
    "tags": Option(lambda value: value, {}, "Tag rules used by import (see TagRule)."),
    "deploy": Option(lambda value: value, {}, "Defaults for 'archivegen deploy' (see DEPLOY_OPTIONS)."),
}

DEPLOY_OPTIONS: dict[str, Option] = {
    "remote": Option(remote_name, "origin", "git remote that gh-pages is pushed to."),
    "branch": Option(branch_name, "gh-pages", "Branch that receives the site."),
    "cname": Option(_host_name, "", "Custom domain written to CNAME (empty: keep the previous one)."),
    "message": Option(_nonempty_text, "", "Deploy commit message (the source commit is appended)."),
    "target": Option(_relative_dir, None, "Folder for 'archivegen deploy dir' (project-relative)."),
    "max_deletes": Option(_count, 256, "Refuse a deploy that deletes more files (--force overrides)."),
}

TAG_RULE_KEYS = {"keywords", "patterns", "min_mentions", "title_weight"}


def load_config(path: Path) -> SiteConfig:
    """Load and validate ``path``; raise ConfigError listing every problem found."""
    shown = _display_path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError([Problem(shown, "no such file (run 'archivegen init' to create an "
                                          "archive, or pass --config)")]) from None
    except OSError as exc:
        raise ConfigError([Problem(shown, f"cannot read: {exc.strerror}")]) from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigError([Problem(shown, "file is larger than 1 MB")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError([Problem(shown, f"not valid UTF-8 (byte offset {exc.start})")]) from None
    try:
        located = yamlread.load(text, keep_going=True)
    except yamlread.YamlProblem as exc:
        raise ConfigError([Problem(shown, exc.message, exc.line, exc.column)]) from None
    # A refused tag (``!!python/...``) is one more problem of its key, not the end of checking.
    rejected_keys = {path[:1] for path, _ in located.rejected}
    if () in rejected_keys:
        problem = located.rejected[0][1]
        raise ConfigError([Problem(shown, problem.message, problem.line, problem.column)])
    data = located.data
    if not isinstance(data, dict):
        raise ConfigError([Problem(shown, "expected a mapping of settings (key: value)", 1)])

    problems: list[Problem] = []

    def report(key_path: tuple[str | int, ...], message: str) -> None:
        name = ".".join(str(part) for part in key_path)
        problems.append(Problem(shown, f"{name}: {message}", located.line_of(key_path)))

    values: dict[str, Any] = {}
    for key_path, problem in located.rejected:
        report(key_path, problem.message)
    for key in data:
        if key not in OPTIONS:
            report((key,), f"unknown setting (known: {', '.join(OPTIONS)})")
    for key, option in OPTIONS.items():
        if (key,) in rejected_keys:
            continue
        if key not in data or data[key] is None:
            if option.required:
                report((key,), "is required")
            else:
                values[key] = option.default
            continue
        try:
            values[key] = option.validate(data[key])
        except Invalid as exc:
            report((key,), str(exc))
    tag_rules = _tag_rules(None if ("tags",) in rejected_keys else data.get("tags"), report)
    deploy = _deploy_settings(None if ("deploy",) in rejected_keys else data.get("deploy"), report)
    if problems:
        problems.sort(key=lambda p: p.line or 0)  # stable: same-line problems keep option order
        raise ConfigError(problems)

    project_dir = path.resolve().parent
    dirs = {key: (project_dir / values[key]).resolve()
            for key in ("content_dir", "templates_dir", "static_dir", "output_dir")}
    values.update(dirs)
    values["tags"] = tag_rules
    target = deploy.pop("target")
    values["deploy"] = DeployConfig(target=(project_dir / target).resolve() if target else None, **deploy)
    return SiteConfig(project_dir=project_dir, config_path=path.resolve(), **values)


def _tag_rules(
    raw: Any, report: Callable[[tuple[str | int, ...], str], None],
) -> tuple[TagRule, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        report(("tags",), f"expected a mapping of tag name to rule, got {_describe(raw)}")
        return ()
    rules = []
    for name, spec in raw.items():
        where: tuple[str | int, ...] = ("tags", str(name))
        if not isinstance(name, str) or not name.strip():
            report(where, "tag names must be non-empty strings")
            continue
        if isinstance(spec, list):
            spec = {"keywords": spec}
        if not isinstance(spec, dict):
            report(where, f"expected a list of keywords or a mapping, got {_describe(spec)}")
            continue
        for key in spec:
            if key not in TAG_RULE_KEYS:
                report((*where, key), f"unknown setting (known: {', '.join(sorted(TAG_RULE_KEYS))})")
        keywords = _string_list(spec.get("keywords", []), (*where, "keywords"), report)
        patterns = []
        for index, text in enumerate(_string_list(spec.get("patterns", []),
                                                  (*where, "patterns"), report)):
            try:
                patterns.append(re.compile(text, re.IGNORECASE))
            except re.error as exc:
                report((*where, "patterns", index), f"bad regular expression {text!r}: {exc}")
        if not spec.get("keywords") and not spec.get("patterns"):
            report(where, "needs at least one keyword or pattern")
        numbers = {}
        for key, default in (("min_mentions", 1), ("title_weight", 3)):
            try:
                numbers[key] = _positive_int(spec.get(key, default))
            except Invalid as exc:
                report((*where, key), str(exc))
                numbers[key] = default
        rules.append(TagRule(name=name.strip(), keywords=tuple(keywords), patterns=tuple(patterns),
                             **numbers))
    return tuple(rules)


def _deploy_settings(
    raw: Any, report: Callable[[tuple[str | int, ...], str], None],
) -> dict[str, Any]:
    """The ``deploy:`` section as DeployConfig arguments (defaults where a value is bad)."""
    values = {key: option.default for key, option in DEPLOY_OPTIONS.items()}
    if raw is None:
        return values
    if not isinstance(raw, dict):
        report(("deploy",), f"expected a mapping of deploy settings, got {_describe(raw)}")
        return values
    for key, value in raw.items():
        if key not in DEPLOY_OPTIONS:
            report(("deploy", str(key)), f"unknown setting (known: {', '.join(DEPLOY_OPTIONS)})")
        elif value is not None:  # null (or a refused !!tag, already reported): the default
            try:
                values[key] = DEPLOY_OPTIONS[key].validate(value)
            except Invalid as exc:
                report(("deploy", key), str(exc))
    return values


def _string_list(
    value: Any, where: tuple[str | int, ...], report: Callable[[tuple[str | int, ...], str], None],
) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        report(where, f"expected a list of strings, got {_describe(value)}")
        return []
    good = []
    for index, item in enumerate(value):
        if isinstance(item, str) and item.strip():
            good.append(item.strip())
        else:
            report((*where, index), f"expected a non-empty string, got {_describe(item)}")
    return good


def _describe(value: Any) -> str:
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


def _display_path(path: Path) -> str:
    """Name the config file as content files are named: relative to the project folder."""
    return path.name
