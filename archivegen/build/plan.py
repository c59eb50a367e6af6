"""The plan of one build: which pages to render, which static files to copy, which outputs to
remove. A page is rendered when its key changed (``render/inputs.py``) or when its output was
found damaged (``freshness.py``); its recorded digest then tells the renderer whether the new
bytes need writing at all."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from archivegen.output.digests import file_digest
from archivegen.output.staging import static_files
from archivegen.render.inputs import PageKeys
from archivegen.render.theme import THEME_STATIC
from archivegen.site.model import Site
from archivegen.state.store import OutputRow

BUNDLE_PREFIX = "pagefind/"  # the search index's outputs: planned by ``searching.py``
STATIC_PREFIX = "static/"


@dataclass
class Plan:
    jobs: list[tuple[int, str]]  # (page index, hash of the output's current bytes, "" to write)
    statics: dict[str, Path]  # output path below static/ -> source, to copy
    static_keys: dict[str, str]  # output path below static/ -> digest of the source, for every one
    removed: list[str]  # recorded outputs nothing produces any more (search outputs aside)


def plan(site: Site, keys: PageKeys, recorded: dict[str, OutputRow], static_dir: Path,
         damaged: Collection[str] = ()) -> Plan:
    """Compare every page's key with the one recorded for its output."""
    jobs: list[tuple[int, str]] = []
    for index, page in enumerate(site.pages):
        old = recorded.get(page.output)
        if old is None or page.output in damaged:
            jobs.append((index, ""))
        elif keys.key(page, old.templates, old.reads) != old.inputs:
            jobs.append((index, old.digest))
    sources = static_files([THEME_STATIC, static_dir])
    static_keys = {rel: file_digest(path) for rel, path in sources.items()}
    statics = {rel: sources[rel] for rel, digest in static_keys.items()
               if (old := recorded.get(STATIC_PREFIX + rel)) is None or old.inputs != digest
               or STATIC_PREFIX + rel in damaged}
    planned = {page.output for page in site.pages}
    planned.update(STATIC_PREFIX + rel for rel in sources)
    removed = sorted(path for path in recorded
                     if path not in planned and not path.startswith(BUNDLE_PREFIX))
    return Plan(jobs, statics, static_keys, removed)
