"""Webhook mode end to end: the sandbox POSTs updates with the secret token; the bot
stores each before answering 200, handles it, and refuses a request without the secret."""

from __future__ import annotations

import asyncio
import datetime as dt
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bot.app import BotSettings, run_bot
from bot.sandbox.server import Sandbox
from bot.store.repository import Repository
from tests.helpers.bot import demo_repo, free_port

AMY = 9021


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    return demo_repo(tmp_path / "bot.db")


def _post(url: str, secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    request = urllib.request.Request(url, data=b'{"update_id": 999999}', headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def test_webhook_mode_stores_then_answers_and_checks_the_secret(repo: Repository) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram"

    async def main() -> None:
        async with Sandbox() as sandbox:
            sandbox.add_user(AMY, "Amy", language_code="en")
            stop = asyncio.Event()
            settings = BotSettings(
                token=sandbox.token,
                api_url=sandbox.base_url,
                webhook_url=url,
                webhook_port=port,
                webhook_secret="s3cret-token",
            )
            task = asyncio.create_task(run_bot(settings, repo, stop))
            try:
                for _ in range(100):
                    await asyncio.sleep(0.05)
                    if sandbox.webhook_info().get("url") == url:
                        break
                assert await asyncio.to_thread(_post, url, None) == 403
                assert await asyncio.to_thread(_post, url, "wrong") == 403
                sandbox.send_text(AMY, "Visited 7 stores, 2 orders, sales 15k")
                reply = await sandbox.next_message(AMY, timeout=10)
                assert "saved" in str(reply.get("plain_text") or reply.get("text"))
            finally:
                stop.set()
                await asyncio.wait_for(task, timeout=15)

    asyncio.run(main())
    reports = [
        r
        for r in repo.reports_between(["amy"], dt.date(2000, 1, 1), dt.date(2999, 1, 1))
        if r.source == "telegram"
    ]
    assert len(reports) == 1
    assert all(row.update_id != 999999 for row in repo.inbox_pending())
