"""Files that are never site inputs: editors' swap, backup and lock files, OS litter, and
version-control folders.

One rule for the static-file copy (``output/staging.py``), the build's check of its inputs
(``build/freshness.py``) and the live preview's watcher (``serve/changes.py``): a file the build
would not publish never triggers a rebuild, and every file it publishes does. Dotfiles as such
are not junk: ``static/.well-known/`` and ``static/.htaccess`` are published.
"""

from __future__ import annotations

import re

# vim (.swp/.swx/.swo, the 4913 probe, backup~), emacs (#x#, .#x lock), JetBrains (___jb_tmp___),
# gedit/kate (.goutputstream-, .kate-swp), atomic writers and downloads (.tmp, .part, .crdownload),
# merge leftovers (.bak, .orig), macOS (.DS_Store, ._ AppleDouble files), Windows (Thumbs.db,
# desktop.ini).
_JUNK = re.compile(
    r"""(~$|^\#.*\#$|^\.\#|\.(swp|swx|swo|swn|tmp|temp|part|crdownload|bak|orig|kate-swp)$|^4913$
        |___jb_(tmp|old|bak)___$|^\.goutputstream-|\.sb-[0-9a-f]+-[a-zA-Z0-9]+$
        |^\.DS_Store$|^\._|^Thumbs\.db$|^desktop\.ini$)""",
    re.VERBOSE | re.IGNORECASE)

VCS_FOLDERS = frozenset({".git", ".hg", ".svn"})


def is_editor_junk(name: str) -> bool:
    """Whether a file name is an editor's, a tool's or an operating system's litter."""
    return bool(_JUNK.search(name))
