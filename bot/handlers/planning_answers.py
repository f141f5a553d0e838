"""Planning rounds, the rep's side: the question, and the answer in plain words or by button.

A rep with an unanswered question may answer "下个月我能做25万", "I can do 250k next
month", "25万", by replying to the question, or with a button; a daily report sent
meanwhile is still read as a report. When a message might be either, the bot asks.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, TelegramError

from bot.handlers.common import local_day, person_lang, pressed
from bot.handlers.planning_view import ANSWER, LEAD, ask_text, board, example, money_text
from bot.i18n import normalise_lang, t
from bot.planning.board import base_for, is_money, metric_max
from bot.planning.rounds import read_answer
from bot.plans import Period
from bot.report_parser import parse_report, team_lexicon
from bot.report_view import metric_label
from bot.services import Context
from bot.store.planning import DraftRow, RoundRow
from bot.store.repository import Repository
from bot.store.rows import Number, PersonRow


async def send_ask(
    context: Context,
    repo: Repository,
    draft: DraftRow,
    round_: RoundRow,
    today: dt.date,
    *,
    reminder: bool = False,
) -> bool:
    """Sends a rep the question for one metric; False when it could not be delivered."""
    person = repo.person_by_id(draft.person_id)
    team = repo.team(round_.team_id)
    if person is None or person.telegram_id is None or team is None:
        return False
    lang = normalise_lang(person.lang)
    base = base_for(repo, team, person.id, draft.metric, Period.parse(round_.period), today)
    text, keyboard = ask_text(draft, round_, lang, base, reminder)
    try:
        sent = await context.bot.send_message(person.telegram_id, text, reply_markup=keyboard)
    except TelegramError:
        return False
    repo.mark_asked(draft.id, sent.chat_id, sent.message_id, reminder=reminder)
    return True


def _looks_like_report(repo: Repository, person: PersonRow, text: str, today: dt.date) -> bool:
    team = repo.team(person.team_id) if person.team_id else None
    parsed = parse_report(
        text, today, lexicon=team_lexicon(team.settings.get("metrics") if team else None)
    )
    return bool(parsed.metrics or parsed.blockers or parsed.next_steps)


async def rep_answer_route(
    update: Update, context: Context, person: PersonRow, text: str, today: dt.date
) -> bool:
    """Takes a rep's draft for the open question; True when the message was answered."""
    message = update.effective_message
    repo = context.bot_data.store
    pending = repo.pending_ask(person.id)
    if message is None or pending is None:
        return False
    round_ = repo.planning_round(pending.round_id)
    if round_ is None:
        return False
    lang = person_lang(person, update)
    replied = message.reply_to_message
    replying = replied is not None and replied.message_id == pending.ask_message_id
    report_like = _looks_like_report(repo, person, text, today)
    answer = read_answer(
        text, money=is_money(pending.metric), replying=replying, looks_like_report=report_like
    )
    if answer.kind == "report" or (answer.kind == "garbage" and any(q in text for q in "?？")):
        return False  # a report, or a question: read as such
    label = metric_label(pending.metric, lang)
    if answer.kind == "garbage" or answer.value is None:
        shown = example(pending.metric, lang)
        await message.reply_text(
            t("planning.answer.unclear", lang, period=round_.period, metric=label, example=shown)
        )
        return True
    value = _whole(answer.value)
    if answer.kind == "unsure":
        shown = money_text(value, pending.metric, lang)
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        t("planning.button.yes_draft", lang, value=shown),
                        callback_data=f"{ANSWER}:{pending.id}:{value}",
                    )
                ]
            ]
        )
        await message.reply_text(
            t("planning.answer.unsure", lang, value=shown, period=round_.period, metric=label),
            reply_markup=keyboard,
        )
        return answer.future or not report_like
    await take_answer(context, repo, person, pending, round_, value, today)
    return True


def _whole(value: float) -> Number:
    return int(value) if float(value).is_integer() else round(value, 2)


async def take_answer(
    context: Context,
    repo: Repository,
    person: PersonRow,
    draft: DraftRow,
    round_: RoundRow,
    value: Number,
    today: dt.date,
) -> None:
    """Stores the rep's draft, thanks them, tells the lead, and asks the next metric."""
    lang = normalise_lang(person.lang)
    chat = person.telegram_id
    if chat is None:
        return
    if value > metric_max(draft.metric):
        await context.bot.send_message(chat, t("planning.answer.too_big", lang))
        return
    repo.record_draft(draft.id, value)
    shown = money_text(value, draft.metric, lang)
    label = metric_label(draft.metric, lang)
    following = repo.next_unasked(round_.id, person.id)
    key = "planning.answer.thanks_more" if following else "planning.answer.thanks"
    await context.bot.send_message(
        chat, t(key, lang, period=round_.period, metric=label, value=shown)
    )
    if following is not None:
        await send_ask(context, repo, following, round_, today)
    await _tell_lead(context, repo, round_, person, draft, value)


async def _tell_lead(
    context: Context,
    repo: Repository,
    round_: RoundRow,
    person: PersonRow,
    draft: DraftRow,
    value: Number,
) -> None:
    """A short line to the lead for each answer; the whole board once everyone answered."""
    team = repo.team(round_.team_id)
    lead = repo.person_by_id(team.lead_id) if team and team.lead_id else None
    if lead is None or lead.telegram_id is None:
        return
    lang = normalise_lang(lead.lang)
    drafts = repo.round_drafts(round_.id)
    answered = sum(1 for d in drafts if d.draft is not None)
    with contextlib.suppress(TelegramError):
        if answered == len(drafts):
            text, keyboard = board(repo, round_, lang)
            await context.bot.send_message(
                lead.telegram_id,
                t("planning.lead.all_answered", lang) + "\n" + text,
                reply_markup=keyboard,
            )
            return
        await context.bot.send_message(
            lead.telegram_id,
            t(
                "planning.lead.answered",
                lang,
                name=escape(person.name),
                metric=metric_label(draft.metric, lang),
                value=money_text(value, draft.metric, lang),
                reference=money_text(draft.reference, draft.metric, lang),
                answered=answered,
                total=len(drafts),
            ),
            reply_markup=InlineKeyboardMarkup(
                [
                    [
                        InlineKeyboardButton(
                            t("planning.button.board", lang),
                            callback_data=f"{LEAD}:b:{round_.id}",
                        )
                    ]
                ]
            ),
        )


async def on_answer_button(update: Update, context: Context) -> None:
    """Takes a value pressed by the rep the question was for (the data is not trusted)."""
    press = pressed(update, context)
    if press is None:
        return
    query, repo, person, lang = press
    parts = (query.data or "").split(":")
    draft = None
    value: Number | None = None
    if len(parts) == 3 and parts[1].isdigit() and len(parts[1]) < 19:
        draft = repo.draft_by_id(int(parts[1]))
        value = _number(parts[2])
    round_ = repo.planning_round(draft.round_id) if draft else None
    if (
        person is None
        or draft is None
        or value is None
        or round_ is None
        or draft.person_id != person.id
        or round_.status != "open"
    ):
        await query.answer(t("planning.button.not_yours", lang), show_alert=True)
        return
    await query.answer()
    with contextlib.suppress(BadRequest):
        await query.edit_message_reply_markup(reply_markup=None)

    today = local_day(repo, person, context.bot_data.now())
    await take_answer(context, repo, person, draft, round_, value, today)


def _number(raw: str) -> Number | None:
    if len(raw) > 15:
        return None
    try:
        value = float(raw)
    except ValueError:
        return None
    if not value >= 0 or value != value:  # negative or NaN
        return None
    return _whole(value)
