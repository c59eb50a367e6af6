"""Shared pytest options and helpers."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


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
