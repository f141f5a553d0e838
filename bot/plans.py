"""Periods, working-day calendars and the plan arithmetic (contracts §1 and §2).

Pure: no I/O, no database, no clock. Callers pass ``today`` in.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import total_ordering
from itertools import accumulate
from typing import Literal

import chinese_calendar

PeriodKind = Literal["year", "quarter", "month", "week", "day"]
PERIOD_KINDS: tuple[PeriodKind, ...] = ("year", "quarter", "month", "week", "day")
_KIND_RANK = {kind: rank for rank, kind in enumerate(PERIOD_KINDS)}
MIN_YEAR, MAX_YEAR = 1900, 2999
PERIOD_FORMS = "2026, 2026-Q1, 2026-03, 2026-W11 or 2026-03-18"

_FORMS: tuple[tuple[PeriodKind, re.Pattern[str]], ...] = (
    ("year", re.compile(r"(\d{4})")),
    ("quarter", re.compile(r"(\d{4})-[Qq](\d)")),
    ("month", re.compile(r"(\d{4})-(\d{2})")),
    ("week", re.compile(r"(\d{4})-[Ww](\d{2})")),
    ("day", re.compile(r"(\d{4})-(\d{2})-(\d{2})")),
)


def _month_end(year: int, month: int) -> date:
    first_of_next = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return first_of_next - timedelta(days=1)


def _bounds(kind: PeriodKind, day: date) -> tuple[date, date]:
    """Return the first and last day of the period of ``kind`` that holds ``day``."""
    if kind == "day":
        return day, day
    if kind == "week":
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=6)
    if kind == "month":
        return day.replace(day=1), _month_end(day.year, day.month)
    if kind == "quarter":
        first_month = (day.month - 1) // 3 * 3 + 1
        return date(day.year, first_month, 1), _month_end(day.year, first_month + 2)
    return date(day.year, 1, 1), date(day.year, 12, 31)


@total_ordering
@dataclass(frozen=True)
class Period:
    """A calendar period of one kind; ``start`` and ``end`` are both inclusive.

    Periods sort by start, the longer one first when two start on the same day.
    """

    kind: PeriodKind
    start: date
    end: date

    def __post_init__(self) -> None:
        if self.kind not in _KIND_RANK:
            raise ValueError(f"unknown period kind {self.kind!r}; use one of {PERIOD_KINDS}")
        if _bounds(self.kind, self.start) != (self.start, self.end):
            raise ValueError(f"{self.start}..{self.end} is not a whole {self.kind}")

    @classmethod
    def parse(cls, text: str) -> Period:
        """Read a period written as 2026, 2026-Q1, 2026-03, 2026-W11 or 2026-03-18."""
        matched = next(
            ((kind, m) for kind, pattern in _FORMS if (m := pattern.fullmatch(text.strip()))),
            None,
        )
        if matched is None:
            raise ValueError(f"{text!r} is not a period; use {PERIOD_FORMS}")
        kind, numbers = matched[0], [int(g) for g in matched[1].groups()]
        year = numbers[0]
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise ValueError(f"{text!r}: year {year} is outside {MIN_YEAR}..{MAX_YEAR}")
        try:
            if kind == "quarter":
                if not 1 <= numbers[1] <= 4:
                    raise ValueError(f"quarter {numbers[1]} does not exist")
                day = date(year, numbers[1] * 3 - 2, 1)
            elif kind == "week":
                day = date.fromisocalendar(year, numbers[1], 1)
            elif kind == "day":
                day = date(year, numbers[1], numbers[2])
            else:
                day = date(year, numbers[1] if kind == "month" else 1, 1)
        except ValueError as exc:
            raise ValueError(f"{text!r} is not a valid {kind}: {exc}; use {PERIOD_FORMS}") from None
        return cls.containing(kind, day)

    @classmethod
    def containing(cls, kind: PeriodKind, day: date) -> Period:
        """Return the period of ``kind`` that holds ``day`` (weeks are ISO, Monday–Sunday)."""
        if kind not in _KIND_RANK:
            raise ValueError(f"unknown period kind {kind!r}; use one of {PERIOD_KINDS}")
        start, end = _bounds(kind, day)
        return cls(kind, start, end)

    @property
    def label(self) -> str:
        """The canonical spelling, which ``parse`` reads back."""
        s = self.start
        if self.kind == "year":
            return f"{s.year:04d}"
        if self.kind == "quarter":
            return f"{s.year:04d}-Q{(s.month - 1) // 3 + 1}"
        if self.kind == "month":
            return f"{s.year:04d}-{s.month:02d}"
        if self.kind == "week":
            iso = s.isocalendar()
            return f"{iso.year:04d}-W{iso.week:02d}"
        return s.isoformat()

    def __str__(self) -> str:
        return self.label

    def _sort_key(self) -> tuple[date, int, int]:
        return self.start, -self.end.toordinal(), _KIND_RANK[self.kind]

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._sort_key() < other._sort_key()

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def day_count(self) -> int:
        """Number of calendar days."""
        return (self.end - self.start).days + 1

    def days(self) -> Iterator[date]:
        for offset in range(self.day_count):
            yield self.start + timedelta(days=offset)

    def overlapping(self, kind: PeriodKind) -> list[Period]:
        """Periods of ``kind`` that share at least one day with this one, in order."""
        found = [Period.containing(kind, self.start)]
        while found[-1].end < self.end:
            found.append(Period.containing(kind, found[-1].end + timedelta(days=1)))
        return found

    def months(self) -> list[Period]:
        """The months this period touches (two for a week across a month end)."""
        return self.overlapping("month")

    def shift(self, n: int) -> Period:
        """The period ``n`` steps later (earlier when negative), e.g. last month for -1."""
        if self.kind in ("day", "week"):
            step = 1 if self.kind == "day" else 7
            return Period.containing(self.kind, self.start + timedelta(days=step * n))
        months = {"month": 1, "quarter": 3, "year": 12}[self.kind] * n
        index = self.start.year * 12 + self.start.month - 1 + months
        return Period.containing(self.kind, date(index // 12, index % 12 + 1, 1))


# --- working-day calendars -------------------------------------------------------------

WORKDAY_CALENDARS = ("mon-fri", "mon-sat", "cn")


def _day_of_year(d: date) -> int:
    """1 for January 1st."""
    return d.toordinal() - date(d.year, 1, 1).toordinal() + 1


class Calendar(ABC):
    """Which days are working days. Counts use per-year prefix sums built once per year."""

    name: str

    def __init__(self) -> None:
        # year -> (one flag byte per day, prefix sums: prefix[i] = workdays in days 1..i)
        self._years: dict[int, tuple[bytes, array[int]]] = {}

    @abstractmethod
    def _year_flags(self, year: int) -> bytes:
        """One byte per day of ``year``: 1 for a working day, 0 otherwise."""

    def _table(self, year: int) -> tuple[bytes, array[int]]:
        table = self._years.get(year)
        if table is None:
            flags = self._year_flags(year)
            table = (flags, array("H", accumulate(flags, initial=0)))
            self._years[year] = table
        return table

    def covers(self, year: int) -> bool:
        """False when the calendar has no data for ``year`` and falls back to Monday–Friday."""
        return True

    def is_workday(self, d: date) -> bool:
        return self._table(d.year)[0][_day_of_year(d) - 1] == 1

    def workdays(self, start: date, end: date) -> int:
        """Working days from ``start`` to ``end``, both inclusive; 0 when ``end < start``."""
        if end < start:
            return 0
        first = self._table(start.year)[1]
        if start.year == end.year:
            return first[_day_of_year(end)] - first[_day_of_year(start) - 1]
        count = first[-1] - first[_day_of_year(start) - 1]
        count += sum(self._table(y)[1][-1] for y in range(start.year + 1, end.year))
        return count + self._table(end.year)[1][_day_of_year(end)]

    def workday_list(self, start: date, end: date) -> list[date]:
        """The working days from ``start`` to ``end``, both inclusive, in order."""
        found: list[date] = []
        for year in range(start.year, end.year + 1):
            flags = self._table(year)[0]
            lo = _day_of_year(start) - 1 if year == start.year else 0
            hi = _day_of_year(end) if year == end.year else len(flags)
            jan1 = date(year, 1, 1).toordinal()
            found.extend(date.fromordinal(jan1 + i) for i in range(lo, hi) if flags[i])
        return found

    def __repr__(self) -> str:
        return f"<Calendar {self.name}>"


def _weekday_flags(year: int, working: frozenset[int]) -> bytes:
    first = date(year, 1, 1).weekday()
    length = (date(year + 1, 1, 1) - date(year, 1, 1)).days
    return bytes(1 if (first + i) % 7 in working else 0 for i in range(length))


_MON_FRI = frozenset(range(5))


class WeekdayCalendar(Calendar):
    """A fixed working week, e.g. Monday–Friday, with no holidays."""

    def __init__(self, name: str, working_weekdays: Iterable[int]) -> None:
        super().__init__()
        self.name = name
        self.working_weekdays = frozenset(working_weekdays)

    def _year_flags(self, year: int) -> bytes:
        return _weekday_flags(year, self.working_weekdays)


class ChineseCalendar(Calendar):
    """The official Chinese working calendar: holidays and make-up working weekends.

    For years the ``chinese_calendar`` package has no data for, Monday–Friday is used;
    ``covers`` and ``fallback_years`` tell callers so they can warn.
    """

    name = "cn"

    def __init__(self) -> None:
        super().__init__()
        self._fallback: set[int] = set()

    def _year_flags(self, year: int) -> bytes:
        jan1 = date(year, 1, 1).toordinal()
        length = date(year + 1, 1, 1).toordinal() - jan1
        try:
            return bytes(
                1 if chinese_calendar.is_workday(date.fromordinal(jan1 + i)) else 0
                for i in range(length)
            )
        except NotImplementedError:
            self._fallback.add(year)
            return _weekday_flags(year, _MON_FRI)

    def covers(self, year: int) -> bool:
        self._table(year)
        return year not in self._fallback

    @property
    def fallback_years(self) -> frozenset[int]:
        """Years seen so far that had no official data and were counted Monday–Friday."""
        return frozenset(self._fallback)


_CALENDARS: dict[str, Calendar] = {
    "mon-fri": WeekdayCalendar("mon-fri", _MON_FRI),
    "mon-sat": WeekdayCalendar("mon-sat", range(6)),
    "cn": ChineseCalendar(),
}


def calendar_for(name: str) -> Calendar:
    """Return the shared calendar called ``name`` (one of ``WORKDAY_CALENDARS``)."""
    calendar = _CALENDARS.get(name.strip().lower())
    if calendar is None:
        raise ValueError(
            f"unknown working-day calendar {name!r}; use one of {', '.join(WORKDAY_CALENDARS)}"
        )
    return calendar


# --- the plan arithmetic ---------------------------------------------------------------


@dataclass(frozen=True)
class PlanFigures:
    """Where a target stands on a day (contracts §2). ``None`` marks an undefined value."""

    target: float
    actual: float
    elapsed: int
    total: int
    remaining: int
    expected: float | None
    pace: float | None
    forecast: float | None
    needed_per_day: float | None
    gap: float

    @property
    def met(self) -> bool:
        return self.actual >= self.target


def progress(period: Period, today: date, calendar: Calendar) -> tuple[int, int]:
    """Return ``(elapsed, total)`` working days of ``period`` as of ``today``."""
    total = calendar.workdays(period.start, period.end)
    if today < period.start:
        return 0, total
    if today >= period.end:
        return total, total
    return calendar.workdays(period.start, today), total


def figures_from_counts(target: float, actual: float, elapsed: int, total: int) -> PlanFigures:
    """The arithmetic of contracts §2 on working-day counts already known."""
    remaining = total - elapsed
    expected = target * elapsed / total if total else None
    pace = actual / expected if expected else None
    forecast = actual * total / elapsed if elapsed else None
    needed: float | None
    if actual >= target:
        needed = 0.0
    elif remaining > 0:
        needed = (target - actual) / remaining
    else:
        needed = None
    return PlanFigures(
        target=target,
        actual=actual,
        elapsed=elapsed,
        total=total,
        remaining=remaining,
        expected=expected,
        pace=pace,
        forecast=forecast,
        needed_per_day=needed,
        gap=max(target - actual, 0.0),
    )


def plan_figures(
    target: float, actual: float, period: Period, today: date, calendar: Calendar
) -> PlanFigures:
    """Figures for one target over ``period`` as of ``today``."""
    elapsed, total = progress(period, today, calendar)
    return figures_from_counts(target, actual, elapsed, total)


def team_figures(parts: Iterable[PlanFigures]) -> PlanFigures:
    """Sum people's figures into the team's: targets and actuals add, ratios are redone.

    All parts must share one period, day and calendar. Raises ``ValueError`` when empty.
    """
    items = list(parts)
    if not items:
        raise ValueError("team_figures needs at least one part")
    counts = {(p.elapsed, p.total) for p in items}
    if len(counts) != 1:
        raise ValueError(f"parts disagree on (elapsed, total): {sorted(counts)}")
    elapsed, total = counts.pop()
    return figures_from_counts(
        sum(p.target for p in items), sum(p.actual for p in items), elapsed, total
    )


def attainment(actual: float, target: float) -> float | None:
    """``actual / target`` (1.0 = target hit); ``None`` when the target is 0."""
    return actual / target if target else None
