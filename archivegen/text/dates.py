"""Dates, strict and loose: the one place that turns written dates into datetimes.

Two readers live side by side because their inputs differ, and say so:

* **strict** (``parse_date``) reads the ``date:`` of content files, which people write and the
  archive sorts by. It takes unambiguous ISO 8601 only and anything else is an error the user
  fixes: PyYAML's timestamp guessing and ``datetime.fromisoformat``'s leniency would let odd
  strings through (``2023-02-010``), and a guessed date files an article on the wrong page.
* **loose** (``parse_loose_date`` for a field that holds a date, ``dateline`` for a line of text
  that holds one) reads what scrapes and dumps carry: ISO 8601 with a space or a ``Z``, RFC 2822
  (feeds), Unix timestamps, and datelines in words in many languages ("5 Mar, 2020 11:15",
  "5. März 2020", "2020年3月5日"). A value without a four-digit year is refused rather than guessed,
  and there is no user to ask, so a value that is no date is None, not an error.

Both share one time-zone rule (``assume_zone``): a date written without an offset is in a zone
the caller names (the site's for content, ``import.source_timezone`` for scrapes), and a loose
date keeps the offset its source gave, because that is what the source said. Only the strict
reader converts to the site's zone, because only content is sorted and shown.

Month names are kept once, in ``MONTHS``: every dateline language the importer meets.
"""

from __future__ import annotations

import contextlib
import re
from datetime import UTC, datetime, tzinfo
from email.utils import parsedate_to_datetime

# --------------------------------------------------------------------------- strict: content files

_ISO_8601 = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:[T ](?P<time>\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?)"
    r"\s*(?P<offset>Z|z|[+-]\d{2}(?::?\d{2})?)?)?"
)


class DateOutOfRange(ValueError):
    """A valid ISO 8601 date that its offset pushes past year 9999 or before year 1 in the zone."""

    def __init__(self, side: str, limit: int) -> None:
        super().__init__(f"{side} the year {limit}")
        self.side, self.limit = side, limit


def parse_date(value: object, zone: tzinfo) -> datetime:
    """Parse an ISO 8601 date or datetime into an aware datetime in ``zone``.

    Raises ValueError (with no message the user needs) when the value is not one, and
    DateOutOfRange when it is one that cannot be shown in ``zone``.
    """
    if isinstance(value, bool) or not isinstance(value, str):
        raise ValueError("not a string")
    text = value.strip()
    match = _ISO_8601.fullmatch(text)
    if not match:
        raise ValueError("not ISO 8601")
    iso = match["date"]
    if match["time"]:
        iso += "T" + match["time"].replace(",", ".")
        offset = match["offset"]
        if offset:
            offset = "+00:00" if offset in "Zz" else offset
            if len(offset) == 3:
                offset += ":00"
            elif ":" not in offset:
                offset = offset[:3] + ":" + offset[3:]
            iso += offset
    moment = datetime.fromisoformat(iso)
    if moment.year < 1:
        raise ValueError("year out of range")
    moment = assume_zone(moment, zone)
    # Converting 9999-12-31T23:00-05:00 to UTC overflows: that is an error, not a crash.
    try:
        return moment.astimezone(zone)
    except (OverflowError, ValueError):
        raise DateOutOfRange("after", 9999) if moment.year > 5000 else DateOutOfRange("before", 1) from None


def assume_zone(moment: datetime, zone: tzinfo) -> datetime:
    """``moment`` with ``zone`` when it was written without an offset; an offset given is kept."""
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment


def has_offset(moment: datetime) -> bool:
    """Whether the source said which zone ``moment`` is in."""
    return moment.tzinfo is not None


# --------------------------------------------------------------------------- loose: scraped values

EARLIEST_YEAR, LATEST_YEAR = 1800, 2199
_YEAR_IN_TEXT = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d|21\d\d)(?!\d)")


def parse_loose_date(value: object) -> datetime | None:
    """A datetime (naive when the source gave no offset) or None when ``value`` is not a date.

    The order is the one that is right most often: a number is a Unix timestamp; ISO 8601 and
    RFC 2822 are unambiguous; a dateline in words is read with ``MONTHS`` (American month-first
    order for slashes, as dumps in English write them); dateutil reads what is left in English
    ("Thursday, March 5, 2020 11:15 EST"), because only it knows zone abbreviations.
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return _from_timestamp(float(value))
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    if not text or len(text) > 100:
        return None
    if re.fullmatch(r"\d{9,13}(\.\d+)?", text):
        return _from_timestamp(float(text))
    found = _iso(text) or _rfc2822(text) or _words(text)
    if found is None or not EARLIEST_YEAR <= found.year <= LATEST_YEAR:
        return None
    return found


def _from_timestamp(seconds: float) -> datetime | None:
    if seconds > 1e11:  # milliseconds, as JavaScript writes them
        seconds /= 1000
    try:
        found = datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return found if EARLIEST_YEAR <= found.year <= LATEST_YEAR else None


def _iso(text: str) -> datetime | None:
    """ISO 8601 as pages write it: ``Z``, a space or slashes ("2020/03/05 11:15") included."""
    candidate = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    for form in (candidate, candidate.replace(" ", "T", 1).replace("/", "-")):
        try:
            return datetime.fromisoformat(form)
        except ValueError:
            pass
    return None


def _rfc2822(text: str) -> datetime | None:
    if not re.match(r"(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d", text):
        return None
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


def _words(text: str) -> datetime | None:
    """A date in words ("5 Mar, 2020 11:15", "Thursday, March 5, 2020"); needs a 4-digit year."""
    if not _YEAR_IN_TEXT.search(text):
        return None
    found = dateline(text, month_first=True)
    if found is not None:
        return found
    from dateutil import parser  # imported late: few values get this far

    # "05.03.2020" is day-first wherever dots are used (Europe, Russia); slashes stay US order.
    day_first = bool(re.search(r"\b\d{1,2}\.\d{1,2}\.\d{4}\b", text))
    try:
        return parser.parse(text, fuzzy=False, dayfirst=day_first, default=datetime(2000, 1, 1))
    except (ValueError, OverflowError, parser.ParserError):
        return None


# --------------------------------------------------------------------------- loose: datelines

# Month names and abbreviations (English, German, French, Spanish, Italian, Portuguese, Dutch,
# Scandinavian, Indonesian, Turkish, and the genitive forms Polish, Czech and Russian date with).
MONTHS: dict[str, int] = {
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
# A word of a line besides its date: letters and digits of any script, as the text-dump reader cuts them.
_WORD = re.compile(r"\w+")
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
            month = MONTHS.get(parts["month"].lower().rstrip("."))
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


def dateline(line: str, month_first: bool) -> datetime | None:
    """The date of a line that is a dateline (a date and a few words), else None; always naive.

    "Published: 5 March 2020, 11:15", "Reuters November 18, 2019 11:03 PM" and "Updated 1:39 am
    EST, Wednesday, November 20, 2019" are datelines; a sentence that mentions a date is not.
    ``month_first`` reads "3/5/2020" as March 5 (English pages, taken to be American).
    """
    if len(line) > _DATELINE_MAX_CHARS or not _YEARISH.search(line):
        return None
    for pattern in _DATE_PATTERNS:
        match = pattern.search(line)
        found = _date_from(match, month_first) if match else None
        if match is None or found is None:
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
