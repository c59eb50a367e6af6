"""Hold a run's extracted articles on disk until the whole import has been counted.

``import.min_source_tag_uses`` keeps a source tag only when enough articles of the import carry
it, which is known only after the last input is extracted, while extraction runs in parallel
and a crawl can hold more articles than memory. So the articles are pickled, in order, to an
anonymous temporary file (deleted when closed, even on a crash) while their tags are counted,
then read back one at a time for writing: memory stays bounded by one article.
"""

from __future__ import annotations

import pickle
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import IO, TypeVar

from archivegen.content.slugs import make_slug

T = TypeVar("T")


def count_then_replay(items: Iterable[T], tags_of: Callable[[T], Iterable[str]]
                      ) -> tuple[Counter[str], Iterator[T]]:
    """Consume ``items`` (counting, per item, each tag slug once), then replay them in order."""
    uses: Counter[str] = Counter()
    spool: IO[bytes] = tempfile.TemporaryFile(prefix="archivegen-import-")  # noqa: SIM115 - _replay closes it
    try:
        for item in items:
            uses.update({make_slug(tag) for tag in tags_of(item)})
            pickle.dump(item, spool, protocol=pickle.HIGHEST_PROTOCOL)
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    return uses, _replay(spool)


def _replay(spool: IO[bytes]) -> Iterator[T]:
    with spool:
        while True:
            try:
                yield pickle.load(spool)
            except EOFError:
                return
