"""Render one Page of the model to bytes: its family's context (``archivegen/families/``), then Jinja.

A PageRenderer is built once per process. It is a pure function of (config, site, article
bodies) and the page, which is what lets the build run it in any executor, on any
machine, and still produce the same bytes as a single process.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from archivegen import __version__
from archivegen.config.schema import SiteConfig, Taxonomy
from archivegen.output.lock import STATE_DIR_NAME
from archivegen.render.markdown_cache import HtmlSource
from archivegen.render.recorder import recording
from archivegen.render.structured_data import publisher
from archivegen.render.templates import (
    TemplateSnapshot,
    describe_template_error,
    make_environment,
    snapshot_templates,
)
from archivegen.render.views import (
    ArticleView,
    Links,
    MonthLink,
    PagerView,
    TagLink,
    YearLink,
    format_date,
    html_text,
    month_name,
    rfc822,
    rfc3339,
)
from archivegen.site.model import Entry, Page, Site
from archivegen.site.pagination import numbered_path, page_number
from archivegen.site.taxonomy import index_path

FEED_ID_NAMESPACE = uuid.UUID("5f0d3c8e-6d1b-4c59-9a53-0b7c2ad1c0de")


@dataclass(frozen=True)
class RenderedPage:
    """One page's bytes and the dependencies recorded while rendering it."""

    data: bytes
    templates: frozenset[str]
    counts: frozenset[str]  # the counts the templates read: tag slugs, recorder.PAGER_COUNT/TOTAL


class PageContexts(Protocol):
    """Where the renderer gets each page's template variables: the page families' registry
    (``archivegen/families/``), which sits above this module and is handed in by the build."""

    def context(self, renderer: PageRenderer, page: Page, body_html: str | None) -> Mapping[str, Any]: ...

    def lists_articles(self, kind: str) -> bool: ...


class PageRenderer:
    """Renders pages of one site: what every page family's context is made with (article
    views, term links, pagers, year and month links), the Jinja environment, and ``render``.
    Picklable (for remote executors): caches are rebuilt on arrival.

    ``bodies`` supplies article HTML from the Markdown cache; ``families`` the context of each
    kind of page.
    """

    def __init__(self, config: SiteConfig, site: Site, families: PageContexts,
                 bodies: HtmlSource | None = None):
        self.config, self.site, self.families = config, site, families
        self.bodies = bodies
        self.links = Links.of(config)
        self._templates: TemplateSnapshot | None = None
        self._setup()

    def _setup(self) -> None:
        site, config = self.site, self.config
        self._views: dict[int, ArticleView] = {}
        self.publisher = publisher(config, self.links)
        self.taxonomies = {taxonomy.name: taxonomy for taxonomy in config.taxonomies}
        self._authors = next((t.name for t in config.taxonomies if t.field == "authors"), "")
        # taxonomy name -> slug -> the term's link (name, URL, count), for views and indexes
        self.term_links = {name: {slug: TagLink(term.name, slug, self.links.url(term.path), term.count, name)
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

    def __getstate__(self) -> dict[str, Any]:
        """What a renderer in another process (or on another machine) needs.

        The project's templates travel as text: a Dask worker on another machine has no
        templates/ folder, and falling back to the packaged theme would silently change pages.
        """
        templates = self._templates
        if templates is None:
            templates = snapshot_templates(self.config.templates_dir)
        return {"config": self.config, "site": self.site, "families": self.families, "bodies": self.bodies,
                "links": self.links, "_templates": templates}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._setup()

    # -- entry points -------------------------------------------------------------------------

    def render(self, page: Page, body_html: str | None = None) -> RenderedPage:
        """Render one page, recording the templates it loads and the term counts it reads."""
        with recording() as record:
            data = self._render(page, dict(self.families.context(self, page, body_html)))
        return RenderedPage(data, frozenset(record.templates), frozenset(record.counts))

    def body_html(self, page: Page) -> str:
        article = self.site.entries[page.entries[0]].article
        if self.bodies is None:
            raise RuntimeError("no source of article bodies")
        return self.bodies.html(article)

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
                "author": c.author, "publisher": self.publisher, "base_url": c.base_url,
                "home_url": self.links.url("/"),
                "feed_url": self.links.url("/feed.xml"), "rss_url": self.links.url("/rss.xml"),
                "json_feed_url": self.links.url("/feed.json"),
                # (name, index URL, title) of the taxonomies the config shows in the navigation
                "nav_taxonomies": [(t.name, self.links.url(index_path(t)), t.title)
                                   for t in c.taxonomies if t.nav]}

    def view(self, entry: Entry) -> ArticleView:
        """The article as templates see it (made once per renderer)."""
        cached = self._views.get(entry.index)
        if cached is not None:
            return cached
        a = entry.article
        terms = {name: tuple(self.term_links[name][slug] for slug in slugs)
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

    def views_of(self, ids: Sequence[int]) -> list[ArticleView]:
        return [self.view(self.site.entries[i]) for i in ids]

    def pager(self, page: Page) -> PagerView | None:
        """A listing page's pager as templates see it (None on pages without one)."""
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

    def listing(self, page: Page) -> dict[str, Any]:
        """What every listing page shows: its articles and its pager."""
        return {"articles": self.views_of(page.entries), "pager": self.pager(page)}

    def taxonomy_view(self, taxonomy: Taxonomy) -> dict[str, Any]:
        """A taxonomy as its pages name it: name, title, singular and its index's URL."""
        return {"name": taxonomy.name, "title": taxonomy.title, "singular": taxonomy.singular,
                "url": self.links.url(index_path(taxonomy))}

    def year_links(self) -> list[YearLink]:
        """Every year of the archive with its months and counts, newest first."""
        return [
            YearLink(year=year, count=archive.count, url=self.links.url(f"/{year}/"),
                     months=tuple(MonthLink(year, m, month_name(m), n,
                                            self.links.url(f"/{year}/{m:02d}/"))
                                  for m, n in archive.months))
            for year, archive in self.site.archives.items()
        ]

    def month_nav(self, key: tuple[int, int] | None) -> dict[str, Any] | None:
        """A month page's link and name ('March 2020'), with its year's link."""
        if key is None:
            return None
        year, month = key
        name = month_name(month)
        return {"year": year, "month": month, "month_name": name, "name": f"{name} {year}",
                "url": self.links.url(f"/{year}/{month:02d}/"), "year_url": self.links.url(f"/{year}/")}
