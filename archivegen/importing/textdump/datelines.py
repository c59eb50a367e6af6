"""Datelines: lines that are a date and a few words, and which of them dates the article.

"Published: 5 March 2020, 11:15" or "Updated 1:39 am EST, Wednesday, November 20, 2019" is a
dateline, a sentence that mentions a date is not. Datelines never belong to the body; the one
nearest the headline gives the publication date.
"""

from __future__ import annotations

import contextlib
import re
from datetime import datetime
from typing import TYPE_CHECKING

from archivegen.importing.textdump.words import WORD

if TYPE_CHECKING:
    from archivegen.importing.textdump.lines import Line

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


def dateline(line: str, month_first: bool) -> datetime | None:
    """The date of a line that is a dateline (a date and a few words), else None.

    "Published: 5 March 2020, 11:15", "Reuters November 18, 2019 11:03 PM" and "Updated 1:39 am
    EST, Wednesday, November 20, 2019" are datelines; a sentence that mentions a date is not.
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
        rest = [word for word in WORD.findall(outside) if not word.isdigit()]
        if len(rest) > _DATELINE_MAX_WORDS or (len(rest) >= 4 and line.rstrip().endswith(".")):
            return None
        return found
    return None


def find_date(lines: list[Line], start: int, head: int | None) -> datetime | None:
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
