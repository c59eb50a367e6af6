"""Running git for a deploy: every failure stops the deploy with one line naming the repository.

MkDocs' gh-deploy logs "not a git repository" and carries on; here a git command that fails is
an error carrying git's own explanation. Output is parsed in the C locale, and nothing here
reads or writes the user's index or work tree.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

from archivegen.deploy.checks import refuse

IDENTITY_HELP = ("set one with: git config user.name 'Your Name' && git config user.email "
                 "you@example.org (add --global for all repositories), or set GIT_COMMITTER_NAME "
                 "and GIT_COMMITTER_EMAIL")


def last_line(stderr: bytes) -> str:
    """git's most useful line of complaint: the last fatal/error line, else the last line."""
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines()
             if line.strip() and not line.startswith("hint:")]
    for line in reversed(lines):
        for prefix in ("fatal: ", "error: "):
            if line.startswith(prefix):
                return line[len(prefix):]
    return lines[-1] if lines else "no message"


class Git:
    """git run in ``cwd`` (the project folder); errors are named after ``shown``."""

    def __init__(self, cwd: Path, shown: str) -> None:
        self.cwd, self.shown = cwd, shown

    def run(self, *args: str, input: bytes | None = None, env: Mapping[str, str] | None = None,
            check: bool = True, interactive: bool = False) -> subprocess.CompletedProcess[bytes]:
        """Run git; ``interactive`` leaves stdin alone so a push can ask for credentials."""
        stdin = None if interactive or input is not None else subprocess.DEVNULL
        try:
            done = subprocess.run(["git", *args], cwd=self.cwd, input=input, stdin=stdin,
                                  capture_output=True, env={**os.environ, "LC_ALL": "C", **(env or {})})
        except FileNotFoundError:
            raise refuse(self.shown, "git is not installed (or not on PATH)") from None
        if check and done.returncode != 0:
            raise refuse(self.shown, f"git {args[0]} failed: {last_line(done.stderr)}")
        return done

    def text(self, *args: str, input: bytes | None = None, env: Mapping[str, str] | None = None) -> str:
        return self.run(*args, input=input, env=env).stdout.decode("utf-8", "surrogateescape").strip()

    def maybe(self, *args: str) -> str | None:
        """Output of a query that may legitimately fail (a missing ref), else None."""
        done = self.run(*args, check=False)
        return done.stdout.decode("utf-8", "surrogateescape").strip() if done.returncode == 0 else None

    def commit_of(self, ref: str) -> str | None:
        return self.maybe("rev-parse", "-q", "--verify", f"{ref}^{{commit}}")

    def blob(self, data: bytes, write: bool = True) -> str:
        return self.text("hash-object", *(["-w"] if write else []), "--stdin", input=data)


def open_repository(project_dir: Path) -> tuple[Git, Path]:
    """The repository the project lives in, and its top folder; refuse anything else."""
    done = Git(project_dir, str(project_dir)).run("rev-parse", "--show-toplevel", check=False)
    if done.returncode != 0:
        reason = last_line(done.stderr)
        if "not a git repository" in reason:
            raise refuse(project_dir, "not a git repository: gh-pages deploys commit the site to "
                                      "a branch of the project's repository (run 'git init' and "
                                      "add a remote, or use 'archivegen deploy dir')")
        raise refuse(project_dir, f"cannot use the git repository: {reason}")
    top = Path(done.stdout.decode("utf-8", "surrogateescape").strip())
    return Git(project_dir, str(top)), top


def remote_url(git: Git, remote: str) -> str:
    url = git.maybe("remote", "get-url", remote)
    if url is None:
        known = git.text("remote").split()
        raise refuse(git.shown, f"no such remote '{remote}' (known: {', '.join(known) or 'none'}); "
                                f"add it with 'git remote add {remote} URL' or choose one with --remote")
    return url


def identity(git: Git) -> dict[str, str]:
    """Author and committer of the deploy commit, as environment variables for commit-tree.

    Stricter than git on purpose: git falls back to user@hostname, which would publish a machine
    name on a public branch, and fails only when the host has no domain, i.e. halfway through.
    """
    found = git.maybe("config", "-z", "--get-regexp", r"^(user|author|committer)\.(name|email)$")
    config: dict[str, str] = {}
    for item in (found or "").split("\0"):
        key, _, value = item.partition("\n")
        if value.strip():
            config[key.lower()] = value  # later (more local) scopes win, as in git

    def setting(role: str, part: str) -> str | None:
        variable = os.environ.get(f"GIT_{role.upper()}_{part.upper()}", "").strip()
        fallback = os.environ.get("EMAIL", "").strip() if part == "email" else ""
        return variable or config.get(f"{role}.{part}") or config.get(f"user.{part}") or fallback or None

    committer = {part: setting("committer", part) for part in ("name", "email")}
    if not committer["name"] or not committer["email"]:
        missing = " and ".join(f"user.{part}" for part, value in committer.items() if not value)
        raise refuse(git.shown, f"no git identity for the deploy commit ({missing} not set); "
                                f"{IDENTITY_HELP}")
    return {f"GIT_{role.upper()}_{part.upper()}": setting(role, part) or committer[part] or ""
            for role in ("author", "committer") for part in ("name", "email")}


def source_commit(git: Git) -> tuple[str | None, str | None]:
    """The project's HEAD commit and branch: (None, None) before the first commit, and a
    commit without a branch on a detached HEAD (a CI checkout), which is fine to deploy."""
    return git.commit_of("HEAD"), git.maybe("symbolic-ref", "-q", "--short", "HEAD")


def has_uncommitted_changes(git: Git) -> bool:
    """Whether the work tree differs from HEAD (edits, staged or untracked files, not ignored
    ones): then the site was built from content no commit holds, and the deploy says so.
    ``--no-optional-locks`` keeps git status from refreshing the user's index."""
    return bool(git.run("--no-optional-locks", "status", "--porcelain", "-z",
                        "--untracked-files=normal").stdout)


def check_not_checked_out(git: Git, branch: str) -> None:
    """Refuse to move a branch that a work tree has checked out: its files would go stale."""
    listing = git.text("worktree", "list", "--porcelain")
    for block in listing.split("\n\n"):
        if f"branch refs/heads/{branch}" in block.splitlines():
            folder = block.splitlines()[0].removeprefix("worktree ")
            raise refuse(git.shown, f"branch {branch} is checked out in {folder}; deploying would "
                                    "rewrite it under your files (switch branches or pass --branch)")
