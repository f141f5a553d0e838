"""A period found in a question: its days, its calendar kind, where it was written."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.plans import Period, PeriodKind


@dataclass(frozen=True, slots=True)
class Span:
    """A period found in a question: its days (both inclusive) and how it was written."""

    start: dt.date
    end: dt.date
    kind: PeriodKind | None  # a whole calendar period, else None (a range of days)
    begin: int  # where in the text
    stop: int
    open_end: bool = False  # "since March 1": the end was set to today

    def following(self) -> Span:
        """The period after this one (this month for last month)."""
        if self.kind is not None:
            nxt = Period.containing(self.kind, self.start).shift(1)
            return Span(nxt.start, nxt.end, self.kind, -1, -1)
        days = (self.end - self.start).days + 1
        return Span(
            self.end + dt.timedelta(days=1), self.end + dt.timedelta(days=days), None, -1, -1
        )

    def previous(self) -> Span:
        """The period before this one: last month for a month, the same number of days
        before for a range."""
        if self.kind is not None:
            prev = Period.containing(self.kind, self.start).shift(-1)
            return Span(prev.start, prev.end, self.kind, -1, -1)
        days = (self.end - self.start).days + 1
        return Span(
            self.start - dt.timedelta(days=days), self.start - dt.timedelta(days=1), None, -1, -1
        )


def whole(kind: PeriodKind, day: dt.date, begin: int = -1, stop: int = -1) -> Span:
    """The calendar period of `kind` holding `day`."""
    period = Period.containing(kind, day)
    return Span(period.start, period.end, kind, begin, stop)
