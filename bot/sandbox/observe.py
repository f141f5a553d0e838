"""The control interface's eyes and switches: what the bot did, and the test knobs."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Callable, Iterable
from typing import TypeVar

from bot.sandbox.botapi import scope_key
from bot.sandbox.errors import JSON
from bot.sandbox.limits import RateLimits
from bot.sandbox.state import World

T = TypeVar("T")


class Observe:
    """Read what the bot sent and configured; switch rate limits and faults."""

    world: World

    # ── people and chats ──────────────────────────────────────────────────
    def users(self) -> list[JSON]:
        """Return every simulated person."""
        return [
            {**u.to_json(), "started": u.started, "blocked": u.blocked}
            for u in self.world.users.values()
        ]

    def chats(self) -> list[JSON]:
        """Return every chat (private chats and groups)."""
        return [
            {**chat.to_json(), "members": sorted(chat.members)}
            for chat in self.world.chats.values()
        ]

    # ── messages ──────────────────────────────────────────────────────────
    def messages(self, chat_id: int, *, include_deleted: bool = False) -> list[JSON]:
        """Return a chat's messages, oldest first, as the person sees them now."""
        chat = self.world.chat(chat_id)
        records = [self.world.messages[(chat.id, mid)].record() for mid in chat.message_ids]
        return [r for r in records if include_deleted or not r["deleted"]]

    def bot_messages(self, chat_id: int, *, include_deleted: bool = False) -> list[JSON]:
        """Return only the messages the bot sent to a chat."""
        return [m for m in self.messages(chat_id, include_deleted=include_deleted) if m["from_bot"]]

    def last_bot_message(self, chat_id: int) -> JSON | None:
        """Return the bot's latest message in a chat, if any."""
        sent = self.bot_messages(chat_id)
        return sent[-1] if sent else None

    async def _wait(self, check: Callable[[], T | None], timeout: float, what: str) -> T:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            found = check()
            if found is not None:
                return found
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"no {what} within {timeout} s")
            await self.world.bot_signal.wait(remaining)

    def _next_event(self, chat_id: int, kind: str) -> JSON | None:
        events = self.world.outbox.get(int(chat_id), [])
        cursor_key = (int(chat_id), kind)
        position = self.world.cursors.get(cursor_key, 0)
        while position < len(events):
            event_kind, message_id = events[position]
            position += 1
            if event_kind == kind:
                self.world.cursors[cursor_key] = position
                return self.world.messages[(int(chat_id), message_id)].record()
        self.world.cursors[cursor_key] = position
        return None

    async def next_message(self, chat_id: int, timeout: float = 5.0) -> JSON:
        """Return the next message the bot sends to a chat (each one once, in order).

        Messages sent before the call count too; raises TimeoutError after ``timeout``.
        """
        return await self._wait(
            lambda: self._next_event(chat_id, "sent"), timeout, f"bot message in {chat_id}"
        )

    async def next_edit(self, chat_id: int, timeout: float = 5.0) -> JSON:
        """Return the next message the bot edits in a chat (its state now)."""
        return await self._wait(
            lambda: self._next_event(chat_id, "edited"), timeout, f"bot edit in {chat_id}"
        )

    def callback_answer(self, callback_query_id: str) -> JSON | None:
        """Return how the bot answered a button press (None: not yet)."""
        query = self.world.callbacks.get(str(callback_query_id))
        if query is None:
            raise ValueError(f"unknown callback query {callback_query_id}")
        return copy.deepcopy(query.answer)

    async def wait_for_answer(self, callback_query_id: str, timeout: float = 5.0) -> JSON:
        """Wait until the bot answers a button press; return the answer."""
        return await self._wait(
            lambda: self.callback_answer(callback_query_id), timeout, "callback answer"
        )

    def chat_actions(self, chat_id: int) -> list[JSON]:
        """Return the chat actions ("typing", …) the bot sent to a chat."""
        return copy.deepcopy(self.world.chat(chat_id).actions)

    def reply_keyboard(self, chat_id: int) -> JSON | None:
        """Return the reply keyboard the person currently sees, if any."""
        return copy.deepcopy(self.world.chat(chat_id).reply_keyboard)

    def file_bytes(self, file_id: str) -> bytes:
        """Return the content of a file the bot or a person uploaded."""
        stored = self.world.files.get(file_id)
        if stored is None:
            raise ValueError(f"unknown file_id {file_id}")
        return stored.data

    # ── what the bot configured ───────────────────────────────────────────
    def commands(self, scope: JSON | None = None, language_code: str = "") -> list[JSON]:
        """Return the commands set for exactly this scope and language."""
        key = (scope_key(self.world, scope), language_code)
        return copy.deepcopy(self.world.commands.get(key, []))

    def visible_commands(
        self, chat_id: int, *, user_id: int | None = None, language_code: str | None = None
    ) -> list[JSON]:
        """Return the command menu a person sees, resolved as Telegram clients do."""
        chat = self.world.chat(chat_id)
        person = chat.id if chat.type == "private" else user_id
        if language_code is None and person is not None and person in self.world.users:
            language_code = self.world.users[person].language_code
        language = (language_code or "")[:2].lower()
        if chat.type == "private":
            scopes = [f"chat:{chat.id}", "all_private_chats", "default"]
        else:
            scopes = [f"chat_member:{chat.id}:{user_id}"] if user_id is not None else []
            if user_id in chat.admins:
                scopes.append(f"chat_administrators:{chat.id}")
            scopes.append(f"chat:{chat.id}")
            if user_id in chat.admins:
                scopes.append("all_chat_administrators")
            scopes += ["all_group_chats", "default"]
        for scope in scopes:
            for key in ((scope, language), (scope, "")):
                if key in self.world.commands:
                    return copy.deepcopy(self.world.commands[key])
        return []

    def menu_button(self, chat_id: int | None = None) -> JSON:
        """Return the menu button of a chat (or the default one)."""
        if chat_id is not None:
            button = self.world.chat(chat_id).menu_button
            if button is not None:
                return copy.deepcopy(button)
        return copy.deepcopy(self.world.default_menu_button)

    def pending_updates(self) -> list[JSON]:
        """Return the updates not yet confirmed by the bot."""
        return copy.deepcopy(self.world.updates)

    def webhook_info(self) -> JSON:
        """Return what getWebhookInfo would answer."""
        return self.world.webhook.info(len(self.world.updates))

    def calls(self, method: str | None = None) -> list[JSON]:
        """Return the Bot API requests received (optionally of one method), oldest first."""
        wanted = method.lower() if method else None
        return [
            copy.deepcopy(c)
            for c in self.world.calls
            if wanted is None or c["method"].lower() == wanted
        ]

    # ── switches ──────────────────────────────────────────────────────────
    def set_rate_limits(self, enabled: bool = True, limits: RateLimits | None = None) -> None:
        """Answer 429 with retry_after beyond Telegram's limits (off by default)."""
        self.world.limiter.configure(enabled=enabled, limits=limits)

    def fail_next(
        self,
        n: int = 1,
        status: int = 500,
        *,
        description: str | None = None,
        methods: Iterable[str] | None = None,
        after_processing: bool = False,
    ) -> None:
        """Answer the next ``n`` Bot API requests (of ``methods``) with an error status.

        ``after_processing=True`` performs the request first, then reports the failure —
        the case where a retry would do the work twice.
        """
        self.world.faults.add(
            n,
            status=status,
            description=description,
            methods=methods,
            after_processing=after_processing,
        )

    def drop_next(
        self,
        n: int = 1,
        *,
        methods: Iterable[str] | None = None,
        after_processing: bool = False,
    ) -> None:
        """Close the connection of the next ``n`` Bot API requests without answering."""
        self.world.faults.add(n, drop=True, methods=methods, after_processing=after_processing)

    def set_drop_connections(self, on: bool = True) -> None:
        """While on, drop every Bot API connection unanswered (Telegram unreachable)."""
        self.world.faults.drop_all = on

    def clear_faults(self) -> None:
        """Forget queued faults and stop dropping connections."""
        self.world.faults.clear()

    @property
    def clock_offset(self) -> float:
        """Seconds added to the real time in the ``date`` of new messages and updates."""
        return self.world.clock_offset

    def set_clock_offset(self, seconds: float) -> None:
        """Move the sandbox's clock (only message dates follow it; limits use real time)."""
        self.world.clock_offset = float(seconds)

    def now(self) -> int:
        """Return the sandbox's current Unix time (real time plus the offset)."""
        return self.world.now()
