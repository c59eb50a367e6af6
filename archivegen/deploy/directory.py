"""``archivegen deploy dir TARGET``: make a folder an exact copy of site/, swapped in at once.

Copying file by file (``rsync --delete``) lets a visitor, or a crash, see half an update. Here a
complete copy is staged beside the target, on the same filesystem, and swapped in by the build's
own staging code (output/staging.py: ``renameat2(RENAME_EXCHANGE)`` on Linux, so the target path
never stops existing). Redeploying the same build changes nothing, not even a timestamp.

The whole target is replaced, so a target that holds the user's work is refused outright (the
project, content/, /, the home folder), and any other target with more than ``max_deletes``
files the site does not have is refused unless forced.

A target must also be empty, missing, or an earlier deploy (CHECKLIST D4): every deploy writes
``.archivegen-deploy`` into the folder, naming the tool and listing each file it wrote with its
digest. A later deploy therefore knows which files it may replace: a folder without the marker
(someone's documents), or files added or edited in the target since the last deploy, are the
user's, and are replaced only with ``--take-over``. ``--force`` does not do that: it answers the
max-deletes question, and a user passing it for a big deletion must not lose a thesis too.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
from dataclasses import dataclass, field
from pathlib import Path

from archivegen.config.schema import SiteConfig
from archivegen.deploy.checks import (
    BuiltSite,
    Tree,
    built_site,
    check_deletes,
    deploy_lock,
    list_tree,
    refuse,
    some_of,
)
from archivegen.output.digests import file_digest
from archivegen.output.staging import Staging

MARKER = ".archivegen-deploy"
MARKER_TOOL = "archivegen deploy dir"


@dataclass(frozen=True)
class DirectoryOptions:
    """Command-line choices; None means the config's ``deploy:`` value."""

    target: Path | None = None  # relative to the current folder
    max_deletes: int | None = None
    force: bool = False
    take_over: bool = False  # replace a folder, or files in it, that no earlier deploy wrote
    dry_run: bool = False  # check and compare, change nothing


@dataclass(frozen=True)
class DirectoryResult:
    target: Path
    swapped: bool  # False: the target already equalled site/ (or a dry run) and was left alone
    dry_run: bool = False
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)


def deploy_directory(config: SiteConfig, options: DirectoryOptions) -> DirectoryResult:
    """Make the target byte-identical to the last successful build; raise DeployError if refused."""
    target = _checked_target(config, options.target)
    limit = config.deploy.max_deletes if options.max_deletes is None else options.max_deletes
    with deploy_lock(config):
        site = built_site(config)
        current = list_tree(target, str(target)) if target.exists() else Tree()
        marker = current.files.pop(MARKER, None)
        deployed = _Digests(current)
        if not options.take_over:
            _check_ours(target, current, marker, deployed)
        manifest = _marker_bytes(site.digests)
        added, changed, deleted = _compare(site, current, deployed)
        unchanged = (not (added or changed or deleted) and current.folders == site.tree.folders
                     and marker is not None and _read(marker) == manifest)
        check_deletes(deleted, limit, options.force, str(target))
        if unchanged or options.dry_run:
            return DirectoryResult(target, False, options.dry_run, added, changed, deleted)
        staging = Staging(target)
        staging.clean_stale()  # left by a killed deploy; we hold the project's lock
        root = staging.create()
        try:
            _copy(site, root)
            (root / MARKER).write_bytes(manifest)
            if target.exists():  # keep the permissions a web server was given on the target
                os.chmod(root, stat.S_IMODE(target.stat().st_mode))
            staging.commit()
        except BaseException:
            staging.discard()
            raise
    return DirectoryResult(target, True, False, added, changed, deleted)


def _marker_bytes(digests: dict[str, str]) -> bytes:
    """The marker a deploy leaves: same site, same bytes, so a redeploy changes nothing."""
    body = {"tool": MARKER_TOOL, "note": "written by archivegen: the files of the last deploy; "
                                         "anything else here is replaced only with --take-over",
            "files": digests}
    return (json.dumps(body, indent=0, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


class _Digests:
    """The target's file digests, each computed at most once (a target file is read once)."""

    def __init__(self, tree: Tree) -> None:
        self.tree, self.known = tree, dict[str, str]()

    def __getitem__(self, path: str) -> str:
        if path not in self.known:
            self.known[path] = _digest(self.tree.files[path])
        return self.known[path]


def _check_ours(target: Path, current: Tree, marker: Path | None, deployed: _Digests) -> None:
    """Refuse a target holding anything an earlier deploy did not write (CHECKLIST D4)."""
    if marker is None:
        if current.files or current.others or current.folders:
            found = sorted([*current.files, *current.others]) or sorted(current.folders)
            raise refuse(target, f"not an earlier deploy (no {MARKER} file) and not empty: it "
                                 f"holds {some_of(found)}; deploy to a new or empty folder, or "
                                 "pass --take-over to replace everything in it (--force does not)")
        return
    try:
        recorded = json.loads(_read(marker))
        files = recorded["files"] if recorded.get("tool") == MARKER_TOOL else None
    except (ValueError, TypeError, KeyError, AttributeError):
        files = None
    if not isinstance(files, dict):
        raise refuse(marker, "is not a marker an earlier deploy wrote; pass --take-over to replace "
                             "the folder anyway (--force does not)")
    foreign = sorted([path for path in current.files if files.get(path) != deployed[path]]
                     + current.others)
    if foreign:
        raise refuse(target, f"{len(foreign)} file(s) added or edited since the last deploy would "
                             f"be replaced or deleted: {some_of(foreign)}; move them elsewhere, or "
                             "pass --take-over to replace them (--force does not)")


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise refuse(path, f"cannot read: {exc.strerror}") from None


def _digest(path: Path) -> str:
    try:
        return file_digest(path)
    except OSError as exc:
        raise refuse(path, f"cannot read: {exc.strerror}") from None


def _checked_target(config: SiteConfig, given: Path | None) -> Path:
    """The resolved target, refused if replacing it could destroy the user's work."""
    raw = given if given is not None else config.deploy.target
    if raw is None:
        raise refuse("deploy dir", "no target folder: pass TARGET or set deploy.target in "
                                   f"{config.config_path.name}")
    target = raw.expanduser().resolve()
    if target == Path(target.anchor) or target == Path.home().resolve():
        raise refuse(target, "refusing to replace the filesystem root or your home folder")
    protected = {  # the most specific first: a target in content/ is named as such
        "the content folder": config.content_dir,
        "the templates folder": config.templates_dir,
        "the static folder": config.static_dir,
        "the output folder": config.output_dir,
        "the project folder": config.project_dir,
    }
    reasons = ([f"it is {name}" for name, folder in protected.items() if target == folder]
               + [f"it contains {name} ({folder})" for name, folder in reversed(protected.items())
                  if folder.is_relative_to(target)]
               + [f"it is inside {name} ({folder})" for name, folder in protected.items()
                  if target.is_relative_to(folder)])
    if reasons:
        raise refuse(target, f"refusing to deploy here: {reasons[0]}; choose a folder outside the "
                             "project, such as /srv/www/archive")
    if target.exists() and not target.is_dir():
        raise refuse(target, "exists and is not a folder")
    if not target.parent.is_dir():
        raise refuse(target, f"the parent folder {target.parent} does not exist; create it first")
    return target


def _compare(site: BuiltSite, current: Tree, deployed: _Digests) -> tuple[list[str], list[str], list[str]]:
    """Files the target lacks, has with other bytes, and has but the site does not."""
    added = [path for path in site.files if path not in current.files]
    changed = [path for path, source in site.files.items() if path in current.files
               and (_size(source) != _size(current.files[path]) or deployed[path] != site.digests[path])]
    deleted = sorted([path for path in current.files if path not in site.files] + current.others)
    return added, changed, deleted


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError as exc:
        raise refuse(path, f"cannot read: {exc.strerror}") from None


def _copy(site: BuiltSite, root: Path) -> None:
    try:
        for folder in sorted(site.tree.folders):  # a parent sorts before its children
            (root / folder).mkdir()
        for relative, path in site.files.items():
            shutil.copy2(path, root / relative)  # mtimes too: Last-Modified is the build's
    except OSError as exc:
        where = exc.filename2 or exc.filename or root
        raise refuse(where, f"cannot copy: {exc.strerror}") from None
