"""The commit protocol: how a build's output change becomes the output, all or nothing.

One interface, two ways:

* ``FolderSwap`` (a full build): everything is rendered into a staging folder beside the
  output, which replaces it in one rename; the state is saved after the swap.
* ``JournalCommit`` (an incremental build): changed files are staged flat in a pending folder;
  the state is saved together with a journal naming every move, in one transaction, and only
  then is the journal carried out (``output/journal.py``). A crash after the save is finished
  by the next build's ``recover``.

Either way, nothing in the output changes before ``commit``, and ``discard`` leaves the
previous output as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from archivegen.output import journal
from archivegen.output.journal import Journal, TreeSize, tree_size
from archivegen.output.staging import FileWriter, Staging
from archivegen.parallel import Progress
from archivegen.state.store import BuildState

SaveState = Callable[[Journal | None], None]  # saves the build's state, with the journal if any


@dataclass
class OutputChange:
    """What a build changes in the output, as staged below the commit's ``root``."""

    files: list[str] = field(default_factory=list)  # staged files to move in
    folders: list[str] = field(default_factory=list)  # staged folders to swap in whole
    deletes: list[str] = field(default_factory=list)  # output files to remove
    drop_folders: list[str] = field(default_factory=list)  # output folders to remove
    strays: list[str] = field(default_factory=list)  # files and folders ('x/') no build wrote, to remove

    @property
    def written(self) -> list[str]:
        """Every output this change writes (folders as ``name/``, as the state records them)."""
        return [*self.files, *(f"{folder}/" for folder in self.folders)]


class OutputCommit:
    """Where a build stages its output change, and how it makes the change the output."""

    flat: bool  # files are staged under flat names (``journal.pending_name``)

    def __init__(self, output: Path, root: Path) -> None:
        self.output, self.root = output, root

    def writer(self) -> FileWriter:
        return FileWriter(self.root, self.flat)

    def commit(self, change: OutputChange, save: SaveState, on_done: Progress | None = None) -> TreeSize:
        """Make ``change`` the output and save the state; return what the output holds now."""
        raise NotImplementedError

    def discard(self) -> None:
        raise NotImplementedError


class FolderSwap(OutputCommit):
    flat = False

    def __init__(self, output: Path) -> None:
        self._staging = Staging(output)
        self._staging.clean_stale()
        journal.clean_stale_pending(output)
        super().__init__(output, self._staging.create())

    def commit(self, change: OutputChange, save: SaveState, on_done: Progress | None = None) -> TreeSize:
        holds = tree_size(self.root)
        self._staging.commit()
        save(None)
        return holds

    def discard(self) -> None:
        self._staging.discard()


class JournalCommit(OutputCommit):
    flat = True

    def __init__(self, output: Path, state: BuildState) -> None:
        Staging(output).clean_stale()
        journal.clean_stale_pending(output)
        self._state = state
        super().__init__(output, journal.pending_folder(output))

    def commit(self, change: OutputChange, save: SaveState, on_done: Progress | None = None) -> TreeSize:
        strays = journal.paths_size(self.output, change.strays)  # never counted in what it holds
        entry = Journal(output=str(self.output), pending=str(self.root), files=change.files,
                        folders=change.folders,
                        deletes=[*change.deletes, *(p for p in change.strays if not p.endswith("/"))],
                        drop_folders=[*change.drop_folders, *(p for p in change.strays if p.endswith("/"))])
        save(entry)
        return _holds_after(self._state, self.output, journal.apply(entry, on_done), strays)

    def discard(self) -> None:
        if self._state.journal() is None:  # else committed: the next build finishes it
            journal.clean_stale_pending(self.output)


def open_commit(full: bool, output: Path, state: BuildState) -> OutputCommit:
    return FolderSwap(output) if full else JournalCommit(output, state)


def recover(state: BuildState) -> None:
    """Finish the journal of a build that died after committing its state."""
    pending = state.journal()
    if isinstance(pending, Journal):
        journal.apply(pending)
    if pending is not None:
        with state.transaction():
            state.clear_journal()
            state.set_meta("holds", "")  # part of the journal was applied before: recount


def _holds_after(state: BuildState, output: Path, delta: TreeSize, strays: TreeSize) -> TreeSize:
    """What the output holds after an incremental build: the recorded size plus its change
    (whose removal of strays is no change: the recorded size never counted them), or (when no
    size was recorded) a count of the output, once."""
    recorded = (state.meta("holds") or "").split()
    if len(recorded) != 2:
        return tree_size(output)
    holds = TreeSize(int(recorded[0]), int(recorded[1]))
    holds.add(delta.files + strays.files, delta.bytes + strays.bytes)
    return holds
