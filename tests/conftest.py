"""Shared pytest options, helpers and the browser tests' fixtures."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser_support import Watched, chromium, serve, watched_page

# ../shared beside the repository (as CI has it); ARCHIVEGEN_SHARED points elsewhere, for a git
# worktree whose parent folder has no shared/.
SHARED = Path(os.environ.get("ARCHIVEGEN_SHARED") or Path(__file__).resolve().parent.parent.parent / "shared")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="Rewrite tests/golden/ from the current output instead of comparing.")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Every file under root (relative posix path -> bytes): the unit of 'byte-identical'."""
    return {path.relative_to(root).as_posix(): path.read_bytes()
            for path in sorted(root.rglob("*")) if path.is_file()}


SEARCH_BUNDLES = "pagefind/"


def pages_bytes(root: Path) -> dict[str, bytes]:
    """``tree_bytes`` without the Pagefind bundles.

    Pagefind does not write byte-identical bundles on every run (the hashed file names of a
    multi-language year vary), so comparisons between *separate* clean builds leave them out;
    builds of one project reuse the kept bundle and stay byte-identical, bundles included.
    """
    return {name: data for name, data in tree_bytes(root).items() if not name.startswith(SEARCH_BUNDLES)}


# --- browser tests (tests/test_browser_*.py) -------------------------------------------------
# A module that defines ``site_dir`` (its built site) gets ``base_url`` (that site served on
# 127.0.0.1) and ``watched`` (a fresh page that must end clean); every module shares how
# Chromium is launched. A module's own fixture of the same name takes precedence.

@pytest.fixture(scope="module")
def base_url(site_dir: Path) -> Iterator[str]:
    with serve(site_dir) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def watched(browser, base_url: str) -> Iterator[Watched]:
    with watched_page(browser, base_url) as w:
        yield w
