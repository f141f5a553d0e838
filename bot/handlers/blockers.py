"""/blockers: the open blockers (a rep's own, a lead's team's), with buttons to resolve them."""

from __future__ import annotations

import contextlib
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot.handlers.common import member, pressed
from bot.i18n import Lang, t
from bot.services import Context
from bot.store.repository import Repository
from bot.store.rows import BlockerRow, PersonRow
from bot.textclip import clip

RESOLVE = "rs"
MAX_LISTED = 10


def _scope(repo: Repository, person: PersonRow) -> list[str]:
    """Whose blockers this person sees: their own, or their teams' people."""
    if person.role == "rep":
        return [person.id]
    teams = [
        team.id
        for team in repo.teams()
        if person.role == "admin" or person.id in (team.lead_id, team.manager_id)
    ]
    return [p.id for team_id in teams for p in repo.people_in_team(team_id)] + [person.id]


async def on_blockers(update: Update, context: Context) -> None:
    """Lists open blockers, oldest first, each with a resolve button."""
    who = await member(update, context)
    if who is None:
        return
    text, keyboard = _listing(who.repo, who.person, who.lang)
    await who.message.reply_text(text, reply_markup=keyboard)


def _listing(
    repo: Repository, person: PersonRow, lang: Lang, done: BlockerRow | None = None
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The /blockers message as it stands now: the open blockers with a button each,
    after a "✓ resolved" line for `done` (the one just resolved)."""
    blockers = repo.open_blockers(person_ids=_scope(repo, person))[:MAX_LISTED]
    lines = [t("bot.blockers.done", lang, text=escape(clip(done.text, 120)))] if done else []
    if not blockers:
        return "\n".join([*lines, t("bot.blockers.none", lang)]), None
    names = {p.id: p.name for p in repo.people()}
    lines.append(t("bot.blockers.title", lang, count=len(blockers)))
    buttons = []
    for i, b in enumerate(blockers, 1):
        owner = (
            "" if b.person_id == person.id else f"{escape(names.get(b.person_id, b.person_id))}: "
        )
        lines.append(
            t(
                "bot.blockers.item",
                lang,
                n=i,
                who=owner,
                text=escape(clip(b.text, 120)),
                times=b.times_seen,
                since=b.first_seen.isoformat(),
            )
        )
        buttons.append(
            [
                InlineKeyboardButton(
                    t("bot.button.resolve", lang, n=i), callback_data=f"{RESOLVE}:{b.id}"
                )
            ]
        )
    return "\n".join(lines), InlineKeyboardMarkup(buttons)


async def on_resolve(update: Update, context: Context) -> None:
    """Resolves a blocker if the presser may (its owner, or their lead, manager or an admin)."""
    press = pressed(update, context)
    if press is None:
        return
    query, repo, person, lang = press
    _, _, raw = (query.data or "").partition(":")
    allowed = _scope(repo, person) if person else []
    seen = {b.id: b for b in repo.blockers(person_ids=allowed)} if allowed else {}
    blocker = seen.get(int(raw)) if raw.isdigit() and len(raw) <= 18 else None
    if person is None or blocker is None:
        await query.answer(t("bot.blockers.not_yours", lang), show_alert=True)
        return
    if blocker.status == "open" and repo.resolve_blocker(blocker.id):
        await query.answer(t("bot.blockers.resolved", lang))
        text, keyboard = _listing(repo, person, lang, done=blocker)
    else:  # resolved already: from an older list, or pressed twice
        await query.answer(t("bot.blockers.already", lang))
        text, keyboard = _listing(repo, person, lang)
    with contextlib.suppress(BadRequest):  # unchanged, or too old to edit
        await query.edit_message_text(text, reply_markup=keyboard)
