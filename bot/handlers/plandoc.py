"""/plandoc: the plan execution document (method 2), one part at a time.

The wizard asks the ten parts in order, one message each with a short hint from the
knowledge base; a part may be skipped. Each answer goes straight into the team's plan
document and the wizard's place is kept in the database, so /cancel pauses it and
/plandoc resumes it, also after a restart. `/plandoc status` lists what is missing;
`/plandoc share` sends the document to the team and records the briefing (the
article's plan training: a `training` event, which the mechanism rules read).

    /plandoc [PERIOD]       start, or resume (this month's if it is incomplete, else next month's)
    /plandoc status | share
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Mapping
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, TelegramError

from bot.handlers.common import local_day, person_lang, pressed, team_lead
from bot.i18n import Lang, normalise_lang, t
from bot.planning.board import leads_team
from bot.plans import Period
from bot.services import Context
from bot.store.repository import Repository
from bot.store.rows import SECTION_NAMES, PersonRow, TeamRow
from knowledge.plan_parts import plan_parts

PREFIX = "pd"  # pd:k:<position> skip; pd:s:<period> share anyway
MAX_PART = 1500
MAX_MESSAGE = 3800
ACTIVE_FOR = dt.timedelta(hours=12)  # after this, text is no longer taken as the next part


def _missing(repo: Repository, team_id: str, period: str) -> list[str]:
    doc = repo.plan_document(team_id, period)
    sections = doc.sections if doc else {}
    return [s for s in SECTION_NAMES if not str(sections.get(s, "")).strip()]


def _default_period(repo: Repository, team_id: str, today: dt.date) -> Period:
    month = Period.containing("month", today)
    return month if _missing(repo, team_id, month.label) else month.shift(1)


def _label(part: str, lang: Lang) -> str:
    return t(f"plan.section.{part}", lang)


async def _ask(context: Context, repo: Repository, lead: PersonRow, lang: Lang) -> None:
    """Sends the part the lead is at, with its hint, what is there now, and a skip button."""
    session = repo.plandoc_session(lead.id)
    if session is None or lead.telegram_id is None:
        return
    part = plan_parts()[session.position]
    doc = repo.plan_document(session.team_id, session.period)
    current = str((doc.sections if doc else {}).get(part.id, "")).strip()
    lines = [
        t(
            "plandoc.ask",
            lang,
            n=session.position + 1,
            total=len(SECTION_NAMES),
            part=_label(part.id, lang),
            period=session.period,
        ),
        escape(part.hint[lang]),
    ]
    if current:
        shown = current if len(current) <= 200 else current[:199] + "…"
        lines.append(t("plandoc.current", lang, text=escape(shown)))
    lines.append(t("plandoc.how", lang))
    key = "plandoc.button.keep" if current else "plandoc.button.skip"
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton(t(key, lang), callback_data=f"{PREFIX}:k:{session.position}")]]
    )
    await context.bot.send_message(lead.telegram_id, "\n".join(lines), reply_markup=keyboard)


async def _advance(context: Context, repo: Repository, lead: PersonRow, lang: Lang) -> None:
    """Moves to the next part, or finishes with what is still missing."""
    session = repo.plandoc_session(lead.id)
    if session is None or lead.telegram_id is None:
        return
    if session.position + 1 < len(SECTION_NAMES):
        repo.save_plandoc_session(
            lead.id, session.team_id, session.period, session.position + 1, "active"
        )
        await _ask(context, repo, lead, lang)
        return
    repo.end_plandoc_session(lead.id)
    missing = _missing(repo, session.team_id, session.period)
    await context.bot.send_message(
        lead.telegram_id,
        t("plandoc.finished", lang, period=session.period) + "\n" + _status_text(missing, lang),
    )


def _status_text(missing: list[str], lang: Lang) -> str:
    if not missing:
        return t("plandoc.complete", lang)
    names = (
        "、".join(_label(s, lang) for s in missing)
        if lang == "zh"
        else ", ".join(_label(s, lang) for s in missing)
    )
    return t("plandoc.missing", lang, count=len(missing), parts=names)


async def on_plandoc(update: Update, context: Context) -> None:
    """Starts or resumes the wizard; `status` lists what is missing; `share` sends it."""
    found = await team_lead(update, context, "plandoc.lead_only")
    if found is None:
        return
    who, team = found
    message, person, lang, repo = who.message, who.person, who.lang, who.repo
    args = [a.strip().lower() for a in (context.args or []) if a.strip()][:3]
    today = local_day(repo, person, context.bot_data.now())
    session = repo.plandoc_session(person.id)
    word = args[0] if args else ""
    if word in ("status", "状态", "share", "发送", "分享"):
        if len(args) > 1 and _is_period(args[1]):
            period = Period.parse(args[1].upper())
        elif session is not None:
            period = Period.parse(session.period)
        else:
            period = _default_period(repo, team.id, today)
        if word in ("status", "状态"):
            missing = _missing(repo, team.id, period.label)
            await message.reply_text(
                t("plandoc.status", lang, period=period.label) + "\n" + _status_text(missing, lang)
            )
        else:
            await _share_or_refuse(context, repo, person, team, period, lang, today, force=False)
        return
    if word:
        if not _is_period(word):
            await message.reply_text(t("plandoc.usage", lang))
            return
        period = Period.parse(word.upper())
        if period.end < today:
            await message.reply_text(t("plandoc.over", lang, period=period.label))
            return
    elif session is not None:
        period = Period.parse(session.period)
    else:
        period = _default_period(repo, team.id, today)
    if session is not None and session.period == period.label:
        repo.save_plandoc_session(person.id, team.id, period.label, session.position, "active")
        await message.reply_text(t("plandoc.resumed", lang, period=period.label))
    else:
        missing = _missing(repo, team.id, period.label)
        start = SECTION_NAMES.index(missing[0]) if missing else 0
        repo.save_plandoc_session(person.id, team.id, period.label, start, "active")
        await message.reply_text(t("plandoc.started", lang, period=period.label))
    await _ask(context, repo, person, lang)


def _is_period(word: str) -> bool:
    try:
        Period.parse(word.upper())
    except ValueError:
        return False
    return True


async def plandoc_route(
    update: Update, context: Context, person: PersonRow, text: str, today: dt.date
) -> bool:
    """Takes the lead's text as the part the wizard is at (a text route)."""
    message = update.effective_message
    repo = context.bot_data.store
    session = repo.plandoc_session(person.id)
    if message is None or session is None or session.status != "active":
        return False
    if context.bot_data.now() - session.updated_at > ACTIVE_FOR:
        return False  # left long ago: read the message as whatever it is
    lang = person_lang(person, update)
    answer = text.strip()
    if len(answer) > MAX_PART:
        await message.reply_text(t("plandoc.too_long", lang, max=MAX_PART))
        return True
    part = SECTION_NAMES[session.position]
    doc = repo.plan_document(session.team_id, session.period)
    sections = dict(doc.sections) if doc else {}
    sections[part] = answer
    repo.upsert_plan_document(session.team_id, session.period, sections)
    await message.reply_text(t("plandoc.saved", lang, part=_label(part, lang)))
    await _advance(context, repo, person, lang)
    return True


async def on_plandoc_button(update: Update, context: Context) -> None:
    """Skip (or keep) the part asked; share a document with parts missing."""
    press = pressed(update, context)
    if press is None:
        return
    query, repo, person, lang = press
    parts = (query.data or "").split(":")
    team = leads_team(repo, person) if person else None
    session = repo.plandoc_session(person.id) if person else None
    sharing = len(parts) == 3 and parts[1] == "s" and _is_period(parts[2])
    if person is not None and team is not None and sharing:
        await query.answer()
        with contextlib.suppress(BadRequest):
            await query.edit_message_reply_markup(reply_markup=None)
        today = local_day(repo, person, context.bot_data.now())
        period = Period.parse(parts[2].upper())
        await _share_or_refuse(context, repo, person, team, period, lang, today, force=True)
        return
    if (
        person is None
        or session is None
        or session.status != "active"
        or parts[:2] != [PREFIX, "k"]
        or len(parts) != 3
        or parts[2] != str(session.position)
    ):
        await query.answer(t("plandoc.stale", lang), show_alert=True)
        return
    await query.answer()
    with contextlib.suppress(BadRequest):
        await query.edit_message_reply_markup(reply_markup=None)
    await _advance(context, repo, person, lang)


async def on_cancel(update: Update, context: Context) -> None:
    """/cancel: pauses the plan document wizard (kept for /plandoc), else says nothing runs."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    repo = context.bot_data.store
    person = repo.person_by_telegram_id(user.id)
    session = repo.plandoc_session(person.id) if person else None
    if person is None or session is None or session.status != "active":
        from bot.handlers.basics import on_menu_only

        await on_menu_only(update, context)
        return
    repo.save_plandoc_session(
        person.id, session.team_id, session.period, session.position, "paused"
    )
    await message.reply_text(
        t("plandoc.paused", person_lang(person, update), n=session.position + 1)
    )


async def _share_or_refuse(
    context: Context,
    repo: Repository,
    lead: PersonRow,
    team: TeamRow,
    period: Period,
    lang: Lang,
    today: dt.date,
    *,
    force: bool,
) -> None:
    """Sends the document to the team and records the briefing; without `force`, a
    document with parts missing is not sent (the lead is offered to send it anyway)."""
    chat = lead.telegram_id
    if chat is None:
        return
    doc = repo.plan_document(team.id, period.label)
    missing = _missing(repo, team.id, period.label)
    if doc is None or len(missing) == len(SECTION_NAMES):
        await context.bot.send_message(chat, t("plandoc.nothing", lang, period=period.label))
        return
    if missing and not force:
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        t("plandoc.button.share_anyway", lang),
                        callback_data=f"{PREFIX}:s:{period.label}",
                    )
                ]
            ]
        )
        await context.bot.send_message(
            chat,
            _status_text(missing, lang) + "\n" + t("plandoc.share_incomplete", lang),
            reply_markup=keyboard,
        )
        return
    sent = 0
    for person in repo.people_in_team(team.id):
        if person.id == lead.id or person.telegram_id is None:
            continue
        reader = normalise_lang(person.lang)
        try:
            for chunk in _document(team, period.label, doc.sections, lead.name, reader):
                await context.bot.send_message(person.telegram_id, chunk)
        except TelegramError:
            continue
        sent += 1
    repo.add_event(
        "training",
        today,
        team_id=team.id,
        by_id=lead.id,
        text=t("plandoc.event", normalise_lang(lead.lang), period=period.label),
        source_key=f"plandoc:{team.id}:{period.label}:{today.isoformat()}",
    )
    await context.bot.send_message(
        chat, t("plandoc.shared", lang, count=sent, date=today.isoformat())
    )


def _document(
    team: TeamRow, period: str, sections: Mapping[str, str], author: str, lang: Lang
) -> list[str]:
    """The document as messages of at most MAX_MESSAGE characters."""
    found = dict(sections)
    blocks = [
        t("plandoc.doc_title", lang, team=escape(team.name), period=period, who=escape(author))
    ]
    for part in SECTION_NAMES:
        text = str(found.get(part, "")).strip()
        if text:
            blocks.append(f"<b>{escape(_label(part, lang))}</b>\n{escape(text)}")
    chunks: list[str] = []
    for block in blocks:
        if chunks and len(chunks[-1]) + len(block) + 2 <= MAX_MESSAGE:
            chunks[-1] += "\n\n" + block
        else:
            chunks.append(block[:MAX_MESSAGE])
    return chunks
