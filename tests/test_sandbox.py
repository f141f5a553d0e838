"""The sandbox, driven by the real python-telegram-bot over loopback HTTP."""

from __future__ import annotations

import asyncio
import base64
import datetime as dtm
import json
import struct
import time
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import httpx
import pytest
import tornado.httpserver
import tornado.netutil
import tornado.web
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    BotCommandScopeChatAdministrators,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    MenuButtonCommands,
    Message,
    MessageOriginHiddenUser,
    MessageOriginUser,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
)
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from bot.sandbox import RateLimits, Sandbox
from bot.sandbox.errors import ApiError
from bot.sandbox.markup import parse_html, trim

T = TypeVar("T")
ZHANG, AMY, LI = 1001, 1002, 1003


def run(scenario: Callable[[], Awaitable[T]]) -> T:
    """Run one async scenario with a hard time limit."""

    async def bounded() -> T:
        return await asyncio.wait_for(scenario(), timeout=20)

    return asyncio.run(bounded())


@asynccontextmanager
async def connected(**options: Any) -> AsyncIterator[tuple[Sandbox, Bot]]:
    """A started sandbox with two people, and a real Bot talking to it."""
    sandbox = Sandbox(**options)
    await sandbox.start()
    sandbox.add_user(ZHANG, "张伟", username="zhangwei", language_code="zh-hans")
    sandbox.add_user(AMY, "Amy", last_name="Chen", language_code="en")
    bot = Bot(sandbox.token, base_url=sandbox.base_url, base_file_url=sandbox.base_file_url)
    try:
        async with bot:
            yield sandbox, bot
    finally:
        await sandbox.stop()


def png(width: int, height: int) -> bytes:
    """A valid grey PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


# ── identity and updates ─────────────────────────────────────────────────────
def test_get_me_describes_the_bot() -> None:
    async def scenario() -> None:
        async with connected() as (sandbox, bot):
            me = await bot.get_me()
            assert me.is_bot
            assert me.id == sandbox.world.bot.id
            assert me.username == "execoach_sandbox_bot"
            assert me.can_read_all_group_messages is False

    run(scenario)


def test_a_users_text_arrives_as_an_update_with_telegrams_fields() -> None:
    async def scenario() -> None:
        async with connected() as (sandbox, bot):
            sandbox.send_text(ZHANG, "拜访8家，成交3单 see https://example.com")
            sandbox.open_start_link(AMY, "inv-east_42")
            first, second = await bot.get_updates()
            message = first.message
            assert message is not None and message.from_user is not None
            assert message.text == "拜访8家，成交3单 see https://example.com"
            assert message.from_user.id == ZHANG
            assert message.from_user.language_code == "zh-hans"
            assert message.chat.type == "private" and message.chat.id == ZHANG
            assert message.parse_entities(["url"]).popitem()[1] == "https://example.com"
            start = second.message
            assert start is not None and start.text == "/start inv-east_42"
            assert start.parse_entities(["bot_command"]).popitem()[1] == "/start"
            assert second.update_id == first.update_id + 1
            with pytest.raises(ValueError, match="start payload"):
                sandbox.open_start_link(AMY, "not allowed!")

    run(scenario)


def test_unconfirmed_updates_are_redelivered_until_an_offset_confirms_them() -> None:
    async def scenario() -> None:
        async with connected() as (sandbox, bot):
            for text in ("one", "two", "three"):
                sandbox.send_text(ZHANG, text)
            first = await bot.get_updates()
            again = await bot.get_updates()
            assert [u.update_id for u in again] == [u.update_id for u in first]
            assert [u.message.text for u in again if u.message] == ["one", "two", "three"]
            limited = await bot.get_updates(limit=1)
            assert [u.message.text for u in limited if u.message] == ["one"]
            rest = await bot.get_updates(offset=first[0].update_id + 1)
            assert [u.message.text for u in rest if u.message] == ["two", "three"]
            assert len(sandbox.pending_updates()) == 2  # "one" is confirmed and gone
            sandbox.send_text(ZHANG, "four")
            last = await bot.get_updates(offset=-1)
            assert [u.message.text for u in last if u.message] == ["four"]
            assert [u["message"]["text"] for u in sandbox.pending_updates()] == ["four"]
            assert await bot.get_updates(offset=last[0].update_id + 1) == ()
            assert sandbox.pending_updates() == []
            assert (await bot.get_webhook_info()).pending_update_count == 0

    run(scenario)


def test_a_long_poll_returns_as_soon_as_an_update_exists() -> None:
    async def scenario() -> None:
        async with connected() as (sandbox, bot):
            poll = asyncio.create_task(bot.get_updates(timeout=5))
            await asyncio.sleep(0.2)
            assert not poll.done()
            started = time.monotonic()
            sandbox.send_text(AMY, "hello")
            updates = await poll
            assert time.monotonic() - started < 1
            assert [u.message.text for u in updates if u.message] == ["hello"]
            empty_started = time.monotonic()
            assert await bot.get_updates(offset=updates[-1].update_id + 1, timeout=1) == ()
            assert time.monotonic() - empty_started >= 0.9

    run(scenario)


def test_a_second_poller_terminates_the_first_with_409() -> None:
    async def scenario() -> None:
        async with connected() as (sandbox, bot):
            first = asyncio.create_task(bot.get_updates(timeout=5))
            await asyncio.sleep(0.2)
            other_instance = Bot(sandbox.token, base_url=sandbox.base_url)
            async with other_instance:
                second = asyncio.create_task(other_instance.get_updates(timeout=1))
                with pytest.raises(Conflict, match=r"(?i)terminated by other getUpdates"):
                    await first
                assert await second == ()

    run(scenario)


def test_a_poll_the_client_abandons_stops_waiting_on_the_server() -> None:
    async def scenario() -> None:
        async with connected() as (sandbox, bot), httpx.AsyncClient() as client:
            poll = asyncio.create_task(
                client.post(f"{sandbox.base_url}{sandbox.token}/getUpdates", data={"timeout": 5})
            )
            await asyncio.sleep(0.2)
            poll.cancel()
            for _ in range(50):
                if sandbox.calls("getUpdates"):
                    break
                await asyncio.sleep(0.02)
            assert sandbox.calls("getUpdates")[0]["status"] == "client gone"
            sandbox.send_text(ZHANG, "still here")
            assert [u.message.text for u in await bot.get_updates() if u.message] == ["still here"]

    run(scenario)


def test_allowed_updates_filters_updates_created_after_the_call() -> None:
    async def scenario() -> None:
        async with connected() as (sandbox, bot):
            sent = await bot.send_message(
                ZHANG,
                "Pick",
                reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]]),
            )
            await bot.get_updates(allowed_updates=["callback_query"])
            sandbox.send_text(ZHANG, "ignored")
            sandbox.press_button(ZHANG, sent.message_id, "a")
            updates = await bot.get_updates()
            assert [u.callback_query is not None for u in updates] == [True]
            await bot.get_updates(allowed_updates=[])  # back to Telegram's default set
            sandbox.send_text(ZHANG, "seen")
            assert (await bot.get_updates())[-1].message is not None

    run(scenario)


# ── sending, keyboards, buttons, edits ───────────────────────────────────────
def test_an_html_message_with_an_inline_keyboard_is_visible_to_the_control_api() -> None:
    async def scenario() -> None:
        async with connected() as (sandbox, bot):
            keyboard = InlineKeyboardMarkup(
                [[InlineKeyboardButton("撤回", callback_data="withdraw:7")]]
            )
            sent = await bot.send_message(
                ZHANG,
                "<b>收到</b> 销售额 &lt;25000&gt; <a href='https://t.me/x'>链接</a>\n",
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard,
            )
            assert sent.text == "收到 销售额 <25000> 链接"
            assert sent.parse_entity(sent.entities[0]) == "收到"
            assert sent.entities[1].url == "https://t.me/x"
            assert sent.reply_markup == keyboard
            record = await sandbox.next_message(ZHANG, timeout=1)
            assert record["message_id"] == sent.message_id
            assert record["text"].startswith("<b>收到</b>")
            assert record["parse_mode"] == "HTML"
            assert record["plain_text"] == sent.text
            assert record["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "withdraw:7"
            assert Message.de_json(record["message"], bot) == sent
            with pytest.raises(TimeoutError):
                await sandbox.next_message(ZHANG, timeout=0.1)

    run(scenario)


def test_pressing_a_button_gives_a_callback_query_the_bot_can_answer_once() -> None:
    async def scenario() -> None:
        async with connected() as (sandbox, bot):
            sent = await bot.send_message(
                ZHANG,
                "Report stored",
                reply_markup=InlineKeyboardMarkup(
                    [[InlineKeyboardButton("Withdraw", callback_data="withdraw:1")]]
                ),
            )
            pressed = sandbox.press_button(ZHANG, sent.message_id, text="Withdraw")
            (update,) = await bot.get_updates()
            query = update.callback_query
            assert query is not None and query.id == pressed["id"]
            assert query.data == "withdraw:1"
            assert query.from_user.id == ZHANG
            assert query.message is not None and query.message.message_id == sent.message_id
            assert await query.answer("Withdrawn")
            answer = await sandbox.wait_for_answer(query.id, timeout=1)
            assert answer["text"] == "Withdrawn" and answer["show_alert"] is False
            with pytest.raises(BadRequest, match=r"(?i)query is too old"):
                await bot.answer_callback_query(query.id)
            with pytest.raises(ValueError, match="no button"):
                sandbox.press_button(ZHANG, sent.message_id, "delete:everything")
            forged = sandbox.press_button(ZHANG, sent.message_id, "x" * 80, forged=True)
            forged_update = (await bot.get_updates(offset=update.update_id + 1))[0]
            assert forged_update.callback_query is not None
            assert forged_update.callback_query.data == forged["data"]

    run(scenario)


def test_editing_text_applies_and_an_identical_edit_is_not_modified() -> None:
    async def scenario() -> None:
        async with connected() as (sandbox, bot):
            keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("OK", callback_data="ok")]])
            sent = await bot.send_message(AMY, "Draft", reply_markup=keyboard)
            edited = await bot.edit_message_text(
                "<i>Final</i>",
                chat_id=AMY,
                message_id=sent.message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard,
            )
            assert isinstance(edited, Message)
            assert edited.text == "Final" and edited.edit_date is not None
            record = await sandbox.next_edit(AMY, timeout=1)
            assert record["text"] == "<i>Final</i>" and record["edits"] == 1
            with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
                await bot.edit_message_text(
                    "<i>Final</i>",
                    chat_id=AMY,
                    message_id=sent.message_id,
                    parse_mode=ParseMode.HTML,
                    reply_markup=keyboard,
                )
            # Like Telegram, an edit without reply_markup removes the keyboard.
            plain = await bot.edit_message_text("Final", chat_id=AMY, message_id=sent.message_id)
            assert isinstance(plain, Message) and plain.reply_markup is None
            markup_only = await bot.edit_message_reply_markup(
                chat_id=AMY, message_id=sent.message_id, reply_markup=keyboard
            )
            assert isinstance(markup_only, Message) and markup_only.reply_markup == keyboard
            assert sandbox.bot_messages(AMY)[-1]["reply_markup"] == keyboard.to_dict()
            with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
                await bot.edit_message_text("x", chat_id=AMY, message_id=999)
            mine = sandbox.send_text(AMY, "my own")
            with pytest.raises(BadRequest, match=r"(?i)message can't be edited"):
                await bot.edit_message_text("x", chat_id=AMY, message_id=mine["message_id"])

    run(scenario)


def test_a_user_editing_their_message_gives_an_edited_message_update() -> None:
    async def scenario() -> None:
        async with connected() as (sandbox, bot):
            original = sandbox.send_text(ZHANG, "拜访8家")
            sandbox.edit_text(ZHANG, original["message_id"], "拜访9家")
            updates = await bot.get_updates()
            assert updates[0].message is not None and updates[0].message.text == "拜访8家"
            edited = updates[1].edited_message
            assert edited is not None
            assert edited.message_id == original["message_id"]
            assert edited.text == "拜访9家" and edited.edit_date is not None
            assert sandbox.messages(ZHANG)[0]["plain_text"] == "拜访9家"

    run(scenario)


def test_reply_keyboards_are_tracked_and_removed() -> None:
    async def scenario() -> None:
        async with connected() as (sandbox, bot):
            keyboard = ReplyKeyboardMarkup(
                [[KeyboardButton("10"), KeyboardButton("20")]], one_time_keyboard=True
            )
            sent = await bot.send_message(ZHANG, "How many visits?", reply_markup=keyboard)
            assert sent.reply_markup is None  # Telegram echoes only inline keyboards
            shown = sandbox.reply_keyboard(ZHANG)
            assert shown is not None and shown["keyboard"][0][1]["text"] == "20"
            sandbox.send_text(ZHANG, "20")
            assert sandbox.reply_keyboard(ZHANG) is None  # one-time keyboard hides
            await bot.send_message(ZHANG, "Again", reply_markup=keyboard)
            await bot.send_message(ZHANG, "Done", reply_markup=ReplyKeyboardRemove())
            assert sandbox.reply_keyboard(ZHANG) is None
            reply = await bot.send_message(ZHANG, "Noted", reply_to_message_id=sent.message_id)
            assert reply.reply_to_message is not None
            assert reply.reply_to_message.message_id == sent.message_id

    run(scenario)


def test_delete_chat_action_and_menu_button() -> None:
    async def scenario() -> None:
        async with connected() as (sandbox, bot):
            sent = await bot.send_message(AMY, "temporary")
            assert await bot.delete_message(AMY, sent.message_id)
            assert sandbox.bot_messages(AMY) == []
            assert sandbox.bot_messages(AMY, include_deleted=True)[0]["deleted"]
            with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
                await bot.delete_message(AMY, sent.message_id)
            assert await bot.send_chat_action(AMY, ChatAction.TYPING)
            assert sandbox.chat_actions(AMY)[0]["action"] == "typing"
            with pytest.raises(BadRequest, match=r"(?i)wrong parameter action"):
                await bot.send_chat_action(AMY, "dancing")
            assert await bot.set_chat_menu_button(AMY, MenuButtonCommands())
            assert sandbox.menu_button(AMY) == {"type": "commands"}
            assert isinstance(await bot.get_chat_menu_button(AMY), MenuButtonCommands)

    run(scenario)


# ── files ────────────────────────────────────────────────────────────────────
def test_documents_round_trip_both_ways() -> None:
    async def scenario() -> None:
        async with connected() as (sandbox, bot):
            content = b"date,visits\n2026-03-02,8\n"
            sent = await bot.send_document(
                AMY, content, filename="report.csv", caption="<b>CSV</b>", parse_mode="HTML"
            )
            assert sent.document is not None and sent.document.file_name == "report.csv"
            assert sent.document.mime_type == "text/csv"
            assert sent.caption == "CSV" and sent.caption_entities[0].type == "bold"
            assert sandbox.file_bytes(sent.document.file_id) == content
            record = sandbox.last_bot_message(AMY)
            assert record is not None and record["kind"] == "document"
            file = await bot.get_file(sent.document.file_id)
            assert file.file_path is not None and "/file/bot" in file.file_path
            assert bytes(await file.download_as_bytearray()) == content
            resent = await bot.send_document(ZHANG, sent.document.file_id)
            assert resent.document is not None
            assert resent.document.file_id == sent.document.file_id

            uploaded = sandbox.send_document(
                ZHANG, b"%PDF-1.4 fake", "plan.pdf", mime_type="application/pdf"
            )
            (update,) = await bot.get_updates()
            assert update.message is not None and update.message.document is not None
            assert update.message.document.file_name == "plan.pdf"
            assert update.message.document.file_id == uploaded["document"]["file_id"]
            downloaded = await (await update.message.document.get_file()).download_as_bytearray()
            assert bytes(downloaded) == b"%PDF-1.4 fake"
            with pytest.raises(BadRequest, match=r"(?i)invalid file_id"):
                await bot.get_file("nonsense")
            with pytest.raises(BadRequest, match=r"(?i)file must be non-empty"):
                await bot.send_document(AMY, b"", filename="empty.txt")

    run(scenario)


def test_photos_round_trip_and_non_images_are_refused() -> None:
    async def scenario() -> None:
        async with connected() as (sandbox, bot):
            image = png(640, 480)
            sent = await bot.send_photo(ZHANG, image, caption="chart")
            largest = sent.photo[-1]
            assert (largest.width, largest.height) == (640, 480)
            assert len(sent.photo) > 1 and sent.photo[0].width < 640
            file = await bot.get_file(largest.file_id)
            assert bytes(await file.download_as_bytearray()) == image
            assert sandbox.bot_messages(ZHANG)[-1]["kind"] == "photo"
            with pytest.raises(BadRequest, match=r"(?i)IMAGE_PROCESS_FAILED"):
                await bot.send_photo(ZHANG, b"not an image at all", filename="x.png")

            sandbox.send_photo(AMY, png(50, 40), caption="shelf")
            (update,) = await bot.get_updates()
            assert update.message is not None and update.message.caption == "shelf"
            assert (update.message.photo[-1].width, update.message.photo[-1].height) == (50, 40)

    run(scenario)


# ── commands ─────────────────────────────────────────────────────────────────
def test_commands_are_kept_per_scope_and_language() -> None:
    async def scenario() -> None:
        async with connected() as (sandbox, bot):
            everyone = [BotCommand("help", "Help")]
            reps_zh = [BotCommand("report", "日报"), BotCommand("help", "帮助")]
            lead = [BotCommand("team", "Team status")]
            assert await bot.set_my_commands(everyone)
            assert await bot.set_my_commands(
                reps_zh, scope=BotCommandScopeAllPrivateChats(), language_code="zh"
            )
            assert await bot.set_my_commands(lead, scope=BotCommandScopeChat(AMY))
            assert await bot.get_my_commands() == tuple(everyone)
            assert await bot.get_my_commands(
                scope=BotCommandScopeAllPrivateChats(), language_code="zh"
            ) == tuple(reps_zh)
            assert await bot.get_my_commands(scope=BotCommandScopeAllPrivateChats()) == ()
            assert await bot.get_my_commands(scope=BotCommandScopeChat(AMY)) == tuple(lead)
            assert [c["command"] for c in sandbox.visible_commands(ZHANG)] == ["report", "help"]
            assert [c["command"] for c in sandbox.visible_commands(AMY)] == ["team"]
            assert await bot.delete_my_commands(scope=BotCommandScopeChat(AMY))
            assert [c["command"] for c in sandbox.visible_commands(AMY)] == ["help"]
            sandbox.add_group(-5, "Leads", members=[ZHANG], admins=[AMY])
            admin_scope = BotCommandScopeChatAdministrators(-5)
            assert await bot.set_my_commands(lead, scope=admin_scope)
            assert sandbox.visible_commands(-5, user_id=AMY) == [c.to_dict() for c in lead]
            assert sandbox.visible_commands(-5, user_id=ZHANG) == [c.to_dict() for c in everyone]
            with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
                await bot.set_my_commands([BotCommand("Bad-Name", "x")])
            with pytest.raises(BadRequest, match=r"(?i)chat not found"):
                await bot.set_my_commands(everyone, scope=BotCommandScopeChat(424242))

    run(scenario)


# ── errors as python-telegram-bot sees them ─────────────────────────────────
def test_bad_requests_raise_badrequest_with_telegrams_descriptions() -> None:
    async def scenario() -> None:
        async with connected() as (sandbox, bot):
            cases: list[tuple[Callable[[], Awaitable[object]], str]] = [
                (lambda: bot.send_message(424242, "hi"), "Chat not found"),
                (lambda: bot.send_message(ZHANG, "   "), "Message text is empty"),
                (lambda: bot.send_message(ZHANG, "x" * 4097), "Message is too long"),
                (
                    lambda: bot.send_message(ZHANG, "<b>open", parse_mode="HTML"),
                    "Can't parse entities: can't find end tag corresponding to start tag \"b\"",
                ),
                (
                    lambda: bot.send_message(ZHANG, "a <br> b", parse_mode="HTML"),
                    'Can\'t parse entities: unsupported start tag "br" at byte offset 2',
                ),
                (
                    lambda: bot.send_message(ZHANG, "hi", reply_to_message_id=999),
                    "Message to be replied not found",
                ),
            ]
            for call, description in cases:
                with pytest.raises(BadRequest) as caught:
                    await call()
                assert caught.value.message.lower() == description.lower()
            assert await bot.send_message(ZHANG, "x" * 4096)
            assert [c["status"] for c in sandbox.calls("sendMessage")] == [400] * 6 + [200]

    run(scenario)


def test_forbidden_unknown_methods_and_tokens() -> None:
    async def scenario() -> None:
        async with connected(tokens=["123456:" + "A" * 35]) as (sandbox, bot):
            sandbox.add_user(LI, "Li", started=False)
            with pytest.raises(Forbidden, match=r"(?i)bot can't initiate conversation"):
                await bot.send_message(LI, "hello")
            sandbox.block_bot(ZHANG)
            with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
                await bot.send_message(ZHANG, "hello")
            (update,) = await bot.get_updates()
            member = update.my_chat_member
            assert member is not None and member.new_chat_member.status == "kicked"
            with pytest.raises(EndPointNotFound):
                await bot.do_api_request("sendHologram", api_kwargs={"chat_id": AMY})
            stranger = Bot("123456:" + "B" * 35, base_url=sandbox.base_url)
            with pytest.raises(InvalidToken):
                await stranger.get_me()
            malformed = Bot("not-a-token", base_url=sandbox.base_url)
            with pytest.raises(InvalidToken):
                await malformed.get_me()
            async with httpx.AsyncClient() as client:
                response = await client.post(f"{sandbox.base_url}{'123456:' + 'B' * 35}/getMe")
                assert response.status_code == 401
                assert response.json() == {
                    "ok": False,
                    "error_code": 401,
                    "description": "Unauthorized",
                }
                response = await client.post(f"{sandbox.base_url}{sandbox.token}/noSuchMethod")
                assert (response.status_code, response.json()["description"]) == (
                    404,
                    "Not Found",
                )

    run(scenario)


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
def test_rate_limits_answer_429_with_retry_after() -> None:
    async def scenario() -> None:
        async with connected(rate_limits=True) as (sandbox, bot):
            for n in range(3):  # the per-chat burst
                await bot.send_message(ZHANG, f"burst {n}")
            with pytest.raises(RetryAfter) as caught:
                await bot.send_message(ZHANG, "one too many")
            assert caught.value.retry_after in (1, dtm.timedelta(seconds=1))
            async with httpx.AsyncClient() as client:
                raw = await client.post(
                    f"{sandbox.base_url}{sandbox.token}/sendMessage",
                    data={"chat_id": str(ZHANG), "text": "raw"},
                )
            assert raw.status_code == 429
            assert raw.json() == {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 1",
                "parameters": {"retry_after": 1},
            }
            assert await bot.send_message(AMY, "another chat is fine")
            sandbox.set_rate_limits(
                True, RateLimits(overall_per_second=2, overall_burst=2, private_burst=10)
            )
            await bot.send_message(ZHANG, "a")
            await bot.send_message(AMY, "b")
            with pytest.raises(RetryAfter):
                await bot.send_message(AMY, "c")
            sandbox.set_rate_limits(False)
            for n in range(10):
                await bot.send_message(ZHANG, f"unlimited {n}")

    run(scenario)


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
def test_injected_failures_and_dropped_connections() -> None:
    async def scenario() -> None:
        async with connected() as (sandbox, bot):
            sandbox.fail_next(1, status=500)
            with pytest.raises(NetworkError, match="Internal Server Error"):
                await bot.send_message(ZHANG, "lost")
            assert sandbox.bot_messages(ZHANG) == []
            sandbox.fail_next(1, status=502, methods=["sendMessage"], after_processing=True)
            await bot.get_me()  # not a sendMessage: unaffected
            with pytest.raises(NetworkError):
                await bot.send_message(ZHANG, "sent but the answer was lost")
            assert [m["plain_text"] for m in sandbox.bot_messages(ZHANG)] == [
                "sent but the answer was lost"
            ]
            sandbox.fail_next(1, status=429)
            with pytest.raises(RetryAfter):
                await bot.get_me()
            sandbox.drop_next(1)
            with pytest.raises(NetworkError):
                await bot.get_me()
            sandbox.set_drop_connections(True)
            with pytest.raises(NetworkError):
                await bot.send_message(ZHANG, "unreachable")
            sandbox.set_drop_connections(False)
            assert await bot.send_message(ZHANG, "back")
            assert sandbox.calls("getMe")[-1]["status"] == "dropped"

    run(scenario)


# ── every other kind of message parses with python-telegram-bot ─────────────
def test_other_message_kinds_and_group_privacy() -> None:
    async def scenario() -> None:
        async with connected() as (sandbox, bot):
            sandbox.send_sticker(ZHANG, "😀")
            sandbox.send_voice(ZHANG, duration=4)
            sandbox.send_location(ZHANG, 31.23, 121.47)
            sandbox.forward(ZHANG, "from my lead", origin_user_id=AMY)
            sandbox.forward(ZHANG, "from someone", hidden_name="Secret")
            sandbox.send_raw(ZHANG, {"contact": {"phone_number": "+86100", "first_name": "Wu"}})
            sandbox.add_group(-100123, "East team", members=[ZHANG], admins=[AMY], supergroup=True)
            sandbox.send_text(AMY, "chatter the bot never sees", chat_id=-100123)
            sandbox.send_command(AMY, "status", chat_id=-100123)
            updates = await bot.get_updates()
            messages = [u.message for u in updates]
            assert all(m is not None for m in messages)
            sticker, voice, location, forwarded, hidden, contact, command = (
                m for m in messages if m is not None
            )
            assert sticker.sticker is not None and sticker.sticker.emoji == "😀"
            assert voice.voice is not None and voice.voice.to_dict()["duration"] == 4
            assert location.location is not None and location.location.latitude == 31.23
            assert isinstance(forwarded.forward_origin, MessageOriginUser)
            assert forwarded.forward_origin.sender_user.id == AMY
            assert isinstance(hidden.forward_origin, MessageOriginHiddenUser)
            assert contact.contact is not None and contact.contact.phone_number == "+86100"
            assert command.text == "/status@execoach_sandbox_bot"
            assert command.chat.type == "supergroup" and command.chat.id == -100123
            reply = await bot.send_message(-100123, "ok", reply_to_message_id=command.message_id)
            assert reply.chat.title == "East team"
            sandbox.send_text(
                ZHANG, "answering the bot", chat_id=-100123, reply_to=reply.message_id
            )
            (seen,) = await bot.get_updates(offset=updates[-1].update_id + 1)
            assert seen.message is not None and seen.message.text == "answering the bot"

    run(scenario)


# ── a whole Application, as the bot will run ────────────────────────────────
def test_an_application_polls_and_its_echo_reply_reaches_the_person() -> None:
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Echoes the text back in bold."""
        assert update.effective_message is not None
        await update.effective_message.reply_html(f"<b>{update.effective_message.text}</b>")

    async def scenario() -> None:
        sandbox = Sandbox()
        await sandbox.start()
        sandbox.add_user(ZHANG, "张伟", language_code="zh")
        application = (
            Application.builder()
            .token(sandbox.token)
            .base_url(sandbox.base_url)
            .base_file_url(sandbox.base_file_url)
            .build()
        )
        application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
        try:
            async with application:
                assert application.updater is not None
                await application.updater.start_polling(poll_interval=0, timeout=1)
                await application.start()
                try:
                    sandbox.send_text(ZHANG, "拜访8家")
                    reply = await sandbox.next_message(ZHANG, timeout=5)
                finally:
                    await application.updater.stop()
                    await application.stop()
            assert reply["text"] == "<b>拜访8家</b>" and reply["plain_text"] == "拜访8家"
            assert sandbox.pending_updates() == []  # the updater confirmed on its way out
        finally:
            await sandbox.stop()

    run(scenario)


# ── webhook delivery ─────────────────────────────────────────────────────────
def test_a_loopback_webhook_receives_updates_with_the_secret_token() -> None:
    received: list[tuple[str | None, dict[str, Any]]] = []
    failures = [1]

    class Receiver(tornado.web.RequestHandler):
        def post(self) -> None:
            if failures:
                failures.pop()
                self.set_status(502)
                return
            received.append(
                (
                    self.request.headers.get("X-Telegram-Bot-Api-Secret-Token"),
                    json.loads(self.request.body),
                )
            )

    async def scenario() -> None:
        sockets = tornado.netutil.bind_sockets(0, "127.0.0.1")
        receiver = tornado.httpserver.HTTPServer(
            tornado.web.Application([(r"/hook", Receiver)], log_function=lambda _: None)
        )
        receiver.add_sockets(sockets)
        url = f"http://127.0.0.1:{sockets[0].getsockname()[1]}/hook"
        try:
            async with connected() as (sandbox, bot):
                with pytest.raises(BadRequest, match=r"(?i)HTTPS URL must be provided"):
                    await bot.set_webhook("http://example.com/hook")
                assert await bot.set_webhook(url, secret_token="s3cret")
                with pytest.raises(Conflict, match=r"(?i)webhook is active"):
                    await bot.get_updates()
                sandbox.send_text(ZHANG, "via webhook")
                for _ in range(100):
                    if received:
                        break
                    await asyncio.sleep(0.05)
                secret, payload = received[0]
                assert secret == "s3cret"
                update = Update.de_json(payload, bot)
                assert update.message is not None and update.message.text == "via webhook"
                info = await bot.get_webhook_info()
                assert info.url == url and info.pending_update_count == 0
                assert info.last_error_message is not None and "502" in info.last_error_message
                assert await bot.delete_webhook()
                assert await bot.get_updates() == ()
        finally:
            receiver.stop()

    run(scenario)


# ── the control interface over HTTP ─────────────────────────────────────────
def test_the_control_interface_works_over_http() -> None:
    async def scenario() -> None:
        async with connected() as (sandbox, bot), httpx.AsyncClient() as client:
            control = f"{sandbox.url}/control"

            async def call(name: str, **body: Any) -> Any:
                response = await client.post(f"{control}/{name}", json=body)
                assert response.status_code == 200, response.text
                return response.json()["result"]

            user = await call("add_user", user_id=LI, first_name="李娜", language_code="zh")
            assert user["id"] == LI
            sent = await call("send_text", user_id=LI, text="/blockers")
            assert sent["entities"][0]["type"] == "bot_command"
            image = base64.b64encode(png(8, 8)).decode()
            await call("send_photo", user_id=LI, content_base64=image)
            updates = await bot.get_updates()
            assert updates[0].message is not None and updates[0].message.text == "/blockers"
            photo = updates[1].message.photo[-1] if updates[1].message else None
            assert photo is not None and photo.width == 8
            await bot.send_message(LI, "<b>No open blockers</b>", parse_mode="HTML")
            response = await client.get(f"{control}/next_message", params={"chat_id": LI})
            assert response.json()["result"]["plain_text"] == "No open blockers"
            timeout = await client.get(
                f"{control}/next_message", params={"chat_id": LI, "timeout": "0.1"}
            )
            assert timeout.json() == {"ok": True, "result": None}
            listed = await client.get(f"{control}/messages", params={"chat_id": LI})
            assert [m["from_bot"] for m in listed.json()["result"]] == [False, False, True]
            file = await client.get(f"{control}/file", params={"file_id": photo.file_id})
            assert file.content == base64.b64decode(image)
            bad = await client.post(f"{control}/send_text", json={"user_id": 5, "text": "x"})
            assert bad.status_code == 400 and "unknown user" in bad.json()["description"]
            missing = await client.post(f"{control}/explode", json={})
            assert missing.status_code == 404
            await call("fail_next", n=1, status=500)
            with pytest.raises(NetworkError):
                await bot.get_me()
            await call("set_clock_offset", seconds=86400)
            stamped = await call("send_text", user_id=LI, text="tomorrow")
            assert stamped["date"] >= time.time() + 86000

    run(scenario)


def test_bodies_may_be_json_or_a_query_string() -> None:
    async def scenario() -> None:
        async with connected() as (sandbox, _), httpx.AsyncClient() as client:
            api = f"{sandbox.base_url}{sandbox.token}"
            markup = {"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}
            response = await client.post(
                f"{api}/sendMessage", json={"chat_id": AMY, "text": "json", "reply_markup": markup}
            )
            assert response.json()["result"]["reply_markup"] == markup
            response = await client.get(f"{api}/sendMessage", params={"chat_id": AMY, "text": "q"})
            assert response.json()["ok"] is True
            response = await client.post(
                f"{api}/sendMessage",
                json={
                    "chat_id": AMY,
                    "text": "x",
                    "reply_markup": {"inline_keyboard": [[{"text": "t"}]]},
                },
            )
            assert response.status_code == 400
            assert "Text buttons are unallowed" in response.json()["description"]

    run(scenario)


# ── the HTML reader, against Telegram's behaviour ───────────────────────────
@pytest.mark.parametrize(
    ("markup", "text", "entities"),
    [
        ("plain &amp; simple", "plain & simple", []),
        ("&ge;&lt;&gt;&quot;&#26085;", '&ge;<>"日', []),
        ("<b>bold <i>both</i></b>", "bold both", [("bold", 0, 9), ("italic", 5, 4)]),
        ("😀<u>x</u>", "😀x", [("underline", 2, 1)]),
        ('<span class="tg-spoiler">s</span>', "s", [("spoiler", 0, 1)]),
        ('<pre><code class="language-python">1</code></pre>', "1", [("pre", 0, 1)]),
        ("<blockquote expandable>q</blockquote>", "q", [("expandable_blockquote", 0, 1)]),
        ("<b></b>x", "x", []),
    ],
)
def test_html_is_read_like_telegram(
    markup: str, text: str, entities: list[tuple[str, int, int]]
) -> None:
    plain, found = trim(*parse_html(markup))
    assert plain == text
    assert [(e["type"], e["offset"], e["length"]) for e in found] == entities


@pytest.mark.parametrize(
    ("markup", "error"),
    [
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("日<p>x</p>", 'Unsupported start tag "p" at byte offset 3'),
        ("<b", "Unclosed start tag at byte offset 0"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
    ],
)
def test_bad_html_is_refused_like_telegram(markup: str, error: str) -> None:
    with pytest.raises(ApiError) as caught:
        parse_html(markup)
    assert caught.value.status == 400
    assert caught.value.description == f"Bad Request: can't parse entities: {error}"
