"""The golden output tree: a small fixture archive must build to exactly tests/golden/site/.

Any change to the rendered output shows up here as a readable diff. When the change is
intended, regenerate with ``pytest tests/test_golden.py --update-golden`` and review the diff.
"""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

from archivegen.build import BuildOptions, build
from tests.conftest import pages_bytes
from tests.search_support import manifest

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixtures" / "golden-archive"
GOLDEN = HERE / "golden" / "site"


def fixture_copy(tmp_path: Path) -> Path:
    """A private copy of the fixture project (a build leaves its state folder in the project)."""
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project)
    return project / "site_config.yaml"


def test_fixture_archive_matches_golden_tree(tmp_path: Path, update_golden: bool) -> None:
    output = tmp_path / "site"
    build(BuildOptions(config_path=fixture_copy(tmp_path), output_dir=output, workers=1))
    built = pages_bytes(output)
    if update_golden:
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(output, GOLDEN, ignore=shutil.ignore_patterns("pagefind"))
        return
    expected = pages_bytes(GOLDEN)
    shards = [shard["path"] for shard in manifest(output)["shards"]]
    assert shards and all((output / "pagefind" / shard / "pagefind.js").is_file() for shard in shards)
    assert sorted(built) == sorted(expected), "the set of output files changed"
    for name, data in expected.items():
        if built[name] != data:
            diff = "\n".join(difflib.unified_diff(
                data.decode().splitlines(), built[name].decode().splitlines(),
                f"golden/{name}", f"built/{name}", lineterm="", n=2))
            raise AssertionError(f"{name} differs from the golden tree:\n{diff[:4000]}")


def test_parallel_build_is_byte_identical_to_serial(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("archivegen.render.stage.CHUNK_SIZE", 2)  # many chunks: really forks
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    config = fixture_copy(tmp_path)
    build(BuildOptions(config_path=config, output_dir=serial, workers=1))
    build(BuildOptions(config_path=config, output_dir=parallel, workers=2))
    assert pages_bytes(serial) == pages_bytes(parallel)
