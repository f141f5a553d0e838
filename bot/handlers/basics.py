"""Start, help, and everything that is not a report: short clear answers, nothing stored."""

from __future__ import annotations

import logging
from html import escape

from telegram import Update
from telegram.error import TelegramError

from bot.commands import commands, visible_to
from bot.handlers.common import person_lang, pressed
from bot.i18n import normalise_lang, t
from bot.sending import is_transient
from bot.services import Context

log = logging.getLogger(__name__)


async def on_help(update: Update, context: Context) -> None:
    """Lists the commands this person can use, from the one command table."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    person = context.bot_data.store.person_by_telegram_id(user.id)
    lang = person_lang(person, update)
    role = person.role if person else None
    lines = [t("bot.help.title", lang)]
    lines += [f"/{c.name} — {t(c.help_key, lang)}" for c in commands() if visible_to(c, role)]
    lines.append(t("bot.help.report", lang))
    await message.reply_text("\n".join(lines))


async def on_other(update: Update, context: Context) -> None:
    """Answers stickers, photos, voice, files … with what the bot can read."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    person = context.bot_data.store.person_by_telegram_id(user.id)
    await message.reply_text(t("bot.not_text", person_lang(person, update)))


async def on_unknown_command(update: Update, context: Context) -> None:
    """Says which commands exist."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    person = context.bot_data.store.person_by_telegram_id(user.id)
    await message.reply_text(t("bot.unknown_command", person_lang(person, update)))


async def on_error(update: object, context: Context) -> None:
    """Logs the error, tells the admins in one short line, and keeps going."""
    error = context.error
    if is_transient(error):  # the inbox keeps the update and retries: no alarm
        log.warning("update held back by passing trouble: %s", type(error).__name__)
        return
    log.error("error while handling an update", exc_info=error)
    summary = f"{type(error).__name__}: {error}"[:300] if error else "unknown error"
    token = context.bot.token
    summary = summary.replace(token, "<token>") if token else summary
    for admin in context.bot_data.store.people():
        if admin.role != "admin" or admin.telegram_id is None:
            continue
        try:
            await context.bot.send_message(
                admin.telegram_id,
                t("bot.error.admin", normalise_lang(admin.lang), error=escape(summary)),
            )
        except TelegramError:
            continue


async def on_stale_button(update: Update, context: Context) -> None:
    """Answers a button press the bot does not know (old or forged data)."""
    press = pressed(update, context)
    if press is not None:
        await press.query.answer(t("bot.button.stale", press.lang), show_alert=True)


async def on_menu_only(update: Update, context: Context) -> None:
    """/cancel outside a dialogue (and /report if the dialogue did not take it): says so."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    person = context.bot_data.store.person_by_telegram_id(user.id)
    await message.reply_text(t("bot.dialogue.nothing", person_lang(person, update)))
