"""The shape of site_config.yaml as frozen dataclasses.

Everything downstream reads settings from these objects, never from a raw dict, so a typo in
the YAML is caught once, here, with its line number, instead of surfacing as a KeyError deep in
rendering.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

Pagination = Literal["newest-first", "stable"]  # how listing pages are numbered (site/pagination.py)
PAGINATIONS: tuple[Pagination, ...] = ("newest-first", "stable")


@dataclass(frozen=True)
class TagRule:
    """How the importer decides that an article is about a tag.

    ``keywords`` match as whole words, case-insensitively (``"Syria*"`` is a prefix: Syrian);
    ``patterns`` are regular expressions. An article gets the tag when its mentions reach
    ``min_mentions``, a mention in the title counting ``title_weight`` times. The defaults ask
    for some evidence, a title mention or two in the body, so that one passing mention ("talks
    like those in Turkey") does not file a US-politics column under Turkey.
    """

    name: str
    keywords: tuple[str, ...] = ()
    patterns: tuple[re.Pattern[str], ...] = ()
    min_mentions: int = 2
    title_weight: int = 2


@dataclass(frozen=True)
class DeployConfig:
    """Defaults for ``archivegen deploy`` (the ``deploy:`` section); command-line options win.

    Empty ``cname`` keeps the CNAME of the previous gh-pages deploy, so a custom domain set up
    once on GitHub is not dropped by the next deploy; empty ``message`` means the default
    "Deploy <source commit> with archivegen <version>".
    """

    remote: str = "origin"
    branch: str = "gh-pages"
    cname: str = ""
    message: str = ""
    target: Path | None = None  # absolute, resolved against the project folder
    max_deletes: int = 256


@dataclass(frozen=True)
class Publisher:
    """Who publishes the archive, for the articles' structured data (the ``publisher:`` section).

    Without the section the site itself is the publisher: an Organization named by ``title``
    at ``base_url``. ``logo`` is an absolute URL or a site path (under ``base_url``'s path).
    """

    name: str
    url: str = ""
    logo: str = ""


# Front-matter fields that are no list of names, so no taxonomy can be made of them ("source"
# is one value too, but a taxonomy of it groups articles by the source URL's host).
SINGLE_VALUE_FIELDS = ("title", "date", "updated", "summary", "slug", "url", "draft", "language",
                       "source_file", "content_hash", "import_hash", "captured", "aliases", "body")


@dataclass(frozen=True)
class Taxonomy:
    """A declared way to group articles (the ``taxonomies:`` section): tags, authors, sources.

    ``name`` names it in the build state and in templates; its terms are the values of the
    front-matter list ``field`` (``tags``, ``authors`` or a field the site declares), or, for
    ``field: source``, the host of the article's source URL (its publisher). Its index is at
    ``/<path>/`` and a term's pages at ``/<path>/<term slug>/``. ``line`` is the line of its
    declaration in the config, so problems found when the pages are planned (a path another
    page family owns) point at it.
    """

    name: str
    field: str
    path: str
    title: str
    singular: str
    feed: bool = True
    nav: bool = False
    per_page: int | None = None  # None: the site's per_page
    line: int = 1

    @property
    def from_host(self) -> bool:
        """Terms are the hosts of the articles' ``source`` URLs."""
        return self.field == "source"


TAGS = Taxonomy(name="tags", field="tags", path="tags", title="Tags", singular="Tag", nav=True)


SourceTags = Literal["keep", "off", "map"]  # what becomes of a source's own tags (importing/tagging.py)
SOURCE_TAG_MODES: tuple[SourceTags, ...] = ("keep", "off", "map")

IMPORT_FIELDS = ("title", "body", "body_html", "date", "updated", "summary", "url", "authors", "tags",
                 "language", "id")


@dataclass(frozen=True)
class ImportConfig:
    """Settings of ``archivegen import`` (the ``import:`` section).

    ``source_timezone`` is the zone of dates the scrapes give without an offset ("5 Mar, 2020
    11:15"); empty means the site's ``timezone``. ``fields`` maps our record fields (see
    ``IMPORT_FIELDS``) to the key, or dotted path ("meta.headline"), that holds them in JSON dumps
    of an unusual shape; unmapped fields are looked up under their usual names.

    The tags a source gives itself (keywords, ``article:tag``, a record's ``tags``) are kept
    (``source_tags: keep``), dropped (``off``), or kept only when ``tag_map`` or a tag rule
    names them (``map``: the archive's own vocabulary); ``tag_map`` gives a source spelling the
    archive's tag in every mode. At most
    ``max_source_tags`` of them per article, and only those at least ``min_source_tag_uses``
    articles of one import carry (one-off SEO keywords make a tag page per article).
    """

    source_timezone: str = ""
    fields: tuple[tuple[str, str], ...] = ()
    min_words: int = 20
    source_tags: SourceTags = "keep"
    max_source_tags: int = 25
    min_source_tag_uses: int = 1
    tag_map: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class SearchConfig:
    """The search index's shape (the ``search:`` section, see ``search/layout.py``).

    A shard holds at most ``shard_articles`` articles and ``shard_bytes`` of search records, so
    one Pagefind run stays within some 600 MB of memory; the delta of articles changed since
    their shard was built is folded into the shards when it passes ``delta_articles``.
    """

    shard_articles: int = 2000
    shard_bytes: int = 8 * 1024 * 1024
    delta_articles: int = 100


@dataclass(frozen=True)
class SiteConfig:
    """Validated settings. Paths are absolute, resolved against the config file's folder."""

    title: str
    base_url: str
    project_dir: Path
    config_path: Path
    description: str = ""
    language: str = "en"
    timezone: str = "UTC"
    author: str = ""
    publisher: Publisher | None = None  # None: the site (``title`` at ``base_url``)
    content_dir: Path = Path("content")
    templates_dir: Path = Path("templates")
    static_dir: Path = Path("static")
    output_dir: Path = Path("site")
    per_page: int = 20
    pagination: Pagination = "newest-first"
    feed_items: int = 50
    permalinks: str = "/{year}/{month:02}/{slug}/"
    tags: tuple[TagRule, ...] = field(default_factory=tuple)
    # Declared taxonomies, tags first (always declared: the search's tag filter and the
    # articles' tag links read it); the others in their config order.
    taxonomies: tuple[Taxonomy, ...] = (TAGS,)
    deploy: DeployConfig = field(default_factory=DeployConfig)
    importing: ImportConfig = field(default_factory=ImportConfig)
    search: SearchConfig = field(default_factory=SearchConfig)

    @property
    def list_fields(self) -> tuple[str, ...]:
        """Front-matter list fields the taxonomies declare besides the known ones (``section``)."""
        return tuple(t.field for t in self.taxonomies if t.field not in ("tags", "authors", "source"))

    @property
    def tzinfo(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def source_tzinfo(self) -> ZoneInfo:
        """The zone of offset-less dates in scraped sources (the site's zone unless configured)."""
        return ZoneInfo(self.importing.source_timezone or self.timezone)

    @property
    def base_path(self) -> str:
        """The URL path the site lives under, always starting and ending with '/'."""
        return urlsplit(self.base_url).path or "/"

    def absolute_url(self, site_path: str) -> str:
        """Turn a site path ('/2020/03/x/') into a full URL under base_url."""
        return self.base_url.rstrip("/") + site_path

    def url_path(self, site_path: str) -> str:
        """Turn a site path into the root-relative URL a browser needs ('/archive/2020/...')."""
        return self.base_path.rstrip("/") + site_path
