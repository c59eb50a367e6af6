"""Publication dates as scrapes and dumps write them, to datetimes.

Content files demand strict ISO 8601; scraped sources do not oblige. This accepts what dumps
actually carry: ISO 8601 with a space or a ``Z``, RFC 2822 (feeds), Unix timestamps, and
human datelines ("5 Mar, 2020 11:15", "March 5, 2020"). Anything ambiguous without a four-digit
year is refused rather than guessed: a wrong date files an article in the wrong archive page,
which is worse than asking the user.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d|21\d\d)(?!\d)")
EARLIEST_YEAR, LATEST_YEAR = 1800, 2199


def parse_loose_date(value: object) -> datetime | None:
    """A datetime (naive when the source gave no offset) or None when ``value`` is not a date."""
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
    found = _iso(text) or _rfc2822(text) or _human(text)
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
    candidate = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    try:
        return datetime.fromisoformat(candidate)
    except ValueError:
        return None


def _rfc2822(text: str) -> datetime | None:
    if not re.match(r"(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d", text):
        return None
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


def _human(text: str) -> datetime | None:
    """Datelines in words ("5 Mar, 2020 11:15", "Thursday, March 5, 2020"); needs a 4-digit year."""
    if not _YEAR.search(text):
        return None
    from dateutil import parser  # imported late: only human datelines need it

    # "05.03.2020" is day-first wherever dots are used (Europe, Russia); slashes stay US order.
    day_first = bool(re.search(r"\b\d{1,2}\.\d{1,2}\.\d{4}\b", text))
    try:
        return parser.parse(text, fuzzy=False, dayfirst=day_first, default=datetime(2000, 1, 1))
    except (ValueError, OverflowError, parser.ParserError):
        return None
