"""Nothing lost: every update is stored before Telegram is told it was received.

python-telegram-bot's own Updater confirms updates (the next getUpdates offset)
before the handlers have run, so a crash would lose what was queued (style.md).
This loop instead stores each batch in the inbox first and only then moves the
offset on; it handles the inbox in order and marks each update done. On a
restart it first finishes what is still pending; Telegram redelivers what was
never confirmed, and the inbox ignores an update it already holds. Handling is
idempotent (a report is keyed by its chat and message id), so an update
handled twice never doubles a report.
"""

from __future__ import annotations

import asyncio
import logging
import time

from telegram import Update
from telegram.error import NetworkError, RetryAfter, TimedOut
from telegram.ext import Application

from bot.store.repository import Repository
from bot.store.rows import InboxStatus

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


class Inbox:
    """Polls Telegram, stores updates durably, and feeds them to the application."""

    def __init__(self, application: Application, repo: Repository, poll_timeout: int = 10) -> None:  # type: ignore[type-arg]
        self.application = application
        self.repo = repo
        self.poll_timeout = poll_timeout
        self.offset: int | None = None
        self.timings: list[float] = []  # seconds each handled update took (the last 10,000)

    async def drain(self) -> int:
        """Handles every pending update in order; returns how many were handled."""
        handled = 0
        while batch := self.repo.inbox_pending(limit=100):
            for row in batch:
                try:
                    update = Update.de_json(dict(row.payload), self.application.bot)
                except (KeyError, TypeError, ValueError) as exc:
                    log.warning("update %s cannot be read: %s", row.update_id, exc)
                    self.repo.inbox_mark(row.update_id, "failed", f"unreadable: {exc}"[:500])
                    continue
                started = time.perf_counter()
                try:
                    await self.application.process_update(update)
                except Exception as exc:  # a handler bug must not stop the queue
                    log.exception("update %s failed", row.update_id)
                    status: InboxStatus = (
                        "failed" if row.attempts + 1 >= MAX_ATTEMPTS else "pending"
                    )
                    self.repo.inbox_mark(
                        row.update_id, status, f"{type(exc).__name__}: {exc}"[:500]
                    )
                    if status == "pending":
                        return handled
                    continue
                self.repo.inbox_mark(row.update_id, "done")
                self.timings.append(time.perf_counter() - started)
                del self.timings[:-10_000]
                handled += 1
        return handled

    async def poll_once(self) -> int:
        """One getUpdates round: store what came, then confirm it; returns how many came."""
        updates = await self.application.bot.get_updates(
            offset=self.offset, timeout=self.poll_timeout, allowed_updates=Update.ALL_TYPES
        )
        if not updates:
            return 0
        with self.repo.transaction():
            for update in updates:
                self.repo.inbox_put(update.update_id, update.to_dict())
        self.offset = updates[-1].update_id + 1  # confirmed on the next call, after storing
        return len(updates)

    async def run(self, stop: asyncio.Event) -> None:
        """Polls and handles until `stop` is set, riding out network trouble."""
        await self.drain()
        delay = 1.0
        while not stop.is_set():
            try:
                await self.poll_once()
                delay = 1.0
            except RetryAfter as exc:
                await asyncio.sleep(
                    float(exc.retry_after if isinstance(exc.retry_after, int | float) else 1)
                )
                continue
            except (NetworkError, TimedOut) as exc:
                log.warning("getUpdates failed (%s); retrying in %.0f s", exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)
                continue
            await self.drain()
