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
from typing import TYPE_CHECKING

from archivegen.site.model import Site

if TYPE_CHECKING:
    from archivegen.search.indexer import StoredIndex

MANIFEST_NAME = "index.json"
MANIFEST_FORMAT = 1


def manifest_bytes(site: Site, index: StoredIndex, superseded: list[str]) -> bytes:
    entry_by_path = {e.path: e for e in site.entries}
    shards = []
    for shard in index.shards:
        if shard.empty:
            continue
        days = sorted(m.day for m in shard.members.values())
        shards.append({"path": f"{shard.name}/", "years": shard.years, "articles": len(shard.members),
                       "first": days[0], "last": days[-1]})
    delta = None
    if index.delta is not None and not index.delta.empty:
        delta = {"path": f"{index.delta.name}/", "articles": len(index.delta.members),
                 "dates": {m.pid: entry_by_path[path].article.date.isoformat()
                           for path, m in sorted(index.delta.members.items()) if m.pid}}
    year_of = [str(e.article.date.year) for e in site.entries]
    years = Counter(year_of)
    tags = {tag.name: dict(sorted(Counter(map(year_of.__getitem__, tag.entries)).items()))
            for tag in site.tags.values()}
    document = {"format": MANIFEST_FORMAT, "shards": shards, "delta": delta, "superseded": superseded,
                "years": dict(sorted(years.items())), "tags": tags}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=False).encode("utf-8")
