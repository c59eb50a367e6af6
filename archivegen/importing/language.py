"""An article's language: the code its source declares, else the one its script names.

Why it matters: the build gives each article's language to the search index, which stems (and,
for Chinese and Japanese, segments) the article's words by it. A wrong or missing code makes the
article unfindable by the words of its own language. Sources get it wrong in two ways met in real
pages: a charset where a language belongs (``<meta http-equiv="Content-Language"
content="utf-8">``, on People's Daily), a CMS template's default (a Japanese article under
``lang="en"``), and no declaration at all. A charset is refused; a script that only one language
writes (kana, Hangul, Thai, Greek...), in most of the article's letters, names it (Han without kana
is Chinese) when nothing usable is declared or the declared language writes the Latin, Cyrillic or
Arabic script. Scripts shared by many languages (Latin, Cyrillic, Arabic, Devanagari) name none:
the declaration stands, or the article takes the site's language.
"""

from __future__ import annotations

import codecs
from collections import Counter

from archivegen.text.language import language_tag

# Code point ranges of scripts one language writes (or, for Han, the one a page without kana is
# most likely in), and the language. Kana decides Japanese over Han (Japanese mixes both).
_SCRIPTS: list[tuple[int, int, str]] = [
    (0x3040, 0x30FF, "ja"), (0x31F0, 0x31FF, "ja"), (0xFF66, 0xFF9F, "ja"),
    (0x1100, 0x11FF, "ko"), (0x3130, 0x318F, "ko"), (0xAC00, 0xD7AF, "ko"),
    (0x3400, 0x4DBF, "zh"), (0x4E00, 0x9FFF, "zh"), (0xF900, 0xFAFF, "zh"),
    (0x0E00, 0x0E7F, "th"), (0x0E80, 0x0EFF, "lo"), (0x1780, 0x17FF, "km"), (0x1000, 0x109F, "my"),
    (0x0F00, 0x0FFF, "bo"), (0x0370, 0x03FF, "el"), (0x1F00, 0x1FFF, "el"), (0x0590, 0x05FF, "he"),
    (0x10A0, 0x10FF, "ka"), (0x0530, 0x058F, "hy"), (0x0D80, 0x0DFF, "si"), (0x0B80, 0x0BFF, "ta"),
    (0x0C00, 0x0C7F, "te"), (0x0C80, 0x0CFF, "kn"), (0x0D00, 0x0D7F, "ml"), (0x0A80, 0x0AFF, "gu"),
    (0x0A00, 0x0A7F, "pa"), (0x1200, 0x137F, "am"),
]
# Languages written in the Latin, Cyrillic or Arabic script (the common ones). A page declaring one
# of these whose text is mostly in a script of one other language (a Japanese article under a CMS
# template's lang="en") is in that language: the declaration is a template default.
_OTHER_SCRIPT_LANGUAGES = frozenset({
    "af", "ar", "az", "be", "bg", "bs", "ca", "cs", "cy", "da", "de", "en", "eo", "es", "et", "eu",
    "fa", "fi", "fr", "ga", "gl", "hr", "hu", "id", "is", "it", "kk", "ky", "lb", "lt", "lv", "mk",
    "mn", "ms", "mt", "nb", "nl", "nn", "no", "pl", "ps", "pt", "ro", "ru", "sk", "sl", "sq", "sr",
    "sv", "sw", "tg", "tk", "tl", "tr", "tt", "uk", "ur", "uz", "vi"
})
_MIN_SHARE = 0.5  # of an article's letters in one such script, for the script to name its language
_KANA_SHARE = 0.05  # of its Han and kana, for a page to be Japanese rather than Chinese


def declared_language(value: str | None) -> str:
    """A declared language tag in BCP 47 case ("pt-BR" of "pt_br", "zh-Hant-TW"), or "" when
    ``value`` is not one: empty, malformed, or a charset name ("utf-8", "windows-1251") put where
    a language belongs. Of a list ("en, fr") the first."""
    value = (value or "").strip().split(",")[0].strip()
    code = language_tag(value)
    return "" if not code or _is_charset(value) else code


def article_language(declared: str | None, text: str) -> str:
    """An article's language: the declared one (normalized), unless the text's script names
    another language and the declared one is written in the Latin, Cyrillic or Arabic script;
    when nothing usable is declared, the one the script names ("" if none)."""
    code = declared_language(declared)
    by_script = script_language(text)
    if not code:
        return by_script
    if by_script and code.split("-")[0] in _OTHER_SCRIPT_LANGUAGES:
        return by_script
    return code


def script_language(text: str) -> str:
    """The language a text's letters name by their script, or "" when the script is shared by
    many languages (or the text has no letters)."""
    letters = 0
    named: Counter[str] = Counter()
    for char in text:
        if not char.isalpha():
            continue
        letters += 1
        point = ord(char)
        if point >= 0x0370:
            for low, high, language in _SCRIPTS:
                if low <= point <= high:
                    named[language] += 1
                    break
    cjk = named["ja"] + named["zh"]
    if cjk and named["ja"] >= _KANA_SHARE * cjk:
        named["ja"] += named.pop("zh", 0)  # kanji are Japanese on a page with kana
    if not named:
        return ""
    language, count = named.most_common(1)[0]
    return language if count >= _MIN_SHARE * letters else ""


def _is_charset(value: str) -> bool:
    """Whether ``value`` names a character encoding and is not a two-letter language code (a few
    codecs have two-letter aliases, such as "hz", also a language)."""
    if len(value) == 2:
        return False
    try:
        codecs.lookup(value)
    except LookupError:
        return False
    return True
