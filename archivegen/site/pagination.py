"""The pages of an article listing (home, a term, a year, a month), as ``pagination:`` numbers them.

Both numberings are here: ``newest-first`` (page 1 at the base path holds the newest) and
``stable`` (pages counted from the oldest, so a full page never changes). Every listing family
(``archivegen/families/``) and the patched model (``build/patch.py``) paginate through
``listing_pages``, so both number pages the same way.
"""

from __future__ import annotations

import math

from archivegen.config.schema import Pagination, SiteConfig
from archivegen.site.model import Page, PageKind, Pager
from archivegen.site.paths import output_file


def listing_pages(config: SiteConfig, kind: PageKind, base: str, template: str, items: tuple[int, ...],
                  key: str = "", title: str = "", per_page: int = 0, taxonomy: str = "") -> list[Page]:
    """The pages of one listing (``items`` newest first: article indexes, or ranks in a patched
    model), ``per_page`` (the config's by default) articles a page."""
    numbering: Pagination = config.pagination
    per_page = per_page or config.per_page
    pagers = (_stable_pagers if numbering == "stable" else _newest_first_pagers)(base, items, per_page)
    return [Page(kind=kind, path=pager.path, output=output_file(pager.path), template=template,
                 entries=pager.items, key=key, pager=pager, title=title, taxonomy=taxonomy)
            for pager in pagers]


def _numbered(base: str, number: int) -> str:
    return f"{base}page/{number}/"


def page_number(pager: Pager, path: str | None) -> int | None:
    """The number of the numbered page at site path ``path`` of ``pager``'s listing (None for
    its base path): the inverse of ``numbered_path``."""
    prefix = f"{pager.base}page/"
    if path is None or not path.startswith(prefix):
        return None
    return int(path[len(prefix):-1])


def numbered_path(pager: Pager, number: int) -> str:
    """The site path of page ``number`` of ``pager``'s listing, as its numbering places it."""
    if number == 1 and pager.numbering != "stable":
        return pager.base
    return _numbered(pager.base, number)


def _newest_first_pagers(base: str, items: tuple[int, ...], per_page: int) -> list[Pager]:
    """Page 1 (at ``base``) holds the newest ``per_page``, page k the k-th slice."""
    count = max(1, math.ceil(len(items) / per_page))

    def path(number: int) -> str:
        return base if number == 1 else _numbered(base, number)

    return [Pager(number=number, count=count, base=base,
                  items=items[(number - 1) * per_page: number * per_page], total_items=len(items),
                  path=path(number), newer=path(number - 1) if number > 1 else None,
                  older=path(number + 1) if number < count else None, oldest=path(count),
                  landing=number == 1)
            for number in range(1, count + 1)]


def _stable_pagers(base: str, items: tuple[int, ...], per_page: int) -> list[Pager]:
    """A landing page at ``base`` with the newest ``per_page``, then (when they do not all fit
    on it) pages numbered from the oldest: page b holds the items ranked [(b-1)p, bp) counting
    from the oldest, so only the newest page is ever partial and a full page never changes.

    The landing page's older link goes to the page holding the item just older than its last.
    """
    total = len(items)
    buckets = math.ceil(total / per_page) if total > per_page else 0
    count = max(1, buckets)
    oldest = _numbered(base, 1) if buckets else base
    older = (total - 1 - per_page) // per_page + 1 if buckets else None  # rank from the oldest
    pagers = [Pager(number=count, count=count, base=base, items=items[:per_page], total_items=total,
                    path=base, newer=None, older=_numbered(base, older) if older else None,
                    oldest=oldest, numbering="stable", landing=True)]
    for number in range(1, buckets + 1):
        pagers.append(Pager(
            number=number, count=count, base=base,
            items=items[max(0, total - number * per_page): total - (number - 1) * per_page],
            total_items=total, path=_numbered(base, number),
            newer=_numbered(base, number + 1) if number < buckets else base,
            older=_numbered(base, number - 1) if number > 1 else None,
            oldest=oldest, numbering="stable", landing=False))
    return pagers
