"""The guided /report: one question per metric the rep is targeted on, with buttons for
common values, skip allowed, then blockers and next steps; /cancel stops it."""

from __future__ import annotations

import datetime as dt
import warnings
from typing import Any, cast

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

import knowledge
from bot.handlers.common import local_day, person_lang
from bot.handlers.report import reply_after_saving
from bot.i18n import Lang, t
from bot.report_parser import ParsedReport
from bot.report_parser.numbers import find_numbers
from bot.report_view import metric_label
from bot.services import Context
from bot.store.repository import Repository

ASKING = 1
PREFIX = "rp"
DEFAULT_METRICS = ("visits", "orders", "sales")
CHOICES = {"count": (0, 3, 5, 8, 10, 15), "money": (0, 5000, 10000, 20000, 50000)}


def _state(context: Context) -> dict[str, Any]:
    """The running guided report of this user (kept in python-telegram-bot's user_data)."""
    data = context.user_data if context.user_data is not None else {}
    return cast(dict[str, Any], data["report"])


def _metrics_for(repo: Repository, person_id: str, today: dt.date) -> list[str]:
    targeted = {t.metric for t in repo.targets(person_id=person_id, start=today, end=today)}
    known = knowledge.metrics()
    ordered = [m for m in known if m in targeted] + sorted(targeted - set(known))
    return ordered or list(DEFAULT_METRICS)


def _steps(metrics: list[str]) -> list[str]:
    return [*metrics, "blockers", "next_steps"]


def _question(step: str, lang: Lang) -> tuple[str, InlineKeyboardMarkup]:
    skip = InlineKeyboardButton(t("bot.dialogue.skip", lang), callback_data=f"{PREFIX}:skip")
    if step in ("blockers", "next_steps"):
        none = InlineKeyboardButton(t("bot.dialogue.none", lang), callback_data=f"{PREFIX}:skip")
        return t(f"bot.dialogue.ask_{step}", lang), InlineKeyboardMarkup([[none]])
    spec = knowledge.metrics().get(step)
    values = CHOICES["money" if spec and spec.kind == "money" else "count"]
    row = [InlineKeyboardButton(f"{v:,}", callback_data=f"{PREFIX}:{v}") for v in values]
    return (
        t("bot.dialogue.ask_metric", lang, metric=metric_label(step, lang)),
        InlineKeyboardMarkup([row[:3], row[3:], [skip]]),
    )


async def _ask(update: Update, context: Context) -> int:
    state = _state(context)
    text, keyboard = _question(state["steps"][state["at"]], state["lang"])
    message = update.effective_message
    if message is not None:
        await message.reply_text(text, reply_markup=keyboard)
    return ASKING


async def on_report_start(update: Update, context: Context) -> int:
    """Starts the guided report."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or context.user_data is None:
        return ConversationHandler.END
    repo = context.bot_data.store
    person = repo.person_by_telegram_id(user.id)
    lang = person_lang(person, update)
    if person is None:
        await message.reply_text(t("bot.unknown", lang))
        return ConversationHandler.END
    today = local_day(repo, person, context.bot_data.now())
    context.user_data["report"] = {
        "steps": _steps(_metrics_for(repo, person.id, today)),
        "at": 0,
        "lang": lang,
        "metrics": {},
        "blockers": [],
        "next_steps": [],
        "key": f"dialogue:{message.chat_id}:{message.message_id}",
    }
    return await _ask(update, context)


async def _record_answer(update: Update, context: Context, value: str | None) -> int:
    state = _state(context)
    step = state["steps"][state["at"]]
    if value is not None:
        if step in ("blockers", "next_steps"):
            state[step] = [line.strip() for line in value.splitlines() if line.strip()][:10]
        else:
            numbers = [n for n in find_numbers(value.lower()) if n.value >= 0]
            spec = knowledge.metrics().get(step)
            if not numbers or (spec and numbers[0].value > spec.max):
                message = update.effective_message
                if message is not None:
                    await message.reply_text(t("bot.dialogue.not_a_number", state["lang"]))
                return await _ask(update, context)
            number = numbers[0].value
            state["metrics"][step] = int(number) if float(number).is_integer() else number
    state["at"] += 1
    if state["at"] < len(state["steps"]):
        return await _ask(update, context)
    return await _finish(update, context, state)


async def _finish(update: Update, context: Context, state: dict[str, Any]) -> int:
    repo = context.bot_data.store
    user = update.effective_user
    person = repo.person_by_telegram_id(user.id) if user else None
    message = update.effective_message
    if person is None or message is None:
        return ConversationHandler.END
    today = local_day(repo, person, context.bot_data.now())
    parsed = ParsedReport(
        today, dict(state["metrics"]), tuple(state["blockers"]), tuple(state["next_steps"]), ()
    )
    summary = ", ".join(f"{k} {v}" for k, v in parsed.metrics.items())
    await reply_after_saving(
        update, context, person, parsed, f"/report {summary}", state["key"], today
    )
    context.user_data.pop("report", None)  # type: ignore[union-attr]
    return ConversationHandler.END


async def on_report_button(update: Update, context: Context) -> int:
    """Takes a pressed value (or skip)."""
    query = update.callback_query
    if query is None or not context.user_data or "report" not in context.user_data:
        if query is not None:
            await query.answer()
        return ConversationHandler.END
    await query.answer()
    raw = (query.data or "").partition(":")[2]
    return await _record_answer(update, context, None if raw == "skip" else raw)


async def on_report_text(update: Update, context: Context) -> int:
    """Takes a typed answer."""
    message = update.effective_message
    if message is None or not context.user_data or "report" not in context.user_data:
        return ConversationHandler.END
    return await _record_answer(update, context, (message.text or "")[:2000])


async def on_report_cancel(update: Update, context: Context) -> int:
    """Stops the guided report; nothing is stored."""
    message = update.effective_message
    state = cast(dict[str, Any] | None, (context.user_data or {}).pop("report", None))
    lang: Lang = state["lang"] if state else person_lang(None, update)
    if message is not None:
        await message.reply_text(t("bot.dialogue.cancelled", lang))
    return ConversationHandler.END


def dialogue_handler() -> BaseHandler[Update, Context, Any]:
    """The /report conversation (registered before the free-text report handler)."""
    private = filters.ChatType.PRIVATE
    with warnings.catch_warnings():
        # per_message=False is meant: one dialogue per person, buttons told apart by prefix
        warnings.filterwarnings("ignore", message=".*per_message=False.*")
        return _conversation(private)


def _conversation(private: filters.BaseFilter) -> ConversationHandler[Context]:
    return ConversationHandler(
        entry_points=[CommandHandler("report", on_report_start, filters=private)],
        states={
            ASKING: [
                CallbackQueryHandler(on_report_button, pattern=f"^{PREFIX}:"),
                MessageHandler(private & filters.TEXT & ~filters.COMMAND, on_report_text),
            ]
        },
        fallbacks=[CommandHandler("cancel", on_report_cancel, filters=private)],
        conversation_timeout=dt.timedelta(minutes=30),
        per_message=False,  # one dialogue per person; its buttons are checked by prefix
    )
