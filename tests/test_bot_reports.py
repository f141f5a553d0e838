"""The bot end to end: the real python-telegram-bot against the local sandbox over HTTP.

A stranger is told how to join; a rep's report in Chinese or English is read,
stored and answered; an edit replaces it; the withdraw button checks who presses
it; non-text messages get a short answer; an update stored in the inbox is
handled once after a restart.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from bot.app import BotSettings, build_application
from bot.inbox import Inbox
from bot.sandbox.server import Sandbox
from bot.store.repository import Repository
from tests.helpers.bot import Body, demo_repo, run_with_bot, text_of

ZHANG, AMY, STRANGER = 9011, 9021, 777001  # telegram ids from the demo organisation


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    return demo_repo(tmp_path / "bot.db")


USERS = (
    (ZHANG, "张伟", "zh-hans"),
    (AMY, "Amy", "en"),
    (STRANGER, "Stranger", "en"),
)


def _live(repo: Repository, body: Body) -> None:
    run_with_bot(repo, USERS, body)


def _reports(repo: Repository, person: str) -> list[Any]:
    return repo.reports_between(
        [person], dt.date(2000, 1, 1), dt.date(2999, 1, 1), include_withdrawn=True
    )


def test_a_stranger_is_told_how_to_join_and_nothing_is_stored(repo: Repository) -> None:
    before = len(repo.reports_between(None, dt.date(2000, 1, 1), dt.date(2999, 1, 1)))

    async def body(sandbox: Sandbox) -> None:
        sandbox.send_text(STRANGER, "visited 8 stores, 3 orders")
        reply = await sandbox.next_message(STRANGER, timeout=10)
        assert "invite" in text_of(reply)

    _live(repo, body)
    assert len(repo.reports_between(None, dt.date(2000, 1, 1), dt.date(2999, 1, 1))) == before


def test_a_report_is_stored_answered_edited_and_withdrawn(repo: Repository) -> None:
    async def body(sandbox: Sandbox) -> None:
        sent = sandbox.send_text(
            ZHANG, "今天拜访8家，成交3单，销售额2.5万。问题：仓库发货慢。明天：回访华联"
        )
        reply = await sandbox.next_message(ZHANG, timeout=10)
        assert "已记录" in text_of(reply)
        assert "拜访 8" in text_of(reply) and "销售额 2.5万" in text_of(reply)
        assert "仓库发货慢" in text_of(reply) and "回访华联" in text_of(reply)
        (report,) = [r for r in _reports(repo, "zhang") if r.source == "telegram"]
        assert dict(report.metrics) == {"visits": 8, "orders": 3, "sales": 25000}

        sandbox.edit_text(ZHANG, sent["message_id"], "今天拜访9家，成交3单，销售额2.6万")
        reply = await sandbox.next_message(ZHANG, timeout=10)
        assert "已更新" in text_of(reply)
        (report,) = [r for r in _reports(repo, "zhang") if r.source == "telegram"]
        assert dict(report.metrics) == {"visits": 9, "orders": 3, "sales": 26000}

        button = reply["reply_markup"]["inline_keyboard"][0][0]
        others = _reports(repo, "amy")[0]
        forged = button["callback_data"].split(":")[0] + f":{others.id}"  # someone else's report
        query = sandbox.press_button(ZHANG, reply["message_id"], data=forged, forged=True)
        answer = await sandbox.wait_for_answer(query["id"], timeout=10)
        assert answer.get("show_alert")
        assert not any(r.withdrawn for r in _reports(repo, "amy"))

        query = sandbox.press_button(ZHANG, reply["message_id"], data=button["callback_data"])
        await sandbox.wait_for_answer(query["id"], timeout=10)
        (report,) = [r for r in _reports(repo, "zhang") if r.source == "telegram"]
        assert report.withdrawn

    _live(repo, body)


def test_an_english_report_gets_an_english_reply(repo: Repository) -> None:
    async def body(sandbox: Sandbox) -> None:
        sandbox.send_text(
            AMY, "Visited 7 stores, 2 orders, sales 15k, collected 9,500. Tomorrow: call Hualian"
        )
        reply = await sandbox.next_message(AMY, timeout=10)
        assert "saved" in text_of(reply)
        assert "visits 7" in text_of(reply) and "sales 15,000" in text_of(reply)

    _live(repo, body)
    (report,) = [r for r in _reports(repo, "amy") if r.source == "telegram"]
    assert dict(report.metrics) == {"visits": 7, "orders": 2, "sales": 15000, "collections": 9500}


def test_non_text_and_unknown_commands_get_short_answers(repo: Repository) -> None:
    async def body(sandbox: Sandbox) -> None:
        sandbox.send_sticker(ZHANG)
        assert "文字" in text_of(await sandbox.next_message(ZHANG, timeout=10))
        sandbox.send_command(ZHANG, "frobnicate")
        assert "/help" in text_of(await sandbox.next_message(ZHANG, timeout=10))
        sandbox.send_command(ZHANG, "help")
        assert "/start" in text_of(await sandbox.next_message(ZHANG, timeout=10))

    _live(repo, body)
    assert [r for r in _reports(repo, "zhang") if r.source == "telegram"] == []


def test_an_update_left_in_the_inbox_is_handled_once_after_a_restart(repo: Repository) -> None:
    async def main() -> None:
        async with Sandbox() as sandbox:
            sandbox.add_user(ZHANG, "张伟", language_code="zh")
            sandbox.send_text(ZHANG, "拜访5家，成交1单")
            settings = BotSettings(token=sandbox.token, api_url=sandbox.base_url, poll_timeout=1)
            application = build_application(settings, repo)
            async with application:
                inbox = Inbox(application, repo, poll_timeout=1)
                inbox.offset = None
                updates = await application.bot.get_updates(timeout=1)
                for update in updates:  # stored, then the process "dies" before handling
                    repo.inbox_put(update.update_id, update.to_dict())
                inbox.offset = updates[-1].update_id + 1
                assert len(repo.inbox_pending()) == 1
            # a new process: finishes the pending update, and Telegram's redelivery of the
            # same update (never confirmed) is ignored
            application = build_application(settings, repo)
            async with application:
                await application.start()
                inbox = Inbox(application, repo, poll_timeout=1)
                assert await inbox.drain() == 1
                await inbox.poll_once()
                assert await inbox.drain() == 0
                await application.stop()
            reply = await sandbox.next_message(ZHANG, timeout=10)
            assert "已记录" in text_of(reply)

    asyncio.run(main())
    assert len([r for r in _reports(repo, "zhang") if r.source == "telegram"]) == 1
