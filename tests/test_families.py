"""The page families' registry: every kind of page has one family, and a new kind of page is
one family (planned, rendered, keyed and listed in the sitemap without touching the builder,
the renderer or the page keys)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from archivegen.config import load_config
from archivegen.content.reader import read_articles
from archivegen.families import FAMILIES, Families, PageFamily, PageType, Planning, build_site
from archivegen.families.base import shows_its_articles
from archivegen.render.inputs import PageKeys, TemplateDigests
from archivegen.render.pages import PageRenderer
from archivegen.site.builder import site_parts
from archivegen.site.model import Page, Site
from tests.projects import Archive, article, make_archive

EXAMPLE = Path(__file__).resolve().parents[1]  # the repository is the example archive


def test_every_page_of_the_example_archive_has_its_family() -> None:
    config = load_config(EXAMPLE / "site_config.yaml")
    site = build_site(config, read_articles(config.content_dir, config.tzinfo, config.project_dir).articles)
    kinds = {page.kind for page in site.pages}
    assert kinds <= set(FAMILIES.types)
    assert {"article", "home", "term", "term_index", "year", "month", "sitemap", "search"} <= kinds


def test_two_families_may_not_make_one_kind_of_page() -> None:
    with pytest.raises(ValueError, match="kind 'home'"):
        Families((*FAMILIES.families, FAMILIES.families[2]))


# -- a new family, as a project or a contributor would add one -------------------------------

def _plan_colophon(planning: Planning) -> list[Page]:
    newest = tuple(entry.index for entry in planning.parts.entries[:2])
    return [Page(kind="colophon", path="/colophon/", output="colophon/index.html", template="colophon.html",
                 entries=newest, title="Colophon")]


def _colophon_context(renderer: PageRenderer, page: Page, body_html: str | None) -> Mapping[str, Any]:
    return {"articles": renderer.views_of(page.entries), "total": len(renderer.site.entries)}


COLOPHON = PageFamily(plan=_plan_colophon, types=(
    PageType("colophon", _colophon_context, shows_its_articles, lambda page: "the colophon",
             in_sitemap=True),))


def _site(archive: Archive, families: Families) -> tuple[Site, PageKeys, PageRenderer]:
    config = load_config(archive.root / "site_config.yaml")
    articles = read_articles(config.content_dir, config.tzinfo, config.project_dir).articles
    parts = site_parts(config, articles)
    site = Site(entries=parts.entries, terms=parts.terms, archives=parts.archives, months=parts.months,
                pages=tuple(families.plan(config, parts, 50_000)))
    keys = PageKeys(config, site, families, TemplateDigests(config.templates_dir))
    return site, keys, PageRenderer(config, site, families, [""] * len(site.entries))


def test_a_new_kind_of_page_is_one_family(tmp_path: Path) -> None:
    archive = make_archive(tmp_path, {
        "content/a.md": article("Oldest", "2020-01-01"),
        "content/b.md": article("Middle", "2020-02-01"),
        "content/c.md": article("Newest", "2020-03-01"),
        "templates/colophon.html": "{{ page.title }}: {% for a in articles %}{{ a.title }};{% endfor %}"
                                   " of {{ total }}",
    })
    families = Families((*FAMILIES.families, COLOPHON))
    site, keys, renderer = _site(archive, families)

    colophon = next(page for page in site.pages if page.kind == "colophon")
    assert renderer.render(colophon).data == b"Colophon: Newest;Middle; of 3"
    sitemap = next(page for page in site.pages if page.kind == "sitemap")
    assert b"https://example.org/archive/colophon/" in renderer.render(sitemap).data
    before = keys.key(colophon, "colophon.html", "")

    archive.write("content/a.md", article("Oldest, edited", "2020-01-01"))  # not shown on it
    assert _key_of_colophon(archive, families) == before
    archive.write("content/b.md", article("Middle, edited", "2020-02-01"))  # shown on it
    assert _key_of_colophon(archive, families) != before


def _key_of_colophon(archive: Archive, families: Families) -> str:
    site, keys, _ = _site(archive, families)
    return keys.key(next(page for page in site.pages if page.kind == "colophon"), "colophon.html", "")
