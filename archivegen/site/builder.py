"""Articles + config -> the Site model, with every output path checked before rendering.

This is Pelican's "read everything into the context first" phase and Zola's ``Site::load``:
sort, index by taxonomy term (tags, authors...) and date, paginate, and compute the full list
of pages. Path collisions (two articles on one URL, an article on a generated page's path) are
errors naming both sides.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path

from archivegen.config.schema import Pagination, SiteConfig, Taxonomy
from archivegen.content.article import Article
from archivegen.errors import Problem, SiteError
from archivegen.site.model import Archive, Entry, Page, PageKind, Pager, Site, Term
from archivegen.site.paths import article_path, collision_key, output_file, reserved_owner
from archivegen.site.taxonomy import (
    TermSlugs,
    article_terms,
    canonical_names,
    index_path,
    site_terms,
    templates,
)

SITEMAP_MAX_URLS = 50_000


def build_site(config: SiteConfig, articles: list[Article], include_drafts: bool = False,
               sitemap_max_urls: int = SITEMAP_MAX_URLS, derived_summaries: Mapping[str, str] | None = None
               ) -> Site:
    """Build the model; raise SiteError listing every path collision.

    ``derived_summaries`` maps content keys to the summary derived from the rendered body, for
    articles without a ``summary:`` of their own.
    """
    derived = derived_summaries or {}
    published = [a for a in articles if include_drafts or not a.draft]
    published.sort(key=lambda a: a.sort_key)
    slug_of = TermSlugs()
    entries = tuple(
        Entry(index=i, article=a, path=article_path(a, config.permalinks),
              terms=article_terms(a, config.taxonomies, slug_of), summary=a.summary or derived.get(a.key, ""))
        for i, a in enumerate(published)
    )
    terms = {taxonomy.name: site_terms(taxonomy, entries, canonical_names(published, taxonomy, slug_of))
             for taxonomy in config.taxonomies}

    month_members: dict[tuple[int, int], list[int]] = defaultdict(list)
    for entry in entries:
        month_members[(entry.article.date.year, entry.article.date.month)].append(entry.index)
    months = {key: tuple(month_members[key]) for key in sorted(month_members, reverse=True)}
    archives: dict[int, Archive] = {}
    for year in sorted({year for year, _ in months}, reverse=True):
        year_months = [(m, len(ids)) for (y, m), ids in months.items() if y == year]
        year_entries = tuple(i for (y, _), ids in months.items() if y == year for i in ids)
        archives[year] = Archive(year=year, months=tuple(year_months), entries=year_entries,
                                 count=len(year_entries))

    pages = _plan_pages(config, entries, terms, archives, months, sitemap_max_urls)
    _check_collisions(config, entries, pages)
    return Site(entries=entries, terms=terms, archives=archives, months=months, pages=tuple(pages),
                drafts_included=include_drafts)


def _paginate(kind: str, base: str, template: str, items: tuple[int, ...], per_page: int,
              key: str = "", title: str = "", numbering: Pagination = "newest-first", taxonomy: str = ""
              ) -> list[Page]:
    """The pages of one listing (``items`` newest first), numbered as ``pagination:`` says."""
    pagers = (_stable_pagers if numbering == "stable" else _newest_first_pagers)(base, items, per_page)
    return [Page(kind=kind, path=pager.path, output=output_file(pager.path),  # type: ignore[arg-type]
                 template=template, entries=pager.items, key=key, pager=pager, title=title, taxonomy=taxonomy)
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


def article_page(entry: Entry) -> Page:
    return Page(kind="article", path=entry.path, output=output_file(entry.path), template="article.html",
                entries=(entry.index,), key=entry.article.key, title=entry.article.title)


def redirect_pages(entry: Entry) -> list[Page]:
    """The pages at the article's old URLs (``aliases:``), sending readers to its page."""
    return [Page(kind="redirect", path=alias, output=output_file(alias), template="redirect.html",
                 entries=(entry.index,), key=entry.article.key, title=entry.article.title)
            for alias in entry.article.aliases]


def listing_pages(config: SiteConfig, kind: str, base: str, template: str, key: str, title: str,
                  items: tuple[int, ...]) -> list[Page]:
    """The pages of an article listing (home, a tag, a year, a month), as ``pagination:`` says."""
    return _paginate(kind, base, template, items, config.per_page, key=key, title=title,
                     numbering=config.pagination)


def term_index_page(taxonomy: Taxonomy, term_count: int) -> Page:
    """The A-Z index of every term of a taxonomy (every tag), on one page.

    One page with a letter bar (anchors), not one page per letter: a term costs about 70 bytes
    there, so 10,000 tags make a 0.7 MB page (about 0.1 MB compressed) that a browser shows
    at once and finds in with Ctrl-F, and one page is one render per build. The page depends
    on every term's count (``render/inputs.py``), which one render covers at any size.
    """
    path = index_path(taxonomy)
    return Page(kind="term_index", path=path, output=output_file(path), template=templates(taxonomy)[0],
                entries=tuple(range(term_count)), title=taxonomy.title, taxonomy=taxonomy.name)


def term_pages(config: SiteConfig, taxonomy: Taxonomy, term: Term, items: tuple[int, ...]) -> list[Page]:
    """The pages of a term's listing (``items``: its articles, or ranks in a patched model)."""
    per_page = taxonomy.per_page or config.per_page
    return _paginate("term", term.path, templates(taxonomy)[1], items, per_page, key=term.slug,
                     title=term.name, numbering=config.pagination, taxonomy=taxonomy.name)


def feed_pages(entries: tuple[int, ...], term: Term | None = None, taxonomy: Taxonomy | None = None
               ) -> list[Page]:
    """The feeds of a listing (``entries``: its newest articles): the site's Atom, RSS and JSON
    Feed, or a term's Atom and JSON Feed (none when its taxonomy says ``feed: false``). The one
    list of feed formats, for the whole model and the patched one (``build/patch.py``) alike."""
    if term is not None and taxonomy is not None:
        if not taxonomy.feed:
            return []
        return [_feed("term_feed", f"{term.path}feed.xml", "atom.xml", entries, term, taxonomy),
                _feed("term_json_feed", f"{term.path}feed.json", "feed.json", entries, term, taxonomy)]
    return [_feed("atom", "/feed.xml", "atom.xml", entries), _feed("rss", "/rss.xml", "rss.xml", entries),
            _feed("json_feed", "/feed.json", "feed.json", entries)]


def _feed(kind: PageKind, path: str, template: str, entries: tuple[int, ...], term: Term | None = None,
          taxonomy: Taxonomy | None = None) -> Page:
    return Page(kind=kind, path=path, output=output_file(path), template=template, entries=entries,
                key=term.slug if term else "", title=term.name if term else "",
                taxonomy=taxonomy.name if taxonomy else "")


def _plan_pages(config: SiteConfig, entries: tuple[Entry, ...], terms: dict[str, dict[str, Term]],
                archives: dict[int, Archive], months: dict[tuple[int, int], tuple[int, ...]],
                sitemap_max_urls: int) -> list[Page]:
    """Every output file of the site, one page family after another."""
    pages: list[Page] = [article_page(entry) for entry in entries]
    for entry in entries:  # old URLs kept working (aliases:); never in sitemaps or search
        pages += redirect_pages(entry)
    all_ids = tuple(entry.index for entry in entries)
    pages += listing_pages(config, "home", "/", "index.html", "", "", all_ids)
    for taxonomy in config.taxonomies:
        of_taxonomy = terms[taxonomy.name]
        pages.append(term_index_page(taxonomy, len(of_taxonomy)))
        for term in of_taxonomy.values():
            pages += term_pages(config, taxonomy, term, term.entries)
            pages += feed_pages(term.entries[: config.feed_items], term, taxonomy)
    pages.append(Page(kind="archives", path="/archives/", output="archives/index.html",
                      template="archives.html", title="Archives"))
    for year, archive in archives.items():
        pages += listing_pages(config, "year", f"/{year}/", "year.html", str(year), str(year),
                               archive.entries)
    for (year, month), ids in months.items():
        pages += listing_pages(config, "month", f"/{year}/{month:02d}/", "month.html",
                               f"{year}-{month:02d}", f"{year}-{month:02d}", ids)
    newest = all_ids[: config.feed_items]
    pages += feed_pages(newest)
    pages += _sitemaps(pages, sitemap_max_urls)
    pages.append(Page(kind="robots", path="/robots.txt", output="robots.txt",
                      template="robots.txt"))
    pages.append(Page(kind="not_found", path="/404.html", output="404.html",
                      template="404.html", title="Page not found"))
    pages.append(Page(kind="search", path="/search/", output="search/index.html",
                      template="search.html", title="Search"))
    redirected = tuple(entry.index for entry in entries if entry.article.aliases)
    if redirected:  # the same redirects, for hosts that read a _redirects file (Netlify, Cloudflare)
        pages.append(Page(kind="redirects", path="/_redirects", output="_redirects",
                          template="redirects.txt", entries=redirected))
    return pages


SITEMAP_KINDS = {"article", "home", "term_index", "term", "archives", "year", "month"}


def _sitemaps(pages: list[Page], max_urls: int) -> list[Page]:
    """One sitemap.xml, or numbered sitemaps behind a sitemap index when there are too many."""
    listed = tuple(i for i, page in enumerate(pages) if page.kind in SITEMAP_KINDS)
    if len(listed) <= max_urls:
        return [Page(kind="sitemap", path="/sitemap.xml", output="sitemap.xml",
                     template="sitemap.xml", entries=listed)]
    parts = [listed[start: start + max_urls] for start in range(0, len(listed), max_urls)]
    result = [Page(kind="sitemap", path=f"/sitemap-{n}.xml", output=f"sitemap-{n}.xml",
                   template="sitemap.xml", entries=part, key=str(n))
              for n, part in enumerate(parts, start=1)]
    result.append(Page(kind="sitemap_index", path="/sitemap.xml", output="sitemap.xml",
                       template="sitemap_index.xml", entries=tuple(range(1, len(parts) + 1))))
    return result


def describe_generated(page: Page) -> str:
    """A generated page as messages name it: 'the tag page of 'Syria'', 'the home page'."""
    kind = page.taxonomy.removesuffix("s") if page.taxonomy else ""  # 'tag', 'author'
    return {"home": "the home page", "term": f"the {kind} page of '{page.title}'",
            "term_index": f"the index of {page.taxonomy}",
            "term_feed": f"the feed of {kind} '{page.title}'",
            "term_json_feed": f"the JSON feed of {kind} '{page.title}'",
            "year": f"the {page.title} archive", "month": f"the {page.title} archive",
            "archives": "the archive index", "search": "the search page",
            }.get(page.kind, f"the generated page {page.path}")


_FROM_CONTENT = ("article", "redirect")  # pages an article file asks for (its URL, its aliases)


def _check_collisions(config: SiteConfig, entries: tuple[Entry, ...], pages: list[Page]) -> None:
    """Every output path claimed twice, each problem at the front-matter line behind the URL
    (``url:``, ``slug:``, the file name, or ``aliases:`` for an alias)."""
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
                                          f"{describe_generated(generated)}"))
        else:
            problems.append(_generated_collision(config, page, other))
    if problems:
        raise SiteError(problems)


def _generated_collision(config: SiteConfig, page: Page, other: Page) -> Problem:
    """Two generated pages on one path: a declared taxonomy's path (``taxonomies:``) is the
    only way, so the problem is at its declaration when one of them is a taxonomy's."""
    message = f"{describe_generated(page)} and {describe_generated(other)} both want {page.path}"
    declared = {taxonomy.name: taxonomy for taxonomy in config.taxonomies}
    for mine in (page, other):
        taxonomy = declared.get(mine.taxonomy)
        if taxonomy is not None and taxonomy.line > 1:
            return Problem(config.config_path.name, f"taxonomies.{taxonomy.name}.path: {message}"
                                                    " (give the taxonomy another path)", taxonomy.line)
    return Problem(config.config_path.name, message, 1)


def content_prefix(config: SiteConfig) -> str:
    """How messages name files in the content folder: 'content/' (project-relative)."""
    return shown_folder(config, config.content_dir)


def shown_folder(config: SiteConfig, folder: Path) -> str:
    """A project folder as messages name it: 'content/', 'static/' (project-relative)."""
    try:
        return folder.relative_to(config.project_dir).as_posix() + "/"
    except ValueError:
        return folder.as_posix() + "/"
