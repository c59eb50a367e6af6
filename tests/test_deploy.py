"""CHECKLIST D1-D5: ``archivegen deploy`` against real git repositories and real folders.

Every test builds a small archive (in-process, ~0.1 s) in a fresh git repository whose ``origin``
is a local bare repository, then deploys through the library API; the refusals that a user sees
as exit codes and one-line errors also go through the real console script. git runs with a
temporary HOME and no system config, so the machine's git settings cannot leak in.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from archivegen import __version__
from archivegen.build import BuildOptions, build
from archivegen.cli import main
from archivegen.config import load_config
from archivegen.deploy import (
    DeployError,
    DirectoryOptions,
    GhPagesOptions,
    deploy_directory,
    deploy_gh_pages,
)
from archivegen.errors import ArchivegenError, ConfigError
from tests.conftest import tree_bytes
from tests.search_support import manifest

_SCRIPTS_DIR = Path(sys.executable).parent
ARCHIVEGEN = str(_SCRIPTS_DIR / "archivegen") if (_SCRIPTS_DIR / "archivegen").exists() \
    else shutil.which("archivegen")

CONFIG = "title: Deploy test\nbase_url: https://example.org/\ntimezone: UTC\n"
# Six articles in six months with six tags: removing one deletes several pages.
ARTICLES = {f"a{n}.md": f"---\ntitle: Article {n}\ndate: 2020-0{n}-05T10:00:00Z\ntags: [Tag{n}]\n"
                        f"---\nBody {n}.\n" for n in range(1, 7)}
ONE_LINE_ERROR = re.compile(r"[^\s:][^:]*(:\d+(:\d+)?)?: \S.*")
MARKER = ".archivegen-deploy"
VERBS = ("add", "change", "delete")  # a dry run's lines: "would add PATH"


def deployed(target: Path) -> dict[str, bytes]:
    """A deploy target's files without the marker every deploy writes into it."""
    return {name: data for name, data in tree_bytes(target).items() if name != MARKER}


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout.strip()


def branch_files(repository: Path, ref: str) -> dict[str, bytes]:
    """Every blob of a commit's tree, by path (the unit compared with the site's files)."""
    listing = git(repository, "ls-tree", "-r", "-z", ref).split("\0")
    entries = [item.split("\t", 1) for item in listing if item]
    shas = [meta.split()[2] for meta, _ in entries]
    batch = subprocess.run(["git", "cat-file", "--batch"], cwd=repository, check=True,
                           capture_output=True, input="".join(f"{sha}\n" for sha in shas).encode()).stdout
    blobs = []
    for _ in shas:
        header, _, batch = batch.partition(b"\n")
        size = int(header.split()[2])
        blobs.append(batch[:size])
        batch = batch[size + 1:]
    return {path: blob for (_, path), blob in zip(entries, blobs, strict=True)}


@pytest.fixture(autouse=True)
def hermetic_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No global or system git config, no identity from the environment, no parent repository."""
    home = tmp_path / "home"
    home.mkdir()
    for name in list(os.environ):
        if name.startswith("GIT_") or name == "EMAIL":
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))


@dataclass
class Project:
    root: Path
    origin: Path

    @property
    def site(self) -> Path:
        return self.root / "site"

    def git(self, *args: str) -> str:
        return git(self.root, *args)

    def write(self, relative: str, text: str) -> None:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def build(self) -> None:
        build(BuildOptions(config_path=self.root / "site_config.yaml", workers=1))

    def deploy(self, **options: object) -> object:
        return deploy_gh_pages(load_config(self.root / "site_config.yaml"), GhPagesOptions(**options))

    def deploy_dir(self, target: Path | None, **options: object) -> object:
        return deploy_directory(load_config(self.root / "site_config.yaml"),
                                DirectoryOptions(target=target, **options))

    def cli(self, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run([ARCHIVEGEN, "deploy", *args], cwd=self.root, capture_output=True,
                              text=True, env={**os.environ, **(env or {})}, timeout=60)

    def published(self, ref: str = "gh-pages") -> dict[str, bytes]:
        return branch_files(self.origin, ref)

    def expected(self, **extra: bytes) -> dict[str, bytes]:
        return {**tree_bytes(self.site), ".nojekyll": b"", **extra}

    def user_state(self) -> dict[str, object]:
        """What a deploy must never change: HEAD, branch, index, work tree, stash, other refs."""
        dot_git = self.root / ".git"
        work_tree = {name: data for name, data in tree_bytes(self.root).items()
                     if not name.startswith((".git/", ".archivegen/"))}
        refs = self.git("for-each-ref", "--format=%(refname) %(objectname)")
        return {
            "HEAD": (dot_git / "HEAD").read_bytes(),
            "index": (dot_git / "index").read_bytes() if (dot_git / "index").exists() else None,
            "work tree": work_tree,
            "status": self.git("--no-optional-locks", "status", "--porcelain", "--ignored"),
            "stash": self.git("stash", "list"),
            "refs": [line for line in refs.splitlines() if "gh-pages" not in line],
        }


def make_project(tmp_path: Path, config: str = CONFIG, identity: bool = True,
                 repository: bool = True) -> Project:
    """An archive with its articles committed on main, origin a bare repository; not built."""
    project = Project(tmp_path / "archive", tmp_path / "origin.git")
    project.write("site_config.yaml", config)
    project.write(".gitignore", "site/\n.archivegen/\n")
    for name, text in ARTICLES.items():
        project.write(f"content/{name}", text)
    if repository:
        project.git("init", "-q", "-b", "main")
        if identity:
            project.git("config", "user.name", "Test Author")
            project.git("config", "user.email", "author@example.org")
            project.git("add", "-A")
            project.git("commit", "-q", "-m", "Articles")
        git(tmp_path, "init", "-q", "--bare", str(project.origin))
        project.git("remote", "add", "origin", str(project.origin))
    return project


@pytest.fixture
def project(tmp_path: Path) -> Project:
    project = make_project(tmp_path)
    project.build()
    return project


def expect_cli_error(result: subprocess.CompletedProcess[str], *fragments: str) -> str:
    """A refusal as the user sees it: exit != 0, one `path: message` line, no traceback."""
    assert result.returncode != 0, result.stdout
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and ONE_LINE_ERROR.fullmatch(lines[0]), result.stderr
    for fragment in fragments:
        assert fragment in lines[0]
    return lines[0]


# -- gh-pages ------------------------------------------------------------------------------------

def test_d2_gh_pages_publishes_exactly_the_site_and_leaves_the_user_alone(project: Project) -> None:
    project.git("stash", "list")
    before = project.user_state()
    result = project.deploy()
    assert result.new_commit and result.push == "created"
    assert project.published() == project.expected()
    assert project.git("rev-parse", "gh-pages") == git(project.origin, "rev-parse", "gh-pages") \
        == result.commit
    assert project.git("rev-list", "--count", "gh-pages") == "1"
    assert project.user_state() == before
    assert project.git("diff", "--cached") == ""
    head = project.git("rev-parse", "HEAD")
    message = project.git("log", "-1", "--format=%B", "gh-pages")
    assert message.startswith(f"Deploy {head[:12]} (main) with archivegen {__version__}")
    assert f"Source-Commit: {head}" in message and f"Archivegen-Version: {__version__}" in message
    assert project.git("log", "-1", "--format=%an <%ae>", "gh-pages") == "Test Author <author@example.org>"
    assert len(result.added) == len(project.expected()) and not result.deleted


def test_d3_identical_redeploy_makes_no_commit(project: Project) -> None:
    first = project.deploy()
    project.build()  # a rebuild of the same content is byte-identical
    done = project.cli("gh-pages")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("nothing changed: no new commit"), done.stdout
    assert git(project.origin, "rev-parse", "gh-pages") == first.commit
    assert project.git("rev-parse", "gh-pages") == first.commit


def test_d2_a_changed_build_is_committed_on_top_and_a_custom_message_keeps_the_source(
        project: Project) -> None:
    first = project.deploy()
    project.write("content/a1.md", ARTICLES["a1.md"].replace("Body 1.", "Edited body."))
    project.build()
    result = project.deploy(message="March update")
    assert result.new_commit and result.push == "updated"
    assert all(name.startswith("pagefind/") for name in result.deleted)  # only the re-indexed year's shards
    assert "2020/01/a1/index.html" in result.changed
    assert project.git("rev-parse", "gh-pages^") == first.commit
    assert project.published() == project.expected()
    message = project.git("log", "-1", "--format=%B", "gh-pages")
    assert message.startswith("March update\n") and "Source-Commit: " in message


def test_d2_non_fast_forward_is_refused_then_replaced_with_force(project: Project, tmp_path: Path) -> None:
    first = project.deploy()
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", "-b", "gh-pages", str(project.origin), str(other))
    (other / "extra.html").write_text("someone else's deploy")
    git(other, "add", "extra.html")
    git(other, "-c", "user.name=Other", "-c", "user.email=o@example.org", "commit", "-q", "-m", "other")
    git(other, "push", "-q", "origin", "gh-pages")
    theirs = git(other, "rev-parse", "HEAD")
    project.write("content/a2.md", ARTICLES["a2.md"].replace("Body 2.", "New body."))
    project.build()

    error = expect_cli_error(project.cli("gh-pages"), "rejected (non-fast-forward)", "--force")
    assert error.startswith(f"{project.root}: push of gh-pages to origin")
    assert git(project.origin, "rev-parse", "gh-pages") == theirs
    assert project.git("rev-parse", "gh-pages") == first.commit  # a refused deploy moves no ref

    done = project.cli("gh-pages", "--force")
    assert done.returncode == 0, done.stderr
    assert "force-updated" in done.stdout
    assert git(project.origin, "rev-parse", "gh-pages") == project.git("rev-parse", "gh-pages")
    assert project.published() == project.expected()


def test_d2_a_fetched_remote_deploy_is_built_on(project: Project, tmp_path: Path) -> None:
    project.deploy()
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", "-b", "gh-pages", str(project.origin), str(other))
    git(other, "-c", "user.name=O", "-c", "user.email=o@example.org", "commit", "-q", "--allow-empty",
        "-m", "other")
    git(other, "push", "-q", "origin", "gh-pages")
    project.git("fetch", "-q", "origin")
    project.write("content/a3.md", ARTICLES["a3.md"].replace("Body 3.", "Third."))
    project.build()
    result = project.deploy()
    assert result.push == "updated"
    assert project.git("rev-parse", "gh-pages^") == git(other, "rev-parse", "HEAD")


def test_d1_max_deletes_guard(tmp_path: Path) -> None:
    project = make_project(tmp_path, CONFIG + "deploy:\n  max_deletes: 3\n")
    project.build()
    first = project.deploy()
    for name in ("a2.md", "a3.md", "a4.md", "a5.md"):
        (project.root / "content" / name).unlink()
    project.build()
    with pytest.raises(DeployError, match=r"^site: this deploy would delete \d+ files \(more than "
                                          r"--max-deletes 3\)"):
        project.deploy()
    with pytest.raises(DeployError, match="more than --max-deletes 1"):
        project.deploy(max_deletes=1)
    assert git(project.origin, "rev-parse", "gh-pages") == first.commit
    assert project.git("rev-parse", "gh-pages") == first.commit
    result = project.deploy(max_deletes=1, force=True)
    assert len(result.deleted) > 3 and "2020/02/a2/index.html" in result.deleted
    assert project.published() == project.expected()


def test_d2_cname_from_config_is_written_then_kept(tmp_path: Path) -> None:
    project = make_project(tmp_path, CONFIG + "deploy:\n  cname: Archive.Example.org\n")
    project.build()
    project.deploy()
    assert project.published() == project.expected(CNAME=b"archive.example.org\n")
    project.write("site_config.yaml", CONFIG)  # no cname any more: keep the deployed one
    project.write("content/a1.md", ARTICLES["a1.md"].replace("Body 1.", "Changed."))
    project.build()
    project.deploy()
    assert project.published() == project.expected(CNAME=b"archive.example.org\n")


def test_d2_detached_head_is_fine(project: Project) -> None:
    head = project.git("rev-parse", "HEAD")
    project.git("checkout", "-q", "--detach")
    before = project.user_state()
    result = project.deploy()
    assert result.source == f"{head[:12]} (detached HEAD)"
    assert project.user_state() == before
    assert project.published() == project.expected()


def test_d2_a_repository_without_commits_deploys_as_no_commit(tmp_path: Path) -> None:
    project = make_project(tmp_path, identity=False)
    project.git("config", "user.name", "Test Author")
    project.git("config", "user.email", "author@example.org")
    project.build()
    result = project.deploy()
    assert result.source == "(no commit)"
    assert "Source-Commit: (no commit)" in project.git("log", "-1", "--format=%B", "gh-pages")


def test_d2_not_a_git_repository(tmp_path: Path) -> None:
    project = make_project(tmp_path, repository=False)
    project.build()
    expect_cli_error(project.cli("gh-pages"), f"{project.root}: not a git repository")


def test_d2_no_such_remote(project: Project) -> None:
    with pytest.raises(DeployError, match=r"no such remote 'upstream' \(known: origin\)"):
        project.deploy(remote="upstream")
    with pytest.raises(DeployError, match="^--remote: expected the name of a git remote"):
        project.deploy(remote="--upload-pack=evil")


def test_d2_no_git_identity(tmp_path: Path) -> None:
    project = make_project(tmp_path, identity=False)
    project.build()
    error = expect_cli_error(project.cli("gh-pages"), "no git identity", "git config user.name")
    assert error.startswith(f"{project.root}: ")
    assert "gh-pages" not in git(project.origin, "branch", "--list")
    done = project.cli("gh-pages", env={"GIT_COMMITTER_NAME": "CI", "GIT_COMMITTER_EMAIL": "ci@example.org"})
    assert done.returncode == 0, done.stderr
    assert git(project.origin, "log", "-1", "--format=%cn %an", "gh-pages") == "CI CI"


def test_d2_the_current_branch_is_never_the_deploy_branch(project: Project) -> None:
    before = project.user_state()
    with pytest.raises(DeployError, match="branch main is checked out in"):
        project.deploy(branch="main")
    with pytest.raises(DeployError, match="^--branch: is not a valid git branch name"):
        project.deploy(branch="a..b")
    assert project.user_state() == before


# -- refusals shared by both targets -------------------------------------------------------------

def _break(project: Project, how: str) -> str:
    if how == "no build":
        return "site: no build yet; run 'archivegen build' first"
    project.build()
    if how == "failed build":
        project.write("content/a1.md", "---\ntitle: [unclosed\n---\nx\n")
        with pytest.raises(ArchivegenError):
            project.build()
        return "site: the last build failed (content/a1.md:"
    for child in project.site.iterdir():
        shutil.rmtree(child) if child.is_dir() else child.unlink()
    return "site: the site is empty; run 'archivegen build' first"


@pytest.mark.parametrize("how", ["no build", "failed build", "empty site"])
@pytest.mark.parametrize("target", ["gh-pages", "dir"])
def test_d1_refuses_a_missing_failed_or_empty_build(tmp_path: Path, how: str, target: str) -> None:
    project = make_project(tmp_path)
    expected = _break(project, how)
    www = tmp_path / "www"
    if target == "gh-pages":  # as the user sees it
        error = expect_cli_error(project.cli("gh-pages"))
    else:
        with pytest.raises(DeployError) as caught:
            project.deploy_dir(www)
        error = str(caught.value)
    assert error.startswith(expected), error
    assert git(project.origin, "branch", "--list") == "" and not www.exists()


# -- directory -----------------------------------------------------------------------------------

def _settled_listing(folder: Path, timeout: float = 20.0) -> list[str]:
    """``folder``'s entries once the replaced copy, which a process of its own removes in the
    background (``output/staging.py``), is gone; any other leftover stays in the listing."""
    deadline = time.monotonic() + timeout
    while True:
        names = sorted(os.listdir(folder))
        if not any(".retired-" in name for name in names) or time.monotonic() > deadline:
            return names
        time.sleep(0.05)


def test_d3_directory_becomes_an_exact_copy_including_deletions(project: Project, tmp_path: Path) -> None:
    target = tmp_path / "www" / "archive"
    target.parent.mkdir()
    result = project.deploy_dir(target)
    assert result.swapped and deployed(target) == tree_bytes(project.site)

    (target / "stray.html").write_text("left over")
    (target / "old" / "empty").mkdir(parents=True)
    (target / "link").symlink_to("/etc/passwd")
    target.chmod(0o750)
    (project.root / "content" / "a6.md").unlink()
    project.write("content/a1.md", ARTICLES["a1.md"].replace("Body 1.", "Edited."))
    project.build()
    with pytest.raises(DeployError, match="added or edited since the last deploy"):
        project.deploy_dir(target)  # stray.html and link are not the deploy's (D4)
    result = project.deploy_dir(target, take_over=True)
    assert result.swapped
    assert deployed(target) == tree_bytes(project.site)
    assert sorted(p.relative_to(target) for p in target.rglob("*") if p.name != MARKER) == \
        sorted(p.relative_to(project.site) for p in project.site.rglob("*"))
    assert {"stray.html", "link", "2020/06/a6/index.html"} <= set(result.deleted)
    assert "2020/01/a1/index.html" in result.changed
    assert target.stat().st_mode & 0o777 == 0o750
    assert _settled_listing(target.parent) == ["archive"]  # no staging folder left

    stamps = {p: p.stat().st_mtime_ns for p in target.rglob("*")}
    inode = target.stat().st_ino
    again = project.deploy_dir(target)
    assert not again.swapped and target.stat().st_ino == inode
    assert {p: p.stat().st_mtime_ns for p in target.rglob("*")} == stamps


def test_d3_directory_target_from_config_and_the_cli(tmp_path: Path) -> None:
    project = make_project(tmp_path, CONFIG + "deploy:\n  target: ../public\n")
    project.build()
    done = project.cli("dir")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Deployed to {tmp_path / 'public'}: ")
    assert deployed(tmp_path / "public") == tree_bytes(project.site)
    done = project.cli("dir")
    assert done.stdout.startswith("nothing changed: "), done.stdout


@pytest.mark.parametrize("where, message", [
    ("archive/public", "it is inside the project folder"),
    ("archive/content", "it is the content folder"),
    ("archive", "it is the project folder"),
    (".", "it contains the project folder"),
    ("/", "refusing to replace the filesystem root or your home folder"),
    ("home", "refusing to replace the filesystem root or your home folder"),
    ("a-file", "exists and is not a folder"),
    ("missing/archive", "the parent folder"),
])
def test_d3_directory_targets_that_hold_the_users_work_are_refused(
        project: Project, tmp_path: Path, where: str, message: str) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    content = tree_bytes(project.root / "content")
    target = tmp_path / where
    with pytest.raises(DeployError) as caught:
        project.deploy_dir(target)
    assert str(caught.value).startswith(f"{target.resolve()}: ")
    assert message in str(caught.value)
    assert tree_bytes(project.root / "content") == content
    assert not (project.root / "public").exists() and not (tmp_path / "missing").exists()


def test_d3_directory_without_a_target_is_refused(project: Project) -> None:
    with pytest.raises(DeployError, match="^deploy dir: no target folder: pass TARGET"):
        project.deploy_dir(None)


def test_d1_directory_max_deletes_guard(project: Project, tmp_path: Path) -> None:
    target = tmp_path / "www"
    target.mkdir()
    for n in range(5):
        (target / f"precious-{n}.txt").write_text(str(n))
    before = tree_bytes(target)
    with pytest.raises(DeployError, match=f"^{target}: this deploy would delete 5 files"):
        project.deploy_dir(target, max_deletes=2, take_over=True)
    assert tree_bytes(target) == before
    result = project.deploy_dir(target, max_deletes=2, force=True, take_over=True)
    assert len(result.deleted) == 5 and deployed(target) == tree_bytes(project.site)


# -- configuration and help ----------------------------------------------------------------------

def test_deploy_section_errors_name_the_line_and_key(tmp_path: Path) -> None:
    (tmp_path / "site_config.yaml").write_text(
        CONFIG + "deploy:\n  remote: -x\n  branch: 'a b'\n  cname: https://example.org/\n"
                 "  max_deletes: -1\n  colour: red\n")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "site_config.yaml")
    assert caught.value.lines() == [
        "site_config.yaml:5: deploy.remote: expected the name of a git remote such as origin, got -x",
        "site_config.yaml:6: deploy.branch: is not a valid git branch name: a b",
        "site_config.yaml:7: deploy.cname: must be a bare host name such as archive.example.org, "
        "not a URL: https://example.org/",
        "site_config.yaml:8: deploy.max_deletes: must not be negative, got -1",
        "site_config.yaml:9: deploy.colour: unknown setting (known: remote, branch, cname, message, "
        "target, max_deletes)",
    ]


@pytest.mark.parametrize("command", [["deploy"], ["deploy", "gh-pages"], ["deploy", "dir"]])
def test_deploy_help(command: list[str]) -> None:
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0 and "--help" in result.output
    if len(command) == 2:
        assert "--max-deletes N" in result.output and "--force" in result.output


def test_d2_published_bytes_ignore_git_filters_and_line_ending_settings(project: Project) -> None:
    """`git add` would run clean filters and autocrlf on the site; the deploy must not."""
    project.git("config", "core.autocrlf", "true")
    project.git("config", "filter.shout.clean", "tr a-z A-Z")
    (project.root / ".git" / "info" / "attributes").write_text("* filter=shout text eol=crlf\n")
    (project.root / "static").mkdir(exist_ok=True)
    (project.root / "static" / "crlf.txt").write_bytes(b"windows\r\nline\r\n")
    project.build()
    project.deploy()
    assert project.published()["crlf.txt"] == b"windows\r\nline\r\n"
    assert project.published() == project.expected()


# -- D4: a folder no deploy made, and --dry-run -------------------------------------------------

def test_d4_dir_refuses_a_folder_that_no_earlier_deploy_made(project: Project, tmp_path: Path) -> None:
    """Issue 13.1: deploying onto a user's documents replaced them (exit 0, the thesis gone)."""
    important = tmp_path / "important"
    important.mkdir()
    (important / "thesis.txt").write_text("four years of work")
    refusal = (f"{important}: not an earlier deploy (no .archivegen-deploy file) and not empty: it "
               "holds thesis.txt; deploy to a new or empty folder, or pass --take-over to replace "
               "everything in it (--force does not)")
    for extra in ([], ["--force"], ["--dry-run"], ["--force", "--max-deletes", "0"]):
        done = project.cli("dir", str(important), *extra)
        assert (done.returncode, done.stderr, done.stdout) == (1, refusal + "\n", "")
        assert tree_bytes(important) == {"thesis.txt": b"four years of work"}
        assert sorted(os.listdir(tmp_path)) == ["archive", "home", "important", "origin.git"]

    done = project.cli("dir", str(important), "--take-over")
    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith(", 1 deleted\n"), done.stdout
    assert deployed(important) == tree_bytes(project.site)


def test_d4_dir_empty_or_new_folders_are_fine_and_get_the_marker(project: Project, tmp_path: Path) -> None:
    empty, new = tmp_path / "empty", tmp_path / "new"
    empty.mkdir()
    for target in (empty, new):
        done = project.cli("dir", str(target))
        assert done.returncode == 0, done.stderr
        assert deployed(target) == tree_bytes(project.site)
        marker = json.loads((target / MARKER).read_text())
        assert marker["tool"] == "archivegen deploy dir"
        assert sorted(marker["files"]) == sorted(tree_bytes(project.site))
    project.write("content/a1.md", ARTICLES["a1.md"].replace("Body 1.", "Edited."))
    project.build()
    done = project.cli("dir", str(new))  # an earlier deploy: replaced without a question
    assert done.returncode == 0, done.stderr
    assert deployed(new) == tree_bytes(project.site)


def test_d4_dir_files_added_or_edited_since_the_last_deploy_are_kept(project: Project,
                                                                     tmp_path: Path) -> None:
    target = tmp_path / "www"
    project.deploy_dir(target)
    (target / "notes.txt").write_text("mine")
    (target / "index.html").write_text("hot fix")
    project.write("content/a1.md", ARTICLES["a1.md"].replace("Body 1.", "Edited."))
    project.build()
    before = tree_bytes(target)
    done = project.cli("dir", str(target), "--force")
    assert (done.returncode, done.stderr) == (1, (
        f"{target}: 2 file(s) added or edited since the last deploy would be replaced or deleted: "
        "index.html, notes.txt; move them elsewhere, or pass --take-over to replace them "
        "(--force does not)\n"))
    assert tree_bytes(target) == before
    (target / MARKER).write_text("{}")
    done = project.cli("dir", str(target))
    assert (done.returncode, done.stderr) == (1, (
        f"{target / MARKER}: is not a marker an earlier deploy wrote; pass --take-over to replace "
        "the folder anyway (--force does not)\n"))
    result = project.deploy_dir(target, take_over=True)
    assert [name for name in result.deleted if not name.startswith("pagefind/")] == ["notes.txt"]
    assert "index.html" in result.changed
    assert deployed(target) == tree_bytes(project.site)


def test_d4_dir_dry_run_lists_and_changes_nothing(project: Project, tmp_path: Path) -> None:
    target = tmp_path / "www"
    done = project.cli("dir", str(target), "--dry-run")
    assert done.returncode == 0, done.stderr
    files = sorted(tree_bytes(project.site))
    assert done.stdout.splitlines() == [f"would add {name}" for name in files] + [
        f"Dry run for {target}: would have {len(files)} files added, 0 changed, 0 deleted; "
        "nothing was changed"]
    assert not target.exists() and sorted(os.listdir(tmp_path)) == ["archive", "home", "origin.git"]

    project.deploy_dir(target)
    (project.root / "content" / "a6.md").unlink()
    project.write("content/a1.md", ARTICLES["a1.md"].replace("Body 1.", "Edited."))
    project.build()
    before = {path: (path.stat().st_mtime_ns, path.read_bytes() if path.is_file() else None)
              for path in target.rglob("*")}
    done = project.cli("dir", str(target), "-n")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    delta = manifest(project.site)["delta"]["path"].rstrip("/")  # the edit's new search bundle
    assert "would change pagefind/index.json" in lines
    assert "would change 2020/01/a1/index.html" in lines
    assert "would delete 2020/06/a6/index.html" in lines
    assert all(line.startswith(f"would add pagefind/{delta}/") for line in lines if "would add" in line)
    counts = [sum(line.startswith(f"would {verb} ") for line in lines) for verb in VERBS]
    assert lines[-1] == (f"Dry run for {target}: would have {counts[0]} files added, {counts[1]} changed, "
                         f"{counts[2]} deleted; nothing was changed")
    assert {path: (path.stat().st_mtime_ns, path.read_bytes() if path.is_file() else None)
            for path in target.rglob("*")} == before


def test_d4_gh_pages_dry_run_lists_and_changes_nothing(project: Project) -> None:
    objects = project.git("count-objects", "-v")
    before = project.user_state()
    done = project.cli("gh-pages", "--dry-run")
    assert done.returncode == 0, done.stderr
    files = sorted(project.expected())
    assert done.stdout.splitlines() == [f"would add {name}" for name in files] + [
        f"Dry run for origin/gh-pages: would have {len(files)} files added, 0 changed, 0 deleted; "
        "nothing was committed or pushed"]
    assert project.git("count-objects", "-v") == objects  # not even a blob written
    assert project.user_state() == before
    assert git(project.origin, "branch", "--list") == "" and project.git("branch", "--list", "gh-pages") == ""

    first = project.deploy()
    (project.root / "content" / "a6.md").unlink()
    project.build()
    done = project.cli("gh-pages", "--dry-run")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "would delete 2020/06/a6/index.html" in lines and "would change index.html" in lines
    counts = [sum(line.startswith(f"would {verb} ") for line in lines) for verb in VERBS]
    assert lines[-1] == (f"Dry run for origin/gh-pages: would have {counts[0]} files added, {counts[1]} "
                         f"changed, {counts[2]} deleted; nothing was committed or pushed")
    assert git(project.origin, "rev-parse", "gh-pages") == first.commit
    assert project.git("rev-parse", "gh-pages") == first.commit


# -- D5: site/ must be what the last build wrote -------------------------------------------------

def _tamper(project: Project) -> None:
    (project.site / "index.html").unlink()
    (project.site / "2020/01/a1/index.html").write_text("edited by hand")
    (project.site / "extra.html").write_text("dropped in")


D5_REFUSAL = ("site: differs from what the last build wrote: 2020/01/a1/index.html (changed), "
              "extra.html (not written by it), index.html (missing); run 'archivegen build --full' "
              "to restore it, then deploy")


def test_d5_dir_refuses_a_site_changed_since_the_build(project: Project, tmp_path: Path) -> None:
    """Issue 13.2: after `rm site/index.html` and a build that did not notice, the deploy
    deleted the live home page."""
    target = tmp_path / "www"
    project.deploy_dir(target)
    published = tree_bytes(target)
    _tamper(project)  # after the build (a build would restore the missing and changed files)
    for extra in ([], ["--dry-run"], ["--force", "--take-over"]):
        done = project.cli("dir", str(target), *extra)
        assert (done.returncode, done.stderr, done.stdout) == (1, D5_REFUSAL + "\n", "")
        assert tree_bytes(target) == published
    build_full = subprocess.run([ARCHIVEGEN, "build", "--full"], cwd=project.root, capture_output=True,
                                text=True, timeout=120)
    assert build_full.returncode == 0, build_full.stderr
    done = project.cli("dir", str(target))
    assert done.returncode == 0, done.stderr
    assert tree_bytes(target) == published and done.stdout.startswith("nothing changed")


def test_d5_gh_pages_refuses_a_site_changed_since_the_build(project: Project) -> None:
    _tamper(project)
    for extra in ([], ["--dry-run"], ["--force"]):
        done = project.cli("gh-pages", *extra)
        assert (done.returncode, done.stderr, done.stdout) == (1, D5_REFUSAL + "\n", "")
    assert git(project.origin, "branch", "--list") == ""


def test_d5_many_differences_are_named_briefly(project: Project, tmp_path: Path) -> None:
    for name in ("a1.md", "a2.md", "a3.md"):
        for page in (project.site / "2020").glob(f"0{name[1]}/*/index.html"):
            page.unlink()
    (project.site / "tags" / "index.html").unlink()
    (project.site / "feed.xml").unlink()
    with pytest.raises(DeployError) as caught:
        project.deploy_dir(tmp_path / "www")
    assert caught.value.lines() == [
        "site: differs from what the last build wrote: 2020/01/a1/index.html (missing), "
        "2020/02/a2/index.html (missing), 2020/03/a3/index.html (missing) and 2 more; "
        "run 'archivegen build' to restore it, then deploy"]


def test_d5_search_bundles_are_checked_as_a_whole(project: Project, tmp_path: Path) -> None:
    """A bundle is one recorded output of many files: a correct one passes, a changed one not."""
    project.write("content/a2.md", ARTICLES["a2.md"].replace("Body 2.", "Re-indexed."))
    project.build()  # incremental: a delta bundle is indexed and added
    assert project.deploy_dir(tmp_path / "www").swapped  # a correct build is never refused
    name = manifest(project.site)["shards"][0]["path"].rstrip("/")
    bundle = project.site / "pagefind" / name
    assert (bundle / "pagefind.js").is_file()
    for tamper in (lambda: (bundle / "pagefind-worker.js").unlink(),
                   lambda: (bundle / "pagefind-worker.js").write_text("/* edited */"),
                   lambda: (bundle / "extra.js").write_text("")):
        tamper()
        with pytest.raises(DeployError, match=r"^site: differs from what the last build wrote: "
                                              rf"pagefind/{name}/ \(search bundle changed\); "):
            project.deploy_dir(tmp_path / "www")
        project.build()  # (the bundle's lost file comes back with --full)
        subprocess.run([ARCHIVEGEN, "build", "--full"], cwd=project.root, check=True, capture_output=True)
    (project.site / "pagefind" / "1999").mkdir()
    (project.site / "pagefind" / "1999" / "x.js").write_text("")
    with pytest.raises(DeployError, match=r"pagefind/1999/x\.js \(not written by it\)"):
        project.deploy_dir(tmp_path / "www")


# -- issue 15: an interrupted build, a dirty work tree ------------------------------------------

def test_deploy_names_an_interrupted_build(project: Project, tmp_path: Path) -> None:
    def ctrl_c() -> None:
        raise KeyboardInterrupt

    project.write("content/a1.md", ARTICLES["a1.md"].replace("Body 1.", "Edited."))
    with pytest.raises(KeyboardInterrupt):
        build(BuildOptions(config_path=project.root / "site_config.yaml", workers=1, before_commit=ctrl_c))
    for command in (["dir", str(tmp_path / "www")], ["gh-pages"]):
        done = project.cli(*command)
        assert (done.returncode, done.stderr) == (1, "site: the last build was interrupted; run "
                                                     "'archivegen build' again before deploying\n")
    assert not (tmp_path / "www").exists()


def test_gh_pages_from_a_dirty_work_tree_says_so(project: Project) -> None:
    head = project.git("rev-parse", "HEAD")
    project.write("content/a1.md", ARTICLES["a1.md"].replace("Body 1.", "Uncommitted."))
    project.build()
    before = project.user_state()
    done = project.cli("gh-pages")
    assert done.returncode == 0, done.stderr
    assert f"built from {head[:12]}+dirty (main):" in done.stdout
    message = project.git("log", "-1", "--format=%B", "gh-pages")
    assert message.startswith(f"Deploy {head[:12]}+dirty (main) with archivegen {__version__}\n")
    assert f"Source-Commit: {head}+dirty\n" in message
    assert project.user_state() == before  # git status did not refresh the index

    project.git("checkout", "-q", "content/a1.md")
    project.write("content/new.md", "---\ntitle: New\ndate: 2021-01-01T00:00:00Z\n---\nNew.\n")  # untracked
    project.build()
    project.deploy()
    assert f"Source-Commit: {head}+dirty\n" in project.git("log", "-1", "--format=%B", "gh-pages")
