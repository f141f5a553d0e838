"""Exports (issue 5 item 5): a team's reports and findings for a period, as data.

`build_export` reads the repository into an `ExportData` (no files here);
`bot.export.write` turns it into an .xlsx workbook or .csv files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import knowledge
from bot.clock import BadTimezoneError, zone
from bot.plans import Period
from bot.store.repository import Repository
from bot.store.rows import Number, PersonRow, TeamRow
from knowledge.rulebase import categories as category_defs
from knowledge.rulebase import rule_defs


@dataclass(frozen=True, slots=True)
class ReportLine:
    """One report message: when, whose, what it held."""

    date: dt.date
    team: str
    person_id: str
    person: str
    metrics: Mapping[str, Number]
    blockers: str
    next_steps: str
    text: str
    received: dt.datetime  # in the team's zone, without tzinfo (spreadsheets have none)


@dataclass(frozen=True, slots=True)
class FindingLine:
    """One finding of the rule base and whether it was acknowledged."""

    date: dt.date
    team: str
    rule: str
    title: str
    category: str
    subject_id: str
    subject: str
    severity: str
    message: str
    sent_to: str
    acknowledged: bool
    acknowledged_by: str
    acknowledged_on: dt.date | None


@dataclass(frozen=True, slots=True)
class PersonLine:
    """One person's period in a line: how often they reported, what they reported in sum."""

    person_id: str
    person: str
    team: str
    reports: int
    days: int
    metrics: Mapping[str, Number]
    findings: int


@dataclass(frozen=True, slots=True)
class ExportData:
    """Everything one export holds."""

    period: Period
    teams: tuple[TeamRow, ...]
    metrics: tuple[str, ...]  # the metric columns, canonical ones first
    reports: tuple[ReportLine, ...]
    findings: tuple[FindingLine, ...]
    people: tuple[PersonLine, ...]

    @property
    def label(self) -> str:
        """A name for the files: the team (or 'teams') and the period."""
        who = self.teams[0].id if len(self.teams) == 1 else "teams"
        safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in who)[:40]
        return f"execoach-{safe or 'team'}-{self.period.label}"


def _local(moment: dt.datetime, team: TeamRow | None) -> dt.datetime:
    try:
        tz = zone(team.timezone) if team and team.timezone else dt.UTC
    except BadTimezoneError:
        tz = dt.UTC
    return moment.astimezone(tz).replace(tzinfo=None)


def _metric_order(found: Sequence[str]) -> tuple[str, ...]:
    canonical = [m for m in knowledge.CANONICAL_METRICS if m in found]
    return tuple(canonical + sorted(set(found) - set(canonical)))


def build_export(
    repo: Repository,
    teams: Sequence[TeamRow],
    period: Period,
    lang: str,
    only_person: str | None = None,
) -> ExportData:
    """The reports and findings of `teams` over `period` (of one person when `only_person`)."""
    members: dict[str, tuple[PersonRow, TeamRow]] = {}
    for team in teams:
        for person in repo.people_in_team(team.id, active_only=False):
            if only_person is None or person.id == only_person:
                members[person.id] = (person, team)
    reports = repo.reports_between(list(members), period.start, period.end)
    metrics = _metric_order(sorted({m for r in reports for m in r.metrics}))
    report_lines = tuple(
        ReportLine(
            date=r.report_date,
            team=members[r.person_id][1].name,
            person_id=r.person_id,
            person=members[r.person_id][0].name,
            metrics=dict(r.metrics),
            blockers="; ".join(r.blockers),
            next_steps="; ".join(r.next_steps),
            text=r.raw_text,
            received=_local(r.received_at, members[r.person_id][1]),
        )
        for r in reports
    )
    finding_lines = _findings(repo, teams, members, period, lang, only_person)
    people = []
    for person_id, (person, team) in members.items():
        own = [r for r in reports if r.person_id == person_id]
        if person.role not in ("rep", "lead") and not own:
            continue
        sums: dict[str, Number] = {}
        for r in own:
            for metric, value in r.metrics.items():
                sums[metric] = sums.get(metric, 0) + value
        people.append(
            PersonLine(
                person_id=person_id,
                person=person.name,
                team=team.name,
                reports=len(own),
                days=len({r.report_date for r in own}),
                metrics=sums,
                findings=sum(1 for f in finding_lines if f.subject_id == person_id),
            )
        )
    return ExportData(
        period=period,
        teams=tuple(teams),
        metrics=metrics,
        reports=report_lines,
        findings=finding_lines,
        people=tuple(sorted(people, key=lambda p: (p.team, p.person))),
    )


def _findings(
    repo: Repository,
    teams: Sequence[TeamRow],
    members: Mapping[str, tuple[PersonRow, TeamRow]],
    period: Period,
    lang: str,
    only_person: str | None,
) -> tuple[FindingLine, ...]:
    by_team = {team.id: team for team in teams}
    names = {p.id: p.name for p in repo.people()}
    acks = {
        e.source_key[len("ack:") :]: e
        for e in repo.events(kinds=["acknowledgement"], start=period.start)
        if e.source_key and e.source_key.startswith("ack:")
    }
    rules = rule_defs()
    categories = category_defs()
    out: list[FindingLine] = []
    for f in repo.findings(since=period.start):
        if f.found_on > period.end:
            continue
        if f.subject in members:
            team = members[f.subject][1]
        elif f.subject in by_team and only_person is None:
            team = by_team[f.subject]
        else:
            continue
        ack = acks.get(str(f.id))
        rule = rules.get(f.rule)
        category = categories.get(f.category)
        out.append(
            FindingLine(
                date=f.found_on,
                team=team.name,
                rule=f.rule,
                title=rule.title.get(lang, f.rule) if rule else f.rule,
                category=category.name.get(lang, f.category) if category else f.category,
                subject_id=f.subject,
                subject=names.get(f.subject)
                or (by_team[f.subject].name if f.subject in by_team else f.subject),
                severity=f.severity,
                message=f.message,
                sent_to=", ".join(names.get(p, p) for p in f.sent_to),
                acknowledged=ack is not None,
                acknowledged_by=names.get(ack.by_id or "", ack.by_id or "") if ack else "",
                acknowledged_on=ack.date if ack else None,
            )
        )
    return tuple(out)
