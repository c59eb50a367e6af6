"""The site URLs that content/ already uses, so that an import never lands on another's URL.

A free file name is not enough: the build refuses two articles on one output path
(``site/collisions.py``), and an article's URL comes from its slug and date through the
``permalinks`` pattern, not from its file name. Hand-written files, explicit ``slug:`` lines and
patterns without the year (``/{slug}/``) all let two different files claim one URL.

Every URL here, of existing files and of the file about to be written alike, is derived the way
the build derives it: the file's bytes parsed by the content reader (``parse_article``), then
``article_path`` with the config's pattern. Whatever the build decides a slug is (front matter,
title, file name), the importer therefore decides the same.
"""

from __future__ import annotations

from pathlib import Path

from archivegen.config.schema import SiteConfig
from archivegen.content.reader import _shown, parse_article, read_articles
from archivegen.site.paths import article_path, collision_key, output_file, reserved_owner


class UrlsInUse:
    """Site paths claimed by content/ files (their URLs and their ``aliases:``), plus those this
    import run has planned.

    The folder is read once, by ``read()`` or on first use, on ``workers`` processes; the
    import calls ``read()`` before it starts extracting, since both use ``parallel``'s one
    set of inherited worker state. Files the build could not read claim no URL: the build
    fails on them anyway, with their own error.
    """

    def __init__(self, config: SiteConfig, workers: int = 1) -> None:
        self.config = config
        self.workers = workers
        self._owners: dict[str, str] | None = None  # collision key -> content key

    def url_of(self, text: str, path: Path) -> str:
        """The site path the build will give the file ``path`` holding ``text``."""
        key = self._key(path)
        article = parse_article(text.encode("utf-8"), key, self.config.tzinfo, key, [],
                                self.config.list_fields)
        return article_path(article, self.config.permalinks)

    def claimant(self, url: str, path: Path) -> str | None:
        """Who stops ``path`` from having ``url``, as the user knows it: another file
        (``content/2020/x.md``) or a generated page family ("the tag pages")."""
        owner = reserved_owner(url)
        if owner is not None:
            return owner
        found = self._index().get(collision_key(output_file(url)))
        if found is None or found == self._key(path):
            return None
        return self._shown(found)

    def claim(self, url: str, path: Path) -> None:
        """Record that this run wrote (or, in a dry run, would write) ``path`` at ``url``."""
        self._index()[collision_key(output_file(url))] = self._key(path)

    def _key(self, path: Path) -> str:
        return path.relative_to(self.config.content_dir).as_posix()

    def _shown(self, key: str) -> str:
        return _shown(self.config.content_dir / key, self.config.project_dir)

    def read(self) -> None:
        """Read content/ now (the parse of every article's front matter, about 0.3 ms a file)."""
        self._index()

    def _index(self) -> dict[str, str]:
        if self._owners is None:
            config = self.config
            read = read_articles(config.content_dir, config.tzinfo, config.project_dir, self.workers,
                                 config.list_fields)
            self._owners = {}
            for article in read.articles:  # drafts too: publishing one must not break the build
                for url in (article_path(article, config.permalinks), *article.aliases):
                    self._owners.setdefault(collision_key(output_file(url)), article.key)
        return self._owners
