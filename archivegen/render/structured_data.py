"""schema.org structured data (JSON-LD) for article pages: Google's NewsArticle.

Built here, as data, rather than in the template: the rules (the author falls back to the
site's ``author`` and is left out when there is none, never ``"author": []``; the headline is
cut to the 110 characters Google reads; the publisher defaults to the site) are testable on
their own, and the template prints the result with ``tojson``, which escapes ``<``, ``>``, ``&``
and ``'`` so that no title or author can close the ``<script>`` element (``</script>``,
``<!--``).
"""

from __future__ import annotations

from typing import Any

from archivegen.config.schema import SiteConfig
from archivegen.render.views import ArticleView, Links, rfc3339

HEADLINE_LIMIT = 110  # characters: Google's limit for a NewsArticle headline


def headline(title: str) -> str:
    """``title`` within ``HEADLINE_LIMIT`` characters: cut at a word boundary, marked with '…'."""
    if len(title) <= HEADLINE_LIMIT:
        return title
    cut = title[: HEADLINE_LIMIT - 1]
    space = cut.rfind(" ")
    if space >= HEADLINE_LIMIT // 2:  # a word boundary that keeps most of the title
        cut = cut[:space]
    return cut.rstrip() + "…"


def publisher(config: SiteConfig, links: Links) -> dict[str, Any]:
    """The ``publisher:`` setting as an Organization (a logo site path made absolute), or the
    site itself: its title at its base URL."""
    configured = config.publisher
    if configured is None:
        return {"@type": "Organization", "name": config.title, "url": config.base_url}
    found: dict[str, Any] = {"@type": "Organization", "name": configured.name}
    if configured.url:
        found["url"] = configured.url
    if configured.logo:
        logo = links.abs_url(configured.logo) if configured.logo.startswith("/") else configured.logo
        found["logo"] = {"@type": "ImageObject", "url": logo}
    return found


def news_article(article: ArticleView, config: SiteConfig, publisher: dict[str, Any]) -> dict[str, Any]:
    """The NewsArticle of one article page."""
    names = article.authors or ((config.author,) if config.author else ())
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": headline(article.title),
        "datePublished": rfc3339(article.date),
        "dateModified": rfc3339(article.lastmod),
        "inLanguage": article.language,
        "url": article.abs_url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": article.abs_url},
        "publisher": publisher,
    }
    if article.summary:
        data["description"] = article.summary
    if names:
        data["author"] = [{"@type": "Person", "name": name} for name in names]
    return data
