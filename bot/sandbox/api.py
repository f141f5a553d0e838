"""The Bot API method table, and helpers the methods share."""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable
from typing import Any

from bot.sandbox.errors import JSON, bad_request, too_many_requests
from bot.sandbox.markup import MAX_CAPTION, MAX_TEXT, render, trim
from bot.sandbox.params import Params
from bot.sandbox.state import Chat, World

Method = Callable[[World, Params], Awaitable[Any]]

# lower-cased method name → implementation; Telegram's method names are case-insensitive
METHODS: dict[str, Method] = {}


def api_method(name: str) -> Callable[[Method], Method]:
    """Register a Bot API method under its name."""

    def register(function: Method) -> Method:
        METHODS[name.lower()] = function
        return function

    return register


def rate_limit(world: World, chat: Chat) -> None:
    """Count one message the bot sends to ``chat``; 429 when over the limits."""
    wait = world.limiter.check(chat.id, chat.type == "private")
    if wait > 0:
        raise too_many_requests(wait)


def formatted(
    params: Params, field: str, *, caption: bool = False
) -> tuple[str | None, str, list[JSON]]:
    """Read text or a caption with its parse_mode: (source, plain text, entities)."""
    source = params.text(field)
    if source is None:
        return None, "", []
    mode_field = "parse_mode"
    parse_mode = params.text(mode_field) or None
    text, entities = render(source, parse_mode)
    if not parse_mode:
        explicit = params.structured("caption_entities" if caption else "entities")
        if isinstance(explicit, list):
            entities = [e for e in explicit if isinstance(e, dict) and "type" in e]
    text, entities = trim(text, entities)
    limit, what = (MAX_CAPTION, "message caption") if caption else (MAX_TEXT, "message")
    if len(text) > limit:
        raise bad_request(f"{what} is too long")
    return source, text, entities


def reply_target(world: World, chat: Chat, params: Params) -> JSON | None:
    """Return the message being replied to (reply_parameters or reply_to_message_id)."""
    reply = params.structured("reply_parameters")
    if isinstance(reply, dict):
        message_id = reply.get("message_id")
        allow_missing = bool(reply.get("allow_sending_without_reply"))
    else:
        message_id = params.integer("reply_to_message_id")
        allow_missing = params.flag("allow_sending_without_reply")
    if message_id is None:
        return None
    try:
        target = world.message(chat.id, int(message_id))
    except (TypeError, ValueError):
        target = None
    if target is None:
        if allow_missing:
            return None
        raise bad_request("message to be replied not found")
    data = copy.deepcopy(target.data)
    data.pop("reply_to_message", None)
    return data


def apply_keyboard(chat: Chat, markup: JSON | None) -> None:
    """Remember the reply keyboard the person now sees (set, removed or unchanged)."""
    if markup is None:
        return
    if "keyboard" in markup:
        chat.reply_keyboard = markup
    elif markup.get("remove_keyboard"):
        chat.reply_keyboard = None


def message_body(
    text_field: str,
    text: str,
    entities: list[JSON],
    markup: JSON | None,
    reply_to: JSON | None,
) -> JSON:
    """Assemble the fields of a message the bot sends (only inline keyboards are echoed)."""
    body: JSON = {}
    if reply_to is not None:
        body["reply_to_message"] = reply_to
    if text or text_field == "text":
        body[text_field] = text
    if entities:
        body["entities" if text_field == "text" else "caption_entities"] = entities
    if markup is not None and "inline_keyboard" in markup:
        body["reply_markup"] = markup
    return body
