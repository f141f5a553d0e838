"""Hostile text: markup meant for someone else's screen, text crafted to break the
database, and the token kept out of every log line even while requests fail."""

from __future__ import annotations

import asyncio
import datetime as dt
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.sandbox.server import Sandbox
from bot.store.repository import Repository
from tests.helpers.bot import demo_repo, run_with_bot, text_of

ZHANG, LI, TOM = 9011, 9002, 9022
USERS = ((ZHANG, "张伟", "zh"), (LI, "李娜", "zh"), (TOM, "Tom", "en"))
NOON = dt.datetime(2026, 3, 18, 4, 0, tzinfo=dt.UTC)
BOT_RUN = (sys.executable, "-m", "bot", "run")
MARKUP = '<script>alert(1)</script><b>粗</b><a href="http://evil.example">点我</a>&amp;'


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    return demo_repo(tmp_path / "bot.db")


def _no_markup_from_users(message: dict[str, Any]) -> None:
    plain = str(message.get("plain_text"))
    entities = message.get("entities") or []
    assert not any(e.get("type") in ("text_link", "url") for e in entities), message
    for entity in entities:  # the bot's own bold titles are fine; the rep's 粗 is not bold
        covered = plain[entity["offset"] : entity["offset"] + entity["length"]]
        assert "粗" not in covered or entity["type"] not in ("bold", "italic"), message


def test_markup_in_a_blocker_reaches_the_rep_and_the_lead_as_plain_text(
    repo: Repository,
) -> None:
    async def body(sandbox: Sandbox) -> None:
        sandbox.send_text(ZHANG, f"拜访3家，成交1单。问题：{MARKUP}")
        reply = await sandbox.next_message(ZHANG, timeout=10)
        assert "✅" in text_of(reply)
        _no_markup_from_users(reply)
        sandbox.send_command(LI, "blockers")
        await asyncio.sleep(1.5)  # the lead's list, and any alert about the blocker
        seen = [m for m in sandbox.bot_messages(LI) if "粗" in str(m.get("plain_text"))]
        assert seen, [m.get("plain_text") for m in sandbox.bot_messages(LI)]
        for message in sandbox.bot_messages(LI) + sandbox.bot_messages(ZHANG):
            _no_markup_from_users(message)
        assert any("<script>" in str(m.get("plain_text")) for m in seen)  # shown, not run

    run_with_bot(repo, USERS, body, now=lambda: NOON)


CRAFTED = [
    "'; DROP TABLE reports; -- 拜访3家",
    'Visited 3 stores"); DELETE FROM people; --',
    "拜访3家\x00成交1单",
    "\x00",
    "拜访" + "9" * 400 + "家",
    "拜访3家，" + "很" * 4000,
    "Visited 3 stores \ud800 orders \udfff",
    "\ufeff\u202e拜访3家\u200d",
    "%s %d {0} {name} $(rm -rf /) `id`",
]


def test_crafted_text_is_answered_and_leaves_the_database_sound(repo: Repository) -> None:
    before = repo.db.conn.execute("SELECT count(*) FROM people").fetchone()[0]

    async def body(sandbox: Sandbox) -> None:
        for text in CRAFTED:
            sandbox.send_text(TOM, text)
            answer = text_of(await sandbox.next_message(TOM, timeout=10))
            assert answer.strip() and "Traceback" not in answer and len(answer) < 4096

    run_with_bot(repo, USERS, body, now=lambda: NOON)
    conn = repo.db.conn
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM people").fetchone()[0] == before
    assert conn.execute("SELECT count(*) FROM inbox WHERE status != 'done'").fetchone()[0] == 0
    texts = [r[0] for r in conn.execute("SELECT raw_text FROM reports WHERE person_id = 'tom'")]
    assert all(len(t) <= 4096 for t in texts)


def test_the_token_stays_out_of_the_log_while_requests_fail(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    demo_repo(db).db.close()
    log = tmp_path / "bot.log"

    async def main() -> None:
        async with Sandbox() as sandbox:
            sandbox.add_user(TOM, "Tom", language_code="en")
            token = sandbox.token
            sandbox.fail_next(4, 500, methods=["sendMessage"])
            sandbox.drop_next(2, methods=["sendMessage"])
            with log.open("wb") as out:
                bot = subprocess.Popen(
                    [*BOT_RUN, "--db", str(db), "--token", token, "--api-url", sandbox.base_url],
                    stdout=out,
                    stderr=out,
                )
            try:
                sandbox.send_text(TOM, "Visited 3 stores, 1 order")
                sandbox.send_text(TOM, "/nonsense")
                # both are answered; a retried reply may arrive after the next one
                first = await sandbox.next_message(TOM, timeout=30)
                second = await sandbox.next_message(TOM, timeout=30)
                assert any("✅" in text_of(m) for m in (first, second))
            finally:
                bot.send_signal(signal.SIGTERM)
                for _ in range(200):
                    if bot.poll() is not None:
                        break
                    await asyncio.sleep(0.05)
                else:
                    bot.kill()
            text = log.read_text("utf-8", "replace")
            assert "retrying" in text  # the failures did happen and were logged …
            assert token not in text  # … without the token
            assert token.split(":", 1)[1] not in text

    asyncio.run(main())


UPLOADS = [
    (b"person,metric,period,value\nmike,sales,2026-03,1\namy,sales,2026-03,1\n", "plan.csv"),
    (b"PK\x03\x04" + b"\x00" * 200, "plan.xlsx"),  # a broken workbook
    (b"\x00\xff" * 5000, "../../etc/passwd"),
    ("名字,目标\n<b>x</b>,'; DROP TABLE targets; --\n".encode(), "计划.csv"),
]


def test_uploaded_files_cannot_touch_another_team(repo: Repository) -> None:
    """A rep's and a lead's uploads (another team's people, broken files, odd names):
    a short answer each, and the other team's targets unchanged."""
    south = sorted(map(repr, repo.targets(team_id="south")))
    south += sorted(repr(t) for p in ("mike", "amy", "tom") for t in repo.targets(person_id=p))

    async def body(sandbox: Sandbox) -> None:
        for uid in (ZHANG, LI):
            for content, name in UPLOADS:
                sandbox.send_document(uid, content, name, mime_type="text/csv")
                answer = text_of(await sandbox.next_message(uid, timeout=10))
                assert answer.strip() and "Traceback" not in answer
                for message in sandbox.bot_messages(uid):
                    for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
                        for button in row:  # press whatever it offers: Store included
                            data = button.get("callback_data")
                            if data:
                                sandbox.press_button(uid, message["message_id"], data)
                await asyncio.sleep(0.3)

    run_with_bot(repo, USERS, body, now=lambda: NOON)
    after = sorted(map(repr, repo.targets(team_id="south")))
    after += sorted(repr(t) for p in ("mike", "amy", "tom") for t in repo.targets(person_id=p))
    assert after == south
