#!/usr/bin/env python3
"""Search benchmark: Pagefind indexing cost, bundle size and what a cold query downloads.

Why: ``archivegen build`` cuts the index into date-ordered Pagefind shards of bounded size plus
a small delta (archivegen/search/), and the search page (archivegen/theme/static/search.js)
reads pagefind/index.json, loads the newest shard of the chosen range and merges the others
and the delta into it. What a reader pays is the bytes their browser fetches for the first
query; what the publisher pays is indexing time and memory. This measures both on a synthetic
archive of ``--size`` articles (build_bench.py's generator, plus one planted rare word), built
once (cold) with the real CLI:

* the "index search" step time of ``archivegen build -v``, the peak RSS of the build's process
  tree and of its largest process, the peak RSS of one Pagefind process and of all Pagefind
  processes at once (one per worker), and, for comparison, Pagefind run alone over all the
  rendered article pages in one bundle (what Hugo + Pagefind does; skip with --no-standalone);
* the size and file count of SITE/pagefind/;
* the bytes under /pagefind/ that a cold Chromium (fresh context, empty cache) fetches for
  /search/?q=WORD, for a rare and a common word, over all years and over one year
  (``&from=YEAR&to=YEAR``), with the site served on 127.0.0.1 under base_url's path.

Usage (see benchmarks/README.md)::

    python benchmarks/search_bench.py                       # 10,000 articles
    python benchmarks/search_bench.py --size 100000 --keep /tmp/agbench --json search.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import sys
import tempfile
import threading
from collections import Counter
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlencode, urlsplit

# The sibling script (on sys.path, as this file is run as a script) provides the generator and
# the measuring parts, so that all benchmarks sample memory and time the same way.
from build_bench import (
    BUSY_WARNING,
    MB,
    WORDS,
    archivegen_revision,
    find_archivegen,
    log,
    measure_process,
    prepare_archive,
    psutil,
    run_build,
)

KB = 1024
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run"]
# The generator draws body words uniformly from WORDS, so every word of it is in thousands of
# articles at 10k: the rare word is planted, in one article of the newest year.
RARE_WORD = "quillowbrackenite"
RARE_SENTENCE = f"\nA note on {RARE_WORD} closes this report.\n"
# Function words skipped when picking the common word (Pagefind itself indexes them too).
STOPWORDS = frozenset([
    "a", "about", "after", "also", "an", "and", "are", "as", "at", "be", "been", "but", "by", "for",
    "from", "had", "has", "have", "in", "into", "is", "it", "its", "more", "new", "not", "of", "on", "or",
    "other", "over", "said", "than", "that", "the", "their", "they", "this", "to", "was", "were", "which",
    "who", "will", "with",
])
COUNT_FILES = 5000  # files read to find the most frequent word (every k-th; the text is uniform)
TARGETS = {  # name -> limit (bytes)
    "one_year_query": 300 * KB,
    "all_years_query": 1.2 * MB,
    "process_rss": 600 * MB,  # any one process of a cold build: the Python build or a Pagefind run
}
QUERY_TIMEOUT_MS = 120_000


# --------------------------------------------------------------------------------------------
# The archive: planted rare word, common word
# --------------------------------------------------------------------------------------------

def plant_rare_word(project: Path) -> tuple[int, Path]:
    """Append the rare word to the first article of the newest year (once); (year, file)."""
    newest = max(int(p.name) for p in (project / "content").iterdir() if p.name.isdigit())
    target = min((project / "content" / str(newest)).glob("*.md"))
    text = target.read_text(encoding="utf-8")
    if RARE_WORD not in text:
        target.write_text(text.rstrip("\n") + "\n" + RARE_SENTENCE, encoding="utf-8")
    return newest, target


def most_frequent_word(project: Path) -> tuple[str, int, int]:
    """(word, occurrences, files read): the most frequent non-stopword of WORDS in the bodies.

    Words that begin another word of WORDS ('main', 'maintenance') are left out: Pagefind also
    matches the query as a prefix, and the common word should be one word's pages.
    """
    files = sorted((project / "content").glob("*/*.md"))
    step = max(1, len(files) // COUNT_FILES)
    vocabulary = {word for word in WORDS if not any(other != word and other.startswith(word)
                                                    for other in WORDS)} - STOPWORDS
    counts: Counter[str] = Counter()
    sample = files[::step]
    for path in sample:
        body = path.read_text(encoding="utf-8").split("\n---\n", 1)[-1]
        counts.update(word for word in re.findall(r"[a-z]+", body.lower()) if word in vocabulary)
    word, count = counts.most_common(1)[0]
    return word, count, len(sample)


def base_path(project: Path) -> str:
    """The path of base_url ('/archive/'): the site is served there, as a host would."""
    for line in (project / "site_config.yaml").read_text(encoding="utf-8").splitlines():
        if line.startswith("base_url:"):
            path = urlsplit(line.split(":", 1)[1].strip().strip("'\"")).path or "/"
            return path if path.endswith("/") else path + "/"
    return "/"


# --------------------------------------------------------------------------------------------
# Indexing memory
# --------------------------------------------------------------------------------------------

class PagefindSampler(threading.Thread):
    """Peak summed RSS of the Pagefind processes among this script's descendants."""

    def __init__(self, interval: float) -> None:
        super().__init__(daemon=True)
        self.interval, self.stop = interval, threading.Event()
        self.peak_sum = self.peak_single = self.max_processes = 0

    def run(self) -> None:
        me = psutil.Process()
        while not self.stop.is_set():
            total = found = 0
            for process in me.children(recursive=True):
                try:
                    if not process.name().startswith("pagefind"):
                        continue
                    rss = process.memory_info().rss
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    continue
                total += rss
                found += 1
                self.peak_single = max(self.peak_single, rss)
            self.peak_sum = max(self.peak_sum, total)
            self.max_processes = max(self.max_processes, found)
            self.stop.wait(self.interval)


def article_pages(site: Path) -> list[Path]:
    """The rendered article pages (the only pages with data-pagefind-body)."""
    found = []
    for path in site.rglob("index.html"):
        if path.parts[len(site.parts)] in ("pagefind", "static"):
            continue
        if b"data-pagefind-body" in path.read_bytes():
            found.append(path)
    return found


def index_whole_site(site: Path, work: Path, interval: float) -> dict[str, object]:
    """Run the Pagefind binary alone over every article page, one bundle: what a site that
    indexes its rendered pages after the build (Hugo + Pagefind) pays. Hard links, no copies."""
    from archivegen.search.pagefind import pagefind_executable

    pages = article_pages(site)
    view, bundle = work / "pages", work / "bundle"
    for path in pages:
        target = view / path.relative_to(site)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, target)
        except OSError:
            shutil.copy2(path, target)
    command = [str(pagefind_executable()), "--site", str(view), "--output-path", str(bundle), "--quiet"]
    run = measure_process(command, work, interval)
    if run.returncode != 0:
        sys.exit(f"search_bench.py: {' '.join(command)} failed ({run.returncode}):\n{run.stdout}{run.stderr}")
    return {"pages": len(pages), "wall_s": run.wall_s, "cpu_s": run.cpu_s,
            "peak_rss": max(run.peak_single_rss, run.sampler.peak_sum)}


def bundle_size(site: Path) -> tuple[int, int, dict[str, int]]:
    """(bytes, files, bytes per bundle folder) of SITE/pagefind."""
    total = files = 0
    per_year: Counter[str] = Counter()
    root = site / "pagefind"
    for path in root.rglob("*"):
        if path.is_file():
            size = path.stat().st_size
            total += size
            files += 1
            per_year[path.relative_to(root).parts[0]] += size
    return total, files, dict(sorted(per_year.items()))


# --------------------------------------------------------------------------------------------
# Cold queries in Chromium
# --------------------------------------------------------------------------------------------

def serve(site: Path, prefix: str) -> ThreadingHTTPServer:
    class Handler(SimpleHTTPRequestHandler):
        extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript",
                          ".wasm": "application/wasm", ".pagefind": "application/octet-stream"}

        def send_head(self):
            if not self.path.startswith(prefix):
                self.send_error(404, f"outside {prefix}")
                return None
            return super().send_head()

        def translate_path(self, path: str) -> str:
            return super().translate_path("/" + path.removeprefix(prefix))

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(site)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="search-bench-server", daemon=True).start()
    return server


def cold_query(browser, url: str, bundle_prefix: str) -> dict[str, object]:
    """Open ``url`` in a fresh context; bytes and requests under ``bundle_prefix`` until results."""
    context = browser.new_context()
    responses = []
    errors: list[str] = []
    try:
        page = context.new_page()
        page.on("response", lambda r: responses.append(r) if urlsplit(r.url).path.startswith(bundle_prefix)
                else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(url, wait_until="load")
        page.wait_for_function(
            r"""() => {
                const s = document.getElementById('search-status').textContent;
                return /^(No results|1 result|[\d,]+ results)\.$/.test(s) || s.includes('unavailable');
            }""", timeout=QUERY_TIMEOUT_MS)
        page.wait_for_load_state("networkidle")
        status = page.locator("#search-status").text_content() or ""
        shown = page.locator("#search-results li").count()
        sizes = [len(r.body()) for r in responses if r.ok]
        by_kind: Counter[str] = Counter()
        for response, size in zip([r for r in responses if r.ok], sizes, strict=True):
            by_kind[_kind(urlsplit(response.url).path)] += size
        failed = [f"{r.status} {r.url}" for r in responses if not r.ok]
    finally:
        context.close()
    if "unavailable" in status or failed or errors:
        sys.exit(f"search_bench.py: {url}: {status!r}; failed requests {failed}; page errors {errors}")
    found = re.match(r"([\d,]+) results?\.", status)
    return {"url": url, "bytes": sum(sizes), "requests": len(sizes), "status": status,
            "results": int(found[1].replace(",", "")) if found else 0, "shown": shown,
            "bytes_by_kind": dict(sorted(by_kind.items()))}


def _kind(path: str) -> str:
    """What a Pagefind file is for: 'index', 'fragment', 'filter', 'meta', 'wasm', 'js', ..."""
    name = path.rsplit("/", 1)[-1]
    for kind in ("index", "fragment", "filter", "meta"):
        if name.endswith(f".pf_{kind}"):
            return kind
    return "wasm" if "wasm" in name else name.rsplit(".", 1)[-1]


def run_queries(site: Path, prefix: str, cases: list[tuple[str, str, dict[str, str]]]) -> dict[str, dict]:
    from playwright.sync_api import sync_playwright

    server = serve(site, prefix)
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    results: dict[str, dict] = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                for name, word, scope in cases:
                    url = f"{origin}{prefix}search/?" + urlencode({"q": word, **scope})
                    results[name] = cold_query(browser, url, prefix + "pagefind/")
                    r = results[name]
                    kinds = ", ".join(f"{kind} {size / KB:.0f}" for kind, size in r["bytes_by_kind"].items())
                    log(f"  {name}: {r['bytes'] / KB:.1f} KB in {r['requests']} requests ({kinds} KB), "
                        f"{r['status']}")
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return results


# --------------------------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------------------------

def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=10000, help="articles (default: 10000)")
    parser.add_argument("--workers", type=int, default=0,
                        help="passed to 'archivegen build --workers' (default 0: one per core)")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="generate the archive in DIR/search-articles-N and keep it (reused by a "
                             "later run with the same size and seed); default: a temporary folder")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also save the results as JSON")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the generator (default: 1)")
    parser.add_argument("--interval", type=float, default=0.05,
                        help="RSS sampling interval in seconds (default: 0.05)")
    parser.add_argument("--no-standalone", action="store_true",
                        help="skip running Pagefind alone over the whole site's article pages "
                             "(it needs some 320 MB per 1,000 articles: too much at 100k)")
    parser.add_argument("--archivegen", metavar="EXE", help="archivegen executable to benchmark")
    args = parser.parse_args(argv)
    if args.size < 1:
        parser.error("--size must be positive")
    if args.workers < 0:
        parser.error("--workers must be 0 or more")
    return args


def check(value: float | None, limit: float) -> str:
    return "-" if value is None else "OK" if value <= limit else "MISSED"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not Path(CHROMIUM).exists():
        sys.exit(f"search_bench.py: {CHROMIUM} is not installed (apt-get install chromium)")
    archivegen = find_archivegen(args.archivegen)
    temporary = None if args.keep else tempfile.TemporaryDirectory(prefix="archivegen-search-bench-")
    base = args.keep.resolve() if args.keep else Path(temporary.name)  # type: ignore[union-attr]
    try:
        # Not build_bench's folder name: the planted word makes this archive differ from its.
        project = base / f"search-articles-{args.size}"
        generated_in, reused = prepare_archive(project, args.size, args.seed)
        log(f"reusing the archive in {project}" if reused
            else f"generated {args.size} articles in {generated_in:.2f} s in {project}")
        rare_year, rare_file = plant_rare_word(project)
        common, common_count, counted = most_frequent_word(project)
        log(f"rare word {RARE_WORD!r}: planted in {rare_file.relative_to(project)}; common word "
            f"{common!r}: {common_count} occurrences in {counted} files read")

        command = [*archivegen, "build", "--config", str(project / "site_config.yaml"),
                   "--workers", str(args.workers), "-v"]
        log(f"$ {' '.join(command)}")
        sampler = PagefindSampler(args.interval)
        sampler.start()
        try:
            build = run_build(command, project, args.interval)
        finally:
            sampler.stop.set()
            sampler.join()
        site = project / "site"
        index_s = build.steps.get("index search")
        if index_s is None:
            sys.exit(f"search_bench.py: no 'index search' step in the build output: {sorted(build.steps)}")
        log(f"build: {build.wall_s:.2f} s, index search {index_s:.2f} s, tree peak "
            f"{build.peak_tree_rss / MB:.0f} MB, pagefind peak {sampler.peak_sum / MB:.0f} MB over "
            f"{sampler.max_processes} concurrent process(es)")
        total_bytes, total_files, per_year = bundle_size(site)

        standalone = None
        if not args.no_standalone:
            with tempfile.TemporaryDirectory(prefix="pagefind-alone-", dir=project) as work:
                standalone = index_whole_site(site, Path(work), args.interval)
            log(f"pagefind alone over the site ({standalone['pages']} article pages): "
                f"{standalone['wall_s']:.2f} s, peak {standalone['peak_rss'] / MB:.0f} MB")

        manifest = json.loads((site / "pagefind" / "index.json").read_text(encoding="utf-8"))
        years = sorted(int(year) for year in manifest["years"])
        shards = len(manifest["shards"])
        one = {"from": str(rare_year), "to": str(rare_year)}
        cases = [("rare, all years", RARE_WORD, {}), (f"rare, {rare_year}", RARE_WORD, one),
                 ("common, all years", common, {}), (f"common, {rare_year}", common, one)]
        log(f"cold queries in Chromium ({shards} shards over {len(years)} years):")
        queries = run_queries(site, base_path(project), cases)
    finally:
        if temporary is not None:
            temporary.cleanup()

    indexing_peak = sampler.peak_sum
    limit = TARGETS["process_rss"]
    rows: list[tuple[str, str, str, str]] = [
        ("index search step (s)", f"{index_s:.2f}",
         f"<= {standalone['wall_s']:.1f}" if standalone else "", check(index_s, standalone["wall_s"])
         if standalone else ""),
        ("build wall time (s)", f"{build.wall_s:.2f}", "", ""),
        ("build peak RSS, process tree (MB)", f"{build.peak_tree_rss / MB:.0f}", "", ""),
        ("build peak RSS, largest process (MB)", f"{build.peak_single_rss / MB:.0f}", f"<= {limit / MB:.0f}",
         check(build.peak_single_rss, limit)),
        ("pagefind peak RSS during build, one process (MB)", f"{sampler.peak_single / MB:.0f}",
         f"<= {limit / MB:.0f}", check(sampler.peak_single, limit)),
        ("pagefind peak RSS during build, summed (MB)", f"{sampler.peak_sum / MB:.0f}", "", ""),
        ("search shards", str(shards), "", ""),
    ]
    if standalone:
        rows.append((f"pagefind alone over {standalone['pages']} article pages: peak RSS (MB)",
                     f"{standalone['peak_rss'] / MB:.0f}", "", ""))
        rows.append(("pagefind alone over the article pages: wall time (s)",
                     f"{standalone['wall_s']:.2f}", "", ""))
    rows += [("bundle SITE/pagefind (MB)", f"{total_bytes / MB:.1f}", "", ""),
             ("bundle files", str(total_files), "", "")]
    for name, result in queries.items():
        limit = TARGETS["all_years_query"] if "all years" in name else TARGETS["one_year_query"]
        verdict = check(result["bytes"], limit)
        rows.append((f"cold query '{name}' (KB; {result['requests']} req, {result['results']} results)",
                     f"{result['bytes'] / KB:.1f}", f"<= {limit / KB:.0f}", verdict))

    revision = archivegen_revision()
    print(f"\narchivegen {revision}: search on {args.size} synthetic articles ({len(years)} years), "
          f"--workers {args.workers or '0 (one per core)'}; {os.cpu_count()} CPUs; "
          f"Python {platform.python_version()}")
    print(f"rare word {RARE_WORD!r} (1 article, {rare_year}); common word {common!r}; bytes are response "
          "bodies under /pagefind/ fetched by a cold Chromium until the first results are shown\n")
    width = max(len(row[0]) for row in rows)
    header = f"{'measure':<{width}} {'value':>10} {'target':>10} {'':>6}"
    print(header)
    print("-" * len(header))
    for name, value, target, verdict in rows:
        print(f"{name:<{width}} {value:>10} {target:>10} {verdict:>6}")
    missed = [row[0] for row in rows if row[3] == "MISSED"]
    if queries[f"rare, {rare_year}"]["results"] != 1 or queries["rare, all years"]["results"] != 1:
        log("warning: the rare word did not give exactly one result")
    if missed:
        print("\ntargets missed: " + "; ".join(missed))
    if build.other_load() > BUSY_WARNING:
        print(f"\nwarning: other processes used {build.other_load():.0%} of the CPUs during the build; "
              "its times are inflated")

    if args.json:
        payload = {
            "command": archivegen + ["build", "--config", "<project>/site_config.yaml",
                                     "--workers", str(args.workers), "-v"],
            "archivegen": revision, "argv": sys.argv, "size": args.size, "seed": args.seed,
            "workers": args.workers, "interval_s": args.interval, "python": platform.python_version(),
            "platform": platform.platform(), "cpus": os.cpu_count(),
            "generate_s": generated_in, "reused_archive": reused,
            "rare_word": RARE_WORD, "rare_year": rare_year, "common_word": common,
            "index_search_s": index_s, "build_wall_s": build.wall_s, "build_cpu_s": build.build_cpu_s,
            "build_other_load": build.other_load(), "build_steps_s": build.steps,
            "build_peak_tree_rss_mb": build.peak_tree_rss / MB,
            "build_peak_single_rss_mb": build.peak_single_rss / MB,
            "pagefind_peak_sum_rss_mb": sampler.peak_sum / MB,
            "pagefind_peak_single_rss_mb": sampler.peak_single / MB,
            "pagefind_max_concurrent": sampler.max_processes,
            "standalone": standalone and {**standalone, "peak_rss_mb": standalone["peak_rss"] / MB},
            "indexing_peak_rss_mb": indexing_peak / MB,
            "bundle_bytes": total_bytes, "bundle_files": total_files, "bundle_bytes_per_folder": per_year,
            "shards": shards,
            "queries": {name: {**r, "kb": r["bytes"] / KB} for name, r in queries.items()},
            "targets": {"one_year_query_kb": TARGETS["one_year_query"] / KB,
                        "all_years_query_kb": TARGETS["all_years_query"] / KB,
                        "process_rss_mb": TARGETS["process_rss"] / MB},
            "targets_missed": missed,
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        log(f"results saved to {args.json}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
