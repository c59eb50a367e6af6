"""``archivegen init``: a small, working archive to start from.

The theme itself is not copied: it ships inside the package, and templates/ holds only the
files a user chooses to override (copy one from the package's theme/templates/ to change it).
"""

from __future__ import annotations

from pathlib import Path

from archivegen.errors import ArchivegenError, Problem

SCAFFOLD_DIR = Path(__file__).resolve().parent
FILES = {
    "site_config.yaml": "site_config.yaml",
    "gitignore": ".gitignore",
    "content/welcome.md": "content/2026/welcome-to-your-archive.md",
    "templates_README.txt": "templates/README.txt",
}


def create_archive(directory: Path) -> list[Path]:
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise ArchivegenError([Problem(str(directory), "refusing to initialize: the folder "
                                                       "exists and is not empty")])
    created = []
    try:
        for source, target in FILES.items():
            path = directory / target
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes((SCAFFOLD_DIR / source).read_bytes())
            created.append(path)
    except OSError as exc:
        raise ArchivegenError([Problem(str(exc.filename or directory),
                                       f"cannot create: {exc.strerror}")]) from None
    return created
