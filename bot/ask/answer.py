"""The numbers behind each kind of answer, as plain data (rendering is `render.py`).

Every builder takes a definite `Query` whose subjects are already inside the
asker's scope, and returns a JSON-ready dict.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.ask.figures import RangeFigures, figures_json, metric_rank, range_figures
from bot.ask.query import Query
from bot.ask.scope import Scope
from bot.ask.spans import Span
from bot.i18n import Lang
from bot.plans import calendar_for
from bot.store.repository import Repository
from bot.store.rows import PersonRow, TeamRow
from rules.model import Finding

BEHIND_PACE = 0.9  # under 90% of what should be done by now: behind; under 100%: at risk
Data = dict[str, Any]


def _teams(scope: Scope, subjects: tuple[str, ...]) -> list[TeamRow]:
    return [scope.all_teams[s] for s in subjects if s in scope.all_teams]


def _people(scope: Scope, subjects: tuple[str, ...]) -> list[PersonRow]:
    seen: dict[str, PersonRow] = {}
    for subject in subjects:
        for person in scope.members(subject):
            if subject in scope.all_teams and person.role not in ("rep", "lead"):
                continue
            seen.setdefault(person.id, person)
    return list(seen.values())


def _members(scope: Scope, subjects: tuple[str, ...]) -> list[PersonRow]:
    """Everyone a subject's figures sum over: all of a team's active members, as
    contracts §2 and `bot.status` sum a team, or the person."""
    seen: dict[str, PersonRow] = {}
    for subject in subjects:
        for person in scope.members(subject):
            seen.setdefault(person.id, person)
    return list(seen.values())


def _figures(repo: Repository, scope: Scope, q: Query, today: dt.date) -> RangeFigures:
    return range_figures(
        repo, _members(scope, q.subjects), _teams(scope, q.subjects), q.start, q.end, today
    )


def _metrics(fig: dict[str, Any], metric: str | None) -> dict[str, Any]:
    return {m: f for m, f in fig.items() if metric is None or m == metric}


def progress(repo: Repository, scope: Scope, q: Query, today: dt.date) -> Data:
    """Per subject: target, actual, pace, forecast, needed per day for each metric."""
    rf = _figures(repo, scope, q, today)
    items = []
    for subject in q.subjects:
        members = [p.id for p in _members(scope, (subject,))]
        team = subject if subject in scope.all_teams else None
        figs = _metrics(rf.combined(members, team), q.metric)
        actual_only = {
            m: round(sum(rf.actuals.get(pid, {}).get(m, 0.0) for pid in members), 2)
            for m in sorted(
                {m for pid in members for m in rf.actuals.get(pid, {})}, key=metric_rank
            )
            if m not in figs and (q.metric is None or m == q.metric)
        }
        outside = {  # done on days no target covers: shown, never in pace
            m: round(done - f.actual, 2)
            for m, f in figs.items()
            if (done := sum(rf.actuals.get(pid, {}).get(m, 0.0) for pid in members)) - f.actual
            > 0.005
        }
        items.append(
            {
                "id": subject,
                "kind": "team" if team else "person",
                "metrics": {m: figures_json(f) for m, f in figs.items()},
                "actual_only": actual_only,
                "untargeted": outside,
            }
        )
    return {"items": items, "elapsed": rf.elapsed, "total": rf.total}


def _pace_rows(
    repo: Repository, scope: Scope, q: Query, today: dt.date, by_worst: bool = False
) -> list[Data]:
    """Each person of the subjects with their pace on the metric asked; else on sales
    when targeted (a ranking), or on their worst-paced metric (`by_worst`: who is
    behind, as the digest sorts people)."""
    rf = _figures(repo, scope, q, today)
    rows = []
    for person in _people(scope, q.subjects):
        figs = _metrics(rf.person(person.id), q.metric)
        paced = [(f.pace, m, f) for m, f in figs.items() if f.pace is not None]
        if not paced:
            actual = rf.actuals.get(person.id, {}).get(q.metric or "sales")
            rows.append({"id": person.id, "pace": None, "metric": q.metric, "actual": actual})
            continue
        sales = [p for p in paced if p[1] == "sales"]
        pace, metric, fig = sales[0] if sales and not by_worst else min(paced, key=lambda x: x[0])
        rows.append(
            {"id": person.id, "pace": round(pace, 4), "metric": metric, **figures_json(fig)}
        )
    return rows


def behind(repo: Repository, scope: Scope, q: Query, today: dt.date) -> Data:
    rows = [r for r in _pace_rows(repo, scope, q, today, by_worst=True) if r["pace"] is not None]
    rows.sort(key=lambda r: r["pace"])
    return {
        "behind": [r for r in rows if r["pace"] < BEHIND_PACE],
        "at_risk": [r for r in rows if BEHIND_PACE <= r["pace"] < 1.0],
        "on_track": [r["id"] for r in rows if r["pace"] >= 1.0],
        "threshold": BEHIND_PACE,
    }


def ranking(repo: Repository, scope: Scope, q: Query, today: dt.date, top: int = 3) -> Data:
    rows = _pace_rows(repo, scope, q, today)
    by = "pace" if any(r["pace"] is not None for r in rows) else "actual"
    rows = [r for r in rows if r.get(by) is not None]
    rows.sort(key=lambda r: r[by], reverse=True)
    return {"by": by, "order": "worst" if q.worst else "best", "ranking": rows, "top": top}


def not_reported(repo: Repository, scope: Scope, q: Query, today: dt.date) -> Data:
    people = [p for p in _people(scope, q.subjects) if p.role == "rep" or p.id in q.subjects]
    teams = _teams(scope, q.subjects)
    calendar = calendar_for(teams[0].workdays if teams else "mon-fri")
    upto = min(q.end, today)
    days = calendar.workday_list(q.start, upto) if upto >= q.start else []
    reported = repo.report_days([p.id for p in people], q.start, upto)
    away = _on_leave(repo, [p.id for p in people], q.start, upto)
    latest = repo.last_report_days([p.id for p in people], upto)
    missing = []
    for person in people:
        gone = [
            d
            for d in days
            if d not in reported.get(person.id, set()) and d not in away.get(person.id, set())
        ]
        if gone:
            last = latest.get(person.id)
            missing.append(
                {
                    "id": person.id,
                    "missed_days": len(gone),
                    "days": [d.isoformat() for d in gone[-5:]],
                    "last_report": last.isoformat() if last else None,
                }
            )
    missing.sort(key=lambda m: -int(str(m["missed_days"])))
    return {"working_days": len(days), "missing": missing, "people": len(people)}


def _on_leave(
    repo: Repository, ids: list[str], start: dt.date, end: dt.date
) -> dict[str, set[dt.date]]:
    out: dict[str, set[dt.date]] = {}
    for event in repo.events(kinds=["leave"], end=end):
        if event.person_id not in ids:
            continue
        try:
            until = dt.date.fromisoformat(event.text)
        except ValueError:
            continue
        day = max(event.date, start)
        while day <= min(until, end):
            out.setdefault(event.person_id, set()).add(day)
            day += dt.timedelta(days=1)
    return out


def blockers(repo: Repository, scope: Scope, q: Query, today: dt.date) -> Data:
    ids = [p.id for p in _people(scope, q.subjects)]
    rows = repo.open_blockers(person_ids=ids)
    if q.explicit_period:
        rows = [b for b in rows if b.last_seen >= q.start and b.first_seen <= q.end]
    return {
        "open": [
            {
                "id": b.id,
                "person": b.person_id,
                "text": b.text,
                "first_seen": b.first_seen.isoformat(),
                "last_seen": b.last_seen.isoformat(),
                "times_seen": b.times_seen,
                "days_open": (today - b.first_seen).days,
            }
            for b in rows
        ]
    }


def person(repo: Repository, scope: Scope, q: Query, today: dt.date) -> Data:
    data = progress(repo, scope, q, today)
    pid = q.subjects[0]
    upto = min(q.end, today)
    days = repo.report_days([pid], q.start, upto).get(pid, set()) if upto >= q.start else set()
    last = repo.reports_between([pid], today - dt.timedelta(days=30), today)
    data["reported_days"] = len(days)
    data["last_report"] = last[-1].report_date.isoformat() if last else None
    data["next_steps"] = list(last[-1].next_steps[:3]) if last else []
    data["open_blockers"] = [b.text for b in repo.open_blockers(person_ids=[pid])][:3]
    return data


def compare(repo: Repository, scope: Scope, q: Query, today: dt.date) -> Data:
    """This period (to date) against the one named (else the one before); a period
    still running is set against the same number of days of the other."""
    span = Span(q.start, q.end, q.kind, -1, -1)
    prev = span.previous() if q.against is None else Span(*q.against, None, -1, -1)
    upto = min(q.end, today)
    to_date = upto < q.end
    prev_end = min(prev.end, today)
    if to_date:
        prev_end = min(prev_end, prev.start + (upto - q.start))
    people = _people(scope, q.subjects)
    ids = [p.id for p in people]
    now = repo.metric_totals(ids, q.start, upto) if upto >= q.start else {}
    before = repo.metric_totals(ids, prev.start, prev_end)
    metrics: dict[str, Any] = {}
    names = {m for per in (*now.values(), *before.values()) for m in per}
    for metric in sorted(names, key=metric_rank):
        if q.metric and metric != q.metric:
            continue
        a = float(sum(per.get(metric, 0) for per in now.values()))
        b = float(sum(per.get(metric, 0) for per in before.values()))
        metrics[metric] = {
            "current": a,
            "previous": b,
            "change": a - b,
            "change_pct": round((a - b) / b, 4) if b else None,
        }
    return {
        "current": {"start": q.start.isoformat(), "end": upto.isoformat(), "whole": _whole(span)},
        "previous": {
            "start": prev.start.isoformat(),
            "end": prev_end.isoformat(),
            "whole": _whole(prev),
        },
        "to_date": to_date,
        "metrics": metrics,
    }


def _whole(span: Span) -> dict[str, str]:
    """The whole period a compared part belongs to (its name: this week, March …)."""
    return {"start": span.start.isoformat(), "end": span.end.isoformat()}


_RULES_SEEN: dict[tuple[int, str, dt.date], tuple[tuple[int, int], list[Finding]]] = {}


def _team_findings(repo: Repository, team_id: str, today: dt.date) -> list[Finding]:
    """The rule base on one team, kept while nothing in the database changes."""
    from bot.findings import run_rules_for_team

    key, mark = (id(repo), team_id, today), repo.change_mark()
    kept = _RULES_SEEN.get(key)
    if kept is None or kept[0] != mark:
        if len(_RULES_SEEN) > 512:
            _RULES_SEEN.clear()
        kept = (mark, run_rules_for_team(repo, team_id, today))
        _RULES_SEEN[key] = kept
    return kept[1]


def findings(repo: Repository, scope: Scope, q: Query, today: dt.date) -> Data:
    from bot.findings_view import render_prompt, title

    lang: Lang = "zh" if q.lang == "zh" else "en"
    audience = "rep" if scope.asker.role == "rep" else "lead"
    if scope.asker.role in ("manager", "admin"):
        audience = "manager"
    teams = {p.team_id for p in _people(scope, q.subjects) if p.team_id}
    teams |= {t.id for t in _teams(scope, q.subjects)}
    people = {p.id for p in _people(scope, q.subjects)}
    wanted = set(q.subjects) | people
    out = []
    severity = {"high": 0, "medium": 1, "low": 2}
    for team_id in sorted(teams):
        for f in _team_findings(repo, team_id, today):
            if f.subject not in wanted or (q.category and f.category != q.category):
                continue
            who = audience if audience in f.audience else f.audience[0]
            if audience == "rep" and "rep" not in f.audience:
                continue
            name = (
                scope.everyone[f.subject].name
                if f.subject in scope.everyone
                else (
                    scope.all_teams[f.subject].name if f.subject in scope.all_teams else f.subject
                )
            )
            out.append(
                {
                    "rule": f.rule,
                    "category": f.category,
                    "subject": f.subject,
                    "severity": f.severity,
                    "title": title(f, lang),
                    "message": render_prompt(f, who, lang, name),
                }
            )
    out.sort(key=lambda f: severity.get(f["severity"], 3))
    return {"category": q.category, "findings": out}
