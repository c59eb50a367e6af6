"""Atomic incremental updates of the output: changed files are staged, then moved in by a journal.

A full build swaps a whole new folder in (``staging.py``), which costs time in proportion to
the site. An incremental build writes only what changed, into a *pending* folder beside the
output (same filesystem, so moving a file in is one ``rename``), and nothing in the output is
touched until every page, static file and search bundle is ready. Then the build commits its
state together with this journal in one SQLite transaction, and only then applies it:

* delete the outputs nothing produces any more (pruning emptied folders);
* swap each new search bundle folder in whole;
* rename each pending file over its output (the search manifest naming the new bundles too);
* remove the bundle folders the manifest no longer names.

A failure or Ctrl-C before the commit discards the pending folder: every output file is as it
was and the state is the previous one. A crash after it (power loss, SIGKILL) is repaired by
the next build, which finds the journal and rolls it forward; every step can be repeated.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from archivegen.errors import OutputError, Problem
from archivegen.parallel import Progress

PROGRESS_BATCH = 1000  # files moved in between two progress reports


def pending_name(relative: str) -> str:
    """A changed file's name in the pending folder: flat, because creating (and afterwards
    removing) a folder per page costs more than writing the page."""
    return hashlib.blake2b(relative.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()


@dataclass
class Journal:
    output: str
    pending: str
    files: list[str] = field(default_factory=list)  # written into pending (flat), to move in
    folders: list[str] = field(default_factory=list)  # folders to replace whole (search bundles)
    deletes: list[str] = field(default_factory=list)  # output files to remove
    drop_folders: list[str] = field(default_factory=list)  # output folders to remove


def pending_folder(output: Path) -> Path:
    """A fresh folder beside the output for this build's changed files."""
    path = output.parent / f".{output.name}.pending-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        path.mkdir(parents=True)
    except OSError as exc:
        raise OutputError([Problem(str(path), f"cannot create the pending folder: {exc.strerror}")]) from None
    return path


def same_filesystem(output: Path) -> bool:
    """Whether pending files beside ``output`` can be renamed into it."""
    try:
        return os.stat(output).st_dev == os.stat(output.parent).st_dev
    except OSError:
        return False


@dataclass
class TreeSize:
    """Files and bytes in a folder: what the build summary says the output holds."""

    files: int = 0
    bytes: int = 0

    def add(self, files: int, size: int) -> None:
        self.files += files
        self.bytes += size


def tree_size(folder: Path) -> TreeSize:
    """Count the files below ``folder`` (symlinks as the files they are; none when it is missing)."""
    size = TreeSize()
    stack = [str(folder)]
    while stack:
        try:
            with os.scandir(stack.pop()) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(entry.path)
                    else:
                        size.add(1, entry.stat(follow_symlinks=False).st_size)
        except (FileNotFoundError, NotADirectoryError):
            continue
    return size


def paths_size(root: Path, relatives: list[str]) -> TreeSize:
    """What the given files and folders ('name/') below ``root`` hold."""
    size = TreeSize()
    for relative in relatives:
        if relative.endswith("/"):
            found = tree_size(root / relative)
            size.add(found.files, found.bytes)
        elif (bytes_ := _file_size(root / relative)) is not None:
            size.add(1, bytes_)
    return size


def _file_size(path: Path) -> int | None:
    try:
        return path.lstat().st_size
    except FileNotFoundError:
        return None


def apply(journal: Journal, on_done: Progress | None = None) -> TreeSize:
    """Carry the journal out; safe to repeat after a crash half-way.

    Returns how the output's file count and size changed (only meaningful for a first,
    complete application); ``on_done`` is told how many files were moved in, in batches.
    """
    output, pending = Path(journal.output), Path(journal.pending)
    delta = TreeSize()
    try:
        for relative in journal.deletes:
            if (old := _file_size(output / relative)) is not None:
                delta.add(-1, -old)
            _remove(output, output / relative, folder=False)
        retired = pending / ".replaced"
        for relative in journal.folders:
            source, target = pending / relative, output / relative
            if not source.is_dir():
                continue  # moved in before a crash
            if target.exists():
                replaced = tree_size(target)
                delta.add(-replaced.files, -replaced.bytes)
                (retired / relative).parent.mkdir(parents=True, exist_ok=True)
                os.rename(target, retired / relative)
            added = tree_size(source)
            delta.add(added.files, added.bytes)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.rename(source, target)
        folders: set[Path] = set()
        for moved, relative in enumerate(journal.files, start=1):
            source = pending / pending_name(relative)
            if (new := _file_size(source)) is not None:  # else moved in before a crash
                target = output / relative
                if target.parent not in folders:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    folders.add(target.parent)
                old = _file_size(target)
                delta.add(0 if old is not None else 1, new - (old or 0))
                os.replace(source, target)
            if on_done and moved % PROGRESS_BATCH == 0:
                on_done(PROGRESS_BATCH)
        if on_done and len(journal.files) % PROGRESS_BATCH:
            on_done(len(journal.files) % PROGRESS_BATCH)
        for relative in journal.drop_folders:
            dropped = tree_size(output / relative)
            delta.add(-dropped.files, -dropped.bytes)
            _remove(output, output / relative, folder=True)
    except OSError as exc:
        raise OutputError([Problem(str(exc.filename or output),
                                   f"cannot update the output: {exc.strerror}")]) from None
    shutil.rmtree(pending, ignore_errors=True)
    return delta


def _remove(output: Path, path: Path, folder: bool) -> None:
    if folder:
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
    parent = path.parent
    while parent != output and parent.is_relative_to(output):
        try:
            parent.rmdir()  # only succeeds when empty
        except OSError:
            break
        parent = parent.parent


def clean_stale_pending(output: Path, keep: Path | None = None) -> None:
    """Remove pending folders of builds that died before committing (we hold the build lock)."""
    prefix = f".{output.name}.pending-"
    if output.parent.is_dir():
        for candidate in output.parent.iterdir():
            if candidate.name.startswith(prefix) and candidate != keep:
                shutil.rmtree(candidate, ignore_errors=True)
