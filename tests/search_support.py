"""Read a built search index the way the search page does: the manifest, every bundle's pages,
minus the superseded ids. Shared by the search, property and browser tests."""

from __future__ import annotations

import gzip
import hashlib
import json
from collections import Counter
from pathlib import Path

MAGIC = b"pagefind_dcd"


def manifest(site: Path) -> dict:
    return json.loads((site / "pagefind" / "index.json").read_text(encoding="utf-8"))


def bundle_pages(bundle: Path) -> dict[str, dict]:
    """Result id -> the fragment Pagefind stored for that page (url, content, meta, filters)."""
    pages = {}
    for fragment in (bundle / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(fragment.read_bytes())
        assert data.startswith(MAGIC)
        pages[fragment.name.removesuffix(".pf_fragment")] = json.loads(data[len(MAGIC):])
    return pages


def bundles(site: Path) -> list[str]:
    """The bundle folders the manifest names: shards oldest first, then the delta."""
    index = manifest(site)
    names = [shard["path"] for shard in index["shards"]]
    if index["delta"]:
        names.append(index["delta"]["path"])
    return names


def searchable(site: Path) -> dict[str, str]:
    """URL -> digest of its indexed fragment, for every record a query can find.

    Fails when an article is findable twice or a superseded id is live in any bundle (the page
    drops superseded ids everywhere, so that would hide a live article).
    """
    index = manifest(site)
    superseded = set(index["superseded"])
    found: dict[str, str] = {}
    live_ids: Counter[str] = Counter()
    for name in bundles(site):
        for pid, fragment in bundle_pages(site / "pagefind" / name).items():
            if pid in superseded:
                continue
            live_ids[pid] += 1
            assert fragment["url"] not in found, f"{fragment['url']} is findable twice"
            found[fragment["url"]] = hashlib.sha256(json.dumps(
                {k: fragment[k] for k in ("content", "filters", "meta", "word_count")},
                sort_keys=True).encode()).hexdigest()
    ambiguous = superseded & set(live_ids)
    assert not ambiguous, f"superseded ids that are live elsewhere: {ambiguous}"
    return found


def folders_on_disk(site: Path) -> set[str]:
    return {p.name + "/" for p in (site / "pagefind").iterdir() if p.is_dir()}
