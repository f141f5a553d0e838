"""Decomposition sums back to the target exactly, on mon-fri and on the Chinese calendar."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from bot.planning.decompose import (
    CENT,
    across_people,
    day_target,
    days_of_month,
    months_by_weights,
    months_by_workdays,
    quantum_for,
    span_target,
    split_exact,
)
from bot.plans import Period, calendar_for

TARGETS = [Decimal(v) for v in ("1000000", "999999", "7", "0", "123457", "3000001")]


@pytest.mark.parametrize("calendar_name", ["mon-fri", "cn", "mon-sat"])
@pytest.mark.parametrize("period", ["2026", "2026-Q1", "2026-Q4", "2025-Q3"])
@pytest.mark.parametrize("total", TARGETS)
def test_months_sum_exactly_and_follow_working_days(
    calendar_name: str, period: str, total: Decimal
) -> None:
    calendar = calendar_for(calendar_name)
    span = Period.parse(period)
    months = months_by_workdays(total, span, calendar)
    assert sum(months.values()) == total
    assert all(v == v.to_integral_value() and v >= 0 for v in months.values())
    workdays = {m: calendar.workdays(m.start, m.end) for m in months}
    all_days = sum(workdays.values())
    for month, value in months.items():
        exact = total * workdays[month] / all_days  # each month within one unit of its share
        assert abs(value - exact) < 1, (month, value, exact)


def test_the_chinese_calendar_gives_february_2026_less_than_mon_fri() -> None:
    total = Decimal(1_000_000)
    cn = months_by_workdays(total, Period.parse("2026-Q1"), calendar_for("cn"))
    plain = months_by_workdays(total, Period.parse("2026-Q1"), calendar_for("mon-fri"))
    feb = Period.parse("2026-02")
    assert cn[feb] < plain[feb]  # the Spring Festival holiday
    assert sum(cn.values()) == sum(plain.values()) == total


@pytest.mark.parametrize("calendar_name", ["mon-fri", "cn"])
@pytest.mark.parametrize("month", ["2026-02", "2026-10", "2026-03"])
def test_days_and_weeks_add_up_to_the_month(calendar_name: str, month: str) -> None:
    calendar = calendar_for(calendar_name)
    span = Period.parse(month)
    total = Decimal(300_001)
    days = days_of_month(total, span, calendar)
    assert sum(days.values()) == total
    assert set(days) == set(calendar.workday_list(span.start, span.end))
    assert max(days.values()) - min(days.values()) <= 1
    monthly = {span: total}
    weeks = span.overlapping("week")
    assert sum(span_target(monthly, w, calendar) for w in weeks) == total
    for d in span.days():
        assert day_target(monthly, d, calendar) == days.get(d, 0)


def test_a_week_across_a_month_end_takes_from_both_months() -> None:
    calendar = calendar_for("mon-fri")
    march, april = Period.parse("2026-03"), Period.parse("2026-04")
    monthly = {march: Decimal(220), april: Decimal(440)}
    week = Period.containing("week", dt.date(2026, 3, 31))  # Mon 30 Mar .. Sun 5 Apr
    expected = sum(
        v for d, v in days_of_month(monthly[march], march, calendar).items() if week.contains(d)
    ) + sum(
        v for d, v in days_of_month(monthly[april], april, calendar).items() if week.contains(d)
    )
    assert span_target(monthly, week, calendar) == expected
    assert expected == 10 * 2 + 20 * 3  # 22 and 22 working days: 10 a day, then 20 a day


def test_money_with_cents_splits_into_cents_exactly() -> None:
    total = Decimal("100000.05")
    quantum = quantum_for(total, money=True)
    assert quantum == CENT
    parts = months_by_workdays(total, Period.parse("2026-Q2"), calendar_for("cn"), quantum)
    assert sum(parts.values()) == total
    assert all(p == p.quantize(CENT) for p in parts.values())
    assert quantum_for(Decimal(100000), money=True) == 1
    assert quantum_for(Decimal(5), money=False) == 1


def test_monthly_weights_given_in_the_file() -> None:
    parts = months_by_weights(Decimal(1000), Period.parse("2026-Q1"), [1, 1, 2])
    assert list(parts.values()) == [250, 250, 500]
    with pytest.raises(ValueError, match="3 months, 2 weights"):
        months_by_weights(Decimal(1000), Period.parse("2026-Q1"), [1, 2])


def test_a_team_target_across_people() -> None:
    people = ["a", "b", "c"]
    equal = across_people(Decimal(100), people)
    assert sorted(equal.values()) == [33, 33, 34] and sum(equal.values()) == 100
    assert equal["a"] == 34  # the earlier person takes the odd unit on a tie
    weighted = across_people(Decimal(1000), people, {"a": 2, "b": 1, "c": 1})
    assert weighted == {"a": 500, "b": 250, "c": 250}
    share = across_people(Decimal(999), people, {"a": 30000, "b": 0, "c": 10000})
    assert share == {"a": 749, "b": 0, "c": 250}  # 749.25 and 249.75: c has the larger rest
    nobody_sold = across_people(Decimal(9), people, {"a": 0, "b": 0, "c": 0})
    assert list(nobody_sold.values()) == [3, 3, 3]


@pytest.mark.parametrize("weights", [[1], [3, 7], [0, 0, 1], [1] * 31, [0.1, 0.2, 0.7]])
@pytest.mark.parametrize("total", [0, 1, 99, 1_000_003])
def test_split_exact_always_sums(weights: list[float], total: int) -> None:
    parts = split_exact(Decimal(total), weights)
    assert sum(parts) == total
    assert all(p >= 0 for p in parts)
    with pytest.raises(ValueError, match="negative"):
        split_exact(Decimal(total), [-1, *weights])
