"""Incremental builds: what a rebuild reads, renders and writes, and how it survives failures.

The broad claim (any sequence of edits gives the same bytes as a clean build) is the property
test in test_incremental_properties.py; these are the specific promises, one each.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from archivegen.build import BuildOptions, BuildReport, build
from archivegen.config import load_config
from archivegen.content import incremental
from archivegen.errors import ArchivegenError
from archivegen.state.location import state_dir_for
from tests.conftest import pages_bytes, tree_bytes
from tests.search_support import manifest

CONFIG = "title: Incremental\nbase_url: https://example.org/archive/\ntimezone: UTC\nper_page: 3\n"
TAGS = ["Harbour", "Rail", "Budget"]


def article(title: str, date: str, tags: list[str], body: str, summary: str = "") -> str:
    extra = f"summary: {summary}\n" if summary else ""
    return f"---\ntitle: {title}\ndate: {date}\ntags: [{', '.join(tags)}]\n{extra}---\n\n{body}\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path)


def make_project(tmp_path: Path) -> Path:
    """Ten articles over two years and three tags, built once."""
    root = tmp_path / "archive"
    (root / "content").mkdir(parents=True)
    (root / "site_config.yaml").write_text(CONFIG, encoding="utf-8")
    for n in range(10):
        year = 2019 + n % 2
        (root / "content" / f"story-{n}.md").write_text(article(
            f"Story {n}", f"{year}-0{1 + n % 9}-1{n % 9}T10:00:00Z", [TAGS[n % 3]],
            f"Paragraph one of story {n} about the harbour.\n\nParagraph two.",
            summary="A summary." if n % 2 else ""), encoding="utf-8")
    run(root)
    return root


def run(root: Path, **options: object) -> BuildReport:
    return build(BuildOptions(config_path=root / "site_config.yaml", workers=1, **options))  # type: ignore[arg-type]


def snapshot(site: Path) -> dict[str, tuple[int, int]]:
    """Path -> (inode, mtime_ns): what changes when a file is written or replaced."""
    return {p.relative_to(site).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in site.rglob("*") if p.is_file()}


def written(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> set[str]:
    return {name for name, mark in after.items() if before.get(name) != mark}


def clean_build_of(root: Path, tmp_path: Path) -> dict[str, bytes]:
    """The pages a clean build of the same inputs makes (in another folder, with no state)."""
    clean = tmp_path / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    clean.mkdir()
    for name in ("content", "templates", "static", "site_config.yaml"):
        source = root / name
        if source.is_dir():
            shutil.copytree(source, clean / name)
        elif source.exists():
            shutil.copy2(source, clean / name)
    run(clean)
    return pages_bytes(clean / "site")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_build_with_nothing_changed_writes_nothing(project: Path) -> None:
    before = snapshot(project / "site")
    report = run(project)
    assert not report.full and report.files == 0 and report.rendered == 0
    assert snapshot(project / "site") == before


def test_a_same_size_edit_right_after_a_build_is_seen(project: Path, tmp_path: Path) -> None:
    """The racily-clean case: same size, same second as the state's hash of the file."""
    path = project / "content" / "story-3.md"
    run(project)
    size = path.stat().st_size
    edit(path, "harbour", "harpoon")  # same length
    assert path.stat().st_size == size
    run(project)
    assert "harpoon" in (project / "site" / "2020" / "04" / "story-3" / "index.html").read_text()
    assert pages_bytes(project / "site") == clean_build_of(project, tmp_path)


def test_a_body_edit_writes_only_the_pages_whose_bytes_change(project: Path, tmp_path: Path) -> None:
    before = snapshot(project / "site")
    edit(project / "content" / "story-3.md", "Paragraph two.", "Paragraph two, longer now.")
    report = run(project)
    changed = written(before, snapshot(project / "site"))
    # story-3 has its own summary, so listings do not change; only its page, the search
    # index's manifest and a new delta bundle (which indexes the body) do.
    assert {name for name in changed if not name.startswith("pagefind/")} == {"2020/04/story-3/index.html"}
    assert report.files == 2 and report.search.delta == 1 and len(report.search.indexed) == 1
    delta = manifest(project / "site")["delta"]["path"]
    search = {name for name in changed if name.startswith("pagefind/")}
    assert {name for name in search if not name.startswith(f"pagefind/{delta}")} == {"pagefind/index.json"}
    assert pages_bytes(project / "site") == clean_build_of(project, tmp_path)


def test_a_derived_summary_change_updates_the_listings_that_show_it(project: Path, tmp_path: Path) -> None:
    before = snapshot(project / "site")
    edit(project / "content" / "story-2.md", "Paragraph one of story 2", "A new first paragraph")
    run(project)
    changed = written(before, snapshot(project / "site"))
    assert "2019/03/story-2/index.html" in changed
    assert "tags/budget/index.html" in changed  # story-2 is tagged Budget and shows its summary
    assert "tags/harbour/index.html" not in changed
    assert pages_bytes(project / "site") == clean_build_of(project, tmp_path)


def test_a_template_edit_rerenders_the_pages_using_it_without_parsing_markdown(
        project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from archivegen.render import markdown

    calls: list[str] = []
    real_render = markdown.MarkdownRenderer.render
    monkeypatch.setattr(markdown.MarkdownRenderer, "render",
                        lambda self, source: calls.append(source) or real_render(self, source))
    theme = Path(markdown.__file__).resolve().parent.parent / "theme" / "templates" / "article.html"
    (project / "templates").mkdir()
    (project / "templates" / "article.html").write_text(
        theme.read_text().replace('<article class="article">', '<article class="article edited">'))
    before = snapshot(project / "site")
    report = run(project)
    changed = written(before, snapshot(project / "site"))
    assert calls == []  # bodies came from the Markdown cache
    assert report.rendered == 10 and report.files == 10
    assert all(name.count("/") == 3 and name.endswith("/index.html") for name in changed), changed
    assert pages_bytes(project / "site") == clean_build_of(project, tmp_path)


def test_only_changed_files_are_parsed(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from archivegen.content import incremental

    parsed: list[str] = []
    real_parse = incremental.parse_article
    monkeypatch.setattr(incremental, "parse_article",
                        lambda raw, key, *rest: parsed.append(key) or real_parse(raw, key, *rest))
    edit(project / "content" / "story-4.md", "Paragraph two.", "Paragraph 2.")
    os.utime(project / "content" / "story-5.md")  # touched, not changed: hashed, not parsed
    run(project)
    assert parsed == ["story-4.md"]


def test_tag_counts_printed_by_a_template_are_recorded_dependencies(project: Path, tmp_path: Path) -> None:
    """The theme's article pages do not print tag counts; an override that does must stay right."""
    from archivegen.render import theme

    text = (theme.THEME_TEMPLATES / "article.html").read_text()
    (project / "templates").mkdir()
    (project / "templates" / "article.html").write_text(
        text.replace("{{ tag.name }}</a>", "{{ tag.name }} ({{ tag.count }})</a>"))
    run(project)
    assert "Rail (3)" in (project / "site" / "2020" / "02" / "story-1" / "index.html").read_text()
    (project / "content" / "story-new.md").write_text(
        article("New rail story", "2018-05-05T10:00:00Z", ["Rail"], "Body."), encoding="utf-8")
    run(project)
    assert "Rail (4)" in (project / "site" / "2020" / "02" / "story-1" / "index.html").read_text()
    assert pages_bytes(project / "site") == clean_build_of(project, tmp_path)


def test_deleted_and_renamed_articles_leave_no_stale_files(project: Path, tmp_path: Path) -> None:
    (project / "content" / "story-0.md").unlink()
    (project / "content" / "sub").mkdir()
    (project / "content" / "story-1.md").rename(project / "content" / "sub" / "moved.md")
    edit(project / "content" / "sub" / "moved.md", "title: Story 1", "title: Story one")
    run(project)
    site = project / "site"
    assert not (site / "2019" / "01" / "story-0").exists()
    assert not (site / "2020" / "02" / "story-1").exists()
    assert (site / "2020" / "02" / "moved" / "index.html").is_file()  # the slug is the file name
    assert "Story one" in (site / "2020" / "02" / "moved" / "index.html").read_text()
    assert pages_bytes(site) == clean_build_of(project, tmp_path)


def test_a_failed_incremental_build_changes_nothing_and_the_next_one_recovers(
        project: Path, tmp_path: Path) -> None:
    before = tree_bytes(project / "site")
    edit(project / "content" / "story-3.md", "Paragraph two.", "Changed.")
    (project / "templates").mkdir()
    (project / "templates" / "article.html").write_text("{% if %}")
    with pytest.raises(ArchivegenError):
        run(project)
    assert tree_bytes(project / "site") == before
    assert not list(project.glob(".site.pending-*"))
    (project / "templates" / "article.html").unlink()
    run(project)
    assert "Changed." in (project / "site" / "2020" / "04" / "story-3" / "index.html").read_text()
    assert pages_bytes(project / "site") == clean_build_of(project, tmp_path)


def test_a_crash_after_the_commit_is_rolled_forward(project: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Power lost half-way through moving files in: the next build finishes the journal."""
    from archivegen.output import journal

    real_apply = journal.apply

    def crash_half_way(entry: journal.Journal, on_done: object = None) -> None:
        for relative in entry.files[: len(entry.files) // 2]:
            target = Path(entry.output) / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(Path(entry.pending) / journal.pending_name(relative), target)
        raise SystemExit("power lost")

    for n in (3, 5, 7):
        edit(project / "content" / f"story-{n}.md", "Paragraph two.", f"Edited {n}.")
    (project / "content" / "story-0.md").unlink()
    monkeypatch.setattr(journal, "apply", crash_half_way)
    with pytest.raises(SystemExit):
        run(project)
    monkeypatch.setattr(journal, "apply", real_apply)
    report = run(project)  # nothing changed since: only the journal is left to finish
    assert report.rendered == 0
    assert not list(project.glob(".site.pending-*"))
    site = project / "site"
    files = [p for p in site.rglob("*") if p.is_file()]
    assert (report.output_files, report.output_bytes) == (len(files), sum(p.stat().st_size for p in files))
    assert pages_bytes(project / "site") == clean_build_of(project, tmp_path)


def test_a_removed_output_folder_means_a_full_build(project: Path) -> None:
    shutil.rmtree(project / "site")
    report = run(project)
    assert report.full and (project / "site" / "index.html").is_file()


def test_a_corrupt_state_costs_a_full_build(project: Path, tmp_path: Path) -> None:
    config = load_config(project / "site_config.yaml")
    state = state_dir_for(config, config.output_dir) / "state.sqlite"
    assert state.is_file()
    state.write_bytes(b"not a database" * 100)
    for suffix in ("-wal", "-shm"):
        Path(f"{state}{suffix}").unlink(missing_ok=True)
    report = run(project)
    assert report.full
    assert pages_bytes(project / "site") == clean_build_of(project, tmp_path)


def test_a_build_without_search_leaves_the_index_to_the_next_build(project: Path) -> None:
    """The live preview publishes pages first and re-indexes in a second build."""
    bundles = project / "site" / "pagefind"
    before = tree_bytes(bundles)
    edit(project / "content" / "story-3.md", "Paragraph two.", "Paragraph two, searchable now.")
    report = run(project, search=False)
    assert report.search.pending and report.search.indexed == []
    assert "searchable" in (project / "site" / "2020" / "04" / "story-3" / "index.html").read_text()
    assert tree_bytes(bundles) == before
    follow_up = run(project).search
    assert not follow_up.pending and follow_up.delta == 1 and len(follow_up.indexed) == 1
    assert tree_bytes(bundles) != before
    assert not run(project, search=False).search.pending  # nothing left to index


def test_another_output_folder_keeps_its_own_state(project: Path, tmp_path: Path) -> None:
    """`build --output X` (or the drafts preview) between two builds costs them nothing."""
    elsewhere = run(project, output_dir=tmp_path / "elsewhere")
    assert elsewhere.full
    drafts = run(project, output_dir=tmp_path / "preview", drafts=True)
    assert drafts.full
    back = run(project)
    assert not back.full and back.rendered == 0 and back.files == 0
    again = run(project, output_dir=tmp_path / "elsewhere")
    assert not again.full and again.rendered == 0
    edit(project / "content" / "story-3.md", "Paragraph two.", "Edited once.")
    assert run(project, output_dir=tmp_path / "elsewhere").rendered > 0
    assert run(project).rendered > 0  # the default output has its own record of the edit
    assert pages_bytes(tmp_path / "elsewhere") == pages_bytes(project / "site")


def test_a_drafts_preview_keeps_its_own_state(project: Path, tmp_path: Path) -> None:
    """serve --drafts builds with drafts into a folder of its own; site/ is not rebuilt after."""
    (project / "content" / "draft.md").write_text(
        "---\ntitle: Draft\ndate: 2020-05-01T10:00:00Z\ndraft: true\n---\nNot yet.\n")
    run(project)
    preview = run(project, output_dir=tmp_path / "preview", drafts=True)
    assert preview.articles == 11
    again = run(project)
    assert (again.full, again.rendered, again.articles) == (False, 0, 10)
    config = load_config(project / "site_config.yaml")
    default = state_dir_for(config, config.output_dir)
    assert default != state_dir_for(config, tmp_path / "preview", drafts=True)
    assert default != state_dir_for(config, config.output_dir, drafts=True)
    assert default == state_dir_for(config, project / "sub" / ".." / "site")


def test_search_left_pending_is_not_forgotten_by_a_build_with_nothing_else_to_do(project: Path) -> None:
    """serve builds without search; after a config edit the next plain build must index the years
    it left stale, not report "nothing changed" (the shortcut and the planner must agree)."""
    time.sleep(incremental.RACY_NS / 1e9 + 0.1)
    run(project)  # the files are hashed well after their last change: trusted from now on
    config = project / "site_config.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "language: de\n", encoding="utf-8")
    preview = run(project, search=False)
    assert preview.search.pending
    follow_up = run(project)
    assert follow_up.search.indexed and follow_up.search.compacted == follow_up.search.shards
    assert run(project).up_to_date
