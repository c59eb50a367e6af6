"""Page furniture: share prompts, cross-links, credits, menus, subscription and cookie notices, paywalls.

Such lines are recognised by what they say whatever the site: how they start, a telling phrase
anywhere, a log-in prompt, a consent banner. Cheap word-set tests go first, so the costly
patterns run on few lines.
"""

from __future__ import annotations

import re

from archivegen.importing.furniture_phrases import (
    COMMENT_HEADINGS,
    COMMENT_PROMPT,
    PAYWALL,
    RELATED_HEADINGS,
    SHARE_LABELS,
    phrase_key,
)

# Page furniture whatever the site, recognised by how the line starts: share and follow
# buttons, cross-links ("Also on ...", "Read more: ..."), ad labels, credits, menus, bylines.
_JUNK_START = re.compile(
    r"(share|tweet|email|e-mail|print|pin it|save|copy link|comments?|reply|report|like|follow)\b"
    r"\W*(\w+\W*){0,4}(?<![.!?])$|"
    r"(also on|also read|read more|read also|read next|see also|see more|more from|"
    r"previous (post|article|story)|next (post|article|story)|more stories|you may also|you might also|"
    r"don'?t miss|most read|most popular|"
    r"click here|tap here|lesen sie auch|mehr zum thema|auch interessant|lire aussi|à lire aussi|"
    r"a lire aussi|voir aussi|leia também|leia mais|lee también|leer más|vea también|leggi anche|"
    r"ver también|читайте также)\b|"
    r"(related|recommended|trending|watch|listen|video|photos?|gallery)(\s+\w+){0,2}\s*(:|$)|"
    r"advert(isement|ising)?\b|(sponsored|promoted|anzeige|publicité|publicidad|pubblicità)\b|"
    r"(photo|image|picture|video|credit|source|foto|bild|quelle|getty)s?( credit)?\s*[:|]|"
    r"(terms|privacy|contact|about us|imprint|impressum|skip to|jump to|back to top|menu|search|home)\b"
    r".{0,25}(?<![.!?])$|"
    r"\d+ of \d+\b|\d+\s*/\s*\d+$|"
    r"https?://|www\.|"
    r"(by|von|par|por|di|door)\s+\S+(\s+\S+){0,8}(?<![.!?])$",
    re.I,
)
# ... and by what it says anywhere: subscription and newsletter offers, share prompts, photo
# credits, copyright lines, browser notices.
_JUNK_ANYWHERE = re.compile(
    r"\bshare (this|the) (story|article|post|page|link|video)\b|\bshare (on|via) \w+|\bshare this\W*$|"
    r"\bcookie (settings|policy|preferences|consent)\b|"
    r"\b(getty images|shutterstock|afp photo|ap photo|reuters/|image credit|photo credit)\b|"
    r"\((image|photo|picture|foto|bild|credit|source)s?:[^)]*\)$|\bcredits?\s*(\.\.\.|…)|"
    r"\b(photo|foto|bild|image|picture|credit|фото|коллаж)s?:\s|"
    r"\s/\s*(reuters|ap|afp|getty|epa|dpa|bloomberg)\b.{0,20}$|"
    r"©|\bcopyright\b|\(c\) ?(19|20)\d\d|\ball rights reserved\b|alle rechte vorbehalten|"
    r"tous droits réservés|todos los derechos reservados|tutti i diritti riservati|"
    r"\b(javascript|your browser|ad ?blocker|enable js)\b",
    re.I,
)
_JUNK_MAX_WORDS = 30  # a long line that happens to say "copyright" is still prose
# Subscription and log-in prompts: short, or "subscribe" is just a word of a news sentence.
_PROMPT = re.compile(
    r"\b(subscribe|sign up|signup|sign in|log in|login|register (now|here|for free|today)|newsletters?|"
    r"unsubscribe|abonnieren|anmelden|s'abonner|abonnez|inscríbete|suscríbete|iscriviti)\b",
    re.I,
)
_PROMPT_MAX_WORDS = 20
# Consent banners are written as prose, so they are junk at any length (short of a whole page
# on one line, where the pattern's back-tracking would cost more than it could find).
_CONSENT_MAX_CHARS = 3000
_CONSENT = re.compile(r"\bcookies?\b.*\b(website|site|browser|consent|experience|privacy|partners|accept)|"
                      r"\b(website|site|browser|consent|experience|privacy|partners|accept).*\bcookies?\b",
                      re.I)


def _wordset(words: str) -> frozenset[str]:
    """A set of words written as one string, the way lists of words are easiest to read."""
    return frozenset(words.split())


# Words one of the _JUNK_ANYWHERE phrases contains: most lines have none, and a set lookup is
# much cheaper than the regular expression.
_JUNK_TRIGGERS = _wordset(
    "share cookie getty epa dpa bloomberg shutterstock afp ap reuters image photo picture foto bild source "
    "credit credits copyright c all alle tous todos tutti javascript browser ad adblocker enable фото коллаж"
)


# The first words a _JUNK_START line can have (lower-cased); again a cheap test before the costly one.
_JUNK_FIRST = _wordset(
    "share tweet email e print pin save copy comment comments reply report like follow also read see more "
    "previous next you don most click tap lesen mehr auch lire à a voir leia lee leer vea leggi ver читайте "
    "related recommended trending watch listen video photo photos gallery advert advertisement advertising "
    "sponsored promoted anzeige publicité publicidad pubblicità image picture credit source foto bild quelle "
    "getty terms privacy contact about imprint impressum skip jump back menu search home http https www by "
    "von par por di door"
)
_PROMPT_TRIGGERS = _wordset(
    "subscribe sign signup log login register newsletter newsletters unsubscribe abonnieren anmelden abonner "
    "abonnez inscríbete suscríbete iscriviti"
)


# A line that is only a widget's label in any language ("Kommentare", "कॉपी लिंक", "関連記事"), or a
# short paywall promotion or comment prompt; the phrases are shared with the HTML importer
# (``furniture_phrases``).
_LABEL_MAX_WORDS = 6
_LABELS = COMMENT_HEADINGS | RELATED_HEADINGS | SHARE_LABELS
_PAYWALL_MAX_WORDS = 30


def is_junk(text: str, tokens: list[str], words: int) -> bool:
    """Whether a line is page furniture (see the patterns above) rather than article text."""
    if words <= _LABEL_MAX_WORDS and phrase_key(text) in _LABELS:
        return True
    if words <= _PAYWALL_MAX_WORDS and (PAYWALL.search(text) or COMMENT_PROMPT.search(text)):
        return True
    if words <= _JUNK_MAX_WORDS and tokens:
        if (tokens[0] in _JUNK_FIRST or tokens[0].isdigit()) and _JUNK_START.match(text):
            return True
        if ("©" in text or not _JUNK_TRIGGERS.isdisjoint(tokens)) and _JUNK_ANYWHERE.search(text):
            return True
        if words <= _PROMPT_MAX_WORDS and not _PROMPT_TRIGGERS.isdisjoint(tokens) and _PROMPT.search(text):
            return True
    return ("cookie" in tokens or "cookies" in tokens) and len(text) <= _CONSENT_MAX_CHARS \
        and _CONSENT.search(text) is not None
