"""What most handlers start with: who is writing, in which language."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from telegram import CallbackQuery, Message, Update

from bot.clock import zone_or_default
from bot.i18n import Lang, normalise_lang, t
from bot.planning.board import leads_team
from bot.services import Context
from bot.store.repository import Repository
from bot.store.rows import PersonRow, TeamRow


def person_lang(person: PersonRow | None, update: Update) -> Lang:
    """The person's language, else their Telegram client's."""
    if person and person.lang:
        return normalise_lang(person.lang)
    user = update.effective_user
    return normalise_lang(user.language_code if user else None)


def local_day(repo: Repository, person: PersonRow, now: dt.datetime) -> dt.date:
    """The person's local date at `now` (their zone, else their team's)."""
    team = repo.team(person.team_id) if person.team_id else None
    return now.astimezone(zone_or_default(person.timezone, team.timezone if team else None)).date()


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


async def team_lead(
    update: Update, context: Context, refusal: str
) -> tuple[Member, TeamRow] | None:
    """The sender as the lead of their team; anyone else is told `refusal` (a key): None."""
    who = await member(update, context)
    if who is None:
        return None
    team = leads_team(who.repo, who.person)
    if team is None:
        await who.message.reply_text(t(refusal, who.lang))
        return None
    return who, team


class Press(NamedTuple):
    """An inline button pressed: the query, who pressed it (None: a stranger), how to answer."""

    query: CallbackQuery
    repo: Repository
    person: PersonRow | None
    lang: Lang


def pressed(update: Update, context: Context) -> Press | None:
    """The button press in this update and its presser (None when it is not one)."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return None
    repo = context.bot_data.store
    person = repo.person_by_telegram_id(user.id)
    return Press(query, repo, person, person_lang(person, update))
