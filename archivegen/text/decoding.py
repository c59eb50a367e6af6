"""Bytes to clean text: the one place that decodes files, with one table of byte-order marks.

Two decoders share that table, because the files differ in who wrote them:

* ``decode_file`` reads what people write and archivegen reads back (content/ articles,
  site_config.yaml): UTF-8, or UTF-16/32 with a byte-order mark (Windows editors save that).
  Anything else is an error at its line, not a guess: a wrong guess would be published.
* ``decode_scraped`` reads what scrapers saved (pages, text dumps, JSON dumps), which arrive in
  whatever encoding the site used, often mislabelled, and have no author to ask. The order is
  the one that is right most often: a byte-order mark is certain; strict UTF-8 almost never
  decodes text that is not UTF-8; a declared charset (``<meta charset>``) is believed only if
  the text then reads as text; a statistical guess (charset-normalizer) is the last resort, and
  bytes no guess explains are replaced, since a scrape with one damaged byte is still an article.

Either way the result is clean Unicode: LF newlines and no control characters (invalid in the
XML and YAML archivegen writes); scraped text also loses lone surrogates (which JSON escapes can
smuggle in and which cannot be written as UTF-8) and stray byte-order marks.
"""

from __future__ import annotations

import codecs
import re
from typing import NamedTuple

from archivegen.textclean import strip_controls


class _Bom(NamedTuple):
    mark: bytes
    codec: str
    name: str  # as messages say it


# UTF-32 LE before UTF-16 LE: its mark starts with FF FE too.
BOMS = (
    _Bom(codecs.BOM_UTF8, "utf-8", "UTF-8"),
    _Bom(codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    _Bom(codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    _Bom(codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    _Bom(codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)


class TextProblem(ValueError):
    """A file people write is not text we can read: ``message`` and the 1-based ``line``."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.message, self.line = message, line


class Undecodable(ValueError):
    """Scraped bytes that are no text in any encoding (a binary file, usually)."""


def _bom(raw: bytes) -> _Bom | None:
    return next((bom for bom in BOMS if raw.startswith(bom.mark)), None)


# --------------------------------------------------------------------------- files people write

def decode_file(raw: bytes, what: str) -> str:
    """UTF-8 (a BOM tolerated) or UTF-16/32 with a BOM, as LF text without control characters.

    NUL bytes without a UTF-16/32 BOM mean a binary file, or UTF-16 saved without its BOM: both
    raise TextProblem (the second with a hint) rather than being guessed at. ``what`` names what
    the file should have been ("a Markdown article") in the binary-file message.
    """
    bom = _bom(raw)
    body = raw[len(bom.mark):] if bom else raw
    if bom is None or bom.codec == "utf-8":
        nul = body.find(b"\x00")
        if nul >= 0:
            if _looks_like_utf16(body):
                raise TextProblem("UTF-16 text without a byte-order mark: save it as UTF-8")
            raise TextProblem(f"binary file (contains NUL bytes), not {what}", body.count(b"\n", 0, nul) + 1)
    codec = bom.codec if bom else "utf-8"
    try:
        text = body.decode(codec)
    except UnicodeDecodeError as exc:
        if codec == "utf-8":
            raise TextProblem(f"not valid UTF-8 (byte 0x{body[exc.start]:02x})",
                              body.count(b"\n", 0, exc.start) + 1) from None
        name = bom.name if bom else codec
        raise TextProblem(f"not valid {name} (byte offset {exc.start + len(raw) - len(body)})") from None
    return _lines_without_controls(text.lstrip("\ufeff"))


def _looks_like_utf16(raw: bytes) -> bool:
    """Mostly-ASCII UTF-16: every other byte of the start is NUL, the others are not."""
    sample = raw[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return False
    for zeros, chars in ((sample[1::2], sample[0::2]), (sample[0::2], sample[1::2])):
        if zeros.count(0) >= 0.9 * len(zeros) and chars.count(0) == 0:
            return True
    return False


def _lines_without_controls(text: str) -> str:
    return strip_controls(text.replace("\r\n", "\n").replace("\r", "\n"))


# --------------------------------------------------------------------------- scraped files

_SURROGATES = re.compile("[\ud800-\udfff]")
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
_MARKUP = re.compile(rb"<[^>]*>|[<>]|&#?\w+;")
_BINARY_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


def decode_scraped(raw: bytes) -> str:
    """Scraped bytes as clean text: BOM, strict UTF-8, the declared charset if plausible, detection.

    A declared charset is believed only if the bytes decode under it without error and the
    non-ASCII words then read as text (charset_normalizer's mess ratio), because saved pages
    often carry the declaration of a template while the text was stored in another code page
    (cp1251 text declared iso-8859-1, KOI8-R declared windows-1251). Raises Undecodable for
    bytes that are no text file at all (``looks_binary``).
    """
    if looks_binary(raw):
        raise Undecodable("binary file (control bytes such as NUL), not text")
    bom = _bom(raw)
    if bom is not None:
        return clean_text(raw[len(bom.mark):].decode(bom.codec, errors="replace"))
    try:
        return clean_text(raw.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # imported late: ~50 ms, and rarely needed

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
                return clean_text(text)
    guess = from_bytes(sample or raw[:20000]).best()
    if guess is not None and _mess(sample, guess.encoding) < declared_mess:
        codec = guess.encoding
    elif declared_mess == float("inf"):
        codec = "utf-8"  # nothing plausible: keep what is UTF-8, replace the rest
    return clean_text(raw.decode(codec or "utf-8", errors="replace"))


def looks_binary(raw: bytes) -> bool:
    """Bytes that are no text file: more than 5 % control bytes in the first 4 KB.

    Text never has them in such numbers (a stray NUL or two is scrape damage, removed during
    decoding); an image, archive or PDF saved as .html or .txt always does. UTF-16 and UTF-32
    text, full of NUL bytes, is recognised by its byte-order mark.
    """
    head = raw[:4096]
    if _bom(head) is not None:
        return False
    return bool(head) and len(_BINARY_BYTES.findall(head)) > 0.05 * len(head)


def clean_text(text: str) -> str:
    """LF newlines, no control characters, no lone surrogates, no stray byte-order marks."""
    return _SURROGATES.sub("\ufffd", _lines_without_controls(text.replace("\ufeff", "")))


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
    from charset_normalizer.md import mess_ratio

    try:
        return mess_ratio(sample.decode(codec), 1.0)
    except (UnicodeDecodeError, LookupError):
        return float("inf")
