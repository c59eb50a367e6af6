"""Page text in the forms the other steps compare: one clean line, a title key, a name key.

Metadata values, title segments, site names and body paragraphs are compared with each other
(is this segment the site name? is this paragraph the headline again?); they must all be
normalised the same way, so the normalisations live in one place.
"""

from __future__ import annotations

import html
import re
import unicodedata

from archivegen.importing import markdown_text as md

_WS = re.compile(r"\s+")


def clean(text: str | None) -> str:
    """One line of clean text: entities decoded, controls, icon glyphs and runs of whitespace gone."""
    if not text:
        return ""
    if "&" in text:
        text = html.unescape(text)
    return _WS.sub(" ", md.clean_source_text(text)).strip()

_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "`": "'", "´": "'", "“": '"', "”": '"',
                         "„": '"', "«": '"', "»": '"', "–": "-", "—": "-", "\u00a0": " ", "\u00ad": None})


def title_key(text: str) -> str:
    """Comparison form of a title: NFKC, quotes and dashes unified, case folded, spaces squashed."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return " ".join(text.split()).casefold().strip(" .…")


def name_key(text: str) -> str:
    """Letters and digits only, accents removed, case folded: "Seznam Zprávy" ~ "seznamzpravy"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if c.isalnum())
