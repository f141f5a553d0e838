"""Time zones and 'today' as the sender sees it: store UTC, read in the local zone."""

from __future__ import annotations

import datetime as dt
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class BadTimezoneError(ValueError):
    """Not an IANA time zone name."""


@cache
def zone(name: str) -> dt.tzinfo:
    """The tzinfo of an IANA name ('Asia/Shanghai'); raises BadTimezoneError."""
    if not isinstance(name, str) or not name or len(name) > 64 or ".." in name or "\x00" in name:
        raise BadTimezoneError(name)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise BadTimezoneError(name) from exc


def local_today(tz: str | None = None, now: dt.datetime | None = None) -> dt.date:
    """Today's date in `tz` (the machine's zone when None)."""
    moment = now or dt.datetime.now(dt.UTC)
    if tz is None:
        return moment.astimezone().date()
    return moment.astimezone(zone(tz)).date()


MIN_DAY = dt.date(1900, 1, 1)
MAX_DAY = dt.date(2999, 12, 31)


def parse_day(value: str) -> dt.date:
    """A YYYY-MM-DD date between 1900 and 2999; raises ValueError otherwise."""
    if not isinstance(value, str) or len(value) != 10:
        raise ValueError(value)
    day = dt.date.fromisoformat(value)
    if not MIN_DAY <= day <= MAX_DAY:
        raise ValueError(value)
    return day
