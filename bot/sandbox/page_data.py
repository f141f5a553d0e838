"""What the sandbox's chat page shows, as plain JSON: people, chats, the clock, strings.

Pure reading: nothing here talks HTTP (that is `bot.sandbox.page`). Messages go
to the page as plain text plus Telegram's entities, never as HTML, so the page
builds them with DOM text nodes and nothing a message holds can run.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from bot.clock import BadTimezoneError, zone
from bot.i18n import Lang, catalogue, normalise_lang

if TYPE_CHECKING:
    from bot.clock import MovableClock
    from bot.sandbox.server import Sandbox
    from bot.store.repository import Repository

JSON = dict[str, Any]
STRINGS_PREFIX = "sandbox.page."
ROLE_ORDER = {"manager": 0, "admin": 1, "lead": 2, "rep": 3}
REMINDER_TIME = dt.time(18, 0)  # the teams' default first reminder (bot.jobs.DEFAULT_TIMES)
DIGEST_TIME = dt.time(9, 0)  # Monday morning, when the weekly digest goes out
CLOCK_MOVES = ("hour", "evening", "monday")
_LINK_SCHEMES = ("http://", "https://")


def page_strings(lang: Lang) -> dict[str, str]:
    """The page's own strings in one language (keys without the `sandbox.page.` prefix)."""
    return {
        key.removeprefix(STRINGS_PREFIX): value
        for key, value in catalogue(lang).items()
        if key.startswith(STRINGS_PREFIX)
    }


def people_view(repo: Repository) -> list[JSON]:
    """Everyone the page can act as (people with a Telegram id): name, role, team, language."""
    teams = {team.id: team for team in repo.teams()}
    out: list[JSON] = []
    for person in repo.people(active_only=True):
        if person.telegram_id is None:
            continue
        if person.team_id and person.team_id in teams:
            team_names = [teams[person.team_id].name]
        else:
            team_names = [t.name for t in teams.values() if t.manager_id == person.id]
        out.append(
            {
                "id": person.telegram_id,
                "key": person.id,
                "name": person.name,
                "role": person.role,
                "team": " · ".join(team_names),
                "team_id": person.team_id or "",
                "lang": normalise_lang(person.lang),
            }
        )
    out.sort(key=lambda p: (ROLE_ORDER.get(p["role"], 9), p["team_id"], p["key"]))
    return out


def organisation_zone(repo: Repository) -> str:
    """The time zone the page shows times in: the first team's, else Shanghai."""
    for team in repo.teams():
        if team.timezone:
            try:
                zone(team.timezone)
            except BadTimezoneError:
                continue
            return team.timezone
    return "Asia/Shanghai"


def clock_target(move: str, now: dt.datetime, tz_name: str) -> dt.datetime:
    """Where a clock button moves the clock: +1 hour, the next 18:00, the next Monday 09:00.

    Raises ValueError for an unknown move.
    """
    tz = zone(tz_name)
    local = now.astimezone(tz)
    if move == "hour":
        return now + dt.timedelta(hours=1)
    if move == "evening":
        target = dt.datetime.combine(local.date(), REMINDER_TIME, tz)
        if target <= local:
            target += dt.timedelta(days=1)
        return target.astimezone(dt.UTC)
    if move == "monday":
        days = (7 - local.weekday()) % 7
        target = dt.datetime.combine(local.date() + dt.timedelta(days=days), DIGEST_TIME, tz)
        if target <= local:
            target += dt.timedelta(days=7)
        return target.astimezone(dt.UTC)
    raise ValueError(f"unknown clock move {move!r}")


def _buttons(markup: JSON | None) -> list[list[JSON]]:
    """An inline keyboard as the page draws it; only http(s) links are kept as links."""
    rows: list[list[JSON]] = []
    for row in (markup or {}).get("inline_keyboard", []):
        drawn: list[JSON] = []
        for button in row:
            item: JSON = {"text": str(button.get("text", ""))}
            if "callback_data" in button:
                item["data"] = str(button["callback_data"])
            url = str(button.get("url", ""))
            if url.lower().startswith(_LINK_SCHEMES):
                item["url"] = url
            drawn.append(item)
        rows.append(drawn)
    return rows


def message_view(record: JSON) -> JSON:
    """One message of a chat, as the page draws it (text + entities, never HTML)."""
    message: JSON = record["message"]
    view: JSON = {
        "id": record["message_id"],
        "from_bot": record["from_bot"],
        "kind": record["kind"],
        "date": message.get("date"),
        "edited": bool(record.get("edits")) or "edit_date" in message,
        "text": message.get("text", message.get("caption", "")),
        "entities": message.get("entities", message.get("caption_entities", [])),
        "buttons": _buttons(message.get("reply_markup")),
    }
    if message.get("photo"):
        largest = message["photo"][-1]
        view["photo"] = {"width": largest.get("width"), "height": largest.get("height")}
    document = message.get("document")
    if document:
        view["document"] = {
            "name": str(document.get("file_name") or "file"),
            "size": document.get("file_size", 0),
            "mime": str(document.get("mime_type") or ""),
        }
    return view


def keyboard_view(keyboard: JSON | None) -> list[list[str]]:
    """The reply keyboard a person sees now, as rows of button labels."""
    rows: list[list[str]] = []
    for row in (keyboard or {}).get("keyboard", []):
        rows.append([b if isinstance(b, str) else str(b.get("text", "")) for b in row])
    return rows


def chat_view(sandbox: Sandbox, user_id: int) -> JSON:
    """A person's private chat with the bot: messages, reply keyboard, command menu."""
    commands = sandbox.visible_commands(user_id)
    return {
        "messages": [message_view(r) for r in sandbox.messages(user_id)],
        "keyboard": keyboard_view(sandbox.reply_keyboard(user_id)),
        "commands": [
            {"command": str(c.get("command", "")), "description": str(c.get("description", ""))}
            for c in commands
        ],
    }


def stamp(sandbox: Sandbox, clock: MovableClock) -> str:
    """Changes whenever something the page shows changes (messages, edits, the clock's minute)."""
    world = sandbox.world
    sent = sum(len(chat.message_ids) for chat in world.chats.values())
    events = sum(len(events) for events in world.outbox.values())
    keyboards = sum(1 for chat in world.chats.values() if chat.reply_keyboard)
    minute = int(clock.now().timestamp() // 60)
    return f"{sent}.{events}.{keyboards}.{minute}"
