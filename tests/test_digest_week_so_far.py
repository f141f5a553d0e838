"""The week so far: today counts once its reports are due (the team's reminder time, in its
zone) or once someone has reported today; the week-on-week comparison covers the same
days of both weeks and says it is partial."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.demo import bundled_scenario
from bot.digest.build import build_digest
from bot.digest.model import COMPARED, Digest
from bot.digest.render import render_digest
from bot.organisation import Organisation, open_organisation
from bot.plans import Period
from bot.store.repository import Repository

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
W12 = Period.parse("2026-W12")  # Mon 16 – Sun 22 March 2026
MONDAY, TUESDAY = dt.date(2026, 3, 16), dt.date(2026, 3, 17)


@pytest.fixture(scope="module")
def demo() -> Organisation:
    return open_organisation(str(bundled_scenario()), None, None, "en")


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=SHANGHAI)


def _digest(org: Organisation, now: dt.datetime, who: str = "li") -> Digest:
    return build_digest(org.repo, who, W12, now.date(), now)


def _reported(repo: Repository, pid: str, start: dt.date, end: dt.date) -> set[dt.date]:
    return {r.report_date for r in repo.reports_between([pid], start, end) if not r.withdrawn}


def _sum(repo: Repository, ids: list[str], metric: str, start: dt.date, end: dt.date) -> float:
    return float(
        sum(
            r.metrics.get(metric, 0)
            for r in repo.reports_between(ids, start, end)
            if not r.withdrawn
        )
    )


def _workdays(start: dt.date, end: dt.date) -> list[dt.date]:
    days = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
    return [d for d in days if d.weekday() < 5]


@pytest.mark.parametrize(
    ("now", "due_to"),
    [
        (_at(MONDAY, 9), MONDAY - dt.timedelta(days=1)),  # nothing due yet
        (_at(TUESDAY, 9), MONDAY),  # Monday due, Tuesday not before 18:00
        (_at(TUESDAY, 19), TUESDAY),  # after the reminder time: Tuesday too
    ],
)
def test_today_counts_once_due_or_reported(
    demo: Organisation, now: dt.datetime, due_to: dt.date
) -> None:
    (east,) = _digest(demo, now).scopes
    today = now.date()
    assert east.compared_to == due_to
    repo = demo.repo
    for row in east.rows:
        done = _reported(repo, row.id, W12.start, today)
        due = [d for d in _workdays(W12.start, today) if d <= due_to or d in done]
        assert (row.reported_days, row.due_days) == (len(done & set(due)), len(due)), row.id
    missing = {m.person_id: m.days for m in east.missing}
    liu_due = len(_workdays(W12.start, due_to))  # 刘洋 has not reported since 10 March
    assert missing.get("liu", 0) == liu_due
    if east.completion is not None:
        assert east.completion > 0  # never "0% done" for a day that is not over
    # the comparison: Monday..due_to against the same weekdays of the week before
    ids = [r.id for r in east.rows]
    week = {c.metric: c for c in east.compare}
    for metric in COMPARED:
        before = (W12.start - dt.timedelta(7), due_to - dt.timedelta(7))
        assert week[metric].week == pytest.approx(_sum(repo, ids, metric, W12.start, due_to))
        assert week[metric].before == pytest.approx(_sum(repo, ids, metric, *before))
    rows_week = sum(r.week.get("sales", 0.0) for r in east.rows)
    assert rows_week == pytest.approx(week["sales"].week)


def test_the_partial_week_says_which_days_it_compares(demo: Organisation) -> None:
    early = render_digest(_digest(demo, _at(MONDAY, 9)), "en", 10**9)[0]
    assert "no day's reports are due yet" in early and "-100%" not in early
    assert "还没有到期的日报" in render_digest(_digest(demo, _at(MONDAY, 9)), "zh", 10**9)[0]
    tuesday = _digest(demo, _at(TUESDAY, 9))
    assert "This week so far (Mon, partial)" in render_digest(tuesday, "en", 10**9)[0]
    evening = _digest(demo, _at(TUESDAY, 19))
    assert "本周至今（周一至周二，未满一周）" in render_digest(evening, "zh", 10**9)[0]
    # a complete week is compared whole, whatever the time
    done = build_digest(demo.repo, "li", Period.parse("2026-W11"), TUESDAY, _at(TUESDAY, 9))
    assert done.scopes[0].compared_to == dt.date(2026, 3, 15)
    assert "This week vs the week before" in render_digest(done, "en", 10**9)[0]


def test_the_teams_reminder_time_and_zone_decide() -> None:
    org = open_organisation(str(bundled_scenario()), None, None, "en")
    east = org.repo.team("east")
    assert east is not None
    # an early reminder time makes Tuesday due at 09:00 Shanghai
    org.repo.upsert_team(
        east.id,
        east.name,
        lead_id=east.lead_id,
        manager_id=east.manager_id,
        region=east.region,
        timezone=east.timezone,
        workdays=east.workdays,
        settings={**east.settings, "reminder_time": "08:00"},
    )
    assert _digest(org, _at(TUESDAY, 9)).scopes[0].compared_to == TUESDAY
    # in London it is still 01:00 on Tuesday: not due, whatever Shanghai's clock says
    org.repo.upsert_team(
        east.id,
        east.name,
        lead_id=east.lead_id,
        manager_id=east.manager_id,
        region=east.region,
        timezone="Europe/London",
        workdays=east.workdays,
        settings=east.settings,
    )
    assert _digest(org, _at(TUESDAY, 9)).scopes[0].compared_to == MONDAY
    # without a time of day (the command line's --today) the day counts as over
    plain = build_digest(org.repo, "li", W12, TUESDAY)
    assert plain.scopes[0].compared_to == TUESDAY
