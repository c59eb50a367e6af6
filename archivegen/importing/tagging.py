"""Tags from the ``tags:`` rules of site_config.yaml, plus the tags the source already had.

A rule is a set of keywords (whole words, case-insensitive, ``Syrian*`` a prefix, several words
matching across any whitespace) and regular expressions. Mentions are counted in the body and in
the title, a title mention weighing ``title_weight``; the tag applies at ``min_mentions``. Each
rule compiles to one alternation, so tagging costs one regex scan per rule and article.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from archivegen.config.schema import TagRule
from archivegen.content.slugs import make_slug

MAX_SOURCE_TAGS = 25  # pages with 80 SEO keywords exist; a tag cloud of them helps no reader
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


def merge_tags(rules: tuple[TagRule, ...], from_rules: Iterable[str],
               from_source: Iterable[str]) -> list[str]:
    """Rule tags first, then the source's own tags, normalized and deduplicated by slug.

    A source tag that names a configured tag in another spelling ("syria", "SYRIA") takes the
    configured spelling, so one subject never gets two tag pages.
    """
    canonical = {make_slug(rule.name): rule.name for rule in rules}
    merged: list[str] = []
    seen: set[str] = set()
    source_count = 0
    for origin, names in (("rules", from_rules), ("source", from_source)):
        for raw in names:
            name = normalize_tag(raw)
            if not name:
                continue
            slug = make_slug(name)
            if slug in seen:
                continue
            if origin == "source":
                if source_count >= MAX_SOURCE_TAGS:
                    continue
                source_count += 1
            seen.add(slug)
            merged.append(canonical.get(slug, name))
    return merged


def normalize_tag(raw: str) -> str:
    """One line, single spaces, no leading '#', at most MAX_TAG_CHARS cut on a word."""
    name = " ".join(str(raw).split()).lstrip("#").strip(" ,;")
    if len(name) > MAX_TAG_CHARS:
        name = name[:MAX_TAG_CHARS].rsplit(" ", 1)[0]
    return name
