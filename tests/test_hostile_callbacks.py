"""Forged button presses: for every callback prefix the bot registers (found from the
handlers themselves, so new buttons are covered the day they are added), a modified
client sends made-up data — other people's ids, huge numbers, SQL, markup, junk.
Nothing of another person or team changes, nothing crashes, no press is left hanging.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
from pathlib import Path
from re import _parser as sre  # type: ignore[attr-defined]
from typing import Any

import pytest
from telegram.ext import CallbackQueryHandler, ConversationHandler

from bot.app import BotSettings, build_application
from bot.sandbox.server import Sandbox
from bot.store.repository import Repository
from tests.helpers.bot import demo_repo, run_with_bot

ZHANG, TOM, STRANGER = 9011, 9022, 5550001
NOON = dt.datetime(2026, 3, 18, 4, 0, tzinfo=dt.UTC)
USERS = ((ZHANG, "张伟", "zh"), (TOM, "Tom", "en"), (STRANGER, "Mallory", "en"))
TOKEN = "7000000001:AAsandbox-token-for-local-tests-only"
PAYLOADS = (
    "",
    "1",
    "0",
    "-1",
    "999999999999999999999",
    "abc",
    "1:2:3",
    "mike",
    "south",
    "' OR 1=1 --",
    "<b>x</b>",
    "%00\x00",
)
WATCHED = ("people", "teams", "targets", "reports", "blockers", "invites", "events")


def _patterns(handlers: Any) -> list[re.Pattern[str]]:
    found: list[re.Pattern[str]] = []
    for handler in handlers:
        if isinstance(handler, ConversationHandler):
            nested = [*handler.entry_points, *handler.fallbacks]
            nested += [h for hs in handler.states.values() for h in hs]
            found += _patterns(nested)
        elif isinstance(handler, CallbackQueryHandler) and isinstance(handler.pattern, re.Pattern):
            found.append(handler.pattern)
    return found


def registered_patterns(repo: Repository) -> list[re.Pattern[str]]:
    """Every callback-data pattern the bot's handlers answer to."""
    application = build_application(BotSettings(token=TOKEN), repo)
    return _patterns(h for group in application.handlers.values() for h in group)


def _expand(items: Any) -> list[str]:
    """The shortest strings a parsed pattern matches, one per branch of an alternation."""
    outs = [""]
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            outs = [o + chr(arg) for o in outs]
        elif name == "SUBPATTERN":
            outs = [o + tail for o in outs for tail in _expand(arg[-1])]
        elif name == "BRANCH":
            outs = [o + tail for o in outs for branch in arg[1] for tail in _expand(branch)]
        elif name == "IN":  # every literal of a class: (qa|qk) is parsed as q[ak]
            chars = [chr(a) for o, a in arg if str(o) == "LITERAL"] or ["1"]
            outs = [o + c for o in outs for c in chars]
        elif name in ("MAX_REPEAT", "MIN_REPEAT"):
            low, _, sub = arg
            outs = [o + tail * max(low, 1) for o in outs for tail in _expand(sub)[:1]]
        elif name in ("ANY", "NOT_LITERAL"):
            outs = [o + "x" for o in outs]
        # AT (^, $) and the rest add nothing
    return outs


def prefixes(pattern: re.Pattern[str]) -> list[str]:
    """Strings that this pattern matches (its literal prefix, each branch)."""
    found = [p for p in _expand(sre.parse(pattern.pattern)) if pattern.search(p)]
    return found or [pattern.pattern.lstrip("^")]


def test_every_registered_button_prefix_is_discovered(tmp_path: Path) -> None:
    patterns = registered_patterns(demo_repo(tmp_path / "bot.db"))
    assert len(patterns) >= 4
    for pattern in patterns:
        assert all(pattern.search(p) for p in prefixes(pattern)), pattern.pattern


def _snapshot(repo: Repository, exclude: str) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for table in WATCHED:
        columns = [r[1] for r in repo.db.conn.execute(f"PRAGMA table_info({table})")]
        rows = repo.db.conn.execute(f"SELECT * FROM {table}").fetchall()
        owner = next((c for c in ("person_id", "created_by", "by_id") if c in columns), None)
        if owner is not None:
            index = columns.index(owner)
            rows = [r for r in rows if r[index] != exclude]
        out[table] = sorted(rows, key=repr)
    return out


def test_forged_button_data_changes_nothing_of_anyone_else(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("EXECOACH_THROTTLE", "0/0")  # the flood of presses is the point here
    repo = demo_repo(tmp_path / "bot.db")
    forged = sorted(
        {
            p + payload
            for pattern in registered_patterns(repo)
            for p in prefixes(pattern)
            for payload in PAYLOADS
        }
        | {"", "x" * 64, "wd:1" + "\u202e"}
    )
    before = _snapshot(repo, exclude="zhang")
    unanswered: list[str] = []

    async def body(sandbox: Sandbox) -> None:
        for uid in (ZHANG, STRANGER):
            sandbox.send_command(uid, "start")
            message = await sandbox.next_message(uid, timeout=10)
            queries = []
            for data in forged:
                press = sandbox.press_button(uid, message["message_id"], data, forged=True)
                queries.append((data, press["id"]))
            for data, query_id in queries:
                try:
                    await sandbox.wait_for_answer(query_id, timeout=20)
                except TimeoutError:
                    unanswered.append(f"{uid}:{data!r}")
        await asyncio.sleep(0.5)

    with caplog.at_level(logging.ERROR):
        run_with_bot(repo, USERS, body, now=lambda: NOON)  # noon: no reminder due meanwhile
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == []
    assert unanswered == []
    after = _snapshot(repo, exclude="zhang")
    changed = {
        table: (
            [r for r in after[table] if r not in before[table]],
            [r for r in before[table] if r not in after[table]],
        )
        for table in WATCHED
        if after[table] != before[table]
    }
    assert changed == {}
    assert repo.person_by_telegram_id(STRANGER) is None
