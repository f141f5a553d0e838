"""Bot API methods about the bot itself: identity, updates, webhook, commands, menu."""

from __future__ import annotations

import asyncio
import copy
import ipaddress
import re
from typing import Any
from urllib.parse import urlsplit

from bot.sandbox.api import api_method
from bot.sandbox.errors import JSON, bad_request, conflict
from bot.sandbox.params import Params
from bot.sandbox.state import UPDATE_TYPES, World

MAX_POLL_TIMEOUT = 50  # seconds; longer timeouts are shortened
_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_LANGUAGE = re.compile(r"^([a-z]{2})?$")
_SCOPES_WITHOUT_CHAT = (
    "default",
    "all_private_chats",
    "all_group_chats",
    "all_chat_administrators",
)
_TEXT_LIMITS = {"name": 64, "description": 512, "short_description": 120}


@api_method("getMe")
async def get_me(world: World, params: Params) -> JSON:
    """Return the bot's own User object."""
    me = world.bot.to_json()
    me.update(
        can_join_groups=True,
        can_read_all_group_messages=not world.privacy_mode,
        supports_inline_queries=False,
        can_connect_to_business=False,
        has_main_web_app=False,
    )
    return me


def _allowed_updates(params: Params) -> list[str] | None:
    kinds = params.structured("allowed_updates", "allowed_updates")
    if kinds is None:
        return None
    if not isinstance(kinds, list) or not all(isinstance(k, str) for k in kinds):
        raise bad_request("can't parse allowed_updates JSON array")
    return [k for k in kinds if k in UPDATE_TYPES]


@api_method("getUpdates")
async def get_updates(world: World, params: Params) -> list[JSON]:
    """Long-poll for updates; an offset confirms every update below it."""
    if _webhook_active(world):
        raise conflict(
            "can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first"
        )
    offset = params.integer("offset", 0) or 0
    limit = min(100, max(1, params.integer("limit", 100) or 100))
    timeout = min(MAX_POLL_TIMEOUT, max(0, params.integer("timeout", 0) or 0))
    world.set_allowed_updates(_allowed_updates(params))
    world.poll_generation += 1
    generation = world.poll_generation
    world.update_signal.notify()  # an older long poll still waiting is now terminated
    world.confirm(offset)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        batch = [u for u in world.updates if offset <= 0 or u["update_id"] >= offset][:limit]
        remaining = deadline - loop.time()
        if batch or world.stopping or remaining <= 0:
            return copy.deepcopy(batch)
        await world.update_signal.wait(remaining)
        if world.poll_generation != generation:
            raise conflict(
                "terminated by other getUpdates request; "
                "make sure that only one bot instance is running"
            )
        if _webhook_active(world):
            return []


def _webhook_active(world: World) -> bool:
    return bool(world.webhook.url)


def is_loopback(host: str | None) -> bool:
    """Tell whether a webhook host is this machine (the only place the sandbox posts to)."""
    if host is None:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@api_method("setWebhook")
async def set_webhook(world: World, params: Params) -> bool:
    """Store a webhook; the sandbox delivers updates to it only on a loopback address."""
    url = params.text("url") or ""
    if not url:
        _remove_webhook(world, params)
        return True
    parts = urlsplit(url)
    loopback = is_loopback(parts.hostname)
    if parts.scheme != "https" and not (parts.scheme == "http" and loopback):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    if not loopback and (parts.port or 443) not in (80, 88, 443, 8443):
        raise bad_request("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
    secret = params.text("secret_token")
    if secret is not None and not _SECRET.match(secret):
        raise bad_request("secret token contains unallowed characters")
    max_connections = params.integer("max_connections", 40) or 40
    if not 1 <= max_connections <= 100:
        raise bad_request("bad webhook: max_connections must be between 1 and 100")
    kinds = _allowed_updates(params)
    world.set_allowed_updates(kinds)
    if params.flag("drop_pending_updates"):
        world.updates.clear()
    hook = world.webhook
    hook.url, hook.secret_token, hook.max_connections = url, secret, max_connections
    hook.allowed_updates = kinds if kinds is not None else hook.allowed_updates
    hook.ip_address = "127.0.0.1" if loopback else None
    hook.last_error_date = hook.last_error_message = None
    world.update_signal.notify()
    return True


@api_method("deleteWebhook")
async def delete_webhook(world: World, params: Params) -> bool:
    """Remove the webhook (getUpdates works again); optionally drop pending updates."""
    _remove_webhook(world, params)
    return True


def _remove_webhook(world: World, params: Params) -> None:
    if params.flag("drop_pending_updates"):
        world.updates.clear()
    hook = world.webhook
    hook.url, hook.secret_token, hook.ip_address = "", None, None
    hook.last_error_date = hook.last_error_message = None
    world.update_signal.notify()


@api_method("getWebhookInfo")
async def get_webhook_info(world: World, params: Params) -> JSON:
    """Return the webhook's state and the number of pending updates."""
    return world.webhook.info(len(world.updates))


def scope_key(world: World, scope: Any) -> str:
    """Return the storage key of a BotCommandScope object."""
    if scope is None:
        return "default"
    if not isinstance(scope, dict) or not isinstance(scope.get("type"), str):
        raise bad_request("can't parse BotCommandScope JSON object")
    kind = scope["type"]
    if kind in _SCOPES_WITHOUT_CHAT:
        return str(kind)
    if kind not in ("chat", "chat_administrators", "chat_member"):
        raise bad_request("wrong bot command scope type specified")
    if scope.get("chat_id") in (None, ""):
        raise bad_request("chat_id is empty")
    chat_id = scope["chat_id"]
    chat = world.find_chat(chat_id if isinstance(chat_id, int) else _chat_ref(str(chat_id)))
    if kind != "chat_member":
        return f"{kind}:{chat.id}"
    user_id = scope.get("user_id")
    if not isinstance(user_id, int) or user_id not in world.users:
        raise bad_request("user not found")
    return f"chat_member:{chat.id}:{user_id}"


def _chat_ref(raw: str) -> int | str:
    try:
        return int(raw)
    except ValueError:
        return raw


def _command_key(world: World, params: Params) -> tuple[str, str]:
    language = params.text("language_code") or ""
    if not _LANGUAGE.match(language):
        raise bad_request("invalid language code specified")
    return scope_key(world, params.structured("scope", "BotCommandScope")), language


@api_method("setMyCommands")
async def set_my_commands(world: World, params: Params) -> bool:
    """Store the command list for one scope and language."""
    commands = params.structured("commands", "commands")
    if commands is None:
        raise bad_request('parameter "commands" is required')
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("can't parse commands JSON array")
    cleaned: list[JSON] = []
    for entry in commands:
        if not isinstance(entry, dict):
            raise bad_request("can't parse BotCommand JSON object")
        command, description = entry.get("command"), entry.get("description")
        if not isinstance(command, str) or not _COMMAND.match(command.removeprefix("/")):
            raise bad_request("BOT_COMMAND_INVALID")
        if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        cleaned.append({"command": command.removeprefix("/"), "description": description})
    key = _command_key(world, params)
    if cleaned:
        world.commands[key] = cleaned
    else:
        world.commands.pop(key, None)
    return True


@api_method("getMyCommands")
async def get_my_commands(world: World, params: Params) -> list[JSON]:
    """Return the commands stored for exactly this scope and language."""
    return copy.deepcopy(world.commands.get(_command_key(world, params), []))


@api_method("deleteMyCommands")
async def delete_my_commands(world: World, params: Params) -> bool:
    """Forget the commands of one scope and language."""
    world.commands.pop(_command_key(world, params), None)
    return True


@api_method("setChatMenuButton")
async def set_chat_menu_button(world: World, params: Params) -> bool:
    """Store the menu button of one private chat, or the default one."""
    button = params.structured("menu_button", "menu button") or {"type": "default"}
    if not isinstance(button, dict) or button.get("type") not in ("commands", "web_app", "default"):
        raise bad_request("can't parse menu button JSON object")
    if button["type"] == "web_app" and not (button.get("text") and button.get("web_app")):
        raise bad_request("can't parse menu button JSON object")
    if params.present("chat_id"):
        chat = world.find_chat(params.chat_id())
        if chat.type != "private":
            raise bad_request("chat must be a private chat")
        chat.menu_button = button
    else:
        world.default_menu_button = button
    return True


@api_method("getChatMenuButton")
async def get_chat_menu_button(world: World, params: Params) -> JSON:
    """Return the menu button of a private chat (or the default)."""
    if params.present("chat_id"):
        chat = world.find_chat(params.chat_id())
        if chat.menu_button is not None:
            return copy.deepcopy(chat.menu_button)
    return copy.deepcopy(world.default_menu_button)


def _bot_text_methods(field: str, camel: str) -> None:
    async def setter(world: World, params: Params) -> bool:
        language = params.text("language_code") or ""
        value = params.text(field) or ""
        if len(value) > _TEXT_LIMITS[field]:
            raise bad_request(f"{field.replace('_', ' ')} is too long")
        if value:
            world.bot_texts[(field, language)] = value
        else:
            world.bot_texts.pop((field, language), None)
        return True

    async def getter(world: World, params: Params) -> JSON:
        language = params.text("language_code") or ""
        value = world.bot_texts.get((field, language), world.bot_texts.get((field, ""), ""))
        if field == "name" and not value:
            value = world.bot.first_name
        return {field: value}

    api_method(f"setMy{camel}")(setter)
    api_method(f"getMy{camel}")(getter)


_bot_text_methods("name", "Name")
_bot_text_methods("description", "Description")
_bot_text_methods("short_description", "ShortDescription")
