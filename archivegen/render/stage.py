"""The render stage: every Page of the model rendered and written, on all cores.

Two passes, because listings show summaries that may have to be derived from article bodies:
first the article pages (Markdown, template, and the derived summary), then every other page.
Workers are forked with the renderer already built, so nothing large is pickled; each worker
writes its files itself and sends back only small results. A page renders to the same bytes in
any process, so the output does not depend on the number of workers.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from archivegen.config.schema import SiteConfig
from archivegen.output.staging import write_file
from archivegen.render.pages import PageRenderer
from archivegen.site.model import Site

# Below this many pages a process pool costs more than it saves.
PARALLEL_THRESHOLD = 400
CHUNK_SIZE = 250


@dataclass
class RenderResult:
    pages_written: int
    bytes_written: int
    summaries: list[str]


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
               else (os.cpu_count() or 1))


# State inherited by forked workers (set just before the pool starts).
_WORKER: tuple[PageRenderer, Path] | None = None


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _render_chunk(page_indexes: Sequence[int]) -> tuple[int, int, list[tuple[int, str]]]:
    assert _WORKER is not None, "worker started without a renderer"
    renderer, root = _WORKER
    written = size = 0
    summaries: list[tuple[int, str]] = []
    for index in page_indexes:
        page = renderer.site.pages[index]
        if page.kind == "article":
            data, summary = renderer.render_article(page)
            summaries.append((page.entries[0], summary))
        else:
            data = renderer.render(page)
        write_file(root, page.output, data)
        written += 1
        size += len(data)
    return written, size, summaries


def _chunks(indexes: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(indexes), size):
        yield indexes[start: start + size]


def _run(renderer: PageRenderer, root: Path, indexes: list[int],
         workers: int) -> tuple[int, int, list[tuple[int, str]]]:
    global _WORKER
    _WORKER = (renderer, root)
    try:
        if workers <= 1 or len(indexes) < PARALLEL_THRESHOLD:
            return _render_chunk(indexes)
        pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("fork"),
            initializer=_ignore_sigint)
        try:
            chunk = max(20, min(CHUNK_SIZE, len(indexes) // (workers * 4) or 1))
            futures = [pool.submit(_render_chunk, part) for part in _chunks(indexes, chunk)]
            written = size = 0
            summaries: list[tuple[int, str]] = []
            for future in futures:
                w, s, found = future.result()
                written, size = written + w, size + s
                summaries.extend(found)
            return written, size, summaries
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    finally:
        _WORKER = None


def render_site(config: SiteConfig, site: Site, root: Path, workers: int = 1) -> RenderResult:
    """Render every page of ``site`` into ``root``."""
    article_pages = [i for i, page in enumerate(site.pages) if page.kind == "article"]
    other_pages = [i for i, page in enumerate(site.pages) if page.kind != "article"]

    renderer = PageRenderer(config, site)
    written, size, found = _run(renderer, root, article_pages, workers)
    summaries = [entry.article.summary for entry in site.entries]
    for index, summary in found:
        summaries[index] = summary

    renderer = PageRenderer(config, site, summaries)
    more_written, more_size, _ = _run(renderer, root, other_pages, workers)
    return RenderResult(written + more_written, size + more_size, summaries)
