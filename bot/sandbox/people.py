"""The control interface's hands: act as people writing to the bot."""

from __future__ import annotations

import copy
import re
import secrets
import time
import zlib

from bot.sandbox.errors import JSON
from bot.sandbox.markup import MAX_TEXT, callback_data_of, detect_entities
from bot.sandbox.state import CallbackQuery, Chat, StoredMessage, User, World

_START_PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class People:
    """Methods a test (or the chat page) calls to play the people talking to the bot.

    Each returns the Bot API object that was created (a Message, or a CallbackQuery),
    exactly as the bot receives it in its update.
    """

    world: World

    # ── who exists ────────────────────────────────────────────────────────
    def add_user(
        self,
        user_id: int,
        first_name: str,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
        started: bool = True,
    ) -> JSON:
        """Create a person and their private chat (``started=False``: never opened it)."""
        user = User(
            id=int(user_id),
            first_name=first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
            started=started,
        )
        return self.world.add_user(user).to_json()

    def add_group(
        self,
        chat_id: int,
        title: str,
        *,
        members: list[int] | tuple[int, ...] = (),
        admins: list[int] | tuple[int, ...] = (),
        supergroup: bool = False,
        username: str | None = None,
    ) -> JSON:
        """Create a group chat (negative id) with the bot and these people in it."""
        if int(chat_id) >= 0:
            raise ValueError("a group chat id must be negative")
        for member in (*members, *admins):
            self.world.user(member)
        chat = Chat(
            id=int(chat_id),
            type="supergroup" if supergroup else "group",
            title=title,
            username=username,
            members={int(m) for m in (*members, *admins)},
            admins={int(a) for a in admins},
        )
        self.world.chats[chat.id] = chat
        return chat.to_json()

    # ── writing ───────────────────────────────────────────────────────────
    def _chat_for(self, user: User, chat_id: int | None) -> Chat:
        chat = self.world.chat(user.id if chat_id is None else chat_id)
        if chat.type == "private" and chat.id != user.id:
            raise ValueError(f"chat {chat.id} is someone else's private chat")
        if chat.type != "private" and user.id not in chat.members:
            raise ValueError(f"user {user.id} is not a member of chat {chat.id}")
        if chat.type == "private" and user.blocked:
            raise ValueError(f"user {user.id} has blocked the bot: call unblock_bot first")
        return chat

    def _deliver(self, chat: Chat, stored: StoredMessage, text: str) -> None:
        world = self.world
        if chat.type == "private":
            world.users[chat.id].started = True
        elif world.privacy_mode and not self._meant_for_bot(stored, text):
            return  # privacy mode: the bot never sees this group message
        world.push_update("message", stored.data)

    def _meant_for_bot(self, stored: StoredMessage, text: str) -> bool:
        username = (self.world.bot.username or "").lower()
        replied = stored.data.get("reply_to_message", {}).get("from", {})
        if replied.get("id") == self.world.bot.id:
            return True
        if username and f"@{username}" in text.lower():
            return True
        command = re.match(r"^/[A-Za-z0-9_]+(@\w+)?", text)
        if command is None:
            return False
        return not command.group(1) or command.group(1)[1:].lower() == username

    def _post(
        self,
        user_id: int,
        body: JSON,
        kind: str,
        *,
        chat_id: int | None = None,
        reply_to: int | None = None,
        file_id: str | None = None,
    ) -> JSON:
        user = self.world.user(user_id)
        chat = self._chat_for(user, chat_id)
        if reply_to is not None:
            target = self.world.message(chat.id, int(reply_to))
            if target is None:
                raise ValueError(f"no message {reply_to} in chat {chat.id}")
            replied = copy.deepcopy(target.data)
            replied.pop("reply_to_message", None)
            body = {"reply_to_message": replied, **body}
        stored = self.world.add_message(chat, user, body, kind=kind, file_id=file_id)
        text = str(body.get("text", body.get("caption", "")))
        keyboard = chat.reply_keyboard
        if (
            keyboard
            and keyboard.get("one_time_keyboard")
            and any(b.get("text") == text for row in keyboard["keyboard"] for b in row)
        ):
            chat.reply_keyboard = None
        self._deliver(chat, stored, text)
        return copy.deepcopy(stored.data)

    @staticmethod
    def _text_body(text: str, field: str = "text") -> JSON:
        if not text.strip():
            raise ValueError("Telegram clients do not send empty messages")
        if len(text) > MAX_TEXT:
            raise ValueError("Telegram clients split texts longer than 4096 characters")
        body: JSON = {field: text}
        entities = detect_entities(text)
        if entities:
            body["entities" if field == "text" else "caption_entities"] = entities
        return body

    def send_text(
        self, user_id: int, text: str, *, chat_id: int | None = None, reply_to: int | None = None
    ) -> JSON:
        """Send a text message; /commands, links, @mentions and #tags get their entities."""
        return self._post(
            user_id, self._text_body(text), "text", chat_id=chat_id, reply_to=reply_to
        )

    def send_command(
        self, user_id: int, command: str, args: str = "", *, chat_id: int | None = None
    ) -> JSON:
        """Send ``/command args`` (in a group, addressed as ``/command@bot``)."""
        text = "/" + command.removeprefix("/")
        chat = self.world.chat(user_id if chat_id is None else chat_id)
        if chat.type != "private" and "@" not in text and self.world.bot.username:
            text += "@" + self.world.bot.username
        return self.send_text(user_id, f"{text} {args}".strip(), chat_id=chat_id)

    def open_start_link(self, user_id: int, payload: str | None = None) -> JSON:
        """Open ``t.me/<bot>?start=<payload>`` and press Start: sends ``/start <payload>``."""
        if payload is not None and not _START_PAYLOAD.match(payload):
            raise ValueError("a start payload is 1-64 characters of A-Z, a-z, 0-9, _ and -")
        user = self.world.user(user_id)
        if user.blocked:
            self.unblock_bot(user_id)
        return self.send_text(user_id, f"/start {payload}" if payload else "/start")

    def edit_text(
        self, user_id: int, message_id: int, text: str, *, chat_id: int | None = None
    ) -> JSON:
        """Edit one's own text message; the bot gets an ``edited_message`` update."""
        user = self.world.user(user_id)
        chat = self._chat_for(user, chat_id)
        stored = self.world.message(chat.id, int(message_id))
        if stored is None or stored.data.get("from", {}).get("id") != user.id:
            raise ValueError(f"user {user.id} has no message {message_id} in chat {chat.id}")
        field = "text" if "text" in stored.data else "caption"
        if field not in stored.data:
            raise ValueError("only texts and captions can be edited")
        stored.data.pop("entities", None)
        stored.data.pop("caption_entities", None)
        stored.data.update(self._text_body(text, field))
        stored.data["edit_date"] = self.world.now()
        stored.edits += 1
        if (
            chat.type == "private"
            or not self.world.privacy_mode
            or self._meant_for_bot(stored, text)
        ):
            self.world.push_update("edited_message", stored.data)
        return copy.deepcopy(stored.data)

    def press_button(
        self,
        user_id: int,
        message_id: int,
        data: str | None = None,
        *,
        text: str | None = None,
        chat_id: int | None = None,
        forged: bool = False,
    ) -> JSON:
        """Press an inline button (by callback data or by label) → ``callback_query``.

        ``forged=True`` sends ``data`` even if no button carries it, as a modified
        client could; otherwise the button must be on the message now.
        """
        user = self.world.user(user_id)
        chat = self._chat_for(user, chat_id)
        stored = self.world.message(chat.id, int(message_id))
        if stored is None:
            raise ValueError(f"no message {message_id} in chat {chat.id}")
        markup = stored.data.get("reply_markup")
        if text is not None and data is None:
            buttons = [b for row in (markup or {}).get("inline_keyboard", []) for b in row]
            found = [b for b in buttons if b.get("text") == text and "callback_data" in b]
            if not found:
                raise ValueError(f"no callback button labelled {text!r} on message {message_id}")
            data = str(found[0]["callback_data"])
        if data is None:
            raise ValueError("give the button's data or its text")
        if not forged and data not in callback_data_of(markup):
            raise ValueError(f"message {message_id} has no button with data {data!r}")
        query = CallbackQuery(
            id=str(secrets.randbelow(9 * 10**18) + 10**18),
            user_id=user.id,
            chat_id=chat.id,
            message_id=stored.message_id,
            data=data,
            created=time.monotonic(),
        )
        self.world.callbacks[query.id] = query
        payload: JSON = {
            "id": query.id,
            "from": user.to_json(),
            "message": copy.deepcopy(stored.data),
            "chat_instance": str(-(zlib.crc32(f"{chat.id}".encode()) * 1_000_003 + 17)),
            "data": data,
        }
        self.world.push_update("callback_query", payload)
        return payload

    # ── blocking ──────────────────────────────────────────────────────────
    def _member_update(self, user: User, old: str, new: str) -> None:
        bot = self.world.bot.to_json()
        old_member: JSON = {"status": old, "user": bot}
        new_member: JSON = {"status": new, "user": bot}
        for member in (old_member, new_member):
            if member["status"] == "kicked":
                member["until_date"] = 0
        self.world.push_update(
            "my_chat_member",
            {
                "chat": self.world.chat(user.id).to_json(),
                "from": user.to_json(),
                "date": self.world.now(),
                "old_chat_member": old_member,
                "new_chat_member": new_member,
            },
        )

    def block_bot(self, user_id: int) -> JSON:
        """Block the bot: sends then fail with 403 and the bot gets ``my_chat_member``."""
        user = self.world.user(user_id)
        if not user.blocked:
            user.blocked = True
            self._member_update(user, "member", "kicked")
        return user.to_json()

    def unblock_bot(self, user_id: int) -> JSON:
        """Unblock the bot (Telegram's "Restart")."""
        user = self.world.user(user_id)
        if user.blocked:
            user.blocked = False
            user.started = True
            self._member_update(user, "kicked", "member")
        return user.to_json()
