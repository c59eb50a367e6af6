"""The site model: articles, taxonomies, archives and every output page, computed before
rendering (the pages by the page families, ``archivegen/families/``)."""

from archivegen.site.model import Entry, Page, Site, Term

__all__ = ["Entry", "Page", "Site", "Term"]
