"""Render one Page of the model to bytes: the context each page family needs, then Jinja.

A PageRenderer is built once per process. It is a pure function of (config, site, article
bodies) and the page, which is what lets the build run it in any executor, on any
machine, and still produce the same bytes as a single process.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urljoin

from archivegen import __version__
from archivegen.config.schema import SiteConfig, Taxonomy
from archivegen.output.lock import STATE_DIR_NAME
from archivegen.render.markdown_cache import HtmlSource
from archivegen.render.recorder import ARCHIVE_COUNTS, TERM_YEARS, recording, term_count
from archivegen.render.structured_data import news_article, publisher
from archivegen.render.templates import (
    TemplateSnapshot,
    describe_template_error,
    make_environment,
    snapshot_templates,
)
from archivegen.render.views import (
    ArticleView,
    Chart,
    Links,
    MonthLink,
    PagerView,
    TagLink,
    YearLink,
    bars,
    format_date,
    html_text,
    letter_groups,
    month_name,
    rfc822,
    rfc3339,
)
from archivegen.site.builder import numbered_path, page_number
from archivegen.site.model import Entry, Page, Site, Term
from archivegen.site.taxonomy import index_path

MOST_USED_TAGS = 24  # listed before the A-Z on the tag index when there are more tags than this
FEED_ID_NAMESPACE = uuid.UUID("5f0d3c8e-6d1b-4c59-9a53-0b7c2ad1c0de")


@dataclass(frozen=True)
class RenderedPage:
    """One page's bytes and the dependencies recorded while rendering it."""

    data: bytes
    templates: frozenset[str]
    counts: frozenset[str]  # the counts the templates read: tag slugs, recorder.PAGER_COUNT/TOTAL


class PageRenderer:
    """Renders pages of one site. Picklable (for remote executors): caches are rebuilt on arrival.

    ``bodies`` supplies article HTML from the Markdown cache.
    """

    def __init__(self, config: SiteConfig, site: Site, bodies: HtmlSource | None = None):
        self.config, self.site = config, site
        self.bodies = bodies
        self.links = Links.of(config)
        self._templates: TemplateSnapshot | None = None
        self._setup()

    def _setup(self) -> None:
        site, config = self.site, self.config
        self._views: dict[int, ArticleView] = {}
        self._publisher = publisher(config, self.links)
        self._taxonomies = {taxonomy.name: taxonomy for taxonomy in config.taxonomies}
        self._authors = next((t.name for t in config.taxonomies if t.field == "authors"), "")
        self._term_links = {name: {slug: TagLink(term.name, slug, self.links.url(term.path), term.count, name)
                                   for slug, term in terms.items()}
                            for name, terms in site.terms.items()}
        self.env = make_environment(
            config.templates_dir,
            filters={"date": format_date, "rfc3339": rfc3339, "rfc822": rfc822, "html_text": html_text},
            globals_={"url": self.links.url, "abs_url": self.links.abs_url,
                      "version": __version__, "site": self._site_info()},
            snapshot=self._templates,
            bytecode_dir=(None if self._templates is not None  # elsewhere: no project folder
                          else config.project_dir / STATE_DIR_NAME / "templates"),
        )
        self._families: dict[str, Callable[[Page], dict[str, Any]]] = {
            "home": self._listing, "term": self._term, "term_index": self._term_index,
            "year": self._year, "month": self._month, "archives": self._archives,
            "atom": self._feed, "rss": self._feed, "json_feed": self._feed,
            "term_feed": self._feed, "term_json_feed": self._feed,
            "sitemap": self._sitemap, "sitemap_index": self._sitemap_index,
            "robots": self._robots, "not_found": lambda page: {},
            "search": self._archives,  # the year list scopes the search
            "redirect": self._redirect, "redirects": self._redirects,
        }

    def __getstate__(self) -> dict[str, Any]:
        """What a renderer in another process (or on another machine) needs.

        The project's templates travel as text: a Dask worker on another machine has no
        templates/ folder, and falling back to the packaged theme would silently change pages.
        """
        templates = self._templates
        if templates is None:
            templates = snapshot_templates(self.config.templates_dir)
        return {"config": self.config, "site": self.site, "bodies": self.bodies, "links": self.links,
                "_templates": templates}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._setup()

    # -- entry points -------------------------------------------------------------------------

    def render(self, page: Page, body_html: str | None = None) -> RenderedPage:
        """Render one page, recording the templates it loads and the term counts it reads."""
        with recording() as record:
            if page.kind == "article":
                data = self._render(page, self._article(page, body_html))
            else:
                data = self._render(page, self._families[page.kind](page))
        return RenderedPage(data, frozenset(record.templates), frozenset(record.counts))

    def body_html(self, page: Page) -> str:
        article = self.site.entries[page.entries[0]].article
        if self.bodies is None:
            raise RuntimeError("no source of article bodies")
        return self.bodies.html(article)

    def _article(self, page: Page, body_html: str | None) -> dict[str, Any]:
        entry = self.site.entries[page.entries[0]]
        if body_html is None:
            body_html = self.body_html(page)
        previous, following = self.site.previous_entry(entry), self.site.next_entry(entry)
        view = self._view(entry)
        date = entry.article.date
        return {
            "article": view, "content": body_html,
            "structured_data": news_article(view, self.config, self._publisher),
            "archive": self._month_nav((date.year, date.month)),
            "previous": self._view(previous) if previous else None,
            "next": self._view(following) if following else None,
        }

    # -- helpers ------------------------------------------------------------------------------

    def _render(self, page: Page, context: dict[str, Any]) -> bytes:
        context["page"] = {
            "kind": page.kind, "path": page.path, "title": page.title, "taxonomy": page.taxonomy,
            "url": self.links.url(page.path), "abs_url": self.links.abs_url(page.path),
        }
        try:
            template = self.env.get_template(page.template)
            return template.render(context).encode("utf-8")
        except Exception as exc:
            # Whatever a template raises ({{ 1 / 0 }} as much as an undefined name) is reported
            # at its template line, never as an internal error, naming the page being rendered.
            raise describe_template_error(exc, self.config.project_dir, self._describe(page)) from exc

    def _describe(self, page: Page) -> str:
        """'page /2020/03/x/ of content/2020/x.md': what a template error happened on."""
        if page.kind != "article":
            return f"page {page.path}"
        try:
            folder = self.config.content_dir.relative_to(self.config.project_dir).as_posix()
        except ValueError:
            folder = self.config.content_dir.as_posix()
        return f"page {page.path} of {folder}/{page.key}"

    def _site_info(self) -> dict[str, Any]:
        c = self.config
        return {"title": c.title, "description": c.description, "language": c.language,
                "author": c.author, "publisher": self._publisher, "base_url": c.base_url,
                "home_url": self.links.url("/"),
                "feed_url": self.links.url("/feed.xml"), "rss_url": self.links.url("/rss.xml"),
                "json_feed_url": self.links.url("/feed.json"),
                # (name, index URL, title) of the taxonomies the config shows in the navigation
                "nav_taxonomies": [(t.name, self.links.url(index_path(t)), t.title)
                                   for t in c.taxonomies if t.nav]}

    def _view(self, entry: Entry) -> ArticleView:
        cached = self._views.get(entry.index)
        if cached is not None:
            return cached
        a = entry.article
        terms = {name: tuple(self._term_links[name][slug] for slug in slugs)
                 for name, slugs in entry.terms.items()}
        view = ArticleView(
            title=a.title, path=entry.path, url=self.links.url(entry.path),
            abs_url=self.links.abs_url(entry.path), date=a.date, updated=a.updated,
            summary=entry.summary,
            authors=a.authors, tags=terms.get("tags", ()),
            source=a.source, language=a.language or self.config.language,
            feed_id=f"urn:uuid:{uuid.uuid5(FEED_ID_NAMESPACE, entry.path)}", terms=terms,
            author_links=terms.get(self._authors, ()),
        )
        self._views[entry.index] = view
        return view

    def _views_of(self, ids: Sequence[int]) -> list[ArticleView]:
        return [self._view(self.site.entries[i]) for i in ids]

    def _pager(self, page: Page) -> PagerView | None:
        pager = page.pager
        if pager is None:
            return None
        url = self.links.url
        older_number = page_number(pager, pager.older)
        return PagerView(
            number=pager.number, count=pager.count, total_items=pager.total_items,
            previous_url=url(pager.newer) if pager.newer else None,
            next_url=url(pager.older) if pager.older else None,
            first_url=url(pager.base), last_url=url(pager.oldest),
            landing=pager.landing, numbering=pager.numbering, older_number=older_number,
            page_url=lambda number: url(numbered_path(pager, number)))

    # -- page families ------------------------------------------------------------------------

    def _listing(self, page: Page) -> dict[str, Any]:
        return {"articles": self._views_of(page.entries), "pager": self._pager(page)}

    def _term(self, page: Page) -> dict[str, Any]:
        """A term's page: its articles, its link, its feeds and its chart. The tags' template
        also finds them under their old names (``tag``, ``tag_feed_url``...), which projects'
        ``tag.html`` overrides use."""
        taxonomy = self._taxonomies[page.taxonomy]
        term = self.site.terms[taxonomy.name][page.key]
        context = self._listing(page)
        link = self._term_links[taxonomy.name][term.slug]
        feeds = ((self.links.url(f"{term.path}feed.xml"), self.links.url(f"{term.path}feed.json"))
                 if taxonomy.feed else (None, None))
        context.update(term=link, taxonomy=self._taxonomy_view(taxonomy), feed_url=feeds[0],
                       json_feed_url=feeds[1], chart=self._term_chart(taxonomy.name, term))
        if taxonomy.name == "tags":
            context.update(tag=link, tag_feed_url=feeds[0], tag_json_feed_url=feeds[1])
        return context

    def _taxonomy_view(self, taxonomy: Taxonomy) -> dict[str, Any]:
        return {"name": taxonomy.name, "title": taxonomy.title, "singular": taxonomy.singular,
                "url": self.links.url(index_path(taxonomy))}

    def _term_chart(self, taxonomy: str, term: Term) -> Chart:
        """The term's articles per year, from its first year to its last, each year linked to
        the search page filtered to the tag and the year (the tag's articles of that year,
        newest first): what makes a tag of thousands of articles browsable by year. Other
        taxonomies' years link to their year's archive (the search filters tags only)."""
        counts = dict(term.years)
        search = self.links.url("/search/")

        def of_year(year: int) -> str:
            if taxonomy != "tags":
                return self.links.url(f"/{year}/")
            query = urlencode({"tag": term.name, "from": year, "to": year, "sort": "newest"})
            return f"{search}?{query}"

        years = range(min(counts), max(counts) + 1) if counts else range(0)
        what = "tagged" if taxonomy == "tags" else f"of {self._taxonomies[taxonomy].singular.lower()}"
        return Chart(f"Articles {what} {term.name}, per year",
                     lambda: bars((str(y), str(y), counts.get(y, 0), of_year(y)) for y in years),
                     recorded_as=TERM_YEARS + term_count(taxonomy, term.slug))

    def _term_index(self, page: Page) -> dict[str, Any]:
        """The A-Z index, and the most used terms first (the page's key has every count)."""
        taxonomy = self._taxonomies[page.taxonomy]
        links = list(self._term_links[taxonomy.name].values())
        shown = [links[i] for i in page.entries]
        terms = list(self.site.terms[taxonomy.name].values())
        most_used = sorted(page.entries, key=lambda i: -terms[i].count)[:MOST_USED_TAGS]
        return {"letters": letter_groups(shown), "tag_count": len(links), "term_count": len(links),
                "taxonomy": self._taxonomy_view(taxonomy),
                "most_used": [links[i] for i in most_used] if len(shown) > MOST_USED_TAGS else []}

    def _year_links(self) -> list[YearLink]:
        return [
            YearLink(year=year, count=archive.count, url=self.links.url(f"/{year}/"),
                     months=tuple(MonthLink(year, m, month_name(m), n,
                                            self.links.url(f"/{year}/{m:02d}/"))
                                  for m, n in archive.months))
            for year, archive in self.site.archives.items()
        ]

    def _archives(self, page: Page) -> dict[str, Any]:
        return {"years": self._year_links()}

    def _year(self, page: Page) -> dict[str, Any]:
        year = int(page.key)
        context = self._listing(page)
        context["year"] = next(y for y in self._year_links() if y.year == year)
        counts = dict(self.site.archives[year].months)
        context["chart"] = Chart(
            f"Articles per month in {year}",
            lambda: bars((month_name(m)[:3], f"{month_name(m)} {year}", counts.get(m, 0),
                          self.links.url(f"/{year}/{m:02d}/")) for m in range(1, 13)),
            recorded_as=ARCHIVE_COUNTS)
        older, newer = self.site.year_neighbours(year)
        context["older_year"], context["newer_year"] = self._year_nav(older), self._year_nav(newer)
        return context

    def _year_nav(self, year: int | None) -> dict[str, Any] | None:
        return None if year is None else {"year": year, "url": self.links.url(f"/{year}/")}

    def _month(self, page: Page) -> dict[str, Any]:
        year, month = (int(part) for part in page.key.split("-"))
        context = self._listing(page)
        context.update(year=year, month=month, month_name=month_name(month),
                       year_url=self.links.url(f"/{year}/"))
        older, newer = self.site.month_neighbours((year, month))
        context["older_month"], context["newer_month"] = self._month_nav(older), self._month_nav(newer)
        return context

    def _month_nav(self, key: tuple[int, int] | None) -> dict[str, Any] | None:
        """A month page's link and name ('March 2020'), with its year's link."""
        if key is None:
            return None
        year, month = key
        name = month_name(month)
        return {"year": year, "month": month, "month_name": name, "name": f"{name} {year}",
                "url": self.links.url(f"/{year}/{month:02d}/"), "year_url": self.links.url(f"/{year}/")}

    def _feed(self, page: Page) -> dict[str, Any]:
        """Atom, RSS and JSON Feed alike: the newest articles of the site or of a tag."""
        articles = self._views_of(page.entries)
        config = self.config
        if page.kind in ("term_feed", "term_json_feed"):
            taxonomy = self._taxonomies[page.taxonomy]
            term = self.site.terms[taxonomy.name][page.key]
            title, alternate = f"{config.title}: {term.name}", term.path
            what = "tagged" if taxonomy.name == "tags" else f"of {taxonomy.singular.lower()}"
            description = f"Articles {what} {term.name} in {config.title}"
        else:
            title, alternate = config.title, "/"
            description = config.description or config.title
        updated = max((a.lastmod for a in articles), default=None)
        return {"articles": articles, "feed": {
            "title": title, "id": self.links.abs_url(page.path),
            "self_url": self.links.abs_url(page.path),
            "alternate_url": self.links.abs_url(alternate),
            "description": description, "updated": updated}}

    def _robots(self, page: Page) -> dict[str, Any]:
        """Crawlers read robots.txt only at the root of a host: under a sub-path (``base_url``
        https://example.org/archive/) this file is read by nobody, so it says what the host's
        own robots.txt, named by ``host_robots_url``, needs (None at the host's root)."""
        if self.config.base_path == "/":
            return {"host_robots_url": None}
        return {"host_robots_url": urljoin(self.config.base_url, "/robots.txt")}

    def _sitemap(self, page: Page) -> dict[str, Any]:
        urls = []
        for index in page.entries:
            listed = self.site.pages[index]
            lastmod = None
            if listed.entries and listed.kind != "term_index":
                lastmod = max(self._view(self.site.entries[i]).lastmod for i in listed.entries)
            urls.append({"loc": self.links.abs_url(listed.path), "lastmod": lastmod})
        return {"urls": urls}

    def _redirect(self, page: Page) -> dict[str, Any]:
        """An alias: the article it now lives at (meta refresh, canonical, a plain link)."""
        return {"article": self._view(self.site.entries[page.entries[0]])}

    def _redirects(self, page: Page) -> dict[str, Any]:
        """Every alias as (source, target) URLs with the base path, for a ``_redirects`` file."""
        url = self.links.url
        return {"redirects": [{"source": url(alias), "target": url(entry.path)}
                              for entry in (self.site.entries[i] for i in page.entries)
                              for alias in entry.article.aliases]}

    def _sitemap_index(self, page: Page) -> dict[str, Any]:
        return {"sitemaps": [self.links.abs_url(f"/sitemap-{n}.xml") for n in page.entries]}
