"""Which dateline dates the article: the one nearest the headline, "Published" before "Updated".

Telling a dateline from a sentence that mentions a date, and reading its date, is
``archivegen.text.dates.dateline``'s job (shared with the other importers); datelines never belong
to the body.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from archivegen.importing.textdump.lines import Line

_PUBLISHED = re.compile(r"\b(published|posted|erschienen|veröffentlicht|publié|publicado|pubblicato)\b", re.I)
_UPDATED = re.compile(r"\b(updated?|modified|aktualisiert|mis à jour|actualizado|aggiornato|atualizado)\b",
                      re.I)


def find_dateline(lines: list[Line], start: int, head: int | None) -> Line | None:
    """The dateline nearest the headline (or the body start): "Published" beats "Updated"."""
    anchor = head if head is not None else start
    best: tuple[float, Line] | None = None
    for index, line in enumerate(lines):
        if line.date is None:
            continue
        distance = abs(index - anchor) + (0 if index <= start else 5)
        if _PUBLISHED.search(line.text):
            distance -= 3
        elif _UPDATED.search(line.text):
            distance += 3
        if best is None or distance < best[0]:
            best = (distance, line)
    return best[1] if best is not None and best[0] <= 40 else None
