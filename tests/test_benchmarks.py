"""The benchmark scripts still run (tiny sizes, so CI stays fast); figures come from the scripts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.mark.benchmark
def test_build_bench_runs_and_reports(tmp_path: Path) -> None:
    results = tmp_path / "results.json"
    completed = subprocess.run(
        [sys.executable, str(BENCHMARKS / "build_bench.py"), "--sizes", "60,120", "--repeat", "1",
         "--max-ratio", "100", "--json", str(results)],
        capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    data = json.loads(results.read_text())
    assert "articles/s" in completed.stdout
    assert [entry["size"] for entry in data["sizes"]] == [60, 120]
    for entry in data["sizes"]:
        assert entry["runs"][0]["articles"] == entry["size"]
        assert entry["articles_per_s"] > 0 and entry["files"] > entry["size"]
        assert entry["peak_tree_rss_mb"] >= entry["peak_single_rss_mb"] > 0


@pytest.mark.benchmark
def test_import_bench_runs_and_reports(tmp_path: Path) -> None:
    results = tmp_path / "results.json"
    completed = subprocess.run(
        [sys.executable, str(BENCHMARKS / "import_bench.py"), "--count", "12", "--repeat", "1",
         "--json", str(results)],
        capture_output=True, text=True, timeout=600)
    assert completed.returncode == 0, completed.stderr
    assert "articles/s" in completed.stdout
    text = results.read_text()
    for kind in ("text", "html", "jsonl"):
        assert kind in text
    assert json.loads(text)


@pytest.mark.benchmark
def test_extraction_bench_smoke_run(tmp_path: Path) -> None:
    """A few documents per dataset: the scorers run and their output is parsed (not the targets)."""
    shared = Path(__file__).resolve().parent.parent.parent / "shared"
    if not (shared / "tools" / "extraction_eval.py").exists():
        pytest.skip("../shared/tools missing")
    results = tmp_path / "results.json"
    completed = subprocess.run(
        [sys.executable, str(BENCHMARKS / "extraction_bench.py"), "--limit", "3", "--json", str(results)],
        capture_output=True, text=True, timeout=600)
    assert completed.returncode in (0, 1), completed.stderr  # 1: a target missed on 3 documents
    assert "scrapinghub-text" in completed.stdout
    assert json.loads(results.read_text())


@pytest.mark.benchmark
@pytest.mark.browser
def test_search_bench_runs_and_reports(tmp_path: Path) -> None:
    """200 articles: the build, the bundle and four cold queries in Chromium are measured."""
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("/usr/bin/chromium is not installed")
    pytest.importorskip("playwright.sync_api")
    results = tmp_path / "results.json"
    completed = subprocess.run(
        [sys.executable, str(BENCHMARKS / "search_bench.py"), "--size", "200", "--json", str(results)],
        capture_output=True, text=True, timeout=600)
    assert completed.returncode in (0, 1), completed.stderr  # 1: a target missed
    assert "index search step" in completed.stdout and "cold query" in completed.stdout
    data = json.loads(results.read_text())
    assert data["index_search_s"] > 0 and data["build_peak_tree_rss_mb"] > 0
    assert data["bundle_bytes"] > 0 and data["bundle_files"] > 0
    assert data["standalone"]["peak_rss_mb"] > 0
    assert len(data["queries"]) == 4
    for query in data["queries"].values():
        assert query["bytes"] > 0 and query["requests"] > 0 and query["results"] >= 1
