"""Reminders, fired by moving the clock (not by waiting), and /away pausing them."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest

from bot.app import BotSettings, build_application, run_bot
from bot.jobs import due_reminders, send_reminders
from bot.sandbox.server import Sandbox
from bot.scheduler import Scheduler
from bot.store.repository import Repository
from tests.helpers.bot import demo_repo, text_of

LIU = 9014  # 刘洋 stopped reporting on 10 March
EVENING = dt.datetime(2026, 3, 18, 10, 0, tzinfo=dt.UTC)  # 18:00 in Shanghai, a Wednesday
SATURDAY = dt.datetime(2026, 3, 21, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    return demo_repo(tmp_path / "bot.db")


def test_who_is_due_follows_reports_calendar_and_leave(repo: Repository) -> None:
    wednesday = dt.date(2026, 3, 18)
    assert [p for p, _, _ in due_reminders(repo, "east", wednesday, "first")] == ["liu"]
    assert due_reminders(repo, "south", wednesday, "first") == []  # everyone reported
    assert due_reminders(repo, "east", dt.date(2026, 3, 21), "first") == []  # Saturday
    repo.add_event("leave", wednesday, person_id="liu", text="2026-03-20", source_key="leave:liu")
    assert due_reminders(repo, "east", wednesday, "first") == []
    assert "liu" in [p for p, _, _ in due_reminders(repo, "east", dt.date(2026, 3, 23), "first")]


def test_reminders_go_out_once_and_the_nudge_follows(repo: Repository) -> None:
    async def main() -> None:
        async with Sandbox() as sandbox:
            sandbox.add_user(LIU, "刘洋", language_code="zh")
            settings = BotSettings(token=sandbox.token, api_url=sandbox.base_url)
            application = build_application(settings, repo, now=lambda: EVENING)
            async with application:
                assert await send_reminders(application, repo, "east", EVENING, "first") == 1
                assert "日报" in text_of(await sandbox.next_message(LIU, timeout=10))
                assert await send_reminders(application, repo, "east", EVENING, "first") == 0
                assert await send_reminders(application, repo, "east", EVENING, "nudge") == 1
                assert await send_reminders(application, repo, "east", SATURDAY, "first") == 0
                await application.start()  # the job queue runs with the application
                try:
                    assert Scheduler(application, repo, lambda: EVENING).install()
                    names = [job.name for job in application.job_queue.jobs()]  # type: ignore[union-attr]
                    assert names == ["tick"]  # one tick for every team's reminders and digests
                finally:
                    await application.stop()

    asyncio.run(main())


def test_away_pauses_reminders(repo: Repository) -> None:
    async def main() -> None:
        async with Sandbox() as sandbox:
            sandbox.add_user(LIU, "刘洋", language_code="zh")
            stop = asyncio.Event()
            settings = BotSettings(token=sandbox.token, api_url=sandbox.base_url, poll_timeout=1)
            task = asyncio.create_task(run_bot(settings, repo, stop, now=lambda: EVENING))
            try:
                sandbox.send_command(LIU, "away", "到 3月20日")
                assert "2026-03-20" in text_of(await sandbox.next_message(LIU, timeout=10))
                sandbox.send_command(LIU, "away", "whenever")
                assert "/away" in text_of(await sandbox.next_message(LIU, timeout=10))
            finally:
                stop.set()
                await asyncio.wait_for(task, timeout=15)

    asyncio.run(main())
    assert due_reminders(repo, "east", dt.date(2026, 3, 18), "first") == []


def test_leave_in_plain_words_is_not_a_report(repo: Repository) -> None:
    async def main() -> None:
        async with Sandbox() as sandbox:
            sandbox.add_user(LIU, "刘洋", language_code="zh")
            stop = asyncio.Event()
            settings = BotSettings(token=sandbox.token, api_url=sandbox.base_url, poll_timeout=1)
            task = asyncio.create_task(run_bot(settings, repo, stop, now=lambda: EVENING))
            try:
                sandbox.send_text(LIU, "请假到3月20日")
                assert "2026-03-20" in text_of(await sandbox.next_message(LIU, timeout=10))
            finally:
                stop.set()
                await asyncio.wait_for(task, timeout=15)

    asyncio.run(main())
    assert "liu" not in [
        p for p, _, _ in due_reminders(repo, "east", dt.date(2026, 3, 19), "first")
    ]
    telegram = [
        r
        for r in repo.reports_between(["liu"], dt.date(2026, 3, 1), dt.date(2026, 3, 31))
        if r.source == "telegram"
    ]
    assert telegram == []
