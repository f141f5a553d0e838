"""Joining the bot end to end: admin from the command line, invite links, /start CODE, /lang."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.sandbox.server import Sandbox
from bot.store.db import open_db
from bot.store.repository import Repository
from tests.helpers.bot import Body, demo_repo, run_with_bot, text_of

ADMIN, NEWBIE, OTHER, LEAD_LI = 424242, 515151, 616161, 9002  # 9002: 李娜, lead of east


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "bot.db"
    demo_repo(path)
    return path


USERS = (
    (ADMIN, "Ada", "en"),
    (NEWBIE, "新人", "zh"),
    (OTHER, "Olga", "en"),
    (LEAD_LI, "李娜", "zh"),
)


def _live(repo: Repository, body: Body) -> None:
    run_with_bot(repo, USERS, body)


def test_admin_invites_a_rep_who_joins_once(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["admin", "add", str(ADMIN), "--name", "Ada", "--db", str(db_path)]) == 0
    assert "Ada" in capsys.readouterr().out
    repo = Repository(open_db(db_path))

    async def body(sandbox: Sandbox) -> None:
        sandbox.send_command(ADMIN, "invite", "rep east")
        reply = text_of(await sandbox.next_message(ADMIN, timeout=10))
        code = re.search(r"\?start=([A-Za-z0-9_-]+)", reply)
        assert code, reply
        sandbox.open_start_link(NEWBIE, code.group(1))
        assert "组" in text_of(await sandbox.next_message(NEWBIE, timeout=10))  # joined 华东一组
        sandbox.send_text(NEWBIE, "拜访6家，成交2单")
        assert "已记录" in text_of(await sandbox.next_message(NEWBIE, timeout=10))
        sandbox.open_start_link(OTHER, code.group(1))  # single use
        assert "not valid" in text_of(await sandbox.next_message(OTHER, timeout=10))

    _live(repo, body)
    newbie = repo.person_by_telegram_id(NEWBIE)
    assert newbie is not None
    assert (newbie.role, newbie.team_id) == ("rep", "east")
    assert repo.person_by_telegram_id(OTHER) is None


def test_a_lead_invites_only_to_their_own_team(db_path: Path) -> None:
    repo = Repository(open_db(db_path))

    async def body(sandbox: Sandbox) -> None:
        sandbox.send_command(LEAD_LI, "invite", "rep south")
        assert "自己的团队" in text_of(await sandbox.next_message(LEAD_LI, timeout=10))
        sandbox.send_command(LEAD_LI, "invite", "manager")
        assert "不能邀请" in text_of(await sandbox.next_message(LEAD_LI, timeout=10))
        sandbox.send_command(LEAD_LI, "invite", "rep")
        assert "?start=" in text_of(await sandbox.next_message(LEAD_LI, timeout=10))
        sandbox.send_command(OTHER, "invite", "rep east")  # a stranger
        assert "invite link" in text_of(await sandbox.next_message(OTHER, timeout=10))
        sandbox.open_start_link(OTHER, "not-a-real-code")
        assert "not valid" in text_of(await sandbox.next_message(OTHER, timeout=10))

    _live(repo, body)


def test_lang_switches_the_language(db_path: Path) -> None:
    repo = Repository(open_db(db_path))

    async def body(sandbox: Sandbox) -> None:
        sandbox.send_command(LEAD_LI, "lang", "en")
        assert "English" in text_of(await sandbox.next_message(LEAD_LI, timeout=10))
        sandbox.send_command(LEAD_LI, "lang", "fr")
        assert "/lang" in text_of(await sandbox.next_message(LEAD_LI, timeout=10))

    _live(repo, body)
    person = repo.person_by_telegram_id(LEAD_LI)
    assert person is not None
    assert person.lang == "en"


@pytest.mark.parametrize("value", ["abc", "0", "-5", "99999999999999999999999"])
def test_admin_add_refuses_bad_ids(
    db_path: Path, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    assert main(["admin", "add", value, "--db", str(db_path)]) == 2
    assert "TELEGRAM_ID" in capsys.readouterr().err


def test_an_admin_creates_a_team_and_groups_are_ignored(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["admin", "add", str(ADMIN), "--db", str(db_path)]) == 0
    capsys.readouterr()
    repo = Repository(open_db(db_path))

    async def body(sandbox: Sandbox) -> None:
        sandbox.send_command(ADMIN, "team", "north North Team")
        assert "north" in text_of(await sandbox.next_message(ADMIN, timeout=10))
        sandbox.send_command(ADMIN, "team", "north again")
        assert "exists" in text_of(await sandbox.next_message(ADMIN, timeout=10))
        sandbox.send_command(LEAD_LI, "team", "west")
        assert "经理" in text_of(await sandbox.next_message(LEAD_LI, timeout=10))
        group = sandbox.add_group(-100123, "Sales chat", members=[LEAD_LI, ADMIN])
        sandbox.send_text(LEAD_LI, "拜访8家，成交3单", chat_id=group["id"])
        sandbox.send_command(LEAD_LI, "help", chat_id=group["id"])  # commands reach bots in groups
        await asyncio.sleep(1.0)
        assert sandbox.bot_messages(group["id"]) == []

    _live(repo, body)
    team = repo.team("north")
    assert team is not None
    assert team.name == "North Team"


def test_an_error_is_reported_to_the_admins_and_the_bot_keeps_going(
    db_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.handlers.report as report_module

    assert main(["admin", "add", str(ADMIN), "--db", str(db_path)]) == 0
    capsys.readouterr()
    repo = Repository(open_db(db_path))
    calls = {"n": 0}

    def broken(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("rule base exploded")
        return []

    monkeypatch.setattr(report_module, "run_rules_for_team", broken)

    async def body(sandbox: Sandbox) -> None:
        sandbox.send_text(LEAD_LI, "拜访8家，成交3单")  # 李娜 sells too: her report hits the bug
        alert = text_of(await sandbox.next_message(ADMIN, timeout=10))
        assert "rule base exploded" in alert
        assert sandbox.token not in alert
        sandbox.send_text(LEAD_LI, "拜访9家，成交3单")  # the next one goes through
        assert "已记录" in text_of(await sandbox.next_message(LEAD_LI, timeout=10))

    _live(repo, body)
