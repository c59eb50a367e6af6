"""Tags from the ``tags:`` rules of site_config.yaml, plus the tags the source already had.

Source tags follow ``import.source_tags`` (keep, off, map) and ``import.tag_map``; comma-joined
lists are split and identifiers, labels and tickers dropped (``junk_reason``). Caps and the
minimum use count are applied by ``choose_tags``, once the import has counted every article.

A rule is a set of keywords (whole words, case-insensitive, ``Syrian*`` a prefix, several words
matching across any whitespace) and regular expressions. Mentions are counted in the body and in
the title, a title mention weighing ``title_weight``; the tag applies at ``min_mentions``. Each
rule compiles to one alternation, so tagging costs one regex scan per rule and article.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from archivegen.config.schema import SiteConfig, TagRule
from archivegen.content.slugs import make_slug

MAX_SOURCE_TAGS = 100  # candidates kept per article before the cap (import.max_source_tags)
MAX_TAG_CHARS = 60


@dataclass(frozen=True)
class CompiledRule:
    rule: TagRule
    keywords: re.Pattern[str] | None

    def mentions(self, text: str) -> int:
        count = len(self.keywords.findall(text)) if self.keywords else 0
        return count + sum(len(pattern.findall(text)) for pattern in self.rule.patterns)


@lru_cache(maxsize=64)
def compile_rules(rules: tuple[TagRule, ...]) -> tuple[CompiledRule, ...]:
    return tuple(CompiledRule(rule, _keyword_pattern(rule.keywords)) for rule in rules)


def _keyword_pattern(keywords: Sequence[str]) -> re.Pattern[str] | None:
    """One regex for all keywords of a rule: ``(?<!\\w)(?:syria|syrian\\w*)(?!\\w)``."""
    alternatives = []
    for keyword in keywords:
        prefix = keyword.endswith("*")
        words = keyword.rstrip("*").split()
        if not words:
            continue
        body = r"\s+".join(re.escape(word) for word in words)
        alternatives.append(body + (r"\w*" if prefix else ""))
    if not alternatives:
        return None
    # Longest first, so "Syrian*" is not cut short by "Syria" at the same position.
    alternatives.sort(key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


def rule_tags(rules: tuple[TagRule, ...], title: str, body: str) -> list[str]:
    """Names of the rules an article meets, in the order site_config.yaml lists them."""
    tags = []
    for compiled in compile_rules(rules):
        score = compiled.mentions(body) + compiled.rule.title_weight * compiled.mentions(title)
        if score >= compiled.rule.min_mentions:
            tags.append(compiled.rule.name)
    return tags


def source_tags(raw: Iterable[str], config: SiteConfig) -> tuple[str, ...]:
    """The tags an article may take from its source, as ``import.source_tags`` and ``tag_map`` say.

    Comma-joined lists are split, identifiers and labels dropped (``junk_reason``), spellings
    mapped; a source tag that names a rule tag in another spelling ("syria") takes the rule's
    ("Syria"), so one subject never gets two tag pages. Not yet capped nor counted: the import
    does that once it knows every article (``choose_tags``).
    """
    settings = config.importing
    if settings.source_tags == "off":
        return ()
    mapping = _tag_map(settings.tag_map, config.tags)
    found: dict[str, str] = {}
    for value in raw:
        for part in split_tag_list(str(value)):
            name = normalize_tag(part)
            if not name:
                continue
            mapped = mapping.get(make_slug(name))
            if mapped is None and (settings.source_tags == "map" or junk_reason(name)):
                continue
            name = mapped or name
            found.setdefault(make_slug(name), name)
            if len(found) >= MAX_SOURCE_TAGS:  # pages with 80 SEO keywords exist
                return tuple(found.values())
    return tuple(found.values())


def choose_tags(from_rules: Iterable[str], from_source: Iterable[str], cap: int,
                uses: Mapping[str, int] | None = None, min_uses: int = 1) -> tuple[str, ...]:
    """Rule tags first, then at most ``cap`` source tags that at least ``min_uses`` articles of
    the import carry (``uses``: tag slug -> articles), deduplicated by slug."""
    chosen: dict[str, str] = {}
    for name in from_rules:
        chosen.setdefault(make_slug(name), name)
    taken = 0
    for name in from_source:
        slug = make_slug(name)
        if taken >= cap or slug in chosen:
            continue
        if min_uses > 1 and (uses is None or uses.get(slug, 0) < min_uses):
            continue
        chosen[slug] = name
        taken += 1
    return tuple(chosen.values())


def split_tag_list(value: str) -> list[str]:
    """One source value as its tags: ``Spain,Europe,World news`` is three (a list joined without
    spaces), as is ``a, b, c``; ``Beshear, Andrew`` or ``Elections, Governors`` (one comma
    and a space: an inverted name or a catalogue heading) stays one. Semicolons always split."""
    parts = []
    for piece in value.split(";"):
        if re.search(r",\S", piece) or piece.count(",") >= 2:
            parts.extend(piece.split(","))
        else:
            parts.append(piece)
    return parts


_HAS_LETTER = re.compile(r"[^\W\d_]")
_JUNK = (
    (re.compile(r":"), "a label or prefix (Category: News, source:tagname:...)"),
    (re.compile(r"_"), "an identifier (editors_pick)"),
    (re.compile(r"^[a-z][\w-]*/"), "a path (sections/world)"),
    (re.compile(r"\d{5}|\b(?=[0-9a-f-]*\d)(?=[0-9a-f-]*[a-f])[0-9a-f]{8,}", re.IGNORECASE), "an id number"),
    (re.compile(r"^[A-Z0-9]{1,6}\.[A-Z]{1,3}$"), "a stock ticker (7974.TO)"),
    (re.compile(r"^[A-Z]{4,}\d+$"), "a code (AIRS08)"),
    (re.compile(r"^[\w-]+(\.[\w-]+)*\.(com|net|org|info|co|io|news|tv|uk|de|fr|ru)$", re.IGNORECASE),
     "a domain name"),
    (re.compile(r"\(\d{4}\s*-\s*(\d{4})?\s*\)"), "a catalogue heading with life years"),
)
MAX_TAG_WORDS = 6


def junk_reason(name: str) -> str:
    """Why a source tag is no subject a reader would browse by, or "" when it may be one.

    General shapes, not lists of sites: no letters at all (``58``), a label or prefix
    (``source:tagname:CNBC US Source``), an identifier, a path, an id number (``30594
    Lifestyles``, a UUID), a ticker (``7974.TO``), a domain name, a library catalogue heading
    (``Beshear, Andrew G (1977- )``), or a phrase too long to be a subject (an SEO sentence).
    """
    if not _HAS_LETTER.search(name):
        return "no letters"
    for pattern, reason in _JUNK:
        if pattern.search(name):
            return reason
    if len(name.split()) > MAX_TAG_WORDS:
        return "a phrase, not a subject"
    return ""


@lru_cache(maxsize=16)
def _tag_map(pairs: tuple[tuple[str, str], ...], rules: tuple[TagRule, ...]) -> dict[str, str]:
    """Source tag slug -> our spelling: the rules' names (``syria`` -> ``Syria``), then tag_map."""
    mapping = {make_slug(rule.name): rule.name for rule in rules}
    for theirs, ours in pairs:
        mapping[make_slug(normalize_tag(theirs))] = canonical_name(ours, rules)
    return mapping


def canonical_name(name: str, rules: tuple[TagRule, ...]) -> str:
    """A rule tag's spelling for any spelling of its name; other names as given."""
    slug = make_slug(name)
    return next((rule.name for rule in rules if make_slug(rule.name) == slug), normalize_tag(name))


def normalize_tag(raw: str) -> str:
    """One line, single spaces, no leading '#' or '&', at most MAX_TAG_CHARS cut on a word."""
    name = " ".join(str(raw).split()).lstrip("#&").strip(" ,;")
    if len(name) > MAX_TAG_CHARS:
        name = name[:MAX_TAG_CHARS].rsplit(" ", 1)[0]
    return name
