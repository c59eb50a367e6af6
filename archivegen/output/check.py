"""Outputs are checked, not trusted: find the files of the output that changed since a build
wrote them.

A build records, for every file it wrote, the stat signature the file had right after (size,
mtime, inode). The next build stats every recorded output again: a file that is gone (``rm
site/index.html``, an emptied ``site/``) is damaged; a file whose signature moved is read and
hashed, and it is damaged only when its bytes differ from the ones written (a ``touch`` or a
copy that kept the bytes only refreshes the signature). Damaged outputs are produced again.

Search bundles are whole folders named by their content (``pagefind/s-…/``); they are checked
by the signatures of the folder and its sub-folders, whose mtimes move whenever a file inside
is added, removed or renamed over. A file edited in place inside a bundle is not noticed.

Stat calls cost a few microseconds each on a virtual machine, and an archive of 100,000
articles has some 130,000 pages, so a big check runs in a process of its own while the build
scans the content folder.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from archivegen.output.digests import file_digest_or_none
from archivegen.parallel import Forked, inherited

OutputStat = tuple[int, int, int]  # size (0 for a folder), mtime_ns, inode
PARALLEL_FROM = 20_000  # outputs; below this, checking them here is quicker than forking


def _stat(root: str, relative: str) -> OutputStat | None:
    """The signature of one output; a folder output (``name/``) includes its sub-folders."""
    try:
        if not relative.endswith("/"):
            found = os.stat(os.path.join(root, relative))
            return (found.st_size, found.st_mtime_ns, found.st_ino)
        folder = os.path.join(root, relative)
        mtime, inode = os.stat(folder).st_mtime_ns, 0
        with os.scandir(folder) as listing:
            for entry in listing:
                if entry.is_dir(follow_symlinks=False):
                    sub = entry.stat(follow_symlinks=False)
                    mtime, inode = max(mtime, sub.st_mtime_ns), inode ^ sub.st_ino
        return (0, mtime, inode)
    except OSError:
        return None


def output_stats(root: Path, outputs: Iterable[str]) -> dict[str, OutputStat]:
    """Signatures of outputs just written (missing ones are left out)."""
    base = str(root)
    stats = {}
    for relative in outputs:
        found = _stat(base, relative)
        if found is not None:
            stats[relative] = found
    return stats


@dataclass
class OutputCheck:
    """What a check of the output found."""

    damaged: list[str] = field(default_factory=list)  # missing, or bytes not the ones written
    refreshed: dict[str, OutputStat] = field(default_factory=dict)  # same bytes, new signature


def _moved(items: Sequence[tuple[str, str, OutputStat]]) -> list[tuple[str, OutputStat | None]]:
    """(path, its signature now, None when gone) of every output whose signature moved."""
    moved = []
    for root, relative, recorded in items:
        now = _stat(root, relative)
        if now != recorded:
            moved.append((relative, now))
    return moved


class OutputCheckRun:
    """A check of the outputs: the stat calls run in a forked process (when there are many),
    so the build scans its content at the same time, then ``result`` compares the bytes of the
    outputs whose signature moved."""

    def __init__(self, root: Path, recorded: Mapping[str, OutputStat]) -> None:
        self.root = root
        items = [(str(root), relative, stat) for relative, stat in recorded.items()]
        if len(items) >= PARALLEL_FROM:
            self._moved: Forked[list[tuple[str, OutputStat | None]]] | list[tuple[str, OutputStat | None]] \
                = Forked(_moved_inherited, {"items": items})
        else:
            self._moved = _moved(items)

    def result(self, digest_of: Callable[[str], str | None]) -> OutputCheck:
        """``digest_of(path)`` is the hash of the bytes the file was written with
        (``digests.py: file_digest``)."""
        moved = self._moved if isinstance(self._moved, list) else self._moved.result()
        found = OutputCheck()
        for relative, now in moved:
            if now is None or relative.endswith("/") or \
                    file_digest_or_none(self.root / relative) != digest_of(relative):
                found.damaged.append(relative)
            else:
                found.refreshed[relative] = now
        found.damaged.sort()
        return found


def _moved_inherited() -> list[tuple[str, OutputStat | None]]:
    return _moved(inherited("items"))
