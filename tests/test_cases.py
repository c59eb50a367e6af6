"""Bad inputs as case files: one folder per case under ``tests/cases/``, run by one test.

A case is what a user would do to an archive and what they must see, with no Python in
between (Zola's invalid-site cases are the model):

* ``files/``: files laid over a copy of the base archive ``tests/cases/_base/`` (already built
  once, so a failing case also proves the previous site survives);
* ``case.toml``: ``checklist`` (the row of shared/CHECKLIST.md), ``about``, ``command`` (the
  arguments after ``archivegen``; default ``["build"]``), ``exit`` (the status) and ``stderr``
  (the exact lines, in order).

Every case must also keep the general promises of a failed run: no traceback, every stderr line
in the ``path:LINE[:COL]: message`` shape (or ``warning:`` / ``archivegen:``), ``site/`` and
``content/`` byte-identical, and no staging folder left behind. Add a case by adding a folder.
"""

from __future__ import annotations

import re
import shutil
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import tree_bytes
from tests.projects import Archive

CASES = Path(__file__).parent / "cases"
BASE = CASES / "_base"
LOCATED = re.compile(r"[^\s:][^:]*:\d+(:\d+)?: \S.*|warning: \S.*|archivegen: \S.*")


@dataclass(frozen=True)
class Case:
    folder: Path
    checklist: str
    about: str
    command: list[str]
    exit: int
    stderr: list[str]

    @staticmethod
    def load(folder: Path) -> Case:
        spec = tomllib.loads((folder / "case.toml").read_text(encoding="utf-8"))
        unknown = set(spec) - {"checklist", "about", "command", "exit", "stderr"}
        assert not unknown, f"{folder.name}/case.toml: unknown keys {sorted(unknown)}"
        return Case(folder, spec["checklist"], spec["about"], spec.get("command", ["build"]),
                    spec["exit"], spec["stderr"].strip("\n").splitlines())


def all_cases() -> list[Case]:
    return [Case.load(folder) for folder in sorted(CASES.iterdir())
            if folder.is_dir() and folder != BASE]


@pytest.fixture(scope="session")
def built_base(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    archive = Archive(tmp_path_factory.mktemp("cases") / "archive")
    shutil.copytree(BASE, archive.root)
    archive.build()
    return archive


@pytest.mark.parametrize("case", all_cases(), ids=lambda case: case.folder.name)
def test_case(case: Case, built_base: Archive, tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive")
    shutil.copytree(built_base.root, archive.root, symlinks=True)
    site_before = tree_bytes(archive.site)
    shutil.copytree(case.folder / "files", archive.root, dirs_exist_ok=True)
    content_before = tree_bytes(archive.root / "content")

    result = archive.cli(*case.command)

    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == case.stderr, f"{case.checklist}: {case.about}"
    assert result.returncode == case.exit, result.stdout
    for line in result.stderr.splitlines():
        assert LOCATED.fullmatch(line), f"not a located error line: {line}"
    if case.exit != 0:
        assert tree_bytes(archive.site) == site_before, "a failed run changed the previous site"
    assert tree_bytes(archive.root / "content") == content_before, "content/ changed"
    leftovers = [*archive.root.glob(".site.staging-*"), *archive.root.glob(".site.pending-*")]
    assert leftovers == []


def test_every_case_names_a_checklist_row() -> None:
    rows = {case.checklist for case in all_cases()}
    assert rows and all(re.fullmatch(r"[A-Z]\d+", row) for row in rows), rows
