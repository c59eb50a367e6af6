"""The headline: the line the page prints twice, or the headline-like line above the body.

A dump usually starts with the ``<title>`` and prints the ``<h1>`` again above the article; the
body step tries these candidates, and when none is found the nearest headline-like line above
the body stands in.
"""

from __future__ import annotations

import re
from collections import Counter

from archivegen.importing.textdump.lines import GOOD, Line
from archivegen.importing.textdump.words import CJK, WORD

_TITLE_SPLIT = re.compile(r"\s+[|–—:-]\s+|\s+[|»«·•]\s*|\s*::\s*")


def _match_words(text: str) -> set[str]:
    """Words to compare two headlines by; unspaced scripts by character pairs, as they have no words."""
    out: set[str] = set()
    for word in WORD.findall(text.lower()):
        if CJK.search(word):
            out.update(word[i : i + 2] for i in range(max(1, len(word) - 1)))
        else:
            out.add(word)
    return out


def headlines(lines: list[Line], before: int) -> list[int]:
    """Lines above ``before`` that look like the page's headline, in page order.

    A dump usually starts with the ``<title>`` ("Headline - Site") and prints the ``<h1>`` again
    above the article, in full or in part; some dumps have no ``<title>`` but print the headline
    twice in a row. A line printed twice in a row is often a photo caption (then it ends with a
    full stop) or a button (then the page has it more than twice), so those are not headlines.
    """
    segments = [_match_words(part) for part in _TITLE_SPLIT.split(lines[0].text)]
    longest = max(segments, key=len)
    counts = Counter(line.key for line in lines)
    found = []
    for index in range(1, min(before, len(lines))):
        line = lines[index]
        if not 2 <= line.words <= 40 or line.junk or line.date is not None or len(line.text) > 300:
            continue
        words = _match_words(line.text) if CJK.search(line.text) else set(line.key.split())
        shared = len(words & longest)
        like_title = len(longest) >= 2 and shared >= 0.7 * len(longest) and shared >= 0.5 * len(words)
        printed_twice = (4 <= line.words <= 30 and counts[line.key] == 2 and not line.text.endswith(".")
                         and any(lines[other].key == line.key for other in range(max(1, index - 3), index)))
        if like_title or printed_twice:
            found.append(index)
    return found


_HEADLINE_SEARCH = 15  # lines above the body in which to look for a headline that is not repeated


def _looks_like_a_name(line: Line) -> bool:
    """"Jane Mary Doe": a byline's three capitalised words, not a short headline."""
    words = line.text.split()
    return len(words) <= 3 and all(word[:1].isupper() for word in words)


def nearest_headline(lines: list[Line], start: int) -> str:
    """Without a repeated headline: the headline-like line above the body most like the ``<title>``.

    Bylines, captions and section labels sit there too; the ``<title>`` usually shares words with
    the real headline even when the two are worded differently. Failing all, the ``<title>`` itself.
    """
    title_words = _match_words(lines[0].text)
    best: tuple[float, int] | None = None
    for index in range(max(1, start - _HEADLINE_SEARCH), start):
        line = lines[index]
        if (line.junk or line.date is not None or not 3 <= line.words <= 30 or line.text.endswith((":", "."))
                or sum(1 for word in line.key.split() if not word.isdigit()) < 3 or _looks_like_a_name(line)):
            continue
        words = _match_words(line.text)
        score = len(words & title_words) / len(words) + index / 1000  # the nearer, the better on a tie
        if best is None or score > best[0]:
            best = (score, index)
    if best is not None:
        return lines[best[1]].text
    first = lines[0]
    if start == 0 or first.junk or first.cls == GOOD or first.words > 40:
        return ""  # the dump starts with the article, or with junk: no headline to be had
    parts = [part.strip() for part in _TITLE_SPLIT.split(first.text) if len(WORD.findall(part)) >= 3]
    return max(parts, key=len) if parts else ""
