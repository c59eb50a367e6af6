#!/usr/bin/env python3
"""Lighthouse on the search page: performance, layout shift and accessibility of /search/?q=WORD.

Why: the search page shows its results only once Pagefind has loaded in the browser, so whether
the page moves under the reader (CLS), how soon its largest text paints (LCP) and whether it is
usable without a mouse or good eyesight (accessibility) are properties of the built page in a
real browser, not of the Python code. This builds the repository's example archive
(site_config.yaml + content/, as README.md does) with the real CLI into a temporary folder,
serves it on 127.0.0.1 under base_url's path (tests/browser_support.py's server) and runs
Lighthouse 12.2.3 (the last release for Node 20) with Debian's Chromium, ``--runs`` times for
the mobile (default) and the desktop (``--preset=desktop``) configuration; it prints the median
of each metric. Lighthouse is installed with npm into ``--cache`` on first use; no browser is
ever downloaded.

Usage (see benchmarks/README.md)::

    python benchmarks/lighthouse_search.py                       # /search/?q=Idlib, 3 runs each
    python benchmarks/lighthouse_search.py --query Turkey --runs 5 --json lighthouse.json
    python benchmarks/lighthouse_search.py --schemes light dark      # the dark theme too
"""

from __future__ import annotations

import argparse
import json
import os
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
]
TARGETS = {"performance": (">=", 95), "CLS": ("<", 0.05), "accessibility": (">=", 100)}


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


def build_example(work: Path) -> Path:
    """Build a copy of the repository's example archive into ``work``; return the site folder.

    A copy, so that the build state lands in ``work`` and the checkout stays as it was. The CLI
    imports this checkout's package (PYTHONPATH), so the theme measured is the one beside this
    script.
    """
    config = yaml.safe_load((ROOT / "site_config.yaml").read_text(encoding="utf-8"))
    path = urlsplit(str(config.get("base_url", ""))).path or "/"
    if path.rstrip("/") + "/" != PREFIX:
        sys.exit(f"site_config.yaml's base_url path is {path!r}; the test server serves {PREFIX}")
    project = work / "example"
    project.mkdir()
    shutil.copy2(ROOT / "site_config.yaml", project / "site_config.yaml")
    shutil.copytree(ROOT / "content", project / "content")
    site = work / "site"
    paths = [str(ROOT), os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, paths))}
    result = subprocess.run(
        [archivegen_script(), "build", "--config", str(project / "site_config.yaml"), "--output", str(site)],
        capture_output=True, text=True, cwd=work, env=env, timeout=600)
    if result.returncode != 0:
        sys.exit(f"archivegen build failed:\n{result.stderr}")
    return site


def run_lighthouse(cli: Path, url: str, preset: str, scheme: str, report: Path) -> dict:
    """One Lighthouse run of ``url``; its JSON report (also written to ``report``)."""
    flags = " ".join(CHROMIUM_ARGS + SCHEMES[scheme])
    command = [str(cli), url, "--output=json", f"--output-path={report}", "--quiet",
               "--only-categories=performance,accessibility,best-practices",
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


def verdict(row: dict[str, float]) -> str:
    missed = [column for column, (op, limit) in TARGETS.items()
              if not (row[column] >= limit if op == ">=" else row[column] < limit)]
    return "ok" if not missed else "missed: " + ", ".join(missed)


def print_table(results: dict[str, dict]) -> None:
    header = ["preset", *(column for column, _, _ in COLUMNS), "targets"]
    print("| " + " | ".join(header) + " |")
    print("|" + " --- |" * len(header))
    for preset, result in results.items():
        row = result["median"]
        cells = [preset, *(format_value(column, row[column]) for column, _, _ in COLUMNS), verdict(row)]
        print("| " + " | ".join(cells) + " |")


def measure(cli: Path, url: str, preset: str, scheme: str, runs: int, work: Path) -> dict:
    """``runs`` Lighthouse runs of one configuration: the median row, every row, what lost points."""
    rows, reports = [], []
    for n in range(runs):
        lhr = run_lighthouse(cli, url, preset, scheme, work / f"{preset}-{scheme}-{n}.json")
        reports.append(lhr)
        rows.append(metrics(lhr))
        print(f"  {preset} {scheme} run {n + 1}: " + ", ".join(
            f"{c} {format_value(c, v)}" for c, v in rows[-1].items()), file=sys.stderr)
    return {"median": median_row(rows), "runs": rows,
            "failing": {category: sorted({a for r in reports for a in failing_audits(r, category)})
                        for category in ("accessibility", "best-practices")}}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--query", default="Idlib", help="the search words (default: Idlib)")
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
    with tempfile.TemporaryDirectory(prefix="lighthouse-search-") as tmp:
        work = Path(tmp)
        site = build_example(work)
        with serve(site) as base:
            url = base + "search/?" + urlencode({"q": args.query})
            print(f"Lighthouse {LIGHTHOUSE.split('@')[1]} on {url}, {args.runs} run(s) per preset",
                  file=sys.stderr)
            for scheme in args.schemes:
                for preset in args.presets:
                    name = preset if scheme == "light" else f"{preset} {scheme}"
                    results[name] = measure(cli, url, preset, scheme, args.runs, work)
    print_table(results)
    for preset, result in results.items():
        for category, audits in result["failing"].items():
            for audit in audits:
                print(f"{preset} {category}: {audit}")
    if args.json:
        payload = {"lighthouse": LIGHTHOUSE, "query": args.query, "runs": args.runs,
                   "results": results}
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
