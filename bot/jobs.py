"""Reminders: reps who have not reported by the team's evening hear once, then a second
nudge later; leave (/away) pauses them; the team's calendar decides the days.

`bot.scheduler`'s tick decides when (it reads the bot's clock in each team's zone).
Each reminder is recorded (by person, day and kind), so a tick that runs twice — a
restart at the wrong moment — never reminds anyone twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from telegram.error import TelegramError
from telegram.ext import Application

from bot.clock import zone_or_default
from bot.i18n import Lang, normalise_lang, t
from bot.plans import calendar_for
from bot.store.repository import Repository

log = logging.getLogger(__name__)
App = Application[Any, Any, Any, Any, Any, Any]
DEFAULT_TIMES = {"first": "18:00", "nudge": "20:00"}
SETTING = {"first": "reminder_time", "nudge": "nudge_time"}


def away_until(repo: Repository, person_id: str, today: dt.date) -> dt.date | None:
    """The last day of the person's current leave, or None when they are not away."""
    for event in reversed(repo.events(person_id=person_id, kinds=["leave"])):
        try:
            until = dt.date.fromisoformat(event.text)
        except ValueError:
            continue
        if event.date <= today <= until:
            return until
    return None


def due_reminders(
    repo: Repository, team_id: str, today: dt.date, kind: str
) -> list[tuple[str, int, Lang]]:
    """Who should be reminded now: (person id, telegram id, language) of reps with no
    report today, not on leave, not reminded of this kind today; [] on a day off."""
    team = repo.team(team_id)
    if team is None or not calendar_for(team.workdays).is_workday(today):
        return []
    reported = {r.person_id for r in repo.reports_between(None, today, today)}
    out: list[tuple[str, int, Lang]] = []
    for person in repo.people_in_team(team_id):
        if person.role != "rep" or person.telegram_id is None or person.id in reported:
            continue
        if away_until(repo, person.id, today) is not None:
            continue
        done = repo.events(person_id=person.id, kinds=["reminder"], start=today, end=today)
        if any(e.text == kind for e in done):
            continue
        out.append((person.id, person.telegram_id, normalise_lang(person.lang)))
    return out


async def send_reminders(
    application: App, repo: Repository, team_id: str, now: dt.datetime, kind: str
) -> int:
    """Sends the reminders due at `now` (the team's local day); returns how many went out."""
    team = repo.team(team_id)
    if team is None:
        return 0
    today = now.astimezone(zone_or_default(team.timezone)).date()
    sent = 0
    for person_id, telegram_id, lang in due_reminders(repo, team_id, today, kind):
        try:
            await application.bot.send_message(telegram_id, t(f"bot.remind.{kind}", lang))
        except TelegramError as exc:
            log.warning("reminder to %s failed: %s", person_id, exc)
            continue
        repo.add_event(
            "reminder",
            today,
            person_id=person_id,
            text=kind,
            source_key=f"reminder:{person_id}:{today}:{kind}",
        )
        sent += 1
    return sent
