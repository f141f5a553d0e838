"""Time zones and 'today' as the sender sees it: store UTC, read in the local zone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
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


DEFAULT_ZONE = "Asia/Shanghai"  # where a team or person has no zone, or a bad one


def zone_or_default(*names: str | None) -> dt.tzinfo:
    """The first of `names` that is set (a person's, then their team's zone …), or the
    default zone when none is set or the chosen one is not a time zone."""
    name = next((n for n in names if n), DEFAULT_ZONE)
    try:
        return zone(name)
    except BadTimezoneError:
        return zone(DEFAULT_ZONE)


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


class MovableClock:
    """A clock that runs with real time from a chosen start and can be moved forward.

    The sandbox and the tests use it: `now()` is what the bot sees, `advance(delta)`
    moves it (e.g. to Monday 09:00 to fire the digest) and tells every listener, so
    the scheduler can look at once for work that became due.
    """

    def __init__(self, start: dt.datetime) -> None:
        import time

        if start.tzinfo is None:
            raise ValueError("the clock needs an aware start time")
        self._monotonic = time.monotonic
        self._start = start
        self._started = time.monotonic()
        self._offset = dt.timedelta()
        self._listeners: list[Callable[[dt.datetime], None]] = []

    def now(self) -> dt.datetime:
        """The current time on this clock (aware, UTC)."""
        elapsed = dt.timedelta(seconds=self._monotonic() - self._started)
        return (self._start + elapsed + self._offset).astimezone(dt.UTC)

    def advance(self, delta: dt.timedelta) -> dt.datetime:
        """Moves the clock forward by `delta` (never back) and tells the listeners."""
        if delta < dt.timedelta():
            raise ValueError("the clock only moves forward")
        self._offset += delta
        moved = self.now()
        for listener in list(self._listeners):
            listener(moved)
        return moved

    def move_to(self, when: dt.datetime) -> dt.datetime:
        """Moves the clock forward to `when` (aware); a time in the past changes nothing."""
        return self.advance(max(when - self.now(), dt.timedelta()))

    def on_change(self, listener: Callable[[dt.datetime], None]) -> None:
        """Calls `listener(now)` after every move."""
        self._listeners.append(listener)
