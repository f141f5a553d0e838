"""A flood from one person: past the limit the bot answers once, politely, in their
language, then drops what they send (confirmed, never stored as reports) until they
have been quiet for the window; everyone else is served as usual meanwhile."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest

from bot.handlers.throttle import DEFAULT, Throttle, throttle_setting
from bot.i18n import Lang, t
from bot.sandbox.server import Sandbox
from bot.store.repository import Repository
from tests.helpers.bot import demo_repo, run_with_bot, text_of

ZHANG, TOM, AMY = 9011, 9022, 9021
USERS = ((ZHANG, "张伟", "zh"), (TOM, "Tom", "en"), (AMY, "Amy", "en"))
NOON = dt.datetime(2026, 3, 18, 4, 0, tzinfo=dt.UTC)


def _reports(repo: Repository, person: str) -> int:
    row = repo.db.conn.execute(
        "SELECT count(*) FROM reports WHERE source = 'telegram' AND person_id = ?", [person]
    ).fetchone()
    return int(row[0])


def test_a_flood_is_answered_once_then_dropped_and_not_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXECOACH_THROTTLE", "5/3")
    repo = demo_repo(tmp_path / "bot.db")

    async def body(sandbox: Sandbox) -> None:
        for uid, lang in ((ZHANG, "zh"), (TOM, "en")):
            for n in range(15):
                text = f"拜访{n + 1}家，成交1单" if lang == "zh" else f"Visited {n + 1} stores"
                sandbox.send_text(uid, text)
        sandbox.send_text(AMY, "Visited 4 stores, 1 order")  # someone else, meanwhile
        await asyncio.sleep(2.0)
        while sandbox.pending_updates() or repo.inbox_pending():
            await asyncio.sleep(0.1)
        langs: tuple[tuple[int, Lang], ...] = ((ZHANG, "zh"), (TOM, "en"))
        for uid, lang in langs:
            polite = t("throttle.slow_down", lang)
            texts = [text_of(m) for m in sandbox.bot_messages(uid)]
            assert texts.count(polite) == 1, texts
            assert len(texts) == 5 + 1  # five answered reports, one polite word, then silence
        assert any("✅" in text_of(m) for m in sandbox.bot_messages(AMY))
        await asyncio.sleep(3.2)  # quiet for the window: back to normal
        sandbox.send_text(TOM, "Visited 20 stores, 2 orders")
        assert "✅" in text_of(await _last_new(sandbox, TOM, 6))

    run_with_bot(repo, USERS, body, now=lambda: NOON)
    assert _reports(repo, "zhang") == 5
    assert _reports(repo, "tom") == 6
    assert _reports(repo, "amy") == 1
    statuses = repo.db.conn.execute("SELECT DISTINCT status FROM inbox").fetchall()
    assert statuses == [("done",)]  # the dropped updates were confirmed and set aside


async def _last_new(sandbox: Sandbox, uid: int, seen: int) -> dict[str, object]:
    for _ in range(100):
        messages = sandbox.bot_messages(uid)
        if len(messages) > seen:
            return messages[-1]
        await asyncio.sleep(0.1)
    raise AssertionError("no answer")


def test_the_limit_is_tunable_and_generous_by_default() -> None:
    assert throttle_setting("30/60") == (30, 60.0)
    assert throttle_setting("0/0") == (0, 0.0)
    assert throttle_setting("lots") == DEFAULT
    limit, window = DEFAULT
    gate = Throttle(limit, window)
    # a guided report: a dozen messages and presses within a minute all go through
    assert [gate.over(1, 1000.0 + 4 * i) for i in range(12)] == [(False, False)] * 12
    # a flood: the first over the limit is told, the rest dropped silently
    flood = [gate.over(2, 2000.0 + 0.1 * i) for i in range(limit + 3)]
    assert flood[:limit] == [(False, False)] * limit
    assert flood[limit:] == [(True, True), (True, False), (True, False)]
    # button presses count half: a long questionnaire of presses goes through
    assert all(not gate.over(4, 3000.0 + 0.1 * i, 0.5)[0] for i in range(2 * limit))
    assert gate.over(4, 3002.0 + 0.1 * limit, 0.5) == (True, True)
    # switched off
    assert Throttle(0, 0).over(3, 1.0) == (False, False)
