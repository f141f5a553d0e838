"""Invite codes under attack: reused, guessed (and throttled while guessing), expired,
and a newcomer trying to invite themselves higher or into another team."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from pathlib import Path

import pytest

from bot.i18n import t
from bot.sandbox.server import Sandbox
from tests.helpers.bot import demo_repo, run_with_bot, text_of

LI, MALLORY, EVE, GUESSER = 9002, 5550001, 5550002, 5550003
NOON = dt.datetime(2026, 3, 18, 4, 0, tzinfo=dt.UTC)  # the bot's clock: no reminder meanwhile
USERS = (
    (LI, "李娜", "zh"),
    (MALLORY, "Mallory", "en"),
    (EVE, "Eve", "en"),
    (GUESSER, "Guesser", "en"),
)


def test_an_invite_is_used_once_and_gives_no_more_than_it_says(tmp_path: Path) -> None:
    repo = demo_repo(tmp_path / "bot.db")
    past = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    repo.create_invite("expiredCODEexpired1", "lead", "south", "wang", past)

    async def body(sandbox: Sandbox) -> None:
        sandbox.send_command(LI, "invite", "rep")
        link = text_of(await sandbox.next_message(LI, timeout=10))
        found = re.search(r"\?start=([A-Za-z0-9_-]+)", link)
        assert found, link
        code = found.group(1)
        assert len(code) >= 16  # 96 random bits: not guessable
        sandbox.open_start_link(MALLORY, code)
        await sandbox.next_message(MALLORY, timeout=10)
        assert repo.person_by_telegram_id(MALLORY) is not None
        sandbox.open_start_link(EVE, code)  # the same link, someone else
        assert text_of(await sandbox.next_message(EVE, timeout=10)) == t("bot.invite.invalid", "en")
        sandbox.open_start_link(EVE, "expiredCODEexpired1")
        assert text_of(await sandbox.next_message(EVE, timeout=10)) == t("bot.invite.invalid", "en")
        # the new rep tries to climb or to reach another team
        for args in ("lead south", "admin", "manager", "rep south", "lead east"):
            sandbox.send_command(MALLORY, "invite", args)
            assert "?start=" not in text_of(await sandbox.next_message(MALLORY, timeout=10))

    run_with_bot(repo, USERS, body, now=lambda: NOON)
    mallory = repo.person_by_telegram_id(MALLORY)
    assert mallory is not None and (mallory.role, mallory.team_id) == ("rep", "east")
    assert repo.person_by_telegram_id(EVE) is None
    south = repo.team("south")
    assert south is not None and south.lead_id == "mike"


def test_guessing_codes_joins_nobody_and_is_throttled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXECOACH_THROTTLE", "6/60")
    repo = demo_repo(tmp_path / "bot.db")
    future = dt.datetime.now(dt.UTC) + dt.timedelta(days=7)
    repo.create_invite("Q7ZrealCodeXy_12", "admin", None, "wang", future)
    guesses = [
        "Q7ZrealCodeXy_1",
        "Q7ZrealCodeXy_12x",
        "q7zrealcodexy_12",
        "%",
        "_",
        "Q7Z%",
        "' OR '1'='1",
        "1 OR 1=1",
        "*",
    ]
    guesses += [f"guess{n:03d}" for n in range(40 - len(guesses))]

    async def body(sandbox: Sandbox) -> None:
        for guess in guesses:
            sandbox.send_text(GUESSER, f"/start {guess}")
        invalid = t("bot.invite.invalid", "en")
        for _ in range(7):
            await sandbox.next_message(GUESSER, timeout=10)
        await asyncio.sleep(0.5)
        texts = [text_of(m) for m in sandbox.bot_messages(GUESSER)]
        assert texts.count(invalid) == 6  # the limit: 6 a minute here (30 by default) …
        assert texts[-1] == t("throttle.slow_down", "en")  # … then one polite word

    run_with_bot(repo, USERS, body, now=lambda: NOON)
    assert repo.person_by_telegram_id(GUESSER) is None
    invite = repo.invite("Q7ZrealCodeXy_12")
    assert invite is not None and invite.used_by is None
