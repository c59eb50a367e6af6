"""The search index's plan (``search/layout.py``), without Pagefind: which articles each shard
holds, what goes to the delta, which ids are superseded, and when a shard is rebuilt."""

from __future__ import annotations

from archivegen.config.schema import SearchConfig
from archivegen.search.layout import Bundle, IndexEntry, Member, bundle_name, cut, plan_layout

LIMITS = SearchConfig(shard_articles=4, shard_bytes=1000, delta_articles=2)


def entry(n: int, digest: str = "v1", year: int = 2020) -> IndexEntry:
    return IndexEntry(key=f"{n:04d}\x1f/a/{n}/", path=f"/a/{n}/", digest=digest, day=f"{year}-01-01")


def built(entries: list[IndexEntry], low: str = "") -> Bundle:
    return Bundle(bundle_name("s", entries), low, {e.path: Member(e.key, e.digest, f"en_{e.path}", e.day)
                                                   for e in entries})


def shards_of(entries: list[IndexEntry], limits: SearchConfig = LIMITS) -> list[Bundle]:
    return [Bundle(bundle_name("s", run), low, {e.path: Member(e.key, e.digest, f"en_{e.path}", e.day)
                                                for e in run})
            for low, run, _ in cut(entries, "", limits, lambda e: b"x" * 10)]


def test_a_cold_plan_is_one_run_to_cut() -> None:
    entries = [entry(n) for n in range(10)]
    plan = plan_layout([], entries, LIMITS)
    assert [(s.low, len(s.entries), s.kept) for s in plan.shards] == [("", 10, None)]
    assert plan.delta == [] and plan_layout([], [], LIMITS).shards == []


def test_cut_makes_even_shards_within_both_limits() -> None:
    entries = [entry(n) for n in range(10)]
    runs = list(cut(entries, "", LIMITS, lambda e: b"x" * 10))
    assert [len(run) for _, run, _ in runs] == [4, 3, 3]
    assert [low for low, _, _ in runs] == ["", entries[4].key, entries[7].key]
    by_bytes = list(cut(entries, "", LIMITS, lambda e: b"x" * 400))  # two records fill a shard
    assert [len(run) for _, run, _ in by_bytes] == [2, 2, 2, 2, 2]
    huge = list(cut(entries[:2], "", LIMITS, lambda e: b"x" * 5000))  # one record over the limit
    assert [len(run) for _, run, _ in huge] == [1, 1]


def test_unchanged_articles_keep_their_shards() -> None:
    entries = [entry(n) for n in range(10)]
    plan = plan_layout(shards_of(entries), entries, LIMITS)
    assert all(s.kept is not None for s in plan.shards) and plan.delta == [] and plan.superseded == {}


def test_an_edit_is_a_delta_article_and_supersedes_its_base_id() -> None:
    entries = [entry(n) for n in range(10)]
    stored = shards_of(entries)
    entries[5] = entry(5, "v2")
    plan = plan_layout(stored, entries, LIMITS)
    assert plan.delta == [entries[5]] and plan.superseded == {stored[1].name: ["en_/a/5/"]}
    assert all(s.kept is not None for s in plan.shards) and plan.compacted == 0


def test_a_new_article_goes_to_the_shard_whose_range_holds_it() -> None:
    entries = [entry(n * 10) for n in range(10)]
    stored = shards_of(entries)
    newest, oldest, middle = entry(1000), entry(-5 + 10), entry(55)
    everything = sorted([*entries, newest, oldest, middle], key=lambda e: e.key)
    plan = plan_layout(stored, everything, SearchConfig(4, 1000, delta_articles=5))
    assert sorted(e.path for e in plan.delta) == sorted(e.path for e in (newest, oldest, middle))
    assert plan.superseded == {} and all(s.kept is not None for s in plan.shards)
    assert [len(s.entries) for s in plan.shards] == [5, 4, 4]  # 5 older than shard 2; 55; 1000
    compacted = plan_layout(stored, everything, LIMITS)  # past the delta limit: every shard touched
    assert compacted.compacted == 3 and compacted.delta == []


def test_compaction_rebuilds_only_the_shards_the_delta_touches() -> None:
    entries = [entry(n * 10) for n in range(10)]
    stored = shards_of(entries)
    new = [entry(1000), entry(1010), entry(1020)]  # three new articles at the new end: past the limit
    plan = plan_layout(stored, [*entries, *new], LIMITS)
    assert plan.compacted == 1 and plan.delta == []
    assert [s.kept is not None for s in plan.shards] == [True, True, False]
    assert plan.shards[2].low == stored[2].low and len(plan.shards[2].entries) == 6


def test_deletes_count_towards_compaction_and_an_emptied_shard_is_dropped() -> None:
    entries = [entry(n) for n in range(10)]
    stored = shards_of(entries)
    left = entries[4:]  # the whole first shard deleted: dropped, nothing to index
    plan = plan_layout(stored, left, LIMITS)
    assert [s.kept.name for s in plan.shards if s.kept] == [stored[1].name, stored[2].name]
    assert plan.shards[0].low == "" and plan.superseded == {} and plan.compacted == 0
    assert plan_layout(stored, [e for e in entries if e.path not in ("/a/4/", "/a/5/", "/a/6/")],
                       LIMITS).compacted == 0  # the emptied middle shard is gone, the others kept
    fewer = [e for e in entries if e.path not in ("/a/1/", "/a/2/", "/a/5/")]  # three deletes: compact
    plan = plan_layout(stored, fewer, LIMITS)
    assert plan.compacted == 2 and plan.superseded == {}
    assert [len(s.entries) for s in plan.shards] == [2, 2, 3] and plan.shards[2].kept is not None


def test_a_forced_shard_is_rebuilt_even_with_a_small_delta() -> None:
    entries = [entry(n) for n in range(10)]
    stored = shards_of(entries)
    entries[1] = entry(1, "v2")
    plan = plan_layout(stored, entries, LIMITS, force={stored[0].name})
    assert plan.compacted == 1 and plan.delta == [] and plan.superseded == {}
    assert plan.shards[0].kept is None and plan.shards[0].low == ""


def test_a_bundle_name_covers_exactly_its_records() -> None:
    a = [entry(1), entry(2)]
    assert bundle_name("s", a) == bundle_name("s", list(reversed(a)))
    assert bundle_name("s", a) != bundle_name("s", [entry(1), entry(2, "v2")])
    assert bundle_name("s", a) != bundle_name("d", a)
