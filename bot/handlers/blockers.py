"""/blockers: the open blockers (a rep's own, a lead's team's), with buttons to resolve them."""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.handlers.common import member, person_lang
from bot.i18n import t
from bot.services import Context
from bot.store.repository import Repository
from bot.store.rows import PersonRow

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
    message, person, lang, repo = who.message, who.person, who.lang, who.repo
    blockers = repo.open_blockers(person_ids=_scope(repo, person))[:MAX_LISTED]
    if not blockers:
        await message.reply_text(t("bot.blockers.none", lang))
        return
    names = {p.id: p.name for p in repo.people()}
    lines = [t("bot.blockers.title", lang, count=len(blockers))]
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
                text=escape(b.text if len(b.text) <= 120 else b.text[:119] + "…"),
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
    await message.reply_text("\n".join(lines), reply_markup=InlineKeyboardMarkup(buttons))


async def on_resolve(update: Update, context: Context) -> None:
    """Resolves a blocker if the presser may (its owner, or their lead, manager or an admin)."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    repo = context.bot_data.store
    person = repo.person_by_telegram_id(user.id)
    lang = person_lang(person, update)
    _, _, raw = (query.data or "").partition(":")
    allowed = _scope(repo, person) if person else []
    mine = {b.id for b in repo.open_blockers(person_ids=allowed)} if allowed else set()
    if not raw.isdigit() or len(raw) > 18 or int(raw) not in mine:
        await query.answer(t("bot.blockers.not_yours", lang), show_alert=True)
        return
    repo.resolve_blocker(int(raw))
    await query.answer(t("bot.blockers.resolved", lang))
