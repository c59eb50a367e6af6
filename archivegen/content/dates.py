"""One strict parser for article dates.

PyYAML's timestamp guessing and ``datetime.fromisoformat``'s leniency both let odd strings
through (``2023-02-010``); archives sort by date, so a date is either unambiguous ISO 8601 or an
error. Naive dates are taken to be in the site's zone, then everything is converted to it, so
sorting never compares naive with aware datetimes.
"""

from __future__ import annotations

import re
from datetime import datetime, tzinfo

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
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    # Converting 9999-12-31T23:00-05:00 to UTC overflows: that is an error, not a crash.
    try:
        return moment.astimezone(zone)
    except (OverflowError, ValueError):
        raise DateOutOfRange("after", 9999) if moment.year > 5000 else DateOutOfRange("before", 1) from None
