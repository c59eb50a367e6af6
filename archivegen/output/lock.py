"""One build at a time per project: a second build (or a build during serve) fails clearly."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from types import TracebackType

from archivegen.errors import OutputError, Problem

# The project's private folder: the lock, the compiled templates, and the build state and last build's
# status of the configured output (other output folders keep theirs below, see state/location.py).
STATE_DIR_NAME = ".archivegen"


class BuildLock:
    def __init__(self, state_dir: Path) -> None:
        self.path = state_dir / "build.lock"
        self._fd: int | None = None

    def __enter__(self) -> BuildLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            message = "another archivegen build or deploy is running in this project; try again later"
            raise OutputError([Problem(str(self.path), message)]) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
