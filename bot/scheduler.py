"""One scheduler tick for everything that runs on time: reminders and weekly digests.

Every ~30 s of real time — and at once whenever a movable clock is moved — the tick
reads the bot's clock, looks at each team in its own time zone and on its own
calendar, and sends what is due and not yet recorded. Everything it sends is
recorded first or after (reminders by person, day and kind; digests by recipient
and week), so a tick that runs twice, or after a restart, never sends twice.
Nothing stale goes out after a long downtime: a reminder only until 23:00 that
day, a digest only until the next one is due.

Team settings: `reminder_time` (18:00), `nudge_time` (20:00), `digest_day`
(mon … sun, default mon) and `digest_time` (09:00); on a day off the digest
waits for the team's next working day.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
from collections.abc import Callable, Mapping
from typing import Any

from bot.clock import zone_or_default
from bot.jobs import DEFAULT_TIMES, SETTING, send_reminders
from bot.plans import Period, calendar_for
from bot.store.repository import Repository
from bot.store.rows import PersonRow, TeamRow

log = logging.getLogger(__name__)
TICK_SECONDS = 30
REMINDERS_UNTIL = dt.time(23, 0)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DIGEST_DEFAULTS = {"digest_day": "mon", "digest_time": "09:00"}
_TIME = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


def parse_time(value: Any) -> dt.time | None:
    """'09:00' → 09:00; None for anything else."""
    if not isinstance(value, str):
        return None
    found = _TIME.fullmatch(value.strip())
    return dt.time(int(found[1]), int(found[2])) if found else None


def setting_errors(settings: Mapping[str, Any]) -> list[tuple[str, str, dict[str, str]]]:
    """What is wrong with a team's schedule settings: (setting, message key, params)."""
    errors: list[tuple[str, str, dict[str, str]]] = []
    day = settings.get("digest_day")
    if day is not None and (not isinstance(day, str) or day.strip().lower() not in WEEKDAYS):
        errors.append(("digest_day", "digest.setting.bad_day", {"value": str(day)[:20]}))
    for name in ("digest_time", "reminder_time", "nudge_time"):
        value = settings.get(name)
        if value is not None and parse_time(value) is None:
            errors.append(
                (name, "digest.setting.bad_time", {"name": name, "value": str(value)[:20]})
            )
    return errors


def team_zone(team: TeamRow) -> dt.tzinfo:
    """The team's time zone (Shanghai when it has none or a bad one)."""
    return zone_or_default(team.timezone)


def _setting_time(settings: Mapping[str, Any], name: str, default: str) -> dt.time:
    return parse_time(settings.get(name)) or parse_time(default) or dt.time(9, 0)


def reports_due(team: TeamRow, day: dt.date, now: dt.datetime | None) -> bool:
    """Whether `day`'s daily reports are due at `now`: once the team's first reminder time
    (`reminder_time`, 18:00) has passed on that day in the team's zone. Without a time of
    day (`now` None: the command line's --today) the day counts as over."""
    if now is None:
        return True
    local = now.astimezone(team_zone(team))
    if local.date() != day:
        return local.date() > day
    first = _setting_time(team.settings, SETTING["first"], DEFAULT_TIMES["first"])
    return local.time() >= first


def digest_due(team: TeamRow, now: dt.datetime) -> Period | None:
    """The week whose digest is due for `team` at `now`, or None.

    The digest of the last complete week goes out on the team's `digest_day` at
    `digest_time`, local time; when that day is not a working day, on the next working
    day; and only until the next digest's day comes (no stale digests).
    """
    local = now.astimezone(team_zone(team))
    raw_day = team.settings.get("digest_day", DIGEST_DEFAULTS["digest_day"])
    day = raw_day.strip().lower() if isinstance(raw_day, str) else "mon"
    weekday = WEEKDAYS.index(day) if day in WEEKDAYS else 0
    at = _setting_time(team.settings, "digest_time", DIGEST_DEFAULTS["digest_time"])
    calendar = calendar_for(team.workdays)
    monday = local.date() - dt.timedelta(days=local.weekday())
    for nominal in (monday + dt.timedelta(days=weekday), monday + dt.timedelta(days=weekday - 7)):
        if nominal > local.date() or local.date() >= nominal + dt.timedelta(days=7):
            continue
        send_day = nominal
        while not calendar.is_workday(send_day) and send_day < nominal + dt.timedelta(days=6):
            send_day += dt.timedelta(days=1)
        if (local.date(), local.time()) >= (send_day, at):
            return Period.containing("week", nominal).shift(-1)
    return None


def due_digests(repo: Repository, now: dt.datetime) -> list[tuple[PersonRow, Period]]:
    """Every (recipient, week) whose digest is due now and not yet sent or given up."""
    out: dict[str, tuple[PersonRow, Period]] = {}
    for team in repo.teams():
        week = digest_due(team, now)
        if week is None:
            continue
        for person_id in (team.lead_id, team.manager_id):
            if not person_id or person_id in out:
                continue
            person = repo.person_by_id(person_id)
            if person is None or not person.active or person.telegram_id is None:
                continue
            done = repo.digest(person.id, week.label)
            if done is not None and (done.status == "sent" or done.attempts >= 2):
                continue
            out[person.id] = (person, week)
    return list(out.values())


def reminders_due(team: TeamRow, now: dt.datetime) -> list[str]:
    """The reminder kinds whose time has come today (until 23:00); the first one is
    skipped once the nudge is due, so a late start sends one reminder, not two."""
    local = now.astimezone(team_zone(team)).time()
    if local >= REMINDERS_UNTIL:
        return []
    times = {k: _setting_time(team.settings, SETTING[k], d) for k, d in DEFAULT_TIMES.items()}
    if local >= times["nudge"]:
        return ["nudge"]
    return ["first"] if local >= times["first"] else []


class Scheduler:
    """Runs the tick on the application's job queue."""

    def __init__(self, application: Any, repo: Repository, now: Callable[[], dt.datetime]) -> None:
        self.application = application
        self.repo = repo
        self.now = now
        self._lock = asyncio.Lock()
        self.ticks = 0

    async def tick(self) -> dict[str, int]:
        """Sends what is due now; returns how many reminders and digests went out."""
        from bot.digest.send import send_many

        async with self._lock:
            self.ticks += 1
            now = self.now()
            reminders = 0
            for team in self.repo.teams():
                for kind in reminders_due(team, now):
                    reminders += await send_reminders(
                        self.application, self.repo, team.id, now, kind
                    )
            due = due_digests(self.repo, now)
            digests = await send_many(self.application.bot, self.repo, due, now) if due else 0
            return {"reminders": reminders, "digests": digests}

    async def _job(self, context: Any) -> None:
        try:
            await self.tick()
        except Exception:  # a tick must never stop the next one
            log.exception("scheduler tick failed")

    def install(self) -> bool:
        """Starts the repeating tick, and a tick at once whenever the movable clock moves."""
        queue = self.application.job_queue
        if queue is None:
            return False
        queue.run_repeating(self._job, interval=TICK_SECONDS, first=1, name="tick")
        clock = self.application.bot_data.clock
        if clock is not None:
            loop = asyncio.get_running_loop()

            def moved(_when: dt.datetime) -> None:
                loop.call_soon_threadsafe(lambda: queue.run_once(self._job, 0, name="tick:moved"))

            clock.on_change(moved)
        return True
