"""Planning rounds, the lead's side (method 1, plan both ways): /round opens one for a
period and asks each rep; the board shows drafts beside the top-down numbers with the
gaps; the lead adjusts (a number per person in chat, or a button), reminds those who
did not answer, and confirms — which writes the targets with basis and draft and tells
each rep their target.

    /round [PERIOD] [METRIC …]   open a round (next month and sales by default), or show it
    /round status | confirm | nudge | cancel
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from html import escape

from telegram import Update
from telegram.error import BadRequest, TelegramError

import knowledge
from bot.handlers.common import local_day, person_lang, pressed, team_lead
from bot.handlers.planning_answers import send_ask
from bot.handlers.planning_view import board, money_text
from bot.i18n import Lang, normalise_lang, t
from bot.planning.board import (
    asked_people,
    confirm,
    leads_team,
    metric_max,
    new_drafts,
    round_metrics,
)
from bot.planning.rounds import is_bare, round_period
from bot.plans import Period
from bot.report_parser.normalise import fold, normalise
from bot.report_parser.numbers import find_numbers
from bot.report_view import metric_label
from bot.services import Context
from bot.store.planning import DraftRow, RoundRow
from bot.store.repository import Repository
from bot.store.rows import Number, PersonRow, TeamRow

WORDS = {
    "status": "status",
    "看": "status",
    "confirm": "confirm",
    "确认": "confirm",
    "nudge": "nudge",
    "remind": "nudge",
    "提醒": "nudge",
    "cancel": "cancel",
    "取消": "cancel",
}


async def on_round(update: Update, context: Context) -> None:
    """Opens a planning round, or shows, confirms, reminds or cancels the open one."""
    found = await team_lead(update, context, "planning.lead_only")
    if found is None:
        return
    who, team = found
    message, person, lang, repo = who.message, who.person, who.lang, who.repo
    args = [a.strip() for a in (context.args or []) if a.strip()][:6]
    word = WORDS.get(args[0].lower()) if args else None
    today = local_day(repo, person, context.bot_data.now())
    current = repo.open_round_of(team.id)
    if word == "status" or (not args and current is not None):
        shown = current or repo.latest_round(team.id)
        if shown is None:
            await message.reply_text(t("planning.none_open", lang))
            return
        text, keyboard = board(repo, shown, lang)
        await message.reply_text(text, reply_markup=keyboard)
        return
    if word is not None:
        if current is None:
            await message.reply_text(t("planning.none_open", lang))
            return
        await _act(context, repo, person, lang, current, word, today)
        return
    if current is not None:
        await message.reply_text(t("planning.already_open", lang, period=current.period))
        return
    await _open(context, repo, person, team, lang, args, today)


async def _open(
    context: Context,
    repo: Repository,
    lead: PersonRow,
    team: TeamRow,
    lang: Lang,
    args: list[str],
    today: dt.date,
) -> None:
    chat = lead.telegram_id
    if chat is None:
        return
    known = set(knowledge.metrics()) | set((team.settings.get("metrics") or {}).keys())
    words = [a.lower() for a in args]
    metrics = tuple(dict.fromkeys(w for w in words if w in known))
    rest = [w for w in words if w not in known]
    try:
        period = round_period(rest[0] if rest else None, today)
    except ValueError:
        await context.bot.send_message(chat, t("planning.bad_period", lang))
        return
    if len(rest) > 1:
        await context.bot.send_message(chat, t("planning.bad_period", lang))
        return
    if not asked_people(repo, team.id):
        await context.bot.send_message(chat, t("planning.no_reps", lang))
        return
    metrics = metrics or round_metrics(repo, team.id, period)
    try:
        round_ = repo.open_round(
            team.id, period.label, metrics, lead.id, new_drafts(repo, team, period, metrics)
        )
    except ValueError:
        await context.bot.send_message(chat, t("planning.already_open", lang, period="?"))
        return
    delivered = 0
    people = {d.person_id for d in repo.round_drafts(round_.id)}
    for person_id in sorted(people):
        first = repo.next_unasked(round_.id, person_id)
        if first is not None and await send_ask(context, repo, first, round_, today):
            delivered += 1
    labels = "、".join(metric_label(m, lang) for m in metrics)
    await context.bot.send_message(
        chat,
        t(
            "planning.opened",
            lang,
            period=period.label,
            metrics=labels,
            asked=delivered,
            total=len(people),
        ),
    )
    text, keyboard = board(repo, round_, lang)
    await context.bot.send_message(chat, text, reply_markup=keyboard)


async def _act(
    context: Context,
    repo: Repository,
    lead: PersonRow,
    lang: Lang,
    round_: RoundRow,
    word: str,
    today: dt.date,
) -> None:
    """Confirms, reminds or cancels the open round; answers in the lead's chat."""
    chat = lead.telegram_id
    if chat is None:
        return
    if word == "cancel":
        repo.set_round_status(round_.id, "cancelled")
        await context.bot.send_message(chat, t("planning.cancelled", lang, period=round_.period))
        return
    if word == "nudge":
        sent = 0
        for draft in repo.round_drafts(round_.id):
            if draft.draft is None and draft.asked_at is not None:
                sent += await send_ask(context, repo, draft, round_, today, reminder=True)
        await context.bot.send_message(chat, t("planning.nudged", lang, count=sent))
        return
    done = confirm(repo, round_, lead, today)
    confirmed = repo.planning_round(round_.id) or round_
    text, _ = board(repo, confirmed, lang)
    key = "planning.confirmed_revised" if done.revised else "planning.confirmed"
    await context.bot.send_message(
        chat, t(key, lang, count=len(done.written), skipped=len(done.skipped)) + "\n" + text
    )
    await _tell_reps(context, repo, confirmed, done.told, done.written)


async def _tell_reps(
    context: Context,
    repo: Repository,
    round_: RoundRow,
    told: list[DraftRow],
    written: dict[int, Number],
) -> None:
    """Tells each rep their confirmed target (with their own draft beside it)."""
    for draft in told:
        person = repo.person_by_id(draft.person_id)
        if person is None or person.telegram_id is None:
            continue
        lang = normalise_lang(person.lang)
        value = money_text(written[draft.id], draft.metric, lang)
        mine = (
            t("planning.told.draft", lang, draft=money_text(draft.draft, draft.metric, lang))
            if draft.draft is not None
            else ""
        )
        with contextlib.suppress(TelegramError):
            await context.bot.send_message(
                person.telegram_id,
                t(
                    "planning.told",
                    lang,
                    period=round_.period,
                    metric=metric_label(draft.metric, lang),
                    value=value,
                    draft=mine,
                ),
            )


async def on_lead_button(update: Update, context: Context) -> None:
    """Takes the round lead's board press: draft or top-down, remind, confirm, show."""
    # only the lead of the round's team may press them (the data is not trusted)
    press = pressed(update, context)
    if press is None:
        return
    query, repo, person, lang = press
    parts = (query.data or "").split(":")
    ok = len(parts) == 3 and parts[1] in "dtncb" and parts[2].isdigit() and len(parts[2]) < 19
    action, number = (parts[1], int(parts[2])) if ok else ("", 0)
    draft = repo.draft_by_id(number) if action in ("d", "t") else None
    round_ = repo.planning_round(draft.round_id if draft else number) if ok else None
    team = leads_team(repo, person) if person else None
    if (
        person is None
        or round_ is None
        or team is None
        or round_.team_id != team.id
        or (action in ("d", "t") and draft is None)
        or (action != "b" and round_.status != "open")
    ):
        await query.answer(t("planning.button.not_yours", lang), show_alert=True)
        return
    await query.answer()
    today = local_day(repo, person, context.bot_data.now())
    if draft is not None:
        repo.adjust_draft(draft.id, draft.draft if action == "d" else draft.reference)
    elif action in ("n", "c"):
        with contextlib.suppress(BadRequest):
            await query.edit_message_reply_markup(reply_markup=None)
        word = "nudge" if action == "n" else "confirm"
        await _act(context, repo, person, lang, round_, word, today)
        return
    text, keyboard = board(repo, repo.planning_round(round_.id) or round_, lang)
    if action == "b":
        if person.telegram_id is not None:
            await context.bot.send_message(person.telegram_id, text, reply_markup=keyboard)
        return
    with contextlib.suppress(BadRequest):
        await query.edit_message_text(text, reply_markup=keyboard)


async def lead_adjust_route(
    update: Update, context: Context, person: PersonRow, text: str, today: dt.date
) -> bool:
    """Takes "张伟 28万" / "Zhang 280k" from the lead of a round: that rep's number.

    A confirmed round whose period has not ended is reopened by an adjustment, so a
    later change is confirmed again (and recorded as a plan revision).
    """
    message = update.effective_message
    repo = context.bot_data.store
    team = leads_team(repo, person)
    if message is None or team is None or len(text) > 120:
        return False
    round_ = repo.open_round_of(team.id) or repo.latest_round(team.id)
    if round_ is None or round_.status == "cancelled" or today > _period_end(round_):
        return False
    said = normalise(text).strip()
    people = repo.people_in_team(team.id)
    names = sorted(((n, p) for p in people for n in (p.name, p.id)), key=lambda np: -len(np[0]))
    found = next(((n, p) for n, p in names if said.lower().startswith(n.lower())), None)
    if found is None or not re.search(r"\d|[一二三四五六七八九十]", said[len(found[0]) :]):
        return False
    rep = found[1]
    rest_text = said[len(found[0]) :].lstrip(" :：,，")
    lang = person_lang(person, update)
    rest = fold(rest_text).lower()
    metrics = [
        m
        for m in round_.metrics
        if m in rest or metric_label(m, lang).lower() in rest or metric_label(m, "zh") in rest
    ]
    metric = metrics[0] if metrics else round_.metrics[0]
    for m in metrics:
        for word in (metric_label(m, "zh"), metric_label(m, "en").lower(), m):
            rest = rest.replace(word, " ")
    tokens = find_numbers(rest)
    if not is_bare(rest, tokens):
        return False  # not "name + number": a report or a question, read as such
    if len(round_.metrics) > 1 and not metrics:
        await message.reply_text(t("planning.adjust.which_metric", lang))
        return True
    draft = next(
        (d for d in repo.round_drafts(round_.id) if d.person_id == rep.id and d.metric == metric),
        None,
    )
    if draft is None or tokens[0].value > metric_max(metric):
        await message.reply_text(t("planning.adjust.unclear", lang))
        return True
    value = tokens[0].value
    if round_.status == "confirmed":
        if repo.open_round_of(team.id) is not None:
            await message.reply_text(t("planning.adjust.closed", lang))
            return True
        repo.set_round_status(round_.id, "open")
    repo.adjust_draft(draft.id, int(value) if float(value).is_integer() else value)
    reopened = repo.planning_round(round_.id) or round_
    text_out, keyboard = board(repo, reopened, lang)
    head = t(
        "planning.adjust.done",
        lang,
        name=escape(rep.name),
        metric=metric_label(metric, lang),
        value=money_text(value, metric, lang),
    )
    await message.reply_text(head + "\n" + text_out, reply_markup=keyboard)
    return True


def _period_end(round_: RoundRow) -> dt.date:
    return Period.parse(round_.period).end
