#!/usr/bin/env python3
"""Live-preview benchmark: from saving an article to the reloaded page's ``load`` in Chromium.

Why: ``archivegen serve`` promises that an edit shows in the open tab by itself, fast enough to
feel live (targets: median <= 0.5 s at 10,000 articles, <= 1.5 s at 100,000). What the writer
waits for is everything between their save and the new page: the watcher's event, the quiet
period, the incremental build (without the search step, which follows after the reload), the
Server-Sent Event, and the browser fetching and loading the page again. So this measures that
whole path, with the real CLI in its own process and Debian's Chromium through Playwright:

* the synthetic archive of build_bench.py (``--keep`` reuses it and its build state);
* ``archivegen serve --port 0`` on it; the first build is not timed;
* per edit: open the article's page, wait until its reload script is connected, append a
  sentence to its Markdown file (timestamp taken just before the write), wait for the page to
  load again with that sentence, and take the ``load`` event's time from the browser's own
  clock (``performance.timeOrigin + loadEventStart``: same machine clock, no event-delivery lag);
* between edits, wait until the background search re-index of the previous edit has finished,
  so every edit starts from an idle server (steady state, as when a writer pauses to read).

The edited files are restored afterwards (an archive kept with ``--keep`` stays the generator's).

Usage (see benchmarks/README.md)::

    python benchmarks/serve_bench.py                        # 1,000 and 10,000 articles, 10 edits
    python benchmarks/serve_bench.py --sizes 100000 --keep /tmp/agbench --json serve.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import queue
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import yaml

# The sibling scripts (on sys.path, as this file is run as a script) provide the generator and
# the browser settings, so that every benchmark works on the same archives and Chromium.
from build_bench import archivegen_revision, find_archivegen, log, prepare_archive
from search_bench import CHROMIUM, CHROMIUM_ARGS

TARGETS = {10_000: 0.5, 100_000: 1.5}  # articles -> median seconds
STARTUP_TIMEOUT = 3600.0  # a cold first build of 100k articles takes a while
EDIT_TIMEOUT_MS = 120_000
SEARCH_TIMEOUT = 300.0
GOLDEN = 0.6180339887498949  # edits spread over the archive, the same ones for a size and seed


@dataclass
class SizeResult:
    size: int
    startup_s: float
    runs_s: list[float] = field(default_factory=list)  # write -> load, per edit
    rebuild_s: list[float] = field(default_factory=list)  # the server's own "Rebuilt ... in X s"
    pages: list[str] = field(default_factory=list)
    median_s: float = 0.0
    min_s: float = 0.0
    max_s: float = 0.0
    target_s: float | None = None


class ServeProcess:
    """``archivegen serve`` in a subprocess; its output lines are collected by a thread."""

    def __init__(self, command: list[str], project: Path, workers: int) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        self.history: list[str] = []
        self.process = subprocess.Popen(
            [*command, "serve", "--port", "0", "--config", str(project / "site_config.yaml"),
             "--workers", str(workers)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=project)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def next_line(self, timeout: float) -> str:
        line = self.lines.get(timeout=timeout)
        self.history.append(line)
        return line

    def wait_for(self, prefix: str, timeout: float) -> str:
        """The next line containing ``prefix`` (earlier lines are kept in ``history``)."""
        deadline = time.monotonic() + timeout
        while True:
            line = self.next_line(max(0.01, deadline - time.monotonic()))
            if prefix in line:
                return line
            if line.startswith(("content/", "site_config", "templates/", "archivegen:")):
                log(f"  serve: {line}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def article_url(path: Path, base_url: str) -> str:
    """The URL path of a generated article (permalinks /{year}/{month:02}/{slug}/, zone UTC)."""
    from archivegen.content.slugs import make_slug

    front = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n", 2)[1])
    date = front["date"]
    date = (date if isinstance(date, datetime) else datetime.fromisoformat(str(date))).astimezone(UTC)
    return f"{base_url}{date.year}/{date.month:02}/{front.get('slug') or make_slug(front['title'])}/"


def pick_articles(project: Path, edits: int) -> list[Path]:
    files = sorted((project / "content").glob("*/*.md"))
    return [files[int(len(files) * ((n + 1) * GOLDEN % 1.0))] for n in range(edits)]


def measure_size(size: int, args: argparse.Namespace, keep: Path, command: list[str]) -> SizeResult:
    from playwright.sync_api import sync_playwright

    project = keep / f"articles-{size}"
    seconds, reused = prepare_archive(project, size, args.seed)
    log(f"{size} articles: archive {'reused' if reused else f'generated in {seconds:.1f} s'}")
    started = time.perf_counter()
    server = ServeProcess(command, project, args.workers)
    originals: dict[Path, bytes] = {}
    try:
        serving = server.wait_for("Serving ", STARTUP_TIMEOUT)
        result = SizeResult(size=size, startup_s=time.perf_counter() - started, target_s=TARGETS.get(size))
        base_url = serving.split()[1]
        log(f"  serving {base_url} after {result.startup_s:.1f} s")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                for number, path in enumerate(pick_articles(project, args.edits), start=1):
                    originals.setdefault(path, path.read_bytes())
                    url = article_url(path, base_url)
                    elapsed, rebuild = measure_edit(browser, server, path, url, number)
                    result.runs_s.append(elapsed)
                    result.rebuild_s.append(rebuild)
                    result.pages.append(url)
                    log(f"  edit {number}: {elapsed:.3f} s to load (rebuild {rebuild:.2f} s) {url}")
            finally:
                browser.close()
    finally:
        server.stop()
        for path, data in originals.items():
            path.write_bytes(data)
    result.median_s = statistics.median(result.runs_s)
    result.min_s, result.max_s = min(result.runs_s), max(result.runs_s)
    return result


def measure_edit(browser: object, server: ServeProcess, path: Path, url: str,
                 number: int) -> tuple[float, float]:
    """One edit: seconds from the write to the reloaded page's load event, and the rebuild time."""
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(EDIT_TIMEOUT_MS)
    try:
        response = page.goto(url)
        if response is None or response.status != 200:
            raise SystemExit(f"serve_bench.py: {url} answered {response.status if response else 'nothing'}")
        page.wait_for_function("() => window.__archivegenConnected === true")
        sentence = f"Serve bench edit {number} at {time.time_ns()}."
        text = path.read_text(encoding="utf-8").rstrip("\n") + f"\n\n{sentence}\n"
        with page.expect_event("load", timeout=EDIT_TIMEOUT_MS):
            written = time.time()
            path.write_text(text, encoding="utf-8")
        page.wait_for_function("t => document.body.innerText.includes(t)", arg=sentence)
        loaded_ms = page.evaluate(
            "() => performance.timeOrigin + performance.getEntriesByType('navigation')[0].loadEventStart")
        rebuilt = server.wait_for("Rebuilt", 60)
        server.wait_for("search re-indexed", SEARCH_TIMEOUT)  # idle again before the next edit
        return loaded_ms / 1000 - written, float(rebuilt.rsplit(" in ", 1)[1].split(" s")[0])
    finally:
        context.close()


def table(results: list[SizeResult]) -> str:
    lines = ["", "write -> reloaded page's load event in Chromium (archivegen serve)", "",
             f"{'articles':>9}  {'edits':>5}  {'median s':>8}  {'min s':>6}  {'max s':>6}  "
             f"{'rebuild s':>9}  {'target s':>8}  {'startup s':>9}"]
    for r in results:
        target = f"{r.target_s:.2f}" if r.target_s else "-"
        verdict = "" if r.target_s is None else ("  ok" if r.median_s <= r.target_s else "  OVER")
        lines.append(f"{r.size:>9}  {len(r.runs_s):>5}  {r.median_s:>8.3f}  {r.min_s:>6.3f}  "
                     f"{r.max_s:>6.3f}  {statistics.median(r.rebuild_s):>9.3f}  {target:>8}  "
                     f"{r.startup_s:>9.1f}{verdict}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="article counts, comma-separated")
    parser.add_argument("--edits", type=int, default=10, help="edits per size (the median is reported)")
    parser.add_argument("--keep", type=Path, default=None,
                        help="generate into DIR/articles-N/ and keep it (and its build state) for next time")
    parser.add_argument("--seed", type=int, default=1, help="generator seed")
    parser.add_argument("--workers", type=int, default=0, help="archivegen serve --workers")
    parser.add_argument("--json", type=Path, default=None, help="save the results as JSON")
    parser.add_argument("--archivegen", default=None, help="the archivegen executable to benchmark")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        sys.exit(f"serve_bench.py: {CHROMIUM} is not installed (apt-get install chromium)")
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    command = find_archivegen(args.archivegen)
    with tempfile.TemporaryDirectory(prefix="serve-bench-") as temporary:
        keep = args.keep or Path(temporary)
        keep.mkdir(parents=True, exist_ok=True)
        results = [measure_size(size, args, keep, command) for size in sizes]
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps({
            "benchmark": "serve_bench", "archivegen": archivegen_revision(), "machine": platform.platform(),
            "cpus": os.cpu_count(), "edits": args.edits,
            "sizes": [asdict(r) for r in results]}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
