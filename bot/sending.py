"""Sending through trouble: Telegram's limits, a stretch of 5xx, dropped connections.

python-telegram-bot's `AIORateLimiter` keeps under Telegram's rates and retries a
429 a few times; a 500, a 502 or a dropped connection is raised at once, and the
handler's reply is lost although the report was stored. `PatientLimiter` retries
those too, with backoff, for up to `patience` seconds per request: the inbox
handles one update at a time, so waiting here simply holds the queue until
Telegram answers again (the updates behind it stay stored and pending).

It also paces each private chat as Telegram asks (about one message a second, a
short burst allowed): AIORateLimiter paces only the overall rate and groups, and
a 429 for one chat pauses every request for a second, so a lead receiving
alerts while the weekly digest goes out would hold up every rep's reply.

It also counts the seconds spent waiting (throttled, told to retry after, backing
off), so the inbox can report the bot's own time per update without them.

`is_transient` tells a passing failure (the network, Telegram's limits, a locked
or full database) from a real one: the inbox keeps such an update pending and
handles it again once the trouble is over.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import Callable, Coroutine
from typing import Any

from telegram._utils.types import JSONDict
from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import AIORateLimiter

from bot.store.db import StoreError

log = logging.getLogger(__name__)
CHAT_RATE = 0.9  # messages a second to one private chat, sustained (a margin under 1)
CHAT_BURST = 3.0
IMPATIENT = frozenset({"getUpdates", "getMe", "deleteWebhook", "setWebhook", "setMyCommands"})
Callback = Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]]


class _GivenUp(logging.Filter):
    """Hides AIORateLimiter's error (with traceback) when it gives a 429 up: the retry
    goes on here, and a warning says so once."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Rate limit hit after maximum")


logging.getLogger("telegram.ext.AIORateLimiter").addFilter(_GivenUp())


def is_transient(error: BaseException | None) -> bool:
    """A failure that passes on its own: network, rate limits, a busy or full database."""
    if isinstance(error, StoreError):
        return error.key == "store.error.busy"
    if isinstance(error, sqlite3.OperationalError):
        return True  # locked, busy, disk full, disk I/O: the file is fine, the moment is not
    if isinstance(error, RetryAfter):
        return True
    return isinstance(error, NetworkError) and not isinstance(error, BadRequest)


class PatientLimiter(AIORateLimiter):
    """Telegram's rates kept, and 429 / 5xx / dropped connections retried with backoff."""

    def __init__(self, patience: float = 120.0, max_retries: int = 3) -> None:
        super().__init__(max_retries=max_retries)
        self.patience = patience
        self.waited = 0.0  # seconds spent waiting rather than working, since start
        self._troubled = False
        self._chats: dict[int, tuple[float, float]] = {}  # chat → (tokens, when counted)

    async def _pace(self, chat_id: object) -> None:
        """Waits until a message to this private chat keeps within its rate."""
        if not isinstance(chat_id, int | str) or not str(chat_id).isdigit():
            return  # groups and channels: AIORateLimiter's group limiter
        chat = int(chat_id)
        while True:
            now = time.monotonic()
            tokens, stamp = self._chats.get(chat, (CHAT_BURST, now))
            tokens = min(CHAT_BURST, tokens + (now - stamp) * CHAT_RATE)
            if tokens >= 1.0:
                self._chats[chat] = (tokens - 1.0, now)
                break
            self._chats[chat] = (tokens, now)
            await asyncio.sleep((1.0 - tokens) / CHAT_RATE)
        if len(self._chats) > 10_000:  # forget chats that are full again
            full = [c for c, (n, t) in self._chats.items() if n + (now - t) >= CHAT_BURST]
            for c in full:
                del self._chats[c]

    async def process_request(
        self,
        callback: Callback,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        """Sends one request; retries passing failures until `patience` runs out."""
        working = 0.0

        async def timed(*a: Any, **kw: Any) -> bool | JSONDict | list[JSONDict]:
            nonlocal working
            began = time.perf_counter()
            try:
                return await callback(*a, **kw)
            finally:
                working += time.perf_counter() - began

        started = time.perf_counter()
        if endpoint != "getUpdates" and endpoint.startswith(("send", "copy", "forward")):
            await self._pace(data.get("chat_id"))
        deadline = time.monotonic() + self.patience
        delay = 0.5
        try:
            while True:
                try:
                    result = await super().process_request(
                        timed, args, kwargs, endpoint, data, rate_limit_args
                    )
                except (NetworkError, RetryAfter) as exc:
                    # getUpdates has its own loop (the inbox); start-up calls fail fast (an
                    # unreachable API is a clear error); a 4xx is an answer, not trouble
                    if endpoint in IMPATIENT or not is_transient(exc):
                        raise
                    wait = delay
                    if isinstance(exc, RetryAfter):
                        after = exc.retry_after
                        seconds = after if isinstance(after, int | float) else after.total_seconds()
                        wait = max(wait, float(seconds))
                    if time.monotonic() + wait > deadline:
                        raise
                    if not self._troubled:
                        log.warning("%s failed (%s); retrying with backoff", endpoint, exc)
                        self._troubled = True
                    await asyncio.sleep(wait)
                    delay = min(delay * 2, 8.0)
                    continue
                if self._troubled:
                    log.warning("%s went through again", endpoint)
                    self._troubled = False
                return result
        finally:
            self.waited += time.perf_counter() - started - working
