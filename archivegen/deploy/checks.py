"""What every deploy refuses (CHECKLIST D1, D5), and the list of files it publishes.

A deploy publishes what the last *successful* build wrote, or nothing. build.py records the
outcome of every build in ``.archivegen/last-build.json``, and that record decides, not the mere
existence of ``site/``: a failed or interrupted build leaves the previous site in place (right
for a web server reading site/), but publishing it would ship old content while the user
believes the fix went out.

Nor is whatever sits in ``site/`` trusted: a file deleted or edited by hand (or by a tool) since
the build would be published, or its deletion propagated to the live site. So every file is
hashed and compared with the digests the build state recorded for its outputs; that costs one
read of the site (a few seconds at 100,000 files), which the deploy needs anyway.

The max-deletes guard is Hugo's ``--maxDeletes``: a half-empty build, a wrong target or a wrong
branch shows up as a mass deletion before it happens.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from archivegen.config.schema import SiteConfig
from archivegen.errors import ArchivegenError, Problem
from archivegen.output.digests import file_digest, folder_digest
from archivegen.output.lock import STATE_DIR_NAME, BuildLock
from archivegen.state.location import state_dir_for
from archivegen.state.store import BuildState

REBUILD = "run 'archivegen build' first"
SHOWN_NAMES = 3  # files named in a one-line refusal before "and N more"


class DeployError(ArchivegenError):
    """A deploy was refused or git failed; the message says what to do about it."""


def refuse(where: str | Path, message: str) -> DeployError:
    return DeployError([Problem(str(where), message)])


def shown_path(path: Path, project_dir: Path) -> str:
    """Name a path as the user wrote it: project-relative inside the project, else absolute."""
    try:
        return path.relative_to(project_dir).as_posix() or "."
    except ValueError:
        return str(path)


def some_of(names: list[str]) -> str:
    """The first few names, then how many more: one line however many there are."""
    shown = ", ".join(names[:SHOWN_NAMES])
    return shown + (f" and {len(names) - SHOWN_NAMES} more" if len(names) > SHOWN_NAMES else "")


@dataclass
class Tree:
    """Everything below a folder, by posix path relative to it, without following links."""

    files: dict[str, Path] = field(default_factory=dict)  # regular files, sorted by path
    folders: set[str] = field(default_factory=set)
    others: list[str] = field(default_factory=list)  # symlinks, sockets, devices


def list_tree(root: Path, shown: str) -> Tree:
    tree = Tree()
    pending = [("", root)]
    while pending:
        prefix, folder = pending.pop()
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    relative = prefix + entry.name
                    if entry.is_dir(follow_symlinks=False):
                        tree.folders.add(relative)
                        pending.append((relative + "/", Path(entry.path)))
                    elif entry.is_file(follow_symlinks=False):
                        tree.files[relative] = Path(entry.path)
                    else:
                        tree.others.append(relative)
        except OSError as exc:
            where = f"{shown}/{prefix}".rstrip("/")
            raise refuse(where, f"cannot read the folder: {exc.strerror}") from None
    tree.files = dict(sorted(tree.files.items()))
    tree.others.sort()
    return tree


@dataclass(frozen=True)
class BuiltSite:
    root: Path
    shown: str  # how messages name it, e.g. "site"
    tree: Tree
    digests: dict[str, str]  # relative path -> file_digest of its bytes, checked against the state

    @property
    def files(self) -> dict[str, Path]:
        return self.tree.files


@contextmanager
def deploy_lock(config: SiteConfig) -> Iterator[None]:
    """Hold the build lock while reading site/: a build swapping it mid-deploy would mix two."""
    with BuildLock(config.project_dir / STATE_DIR_NAME):
        yield


def built_site(config: SiteConfig) -> BuiltSite:
    """The output of the last build, refused unless that build succeeded and wrote files."""
    site = config.output_dir
    shown = shown_path(site, config.project_dir)
    record = state_dir_for(config, config.output_dir) / "last-build.json"
    try:
        status = json.loads(record.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise refuse(shown, f"no build yet; {REBUILD}") from None
    except (OSError, ValueError):
        status = None
    if not isinstance(status, dict):
        raise refuse(shown_path(record, config.project_dir), f"unreadable build record; {REBUILD}")
    if status.get("interrupted") is True:
        raise refuse(shown, "the last build was interrupted; run 'archivegen build' again before "
                            "deploying")
    if status.get("ok") is not True:
        error = status.get("error")
        cause = f" ({error[0]})" if isinstance(error, list) and error else ""
        raise refuse(shown, f"the last build failed{cause}; fix it and run 'archivegen build' "
                            "before deploying")
    if Path(str(status.get("output", ""))) != site:
        raise refuse(shown, f"the last build wrote {status.get('output')}, not this folder; "
                            f"{REBUILD}")
    if not site.is_dir():
        raise refuse(shown, f"no such folder; {REBUILD}")
    tree = list_tree(site, shown)
    if tree.others:
        raise refuse(f"{shown}/{tree.others[0]}", "is a link or special file, which a build never "
                                                   f"writes, so it is not published; {REBUILD}")
    if not tree.files:
        raise refuse(shown, f"the site is empty; {REBUILD}")
    recorded = recorded_outputs(config)
    if not recorded:  # a state from another archivegen version, reset when opened
        raise refuse(shown, "the build state records no outputs; run 'archivegen build --full' first")
    digests = {relative: _digest(path, shown, relative) for relative, path in tree.files.items()}
    differences = compare_with_build(digests, recorded)
    if differences:
        # A build restores what it wrote; only a full one removes what it did not write.
        restore = "archivegen build --full" if any(d.endswith("(not written by it)") for d in differences) \
            else "archivegen build"
        raise refuse(shown, f"differs from what the last build wrote: {some_of(differences)}; run "
                            f"'{restore}' to restore it, then deploy")
    return BuiltSite(site, shown, tree, digests)


def recorded_outputs(config: SiteConfig) -> dict[str, str]:
    """Output path -> digest of what the last build wrote there ('pagefind/2020/' for a bundle).

    The one place a deploy reads the build state, so where the state lives stays the build's
    business (it is read under the build lock, after last-build.json said the build succeeded).
    """
    state = BuildState(state_dir_for(config, config.output_dir))
    try:
        return {path: row.digest for path, row in state.outputs().items()}
    finally:
        state.close()


def compare_with_build(digests: dict[str, str], recorded: dict[str, str]) -> list[str]:
    """Every difference between the site's files and the recorded outputs, as 'path (what)'.

    A search bundle is one recorded output made of many files (its row's path ends in '/'):
    its files are compared together through their ``folder_digest``. An empty recorded digest
    (a state written before bundles had one) only requires the bundle to be there.
    """
    bundles: dict[str, list[tuple[str, str]]] = {path: [] for path in recorded if path.endswith("/")}
    problems: dict[str, str] = {}
    for path, digest in digests.items():
        first, _, rest = path.partition("/")
        folder = f"{first}/{rest.partition('/')[0]}/"
        if folder in bundles and "/" in rest:
            bundles[folder].append((path.removeprefix(folder), digest))
        elif path not in recorded:
            problems[path] = "not written by it"
        elif recorded[path] != digest:
            problems[path] = "changed"
    for path in recorded:
        if path not in digests and path not in bundles:
            problems[path] = "missing"
    for folder, files in bundles.items():
        if not files:
            problems[folder] = "missing"
        elif recorded[folder] and folder_digest(files) != recorded[folder]:
            problems[folder] = "search bundle changed"
    return [f"{path} ({what})" for path, what in sorted(problems.items())]


def _digest(path: Path, shown: str, relative: str) -> str:
    try:
        return file_digest(path)
    except OSError as exc:
        raise refuse(f"{shown}/{relative}", f"cannot read: {exc.strerror}") from None


def check_deletes(deleted: list[str], limit: int, force: bool, where: str) -> None:
    """Refuse more than ``limit`` deletions unless forced (Hugo's --maxDeletes)."""
    if len(deleted) > limit and not force:
        raise refuse(where, f"this deploy would delete {len(deleted)} files (more than "
                            f"--max-deletes {limit}), e.g. {deleted[0]}; check the build, then "
                            "pass --force or a higher --max-deletes if that is intended")
