"""Every output path claimed twice, found before a byte is written.

Two articles on one URL, an article or alias on a generated page's path, two generated pages on
one path (a declared taxonomy's ``path:``): each problem names both sides, at the front-matter
line (or config line) that decides the path, so the user can fix them all in one go.
"""

from __future__ import annotations

from collections.abc import Callable

from archivegen.config.schema import SiteConfig
from archivegen.errors import Problem, SiteError
from archivegen.site.model import Entry, Page
from archivegen.site.paths import collision_key, content_prefix, reserved_owner

_FROM_CONTENT = ("article", "redirect")  # pages an article file asks for (its URL, its aliases)

def check_collisions(config: SiteConfig, entries: tuple[Entry, ...], pages: list[Page],
                     describe: Callable[[Page], str]) -> None:
    """Every output path claimed twice, each problem at the front-matter line behind the URL
    (``url:``, ``slug:``, the file name, or ``aliases:`` for an alias); ``describe`` names a
    generated page (its family's words)."""
    prefix = content_prefix(config)
    problems: list[Problem] = []
    owners: dict[str, Page] = {}

    def located(page: Page) -> tuple[str, int]:
        article = entries[page.entries[0]].article
        return prefix + page.key, article.aliases_line if page.kind == "redirect" else article.url_line

    def claimed(page: Page, message: str) -> Problem:
        path, line = located(page)
        return Problem(path, message, line)

    def claim(page: Page) -> str:
        return f"alias {page.path}" if page.kind == "redirect" else f"URL {page.path}"

    for page in pages:
        if page.kind in _FROM_CONTENT:
            owner = reserved_owner(page.path)
            if owner:
                problems.append(claimed(page, f"{claim(page)} is reserved for {owner}"))
                continue
        key = collision_key(page.output)
        other = owners.get(key)
        if other is None:
            owners[key] = page
            continue
        if other.kind == "article" and page.kind == "article":
            (path, line), (other_path, other_line) = located(page), located(other)
            field = "url" if any(entries[p.entries[0]].article.url for p in (page, other)) else "slug"
            problems.append(Problem(path, f"URL {page.path} is also claimed by {other_path}:{other_line}"
                                          f' (give one of them its own "{field}:")', line))
        elif other.kind in _FROM_CONTENT and page.kind in _FROM_CONTENT:
            alias, first = (page, other) if page.kind == "redirect" else (other, page)
            if first.key == alias.key:
                problems.append(claimed(alias, f"alias {alias.path} is this article's own URL; "
                                               "remove it"))
            else:
                what = "an alias" if first.kind == "redirect" else "the URL"
                problems.append(claimed(alias, f"alias {alias.path} is also {what} of "
                                               f"{prefix + first.key}"))
        elif other.kind in _FROM_CONTENT or page.kind in _FROM_CONTENT:
            mine, generated = (other, page) if other.kind in _FROM_CONTENT else (page, other)
            problems.append(claimed(mine, f"{claim(mine)} is also the path of "
                                          f"{describe(generated)}"))
        else:
            problems.append(_generated_collision(config, page, other, describe))
    if problems:
        raise SiteError(problems)


def _generated_collision(config: SiteConfig, page: Page, other: Page, describe: Callable[[Page], str]
                         ) -> Problem:
    """Two generated pages on one path: a declared taxonomy's path (``taxonomies:``) is the
    only way, so the problem is at its declaration when one of them is a taxonomy's."""
    message = f"{describe(page)} and {describe(other)} both want {page.path}"
    declared = {taxonomy.name: taxonomy for taxonomy in config.taxonomies}
    for mine in (page, other):
        taxonomy = declared.get(mine.taxonomy)
        if taxonomy is not None and taxonomy.line > 1:
            return Problem(config.config_path.name, f"taxonomies.{taxonomy.name}.path: {message}"
                                                    " (give the taxonomy another path)", taxonomy.line)
    return Problem(config.config_path.name, message, 1)
