"""Periods, working-day calendars and the plan arithmetic of contracts §1 and §2."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.plans import (
    PERIOD_KINDS,
    WORKDAY_CALENDARS,
    Calendar,
    ChineseCalendar,
    Period,
    PeriodKind,
    PlanFigures,
    attainment,
    calendar_for,
    figures_from_counts,
    plan_figures,
    progress,
    team_figures,
)

D = date
MON_FRI = calendar_for("mon-fri")
MON_SAT = calendar_for("mon-sat")
CN = calendar_for("cn")

# --- periods ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "start", "end"),
    [
        ("2026", "year", D(2026, 1, 1), D(2026, 12, 31)),
        ("2026-Q1", "quarter", D(2026, 1, 1), D(2026, 3, 31)),
        ("2026-Q2", "quarter", D(2026, 4, 1), D(2026, 6, 30)),
        ("2026-Q4", "quarter", D(2026, 10, 1), D(2026, 12, 31)),
        ("2026-03", "month", D(2026, 3, 1), D(2026, 3, 31)),
        ("2026-12", "month", D(2026, 12, 1), D(2026, 12, 31)),
        ("2024-02", "month", D(2024, 2, 1), D(2024, 2, 29)),
        ("2026-02", "month", D(2026, 2, 1), D(2026, 2, 28)),
        ("2026-W11", "week", D(2026, 3, 9), D(2026, 3, 15)),
        ("2026-W01", "week", D(2025, 12, 29), D(2026, 1, 4)),
        ("2026-W53", "week", D(2026, 12, 28), D(2027, 1, 3)),
        ("2020-W53", "week", D(2020, 12, 28), D(2021, 1, 3)),
        ("2026-03-18", "day", D(2026, 3, 18), D(2026, 3, 18)),
        ("2024-02-29", "day", D(2024, 2, 29), D(2024, 2, 29)),
        ("1900", "year", D(1900, 1, 1), D(1900, 12, 31)),
        (" 2026-03 ", "month", D(2026, 3, 1), D(2026, 3, 31)),
    ],
)
def test_parse(text: str, kind: str, start: date, end: date) -> None:
    period = Period.parse(text)
    assert (period.kind, period.start, period.end) == (kind, start, end)
    assert period.label == text.strip()
    assert str(period) == text.strip()


def test_iso_week_facts_used_above() -> None:
    assert date.fromisocalendar(2026, 53, 1) == D(2026, 12, 28)  # 2026 has 53 ISO weeks
    with pytest.raises(ValueError, match="week"):
        date.fromisocalendar(2025, 53, 1)  # 2025 has 52


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("2026-13", "month"),
        ("2026-00", "month"),
        ("2026-Q5", "quarter 5"),
        ("2026-Q0", "quarter 0"),
        ("2025-W53", "week"),
        ("2026-W54", "week"),
        ("2026-W00", "week"),
        ("2026-02-30", "day"),
        ("2025-02-29", "day"),
        ("1899", "1899"),
        ("3000-01", "3000"),
        ("26-03", "not a period"),
        ("2026-3", "not a period"),
        ("2026-W1", "not a period"),
        ("2026/03", "not a period"),
        ("2026-03-18T10:00", "not a period"),
        ("March", "not a period"),
        ("", "not a period"),
    ],
)
def test_parse_rejects(text: str, hint: str) -> None:
    with pytest.raises(ValueError, match=hint) as caught:
        Period.parse(text)
    assert repr(text) in str(caught.value)
    if "outside" not in str(caught.value):
        assert "2026-W11" in str(caught.value)  # names the accepted forms


@pytest.mark.parametrize(
    ("kind", "day", "label"),
    [
        ("year", D(2026, 3, 18), "2026"),
        ("quarter", D(2026, 3, 18), "2026-Q1"),
        ("quarter", D(2026, 7, 1), "2026-Q3"),
        ("month", D(2026, 3, 18), "2026-03"),
        ("week", D(2026, 3, 18), "2026-W12"),
        ("week", D(2027, 1, 1), "2026-W53"),
        ("week", D(2025, 12, 31), "2026-W01"),
        ("day", D(2026, 3, 18), "2026-03-18"),
    ],
)
def test_containing(kind: PeriodKind, day: date, label: str) -> None:
    period = Period.containing(kind, day)
    assert period.label == label
    assert period.contains(day)
    assert not period.contains(period.start - timedelta(days=1))
    assert not period.contains(period.end + timedelta(days=1))


def test_constructor_refuses_partial_periods() -> None:
    with pytest.raises(ValueError, match="not a whole month"):
        Period("month", D(2026, 3, 2), D(2026, 3, 31))
    with pytest.raises(ValueError, match="unknown period kind"):
        Period("fortnight", D(2026, 3, 2), D(2026, 3, 15))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown period kind"):
        Period.containing("decade", D(2026, 3, 2))  # type: ignore[arg-type]


def test_days_months_and_shift() -> None:
    week = Period.parse("2026-W14")
    assert list(week.days()) == [D(2026, 3, 30) + timedelta(days=i) for i in range(7)]
    assert week.day_count == 7
    assert [m.label for m in week.months()] == ["2026-03", "2026-04"]
    assert [m.label for m in Period.parse("2026-Q1").months()] == ["2026-01", "2026-02", "2026-03"]
    assert [m.label for m in Period.parse("2026-03-18").months()] == ["2026-03"]
    assert len(Period.parse("2026-03").overlapping("week")) == 6  # W09..W14
    assert Period.parse("2024").day_count == 366


@pytest.mark.parametrize(
    ("text", "n", "expected"),
    [
        ("2026-01", -1, "2025-12"),
        ("2026-03", 10, "2027-01"),
        ("2026-Q1", -1, "2025-Q4"),
        ("2026", 1, "2027"),
        ("2026-W01", -1, "2025-W52"),
        ("2026-W53", 1, "2027-W01"),
        ("2026-03-01", -1, "2026-02-28"),
        ("2026-03", 0, "2026-03"),
    ],
)
def test_shift(text: str, n: int, expected: str) -> None:
    assert Period.parse(text).shift(n) == Period.parse(expected)


def test_periods_are_hashable_and_sortable() -> None:
    labels = ["2026-03-18", "2026-W12", "2026-03", "2026-Q1", "2026", "2025-12", "2026-03-02"]
    periods = [Period.parse(s) for s in labels]
    assert len({*periods, Period.parse("2026-03")}) == len(periods)
    ordered = [p.label for p in sorted(periods)]
    assert ordered == [
        "2025-12",
        "2026",
        "2026-Q1",
        "2026-03",
        "2026-03-02",
        "2026-W12",
        "2026-03-18",
    ]
    assert Period.parse("2026-03") < Period.parse("2026-04")
    assert max(periods) == Period.parse("2026-03-18")


@given(st.dates(min_value=D(1901, 1, 1), max_value=D(2998, 12, 31)), st.sampled_from(PERIOD_KINDS))
def test_label_round_trips(day: date, kind: PeriodKind) -> None:
    period = Period.containing(kind, day)
    assert Period.parse(period.label) == period
    assert period.start <= day <= period.end


# --- calendars -------------------------------------------------------------------------


def test_calendar_for() -> None:
    assert WORKDAY_CALENDARS == ("mon-fri", "mon-sat", "cn")
    for name in WORKDAY_CALENDARS:
        assert calendar_for(name).name == name
        assert isinstance(calendar_for(name), Calendar)
    assert calendar_for(" CN ") is CN
    with pytest.raises(ValueError, match="mon-fri, mon-sat, cn") as caught:
        calendar_for("us")
    assert "'us'" in str(caught.value)


@pytest.mark.parametrize(
    ("period", "mon_fri", "mon_sat", "cn"),
    [
        ("2026-03", 22, 26, 22),
        ("2026-04", 22, 26, 21),  # Qingming: Monday April 6 off, no make-up day
        ("2026-02", 20, 24, 16),  # Spring Festival: 6 weekdays off, Sat 14 + Sat 28 worked
        ("2026-10", 22, 27, 18),  # National Day: 5 weekdays off, Sat 10 worked
        ("2026-W15", 5, 6, 4),  # Mon 6 April is the Qingming holiday
        ("2026-W11", 5, 6, 5),
        ("2026", 261, 313, 248),  # 19 weekday holidays, 6 make-up weekend days
        ("2026-03-21", 0, 1, 0),  # a Saturday
        ("2026-03-18", 1, 1, 1),
    ],
)
def test_workday_counts(period: str, mon_fri: int, mon_sat: int, cn: int) -> None:
    p = Period.parse(period)
    counts = [cal.workdays(p.start, p.end) for cal in (MON_FRI, MON_SAT, CN)]
    assert counts == [mon_fri, mon_sat, cn]
    assert [len(cal.workday_list(p.start, p.end)) for cal in (MON_FRI, MON_SAT, CN)] == counts


def test_qingming_2026_on_cn() -> None:
    around = CN.workday_list(D(2026, 3, 28), D(2026, 4, 12))
    assert around == [
        *(D(2026, 3, d) for d in (30, 31)),
        *(D(2026, 4, d) for d in (1, 2, 3, 7, 8, 9, 10)),
    ]
    for day in (D(2026, 4, 4), D(2026, 4, 5), D(2026, 4, 6)):
        assert not CN.is_workday(day)
    assert MON_FRI.is_workday(D(2026, 4, 6))
    # no weekend day near Qingming is worked in lieu
    assert not any(CN.is_workday(D(2026, m, d)) for m, d in ((3, 28), (3, 29), (4, 11), (4, 12)))


@pytest.mark.parametrize(
    "day",
    [D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28), D(2026, 5, 9), D(2026, 9, 20), D(2026, 10, 10)],
)
def test_cn_make_up_working_weekends_2026(day: date) -> None:
    assert day.weekday() >= 5
    assert CN.is_workday(day)
    assert not MON_FRI.is_workday(day)
    assert CN.workdays(day, day) == 1
    assert MON_FRI.workdays(day, day) == 0


@pytest.mark.parametrize(
    "day", [D(2026, 1, 1), D(2026, 2, 16), D(2026, 5, 5), D(2026, 6, 19), D(2026, 10, 7)]
)
def test_cn_weekday_holidays_2026(day: date) -> None:
    assert day.weekday() < 5
    assert not CN.is_workday(day)
    assert MON_FRI.is_workday(day)


def test_counts_across_years_and_empty_ranges() -> None:
    assert CN.workday_list(D(2025, 12, 29), D(2026, 1, 5)) == [
        D(2025, 12, 29),
        D(2025, 12, 30),
        D(2025, 12, 31),
        D(2026, 1, 4),
        D(2026, 1, 5),
    ]
    assert CN.workdays(D(2025, 12, 29), D(2026, 1, 5)) == 5
    assert MON_FRI.workdays(D(2024, 1, 1), D(2026, 12, 31)) == 262 + 261 + 261
    for cal in (MON_FRI, MON_SAT, CN):
        assert cal.workdays(D(2026, 3, 18), D(2026, 3, 17)) == 0
        assert cal.workday_list(D(2026, 3, 18), D(2026, 3, 17)) == []


def test_cn_falls_back_to_mon_fri_for_2027_and_says_so() -> None:
    cal = ChineseCalendar()
    assert cal.covers(2026)
    assert cal.fallback_years == frozenset()
    year = Period.parse("2027")
    assert cal.workdays(year.start, year.end) == MON_FRI.workdays(year.start, year.end)
    assert cal.fallback_years == {2027}
    assert not cal.covers(2027)
    assert not cal.covers(2003)
    assert cal.fallback_years == {2003, 2027}
    assert MON_FRI.covers(2027)
    assert MON_SAT.covers(1950)
    assert cal.is_workday(D(2027, 1, 1))  # a Friday; the real calendar would rest


def _naive_is_workday(name: str, day: date) -> bool:
    if name == "mon-fri":
        return day.weekday() < 5
    if name == "mon-sat":
        return day.weekday() < 6
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


@given(
    st.sampled_from(WORKDAY_CALENDARS),
    st.dates(min_value=D(2024, 1, 1), max_value=D(2027, 12, 31)),
    st.integers(min_value=-3, max_value=800),
)
def test_workdays_equals_naive_count(name: str, start: date, span: int) -> None:
    end = start + timedelta(days=span)
    days = [start + timedelta(days=i) for i in range(span + 1)]
    expected = [d for d in days if _naive_is_workday(name, d)]
    cal = calendar_for(name)
    assert cal.workdays(start, end) == len(expected)
    assert cal.workday_list(start, end) == expected
    assert all(cal.is_workday(d) == (d in expected) for d in days[:20])


# --- the arithmetic --------------------------------------------------------------------

MARCH = Period.parse("2026-03")


def test_march_example_by_hand() -> None:
    # March 2026 on mon-fri: 22 working days; 2..6, 9..13, 16..18 = 13 by the 18th.
    f = plan_figures(300000, 150000, MARCH, D(2026, 3, 18), MON_FRI)
    assert (f.elapsed, f.total, f.remaining) == (13, 22, 9)
    assert f.expected == pytest.approx(300000 * 13 / 22)  # 177272.73
    assert f.pace == pytest.approx(11 / 13)  # 0.846
    assert f.forecast == pytest.approx(150000 * 22 / 13)  # 253846.15
    assert f.needed_per_day == pytest.approx(150000 / 9)  # 16666.67
    assert f.gap == 150000
    assert not f.met


@pytest.mark.parametrize(
    ("today", "elapsed"),
    [
        (D(2026, 2, 27), 0),
        (D(2026, 3, 1), 0),  # a Sunday before the first working day
        (D(2026, 3, 2), 1),
        (D(2026, 3, 14), 10),  # Saturday counts what was done up to Friday
        (D(2026, 3, 31), 22),
        (D(2026, 4, 15), 22),
    ],
)
def test_elapsed(today: date, elapsed: int) -> None:
    assert progress(MARCH, today, MON_FRI) == (elapsed, 22)


def test_today_before_the_period() -> None:
    f = plan_figures(220, 0, MARCH, D(2026, 2, 20), MON_FRI)
    assert (f.elapsed, f.remaining, f.expected) == (0, 22, 0)
    assert f.pace is None
    assert f.forecast is None
    assert f.needed_per_day == pytest.approx(10)


def test_today_after_the_period_missed_and_met() -> None:
    missed = plan_figures(220, 200, MARCH, D(2026, 4, 2), MON_FRI)
    assert (missed.elapsed, missed.remaining, missed.expected) == (22, 0, 220)
    assert missed.pace == pytest.approx(200 / 220)
    assert missed.forecast == pytest.approx(200)
    assert missed.needed_per_day is None
    assert missed.gap == 20
    met = plan_figures(220, 250, MARCH, D(2026, 4, 2), MON_FRI)
    assert met.needed_per_day == 0
    assert met.gap == 0
    assert met.met


def test_met_early_needs_nothing() -> None:
    f = plan_figures(100, 130, MARCH, D(2026, 3, 18), MON_FRI)
    assert f.needed_per_day == 0
    assert f.gap == 0
    assert f.pace == pytest.approx(130 / (100 * 13 / 22))


def test_period_without_working_days() -> None:
    saturday = Period.parse("2026-03-21")
    missed = plan_figures(10, 0, saturday, D(2026, 3, 21), MON_FRI)
    assert (missed.elapsed, missed.total, missed.remaining) == (0, 0, 0)
    assert missed.expected is None
    assert missed.pace is None
    assert missed.forecast is None
    assert missed.needed_per_day is None
    assert plan_figures(10, 12, saturday, D(2026, 3, 21), MON_FRI).needed_per_day == 0


def test_zero_target() -> None:
    f = plan_figures(0, 5, MARCH, D(2026, 3, 18), MON_FRI)
    assert f.expected == 0
    assert f.pace is None
    assert f.needed_per_day == 0


def test_cn_calendar_changes_the_figures() -> None:
    april = Period.parse("2026-04")
    cn = plan_figures(2100, 500, april, D(2026, 4, 8), CN)  # 1,2,3,7,8
    fri = plan_figures(2100, 500, april, D(2026, 4, 8), MON_FRI)  # 1,2,3,6,7,8
    assert (cn.elapsed, cn.total) == (5, 21)
    assert (fri.elapsed, fri.total) == (6, 22)
    assert cn.expected == pytest.approx(500)
    assert cn.pace == pytest.approx(1.0)


def test_team_sums_not_averages() -> None:
    a = figures_from_counts(100, 50, elapsed=10, total=20)  # pace 1.0
    b = figures_from_counts(300, 0, elapsed=10, total=20)  # pace 0.0
    team = team_figures([a, b])
    assert (team.target, team.actual, team.elapsed, team.total) == (400, 50, 10, 20)
    assert team.pace == pytest.approx(50 / 200)  # not (1.0 + 0.0) / 2
    assert team.forecast == pytest.approx(100)
    assert team.needed_per_day == pytest.approx(35)
    assert team.gap == 350
    over = figures_from_counts(100, 200, elapsed=10, total=20)
    assert team_figures([over, b]).gap == 200  # the surplus offsets the shortfall: not 0 + 300


def test_team_figures_refuses_bad_input() -> None:
    with pytest.raises(ValueError, match="at least one"):
        team_figures([])
    with pytest.raises(ValueError, match="disagree"):
        team_figures([figures_from_counts(1, 1, 1, 2), figures_from_counts(1, 1, 2, 2)])


def test_attainment() -> None:
    assert attainment(150, 300) == pytest.approx(0.5)
    assert attainment(0, 300) == 0
    assert attainment(5, 0) is None


money = st.integers(min_value=0, max_value=10**11).map(lambda cents: cents / 100)


@given(money, money, st.integers(min_value=0, max_value=30), st.integers(min_value=0, max_value=30))
def test_arithmetic_identities(target: float, actual: float, a: int, b: int) -> None:
    elapsed, total = min(a, b), max(a, b)
    f = figures_from_counts(target, actual, elapsed, total)
    assert isinstance(f, PlanFigures)
    assert f.remaining == total - elapsed >= 0
    assert f.gap == max(target - actual, 0)
    if f.pace is not None and f.forecast is not None:
        assert f.forecast == pytest.approx(target * f.pace)
    if f.needed_per_day is not None and not f.met:
        assert f.needed_per_day * f.remaining == pytest.approx(target - actual)
    assert (f.needed_per_day is None) == (not f.met and f.remaining == 0)
