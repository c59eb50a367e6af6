"""Build into a staging directory beside the output, then swap it in with one rename.

Until the swap, the previous output is untouched: a bad article, a template error, an exception
or Ctrl-C mid-build discards the staging directory and leaves the old site byte-identical. On
Linux the swap is ``renameat2(RENAME_EXCHANGE)``, so the output path never stops existing;
elsewhere it is two renames. The replaced output is removed in the background: unlinking the
250,000 files of a big archive takes minutes on some disks, and the new output is in place.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import shutil
import subprocess
import uuid
from pathlib import Path

from archivegen.editorfiles import VCS_FOLDERS, is_editor_junk
from archivegen.errors import OutputError, Problem
from archivegen.output.journal import pending_name

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _libc_renameat2():  # pragma: no cover - platform probing
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        function = libc.renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                         ctypes.c_uint]
    return function


_renameat2 = _libc_renameat2()


def exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths; False when the platform cannot."""
    if _renameat2 is None:
        return False
    if _renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(a))


class Staging:
    """A fresh directory beside ``output`` that becomes the output on commit()."""

    def __init__(self, output: Path) -> None:
        self.output = output.resolve()
        self.prefix = f".{self.output.name}.staging-"
        self.retired_prefix = f".{self.output.name}.retired-"
        self.path = self.output.parent / f"{self.prefix}{os.getpid()}-{uuid.uuid4().hex[:8]}"

    def clean_stale(self) -> list[Path]:
        """Remove staging directories left by killed builds (we hold the build lock), and
        replaced outputs whose removal did not finish."""
        removed = []
        if self.output.parent.is_dir():
            for candidate in self.output.parent.iterdir():
                if candidate.name.startswith(self.prefix) and candidate != self.path:
                    shutil.rmtree(candidate, ignore_errors=True)
                    removed.append(candidate)
                elif candidate.name.startswith(self.retired_prefix):
                    _remove_in_background(candidate)
        return removed

    def create(self) -> Path:
        try:
            self.output.parent.mkdir(parents=True, exist_ok=True)
            self.path.mkdir()
        except OSError as exc:
            raise OutputError([Problem(str(exc.filename or self.path),
                                       f"cannot create the staging folder: {exc.strerror}")]) from None
        return self.path

    def commit(self) -> None:
        """Swap the staging directory in as the output; remove the previous output."""
        retired = self.output.parent / f"{self.retired_prefix}{uuid.uuid4().hex[:8]}"
        try:
            if self.output.exists():
                if exchange(self.path, self.output):
                    os.rename(self.path, retired)
                else:
                    os.rename(self.output, retired)
                    os.rename(self.path, self.output)
                _remove_in_background(retired)
            else:
                os.rename(self.path, self.output)
        except OSError as exc:
            raise OutputError([Problem(str(self.output),
                                       f"cannot replace the output: {exc.strerror}")]) from None

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def _remove_in_background(folder: Path) -> None:
    """Remove ``folder`` in a process of its own that outlives this one (``rm -rf``), or here
    where there is no ``rm``."""
    try:
        subprocess.Popen(["rm", "-rf", "--", str(folder)], start_new_session=True, stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)


class FileWriter:
    """Writes files below one root, refusing any path that would leave it.

    Remembers the folders it created, since a site is mostly one folder per page and asking
    the filesystem again for every file costs as much as the write.
    """

    def __init__(self, root: Path, flat: bool = False) -> None:
        self.root, self.flat = root, flat  # flat: the pending folder of an incremental build
        self._folders: set[Path] = set()

    def write(self, relative: str, data: bytes) -> None:
        parts = relative.split("/")
        if relative.startswith("/") or any(p in ("", ".", "..") or "\\" in p or "\x00" in p
                                           for p in parts):
            raise OutputError([Problem(relative, "refusing to write outside the output folder")])
        target = self.root / pending_name(relative) if self.flat else self.root.joinpath(*parts)
        try:
            if target.parent not in self._folders:
                target.parent.mkdir(parents=True, exist_ok=True)
                self._folders.add(target.parent)
            with open(target, "wb") as handle:
                handle.write(data)
        except OSError as exc:
            raise OutputError([Problem(str(target), f"cannot write: {exc.strerror}")]) from None


def static_files(folder: Path, prefix: str = "") -> dict[str, Path]:
    """The files of a static folder by output path (``prefix`` + the path below the folder).

    Dotfiles are published (``.well-known/``, ``.htaccess``); editors' and systems' litter
    (``x~``, ``.x.swp``, ``.DS_Store``) and version-control folders are not (``editorfiles.py``),
    nor symlinks, which could lead anywhere.
    """
    found: dict[str, Path] = {}
    if not folder.is_dir():
        return found
    for root, folders, names in os.walk(folder):
        folders[:] = sorted(name for name in folders if name not in VCS_FOLDERS)
        base = Path(root)
        for name in sorted(names):
            path = base / name
            if not is_editor_junk(name) and not path.is_symlink() and path.is_file():
                found[prefix + path.relative_to(folder).as_posix()] = path
    return dict(sorted(found.items()))


def copy_files(files: dict[str, Path], destination: Path, flat: bool = False) -> int:
    """Copy ``relative path -> source file`` below destination; return files copied."""
    for relative, path in files.items():
        target = destination / pending_name(relative) if flat else destination / relative
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
        except OSError as exc:
            # A full disk or an unreadable file: name it, as FileWriter does. A failed sendfile()
            # sets filename to the source and filename2 to the copy being written.
            where = exc.filename2 or exc.filename or target
            raise OutputError([Problem(str(where), f"cannot copy: {exc.strerror}")]) from None
    return len(files)
