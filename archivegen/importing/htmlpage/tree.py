"""Bytes of a saved page to the one lxml tree every later step reads.

The bytes are decoded by ``archivegen.text.decoding.decode_scraped`` (which survives pages whose
``<meta charset>`` lies and recognises files that are no text at all), and parsed once, so that
metadata, trafilatura and htmldate share a tree.
"""

from __future__ import annotations

import re

import trafilatura
from lxml.html import HtmlElement

from archivegen.text.decoding import Undecodable, decode_scraped

_TAG = re.compile(r"<[A-Za-z][^>]*>")


def parse_html(raw: bytes) -> HtmlElement | None:
    """Decode and parse once; None when the bytes are not an HTML document at all.

    A fragment without <html> (a saved "<p>...</p>") is parsed inside a document shell, as
    trafilatura's loader rejects bare fragments.
    """
    try:
        text = decode_scraped(raw)
    except Undecodable:
        return None
    if not text.strip():
        return None
    try:
        tree = trafilatura.load_html(text)
        if tree is None and _TAG.search(text[:4096]):
            tree = trafilatura.load_html(f"<html><body>{text}</body></html>")
    except (ValueError, TypeError):
        return None
    return tree if isinstance(tree, HtmlElement) else None
