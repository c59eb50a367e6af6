#!/usr/bin/env python3
"""Lighthouse on an archive's pages: speed, layout shift, accessibility, best practices, SEO.

Why: the search page shows its results only once Pagefind has loaded in the browser, and every
page's layout, contrast and markup are properties of the built page in a real browser, not of
the Python code. This builds the repository's example archive (site_config.yaml + content/, as
README.md does), another project (``--project``) or a synthetic archive of ``--synthetic N``
articles (``build_bench.py``'s generator, with its authors declared as a taxonomy) with the real
CLI into a temporary folder, serves it on 127.0.0.1 under
base_url's path (tests/browser_support.py's server) and runs Lighthouse 12.2.3 (the last release
for Node 20) with Debian's Chromium on each page of ``--pages`` (default: the search page for
``--query``; ``--families`` measures one page of every page family the built site has, found in
it: the first article, the most used tag and author, the newest year and month...), ``--runs``
times for the
mobile (default) and the desktop (``--preset=desktop``) configuration; it prints the median of
each metric. Lighthouse is installed with npm into ``--cache`` on first use; no browser is ever
downloaded.

Targets: by default the search page's (issue 16): performance >= 95, CLS < 0.05, accessibility
100; ``--min-score N`` asks every category for at least N (issue 17 asks 98 of every family).

Usage (see benchmarks/README.md)::

    python benchmarks/lighthouse.py                       # /search/?q=Idlib, 3 runs each
    python benchmarks/lighthouse.py --query Turkey --runs 5 --json lighthouse.json
    python benchmarks/lighthouse.py --schemes light dark      # the dark theme too
    python benchmarks/lighthouse.py --families --runs 1 --min-score 98
    python benchmarks/lighthouse.py --families --runs 1 --min-score 98 --synthetic 10000
    python benchmarks/lighthouse.py --families --project tests/fixtures/golden-archive   # sources too
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests/ is a package of this checkout, not an installed one

from tests.browser_support import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    PREFIX,
    archivegen_script,
    serve,
)

LIGHTHOUSE = "lighthouse@12.2.3"  # 13 needs Node 22
DEFAULT_CACHE = Path.home() / ".cache" / "archivegen-bench" / "lighthouse"
PRESETS = {"mobile": [], "desktop": ["--preset=desktop"]}
# Lighthouse emulates no colour scheme; Chromium's --force-dark-mode makes the page's
# prefers-color-scheme dark, for the contrast audits of the dark theme.
SCHEMES = {"light": [], "dark": ["--force-dark-mode"]}
# (column, Lighthouse's key, how to read it): categories are scores 0-100, audits numeric values.
COLUMNS = [
    ("performance", "category", "performance"),
    ("CLS", "audit", "cumulative-layout-shift"),
    ("LCP ms", "audit", "largest-contentful-paint"),
    ("TBT ms", "audit", "total-blocking-time"),
    ("accessibility", "category", "accessibility"),
    ("best practices", "category", "best-practices"),
    ("SEO", "category", "seo"),
]
TARGETS = {"performance": (">=", 95), "CLS": ("<", 0.05), "accessibility": (">=", 100)}
SCORES = ["performance", "accessibility", "best practices", "SEO"]
# The page families --families measures (one page each, found in the built site).
FAMILIES = ["home", "page N", "article", "tag index", "tag", "year", "month", "archives", "search",
            "404", "author index", "author", "source index", "source"]
SYNTHETIC_CACHE = Path(tempfile.gettempdir()) / "archivegen-lighthouse"


def install_lighthouse(cache: Path) -> Path:
    """The Lighthouse CLI in ``cache``, installed there with npm (pinned) if it is not yet."""
    cli = cache / "node_modules" / ".bin" / "lighthouse"
    if not cli.exists():
        cache.mkdir(parents=True, exist_ok=True)
        if not (cache / "package.json").exists():
            (cache / "package.json").write_text('{"private": true}\n', encoding="utf-8")
        print(f"installing {LIGHTHOUSE} into {cache}", file=sys.stderr)
        subprocess.run(["npm", "install", "--save-exact", "--no-audit", "--no-fund", LIGHTHOUSE],
                       cwd=cache, check=True)
    return cli


def build_project(source: Path, work: Path, extra_config: str = "") -> Path:
    """Build a copy of the project at ``source`` (site_config.yaml, content/, templates/) into
    ``work``; return the site folder.

    A copy, so that the build state lands in ``work`` and the project stays as it was; its
    base_url's path becomes the one the test server serves, and ``extra_config`` is appended to
    its config. The CLI imports this checkout's package (PYTHONPATH), so the theme measured is
    the one beside this script.
    """
    config = yaml.safe_load((source / "site_config.yaml").read_text(encoding="utf-8"))
    parts = urlsplit(str(config.get("base_url") or "https://example.org/"))
    project = work / "project"
    project.mkdir()
    text = (source / "site_config.yaml").read_text(encoding="utf-8")
    served = f"base_url: {parts.scheme}://{parts.netloc}{PREFIX}"
    text, replaced = re.subn(r"^base_url:.*$", served, text, count=1, flags=re.M)
    text = text if replaced else f"{text}\n{served}\n"
    text += f"\n{extra_config}"
    (project / "site_config.yaml").write_text(text, encoding="utf-8")
    for folder in ("content", "templates", "static"):
        if (source / folder).is_dir():
            shutil.copytree(source / folder, project / folder)
    site = work / "site"
    paths = [str(ROOT), os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, paths))}
    result = subprocess.run(
        [archivegen_script(), "build", "--config", str(project / "site_config.yaml"), "--output", str(site)],
        capture_output=True, text=True, cwd=work, env=env, timeout=600)
    if result.returncode != 0:
        sys.exit(f"archivegen build failed:\n{result.stderr}")
    return site


def synthetic_project(articles: int) -> Path:
    """A build_bench.py archive of ``articles`` articles (made once, kept in a temp folder),
    whose articles' authors are declared as a taxonomy here, as a newsroom would."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from build_bench import prepare_archive

    project = SYNTHETIC_CACHE / f"synthetic-{articles}"
    seconds, reused = prepare_archive(project, articles, seed=1)
    print(f"synthetic archive of {articles} articles: {'reused' if reused else f'made in {seconds:.0f} s'}",
          file=sys.stderr)
    return project


def family_pages(site: Path, query: str) -> dict[str, str]:
    """One page of every page family the built site has (paths below base_url): the first
    article of the sitemap, the most used term of each taxonomy (its page has the most pages),
    the newest year and month."""
    prefix = urlsplit(PREFIX).path
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    if "<sitemapindex" in sitemap:
        sitemap = (site / "sitemap-1.xml").read_text(encoding="utf-8")
    paths = [urlsplit(loc).path.removeprefix(prefix)
             for loc in re.findall(r"<loc>([^<]+)</loc>", sitemap)]
    article = next(p for p in paths if re.fullmatch(r"\d{4}/\d{2}/[^/]+/", p))
    year = next(p for p in paths if re.fullmatch(r"\d{4}/", p))
    month = next(p for p in paths if re.fullmatch(r"\d{4}/\d{2}/", p))

    def biggest_term(index: str) -> str | None:
        terms = [folder for folder in (site / index).iterdir() if (folder / "index.html").is_file()]
        if not terms:
            return None
        return f"{index}/{max(terms, key=lambda f: (_pages_of(f), f.name)).name}/"

    found = {"home": "", "page N": "page/2/", "article": article, "tag index": "tags/",
             "tag": biggest_term("tags"), "year": year, "month": month, "archives": "archives/",
             "search": "search/?" + urlencode({"q": query}), "404": "404.html"}
    for taxonomy, index in (("author", "authors"), ("source", "sources")):
        if (site / index / "index.html").is_file():
            found[f"{taxonomy} index"], found[taxonomy] = f"{index}/", biggest_term(index)
    return {name: path for name, path in found.items()
            if path is not None and (not path or (site / urlsplit(path).path).exists())}


def _pages_of(term: Path) -> int:
    numbered = term / "page"
    return len(list(numbered.iterdir())) if numbered.is_dir() else 0


def run_lighthouse(cli: Path, url: str, preset: str, scheme: str, report: Path) -> dict:
    """One Lighthouse run of ``url``; its JSON report (also written to ``report``)."""
    flags = " ".join(CHROMIUM_ARGS + SCHEMES[scheme])
    command = [str(cli), url, "--output=json", f"--output-path={report}", "--quiet",
               "--only-categories=performance,accessibility,best-practices,seo",
               f"--chrome-flags={flags}", *PRESETS[preset]]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "CHROME_PATH": CHROMIUM})
    if result.returncode != 0 or not report.exists():
        sys.exit(f"lighthouse failed ({preset}):\n{result.stderr[-3000:]}")
    return json.loads(report.read_text(encoding="utf-8"))


def metrics(lhr: dict) -> dict[str, float]:
    """The table's columns from one Lighthouse report."""
    row = {}
    for column, kind, key in COLUMNS:
        if kind == "category":
            score = lhr["categories"][key]["score"]
            row[column] = round(score * 100) if score is not None else float("nan")
        else:
            row[column] = lhr["audits"][key]["numericValue"]
    return row


def failing_audits(lhr: dict, category: str) -> list[str]:
    """The ids and titles of a category's audits that lost points: what to fix."""
    audits = lhr["audits"]
    return [f"{ref['id']}: {audits[ref['id']]['title']}"
            for ref in lhr["categories"][category]["auditRefs"]
            if ref.get("weight") and audits[ref["id"]].get("score") not in (None, 1)]


def median_row(rows: list[dict[str, float]]) -> dict[str, float]:
    return {column: statistics.median(row[column] for row in rows) for column, _, _ in COLUMNS}


def format_value(column: str, value: float) -> str:
    if column == "CLS":
        return f"{value:.3f}"
    return f"{value:.0f}"


def verdict(row: dict[str, float], min_score: int | None) -> str:
    targets = dict(TARGETS)
    if min_score is not None:
        targets.update({column: (">=", min_score) for column in SCORES})
    missed = [column for column, (op, limit) in targets.items()
              if not (row[column] >= limit if op == ">=" else row[column] < limit)]
    return "ok" if not missed else "missed: " + ", ".join(missed)


def print_table(results: dict[str, dict], min_score: int | None) -> None:
    header = ["page", *(column for column, _, _ in COLUMNS), "targets"]
    print("| " + " | ".join(header) + " |")
    print("|" + " --- |" * len(header))
    for name, result in results.items():
        row = result["median"]
        cells = [name, *(format_value(column, row[column]) for column, _, _ in COLUMNS),
                 verdict(row, min_score)]
        print("| " + " | ".join(cells) + " |")


def measure(cli: Path, url: str, preset: str, scheme: str, runs: int, work: Path) -> dict:
    """``runs`` Lighthouse runs of one configuration: the median row, every row, what lost points."""
    rows, reports = [], []
    for n in range(runs):
        report = work / f"report-{len(list(work.glob('report-*')))}.json"
        lhr = run_lighthouse(cli, url, preset, scheme, report)
        reports.append(lhr)
        rows.append(metrics(lhr))
        print(f"  {preset} {scheme} run {n + 1}: " + ", ".join(
            f"{c} {format_value(c, v)}" for c, v in rows[-1].items()), file=sys.stderr)
    return {"median": median_row(rows), "runs": rows,
            "failing": {category: sorted({a for r in reports for a in failing_audits(r, category)})
                        for category in ("accessibility", "best-practices", "seo")}}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--query", default="Idlib", help="the search words (default: Idlib)")
    parser.add_argument("--pages", nargs="+", metavar="PATH",
                        help="site paths below base_url to measure (default: search/?q=QUERY)")
    parser.add_argument("--families", action="store_true",
                        help="measure one page of every page family the site has: " + ", ".join(FAMILIES))
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--project", type=Path, metavar="DIR",
                        help="measure this project (a folder with site_config.yaml) instead of the example")
    source.add_argument("--synthetic", type=int, metavar="N",
                        help="measure a synthetic archive of N articles (build_bench.py's) instead")
    parser.add_argument("--min-score", type=int, metavar="N",
                        help="ask every category score for at least N (default: the search targets)")
    parser.add_argument("--runs", type=int, default=3,
                        help="runs per preset; the median is shown (default: 3)")
    parser.add_argument("--presets", nargs="+", choices=list(PRESETS), default=list(PRESETS),
                        help="configurations to run (default: mobile desktop)")
    parser.add_argument("--schemes", nargs="+", choices=list(SCHEMES), default=["light"],
                        help="colour schemes to run each preset in (default: light)")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE,
                        help=f"where npm installs {LIGHTHOUSE} (default: {DEFAULT_CACHE})")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also save the results as JSON")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not Path(CHROMIUM).exists():
        sys.exit(f"{CHROMIUM} is not installed (this script never downloads a browser)")
    cli = install_lighthouse(args.cache)
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as tmp:
        work = Path(tmp)
        if args.synthetic:
            site = build_project(synthetic_project(args.synthetic), work,
                                 "taxonomies:\n  authors: {nav: true}\n")
        else:
            site = build_project(args.project or ROOT, work)
        pages = (family_pages(site, args.query) if args.families else
                 {path: path for path in args.pages} if args.pages else
                 {"search": "search/?" + urlencode({"q": args.query})})
        with serve(site) as base:
            print(f"Lighthouse {LIGHTHOUSE.split('@')[1]} on {len(pages)} page(s) of {base}, "
                  f"{args.runs} run(s) per preset", file=sys.stderr)
            for page, path in pages.items():
                if not (site / urlsplit(path).path.rstrip("/")).exists() and path:
                    sys.exit(f"no such page in the site: {path}")
                for scheme in args.schemes:
                    for preset in args.presets:
                        name = " ".join(part for part in (page, preset, "" if scheme == "light" else scheme)
                                        if part)
                        results[name] = measure(cli, base + path, preset, scheme, args.runs, work)
    print_table(results, args.min_score)
    for name, result in results.items():
        for category, audits in result["failing"].items():
            for audit in audits:
                print(f"{name} {category}: {audit}")
    if args.json:
        payload = {"lighthouse": LIGHTHOUSE, "pages": pages, "runs": args.runs,
                   "results": results}
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
