"""The search index's part of a build's output change: the bundle folders the output lacks,
the manifest if it changed, the bundles it no longer names (``search/`` makes them)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from archivegen.build.plan import BUNDLE_PREFIX
from archivegen.output.digests import data_digest, folder_files_digest
from archivegen.output.journal import pending_name
from archivegen.state.store import OutputRow

if TYPE_CHECKING:
    from archivegen.render.stage import DaskCluster
    from archivegen.search.indexer import RemoteIndexer, SearchIndex

MANIFEST_OUTPUT = f"{BUNDLE_PREFIX}index.json"


def remote(cluster: DaskCluster | None) -> RemoteIndexer | None:
    """Index search shards on the Dask cluster too: records go out, bundle files come back."""
    if cluster is None:
        return None
    from archivegen.search.pagefind import index_to_files

    return lambda records, label: cluster.submit(index_to_files, records, label)


@dataclass
class PlacedSearch:
    """The search index's part of the output change."""

    rows: list[OutputRow] = field(default_factory=list)
    folders: list[str] = field(default_factory=list)  # new bundles, staged whole
    files: list[str] = field(default_factory=list)  # the manifest, when it changed
    drop_folders: list[str] = field(default_factory=list)  # bundles no longer in the index
    removed: list[str] = field(default_factory=list)  # their output rows
    changed: list[str] = field(default_factory=list)


def place_search(index: SearchIndex, recorded: dict[str, OutputRow], root: Path, flat: bool,
                 damaged: Collection[str] = ()) -> PlacedSearch:
    """Stage the bundles the output lacks and the manifest if it changed; drop the others.

    Bundle folders are named by their content, so a recorded folder is never rewritten, unless
    it was found damaged: a deploy checks its files against the digest recorded here.
    """
    from archivegen.search.indexer import link_tree

    placed = PlacedSearch()
    for name, kept in index.folders.items():
        relative = f"{BUNDLE_PREFIX}{name}"
        if f"{relative}/" in recorded and f"{relative}/" not in damaged:
            continue
        link_tree(kept, root / relative)
        placed.folders.append(relative)
        placed.rows.append(OutputRow(f"{relative}/", name, "", "", folder_files_digest(root / relative)))
        placed.changed.append(f"{relative}/")
    for path in recorded:
        name = path.removeprefix(BUNDLE_PREFIX).removesuffix("/")
        if path.startswith(BUNDLE_PREFIX) and path.endswith("/") and name not in index.folders:
            placed.drop_folders.append(path.rstrip("/"))
            placed.removed.append(path)
            placed.changed.append(path)
    digest = data_digest(index.manifest)  # as a deploy hashes the file
    old = recorded.get(MANIFEST_OUTPUT)
    if old is None or old.digest != digest or MANIFEST_OUTPUT in damaged:
        target = root / (pending_name(MANIFEST_OUTPUT) if flat else MANIFEST_OUTPUT)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(index.manifest)
        placed.files.append(MANIFEST_OUTPUT)
        placed.rows.append(OutputRow(MANIFEST_OUTPUT, digest, "", "", digest))
        placed.changed.append(MANIFEST_OUTPUT)
    return placed
