"""Daily reports: a rep's free text in a private chat is read, stored, then answered."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, NetworkError, TimedOut

import knowledge
from bot.findings import not_in_cooldown, record, run_rules_for_team
from bot.findings_view import render_prompt
from bot.handlers.common import local_day, person_lang
from bot.handlers.routes import text_routes
from bot.i18n import Lang, t
from bot.report_parser import ParsedReport, parse_report, team_lexicon
from bot.report_reply import DayCount, render_reply, render_withdrawn
from bot.services import Context
from bot.store.repository import Repository, telegram_source_key
from bot.store.rows import PersonRow
from rules.model import Finding

MAX_PROMPTS = 2
WITHDRAW = "wd"


def _read(repo: Repository, person: PersonRow, text: str, today: dt.date) -> ParsedReport:
    team = repo.team(person.team_id) if person.team_id else None
    lexicon = team_lexicon(team.settings.get("metrics") if team else None)
    return parse_report(text, today, lexicon=lexicon)


def _prompts(
    repo: Repository, person: PersonRow, findings: list[Finding], today: dt.date, lang: Lang
) -> tuple[list[str], list[int]]:
    """The rule base's prompts for this rep that are not in cooldown, recorded (so the
    cooldown holds even if the reply fails); returns their texts and finding ids."""
    mine = [f for f in findings if f.subject == person.id and "rep" in f.audience]
    fresh = not_in_cooldown(repo, mine, today, audience="rep")[:MAX_PROMPTS]
    texts = [render_prompt(f, "rep", lang, person.name) for f in fresh]
    ids = record(repo, fresh, today, texts, audience="rep") if fresh else []
    return texts, ids


async def on_report(update: Update, context: Context) -> None:
    """Stores the report and answers with what was read and what to do."""
    message = update.effective_message
    user = update.effective_user
    text = (message.text or message.caption) if message else None  # a photo's caption too
    if message is None or user is None or text is None:
        return
    repo = context.bot_data.store
    person = repo.person_by_telegram_id(user.id)
    lang = person_lang(person, update)
    if person is None:
        await message.reply_text(t("bot.unknown", lang))
        return
    if not person.active:
        await message.reply_text(t("bot.inactive", lang))
        return
    if update.edited_message is None:  # questions, drafts, wizards … before reports
        now_day = local_day(repo, person, context.bot_data.now())
        for route in text_routes():
            if await route(update, context, person, text, now_day):
                return
    if person.role not in ("rep", "lead"):
        await message.reply_text(t("bot.reports_from_field", lang))
        return
    if message.forward_origin is not None:
        await message.reply_text(t("bot.forwarded", lang))
        return
    key = telegram_source_key(message.chat_id, message.message_id)
    earlier = repo.report_by_source_key(key) if update.edited_message is not None else None
    if earlier is not None and earlier.withdrawn:
        await message.reply_text(t("bot.report.withdrawn_edit", lang))
        return
    # an edit is read as of the day the message was first sent, so it stays on its day
    sent_at = earlier.received_at if earlier is not None else context.bot_data.now()
    today = local_day(repo, person, sent_at)
    leave_until = _leave_request(text, today) if earlier is None else None
    if leave_until is not None:
        repo.add_event(
            "leave",
            today,
            person_id=person.id,
            text=leave_until.isoformat(),
            source_key=f"leave:{person.id}",
        )
        await message.reply_text(t("bot.leave.done", lang, date=leave_until.isoformat()))
        return
    parsed = _read(repo, person, text, today)
    if not (parsed.metrics or parsed.blockers or parsed.next_steps):
        await message.reply_text(t("bot.not_a_report", lang))  # nothing stored, no garbage
        return
    await reply_after_saving(update, context, person, parsed, text, key, today)


async def reply_after_saving(
    update: Update,
    context: Context,
    person: PersonRow,
    parsed: ParsedReport,
    raw_text: str,
    source_key: str,
    today: dt.date,
) -> None:
    """Stores a read report first, then answers the rep and alerts the lead."""
    message = update.effective_message
    if message is None:
        return
    repo = context.bot_data.store
    lang = person_lang(person, update)
    saved = repo.save_report(
        person.id,
        parsed.date,
        raw_text,
        parsed.metrics,
        parsed.blockers,
        parsed.next_steps,
        parsed.warnings,
        source="telegram",
        source_key=source_key,
        chat_id=message.chat_id,
        message_id=message.message_id,
        received_at=None if update.edited_message is not None else context.bot_data.now(),
    )
    findings = run_rules_for_team(repo, person.team_id, today) if person.team_id else []
    prompts, prompt_ids = _prompts(repo, person, findings, today, lang)
    edited = update.edited_message is not None
    button = InlineKeyboardButton(
        t("bot.button.withdraw", lang), callback_data=f"{WITHDRAW}:{saved.id}"
    )
    day = _day_count(repo, person.id, parsed.date, saved.id, new=not (edited or saved.replaced))
    await _answer(
        message,
        render_reply(parsed, lang, prompts, replaced=edited or saved.replaced, day=day),
        InlineKeyboardMarkup([[button]]),
    )
    for finding_id in prompt_ids:  # the reply went out: note to whom
        repo.mark_finding_sent(finding_id, [person.id], context.bot_data.now())
    if person.team_id:
        from bot.handlers.leads import notify_lead_soon

        notify_lead_soon(context, repo, person.team_id, findings, today)


def _day_count(
    repo: Repository, person_id: str, day: dt.date, report_id: int, *, new: bool
) -> DayCount:
    """Where this report stands among the person's reports of its day (they add up):
    a new one is the latest, an edited one keeps its place."""
    ids = [r.id for r in repo.reports_between([person_id], day, day)]
    if report_id not in ids:
        position = 1
    else:
        position = len(ids) if new else ids.index(report_id) + 1
    totals = repo.metric_totals([person_id], day, day).get(person_id, {}) if position > 1 else {}
    order = list(knowledge.metrics())
    ranked = sorted(totals, key=lambda m: (order.index(m) if m in order else len(order), m))
    return DayCount(position, {m: totals[m] for m in ranked})


async def _answer(message: Message, text: str, keyboard: InlineKeyboardMarkup) -> None:
    """Sends the reply; the report is already stored, so a failed send is retried."""
    for attempt in range(3):
        try:
            await message.reply_text(text, reply_markup=keyboard, do_quote=False)
            return
        except (NetworkError, TimedOut):
            if attempt == 2:
                raise
            await asyncio.sleep(0.5 * 2**attempt)


_LEAVE = re.compile(
    r"^\s*(?:我)?(?:请假|休假|年假|病假)(?:到|至|直到)|^\s*(?:on\s+leave|off|away)\s+(?:until|till|to)\b",
    re.I,
)


def _leave_request(text: str, today: dt.date) -> dt.date | None:
    """The last day of leave in "请假到 3月20日" / "on leave until March 20", else None."""
    from bot.report_parser.dates import find_dates
    from bot.report_parser.normalise import fold, normalise

    if len(text) > 40 or not _LEAVE.search(normalise(text)):
        return None
    if re.search(r"\d+\s*(?:家|单|个|笔|次|stores?|visits?|orders?|calls?)", text, re.I):
        return None  # figures: a report that mentions a trip, not a leave request
    found = [d.date for d in find_dates(fold(normalise(text)), today) if d.date and d.explicit]
    return found[-1] if found and found[-1] >= today else None


async def on_withdraw(update: Update, context: Context) -> None:
    """Withdraws a report at its author's request (the button's data is not trusted)."""
    query = update.callback_query
    user = update.effective_user
    if query is None or user is None:
        return
    repo = context.bot_data.store
    person = repo.person_by_telegram_id(user.id)
    lang = person_lang(person, update)
    _, _, raw_id = (query.data or "").partition(":")
    report = repo.report_by_id(int(raw_id)) if raw_id.isdigit() and len(raw_id) < 19 else None
    if report is not None and (person is None or report.person_id != person.id):
        report = None
    if report is None:
        await query.answer(t("bot.withdraw.not_yours", lang), show_alert=True)
        return
    if repo.withdraw_report(report.id):
        await query.answer(t("bot.withdraw.done", lang))
    else:  # pressed twice, or on an older reply
        await query.answer(t("bot.withdraw.already", lang))
    with contextlib.suppress(BadRequest):  # unchanged, or too old to edit: the button goes
        await query.edit_message_text(
            render_withdrawn(report.report_date, report.metrics, lang), reply_markup=None
        )
