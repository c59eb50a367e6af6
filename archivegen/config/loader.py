"""Read site_config.yaml into a SiteConfig, reporting every problem in one run.

Each option is declared once in ``OPTIONS`` with a validator and a default (the MkDocs idea),
so validation, defaults and ``archivegen init``'s documented config stay in one place. Problems
are ``site_config.yaml:LINE: key: message``; unknown keys are errors, not warnings, because a
misspelt ``per_pgae`` silently ignored is worse than a refused build (the message suggests the
setting it is closest to). Whole-file problems are on line 1.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archivegen import yamlread
from archivegen.config import values
from archivegen.config.schema import (
    TAGS,
    DeployConfig,
    ImportConfig,
    Publisher,
    SearchConfig,
    SiteConfig,
    TagRule,
    Taxonomy,
)
from archivegen.config.values import Invalid, describe
from archivegen.errors import ConfigError, Problem, suggestion
from archivegen.text.decoding import TextProblem, decode_file

MAX_CONFIG_BYTES = 1_000_000


@dataclass(frozen=True)
class Option:
    validate: Callable[[Any], Any]
    default: Any
    doc: str
    required: bool = False


OPTIONS: dict[str, Option] = {
    "title": Option(values.nonempty_text, None, "Name of the archive, shown on every page.", True),
    "base_url": Option(values.base_url, None, "Public URL, may carry a sub-path.", True),
    "description": Option(values.text, "", "One-line description for feeds and the home page."),
    "language": Option(values.language, "en", "Default language of articles (<html lang>)."),
    "timezone": Option(values.timezone, "UTC", "IANA zone; naive dates in content are in this zone."),
    "author": Option(values.text, "", "Default author of feeds and of articles without authors."),
    "publisher": Option(lambda value: value, None,
                        "Publisher in the articles' structured data (see PUBLISHER_OPTIONS)."),
    "content_dir": Option(values.relative_dir, Path("content"), "Where the Markdown articles live."),
    "templates_dir": Option(values.relative_dir, Path("templates"), "Template overrides."),
    "static_dir": Option(values.relative_dir, Path("static"), "Static file overrides."),
    "output_dir": Option(values.relative_dir, Path("site"), "Where the site is written."),
    "per_page": Option(values.positive_int, 20, "Articles per listing page."),
    "pagination": Option(values.pagination, "newest-first",
                         "Listing page numbers: newest-first, or stable (counted from the oldest)."),
    "feed_items": Option(values.positive_int, 50, "Entries per feed."),
    "permalinks": Option(values.permalink, "/{year}/{month:02}/{slug}/", "Article URL pattern."),
    "tags": Option(lambda value: value, {}, "Tag rules used by import (see TagRule)."),
    "taxonomies": Option(lambda value: value, {},
                         "Ways to group articles besides tags: authors, sources... (see TAXONOMY_OPTIONS)."),
    "deploy": Option(lambda value: value, {}, "Defaults for 'archivegen deploy' (see DEPLOY_OPTIONS)."),
    "import": Option(lambda value: value, {}, "Settings of 'archivegen import' (see IMPORT_OPTIONS)."),
    "search": Option(lambda value: value, {}, "Search index settings (see SEARCH_OPTIONS)."),
}

SEARCH_OPTIONS: dict[str, Option] = {
    "shard_articles": Option(values.positive_int, 2000, "Most articles in one search shard."),
    "shard_megabytes": Option(values.positive_int, 8, "Most megabytes of search records in one shard."),
    "delta_articles": Option(values.count, 100, "Fold the delta into its shards when it grows past this."),
}

DEPLOY_OPTIONS: dict[str, Option] = {
    "remote": Option(values.remote_name, "origin", "git remote that gh-pages is pushed to."),
    "branch": Option(values.branch_name, "gh-pages", "Branch that receives the site."),
    "cname": Option(values.host_name, "", "Custom domain written to CNAME (empty: keep the previous one)."),
    "message": Option(values.nonempty_text, "", "Deploy commit message (the source commit is appended)."),
    "target": Option(values.relative_dir, None, "Folder for 'archivegen deploy dir' (project-relative)."),
    "max_deletes": Option(values.count, 256, "Refuse a deploy that deletes more files (--force overrides)."),
}

IMPORT_OPTIONS: dict[str, Option] = {
    "source_timezone": Option(values.timezone, "",
                              "Zone of scraped dates without an offset (default: timezone)."),
    "fields": Option(values.field_map, (), "JSON dump field map: our field -> key or dotted path."),
    "min_words": Option(values.positive_int, 20, "Bodies shorter than this are skipped as 'no article'."),
    "source_tags": Option(values.source_tags, "keep",
                          "The sources' own tags: keep, off, or map (only those tag_map or a rule names)."),
    "max_source_tags": Option(values.count, 25, "Most source tags per article (0: none)."),
    "min_source_tag_uses": Option(values.positive_int, 1,
                                  "Drop a source tag fewer articles of one import carry."),
    "tag_map": Option(values.tag_map, (), "Source tag spelling -> the archive's tag."),
}

PUBLISHER_OPTIONS: dict[str, Option] = {
    "name": Option(values.nonempty_text, "", "The publisher's name (required in the section)."),
    "url": Option(values.web_url, "", "The publisher's home page."),
    "logo": Option(values.web_url_or_site_path, "", "Logo image: an absolute URL or a site path."),
}

TAXONOMY_OPTIONS: dict[str, Option] = {
    "field": Option(values.field_name, None,
                    "Front-matter list field of its terms (default: the name; 'source': the URL's host)."),
    "path": Option(values.path_segment, None, "URL segment of its pages (default: the name)."),
    "title": Option(values.nonempty_text, None, "Its name on pages (default: the name, capitalized)."),
    "singular": Option(values.nonempty_text, None, "One term's kind, as in 'Author: Jane Roe'."),
    "feed": Option(values.boolean, True, "Atom and JSON feeds for every term."),
    "nav": Option(values.boolean, False, "A link to its index in the site's navigation."),
    "per_page": Option(values.positive_int, None, "Articles per term page (default: per_page)."),
}
_TAXONOMY_NAME = re.compile(r"[a-z][a-z0-9_-]{0,39}")
_DEFAULT_FIELDS = {"sources": "source"}  # the publisher: the host of the article's source URL

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
        raise ConfigError([Problem(shown, f"cannot read: {exc.strerror}", 1)]) from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigError([Problem(shown, "file is larger than 1 MB", 1)])
    try:
        text = decode_file(raw, "a YAML configuration file")
    except TextProblem as exc:
        raise ConfigError([Problem(shown, exc.message, exc.line)]) from None
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
            report((key,), unknown_setting(key, OPTIONS))
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
    deploy = _section("deploy", DEPLOY_OPTIONS, None if ("deploy",) in rejected_keys
                      else data.get("deploy"), report)
    importing = _section("import", IMPORT_OPTIONS, None if ("import",) in rejected_keys
                         else data.get("import"), report)
    search = _section("search", SEARCH_OPTIONS, None if ("search",) in rejected_keys
                      else data.get("search"), report)
    publisher = _publisher(None if ("publisher",) in rejected_keys else data.get("publisher"), report)
    taxonomies = _taxonomies(None if ("taxonomies",) in rejected_keys else data.get("taxonomies"),
                             report, located.line_of)
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
    values["publisher"] = publisher
    values["taxonomies"] = taxonomies
    values["importing"] = ImportConfig(**importing)
    del values["import"]
    values["search"] = SearchConfig(shard_articles=search["shard_articles"],
                                    shard_bytes=search["shard_megabytes"] * 1024 * 1024,
                                    delta_articles=search["delta_articles"])
    return SiteConfig(project_dir=project_dir, config_path=path.resolve(), **values)


def unknown_setting(key: Any, known: Iterable[str]) -> str:
    """The message for a key that is no setting: the likely one it misspells, or all of them."""
    known = list(known)
    hint = suggestion(str(key), known)
    return f"unknown setting ({f'did you mean {hint}?' if hint else 'known: ' + ', '.join(known)})"


def _tag_rules(
    raw: Any, report: Callable[[tuple[str | int, ...], str], None],
) -> tuple[TagRule, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        report(("tags",), f"expected a mapping of tag name to rule, got {describe(raw)}")
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
            report(where, f"expected a list of keywords or a mapping, got {describe(spec)}")
            continue
        for key in spec:
            if key not in TAG_RULE_KEYS:
                report((*where, key), unknown_setting(key, sorted(TAG_RULE_KEYS)))
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
        for key, default in (("min_mentions", TagRule.min_mentions), ("title_weight", TagRule.title_weight)):
            try:
                numbers[key] = values.positive_int(spec.get(key, default))
            except Invalid as exc:
                report((*where, key), str(exc))
                numbers[key] = default
        rules.append(TagRule(name=name.strip(), keywords=tuple(keywords), patterns=tuple(patterns),
                             **numbers))
    return tuple(rules)


def _taxonomies(
    raw: Any, report: Callable[[tuple[str | int, ...], str], None],
    line_of: Callable[[tuple[str | int, ...]], int],
) -> tuple[Taxonomy, ...]:
    """``taxonomies:``: name -> settings (or nothing, for the defaults). Tags are always
    declared (first); listing them changes their settings, not their URLs' default."""
    if raw is None:
        return (TAGS,)
    if not isinstance(raw, dict):
        report(("taxonomies",), f"expected a mapping of taxonomy name to settings, got {describe(raw)}")
        return (TAGS,)
    found: dict[str, Taxonomy] = {}
    owners: dict[tuple[str, str], str] = {("field", "tags"): "tags", ("path", "tags"): "tags"}
    for name, spec in raw.items():
        where: tuple[str | int, ...] = ("taxonomies", str(name))
        if not isinstance(name, str) or not _TAXONOMY_NAME.fullmatch(name):
            report(where, "taxonomy names are lowercase letters, digits, '-' and '_', "
                          "starting with a letter")
            continue
        if spec is not None and not isinstance(spec, dict):
            report(where, f"expected a mapping of taxonomy settings, got {describe(spec)}")
            continue
        settings = _section("taxonomy", TAXONOMY_OPTIONS, spec or {}, report, where)
        default = TAGS if name == "tags" else None
        field_ = settings["field"] or (default.field if default else _DEFAULT_FIELDS.get(name, name))
        if name != "tags" and field_ == "tags" or name == "tags" and field_ != "tags":
            report((*where, "field"), "only the tags taxonomy reads the tags field")
            continue
        title = settings["title"] or name.replace("_", " ").replace("-", " ").capitalize()
        taxonomy = Taxonomy(
            name=name, field=field_, path=settings["path"] or name, title=title,
            singular=settings["singular"] or (default.singular if default else _singular(title)),
            feed=settings["feed"], nav=settings["nav"] if spec and "nav" in spec else name == "tags",
            per_page=settings["per_page"], line=line_of(where))
        clashes = False
        for what, value in (("field", taxonomy.field), ("path", taxonomy.path)):
            other = owners.setdefault((what, value), name)
            if other != name:
                report((*where, what), f"{value} is also the {what} of taxonomy {other}")
                clashes = True
        if not clashes:
            found[name] = taxonomy
    tags = found.pop("tags", TAGS)
    return (tags, *found.values())


def _singular(title: str) -> str:
    """'Authors' -> 'Author': a default a config can override with ``singular:``."""
    return title[:-1] if title.endswith("s") and len(title) > 1 else title


def _publisher(raw: Any, report: Callable[[tuple[str | int, ...], str], None]) -> Publisher | None:
    """``publisher:``: a name, or a mapping of name, url and logo; absent: None (the site)."""
    if raw is None:
        return None
    if isinstance(raw, str):
        try:
            return Publisher(name=values.nonempty_text(raw))
        except Invalid as exc:
            report(("publisher",), str(exc))
            return None
    if not isinstance(raw, dict):
        report(("publisher",), f"expected a name or a mapping of name, url and logo, got {describe(raw)}")
        return None
    found = _section("publisher", PUBLISHER_OPTIONS, raw, report)
    if raw.get("name") is None:
        report(("publisher",), "needs a name")
    return Publisher(**found) if found["name"] else None


def _section(
    name: str, options: dict[str, Option], raw: Any,
    report: Callable[[tuple[str | int, ...], str], None], at: tuple[str | int, ...] = (),
) -> dict[str, Any]:
    """A nested section (``deploy:``, ``import:``; ``at`` its key path when deeper) as dataclass
    arguments (defaults where bad)."""
    where = at or (name,)
    values = {key: option.default for key, option in options.items()}
    if raw is None:
        return values
    if not isinstance(raw, dict):
        report(where, f"expected a mapping of {name} settings, got {describe(raw)}")
        return values
    for key, value in raw.items():
        if key not in options:
            report((*where, str(key)), unknown_setting(key, options))
        elif value is not None:  # null (or a refused !!tag, already reported): the default
            try:
                values[key] = options[key].validate(value)
            except Invalid as exc:
                report((*where, key), str(exc))
    return values


def _string_list(
    value: Any, where: tuple[str | int, ...], report: Callable[[tuple[str | int, ...], str], None],
) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        report(where, f"expected a list of strings, got {describe(value)}")
        return []
    good = []
    for index, item in enumerate(value):
        if isinstance(item, str) and item.strip():
            good.append(item.strip())
        else:
            report((*where, index), f"expected a non-empty string, got {describe(item)}")
    return good


def _display_path(path: Path) -> str:
    """Name the config file as content files are named: relative to the project folder."""
    return path.name
