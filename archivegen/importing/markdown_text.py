"""Writing scraped text as Markdown that renders exactly as the text, never as markup.

Everything an importer writes into an article body goes through here. Scraped text is hostile
by accident more often than by design: a paragraph that starts "1. " becomes a list, "# 5" a
heading, "<b>" raw HTML, "*" emphasis, a line "---" under a paragraph turns it into a heading.
The renderer (``archivegen.render.markdown``: markdown-it-py, CommonMark plus tables,
strikethrough, footnotes and definition lists, raw HTML allowed then sanitized) reads all of
those, so every piece of source text is escaped before it is placed in the Markdown we build.

Two layers, because what is risky depends on where a character lands:

* ``escape_inline`` handles what is risky anywhere in a line (backslash, backtick, ``*``,
  ``_`` at word edges, brackets, ``<``, ``|``, ``~``, entity-like ``&``, ``#`` after a space);
* ``escape_line_start`` handles what is risky only at the start of a line (list, heading,
  quote, setext and definition-list markers, ``1.``/``1)`` starts, indentation), and runs on
  finished lines, after our own markup (links, emphasis) is in place.

Emphasis and links are built from placeholder characters (Unicode noncharacters, which no page
legitimately carries) and resolved last by ``finish_inline``, when the neighbours of every
delimiter are known: CommonMark only reads ``**`` as emphasis when it is "flanking", so a
delimiter that would not work is dropped instead of being printed as literal asterisks.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from archivegen.textclean import strip_controls

# Placeholders for our own inline markup. U+FDD0..U+FDEF are noncharacters: never assigned,
# so removing them from source text (``clean_source_text``) loses nothing.
BOLD_OPEN, BOLD_CLOSE = "\ufdd0", "\ufdd1"
ITALIC_OPEN, ITALIC_CLOSE = "\ufdd2", "\ufdd3"
STRIKE_OPEN, STRIKE_CLOSE = "\ufdd4", "\ufdd5"
LINK_OPEN, LINK_CLOSE = "\ufdd6", "\ufdd7"
HARD_BREAK = "\ufdd8"
CODE = "\ufdd9"  # one inline code span; its text is passed beside the line (``codes``)
_EMPHASIS = {BOLD_OPEN: (BOLD_CLOSE, "**"), ITALIC_OPEN: (ITALIC_CLOSE, "*"),
             STRIKE_OPEN: (STRIKE_CLOSE, "~~")}
_OPENERS = BOLD_OPEN + ITALIC_OPEN + STRIKE_OPEN + LINK_OPEN
_EMPHASIS_OPENER = re.compile(f"[{BOLD_OPEN}{ITALIC_OPEN}{STRIKE_OPEN}]")
_CLOSERS = BOLD_CLOSE + ITALIC_CLOSE + STRIKE_CLOSE + LINK_CLOSE
_DELIMITER = re.compile(f"[{_OPENERS}{_CLOSERS}]")
_RUNS_OF_SPACES = re.compile(" {2,}")

# Noncharacters (our placeholders), the Private Use Area (icon fonts put their glyphs there,
# and without the page's font they show as empty boxes) and stray byte-order marks.
_UNUSABLE = re.compile("[\ufdd0-\ufdef\ue000-\uf8ff\ufeff]")
_SURROGATES = re.compile("[\ud800-\udfff]")

# Risky anywhere: \ ` * [ ] < | ~ (escaped always), & before something entity-like, # at the
# start or after whitespace (an ATX closing sequence in a heading), _ unless inside a word
# (intraword underscores can neither open nor close emphasis in CommonMark).
_INLINE_RISK = re.compile(r"[\\`*\[\]<|~]|&(?=#?[0-9A-Za-z]+;)|(?:^|(?<=\s))#|_")
_WORD_CHAR = re.compile(r"[^\W_]")
# Risky at a line start: block markers (# > + - = :), ordered-list starts "12." / "12)".
_LINE_START_MARKER = re.compile(r"[#>+\-=:]")
_ORDERED_START = re.compile(r"(\d+)([.)])")


def clean_source_text(text: str) -> str:
    """Source text in NFC, minus control characters, placeholders and icon-font glyphs.

    NFC because pages mix composed and decomposed accents, and search and comparison of the
    archive's text should not depend on which one a site's CMS happened to store. Lone
    surrogates (JSON-LD "\\ud83d" escapes cut in half) become U+FFFD: they cannot be written
    as UTF-8 at all.
    """
    text = _SURROGATES.sub("\ufffd", _UNUSABLE.sub("", strip_controls(text)))
    return unicodedata.normalize("NFC", text)


def _escape_match(match: re.Match[str]) -> str:
    """The escaped form of one risky character; an underscore inside a word needs none."""
    char = match.group(0)
    if char == "_":
        text, start = match.string, match.start()
        inside_word = (start > 0 and _WORD_CHAR.match(text[start - 1]) is not None
                       and start + 1 < len(text) and _WORD_CHAR.match(text[start + 1]) is not None)
        return char if inside_word else "\\_"
    return "\\" + char


def escape_inline(text: str) -> str:
    """Escape the characters that could start inline markup wherever they stand in a line.

    Used for every text fragment from a page before it meets our own markup. A trailing "!"
    is escaped too: our next piece of markup may be a link, and "![" would make it an image.
    """
    escaped = _INLINE_RISK.sub(_escape_match, text)
    if escaped.endswith("!"):
        escaped = escaped[:-1] + "\\!"
    return escaped


def escape_line_start(line: str) -> str:
    """Make a finished Markdown line start as paragraph text, whatever its first characters.

    Leading whitespace is dropped (four spaces would make code, and a paragraph renders
    without it anyway); a block marker gets a backslash; "1." and "1)" get one before the
    punctuation, which is what keeps "2020. A year" from becoming a numbered list.
    """
    line = line.lstrip(" \t")
    if not line:
        return line
    if _LINE_START_MARKER.match(line):
        return "\\" + line
    ordered = _ORDERED_START.match(line)
    if ordered:
        return f"{ordered.group(1)}\\{ordered.group(2)}{line[ordered.end():]}"
    return line


def escape_text(text: str) -> str:
    """Escape a plain-text paragraph so Markdown renders it literally, line breaks kept as soft breaks.

    Used for paragraphs from plain-text dumps and for any plain string placed in a body.
    Controls are removed, CRLF becomes LF, each line is escaped inline and at its start, and
    indentation and trailing spaces (which would make code or a hard break) are dropped. Space
    at the very start or end shrinks to one space rather than vanishing, so that a caller
    joining escaped pieces of a line keeps its words apart. Whitespace inside a line is left as
    it is: HTML collapses it on display.
    """
    text = clean_source_text(text.replace("\r\n", "\n").replace("\r", "\n"))
    lead = " " if text[:1] in (" ", "\t") else ""
    trail = " " if text[-1:] in (" ", "\t") else ""
    lines = []
    for line in text.split("\n"):
        line = line.strip(" \t")
        lines.append(escape_line_start(_INLINE_RISK.sub(_escape_match, line)) if line else "")
    body = "\n".join(lines).strip("\n")
    return f"{lead}{body}{trail}" if body else lead or trail


def code_span(text: str) -> str:
    """Inline code for literal text: a backtick fence longer than any backtick run inside."""
    text = " ".join(text.split("\n"))
    longest = max((len(run) for run in re.findall("`+", text)), default=0)
    fence = "`" * (longest + 1)
    if text.startswith("`") or text.endswith("`") or (text.startswith(" ") and text.endswith(" ")):
        text = f" {text} "
    return f"{fence}{text}{fence}"


def code_block(text: str) -> str:
    """A fenced code block; the fence is longer than any backtick run in the code."""
    longest = max((len(run) for run in re.findall("`{3,}", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}\n{text.rstrip()}\n{fence}"


def link_destination(url: str) -> str:
    """A URL as a link destination that needs no escaping: unsafe characters percent-encoded.

    Parentheses, spaces, brackets, backslashes and angle brackets are encoded (each would end
    or break the destination); existing %-escapes stay; an entity-like "&x;" gets its "&"
    encoded so the renderer does not decode it.
    """
    encoded = quote(url, safe="/:?#@!$&'*+,;=%-._~")
    return re.sub(r"&(?=#?[0-9A-Za-z]+;)", "%26", encoded)


def _is_punctuation(char: str) -> bool:
    """Unicode punctuation as CommonMark's flanking rules define it (P* and S* categories)."""
    return unicodedata.category(char).startswith(("P", "S"))


def _can_open(before: str, after: str) -> bool:
    """CommonMark left-flanking: not followed by whitespace, and punctuation only after space/punct."""
    if not after or after.isspace():
        return False
    return not _is_punctuation(after) or not before or before.isspace() or _is_punctuation(before)


def _can_close(before: str, after: str) -> bool:
    """CommonMark right-flanking, the mirror image of ``_can_open``."""
    if not before or before.isspace():
        return False
    return not _is_punctuation(before) or not after or after.isspace() or _is_punctuation(after)


def _normalise_spacing(text: str) -> str:
    """Collapse spaces, move them out of our delimiters, drop empty and rejoin split delimiters."""
    text = _RUNS_OF_SPACES.sub(" ", text)
    previous = None if _DELIMITER.search(text) else text  # most lines have no markup of ours
    while previous != text:
        previous = text
        text = re.sub(f"([{_OPENERS}]+)([ {HARD_BREAK}])", r"\2\1", text)
        text = re.sub(f"([ {HARD_BREAK}])([{_CLOSERS}]+)", r"\2\1", text)
        for opener, (closer, _) in _EMPHASIS.items():
            text = text.replace(opener + closer, "")  # empty emphasis
            text = text.replace(closer + opener, "")  # "**a****b**" -> "**ab**"
        text = _RUNS_OF_SPACES.sub(" ", text)
    text = re.sub(f" ?{HARD_BREAK} ?", HARD_BREAK, text)
    return text.strip(" " + HARD_BREAK)


def _materialize_links(text: str, urls: list[str]) -> str:
    """LINK_OPEN label LINK_CLOSE -> [label](destination); a link without text or URL keeps its text."""
    url_iter = iter(urls)

    def link(match: re.Match[str]) -> str:
        label, url = match.group(1), next(url_iter, "")
        visible = label.strip(" " + HARD_BREAK + BOLD_OPEN + BOLD_CLOSE + ITALIC_OPEN + ITALIC_CLOSE
                              + STRIKE_OPEN + STRIKE_CLOSE)
        if not visible or not url:
            return label
        return f"[{label}]({link_destination(url)})"

    return re.sub(f"{LINK_OPEN}([^{LINK_CLOSE}]*){LINK_CLOSE}", link, text)


def _materialize_code(text: str, codes: list[str]) -> str:
    """CODE placeholders -> code spans; adjacent ones become one span (two fences would fuse)."""
    code_iter = iter(codes)

    def span(match: re.Match[str]) -> str:
        return code_span("".join(next(code_iter, "") for _ in match.group(0)))

    return re.sub(f"{CODE}+", span, text)


def finish_inline(text: str, urls: list[str], codes: list[str] | None = None) -> str:
    """Turn a line built from escaped text and placeholders into final Markdown.

    ``urls`` holds the destinations of the links in order, ``codes`` the texts of the inline
    code spans. Emphasis whose delimiters would not be flanking where they land is dropped
    (its text stays), as is emphasis right next to other emphasis (the delimiter runs would
    merge); a link with no text is dropped. Hard breaks become backslash-newline and every
    resulting line gets ``escape_line_start``. The caller never nests emphasis (it keeps the
    outer one only) nor links.
    """
    text = _materialize_links(_normalise_spacing(text), urls)
    out: list[str] = []
    i = 0
    while i < len(text):
        found = _EMPHASIS_OPENER.search(text, i)
        if found is None:
            out.append(text[i:])
            break
        if found.start() > i:
            out.append(text[i:found.start()])
            i = found.start()
        char = text[i]
        closer, marker = _EMPHASIS[char]
        end = text.find(closer, i + 1)
        if end < 0:  # unbalanced (not produced by a tree walk): drop the delimiter
            i += 1
            continue
        inner = text[i + 1:end].replace(CODE, "`")
        before = out[-1][-1:].replace(CODE, "`") if out else ""
        after = text[end + 1:end + 2].replace(CODE, "`")
        # ``after`` is "" at the end of the text: a substring test ("" in _CLOSERS) would be true
        clash = before in ("*", "~") or (after != "" and (after in _EMPHASIS or after in _CLOSERS
                                                          or after in ("*", "~")))
        after = "" if after == HARD_BREAK else after
        first = inner[:1] if inner[:1] != HARD_BREAK else " "
        last = inner[-1:] if inner[-1:] != HARD_BREAK else " "
        if inner and not clash and _can_open(before, first) and _can_close(last, after):
            text = f"{text[:i]}{marker}{text[i + 1:end]}{marker}{text[end + 1:]}"
            out.append(marker)
            i += len(marker)
        else:
            text = text[:i] + text[i + 1:end] + text[end + 1:]
    result = _materialize_code("".join(out), codes or [])
    lines = [line.strip(" ") for line in result.split(HARD_BREAK)]
    while lines and not lines[-1].strip():  # a break must not end a paragraph: "\\" would show
        lines.pop()
    while lines and not lines[0].strip():
        lines.pop(0)
    return "\\\n".join(escape_line_start(line) for line in lines)
