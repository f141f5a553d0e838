"""/digest: the weekly digest on demand — the last complete week, or with `now` the week
so far — for leads and managers, with its chart."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot.digest.build import DigestError, build_digest_async, last_complete_week, teams_of
from bot.digest.send import digest_parts, send_parts
from bot.handlers.common import member
from bot.i18n import t
from bot.plans import Period
from bot.scheduler import team_zone
from bot.services import Context

log = logging.getLogger(__name__)
ALLOWED = ("lead", "manager", "admin")
NOW_WORDS = frozenset({"now", "现在", "本周", "this week"})


async def on_digest(update: Update, context: Context) -> None:
    """Sends the last complete week's digest (or, with `now`, the week so far)."""
    who = await member(update, context)
    if who is None:
        return
    message, person, lang, repo = who.message, who.person, who.lang, who.repo
    if person.role not in ALLOWED:
        await message.reply_text(t("digest.cmd.not_allowed", lang))
        return
    arg = " ".join(context.args or []).strip().lower()
    if arg and arg not in NOW_WORDS:
        await message.reply_text(t("digest.cmd.usage", lang))
        return
    try:
        teams = teams_of(repo, person)
        tz = team_zone(teams[0])
        now = context.bot_data.now()
        today = now.astimezone(tz).date()
        week = Period.containing("week", today) if arg else last_complete_week(today)
        digest = await build_digest_async(repo, person.id, week, today, now)
    except DigestError as exc:
        await message.reply_text(t(exc.key, lang, **exc.params))
        return
    parts = await digest_parts(digest, lang)
    try:
        await send_parts(context.bot, message.chat_id, parts)
    except TelegramError as exc:
        log.warning("/digest for %s failed: %s", person.id, exc)
        await message.reply_text(t("digest.cmd.failed", lang))
