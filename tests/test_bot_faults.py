"""Faults while reports are coming in (the fast versions of bench/faults.py): Telegram
answering 500 / 429 or dropping connections for a stretch, the database locked by
another process longer than the busy timeout, the disk full. Each time every report
is stored exactly once and answered exactly once, and the bot goes on by itself.

(SIGKILL during reports: tests/test_bot_kill.py.)
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import subprocess
import sys
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest

from bench.faults import LOCKER  # the same lock the fault bench holds
from bot.sandbox.server import Sandbox
from bot.store.repository import Repository
from tests.helpers.bot import demo_repo, run_with_bot

REPS = ((9011, "张伟", "zh"), (9012, "陈静", "zh"), (9021, "Amy", "en"), (9022, "Tom", "en"))
NOON = dt.datetime(2026, 3, 18, 4, 0, tzinfo=dt.UTC)
Trouble = Callable[[Sandbox], Coroutine[Any, Any, None]]


def _text(lang: str, n: int, filler: str = "") -> str:
    if lang == "zh":
        return f"拜访{3 + n}家，成交1单。明天：回访华联{filler}"
    return f"Visited {3 + n} stores, 1 order. Tomorrow: call Hualian{filler}"


def _stored(repo: Repository) -> list[str]:
    rows = repo.db.conn.execute(
        "SELECT source_key FROM reports WHERE source = 'telegram'"
    ).fetchall()
    return [key for (key,) in rows]


async def _answered(sandbox: Sandbox, uid: int) -> int:
    return sum("✅" in str(m.get("plain_text")) for m in sandbox.bot_messages(uid))


async def _until(check: Callable[[], Awaitable[bool]], timeout: float) -> bool:
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        if await check():
            return True
        await asyncio.sleep(0.1)
    return False


def _reports_through(
    repo: Repository, trouble: Trouble, per_rep: int = 2, filler: str = "", timeout: float = 40
) -> None:
    """Sends `per_rep` reports from each rep, the first round before `trouble`, the rest
    during it; then checks: each stored once, each answered once, the bot still working."""

    async def body(sandbox: Sandbox) -> None:
        for uid, _, lang in REPS:
            sandbox.send_text(uid, _text(lang, 0, filler))
        await asyncio.sleep(0.3)
        during = asyncio.create_task(trouble(sandbox))
        for n in range(1, per_rep):
            for uid, _, lang in REPS:
                sandbox.send_text(uid, _text(lang, n, filler))
            await asyncio.sleep(0.2)
        await during
        sent = per_rep * len(REPS)

        async def settled() -> bool:
            answers = [await _answered(sandbox, uid) for uid, _, _ in REPS]
            return len(_stored(repo)) >= sent and min(answers) >= per_rep

        assert await _until(settled, timeout), (
            f"stored {len(_stored(repo))} of {sent}; "
            f"answered {[await _answered(sandbox, uid) for uid, _, _ in REPS]}"
        )
        await asyncio.sleep(0.5)  # anything doubled would show by now
        keys = _stored(repo)
        assert len(keys) == len(set(keys)) == sent
        for uid, _, _ in REPS:
            assert await _answered(sandbox, uid) == per_rep
        # back to normal on its own: a report after the trouble is answered promptly
        uid, _, lang = REPS[0]
        sandbox.send_text(uid, _text(lang, 9))
        assert await _until(lambda: _answered_at_least(sandbox, uid, per_rep + 1), 10)

    run_with_bot(repo, REPS, body, now=lambda: NOON)


async def _answered_at_least(sandbox: Sandbox, uid: int, n: int) -> bool:
    return await _answered(sandbox, uid) >= n


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    return demo_repo(tmp_path / "bot.db")


@pytest.mark.parametrize(
    "kind",
    ["500", "429", "drop"],
)
def test_telegram_in_trouble_for_a_stretch_loses_and_doubles_nothing(
    repo: Repository, kind: str
) -> None:
    async def trouble(sandbox: Sandbox) -> None:
        if kind == "drop":
            sandbox.set_drop_connections(True)
        else:
            sandbox.fail_next(10**6, int(kind))
        await asyncio.sleep(2.5)
        sandbox.clear_faults()

    _reports_through(repo, trouble)


def test_database_locked_by_another_process_longer_than_the_busy_timeout(
    repo: Repository, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = tmp_path / "bot.db"

    async def trouble(sandbox: Sandbox) -> None:
        locker = await asyncio.create_subprocess_exec(
            sys.executable, "-c", LOCKER, str(db), "6.5", stdout=subprocess.PIPE
        )
        assert locker.stdout is not None
        assert (await locker.stdout.readline()).startswith(b"locked")
        await locker.wait()

    with caplog.at_level(logging.WARNING, logger="bot.inbox"):
        _reports_through(repo, trouble)
    stalls = [r for r in caplog.records if "inbox stalled" in r.getMessage()]
    assert len(stalls) == 1  # logged once, not once per retry
    assert any("going again" in r.getMessage() for r in caplog.records)


def test_disk_full_holds_reports_back_until_there_is_room(
    repo: Repository, caplog: pytest.LogCaptureFixture
) -> None:
    conn = repo.db.conn

    async def trouble(sandbox: Sandbox) -> None:
        # the bot's own connection may not grow the file: SQLite answers SQLITE_FULL,
        # exactly as on a full disk (bench/faults.py fills a real tmpfs)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
        await asyncio.sleep(3.0)
        conn.execute("PRAGMA max_page_count = 1073741823")

    with caplog.at_level(logging.WARNING, logger="bot.inbox"):
        _reports_through(repo, trouble, per_rep=3, filler="。" + "备注" * 1500)
    assert any("full" in r.getMessage() for r in caplog.records), "the disk never filled"
