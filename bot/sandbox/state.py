"""The sandbox's world: people, chats, messages, pending updates, what the bot configured."""

from __future__ import annotations

import asyncio
import copy
import time
from dataclasses import dataclass, field

from bot.sandbox.errors import JSON, bad_request, forbidden
from bot.sandbox.limits import Faults, RateLimiter
from bot.sandbox.media import FileStore

UPDATE_TYPES = (
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "business_connection",
    "business_message",
    "edited_business_message",
    "deleted_business_messages",
    "message_reaction",
    "message_reaction_count",
    "inline_query",
    "chosen_inline_result",
    "callback_query",
    "shipping_query",
    "pre_checkout_query",
    "purchased_paid_media",
    "poll",
    "poll_answer",
    "my_chat_member",
    "chat_member",
    "chat_join_request",
    "chat_boost",
    "removed_chat_boost",
)
# an empty allowed_updates list means all of these (Telegram leaves three out by default)
DEFAULT_UPDATES = frozenset(UPDATE_TYPES) - {
    "chat_member",
    "message_reaction",
    "message_reaction_count",
}
MAX_KEPT_CALLS = 10_000


class Signal:
    """Wakes every waiter when something changed; waiters re-check their condition."""

    def __init__(self) -> None:
        self._future: asyncio.Future[None] | None = None

    def notify(self) -> None:
        """Wake everyone waiting now."""
        if self._future is not None and not self._future.done():
            self._future.set_result(None)
        self._future = None

    async def wait(self, timeout: float) -> bool:
        """Wait for the next ``notify``; False when ``timeout`` passed first."""
        if self._future is None or self._future.done():
            self._future = asyncio.get_running_loop().create_future()
        try:
            await asyncio.wait_for(asyncio.shield(self._future), max(0.0, timeout))
        except TimeoutError:
            return False
        return True


@dataclass
class User:
    """A Telegram account: a simulated person, or the bot itself."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False
    started: bool = True  # has opened the private chat with the bot
    blocked: bool = False  # has blocked the bot

    def to_json(self) -> JSON:
        """Return the Bot API ``User`` object."""
        data: JSON = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if self.language_code and not self.is_bot:
            data["language_code"] = self.language_code
        return data


@dataclass
class Chat:
    """A private chat with one person, or a group the bot is in."""

    id: int
    type: str  # "private", "group" or "supergroup"
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    members: set[int] = field(default_factory=set)
    admins: set[int] = field(default_factory=set)
    bot_member: bool = True
    message_ids: list[int] = field(default_factory=list)
    next_message_id: int = 1
    reply_keyboard: JSON | None = None  # the reply keyboard the person sees now
    menu_button: JSON | None = None
    actions: list[JSON] = field(default_factory=list)  # sendChatAction calls

    def to_json(self) -> JSON:
        """Return the Bot API ``Chat`` object as it appears inside a message."""
        data: JSON = {"id": self.id, "type": self.type}
        if self.type == "private":
            data["first_name"] = self.first_name or ""
            if self.last_name:
                data["last_name"] = self.last_name
        else:
            data["title"] = self.title or ""
        if self.username:
            data["username"] = self.username
        return data


@dataclass
class StoredMessage:
    """One message in a chat, as Telegram holds it, plus what the bot sent to make it."""

    chat_id: int
    message_id: int
    from_bot: bool
    kind: str  # text, photo, document, sticker, voice, location, …
    data: JSON  # the Bot API ``Message`` object, edits applied
    source: str | None = None  # text or caption as sent, markup included
    parse_mode: str | None = None
    reply_markup: JSON | None = None  # as sent, reply keyboards included
    edits: int = 0
    deleted: bool = False
    file_id: str | None = None

    def record(self) -> JSON:
        """Return the control interface's view of this message."""
        plain = self.data.get("text", self.data.get("caption"))
        entities = self.data.get("entities", self.data.get("caption_entities", []))
        return {
            "chat_id": self.chat_id,
            "message_id": self.message_id,
            "from_bot": self.from_bot,
            "kind": self.kind,
            "date": self.data.get("date"),
            "text": self.source if self.source is not None else plain,
            "plain_text": plain,
            "parse_mode": self.parse_mode,
            "entities": copy.deepcopy(entities),
            "reply_markup": copy.deepcopy(self.reply_markup),
            "edits": self.edits,
            "deleted": self.deleted,
            "file_id": self.file_id,
            "message": copy.deepcopy(self.data),
        }


@dataclass
class CallbackQuery:
    """A button press waiting for (or having received) answerCallbackQuery."""

    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    created: float
    answer: JSON | None = None


@dataclass
class Webhook:
    """What setWebhook stored, and how delivery went."""

    url: str = ""
    secret_token: str | None = None
    max_connections: int = 40
    allowed_updates: list[str] | None = None
    ip_address: str | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None

    def info(self, pending: int) -> JSON:
        """Return the Bot API ``WebhookInfo`` object."""
        data: JSON = {"url": self.url, "has_custom_certificate": False}
        data["pending_update_count"] = pending
        if self.url:
            data["max_connections"] = self.max_connections
            if self.ip_address:
                data["ip_address"] = self.ip_address
            if self.allowed_updates is not None:
                data["allowed_updates"] = self.allowed_updates
        if self.last_error_date is not None:
            data["last_error_date"] = self.last_error_date
            data["last_error_message"] = self.last_error_message or ""
        return data


class World:
    """Everything the sandbox holds; one event loop mutates it, so no locks."""

    def __init__(self, bot: User, *, privacy_mode: bool = True, first_update_id: int = 1) -> None:
        self.bot = bot
        self.privacy_mode = privacy_mode
        self.users: dict[int, User] = {}
        self.chats: dict[int, Chat] = {}
        self.messages: dict[tuple[int, int], StoredMessage] = {}
        self.updates: list[JSON] = []  # unconfirmed, oldest first
        self.next_update_id = first_update_id
        self.allowed_updates: frozenset[str] = DEFAULT_UPDATES
        self.files = FileStore()
        self.limiter = RateLimiter()
        self.faults = Faults()
        self.callbacks: dict[str, CallbackQuery] = {}
        self.commands: dict[tuple[str, str], list[JSON]] = {}
        self.default_menu_button: JSON = {"type": "commands"}
        self.bot_texts: dict[tuple[str, str], str] = {}  # (name|description|…, lang) → text
        self.webhook = Webhook()
        self.clock_offset = 0.0
        self.calls: list[JSON] = []
        self.outbox: dict[int, list[tuple[str, int]]] = {}  # chat → (sent|edited|deleted, id)
        self.cursors: dict[tuple[int, str], int] = {}
        self.update_signal = Signal()
        self.bot_signal = Signal()
        self.poll_generation = 0
        self.stopping = False

    # ── time ──────────────────────────────────────────────────────────────
    def now(self) -> int:
        """Return the Unix time stamped on new messages (real time plus the clock offset)."""
        return int(time.time() + self.clock_offset)

    # ── people and chats ──────────────────────────────────────────────────
    def add_user(self, user: User) -> User:
        """Add (or update) a person and their private chat with the bot."""
        if user.id <= 0:
            raise ValueError("a user id must be a positive integer")
        self.users[user.id] = user
        chat = self.chats.get(user.id)
        if chat is None:
            chat = Chat(id=user.id, type="private", members={user.id})
            self.chats[user.id] = chat
        chat.first_name, chat.last_name, chat.username = (
            user.first_name,
            user.last_name,
            user.username,
        )
        return user

    def user(self, user_id: int) -> User:
        """Return a known person, or raise ValueError (a test's mistake, not the bot's)."""
        user = self.users.get(int(user_id))
        if user is None:
            raise ValueError(f"unknown user {user_id}: create it with add_user first")
        return user

    def chat(self, chat_id: int) -> Chat:
        """Return a known chat, or raise ValueError."""
        chat = self.chats.get(int(chat_id))
        if chat is None:
            raise ValueError(f"unknown chat {chat_id}")
        return chat

    def find_chat(self, chat_id: int | str) -> Chat:
        """Resolve a Bot API chat_id (number or @username); 400 chat not found."""
        if isinstance(chat_id, str):
            name = chat_id.removeprefix("@").lower()
            for chat in self.chats.values():
                if chat.type != "private" and (chat.username or "").lower() == name:
                    return chat
            raise bad_request("chat not found")
        found = self.chats.get(chat_id)
        if found is None:
            raise bad_request("chat not found")
        return found

    def check_can_write(self, chat: Chat) -> None:
        """Raise the 403 Telegram gives when the bot may not write to this chat."""
        if chat.type == "private":
            user = self.users[chat.id]
            if user.blocked:
                raise forbidden("bot was blocked by the user")
            if not user.started:
                raise forbidden("bot can't initiate conversation with a user")
        elif not chat.bot_member:
            raise forbidden(f"bot is not a member of the {chat.type} chat")

    # ── messages ──────────────────────────────────────────────────────────
    def add_message(
        self,
        chat: Chat,
        sender: User,
        body: JSON,
        *,
        kind: str,
        source: str | None = None,
        parse_mode: str | None = None,
        reply_markup: JSON | None = None,
        file_id: str | None = None,
    ) -> StoredMessage:
        """Store a new message in ``chat`` and return it."""
        message_id = chat.next_message_id
        chat.next_message_id += 1
        data: JSON = {
            "message_id": message_id,
            "from": sender.to_json(),
            "chat": chat.to_json(),
            "date": self.now(),
            **body,
        }
        stored = StoredMessage(
            chat_id=chat.id,
            message_id=message_id,
            from_bot=sender.id == self.bot.id,
            kind=kind,
            data=data,
            source=source,
            parse_mode=parse_mode,
            reply_markup=reply_markup,
            file_id=file_id,
        )
        self.messages[(chat.id, message_id)] = stored
        chat.message_ids.append(message_id)
        if stored.from_bot:
            self.bot_event(chat.id, "sent", message_id)
        return stored

    def message(self, chat_id: int, message_id: int) -> StoredMessage | None:
        """Return a message that exists and was not deleted."""
        stored = self.messages.get((chat_id, message_id))
        return None if stored is None or stored.deleted else stored

    def bot_event(self, chat_id: int, kind: str, message_id: int) -> None:
        """Note that the bot sent, edited or deleted a message, and wake waiters."""
        self.outbox.setdefault(chat_id, []).append((kind, message_id))
        self.bot_signal.notify()

    # ── updates ───────────────────────────────────────────────────────────
    def push_update(self, kind: str, payload: JSON) -> int | None:
        """Queue an update for the bot; None when allowed_updates leaves it out."""
        if kind not in self.allowed_updates:
            return None
        update_id = self.next_update_id
        self.next_update_id += 1
        self.updates.append({"update_id": update_id, kind: copy.deepcopy(payload)})
        self.update_signal.notify()
        return update_id

    def confirm(self, offset: int) -> None:
        """Apply a getUpdates offset: forget what it confirms (negative: keep the last -n)."""
        if offset > 0:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
        elif offset < 0:
            self.updates = self.updates[offset:]

    def set_allowed_updates(self, kinds: list[str] | None) -> None:
        """Store allowed_updates; an empty list means Telegram's default set."""
        if kinds is None:
            return
        self.allowed_updates = frozenset(kinds) & frozenset(UPDATE_TYPES) or DEFAULT_UPDATES

    def log_call(self, entry: JSON) -> None:
        """Keep a record of one Bot API request (the newest ``MAX_KEPT_CALLS``)."""
        self.calls.append(entry)
        if len(self.calls) > MAX_KEPT_CALLS:
            del self.calls[: len(self.calls) - MAX_KEPT_CALLS]
