"""The demo: the bundled organisation loaded into a fresh in-memory database and shown.

`make run` runs this until the bot itself exists, so a newcomer sees the
product work: reports read from free text, plan status per team and person,
open blockers.
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from datetime import timedelta
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.i18n import Lang, t

if TYPE_CHECKING:
    from bot.status import MetricStatus, TeamStatus
    from rules.model import Finding


DEMO_FINDINGS = 8


def bundled_scenario() -> Path:
    """The path of the bundled demo scenario."""
    return Path(str(resources.files("bot.demo").joinpath("demo.json")))


def run_demo(scenario_path: str | None, lang: Lang | None, *, as_json: bool = False) -> int:
    """Loads the scenario into memory and prints every team's status; returns 0."""
    from bot.findings import run_rules
    from bot.findings_view import render_findings_text
    from bot.report_view import format_number, metric_label
    from bot.scenario import load_scenario
    from bot.status import team_status
    from bot.status_view import render_team_status
    from bot.store.db import open_db
    from bot.store.importer import import_scenario
    from bot.store.repository import Repository
    from knowledge import CANONICAL_METRICS

    scenario = load_scenario(scenario_path or bundled_scenario())
    repo = Repository(open_db(":memory:"))
    summary = import_scenario(repo, scenario)
    today = scenario.today
    # the organisation's language (the one most of its people use) unless --lang
    spoken = Counter(p.lang for p in scenario.people)
    lang = lang or (spoken.most_common(1)[0][0] if spoken else "en")
    people = repo.people()
    # a finding's subject is a person or a team: the names of both, counted apart
    names = {p.id: p.name for p in people} | {team.id: team.name for team in repo.teams()}
    statuses = [team_status(repo, team, today) for team in repo.teams()]
    if as_json:
        print(json.dumps([_status_json(s) for s in statuses], ensure_ascii=False, default=str))
        return 0
    latest = max(
        (r.report_date for r in repo.reports_between(None, today - timedelta(days=31), today)),
        default=today,
    )
    reports = repo.reports_between(None, latest, latest)
    out = [
        t(
            "demo.title",
            lang,
            org=", ".join(s.team.name for s in statuses),
            teams=len(statuses),
            people=len(people),
            reports=summary.reports,
            date=today.isoformat(),
        ),
        "",
    ]
    for status in statuses:
        out += [render_team_status(status, lang, names), ""]
    if reports:
        out.append(t("demo.read_title", lang))
    for report in reports:
        order = {name: i for i, name in enumerate(CANONICAL_METRICS)}
        metrics = sorted(report.metrics.items(), key=lambda mv: (order.get(mv[0], 99), mv[0]))
        figures = " · ".join(
            f"{metric_label(m, lang)} {format_number(v, lang)}" for m, v in metrics
        )
        out.append(
            "  "
            + t(
                "demo.read_line",
                lang,
                name=names.get(report.person_id, report.person_id),
                date=report.report_date.isoformat(),
                figures=figures,
            )
        )
        if report.blockers:
            out.append(t("demo.read_blockers", lang, items="; ".join(report.blockers)))
        if report.next_steps:
            out.append(t("demo.read_next", lang, items="; ".join(report.next_steps)))
    findings = run_rules(repo, today)
    if findings:
        shown = _one_of_each_category_first(findings, DEMO_FINDINGS)
        out += ["", t("demo.findings_title", lang, shown=len(shown), count=len(findings))]
        out.append(render_findings_text(shown, today, lang, names))
        if len(findings) > len(shown):
            out.append(t("demo.findings_more", lang, more=len(findings) - len(shown)))
    out += ["", t("demo.footer", lang)]
    print("\n".join(out))
    return 0


def _one_of_each_category_first(findings: list[Finding], limit: int) -> list[Finding]:
    """The most serious finding of each category, then the next most serious overall."""
    firsts: dict[str, Finding] = {}
    for finding in findings:
        firsts.setdefault(finding.category, finding)
    chosen = list(firsts.values())
    chosen += [f for f in findings if f not in chosen][: max(limit - len(chosen), 0)]
    order = {id(f): i for i, f in enumerate(findings)}
    return sorted(chosen[:limit], key=lambda f: order[id(f)])


def _status_json(status: TeamStatus) -> dict[str, Any]:
    """A team's status as plain data (ids, ISO dates, the plan figures)."""

    def metric(m: MetricStatus) -> dict[str, Any]:
        return {"metric": m.metric, "figures": dataclasses.asdict(m.figures)}

    return {
        "team": {"id": status.team.id, "name": status.team.name},
        "period": status.period.label,
        "today": status.today.isoformat(),
        "elapsed": status.elapsed,
        "total": status.total,
        "totals": [metric(m) for m in status.totals],
        "people": [
            {
                "person": {"id": p.person.id, "name": p.person.name, "role": p.person.role},
                "metrics": [metric(m) for m in p.metrics],
                "reported_days": p.reported_days,
                "last_report": p.last_report.isoformat() if p.last_report else None,
            }
            for p in status.people
        ],
        "open_blockers": [
            {
                "person": b.person_id,
                "text": b.text,
                "times_seen": b.times_seen,
                "first_seen": b.first_seen.isoformat(),
                "last_seen": b.last_seen.isoformat(),
            }
            for b in status.open_blockers
        ],
    }
