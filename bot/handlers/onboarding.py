"""Joining: invite links made by admins, managers and leads; /start CODE; /lang."""

from __future__ import annotations

import datetime as dt
import secrets
from html import escape

from telegram import Update

from bot.handlers.common import local_day, member, person_lang
from bot.i18n import normalise_lang, t
from bot.services import Context
from bot.store.repository import Repository
from bot.store.rows import PersonRow

INVITE_DAYS = 7
ROLES_ANYONE_MAY_INVITE = {
    "admin": ("rep", "lead", "manager", "admin"),
    "manager": ("rep", "lead"),
    "lead": ("rep",),
}


def _may_invite(repo: Repository, inviter: PersonRow, role: str, team_id: str | None) -> str | None:
    """None when `inviter` may invite `role` into `team_id`, else the refusal's message key."""
    if role not in ROLES_ANYONE_MAY_INVITE.get(inviter.role, ()):
        return "bot.invite.not_allowed"
    if role in ("rep", "lead"):
        team = repo.team(team_id) if team_id else None
        if team is None:
            return "bot.invite.no_team"
        if role == "lead" and team.lead_id:
            return "bot.invite.has_lead"
        if inviter.role == "lead" and team.lead_id != inviter.id:
            return "bot.invite.not_your_team"
        if inviter.role == "manager" and team.manager_id != inviter.id:
            return "bot.invite.not_your_team"
    return None


async def on_invite(update: Update, context: Context) -> None:
    """Makes a single-use invite link: /invite ROLE [TEAM]."""
    who = await member(update, context)
    if who is None:
        return
    message, inviter, lang, repo = who.message, who.person, who.lang, who.repo
    args = [a.strip() for a in (context.args or [])]
    role = args[0].lower() if args else ""
    team_id = args[1] if len(args) > 1 else (inviter.team_id if inviter.role == "lead" else None)
    if role not in ("rep", "lead", "manager", "admin"):
        await message.reply_text(t("bot.invite.usage", lang))
        return
    refusal = _may_invite(repo, inviter, role, team_id if role in ("rep", "lead") else None)
    if refusal:
        await message.reply_text(t(refusal, lang, team=escape(str(team_id or ""))[:40]))
        return
    code = secrets.token_urlsafe(12)
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(days=INVITE_DAYS)
    repo.create_invite(
        code, role, team_id if role in ("rep", "lead") else None, inviter.id, expires
    )
    link = f"https://t.me/{context.bot.username}?start={code}"
    await message.reply_text(
        t(
            "bot.invite.link",
            lang,
            role=t(f"bot.role.{role}", lang),
            team=escape(team_id or "—"),
            link=link,
            days=INVITE_DAYS,
        )
    )


async def on_start(update: Update, context: Context) -> None:
    """Greets a member; joins a newcomer who opened an invite link; tells others how to join."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    repo = context.bot_data.store
    person = repo.person_by_telegram_id(user.id)
    lang = person_lang(person, update)
    code = (context.args or [""])[0][:64]
    if person is not None:
        await message.reply_text(t("bot.welcome", lang, name=escape(person.name)))
        return
    if not code:
        await message.reply_text(t("bot.unknown", lang))
        return
    joined = repo.join_with_invite(
        code,
        person_id=f"tg{user.id}",
        name=user.full_name[:100] or str(user.id),
        telegram_id=user.id,
        lang=normalise_lang(user.language_code),
    )
    if joined is None:
        await message.reply_text(t("bot.invite.invalid", lang))
        return
    team = repo.team(joined.team_id) if joined.team_id else None
    await message.reply_text(
        t(
            "bot.invite.joined",
            lang,
            role=t(f"bot.role.{joined.role}", lang),
            team=escape(team.name if team else "—"),
        )
    )


async def on_lang(update: Update, context: Context) -> None:
    """Switches the person's language: /lang zh or /lang en."""
    who = await member(update, context)
    if who is None:
        return
    message, person, lang, repo = who.message, who.person, who.lang, who.repo
    choice = ((context.args or [""])[0]).lower()
    if choice not in ("zh", "en"):
        await message.reply_text(t("bot.lang.usage", lang))
        return
    repo.upsert_person(person.id, person.name, person.role, team_id=person.team_id, lang=choice)
    await message.reply_text(t("bot.lang.done", normalise_lang(choice)))


async def on_away(update: Update, context: Context) -> None:
    """Pauses reminders for leave: /away until 2026-03-20, /away 到 3月20日."""
    from bot.report_parser.dates import find_dates
    from bot.report_parser.normalise import fold, normalise

    who = await member(update, context)
    if who is None:
        return
    message, person, lang, repo = who.message, who.person, who.lang, who.repo
    today = local_day(repo, person, context.bot_data.now())
    text = fold(normalise(" ".join(context.args or [])))[:200]
    found = [d.date for d in find_dates(text, today) if d.date is not None and d.explicit]
    if not found:
        await message.reply_text(t("bot.away.usage", lang))
        return
    until = found[-1]
    if until < today:
        await message.reply_text(t("bot.away.past", lang))
        return
    repo.add_event(
        "leave", today, person_id=person.id, text=until.isoformat(), source_key=f"leave:{person.id}"
    )
    await message.reply_text(t("bot.away.done", lang, date=until.isoformat()))


async def on_team(update: Update, context: Context) -> None:
    """Creates a team: /team ID NAME (admins; a manager creating one manages it)."""
    import re

    who = await member(update, context)
    if who is None:
        return
    message, person, lang, repo = who.message, who.person, who.lang, who.repo
    if person.role not in ("admin", "manager"):
        await message.reply_text(t("bot.team.not_allowed", lang))
        return
    args = context.args or []
    team_id = args[0] if args else ""
    name = " ".join(args[1:]).strip()[:60] or team_id
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,32}", team_id):
        await message.reply_text(t("bot.team.usage", lang))
        return
    if repo.team(team_id) is not None:
        await message.reply_text(t("bot.team.exists", lang, team=escape(team_id)))
        return
    manager = person.id if person.role == "manager" else None
    repo.upsert_team(team_id, name, manager_id=manager, timezone="Asia/Shanghai")
    await message.reply_text(t("bot.team.created", lang, team=escape(team_id), name=escape(name)))
