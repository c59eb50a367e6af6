"""Articles whose URL changed since the last build, and whose old URL now leads nowhere.

Archives are linked for years, so a URL that silently turns into a 404 is a broken promise.
The build state remembers the URL each content file produced (``state/store.py``, table
``urls``); comparing that with the new model finds a move whatever caused it: a retitle (when
the slug comes from the title), a new date, a ``slug:`` or ``url:`` edit, a permalink change,
or a renamed file. A renamed file is a new content key, so it is matched to a file gone since
the last build by its bytes, or else by its title and date (a rename plus a small edit).
A move is reported only when nothing in the new site answers at the old URL any more: an
``aliases:`` entry (or another article taking the address) silences it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from archivegen.content.article import Article
from archivegen.errors import Problem
from archivegen.site.model import Site
from archivegen.site.paths import collision_key, output_file


@dataclass(frozen=True)
class PublishedUrl:
    """What the state keeps of one published article: where it was, and how to recognise it."""

    key: str  # content key, e.g. '2020/ferry.md'
    path: str  # site path it was published at
    content_hash: str  # sha256 of the file's bytes
    identity: str  # digest of title and date, to recognise a renamed and edited file


@dataclass(frozen=True)
class Move:
    key: str  # content key of the article now
    old: str
    new: str


def identity(article: Article) -> str:
    return hashlib.sha256(f"{article.title}\0{article.date.isoformat()}".encode(
        "utf-8", "surrogatepass")).hexdigest()[:32]


def published_urls(site: Site) -> dict[str, PublishedUrl]:
    """Content key -> what to remember of every article in ``site``."""
    return {e.article.key: PublishedUrl(e.article.key, e.path, e.article.content_hash, identity(e.article))
            for e in site.entries}


def find_moves(before: dict[str, PublishedUrl], now: dict[str, PublishedUrl], site: Site) -> list[Move]:
    """Articles of ``now`` whose URL in ``before`` differs and is served by no page of ``site``."""
    gone = [old for key, old in before.items() if key not in now]
    by_bytes = {old.content_hash: old for old in gone}
    by_identity = {old.identity: old for old in gone}
    served = {collision_key(page.output) for page in site.pages}
    moves = []
    for key, current in now.items():
        old = before.get(key) or by_bytes.get(current.content_hash) or by_identity.get(current.identity)
        if old is None or old.path == current.path:
            continue
        if collision_key(output_file(old.path)) in served:
            continue
        moves.append(Move(key, old.path, current.path))
    return moves



def move_warnings(moves: list[Move], content_prefix: str) -> list[Problem]:
    """One warning per move, naming the file and saying how to keep the old link working."""
    return [Problem(content_prefix + move.key, f"URL moved from {move.old} to {move.new} "
                                               f'(add "aliases: [{move.old}]" to keep the old link working)')
            for move in moves]
