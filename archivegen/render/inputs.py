"""The key of everything a page is made from, computed from the model without rendering it.

A rebuild renders a page only when its key differs from the one recorded when it was last
written. The key covers, for every page: archivegen's version, the Markdown settings, the
config values templates can see, the text of every template the page loaded last time, the
counts its templates read last time (terms' article counts, the listing's page and article
counts, a chart's counts; recorded while rendering, see ``recorder.py``), its place in the
site (path, its pager's number and neighbours), and what it shows, which its page family says
(``shown`` in ``archivegen/families/``: an article page its article and both neighbours, a
listing or feed each article it lists, a taxonomy's index its terms with their counts...).

An article is represented by a digest of its file's bytes, its URL, its summary and its terms'
display names (in every taxonomy): everything a template can learn about it. A body edit that
keeps the summary therefore re-renders the listings that show the article, whose bytes come
out unchanged and are not written; exactness is kept by comparing bytes, speed by the keys.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from archivegen import __version__
from archivegen.config.schema import SiteConfig
from archivegen.output.digests import file_digest
from archivegen.render.markdown import MARKDOWN_SETTINGS_ID
from archivegen.render.recorder import ARCHIVE_COUNTS, PAGER_COUNT, PAGER_TOTAL, TERM_YEARS
from archivegen.render.theme import template_dirs
from archivegen.site.model import Page, Site, Term

_SEP = "\x1f"


def _digest(parts: Iterable[str]) -> str:
    return hashlib.blake2b(_SEP.join(parts).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


class TemplateDigests:
    """Template name -> digest of the file the loader picks for it (project overrides first)."""

    def __init__(self, project_templates: Path) -> None:
        self._files: dict[str, str] = {}
        for folder in reversed(template_dirs(project_templates)):
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    self._files[path.relative_to(folder).as_posix()] = file_digest(path)
        self._sets: dict[str, str] = {}

    def of(self, names: str) -> str:
        """Digest of a recorded template set ('\\n'-separated names); missing ones count too."""
        found = self._sets.get(names)
        if found is None:
            found = self._sets[names] = _digest(
                f"{name}={self._files.get(name, 'missing')}" for name in names.split("\n"))
        return found


def config_digest(config: SiteConfig) -> str:
    """The settings every page depends on (the ones templates see, and how dates are shown)."""
    return _digest([__version__, MARKDOWN_SETTINGS_ID, config.title, config.description,
                    config.language, config.author, config.base_url, config.timezone,
                    repr(config.publisher),
                    # the navigation's taxonomies (``site.nav_taxonomies``, on every page)
                    repr([(t.name, t.path, t.title) for t in config.taxonomies if t.nav])])


class PageShows(Protocol):
    """Where the keys get what each kind of page shows: the page families' registry
    (``archivegen/families/``), handed in by the build."""

    def shown(self, keys: PageKeys, page: Page) -> list[str]: ...

    def lists_articles(self, kind: str) -> bool: ...


class PageKeys:
    """Computes page keys for one site model (one instance per build); the digests here
    (``entries``, ``years``...) are what the families' ``shown`` is made of."""

    def __init__(self, config: SiteConfig, site: Site, families: PageShows,
                 templates: TemplateDigests) -> None:
        self.site, self.families, self.templates = site, families, templates
        self.common = config_digest(config)
        # what a taxonomy's pages show of it besides their terms (``PageRenderer.taxonomy_view``,
        # its feeds being on or off): in the keys of its term pages, index and feeds
        self.taxonomies = {t.name: repr((t.title, t.singular, t.path, t.feed)) for t in config.taxonomies}
        self.entries = [
            _digest([e.article.content_hash, e.path, e.summary,
                     *(f"{name}:{site.terms[name][slug].path}:{site.terms[name][slug].name}"
                       for name, slugs in e.terms.items() for slug in slugs)])
            for e in site.entries
        ]
        lastmods = [e.article.updated or e.article.date for e in site.entries]
        self.lastmod_times = [moment.timestamp() for moment in lastmods]
        self.lastmods = [moment.isoformat() for moment in lastmods]
        self.term_lists = {name: list(terms.values()) for name, terms in site.terms.items()}
        self.years = {year: _digest([str(year), str(archive.count),
                                     *(f"{m}:{n}" for m, n in archive.months)])
                      for year, archive in site.archives.items()}
        self.all_years = _digest(self.years.values())
        # A year page's month list without the counts, which count only when read.
        self.year_months = {year: _digest([str(year), *(str(m) for m, _ in archive.months)])
                            for year, archive in site.archives.items()}

    def key(self, page: Page, templates: str, counts: str) -> str:
        """``counts`` names the counts the page's templates read last time ('\n'-separated):
        tag slugs, and ``PAGER_COUNT``/``PAGER_TOTAL`` for its listing's page and article
        counts, which are in the key only then (a stable listing's full pages keep theirs)."""
        pager = page.pager
        parts = [self.common, page.kind, page.path, page.output, page.template, page.title, page.key,
                 f"{pager.numbering}/{pager.number}/{pager.landing}/{pager.base}/{pager.newer}/"
                 f"{pager.older}/{pager.oldest}" if pager else "",
                 self.templates.of(templates), self.taxonomies.get(page.taxonomy, "")]
        if counts:
            parts += (self._count(page, name) for name in counts.split("\n"))
        parts += self.families.shown(self, page)
        return _digest(parts)

    def _count(self, page: Page, name: str) -> str:
        pager = page.pager
        if name == PAGER_COUNT:
            return f"{name}={pager.count if pager else -1}"
        if name == PAGER_TOTAL:
            return f"{name}={pager.total_items if pager else -1}"
        if name == ARCHIVE_COUNTS:  # on a year page its year's; the archive index has all anyway
            return f"{name}={self.years[int(page.key)] if page.kind == 'year' else ''}"
        if name.startswith(TERM_YEARS):
            found = self._term(name[len(TERM_YEARS):])
            return f"{name}={found.years if found else ''}"
        term = self._term(name)
        return f"{name}#{term.count if term else -1}"

    def _term(self, name: str) -> Term | None:
        """The term a count was recorded for ('<taxonomy>/<slug>'), if the site has it."""
        taxonomy, _, slug = name.partition("/")
        return self.site.terms.get(taxonomy, {}).get(slug)

    def listed(self, listed: Page) -> str:
        """A sitemap's entry for a page: its path, and its newest article's date when its
        entries are articles."""
        if listed.entries and self.families.lists_articles(listed.kind):
            newest = max(listed.entries, key=self.lastmod_times.__getitem__)  # first of equals
            return f"{listed.path} {self.lastmods[newest]}"
        return listed.path
