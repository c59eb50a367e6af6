"""An article's summary: the one rule for deriving it from the body, and for shortening one.

Both the build (an article without ``summary:``) and the import (an article whose source gives
no description) need the same thing, the text a listing, a feed and ``<meta name=description>``
show for the article, so both call ``summarize``: the paragraphs from the first one that is a
sentence (a short first line without final punctuation, "By Jane Doe" or "Updated 10:00", is
passed over) up to ``SUMMARY_CHARS``, cut on a word with an ellipsis (``shorten``). A summary a
source gives is only shortened (``shorten``), or repaired when the source cut it short
(``repair_cut``: it then ends on its last full sentence, or its last full word and an ellipsis).

Everything here is plain string work on rendered HTML or text, so content/ stays free of the
renderer; ``SUMMARY_RULE_ID`` names the rule for caches of derived summaries.
"""

from __future__ import annotations

import html
import re

SUMMARY_CHARS = 280
MIN_LEDE_CHARS = 60
SUMMARY_RULE_ID = "sentence-lede/280/word/v2"
ELLIPSIS = "…"

_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
# A sentence ends with . ! ? (or the CJK ones), maybe closed by a quote or bracket.
_SENTENCE_END = re.compile(r"(?<!\s[A-Z])[.!?。！？][\"'”’»)\]]*(?=\s|$)|[。！？]")  # not "Elizabeth A."
_ENDS_CUT = re.compile(r"(?:\.\.\.|…|\[…\]|\[\.\.\.\])$")
_TRAILING = ",;:-–—([{\"'“‘«"
_WORD = re.compile(r"\w+")
# Lengths at which CMSs and SEO plugins cut meta descriptions.
META_LIMITS = frozenset({150, 155, 156, 160, 165, 197, 200, 250, 255, 300})


def summarize(body_html: str, limit: int = SUMMARY_CHARS) -> str:
    """The summary of a rendered body: from its first sentence-long paragraph, up to ``limit``."""
    body_html = body_html.split('<section class="footnotes">', 1)[0]
    paragraphs = [" ".join(html.unescape(_TAG.sub("", match.group(1))).split())
                  for match in _PARAGRAPH.finditer(body_html)]
    paragraphs = [paragraph for paragraph in paragraphs if paragraph]
    start = next((index for index, paragraph in enumerate(paragraphs)
                  if len(paragraph) >= MIN_LEDE_CHARS or _SENTENCE_END.search(paragraph[-3:])), 0)
    text = ""
    for paragraph in paragraphs[start:]:
        text = f"{text} {paragraph}".strip()
        if len(text) >= limit:
            break
    return shorten(text, limit)


def shorten(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` characters plus an ellipsis, cut on a word."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:.-–—") + ELLIPSIS


def repair_cut(summary: str, body_text: str) -> str:
    """A summary a source cut short (``...since resumption o``), ended on a sentence or a word.

    A summary is taken as cut when it has no final punctuation and either its end is found in
    the body followed by more of the same sentence (the surest sign: ``o`` continues as
    ``over``), or, when the body words it differently, its last token is a strict prefix of a
    body word and not a body word itself, or its length is one at which CMSs cut descriptions
    (``META_LIMITS``). A cut in the middle of a word loses that word; the text then ends on its
    last full sentence or word with an ellipsis. Anything else is left alone: a description
    that simply lacks a final full stop is not damaged.
    """
    text = summary.strip()
    if not text or _ENDS_CUT.search(text) or _SENTENCE_END.search(text[-3:]):
        return summary
    mid_word = _cut_mid_word(text, body_text)
    if mid_word is None:
        return summary
    if mid_word:
        text = text[:len(text) - len(_last_token(text))] if " " in text else text
    return _cut(text.rstrip())


def _cut_mid_word(text: str, body_text: str) -> bool | None:
    """True: cut inside a word; False: cut between words of an unfinished sentence; None: not cut."""
    body = " ".join(body_text.split())
    tail = text[-40:]
    found = body.find(tail)
    if found >= 0:
        after = body[found + len(tail):found + len(tail) + 2]
        if not after or _SENTENCE_END.match(after) or after[0] in ".!?。！？":
            return None  # the sentence ends there in the body too: only the full stop is missing
        return after[0].isalnum()
    last = _last_token(text).lower()
    if last and last.isalpha():
        words = {word.lower() for word in _WORD.findall(body)}
        if last not in words and any(word.startswith(last) for word in words):
            return True
    return False if len(text) in META_LIMITS else None


def _last_token(text: str) -> str:
    match = re.search(r"\w+$", text)
    return match.group() if match else ""


def _cut(text: str) -> str:
    """The longest whole-sentence prefix of at least half of ``text``, else ``text`` without its
    trailing commas or dashes and with an ellipsis."""
    ends = [match.end() for match in _SENTENCE_END.finditer(text)]
    if ends and ends[-1] >= len(text) // 2:
        return text[:ends[-1]].rstrip()
    return (text.rstrip(_TRAILING + " ") or text) + ELLIPSIS
