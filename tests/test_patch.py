"""In-place edits patch the stored site model (issue 15 item 1, ``build/patch.py``): the pages
they can change are found by indexed look-ups and only the articles on them are read; the result
is byte for byte a clean build's. Anything that moves an article goes through the whole model."""

from __future__ import annotations

from pathlib import Path

import pytest

from archivegen.content import incremental
from archivegen.content.incremental import SourceRecord
from tests.conftest import pages_bytes
from tests.search_support import searchable
from tests.test_incremental import CONFIG, TAGS, article, clean_build_of, edit, make_project, run


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path)


def story(project: Path, n: int) -> Path:
    return project / "content" / f"story-{n}.md"


def assert_clean(project: Path, tmp_path: Path) -> None:
    assert pages_bytes(project / "site") == clean_build_of(project, tmp_path)
    assert searchable(project / "site") == searchable(tmp_path / "clean" / "site")


IN_PLACE = {  # what an edit replaces in story-4.md
    "body": ("Paragraph two.", "Paragraph two, longer now."),
    "title": ("title: Story 4", "title: Story four"),
    "summary": ("tags: [", "summary: A new summary.\ntags: ["),
    "language": ("tags: [", "language: de\ntags: ["),
}


@pytest.mark.parametrize("change", sorted(IN_PLACE))
def test_an_in_place_edit_patches_the_model_and_matches_a_clean_build(project: Path, tmp_path: Path,
                                                                        change: str) -> None:
    edit(story(project, 4), *IN_PLACE[change])
    report = run(project)
    assert report.patched and not report.full and report.sources_changed == 1
    assert report.articles == 10 and report.pages > report.rendered > 0
    assert_clean(project, tmp_path)


def test_only_the_articles_the_changed_pages_show_are_decoded(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "big"
    (root / "content").mkdir(parents=True)
    (root / "site_config.yaml").write_text(CONFIG + "feed_items: 5\n", encoding="utf-8")
    for n in range(120):
        (root / "content" / f"a{n:03d}.md").write_text(article(
            f"Article {n}", f"20{10 + n // 12}-{1 + n % 12:02d}-05T10:00:00Z", [TAGS[n % 3]],
            f"Body {n}."), encoding="utf-8")
    run(root)
    decoded: list[str] = []
    original = SourceRecord._decode

    def counting(data: bytes, zone: object) -> SourceRecord:
        record = original(data, zone)  # type: ignore[arg-type]
        decoded.append(record.article.key)
        return record

    monkeypatch.setattr(SourceRecord, "_decode", staticmethod(counting))
    incremental._DECODED.clear()
    edit(root / "content" / "a030.md", "Body 30.", "Body 30, edited.")
    report = run(root)
    assert report.patched
    # its old record; itself and 4 neighbours for the article pages; 3 per listing page (home,
    # tag, year, month): never the 120 articles a whole model reads
    assert 5 <= len(set(decoded)) <= 1 + 5 + 4 * 3 and "a100.md" not in decoded


@pytest.mark.parametrize("change", ["date", "tags", "new", "delete", "slug"])
def test_a_change_that_moves_an_article_goes_through_the_whole_model(project: Path, tmp_path: Path,
                                                                     change: str) -> None:
    path = story(project, 4)
    if change == "date":
        edit(path, "date: 2019-05-14", "date: 2019-05-15")
    elif change == "tags":
        edit(path, "tags: [Rail]", "tags: [Harbour]")
    elif change == "new":
        (project / "content" / "story-new.md").write_text(
            "---\ntitle: New\ndate: 2021-01-01T10:00:00Z\ntags: [Rail]\n---\n\nNew body.\n", encoding="utf-8")
    elif change == "delete":
        path.unlink()
    else:
        edit(path, "tags: [", "slug: renamed\ntags: [")
    report = run(project)
    assert not report.patched and not report.full
    assert_clean(project, tmp_path)


def test_a_patched_build_keeps_the_warnings_of_the_other_files(project: Path) -> None:
    edit(story(project, 2), "tags: [", "source: ftp://example.org/x\ntags: [")
    first = run(project)
    assert [w.message for w in first.warnings if "source" in w.message]
    edit(story(project, 4), "Paragraph two.", "Paragraph two, edited.")
    second = run(project)
    assert second.patched and second.warnings == first.warnings


def test_a_patched_build_drops_the_warnings_its_edit_fixed(project: Path) -> None:
    edit(story(project, 4), "tags: [", "source: ftp://example.org/x\ntags: [")
    assert [w for w in run(project).warnings if "source" in w.message]
    edit(story(project, 4), "source: ftp://example.org/x", "source: https://example.org/x")
    report = run(project)
    assert report.patched and not report.warnings
