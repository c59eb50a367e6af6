"""Hand edits are safe: ``import --update`` never rewrites an article whose file was edited by hand.

The import records a digest of the file it wrote (``import_hash``; older imports the words,
``content_hash``); a file that no longer matches is listed as "edited by hand, kept", and only
``--overwrite-edits`` replaces it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_import import CONFIG, WORDS, Archive

SOURCE = "https://news.example.com/2021/01/12/harbour"
RECORD = {"title": "Harbour budget approved", "text": WORDS * 3 + "\n\nSubscribe to our newsletter today.",
          "date": "2021-01-12", "url": SOURCE, "tags": ["Harbour"]}
FILE = "content/2021/harbour-budget-approved.md"


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    return Archive(tmp_path / "archive")


def _import_then_retag(archive: Archive) -> Path:
    """One article imported; then the tag rules change, so --update has something to rewrite."""
    archive.write("d.jsonl", json.dumps(RECORD) + "\n")
    assert archive.run("inputs/d.jsonl").returncode == 0
    (archive.root / "site_config.yaml").write_text(CONFIG + "  max_source_tags: 0\n", encoding="utf-8")
    return archive.root / FILE


def test_update_keeps_a_body_edited_by_hand_and_says_so(archive: Archive) -> None:
    path = _import_then_retag(archive)
    edited = path.read_text(encoding="utf-8").replace("Subscribe to our newsletter today.\n", "")
    path.write_text(edited, encoding="utf-8")
    before = archive.content()
    result = archive.run("--update", "inputs/d.jsonl")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == (
        f"inputs/d.jsonl:1: edited by hand, kept: {FILE} (it changed since the import wrote "
        "it; --overwrite-edits replaces it)")
    assert "1 edited by hand, kept" in result.stdout
    assert archive.content() == before


def test_overwrite_edits_replaces_the_edited_body(archive: Archive) -> None:
    path = _import_then_retag(archive)
    path.write_text(path.read_text(encoding="utf-8").replace("Subscribe to our", "Hand-edited"),
                    encoding="utf-8")
    result = archive.run("--update", "--overwrite-edits", "inputs/d.jsonl")
    assert result.returncode == 0 and "1 updated" in result.stdout, result.stdout
    text = path.read_text(encoding="utf-8")
    assert "Subscribe to our newsletter" in text and "Hand-edited" not in text
    assert "tags:" not in text  # the new import, with the new settings, was written


def test_update_rewrites_an_unedited_article(archive: Archive) -> None:
    path = _import_then_retag(archive)
    assert "tags: [Harbour]" in path.read_text(encoding="utf-8")
    result = archive.run("--update", "inputs/d.jsonl")
    assert result.returncode == 0 and "1 updated" in result.stdout, result.stdout
    assert "tags:" not in path.read_text(encoding="utf-8")


def test_reimport_without_update_changes_nothing_edited_or_not(archive: Archive) -> None:
    path = _import_then_retag(archive)
    path.write_text(path.read_text(encoding="utf-8").replace("Subscribe to our", "Hand-edited"),
                    encoding="utf-8")
    before, mtimes = archive.content(), archive.mtimes()
    result = archive.run("inputs/d.jsonl")
    assert result.returncode == 0 and "1 unchanged" in result.stdout, result.stdout
    assert (archive.content(), archive.mtimes()) == (before, mtimes)


def test_a_hand_written_article_with_the_same_headline_and_source_is_kept(archive: Archive) -> None:
    """No ``content_hash``: no import wrote it, so --update has no right to it."""
    hand = (f'---\ntitle: "Harbour budget approved"\ndate: 2021-01-12\nsource: {SOURCE}\n---\n\n'
            "Written by the editor.\n")
    (archive.root / "content/2021").mkdir(parents=True)
    (archive.root / FILE).write_text(hand, encoding="utf-8")
    archive.write("d.jsonl", json.dumps(RECORD) + "\n")
    result = archive.run("--update", "inputs/d.jsonl")
    assert result.returncode == 0 and "1 edited by hand, kept" in result.stdout, result.stdout
    assert (archive.root / FILE).read_text(encoding="utf-8") == hand


def test_update_keeps_a_front_matter_edited_by_hand(archive: Archive) -> None:
    """A corrected title or a tag removed by hand is an edit too: the file records a digest of
    everything the import wrote (``import_hash``), not only of its words."""
    path = _import_then_retag(archive)
    edited = path.read_text(encoding="utf-8").replace('title: "Harbour budget approved"',
                                                      'title: "Harbour budget approved by council"')
    path.write_text(edited, encoding="utf-8")
    result = archive.run("--update", "inputs/d.jsonl")
    assert result.returncode == 0 and "1 edited by hand, kept" in result.stdout, result.stdout
    assert path.read_text(encoding="utf-8") == edited


def test_line_endings_changed_by_an_editor_are_no_edit(archive: Archive) -> None:
    path = _import_then_retag(archive)
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    result = archive.run("--update", "inputs/d.jsonl")
    assert result.returncode == 0 and "1 updated" in result.stdout, result.stdout


def test_a_file_of_an_import_without_import_hash_is_judged_by_its_words(archive: Archive) -> None:
    """Files written before ``import_hash`` existed: an unedited body may be updated, an edited
    one is kept."""
    path = _import_then_retag(archive)
    older = "".join(line for line in path.read_text(encoding="utf-8").splitlines(keepends=True)
                    if not line.startswith("import_hash:"))
    path.write_text(older, encoding="utf-8")
    result = archive.run("--update", "inputs/d.jsonl")
    assert result.returncode == 0 and "1 updated" in result.stdout, result.stdout

    path.write_text(older.replace("Subscribe to our", "Hand-edited"), encoding="utf-8")
    result = archive.run("--update", "--overwrite-edits", "inputs/d.jsonl")
    assert "1 updated" in result.stdout
    path.write_text(path.read_text(encoding="utf-8").replace("Subscribe to our", "Hand-edited"),
                    encoding="utf-8")
    result = archive.run("--update", "inputs/d.jsonl")
    assert "1 edited by hand, kept" in result.stdout, result.stdout
