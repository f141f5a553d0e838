"""Bot API methods that send, change or remove messages, and the file methods."""

from __future__ import annotations

import copy
import mimetypes
import time
from typing import Any

from bot.sandbox.api import (
    api_method,
    apply_keyboard,
    formatted,
    message_body,
    rate_limit,
    reply_target,
)
from bot.sandbox.errors import JSON, bad_request
from bot.sandbox.markup import MAX_TEXT, check_reply_markup, render, trim
from bot.sandbox.media import MAX_DOWNLOAD, StoredFile, image_size
from bot.sandbox.params import Params, Upload
from bot.sandbox.state import StoredMessage, World

CALLBACK_ANSWER_WINDOW = 15.0  # seconds after which answerCallbackQuery is "too old"
MAX_UPLOAD = 50 * 1024 * 1024
MAX_PHOTO = 10 * 1024 * 1024
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


def _markup(params: Params) -> JSON | None:
    return check_reply_markup(params.structured("reply_markup", "reply keyboard markup"))


@api_method("sendMessage")
async def send_message(world: World, params: Params) -> JSON:
    """Send a text message."""
    chat = world.find_chat(params.chat_id())
    source, text, entities = formatted(params, "text")
    if not text:
        raise bad_request("message text is empty")
    markup = _markup(params)
    reply_to = reply_target(world, chat, params)
    world.check_can_write(chat)
    rate_limit(world, chat)
    stored = world.add_message(
        chat,
        world.bot,
        message_body("text", text, entities, markup, reply_to),
        kind="text",
        source=source,
        parse_mode=params.text("parse_mode") or None,
        reply_markup=markup,
    )
    apply_keyboard(chat, markup)
    return copy.deepcopy(stored.data)


def _existing_file(world: World, value: str, what: str) -> StoredFile:
    stored = world.files.get(value)
    if stored is not None:
        return stored
    if value.startswith(("http://", "https://")):
        raise bad_request("failed to get HTTP URL content")  # the sandbox never fetches URLs
    raise bad_request(f"wrong file identifier/HTTP URL specified for {what}")


def _new_upload(upload: Upload, limit: int) -> None:
    if not upload.body:
        raise bad_request("file must be non-empty")
    if len(upload.body) > limit:
        raise bad_request("file is too big")


async def _send_media(world: World, params: Params, kind: str) -> JSON:
    chat = world.find_chat(params.chat_id())
    given = params.upload(kind)
    if given is None:
        raise bad_request(f"there is no {kind} in the request")
    source, caption, entities = formatted(params, "caption", caption=True)
    markup = _markup(params)
    reply_to = reply_target(world, chat, params)
    media: Any
    if kind == "photo":
        if isinstance(given, Upload):
            _new_upload(given, MAX_PHOTO)
            size = image_size(given.body)
            if size is None:
                raise bad_request("IMAGE_PROCESS_FAILED")
            stored_file = world.files.add(given.body, "photo", mime_type=given.content_type)
            stored_file.width, stored_file.height = size
        else:
            stored_file = _existing_file(world, given, "photo")
        width, height = stored_file.width or 1, stored_file.height or 1
        world.check_can_write(chat)
        rate_limit(world, chat)
        media = world.files.photo_sizes(stored_file, width, height)
    else:
        if isinstance(given, Upload):
            _new_upload(given, MAX_UPLOAD)
            name = given.filename or "document"
            mime = (
                given.content_type
                if given.content_type and given.content_type != "application/octet-stream"
                else mimetypes.guess_type(name)[0] or "application/octet-stream"
            )
            stored_file = world.files.add(given.body, "document", file_name=name, mime_type=mime)
        else:
            stored_file = _existing_file(world, given, "document")
        world.check_can_write(chat)
        rate_limit(world, chat)
        media = {
            "file_name": stored_file.file_name or "document",
            "mime_type": stored_file.mime_type or "application/octet-stream",
            "file_id": stored_file.file_id,
            "file_unique_id": stored_file.file_unique_id,
            "file_size": len(stored_file.data),
        }
    body = {kind: media, **message_body("caption", caption, entities, markup, reply_to)}
    stored = world.add_message(
        chat,
        world.bot,
        body,
        kind=kind,
        source=source,
        parse_mode=params.text("parse_mode") or None,
        reply_markup=markup,
        file_id=stored_file.file_id,
    )
    apply_keyboard(chat, markup)
    return copy.deepcopy(stored.data)


@api_method("sendPhoto")
async def send_photo(world: World, params: Params) -> JSON:
    """Send a photo (an upload, or the file_id of a known photo)."""
    return await _send_media(world, params, "photo")


@api_method("sendDocument")
async def send_document(world: World, params: Params) -> JSON:
    """Send a document (an upload, or the file_id of a known file)."""
    return await _send_media(world, params, "document")


def _target(world: World, params: Params, action: str) -> StoredMessage:
    if params.present("inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID")  # the sandbox has no inline-mode messages
    chat = world.find_chat(params.chat_id())
    message_id = params.integer("message_id")
    if message_id is None:
        raise bad_request("message identifier is not specified")
    stored = world.message(chat.id, message_id)
    if stored is None:
        raise bad_request(f"message to {action} not found")
    return stored


def _inline_only(params: Params) -> JSON | None:
    markup = _markup(params)
    if markup is not None and "inline_keyboard" not in markup:
        raise bad_request("inline keyboard expected")
    return markup


def _apply_edit(world: World, stored: StoredMessage, changes: JSON, markup: JSON | None) -> JSON:
    data = stored.data
    unchanged = all((data.get(key) or None) == (value or None) for key, value in changes.items())
    if unchanged and data.get("reply_markup") == markup:
        raise bad_request(NOT_MODIFIED)
    for key, value in changes.items():
        if value in (None, [], ""):
            data.pop(key, None)
        else:
            data[key] = value
    if markup is None:
        data.pop("reply_markup", None)
    else:
        data["reply_markup"] = markup
    data["edit_date"] = world.now()
    stored.reply_markup = markup
    stored.edits += 1
    world.bot_event(stored.chat_id, "edited", stored.message_id)
    return copy.deepcopy(data)


@api_method("editMessageText")
async def edit_message_text(world: World, params: Params) -> JSON:
    """Replace the text of a message the bot sent; without reply_markup the keyboard goes."""
    stored = _target(world, params, "edit")
    if not stored.from_bot:
        raise bad_request("message can't be edited")
    if "text" not in stored.data:
        raise bad_request("there is no text in the message to edit")
    source = params.text("text")
    parse_mode = params.text("parse_mode") or None
    text, entities = trim(*render(source or "", parse_mode))
    if not text:
        raise bad_request("message text is empty")
    if len(text) > MAX_TEXT:
        raise bad_request("message is too long")
    markup = _inline_only(params)
    result = _apply_edit(world, stored, {"text": text, "entities": entities}, markup)
    stored.source, stored.parse_mode = source, parse_mode
    return result


@api_method("editMessageCaption")
async def edit_message_caption(world: World, params: Params) -> JSON:
    """Replace the caption of a photo or document the bot sent."""
    stored = _target(world, params, "edit")
    if not stored.from_bot:
        raise bad_request("message can't be edited")
    if stored.kind not in ("photo", "document"):
        raise bad_request("there is no caption in the message to edit")
    source, caption, entities = formatted(params, "caption", caption=True)
    markup = _inline_only(params)
    changes = {"caption": caption, "caption_entities": entities}
    result = _apply_edit(world, stored, changes, markup)
    stored.source, stored.parse_mode = source, params.text("parse_mode") or None
    return result


@api_method("editMessageReplyMarkup")
async def edit_message_reply_markup(world: World, params: Params) -> JSON:
    """Replace (or, when absent, remove) the inline keyboard of a message the bot sent."""
    stored = _target(world, params, "edit")
    if not stored.from_bot:
        raise bad_request("message can't be edited")
    return _apply_edit(world, stored, {}, _inline_only(params))


@api_method("deleteMessage")
async def delete_message(world: World, params: Params) -> bool:
    """Delete a message (the bot's own anywhere; anyone's in a private chat)."""
    stored = _target(world, params, "delete")
    if not stored.from_bot and world.chats[stored.chat_id].type != "private":
        raise bad_request("message can't be deleted")
    stored.deleted = True
    world.bot_event(stored.chat_id, "deleted", stored.message_id)
    return True


@api_method("answerCallbackQuery")
async def answer_callback_query(world: World, params: Params) -> bool:
    """Answer a button press once, within the time Telegram allows."""
    query_id = params.text("callback_query_id")
    if not query_id:
        raise bad_request("QUERY_ID_INVALID")
    query = world.callbacks.get(query_id)
    too_old = query is None or time.monotonic() - query.created > CALLBACK_ANSWER_WINDOW
    if query is None or query.answer is not None or too_old:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    text = params.text("text") or ""
    if len(text) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    query.answer = {
        "text": text or None,
        "show_alert": params.flag("show_alert"),
        "url": params.text("url") or None,
        "cache_time": params.integer("cache_time", 0),
    }
    world.bot_signal.notify()
    return True


@api_method("sendChatAction")
async def send_chat_action(world: World, params: Params) -> bool:
    """Show "typing…" and the like (recorded for tests)."""
    chat = world.find_chat(params.chat_id())
    action = params.text("action") or ""
    if action not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    world.check_can_write(chat)
    chat.actions.append({"action": action, "date": world.now()})
    world.bot_signal.notify()
    return True


@api_method("getFile")
async def get_file(world: World, params: Params) -> JSON:
    """Return a File with the path to download it from ``/file/bot<token>/<path>``."""
    file_id = params.text("file_id")
    if not file_id:
        raise bad_request("file_id is empty")
    stored = world.files.get(file_id)
    if stored is None:
        raise bad_request("invalid file_id")
    if len(stored.data) > MAX_DOWNLOAD:
        raise bad_request("file is too big")
    return stored.file_json()
