"""Exports (issue 5 item 5): a team's reports and findings for a period, as data.

`build_export` reads the repository into an `ExportData` (no files here);
`bot.export.write` turns it into an .xlsx workbook or .csv files.

Findings come from two sources, each row saying which (`FindingLine.source`):
`sent` — what the bot sent and recorded during the period (its prompts to reps
in report replies, its messages to leads); `rule_base` — what the rule base finds
as of the period's last day, or `today` if sooner (what `execoach check` and the
digest see), when the caller gives `today`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import knowledge
from bot.clock import BadTimezoneError, zone
from bot.plans import Period
from bot.store.repository import Repository
from bot.store.rows import EventRow, Number, PersonRow, TeamRow
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
    source: str = "sent"  # sent (recorded by the bot) | rule_base (found as of ExportData.as_of)


@dataclass(frozen=True, slots=True)
class PersonLine:
    """One person's period in a line: how often they reported, what they reported in sum."""

    person_id: str
    person: str
    team: str
    reports: int
    days: int
    metrics: Mapping[str, Number]
    findings: int  # sent
    found: int = 0  # by the rule base as of ExportData.as_of


@dataclass(frozen=True, slots=True)
class ExportData:
    """Everything one export holds."""

    period: Period
    teams: tuple[TeamRow, ...]
    metrics: tuple[str, ...]  # the metric columns, canonical ones first
    reports: tuple[ReportLine, ...]
    findings: tuple[FindingLine, ...]
    people: tuple[PersonLine, ...]
    as_of: dt.date | None = None  # the day the rule base's findings are as of (None: not run)

    @property
    def sent(self) -> int:
        """How many findings the bot sent and recorded."""
        return sum(1 for f in self.findings if f.source == "sent")

    @property
    def found(self) -> int:
        """How many findings the rule base finds as of `as_of`."""
        return sum(1 for f in self.findings if f.source == "rule_base")

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
    *,
    today: dt.date | None = None,
) -> ExportData:
    """The reports and findings of `teams` over `period` (of one person when `only_person`).

    With `today`, the rule base's findings as of min(period end, today) are added too."""
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
    as_of = min(period.end, today) if today is not None else None
    if as_of is not None and as_of < period.start:
        as_of = None  # a period still to come: nothing to find yet
    finding_lines = _findings(repo, teams, members, period, lang, only_person, as_of)
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
                findings=sum(
                    1 for f in finding_lines if f.subject_id == person_id and f.source == "sent"
                ),
                found=sum(
                    1
                    for f in finding_lines
                    if f.subject_id == person_id and f.source == "rule_base"
                ),
            )
        )
    return ExportData(
        period=period,
        teams=tuple(teams),
        metrics=metrics,
        reports=report_lines,
        findings=finding_lines,
        people=tuple(sorted(people, key=lambda p: (p.team, p.person))),
        as_of=as_of,
    )


def _findings(
    repo: Repository,
    teams: Sequence[TeamRow],
    members: Mapping[str, tuple[PersonRow, TeamRow]],
    period: Period,
    lang: str,
    only_person: str | None,
    as_of: dt.date | None,
) -> tuple[FindingLine, ...]:
    by_team = {team.id: team for team in teams}
    names = {p.id: p.name for p in repo.people()}
    acks = _Acks(repo.events(kinds=["acknowledgement"], start=period.start))
    rules = rule_defs()
    categories = category_defs()

    def team_of(subject: str) -> TeamRow | None:
        if subject in members:
            return members[subject][1]
        return by_team[subject] if subject in by_team and only_person is None else None

    def line(
        day: dt.date, team: TeamRow, rule_id: str, category_id: str, subject: str, **rest: Any
    ) -> FindingLine:
        rule = rules.get(rule_id)
        category = categories.get(category_id)
        ack = rest.pop("ack")
        return FindingLine(
            date=day,
            team=team.name,
            rule=rule_id,
            title=rule.title.get(lang, rule_id) if rule else rule_id,
            category=category.name.get(lang, category_id) if category else category_id,
            subject_id=subject,
            subject=names.get(subject)
            or (by_team[subject].name if subject in by_team else subject),
            acknowledged=ack is not None,
            acknowledged_by=names.get(ack.by_id or "", ack.by_id or "") if ack else "",
            acknowledged_on=ack.date if ack else None,
            **rest,
        )

    out: list[FindingLine] = []
    for f in repo.findings(since=period.start):
        team = team_of(f.subject)
        if f.found_on > period.end or team is None:
            continue
        # a rep's prompt went out in the reply to their report (recorded as for `rep`)
        sent_to = f.sent_to or ((f.subject,) if (f.cooldown_key or "").endswith("@rep") else ())
        out.append(
            line(
                f.found_on, team, f.rule, f.category, f.subject,
                severity=f.severity,
                message=f.message,
                sent_to=", ".join(names.get(p, p) for p in sent_to),
                ack=acks.of(f.id, f.rule, f.subject, f.found_on),
            )
        )  # fmt: skip
    if as_of is not None:
        out += _rule_base(repo, as_of, team_of, line, names, lang, acks, period.start)
    return tuple(out)


def _rule_base(
    repo: Repository,
    as_of: dt.date,
    team_of: Callable[[str], TeamRow | None],
    line: Callable[..., FindingLine],
    names: Mapping[str, str],
    lang: str,
    acks: _Acks,
    start: dt.date,
) -> list[FindingLine]:
    """The rule base's findings as of `as_of` about the exported people and teams."""
    from bot.findings import run_rules
    from bot.findings_view import render_prompt
    from bot.i18n import normalise_lang

    out = []
    for f in run_rules(repo, as_of):
        team = team_of(f.subject)
        if team is None:
            continue
        audience = f.audience[0] if f.audience else "lead"
        message = render_prompt(f, audience, normalise_lang(lang), names.get(f.subject, f.subject))
        out.append(
            line(
                as_of, team, f.rule, f.category, f.subject,
                severity=f.severity, message=message, sent_to="", source="rule_base",
                ack=acks.of(None, f.rule, f.subject, start),
            )
        )  # fmt: skip
    return out


class _Acks:
    """Acknowledgements: of one recorded finding (`ack:<id>`, as the bot stores them, or a
    rule about its subject as a scenario's events give them), or of a rule about a subject
    since a day (for the rule base's findings, as the digest reads them)."""

    def __init__(self, events: Sequence[EventRow]) -> None:
        self.events = events
        self.by_id = {
            e.source_key[len("ack:") :]: e
            for e in events
            if e.source_key and e.source_key.startswith("ack:")
        }

    def of(
        self, finding_id: int | None, rule: str, subject: str, since: dt.date
    ) -> EventRow | None:
        """The acknowledgement of a recorded finding (its id) or of a rule about a subject."""
        if finding_id is not None and str(finding_id) in self.by_id:
            return self.by_id[str(finding_id)]
        return next(
            (
                e
                for e in self.events
                if e.text == rule
                and subject in (e.person_id, e.team_id)
                and e.date >= since
                # a recorded finding is not acknowledged by the bot's ack of another one
                and (finding_id is None or not (e.source_key or "").startswith("ack:"))
            ),
            None,
        )
