#!/usr/bin/env python3
"""Search quality benchmark: does the search page find what was asked, and nothing else?

Why: Pagefind matches a query word as a prefix of indexed words and, when a bundle holds no such
word, falls back to the longest prefix of the query it does hold, so ``?q=souks`` can list
articles that only say "so". Tags, authors and other languages add their own ways to miss. A
reader cannot tell a junk hit from a real one; this script can, on real news articles:

1. it imports real corpora (``../shared/corpus``: the fundus pages from 40 countries and the
   scrapinghub pages) into a temporary archive with the real ``archivegen import`` and builds it
   with the real ``archivegen build``;
2. it draws queries from the imported articles' own words (seeded): per article, rare words (in 1
   to 3 articles) and common words, alone and in pairs, plus words that occur in no article;
3. it computes the articles each query must find from the article texts (see ``Truth``);
4. it runs every query in Debian's Chromium on the real search page (opened at
   ``/search/?q=...``, then each query typed into it and submitted, as a reader searches),
   waiting for ``#search[data-done]`` (the page's contract), reads the result count and the
   result links (clicking "More results" up to ``--depth``);
5. it reports per query class recall@10, precision (share of shown hits that truly contain every
   query word), shown against expected counts, hits for absent words, and the worst queries.

The issue's targets: precision 1.0, recall@10 >= 0.95 for rare words, no hit for absent words.
This is a measurement: it exits 0 whatever the figures, 1 only when the pipeline fails.

Usage (see benchmarks/README.md)::

    python benchmarks/search_quality.py --json /tmp/quality.json
    python benchmarks/search_quality.py --limit 20 --per-article 1 --absent 10
"""

from __future__ import annotations

import argparse
import bisect
import json
import random
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlsplit

import yaml

# The sibling script (on sys.path, as this file is run as a script) finds the CLI under test.
from build_bench import archivegen_revision, find_archivegen, log
from markdown_it import MarkdownIt

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from tests.browser_support import CHROMIUM, CHROMIUM_ARGS, PREFIX, serve  # noqa: E402

# Corpus folders (under shared/corpus) and the pages imported from each: only the HTML pages, as
# the fundus folders also hold its expected-output JSON, which the importer would read as articles.
CORPORA = {"fundus": ("fundus-testdata/test_data", "*/*.html.gz"),
           "scrapinghub": ("scrapinghub-aeb/html", "*.html.gz")}
BASE_URL = "https://example.org" + PREFIX
SITE_CONFIG = f"""\
title: Search quality benchmark
description: Real news pages from ../shared/corpus, imported for benchmarks/search_quality.py.
base_url: {BASE_URL}
language: en
timezone: UTC
"""
DEFAULT_DATE = "2020-01-01"  # for pages whose metadata gives no date

RARE_MAX = 3  # a rare word is in 1 to RARE_MAX articles
MAX_EXAMINED = 400  # candidate words classified per article, at most
TOP = 10  # recall@TOP: the first page of results
CLASSES = ("rare single", "rare pair", "common single", "common pair", "absent")
# Languages written without spaces between words: "contains" is a substring test in their articles.
NO_SPACE = frozenset(["ja", "zh", "th", "lo", "km", "my", "bo"])
# Scripts written without spaces (code point ranges): a query word in them is looked for as a
# substring in every article, whatever its declared language, and is drawn as an n-gram.
HAN_KANA = [(0x3040, 0x30FF), (0x31F0, 0x31FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF),
            (0xFF66, 0xFF9F), (0x20000, 0x2FFFF)]
SOUTHEAST_ASIAN = [(0x0E00, 0x0EFF), (0x0F00, 0x0FFF), (0x1000, 0x109F), (0x1780, 0x17FF)]
HAN = [(0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2FFFF)]
MAX_WORD = 24  # longer "words" are URLs, codes or unspaced text mislabelled as a spaced language
SNOWBALL = {"ar": "arabic", "hy": "armenian", "eu": "basque", "ca": "catalan", "cs": "czech",
            "da": "danish", "nl": "dutch", "en": "english", "eo": "esperanto", "et": "estonian",
            "fi": "finnish", "fr": "french", "de": "german", "el": "greek", "hi": "hindi",
            "hu": "hungarian", "id": "indonesian", "ga": "irish", "it": "italian", "lt": "lithuanian",
            "ne": "nepali", "no": "norwegian", "nb": "norwegian", "nn": "norwegian", "fa": "persian",
            "pl": "polish", "pt": "portuguese", "ro": "romanian", "ru": "russian", "sr": "serbian",
            "st": "sesotho", "es": "spanish", "sv": "swedish", "ta": "tamil", "tr": "turkish",
            "yi": "yiddish"}
# Real words a news archive is unlikely to hold; those that some article does hold are dropped.
REAL_ABSENT = ["theocracy", "quillwort", "marzipan", "zeppelinite", "gobbledygook", "snorkelling",
               "xylophonist", "kumquats", "flibbertigibbet", "lollygag", "whippersnapper",
               "sesquipedalian", "bumfuzzle", "cattywampus", "hornswoggle", "skedaddle",
               "widdershins", "taradiddle", "collywobbles", "brouhahas", "souks", "idlibs"]
SYLLABLES = ["ba", "ke", "lo", "mi", "nu", "ra", "se", "ti", "vo", "zu", "dre", "gla", "pro", "stu"]


# --- words ----------------------------------------------------------------------------------------

def normalise(text: str) -> str:
    """NFKC, lower case, diacritics removed (NFD, nonspacing marks dropped), as Pagefind folds."""
    decomposed = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", text).lower())
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if unicodedata.category(c) != "Mn"))


_WORD_CHAR: dict[str, bool] = {}


def is_word_char(char: str) -> bool:
    """Letters, marks and digits make words; punctuation, symbols and spaces separate them."""
    known = _WORD_CHAR.get(char)
    if known is None:
        known = _WORD_CHAR[char] = unicodedata.category(char)[0] in "LMN"
    return known


def split_words(chunk: str) -> list[str]:
    """The runs of word characters in ``chunk``."""
    return "".join(c if is_word_char(c) else " " for c in chunk).split()


# Where Pagefind also cuts a word into parts it indexes: camel case ("WeWork"), letters against
# digits ("$77million").
WORD_PARTS = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")


def words_of(text: str) -> set[str]:
    """Normalised words of ``text``: each space-separated chunk's parts, and the parts joined when
    punctuation split the chunk ("covid-19" gives covid, 19 and covid19), so that either way an
    indexer treats it, the truth holds the word; and the parts WORD_PARTS cuts ("WeWork" gives
    we and work too), which Pagefind indexes as words."""
    found: set[str] = set()
    for chunk in text.split():
        parts = split_words(normalise(chunk))
        found.update(parts)
        if len(parts) > 1:
            found.add("".join(parts))
        pieces = WORD_PARTS.split(chunk)
        if len(pieces) > 1:
            for piece in pieces:
                found.update(split_words(normalise(piece)))
    return found


def in_ranges(char: str, ranges: list[tuple[int, int]]) -> bool:
    return any(lo <= ord(char) <= hi for lo, hi in ranges)


def is_unspaced(text: str) -> bool:
    """Holds a character of a script written without spaces between words."""
    return any(in_ranges(c, HAN_KANA) or in_ranges(c, SOUTHEAST_ASIAN) for c in text if not c.isascii())


def is_letters(word: str) -> bool:
    """Letters (and the marks of scripts such as Devanagari) of a script written with spaces."""
    return all(unicodedata.category(c)[0] in "LM" for c in word) and not is_unspaced(word)


def query_words(text: str) -> set[str]:
    """Candidate query words of spaced scripts: whole letter-only chunks of 3 to MAX_WORD
    characters, lower-cased but with their diacritics, as a reader would type them."""
    found = set()
    for chunk in unicodedata.normalize("NFKC", text).lower().split():
        parts = split_words(chunk)  # "japan's" or "covid-19": left out, indexers differ on them
        if len(parts) == 1 and 3 <= len(parts[0]) <= MAX_WORD and is_letters(parts[0]):
            found.add(parts[0])
    return found


def ngrams_of(text: str) -> set[str]:
    """Candidate query words of unspaced scripts: n-grams of their runs of letters: for Chinese
    and Japanese two characters with at least one ideograph (a kana pair is mostly grammar), for
    Thai, Lao, Khmer, Myanmar and Tibetan three characters."""
    found = set()
    for run in split_words(unicodedata.normalize("NFKC", text).lower()):
        for script, n in ((HAN_KANA, 2), (SOUTHEAST_ASIAN, 3)):
            letters = "".join(c if c.isalpha() and in_ranges(c, script) else " " for c in run)
            for part in letters.split():
                grams = (part[i:i + n] for i in range(len(part) - n + 1))
                found.update(g for g in grams if n == 3 or any(in_ranges(c, HAN) for c in g))
    return found


class Stemmers:
    """Snowball stemmers by language code, for the languages the built index stems (``stemmed``);
    any other language has no stems (prefix only), as in the index."""

    def __init__(self, stemmed: Iterable[str]) -> None:
        import snowballstemmer
        self._module = snowballstemmer
        self._cache: dict[tuple[str, str], str] = {}
        self._stemmers: dict[str, object] = {}
        self._stemmed = frozenset(stemmed)

    def supports(self, language: str) -> bool:
        return language in SNOWBALL and language in self._stemmed

    def stem(self, language: str, word: str) -> str:
        key = (language, word)
        stem = self._cache.get(key)
        if stem is None:
            stemmer = self._stemmers.get(language)
            if stemmer is None:
                stemmer = self._stemmers[language] = self._module.stemmer(SNOWBALL[language])
            stem = self._cache[key] = stemmer.stemWord(word)  # type: ignore[attr-defined]
        return stem


# --- articles -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Article:
    url: str  # site path under base_url's path, e.g. 2020/03/slug/
    file: str  # content/YEAR/slug.md
    language: str  # primary subtag, e.g. en
    title: str
    text: str  # the searchable text: title, summary, body, tags, authors, source host
    words: frozenset[str]  # normalised words of text


# Elements that run inside a line of text: their edges do not end a word ("<strong>F</strong>ormer"
# is the word "Former", as a reader and Pagefind read it).
INLINE = frozenset({"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "i", "kbd",
                    "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var"})


class _TextOfHtml(HTMLParser):
    """The text of an HTML fragment with images' alt text (Pagefind indexes it), without the
    content of script and style elements; only block elements separate words."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        alt = dict(attrs).get("alt") if tag == "img" else None
        if tag not in INLINE:
            self.parts.append(f" {alt} " if alt else " ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
        if tag not in INLINE:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def markdown_text(body: str) -> str:
    """The words a reader sees in a Markdown body (link targets and markup left out)."""
    parser = _TextOfHtml()
    parser.feed(MarkdownIt("commonmark").enable("table").render(body))
    parser.close()
    return "".join(parser.parts)


def split_front_matter(text: str) -> tuple[dict, str]:
    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front), body


def as_list(value: object) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def article_url(meta: dict, path: Path) -> str:
    """The default permalink /{year}/{month:02}/{slug}/ of the date in UTC (the site's zone)."""
    date = meta["date"] if isinstance(meta["date"], datetime) else datetime.fromisoformat(str(meta["date"]))
    if date.tzinfo is not None:
        date = date.astimezone(UTC)
    return f"{date.year}/{date.month:02}/{meta.get('slug') or path.stem}/"


def source_name(host: str) -> str:
    """A source's host name without "www." ("nypost.com"), as the article page shows it."""
    return host.removeprefix("www.")


def read_article(path: Path, content: Path, site_language: str) -> Article:
    meta, body = split_front_matter(path.read_text(encoding="utf-8"))
    host = urlsplit(str(meta.get("source") or "")).hostname or ""
    searchable = [str(meta.get("title") or ""), str(meta.get("summary") or ""), markdown_text(body),
                  *as_list(meta.get("tags")),
                  *as_list(meta.get("authors")), source_name(host)]
    text = "\n".join(searchable)
    language = str(meta.get("language") or site_language).lower().replace("_", "-").split("-")[0]
    return Article(url=article_url(meta, path), file=str(path.relative_to(content.parent)),
                   language=language, title=str(meta.get("title") or ""), text=text,
                   words=frozenset(words_of(text)))


def read_articles(content: Path, site: Path, site_language: str = "en") -> list[Article]:
    """Every imported article, checked against the built site (its page must exist)."""
    articles = [read_article(path, content, site_language) for path in sorted(content.rglob("*.md"))]
    missing = [a.file for a in articles if not (site / a.url / "index.html").is_file()]
    if missing:
        raise SystemExit(f"articles without a page at the expected URL: {', '.join(missing[:5])}")
    return articles


# --- truth ----------------------------------------------------------------------------------------

def stemmed_languages(site: Path) -> set[str]:
    """The languages the built index stems: Pagefind names, per bundle, the WebAssembly each
    language's index is searched with; a language without a stemmer has none (Czech, Korean...)."""
    stemmed = set()
    for entry in (site / "pagefind").glob("*/pagefind-entry.json"):
        for language, about in json.loads(entry.read_text(encoding="utf-8"))["languages"].items():
            if about.get("wasm"):
                stemmed.add(language.lower().split("-")[0])
    if not stemmed:
        raise SystemExit(f"no Pagefind bundle with languages under {site / 'pagefind'}")
    return stemmed


class Truth:
    """Which articles truly contain a query word.

    An article contains a query word T when one of its words W (both normalised) starts with T,
    or W has the same Snowball stem as T in the article's language (when the index stems that
    language); in a language written without spaces, when T is a substring of its normalised
    text. A shorter prefix of T never counts:
    that is the junk this benchmark exposes. A query of several words needs every word.
    """

    def __init__(self, articles: list[Article], stemmers: Stemmers) -> None:
        self.articles = articles
        self.stemmers = stemmers
        holders: dict[str, set[int]] = defaultdict(set)
        stems: dict[tuple[str, str], set[int]] = defaultdict(set)
        for index, article in enumerate(articles):
            for word in article.words:
                holders[word].add(index)
                if stemmers.supports(article.language):
                    stems[(article.language, stemmers.stem(article.language, word))].add(index)
        self.holders = dict(holders)
        self.sorted_words = sorted(holders)
        self.stems = dict(stems)
        self.languages = sorted({a.language for a in articles if stemmers.supports(a.language)})
        self.texts = [normalise(a.text) for a in articles]
        self.unspaced = [i for i, a in enumerate(articles) if a.language in NO_SPACE]
        self._cache: dict[str, frozenset[int]] = {}

    def prefixed(self, term: str) -> Iterator[str]:
        """Indexed words that start with ``term``."""
        i = bisect.bisect_left(self.sorted_words, term)
        while i < len(self.sorted_words) and self.sorted_words[i].startswith(term):
            yield self.sorted_words[i]
            i += 1

    def containing(self, term: str) -> frozenset[int]:
        """Indices of the articles that contain the (normalised) word ``term``."""
        found = self._cache.get(term)
        if found is None:
            hits: set[int] = set()
            for word in self.prefixed(term):
                hits |= self.holders[word]
            for language in self.languages:  # the stems index is per language already
                hits |= self.stems.get((language, self.stemmers.stem(language, term)), set())
            substring_in = range(len(self.articles)) if is_unspaced(term) else self.unspaced
            hits |= {i for i in substring_in if term in self.texts[i]}
            found = self._cache[term] = frozenset(hits)
        return found

    def expected(self, query: str) -> frozenset[int]:
        terms = [normalise(t) for t in query.split()]
        sets = [self.containing(t) for t in terms]
        return frozenset.intersection(*sets) if sets else frozenset()

    def why_not(self, index: int, query: str) -> str:
        """Why article ``index`` is not a true hit: each missing word and its longest prefix there."""
        article = self.articles[index]
        reasons = []
        for term in (normalise(t) for t in query.split()):
            if index in self.containing(term):
                continue
            near = self.longest_prefix_in(article, term)
            reasons.append(f"no word starting with {term!r} nor of its stem"
                           + (f"; longest prefix present: {near[0]!r} (in {near[1]!r})" if near else ""))
        return "; ".join(reasons) or "contains every word (not a false hit)"

    @staticmethod
    def longest_prefix_in(article: Article, term: str) -> tuple[str, str] | None:
        for length in range(len(term) - 1, 0, -1):
            prefix = term[:length]
            words = sorted(w for w in article.words if w.startswith(prefix))
            if words:
                return prefix, words[0]
        return None


# --- queries --------------------------------------------------------------------------------------

@dataclass
class Query:
    text: str  # what is typed: one or two words
    kind: str  # one of CLASSES
    origin: str  # the URL of the article it was drawn from; for an absent word, how it was made
    expected: list[str] = field(default_factory=list)  # article URLs that truly contain it


def candidates(article: Article) -> list[str]:
    return sorted(query_words(article.text) | ngrams_of(article.text))


def rarity(word: str, truth: Truth, common_min: int) -> str | None:
    """"rare", "common" or None. The articles holding the word itself are a subset of those
    containing it, so most words are settled without stemming them in every language."""
    term = normalise(word)
    holding = len(truth.holders.get(term, ()))
    if holding >= common_min and not is_unspaced(term):
        return "common"
    if holding > RARE_MAX and not is_unspaced(term):
        return None
    containing = len(truth.containing(term))
    return "rare" if 1 <= containing <= RARE_MAX else "common" if containing >= common_min else None


def draw_article_queries(article: Article, truth: Truth, rng: random.Random, per_article: int,
                         common_min: int) -> list[Query]:
    """Up to ``per_article`` queries of each class from one article's own words."""
    pool = candidates(article)
    rng.shuffle(pool)
    rare: list[str] = []
    common: list[str] = []
    wanted = 3 * per_article  # singles, then two words for each pair
    for word in pool[:MAX_EXAMINED]:
        found = rarity(word, truth, common_min)
        if found == "rare" and len(rare) < wanted:
            rare.append(word)
        elif found == "common" and len(common) < wanted:
            common.append(word)
        if len(rare) == len(common) == wanted:
            break
    queries = [Query(w, "rare single", article.url) for w in rare[:per_article]]
    queries += [Query(w, "common single", article.url) for w in common[:per_article]]
    queries += [Query(" ".join(pair), "rare pair", article.url) for pair in pairs(rare, per_article)]
    queries += [Query(" ".join(pair), "common pair", article.url) for pair in pairs(common, per_article)]
    return queries


def pairs(words: list[str], count: int) -> list[tuple[str, str]]:
    """``count`` pairs of distinct words, taken after the single words' picks where possible."""
    rest = words[count:] if len(words) >= count + 2 * count else words
    return [(rest[2 * i], rest[2 * i + 1]) for i in range(min(count, len(rest) // 2))]


def absent_words(truth: Truth, rng: random.Random, count: int) -> list[Query]:
    """Words no article contains: random letter strings, real words, and common corpus words
    with a made-up ending (their prefix is indexed: Pagefind's fallback would match it)."""
    common = sorted(w for w, holders in truth.holders.items()
                    if len(holders) >= 3 and len(w) >= 4 and w.isalpha() and w.isascii())
    makers = [
        ("letters", lambda: "".join(rng.choice("bcdfghjklmnpqrstvwxz") for _ in range(rng.randint(6, 9)))),
        ("real word", lambda: rng.choice(REAL_ABSENT)),
        ("corpus word + ending", lambda: rng.choice(common) + "".join(rng.sample(SYLLABLES, 2))
         if common else "plorbquint"),
    ]
    queries: dict[str, Query] = {}
    for attempt in range(count * 50):
        if len(queries) >= count:
            break
        how, make = makers[attempt % len(makers)]
        word = make()
        if word not in queries and not truth.expected(word):
            queries[word] = Query(word, "absent", how)
    return list(queries.values())


def build_queries(articles: list[Article], truth: Truth, seed: int, per_article: int,
                  absent: int) -> list[Query]:
    """The query set, each query once (the first article to draw it names it)."""
    rng = random.Random(seed)
    common_min = max(4, len(articles) // 10)
    drawn: dict[str, Query] = {}
    for article in articles:
        for query in draw_article_queries(article, truth, rng, per_article, common_min):
            drawn.setdefault(query.text, query)
    for query in absent_words(truth, rng, absent):
        drawn.setdefault(query.text, query)
    for query in drawn.values():
        query.expected = sorted(articles[i].url for i in truth.expected(query.text))
    return list(drawn.values())


# --- the pipeline ---------------------------------------------------------------------------------

def default_shared() -> Path:
    """``../shared`` beside the repository; in a git worktree, beside its main checkout."""
    beside = REPO.parent / "shared"
    if beside.is_dir():
        return beside
    common = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--path-format=absolute",
                             "--git-common-dir"], capture_output=True, text=True).stdout.strip()
    return Path(common).parent.parent / "shared" if common else beside


def corpus_inputs(shared: Path, limit: int | None) -> list[Path]:
    """The HTML pages to import, corpora interleaved so that a --limit takes from each."""
    lists = []
    for folder, pattern in CORPORA.values():
        root = shared / "corpus" / folder
        if not root.is_dir():
            raise SystemExit(f"corpus folder not found: {root} (use --shared)")
        lists.append(sorted(root.glob(pattern)))
    interleaved = [path for group in zip_longest_all(lists) for path in group]
    return interleaved[:limit] if limit else interleaved


def zip_longest_all(lists: list[list[Path]]) -> Iterator[list[Path]]:
    for i in range(max(len(items) for items in lists)):
        yield [items[i] for items in lists if i < len(items)]


def run_cli(archivegen: list[str], args: list[str], project: Path, ok: Iterable[int] = (0,)) -> str:
    """Run an archivegen command; stop the benchmark when it fails (or prints a traceback)."""
    started = time.perf_counter()
    done = subprocess.run([*archivegen, *args], capture_output=True, text=True, cwd=project)
    log(f"archivegen {args[0]}: exit {done.returncode} in {time.perf_counter() - started:.1f} s")
    if done.returncode not in ok or "Traceback" in done.stderr:
        raise SystemExit(f"archivegen {args[0]} failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
    return done.stdout + done.stderr


def make_site(project: Path, inputs: list[Path], archivegen: list[str]) -> Path:
    """Import ``inputs`` into a new archive at ``project`` and build it; return the site folder."""
    if project.exists():
        raise SystemExit(f"{project} exists: --keep makes a new archive folder")
    project.mkdir(parents=True)
    (project / "site_config.yaml").write_text(SITE_CONFIG, encoding="utf-8")
    config = ["--config", str(project / "site_config.yaml")]
    # exit 1: some inputs hold no article (an index page, too short): listed, the rest imported
    report = run_cli(archivegen, ["import", *config, "--default-date", DEFAULT_DATE,
                                  *map(str, inputs)], project, ok=(0, 1))
    log(report.strip().splitlines()[-1] if report.strip() else "import: no output")
    if not any((project / "content").rglob("*.md")):
        raise SystemExit("the import wrote no article")
    run_cli(archivegen, ["build", *config], project)
    return project / "site"


# --- the browser ----------------------------------------------------------------------------------

@dataclass
class Outcome:
    count: int | None  # the status line's number (None: no number shown)
    status: str
    links: list[str]  # result URLs as site paths, in order, up to --depth
    error: str = ""


QUERY_TIMEOUT_MS = 15_000
DONE_FOR = """q => document.getElementById('search').dataset.done === location.search
  && new URLSearchParams(location.search).get('q') === q"""
MORE_SETTLED = """n => { const more = document.getElementById('search-more');
  return !more.disabled && (more.hidden || document.querySelectorAll('#search-results > li').length > n); }"""


def parse_count(status: str) -> int | None:
    """The number the status line shows: "No results.", "N results." or, when the page read only
    so many hits to verify them, "More than N results." (then N, a true floor)."""
    if status.strip() == "No results.":
        return 0
    match = re.fullmatch(r"(?:More than )?([\d,]+) results?\.", status.strip())
    return int(match.group(1).replace(",", "")) if match else None


def site_path(href: str, base: str) -> str:
    path = urlsplit(href).path
    return path.removeprefix(urlsplit(base).path)


def run_query(page, base: str, query: str, depth: int) -> Outcome:  # page: playwright Page
    """Search for ``query``, wait for the contract, collect up to ``depth`` links.

    The first query opens the search page at its URL; later ones are typed into the open page
    and submitted, as a reader searches again (opening the page anew would measure loading its
    engines, one per language of the archive, more than searching). Either way the page's URL
    then holds the query, and ``#search[data-done]`` says when its results are shown."""
    if urlsplit(page.url).path != urlsplit(f"{base}search/").path:
        page.goto(f"{base}search/?q={quote(query)}", wait_until="load")
    else:
        page.fill("#search-q", query)
        page.press("#search-q", "Enter")
    page.wait_for_function(DONE_FOR, arg=query.strip(), timeout=QUERY_TIMEOUT_MS)
    status = page.locator("#search-status").text_content() or ""
    links = page.locator("#search-results > li h2 a")
    while links.count() < depth and page.locator("#search-more").is_visible():
        shown = links.count()
        page.locator("#search-more").click()
        page.wait_for_function(MORE_SETTLED, arg=shown, timeout=QUERY_TIMEOUT_MS)
        if links.count() == shown:
            break
    hrefs = [site_path(h, base) for h in links.evaluate_all("as => as.map(a => a.href)")]
    return Outcome(parse_count(status), status.strip(), hrefs[:depth])


def status_shown(page) -> str:
    """The status line as it stands (after a failure: it may say why), or "" if unreadable."""
    try:
        return (page.locator("#search-status").text_content(timeout=1000) or "").strip()
    except Exception:
        return ""


def run_queries(site: Path, queries: list[Query], depth: int) -> list[Outcome]:
    """Every query in one browser context (its HTTP cache keeps the index files, as a reader's
    browser would); after a failed query, in a fresh one."""
    from playwright.sync_api import sync_playwright
    outcomes = []
    with serve(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context()
        page = context.new_page()
        started = time.perf_counter()
        for number, query in enumerate(queries, 1):
            try:
                outcomes.append(run_query(page, base, query.text, depth))
            except Exception as exc:  # a query that never finishes is a result, not a crash
                outcomes.append(Outcome(None, status_shown(page), [], error=str(exc).splitlines()[0]))
                context.close()
                context = browser.new_context()
                page = context.new_page()
            if number % 100 == 0:
                log(f"queries: {number} of {len(queries)} ({time.perf_counter() - started:.0f} s)")
        browser.close()
    return outcomes


# --- scores ---------------------------------------------------------------------------------------

@dataclass
class Scored:
    query: Query
    outcome: Outcome
    recall_at_10: float | None  # None when nothing is expected
    true_shown: int
    false_hits: list[dict[str, str]]  # {url, why}
    missed_top: list[str]  # expected articles missing from the top 10 (when at most 10 are expected)


def score_query(query: Query, outcome: Outcome, truth: Truth, index_of: dict[str, int]) -> Scored:
    expected = set(query.expected)
    top = outcome.links[:TOP]
    recall = (len(expected & set(top)) / min(TOP, len(expected))) if expected else None
    false_hits = [{"url": url, "why": truth.why_not(index_of[url], query.text) if url in index_of
                   else "not an article of this archive"}
                  for url in outcome.links if url not in expected]
    missed = sorted(expected - set(top)) if len(expected) <= TOP else []
    return Scored(query, outcome, recall, len(outcome.links) - len(false_hits), false_hits, missed)


def summarise(scored: list[Scored]) -> dict[str, object]:
    shown = sum(len(s.outcome.links) for s in scored)
    recalls = [s.recall_at_10 for s in scored if s.recall_at_10 is not None]
    counts = [s.outcome.count for s in scored if s.outcome.count is not None]
    return {
        "queries": len(scored),
        "recall_at_10": sum(recalls) / len(recalls) if recalls else None,
        "precision": sum(s.true_shown for s in scored) / shown if shown else None,
        "shown_collected": shown,
        "false_hits": shown - sum(s.true_shown for s in scored),
        "mean_count_shown": sum(counts) / len(counts) if counts else None,
        "mean_expected": sum(len(s.query.expected) for s in scored) / len(scored) if scored else None,
        "queries_with_hits": sum(1 for s in scored if s.outcome.count or s.outcome.links),
        "errors": sum(1 for s in scored if s.outcome.error or s.outcome.count is None),
    }


def summaries(scored: list[Scored]) -> dict[str, dict[str, object]]:
    by_class = {kind: [s for s in scored if s.query.kind == kind] for kind in CLASSES}
    table = {kind: summarise(items) for kind, items in by_class.items() if items}
    table["overall"] = summarise(scored)
    return table


def worst(scored: list[Scored], limit: int) -> list[Scored]:
    """Queries with false hits (most first), then those with the lowest recall@10."""
    bad = [s for s in scored if s.false_hits or (s.recall_at_10 is not None and s.recall_at_10 < 1)
           or s.outcome.error]
    return sorted(bad, key=lambda s: (-len(s.false_hits), s.recall_at_10 if s.recall_at_10 is not None
                                      else 1, s.query.text))[:limit]


# --- report ---------------------------------------------------------------------------------------

def fmt(value: object, digits: int = 3) -> str:
    if value is None:
        return "-"
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def print_table(table: dict[str, dict[str, object]]) -> None:
    header = ["class", "queries", "recall@10", "precision", "false/shown", "mean count", "mean expected",
              "with hits", "errors"]
    rows = [[kind, fmt(r["queries"]), fmt(r["recall_at_10"]), fmt(r["precision"]),
             f"{r['false_hits']}/{r['shown_collected']}", fmt(r["mean_count_shown"], 1),
             fmt(r["mean_expected"], 1), fmt(r["queries_with_hits"]), fmt(r["errors"])]
            for kind, r in table.items()]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, ["-" * w for w in widths], *rows]:
        cells = [cell.ljust(w) if i == 0 else cell.rjust(w)
                 for i, (cell, w) in enumerate(zip(row, widths, strict=True))]
        print("  ".join(cells))


def print_targets(table: dict[str, dict[str, object]]) -> None:
    overall, rare = table["overall"], table.get("rare single", {})
    absent = table.get("absent", {})
    checks = [("precision 1.0", overall.get("precision") in (None, 1.0)),
              ("recall@10 >= 0.95 for rare words", (rare.get("recall_at_10") or 0) >= 0.95),
              ("no hit for absent words", not absent.get("queries_with_hits"))]
    for name, ok in checks:
        print(f"target {name}: {'met' if ok else 'MISSED'}")


def print_worst(items: list[Scored], articles: dict[str, Article]) -> None:
    if not items:
        return
    print(f"\nworst queries ({len(items)}):")
    for s in items:
        q, o = s.query, s.outcome
        print(f"  {q.text!r} [{q.kind}, from {q.origin or '-'}]: status {o.status or o.error!r}, "
              f"expected {len(q.expected)}, recall@10 {fmt(s.recall_at_10, 2)}, "
              f"false hits {len(s.false_hits)} of {len(o.links)} shown")
        for hit in s.false_hits[:3]:
            language = articles[hit["url"]].language if hit["url"] in articles else "?"
            print(f"      false hit {hit['url']} ({language}): {hit['why']}")
        for url in s.missed_top[:3]:
            print(f"      missed {url} ({articles[url].language}): {articles[url].title[:70]!r}")


def payload(args: argparse.Namespace, articles: list[Article], table: dict, scored: list[Scored],
            revision: str) -> dict[str, object]:
    return {
        "archivegen": revision,
        "options": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "articles": len(articles),
        "languages": dict(Counter(a.language for a in articles).most_common()),
        "summary": table,
        "queries": [{**asdict(s.query), **asdict(s.outcome), "recall_at_10": s.recall_at_10,
                     "false_hits": s.false_hits, "missed_top": s.missed_top} for s in scored],
    }


# --- main -----------------------------------------------------------------------------------------

def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=None,
                        help="the folder holding corpus/ (default: ../shared beside the repository)")
    parser.add_argument("--limit", type=int, default=None, help="import only the first N pages")
    parser.add_argument("--per-article", type=int, default=1, help="queries of each class per article")
    parser.add_argument("--absent", type=int, default=60, help="queries for words no article holds")
    parser.add_argument("--depth", type=int, default=30, help="results collected per query")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--worst", type=int, default=25, help="worst queries listed")
    parser.add_argument("--keep", type=Path, help="make the archive in this new folder and keep it")
    parser.add_argument("--json", type=Path, help="save everything as JSON")
    parser.add_argument("--archivegen", help="the archivegen executable to measure")
    return parser.parse_args(argv)


def measure(args: argparse.Namespace, project: Path) -> int:
    archivegen = find_archivegen(args.archivegen)
    args.shared = args.shared or default_shared()
    inputs = corpus_inputs(args.shared, args.limit)
    log(f"importing {len(inputs)} pages from {args.shared / 'corpus'}")
    site = make_site(project, inputs, archivegen)
    articles = read_articles(project / "content", site)
    truth = Truth(articles, Stemmers(stemmed_languages(site)))
    queries = build_queries(articles, truth, args.seed, args.per_article, args.absent)
    kinds = Counter(q.kind for q in queries)
    log(f"{len(articles)} articles in {len({a.language for a in articles})} languages; "
        f"{len(queries)} queries: " + ", ".join(f"{k} {v}" for k, v in kinds.items()))
    outcomes = run_queries(site, queries, args.depth)
    index_of = {a.url: i for i, a in enumerate(articles)}
    scored = [score_query(q, o, truth, index_of) for q, o in zip(queries, outcomes, strict=True)]
    table = summaries(scored)
    revision = archivegen_revision()
    print(f"search quality: {len(articles)} articles, {len(queries)} queries, archivegen {revision}")
    print_table(table)
    print_targets(table)
    print_worst(worst(scored, args.worst), {a.url: a for a in articles})
    if args.json:
        args.json.write_text(json.dumps(payload(args, articles, table, scored, revision), indent=1,
                                        ensure_ascii=False), encoding="utf-8")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.keep:
        return measure(args, args.keep)
    with tempfile.TemporaryDirectory(prefix="search-quality-") as tmp:
        return measure(args, Path(tmp) / "archive")


if __name__ == "__main__":
    sys.exit(main())
