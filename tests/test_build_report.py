"""A build you can watch and a summary that cannot be misread (issue "Trust", items 13-15).

The summary says what was checked, rendered and written, and what the output folder holds
(counted exactly, after cold, incremental and no-op builds); a long build shows its progress
(a bar on a terminal, sparse plain lines in a log); commands find ``site_config.yaml`` upward;
a build leaves no SQLite connection (and so no WAL file) open behind it.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from rich.console import Console

from archivegen.progress import LOG_AFTER, LOG_EVERY, BuildDisplay
from tests.projects import Archive, article, make_archive

SECONDS = r"\d+\.\d\d"


def two_articles(tmp_path: Path) -> Archive:
    return make_archive(tmp_path, {
        "content/2020/first.md": article("First", "2020-03-05T10:00:00Z", "Hello.", tags=["Syria"]),
        "content/2021/second.md": article("Second", "2021-04-06T10:00:00Z", "Again.", tags=["Turkey"]),
    })


def site_holds(site: Path) -> tuple[int, int]:
    files = [p for p in site.rglob("*") if p.is_file() or p.is_symlink()]
    return len(files), sum(p.lstat().st_size for p in files)


def holds_line(archive: Archive) -> str:
    files, size = site_holds(archive.site)
    shown = f"{size / 1_048_576:.1f} MB" if size >= 104_858 else f"{size / 1024:.0f} KB"
    return f"  site/ holds {files} files ({shown})"


def test_summary_of_cold_noop_and_edit_builds_says_what_happened(tmp_path: Path) -> None:
    archive = two_articles(tmp_path)
    cold = archive.cli("build")
    assert cold.returncode == 0, cold.stderr
    lines = cold.stdout.splitlines()
    assert re.fullmatch(rf"Built site/ in {SECONDS} s: 2 articles, 2 tags; \d+ pages rendered",
                        lines[0]), lines
    assert lines[1] == holds_line(archive)

    again = archive.cli("build").stdout.splitlines()
    assert re.fullmatch(rf"Built site/ in {SECONDS} s: nothing changed \(2 articles, 2 tags checked\); "
                        r"0 of \d+ pages rendered", again[0]), again
    assert "articles/s" not in again[0]
    assert again[1] == holds_line(archive)

    archive.write("content/2021/second.md", article("Second", "2021-04-06T10:00:00Z", "Edited.",
                                                    tags=["Turkey"]))
    edited = archive.cli("build").stdout.splitlines()
    assert re.fullmatch(rf"Built site/ in {SECONDS} s: 2 articles \(1 changed\), 2 tags; \d+ of \d+ pages "
                        r"rendered, \d+ files written, 0 removed", edited[0]), edited
    assert edited[1] == holds_line(archive)


def test_one_article_is_not_plural(tmp_path: Path) -> None:
    archive = make_archive(tmp_path, {"content/a.md": article("Alone", "2020-01-01T00:00:00Z", "One.",
                                                              tags=["Solo"])})
    first = archive.cli("build").stdout.splitlines()[0]
    assert ": 1 article, 1 tag;" in first, first


def test_what_the_output_holds_stays_exact_across_incremental_builds(tmp_path: Path) -> None:
    archive = two_articles(tmp_path)
    report = archive.build()
    assert (report.output_files, report.output_bytes) == site_holds(archive.site)
    steps = [
        lambda: archive.write("content/2022/third.md", article("Third", "2022-01-01T00:00:00Z", "New year.")),
        lambda: archive.write("content/2020/first.md", article("First", "2020-03-05T10:00:00Z",
                                                               "A much longer body. " * 50, tags=["Syria"])),
        lambda: (archive.root / "content/2021/second.md").unlink(),  # a year's search bundle goes
        lambda: archive.write("static/extra.txt", "static file"),
        lambda: archive.write("site/by-hand/x.txt", "removed by the build"),  # a stray folder
        lambda: None,  # nothing to do: the recorded figure is reported
    ]
    for change in steps:
        change()
        report = archive.build()
        assert not report.full
        assert (report.output_files, report.output_bytes) == site_holds(archive.site)


class RecordingWatcher:
    def __init__(self) -> None:
        self.events: list[tuple[str, ...]] = []
        self.progress: dict[str, tuple[int, int, str]] = {}

    def step_started(self, name: str) -> None:
        self.events.append(("start", name))

    def step_progressed(self, name: str, done: int, total: int, unit: str) -> None:
        assert 0 <= done <= total
        self.progress[name] = (done, total, unit)

    def step_ended(self, name: str, seconds: float) -> None:
        self.events.append(("end", name))


def test_a_build_reports_its_steps_and_how_far_each_got(tmp_path: Path) -> None:
    archive = two_articles(tmp_path)
    watcher = RecordingWatcher()
    report = archive.build(watcher)
    assert ("start", "render pages") in watcher.events and ("end", "commit") in watcher.events
    assert watcher.progress["read content"] == (2, 2, "files")
    assert watcher.progress["render pages"] == (report.pages, report.pages, "pages")
    assert watcher.progress["index search"] == (2, 2, "articles")

    archive.write("content/2020/first.md", article("First", "2020-03-05T10:00:00Z", "Changed.",
                                                   tags=["Syria"]))
    watcher = RecordingWatcher()
    report = archive.build(watcher)
    done, total, unit = watcher.progress["read content"]  # the other file too, if hashed again (racy)
    assert done == total >= 1 and unit == "files"
    assert watcher.progress["render pages"][1] == report.rendered
    assert watcher.progress["commit"] == (report.files, report.files, "files")


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_log_gets_sparse_progress_lines_only_for_long_steps() -> None:
    clock, lines = FakeClock(), []
    console = Console(file=io.StringIO(), force_terminal=False)
    with BuildDisplay(console, lines.append, clock, heartbeat=None) as display:
        display.step_started("read content")
        display.step_progressed("read content", 10, 10, "files")
        display.step_ended("read content", 0.1)
        assert lines == []  # a quick step says nothing
        display.step_started("render pages")
        for done in range(0, 1000, 10):
            clock.now += 0.5
            display.step_progressed("render pages", done, 1000, "pages")
        display.step_ended("render pages", 50.0)
    # 50 s of progress: the first line after LOG_AFTER, then one every LOG_EVERY
    progress_lines = [line for line in lines if "of 1,000 pages" in line]
    assert len(progress_lines) == 1 + int((50 - LOG_AFTER) // LOG_EVERY)
    assert progress_lines[0] == "  render pages: 90 of 1,000 pages (9%), about 51 s left"
    assert lines[-1] == "  render pages: done in 50.0 s"


def test_a_log_hears_from_a_long_step_that_cannot_count() -> None:
    clock, lines = FakeClock(), []
    with BuildDisplay(Console(file=io.StringIO(), force_terminal=False), lines.append, clock,
                      heartbeat=None) as display:
        display.step_started("build site model")
        for _ in range(30):  # 30 s, a tick a second
            clock.now += 1.0
            display.tick()
        display.step_ended("build site model", 30.0)
        display.tick()  # between steps: nothing to say
    assert lines == ["  build site model: running for 5 s", "  build site model: running for 15 s",
                     "  build site model: running for 25 s", "  build site model: done in 30.0 s"]


def test_the_heartbeat_thread_stops_with_the_display() -> None:
    with BuildDisplay(Console(file=io.StringIO(), force_terminal=False), heartbeat=0.01) as display:
        assert display._heartbeat is not None and display._heartbeat.is_alive()
    assert not display._heartbeat.is_alive()


def test_a_terminal_gets_a_progress_bar_that_goes_away(tmp_path: Path) -> None:
    archive = two_articles(tmp_path)
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=120)
    lines: list[str] = []
    with BuildDisplay(console, lines.append) as display:
        archive.build(display)
    assert "render pages" in screen.getvalue() or "read content" in screen.getvalue()
    assert lines == []  # nothing in the log form on a terminal


def test_commands_find_the_config_in_a_folder_above(tmp_path: Path) -> None:
    archive = two_articles(tmp_path)
    result = archive.cli("build", cwd=archive.root / "content" / "2020")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Built ../../site/ in ")
    assert (archive.site / "index.html").is_file()
    assert not (archive.root / "content" / "2020" / "site").exists()


def test_no_config_anywhere_is_still_one_line(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "empty")
    archive.root.mkdir()
    result = archive.cli("build")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [line for line in result.stderr.splitlines() if
                                          line.startswith("site_config.yaml:")] != []


def test_a_build_leaves_no_database_connection_open(tmp_path: Path) -> None:
    archive = two_articles(tmp_path)
    archive.build()
    archive.write("content/2020/first.md", article("First", "2020-03-05T10:00:00Z", "Changed.",
                                                   tags=["Syria"]))
    archive.build()
    state = archive.root / ".archivegen"
    assert sorted(p.name for p in state.iterdir() if p.name.startswith("state.sqlite")) == ["state.sqlite"]
