"""Lines: the dump cut into lines, each measured and classed, then judged by its neighbours.

Every line is first judged by what it looks like, as in jusText: prose is long, full of function
words and ends like a sentence; junk, datelines and menu entries are not. Two passes then use the
context: the items of a list that a "...:" line announces stay with the article, and lists of
other stories (headline, blurb, headline, blurb...) become junk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from archivegen.importing.textdump.junk import is_junk
from archivegen.importing.textdump.words import CASED, CASELESS, CJK, WORD
from archivegen.text.dates import dateline

# --------------------------------------------------------------------------- splitting

_MIN_WRAP, _MAX_WRAP = 50, 100  # terminal dumps wrap at 72 to 80 columns, a few narrower or wider
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")  # zero-width characters, soft hyphens


def split_lines(text: str) -> list[str]:
    """Non-empty lines, whitespace collapsed; hard-wrapped dumps (lynx, w3m) are unwrapped first."""
    raw = [" ".join(line.split()) for line in _INVISIBLE.sub("", text).split("\n")]
    filled = [line for line in raw if line]
    if not filled:
        return []
    # A wrapped dump has (nearly) no line longer than its width, and many close to it; a dump
    # with one paragraph per line has its paragraphs far longer than any terminal.
    lengths = sorted(len(line) for line in filled)
    width = lengths[int(0.99 * (len(lengths) - 1))]
    near = sum(1 for n in lengths if 0.8 * width <= n <= width)
    beyond = sum(1 for n in lengths if n > width + 5)  # unbreakable words (URLs) stick out a little
    if (not _MIN_WRAP <= width <= _MAX_WRAP or near < max(5, 0.08 * len(lengths))
            or beyond > 0.005 * len(lengths)):
        return filled
    # Wrapped at `width`: a line that stops well short of it ends its paragraph.
    joined: list[str] = []
    carry = ""
    for line in raw:
        carry = f"{carry} {line}".strip() if line else carry
        if (not line or len(line) < 0.8 * width) and carry:
            joined.append(carry)
            carry = ""
    if carry:
        joined.append(carry)
    return joined


# --------------------------------------------------------------------------- line classes

# Line classes, as in jusText: junk or non-prose, too short to tell, some prose, clear prose.
BAD, SHORT, NEAR, GOOD = 0, 1, 2, 3
# Full stops of every script: Latin, CJK, Devanagari (danda), Arabic and Urdu, Armenian, Ethiopic.
_STOPS = ".!?…。！？।؟۔։።"
_SENTENCE_MARK = re.compile(r"[.!?](\s|$)|[。！？।؟۔։።]")


@dataclass
class Line:
    """One line of the dump and what it looks like."""

    text: str
    key: str  # lower-case words only: how repeats are recognised
    words: int
    density: float  # share of function words, or a stand-in from case and punctuation
    sentence: bool  # ends like a sentence
    junk: bool
    date: datetime | None
    cls: int = BAD
    item: bool = False  # an item of a list that a "...:" line announced


_FOREIGN_WORDS = 8  # a line this long without one function word of the page's language is in another one
_CLOSERS = "\"'”’»)]"
_SENTENCE_ENDS = tuple(_STOPS)


def measure(text: str, tokens: list[str], stopwords: frozenset[str], scale: float,
             month_first: bool) -> Line:
    """Everything the later steps ask of a line, computed once."""
    words = len(tokens)
    caseless = 0 if text.isascii() else len(CASELESS.findall(text))
    if caseless and caseless > len(CASED.findall(text)):
        # Korean, Chinese, Arabic...: no function words of ours and no case; punctuation decides.
        words += len(CJK.findall(text)) // 2
        density = 0.3 if _SENTENCE_MARK.search(text) else 0.25
    elif stopwords and tokens and ((hits := sum(1 for w in tokens if w in stopwords))
                                   or len(tokens) < _FOREIGN_WORDS):
        density = scale * hits / len(tokens)
    else:
        # No function-word list fits (the dump, or this line, is in another language): prose is
        # mostly lower-case words, menus are capitalised.
        lower = upper = 0
        for word in WORD.findall(text):
            if word[0].islower():
                lower += 1
            elif word[0].isupper():
                upper += 1
        density = 0.4 * lower / (lower + upper) if lower + upper else 0.0
    sentence = text.rstrip(_CLOSERS).endswith(_SENTENCE_ENDS) or text.endswith(('"', "”", "»"))
    return Line(text, " ".join(tokens), words, density, sentence, is_junk(text, tokens, words),
                 dateline(text, month_first))


_GOOD_DENSITY, _NEAR_DENSITY, _PUNCTUATED_DENSITY = 0.3, 0.22, 0.12
_GOOD_WORDS, _GOOD_SENTENCE_WORDS, _SHORT_WORDS = 16, 9, 7


def classify(line: Line) -> int:
    """jusText-like: long prose is good, some prose near-good, short lines wait for context."""
    if line.junk or line.date is not None:
        return BAD
    if line.words < _SHORT_WORDS and not (line.sentence and line.words >= 4):
        return SHORT
    if line.density >= _GOOD_DENSITY and (line.words >= _GOOD_WORDS
                                          or (line.sentence and line.words >= _GOOD_SENTENCE_WORDS)):
        return GOOD
    if line.density >= _NEAR_DENSITY or (line.sentence and line.density >= _PUNCTUATED_DENSITY):
        return NEAR
    return BAD


_LIST_ITEM_WORDS = 25


def mark_lists(lines: list[Line]) -> None:
    """Flag the items of a list a "...:" line announces ("You will need:", "Dare to Play 3:").

    Items are short and unpunctuated like menu entries, but they belong to the article when the
    line above them says a list follows.
    """
    in_list = False
    for line in lines:
        if (in_list and not line.junk and line.date is None and line.cls != GOOD
                and line.words <= _LIST_ITEM_WORDS):
            line.item = True
            continue
        in_list = line.text.endswith(":") and not line.junk and 2 <= line.words <= 30


# --------------------------------------------------------------------------- teaser lists

_TEASER_MIN_RUN = 3  # headline + blurb pairs in a row before they count as a list of other stories
_TEASER_MAX_WORDS = 60  # a teaser blurb is a sentence or two
_TEASER_META = 2  # lines of byline and date between a teaser's headline and its blurb


def _headline_like(line: Line) -> bool:
    # Not "Why does it matter?": questions are sub-headings of interviews and explainers as often.
    return 3 <= line.words <= 20 and not line.junk and line.date is None and not line.sentence


def drop_teasers(lines: list[Line]) -> None:
    """Mark lists of other stories ("Headline / one-sentence blurb / 2h ago", again and again) as junk.

    Each blurb reads like prose and a page may have dozens, so left alone they outweigh a short
    article. An article rarely alternates a heading and one short paragraph three times with
    nothing else between.
    """
    units: list[tuple[int, int]] = []  # (headline index, blurb index)
    for index in range(1, len(lines)):
        line = lines[index]
        if line.cls not in (GOOD, NEAR) or line.words > _TEASER_MAX_WORDS:
            continue
        if index + 1 < len(lines) and lines[index + 1].cls == GOOD and not _headline_like(lines[index + 1]):
            continue
        # The headline, maybe with a byline and a date between it and the blurb.
        head = None
        for above in range(index - 1, max(-1, index - 2 - _TEASER_META), -1):
            if _headline_like(lines[above]):
                head = above
            elif lines[above].cls in (GOOD, NEAR) or lines[above].words > 6:
                break
        if head is not None:
            units.append((head, index))
    chain: list[tuple[int, int]] = []
    for unit in [*units, (len(lines) + 10, 0)]:
        # Pairs belong to one list when nothing but short lines ("2h ago", "Video") lies between.
        if chain and (unit[0] - chain[-1][1] > 4
                      or any(line.cls in (GOOD, NEAR) for line in lines[chain[-1][1] + 1 : unit[0]])):
            if len(chain) >= _TEASER_MIN_RUN:
                for index in range(chain[0][0], chain[-1][1] + 1):
                    lines[index].cls = BAD
            chain = []
        chain.append(unit)
