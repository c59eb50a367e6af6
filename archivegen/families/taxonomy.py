"""Every declared taxonomy's pages (``taxonomies:``: tags, authors, sources...): its A-Z index,
each term's paginated listing with a chart of its years, and each term's Atom and JSON Feed.

One model for all of them (``site/taxonomy.py``): a taxonomy is planned, rendered and keyed by
the same functions, ``Page.taxonomy`` naming it; only the tags keep their own templates
(``tag.html``, ``tags.html``) and context names (``tag``, ``tag_feed_url``), which projects'
overrides use.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from archivegen.config.schema import SiteConfig, Taxonomy
from archivegen.families.base import PageFamily, PageType, Planning, shows_its_articles
from archivegen.families.feeds import feed_context, feed_page
from archivegen.render.inputs import PageKeys
from archivegen.render.pages import PageRenderer
from archivegen.render.recorder import TERM_YEARS, term_count
from archivegen.render.views import Chart, bars, letter_groups
from archivegen.site.model import Page, Term
from archivegen.site.pagination import listing_pages
from archivegen.site.paths import output_file
from archivegen.site.taxonomy import index_path, templates

MOST_USED_TERMS = 24  # listed before the A-Z on an index when there are more terms than this


def term_index_page(taxonomy: Taxonomy, term_count: int) -> Page:
    """The A-Z index of every term of a taxonomy (every tag), on one page.

    One page with a letter bar (anchors), not one page per letter: a term costs about 70 bytes
    there, so 10,000 tags make a 0.7 MB page (about 0.1 MB compressed) that a browser shows
    at once and finds in with Ctrl-F, and one page is one render per build. The page depends
    on every term's count (its ``shown``), which one render covers at any size.
    """
    path = index_path(taxonomy)
    return Page(kind="term_index", path=path, output=output_file(path), template=templates(taxonomy)[0],
                entries=tuple(range(term_count)), title=taxonomy.title, taxonomy=taxonomy.name)


def term_pages(config: SiteConfig, taxonomy: Taxonomy, term: Term, items: tuple[int, ...]) -> list[Page]:
    """The pages of a term's listing (``items``: its articles, or ranks in a patched model)."""
    return listing_pages(config, "term", term.path, templates(taxonomy)[1], items, key=term.slug,
                         title=term.name, per_page=taxonomy.per_page or 0, taxonomy=taxonomy.name)


def term_feed_pages(taxonomy: Taxonomy, term: Term, entries: tuple[int, ...]) -> list[Page]:
    """A term's Atom and JSON Feed of ``entries`` (its newest articles); none when its
    taxonomy says ``feed: false``."""
    if not taxonomy.feed:
        return []
    named = {"key": term.slug, "title": term.name, "taxonomy": taxonomy.name}
    return [feed_page("term_feed", f"{term.path}feed.xml", "atom.xml", entries, **named),
            feed_page("term_json_feed", f"{term.path}feed.json", "feed.json", entries, **named)]


def _plan(planning: Planning) -> list[Page]:
    """Per taxonomy: its index, then each term's pages and feeds."""
    config, pages = planning.config, []
    for taxonomy in config.taxonomies:
        of_taxonomy = planning.parts.terms[taxonomy.name]
        pages.append(term_index_page(taxonomy, len(of_taxonomy)))
        for term in of_taxonomy.values():
            pages += term_pages(config, taxonomy, term, term.entries)
            pages += term_feed_pages(taxonomy, term, term.entries[: config.feed_items])
    return pages


# -- contexts ---------------------------------------------------------------------------------

def _term(renderer: PageRenderer, page: Page, body_html: str | None) -> Mapping[str, Any]:
    """A term's page: its articles, its link, its feeds and its chart (the tags' also under
    their old names)."""
    taxonomy = renderer.taxonomies[page.taxonomy]
    term = renderer.site.terms[taxonomy.name][page.key]
    context = renderer.listing(page)
    link = renderer.term_links[taxonomy.name][term.slug]
    url = renderer.links.url
    feeds = (url(f"{term.path}feed.xml"), url(f"{term.path}feed.json")) if taxonomy.feed else (None, None)
    context.update(term=link, taxonomy=renderer.taxonomy_view(taxonomy), feed_url=feeds[0],
                   json_feed_url=feeds[1], chart=_term_chart(renderer, taxonomy, term))
    if taxonomy.name == "tags":
        context.update(tag=link, tag_feed_url=feeds[0], tag_json_feed_url=feeds[1])
    return context


def _term_chart(renderer: PageRenderer, taxonomy: Taxonomy, term: Term) -> Chart:
    """The term's articles per year, from its first year to its last, each year linked to
    the search page filtered to the tag and the year (the tag's articles of that year,
    newest first): what makes a tag of thousands of articles browsable by year. Other
    taxonomies' years link to their year's archive (the search filters tags only)."""
    counts = dict(term.years)
    url = renderer.links.url
    search = url("/search/")

    def of_year(year: int) -> str:
        if taxonomy.name != "tags":
            return url(f"/{year}/")
        query = urlencode({"tag": term.name, "from": year, "to": year, "sort": "newest"})
        return f"{search}?{query}"

    years = range(min(counts), max(counts) + 1) if counts else range(0)
    what = "tagged" if taxonomy.name == "tags" else f"of {taxonomy.singular.lower()}"
    return Chart(f"Articles {what} {term.name}, per year",
                 lambda: bars((str(y), str(y), counts.get(y, 0), of_year(y)) for y in years),
                 recorded_as=TERM_YEARS + term_count(taxonomy.name, term.slug))


def _term_index(renderer: PageRenderer, page: Page, body_html: str | None) -> Mapping[str, Any]:
    """The A-Z index, and the most used terms first (the page's key has every count)."""
    taxonomy = renderer.taxonomies[page.taxonomy]
    links = list(renderer.term_links[taxonomy.name].values())
    shown = [links[i] for i in page.entries]
    terms = list(renderer.site.terms[taxonomy.name].values())
    most_used = sorted(page.entries, key=lambda i: -terms[i].count)[:MOST_USED_TERMS]
    return {"letters": letter_groups(shown), "tag_count": len(links), "term_count": len(links),
            "taxonomy": renderer.taxonomy_view(taxonomy),
            "most_used": [links[i] for i in most_used] if len(shown) > MOST_USED_TERMS else []}


# -- keys -------------------------------------------------------------------------------------

def _index_shown(keys: PageKeys, page: Page) -> list[str]:
    """The terms on the index, with their names and counts (a count read by its chart or
    template is keyed through the recorded counts instead)."""
    listed = keys.term_lists[page.taxonomy]
    return [str(len(listed)), *(f"{t.slug}:{t.name}:{t.count}" for t in (listed[i] for i in page.entries))]


def _singular(page: Page) -> str:
    return page.taxonomy.removesuffix("s")  # 'tag', 'author'


TAXONOMIES = PageFamily(plan=_plan, types=(
    PageType("term_index", _term_index, _index_shown, lambda page: f"the index of {page.taxonomy}",
             in_sitemap=True, lists_articles=False),
    PageType("term", _term, shows_its_articles,
             lambda page: f"the {_singular(page)} page of '{page.title}'", in_sitemap=True),
    PageType("term_feed", feed_context, shows_its_articles,
             lambda page: f"the feed of {_singular(page)} '{page.title}'"),
    PageType("term_json_feed", feed_context, shows_its_articles,
             lambda page: f"the JSON feed of {_singular(page)} '{page.title}'"),
))
