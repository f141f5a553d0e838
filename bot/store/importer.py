"""`execoach import`: a validated scenario into the database the bot uses.

Idempotent, and the file is the truth for what came from scenarios: every row
is keyed by something stable in the scenario, so importing the same file
twice leaves the same rows, and re-importing an edited file leaves exactly
what the file now says. For the people and teams the file names, the rows an
earlier import wrote that the file no longer holds are deleted: reports of
source 'scenario', events with a scenario source key, and targets of source
'scenario' (targets set in chat are left alone, as is everything of people
and teams the file does not name, and plan documents, which the file can only
add or change). All in one write transaction: a failure leaves nothing
half-imported. The report texts are read before that transaction begins, so
the database is locked only for the writing.

Keys: people and teams by id; targets by (owner, metric, period, region,
channel, product); reports by `scenario:<person>:<date>:<n>`, n counting that
person's entries on that date in file order; events by
`scenario:event:<kind>:<date>:<team>:<person>:<n>` likewise; plan documents by
(team, period). Ids inside keys have '%' and ':' escaped (as %25 and %3A), so
an id holding a ':' cannot collide with another key.

A person id already in the database under another name or role is refused
(ScenarioError at `people[i]`): two different organisations imported into one
database must not merge people who merely share an id.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Final

from bot.clock import zone
from bot.report_parser import ParsedReport
from bot.scenario import Person, Scenario, ScenarioError, ScenarioReport, show
from bot.store.repository import Repository
from bot.store.rows import PersonRow

SOURCE: Final = "scenario"
EVENT_PREFIX: Final = f"{SOURCE}:event:"
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


@dataclass(frozen=True, slots=True)
class _ReadReport:
    entry: ScenarioReport
    read: ParsedReport
    key: str
    received_at: dt.datetime


def key_part(text: str) -> str:
    """An id as a part of a ':'-separated key: '%' and ':' escaped."""
    return text.replace("%", "%25").replace(":", "%3A")


def report_key(person: str, day: dt.date, n: int) -> str:
    """The source key of a person's n-th report entry (from 0) on a day."""
    return f"{SOURCE}:{key_part(person)}:{day.isoformat()}:{n}"


def import_scenario(repo: Repository, scenario: Scenario) -> ImportSummary:
    """Writes the scenario's organisation, targets, reports, events and plan documents.

    Raises ScenarioError when a person id of the file is someone else in the
    database; StoreError when the database stays busy.
    """
    reports = _read_reports(scenario)  # the slow part, before the write lock is taken
    person_ids = [p.id for p in scenario.people]
    team_ids = [tm.id for tm in scenario.teams]
    with repo.transaction():
        stored = _check_people(repo, scenario)
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
                # a language guessed from the name does not overwrite one already chosen
                lang=person.lang if person.lang_given or person.id not in stored else None,
                timezone=person.timezone,
                active=person.active,
            )
        kept_targets = [
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
                source=SOURCE,
            )
            for target in scenario.targets
        ]
        repo.prune_targets(SOURCE, person_ids=person_ids, team_ids=team_ids, keep=kept_targets)
        for report in reports:
            repo.save_report(
                report.entry.person,
                report.read.date,
                report.entry.text or "",
                report.read.metrics,
                report.read.blockers,
                report.read.next_steps,
                report.read.warnings,
                source=SOURCE,
                source_key=report.key,
                received_at=report.received_at,
            )
        repo.prune_reports(SOURCE, person_ids, keep=[r.key for r in reports])
        kept_events = _import_events(repo, scenario)
        repo.prune_events(EVENT_PREFIX, person_ids=person_ids, team_ids=team_ids, keep=kept_events)
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


def _who(name: str, role: str, team: str | None) -> str:
    return f"{name} ({role}, {team})" if team else f"{name} ({role})"


def _check_people(repo: Repository, scenario: Scenario) -> dict[str, PersonRow]:
    """The file's people already stored; refuses one whose name or role differs."""
    stored: dict[str, PersonRow] = {}
    for i, person in enumerate(scenario.people):
        row = repo.person_by_id(person.id)
        if row is None:
            continue
        if (row.name, row.role) != (person.name, person.role):
            raise _conflict(scenario.source, i, person, row)
        stored[person.id] = row
    return stored


def _conflict(file: str, i: int, person: Person, row: PersonRow) -> ScenarioError:
    return ScenarioError.of(
        file,
        f"people[{i}]",
        "scenario.import.person_conflict",
        id=show(person.id),
        was=_who(row.name, row.role, row.team_id),
        now=_who(person.name, person.role, person.team),
    )


def _read_reports(scenario: Scenario) -> list[_ReadReport]:
    counts: Counter[tuple[str, dt.date]] = Counter()
    out: list[_ReadReport] = []
    for entry in scenario.reports:
        n = counts[(entry.person, entry.date)]
        counts[(entry.person, entry.date)] += 1
        local = dt.datetime.combine(
            entry.date, RECEIVED_AT, zone(scenario.timezone_of(entry.person))
        )
        key = report_key(entry.person, entry.date, n)
        out.append(_ReadReport(entry, scenario.read_report(entry), key, local.astimezone(dt.UTC)))
    return out


def _import_events(repo: Repository, scenario: Scenario) -> list[str]:
    """Writes the events; returns their source keys."""
    counts: Counter[str] = Counter()
    keys: list[str] = []
    for event in scenario.events:
        person = scenario.person(event.person) if event.person else None
        team = event.team or (person.team if person else None)
        parts = (event.kind, event.date.isoformat(), team or "", event.person or "")
        stem = EVENT_PREFIX + ":".join(key_part(p) for p in parts)
        n = counts[stem]
        counts[stem] += 1
        keys.append(f"{stem}:{n}")
        repo.add_event(
            event.kind,
            event.date,
            team_id=team,
            person_id=event.person,
            by_id=event.by,
            text=event.text,
            source_key=keys[-1],
        )
    return keys
