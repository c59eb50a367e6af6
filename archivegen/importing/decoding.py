"""Bytes from a scrape to clean text: the one place that guesses encodings.

Scrapes arrive in whatever encoding the site used, often mislabelled. The order is the one that
is right most often: a byte-order mark is certain; strict UTF-8 almost never decodes text that
is not UTF-8; only then is charset-normalizer asked, because a statistical guess is the least
reliable signal. The result is always clean Unicode: LF newlines, no control characters, no
lone surrogates (which JSON escapes can smuggle in and which cannot be written as UTF-8).
"""

from __future__ import annotations

import codecs
import re

from archivegen.textclean import strip_controls

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: its BOM starts with FF FE too
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_SURROGATES = re.compile("[\ud800-\udfff]")


class Undecodable(ValueError):
    """The bytes are not text in any encoding we can recognise (a binary file, usually)."""


def decode_bytes(raw: bytes) -> str:
    """Decode scraped bytes to clean text (see the module docstring for the order of guesses)."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return clean_text(raw[len(bom):].decode(encoding))
            except UnicodeDecodeError:
                raise Undecodable(f"starts with a {encoding.upper()} byte-order mark but is not "
                                  f"valid {encoding.upper()}") from None
    if _looks_binary(raw):
        raise Undecodable("binary file (NUL bytes), not text")
    try:
        return clean_text(raw.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # imported late: ~50 ms, and rarely needed

    best = from_bytes(raw).best()
    if best is None:
        raise Undecodable("cannot tell the text encoding (not UTF-8, no recognisable charset)")
    return clean_text(str(best))


def clean_text(text: str) -> str:
    """LF newlines, no control characters, no lone surrogates, no stray byte-order marks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    return _SURROGATES.sub("\ufffd", strip_controls(text))


def _looks_binary(raw: bytes) -> bool:
    """NUL bytes in text that has no UTF-16/32 byte-order mark mean a binary file.

    A few stray NULs in otherwise readable text are scrape damage, not a binary file, so the
    test is a share of the first 8 KB rather than a single byte.
    """
    head = raw[:8192]
    return head.count(0) > max(8, len(head) // 100)
