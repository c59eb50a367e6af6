"""What the search step did, for the build report (kept apart so reports need no indexer)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class SearchReport:
    indexed: list[str] = field(default_factory=list)  # bundles Pagefind ran for
    indexed_articles: int = 0  # articles in them
    shards: int = 0  # base shards in the index
    delta: int = 0  # articles in the delta bundle
    superseded: int = 0  # shard records the search page drops
    compacted: int = 0  # shards rebuilt to fold the delta in (or re-cut)
    pending: bool = False  # the index was left out of date (a build without search)
