"""The guided /report end to end: buttons and typed values, skip, bad input, /cancel;
forwarded messages are not reports."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from bot.sandbox.server import Sandbox
from bot.store.repository import Repository
from tests.helpers.bot import Body, demo_repo, run_with_bot, text_of

ZHANG = 9011  # targeted on visits, sales and new outlets in March
NOON = dt.datetime(2026, 3, 18, 4, 0, tzinfo=dt.UTC)


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    return demo_repo(tmp_path / "bot.db")


USERS = ((ZHANG, "张伟", "zh"),)


def _live(repo: Repository, body: Body) -> None:
    run_with_bot(repo, USERS, body, now=lambda: NOON)


def _dialogue_reports(repo: Repository) -> list[Any]:
    rows = repo.reports_between(["zhang"], dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    return [r for r in rows if r.source_key.startswith("dialogue:")]


def test_a_guided_report_asks_each_targeted_metric_then_stores_once(repo: Repository) -> None:
    async def body(sandbox: Sandbox) -> None:
        sandbox.send_command(ZHANG, "report")
        ask = await sandbox.next_message(ZHANG, timeout=10)
        assert "拜访" in text_of(ask)  # visits first, in the knowledge base's order
        sandbox.press_button(ZHANG, ask["message_id"], text="8")
        ask = await sandbox.next_message(ZHANG, timeout=10)
        assert "销售额" in text_of(ask)
        sandbox.send_text(ZHANG, "很多")  # not a number: asked again
        assert "数字" in text_of(await sandbox.next_message(ZHANG, timeout=10))
        ask = await sandbox.next_message(ZHANG, timeout=10)
        sandbox.send_text(ZHANG, "2.5万")
        ask = await sandbox.next_message(ZHANG, timeout=10)
        assert "新网点" in text_of(ask)
        sandbox.press_button(ZHANG, ask["message_id"], text="跳过")
        ask = await sandbox.next_message(ZHANG, timeout=10)
        assert "卡点" in text_of(ask)
        sandbox.send_text(ZHANG, "仓库发货慢")
        ask = await sandbox.next_message(ZHANG, timeout=10)
        sandbox.press_button(ZHANG, ask["message_id"], text="无")
        reply = text_of(await sandbox.next_message(ZHANG, timeout=10))
        assert "已记录" in reply
        assert "拜访 8" in reply
        assert "销售额 2.5万" in reply

    _live(repo, body)
    (report,) = _dialogue_reports(repo)
    assert dict(report.metrics) == {"visits": 8, "sales": 25000}
    assert list(report.blockers) == ["仓库发货慢"]


def test_cancel_stores_nothing_and_forwarded_messages_are_not_reports(repo: Repository) -> None:
    async def body(sandbox: Sandbox) -> None:
        sandbox.send_command(ZHANG, "report")
        await sandbox.next_message(ZHANG, timeout=10)
        sandbox.send_command(ZHANG, "cancel")
        assert "没有保存" in text_of(await sandbox.next_message(ZHANG, timeout=10))
        sandbox.send_command(ZHANG, "cancel")
        assert "/report" in text_of(await sandbox.next_message(ZHANG, timeout=10))
        sandbox.forward(ZHANG, text="拜访20家，成交10单", hidden_name="别人")
        assert "转发" in text_of(await sandbox.next_message(ZHANG, timeout=10))

    _live(repo, body)
    assert _dialogue_reports(repo) == []
    telegram = [
        r
        for r in repo.reports_between(["zhang"], dt.date(2026, 3, 1), dt.date(2026, 3, 31))
        if r.source == "telegram"
    ]
    assert telegram == []
