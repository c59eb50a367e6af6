"""One family of errors, so the CLI can turn any of them into one line and an exit code.

Library code raises these; only ``archivegen.cli`` prints them. Each error knows where the
problem is (a file, and a line and column where there is one) because a user fixing a
10,000-article archive needs to jump straight to the spot.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

# Line breaks and other controls a message may quote from the input (a slug "a\nb", a NUL):
# shown escaped, so every problem stays one line on stderr and a terminal shows what is there.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _printable(text: str) -> str:
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def suggestion(name: str, known: Iterable[str]) -> str | None:
    """The known name closest to a misspelt one (``per_pgae`` -> ``per_page``), if any is close."""
    matches = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return matches[0] if matches else None


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input, located as precisely as we can."""

    path: str
    message: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = _printable(self.path)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {_printable(self.message)}"


class ArchivegenError(Exception):
    """Base class: anything archivegen reports to the user as a clean error."""

    def __init__(self, problems: Iterable[Problem] | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(path="archivegen", message=problems)]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self):  # keep the located problems when crossing a process boundary
        return (type(self), (self.problems,))

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]


class ConfigError(ArchivegenError):
    """site_config.yaml is unreadable or invalid (every problem is collected first)."""


class ContentError(ArchivegenError):
    """One or more content files are invalid (all files are checked first)."""


class SiteError(ArchivegenError):
    """The site model is inconsistent, e.g. two pages claim one URL."""


class TemplateError(ArchivegenError):
    """A template failed to load or render."""


class OutputError(ArchivegenError):
    """The output directory is unsafe or could not be written."""


class BuildInterrupted(ArchivegenError):
    """The build was stopped by a signal; the previous output is left untouched."""


class SearchError(ArchivegenError):
    """The search index could not be built (Pagefind missing or failing); the site is unchanged."""


class ExecutorError(ArchivegenError):
    """The executor the render stage was given cannot be used (e.g. Dask is not installed)."""


class StateError(ArchivegenError):
    """The build state database cannot be read or written (a full disk, a read-only folder)."""
