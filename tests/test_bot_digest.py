"""The digest through Telegram: on schedule by moving the clock, retried once after a
failure and never sent twice; /digest and /digest now on demand."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter
from pathlib import Path

from bot.clock import MovableClock
from bot.sandbox.server import Sandbox
from bot.store.repository import Repository
from tests.helpers.bot import demo_repo, run_with_bot, text_of

WANG, LI, MIKE, ZHANG, LIU = 9001, 9002, 9003, 9011, 9014
USERS = [
    (WANG, "王强", "zh"),
    (LI, "李娜", "zh"),
    (MIKE, "Mike Lin", "en"),
    (ZHANG, "张伟", "zh"),
    (LIU, "刘洋", "zh"),
]
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
MONDAY_EARLY = dt.datetime(2026, 3, 16, 8, 30, tzinfo=SHANGHAI)
MONDAY_NINE = dt.datetime(2026, 3, 16, 9, 0, tzinfo=SHANGHAI)
TUESDAY_NINE = dt.datetime(2026, 3, 17, 9, 0, tzinfo=SHANGHAI)


async def _until(check: object, timeout: float = 20.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not check():  # type: ignore[operator]
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError("condition not met in time")
        await asyncio.sleep(0.1)


def _seen(sandbox: Sandbox, chat: int) -> list[str]:
    return [text_of(m) for m in sandbox.bot_messages(chat)]


def test_the_digest_goes_out_on_monday_once_and_a_failure_is_retried_once(tmp_path: Path) -> None:
    repo = demo_repo(tmp_path / "bot.db")
    clock = MovableClock(MONDAY_EARLY.astimezone(dt.UTC))

    def statuses() -> dict[str, str]:
        return {d.recipient_id: d.status for d in repo.digests("2026-W11")}

    async def body(sandbox: Sandbox) -> None:
        await asyncio.sleep(1.5)  # the first tick: last week's digest is stale, this week's not due
        assert repo.digests() == []
        sandbox.fail_next(
            1, status=400, description="Bad Request: injected", methods=["sendMessage"]
        )
        clock.move_to(MONDAY_NINE.astimezone(dt.UTC))
        await _until(lambda: len(statuses()) == 3 and "sending" not in statuses().values())
        first = statuses()
        assert sorted(first.values()) == ["failed", "sent", "sent"]
        (failed,) = [who for who, status in first.items() if status == "failed"]
        clock.advance(dt.timedelta(seconds=20))  # too soon for the retry
        await asyncio.sleep(1.0)
        assert statuses()[failed] == "failed"
        clock.advance(dt.timedelta(minutes=2))
        await _until(lambda: statuses() == {"li": "sent", "mike": "sent", "wang": "sent"})
        record = repo.digest(failed, "2026-W11")
        assert record is not None and record.attempts == 2
        clock.advance(dt.timedelta(hours=1))  # later ticks send nothing again
        await asyncio.sleep(1.5)
        for chat, lang_word in (
            (WANG, "周报 2026-W11"),
            (LI, "周报 2026-W11"),
            (MIKE, "Weekly digest 2026-W11"),
        ):
            seen = _seen(sandbox, chat)
            assert any(lang_word in s for s in seen), seen
            duplicates = [s for s, n in Counter(seen).items() if n > 1]
            assert duplicates == [], duplicates
            photos = [m for m in sandbox.bot_messages(chat) if m["kind"] == "photo"]
            assert len(photos) == 1
            assert sandbox.file_bytes(photos[0]["file_id"])[:8] == b"\x89PNG\r\n\x1a\n"
        assert "华东一组" in "\n".join(_seen(sandbox, LI))
        assert "South Team" not in "\n".join(_seen(sandbox, LI))  # a lead sees their team only
        # the evening: the same tick reminds the rep who has not reported
        clock.move_to(dt.datetime(2026, 3, 16, 20, 30, tzinfo=SHANGHAI).astimezone(dt.UTC))
        message = await sandbox.next_message(LIU, timeout=15)
        assert "日报" in text_of(message)

    run_with_bot(repo, USERS, body, clock=clock)
    assert all(d.status == "sent" for d in repo.digests("2026-W11"))


def test_digest_on_demand(tmp_path: Path) -> None:
    repo: Repository = demo_repo(tmp_path / "bot.db")
    wednesday = dt.datetime(2026, 3, 18, 12, 0, tzinfo=dt.UTC)
    moments = [wednesday]
    # last week's scheduled digests went out on Monday: the scheduler stays quiet
    for who in ("li", "mike", "wang"):
        assert repo.claim_digest(
            who, "2026-W11", MONDAY_NINE, retry_after=dt.timedelta(0), stale_after=dt.timedelta(0)
        )
        repo.mark_digest_sent(who, "2026-W11", MONDAY_NINE)
    weekly = repo.digests()

    async def body(sandbox: Sandbox) -> None:
        sandbox.send_command(LI, "digest")
        first = text_of(await sandbox.next_message(LI, timeout=20))
        assert "周报 2026-W11" in first and "节奏" in first
        await _until(lambda: any(m["kind"] == "photo" for m in sandbox.bot_messages(LI)))
        sandbox.send_command(MIKE, "digest", "now")
        text = text_of(await sandbox.next_message(MIKE, timeout=20))
        assert "Week so far 2026-W12" in text and "South Team" in text
        while (await sandbox.next_message(MIKE, timeout=20))["kind"] != "photo":
            pass
        sandbox.send_command(ZHANG, "digest")
        assert "主管和经理" in text_of(await sandbox.next_message(ZHANG, timeout=10))
        sandbox.send_command(MIKE, "digest", "<b>last year</b>")
        assert "/digest now" in text_of(await sandbox.next_message(MIKE, timeout=10))
        # Monday 09:00 in Shanghai: Monday's reports are not due yet (18:00), so nobody
        # has missed it and there is nothing to compare; Tuesday 09:00 compares Mondays
        for when, words in (
            (MONDAY_NINE, "no day's reports are due yet"),
            (TUESDAY_NINE, "(Mon, partial)"),
        ):
            moments.append(when.astimezone(dt.UTC))
            sandbox.send_command(MIKE, "digest", "now")
            text = text_of(await sandbox.next_message(MIKE, timeout=20))
            assert words in text and "-100%" not in text and "Daily reports: 0%" not in text, text
            while (await sandbox.next_message(MIKE, timeout=20))["kind"] != "photo":
                pass

    run_with_bot(repo, USERS, body, now=lambda: moments[-1])
    assert repo.digests() == weekly  # on demand is not the weekly record
