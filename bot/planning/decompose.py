"""Splitting a target into months, weeks, days and people — exactly (pure, issue 7 item 2).

Every split works in whole *quanta* and hands out the units that do not divide
evenly by the largest remainder (ties to the earlier part), so the parts always
add back to the target exactly:

- counts (visits, orders …) split into whole units;
- money splits into whole units of the team's currency when the target is a
  whole number, else into cents (a target of 1,000.50 stays exact).

A year or quarter goes into months by the team's working days (or by monthly
weights); a month into days by its working days, a week being the sum of its
days; a team target across people equally, by weights, or by last period's
share (falling back to equal shares when nobody sold anything last period).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal

from bot.plans import Calendar, Period

WHOLE = Decimal(1)
CENT = Decimal("0.01")


def quantum_for(value: Decimal, money: bool) -> Decimal:
    """The unit a target is split in: cents for money with cents, else whole units."""
    if money and value != value.to_integral_value():
        return CENT
    return WHOLE


def split_exact(
    total: Decimal, weights: Sequence[float | Decimal], quantum: Decimal = WHOLE
) -> list[Decimal]:
    """`total` in parts proportional to `weights`, each a multiple of `quantum`, summing exactly.

    Largest remainder: each part gets the floor of its share, then the units left
    go to the largest remainders (the earlier part on a tie). All-zero weights
    count as equal weights. Raises ValueError on a negative weight or a total
    that is not a multiple of `quantum`.
    """
    if not weights:
        raise ValueError("nothing to split into")
    ws = [Decimal(str(w)) if not isinstance(w, Decimal) else w for w in weights]
    if any(w < 0 for w in ws):
        raise ValueError("a weight is negative")
    if sum(ws) == 0:
        ws = [Decimal(1)] * len(ws)
    units = total / quantum
    if units != units.to_integral_value():
        raise ValueError(f"{total} is not a whole number of {quantum}")
    whole = int(units)
    weight_sum = sum(ws)
    shares = [Decimal(whole) * w / weight_sum for w in ws]
    floors = [int(s) for s in shares]  # shares are >= 0, so int() is the floor
    left = whole - sum(floors)
    order = sorted(range(len(ws)), key=lambda i: (-(shares[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [Decimal(n) * quantum for n in floors]


def _working_days(calendar: Calendar, period: Period) -> list[dt.date]:
    """The period's working days; every calendar day when it has none."""
    days = calendar.workday_list(period.start, period.end)
    return days or list(period.days())


def months_by_workdays(
    total: Decimal, period: Period, calendar: Calendar, quantum: Decimal = WHOLE
) -> dict[Period, Decimal]:
    """A period's target split into the months it covers, by their working days."""
    months = period.months()
    weights = [
        calendar.workdays(max(m.start, period.start), min(m.end, period.end)) for m in months
    ]
    return dict(zip(months, split_exact(total, weights, quantum), strict=True))


def months_by_weights(
    total: Decimal, period: Period, weights: Sequence[float | Decimal], quantum: Decimal = WHOLE
) -> dict[Period, Decimal]:
    """A year's or quarter's target split into its months by the weights given (one a month)."""
    months = period.months()
    if len(weights) != len(months):
        raise ValueError(f"{period.label} has {len(months)} months, {len(weights)} weights given")
    return dict(zip(months, split_exact(total, weights, quantum), strict=True))


def days_of_month(
    total: Decimal, month: Period, calendar: Calendar, quantum: Decimal = WHOLE
) -> dict[dt.date, Decimal]:
    """A month's target over its working days (earlier days take the odd units)."""
    days = _working_days(calendar, month)
    return dict(zip(days, split_exact(total, [1] * len(days), quantum), strict=True))


def day_target(
    monthly: Mapping[Period, Decimal], day: dt.date, calendar: Calendar, quantum: Decimal = WHOLE
) -> Decimal:
    """The target of one day, from the targets of the months (0 on a day off)."""
    month = Period.containing("month", day)
    if month not in monthly:
        return Decimal(0)
    return days_of_month(monthly[month], month, calendar, quantum).get(day, Decimal(0))


def span_target(
    monthly: Mapping[Period, Decimal],
    period: Period,
    calendar: Calendar,
    quantum: Decimal = WHOLE,
) -> Decimal:
    """The target of any span (a week across a month end …): the sum of its days' targets."""
    total = Decimal(0)
    for month in period.months():
        if month not in monthly:
            continue
        per_day = days_of_month(monthly[month], month, calendar, quantum)
        total += sum((v for d, v in per_day.items() if period.contains(d)), Decimal(0))
    return total


def across_people(
    total: Decimal,
    people: Sequence[str],
    weights: Mapping[str, float | Decimal] | None = None,
    quantum: Decimal = WHOLE,
) -> dict[str, Decimal]:
    """A team target split across `people`: by `weights` (missing → 0), else equally.

    Last period's share is `weights` = each person's actual of the previous
    period (`previous_actuals` in the importer); all zero falls back to equal.
    """
    if not people:
        raise ValueError("nobody to split the target across")
    ws = (
        [Decimal(str((weights or {}).get(p, 0))) for p in people]
        if weights
        else [Decimal(1)] * len(people)
    )
    return dict(zip(people, split_exact(total, ws, quantum), strict=True))


def as_number(value: Decimal) -> int | float:
    """A split value as stored: an int for whole units, else a float with cents."""
    return int(value) if value == value.to_integral_value() else float(value)
