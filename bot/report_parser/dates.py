"""The report's date: relative words, weekdays and calendar dates, read against today.

dateparser returns nothing for several Chinese forms and misreads others
(style.md), so these patterns are tried first; dateparser is the fallback for
a short leading date such as "16.03.2026:" or "Mon, 16 March:".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

import cn2an

_CN_NUM = "一二两三四五六七八九十"
_WEEKDAY_CN = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "末": 5}
_WEEKDAY_EN = {
    "monday": 0,
    "tuesday": 1,
    "tues": 1,
    "wednesday": 2,
    "weds": 2,
    "thursday": 3,
    "thurs": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}
_MONTHS_EN = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_EN_SMALL = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "a": 1,
}
_MONTH_NAME = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)


@dataclass(frozen=True, slots=True)
class DateMatch:
    """A date expression found in the text."""

    start: int
    end: int
    date: dt.date | None  # None: written as a date, but no such day (2月30日)
    explicit: bool  # a calendar date (3月16日, 2026-03-16), not a relative word


def _int(text: str) -> int:
    return int(text) if text.isdigit() else int(cn2an.cn2an(text, "smart"))


def _month_day(today: dt.date, month: int, day: int, year: int | None = None) -> dt.date | None:
    try:
        if year is not None:
            return dt.date(year, month, day)
        found = dt.date(today.year, month, day)
    except ValueError:
        return None
    if found > today:
        # a few weeks ahead is a slip of the finger (dated today, with a warning);
        # further ahead is last year's ("12月28日" read on 2 January)
        if (found - today).days <= 31:
            return found
        try:
            return dt.date(today.year - 1, month, day)
        except ValueError:
            return None
    return found


def _weekday(today: dt.date, weekday: int, which: str) -> dt.date:
    monday = today - dt.timedelta(days=today.weekday())
    if which in ("上", "last_week"):
        return monday - dt.timedelta(days=7) + dt.timedelta(days=weekday)
    if which in ("本", "这", "这个", "this"):
        return monday + dt.timedelta(days=weekday)
    if which == "last":  # the latest such weekday strictly before today
        back = (today.weekday() - weekday) % 7 or 7
        return today - dt.timedelta(days=back)
    back = (today.weekday() - weekday) % 7  # bare: the latest one on or before today
    return today - dt.timedelta(days=back)


Resolver = Callable[[re.Match[str], dt.date], dt.date | None]


def _r_iso(m: re.Match[str], today: dt.date) -> dt.date | None:
    return _month_day(today, int(m["m"]), int(m["d"]), int(m["y"]))


def _r_cn_md(m: re.Match[str], today: dt.date) -> dt.date | None:
    try:
        return _month_day(today, _int(m["m"]), _int(m["d"]))
    except ValueError:
        return None


def _r_slash(m: re.Match[str], today: dt.date) -> dt.date | None:
    a, b = int(m["a"]), int(m["b"])
    if a > 12 >= b:  # 16/3 is day/month
        a, b = b, a
    return _month_day(today, a, b)


def _r_slash_year(m: re.Match[str], today: dt.date) -> dt.date | None:
    a, b, year = int(m["a"]), int(m["b"]), int(m["y"])
    for month, day in ((a, b), (b, a)):  # month first unless that cannot be, or is ahead
        found = _month_day(today, month, day, year) if month <= 12 else None
        if found is not None and found <= today:
            return found
    return None


def _r_day(m: re.Match[str], today: dt.date) -> dt.date | None:
    day = int(m["d"])
    if not 1 <= day <= 31:
        return None
    month, year = today.month, today.year
    if day > today.day:  # "9号" on the 3rd: last month's 9th
        month, year = (12, year - 1) if month == 1 else (month - 1, year)
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _r_en_md(m: re.Match[str], today: dt.date) -> dt.date | None:
    month = _MONTHS_EN[m["mon"][:3]]
    year = int(m["y"]) if m["y"] else None
    return _month_day(today, month, int(m["d"]), year)


def _r_offset(days: int) -> Resolver:
    return lambda _m, today: today - dt.timedelta(days=days)


def _r_days_ago(m: re.Match[str], today: dt.date) -> dt.date | None:
    raw = m["n"]
    try:
        n = _EN_SMALL[raw] if raw in _EN_SMALL else _int(raw)
    except ValueError:
        return None
    return today - dt.timedelta(days=n) if 0 <= n <= 366 else None


def _r_cn_weekday(m: re.Match[str], today: dt.date) -> dt.date | None:
    day = m["wd"]
    weekday = _WEEKDAY_CN[day] if day in _WEEKDAY_CN else int(day) - 1
    return _weekday(today, weekday, m["which"] or "")


def _r_en_weekday(m: re.Match[str], today: dt.date) -> dt.date | None:
    which = (m["which"] or "").strip()
    if which == "last" and m["week"]:
        which = "last_week"
    return _weekday(today, _WEEKDAY_EN[m["wd"]], which)


def _r_en_abbr(m: re.Match[str], today: dt.date) -> dt.date | None:
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    return _weekday(today, days.index(m["wd"]), "")


_B = r"(?<![\w])"  # not inside a word or number
_E = r"(?![\w])"
_PATTERNS: tuple[tuple[re.Pattern[str], Resolver, bool], ...] = (
    (
        re.compile(
            rf"{_B}(?P<y>(?:19|20)\d\d)\s?[-/.年]\s?(?P<m>\d{{1,2}})\s?[-/.月]\s?(?P<d>\d{{1,2}})(?:\s?[日号])?(?!\d)"
        ),
        _r_iso,
        True,
    ),
    (
        re.compile(
            rf"(?<!\d)(?P<m>\d{{1,2}}|[{_CN_NUM}]{{1,2}})\s?月\s?(?P<d>\d{{1,2}}|[{_CN_NUM}]{{1,3}})\s?[日号]"
        ),
        _r_cn_md,
        True,
    ),
    (
        re.compile(rf"{_B}(?P<a>\d{{1,2}})/(?P<b>\d{{1,2}})/(?P<y>(?:19|20)\d\d){_E}"),
        _r_slash_year,
        True,
    ),
    (re.compile(rf"{_B}(?P<a>\d{{1,2}})/(?P<b>\d{{1,2}}){_E}(?!/)"), _r_slash, True),
    (
        re.compile(r"^\s*(?P<m>\d{1,2})\.(?P<d>\d{1,2})(?=\s*(?:日|号|日报|[:：\s]|$))"),
        _r_cn_md,
        True,
    ),
    (
        re.compile(
            r"(?<![\d月./\-])(?P<d>\d{1,2})\s?(?:号|日)(?![店楼线门仓柜车房库台机位区栋层室码])"
        ),
        _r_day,
        True,
    ),
    (
        re.compile(
            rf"{_B}{_MONTH_NAME}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y>(?:19|20)\d\d))?{_E}"
        ),
        _r_en_md,
        True,
    ),
    (
        re.compile(
            rf"{_B}(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH_NAME}(?:,?\s+(?P<y>(?:19|20)\d\d))?{_E}"
        ),
        _r_en_md,
        True,
    ),
    (re.compile(r"大前天"), _r_offset(3), False),
    (re.compile(r"前天|前日"), _r_offset(2), False),
    (re.compile(r"昨天|昨日|昨晚"), _r_offset(1), False),
    (re.compile(r"今天|今日|本日|今晚|当天"), _r_offset(0), False),
    (re.compile(rf"{_B}the\s+day\s+before\s+yesterday{_E}"), _r_offset(2), False),
    (re.compile(rf"{_B}(?:yesterday|yday|last\s+night){_E}"), _r_offset(1), False),
    (
        re.compile(rf"{_B}(?:today|tonight|this\s+(?:morning|afternoon|evening)){_E}"),
        _r_offset(0),
        False,
    ),
    (re.compile(rf"(?P<n>\d{{1,3}}|[{_CN_NUM}]{{1,3}})\s?天(?:以)?前"), _r_days_ago, False),
    (
        re.compile(
            rf"{_B}(?P<n>\d{{1,3}}|one|two|three|four|five|six|seven|eight|nine|ten|a)\s+days?\s+ago{_E}"
        ),
        _r_days_ago,
        False,
    ),
    (
        re.compile(r"(?P<which>上|本|这个|这)?(?:周|星期|礼拜)(?P<wd>[一二三四五六日天1-7])"),
        _r_cn_weekday,
        False,
    ),
    (re.compile(r"^\s*(?P<wd>mon|tue|wed|thu|fri|sat|sun)\.?(?=\s*[:,，：])"), _r_en_abbr, False),
    (
        re.compile(
            rf"{_B}(?:(?P<which>last|this|on)\s+)?(?P<wd>monday|tuesday|tues|wednesday|weds|thursday|thurs|friday|saturday|sunday){_E}(?P<week>\s+last\s+week)?"
        ),
        _r_en_weekday,
        False,
    ),
)


def find_dates(text: str, today: dt.date) -> list[DateMatch]:
    """Every date expression in folded text, left to right, without overlaps."""
    found: list[DateMatch] = []
    for pattern, resolve, explicit in _PATTERNS:
        for m in pattern.finditer(text):
            if any(d.start < m.end() and m.start() < d.end for d in found):
                continue
            try:
                day = resolve(m, today)
            except (ValueError, OverflowError):
                day = None
            if day is not None or (explicit and resolve is not _r_day):
                found.append(DateMatch(m.start(), m.end(), day, explicit))
    found.sort(key=lambda d: d.start)
    return found


_LEADING = re.compile(r"^\s*([^\n:：]{4,32})[:：\n]")
_HAS_DATEISH = re.compile(r"\d{1,4}\D+\d{1,4}|" + _MONTH_NAME)


def leading_date(text: str, today: dt.date) -> DateMatch | None:
    """A date written in a form of its own at the head of the report ("16.03.2026:").

    Uses dateparser restricted to Chinese and English, relative to today, and only
    on a short leading chunk, so bare numbers elsewhere are never taken for dates.
    """
    m = _LEADING.match(text)
    if not m or not _HAS_DATEISH.search(m.group(1)):
        return None
    import dateparser  # deferred: slow to import, rarely needed

    # dateparser wants a naive moment: noon of the sender's own local date
    base = dt.datetime.combine(today, dt.time(12, 0))
    try:
        parsed = dateparser.parse(
            m.group(1),
            languages=["en", "zh"],
            settings={
                "RELATIVE_BASE": base,
                "PREFER_DATES_FROM": "past",
                "REQUIRE_PARTS": ["day", "month"],
                "DATE_ORDER": "DMY",
            },
        )
    except (ValueError, OverflowError, TypeError, AttributeError):
        return None
    if parsed is None:
        return None
    return DateMatch(m.start(1), m.end(1), parsed.date(), True)
