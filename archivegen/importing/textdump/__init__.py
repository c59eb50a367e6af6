"""Plain-text page dumps: keep the article, drop navigation, share prompts, repeated titles.

A text dump is the full visible text of a news page (what ``html-text``, a browser's "select all,
copy" or ``lynx -dump`` give): menus, cookie banners, the headline two or three times, a date line,
the article, "Also on ..." cross-links, share prompts, teasers of other stories, reader comments,
a footer. Nothing in it says which line is which, so every line is judged by what it looks like,
in the spirit of jusText and boilerpipe:

* prose is long, full of function words ("the", "of", "und", "de") and ends like a sentence;
  menus, teasers and buttons are short, capitalised and unpunctuated;
* the article is one stretch of prose, so the body is the run of lines with the largest
  "prose minus junk" sum, preferably the run right below the headline; it ends early at a
  comments heading, a rights notice or a related-stories box;
* inside that run, sub-headings and list items stay, junk lines (share prompts, "Advertisement",
  photo credits, "Also on ..." cross-links, datelines, the headline again) go;
* the headline is the line the page prints twice (``<title>`` and ``<h1>``), or failing that
  the headline-like line just above the body; the date is the dateline nearest to it.

No site is named anywhere. The thresholds were measured on the scrapinghub benchmark's
plain-text dumps (``../shared/tools/extraction_eval.py --dataset scrapinghub-text``: shingle F1
0.93, where doing nothing scores 0.67); a change was kept only when it held on both halves of
that set and on text dumps made from the multilingual fundus and trafilatura pages, which were
never tuned on. Function-word lists cover the large European languages and Indonesian; any other
language, or a line in another language than its page, is judged by case and punctuation.
Pure Python, linear in the size of the dump: a few milliseconds for a typical page.

The method's parts, one module each, in the order the parse uses them:

    words.py       cutting lines into words; telling scripts apart
    stopwords.py   the function-word lists and the dump's language
    datelines.py   which dateline dates the article (a line's date: archivegen.text.dates)
    junk.py        page furniture recognised by what it says
    lines.py       splitting and unwrapping; measuring and classing lines; lists and teaser lists
    headline.py    headline candidates, and the fallback above the body
    body.py        the article's run of lines and the lines kept inside it
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from archivegen.importing.extracted import NoArticle
from archivegen.importing.textdump.body import body_run, kept
from archivegen.importing.textdump.datelines import find_dateline
from archivegen.importing.textdump.headline import nearest_headline
from archivegen.importing.textdump.lines import GOOD, classify, drop_teasers, mark_lists, measure, split_lines
from archivegen.importing.textdump.stopwords import pick_stopwords
from archivegen.importing.textdump.words import WORD

__all__ = ["TextDump", "parse_text_dump"]


@dataclass(frozen=True)
class TextDump:
    """What a text dump held: the headline, the publication date and the article paragraphs.

    ``title`` is "" when no headline could be told apart; ``date`` is naive (dumps rarely carry a
    time zone, and the importer applies the configured source zone) and ``dateline`` the line
    it was read from, as the parse saw it (whitespace collapsed); ``paragraphs`` never hold the
    headline.
    """

    title: str
    date: datetime | None
    paragraphs: tuple[str, ...]
    dateline: str = ""


def parse_text_dump(text: str) -> TextDump:
    """Headline, dateline and article paragraphs of a plain-text page dump.

    Raises NoArticle when no run of prose is found (an index page, a page of navigation, an
    empty file): importing such a dump would only add junk to the archive.
    """
    raw_lines = split_lines(text)
    if not raw_lines:
        raise NoArticle("no article text found: the text dump is empty")
    tokens = [WORD.findall(line.lower()) for line in raw_lines]
    lang, stopwords, scale = pick_stopwords(tokens)
    month_first = lang == "en"
    lines = [measure(line, words, stopwords, scale, month_first)
             for line, words in zip(raw_lines, tokens, strict=True)]
    for line in lines:
        line.cls = classify(line)
    drop_teasers(lines)
    mark_lists(lines)
    start, end, head = body_run(lines)
    if not any(line.cls == GOOD for line in lines[start:end]):
        raise NoArticle("no article text found in the text dump (only navigation, or too little prose)")
    title = lines[head].text if head is not None else nearest_headline(lines, start)
    title_key = " ".join(WORD.findall(title.lower()))
    paragraphs: list[str] = []
    seen: set[str] = set()
    for index in range(start, end):
        line = lines[index]
        if line.key == title_key or line.key in seen or not kept(lines, index, end):
            continue
        seen.add(line.key)
        paragraphs.append(line.text)
    dateline = find_dateline(lines, start, head)
    if dateline is None:
        return TextDump(title, None, tuple(paragraphs))
    return TextDump(title, dateline.date, tuple(paragraphs), dateline.text)
