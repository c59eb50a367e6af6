"""``site/pagefind/index.json``: what the search page needs to know before its first query.

The page cannot list folders, and Pagefind's own counts would be wrong for a sharded index with
a delta (they are summed over bundles and include superseded records). So the build writes the
bundles to load (shards oldest first, with the years each holds, so a year range loads only its
shards), the delta and its articles' dates (for the "newest first" order), the superseded
result ids the page drops, and the live counts per year and per tag and year for its menus.
The format is documented for theme authors in docs/search.md.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from archivegen.search.records import EVERY_RECORD_WORD
from archivegen.site.model import Site

if TYPE_CHECKING:
    from archivegen.search.indexer import StoredIndex

MANIFEST_NAME = "index.json"
MANIFEST_FORMAT = 2  # 2: every bundle lists its languages


@dataclass(frozen=True)
class ManifestCounts:
    """The live articles per year, and per tag and year, for the search page's menus."""

    years: dict[str, int]
    tags: dict[str, dict[str, int]]

    @classmethod
    def of(cls, site: Site) -> ManifestCounts:
        year_of = [str(e.article.date.year) for e in site.entries]
        return cls(dict(sorted(Counter(year_of).items())),
                   {tag.name: dict(sorted(Counter(map(year_of.__getitem__, tag.entries)).items()))
                    for tag in site.tags.values()})


def manifest_bytes(index: StoredIndex, superseded: list[str], counts: ManifestCounts,
                   date_of: Callable[[str], str], languages_of: Callable[[str], list[str]]) -> bytes:
    """The manifest of ``index``; ``date_of(path)`` is the date of the article at a site path,
    ``languages_of(name)`` the languages Pagefind made an index for in a bundle."""
    shards = []
    for shard in index.shards:
        if shard.empty:
            continue
        days = sorted(m.day for m in shard.members.values())
        shards.append({"path": f"{shard.name}/", "years": shard.years, "articles": len(shard.members),
                       "first": days[0], "last": days[-1], "languages": languages_of(shard.name)})
    delta = None
    if index.delta is not None and not index.delta.empty:
        delta = {"path": f"{index.delta.name}/", "articles": len(index.delta.members),
                 "languages": languages_of(index.delta.name),
                 "dates": {m.pid: date_of(path) for path, m in sorted(index.delta.members.items()) if m.pid}}
    document = {"format": MANIFEST_FORMAT, "shards": shards, "delta": delta, "superseded": superseded,
                "years": counts.years, "tags": counts.tags, "every": EVERY_RECORD_WORD}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=False).encode("utf-8")
