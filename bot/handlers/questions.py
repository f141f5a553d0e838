"""Questions in plain words from leads, managers and reps, answered with numbers and buttons.

A text route (tried before a message is read as a report) and the buttons of the
answers: follow-ups, "which 静?", "did you mean…", "Is this your daily report?".
Button data is never trusted: the query in it is answered only after the
presser's scope is checked again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from bot.ask.classify import decide
from bot.ask.query import MAX_DATA, Query
from bot.ask.scope import dimension_values, directory_of, scope_of
from bot.ask.service import Answer, answer_query, answer_understood, team_metric_words
from bot.ask.understand import understand
from bot.handlers.common import local_day, person_lang
from bot.i18n import Lang, t
from bot.report_parser import parse_report, team_lexicon
from bot.services import Context
from bot.store.repository import Repository, telegram_source_key
from bot.store.rows import PersonRow

QUERY, STORED, IS_REPORT = "qa", "qk", "qr"
_STORE = "ask_queries"  # user_data: button queries too long for 64 bytes
_PENDING = "ask_pending"  # user_data: texts waiting for "is this your report?"
_KEEP = 50


def _bucket(context: Context, name: str) -> dict[str, Any]:
    data = context.user_data
    if data is None:
        return {}
    bucket = data.setdefault(name, {})
    return bucket if isinstance(bucket, dict) else {}


def _remember(bucket: dict[str, Any], key: str, value: Any) -> None:
    bucket[key] = value
    while len(bucket) > _KEEP:
        bucket.pop(next(iter(bucket)))


def _keyboard(context: Context, answer: Answer) -> InlineKeyboardMarkup | None:
    rows = []
    store = _bucket(context, _STORE)
    for label, query in answer.buttons:
        data = query.encode()
        if len(data.encode()) > MAX_DATA:
            key = str(max((int(k) for k in store if k.isdigit()), default=0) + 1)
            _remember(store, key, query)
            data = f"{STORED}|{key}"
        rows.append([InlineKeyboardButton(label, callback_data=data)])
    return InlineKeyboardMarkup(rows) if rows else None


async def _send(message: Message, context: Context, answer: Answer) -> None:
    await message.reply_text(
        answer.text[:4000], reply_markup=_keyboard(context, answer), do_quote=False
    )


async def question_route(
    update: Update, context: Context, person: PersonRow, text: str, today: dt.date
) -> bool:
    """Answers the text when it is a question; False lets it be read as a report."""
    message = update.effective_message
    if message is None or len(text) > 300:
        return False
    repo = context.bot_data.store
    team = repo.team(person.team_id) if person.team_id else None
    parsed = parse_report(
        text, today, lexicon=team_lexicon(team.settings.get("metrics") if team else None)
    )
    if person.role == "rep" and parsed.metrics:
        return False  # a rep's text with figures is a report, question mark or not
    scope = scope_of(repo, person)
    dims = dimension_values(repo, scope)
    u = understand(text, today, directory_of(scope, dims), team_metric_words(scope))
    decision = decide(person.role, parsed, u)
    if decision == "report":
        return False
    if decision == "unsure":
        _remember(_bucket(context, _PENDING), str(message.message_id), (text, today.isoformat()))
        lang = u.lang
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        t("ask.is_report.yes", lang),
                        callback_data=f"{IS_REPORT}|y|{message.message_id}",
                    ),
                    InlineKeyboardButton(
                        t("ask.is_report.no", lang),
                        callback_data=f"{IS_REPORT}|n|{message.message_id}",
                    ),
                ]
            ]
        )
        await message.reply_text(t("ask.is_report", lang), reply_markup=keyboard)
        return True
    answer = answer_understood(repo, scope, u, today, u.lang, dims)
    await _send(message, context, answer)
    return True


def _asker(update: Update, context: Context) -> tuple[Repository, PersonRow | None, Lang]:
    repo = context.bot_data.store
    user = update.effective_user
    person = repo.person_by_telegram_id(user.id) if user else None
    if person is not None and not person.active:
        person = None
    return repo, person, person_lang(person, update)


async def on_question_button(update: Update, context: Context) -> None:
    """Answers a follow-up, a "which one?" or a "did you mean" button, scope checked again."""
    query = update.callback_query
    if query is None or query.message is None:
        return
    repo, person, lang = _asker(update, context)
    data = query.data or ""
    asked: Query | None = None
    if data.startswith(f"{STORED}|"):
        stored = _bucket(context, _STORE).get(data[3:])
        asked = stored if isinstance(stored, Query) else None
    else:
        asked = Query.decode(data)
    if person is None or asked is None:
        await query.answer(t("ask.expired", lang), show_alert=True)
        return

    today = local_day(repo, person, context.bot_data.now())
    answer = answer_query(repo, scope_of(repo, person), asked, today)
    await query.answer()
    if isinstance(query.message, Message):
        await _send(query.message, context, answer)


async def on_is_report(update: Update, context: Context) -> None:
    """ "Is this your daily report?" — yes stores it as one; no answers it as a question."""
    query = update.callback_query
    if query is None or not isinstance(query.message, Message):
        return
    repo, person, lang = _asker(update, context)
    _, _, rest = (query.data or "").partition("|")
    choice, _, key = rest.partition("|")
    pending = _bucket(context, _PENDING).pop(key, None)
    if person is None or choice not in ("y", "n") or not isinstance(pending, tuple):
        await query.answer(t("ask.expired", lang), show_alert=True)
        return
    text, day = str(pending[0]), dt.date.fromisoformat(str(pending[1]))
    await query.answer()
    with contextlib.suppress(BadRequest):
        await query.edit_message_reply_markup(reply_markup=None)
    if choice == "y" and person.role in ("rep", "lead"):
        from bot.handlers.report import reply_after_saving

        team = repo.team(person.team_id) if person.team_id else None
        lexicon = team_lexicon(team.settings.get("metrics") if team else None)
        parsed = parse_report(text, day, lexicon=lexicon)
        source = telegram_source_key(query.message.chat.id, int(key))
        await reply_after_saving(update, context, person, parsed, text, source, day)
        return
    scope = scope_of(repo, person)
    dims = dimension_values(repo, scope)
    u = understand(text, day, directory_of(scope, dims), team_metric_words(scope))
    await _send(query.message, context, answer_understood(repo, scope, u, day, u.lang, dims))
