"""The search index step: one Pagefind bundle per year, re-indexed only when its year changed.

Browser behaviour of the search page is in test_browser_search.py; this file checks the build
side with the real Pagefind binary (from the ``pagefind[bin]`` package).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from archivegen.build import BuildOptions, build
from archivegen.errors import SearchError
from archivegen.search import indexer
from tests.conftest import tree_bytes
from tests.projects import make_archive

CONFIG = "title: Search test\nbase_url: https://example.org/archive/\ntimezone: UTC\nlanguage: en\n"


def article(title: str, date: str, tags: str, body: str) -> str:
    return f"---\ntitle: {title}\ndate: {date}\ntags: [{tags}]\n---\n\n{body}\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_archive(tmp_path, {
        f"content/{year}-{n}.md": article(
            f"Story {n} of {year}", f"{year}-0{n + 1}-10T10:00:00Z", "Harbour" if n else "Rail",
            f"The council discussed item {year}{n} at length. Ferries and trains were mentioned.")
        for year in (2019, 2020, 2021) for n in range(3)}, CONFIG).root


def run_build(project: Path) -> indexer.SearchReport:
    return build(BuildOptions(config_path=project / "site_config.yaml")).search


def bundle_files(project: Path, year: int) -> dict[str, bytes]:
    return tree_bytes(project / "site" / "pagefind" / str(year))


def test_every_year_gets_a_bundle_of_its_articles_only(project: Path) -> None:
    report = run_build(project)
    assert report.indexed == [2019, 2020, 2021] and report.reused == []
    for year in (2019, 2020, 2021):
        entry = json.loads((project / "site" / "pagefind" / str(year) / "pagefind-entry.json").read_text())
        (language,) = entry["languages"].values()
        assert language["page_count"] == 3  # the articles of that year, no listing pages
    assert (project / "site" / "search" / "index.html").is_file()


def test_an_edit_reindexes_only_its_year_and_other_bundles_stay_byte_identical(project: Path) -> None:
    run_build(project)
    before = {year: bundle_files(project, year) for year in (2019, 2020, 2021)}
    again = run_build(project)
    assert again.indexed == [] and sorted(again.reused) == [2019, 2020, 2021]
    edited = project / "content" / "2020-1.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("Ferries", "Hovercraft"), encoding="utf-8")
    report = run_build(project)
    assert report.indexed == [2020] and sorted(report.reused) == [2019, 2021]
    assert bundle_files(project, 2019) == before[2019] and bundle_files(project, 2021) == before[2021]
    assert bundle_files(project, 2020) != before[2020]


def test_a_year_without_articles_loses_its_bundle(project: Path) -> None:
    run_build(project)
    for n in range(3):
        (project / "content" / f"2019-{n}.md").unlink()
    report = run_build(project)
    assert report.indexed == [] and sorted(report.reused) == [2020, 2021]
    assert not (project / "site" / "pagefind" / "2019").exists()
    assert not (project / ".archivegen" / "search" / "2019").exists()


def test_a_failing_pagefind_fails_the_build_and_leaves_the_site_intact(
        project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run_build(project)
    site_before = tree_bytes(project / "site")
    broken = tmp_path / "pagefind"
    broken.write_text("#!/bin/sh\n[ \"$1\" = --version ] && echo 'pagefind 0' && exit 0\n"
                      "echo 'Error: disk full' >&2\nexit 3\n")
    broken.chmod(0o755)
    monkeypatch.setattr(indexer, "pagefind_executable", lambda: broken)
    edited = project / "content" / "2021-0.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nMore text.\n", encoding="utf-8")
    with pytest.raises(SearchError) as failure:
        run_build(project)
    assert "pagefind: indexing 2021 failed" in str(failure.value) and "disk full" in str(failure.value)
    assert tree_bytes(project / "site") == site_before
    monkeypatch.undo()
    report = run_build(project)  # the next build recovers
    assert 2021 in report.indexed


def test_pagefind_is_the_packaged_binary() -> None:
    executable = indexer.pagefind_executable()
    assert executable.is_file() and shutil.which(str(executable))
    assert indexer.pagefind_version(executable).startswith("pagefind")
