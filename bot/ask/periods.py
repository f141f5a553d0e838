"""Periods in plain words: 本月, 上周, Q1, 最近7天, 3月1日到15日, from March 1 to 15 …

Pure: text and today in, date ranges out. Our own patterns come first (dateparser
reads 本月 as one day, 12月25日 as 2012); dateparser is only the fallback for
English relative forms ("2 weeks ago"), with its languages restricted.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from bot.ask.spans import Span, whole
from bot.plans import Period, PeriodKind

_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_CN_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}
_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            "january jan",
            "february feb",
            "march mar",
            "april apr",
            "may",
            "june jun",
            "july jul",
            "august aug",
            "september sept sep",
            "october oct",
            "november nov",
            "december dec",
        ]
    )
    for m in names.split()
}
_MONTH_RE = r"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")"
_WEEKDAYS_EN = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_WEEKDAYS_CN = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_EN_NUMS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "ten": 10}
_EN_NUMS |= {"fourteen": 14, "thirty": 30}
_NUM = r"(?:\d{1,3}|[一二两三四五六七八九十]{1,3})"


def cn_int(text: str) -> int:
    """'12' / '十二' / '二十' / '两' as a number."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0))
    return _CN_DIGITS.get(text, 0)


def _past_month(month: int, today: dt.date, year: int | None = None) -> int:
    """The year of a month named without one: this year, unless that is still to come."""
    if year is not None:
        return year
    return today.year if month <= today.month else today.year - 1


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


Resolver = Callable[[re.Match[str], dt.date], "tuple[dt.date, dt.date, PeriodKind | None] | None"]


def _fixed(kind: PeriodKind, shift: int) -> Resolver:
    def resolve(m: re.Match[str], today: dt.date) -> tuple[dt.date, dt.date, PeriodKind | None]:
        period = Period.containing(kind, today).shift(shift)
        return period.start, period.end, kind

    return resolve


def _last_n(m: re.Match[str], today: dt.date) -> tuple[dt.date, dt.date, PeriodKind | None]:
    raw = m.group("n") or m.groupdict().get("n2") or "1"
    n = _EN_NUMS.get(raw) or cn_int(raw)
    unit = m.group("unit")
    days = n * (7 if unit in ("周", "星期", "礼拜", "week", "weeks", "wk", "wks") else 1)
    if unit in ("个月", "月", "month", "months"):
        days = n * 30
    n_days = max(1, min(days, 3660))
    return today - dt.timedelta(days=n_days - 1), today, None


def _quarter(m: re.Match[str], today: dt.date) -> tuple[dt.date, dt.date, PeriodKind | None]:
    q = cn_int(m.group("q"))
    if not 1 <= q <= 4:
        q = (today.month - 1) // 3 + 1
    year = int(m.group("y")) if m.groupdict().get("y") else None
    first = q * 3 - 2
    year = year or (today.year if first <= today.month else today.year - 1)
    period = Period.containing("quarter", dt.date(year, first, 1))
    return period.start, period.end, "quarter"


def _month_cn(
    m: re.Match[str], today: dt.date
) -> tuple[dt.date, dt.date, PeriodKind | None] | None:
    month = cn_int(m.group("m"))
    if not 1 <= month <= 12:
        return None
    year = int(m.group("y")) if m.groupdict().get("y") else None
    period = Period.containing("month", dt.date(_past_month(month, today, year), month, 1))
    return period.start, period.end, "month"


def _month_en(m: re.Match[str], today: dt.date) -> tuple[dt.date, dt.date, PeriodKind | None]:
    month = _MONTHS[m.group("mn")]
    year = int(m.group("y")) if m.groupdict().get("y") else None
    period = Period.containing("month", dt.date(_past_month(month, today, year), month, 1))
    return period.start, period.end, "month"


def _day_of(month: int, day: int, today: dt.date, year: int | None = None) -> dt.date | None:
    if year is None:
        year = today.year if (month, day) <= (today.month, today.day) else today.year - 1
    return _safe_date(year, month, day)


def _range_cn(
    m: re.Match[str], today: dt.date
) -> tuple[dt.date, dt.date, PeriodKind | None] | None:
    m1 = cn_int(m.group("m1"))
    m2 = cn_int(m.group("m2")) if m.group("m2") else m1
    year = today.year if m1 <= today.month else today.year - 1
    start = _safe_date(year, m1, cn_int(m.group("d1")))
    end = _safe_date(year if m2 >= m1 else year + 1, m2, cn_int(m.group("d2")))
    return (start, end, None) if start and end and start <= end else None


def _range_en(
    m: re.Match[str], today: dt.date
) -> tuple[dt.date, dt.date, PeriodKind | None] | None:
    m1 = _MONTHS[m.group("mn1")]
    m2 = _MONTHS[m.group("mn2")] if m.group("mn2") else m1
    year = today.year if m1 <= today.month else today.year - 1
    start = _safe_date(year, m1, int(m.group("d1")))
    end = _safe_date(year if m2 >= m1 else year + 1, m2, int(m.group("d2")))
    return (start, end, None) if start and end and start <= end else None


def _range_iso(
    m: re.Match[str], today: dt.date
) -> tuple[dt.date, dt.date, PeriodKind | None] | None:
    start = _safe_date(int(m.group("y1")), int(m.group("m1")), int(m.group("d1")))
    end = _safe_date(int(m.group("y2")), int(m.group("m2")), int(m.group("d2")))
    return (start, end, None) if start and end and start <= end else None


def _range_slash(
    m: re.Match[str], today: dt.date
) -> tuple[dt.date, dt.date, PeriodKind | None] | None:
    m1, d1, m2, d2 = (int(m.group(k)) for k in ("m1", "d1", "m2", "d2"))
    start, end = _day_of(m1, d1, today), _safe_date(today.year, m2, d2)
    if start and end and end < start:
        end = _safe_date(start.year, m2, d2)
    return (start, end, None) if start and end and start <= end else None


def _since_cn(
    m: re.Match[str], today: dt.date
) -> tuple[dt.date, dt.date, PeriodKind | None] | None:
    start = _day_of(cn_int(m.group("m1")), cn_int(m.group("d1")), today)
    return (start, today, None) if start and start <= today else None


def _since_en(
    m: re.Match[str], today: dt.date
) -> tuple[dt.date, dt.date, PeriodKind | None] | None:
    start = _day_of(_MONTHS[m.group("mn1")], int(m.group("d1")), today)
    return (start, today, None) if start and start <= today else None


def _day_cn(m: re.Match[str], today: dt.date) -> tuple[dt.date, dt.date, PeriodKind | None] | None:
    day = _day_of(cn_int(m.group("m1")), cn_int(m.group("d1")), today)
    return (day, day, "day") if day else None


def _day_en(m: re.Match[str], today: dt.date) -> tuple[dt.date, dt.date, PeriodKind | None] | None:
    day = _day_of(_MONTHS[m.group("mn1")], int(m.group("d1")), today)
    return (day, day, "day") if day else None


def _day_en_rev(
    m: re.Match[str], today: dt.date
) -> tuple[dt.date, dt.date, PeriodKind | None] | None:
    day = _day_of(_MONTHS[m.group("mn1")], int(m.group("d1")), today)
    return (day, day, "day") if day else None


def _day_iso(m: re.Match[str], today: dt.date) -> tuple[dt.date, dt.date, PeriodKind | None] | None:
    day = _safe_date(int(m.group("y1")), int(m.group("m1")), int(m.group("d1")))
    return (day, day, "day") if day else None


def _day_slash(
    m: re.Match[str], today: dt.date
) -> tuple[dt.date, dt.date, PeriodKind | None] | None:
    day = _day_of(int(m.group("m1")), int(m.group("d1")), today)
    return (day, day, "day") if day else None


def _weekday(m: re.Match[str], today: dt.date) -> tuple[dt.date, dt.date, PeriodKind | None]:
    raw = m.group("wd")
    weekday = _WEEKDAYS_CN[raw] if raw in _WEEKDAYS_CN else _WEEKDAYS_EN[raw[:3]]
    last = bool(m.group("last"))
    monday = today - dt.timedelta(days=today.weekday())
    day = monday + dt.timedelta(days=weekday)
    if last or day > today:
        day -= dt.timedelta(days=7)
    return day, day, "day"


def _offset(days: int) -> Resolver:
    def resolve(m: re.Match[str], today: dt.date) -> tuple[dt.date, dt.date, PeriodKind | None]:
        day = today - dt.timedelta(days=days)
        return day, day, "day"

    return resolve


_B, _E = r"(?<![a-z0-9])", r"(?![a-z0-9])"
_D = r"(?P<{}>\d{{1,2}}|[一二三四五六七八九十]{{1,3}})"
_TO_CN = r"\s*(?:到|至|-|~|—|–|－)\s*"
_TO_EN = r"\s*(?:to|till|until|through|thru|-|–|—|~)\s*"
_ORD = r"(?:st|nd|rd|th)?"

# Order matters: ranges before single days, days before months.
_PATTERNS: tuple[tuple[re.Pattern[str], Resolver], ...] = tuple(
    (re.compile(p), r)
    for p, r in (
        (
            r"(?P<y1>20\d\d)-(?P<m1>\d{1,2})-(?P<d1>\d{1,2})"
            + _TO_EN
            + r"(?P<y2>20\d\d)-(?P<m2>\d{1,2})-(?P<d2>\d{1,2})",
            _range_iso,
        ),
        (
            r"(?:从|自)?\s*"
            + _D.format("m1")
            + r"\s*月\s*"
            + _D.format("d1")
            + r"\s*[日号]?"
            + _TO_CN
            + r"(?:"
            + _D.format("m2")
            + r"\s*月\s*)?"
            + _D.format("d2")
            + r"\s*[日号]",
            _range_cn,
        ),
        (
            r"(?:from\s+)?"
            + _B
            + r"(?P<mn1>"
            + _MONTH_RE[3:-1]
            + r")\.?\s+(?P<d1>\d{1,2})"
            + _ORD
            + _TO_EN
            + r"(?:(?P<mn2>"
            + _MONTH_RE[3:-1]
            + r")\.?\s+)?(?P<d2>\d{1,2})"
            + _ORD
            + _E,
            _range_en,
        ),
        (
            _B
            + r"(?:from\s+)?(?P<m1>\d{1,2})/(?P<d1>\d{1,2})"
            + _TO_EN
            + r"(?P<m2>\d{1,2})/(?P<d2>\d{1,2})"
            + _E,
            _range_slash,
        ),
        (
            r"(?:从|自)\s*"
            + _D.format("m1")
            + r"\s*月\s*"
            + _D.format("d1")
            + r"\s*[日号]?"
            + r"\s*(?:以来|开始|起|到现在|至今|到今天)",
            _since_cn,
        ),
        (
            _B + r"since\s+(?P<mn1>" + _MONTH_RE[3:-1] + r")\.?\s+(?P<d1>\d{1,2})" + _ORD + _E,
            _since_en,
        ),
        (
            r"(?:(?:最近|近|过去)\s*(?P<n>" + _NUM + r")?|前\s*(?P<n2>" + _NUM + r"))"
            r"\s*(?P<unit>天|日|周|星期|个星期|礼拜|个月)",
            _last_n,
        ),
        (
            _B
            + r"(?:last|past|previous|prev|the last|the past)\s+(?P<n>\d{1,3}|two|three|four|five|six|seven|ten|fourteen|thirty)\s*"
            r"(?P<unit>days|day|weeks|week|wks|wk|months|month)" + _E,
            _last_n,
        ),
        (r"(?P<y1>20\d\d)-(?P<m1>\d{1,2})-(?P<d1>\d{1,2})", _day_iso),
        (_D.format("m1") + r"\s*月\s*" + _D.format("d1") + r"\s*[日号]", _day_cn),
        (
            _B + r"(?P<mn1>" + _MONTH_RE[3:-1] + r")\.?\s+(?P<d1>\d{1,2})" + _ORD + _E,
            _day_en,
        ),
        (
            _B + r"(?P<d1>\d{1,2})" + _ORD + r"\s+(?:of\s+)?(?P<mn1>" + _MONTH_RE[3:-1] + r")" + _E,
            _day_en_rev,
        ),
        (_B + r"(?P<m1>\d{1,2})/(?P<d1>\d{1,2})" + _E, _day_slash),
        (r"(?P<last>上)?(?:周|星期|礼拜)(?P<wd>[一二三四五六日天])", _weekday),
        (
            _B + r"(?P<last>last\s+)?(?P<wd>monday|mon|tuesday|tues|tue|wednesday|wed|thursday"
            r"|thurs|thu|friday|fri|saturday|sat|sunday|sun)" + _E,
            _weekday,
        ),
        (r"上上(?:周|星期|个星期|礼拜)", _fixed("week", -2)),
        (r"(?:本|这|这个|当)(?:周|星期|礼拜)|本週", _fixed("week", 0)),
        (r"上(?:周|星期|个星期|个礼拜|礼拜)", _fixed("week", -1)),
        (r"上上(?:个)?月", _fixed("month", -2)),
        (r"(?:本|这个?|当)月", _fixed("month", 0)),
        (r"上(?:个)?月", _fixed("month", -1)),
        (r"(?:本|这个?|当)季度?", _fixed("quarter", 0)),
        (r"上(?:个)?季度?", _fixed("quarter", -1)),
        (r"(?:今|本)年", _fixed("year", 0)),
        (r"去年", _fixed("year", -1)),
        (r"(?:(?P<y>20\d\d)\s*年\s*)?第?(?P<q>[一二三四1-4])\s*季度?", _quarter),
        (_B + r"(?:(?P<y>20\d\d)\s*-?\s*)?q(?P<q>[1-4])" + _E, _quarter),
        (
            r"(?:(?P<y>20\d\d)\s*年\s*)?(?P<m>\d{1,2}|十[一二]?|[一二三四五六七八九])\s*月(?:份)?",
            _month_cn,
        ),
        (r"今天|今日|当天", _offset(0)),
        (r"前天", _offset(2)),
        (r"昨天|昨日", _offset(1)),
        (_B + r"(?:today|tdy|2day|tonight)" + _E, _offset(0)),
        (_B + r"(?:yesterday|yday|yest|ystd)" + _E, _offset(1)),
        (
            _B + r"(?:this|current|the)\s+(?:week|wk)" + _E + r"|" + _B + r"wtd" + _E,
            _fixed("week", 0),
        ),
        (_B + r"(?:last|previous|prev|past)\s+(?:week|wk)" + _E, _fixed("week", -1)),
        (
            _B + r"(?:this|current|the)\s+(?:month|mo|mth)" + _E + r"|" + _B + r"mtd" + _E,
            _fixed("month", 0),
        ),
        (_B + r"(?:last|previous|prev|past)\s+(?:month|mo|mth)" + _E, _fixed("month", -1)),
        (
            _B + r"(?:this|current|the)\s+(?:quarter|qtr|q)" + _E + r"|" + _B + r"qtd" + _E,
            _fixed("quarter", 0),
        ),
        (_B + r"(?:last|previous|prev|past)\s+(?:quarter|qtr)" + _E, _fixed("quarter", -1)),
        (_B + r"(?:this\s+year|ytd)" + _E, _fixed("year", 0)),
        (_B + r"last\s+year" + _E, _fixed("year", -1)),
        (_B + r"(?:in\s+)?(?P<mn>" + _MONTH_RE[3:-1] + r")(?:\s+(?P<y>20\d\d))?" + _E, _month_en),
    )
)


def find_periods(text: str, today: dt.date) -> list[Span]:
    """Every period in `text` (lower-case, normalised), in the order written.

    Matches do not overlap: the earlier-listed pattern wins a place in the text.
    """
    taken: list[tuple[int, int]] = []
    found: list[Span] = []
    for pattern, resolve in _PATTERNS:
        for m in pattern.finditer(text):
            begin, stop = m.span()
            if any(begin < e and s < stop for s, e in taken):
                continue
            # "may" is a month and a verb: a month only after a preposition
            if m.groupdict().get("mn") == "may" and not re.search(
                r"(?:in|for|of|during)\s+may", text
            ):
                continue
            got = resolve(m, today)
            if got is None:
                continue
            start, end, kind = got
            open_end = resolve in (_since_cn, _since_en)
            taken.append((begin, stop))
            found.append(Span(start, end, kind, begin, stop, open_end))
    found += [
        s for s in _fallback(text, today) if not any(s.begin < e and b < s.stop for b, e in taken)
    ]
    return sorted(found, key=lambda s: s.begin)


_AGO = re.compile(r"(?<![a-z])(\d{1,3}|a|one|two|three)\s+(day|week|month)s?\s+ago(?![a-z])")


def _fallback(text: str, today: dt.date) -> list[Span]:
    """English relative forms our patterns do not read ("2 weeks ago"), through dateparser."""
    m = _AGO.search(text)
    if m is None:
        return []
    from dateparser.date import DateDataParser  # only when "… ago" is there: it is slow

    base = dt.datetime(today.year, today.month, today.day, 12)
    parser = DateDataParser(
        languages=["en"], settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past"}
    )
    data = parser.get_date_data(m.group(0))
    if data.date_obj is None:
        return []
    kind: PeriodKind = (
        "week" if m.group(2) == "week" else "month" if m.group(2) == "month" else "day"
    )
    return [whole(kind, data.date_obj.date(), m.start(), m.end())]
