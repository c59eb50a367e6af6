"""The plan of one build: which pages to render, which static files to copy, which outputs to
remove. A page is rendered when its key changed (``render/inputs.py``) or when its output was
found damaged (``freshness.py``); its recorded digest then tells the renderer whether the new
bytes need writing at all.

Static files: the project's ``static/`` folder is copied to the site's root, as Hugo, Zola and
Jekyll do, so ``favicon.ico``, ``ads.txt``, a verification file or ``.well-known/`` can be
published where browsers and crawlers look for them. The theme's own files (``style.css``,
``search.js``, ``favicon.svg``) stay under ``/static/``: every page links them there, and in a
folder of their own they never take a name at the root that a project may want; a project file
at ``static/static/style.css`` replaces the theme's. A static file cannot replace a generated
page (``static/index.html``, ``static/sitemap.xml``): that is a build error naming both.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from archivegen.config.schema import SiteConfig
from archivegen.errors import Problem, SiteError
from archivegen.families import FAMILIES
from archivegen.output.digests import file_digest
from archivegen.output.staging import static_files
from archivegen.render.inputs import PageKeys
from archivegen.render.theme import THEME_STATIC
from archivegen.site.model import Page, Site
from archivegen.site.paths import collision_key, content_prefix, shown_folder
from archivegen.state.store import OutputRow

BUNDLE_PREFIX = "pagefind/"  # the search index's outputs: planned by ``searching.py``
THEME_ASSETS = "static/"  # where the theme's own static files are published


@dataclass
class Plan:
    jobs: list[tuple[int, str]]  # (page index, hash of the output's current bytes, "" to write)
    statics: dict[str, Path]  # output path -> source, to copy
    static_keys: dict[str, str]  # output path -> digest of the source, for every static file
    removed: list[str]  # recorded outputs nothing produces any more (search outputs aside)


def static_sources(config: SiteConfig) -> dict[str, Path]:
    """Output path -> source file of every static file: the theme's under ``static/``, the
    project's at the root (a project file at a theme file's path replaces it)."""
    found = static_files(THEME_STATIC, THEME_ASSETS)
    found.update(static_files(config.static_dir))
    return found


def plan(site: Site, keys: PageKeys, recorded: dict[str, OutputRow], sources: dict[str, Path],
         damaged: Collection[str] = ()) -> Plan:
    """Compare every page's key, and every static file's digest, with the ones recorded for
    its output (``sources``: ``static_sources``)."""
    jobs: list[tuple[int, str]] = []
    for index, page in enumerate(site.pages):
        old = recorded.get(page.output)
        if old is None or page.output in damaged:
            jobs.append((index, ""))
        elif keys.key(page, old.templates, old.reads) != old.inputs:
            jobs.append((index, old.digest))
    static_keys = {output: file_digest(path) for output, path in sources.items()}
    statics = {output: sources[output] for output, digest in static_keys.items()
               if (old := recorded.get(output)) is None or old.inputs != digest or output in damaged}
    planned = {page.output for page in site.pages}
    planned.update(sources)
    removed = sorted(path for path in recorded
                     if path not in planned and not path.startswith(BUNDLE_PREFIX))
    return Plan(jobs, statics, static_keys, removed)


def check_static_files(config: SiteConfig, site: Site, sources: dict[str, Path]) -> None:
    """Refuse project static files that would replace a generated output, or stand where one
    needs a folder (a file ``static/tags``) or a folder where one is a file
    (``static/robots.txt/x``); every such file is reported, naming what it collides with.
    Case and Unicode form do not matter (``static/Index.html`` is ``index.html`` on macOS)."""
    mine = {output: path for output, path in sources.items() if not path.is_relative_to(THEME_STATIC)}
    if not mine:
        return
    firsts = {collision_key(output.split("/", 1)[0]) for output in mine}
    files: dict[str, Page] = {}
    folders: dict[str, Page] = {}  # a folder generated pages are in -> one of those pages
    for page in site.pages:
        key = collision_key(page.output)
        if key.split("/", 1)[0] not in firsts:
            continue  # no static file under the same top-level name: nothing to compare
        files[key] = page
        parts = key.split("/")
        for end in range(1, len(parts)):
            folders.setdefault("/".join(parts[:end]), page)
    theme_folders = {"/".join(parts[:end]) for parts in (o.split("/") for o in sources if o not in mine)
                     for end in range(1, len(parts))}
    shown = shown_folder(config, config.static_dir)
    problems = []
    for output in sorted(mine):
        key = collision_key(output)
        parts = key.split("/")
        ancestors = ["/".join(parts[:end]) for end in range(1, len(parts))]
        if parts[0] == BUNDLE_PREFIX.rstrip("/"):
            what = "is in pagefind/, the search index's folder, which the build writes"
        elif key in files:
            what = f"would replace {_describe(config, files[key])}"
        elif key in folders:
            what = f"is a file where the build needs a folder, for {_describe(config, folders[key])}"
        elif key in theme_folders:
            what = "is a file where the build needs a folder, for the theme's files"
        elif found := next((files[a] for a in ancestors if a in files), None):
            what = f"needs a folder where the build writes {_describe(config, found)}"
        else:
            continue
        hint = " (a generated page changes through its template in templates/)" if key in files else ""
        problems.append(Problem(shown + output, f"{what}; rename or remove it{hint}", 1))
    if problems:
        raise SiteError(problems)


def _describe(config: SiteConfig, page: Page) -> str:
    """A generated page as a message names it, with its path."""
    if page.kind == "article":
        return f"the page of {content_prefix(config)}{page.key} ({page.path})"
    if page.kind == "redirect":
        return f"an alias of {content_prefix(config)}{page.key} ({page.path})"
    described = FAMILIES.describe(page)
    return described if page.path in described else f"{described} ({page.path})"
