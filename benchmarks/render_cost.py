#!/usr/bin/env python3
"""What each page family's template costs: milliseconds and KiB per page, rendered in one process.

Why: a theme must not make listing pages slow. A cold build renders every page once, and an
incremental build re-renders the listings an edit touches; both scale with the per-page cost of
the templates (and the page families' context code in archivegen/families/) more than with
anything else once the Markdown is cached. This reads a project (by default a synthetic archive
of ``--synthetic`` articles, build_bench.py's generator, its authors declared as a taxonomy),
builds the site model, renders every page of every family once to warm up (templates compiled)
and then ``--repeat`` times, with the renderer's article views rebuilt each time as in a fresh
build process; it prints, per page kind, the pages, the best time per page and the page size.
Article pages get a fixed body (the Markdown cache is not measured here: see build_bench.py).

Usage (see benchmarks/README.md)::

    python benchmarks/render_cost.py                      # 10,000 synthetic articles
    python benchmarks/render_cost.py --project .          # the example archive
    python benchmarks/render_cost.py --synthetic 100000 --repeat 1
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from archivegen.config import load_config  # noqa: E402
from archivegen.content.reader import read_articles  # noqa: E402
from archivegen.families import FAMILIES, build_site  # noqa: E402
from archivegen.render.pages import PageRenderer  # noqa: E402

BODY = "<p>" + "A paragraph of an article's body. " * 40 + "</p>\n"


def synthetic(articles: int, work: Path) -> Path:
    """build_bench.py's archive of ``articles`` (made once under the temp folder), copied with
    its authors declared as a nav taxonomy."""
    from build_bench import prepare_archive

    made = Path(tempfile.gettempdir()) / "archivegen-render-cost" / f"synthetic-{articles}"
    prepare_archive(made, articles, seed=1)
    project = work / "project"
    project.mkdir()
    shutil.copy2(made / "site_config.yaml", project / "site_config.yaml")
    with open(project / "site_config.yaml", "a", encoding="utf-8") as config:
        config.write("\ntaxonomies:\n  authors: {nav: true}\n")
    (project / "content").symlink_to(made / "content")
    return project


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--project", type=Path, help="a project folder (with site_config.yaml)")
    source.add_argument("--synthetic", type=int, default=10_000, help="articles of the synthetic archive")
    parser.add_argument("--repeat", type=int, default=2, help="timed renders of every page (best kept)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="render-cost-") as tmp:
        project = args.project or synthetic(args.synthetic, Path(tmp))
        config = load_config(project / "site_config.yaml")
        articles = read_articles(config.content_dir, config.tzinfo, config.project_dir).articles
        site = build_site(config, articles)
        renderer = PageRenderer(config, site, FAMILIES)
        by_kind = defaultdict(list)
        for page in site.pages:
            by_kind[page.kind].append(page)
        best: dict[str, float] = {}
        sizes: dict[str, int] = {}
        for attempt in range(args.repeat + 1):  # the first is the warm-up
            renderer._views.clear()
            for kind, pages in by_kind.items():
                start = time.perf_counter()
                body = BODY if kind == "article" else None
                size = sum(len(renderer.render(page, body).data) for page in pages)
                elapsed = time.perf_counter() - start
                if attempt:
                    best[kind] = min(best.get(kind, elapsed), elapsed)
                sizes[kind] = size
    print(f"{len(site.entries)} articles, {len(site.pages)} pages")
    print("| page kind | pages | ms per page | KiB per page | s in all |")
    print("| --- | --- | --- | --- | --- |")
    for kind, pages in sorted(by_kind.items(), key=lambda item: -best[item[0]]):
        n = len(pages)
        per_page_ms, kib = best[kind] / n * 1000, sizes[kind] / n / 1024
        print(f"| {kind} | {n:,} | {per_page_ms:.2f} | {kib:.1f} | {best[kind]:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
