"""Site paths: permalinks, output file names, the paths archivegen keeps for itself, and how
messages name the project's folders."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from archivegen.config.schema import SiteConfig
from archivegen.content.article import Article

# Top-level names the generated pages live under. An article may not claim them.
RESERVED_TOP_LEVEL = {
    "tags": "the tag pages", "page": "the home page's pagination", "archives": "the archive index",
    "search": "the search page", "pagefind": "the search index", "static": "the theme's files",
    "index": "the home page", "feed": "the Atom and JSON feeds", "rss": "the RSS feed",
    "sitemap": "the sitemap", "robots": "robots.txt", "404": "the 'not found' page",
    "_redirects": "the redirects file",
}


def article_path(article: Article, permalink: str) -> str:
    """The article's site path: its explicit ``url`` or the permalink pattern filled in."""
    if article.url:
        return article.url
    return permalink.format(year=article.date.year, month=article.date.month,
                            day=article.date.day, slug=article.slug)


def output_file(site_path: str) -> str:
    """'/2020/03/x/' -> '2020/03/x/index.html'; '/feed.xml' -> 'feed.xml'."""
    relative = site_path.lstrip("/")
    if not relative or relative.endswith("/"):
        relative += "index.html"
    return relative


def collision_key(output: str) -> str:
    """Identity of an output file independent of the filesystem's case and Unicode rules."""
    return unicodedata.normalize("NFC", output).casefold()


def reserved_owner(site_path: str) -> str | None:
    """What generated page family owns the path's first segment, if any."""
    first = site_path.strip("/").split("/", 1)[0]
    stem = first.split(".", 1)[0].casefold()
    if first == "" or stem.startswith("sitemap"):
        return RESERVED_TOP_LEVEL.get(stem or "index", "the sitemap")
    return RESERVED_TOP_LEVEL.get(stem)


def content_prefix(config: SiteConfig) -> str:
    """How messages name files in the content folder: 'content/' (project-relative)."""
    return shown_folder(config, config.content_dir)


def shown_folder(config: SiteConfig, folder: Path) -> str:
    """A project folder as messages name it: 'content/', 'static/' (project-relative)."""
    try:
        return folder.relative_to(config.project_dir).as_posix() + "/"
    except ValueError:
        return folder.as_posix() + "/"
