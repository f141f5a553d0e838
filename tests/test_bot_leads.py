"""Findings reach the lead at once, with a button to acknowledge; /blockers with resolve buttons.

The bot's clock is set to the demo organisation's day, so the rule base sees
its real history (three weeks of reports) when a rep reports.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.app import BotSettings, run_bot
from bot.demo import bundled_scenario
from bot.sandbox.server import Sandbox
from bot.scenario import load_scenario
from bot.store.db import open_db
from bot.store.importer import import_scenario
from bot.store.repository import Repository

ZHANG, LEAD_LI, TOM, LEAD_MIKE, AMY = 9011, 9002, 9022, 9003, 9021
DEMO_NOON = dt.datetime(2026, 3, 18, 4, 0, tzinfo=dt.UTC)  # 12:00 in Shanghai


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    repo = Repository(open_db(tmp_path / "bot.db"))
    import_scenario(repo, load_scenario(bundled_scenario()))
    return repo


def _text(message: dict[str, Any]) -> str:
    return re.sub(r"<[^>]+>", "", str(message.get("text", "")))


def _live(repo: Repository, body: Callable[[Sandbox], Awaitable[None]]) -> None:
    async def run() -> None:
        async with Sandbox() as sandbox:
            for uid, name, lang in (
                (ZHANG, "张伟", "zh"),
                (LEAD_LI, "李娜", "zh"),
                (TOM, "Tom", "en"),
                (LEAD_MIKE, "Mike", "en"),
                (AMY, "Amy", "en"),
            ):
                sandbox.add_user(uid, name, language_code=lang)
            stop = asyncio.Event()
            settings = BotSettings(token=sandbox.token, api_url=sandbox.base_url, poll_timeout=1)
            task = asyncio.create_task(run_bot(settings, repo, stop, now=lambda: DEMO_NOON))
            try:
                await body(sandbox)
            finally:
                stop.set()
                await asyncio.wait_for(task, timeout=15)

    asyncio.run(run())


def test_a_report_brings_prompts_to_the_rep_and_findings_to_the_lead(repo: Repository) -> None:
    async def body(sandbox: Sandbox) -> None:
        sandbox.send_text(TOM, "Visited 14 stores, no orders, sales 0")
        reply = _text(await sandbox.next_message(TOM, timeout=10))
        assert "saved" in reply
        assert "💡" in reply  # Tom is busy without results and far behind: the rule base speaks
        alert = await sandbox.next_message(LEAD_MIKE, timeout=10)
        assert "🔔" in _text(alert)
        data = alert["reply_markup"]["inline_keyboard"][0][0]["callback_data"]

        # someone else pressing the lead's button (forged data) is refused
        sandbox.send_text(AMY, "Visited 6 stores, 2 orders")
        amy_reply = await sandbox.next_message(AMY, timeout=10)
        query = sandbox.press_button(AMY, amy_reply["message_id"], data=data, forged=True)
        assert (await sandbox.wait_for_answer(query["id"], timeout=10)).get("show_alert")

        query = sandbox.press_button(LEAD_MIKE, alert["message_id"], data=data)
        assert not (await sandbox.wait_for_answer(query["id"], timeout=10)).get("show_alert")

        # another report the same day brings no second alert on the same finding: no nagging
        before = len(sandbox.bot_messages(LEAD_MIKE))
        sandbox.send_text(TOM, "afternoon: 2 more visits")
        await sandbox.next_message(TOM, timeout=10)
        await asyncio.sleep(0.5)
        after = [_text(m) for m in sandbox.bot_messages(LEAD_MIKE)[before:]]
        assert _text(alert) not in after

    _live(repo, body)
    acks = repo.events(kinds=["acknowledgement"])
    assert len(acks) == 1
    assert acks[0].by_id == "mike"
    sent = [f for f in repo.findings() if f.sent_to]
    assert sent
    assert all(f.sent_to == ("mike",) for f in sent)


def test_blockers_are_listed_and_resolved_by_those_who_may(repo: Repository) -> None:
    async def body(sandbox: Sandbox) -> None:
        sandbox.send_command(ZHANG, "blockers")
        listing = await sandbox.next_message(ZHANG, timeout=10)
        assert "仓库发货慢" in _text(listing)
        data = listing["reply_markup"]["inline_keyboard"][0][0]["callback_data"]

        sandbox.send_command(TOM, "blockers")  # south team: sees only his own (none)
        tom_listing = await sandbox.next_message(TOM, timeout=10)
        query = sandbox.press_button(TOM, tom_listing["message_id"], data=data, forged=True)
        assert (await sandbox.wait_for_answer(query["id"], timeout=10)).get("show_alert")

        sandbox.send_command(LEAD_LI, "blockers")  # the lead sees the team's
        assert "张伟" in _text(await sandbox.next_message(LEAD_LI, timeout=10))

        query = sandbox.press_button(ZHANG, listing["message_id"], data=data)
        assert not (await sandbox.wait_for_answer(query["id"], timeout=10)).get("show_alert")

    _live(repo, body)
    assert not [b for b in repo.open_blockers(person_ids=["zhang"]) if "仓库" in b.text]
