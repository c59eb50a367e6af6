"""``archivegen deploy gh-pages``: commit site/ as the whole tree of a branch, then push it.

MkDocs' gh-deploy (through ghp-import) is the model, with its faults fixed. Only git plumbing is
used, so the user's work tree, index, HEAD, current branch and stash are never touched:

    hash-object -w   every file of site/, byte for byte (no filters: autocrlf or LFS
                     attributes must not change what is published)
    update-index     into a temporary index (GIT_INDEX_FILE), plus .nojekyll and CNAME
    write-tree       identical to the previous deploy's tree -> no new commit, and we say so
                     (a dry run stops before this: it hashes without writing objects and
                     compares with the branch's tree)
    commit-tree      with the branch's previous commit as parent
    push             SHA:refs/heads/BRANCH, a force push only with --force
    update-ref       the local branch, only once the remote has accepted the commit, so a
                     rejected push leaves every ref as it was

GitHub Pages runs Jekyll unless ``.nojekyll`` exists (it would drop ``_``-prefixed files), and
serves a custom domain only while ``CNAME`` stays in the branch, so a deploy that dropped it
would take the site offline: it is kept from the previous deploy unless the config names one.

The commit message names the project commit the site was built from, as ``abc123456789+dirty``
when the work tree had uncommitted changes (the published site then holds content no commit has).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archivegen import __version__
from archivegen.config.schema import SiteConfig
from archivegen.config.values import Invalid, branch_name, remote_name
from archivegen.deploy.checks import BuiltSite, built_site, check_deletes, deploy_lock, refuse
from archivegen.deploy.git import (
    Git,
    check_not_checked_out,
    has_uncommitted_changes,
    identity,
    last_line,
    open_repository,
    remote_url,
    source_commit,
)

FILE, EXECUTABLE = "100644", "100755"
# What `git push --porcelain` flags mean for the branch, as printed to the user.
PUSH_FLAGS = {"*": "created", " ": "updated", "+": "force-updated", "=": "already up to date"}


@dataclass(frozen=True)
class GhPagesOptions:
    """Command-line choices; None means the config's ``deploy:`` value (or its default)."""

    remote: str | None = None
    branch: str | None = None
    message: str | None = None
    max_deletes: int | None = None
    force: bool = False
    dry_run: bool = False  # compare with the branch, commit and push nothing


@dataclass(frozen=True)
class GhPagesResult:
    repository: Path
    remote: str
    remote_url: str
    branch: str
    commit: str  # the branch's tip after the deploy ('' in a dry run without a branch yet)
    new_commit: bool  # in a dry run: whether a deploy would make one
    push: str  # what the remote did, from PUSH_FLAGS ('' in a dry run)
    source: str  # the project commit the site was built from, as named in the message
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    dry_run: bool = False


def deploy_gh_pages(config: SiteConfig, options: GhPagesOptions) -> GhPagesResult:
    """Publish the last successful build as ``branch`` and push it; raise DeployError if refused."""
    remote = _checked(remote_name, options.remote, config.deploy.remote, "--remote")
    branch = _checked(branch_name, options.branch, config.deploy.branch, "--branch")
    limit = config.deploy.max_deletes if options.max_deletes is None else options.max_deletes
    with deploy_lock(config):
        site = built_site(config)
        git, top = open_repository(config.project_dir)
        url = remote_url(git, remote)
        check_not_checked_out(git, branch)
        committer = identity(git)
        local_tip = git.commit_of(f"refs/heads/{branch}")
        parent = _previous_commit(git, local_tip, git.commit_of(f"refs/remotes/{remote}/{branch}"))
        entries = _entries(git, site, parent, config.deploy.cname, write=not options.dry_run)
        if options.dry_run:
            changes = _changes(git, parent, entries)
            check_deletes(changes[2], limit, options.force, site.shown)
            _, source = _source(git)
            return GhPagesResult(top, remote, url, branch, parent or "", any(changes), "", source,
                                 *changes, dry_run=True)
        tree = _write_tree(git, entries)
    sha, source = _source(git)
    if parent is not None and git.text("rev-parse", f"{parent}^{{tree}}") == tree:
        commit, new_commit, changes = parent, False, ([], [], [])
    else:
        changes = _changes(git, parent, entries)
        check_deletes(changes[2], limit, options.force, site.shown)
        message = _message(options.message or config.deploy.message, sha, source)
        commit = git.text("commit-tree", tree, *(["-p", parent] if parent else []),
                          input=message.encode("utf-8", "surrogateescape"), env=committer)
        new_commit = True
    push = _push(git, remote, url, commit, branch, options.force)
    if local_tip != commit:
        done = git.run("update-ref", "-m", f"archivegen deploy from {source}", f"refs/heads/{branch}",
                       commit, local_tip or "", check=False)
        if done.returncode != 0:
            raise refuse(git.shown, f"pushed {commit[:12]} to {remote}/{branch}, but the local branch "
                                    f"{branch} changed meanwhile and was left alone")
    return GhPagesResult(top, remote, url, branch, commit, new_commit, push, source, *changes)


def _checked(validate: Callable[[Any], str], given: str | None, configured: str, option: str) -> str:
    """Command-line names get the config's checks (no '-x' that git would take for an option)."""
    if given is None:
        return configured
    try:
        return validate(given)
    except Invalid as exc:
        raise refuse(option, str(exc)) from None


def _source(git: Git) -> tuple[str | None, str]:
    """The project commit, '+dirty' if the work tree has changes, and how messages name it."""
    sha, head_branch = source_commit(git)
    if sha is None:
        return None, "(no commit)"
    dirty = "+dirty" if has_uncommitted_changes(git) else ""
    return sha + dirty, f"{sha[:12]}{dirty} ({head_branch or 'detached HEAD'})"


def _previous_commit(git: Git, local: str | None, tracking: str | None) -> str | None:
    """The parent of the new commit: the local branch, or the remote's if it is strictly newer.

    Building on a fetched ``origin/gh-pages`` that contains the local branch turns "someone
    else deployed" into a fast-forward; a diverged remote is left for the push to reject.
    """
    if local is None or tracking is None or tracking == local:
        return local or tracking
    if git.run("merge-base", "--is-ancestor", local, tracking, check=False).returncode == 0:
        return tracking
    return local


def _entries(git: Git, site: BuiltSite, parent: str | None, cname: str, write: bool,
             ) -> dict[str, tuple[str, str]]:
    """The branch's new tree as path -> (mode, blob): site/ plus .nojekyll and CNAME.

    Blobs are written to the object database only when ``write`` (not in a dry run).
    """
    for relative in site.files:
        if "\n" in relative or "\r" in relative:  # hash-object --stdin-paths reads lines
            raise refuse(f"{site.shown}/{relative}", "file names with line breaks cannot be published")
    paths = b"".join(os.fsencode(path) + b"\n" for path in site.files.values())
    store = ["-w"] if write else []
    shas = git.text("hash-object", *store, "--no-filters", "--stdin-paths", input=paths).split()
    entries = {relative: (EXECUTABLE if os.stat(path).st_mode & 0o100 else FILE, sha)
               for (relative, path), sha in zip(site.files.items(), shas, strict=True)}
    entries.setdefault(".nojekyll", (FILE, git.blob(b"", write)))
    if cname:
        entries["CNAME"] = (FILE, git.blob(f"{cname}\n".encode("ascii"), write))
    elif "CNAME" not in entries and parent is not None:
        previous = git.maybe("ls-tree", parent, "--", "CNAME")  # "<mode> blob <sha>\tCNAME"
        if previous:
            mode, kind, sha = previous.split("\t")[0].split()
            if kind == "blob":
                entries["CNAME"] = (mode, sha)
    return entries


def _write_tree(git: Git, entries: dict[str, tuple[str, str]]) -> str:
    """Store the entries as a tree object (through a temporary index) and return its id."""
    index_info = b"".join(f"{mode} {sha}\t".encode() + os.fsencode(relative) + b"\0"
                          for relative, (mode, sha) in entries.items())
    with tempfile.TemporaryDirectory(prefix="archivegen-deploy-") as scratch:
        index = {"GIT_INDEX_FILE": str(Path(scratch) / "index")}  # never the user's index
        git.run("update-index", "-z", "--add", "--index-info", input=index_info, env=index)
        return git.text("write-tree", env=index)


def _changes(git: Git, parent: str | None, entries: dict[str, tuple[str, str]],
             ) -> tuple[list[str], list[str], list[str]]:
    """Paths added, changed (bytes or mode) and deleted since the parent commit."""
    old: dict[str, tuple[str, str]] = {}
    if parent is not None:
        for item in git.run("ls-tree", "-r", "-z", "--full-tree", parent).stdout.split(b"\0"):
            if item:
                meta, _, path = item.partition(b"\t")
                mode, _, sha = meta.decode("ascii").split(" ")
                old[os.fsdecode(path)] = (mode, sha)
    added = sorted(path for path in entries if path not in old)
    changed = sorted(path for path in entries if path in old and old[path] != entries[path])
    deleted = sorted(path for path in old if path not in entries)
    return added, changed, deleted


def _message(subject: str, sha: str | None, source: str) -> str:
    """The deploy commit's message: the subject, then the source commit and our version, so a
    published page can be traced back to the content it was built from."""
    subject = subject.strip() or f"Deploy {source} with archivegen {__version__}"
    return (f"{subject}\n\nSource-Commit: {sha or '(no commit)'}\n"
            f"Archivegen-Version: {__version__}\n")


def _push(git: Git, remote: str, url: str, commit: str, branch: str, force: bool) -> str:
    """Push the commit as the remote's branch; a rejection is an error, never a silent force."""
    refspec = f"{'+' if force else ''}{commit}:refs/heads/{branch}"
    done = git.run("push", "--porcelain", remote, refspec, check=False, interactive=True)
    where = f"push of {branch} to {remote} ({url})"
    for line in done.stdout.decode("utf-8", "replace").splitlines():
        flag, _, rest = line.partition("\t")
        target, _, summary = rest.partition("\t")
        if not target.endswith(f":refs/heads/{branch}"):
            continue
        if flag != "!":
            return PUSH_FLAGS.get(flag, summary)
        if "non-fast-forward" in summary or "fetch first" in summary:
            raise refuse(git.shown, f"{where} rejected (non-fast-forward): the remote branch has "
                                    "commits this deploy does not build on; run 'git fetch "
                                    f"{remote} {branch}' and deploy again to build on them, or "
                                    "pass --force to replace them")
        raise refuse(git.shown, f"{where} rejected: {summary.strip()}")
    if done.returncode != 0:
        raise refuse(git.shown, f"{where} failed: {last_line(done.stderr)}")
    return "pushed"
