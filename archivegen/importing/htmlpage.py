"""Saved HTML pages: the article body as Markdown (structure kept) and the page's metadata.

The body comes from trafilatura, asked for its XML tree (paragraphs, headings, lists, quotes,
tables, emphasis, links) rather than its text or Markdown output, so that this module writes
the Markdown itself: every piece of page text goes through ``markdown_text`` escaping and can
never turn into raw HTML or into Markdown syntax it did not have; links keep only http, https
and mailto targets, resolved against the page URL; images and scripts never enter.
``body_text`` is the same content as plain text, paragraphs split by blank lines. Around
trafilatura, a few general repairs: the headline is not repeated at the top of the body, a
lead paragraph left in the page header comes back (``_lead``), link-only teasers go
(``_tidy``), and a page whose text is only its link labels is no article (``_navigation_only``).

The bytes are decoded here, once, by a procedure that survives pages whose ``<meta charset>``
lies (``decode_html``), and parsed once: metadata, trafilatura and htmldate all read the same
lxml tree (trafilatura and htmldate copy it before changing it).

Metadata comes from what the page declares, in the order that is most often right: the
JSON-LD article (headline, datePublished with its time and offset, author, keywords), then
Open Graph and other <meta> tags, then the document itself (<title> without the site name,
<h1>, bylines, htmldate's reading of dates in the URL and text). Site names are cut from
titles by comparing title segments with og:site_name, application-name, the publisher and
the domain, never by a list of known sites.
"""

from __future__ import annotations

import codecs
import html
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import trafilatura
from charset_normalizer import from_bytes
from charset_normalizer.md import mess_ratio
from htmldate import find_date
from lxml.etree import _Element
from lxml.html import HtmlElement
from trafilatura import metadata as trafilatura_metadata

from archivegen.importing import markdown_text as md
from archivegen.importing.extracted import NoArticle
from archivegen.textclean import strip_controls


@dataclass(frozen=True)
class PageMetadata:
    """What a page says about itself; empty strings and tuples where it says nothing."""

    title: str
    date: datetime | None
    authors: tuple[str, ...]
    description: str
    keywords: tuple[str, ...]
    canonical_url: str
    language: str


@dataclass(frozen=True)
class HtmlPage(PageMetadata):
    """A page's metadata plus its article body, as escaped Markdown and as plain text."""

    body_markdown: str = ""
    body_text: str = ""


# --------------------------------------------------------------------------- decoding

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_DECLARED = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([-\w.:]+)|<\?xml[^>]{0,100}?encoding\s*=\s*["']([-\w.:]+)""",
    re.IGNORECASE)
# Labels browsers read differently from Python (WHATWG Encoding Standard): a page that says
# "iso-8859-1" is decoded as windows-1252 by every browser, and its authors wrote it that way.
_WHATWG_LABELS = {
    "iso-8859-1": "cp1252", "iso8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "l1": "cp1252",
    "us-ascii": "cp1252", "ascii": "cp1252", "iso-8859-9": "cp1254", "latin5": "cp1254",
    "iso-8859-11": "cp874", "tis-620": "cp874", "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030",
    "big5": "big5hkscs", "shift_jis": "cp932", "sjis": "cp932", "x-sjis": "cp932", "euc-kr": "cp949",
    "ks_c_5601-1987": "cp949", "windows-874": "cp874",
}
_PLAUSIBLE_MESS = 0.05  # charset_normalizer's mess ratio: 0 for real text, ~1 for a wrong code page


def _text_sample(raw: bytes, limit: int = 20000) -> bytes:
    """The words with non-ASCII bytes: where code pages differ, without the markup around them."""
    words = []
    size = 0
    for word in raw.split():
        if not word.isascii():
            words.append(word)
            size += len(word) + 1
            if size > limit:
                break
    return _MARKUP.sub(b" ", b" ".join(words))


_MARKUP = re.compile(rb"<[^>]*>|[<>]|&#?\w+;")


def _codec(label: str) -> str | None:
    """Python's codec for a charset label, browsers' reading of the label first; None if unknown."""
    label = label.strip().lower()
    label = _WHATWG_LABELS.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _mess(sample: bytes, codec: str) -> float:
    """How garbled the sample reads in ``codec`` (0 = clean text); infinite when it does not decode."""
    try:
        return mess_ratio(sample.decode(codec), 1.0)
    except (UnicodeDecodeError, LookupError):
        return float("inf")


def decode_html(raw: bytes) -> str:
    """The page as text: BOM, then strict UTF-8, then the declared charset if plausible, then detection.

    A declared charset is believed only if the page decodes under it without error and the
    non-ASCII words then read as text (charset_normalizer's mess ratio), because saved pages
    often carry the declaration of a template while the text was stored in another code page
    (cp1251 text declared iso-8859-1, KOI8-R declared windows-1251). Whatever wins, control
    characters are removed, so nothing downstream ever sees NULs or C1 controls.
    """
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            return strip_controls(raw[len(bom):].decode(codec, errors="replace"))
    try:
        return strip_controls(raw.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    sample = _text_sample(raw)
    declared = _DECLARED.search(raw[:8192])
    codec = _codec((declared.group(1) or declared.group(2)).decode("ascii", "replace")) if declared else None
    declared_mess = float("inf")
    if codec and not codec.startswith(("utf-8", "utf-16", "utf-32")):
        try:
            text = raw.decode(codec)  # strict: a byte the code page does not define rules it out
        except UnicodeDecodeError:
            pass
        else:
            declared_mess = _mess(sample, codec)
            if declared_mess <= _PLAUSIBLE_MESS:
                return strip_controls(text)
    guess = from_bytes(sample or raw[:20000]).best()
    if guess is not None and _mess(sample, guess.encoding) < declared_mess:
        codec = guess.encoding
    elif declared_mess == float("inf"):
        codec = "utf-8"  # nothing plausible: keep what is UTF-8, replace the rest
    return strip_controls(raw.decode(codec or "utf-8", errors="replace"))


_BINARY_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_TAG = re.compile(r"<[A-Za-z][^>]*>")


def is_binary(raw: bytes) -> bool:
    """Bytes that are no text file: more than 5 % control bytes in the first 4 KB.

    HTML never has them in such numbers (a stray NUL or two is removed during decoding); an
    image, archive or PDF saved with an .html name always does. UTF-16 and UTF-32 text, full of
    NUL bytes, is recognised by its byte-order mark.
    """
    head = raw[:4096]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE)):
        return False
    return bool(head) and len(_BINARY_BYTES.findall(head)) > 0.05 * len(head)


def parse_html(raw: bytes) -> HtmlElement | None:
    """Decode and parse once; None when the bytes are not an HTML document at all.

    A fragment without <html> (a saved "<p>...</p>") is parsed inside a document shell, as
    trafilatura's loader rejects bare fragments.
    """
    if is_binary(raw):
        return None
    text = decode_html(raw)
    if not text.strip():
        return None
    try:
        tree = trafilatura.load_html(text)
        if tree is None and _TAG.search(text[:4096]):
            tree = trafilatura.load_html(f"<html><body>{text}</body></html>")
    except (ValueError, TypeError):
        return None
    return tree if isinstance(tree, HtmlElement) else None


# --------------------------------------------------------------------------- metadata helpers

_WS = re.compile(r"\s+")


def _clean(text: str | None) -> str:
    """One line of clean text: entities decoded, controls, icon glyphs and runs of whitespace gone."""
    if not text:
        return ""
    if "&" in text:
        text = html.unescape(text)
    return _WS.sub(" ", md.clean_source_text(text)).strip()


def _meta_values(tree: HtmlElement) -> dict[str, list[str]]:
    """Every <meta> value by lower-cased property / name / itemprop / http-equiv."""
    values: dict[str, list[str]] = {}
    for meta in tree.iter("meta"):
        content = meta.get("content")
        if content is None:
            continue
        for attribute in ("property", "name", "itemprop", "http-equiv"):
            key = meta.get(attribute)
            if key:
                values.setdefault(key.strip().lower(), []).append(content)
    return values


def _first(values: dict[str, list[str]], *keys: str) -> str:
    """The first non-empty cleaned value among ``keys``, in the order given (the order is the preference)."""
    for key in keys:
        for value in values.get(key, ()):
            value = _clean(value)
            if value:
                return value
    return ""


def _json_ld_objects(tree: HtmlElement) -> list[dict[str, Any]]:
    """All JSON-LD objects of the page, @graph and list members flattened, nested ones included."""
    found: list[dict[str, Any]] = []

    def collect(node: Any, depth: int) -> None:
        if depth > 6:
            return
        if isinstance(node, list):
            for item in node:
                collect(item, depth + 1)
        elif isinstance(node, dict):
            found.append(node)
            for key in ("@graph", "mainEntity", "itemListElement"):
                if key in node:
                    collect(node[key], depth + 1)

    for script in tree.iterfind('.//script[@type="application/ld+json"]'):
        source = (script.text or "").strip()
        if not source:
            continue
        try:
            data = json.loads(source, strict=False)
        except RecursionError:
            continue
        except ValueError:
            try:  # a frequent breakage: a trailing comma before a closing bracket
                data = json.loads(re.sub(r",\s*([}\]])", r"\1", source), strict=False)
            except (ValueError, RecursionError):
                continue
        collect(data, 0)
    return found


_ARTICLE_TYPE = re.compile(r"Article$|BlogPosting$|^Report$|Posting$|^Review$|^Recipe$")


def _types(node: dict[str, Any]) -> list[str]:
    """The @type names of a JSON-LD object, as a list even when the page gives one string or a URL."""
    kind = node.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return [k.rsplit("/", 1)[-1] for k in kinds if isinstance(k, str)]


def _same_page(a: str, b: str) -> bool:
    """Two URLs name the same page (scheme, "www." and trailing slashes aside)."""
    def key(url: str) -> str:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").removeprefix("www.")
        return host + parts.path.rstrip("/")
    try:
        return bool(a and b) and key(a) == key(b)
    except ValueError:
        return False


def _articles(objects: list[dict[str, Any]], canonical: str) -> list[dict[str, Any]]:
    """The JSON-LD objects describing an article (NewsArticle, BlogPosting, ...), the page's own first.

    A page often also describes other articles (a live blog's updates, related stories); the
    one whose url / @id / mainEntityOfPage is this page comes first, then the others in
    page order.
    """
    articles = [o for o in objects if any(_ARTICLE_TYPE.search(t) for t in _types(o))]

    def is_this_page(article: dict[str, Any]) -> bool:
        main = article.get("mainEntityOfPage")
        main = main.get("@id") or main.get("url") if isinstance(main, dict) else main
        return any(isinstance(v, str) and _same_page(v.split("#")[0], canonical)
                   for v in (article.get("url"), article.get("@id"), main))

    return sorted(articles, key=lambda a: not is_this_page(a))


def _ld_text(value: Any) -> str:
    """A JSON-LD value as clean text: strings, the first of a list, or the name of an object."""
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value") or ""
    return _clean(value) if isinstance(value, str) else ""


# --------------------------------------------------------------------------- title

_TITLE_SEPARATORS = re.compile(r"\s+(?:[|\-–—:·•*»«/]|::)\s+|\s*[｜|│]\s*|：|\s+-{2}\s+")
_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "`": "'", "´": "'", "“": '"', "”": '"',
                         "„": '"', "«": '"', "»": '"', "–": "-", "—": "-", "\u00a0": " ", "\u00ad": None})


def _title_key(text: str) -> str:
    """Comparison form of a title: NFKC, quotes and dashes unified, case folded, spaces squashed."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return " ".join(text.split()).casefold().strip(" .…")


def _name_key(text: str) -> str:
    """Letters and digits only, accents removed, case folded: "Seznam Zprávy" ~ "seznamzpravy"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if c.isalnum())


_GENERIC_HOST_LABELS = {"www", "m", "amp", "mobile", "co", "com", "org", "net", "news", "edition"}


def _domain_names(url: str) -> list[str]:
    """The distinctive labels of a host name ("www", the TLD and short labels dropped)."""
    try:
        host = (urlsplit(url).hostname or "") if url else ""
    except ValueError:
        return []
    labels = host.split(".")[:-1]
    return [_name_key(label) for label in labels if len(label) >= 3 and label not in _GENERIC_HOST_LABELS]


def _is_site_name(segment: str, site_keys: list[str]) -> bool:
    """Whether a title segment names the site ("The Gazette" vs og:site_name "Gazette", gazette.com)."""
    key = _name_key(segment)
    if len(key) < 2:
        return False
    for site in site_keys:
        if len(site) >= 3 and (key == site or (len(key) >= 4 and (site in key or key in site))):
            return True
    return False


def strip_site_name(title: str, site_keys: list[str]) -> str:
    """The title without a leading or trailing site name (and the section names next to it).

    "Headline | Politics | Metro News" -> "Headline" when "Metro" is the site name. Segments
    are cut only on the side where a segment matches a site name, and never the headline
    itself (the longest segment that is not a site name). Separators inside the headline
    ("Putin - Erdogan talks") are kept when nothing on that side names the site.
    """
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2 or not site_keys:
        return title
    separators = [m.group(0) for m in _TITLE_SEPARATORS.finditer(title)]
    names = [_is_site_name(part, site_keys) for part in parts]
    if all(names):
        return title
    headline = max((i for i in range(len(parts)) if not names[i]), key=lambda i: len(parts[i]))
    start, end = 0, len(parts)
    for i in range(len(parts) - 1, headline, -1):  # a site name after the headline
        if names[i]:
            end = i
            while end - 1 > headline and len(parts[end - 1].split()) <= 3:  # "| Politics |" before it
                end -= 1
            break
    for i in range(0, headline):  # a site name before the headline
        if names[i]:
            start = i + 1
            while start < headline and len(parts[start].split()) <= 3:
                start += 1
            break
    if (start, end) == (0, len(parts)):
        return title
    pieces = [parts[start]]
    for i in range(start + 1, end):
        pieces.append(separators[i - 1] + parts[i])
    return "".join(pieces).strip()


_TITLE_PRIORITY = ("ld", "og", "title", "h1")


def _choose_title(candidates: list[tuple[str, str]], site_keys: list[str]) -> str:
    """The page's headline from (source, text) pairs: declared metadata first, then the document.

    The JSON-LD headline of the page's own article is what the publisher declares as the
    headline to search engines and aggregators; og:title is what it declares for display
    elsewhere (which an archive is); then the <title> without the site name, then the first
    <h1>. One exception: when the <h1> readers see and og:title agree with each other but not
    with the JSON-LD headline, that one is an SEO variant and the displayed headline wins.
    A headline cut short ("...") gives way to a source that continues it, and a heading that
    is only the site name (a logo) does not count.
    """
    cleaned: dict[str, tuple[str, str]] = {}
    for source, text in candidates:
        text = _clean(text)
        if text and source not in cleaned and not (source in ("h1", "og") and _is_site_name(text, site_keys)):
            cleaned[source] = (text, _title_key(text))
    order = list(_TITLE_PRIORITY)
    if "ld" in cleaned and "og" in cleaned and "h1" in cleaned:
        ld_key, og_key, h1_key = cleaned["ld"][1], cleaned["og"][1], cleaned["h1"][1]
        if og_key == h1_key != ld_key:
            order.remove("ld")
    for source in order:
        if source not in cleaned:
            continue
        text, key = cleaned[source]
        if text.endswith(("...", "…")):
            stem = key.rstrip(" .…")
            longer = [t for other, (t, k) in cleaned.items()
                      if other != source and k.startswith(stem) and len(k) > len(stem)]
            if longer:
                return longer[0]
        return text
    return ""


def _h1_texts(tree: HtmlElement) -> list[str]:
    """The first few non-empty <h1> texts (the first is usually the headline, or a logo)."""
    texts = []
    for heading in tree.iter("h1"):
        text = _clean(heading.text_content())
        if text:
            texts.append(text)
        if len(texts) >= 3:
            break
    return texts


# --------------------------------------------------------------------------- dates

_PUBLISHED_META = ("article:published_time", "og:published_time", "og:article:published_time",
                   "datepublished", "publishdate", "publish-date", "pubdate", "publication_date",
                   "sailthru.date", "parsely-pub-date", "dc.date.issued", "dcterms.issued", "dc.date",
                   "dcterms.date", "dcterms.created", "article.published", "published_time")


def parse_date(value: str) -> datetime | None:
    """An ISO 8601 or RFC 822 timestamp as the page wrote it (offset kept, never converted)."""
    value = value.strip()
    if not value or len(value) > 64:
        return None
    for candidate in (value, value.replace(" ", "T", 1).replace("/", "-")):
        try:
            return datetime.fromisoformat(candidate)
        except ValueError:
            pass
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None


def _structured_dates(tree: HtmlElement, metas: dict[str, list[str]], articles: list[dict[str, Any]]
                      ) -> list[datetime]:
    """Publication timestamps the page declares, most authoritative first."""
    raw: list[str] = []
    for article in articles[:1]:
        for key in ("datePublished", "dateCreated"):
            value = article.get(key)
            if isinstance(value, str):
                raw.append(value)
    for key in _PUBLISHED_META:
        raw.extend(metas.get(key, ()))
    for element in tree.xpath('//*[@itemprop="datePublished"][@datetime or @content]'):
        raw.append(element.get("datetime") or element.get("content") or "")
    dates = []
    for value in raw:
        parsed = parse_date(value)
        if parsed is not None and 1990 <= parsed.year <= datetime.now().year + 1:
            dates.append(parsed)
    return dates


def _page_date(tree: HtmlElement, metas: dict[str, list[str]], articles: list[dict[str, Any]],
               url: str) -> datetime | None:
    """The publication date: the page's declared timestamp, else htmldate's reading of the page.

    A declared ``datePublished`` / ``article:published_time`` is what the publisher says and
    carries the time and offset; htmldate's heuristics (dates in the URL, in bylines, in the
    text) fill in for pages that declare nothing, as a naive date.
    """
    declared = _structured_dates(tree, metas, articles)
    if declared:
        return declared[0]
    day = find_date(tree, extensive_search=True, original_date=True, url=url or None,
                    max_date=datetime.now().strftime("%Y-%m-%d"))
    try:
        return datetime.strptime(day, "%Y-%m-%d") if day else None
    except ValueError:
        return None


# --------------------------------------------------------------------------- authors, keywords, language

# separators between names: ";", "|", "&" and "and" in the languages most often seen in bylines
_AUTHOR_SPLIT = re.compile(r"\s*[;|&]\s*|\s+(?:and|und|et|og|och|en|y|e)\s+")
_BYLINE_PREFIX = re.compile(r"^(?:by|von|par|por|di|door|av|af|autor(?:in)?|author|text|texte)\b[:\s]*",
                            re.IGNORECASE)
_HANDLE = re.compile(r"\s*\([^)]{1,12}\)$")  # "Elena Oberholzer (obe)": a newsroom short code


def _looks_like_name(text: str) -> bool:
    """One to five words without digits: enough to tell a list of names from a sentence."""
    words = text.split()
    return 1 <= len(words) <= 5 and not any(c.isdigit() for c in text)


def _split_authors(value: str) -> list[str]:
    """Names in an author string: "By Ann Lee and Bo Chan (bc)" -> ["Ann Lee", "Bo Chan"]."""
    names = []
    for part in _AUTHOR_SPLIT.split(_clean(value)):
        part = _HANDLE.sub("", _BYLINE_PREFIX.sub("", part.strip(" ,"))).strip(" ,")
        pieces = [p.strip() for p in part.split(",")]
        if len(pieces) > 1 and all(len(p.split()) >= 2 and _looks_like_name(p) for p in pieces):
            names.extend(pieces)  # "Ann Lee, Bo Chan, Cy Diaz": a list, not "Lee, Ann"
        elif part:
            names.append(part)
    return names


def _ld_people(value: Any) -> list[str]:
    """Names from a JSON-LD author value (a string, a Person, or a list of either)."""
    names: list[str] = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict):
            item = item.get("name")
        if isinstance(item, list):
            names.extend(_ld_people(item))
        elif isinstance(item, str):
            names.extend(_split_authors(item))
    return names


def _authors(tree: HtmlElement, metas: dict[str, list[str]], articles: list[dict[str, Any]],
             site_keys: list[str]) -> tuple[str, ...]:
    """The article's authors: JSON-LD author, else author metas, else the byline in the page.

    A source that credits only the publication itself ("NTV", "Lesotho Times") is passed
    over when a later source names people; when none does, the publication is the author.
    """
    def usable(names: Iterable[str]) -> list[str]:
        kept: list[str] = []
        for name in names:
            if (name and "://" not in name and "@" not in name and len(name) <= 80 and not name.isdigit()
                    and name.casefold() not in {k.casefold() for k in kept}):
                kept.append(name)
        return kept

    def sources() -> Iterator[list[str]]:
        for article in articles[:1]:
            yield usable(_ld_people(article.get("author") or article.get("creator")))
        for key in ("author", "article:author", "dc.creator", "parsely-author", "sailthru.author", "byl"):
            yield usable(n for value in metas.get(key, ())[:3] for n in _split_authors(value))
        byline = _byline(tree)
        yield usable(_split_authors(byline)) if byline else []

    publication_only: list[str] = []
    for names in sources():
        people = [n for n in names if not _is_site_name(n, site_keys)]
        if people:
            return tuple(people)
        publication_only = publication_only or names
    return tuple(publication_only)


def _byline(tree: HtmlElement) -> str:
    """The byline text of the page, by trafilatura's author heuristics (bylines in the markup)."""
    try:
        return trafilatura_metadata.extract_author(tree) or ""
    except Exception:  # noqa: BLE001 - a heuristic failing on odd markup means "no byline"
        return ""


def _keywords(metas: dict[str, list[str]], articles: list[dict[str, Any]]) -> tuple[str, ...]:
    """The page's own tags: JSON-LD keywords, article:tag, keywords metas; cleaned, deduplicated."""
    raw: list[str] = []
    for article in articles[:1]:
        value = article.get("keywords")
        if isinstance(value, str):
            raw.extend(value.split(","))
        elif isinstance(value, list):
            raw.extend(v for v in value if isinstance(v, str))
    raw.extend(metas.get("article:tag", ()))
    for key in ("keywords", "news_keywords"):
        for value in metas.get(key, ()):
            raw.extend(value.split(","))
    keywords: list[str] = []
    seen: set[str] = set()
    for item in raw:
        keyword = _clean(item).strip(" ,;.#")
        if (not keyword or len(keyword) > 60 or "://" in keyword or keyword.startswith("@")
                or re.fullmatch(r"[\w-]+:[\w-]+", keyword) or keyword.casefold() in seen):
            continue  # "@post-id:123", "tag:foo": CMS identifiers, not tags
        seen.add(keyword.casefold())
        keywords.append(keyword)
    return tuple(keywords[:50])


_LANGUAGE = re.compile(r"([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*")


def _language(tree: HtmlElement, metas: dict[str, list[str]], articles: list[dict[str, Any]]) -> str:
    """The primary language subtag ("en" of "en-GB", "pt" of "pt_BR"), or "" when nothing declares it."""
    values = [tree.get("lang"), tree.get("xml:lang"), *metas.get("og:locale", ()),
              *metas.get("content-language", ()), *metas.get("language", ()), *metas.get("dc.language", ())]
    values += [a.get("inLanguage") for a in articles[:1] if isinstance(a.get("inLanguage"), str)]
    for value in values:
        match = _LANGUAGE.fullmatch((value or "").strip().split(",")[0].strip())
        if match:
            return match.group(1).lower()
    return ""


def _http_url(href: str | None, base: str | None) -> str:
    """An absolute http(s) URL from ``href`` resolved against ``base``, or "" (canonical links only)."""
    if not href:
        return ""
    try:
        absolute = urljoin(base or "", "".join(href.split()))
        parts = urlsplit(absolute)
    except ValueError:
        return ""
    return absolute if parts.scheme in ("http", "https") and parts.netloc else ""


def _canonical(tree: HtmlElement, metas: dict[str, list[str]], url: str | None) -> str:
    """<link rel=canonical>, else og:url, else the URL the page was saved from, else ""."""
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split():
            found = _http_url(link.get("href"), url)
            if found:
                return found
    for value in metas.get("og:url", ()):
        found = _http_url(value, url)
        if found:
            return found
    return url or ""


@dataclass
class _PageFacts:
    """Metadata plus what the body clean-up needs: the headline variants and the descriptions."""

    metadata: PageMetadata
    titles: list[str]
    descriptions: list[str]


def _metadata(tree: HtmlElement, url: str | None) -> _PageFacts:
    """Everything the page says about itself, from <meta>, JSON-LD, <title>, <h1> and bylines."""
    metas = _meta_values(tree)
    canonical = _canonical(tree, metas, url)
    articles = _articles(_json_ld_objects(tree), canonical)

    site_names = [_first(metas, "og:site_name"), _first(metas, "application-name"),
                  _first(metas, "apple-mobile-web-app-title"), _first(metas, "twitter:site").lstrip("@")]
    site_names += [_ld_text(a.get("publisher")) for a in articles[:1]]
    site_keys = [key for key in (_name_key(n) for n in site_names if n) if len(key) >= 3]
    site_keys += _domain_names(canonical) + _domain_names(url or "")

    title_element = tree.find(".//title")
    page_title = _clean(title_element.text_content()) if title_element is not None else ""
    candidates = [("ld", _ld_text(a.get("headline"))) for a in articles[:1]]
    candidates.append(("og", strip_site_name(_first(metas, "og:title", "twitter:title"), site_keys)))
    candidates.append(("title", strip_site_name(page_title, site_keys)))
    candidates += [("h1", text) for text in _h1_texts(tree)[:1]]
    title = _choose_title(candidates, site_keys)

    description = _first(metas, "description", "og:description", "twitter:description", "dc.description")
    descriptions = [description, _first(metas, "og:description"), _first(metas, "twitter:description")]
    descriptions += [_ld_text(a.get("description")) for a in articles[:1]]
    metadata = PageMetadata(
        title=title,
        date=_page_date(tree, metas, articles, canonical),
        authors=_authors(tree, metas, articles, site_keys),
        description=description or next((d for d in descriptions if d), ""),
        keywords=_keywords(metas, articles),
        canonical_url=canonical,
        language=_language(tree, metas, articles),
    )
    titles = [title, page_title, *(text for _, text in candidates if text)]
    return _PageFacts(metadata, titles, list(dict.fromkeys(d for d in descriptions if d)))


# --------------------------------------------------------------------------- body: XML tree -> blocks

_SPACES = re.compile(r"[ \t\n\r\f\v]+")


@dataclass
class _Inline:
    """One block's inline content: escaped Markdown with placeholders, plain text, links, code."""

    markdown: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    emphasis: int = 0  # > 0 inside emphasis: inner emphasis is not nested, only its text kept
    in_link: bool = False
    link_chars: int = 0  # non-space characters inside links (navigation looks like all-link text)
    anchors: int = 0  # depth of <ref> elements, with or without a usable target

    def markup(self, piece: str) -> None:
        """Our own Markdown (a placeholder, a space): written as is."""
        self.markdown.append(piece)

    def add(self, raw: str | None) -> None:
        """Text from the page: escaped, counted as link text inside a link."""
        if raw:
            clean = md.clean_source_text(raw)
            self.markdown.append(md.escape_inline(clean))
            self.text.append(_SPACES.sub(" ", clean))  # only <lb> breaks a line
            if self.anchors:
                self.link_chars += len("".join(clean.split()))

    def space(self) -> None:
        """A word separator (a block element met inside inline content)."""
        self.markup(" ")
        self.text.append(" ")

    def code(self, raw: str) -> None:
        """Inline code, written as a placeholder: its fence is chosen once its neighbours are known."""
        text = " ".join(md.clean_source_text(raw).split())
        if text:
            self.markdown.append(md.CODE)
            self.codes.append(text)
            self.text.append(text)

    def hard_break(self) -> None:
        """A line break inside the paragraph (<br>), kept as a Markdown hard break."""
        self.markup(md.HARD_BREAK)
        self.text.append("\n")

    def finished(self) -> tuple[str, str]:
        """(Markdown, plain text) of the content gathered so far."""
        markdown = md.finish_inline(_SPACES.sub(" ", "".join(self.markdown)), self.urls, self.codes)
        text = "\n".join(" ".join(line.split()) for line in "".join(self.text).split("\n"))
        return markdown, text.strip()


@dataclass
class _Paragraph:
    """A paragraph or heading: its Markdown, its text, its heading level, its link characters."""

    markdown: str
    text: str
    heading: int = 0  # 2..6 for a heading
    link_chars: int = 0


@dataclass
class _Code:
    """A code block, kept verbatim."""

    code: str


@dataclass
class _List:
    """A list; each item is a list of blocks (an item may hold paragraphs, lists, code)."""

    ordered: bool
    items: list[list[_Block]]


@dataclass
class _Quote:
    """A block quote of blocks."""

    blocks: list[_Block]


@dataclass
class _Table:
    """A table of short inline cells, written as a GFM pipe table."""

    rows: list[list[tuple[str, str]]]  # (markdown, text) per cell


_Block = _Paragraph | _Code | _List | _Quote | _Table

# trafilatura's XML vocabulary plus the HTML block tags it sometimes leaves in place
_BLOCK_TAGS = {
    "p", "div", "head", "list", "item", "quote", "table", "row", "cell", "code", "section", "article",
    "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "li", "dt", "dd", "blockquote", "pre", "tr", "td",
    "th", "figure", "figcaption", "main", "header", "footer", "aside", "details", "summary", "body", "center",
    "form", "fieldset", "address", "tbody", "thead", "tfoot",
}
_LIST_TAGS = {"list", "ul", "ol", "dl"}
_QUOTE_TAGS = {"quote", "blockquote"}
_HEADING_TAGS = {"head", "h1", "h2", "h3", "h4", "h5", "h6"}
_TABLE_TAGS = {"table"}
_SKIP_TAGS = {"graphic", "img", "script", "style", "noscript", "template", "iframe", "svg", "math", "button"}
_URL_SCHEMES = ("http", "https", "mailto")


def _tag(element: _Element) -> str:
    """The tag name, "" for comments and processing instructions (their .tag is a function)."""
    return element.tag if isinstance(element.tag, str) else ""


_PLAIN_ABSOLUTE = re.compile(r"(?:https?://[^/?#\s]+|mailto:(?=\S))[^\s\x00-\x1f\x7f-\x9f\ud800-\udfff]*")


def _link_target(href: str | None, base: str | None) -> str:
    """An absolute http(s)/mailto URL, or "" for javascript:, data:, fragments and the unresolvable."""
    if not href:
        return ""
    if _PLAIN_ABSOLUTE.fullmatch(href):  # the common case, without the cost of parsing
        return href
    href = "".join(md.clean_source_text(href).split())
    if not href or href.startswith("#"):
        return ""
    try:
        scheme = urlsplit(href).scheme.lower()
        if not scheme:
            if not base:
                return ""
            href = urljoin(base, href)
            scheme = urlsplit(href).scheme.lower()
    except ValueError:
        return ""
    if scheme not in _URL_SCHEMES or (scheme != "mailto" and not urlsplit(href).netloc):
        return ""
    return href


class _BodyWriter:
    """Walks trafilatura's XML body and builds blocks; one instance per page."""

    def __init__(self, base_url: str | None) -> None:
        """``base_url`` resolves the links that are still relative (when no page URL was known)."""
        self.base_url = base_url

    # ---- inline content

    def inline_children(self, element: _Element, out: _Inline, in_cell: bool = False) -> None:
        """An element's text, children and their tails, as inline content."""
        out.add(element.text)
        for child in element:
            self.inline(child, out, in_cell)
            out.add(child.tail)

    def inline(self, element: _Element, out: _Inline, in_cell: bool = False) -> None:
        """One element inside a paragraph: emphasis, link, code, break, or just its text.

        In table cells there are no breaks and no code spans (GFM splits a cell at "|" even
        inside code), and emphasis is never nested (the inner one keeps only its text).
        """
        tag = _tag(element)
        if tag in _SKIP_TAGS or not tag:
            return
        if tag == "lb" or tag == "br":
            if in_cell:
                out.space()
            else:
                out.hard_break()
            return
        if tag == "hi" or tag in ("b", "strong", "i", "em", "del", "s", "strike"):
            rend = element.get("rend", "")
            kind = {"#b": "b", "#i": "i", "b": "b", "strong": "b", "i": "i", "em": "i"}.get(rend or tag, "")
            if tag in ("del", "s", "strike"):
                kind = "s"
            if rend == "#t" and not in_cell:  # GFM splits cells on "|" even inside code spans
                out.code(element.xpath("string()"))
                return
            if kind and not out.emphasis:
                opener, closer = {"b": (md.BOLD_OPEN, md.BOLD_CLOSE), "i": (md.ITALIC_OPEN, md.ITALIC_CLOSE),
                                  "s": (md.STRIKE_OPEN, md.STRIKE_CLOSE)}[kind]
                out.markup(opener)
                out.emphasis += 1
                self.inline_children(element, out, in_cell)
                out.emphasis -= 1
                out.markup(closer)
                return
            self.inline_children(element, out, in_cell)
            return
        if tag in ("ref", "a"):
            target = _link_target(element.get("target") or element.get("href"), self.base_url)
            out.anchors += 1
            if target and not out.in_link:
                out.markup(md.LINK_OPEN)
                out.urls.append(target)
                out.in_link = True
                self.inline_children(element, out, in_cell)
                out.in_link = False
                out.markup(md.LINK_CLOSE)
            else:
                self.inline_children(element, out, in_cell)
            out.anchors -= 1
            return
        if tag == "code":
            if in_cell:
                out.add(element.xpath("string()"))
            else:
                out.code(element.xpath("string()"))
            return
        if tag in _BLOCK_TAGS:  # a block inside inline content: keep its words apart
            out.space()
            self.inline_children(element, out, in_cell)
            out.space()
            return
        self.inline_children(element, out, in_cell)

    # ---- blocks

    def paragraph(self, inline: _Inline, blocks: list[_Block], heading: int = 0) -> None:
        """Close a paragraph (or heading) and keep it if it has text."""
        markdown, text = inline.finished()
        if text:
            if heading:
                markdown = markdown.replace("\\\n", " ")
                text = " ".join(text.split())
            blocks.append(_Paragraph(markdown, text, heading, inline.link_chars))

    def blocks(self, element: _Element) -> list[_Block]:
        """The blocks of a container element: its loose text becomes paragraphs."""
        blocks: list[_Block] = []
        self.container(element, blocks)
        return blocks

    def container(self, element: _Element, blocks: list[_Block]) -> None:
        """Walk a container: loose text and inline children gather into paragraphs between blocks."""
        current = _Inline()
        current.add(element.text)
        for child in element:
            tag = _tag(child)
            if tag in ("lb", "br") and _tag(element) in ("body", "div", "section", "article", "main"):
                self.paragraph(current, blocks)
                current = _Inline()
            elif tag == "code" and self._is_code_block(child):
                self.paragraph(current, blocks)
                current = _Inline()
                self.code(child, blocks)
            elif tag in _BLOCK_TAGS and tag != "code":
                self.paragraph(current, blocks)
                current = _Inline()
                self.block(child, blocks)
            else:
                self.inline(child, current)
            current.add(child.tail)
        self.paragraph(current, blocks)

    @staticmethod
    def _is_code_block(element: _Element) -> bool:
        """Code on several lines or standing on its own is a block; code inside a sentence is inline."""
        text = element.xpath("string()")
        return "\n" in text.strip() or element.find(".//lb") is not None or element.getparent() is None \
            or _tag(element.getparent()) in ("body", "div", "quote", "item", "section", "article")

    def code(self, element: _Element, blocks: list[_Block]) -> None:
        """A code block: the text as it stands, line breaks (<lb>) as newlines, no escaping."""
        parts: list[str] = []

        def collect(node: _Element) -> None:
            parts.append(node.text or "")
            for child in node:
                if _tag(child) in ("lb", "br"):
                    parts.append("\n")
                elif _tag(child) not in _SKIP_TAGS:
                    collect(child)
                parts.append(child.tail or "")

        collect(element)
        code = md.clean_source_text("".join(parts).replace("\r\n", "\n").replace("\r", "\n")).strip("\n")
        if code.strip():
            blocks.append(_Code(code))

    def block(self, element: _Element, blocks: list[_Block]) -> None:
        """One block element: heading, list, quote, table, code, or a container of more blocks."""
        tag = _tag(element)
        if tag in _HEADING_TAGS:
            rend = element.get("rend", "") if tag == "head" else tag
            level = int(rend[1]) if re.fullmatch("h[1-6]", rend or "") else 3
            inline = _Inline()
            self.inline_children(element, inline)
            self.paragraph(inline, blocks, heading=max(2, level))
        elif tag in _LIST_TAGS:
            items = []
            for child in element:
                item_blocks = self.blocks(child) if _tag(child) in _BLOCK_TAGS else []
                if not item_blocks and _tag(child) not in _BLOCK_TAGS:
                    inline = _Inline()
                    self.inline(child, inline)
                    self.paragraph(inline, item_blocks)
                if item_blocks:
                    items.append(item_blocks)
                if child.tail and child.tail.strip():
                    inline = _Inline()
                    inline.add(child.tail)
                    tail_blocks: list[_Block] = []
                    self.paragraph(inline, tail_blocks)
                    if tail_blocks:
                        items.append(tail_blocks)
            if items:
                ordered = element.get("rend") == "ol" or tag == "ol"
                blocks.append(_List(ordered, items))
        elif tag in _QUOTE_TAGS:
            inner = self.blocks(element)
            if inner:
                blocks.append(_Quote(inner))
        elif tag in _TABLE_TAGS:
            self.table(element, blocks)
        elif tag == "pre":
            self.code(element, blocks)
        else:
            self.container(element, blocks)

    def table(self, element: _Element, blocks: list[_Block]) -> None:
        """A GFM table when the cells are short inline text; otherwise the cells' blocks in order."""
        rows = [row for row in element.iter("row", "tr") if _nearest_table(row) is element]
        nested_blocks = _LIST_TAGS | _HEADING_TAGS | _TABLE_TAGS | _QUOTE_TAGS | {"code", "pre"}
        simple = bool(rows) and all(
            _tag(cell) in ("cell", "td", "th") and not any(_tag(d) in nested_blocks for d in cell.iter())
            for row in rows for cell in row)
        grid: list[list[tuple[str, str]]] = []
        if simple:
            for row in rows:
                cells = []
                for cell in row:
                    inline = _Inline()
                    self.inline_children(cell, inline, in_cell=True)
                    markdown, text = inline.finished()
                    cells.append((markdown.replace("\\\n", " "), " ".join(text.split())))
                if any(text for _, text in cells):
                    grid.append(cells)
            width = max((len(r) for r in grid), default=0)
            longest = max((len(text) for r in grid for _, text in r), default=0)
            if width >= 2 and longest <= 400:
                blocks.append(_Table([r + [("", "")] * (width - len(r)) for r in grid]))
                return
        self.container(element, blocks)


def _nearest_table(element: _Element) -> _Element | None:
    """The table a row belongs to (rows of nested tables belong to the inner one)."""
    for ancestor in element.iterancestors():
        if _tag(ancestor) == "table":
            return ancestor
    return None


# --------------------------------------------------------------------------- blocks -> Markdown / text

def _indent(text: str, first: str, rest: str) -> str:
    """Prefix the first line with a list marker and indent the rest to stay inside the item."""
    lines = text.split("\n")
    return "\n".join([first + lines[0]] + [(rest + line) if line else "" for line in lines[1:]])


def _markdown(blocks: list[_Block]) -> str:
    """Blocks as Markdown, separated by blank lines so that no block can run into the next."""
    out: list[str] = []
    previous: _Block | None = None
    for block in blocks:
        if isinstance(block, _Paragraph):
            out.append(("#" * block.heading + " " + block.markdown) if block.heading else block.markdown)
        elif isinstance(block, _Code):
            out.append(md.code_block(block.code))
        elif isinstance(block, _Quote):
            inner = _markdown(block.blocks)
            out.append("\n".join(("> " + line) if line else ">" for line in inner.split("\n")))
        elif isinstance(block, _List):
            # two lists in a row would merge into one: the second uses the other marker
            alternate = isinstance(previous, _List) and previous.ordered == block.ordered
            loose = any(len(item) > 1 for item in block.items)
            rendered = []
            for number, item in enumerate(block.items, start=1):
                marker = (f"{number}{')' if alternate else '.'} " if block.ordered
                          else ("* " if alternate else "- "))
                rendered.append(_indent(_markdown(item), marker, " " * len(marker)))
            out.append(("\n\n" if loose else "\n").join(rendered))
        elif isinstance(block, _Table):
            width = len(block.rows[0])
            lines = ["| " + " | ".join(cell or " " for cell, _ in row) + " |" for row in block.rows]
            lines.insert(1, "|" + " --- |" * width)
            out.append("\n".join(lines))
        previous = block
    return "\n\n".join(part for part in out if part.strip())


def _plain(blocks: list[_Block]) -> Iterator[str]:
    """Blocks as plain-text paragraphs: list items and table rows one each, no markers."""
    for block in blocks:
        if isinstance(block, _Paragraph):
            yield block.text
        elif isinstance(block, _Code):
            yield block.code
        elif isinstance(block, _Quote):
            yield from _plain(block.blocks)
        elif isinstance(block, _List):
            for item in block.items:
                yield from _plain(item)
        elif isinstance(block, _Table):
            for row in block.rows:
                yield " | ".join(text for _, text in row if text)


# --------------------------------------------------------------------------- body clean-up

_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)?")
_LINK_ONLY_SHARE = 0.9  # of a paragraph's characters inside links
_LINK_ONLY_MAX_WORDS = 30


def _link_only(block: _Block) -> bool:
    """A short paragraph that is all link text: a "read also" teaser or a menu entry, not prose.

    Headings are kept (a heading that links to its section is still a heading), and so is a
    long paragraph that happens to sit inside one link (a lead linked to its photo).
    """
    if not isinstance(block, _Paragraph) or not block.link_chars or block.heading:
        return False
    letters = len("".join(block.text.split()))
    return len(block.text.split()) <= _LINK_ONLY_MAX_WORDS and block.link_chars >= _LINK_ONLY_SHARE * letters


def _tidy(blocks: list[_Block], titles: set[str]) -> list[_Block]:
    """Drop what is not article text even though it sits in the article's container.

    * the headline at the top (the title is kept in the front matter; the body would repeat it);
    * a paragraph repeating the one before it (responsive layouts print some blocks twice);
    * a paragraph that is only a machine timestamp (leaked microdata);
    * link-only paragraphs and list items (``_link_only``).

    Repeated paragraphs further apart are kept: interviews repeat questions, recipes steps.
    """
    kept: list[_Block] = []
    previous = ""
    for block in blocks:
        if isinstance(block, _Paragraph):
            key = _title_key(block.text)
            if (not kept and key in titles) or key == previous or _TIMESTAMP.fullmatch(block.text):
                continue
            if _link_only(block):
                continue
            previous = key
        elif isinstance(block, _List):
            items = [item for item in block.items if not (len(item) == 1 and _link_only(item[0]))]
            if not items:
                continue
            block = _List(block.ordered, items)
        kept.append(block)
    return kept


_LEAD_TAGS = ("p", "div", "h2", "h3", "h4", "span", "strong", "em", "b", "section", "header", "summary")


def _lead(tree: HtmlElement, descriptions: list[str], body_text: str) -> str:
    """The page's standfirst when the extraction left it out, else "".

    News pages put a lead paragraph between the headline and the text, often in the page
    header where extractors do not look. Its text is usually also the page's meta description,
    and that is the test: a description that is the entire text of an element of the page, but
    absent from the extracted body, is the lead.
    """
    body = tree.find("body")
    if body is None:
        return ""
    squashed_body = " ".join(body_text.split())
    page_text: str | None = None
    for description in descriptions:
        key = " ".join(description.split())
        if len(key) < 40 or key.rstrip(".…").strip() in squashed_body:
            continue
        if page_text is None:
            page_text = " ".join(" ".join(body.itertext()).split())
        if key not in page_text:
            continue
        for element in body.iter(_LEAD_TAGS):
            text = element.text_content()
            if len(text) >= len(key) and " ".join(text.split()) == key:
                return key
    return ""


def _navigation_only(tree: HtmlElement, text: str) -> bool:
    """Whether the extracted text is (almost) all link labels of the page: an index or menu page.

    Extractors fall back to whatever text a page has; on a page of headlines or a menu that
    is the link labels, one per line or run together, which is not an article. Short labels
    count only as whole lines ("News" is also a word of many sentences).
    """
    labels = {" ".join(a.text_content().split()) for a in tree.iter("a")}
    labels.discard("")
    if not labels:
        return False
    lines = [" ".join(line.split()) for line in text.split("\n")]
    squashed = " ".join(line for line in lines if line)
    if not squashed:
        return False
    linked = sum(len(line) for line in lines if line in labels)
    long_labels = (label for label in labels if len(label) >= 20 and label not in lines)
    linked += sum(squashed.count(label) * len(label) for label in long_labels)
    return linked >= _NAVIGATION_SHARE * len(squashed)


_NAVIGATION_SHARE = 0.8  # real articles in the corpora stay below 0.75


# --------------------------------------------------------------------------- public API

_EXTRACTION = {"include_comments": False, "include_tables": True, "include_formatting": True,
               "include_links": True, "include_images": False, "output_format": "xml"}


def extract_metadata(raw: bytes, url: str | None = None) -> PageMetadata:
    """Title, date, authors, description, keywords, canonical URL and language of a saved page."""
    tree = parse_html(raw)
    if tree is None:
        return PageMetadata("", None, (), "", (), url or "", "")
    return _metadata(tree, url).metadata


def _resolve_links(tree: HtmlElement, url: str | None) -> None:
    """Make every link absolute against the page (and its <base>), and unusable ones plain text.

    trafilatura resolves relative links against the site root ("../x" on /a/b/ becomes /x), so
    links are resolved here first, the way a browser does; javascript:, data: and in-page
    links lose their target and keep their text.
    """
    base = url
    base_element = tree.find(".//base[@href]")
    if base_element is not None:
        base = _http_url(base_element.get("href"), url) or url
    for anchor in tree.iter("a"):
        href = anchor.get("href")
        if href is not None:
            target = _link_target(href, base)
            if target:
                anchor.set("href", target)
            else:
                del anchor.attrib["href"]


def body_from_tree(tree: HtmlElement, url: str | None, titles: Iterable[str] = (),
                   descriptions: Iterable[str] = ()) -> tuple[str, str]:
    """(Markdown, plain text) of the article body of a parsed page; ("", "") when there is none.

    ``titles`` are the page's headline variants (removed from the top of the body),
    ``descriptions`` its meta descriptions (the test for a missing lead paragraph).
    """
    _resolve_links(tree, url)
    document = trafilatura.bare_extraction(tree, url=url, **_EXTRACTION)
    body = getattr(document, "body", None)
    if body is None:
        return "", ""
    blocks = _tidy(_BodyWriter(url).blocks(body), {_title_key(t) for t in titles if t})
    text = "\n\n".join(part for part in _plain(blocks) if part.strip())
    if not text:
        return "", ""
    lead = _lead(tree, [d for d in descriptions if d], text)
    if lead:
        blocks.insert(0, _Paragraph(md.escape_text(lead), lead))
        text = f"{lead}\n\n{text}"
    return _markdown(blocks), text


def extract_html(raw: bytes, url: str | None = None) -> HtmlPage:
    """A saved HTML page as an article: metadata plus the body as Markdown and as plain text.

    Raises NoArticle when the page holds no article text (empty, not HTML, navigation only).
    """
    tree = parse_html(raw)
    if tree is None:
        raise NoArticle("no article text found: the file is empty or not an HTML page")
    facts = _metadata(tree, url)
    meta = facts.metadata
    # relative links belong to the address the page was saved from; the canonical URL (which
    # may be another site, for syndicated copies) only stands in when that is unknown
    markdown, text = body_from_tree(tree, url or meta.canonical_url, facts.titles, facts.descriptions)
    if not text.strip():
        raise NoArticle("no article text found in the page (no text at all)")
    if _navigation_only(tree, text):
        raise NoArticle("no article text found in the page (only navigation links)")
    return HtmlPage(**{name: getattr(meta, name) for name in PageMetadata.__dataclass_fields__},
                    body_markdown=markdown, body_text=text)
