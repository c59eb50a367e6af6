"""The site model: articles, tags, archives and every output page, computed before rendering."""

from archivegen.site.builder import build_site
from archivegen.site.model import Entry, Page, Site, Tag

__all__ = ["Entry", "Page", "Site", "Tag", "build_site"]
