"""Hostile and careless input to the bot: each gets a short answer, nothing garbage is
stored, markup from one person never reaches another as markup."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.app import BotSettings, build_application, run_bot
from bot.inbox import Inbox
from bot.sandbox.server import Sandbox
from bot.store.repository import Repository
from tests.helpers.bot import Body, demo_repo, free_port, run_with_bot, text_of

ZHANG, MANAGER, TOM, LEAD_MIKE, ADMIN, NEW_LEAD = 9011, 9001, 9022, 9003, 424242, 737373
NOON = dt.datetime(2026, 3, 18, 4, 0, tzinfo=dt.UTC)


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    return demo_repo(tmp_path / "bot.db")


USERS = (
    (ZHANG, "张伟", "zh"),
    (MANAGER, "王强", "zh"),
    (TOM, "Tom", "en"),
    (LEAD_MIKE, "Mike", "en"),
    (ADMIN, "Ada", "en"),
    (NEW_LEAD, "Lena", "en"),
)


def _live(repo: Repository, body: Body) -> None:
    run_with_bot(repo, USERS, body, now=lambda: NOON)


def _telegram_reports(repo: Repository, person: str) -> list[Any]:
    rows = repo.reports_between(
        [person], dt.date(2000, 1, 1), dt.date(2999, 1, 1), include_withdrawn=True
    )
    return [r for r in rows if r.source == "telegram"]


def test_garbage_is_answered_not_stored(repo: Repository) -> None:
    async def body(sandbox: Sandbox) -> None:
        for junk in ("😀😀👍", ".", "\u200b\u00a0"):
            sandbox.send_text(ZHANG, junk)
            assert "日报" in text_of(await sandbox.next_message(ZHANG, timeout=10))
        # a rep's question about the team is refused with the reason (issue 6), not stored
        sandbox.send_text(ZHANG, "How are we doing this month?")
        assert "only your own" in text_of(await sandbox.next_message(ZHANG, timeout=10))
        sandbox.send_text(MANAGER, "拜访8家，成交3单")  # a manager's text is not a report
        assert "/help" in text_of(await sandbox.next_message(MANAGER, timeout=10))

    _live(repo, body)
    assert _telegram_reports(repo, "zhang") == []
    assert _telegram_reports(repo, "wang") == []


def test_a_trip_with_figures_is_a_report_not_leave(repo: Repository) -> None:
    async def body(sandbox: Sandbox) -> None:
        sandbox.send_text(TOM, "off to Hualian 3/20: visited 6 stores, 2 orders")
        assert "saved" in text_of(await sandbox.next_message(TOM, timeout=10))

    _live(repo, body)
    assert [dict(r.metrics) for r in _telegram_reports(repo, "tom")] == [{"visits": 6, "orders": 2}]
    assert repo.events(person_id="tom", kinds=["leave"]) == []


def test_markup_in_a_name_reaches_the_lead_as_text(repo: Repository) -> None:
    tom = repo.person_by_id("tom")
    assert tom is not None
    repo.upsert_person("tom", '<a href="http://evil.example">Tom</a> <b>', "rep", team_id="south")

    async def body(sandbox: Sandbox) -> None:
        sandbox.send_text(TOM, "Visited 14 stores, no orders, sales 0")
        await sandbox.next_message(TOM, timeout=10)
        await sandbox.next_message(LEAD_MIKE, timeout=10)
        await asyncio.sleep(1.0)
        alerts = sandbox.bot_messages(LEAD_MIKE)
        about_tom = [m for m in alerts if "evil.example" in str(m.get("plain_text"))]
        assert about_tom  # sent, shown as the text it is: no 400 on bad HTML
        for message in alerts:
            assert not any(e.get("type") == "text_link" for e in message.get("entities") or [])

    _live(repo, body)


def test_an_invited_lead_leads_the_team_and_a_second_lead_is_refused(
    repo: Repository,
) -> None:
    repo.upsert_person("ada", "Ada", "admin", telegram_id=ADMIN)

    async def body(sandbox: Sandbox) -> None:
        sandbox.send_command(ADMIN, "team", "north North")
        await sandbox.next_message(ADMIN, timeout=10)
        sandbox.send_command(ADMIN, "invite", "lead north")
        link = text_of(await sandbox.next_message(ADMIN, timeout=10))
        code = re.search(r"\?start=([A-Za-z0-9_-]+)", link)
        assert code, link
        sandbox.open_start_link(NEW_LEAD, code.group(1))
        await sandbox.next_message(NEW_LEAD, timeout=10)
        sandbox.send_command(NEW_LEAD, "invite", "rep")
        assert "?start=" in text_of(await sandbox.next_message(NEW_LEAD, timeout=10))
        sandbox.send_command(ADMIN, "invite", "lead north")
        assert "already has a lead" in text_of(await sandbox.next_message(ADMIN, timeout=10))

    _live(repo, body)
    team = repo.team("north")
    assert team is not None
    assert team.lead_id == f"tg{NEW_LEAD}"


def test_an_unreadable_stored_update_is_set_aside(repo: Repository) -> None:
    async def main() -> None:
        async with Sandbox() as sandbox:
            settings = BotSettings(token=sandbox.token, api_url=sandbox.base_url)
            application = build_application(settings, repo)
            async with application:
                repo.inbox_put(
                    5, {"update_id": 5, "message": {"message_id": 1}}
                )  # no date, no chat
                inbox = Inbox(application, repo)
                assert await inbox.drain() == 0
                assert repo.inbox_pending() == []

    asyncio.run(main())


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--webhook-port", "9000"], "--webhook-url"),
        (["--webhook-url", "http://bot.example.com/telegram"], "https"),
        (["--webhook-url", "https://bot.example.com/t", "--webhook-port", "70000"], "--port"),
    ],
)
def test_run_refuses_bad_webhook_flags(tmp_path: Path, args: list[str], needle: str) -> None:
    token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "run",
            "--db",
            str(tmp_path / "x.db"),
            "--token",
            token,
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2
    assert needle in proc.stderr
    assert token not in proc.stderr


def test_an_unreachable_api_is_a_clear_error_without_the_token(tmp_path: Path) -> None:
    token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "run",
            "--db",
            str(tmp_path / "x.db"),
            "--token",
            token,
            "--api-url",
            "http://127.0.0.1:9",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2, proc.stderr
    assert token not in proc.stderr
    assert "Traceback" not in proc.stderr


def test_the_sandbox_will_not_replace_a_database_that_is_not_its_own(
    repo: Repository, tmp_path: Path
) -> None:
    live = tmp_path / "bot.db"
    before = live.read_bytes()
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "sandbox", "--port", str(free_port()), "--db", str(live)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2
    assert "sandbox" in proc.stderr
    assert live.read_bytes() == before


def test_an_edit_keeps_the_report_on_its_day_and_a_withdrawn_one_stays_withdrawn(
    repo: Repository,
) -> None:
    clock = {"now": NOON - dt.timedelta(days=1)}  # sent on 17 March

    async def run() -> None:
        async with Sandbox() as sandbox:
            sandbox.add_user(TOM, "Tom", language_code="en")
            stop = asyncio.Event()
            settings = BotSettings(token=sandbox.token, api_url=sandbox.base_url, poll_timeout=1)
            task = asyncio.create_task(run_bot(settings, repo, stop, now=lambda: clock["now"]))
            try:
                sent = sandbox.send_text(TOM, "Visited 6 stores, 1 order")
                reply = await sandbox.next_message(TOM, timeout=10)
                clock["now"] = NOON  # edited the next day
                sandbox.edit_text(TOM, sent["message_id"], "Visited 7 stores, 1 order")
                assert "updated" in text_of(await sandbox.next_message(TOM, timeout=10))
                data = reply["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
                query = sandbox.press_button(TOM, reply["message_id"], data=data)
                await sandbox.wait_for_answer(query["id"], timeout=10)
                sandbox.edit_text(TOM, sent["message_id"], "Visited 9 stores, 1 order")
                assert "withdrawn" in text_of(await sandbox.next_message(TOM, timeout=10))
                sandbox.send_photo(
                    TOM, b"not really a picture", caption="Visited 5 stores, 2 orders"
                )
                assert "saved" in text_of(await sandbox.next_message(TOM, timeout=10))
            finally:
                stop.set()
                await asyncio.wait_for(task, timeout=15)

    asyncio.run(run())
    reports = _telegram_reports(repo, "tom")
    edited = next(r for r in reports if r.withdrawn)
    assert edited.report_date == dt.date(2026, 3, 17)
    assert dict(edited.metrics) == {"visits": 7, "orders": 1}
    assert any(dict(r.metrics) == {"visits": 5, "orders": 2} for r in reports)
