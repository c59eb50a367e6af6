"""Split a content file into its YAML front matter and its Markdown body.

A file either starts with a ``---`` line and has a closing ``---`` (or ``...``) line, or it is
an error: bad front matter is never quietly treated as body text (the MkDocs anti-pattern).
Line numbers in errors are counted in the whole file, not inside the YAML block.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from archivegen import yamlread

MAX_FRONT_MATTER_CHARS = 256 * 1024


class FrontMatterError(ValueError):
    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


@dataclass(frozen=True)
class SplitDocument:
    meta: dict[str, Any]
    body: str
    body_line: int  # 1-based line where the body starts
    positions: dict[yamlread.Path, tuple[int, int]]

    def line_of(self, key: str) -> int:
        """File line of a front-matter key (the opening '---' is line 1)."""
        position = self.positions.get((key,))
        return position[0] + 1 if position else 1


def split_front_matter(text: str) -> SplitDocument:
    """Parse ``text`` (already decoded, BOM stripped, newlines normalized to \\n)."""
    if not text.strip():
        raise FrontMatterError("empty file: an article needs front matter with a title and date", 1)
    first_line, _, rest = text.partition("\n")
    if first_line.rstrip() != "---":
        raise FrontMatterError("missing front matter: the file must start with a '---' line", 1)
    lines = rest.split("\n")
    yaml_lines: list[str] = []
    size = 0
    for index, line in enumerate(lines):
        if line.rstrip() in ("---", "..."):
            break
        size += len(line) + 1
        if size > MAX_FRONT_MATTER_CHARS:
            raise FrontMatterError(
                f"front matter is larger than {MAX_FRONT_MATTER_CHARS // 1024} KB", index + 2)
        yaml_lines.append(line)
    else:
        raise FrontMatterError("front matter is not closed: no '---' line after the opening one", 1)
    try:
        located = yamlread.load("\n".join(yaml_lines))
    except yamlread.YamlProblem as exc:
        raise FrontMatterError(exc.message, exc.line + 1, exc.column) from None
    if located.data is None:
        raise FrontMatterError("front matter is empty: it needs at least a title and a date", 1)
    if not isinstance(located.data, dict):
        kind = "a list" if isinstance(located.data, list) else "a single value"
        raise FrontMatterError(f"front matter must be a mapping (key: value), not {kind}", 2)
    body_start = len(yaml_lines) + 2  # index of the closing line, 0-based, +1
    body = "\n".join(lines[len(yaml_lines) + 1:])
    return SplitDocument(located.data, body, body_start + 1, located.positions)
