"""One way for tests to make an archive on disk, build it, and run the real console script.

Tests describe an archive as a dict of files (``{"content/2020/a.md": article(...)}``) and get
an ``Archive`` that builds in-process (fast, with a ``BuildReport`` to inspect) or runs
``archivegen`` in a subprocess (what a user sees: exact stdout, stderr and exit status).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from archivegen.build import BuildOptions, BuildReport, BuildWatcher, build

CONFIG = "title: Test archive\nbase_url: https://example.org/archive/\ntimezone: UTC\n"


def article(title: str, date: str, body: str = "Body text.", **fields: object) -> str:
    """An article file: front matter written by YAML (so any title round-trips), then the body."""
    front = {"title": title, "date": date, **fields}
    return f"---\n{yaml.safe_dump(front, allow_unicode=True, sort_keys=False)}---\n\n{body}\n"


def console_script() -> str:
    """The installed ``archivegen`` command (beside this interpreter, else on PATH)."""
    beside = Path(sys.executable).parent / "archivegen"
    found = str(beside) if beside.exists() else shutil.which("archivegen")
    assert found, "the archivegen console script is not installed (pip install -e .)"
    return found


@dataclass
class Archive:
    root: Path

    @property
    def site(self) -> Path:
        return self.root / "site"

    def write(self, relative: str, text: str | bytes) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    def build(self, watcher: BuildWatcher | None = None, **options: object) -> BuildReport:
        """Build in this process (one worker unless given), as the library API does."""
        options.setdefault("workers", 1)
        return build(BuildOptions(config_path=self.root / "site_config.yaml", **options),  # type: ignore[arg-type]
                     watcher)

    def cli(self, *args: str, cwd: Path | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
        """Run ``archivegen ARGS`` in the project folder (or ``cwd``), as a user would."""
        env = {**os.environ, "COLUMNS": "200"}
        return subprocess.run([console_script(), *args], cwd=cwd or self.root, capture_output=True,
                              text=True, timeout=timeout, env=env, stdin=subprocess.DEVNULL)


def make_archive(tmp_path: Path, files: dict[str, str | bytes], config: str = CONFIG,
                 name: str = "archive") -> Archive:
    """An archive folder with ``site_config.yaml`` and the given files (paths from its root)."""
    archive = Archive(tmp_path / name)
    archive.write("site_config.yaml", config)
    (archive.root / "content").mkdir(exist_ok=True)
    for relative, text in files.items():
        archive.write(relative, text)
    return archive
