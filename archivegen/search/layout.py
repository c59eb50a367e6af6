"""Which articles each search bundle holds: date-ordered shards of bounded size, plus a delta.

Pagefind cannot update a bundle, and re-indexing a bundle costs time and memory in proportion
to its size. So the index is cut into *shards*, each a run of articles in date order, of at
most ``shard_articles`` articles and ``shard_bytes`` bytes of search records (``SearchConfig``;
Pagefind's memory grows with both). A shard covers a range of sort keys, from its ``low`` key
up to the next shard's (the first covers everything older, the last everything newer), so the
ranges partition time and stay put: adding articles at the new end of the archive touches only the last shard.

Between compactions, shards are not rebuilt. An article added or edited since its shard was
built goes into the one small *delta* bundle, and the base records it replaces (or that a
deleted article leaves behind) are *superseded*: the search page drops them. When the delta
passes ``delta_articles`` (or as many base records are superseded), the build *compacts*: every
shard the delta touches is rebuilt from the articles its range now holds (split when it grew
too big, dropped when emptied) and the delta is emptied. A shard more than half superseded is
rebuilt at once, and a shard whose articles are all gone is dropped without indexing.
Everything here is pure planning over digests; ``indexer.py`` runs Pagefind.
"""

from __future__ import annotations

import bisect
import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from archivegen.config.schema import SearchConfig


@dataclass(frozen=True)
class IndexEntry:
    """One article as the index sees it, made from the site model."""

    key: str  # sort key: the instant (microseconds, zero-padded), then the site path
    path: str  # the article's site path: its identity in the index
    digest: str  # covers everything its search record is made from
    day: str  # the article's date in the site's zone, 'YYYY-MM-DD'


@dataclass(frozen=True)
class Member:
    """An article as it was when a bundle was built: what the build state remembers."""

    key: str
    digest: str
    pid: str  # Pagefind's result id for it in that bundle ('' if it had no word to index)
    day: str

    @property
    def year(self) -> int:
        return int(self.day[:4])


@dataclass
class Bundle:
    """A built bundle: a shard (``low`` is its range's lowest key) or the delta."""

    name: str  # folder under pagefind/, derived from the records it holds
    low: str
    members: dict[str, Member]  # site path -> member

    @property
    def years(self) -> list[int]:
        return sorted({m.year for m in self.members.values()})

    @property
    def empty(self) -> bool:
        """No page of it is findable (Pagefind made no index): the site gets no folder for it."""
        return not any(m.pid for m in self.members.values())


@dataclass
class ShardPlan:
    """A run of the planned index: a kept bundle, or articles to cut into shards and index."""

    low: str
    entries: list[IndexEntry]
    kept: Bundle | None = None  # the built bundle, when nothing in its range is rebuilt


@dataclass
class LayoutPlan:
    shards: list[ShardPlan]
    delta: list[IndexEntry]  # articles not (or no longer) as their shard holds them
    superseded: dict[str, list[str]] = field(default_factory=dict)  # kept shard -> stale ids
    compacted: int = 0  # stored shards rebuilt (folded in the delta, or re-cut)


def bundle_name(kind: str, entries: Iterable[IndexEntry]) -> str:
    """A bundle's folder name: a digest of exactly the records it holds (their digests cover
    the index settings too), so a folder's content never changes under its name."""
    digest = hashlib.sha256()
    for entry in sorted(entries, key=lambda e: e.path):
        digest.update(f"\x1e{entry.path}\x1f{entry.digest}".encode("utf-8", "surrogatepass"))
    return f"{kind}-{digest.hexdigest()[:20]}"


def plan_layout(stored: Sequence[Bundle], entries: Sequence[IndexEntry], limits: SearchConfig,
                force: Iterable[str] = ()) -> LayoutPlan:
    """Plan the shards and the delta for ``entries`` (sorted by key) against the stored shards.

    ``force`` names stored shards to rebuild now even if the delta is small (the build does so
    when a superseded id would be ambiguous). With no stored shards, everything is cut afresh.
    """
    if not stored:
        return LayoutPlan([ShardPlan("", list(entries))] if entries else [], [])
    lows = [bundle.low for bundle in stored]
    assigned: list[list[IndexEntry]] = [[] for _ in stored]
    for entry in entries:
        assigned[max(0, bisect.bisect_right(lows, entry.key) - 1)].append(entry)

    dirty: list[list[IndexEntry]] = []
    superseded: list[list[str]] = []
    for bundle, mine in zip(stored, assigned, strict=True):
        current = {e.path: e.digest for e in mine}
        dirty.append([e for e in mine if (m := bundle.members.get(e.path)) is None or m.digest != e.digest])
        # A shard whose articles are all gone is dropped whole: its ids need no superseding.
        superseded.append(sorted(m.pid for path, m in bundle.members.items()
                                 if m.pid and current.get(path) != m.digest) if mine else [])
    # Deletes add no delta articles but superseded ids, which the page downloads too.
    compact = max(sum(map(len, dirty)), sum(map(len, superseded))) > limits.delta_articles
    forced = set(force)
    # A shard mostly superseded (a settings change supersedes them all) costs about as much
    # to rebuild as its delta would, and then costs nothing on later edits.
    rebuild = {i for i, bundle in enumerate(stored)
               if bundle.name in forced or (compact and (dirty[i] or superseded[i]))
               or 2 * len(superseded[i]) > len(bundle.members)}

    plan = LayoutPlan([], [])
    for i, bundle in enumerate(stored):
        if not assigned[i]:
            continue  # dropped
        if i in rebuild:
            plan.shards.append(ShardPlan(bundle.low, assigned[i]))
            plan.compacted += 1
        else:
            plan.shards.append(ShardPlan(bundle.low, assigned[i], kept=bundle))
            plan.delta.extend(dirty[i])
            if superseded[i]:
                plan.superseded[bundle.name] = superseded[i]
    if plan.shards:  # the first shard covers everything older than the second
        plan.shards[0].low = ""
    return plan


def cut(entries: Sequence[IndexEntry], low: str, limits: SearchConfig,
        record_of: Callable[[IndexEntry], bytes]) -> Iterator[tuple[str, list[IndexEntry], list[bytes]]]:
    """Cut a date-ordered run into even shards within both limits: (low key, entries, records).

    Records are made as the run is walked, so a shard can be handed to Pagefind while the next
    one is being made, and no more than a shard's records are held at once. The first shard
    keeps the run's ``low``; each later one starts at its first article.
    """
    pieces = max(1, -(-len(entries) // limits.shard_articles))
    left = len(entries)
    run: list[IndexEntry] = []
    records: list[bytes] = []
    size = 0
    for entry in entries:
        record = record_of(entry)
        if run and (len(run) >= -(-left // pieces) or size + len(record) > limits.shard_bytes):
            yield low, run, records
            left -= len(run)
            pieces = max(1, pieces - 1)
            low, run, records, size = entry.key, [], [], 0
        run.append(entry)
        records.append(record)
        size += len(record)
    if run:
        yield low, run, records
