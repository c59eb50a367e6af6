"""Bytes of a saved page to text, and text to the one lxml tree every later step reads.

Saved pages lie about their charset often enough that the declaration is a hint, not a fact:
``decode_html`` checks it against the text it produces. Files that are no text at all (an image
saved as .html) are recognised before decoding (``is_binary``), and ``parse_html`` parses once,
so that metadata, trafilatura and htmldate share a tree.
"""

from __future__ import annotations

import codecs
import re

import trafilatura
from charset_normalizer import from_bytes
from charset_normalizer.md import mess_ratio
from lxml.html import HtmlElement

from archivegen.textclean import strip_controls

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
    for bom, bom_codec in _BOMS:
        if raw.startswith(bom):
            return strip_controls(raw[len(bom):].decode(bom_codec, errors="replace"))
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
