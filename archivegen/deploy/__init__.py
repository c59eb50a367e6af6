"""Publishing a built site: as the gh-pages branch of the project's git repository, or as a folder.

Both targets share the refusals in ``checks`` (no build, a failed or interrupted build, an empty
site, a site/ that is not what the build wrote, too many deletions): a deploy publishes exactly
what the last successful build wrote, or nothing. Both have ``dry_run``.

    checks.py     what both targets refuse, and the list of files to publish
    git.py        running git with one-line errors
    ghpages.py    site/ -> a commit on a branch (plumbing only), pushed to a remote
    directory.py  site/ -> an exact copy swapped in beside the target folder, which
                  must be new, empty or an earlier deploy (its marker file)
"""

from archivegen.deploy.checks import DeployError
from archivegen.deploy.directory import DirectoryOptions, DirectoryResult, deploy_directory
from archivegen.deploy.ghpages import GhPagesOptions, GhPagesResult, deploy_gh_pages

__all__ = [
    "DeployError",
    "DirectoryOptions",
    "DirectoryResult",
    "GhPagesOptions",
    "GhPagesResult",
    "deploy_directory",
    "deploy_gh_pages",
]
