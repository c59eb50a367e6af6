"""The render stage: every Page of the model rendered and written, on all cores.

Two passes, because listings show summaries that may have to be derived from article bodies:
first the article pages (Markdown, template, and the derived summary), then every other page.
Each worker writes its files itself and sends back only small results. A page renders to the
same bytes in any process, so the output does not depend on the number of workers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from archivegen import interrupt
from archivegen.config.schema import SiteConfig
from archivegen.output.staging import FileWriter
from archivegen.parallel import fork_map, inherited
from archivegen.render.pages import PageRenderer
from archivegen.site.model import Site


@dataclass
class RenderResult:
    pages_written: int
    bytes_written: int
    summaries: list[str]


def _render_chunk(page_indexes: Sequence[int]) -> tuple[int, int, list[tuple[int, str]]]:
    renderer: PageRenderer = inherited("renderer")
    writer = FileWriter(inherited("root"))
    size = 0
    summaries: list[tuple[int, str]] = []
    for index in page_indexes:
        interrupt.check()
        page = renderer.site.pages[index]
        if page.kind == "article":
            data, summary = renderer.render_article(page)
            summaries.append((page.entries[0], summary))
        else:
            data = renderer.render(page)
        writer.write(page.output, data)
        size += len(data)
    return len(page_indexes), size, summaries


def _render_all(renderer: PageRenderer, root: Path, indexes: list[int],
                workers: int) -> tuple[int, int, list[tuple[int, str]]]:
    results = fork_map(_render_chunk, indexes, workers, {"renderer": renderer, "root": root})
    summaries = [found for _, _, chunk in results for found in chunk]
    return sum(r[0] for r in results), sum(r[1] for r in results), summaries


def render_site(config: SiteConfig, site: Site, root: Path, workers: int = 1) -> RenderResult:
    """Render every page of ``site`` into ``root``."""
    article_pages = [i for i, page in enumerate(site.pages) if page.kind == "article"]
    other_pages = [i for i, page in enumerate(site.pages) if page.kind != "article"]

    written, size, found = _render_all(PageRenderer(config, site), root, article_pages, workers)
    summaries = [entry.article.summary for entry in site.entries]
    for index, summary in found:
        summaries[index] = summary

    renderer = PageRenderer(config, site, summaries)
    more_written, more_size, _ = _render_all(renderer, root, other_pages, workers)
    return RenderResult(written + more_written, size + more_size, summaries)
