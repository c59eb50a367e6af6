"""URL slugs that are safe on every filesystem and stable across Unicode normal forms."""

from __future__ import annotations

import hashlib
import unicodedata
from functools import lru_cache

from slugify import slugify

MAX_SLUG_BYTES = 255
# Apostrophes join words ("Syria's" -> "syrias"), as readers and most newsroom CMSs expect.
_APOSTROPHES = [["'", ""], ["\u2019", ""], ["\u02bc", ""], ["`", ""]]
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
                     *(f"lpt{i}" for i in range(10))}


def short_hash(text: str, length: int = 8) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:length]


@lru_cache(maxsize=1 << 16)  # tags repeat across thousands of articles; slugify is ~20 µs a call
def make_slug(text: str, max_bytes: int = MAX_SLUG_BYTES) -> str:
    """Lowercase ASCII slug for ``text``; never empty, never a reserved device name.

    Titles with nothing transliterable (emoji only) fall back to a hash of the text.
    """
    return _slug_or_empty(text, max_bytes) or "h-" + short_hash(unicodedata.normalize("NFC", text))


def _slug_or_empty(text: str, max_bytes: int = MAX_SLUG_BYTES) -> str:
    """The slug of ``text``, or "" when nothing in it transliterates.

    The text is NFC-normalized first, so a title typed on macOS (NFD) and on Linux (NFC) gets
    one URL. python-slugify's ``max_length`` cuts on a word boundary; the output is ASCII, so
    characters and bytes agree and 255 keeps every path component below NAME_MAX.
    """
    normalized = unicodedata.normalize("NFC", text)
    slug = slugify(normalized, max_length=max_bytes, word_boundary=True, save_order=True,
                   replacements=_APOSTROPHES)
    if not slug:
        slug = slugify(normalized, max_length=max_bytes, replacements=_APOSTROPHES)  # one enormous "word"
    if slug in _WINDOWS_RESERVED:
        slug = f"{slug}-{short_hash(normalized, 6)}"
    return slug


_INDEX_STEMS = ("index", "_index")


def file_slug(key: str) -> str:
    """The default slug of the article in content file ``key``: its file name, slugified.

    A headline correction must not move an article (archives are linked for years), so the
    default comes from the file name, as in Hugo, Jekyll and Zola; the importer names files by
    slug already. ``index.md`` / ``_index.md`` take their folder's name (a page bundle such as
    ``2020/ferry-strike/index.md``) unless that folder is a date folder like ``2020/``. Returns
    "" when nothing usable is left (``2020/index.md``, an emoji-only name): the caller then
    falls back to the title.
    """
    parts = key.split("/")
    stem = parts[-1].removesuffix(".md")
    if stem in _INDEX_STEMS:
        folder = parts[-2] if len(parts) > 1 else ""
        if not folder or folder.isdigit():
            return ""
        stem = folder
    return _slug_or_empty(stem)


def is_valid_slug(slug: str) -> bool:
    """True for slugs we would have produced ourselves (what a front-matter slug must be)."""
    return bool(slug) and make_slug(slug) == slug
