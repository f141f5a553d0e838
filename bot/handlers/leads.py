"""Findings addressed to a lead go to the lead at once, with a button to acknowledge.

A high-severity finding sent to a lead is recorded as an escalation; pressing
"acknowledged" records the acknowledgement the management rules read.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import weakref
from collections.abc import Sequence
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, TelegramError

from bot.findings import not_in_cooldown, record
from bot.findings_view import render_prompt, title
from bot.handlers.common import local_day, pressed
from bot.i18n import normalise_lang, t
from bot.services import Context
from bot.store.repository import Repository
from rules.model import Finding

ACK = "ack"
MAX_TO_LEAD = 2
_TURNS: weakref.WeakKeyDictionary[object, dict[str, asyncio.Lock]] = weakref.WeakKeyDictionary()


def notify_lead_soon(
    context: Context, repo: Repository, team_id: str, findings: Sequence[Finding], today: dt.date
) -> None:
    """Alerts the lead in the background, one alert run at a time: Telegram lets a chat
    receive about one message a second, and the rep's next report must not wait for it."""
    application = context.application
    turn = _TURNS.setdefault(application, {}).setdefault(team_id, asyncio.Lock())

    async def in_turn() -> None:
        async with turn:  # a team's finding checked for cooldown is recorded before the next
            await notify_lead(context, repo, team_id, findings, today)

    application.create_task(in_turn(), name=f"notify-lead:{team_id}")


async def notify_lead(
    context: Context, repo: Repository, team_id: str, findings: Sequence[Finding], today: dt.date
) -> int:
    """Sends the lead the findings meant for them that are not in cooldown; returns how many."""
    team = repo.team(team_id)
    lead = repo.person_by_id(team.lead_id) if team and team.lead_id else None
    if lead is None or lead.telegram_id is None:
        return 0
    lang = normalise_lang(lead.lang)
    members = repo.people_in_team(team_id, active_only=False)  # whom the findings are about
    names = {p.id: p.name for p in members} | {team.id: team.name} if team else {}
    mine = [f for f in findings if "lead" in f.audience and f.team == team_id]
    fresh = not_in_cooldown(repo, mine, today, audience="lead")[:MAX_TO_LEAD]
    sent = 0
    for finding in fresh:
        text = render_prompt(finding, "lead", lang, names.get(finding.subject, finding.subject))
        (finding_id,) = record(repo, [finding], today, [text], audience="lead")
        keyboard = InlineKeyboardMarkup(
            [[InlineKeyboardButton(t("bot.button.ack", lang), callback_data=f"{ACK}:{finding_id}")]]
        )
        try:
            await context.bot.send_message(
                lead.telegram_id,
                f"🔔 <b>{escape(title(finding, lang))}</b>\n{escape(text)}",
                reply_markup=keyboard,
            )
        except TelegramError:
            continue  # the lead blocked the bot or never started it: the finding stays recorded
        repo.mark_finding_sent(finding_id, [lead.id])
        if finding.severity == "high":
            repo.add_event(
                "escalation",
                today,
                team_id=team_id,
                person_id=finding.subject if finding.subject != team_id else None,
                text=finding.rule,
                source_key=f"escalation:{finding_id}",
            )
        sent += 1
    return sent


async def on_ack(update: Update, context: Context) -> None:
    """Records that the lead (or manager) acknowledged a finding sent to them."""
    press = pressed(update, context)
    if press is None:
        return
    query, repo, person, lang = press
    _, _, raw = (query.data or "").partition(":")
    found = repo.findings_by_ids([int(raw)]) if raw.isdigit() and len(raw) < 19 else []
    finding = found[0] if found else None
    if finding is None or person is None or person.id not in finding.sent_to:
        await query.answer(t("bot.ack.not_yours", lang), show_alert=True)
        return
    today = local_day(repo, person, context.bot_data.now())
    team_id = person.team_id if person.role == "lead" else None
    subject_is_person = repo.person_by_id(finding.subject) is not None
    repo.add_event(
        "acknowledgement",
        today,
        team_id=team_id or (None if subject_is_person else finding.subject),
        person_id=finding.subject if subject_is_person else None,
        by_id=person.id,
        text=finding.rule,
        source_key=f"ack:{finding.id}",
    )
    await query.answer(t("bot.ack.done", lang))
    with contextlib.suppress(BadRequest):  # already without buttons, or too old to edit
        await query.edit_message_reply_markup(reply_markup=None)
