"""/health: the strategy health check, one statement at a time with buttons.

Every answer is stored as it comes, so /health later continues an unfinished check
(within a week); the cancel button drops it. The result: a score per core element
with the daily data beside it and the change since the previous check, the weakest
points with the knowledge base's guidance, and a radar chart. A button's data names
the check, the question and the value; all three are checked against the presser's
own open check, so a forged or stale press changes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import Mapping

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot.handlers.common import local_day, member, pressed
from bot.health.chart import radar_png
from bot.health.evidence import Evidence, gather
from bot.health.score import changes, element_scores, weakest
from bot.health.view import render_question, render_result
from bot.i18n import Lang, normalise_lang, t
from bot.records import teams_for
from bot.services import Context
from bot.store.health import HealthCheckRow
from bot.store.repository import Repository
from bot.store.rows import PersonRow
from knowledge.health import Questionnaire, questionnaire

PREFIX = "hc"
TAKERS = ("manager", "admin")
RESUME_DAYS = 7


def next_index(q: Questionnaire, answers: Mapping[str, int]) -> int:
    """The first question not yet answered (the count of questions when all are)."""
    for i, question in enumerate(q.questions):
        if question.id not in answers:
            return i
    return len(q.questions)


def _evidence(repo: Repository, person: PersonRow, now: dt.datetime) -> Evidence:
    return gather(repo, teams_for(person, repo.teams()), local_day(repo, person, now))


def _keyboard(q: Questionnaire, check_id: int, index: int, lang: Lang) -> InlineKeyboardMarkup:
    values = [
        InlineKeyboardButton(str(v), callback_data=f"{PREFIX}:{check_id}:{index}:{v}")
        for v in q.values
    ]
    cancel = InlineKeyboardButton(
        t("health.button.cancel", lang), callback_data=f"{PREFIX}:{check_id}:x"
    )
    return InlineKeyboardMarkup([values, [cancel]])


def _question(
    context: Context, person: PersonRow, check_id: int, index: int, lang: Lang, resumed: bool
) -> tuple[str, InlineKeyboardMarkup]:
    q = questionnaire()
    evidence = _evidence(context.bot_data.store, person, context.bot_data.now())
    text = render_question(q, index, lang, evidence, resumed)
    return text, _keyboard(q, check_id, index, lang)


async def _ask(
    context: Context,
    chat_id: int,
    person: PersonRow,
    check_id: int,
    index: int,
    lang: Lang,
    *,
    resumed: bool = False,
) -> None:
    text, keyboard = _question(context, person, check_id, index, lang, resumed)
    await context.bot.send_message(chat_id, text, reply_markup=keyboard)


async def on_health(update: Update, context: Context) -> None:
    """Starts the strategy health check, or continues the unfinished one."""
    who = await member(update, context)
    if who is None:
        return
    message, person, lang, repo = who.message, who.person, who.lang, who.repo
    if person.role not in TAKERS:
        await message.reply_text(t("health.not_allowed", lang))
        return
    q = questionnaire()
    now = context.bot_data.now()
    check = repo.open_health_check(person.id)
    if (
        check is not None
        and check.answers
        and now - check.started_at <= dt.timedelta(days=RESUME_DAYS)
    ):
        await _ask(
            context,
            message.chat_id,
            person,
            check.id,
            next_index(q, check.answers),
            lang,
            resumed=True,
        )
        return
    check_id = repo.start_health_check(person.id, now)
    await message.reply_text(t("health.intro", lang, count=len(q.questions)))
    await _ask(context, message.chat_id, person, check_id, 0, lang)


async def on_health_button(update: Update, context: Context) -> None:
    """Takes an answer (or the cancel) of the presser's own open check."""
    press = pressed(update, context)
    if press is None:
        return
    query, repo, person, lang = press
    q = questionnaire()
    parts = (query.data or "").split(":")
    raw_id = parts[1] if len(parts) >= 3 else ""
    check = repo.health_check(int(raw_id)) if raw_id.isdigit() and len(raw_id) < 12 else None
    if (
        person is None
        or person.role not in TAKERS
        or check is None
        or check.person_id != person.id
        or check.finished_at is not None
    ):
        await query.answer(t("health.stale", lang), show_alert=True)
        return
    if len(parts) == 3 and parts[2] == "x":
        repo.cancel_health_check(check.id)
        await query.answer()
        with contextlib.suppress(BadRequest):
            await query.edit_message_text(t("health.cancelled", lang))
        return
    index = next_index(q, check.answers)
    valid = (
        len(parts) == 4
        and parts[2] == str(index)
        and parts[3].isdigit()
        and len(parts[3]) <= 2
        and int(parts[3]) in q.values
        and index < len(q.questions)
    )
    if not valid:
        await query.answer(t("health.stale", lang), show_alert=True)
        return
    value = int(parts[3])
    repo.answer_health_check(check.id, q.questions[index].id, value)
    await query.answer(t("health.answered", lang, value=value))
    chat_id = query.message.chat.id if query.message is not None else query.from_user.id
    if index + 1 < len(q.questions):
        # the next question replaces this one: one message, not fifteen
        text, keyboard = _question(context, person, check.id, index + 1, lang, False)
        try:
            await query.edit_message_text(text, reply_markup=keyboard)
        except BadRequest:
            await context.bot.send_message(chat_id, text, reply_markup=keyboard)
        return
    with contextlib.suppress(BadRequest):
        await query.edit_message_reply_markup(reply_markup=None)
    finished = repo.health_check(check.id)
    if finished is not None:
        await _finish(context, chat_id, person, normalise_lang(person.lang or lang), finished)


async def _finish(
    context: Context, chat_id: int, person: PersonRow, lang: Lang, check: HealthCheckRow
) -> None:
    """Scores the check, stores it, and sends the result and the radar chart."""
    q = questionnaire()
    repo = context.bot_data.store
    now = context.bot_data.now()
    earlier = repo.finished_health_checks(person.id)
    previous = earlier[-1] if earlier else None
    scores = element_scores(check.answers, q)
    evidence = _evidence(repo, person, now)
    repo.finish_health_check(check.id, scores, evidence.as_dict(), now)
    deltas = changes(scores, previous.scores if previous else None)
    previous_day = (
        local_day(repo, person, previous.finished_at)
        if previous is not None and previous.finished_at is not None
        else None
    )
    text = render_result(
        q,
        scores,
        deltas,
        weakest(scores, check.answers, q),
        evidence,
        previous_day if deltas else None,
        lang,
    )
    await context.bot.send_message(chat_id, text)
    elements = [e for e in q.elements if e in scores]
    if len(elements) < 3:
        return
    before = (
        [previous.scores[e] for e in elements]
        if previous is not None and all(e in previous.scores for e in elements)
        else None
    )
    png = await asyncio.to_thread(
        radar_png,
        [q.elements[e].label[lang] for e in elements],
        [scores[e] for e in elements],
        before,
        (t("health.chart.now", lang), t("health.chart.before", lang)),
        t("health.chart.title", lang),
    )
    await context.bot.send_photo(chat_id, photo=png)
