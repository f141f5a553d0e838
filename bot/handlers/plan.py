"""`/plan`: your targets for today, this week and this month (a lead: the team's), and target
files sent as documents — previewed, stored only when their sender presses Store.

`/plan WORD …` dispatches on its first word through `PLAN_WORDS`, so another
area adds a word (`/plan round …`) with one entry.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, TelegramError

from bot.handlers.common import Member, local_day, member, pressed
from bot.handlers.report import on_report
from bot.i18n import t
from bot.planning.import_model import NewTarget, store_targets
from bot.planning.import_view import render_preview
from bot.planning.importing import read_plan
from bot.planning.my_targets import person_targets, render_person, render_team, team_targets
from bot.planning.sheet import MAX_BYTES, SheetError
from bot.planning.template import template_bytes
from bot.plans import calendar_for
from bot.services import Context
from bot.store.repository import Repository
from bot.store.rows import PersonRow

IMPORT = "planimp"  # callback data: planimp:ok:<id> / planimp:no:<id>
MAX_SHOWN_PROBLEMS = 40

PlanWord = Callable[[Update, Context, Member, list[str]], Awaitable[None]]


async def on_plan(update: Update, context: Context) -> None:
    """Shows the sender's targets (a lead: the team's), or runs `/plan WORD …`."""
    who = await member(update, context)
    if who is None:
        return
    args = list(context.args or [])
    if args:
        word = PLAN_WORDS.get(args[0].lower())
        if word is None:
            words = ", ".join(f"/plan {w}" for w in PLAN_WORDS)
            await who.message.reply_text(escape(t("plan.unknown_word", who.lang, words=words)))
            return
        await word(update, context, who, args[1:])
        return
    today = local_day(who.repo, who.person, context.bot_data.now())
    team = who.repo.team(who.person.team_id) if who.person.team_id else None
    if who.person.role == "lead" and team is not None:
        text = render_team(team, team_targets(who.repo, team, today), today, who.lang)
    else:
        calendar = calendar_for(team.workdays if team else "mon-fri")
        targets = person_targets(who.repo, who.person, today, calendar)
        text = render_person(targets, today, who.lang, not calendar.is_workday(today))
    await who.message.reply_text(escape(text))


async def _template(update: Update, context: Context, who: Member, args: list[str]) -> None:
    """Sends the target file to fill, with the team's people in its examples."""
    today = local_day(who.repo, who.person, context.bot_data.now())
    team = who.repo.team(who.person.team_id) if who.person.team_id else None
    reps = [p.name for p in who.repo.people_in_team(team.id) if p.role == "rep"] if team else []
    data = template_bytes(who.lang, today, reps, team.name if team else "")
    name = "execoach-targets-template.xlsx"
    await who.message.reply_document(
        data, filename=name, caption=escape(t("plan.template.caption", who.lang))
    )


PLAN_WORDS: dict[str, PlanWord] = {"template": _template}


def import_scope(repo: Repository, person: PersonRow) -> frozenset[str] | None:
    """The teams a person may send targets for: a lead their own, a manager theirs, an
    admin every team (None). A rep none (empty)."""
    if person.role == "admin":
        return None
    if person.role == "manager":
        return frozenset(t.id for t in repo.teams() if t.manager_id == person.id)
    if person.role == "lead":
        return frozenset(t.id for t in repo.teams() if t.lead_id == person.id) | (
            frozenset({person.team_id}) if person.team_id else frozenset()
        )
    return frozenset()


async def on_plan_file(update: Update, context: Context) -> None:
    """Reads a target file sent as a document and answers with its preview (Store / Cancel)."""
    who = await member(update, context)
    if who is None:
        return
    document = who.message.document
    if document is None:
        return
    scope = import_scope(who.repo, who.person)
    if scope is not None and not scope:
        if who.message.caption:
            await on_report(update, context)  # a rep's file with a caption: the caption is a report
            return
        await who.message.reply_text(escape(t("plan_import.not_allowed", who.lang)))
        return
    if (document.file_size or 0) > MAX_BYTES:
        size = round((document.file_size or 0) / 1_048_576, 1)
        text = t("plan_import.too_big", who.lang, size_mb=size, max_mb=MAX_BYTES // 1_048_576)
        await who.message.reply_text(escape(text))
        return
    try:
        file = await document.get_file()
        data = bytes(await file.download_as_bytearray())
    except TelegramError:
        await who.message.reply_text(escape(t("plan_import.download_failed", who.lang)))
        return
    name = document.file_name or "file"
    try:
        plan = read_plan(who.repo, data, scope)
    except SheetError as exc:
        await who.message.reply_text(
            escape(t(f"plan_import.file.{exc.key}", who.lang, **exc.params))
        )
        return
    text = render_preview(plan, name, who.lang, html=True, max_problems=MAX_SHOWN_PROBLEMS)
    if not plan.ok:
        await who.message.reply_text(text)
        return
    import_id = who.repo.add_plan_import(who.person.id, name, [x.as_json() for x in plan.targets])
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t("plan_import.button.confirm", who.lang),
                    callback_data=f"{IMPORT}:ok:{import_id}",
                ),
                InlineKeyboardButton(
                    t("plan_import.button.cancel", who.lang),
                    callback_data=f"{IMPORT}:no:{import_id}",
                ),
            ]
        ]
    )
    text += "\n\n" + escape(t("plan_import.preview.confirm", who.lang))
    await who.message.reply_text(text, reply_markup=keyboard)


async def on_plan_import_button(update: Update, context: Context) -> None:
    """Stores (or drops) a previewed target file when its sender presses Store (or Cancel)."""
    press = pressed(update, context)
    if press is None:
        return
    query, repo, person, lang = press
    _, action, import_id = ((query.data or "") + "::").split(":", 2)
    import_id = import_id.rstrip(":")
    found = repo.plan_import(import_id) if 8 <= len(import_id) <= 64 else None
    if (
        found is None
        or person is None
        or found.created_by != person.id
        or action not in ("ok", "no")
    ):
        await query.answer(t("plan_import.not_yours", lang), show_alert=True)
        return
    targets = [NewTarget.from_json(x) for x in found.targets]
    scope = import_scope(repo, person)
    if action == "ok" and not _within(repo, targets, scope):
        action = "no"  # their role changed since the preview: store nothing
    stored = 0
    with repo.transaction():
        decided = repo.decide_plan_import(import_id, "stored" if action == "ok" else "cancelled")
        if decided and action == "ok":
            stored = store_targets(repo, targets)
    if not decided:
        again = repo.plan_import(import_id)
        key = "already_stored" if again and again.status == "stored" else "already_cancelled"
        text = t(f"plan_import.{key}", lang)
    elif action == "ok":
        people = len({x.person_id for x in targets if x.person_id})
        text = t("plan_import.stored", lang, count=stored, people=people)
    else:
        text = t("plan_import.cancelled", lang)
    await query.answer(text)
    with contextlib.suppress(BadRequest):
        await query.edit_message_reply_markup(reply_markup=None)
    if query.message is not None:
        await context.bot.send_message(query.message.chat.id, escape(text))


def _within(repo: Repository, targets: list[NewTarget], scope: frozenset[str] | None) -> bool:
    if scope is None:
        return True
    for target in targets:
        if target.team_id is not None and target.team_id not in scope:
            return False
        if target.person_id is not None:
            owner = repo.person_by_id(target.person_id)
            if owner is None or owner.team_id not in scope:
                return False
    return True
