"""``archivegen deploy dir TARGET``: make a folder an exact copy of site/, swapped in at once.

Copying file by file (``rsync --delete``) lets a visitor, or a crash, see half an update. Here a
complete copy is staged beside the target, on the same filesystem, and swapped in by the build's
own staging code (output/staging.py: ``renameat2(RENAME_EXCHANGE)`` on Linux, so the target path
never stops existing). Redeploying the same build changes nothing, not even a timestamp.

The whole target is replaced, so a target that holds the user's work is refused outright (the
project, content/, /, the home folder), and any other target with more than ``max_deletes``
files the site does not have is refused unless forced.
"""

from __future__ import annotations

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
)
from archivegen.output.staging import Staging


@dataclass(frozen=True)
class DirectoryOptions:
    """Command-line choices; None means the config's ``deploy:`` value."""

    target: Path | None = None  # relative to the current folder
    max_deletes: int | None = None
    force: bool = False


@dataclass(frozen=True)
class DirectoryResult:
    target: Path
    swapped: bool  # False: the target already equalled site/ and was left alone
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
        added, changed, deleted = _compare(site.tree, current, target)
        if not (added or changed or deleted) and current.folders == site.tree.folders:
            return DirectoryResult(target, swapped=False)
        check_deletes(deleted, limit, options.force, str(target))
        staging = Staging(target)
        staging.clean_stale()  # left by a killed deploy; we hold the project's lock
        root = staging.create()
        try:
            _copy(site, root)
            if target.exists():  # keep the permissions a web server was given on the target
                os.chmod(root, stat.S_IMODE(target.stat().st_mode))
            staging.commit()
        except BaseException:
            staging.discard()
            raise
    return DirectoryResult(target, True, added, changed, deleted)


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


def _compare(site: Tree, current: Tree, target: Path) -> tuple[list[str], list[str], list[str]]:
    """Files the target lacks, has with other bytes, and has but the site does not."""
    added = [path for path in site.files if path not in current.files]
    changed = [path for path, source in site.files.items()
               if path in current.files and not _same_bytes(source, current.files[path], target)]
    deleted = sorted([path for path in current.files if path not in site.files] + current.others)
    return added, changed, deleted


def _same_bytes(a: Path, b: Path, target: Path) -> bool:
    try:
        if a.stat().st_size != b.stat().st_size:
            return False
        with open(a, "rb") as first, open(b, "rb") as second:
            while True:
                chunk = first.read(1 << 20)
                if chunk != second.read(1 << 20):
                    return False
                if not chunk:
                    return True
    except OSError as exc:
        raise refuse(exc.filename or target, f"cannot read: {exc.strerror}") from None


def _copy(site: BuiltSite, root: Path) -> None:
    try:
        for folder in sorted(site.tree.folders):  # a parent sorts before its children
            (root / folder).mkdir()
        for relative, path in site.files.items():
            shutil.copy2(path, root / relative)  # mtimes too: Last-Modified is the build's
    except OSError as exc:
        where = exc.filename2 or exc.filename or root
        raise refuse(where, f"cannot copy: {exc.strerror}") from None
