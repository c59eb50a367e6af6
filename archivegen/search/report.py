"""What the search step did, for the build report (kept apart so reports need no indexer)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class SearchReport:
    indexed: list[int] = field(default_factory=list)  # years Pagefind ran for
    reused: list[int] = field(default_factory=list)  # years whose bundle was still right
    pending: list[int] = field(default_factory=list)  # stale years left for a later build
