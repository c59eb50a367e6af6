"""Page furniture that the extractor left inside the article: blocks of the page, not of the story.

Extraction keeps whatever sits in the article's container, and news sites put their furniture
there: a "Comments" or "Most read" widget whose links went but whose heading stayed, a newsletter
box, a paywall promotion, a "copy link" button, the byline and the dateline above the text.
Each rule reads structure first (where the block stands, how long it is, how much of it is link
text) and a phrase only as a whole block: a heading that IS "Kommentare", not a heading that
mentions comments, so an article about comment sections or subscriptions keeps its text.

* **Furniture headings** (comments, related and most-read lists, newsletters, follow-us boxes):
  the heading goes, and so does what stands under it while it is widget-like (headlines that are
  links, with their teasers when there are several; link-dense lines; lists of short items); for
  a comment or newsletter heading also short lines up to the next heading or the end, when
  nothing longer stands among them.
* **Share lines**: a paragraph or list item that is only a share, copy-link or follow label
  (network names, "Facebook", "Print", only in a list beside such a label).
* **Related labels**: a short paragraph that is only "Read more", "関連記事", "Czytaj więcej".
* **Comment prompts**: a short paragraph inviting readers to log in and comment.
* **Paywall promotions**: a short paragraph in a subscriber/member-only phrasing; when it says
  the rest of the story is withheld and only short blocks follow it, those go too (the offer).
* **Header lines**: among the first blocks, a byline that names the page's authors and a
  dateline-only line or small heading (``###### Ankara``, ``NEW DELHI:``) that the story's
  first sentence follows.

The phrases, in many languages, are in ``importing.furniture_phrases`` (plain-text dumps use
them too).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from archivegen.importing.furniture_phrases import (
    COMMENT_HEADINGS,
    COMMENT_PROMPT,
    NEWSLETTER,
    PAYWALL,
    PAYWALL_CUT,
    RELATED_HEADINGS,
    RELATED_PREFIX,
    SHARE_LABELS,
    SHARE_TARGETS,
    phrase_key,
)
from archivegen.importing.htmlpage.blocks import Block, List, Paragraph
from archivegen.importing.htmlpage.normalize import name_key
from archivegen.importing.textdump.words import CJK

_NEWSLETTER_MAX_WORDS = 12  # a newsletter box's heading is short; a headline about newsletters may not be
_PAYWALL_MAX_WORDS = 30  # promotions are short; a sentence of a story about paywalls is longer
_SHORT_WORDS = 40  # a "short" block: a promo line, a newsletter blurb, not a paragraph of the story
_WIDGET_LINK_SHARE = 0.5  # of a short line's letters inside links: a teaser or a policy link
_WIDGET_ITEM_WORDS = 30  # list items of a related list are headlines
_HEADER_BLOCKS = 5  # bylines and datelines stand among the first blocks
_PROSE_WORDS = 15  # a paragraph of the story (or its standfirst), not a label
_SENTENCE_WORDS = 8  # the story's first paragraph under a dateline is at least a sentence
_BYLINE_WORDS = "by|von|par|por|di|door|av|af|przez|от|tekst|text"  # in name_key form, before the names
_BYLINE_SUFFIX = re.compile(r"\s*(기자|記者|特派員|reporter|correspondent)?(\s*외\s*\d+\s*명)?$")
_NAME_JOINS = "and|und|et|y|e|i|og|och|en|ve|ja|и"  # between names ("," and "&" vanish in name_key form)
_DATELINE = re.compile(r"(?:[A-ZÀ-ÞĀ-ŽА-ЯΑ-Ω][\w'’.-]*\s?){1,3}[:\-–—,]?")


def _words(text: str) -> int:
    """Words of a block, counting two CJK characters as one (as plain-text dumps count them)."""
    return len(text.split()) + len(CJK.findall(text)) // 2


def _link_share(block: Paragraph) -> float:
    """Share of a paragraph's letters that are link text."""
    letters = len("".join(block.text.split()))
    return block.link_chars / letters if letters else 0.0


def _heading_kind(block: Block) -> str:
    """"comments", "related" or "newsletter" (sign-up and subscription boxes) for such a heading, else ""."""
    if not isinstance(block, Paragraph) or not block.heading:
        return ""
    key = phrase_key(block.text)
    if key in COMMENT_HEADINGS:
        return "comments"
    if key in RELATED_HEADINGS or RELATED_PREFIX.match(key):
        return "related"
    if _words(block.text) <= _NEWSLETTER_MAX_WORDS and (NEWSLETTER.match(key) or PAYWALL.search(block.text)):
        return "newsletter"  # a sign-up or subscription box
    return ""


def _widget_like(block: Block) -> bool:
    """What a widget leaves under its heading: link-dense lines and lists of headlines."""
    if isinstance(block, Paragraph):
        return not block.heading and _words(block.text) <= _WIDGET_ITEM_WORDS \
            and _link_share(block) >= _WIDGET_LINK_SHARE
    if isinstance(block, List):
        return all(len(item) == 1 and isinstance(item[0], Paragraph)
                   and _words(item[0].text) <= _WIDGET_ITEM_WORDS for item in block.items)
    return False


def _short(block: Block) -> bool:
    """A non-heading block of few words (a blurb, a prompt, a list of short items)."""
    if isinstance(block, Paragraph):
        return not block.heading and _words(block.text) <= _SHORT_WORDS
    return _widget_like(block)


def _is_heading(block: Block) -> bool:
    """Whether a block is a heading."""
    return isinstance(block, Paragraph) and block.heading > 0


def _widget_end(blocks: list[Block], start: int) -> int:
    """Where the leftovers of a widget that starts at ``start`` end.

    Linked headlines go, with the short teaser under each when there are several of them (a
    list of stories); under a single linked headline the next paragraph is the story again.
    """
    end, headlines, first_teaser = start, 0, -1
    while end < len(blocks):
        block = blocks[end]
        if isinstance(block, Paragraph) and block.heading and _link_share(block) >= _WIDGET_LINK_SHARE:
            headlines += 1
            end += 1
            if end < len(blocks) and _short(blocks[end]) and not _is_heading(blocks[end]):
                first_teaser = end if first_teaser < 0 else first_teaser
                end += 1
        elif _widget_like(block):
            end += 1
        else:
            break
    return first_teaser if headlines == 1 and first_teaser >= 0 else end


def _drop_sections(blocks: list[Block]) -> list[Block]:
    """Furniture headings and their widget content (see the module docstring)."""
    kept: list[Block] = []
    i = 0
    while i < len(blocks):
        kind = _heading_kind(blocks[i])
        if not kind:
            kept.append(blocks[i])
            i += 1
            continue
        end = i + 1
        if kind in ("comments", "newsletter"):
            # the box's own lines: short blocks up to the next heading or the end of the body
            stop = end
            while stop < len(blocks) and _short(blocks[stop]):
                stop += 1
            if stop == len(blocks) or _is_heading(blocks[stop]):
                end = stop
        i = _widget_end(blocks, end)
    return kept


def _is_share(block: Block) -> bool:
    """A paragraph that is a share/copy-link label, or a list of share buttons.

    Network names ("Facebook", "Print") count only in a list that also holds a share label:
    a list of social networks in an article is text.
    """
    if isinstance(block, Paragraph):
        return not block.heading and phrase_key(block.text) in SHARE_LABELS
    if isinstance(block, List):
        keys = [phrase_key(item[0].text) if len(item) == 1 and isinstance(item[0], Paragraph) else ""
                for item in block.items]
        return any(key in SHARE_LABELS for key in keys) \
            and all(key in SHARE_LABELS or key in SHARE_TARGETS for key in keys)
    return False


def _is_paywall(block: Block) -> bool:
    """A short paragraph offering a subscription or announcing member-only text."""
    return isinstance(block, Paragraph) and _words(block.text) <= _PAYWALL_MAX_WORDS \
        and PAYWALL.search(block.text) is not None


def _is_comment_prompt(block: Block) -> bool:
    """A short paragraph inviting readers to log in and comment."""
    return isinstance(block, Paragraph) and _words(block.text) <= _PAYWALL_MAX_WORDS \
        and COMMENT_PROMPT.search(block.text) is not None


def _is_related_label(block: Block) -> bool:
    """A paragraph that is only a "read more" label (its teaser, a link, is gone or follows)."""
    return isinstance(block, Paragraph) and not block.heading and phrase_key(block.text) in RELATED_HEADINGS


def _drop_lines(blocks: list[Block]) -> list[Block]:
    """Share lines, related labels, comment prompts and paywall promos; list items that are share labels."""
    kept: list[Block] = []
    for index, block in enumerate(blocks):
        if isinstance(block, Paragraph) and _is_paywall(block):
            if PAYWALL_CUT.search(block.text) and all(_short(rest) for rest in blocks[index + 1:]):
                break  # the rest is withheld: what follows is the offer's list and notes
            continue
        if _is_share(block) or _is_related_label(block) or _is_comment_prompt(block):
            continue
        if isinstance(block, List):
            items = [item for item in block.items if not (len(item) == 1 and _is_share(item[0]))]
            if not items:
                continue
            block = List(block.ordered, items)
        kept.append(block)
    return kept


def _is_byline(text: str, author_keys: list[str]) -> bool:
    """Whether a line only names the page's authors: "By A and B", "A und B", "A 기자 외 1명".

    Compared in ``name_key`` form (letters only), so links, commas and a missing space
    ("Adam Vidlerand AP") do not matter: the line must be author names, joined by "and" words.
    """
    if not author_keys or _words(text) > 12:
        return False
    names = "|".join(re.escape(key) for key in sorted(author_keys, key=len, reverse=True))
    line = name_key(_BYLINE_SUFFIX.sub("", text.strip()))
    pattern = f"(?:{_BYLINE_WORDS})?(?:{names})(?:(?:{_NAME_JOINS})?(?:{names}))*"
    return re.fullmatch(pattern, line) is not None


def _is_dateline(block: Block) -> bool:
    """A place name standing alone: ``Ankara``, ``NEW DELHI:``, ``Madrid-`` (not a heading of the story).

    One capitalised word, or up to three when they are in capitals or end in a colon or dash:
    German capitalises its nouns, so two capitalised words ("Neues Leitmotto") are a heading.
    """
    if not isinstance(block, Paragraph) or (block.heading and block.heading < 4):
        return False
    text = block.text.strip()
    if len(text) > 40 or any(c.isdigit() for c in text) or _DATELINE.fullmatch(text) is None:
        return False
    return len(text.split()) == 1 or text.isupper() or text[-1] in ":-–—,"


def _story_follows(block: Block) -> bool:
    """Whether a block reads like the start of the story: a sentence, not a label or a fragment."""
    if not isinstance(block, Paragraph) or block.heading or _words(block.text) < _SENTENCE_WORDS:
        return False
    first = block.text[:1]
    return not first.islower() and first not in ",.;:)"


def _drop_header(blocks: list[Block], authors: Iterable[str]) -> list[Block]:
    """Bylines naming the authors and dateline-only lines among the first blocks.

    A dateline stands above the story, after at most a standfirst, and the story's first
    sentences follow it: a capitalised line after two paragraphs of text is a section label
    ("NISSAN SENTRA"), one followed by a short line is a label of a table of facts
    ("Gebrauchsinformation"), one the next block continues mid-sentence is a fragment.
    """
    author_keys = [name_key(a) for a in authors if name_key(a)]
    kept: list[Block] = []
    prose = 0
    for index, block in enumerate(blocks[:-1]):
        if isinstance(block, Paragraph) and index < _HEADER_BLOCKS:
            if _is_byline(block.text, author_keys):
                continue
            if prose <= 1 and _story_follows(blocks[index + 1]) and _is_dateline(block):
                continue
            prose += not block.heading and _words(block.text) >= _PROSE_WORDS
        kept.append(block)
    return kept + blocks[-1:]


def drop_furniture(blocks: list[Block], authors: Iterable[str] = ()) -> list[Block]:
    """The article's blocks without the page furniture described in the module docstring."""
    return _drop_header(_drop_lines(_drop_sections(blocks)), authors)
