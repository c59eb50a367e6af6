"""Outputs are checked, not trusted (issue 15 item 4), and one computation decides what is stale
(item 5): a build notices output files deleted or changed since it wrote them and restores them;
the "nothing to do" shortcut is taken only when the planner would do nothing either."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from archivegen.content import incremental
from tests.conftest import pages_bytes, tree_bytes
from tests.projects import console_script
from tests.test_incremental import clean_build_of, make_project, run


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path)


def settle() -> None:
    """Let every file age past the racily-clean window, so signatures vouch for them."""
    time.sleep(incremental.RACY_NS / 1e9 + 0.1)


def test_a_deleted_home_page_is_restored_by_the_next_build(project: Path, tmp_path: Path) -> None:
    site = project / "site"
    expected = tree_bytes(site)
    (site / "index.html").unlink()
    report = run(project)
    assert not report.up_to_date and not report.full
    assert report.restored == 1 and report.changed == ["index.html"]
    assert tree_bytes(site) == expected
    assert pages_bytes(site) == clean_build_of(project, tmp_path)
    assert run(project).up_to_date


def test_a_hand_edited_page_is_restored_and_a_touched_one_is_left_alone(project: Path) -> None:
    site = project / "site"
    expected = tree_bytes(site)
    page = next(site.glob("2019/*/story-0/index.html"))
    page.write_text("edited by hand", encoding="utf-8")
    os.utime(site / "feed.xml")  # same bytes, new mtime: not damaged
    report = run(project)
    assert report.restored == 1 and report.changed == [page.relative_to(site).as_posix()]
    assert tree_bytes(site) == expected
    assert run(project).up_to_date


def test_an_emptied_output_folder_is_rebuilt_whole(project: Path) -> None:
    site = project / "site"
    expected = tree_bytes(site)
    for child in site.iterdir():
        shutil.rmtree(child) if child.is_dir() else child.unlink()
    report = run(project)
    assert report.full and tree_bytes(site) == expected


def test_a_damaged_search_bundle_is_put_back(project: Path) -> None:
    site = project / "site"
    expected = tree_bytes(site)
    fragment = next((site / "pagefind").glob("s-*/fragment/*"))
    fragment.unlink()
    report = run(project, search=False)  # restoring the index is not left for later
    assert report.restored == 1 and not report.search.pending
    assert tree_bytes(site) == expected


def test_the_cli_says_what_it_restored(project: Path) -> None:
    (project / "site" / "index.html").unlink()
    (project / "site" / "rss.xml").unlink()
    done = subprocess.run([console_script(), "build"], cwd=project, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1] == ("  restored 2 outputs deleted or changed since the build that "
                                           "wrote them")
    assert (project / "site" / "index.html").is_file() and (project / "site" / "rss.xml").is_file()


def test_the_first_build_after_a_cold_one_takes_the_shortcut(project: Path) -> None:
    """The cold build hashed files changed moments before (racy); the next build hashes those
    few again and, finding the same bytes, has nothing to do instead of planning every page."""
    report = run(project)
    assert report.up_to_date and report.rendered == 0
    settle()
    assert run(project).up_to_date


def test_a_template_edit_is_never_hidden_by_the_shortcut(project: Path) -> None:
    """Same size, same second: the racily-clean rule hashes the template again."""
    settle()
    assert run(project).up_to_date
    templates = project / "templates"
    templates.mkdir(exist_ok=True)
    override = templates / "robots.txt"
    override.write_text("User-agent: *\nDisallow: /a\n", encoding="utf-8")
    assert not run(project).up_to_date
    stat = override.stat()
    override.write_text("User-agent: *\nDisallow: /b\n", encoding="utf-8")
    os.utime(override, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # hide the edit from mtime
    report = run(project)
    assert not report.up_to_date and report.changed == ["robots.txt"]
    assert (project / "site" / "robots.txt").read_text(encoding="utf-8").endswith("Disallow: /b\n")


def test_a_deletion_left_out_of_the_search_is_indexed_by_the_next_build(project: Path,
                                                                        tmp_path: Path) -> None:
    """Found by the served state machine: a build without search (the preview's) after a
    deletion said the index was current, because only the manifest's superseded ids change,
    and the deleted article stayed findable for good."""
    from tests.search_support import searchable

    (project / "content" / "story-3.md").unlink()
    preview = run(project, search=False)
    assert preview.search.pending
    follow_up = run(project)
    assert not follow_up.search.pending and not follow_up.up_to_date
    clean_build_of(project, tmp_path)
    assert searchable(project / "site") == searchable(tmp_path / "clean" / "site")
    assert run(project).up_to_date
