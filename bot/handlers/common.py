"""What most handlers start with: who is writing, in which language."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Message, Update

from bot.i18n import Lang, normalise_lang, t
from bot.services import Context
from bot.store.repository import Repository
from bot.store.rows import PersonRow


def person_lang(person: PersonRow | None, update: Update) -> Lang:
    """The person's language, else their Telegram client's."""
    if person and person.lang:
        return normalise_lang(person.lang)
    user = update.effective_user
    return normalise_lang(user.language_code if user else None)


@dataclass(frozen=True)
class Member:
    """A known person writing in a chat, and what a handler needs to answer them."""

    message: Message
    person: PersonRow
    lang: Lang
    repo: Repository


async def member(update: Update, context: Context) -> Member | None:
    """The sender as a member of the organisation; a stranger is told how to join (None)."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return None
    repo = context.bot_data.store
    person = repo.person_by_telegram_id(user.id)
    lang = person_lang(person, update)
    if person is None:
        await message.reply_text(t("bot.unknown", lang))
        return None
    return Member(message, person, lang, repo)
