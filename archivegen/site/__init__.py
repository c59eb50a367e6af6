"""The site model: articles, taxonomies, archives and every output page, computed before rendering."""

from archivegen.site.builder import build_site
from archivegen.site.model import Entry, Page, Site, Term

__all__ = ["Entry", "Page", "Site", "Term", "build_site"]
