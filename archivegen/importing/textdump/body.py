"""The body: the run of lines that is the article, and which lines inside it to keep.

The article is one stretch of prose, so the body is the run with the largest "prose minus junk"
sum, preferably the run right below a headline; it ends early at a comments heading, a rights
notice or a related-stories box. Inside it, sub-headings and list items stay, junk goes.
"""

from __future__ import annotations

import re

from archivegen.importing.textdump.headline import headlines
from archivegen.importing.textdump.lines import BAD, GOOD, NEAR, SHORT, Line

_GOOD_CAP, _NEAR_SHARE, _SHORT_COST, _BAD_COST = 60, 0.2, 3.0, 4.0


def _weights(lines: list[Line]) -> list[float]:
    """Per line, how much it speaks for being inside the article: prose by its length, junk against."""
    out: list[float] = []
    for line in lines:
        if line.cls == GOOD:
            out.append(min(line.words, _GOOD_CAP))
        elif line.cls == NEAR and line.sentence:
            out.append(min(line.words, 30) * _NEAR_SHARE)
        elif line.item:
            out.append(0.0)
        elif line.cls in (SHORT, NEAR):
            out.append(-_SHORT_COST)
        else:
            out.append(-max(_BAD_COST, min(line.words, 40)))
    return out


def _best_run(weights: list[float]) -> tuple[int, int, float]:
    """[start, end) of the contiguous run with the largest sum of weights (Kadane)."""
    best = (0, 0, 0.0)
    start, total = 0, 0.0
    for index, weight in enumerate(weights):
        if total <= 0:
            start, total = index, 0.0
        total += weight
        if total > best[2]:
            best = (start, index + 1, total)
    return best


def _run_below(weights: list[float], head: int) -> tuple[int, int, float]:
    """The run that starts right below a headline and goes on as long as it gains."""
    best = (head + 1, head + 1, 0.0)
    total = 0.0
    for index in range(head + 1, len(weights)):
        total += weights[index]
        if total > best[2]:
            best = (head + 1, index + 1, total)
    return best


# A run below the headline wins unless the page holds ten times more prose elsewhere: pages
# with long teaser lists or comment threads are common, articles that start far from their
# headline are not.
_BELOW_HEADLINE_SHARE = 0.1
_MAX_HEADLINES = 20  # candidates tried: each costs a pass over the page

# Headings of the reader comments ("34 Comments", "Leave a Reply", "joe_t says:", "Jane on
# 5 March 2020 at 4:47 pm said:"): nothing below them is the article. Not "Reactions" or "The
# discussion", which head sections of articles too, nor "The mayor said:" before a quote.
_COMMENTS = re.compile(
    r"^[\W\d]*((view|show|read|load|see|all|top|rated|latest|newest|reader|readers|user|no)\s+){0,3}"
    r"(comments?|responses?|replies|kommentare?|commentaires?|comentarios?|comentários?|commenti)"
    r"(\W*$|\s+(to|on|for|zu)\b)|"
    r"^(leave|post|add|write|join) (a|the) (comment|reply|discussion|conversation)|"
    r"^(?!(he|she|it|they|who|we|one)\s)\S+(\s\S+)?\s(says|writes|schreibt|écrit):$|"
    r"\d.*\b(said|wrote|says):$",
    re.I,
)
# Headings of related-story boxes: they end the article unless it goes on right below them
# (many sites put a small "Related articles" box between two paragraphs).
_RELATED = re.compile(
    r"^(related|more|recommended|latest|top) (articles?|stories|posts|news|coverage|reading|videos?)\W*$|"
    r"^(you (may|might) also like|recommended|most (read|popular|viewed|shared)|trending|popular)\b.{0,30}$|"
    r"^(tags?|filed under|topics?|themen|schlagworte|étiquettes)\s*:",
    re.I,
)
# A publisher's rights notice closes the article (photo credits say "©" too, but not this).
_RIGHTS = re.compile(r"\ball rights reserved\b|alle rechte vorbehalten|tous droits réservés|"
                     r"todos los derechos reservados|tutti i diritti riservati|todos os direitos reservados",
                     re.I)
_RESUME_WITHIN = 15  # lines below a related-stories heading in which the article may go on
# Prose needed above a stop heading before it may end the article (a byline's "3 comments" may not).
_STOP_AFTER_WORDS = 60


def body_run(lines: list[Line]) -> tuple[int, int, int | None]:
    """[start, end) of the article and the index of its headline line (None if not found)."""
    weights = _weights(lines)
    start, end, total = _best_run(weights)
    head = None
    best_below = 0.0
    for candidate in headlines(lines, end)[:_MAX_HEADLINES]:
        below_start, below_end, below_total = _run_below(weights, candidate)
        if below_total > best_below and any(line.cls == GOOD for line in lines[below_start:below_end]):
            best_below, head = below_total, candidate
            if below_total >= _BELOW_HEADLINE_SHARE * total:
                start, end = below_start, below_end
    if head is not None and start - head > 10:
        head = None  # the headline candidates all lost to a run elsewhere
    seen = 0
    for index in range(start, end):
        line = lines[index]
        if seen >= _STOP_AFTER_WORDS and line.words <= 8 and (
            _COMMENTS.search(line.text) or _RIGHTS.search(line.text) or (
                _RELATED.search(line.text)
                and not any(below.cls == GOOD for below in lines[index + 1 : index + 1 + _RESUME_WITHIN]))
        ):
            end = index
            break
        if line.cls == GOOD:
            seen += line.words
    # A list announced by the last line of the run ("Ingredients:") belongs to it.
    while end < len(lines) and (lines[end].item or (
            end + 1 < len(lines) and lines[end + 1].item and lines[end].cls != BAD)):
        end += 1
    return start, end, head


def kept(lines: list[Line], index: int, end: int) -> bool:
    """Whether a line inside the body run is article text."""
    line = lines[index]
    if line.junk or line.date is not None or not line.words:
        return False
    if line.cls == GOOD or line.item or (line.cls == NEAR and line.sentence):
        return True
    if line.cls == BAD:
        return line.sentence  # low on function words but a sentence: figures, names, quotes
    # Short or unpunctuated: a sub-heading when prose follows it, the rest of a paragraph when it
    # is long and prose precedes it; otherwise a caption, a teaser or a label.
    below = lines[index + 1] if index + 1 < end else None
    if below is not None and (below.cls == GOOD or below.item
                              or (line.cls == SHORT and below.cls == NEAR)):
        return True
    return line.cls == NEAR and line.words >= 12 and index > 0 and lines[index - 1].cls == GOOD
