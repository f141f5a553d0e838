"""/meeting, /training, /incentive, /revise and /coach: the records behind the mechanism
and management rules, stored as the events those rules read.

A record is stored as soon as its team (or person) is known; a bare team record asks
for notes afterwards (skip allowed) and the next message fills them in. Choices (which
team, which person) are buttons whose data only points into the presser's own pending
choices, so a forged or foreign press finds nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import secrets
from html import escape
from typing import Any, cast

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden

from bot.handlers.common import Member, local_day, member, pressed
from bot.i18n import Lang, normalise_lang, t
from bot.records import (
    MAX_TEXT,
    RECORDERS,
    TEAM_KINDS,
    Dated,
    command_text,
    leading_date,
    match_people,
    teams_for,
)
from bot.services import Context
from bot.store.rows import PersonRow, TeamRow

PREFIX = "rc"
PENDING = "records"  # user_data: token → a record waiting for a choice
NOTES = "record_notes"  # user_data: the record whose notes the next message fills in
NOTES_MINUTES = 15
MAX_PENDING = 20


def _user_data(context: Context) -> dict[Any, Any]:
    return context.user_data if context.user_data is not None else {}


def _pending(context: Context) -> dict[str, dict[str, Any]]:
    data = _user_data(context)
    return cast(dict[str, dict[str, Any]], data.setdefault(PENDING, {}))


def _park(context: Context, draft: dict[str, Any]) -> str:
    """Keeps a record that waits for a choice; returns its token."""
    pending = _pending(context)
    while len(pending) >= MAX_PENDING:
        pending.pop(next(iter(pending)))
    token = secrets.token_hex(4)
    pending[token] = draft
    return token


async def _dated(who: Member, context: Context, raw: str) -> Dated | None:
    """The record's date and text, or None after telling the person what is wrong."""
    if len(raw) > MAX_TEXT:
        await who.message.reply_text(t("records.too_long", who.lang, max=MAX_TEXT))
        return None
    today = local_day(who.repo, who.person, context.bot_data.now())
    dated = leading_date(raw, today)
    if dated.problem is not None:
        key = f"records.date.{dated.problem}"
        await who.message.reply_text(t(key, who.lang, date=dated.date.isoformat()))
        return None
    return dated


async def _recorder(update: Update, context: Context) -> tuple[Member, list[TeamRow], Dated] | None:
    """The recorder, their teams and the command's date and text; None once told why not."""
    who = await member(update, context)
    if who is None:
        return None
    if who.person.role not in RECORDERS:
        await who.message.reply_text(t("records.not_allowed", who.lang))
        return None
    teams = teams_for(who.person, who.repo.teams())
    if not teams:
        await who.message.reply_text(t("records.no_team", who.lang))
        return None
    dated = await _dated(who, context, command_text(who.message.text or ""))
    if dated is None:
        return None
    return who, teams, dated


def _draft(who: Member, kind: str, day: dt.date, text: str, options: list[str]) -> dict[str, Any]:
    """A record waiting to be saved; `key` makes saving it twice a no-op."""
    return {
        "kind": kind,
        "date": day.isoformat(),
        "text": text,
        "key": f"record:{who.message.chat_id}:{who.message.message_id}",
        "options": options,
    }


# ---- team records ---------------------------------------------------------------------


async def _on_team_record(update: Update, context: Context, command: str) -> None:
    found = await _recorder(update, context)
    if found is None:
        return
    who, teams, dated = found
    draft = _draft(who, TEAM_KINDS[command], dated.date, dated.text, [x.id for x in teams])
    if len(teams) == 1:
        await _save_team_record(update, context, who.person, who.lang, draft, teams[0])
        return
    token = _park(context, draft)
    buttons = [
        [InlineKeyboardButton(team.name[:40], callback_data=f"{PREFIX}:{token}:{i}")]
        for i, team in enumerate(teams[:20])
    ]
    await who.message.reply_text(
        t("records.pick_team", who.lang), reply_markup=InlineKeyboardMarkup(buttons)
    )


async def _save_team_record(
    update: Update,
    context: Context,
    person: PersonRow,
    lang: Lang,
    draft: dict[str, Any],
    team: TeamRow,
) -> None:
    repo = context.bot_data.store
    day = dt.date.fromisoformat(draft["date"])
    kind = draft["kind"]
    repo.add_event(
        kind, day, team_id=team.id, by_id=person.id, text=draft["text"], source_key=draft["key"]
    )
    lines = [
        t(
            "records.saved",
            lang,
            kind=t(f"records.kind.{kind}", lang),
            team=escape(team.name),
            date=day.isoformat(),
        )
    ]
    if draft["text"]:
        lines.append(t("records.saved_text", lang, text=escape(draft["text"])))
    message = update.effective_message
    if message is None:
        return
    markup = None
    if not draft["text"]:
        token = _park(context, {"skip": True})
        _user_data(context)[NOTES] = {
            "kind": kind,
            "date": draft["date"],
            "team": team.id,
            "key": draft["key"],
            "until": (context.bot_data.now() + dt.timedelta(minutes=NOTES_MINUTES)).isoformat(),
            "token": token,
        }
        lines.append(t(f"records.ask.{kind}", lang))
        skip = InlineKeyboardButton(
            t("records.button.skip", lang), callback_data=f"{PREFIX}:{token}:skip"
        )
        markup = InlineKeyboardMarkup([[skip]])
    await message.reply_text("\n".join(lines), reply_markup=markup)


async def on_meeting(update: Update, context: Context) -> None:
    """Records a review meeting: /meeting [date] notes and decisions."""
    await _on_team_record(update, context, "meeting")


async def on_training(update: Update, context: Context) -> None:
    """Records a training: /training [date] topic."""
    await _on_team_record(update, context, "training")


async def on_incentive(update: Update, context: Context) -> None:
    """Records the team's incentive scheme: /incentive text."""
    await _on_team_record(update, context, "incentive")


async def on_revise(update: Update, context: Context) -> None:
    """Records a revision of the team's plan: /revise what changed."""
    await _on_team_record(update, context, "revise")


async def notes_route(
    update: Update, context: Context, person: PersonRow, text: str, today: dt.date
) -> bool:
    """The message right after a bare record command: its notes (a text route)."""
    data = _user_data(context)
    waiting = cast(dict[str, Any] | None, data.get(NOTES))
    if waiting is None:
        return False
    data.pop(NOTES, None)
    _pending(context).pop(waiting["token"], None)
    if context.bot_data.now() > dt.datetime.fromisoformat(waiting["until"]):
        return False  # too late: read the message as whatever it is
    message = update.effective_message
    if message is None:
        return False
    lang = normalise_lang(person.lang)
    notes = command_text(" " + text)
    if len(notes) > MAX_TEXT:
        await message.reply_text(t("records.too_long", lang, max=MAX_TEXT))
        return True
    day = dt.date.fromisoformat(waiting["date"])
    context.bot_data.store.add_event(
        waiting["kind"],
        day,
        team_id=waiting["team"],
        by_id=person.id,
        text=notes,
        source_key=waiting["key"],
    )
    kind = t(f"records.kind.{waiting['kind']}", lang)
    await message.reply_text(t("records.notes_saved", lang, kind=kind, date=day.isoformat()))
    return True


# ---- coaching -------------------------------------------------------------------------


async def on_coach(update: Update, context: Context) -> None:
    """Sends a coaching note to a rep and records it: /coach NAME note."""
    found = await _recorder(update, context)
    if found is None:
        return
    who, teams, dated = found
    repo = who.repo
    everyone = [p for p in repo.people(active_only=True) if p.id != who.person.id]
    matched, note = match_people(dated.text, everyone)
    name = (dated.text.split() or [""])[0][:30]
    if not dated.text:
        await who.message.reply_text(t("records.coach.usage", who.lang))
        return
    team_ids = {team.id for team in teams}
    mine = [p for p in matched if p.team_id in team_ids]
    if not mine:
        key = "records.coach.out_of_scope" if matched else "records.coach.unknown"
        shown = matched[0].name if matched else name
        await who.message.reply_text(t(key, who.lang, name=escape(shown)))
        return
    if not note:
        await who.message.reply_text(t("records.coach.usage", who.lang))
        return
    draft = _draft(who, "coaching", dated.date, note, [p.id for p in mine])
    if len(mine) == 1:
        await _save_coaching(update, context, who.person, who.lang, draft, mine[0])
        return
    token = _park(context, draft)
    names = {team.id: team.name for team in teams}
    buttons = [
        [
            InlineKeyboardButton(
                f"{p.name} · {names.get(p.team_id or '', '')}"[:60],
                callback_data=f"{PREFIX}:{token}:{i}",
            )
        ]
        for i, p in enumerate(mine[:20])
    ]
    await who.message.reply_text(
        t("records.coach.pick", who.lang, name=escape(name)),
        reply_markup=InlineKeyboardMarkup(buttons),
    )


async def _save_coaching(
    update: Update,
    context: Context,
    coach: PersonRow,
    lang: Lang,
    draft: dict[str, Any],
    rep: PersonRow,
) -> None:
    repo = context.bot_data.store
    day = dt.date.fromisoformat(draft["date"])
    repo.add_event(
        "coaching",
        day,
        team_id=rep.team_id,
        person_id=rep.id,
        by_id=coach.id,
        text=draft["text"],
        source_key=draft["key"],
    )
    delivered = False
    if rep.telegram_id is not None:
        rep_lang = normalise_lang(rep.lang)
        note = t(
            "records.coach.to_rep", rep_lang, by=escape(coach.name), text=escape(draft["text"])
        )
        with contextlib.suppress(Forbidden, BadRequest):
            await context.bot.send_message(rep.telegram_id, note)
            delivered = True
    key = "records.coach.saved" if delivered else "records.coach.not_delivered"
    message = update.effective_message
    if message is not None:
        await message.reply_text(t(key, lang, name=escape(rep.name), date=day.isoformat()))


# ---- the buttons ----------------------------------------------------------------------


async def on_record_button(update: Update, context: Context) -> None:
    """Takes a choice (team, person, skip) of one's own pending record; refuses others."""
    press = pressed(update, context)
    if press is None:
        return
    query, repo, person, lang = press
    if person is None or person.role not in RECORDERS:
        await query.answer(t("records.stale", lang), show_alert=True)
        return
    parts = (query.data or "").split(":")
    draft = _pending(context).get(parts[1]) if len(parts) == 3 else None
    if draft is None:
        await query.answer(t("records.stale", lang), show_alert=True)
        return
    choice = parts[2]
    if choice == "skip" and draft.get("skip"):
        _user_data(context).pop(NOTES, None)
        await _take(update, context, parts[1])
        if query.message is not None:
            await context.bot.send_message(query.message.chat.id, t("records.skipped", lang))
        return
    options: list[str] = draft.get("options", [])
    if not choice.isdigit() or len(choice) > 3 or int(choice) >= len(options):
        await query.answer(t("records.stale", lang), show_alert=True)
        return
    teams = teams_for(person, repo.teams())
    chosen = options[int(choice)]
    if draft["kind"] == "coaching":
        rep = repo.person_by_id(chosen)
        if rep is None or rep.team_id not in {team.id for team in teams}:
            await query.answer(t("records.stale", lang), show_alert=True)
            return
        await _take(update, context, parts[1])
        await _save_coaching(update, context, person, lang, draft, rep)
        return
    team = next((team for team in teams if team.id == chosen), None)
    if team is None:
        await query.answer(t("records.stale", lang), show_alert=True)
        return
    await _take(update, context, parts[1])
    await _save_team_record(update, context, person, lang, draft, team)


async def _take(update: Update, context: Context, token: str) -> None:
    """Takes a pending choice: forgets it, answers the press and drops its buttons."""
    _pending(context).pop(token, None)
    query = update.callback_query
    if query is not None:
        await query.answer()
        with contextlib.suppress(BadRequest):
            await query.edit_message_reply_markup(reply_markup=None)
