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
"""

from __future__ import annotations

import contextlib
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from itertools import chain

from archivegen.importing.extracted import NoArticle


@dataclass(frozen=True)
class TextDump:
    """What a text dump held: the headline, the publication date and the article paragraphs.

    ``title`` is "" when no headline could be told apart; ``date`` is naive (dumps rarely carry a
    time zone, and the importer applies the configured source zone); ``paragraphs`` never hold
    the headline.
    """

    title: str
    date: datetime | None
    paragraphs: tuple[str, ...]


# --------------------------------------------------------------------------- words

_WORD = re.compile(r"\w+")
# Letters of scripts without case (Hebrew, Arabic, Indic, Thai, Hangul, kana, CJK) and of the
# cased ones (Latin, Greek, Cyrillic, Armenian): which kind dominates a line says how to judge it.
_CASELESS = re.compile(r"[\u0590-\u08ff\u0900-\u0dff\u0e00-\u0eff\u1000-\u109f\u1100-\u11ff\u1200-\u137f"
                       r"\u1780-\u17ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"
                       r"\uf900-\ufaff]")
_CASED = re.compile(r"[A-Za-z\u00c0-\u024f\u0370-\u058f\u1e00-\u1fff]")
# Scripts written without spaces: two characters count as one word, so their lines compare.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

# The most frequent function words of each language: prose is full of them, menus are not.
# Written for this module and short on purpose: only frequency matters.
_STOPWORDS: dict[str, frozenset[str]] = {
    lang: frozenset(words.split())
    for lang, words in {
        "en": """a about after again against all also an and any are as at be because been before
            being between both but by can could did do does doing down during each few for from further
            had has have having he her here hers him his how i if in into is it its itself just like
            me more most my no nor not now of off on once one only or other our out over own said same
            says she should so some such than that the their theirs them then there these they this
            those through to too under until up very was we were what when where which while who whom
            why will with would you your""",
        "de": """aber alle allem allen aller als also am an andere auch auf aus bei beim bereits bis
            bisher da damit dann das dass dem den denn der des dessen die dies diese diesem diesen dieser
            doch dort durch ein eine einem einen einer eines er es etwa für gegen gibt hat hatte haben
            hier ich ihm ihr ihre im immer in ist jedoch jetzt kann kein keine man mehr mit muss nach
            nicht noch nun nur ob oder ohne schon sehr sei sein seine seit sich sie sind so soll sollen
            sowie über um und uns unter viel vom von vor war waren was weil wenn werden wie wieder wir
            wird wurde wurden zu zum zur zwischen""",
        "fr": """à ai au aussi autre aux avait avec avoir bien c ce cela celle ces cet cette comme
            d dans de depuis des donc dont du elle elles en encore entre est et été être fait il ils
            j l la le les leur leurs lui m mais me même mes n ne ni nos notre nous on ont ou où par pas
            peu plus pour qu que quand qui s sa sans se selon ses si son sont sous sur t ta te tous
            tout très un une vers vos votre vous y""",
        "es": """a al algo ante antes como con contra cual cuando de del desde donde dos e el ella
            ellos en entre era es esa ese eso esta estaba están este esto fue han hasta hay la las le
            les lo los más me mi muy nada ni no nos o otra otro para pero poco por porque que quien se
            sea ser si sido sin sobre su sus también tan te tiene todo todos tras un una uno unos y ya""",
        "it": """a ad agli ai al alla alle anche ancora c che chi ci come con così cui da dal dalla
            dei del della delle dello di dopo e è era essere fa gli ha hanno i il in io la le lo loro
            ma mi molto ne nei nel nella non o ogni per però più poi quale quando quella quello questa
            questo se sempre si sia siamo sono su sua sue suo sul sulla tra tutti tutto un una uno""",
        "pt": """a ainda ao aos as até com como da das de dela dele depois do dos e é ela ele eles em
            entre era essa esse esta este eu foi for há isso já la mais mas me mesmo muito na não nas
            nem no nos o os ou para pela pelo pelos por quando que quem se sem ser seu seus só sobre sua
            suas também tem um uma uns""",
        "nl": """aan al alle als bij dan dat de deze die dit door een en er geen had heb heeft hem het
            hij hoe hun ik in is je kan maar me meer met mij na naar niet nog nu of om onder ons ook
            op over te tegen tot uit van veel voor want was wat we werd wie wij wordt worden zal ze zich
            zij zijn zo""",
        "pl": """a aby ale bardzo bez by był była było być były co czy dla do go gdy i ich ja jak jako
            je jednak jego jej jest jeszcze już każdy kiedy która które który lub ma mają może na nad
            nie nich niż o od oraz po pod przed przez przy się są ta tak także tam te tego tej ten to
            tu tylko w we więc właśnie z za że żeby""",
        "ru": """а без бы был была были было быть в вам вас весь во вот все всё всех вы где да даже
            для до его ее её если есть еще ещё же за здесь и из или им их к как когда кто ли либо меня
            мне может мы на над нам нас не него нее неё нет ни них но ну о об однако он она они оно от
            очень по под после при раз с со так также такой там те тем то того тоже только том ты у
            уже чем что чтобы эта эти это этого этом этот я""",
        "sv": """av de del den denna det detta dig du efter eller en ett från för går ha hade han har
            hon hur i inom inte jag kan kommer man med men mer mot många nu när och om också på sa
            sedan sig sin sina ska skulle som så till under upp ut var vad vara vi vid vill än är år
            även över""",
        "da": """af alle andre at blev blive bliver da de den denne der det dette efter eller en et fik
            for fra han har hun hvad hvis hvor i ikke ind jeg kan kom kommer man med meget men mod
            mig nu når og også om op på sagde sig sin skal skulle som så til ud under var vi vil være
            år""",
        "no": """alle andre at av da de deg den denne der det dette du eller en er et etter for fra
            fikk ha hadde han har hun hva hvis hvor i ikke inn jeg kan kom kommer man med men mot mye
            nå når og også om opp på sa seg sier sin skal skulle som så til ut under var vi vil være
            år""",
        "id": """ada adalah agar akan aku anda antara atau bagi bahwa banyak belum bisa dalam dan
            dari dengan di dia hanya harus ia ini itu jadi jika juga kami kata ke kepada karena kita
            lagi lebih masih mereka namun oleh pada para saat saja sampai satu saya se sebagai sejak
            sudah tahun telah tentang tersebut tidak untuk yaitu yang""",
    }.items()
}

# How much of ordinary prose each list covers (median over the news paragraphs of ../shared's
# fundus pages) where that is not the usual ~0.42: densities are scaled to the usual level, so
# one set of thresholds serves every language.
_PROSE_SHARE = {"it": 0.38, "pl": 0.25, "ru": 0.3, "sv": 0.36, "no": 0.38, "id": 0.28}
_USUAL_SHARE = 0.42
_MIN_SHARE = 0.08  # below this a list is the wrong language (even menu-heavy English pages reach 0.1)


def _pick_stopwords(tokens: list[list[str]]) -> tuple[str, frozenset[str], float]:
    """The dump's language ("" if none of ours), its function-word list and the density scale.

    Chosen once per dump: a German page's English cookie banner must not make its German prose
    look foreign line by line. No list when none covers enough words: the dump is in another
    language, and judging by case is better than judging by a wrong list.
    """
    counts = Counter(chain.from_iterable(tokens))
    total = sum(counts.values())
    if not total:
        return "", frozenset(), 1.0
    best_lang, best_hits = "", 0
    for lang, stopwords in _STOPWORDS.items():
        hits = sum(counts[word] for word in stopwords if word in counts)
        if hits > best_hits:
            best_lang, best_hits = lang, hits
    if best_hits < _MIN_SHARE * total:
        return "", frozenset(), 1.0
    return best_lang, _STOPWORDS[best_lang], _USUAL_SHARE / _PROSE_SHARE.get(best_lang, _USUAL_SHARE)


# --------------------------------------------------------------------------- dates

# Month names and abbreviations (English, German, French, Spanish, Italian, Portuguese, Dutch,
# Scandinavian, Indonesian, Turkish, and the genitive forms Polish, Czech and Russian date with).
_MONTHS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        (
            "january jan januar janvier enero gennaio janeiro januari janv ene gen ocak stycznia ledna "
            "января",
            "february feb februar février fevrier febrero febbraio fevereiro februari févr fevr şubat lutego "
            "února unora февраля",
            "march mar märz maerz mars marzo março maart mär marts maret mart marca března brezna марта",
            "april apr avril abril aprile avr abr nisan kwietnia dubna апреля",
            "may mai mayo maggio maio mei mag maj mayıs maja května kvetna мая",
            "june jun juni juin junio giugno junho haziran czerwca června cervna июня",
            "july jul juli juillet julio luglio julho juil lug temmuz lipca července cervence июля",
            "august aug août aout agosto augustus ago augusti agustus ağustos sierpnia srpna августа",
            "september sep sept septembre septiembre settembre setembro set eylül września září zari "
            "сентября",
            "october oct oktober octobre octubre ottobre outubro okt ott out ekim października října rijna "
            "октября",
            "november nov novembre noviembre novembro kasım listopada listopadu ноября",
            "december dec dezember décembre decembre diciembre dicembre dezembro dez déc dic desember aralık "
            "grudnia prosince декабря",
        ),
        start=1,
    )
    for name in names.split()
}
_MONTH = r"(?P<month>[^\W\d_]{3,11})\.?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
# An optional time after the date: ", 11:15", " at 1:39 pm", " um 14:59 Uhr", " à 09h47", " - 11:15".
_TIME = (r"(?:\s*(?:,|\bat\b|\bum\b|\bà|-|\||•)?\s*(?P<hour>\d{1,2})[:h.](?P<minute>\d\d)(?::\d\d)?"
         r"\s*(?P<ampm>[ap]\.?m\.?)?)?")
_DATE_PATTERNS = [
    # 2020-03-05, 2020/03/05, 2020-03-05T11:15 (year-first is never day-first)
    re.compile(r"\b" + _YEAR + r"[-/.](?P<num_month>\d{1,2})[-/.](?P<day>\d{1,2})(?:T|\b)" + _TIME, re.I),
    # 05.03.2020 11:15, 06. 03. 2020, 5-3-2020, 3/5/2020 (see _date_from for the order)
    re.compile(r"(?<!\d)(?P<first>\d{1,2})(?P<sep>[./-]) ?(?P<second>\d{1,2})(?P=sep) ?" + _YEAR + r"\b"
               + _TIME, re.I),
    # 5 Mar, 2020 11:15 / Publiziert5. März 2020 / 5 de março de 2020
    re.compile(r"(?<!\d)(?P<day>\d{1,2})(?:st|nd|rd|th)?\.?\s+(?:de\s+)?" + _MONTH + r",?\s+(?:de\s+)?"
               + _YEAR + r"\b" + _TIME, re.I),
    # 2020年3月5日 11:15, 2020년 3월 5일
    re.compile(_YEAR + r"\s?[年년]\s?(?P<num_month>\d{1,2})\s?[月월]\s?(?P<day>\d{1,2})\s?[日일]"
               r"(?:\D{0,6}?(?P<hour>\d{1,2})[:時시]\s?(?P<minute>\d\d))?"),
    # March 5, 2020 / Mar. 5th 2020, 11:15 am
    re.compile(r"\b" + _MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+" + _YEAR + r"\b" + _TIME, re.I),
]
_YEARISH = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
# A time just before the date, at most two words ("EST, Wednesday,") from it.
_TIME_BEFORE = re.compile(r"\b(?P<hour>\d{1,2})[:h.](?P<minute>\d\d)\s*(?P<ampm>[ap]\.?m\.?)?"
                          r"\W*(\w+\W*){0,2}$", re.I)
_PUBLISHED = re.compile(r"\b(published|posted|erschienen|veröffentlicht|publié|publicado|pubblicato)\b", re.I)
_UPDATED = re.compile(r"\b(updated?|modified|aktualisiert|mis à jour|actualizado|aggiornato|atualizado)\b",
                      re.I)
_DATELINE_MAX_CHARS = 120
_DATELINE_MAX_WORDS = 10  # words besides the date: "Published by Jane Doe on", "Updated", a weekday


def _clock(hour: str, minute: str, ampm: str | None) -> tuple[int, int]:
    """24-hour clock from "1:39" plus an optional "pm"; ValueError when it is no time of day."""
    h, m = int(hour), int(minute)
    suffix = (ampm or "").lower().replace(".", "")
    if suffix == "pm" and h < 12:
        h += 12
    elif suffix == "am" and h == 12:
        h = 0
    if h > 23 or m > 59:
        raise ValueError("no time of day")
    return h, m


def _date_from(match: re.Match[str], month_first: bool) -> datetime | None:
    """The datetime a date pattern matched, or None when its numbers are no calendar date."""
    parts = match.groupdict()
    try:
        year = int(parts["year"])
        if parts.get("month"):
            month = _MONTHS.get(parts["month"].lower().rstrip("."))
            if month is None:
                return None
            day = int(parts["day"])
        elif parts.get("num_month"):
            month, day = int(parts["num_month"]), int(parts["day"])
        else:
            first, second = int(parts["first"]), int(parts["second"])
            # Dots and dashes are day-first wherever they are used; slashes are too, except on
            # English pages (taken to be American) unless the first number cannot be a month.
            if parts["sep"] == "/" and month_first and first <= 12:
                first, second = second, first
            day, month = first, second
        hour = minute = 0
        if parts.get("hour") is not None:
            hour, minute = _clock(parts["hour"], parts["minute"], parts.get("ampm"))
        return datetime(year, month, day, hour, minute)
    except ValueError:
        return None


def _dateline(line: str, month_first: bool) -> datetime | None:
    """The date of a line that is a dateline (a date and a few words), else None.

    "Published: 5 March 2020, 11:15", "Reuters November 18, 2019 11:03 PM" and "Updated 1:39 am
    EST, Wednesday, November 20, 2019" are datelines; a sentence that mentions a date is not.
    """
    if len(line) > _DATELINE_MAX_CHARS or not _YEARISH.search(line):
        return None
    for pattern in _DATE_PATTERNS:
        match = pattern.search(line)
        found = _date_from(match, month_first) if match else None
        if found is None:
            continue
        if found.hour == found.minute == 0 and (before := _TIME_BEFORE.search(line, 0, match.start())):
            # "11:15, 5 March 2020" or "10:48, Tue, Nov 19, 2019": the time stands before the date.
            with contextlib.suppress(ValueError):
                hour, minute = _clock(before["hour"], before["minute"], before["ampm"])
                found = found.replace(hour=hour, minute=minute)
        outside = line[: match.start()] + " " + line[match.end() :]
        rest = [word for word in _WORD.findall(outside) if not word.isdigit()]
        if len(rest) > _DATELINE_MAX_WORDS or (len(rest) >= 4 and line.rstrip().endswith(".")):
            return None
        return found
    return None


# --------------------------------------------------------------------------- junk lines

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


def _is_junk(text: str, tokens: list[str], words: int) -> bool:
    """Whether a line is page furniture (see the patterns above) rather than article text."""
    if words <= _JUNK_MAX_WORDS and tokens:
        if (tokens[0] in _JUNK_FIRST or tokens[0].isdigit()) and _JUNK_START.match(text):
            return True
        if ("©" in text or not _JUNK_TRIGGERS.isdisjoint(tokens)) and _JUNK_ANYWHERE.search(text):
            return True
        if words <= _PROMPT_MAX_WORDS and not _PROMPT_TRIGGERS.isdisjoint(tokens) and _PROMPT.search(text):
            return True
    return ("cookie" in tokens or "cookies" in tokens) and len(text) <= _CONSENT_MAX_CHARS \
        and _CONSENT.search(text) is not None


# --------------------------------------------------------------------------- line classes

# Line classes, as in jusText: junk or non-prose, too short to tell, some prose, clear prose.
_BAD, _SHORT, _NEAR, _GOOD = 0, 1, 2, 3
# Full stops of every script: Latin, CJK, Devanagari (danda), Arabic and Urdu, Armenian, Ethiopic.
_STOPS = ".!?…。！？।؟۔։።"
_SENTENCE_MARK = re.compile(r"[.!?](\s|$)|[。！？।؟۔։።]")


@dataclass
class _Line:
    """One line of the dump and what it looks like."""

    text: str
    key: str  # lower-case words only: how repeats are recognised
    words: int
    density: float  # share of function words, or a stand-in from case and punctuation
    sentence: bool  # ends like a sentence
    junk: bool
    date: datetime | None
    cls: int = _BAD
    item: bool = False  # an item of a list that a "...:" line announced


_FOREIGN_WORDS = 8  # a line this long without one function word of the page's language is in another one
_CLOSERS = "\"'”’»)]"
_SENTENCE_ENDS = tuple(_STOPS)


def _measure(text: str, tokens: list[str], stopwords: frozenset[str], scale: float,
             month_first: bool) -> _Line:
    """Everything the later steps ask of a line, computed once."""
    words = len(tokens)
    caseless = 0 if text.isascii() else len(_CASELESS.findall(text))
    if caseless and caseless > len(_CASED.findall(text)):
        # Korean, Chinese, Arabic...: no function words of ours and no case; punctuation decides.
        words += len(_CJK.findall(text)) // 2
        density = 0.3 if _SENTENCE_MARK.search(text) else 0.25
    elif stopwords and tokens and ((hits := sum(1 for w in tokens if w in stopwords))
                                   or len(tokens) < _FOREIGN_WORDS):
        density = scale * hits / len(tokens)
    else:
        # No function-word list fits (the dump, or this line, is in another language): prose is
        # mostly lower-case words, menus are capitalised.
        lower = upper = 0
        for word in _WORD.findall(text):
            if word[0].islower():
                lower += 1
            elif word[0].isupper():
                upper += 1
        density = 0.4 * lower / (lower + upper) if lower + upper else 0.0
    sentence = text.rstrip(_CLOSERS).endswith(_SENTENCE_ENDS) or text.endswith(('"', "”", "»"))
    return _Line(text, " ".join(tokens), words, density, sentence, _is_junk(text, tokens, words),
                 _dateline(text, month_first))


_GOOD_DENSITY, _NEAR_DENSITY, _PUNCTUATED_DENSITY = 0.3, 0.22, 0.12
_GOOD_WORDS, _GOOD_SENTENCE_WORDS, _SHORT_WORDS = 16, 9, 7


def _classify(line: _Line) -> int:
    """jusText-like: long prose is good, some prose near-good, short lines wait for context."""
    if line.junk or line.date is not None:
        return _BAD
    if line.words < _SHORT_WORDS and not (line.sentence and line.words >= 4):
        return _SHORT
    if line.density >= _GOOD_DENSITY and (line.words >= _GOOD_WORDS
                                          or (line.sentence and line.words >= _GOOD_SENTENCE_WORDS)):
        return _GOOD
    if line.density >= _NEAR_DENSITY or (line.sentence and line.density >= _PUNCTUATED_DENSITY):
        return _NEAR
    return _BAD


_LIST_ITEM_WORDS = 25


def _mark_lists(lines: list[_Line]) -> None:
    """Flag the items of a list a "...:" line announces ("You will need:", "Dare to Play 3:").

    Items are short and unpunctuated like menu entries, but they belong to the article when the
    line above them says a list follows.
    """
    in_list = False
    for line in lines:
        if (in_list and not line.junk and line.date is None and line.cls != _GOOD
                and line.words <= _LIST_ITEM_WORDS):
            line.item = True
            continue
        in_list = line.text.endswith(":") and not line.junk and 2 <= line.words <= 30


# --------------------------------------------------------------------------- teaser lists

_TEASER_MIN_RUN = 3  # headline + blurb pairs in a row before they count as a list of other stories
_TEASER_MAX_WORDS = 60  # a teaser blurb is a sentence or two
_TEASER_META = 2  # lines of byline and date between a teaser's headline and its blurb


def _headline_like(line: _Line) -> bool:
    # Not "Why does it matter?": questions are sub-headings of interviews and explainers as often.
    return 3 <= line.words <= 20 and not line.junk and line.date is None and not line.sentence


def _drop_teasers(lines: list[_Line]) -> None:
    """Mark lists of other stories ("Headline / one-sentence blurb / 2h ago", again and again) as junk.

    Each blurb reads like prose and a page may have dozens, so left alone they outweigh a short
    article. An article rarely alternates a heading and one short paragraph three times with
    nothing else between.
    """
    units: list[tuple[int, int]] = []  # (headline index, blurb index)
    for index in range(1, len(lines)):
        line = lines[index]
        if line.cls not in (_GOOD, _NEAR) or line.words > _TEASER_MAX_WORDS:
            continue
        if index + 1 < len(lines) and lines[index + 1].cls == _GOOD and not _headline_like(lines[index + 1]):
            continue
        # The headline, maybe with a byline and a date between it and the blurb.
        head = None
        for above in range(index - 1, max(-1, index - 2 - _TEASER_META), -1):
            if _headline_like(lines[above]):
                head = above
            elif lines[above].cls in (_GOOD, _NEAR) or lines[above].words > 6:
                break
        if head is not None:
            units.append((head, index))
    chain: list[tuple[int, int]] = []
    for unit in [*units, (len(lines) + 10, 0)]:
        # Pairs belong to one list when nothing but short lines ("2h ago", "Video") lies between.
        if chain and (unit[0] - chain[-1][1] > 4
                      or any(line.cls in (_GOOD, _NEAR) for line in lines[chain[-1][1] + 1 : unit[0]])):
            if len(chain) >= _TEASER_MIN_RUN:
                for index in range(chain[0][0], chain[-1][1] + 1):
                    lines[index].cls = _BAD
            chain = []
        chain.append(unit)


# --------------------------------------------------------------------------- the headline

_TITLE_SPLIT = re.compile(r"\s+[|–—:-]\s+|\s+[|»«·•]\s*|\s*::\s*")


def _match_words(text: str) -> set[str]:
    """Words to compare two headlines by; unspaced scripts by character pairs, as they have no words."""
    out: set[str] = set()
    for word in _WORD.findall(text.lower()):
        if _CJK.search(word):
            out.update(word[i : i + 2] for i in range(max(1, len(word) - 1)))
        else:
            out.add(word)
    return out


def _headlines(lines: list[_Line], before: int) -> list[int]:
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
        words = _match_words(line.text) if _CJK.search(line.text) else set(line.key.split())
        shared = len(words & longest)
        like_title = len(longest) >= 2 and shared >= 0.7 * len(longest) and shared >= 0.5 * len(words)
        printed_twice = (4 <= line.words <= 30 and counts[line.key] == 2 and not line.text.endswith(".")
                         and any(lines[other].key == line.key for other in range(max(1, index - 3), index)))
        if like_title or printed_twice:
            found.append(index)
    return found


_HEADLINE_SEARCH = 15  # lines above the body in which to look for a headline that is not repeated


def _looks_like_a_name(line: _Line) -> bool:
    """"Jane Mary Doe": a byline's three capitalised words, not a short headline."""
    words = line.text.split()
    return len(words) <= 3 and all(word[:1].isupper() for word in words)


def _nearest_headline(lines: list[_Line], start: int) -> str:
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
    if start == 0 or first.junk or first.cls == _GOOD or first.words > 40:
        return ""  # the dump starts with the article, or with junk: no headline to be had
    parts = [part.strip() for part in _TITLE_SPLIT.split(first.text) if len(_WORD.findall(part)) >= 3]
    return max(parts, key=len) if parts else ""


# --------------------------------------------------------------------------- the body run

_GOOD_CAP, _NEAR_SHARE, _SHORT_COST, _BAD_COST = 60, 0.2, 3.0, 4.0


def _weights(lines: list[_Line]) -> list[float]:
    """Per line, how much it speaks for being inside the article: prose by its length, junk against."""
    out = []
    for line in lines:
        if line.cls == _GOOD:
            out.append(min(line.words, _GOOD_CAP))
        elif line.cls == _NEAR and line.sentence:
            out.append(min(line.words, 30) * _NEAR_SHARE)
        elif line.item:
            out.append(0.0)
        elif line.cls in (_SHORT, _NEAR):
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


def _body_run(lines: list[_Line]) -> tuple[int, int, int | None]:
    """[start, end) of the article and the index of its headline line (None if not found)."""
    weights = _weights(lines)
    start, end, total = _best_run(weights)
    head = None
    best_below = 0.0
    for candidate in _headlines(lines, end)[:_MAX_HEADLINES]:
        below_start, below_end, below_total = _run_below(weights, candidate)
        if below_total > best_below and any(line.cls == _GOOD for line in lines[below_start:below_end]):
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
                and not any(below.cls == _GOOD for below in lines[index + 1 : index + 1 + _RESUME_WITHIN]))
        ):
            end = index
            break
        if line.cls == _GOOD:
            seen += line.words
    # A list announced by the last line of the run ("Ingredients:") belongs to it.
    while end < len(lines) and (lines[end].item or (
            end + 1 < len(lines) and lines[end + 1].item and lines[end].cls != _BAD)):
        end += 1
    return start, end, head


def _kept(lines: list[_Line], index: int, end: int) -> bool:
    """Whether a line inside the body run is article text."""
    line = lines[index]
    if line.junk or line.date is not None or not line.words:
        return False
    if line.cls == _GOOD or line.item or (line.cls == _NEAR and line.sentence):
        return True
    if line.cls == _BAD:
        return line.sentence  # low on function words but a sentence: figures, names, quotes
    # Short or unpunctuated: a sub-heading when prose follows it, the rest of a paragraph when it
    # is long and prose precedes it; otherwise a caption, a teaser or a label.
    below = lines[index + 1] if index + 1 < end else None
    if below is not None and (below.cls == _GOOD or below.item
                              or (line.cls == _SHORT and below.cls == _NEAR)):
        return True
    return line.cls == _NEAR and line.words >= 12 and index > 0 and lines[index - 1].cls == _GOOD


# --------------------------------------------------------------------------- the whole parse


_MIN_WRAP, _MAX_WRAP = 50, 100  # terminal dumps wrap at 72 to 80 columns, a few narrower or wider
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")  # zero-width characters, soft hyphens


def _split_lines(text: str) -> list[str]:
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


def _find_date(lines: list[_Line], start: int, head: int | None) -> datetime | None:
    """The dateline nearest the headline (or the body start): "Published" beats "Updated"."""
    anchor = head if head is not None else start
    best: tuple[float, datetime] | None = None
    for index, line in enumerate(lines):
        if line.date is None:
            continue
        distance = abs(index - anchor) + (0 if index <= start else 5)
        if _PUBLISHED.search(line.text):
            distance -= 3
        elif _UPDATED.search(line.text):
            distance += 3
        if best is None or distance < best[0]:
            best = (distance, line.date)
    return best[1] if best is not None and best[0] <= 40 else None


def parse_text_dump(text: str) -> TextDump:
    """Headline, dateline and article paragraphs of a plain-text page dump.

    Raises NoArticle when no run of prose is found (an index page, a page of navigation, an
    empty file): importing such a dump would only add junk to the archive.
    """
    raw_lines = _split_lines(text)
    if not raw_lines:
        raise NoArticle("no article text found: the text dump is empty")
    tokens = [_WORD.findall(line.lower()) for line in raw_lines]
    lang, stopwords, scale = _pick_stopwords(tokens)
    month_first = lang == "en"
    lines = [_measure(line, words, stopwords, scale, month_first)
             for line, words in zip(raw_lines, tokens, strict=True)]
    for line in lines:
        line.cls = _classify(line)
    _drop_teasers(lines)
    _mark_lists(lines)
    start, end, head = _body_run(lines)
    if not any(line.cls == _GOOD for line in lines[start:end]):
        raise NoArticle("no article text found in the text dump (only navigation, or too little prose)")
    title = lines[head].text if head is not None else _nearest_headline(lines, start)
    title_key = " ".join(_WORD.findall(title.lower()))
    paragraphs: list[str] = []
    seen: set[str] = set()
    for index in range(start, end):
        line = lines[index]
        if line.key == title_key or line.key in seen or not _kept(lines, index, end):
            continue
        seen.add(line.key)
        paragraphs.append(line.text)
    return TextDump(title, _find_date(lines, start, head), tuple(paragraphs))
