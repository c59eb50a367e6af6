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

The output holds only what the build makes: a file put into it by hand (``site/ads.txt``) would
survive incremental builds and vanish at the next full one, so every build removes it (files for
the site belong in ``static/``). Listing every folder of a big output costs several times what
stat-ing its files does, so a build records the signature of every folder it writes into, and
the check lists only the folders whose signature moved: anything in them the build did not
write is a *stray*.

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
FolderStat = tuple[int, int]  # mtime_ns, inode of a folder of the output ('' is the output itself)
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


def _folder_stat(root: str, folder: str) -> FolderStat | None:
    try:
        found = os.stat(os.path.join(root, folder) if folder else root)
    except OSError:
        return None
    return (found.st_mtime_ns, found.st_ino)


def output_folders(outputs: Iterable[str]) -> set[str]:
    """The folders holding ``outputs`` ('' for the output itself), a bundle folder's parent
    included but not the bundle folder, which is an output of its own."""
    folders = {""}
    for relative in outputs:
        parts = relative.rstrip("/").split("/")[:-1]
        for end in range(len(parts), 0, -1):
            folder = "/".join(parts[:end])
            if folder in folders:
                break
            folders.add(folder)
    return folders


def folder_stats(root: Path, folders: Iterable[str]) -> dict[str, FolderStat]:
    """Signatures of output folders (missing ones are left out)."""
    base = str(root)
    return {folder: found for folder in folders if (found := _folder_stat(base, folder)) is not None}


@dataclass
class OutputCheck:
    """What a check of the output found."""

    damaged: list[str] = field(default_factory=list)  # missing, or bytes not the ones written
    refreshed: dict[str, OutputStat] = field(default_factory=dict)  # same bytes, new signature
    strays: list[str] = field(default_factory=list)  # files ('x') and folders ('x/') no build wrote
    folders: dict[str, FolderStat | None] = field(default_factory=dict)  # moved folders' signatures


def _moved(items: Sequence[tuple[str, str, OutputStat]]) -> list[tuple[str, OutputStat | None]]:
    """(path, its signature now, None when gone) of every output whose signature moved."""
    moved = []
    for root, relative, recorded in items:
        now = _stat(root, relative)
        if now != recorded:
            moved.append((relative, now))
    return moved


def _moved_folders(root: str, folders: Mapping[str, FolderStat]) -> list[tuple[str, FolderStat | None]]:
    """(folder, its signature now, None when gone) of every recorded folder whose signature moved."""
    return [(folder, now) for folder, recorded in folders.items()
            if (now := _folder_stat(root, folder)) != recorded]


_Moved = tuple[list[tuple[str, OutputStat | None]], list[tuple[str, FolderStat | None]]]


class OutputCheckRun:
    """A check of the outputs: the stat calls run in a forked process (when there are many),
    so the build scans its content at the same time, then ``result`` compares the bytes of the
    outputs whose signature moved and lists the folders whose signature moved.

    ``folders``: the signatures recorded for the output's folders (``folder_stats``); a folder
    without one is not looked into, so strays are found once the build recorded them all.
    """

    def __init__(self, root: Path, recorded: Mapping[str, OutputStat],
                 folders: Mapping[str, FolderStat] | None = None) -> None:
        self.root, self.recorded, self.recorded_folders = root, recorded, folders or {}
        items = [(str(root), relative, stat) for relative, stat in recorded.items()]
        if len(items) >= PARALLEL_FROM:
            self._moved: Forked[_Moved] | _Moved = Forked(
                _moved_inherited, {"items": items, "root": str(root), "folders": self.recorded_folders})
        else:
            self._moved = (_moved(items), _moved_folders(str(root), self.recorded_folders))

    def result(self, digest_of: Callable[[str], str | None],
               written_under: Callable[[str], bool] = lambda folder: False) -> OutputCheck:
        """``digest_of(path)`` is the hash of the bytes the file was written with
        (``digests.py: file_digest``), None for a path no build wrote; ``written_under('x/')``
        whether a build wrote anything below a folder. They have the last word on strays: a
        build that died after its commit left outputs its successor moved in (``recover``)
        whose signatures were never recorded."""
        moved, moved_folders = self._moved if isinstance(self._moved, tuple) else self._moved.result()
        found = OutputCheck()
        for relative, now in moved:
            if now is None or relative.endswith("/") or \
                    file_digest_or_none(self.root / relative) != digest_of(relative):
                found.damaged.append(relative)
            else:
                found.refreshed[relative] = now
        found.damaged.sort()
        if moved_folders:
            found.folders = dict(moved_folders)
            strays = self._strays([folder for folder, now in moved_folders if now is not None])
            found.strays = [stray for stray in strays
                            if not (written_under(stray) if stray.endswith("/") else digest_of(stray))]
        return found

    def _strays(self, folders: list[str]) -> list[str]:
        """What the given folders hold that no build wrote: files, and folders as 'name/'."""
        known: dict[str, set[str]] = {folder: set() for folder in folders}
        for relative in [*self.recorded, *self.recorded_folders]:
            parent, _, name = relative.rstrip("/").rpartition("/")
            if name and parent in known:
                known[parent].add(name)
        strays = []
        for folder in folders:
            try:
                with os.scandir(self.root / folder) as listing:
                    for entry in listing:
                        if entry.name not in known[folder]:
                            relative = f"{folder}/{entry.name}" if folder else entry.name
                            strays.append(relative + "/" if entry.is_dir(follow_symlinks=False) else relative)
            except OSError:
                continue  # gone meanwhile: its outputs are damaged, and restored
        return sorted(strays)


def _moved_inherited() -> _Moved:
    return _moved(inherited("items")), _moved_folders(inherited("root"), inherited("folders"))
