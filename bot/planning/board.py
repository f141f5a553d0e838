"""Planning rounds against the database: who is asked, the top-down numbers they are
set beside, the values offered to a rep, the lead's board, and what a confirmation
writes (targets with basis and draft, a plan revision when a confirmed plan changes).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import knowledge
from bot.planning.rounds import DEFAULT_GROWTH, DEFAULT_METRICS, Line, last_period_plus
from bot.plans import Period, calendar_for
from bot.store.planning import DraftRow, NewDraft, RoundRow
from bot.store.repository import Repository
from bot.store.rows import Number, PersonRow, TeamRow


def is_money(metric: str) -> bool:
    """True for a money metric (sales, collections, a team's own money metric)."""
    spec = knowledge.metrics().get(metric)
    return spec is None or spec.kind == "money"


def metric_max(metric: str) -> float:
    """The sanity bound of a metric's value for one period (a day's bound × a year of days)."""
    spec = knowledge.metrics().get(metric)
    return (spec.max if spec else 1e9) * 366


def asked_people(repo: Repository, team_id: str) -> list[PersonRow]:
    """The people a round asks: the team's active reps."""
    return [p for p in repo.people_in_team(team_id) if p.role == "rep"]


def leads_team(repo: Repository, person: PersonRow) -> TeamRow | None:
    """The team this person leads, or None."""
    if person.role != "lead" or not person.team_id:
        return None
    team = repo.team(person.team_id)
    return team if team is not None and team.lead_id == person.id else None


def round_metrics(repo: Repository, team_id: str, period: Period) -> tuple[str, ...]:
    """The metrics a round asks about: those targeted for the period, else sales."""
    ids = {p.id for p in asked_people(repo, team_id)}
    found = {
        t.metric
        for t in repo.targets(start=period.start, end=period.end)
        if t.period == period.label and (t.person_id in ids or t.team_id == team_id)
    }
    known = list(knowledge.metrics())
    ordered = [m for m in known if m in found] + sorted(found - set(known))
    return tuple(ordered) or DEFAULT_METRICS


def _growth(team: TeamRow) -> float:
    value = team.settings.get("plan_growth")
    if isinstance(value, int | float) and not isinstance(value, bool) and -0.9 < value < 10:
        return float(value)
    return DEFAULT_GROWTH


def _own_target(repo: Repository, person_id: str, metric: str, label: str) -> Number | None:
    for target in repo.targets(person_id=person_id, metric=metric):
        if target.period == label and not (target.region or target.channel or target.product):
            return target.value
    return None


def new_drafts(
    repo: Repository, team: TeamRow, period: Period, metrics: Sequence[str]
) -> list[NewDraft]:
    """One row per asked person and metric, with the top-down number to set it beside:
    the person's target for the period if one exists (e.g. imported), else last
    period's target plus the team's growth (settings `plan_growth`, default 10 %)."""
    previous = period.shift(-1).label
    rows: list[NewDraft] = []
    for person in asked_people(repo, team.id):
        for position, metric in enumerate(metrics):
            own = _own_target(repo, person.id, metric, period.label)
            if own is not None:
                rows.append(NewDraft(person.id, metric, position, own, "top_down"))
                continue
            before = _own_target(repo, person.id, metric, previous)
            value = (
                None
                if before is None
                else last_period_plus(float(before), _growth(team), is_money(metric))
            )
            rows.append(
                NewDraft(person.id, metric, position, value, "last_period_plus" if value else None)
            )
    return rows


@dataclass(frozen=True, slots=True)
class Base:
    """The figure a rep's buttons start from: last period's actual, or its forecast."""

    value: float
    forecast: bool  # the period before is still running: its straight-line forecast


def base_for(
    repo: Repository, team: TeamRow, person_id: str, metric: str, period: Period, today: dt.date
) -> Base | None:
    """Last period's figure of the person for the metric (None when there is none)."""
    before = period.shift(-1)
    if before.start > today:
        return None
    end = min(before.end, today)
    actual = float(repo.metric_totals([person_id], before.start, end)[person_id].get(metric, 0))
    if before.end <= today:
        return Base(actual, False) if actual > 0 else None
    calendar = calendar_for(team.workdays)
    elapsed = calendar.workdays(before.start, today)
    total = calendar.workdays(before.start, before.end)
    if elapsed <= 0 or actual <= 0:
        return None
    return Base(actual * total / elapsed, True)


def lines(drafts: Sequence[DraftRow]) -> list[Line]:
    """The board's lines, from the round's draft rows."""
    return [
        Line(d.person_id, d.metric, d.reference, d.reference_basis, d.draft, d.adjusted)
        for d in drafts
    ]


def team_reference(repo: Repository, team_id: str, period: str, metric: str) -> Number | None:
    """The team's own target for the period and metric (not yet split), if any."""
    for target in repo.targets(team_id=team_id, metric=metric):
        if target.period == period and not (target.region or target.channel or target.product):
            return target.value
    return None


@dataclass(frozen=True, slots=True)
class Confirmed:
    """What a confirmation wrote: per draft row its value, and the rows to tell."""

    written: dict[int, Number]
    told: list[DraftRow]  # new or changed since the last confirmation: the rep hears it
    skipped: list[DraftRow]  # nothing to write: no draft, no top-down number, no adjustment
    revised: bool  # a plan confirmed before has changed (recorded as plan_revised)


def confirm(repo: Repository, round_: RoundRow, lead: PersonRow, today: dt.date) -> Confirmed:
    """Writes the round's targets (basis and draft recorded), marks it confirmed, and
    records `plan_revised` when a plan confirmed before has changed."""
    drafts = repo.round_drafts(round_.id)
    written: dict[int, Number] = {}
    told: list[DraftRow] = []
    skipped: list[DraftRow] = []
    confirmed_before = round_.confirmations > 0 or any(
        r.id != round_.id and r.status == "confirmed"
        for r in repo.team_rounds(round_.team_id, round_.period)
    )
    revised = False
    with repo.transaction():
        for draft, line in zip(drafts, lines(drafts), strict=True):
            value = line.final
            if value is None:
                skipped.append(draft)
                continue
            previous = _own_target(repo, draft.person_id, draft.metric, round_.period)
            repo.upsert_target(
                person_id=draft.person_id,
                metric=draft.metric,
                period=round_.period,
                value=value,
                draft=draft.draft,
                basis=line.basis,
            )
            written[draft.id] = value
            if draft.confirmed != value:
                told.append(draft)
            if confirmed_before and previous is not None and previous != value:
                revised = True
        repo.mark_confirmed(written)
        repo.set_round_status(round_.id, "confirmed")
        if revised:
            repo.add_event(
                "plan_revised",
                today,
                team_id=round_.team_id,
                by_id=lead.id,
                text=f"planning round {round_.period}",
                source_key=f"plan_revised:round:{round_.id}:{round_.confirmations + 1}",
            )
    return Confirmed(written, told, skipped, revised)
