"""Sending digests: the HTML messages, then the chart as a photo.

On demand (/digest) a digest is simply sent. On schedule, each one is claimed in
the digests table first, every part delivered is noted, and the digest is marked
sent at the end; a failure marks it failed, and the next tick after a pause claims
it once more and resumes after the parts already delivered — so it is retried
once and never sent twice. Telegram's rates are kept by the application's rate
limiter; on top of that, a chat gets its parts at most one a second after a first
burst, digest messages go out at most 25 a second in all (room for the bot's
replies), and a few recipients are served at a time.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from telegram import Bot
from telegram.error import TelegramError

from bot.digest.build import build_digest_async
from bot.digest.chart import render_chart
from bot.digest.model import Digest
from bot.digest.render import render_digest
from bot.i18n import Lang, normalise_lang, t
from bot.plans import Period
from bot.report_view import metric_label
from bot.store.repository import Repository
from bot.store.rows import PersonRow

log = logging.getLogger(__name__)
RETRY_AFTER = dt.timedelta(minutes=1)  # a failed digest is tried again this much later
STALE_AFTER = dt.timedelta(minutes=15)  # a claim left 'sending' (a crash) counts as failed
PER_CHAT_BURST = 3  # parts sent back to back to one chat …
PER_CHAT_GAP = 1.05  # … then one a second (Telegram: about one message a second per chat)
CONCURRENT = 8  # recipients served at a time
DIGEST_RATE = 25.0  # digest messages a second in all: below Telegram's 30, room for replies


class _Pacer:
    """Spaces digest messages evenly (shared by every sender in the process)."""

    def __init__(self, rate: float) -> None:
        self.gap = 1.0 / rate
        self._next = 0.0

    async def wait(self) -> None:
        loop = asyncio.get_running_loop()
        now = loop.time()
        slot = max(now, self._next)
        self._next = slot + self.gap
        if slot > now:
            await asyncio.sleep(slot - now)


_PACER = _Pacer(DIGEST_RATE)


@dataclass(frozen=True, slots=True)
class Part:
    """One message of a digest: HTML text, or the chart (PNG) with a caption."""

    text: str = ""
    photo: bytes | None = None


async def digest_parts(digest: Digest, lang: Lang) -> list[Part]:
    """The digest's messages and its chart (drawn off the event loop)."""
    parts = [Part(text=m) for m in render_digest(digest, lang)]
    png = await asyncio.to_thread(render_chart, digest, lang)
    if png is not None:
        scope = digest.total or digest.scopes[0]
        metric = next((m.metric for m in scope.totals if m.metric == "sales"), None) or (
            scope.totals[0].metric if scope.totals else ""
        )
        caption = t("digest.chart_caption", lang, metric=metric_label(metric, lang))
        parts.append(Part(text=caption, photo=png))
    return parts


async def send_parts(
    bot: Bot, chat_id: int, parts: Sequence[Part], first: int = 0, on_sent: Any = None
) -> int:
    """Sends `parts[first:]` to `chat_id` in order; returns how many parts are delivered
    in all. `on_sent(n)` is called after each part. Raises TelegramError on a failure."""
    sent = first
    for index, part in enumerate(parts[first:]):
        if index >= PER_CHAT_BURST:
            await asyncio.sleep(PER_CHAT_GAP)
        await _PACER.wait()
        if part.photo is not None:
            await bot.send_photo(chat_id, part.photo, caption=part.text or None)
        else:
            await bot.send_message(chat_id, part.text)
        sent += 1
        if on_sent is not None:
            on_sent(sent)
    return sent


@dataclass(frozen=True, slots=True)
class Prepared:
    """A claimed digest, built and rendered, waiting to be delivered."""

    person: PersonRow
    chat_id: int
    week: str
    parts: list[Part]
    first: int


async def prepare(
    repo: Repository, person: PersonRow, week: Period, now: dt.datetime
) -> Prepared | None:
    """Claims and builds one scheduled digest; None when it is not to be sent now."""
    if person.telegram_id is None:
        return None
    claim = repo.claim_digest(
        person.id, week.label, now, retry_after=RETRY_AFTER, stale_after=STALE_AFTER
    )
    if claim is None:
        return None
    try:
        digest = await build_digest_async(repo, person.id, week, week.end)
        parts = await digest_parts(digest, normalise_lang(person.lang))
    except (ValueError, OSError) as exc:
        _failed(repo, person.id, week.label, claim.attempts, exc)
        return None
    first = min(claim.parts_sent, len(parts))
    return Prepared(person, person.telegram_id, week.label, parts, first)


def _failed(repo: Repository, person_id: str, week: str, attempt: int, exc: Exception) -> None:
    log.warning("digest %s for %s failed (attempt %d): %s", week, person_id, attempt, exc)
    repo.mark_digest_failed(person_id, week, f"{type(exc).__name__}: {exc}")


async def deliver(bot: Bot, repo: Repository, item: Prepared, now: dt.datetime) -> bool:
    """Sends a prepared digest, noting each part; marks it sent, or failed."""
    pid, week = item.person.id, item.week
    try:
        await send_parts(
            bot,
            item.chat_id,
            item.parts,
            first=item.first,
            on_sent=lambda n: repo.digest_progress(pid, week, n),
        )
    except TelegramError as exc:
        found = repo.digest(pid, week)
        _failed(repo, pid, week, found.attempts if found else 0, exc)
        return False
    repo.mark_digest_sent(pid, week, now)
    return True


async def send_many(
    bot: Bot, repo: Repository, due: Sequence[tuple[PersonRow, Period]], now: dt.datetime
) -> int:
    """Sends every due digest; returns how many went out. Digests are built one after
    another (yielding to the event loop between recipients and between teams, the chart
    drawn in a thread) while those already built are being delivered, a few chats at a
    time."""
    queue: asyncio.Queue[Prepared | None] = asyncio.Queue(maxsize=CONCURRENT * 2)
    delivered = 0

    async def produce() -> None:
        try:
            for person, week in due:
                await asyncio.sleep(0)  # replies to reports go first
                item = await prepare(repo, person, week, now)
                if item is not None:
                    await queue.put(item)
        finally:  # the deliverers always stop, even when building failed
            for _ in range(CONCURRENT):
                await queue.put(None)

    async def consume() -> None:
        nonlocal delivered
        while (item := await queue.get()) is not None:
            delivered += await deliver(bot, repo, item, now)

    await asyncio.gather(produce(), *(consume() for _ in range(CONCURRENT)))
    return delivered
