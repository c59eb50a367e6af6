"""Inputs are recognised or refused: what ``archivegen import`` does with files that are no article.

Before, a Markdown article named on the command line was imported as a text dump (its front
matter became the headline) and ``site_config.yaml`` failed with "no publication date found";
a folder of only .md and .svg files said "nothing to import" and exited 0.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_import import Archive, html_page

WELCOME = """---
title: "Welcome"
date: 2026-01-02T10:00:00+00:00
---

Welcome to the archive. This article was written by hand and is content already.
"""


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    return Archive(tmp_path / "archive")


def test_a_markdown_article_named_is_refused_as_content_already(archive: Archive) -> None:
    article = archive.root / "content" / "2026" / "welcome.md"
    article.parent.mkdir(parents=True)
    article.write_text(WELCOME, encoding="utf-8")
    before = archive.content()
    result = archive.run("content/2026/welcome.md")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "content/2026/welcome.md:1: it is a Markdown article, already content: put it in content/"]
    assert archive.content() == before


@pytest.mark.parametrize(("name", "data", "kind"), [
    ("site_config.yaml", "title: x\n", "it is a YAML file (configuration?), not an article"),
    ("logo.svg", '<svg xmlns="http://www.w3.org/2000/svg"/>', "it is an image, not an article"),
    ("story.pdf", "%PDF-1.4\n", "it is a PDF document: save the article as HTML or text to import it"),
])
def test_a_named_file_of_another_kind_is_one_line_naming_its_kind(
        archive: Archive, name: str, data: str, kind: str) -> None:
    path = archive.write(name, data)
    result = archive.run(path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [f"{path}:1: {kind}"]
    assert not archive.content()


def test_a_folder_of_no_inputs_says_what_it_skipped_and_exits_1(archive: Archive) -> None:
    archive.write("pages/notes.md", WELCOME)
    archive.write("pages/logo.svg", "<svg/>")
    archive.write("pages/more/photo.jpg", b"\xff\xd8\xff")
    result = archive.run(archive.root / "inputs" / "pages")
    assert result.returncode == 1
    assert "nothing to import" in result.stdout
    assert "passed over: 2 image files, 1 Markdown file" in result.stdout


def test_a_folder_imports_its_articles_and_counts_the_rest(archive: Archive) -> None:
    story = html_page("Harbour budget approved", ["The council approved it. " * 30])
    archive.write("pages/story.html", story)
    archive.write("pages/README.md", WELCOME)
    archive.write("pages/feed.xsl", "<xsl/>")
    result = archive.run(archive.root / "inputs" / "pages")
    assert result.returncode == 0, result.stderr
    assert "1 imported" in result.stdout
    assert "passed over: 1 Markdown file, 1 file of another kind" in result.stdout
