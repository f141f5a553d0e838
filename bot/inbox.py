"""Nothing lost: every update is stored before Telegram is told it was received.

python-telegram-bot's own Updater confirms updates (the next getUpdates offset)
before the handlers have run, so a crash would lose what was queued (style.md).
This loop instead stores each batch in the inbox first and only then moves the
offset on; it handles the inbox in order and marks each update done. On a
restart it first finishes what is still pending; Telegram redelivers what was
never confirmed, and the inbox ignores an update it already holds. Handling is
idempotent (a report is keyed by its chat and message id), so an update
handled twice never doubles a report.

Passing trouble (Telegram unreachable, the database locked by another process or
its disk full) never loses or fails an update: whatever was not stored is not
confirmed, an update whose handling hit such trouble stays pending, and the loop
backs off and tries again, logging once when it stalls and once when it recovers.
The bot's own time per update (handling minus waits for Telegram's rate limits
and retries) is kept and summarised in the log when the loop stops.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import sqlite3
import time
from typing import Any

from telegram import Update
from telegram.error import NetworkError, RetryAfter, TimedOut
from telegram.ext import Application, ContextTypes

from bot.sending import is_transient
from bot.store.db import StoreError
from bot.store.repository import Repository
from bot.store.rows import InboxStatus

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
KEPT = 10_000
MAX_BACKOFF = 30.0


class StalledError(Exception):
    """Handling stopped on passing trouble; the update stays pending."""


class Inbox:
    """Polls Telegram, stores updates durably, and feeds them to the application."""

    def __init__(self, application: Application, repo: Repository, poll_timeout: int = 10) -> None:  # type: ignore[type-arg]
        self.application = application
        self.repo = repo
        self.poll_timeout = poll_timeout
        self.offset: int | None = None
        self.timings: list[float] = []  # seconds each handled update took (the last 10,000)
        self.own_timings: list[float] = []  # the same without rate-limit and retry waits
        self.handled = 0
        self.stalled: BaseException | None = None  # the trouble that holds the queue, if any
        self._error: object = None
        self._current: object = None  # the update being handled
        self._unmarked: set[int] = set()  # handled, but the database refused to note it
        application.add_error_handler(self._note_error)

    async def _note_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Remembers what went wrong while the current update was handled (not a
        background task's trouble meanwhile)."""
        if update is not None and update is self._current:
            self._error = context.error

    def _waited(self) -> float:
        return float(getattr(self.application.bot.rate_limiter, "waited", 0.0))

    async def drain(self) -> int:
        """Handles every pending update in order; returns how many were handled.

        Stops early (setting `stalled`) when the database or Telegram is in passing
        trouble; the update it was on stays pending."""
        try:
            handled = await self._drain()
        except (StalledError, sqlite3.OperationalError, StoreError) as exc:
            cause = exc.__cause__ if isinstance(exc, StalledError) else exc
            if isinstance(exc, StoreError) and not is_transient(exc):
                raise
            self._stall(cause or exc)
            return 0
        self._recover()
        return handled

    async def _drain(self) -> int:
        handled = 0
        while batch := self.repo.inbox_pending(limit=100):
            for row in batch:
                if row.update_id in self._unmarked:  # handled before the database refused
                    self.repo.inbox_mark(row.update_id, "done")
                    self._unmarked.discard(row.update_id)
                    continue
                try:
                    update = Update.de_json(dict(row.payload), self.application.bot)
                except (KeyError, TypeError, ValueError) as exc:
                    log.warning("update %s cannot be read: %s", row.update_id, exc)
                    self.repo.inbox_mark(row.update_id, "failed", f"unreadable: {exc}"[:500])
                    continue
                started, waited = time.perf_counter(), self._waited()
                self._error, self._current = None, update
                try:
                    await self.application.process_update(update)
                    error = self._error if isinstance(self._error, BaseException) else None
                    if is_transient(error):
                        raise StalledError() from error
                except StalledError as exc:
                    self.repo.inbox_mark(row.update_id, "pending", repr(exc.__cause__)[:500])
                    raise
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
                finally:
                    self._current = None
                self._unmarked.add(row.update_id)  # until the mark below is written
                self.repo.inbox_mark(row.update_id, "done")
                self._unmarked.discard(row.update_id)
                took = time.perf_counter() - started
                self.timings.append(took)
                self.own_timings.append(max(0.0, took - (self._waited() - waited)))
                del self.timings[:-KEPT], self.own_timings[:-KEPT]
                handled += 1
                self.handled += 1
        return handled

    def _stall(self, exc: BaseException) -> None:
        if self.stalled is None:
            log.warning("inbox stalled (%s: %s); retrying with backoff", type(exc).__name__, exc)
        self.stalled = exc

    def _recover(self) -> None:
        if self.stalled is not None:
            log.warning("inbox going again after %s", type(self.stalled).__name__)
        self.stalled = None

    def summary(self) -> str:
        """One line: updates handled and the bot's own time per update (ms)."""
        own, total = sorted(self.own_timings), sorted(self.timings)

        def q(values: list[float], p: float) -> float:
            return values[round(p * (len(values) - 1))] * 1000 if values else 0.0

        return (
            f"handled {self.handled} updates; own time ms p50 {q(own, 0.5):.1f} "
            f"p95 {q(own, 0.95):.1f} p99 {q(own, 0.99):.1f} max {q(own, 1):.1f}; "
            f"with waits p50 {q(total, 0.5):.1f} p99 {q(total, 0.99):.1f} max {q(total, 1):.1f}"
        )

    async def poll_once(self) -> int:
        """One getUpdates round: store what came, then confirm it; returns how many came."""
        updates = await self.application.bot.get_updates(
            offset=self.offset, timeout=self.poll_timeout, allowed_updates=Update.ALL_TYPES
        )
        if not updates:
            return 0
        with self.repo.transaction():
            for update in updates:
                self.repo.inbox_put(update.update_id, well_formed(update.to_dict()))
        self.offset = updates[-1].update_id + 1  # confirmed on the next call, after storing
        return len(updates)

    async def run(self, stop: asyncio.Event) -> None:
        """Polls and handles until `stop` is set, riding out network and database trouble."""
        try:
            await self._run(stop)
        finally:
            log.info("inbox: %s", self.summary())

    async def _run(self, stop: asyncio.Event) -> None:
        gc.freeze()  # what start-up built lives as long as the bot: never scan it again
        await self.drain()
        delay = stall_delay = 1.0
        while not stop.is_set():
            if self.stalled is not None:  # the database or Telegram in trouble: wait, retry
                await _sleep_unless(stop, stall_delay)
                stall_delay = min(stall_delay * 2, MAX_BACKOFF)
            else:
                stall_delay = 1.0
            try:
                await self.poll_once()
                delay = 1.0
            except (sqlite3.OperationalError, StoreError) as exc:  # not stored: not confirmed
                if isinstance(exc, StoreError) and not is_transient(exc):
                    raise
                self._stall(exc)
                continue
            except RetryAfter as exc:
                await asyncio.sleep(
                    float(exc.retry_after if isinstance(exc.retry_after, int | float) else 1)
                )
                continue
            except (NetworkError, TimedOut) as exc:
                log.warning("getUpdates failed (%s); retrying in %.0f s", exc, delay)
                await _sleep_unless(stop, delay)
                delay = min(delay * 2, MAX_BACKOFF)
                continue
            await self.drain()


def well_formed(value: Any) -> Any:
    """`value` with every lone UTF-16 surrogate in its strings made U+FFFD: such text
    cannot be stored (UTF-8 has no form for it), and an update that cannot be stored
    would be fetched again and again, holding up everyone behind it."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        return value
    if isinstance(value, dict):
        return {well_formed(k): well_formed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [well_formed(v) for v in value]
    return value


async def _sleep_unless(stop: asyncio.Event, seconds: float) -> None:
    """Sleeps `seconds`, or less if `stop` is set meanwhile."""
    try:
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    except TimeoutError:
        return
