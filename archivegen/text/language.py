"""Language codes: the one check of what a language tag looks like.

Content's ``language:``, the config's ``language`` and the codes import reads from pages all end
up in ``<html lang>`` and in the search index, which picks its stemmer by them. A BCP 47 tag's
shape (a two- or three-letter language, then subtags of 2 to 8 letters or digits: ``en``,
``pt-BR``, ``zh-Hant-TW``) is checked here and nowhere else; what each reader does with a value
that fails (an error at its line, or a scraped value ignored) is the reader's business.
"""

from __future__ import annotations

import re

LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")


def is_language_tag(value: str) -> bool:
    """Whether ``value`` is shaped like a language tag ("en", "pt-BR"; not "pt_BR", "utf-8")."""
    return LANGUAGE_TAG.fullmatch(value) is not None


def language_tag(value: str) -> str:
    """``value`` as a language tag in BCP 47 case ("pt-BR" of "pt_br", "zh-Hant-TW" of
    "zh_hant_tw"), or "" when it is not shaped like one. Underscores, which locales use
    (``pt_BR``), count as hyphens."""
    value = value.strip().replace("_", "-")
    if not is_language_tag(value):
        return ""
    primary, *subtags = value.split("-")
    cased = [s.upper() if len(s) == 2 else s.title() if len(s) == 4 and s.isalpha() else s.lower()
             for s in subtags]
    return "-".join([primary.lower(), *cased])
