"""A sharded search index made by hand: base shards, a delta bundle and ``pagefind/index.json``.

The browser side of the sharded index can be tested before (and independently of) the build that
writes it: given the articles each base shard held when it was built and the articles that are
live now, this writes what the build's contract promises (see the manifest notes in
``search.js``): each shard and the delta indexed by the real Pagefind binary from the project's
own search records, the delta holding every live article its shard does not hold as it is now,
the base records an edit or a delete left behind listed as superseded, and the live counts.

An article is a dict: ``path`` (site path), ``title``, ``date`` (ISO 8601; a bare day is
midnight UTC), ``tags`` (names) and ``body`` (HTML); ``summary`` is optional.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import subprocess
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from archivegen import __version__
from archivegen.content.article import Article
from archivegen.render.templates import make_environment
from archivegen.render.theme import THEME_STATIC
from archivegen.render.views import Links
from archivegen.search.manifest import MANIFEST_FORMAT
from archivegen.search.pagefind import bundle_languages
from archivegen.search.records import search_record
from archivegen.site.model import Entry, Site, Term
from archivegen.site.paths import output_file

FRAGMENT_MAGIC = b"pagefind_dcd"
LANGUAGE = "en"


@dataclass(frozen=True)
class ShardedSite:
    """What was written, for tests to compute their expectations from."""

    root: Path
    manifest: dict
    ids: dict[str, dict[str, str]]  # bundle path ('s-…/', 'd-…/') -> site path -> Pagefind result id


def article_date(article: Mapping) -> datetime:
    date = datetime.fromisoformat(article["date"])
    return date if date.tzinfo else date.replace(tzinfo=UTC)


def record(article: Mapping) -> bytes:
    """The article's search record, exactly as the build writes it (``search/records.py``)."""
    date = article_date(article)
    tags = tuple(article.get("tags", ()))
    site = Site(entries=(), terms={"tags": {name: Term(name, name, (), 0) for name in tags}}, archives={},
                months={}, pages=())
    entry = Entry(0, Article(key=article["path"], title=article["title"], date=date, slug="x",
                             body="", body_line=1, tags=tags), article["path"], {"tags": tags},
                  summary=article.get("summary", ""))
    return search_record(site, entry, LANGUAGE, article["body"])


def index_bundle(articles: Sequence[Mapping], out: Path, work: Path) -> dict[str, str]:
    """Run Pagefind over the articles' records into ``out``; return site path -> result id."""
    from archivegen.search.pagefind import pagefind_executable

    pages = work / f"{out.name}-records"
    for article in articles:
        target = pages / output_file(article["path"])
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(record(article))
    command = [str(pagefind_executable()), "--site", str(pages), "--output-path", str(out), "--quiet"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr or done.stdout
    shutil.rmtree(pages)
    return fragment_ids(out)


def fragment_ids(bundle: Path) -> dict[str, str]:
    """Site path -> result id, read back from the bundle's fragments (the file name is the id)."""
    ids = {}
    for fragment in sorted((bundle / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(fragment.read_bytes())
        assert data.startswith(FRAGMENT_MAGIC), fragment
        ids[json.loads(data[len(FRAGMENT_MAGIC):])["url"]] = fragment.stem
    return ids


def bundle_name(prefix: str, articles: Sequence[Mapping]) -> str:
    """A folder name derived from the records a bundle holds, as the build names them."""
    digest = hashlib.sha256(b"".join(record(a) for a in articles)).hexdigest()[:20]
    return f"{prefix}-{digest}"


def make_sharded_site(root: Path, base: Sequence[Sequence[Mapping]], live: Sequence[Mapping]) -> ShardedSite:
    """Write ``root/pagefind/`` for ``live`` articles over base shards built from ``base``.

    ``base`` lists the shards oldest first, each the articles it held when it was built, in date
    order with no overlap between shards. A live article that no shard holds as it is now goes
    into the delta; the base record of an edited or deleted article is superseded.
    """
    work = root.parent / f"{root.name}-work"
    work.mkdir(parents=True, exist_ok=True)
    index = root / "pagefind"
    by_path = {a["path"]: a for a in live}
    assert len(by_path) == len(live), "two live articles share a path"
    shards, superseded, ids, live_ids = [], [], {}, set()
    last_date: datetime | None = None
    held: set[str] = set()
    for articles in base:
        dates = [article_date(a) for a in articles]
        assert dates == sorted(dates) and (last_date is None or dates[0] > last_date), \
            "base shards must be date-ordered runs, oldest first"
        last_date = dates[-1]
        name = bundle_name("s", articles)
        ids[f"{name}/"] = shard_ids = index_bundle(articles, index / name, work)
        shards.append({"path": f"{name}/", "years": sorted({d.year for d in dates}),
                       "articles": len(articles), "first": dates[0].date().isoformat(),
                       "last": dates[-1].date().isoformat(), "languages": bundle_languages(index / name)})
        for article in articles:
            if by_path.get(article["path"]) == article:
                held.add(article["path"])
                live_ids.add(shard_ids[article["path"]])
            else:
                superseded.append(shard_ids[article["path"]])
    changed = [a for a in live if a["path"] not in held]
    delta = None
    if changed:
        name = bundle_name("d", changed)
        ids[f"{name}/"] = delta_ids = index_bundle(changed, index / name, work)
        delta = {"path": f"{name}/", "articles": len(changed), "languages": bundle_languages(index / name),
                 "dates": {delta_ids[a["path"]]: article_date(a).isoformat() for a in changed}}
        live_ids.update(delta_ids.values())
    assert not live_ids & set(superseded), "a superseded id is also a live record's id"
    manifest = {"format": MANIFEST_FORMAT, "shards": shards, "delta": delta, "superseded": sorted(superseded),
                "years": live_year_counts(live), "tags": live_tag_counts(live)}
    (index / "index.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    shutil.rmtree(work)
    return ShardedSite(root, manifest, ids)


def live_year_counts(live: Sequence[Mapping]) -> dict[str, int]:
    return dict(sorted(Counter(str(article_date(a).year) for a in live).items()))


def live_tag_counts(live: Sequence[Mapping]) -> dict[str, dict[str, int]]:
    counts: dict[str, Counter[str]] = {}
    for article in live:
        for tag in article.get("tags", ()):
            counts.setdefault(tag, Counter())[str(article_date(article).year)] += 1
    return {tag: dict(sorted(per_year.items())) for tag, per_year in sorted(counts.items())}


def write_search_page(root: Path, base_path: str, years: Sequence[int]) -> None:
    """The theme's search page and static files, rendered as the build would for ``base_path``."""
    links = Links(base_path=base_path.rstrip("/"), base_url="https://example.org" + base_path.rstrip("/"))
    site = {"title": "Sharded archive", "description": "", "language": LANGUAGE, "author": "",
            "base_url": links.base_url, "home_url": links.url("/"), "feed_url": links.url("/feed.xml"),
            "rss_url": links.url("/rss.xml"), "json_feed_url": links.url("/feed.json"),
            "nav_taxonomies": [("tags", links.url("/tags/"), "Tags")]}
    env = make_environment(root / "no-project-templates", filters={},
                           globals_={"url": links.url, "abs_url": links.abs_url, "version": __version__,
                                     "site": site})
    page = {"kind": "search", "path": "/search/", "title": "Search", "url": links.url("/search/"),
            "abs_url": links.abs_url("/search/")}
    html = env.get_template("search.html").render(page=page, years=sorted(years, reverse=True))
    (root / "search").mkdir(parents=True, exist_ok=True)
    (root / "search" / "index.html").write_text(html, encoding="utf-8")
    shutil.copytree(THEME_STATIC, root / "static", dirs_exist_ok=True)


def write_article_pages(root: Path, live: Sequence[Mapping]) -> None:
    """Each live article's page (its search record will do), so result links can be followed."""
    for article in live:
        target = root / output_file(article["path"])
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(record(article))
