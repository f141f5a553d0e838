"""`execoach import`: a validated scenario into the database the bot uses.

Idempotent: every row is keyed by something stable in the scenario, so
importing the same file twice leaves the same rows. All in one transaction:
a failure leaves nothing half-imported.

Keys: people and teams by id; targets by (owner, metric, period, region,
channel, product); reports by `scenario:<person>:<date>:<n>`, n counting that
person's entries on that date in file order; events by
`scenario:event:<kind>:<date>:<team>:<person>:<n>` likewise; plan documents by
(team, period). Rows of an earlier import that the file no longer holds are
left alone.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Final

from bot.clock import zone
from bot.scenario import Scenario
from bot.store.repository import Repository

SOURCE: Final = "scenario"
# a scenario report is taken as received at the end of its working day, local time
RECEIVED_AT: Final = dt.time(18, 0)


@dataclass(frozen=True)
class ImportSummary:
    """How many rows of each kind were written."""

    people: int
    teams: int
    targets: int
    reports: int
    events: int
    plan_documents: int

    def as_dict(self) -> dict[str, int]:
        """The counts by kind, e.g. for JSON output."""
        return asdict(self)


def report_key(person: str, day: dt.date, n: int) -> str:
    """The source key of a person's n-th report entry (from 0) on a day."""
    return f"{SOURCE}:{person}:{day.isoformat()}:{n}"


def import_scenario(repo: Repository, scenario: Scenario) -> ImportSummary:
    """Writes the scenario's organisation, targets, reports, events and plan documents."""
    with repo.transaction():
        for team in scenario.teams:
            repo.upsert_team(
                team.id,
                team.name,
                lead_id=team.lead,
                manager_id=team.manager,
                region=team.region,
                timezone=team.timezone or scenario.timezone,
                workdays=scenario.workdays_of(team.id),
                settings=team.settings,
            )
        for person in scenario.people:
            repo.upsert_person(
                person.id,
                person.name,
                person.role,
                team_id=person.team,
                telegram_id=person.telegram_id,
                lang=person.lang,
                timezone=person.timezone,
                active=person.active,
            )
        for target in scenario.targets:
            repo.upsert_target(
                person_id=target.person,
                team_id=target.team,
                metric=target.metric,
                period=target.period,
                value=target.value,
                draft=target.draft,
                basis=target.basis,
                region=target.region,
                channel=target.channel,
                product=target.product,
            )
        _import_reports(repo, scenario)
        _import_events(repo, scenario)
        for plan in scenario.plan_documents:
            repo.upsert_plan_document(plan.team, plan.period, plan.sections)
    return ImportSummary(
        people=len(scenario.people),
        teams=len(scenario.teams),
        targets=len(scenario.targets),
        reports=len(scenario.reports),
        events=len(scenario.events),
        plan_documents=len(scenario.plan_documents),
    )


def _import_reports(repo: Repository, scenario: Scenario) -> None:
    counts: Counter[tuple[str, dt.date]] = Counter()
    for entry in scenario.reports:
        n = counts[(entry.person, entry.date)]
        counts[(entry.person, entry.date)] += 1
        read = scenario.read_report(entry)
        local = dt.datetime.combine(
            entry.date, RECEIVED_AT, zone(scenario.timezone_of(entry.person))
        )
        repo.save_report(
            entry.person,
            read.date,
            entry.text or "",
            read.metrics,
            read.blockers,
            read.next_steps,
            read.warnings,
            source=SOURCE,
            source_key=report_key(entry.person, entry.date, n),
            received_at=local.astimezone(dt.UTC),
        )


def _import_events(repo: Repository, scenario: Scenario) -> None:
    counts: Counter[str] = Counter()
    for event in scenario.events:
        person = scenario.person(event.person) if event.person else None
        team = event.team or (person.team if person else None)
        stem = f"{SOURCE}:event:{event.kind}:{event.date.isoformat()}:{team or ''}:{event.person or ''}"
        n = counts[stem]
        counts[stem] += 1
        repo.add_event(
            event.kind,
            event.date,
            team_id=team,
            person_id=event.person,
            by_id=event.by,
            text=event.text,
            source_key=f"{stem}:{n}",
        )
