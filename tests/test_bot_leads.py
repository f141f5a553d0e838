"""Findings reach the lead at once, with a button to acknowledge; /blockers with resolve buttons.

The bot's clock is set to the demo organisation's day, so the rule base sees
its real history (three weeks of reports) when a rep reports.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest

from bot.sandbox.server import Sandbox
from bot.store.repository import Repository
from tests.helpers.bot import Body, demo_repo, run_with_bot, text_of

ZHANG, LEAD_LI, TOM, LEAD_MIKE, AMY = 9011, 9002, 9022, 9003, 9021
DEMO_NOON = dt.datetime(2026, 3, 18, 4, 0, tzinfo=dt.UTC)  # 12:00 in Shanghai
DEMO_EARLY = dt.datetime(2026, 3, 17, 23, 30, tzinfo=dt.UTC)  # 07:30 on the 18th in Shanghai


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    return demo_repo(tmp_path / "bot.db")


USERS = (
    (ZHANG, "张伟", "zh"),
    (LEAD_LI, "李娜", "zh"),
    (TOM, "Tom", "en"),
    (LEAD_MIKE, "Mike", "en"),
    (AMY, "Amy", "en"),
)


def _live(repo: Repository, body: Body, now: dt.datetime = DEMO_NOON) -> None:
    run_with_bot(repo, USERS, body, now=lambda: now)


def test_a_report_brings_prompts_to_the_rep_and_findings_to_the_lead(repo: Repository) -> None:
    async def body(sandbox: Sandbox) -> None:
        sandbox.send_text(TOM, "Visited 14 stores, no orders, sales 0")
        reply = text_of(await sandbox.next_message(TOM, timeout=10))
        assert "saved" in reply
        assert "💡" in reply  # Tom is busy without results and far behind: the rule base speaks
        alert = await sandbox.next_message(LEAD_MIKE, timeout=10)
        assert "🔔" in text_of(alert)
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
        after = [text_of(m) for m in sandbox.bot_messages(LEAD_MIKE)[before:]]
        assert text_of(alert) not in after

    _live(repo, body, now=DEMO_EARLY)  # still the 17th in UTC
    acks = repo.events(kinds=["acknowledgement"])
    assert len(acks) == 1
    assert acks[0].by_id == "mike"
    assert acks[0].date == dt.date(2026, 3, 18)  # the lead's day, not UTC's
    sent = [f for f in repo.findings() if f.sent_to]
    assert sent
    # the lead's alerts went to the lead; a rep's prompts to that rep, and only to them
    assert any(f.sent_to == ("mike",) for f in sent)
    assert all(f.sent_to == ("mike",) or f.sent_to == (f.subject,) for f in sent)


def test_blockers_are_listed_and_resolved_by_those_who_may(repo: Repository) -> None:
    async def body(sandbox: Sandbox) -> None:
        sandbox.send_command(ZHANG, "blockers")
        listing = await sandbox.next_message(ZHANG, timeout=10)
        assert "仓库发货慢" in text_of(listing)
        data = listing["reply_markup"]["inline_keyboard"][0][0]["callback_data"]

        sandbox.send_command(TOM, "blockers")  # south team: sees only his own (none)
        tom_listing = await sandbox.next_message(TOM, timeout=10)
        query = sandbox.press_button(TOM, tom_listing["message_id"], data=data, forged=True)
        assert (await sandbox.wait_for_answer(query["id"], timeout=10)).get("show_alert")

        sandbox.send_command(LEAD_LI, "blockers")  # the lead sees the team's
        assert "张伟" in text_of(await sandbox.next_message(LEAD_LI, timeout=10))

        query = sandbox.press_button(ZHANG, listing["message_id"], data=data)
        assert not (await sandbox.wait_for_answer(query["id"], timeout=10)).get("show_alert")

    _live(repo, body)
    assert not [b for b in repo.open_blockers(person_ids=["zhang"]) if "仓库" in b.text]
