#!/usr/bin/env python3
"""Throughput benchmark for ``archivegen import``: text dumps, saved HTML pages and JSONL dumps.

Why: importing is where scraped pages meet trafilatura and the text-dump cleaner, the slowest
code per article in the project, and a user's first import is often tens of thousands of
pages. This measures what a user waits for: the real ``archivegen import`` CLI in a subprocess
(interpreter start-up and imports included), once per input kind, into a fresh, empty archive
each run (cold), followed by a re-import of the same inputs into that archive, which must find
every article already there (all "unchanged") and should cost little more than reading them.

Inputs are synthetic and deterministic by default (``--count`` per kind, ``--seed``): text dumps
shaped like real page dumps (navigation, a dateline in one of several formats, the headline twice,
cross-links, share prompts, a footer), HTML pages with a realistic head and boilerplate around an
``<article>``, and one JSONL dump. ``--corpus`` uses the real pages of ../shared/corpus instead.
The ``warc`` kind (asked for by name: ``--kinds warc``) is one web-archive crawl of ``--warc-mb``
megabytes (default 1024), written with warcio from the corpus pages once and cached (see
``warc_crawl``).
Reported per kind: median wall time over ``--repeat`` runs, articles/s, the summary line's
counts, peak RSS of the process tree (psutil sampling) and of the largest single process.

Usage (see benchmarks/README.md)::

    python benchmarks/import_bench.py                       # 1000 inputs per kind, 3 runs each
    python benchmarks/import_bench.py --corpus              # the shared third-party pages
    python benchmarks/import_bench.py --kinds html --count 200 --workers 1 --json results.json
"""

from __future__ import annotations

import argparse
import gzip
import html
import io
import json
import os
import platform
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

# The sibling script (on sys.path, as this file is run as a script) provides the measuring parts
# so that both benchmarks sample memory and CPU the same way.
from build_bench import (
    BUSY_WARNING,
    MB,
    TAG_PLACES,
    ZONES,
    archivegen_revision,
    find_archivegen,
    log,
    make_authors,
    make_tag_pool,
    measure_process,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
KINDS = ("text", "html", "jsonl", "warc")
DEFAULT_KINDS = ("text", "html", "jsonl")  # warc builds a gigabyte: only when asked for
WARC_CACHE = Path.home() / ".cache" / "archivegen-bench" / "warc"
STATUSES = ("imported", "updated", "renamed", "unchanged", "skipped", "failed")
SITE_CONFIG = "title: Bench\nbase_url: https://example.org/\ntimezone: UTC\n"
CORPUS_DEFAULT_DATE = "2020-01-01"

# --------------------------------------------------------------------------------------------
# Synthetic news text
# --------------------------------------------------------------------------------------------
# Sentences are built from small grammatical templates rather than random words: the text-dump
# cleaner tells prose from navigation by its function words ("the", "of", "said") and sentence
# punctuation, so word salad would measure a different code path than real articles take.

def _words(text: str) -> list[str]:
    return text.split()


NOUNS = _words("""government ministry city council region country capital border port harbour
railway bridge airport station parliament court budget bank currency market company factory
union hospital school university museum festival pipeline project programme agreement plan
report investigation election campaign delegation committee agency authority province district
village coast river valley harvest industry network reform strike protest ceasefire summit""")
PLURALS = _words("""officials residents workers farmers traders students families police troops
investors voters passengers tourists doctors teachers engineers analysts observers witnesses
protesters journalists lawmakers prosecutors firefighters volunteers refugees exporters""")
ADJECTIVES = _words("""new local national regional foreign economic political public private
major key senior former annual joint independent official central northern southern eastern
western long-awaited controversial delayed temporary emergency record modest sharp""")
VERBS = _words("""announced confirmed approved rejected signed opened closed launched completed
delayed suspended resumed extended reduced increased criticised welcomed postponed reviewed
discussed proposed defended challenged expanded""")
SAY = _words("said added noted warned explained told stressed insisted")
ROLES = _words("""minister mayor governor spokesman spokeswoman director chairman economist
analyst professor prosecutor ambassador""")
WHEN = ["on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "at the weekend",
        "last week", "earlier this month", "late on Sunday", "this year", "in recent days"]
SECTIONS = _words("news world politics business economy society culture sport")
SITES = [("Example News", "news.example.com"), ("The Daily Example", "www.example.org"),
         ("Example Times", "times.example.net"), ("Example Herald", "herald.example.com")]


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _a(word: str) -> str:
    return ("an " if word[0] in "aeiou" else "a ") + word


class NewsWriter:
    """Deterministic news articles: headline, date, byline, tags and body blocks."""

    def __init__(self, seed: str) -> None:
        self.rng = random.Random(seed)
        self.people = make_authors()[1:]
        self.tags = make_tag_pool()[:120]
        self.number = 0

    def _pick(self, items: list[str]) -> str:
        return items[int(self.rng.random() * len(items))]

    def _place(self) -> str:
        return self._pick(TAG_PLACES)

    def _int(self, low: int, high: int) -> int:
        """Uniform integer in [low, high] (``randint`` is several times slower)."""
        return low + int(self.rng.random() * (high - low + 1))

    def _either(self, *templates: Callable[[], str]) -> str:
        """One of the templates, filled in only once chosen (filling in all would cost far more)."""
        return templates[int(self.rng.random() * len(templates))]()

    def _quantity(self) -> str:
        return self._either(lambda: str(self._int(2, 90)), lambda: str(self._int(2, 900)),
                            lambda: f"{self._int(1, 9)}.{self._int(1, 9)} million",
                            lambda: f"{self._int(2, 40)} percent of the")

    def _subject(self) -> str:
        return self._either(
            lambda: f"the {self._pick(ADJECTIVES)} {self._pick(NOUNS)}",
            lambda: f"{self._pick(self.people)}, the {self._place()} {self._pick(ROLES)},",
            lambda: f"{self._pick(PLURALS)} in {self._place()}",
            lambda: f"{self._place()}'s {self._pick(NOUNS)}")

    def _object(self) -> str:
        return self._either(
            lambda: f"the {self._pick(NOUNS)} of the {self._pick(ADJECTIVES)} {self._pick(NOUNS)}",
            lambda: f"{_a(self._pick(ADJECTIVES))} {self._pick(NOUNS)} for {self._pick(PLURALS)}",
            lambda: f"{self._quantity()} {self._pick(PLURALS)}",
            lambda: f"plans for the {self._pick(NOUNS)} near {self._place()}")

    def _tail(self) -> str:
        return self._either(
            lambda: "", lambda: "", lambda: f" {self._pick(WHEN)}", lambda: f" in {self._place()}",
            lambda: f", according to {self._pick(PLURALS)} familiar with the {self._pick(NOUNS)}",
            lambda: f" after months of talks with the {self._pick(NOUNS)}",
            lambda: f" as {self._subject()} {self._pick(VERBS)} {self._object()}")

    def sentence(self) -> str:
        shape = self.rng.random()
        if shape < 0.2:  # a quote with attribution
            text = f"“We have {self._pick(VERBS)} {self._object()}{self._tail()},” {self._pick(self.people)} "
            return text + f"{self._pick(SAY)}."
        if shape < 0.35:
            text = f"{self._pick(WHEN)}, {self._subject()} {self._pick(VERBS)} {self._object()}"
        else:
            text = f"{self._subject()} {self._pick(VERBS)} {self._object()}{self._tail()}"
        return _capitalised(text) + "."

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self._int(2, 5)))

    def headline(self) -> str:
        return _capitalised(self._either(
            lambda: f"{self._place()} {self._pick(NOUNS)} {self._pick(VERBS)} {self._object()}",
            lambda: f"{self._pick(PLURALS)} in {self._place()} {self._pick(VERBS)} "
                    f"{self._pick(ADJECTIVES)} {self._pick(NOUNS)}",
            lambda: f"{self._pick(ADJECTIVES)} {self._pick(NOUNS)} {self._pick(VERBS)} {self._pick(WHEN)}"))

    def article(self) -> Article:
        rng = self.rng
        self.number += 1
        moment = datetime(2013, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randrange(12 * 365 * 24 * 60))
        zone = ZONES[int(rng.random() * len(ZONES))]
        site, domain = SITES[int(rng.random() * len(SITES))]
        title = self.headline()
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60]
        blocks: list[tuple[str, object]] = [("p", self.paragraph()) for _ in range(self._int(5, 15))]
        if rng.random() < 0.5:  # sub-headings, a list and a quote in some articles, as in real ones
            blocks.insert(self._int(2, len(blocks) - 1), ("h2", self.headline()))
        if rng.random() < 0.4:
            items = [self.sentence()[:-1] for _ in range(self._int(3, 5))]
            blocks.insert(self._int(1, len(blocks) - 1), ("ul", items))
        if rng.random() < 0.5:
            blocks.insert(self._int(1, len(blocks) - 1), ("quote", self.sentence()))
        return Article(
            number=self.number, title=title, slug=slug, date=moment.astimezone(zone), site=site,
            url=f"https://{domain}/{self._pick(SECTIONS)}/{moment:%Y/%m/%d}/{slug}-{self.number}",
            authors=rng.sample(self.people, 2 if rng.random() < 0.2 else 1),
            tags=rng.sample(self.tags, self._int(1, 4)), summary=self.sentence(), blocks=blocks,
            related=[self.headline() for _ in range(3)])


@dataclass
class Article:
    """One synthetic article, before it is rendered as a text dump, an HTML page or a record."""

    number: int
    title: str
    slug: str
    date: datetime
    site: str
    url: str
    authors: list[str]
    tags: list[str]
    summary: str
    blocks: list[tuple[str, object]]  # ("p"|"h2"|"quote", str) or ("ul", [str])
    related: list[str]  # headlines of other stories (cross-links, teasers)

    @property
    def domain(self) -> str:
        return self.url.split("/")[2]


# --------------------------------------------------------------------------------------------
# Text dumps
# --------------------------------------------------------------------------------------------

def _clock(moment: datetime) -> str:
    return f"{moment:%I}:{moment:%M} {'AM' if moment.hour < 12 else 'PM'}".lstrip("0")


# Datelines as pages print them; the cleaner must find each one (an article without a date is
# skipped, and shows up in the counts).
DATELINES: list[Callable[[datetime], str]] = [
    lambda d: f"{d.day} {d:%b}, {d:%Y} {d:%H:%M}",                 # 5 Mar, 2020 11:15
    lambda d: f"{d:%B} {d.day}, {d:%Y}",                           # March 5, 2020
    lambda d: f"Published: {d:%Y-%m-%d %H:%M}",                    # Published: 2020-03-05 11:15
    lambda d: f"{d:%d.%m.%Y} {d:%H:%M}",                           # 05.03.2020 11:15
    lambda d: f"{d:%A}, {d:%B} {d.day}, {d:%Y} at {_clock(d)}",    # Thursday, March 5, 2020 at 11:15 AM
    lambda d: f"Posted on {d.day} {d:%B} {d:%Y}",                  # Posted on 5 March 2020
    lambda d: f"Updated {d:%b}. {d.day}, {d:%Y} {_clock(d)} ET",   # Updated Mar. 5, 2020 11:15 AM ET
]

ICON_LINE = ("icon bookmark-bicon bookmarkicon cameraicon checkicon chevron downicon chevron lefticon "
             "closeicon downloadicon editicon fbicon fileicon filtericon mailicon searchicon shareicon "
             "sign inicon sign upicon tagicon twicon yticon")
NAVIGATION = [
    [ICON_LINE],
    ["Skip to main content", "Menu", "Search", "Home News World Business Sport Culture Opinion Video"],
    ["Subscribe | Sign in | Newsletters", "World", "Politics", "Business", "Tech", "Science", "Sport"],
    ["We use cookies to improve your experience. Accept all Manage settings",
     "Home › News › World"],
]
SHARE_PROMPTS = ["Think your friends would be interested? Share this story!",
                 "Share this article", "Share on Facebook Share on Twitter Share via Email",
                 "Like this story? Share it with a friend!"]
FOOTERS = [["About us", "Contact", "Privacy policy", "Terms of use", "Cookie settings"],
           ["Advertise with us | Careers | Help | Accessibility"]]


def text_dump(article: Article, rng: random.Random) -> str:
    """The full visible text of the article's page, as a scraper's text dump has it."""
    lines = list(rng.choice(NAVIGATION))
    if rng.random() < 0.3:
        lines.append(f"Breaking: {article.related[0]}")
    lines += ["", rng.choice(DATELINES)(article.date.replace(tzinfo=None)), "",
              article.title, "", article.title, ""]
    if rng.random() < 0.5:
        lines += [f"By {' and '.join(article.authors)}", ""]
    cross_link = rng.randint(2, 4)
    for number, (kind, value) in enumerate(article.blocks):
        if kind == "ul":
            lines += [f"• {item}" for item in value]  # type: ignore[attr-defined]
        else:
            lines.append(str(value))
        lines.append("")
        if number == cross_link:
            lines += [f"Also on {article.domain} {article.related[1]}", ""]
    if rng.random() < 0.5:
        lines += [f"Read more: {article.related[2]}", ""]
    lines += [rng.choice(SHARE_PROMPTS), ""]
    if rng.random() < 0.5:
        lines += ["Topics: " + ", ".join(article.tags), ""]
    lines += ["Related stories", *article.related, ""]
    lines += [*rng.choice(FOOTERS), f"© {article.date.year} {article.site}. All rights reserved."]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------
# HTML pages
# --------------------------------------------------------------------------------------------

def _e(text: str) -> str:
    return html.escape(text, quote=True)


def html_page(article: Article, rng: random.Random) -> str:
    """A saved news page: full head metadata, navigation, cookie banner, aside and footer."""
    iso = article.date.isoformat()
    head = [
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(article.title)} | {_e(article.site)}</title>",
        f'<meta name="description" content="{_e(article.summary)}">',
        f'<meta property="og:title" content="{_e(article.title)}">',
        '<meta property="og:type" content="article">',
        f'<meta property="og:url" content="{_e(article.url)}">',
        f'<meta property="og:site_name" content="{_e(article.site)}">',
        f'<meta property="article:published_time" content="{iso}">',
        f'<meta name="author" content="{_e(", ".join(article.authors))}">',
        f'<meta name="keywords" content="{_e(", ".join(article.tags))}">',
        f'<link rel="canonical" href="{_e(article.url)}">',
        '<link rel="stylesheet" href="/static/css/main.css">',
        "<script>window.dataLayer = window.dataLayer || []; dataLayer.push({'section': 'news'});</script>",
    ]
    if rng.random() < 0.5:
        ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": article.title,
              "datePublished": iso, "author": [{"@type": "Person", "name": a} for a in article.authors]}
        head.append(f'<script type="application/ld+json">{json.dumps(ld)}</script>')
    head.append("</head>")

    menu = "".join(f'<li><a href="/{s}/">{s.capitalize()}</a></li>' for s in SECTIONS)
    body = [
        '<body class="article-page">',
        f'<header class="site-header"><a class="logo" href="/">{_e(article.site)}</a>',
        f'<nav aria-label="Main"><ul class="menu">{menu}</ul></nav>',
        '<form class="search" action="/search"><input name="q" placeholder="Search"><button>Search</button>'
        "</form></header>",
        '<div class="cookie-banner"><p>We use cookies to improve your experience on our site.</p>'
        "<button>Accept all</button><button>Manage settings</button></div>",
        '<main><nav class="breadcrumbs"><a href="/">Home</a> › <a href="/news/">News</a></nav>',
        "<article>",
        f"<header><h1>{_e(article.title)}</h1>",
        '<p class="byline">By ' + " and ".join(f'<a href="/authors/{_e(a.lower().replace(" ", "-"))}/">'
                                               f"{_e(a)}</a>" for a in article.authors) + "</p>",
        f'<time datetime="{iso}">{article.date:%d %B %Y, %H:%M}</time></header>',
        f'<p class="lede"><strong>{_e(article.summary)}</strong></p>',
    ]
    for number, (kind, value) in enumerate(article.blocks):
        if kind == "p":
            text = _e(str(value))
            if number == 1:  # an inline link, as most articles have
                first, _, rest = text.partition(" ")
                text = f'<a href="https://{article.domain}/news/related-{article.number}">{first}</a> {rest}'
            body.append(f"<p>{text}</p>")
        elif kind == "h2":
            body.append(f"<h2>{_e(str(value))}</h2>")
        elif kind == "ul":
            body.append("<ul>" + "".join(f"<li>{_e(item)}</li>" for item in value) + "</ul>")  # type: ignore[attr-defined]
        else:
            body.append(f"<blockquote><p>{_e(str(value))}</p></blockquote>")
        if number == 2 and rng.random() < 0.5:
            body.append('<figure><img src="/img/photo.jpg" alt="Photo"><figcaption>Photo: '
                        f"{_e(article.site)} / Archive</figcaption></figure>")
    related = "".join(f'<li><a href="/news/{i}/">{_e(h)}</a></li>' for i, h in enumerate(article.related))
    tags = " ".join(f'<a href="/tag/{_e(t)}/">{_e(t)}</a>' for t in article.tags)
    body += [
        '<div class="share">Share this article: <a href="#">Facebook</a> <a href="#">Twitter</a> '
        '<a href="#">Email</a></div>',
        f'<div class="tags">{tags}</div>',
        "</article>",
        f'<aside class="related"><h3>Related stories</h3><ul>{related}</ul></aside>',
        '<aside class="newsletter"><h3>Newsletter</h3><p>Get the top stories every morning.</p>'
        '<input type="email" placeholder="Your email"><button>Sign up</button></aside>',
        "</main>",
        f'<footer><ul><li><a href="/about/">About us</a></li><li><a href="/contact/">Contact</a></li>'
        f'<li><a href="/privacy/">Privacy policy</a></li></ul><p>© {article.date.year} {_e(article.site)}. '
        "All rights reserved.</p></footer>",
        '<script src="/static/js/app.js" defer></script>',
        "</body>", "</html>",
    ]
    return "\n".join(head + body) + "\n"


# --------------------------------------------------------------------------------------------
# JSONL records
# --------------------------------------------------------------------------------------------

def json_record(article: Article) -> dict[str, object]:
    """What a scraper's dump holds for one article: the fields named in the importer's docs."""
    paragraphs = []
    for kind, value in article.blocks:
        paragraphs += list(value) if kind == "ul" else [str(value)]  # type: ignore[call-overload]
    return {"title": article.title, "text": "\n\n".join(paragraphs), "date": article.date.isoformat(),
            "url": article.url, "authors": article.authors, "tags": article.tags}


# --------------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------------

@dataclass
class Inputs:
    """What one kind's import is given: paths for the command line, and how many articles."""

    kind: str
    paths: list[Path]
    documents: int  # input files, or records of a dump
    extra_args: list[str] = field(default_factory=list)
    source: str = "synthetic"


def generate_inputs(kind: str, folder: Path, count: int, seed: int) -> Inputs:
    """``count`` synthetic inputs of ``kind`` in ``folder`` (the same bytes for the same seed)."""
    writer = NewsWriter(f"import-bench:{seed}:{kind}:{count}")
    layout = random.Random(f"import-bench-layout:{seed}:{kind}:{count}")
    folder.mkdir(parents=True, exist_ok=True)
    if kind == "jsonl":
        dump = folder / "dump.jsonl"
        with dump.open("w", encoding="utf-8") as handle:
            for _ in range(count):
                handle.write(json.dumps(json_record(writer.article()), ensure_ascii=False) + "\n")
        return Inputs(kind, [dump], count)
    for number in range(1, count + 1):
        article = writer.article()
        name = f"{number:06d}-{article.slug}"
        if kind == "text":
            (folder / f"{name}.txt").write_text(text_dump(article, layout), encoding="utf-8")
        elif number % 4:
            (folder / f"{name}.html").write_text(html_page(article, layout), encoding="utf-8")
        else:  # every fourth page gzipped, as scrapers often store them
            data = html_page(article, layout).encode("utf-8")
            (folder / f"{name}.html.gz").write_bytes(gzip.compress(data, mtime=0))
    return Inputs(kind, [folder], count)


def corpus_inputs(kind: str, corpus: Path, folder: Path) -> Inputs:
    """The third-party pages of shared/corpus (read in place; only text dumps are written out)."""
    extra = ["--default-date", CORPUS_DEFAULT_DATE]
    if kind == "html":
        folders = [corpus / "scrapinghub-aeb" / "html", corpus / "trafilatura-eval" / "eval",
                   corpus / "trafilatura-eval" / "cache"]
        pages = sum(1 for f in folders for _ in f.glob("*.gz"))
        return Inputs(kind, folders, pages, extra, "corpus")
    if kind == "jsonl":
        dump = corpus / "fundus-testdata" / "expected.jsonl"
        records = sum(1 for line in dump.open(encoding="utf-8") if line.strip())
        return Inputs(kind, [dump], records, extra, "corpus")
    # html-text.json is the full visible text of the 181 scrapinghub pages: real text dumps.
    dumps = corpus / "scrapinghub-aeb" / "reference-outputs" / "html-text.json"
    data = json.loads(dumps.read_text(encoding="utf-8"))
    outputs = data.get("output", data)
    folder.mkdir(parents=True, exist_ok=True)
    for doc_id, item in sorted(outputs.items()):
        (folder / f"{doc_id}.txt").write_text(item.get("articleBody") or "", encoding="utf-8")
    return Inputs(kind, [folder], len(outputs), extra, "corpus")


def warc_inputs(corpus: Path, megabytes: int, seed: int) -> Inputs:
    """The cached synthetic crawl of ``megabytes`` (made on first use), as an import input."""
    path = WARC_CACHE / f"crawl-{megabytes}mb-{seed}.warc.gz"
    counts = path.with_suffix(".json")
    if not (path.is_file() and counts.is_file()):
        started = time.perf_counter()
        captures = warc_crawl(corpus, path, megabytes * 1_000_000, seed)
        counts.write_text(json.dumps({"captures": captures}) + "\n", encoding="utf-8")
        log(f"[warc] wrote {path} ({path.stat().st_size / MB:.0f} MB, {captures} HTML captures) "
            f"in {time.perf_counter() - started:.0f} s")
    captures = json.loads(counts.read_text(encoding="utf-8"))["captures"]
    return Inputs("warc", [path], captures, ["--default-date", CORPUS_DEFAULT_DATE], "synthetic crawl")


_TITLE = re.compile(rb"<title[^>]*>([^<]{8,300})</title>", re.I)
_PARAGRAPH = re.compile(rb"<p(?:\s[^>]*)?>", re.I)


def warc_crawl(corpus: Path, path: Path, size: int, seed: int) -> int:
    """A gzipped WARC of about ``size`` bytes, as a crawler writes one, from the corpus pages.

    Every page of the corpus is captured again and again under distinct URLs (one host per
    page, a capture number in the path), each capture made a different article so the importer
    writes every one: the capture number goes into the <title> and at the start of every
    paragraph. Around the captures, what a crawl also holds: a request record per response, a
    revisit every tenth capture and an image every twenty-fifth, which the import passes over.
    Returns the number of HTML captures.
    """
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    folders = ("scrapinghub-aeb/html", "trafilatura-eval/eval", "fundus-testdata/test_data")
    pages = sorted(page for folder in folders for page in (corpus / folder).rglob("*.html.gz"))
    rng = random.Random(f"import-bench-warc:{seed}")
    rng.shuffle(pages)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    moment = datetime(2024, 1, 1, tzinfo=UTC)
    captures = 0
    with partial.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "import_bench.py"}))
        while handle.tell() < size:
            page = pages[captures % len(pages)]
            captures += 1
            moment += timedelta(seconds=37)
            url = f"https://{page.name.split('.html')[0].lower()}.example/capture/{captures:07d}/"
            body = gzip.decompress(page.read_bytes())
            mark = f"{captures} ".encode()
            body = _TITLE.sub(lambda title, mark=mark: title.group(0).replace(
                title.group(1), mark + title.group(1)), body, count=1)
            body = _PARAGRAPH.sub(lambda tag, mark=mark: tag.group(0) + mark, body)
            date = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
            request = f"GET / HTTP/1.1\r\nHost: {url.split('/')[2]}\r\n\r\n".encode()
            writer.write_record(writer.create_warc_record(
                url, "request", payload=io.BytesIO(request), warc_headers_dict={"WARC-Date": date}))
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), http_headers=http,
                warc_headers_dict={"WARC-Date": date}))
            if captures % 10 == 0:
                later = (moment + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
                writer.write_record(writer.create_revisit_record(
                    url, "sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", url, date,
                    warc_headers_dict={"WARC-Date": later}))
            if captures % 25 == 0:
                image = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
                png = b"\x89PNG\r\n\x1a\n" + rng.randbytes(2000)
                writer.write_record(writer.create_warc_record(
                    url + "logo.png", "response", payload=io.BytesIO(png), http_headers=image,
                    warc_headers_dict={"WARC-Date": date}))
    os.replace(partial, path)
    return captures


# --------------------------------------------------------------------------------------------
# Measuring one import
# --------------------------------------------------------------------------------------------

_SUMMARY = re.compile(r"^(?:Import|Dry run, nothing written): (?P<parts>.*) in (?P<seconds>[\d.]+) s$", re.M)


@dataclass
class RunResult:
    wall_s: float
    reported_s: float  # the "in X s" of the summary line: the import itself, without start-up
    counts: dict[str, int]
    summary: str  # the summary line (and its "not imported" reasons) as printed
    returncode: int
    peak_tree_rss: int  # bytes, sampled sum over the process tree
    peak_single_rss: int  # bytes, ru_maxrss of the largest process in the tree (kernel)
    max_processes: int
    samples: int
    cpu_s: float  # user + system CPU of the import and its workers
    other_cpu_s: float  # CPU used meanwhile by other processes

    def other_load(self) -> float:
        return self.other_cpu_s / (self.wall_s * (os.cpu_count() or 1)) if self.wall_s else 0.0

    @property
    def written(self) -> int:
        return sum(self.counts.get(status, 0) for status in ("imported", "renamed", "updated"))

    @property
    def not_imported(self) -> int:
        return self.counts.get("skipped", 0) + self.counts.get("failed", 0)


def parse_summary(stdout: str) -> tuple[dict[str, int], float, str]:
    """Counts per status, reported seconds and the text of the summary line(s)."""
    matches = list(_SUMMARY.finditer(stdout))
    if not matches:
        raise ValueError("no 'Import: ...' summary line")
    match = matches[-1]
    counts = {status: 0 for status in STATUSES}
    for part in match["parts"].split(", "):
        number, _, status = part.partition(" ")
        if number.isdigit():
            counts[status] = int(number)
    text = match.group(0)
    following = stdout[match.end():].lstrip("\n").splitlines()
    if following and following[0].startswith("  not imported:"):
        text += "\n" + following[0]
    return counts, float(match["seconds"]), text


def fresh_archive(archive: Path) -> None:
    """An empty archive: the minimal site_config.yaml and an empty content/."""
    if archive.exists():
        shutil.rmtree(archive)
    (archive / "content").mkdir(parents=True)
    (archive / "site_config.yaml").write_text(SITE_CONFIG, encoding="utf-8")


def run_import(command: list[str], archive: Path, interval: float) -> RunResult:
    run = measure_process(command, archive, interval)
    stdout, stderr, sampler = run.stdout, run.stderr, run.sampler
    try:
        # Exit status 1 only says some article was skipped or failed (normal for a real corpus);
        # the summary line is what counts.
        if run.returncode not in (0, 1):
            raise ValueError(f"exit status {run.returncode}")
        counts, reported, summary = parse_summary(stdout)
    except ValueError as exc:
        sys.stderr.write(stdout[-3000:] + stderr[-3000:])
        sys.exit(f"import_bench.py: {' '.join(command)} failed: {exc}")
    return RunResult(wall_s=run.wall_s, reported_s=reported, counts=counts, summary=summary,
                     returncode=run.returncode, peak_tree_rss=sampler.peak_sum,
                     peak_single_rss=run.peak_single_rss, max_processes=sampler.max_processes,
                     samples=sampler.samples, cpu_s=run.cpu_s, other_cpu_s=run.other_cpu_s)


# --------------------------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------------------------

@dataclass
class KindResult:
    inputs: Inputs
    cold: list[RunResult]
    again: list[RunResult]  # the re-import after each cold run

    @staticmethod
    def median(runs: list[RunResult]) -> float:
        return statistics.median(run.wall_s for run in runs)

    def rate(self, runs: list[RunResult], articles: int) -> float:
        return articles / self.median(runs) if runs and self.median(runs) else 0.0

    @property
    def written(self) -> int:
        return self.cold[-1].written

    @property
    def unchanged(self) -> int:
        return self.again[-1].counts.get("unchanged", 0) if self.again else 0

    def problems(self) -> list[str]:
        """What does not look like a healthy benchmark: unstable counts, a re-import that writes."""
        found = []
        if len({tuple(sorted(run.counts.items())) for run in self.cold}) > 1:
            found.append("the cold runs reported different counts (is the code being edited meanwhile?)")
        for number, run in enumerate(self.again, 1):
            # Every article the cold run wrote, or found already written (a duplicate input), must
            # now be unchanged; what it could not import stays not imported.
            cold = self.cold[number - 1]
            expected = cold.written + cold.counts.get("unchanged", 0)
            if run.written or run.counts.get("unchanged", 0) != expected:
                found.append(f"re-import {number} was not all unchanged: {run.summary.splitlines()[0]}")
        if self.inputs.source == "synthetic" and self.cold[-1].not_imported:
            found.append(f"{self.cold[-1].not_imported} synthetic articles were not imported")
        return found


def parse_kinds(text: str) -> list[str]:
    kinds = [part.strip() for part in text.split(",") if part.strip()]
    if not kinds or any(kind not in KINDS for kind in kinds):
        raise argparse.ArgumentTypeError(f"kinds are {', '.join(KINDS)}")
    return list(dict.fromkeys(kinds))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kinds", type=parse_kinds, default=list(DEFAULT_KINDS),
                        help="comma-separated input kinds: text, html, jsonl, warc "
                             "(default: text,html,jsonl)")
    parser.add_argument("--warc-mb", type=int, default=1024,
                        help="size of the synthetic crawl of the warc kind, in MB (default: 1024; made once, "
                             f"cached in {WARC_CACHE})")
    parser.add_argument("--no-reimport", action="store_true",
                        help="cold imports only (a gigabyte crawl's re-import takes as long as its import)")
    parser.add_argument("--count", type=int, default=1000,
                        help="synthetic inputs per kind: files, or records of the JSONL dump (default: 1000)")
    parser.add_argument("--repeat", type=int, default=3, help="cold imports per kind (default: 3)")
    parser.add_argument("--workers", type=int, default=0,
                        help="passed to 'archivegen import --workers' (default 0: one per core)")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the generator (default: 1)")
    parser.add_argument("--corpus", action="store_true",
                        help="import the real pages of <shared>/corpus instead of synthetic inputs "
                             f"(with --default-date {CORPUS_DEFAULT_DATE}; --count and --seed are ignored)")
    parser.add_argument("--shared", type=Path, default=REPO_ROOT.parent / "shared",
                        help="the shared folder, for --corpus (default: ../shared next to the repository)")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="generate inputs and archives in DIR and keep them "
                             "(default: a temporary folder)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also save the results as JSON")
    parser.add_argument("--interval", type=float, default=0.05,
                        help="RSS sampling interval in seconds (default: 0.05)")
    parser.add_argument("--archivegen", metavar="EXE", help="archivegen executable to benchmark")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.count < 1:
        parser.error("--count must be at least 1")
    if args.workers < 0:
        parser.error("--workers must be 0 or more")
    if (args.corpus or "warc" in args.kinds) and not (args.shared / "corpus").is_dir():
        parser.error(f"{args.shared / 'corpus'} not found; point --shared at the shared folder")
    return args


def print_table(results: list[KindResult]) -> None:
    header = (f"{'kind':<6} {'run':<10} {'inputs':>7} {'articles':>9} {'not imp.':>9} {'median s':>9} "
              f"{'import s':>9} {'articles/s':>11} {'CPU s':>7} {'peak RSS tree MB':>17} "
              f"{'peak single MB':>15}")
    print(header)
    print("-" * len(header))
    for r in results:
        for label, runs, articles in (("cold", r.cold, r.written), ("re-import", r.again, r.unchanged)):
            if not runs:
                continue
            print(f"{r.inputs.kind:<6} {label:<10} {r.inputs.documents:>7} {articles:>9} "
                  f"{runs[-1].not_imported:>9} {r.median(runs):>9.2f} "
                  f"{statistics.median(run.reported_s for run in runs):>9.2f} "
                  f"{r.rate(runs, articles):>11.1f} "
                  f"{statistics.median(run.cpu_s for run in runs):>7.1f} "
                  f"{max(run.peak_tree_rss for run in runs) / MB:>17.1f} "
                  f"{max(run.peak_single_rss for run in runs) / MB:>15.1f}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    archivegen = find_archivegen(args.archivegen)
    temporary = None if args.keep else tempfile.TemporaryDirectory(prefix="archivegen-import-bench-")
    base = args.keep.resolve() if args.keep else Path(temporary.name)  # type: ignore[union-attr]
    corpus = args.shared.resolve() / "corpus"
    results: list[KindResult] = []
    try:
        for kind in args.kinds:
            name = f"corpus-{kind}" if args.corpus else f"{kind}-{args.count}-{args.seed}"
            folder = base / "inputs" / name
            if folder.exists():
                shutil.rmtree(folder)
            started = time.perf_counter()
            if kind == "warc":
                inputs = warc_inputs(corpus, args.warc_mb, args.seed)
            elif args.corpus:
                inputs = corpus_inputs(kind, corpus, folder)
            else:
                inputs = generate_inputs(kind, folder, args.count, args.seed)
            log(f"[{kind}] {inputs.documents} {inputs.source} inputs ready in "
                f"{time.perf_counter() - started:.2f} s")
            archive = base / f"archive-{kind}"
            command = [*archivegen, "import", *map(str, inputs.paths), "--config",
                       str(archive / "site_config.yaml"), "--workers", str(args.workers), *inputs.extra_args]
            log(f"[{kind}] $ {' '.join(command)}")
            cold, again = [], []
            for number in range(1, args.repeat + 1):
                fresh_archive(archive)
                for label, runs in (("cold", cold), ("re-import", again)):
                    if label == "re-import" and args.no_reimport:
                        continue
                    run = run_import(command, archive, args.interval)
                    runs.append(run)
                    log(f"[{kind}] {label} {number}/{args.repeat}: {run.wall_s:.2f} s wall "
                        f"({run.reported_s:.2f} s reported), tree peak {run.peak_tree_rss / MB:.0f} MB over "
                        f"{run.max_processes} processes, single peak {run.peak_single_rss / MB:.0f} MB; "
                        f"CPU {run.cpu_s:.1f} s, other processes {run.other_load():.0%}; "
                        + run.summary.replace("\n", ";"))
            results.append(KindResult(inputs, cold, again))
    finally:
        if temporary is not None:
            temporary.cleanup()

    workers = args.workers or "0 (one per core)"
    revision = archivegen_revision()
    source = (f"the shared corpus in {corpus} (--default-date {CORPUS_DEFAULT_DATE})" if args.corpus
              else f"synthetic inputs, --count {args.count}, --seed {args.seed}")
    if "warc" in args.kinds:
        source += f" (warc: a crawl of {args.warc_mb} MB made from the corpus pages)"
    print(f"\narchivegen {revision} imports of {source}: {args.repeat} cold run(s) per kind into an empty "
          f"archive, each followed by a re-import; median wall time; --workers {workers}; "
          f"{os.cpu_count()} CPUs; Python {platform.python_version()}")
    print("articles: written (imported + renamed) for cold runs, unchanged for re-imports; 'import s' is "
          "the time the summary line reports (no start-up); CPU s: user + system time of the import and "
          "its workers (median; steadier than wall time on a busy machine); peak RSS: max over runs\n")
    print_table(results)
    print("\nsummary lines (last run):")
    for r in results:
        for label, run in (("cold", r.cold[-1]), ("re-import", r.again[-1] if r.again else None)):
            if run is None:
                continue
            lines = run.summary.splitlines()
            print(f"  {r.inputs.kind:<5} {label:<9}  {lines[0]}")
            for line in lines[1:]:
                print(f"  {'':<5} {'':<9}{line}")
    problems = [f"{r.inputs.kind}: {problem}" for r in results for problem in r.problems()]
    busy = [f"{r.inputs.kind} {label} {n} ({run.other_load():.0%})" for r in results
            for label, runs in (("cold", r.cold), ("re-import", r.again))
            for n, run in enumerate(runs, 1) if run.other_load() > BUSY_WARNING]
    if busy:
        problems.append(f"other processes used more than {BUSY_WARNING:.0%} of the CPUs during "
                        + ", ".join(busy) + "; those times are inflated")
    if problems:
        print("\nwarnings:")
        for problem in problems:
            print(f"  - {problem}")

    if args.json:
        payload = {
            "archivegen": revision, "argv": sys.argv, "source": "corpus" if args.corpus else "synthetic",
            "count": None if args.corpus else args.count, "seed": None if args.corpus else args.seed,
            "repeat": args.repeat, "workers": args.workers, "interval_s": args.interval,
            "python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
            "kinds": [{
                "kind": r.inputs.kind, "documents": r.inputs.documents, "extra_args": r.inputs.extra_args,
                "written": r.written, "unchanged_on_reimport": r.unchanged,
                "cold_median_s": r.median(r.cold), "cold_articles_per_s": r.rate(r.cold, r.written),
                "cold_median_cpu_s": statistics.median(run.cpu_s for run in r.cold),
                "reimport_median_cpu_s": statistics.median(run.cpu_s for run in r.again) if r.again else None,
                "reimport_median_s": r.median(r.again) if r.again else None,
                "reimport_articles_per_s": r.rate(r.again, r.unchanged),
                "peak_tree_rss_mb": max(run.peak_tree_rss for run in r.cold + r.again) / MB,
                "peak_single_rss_mb": max(run.peak_single_rss for run in r.cold + r.again) / MB,
                "problems": r.problems(),
                "cold_runs": [asdict(run) for run in r.cold],
                "reimport_runs": [asdict(run) for run in r.again],
            } for r in results],
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        log(f"results saved to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
