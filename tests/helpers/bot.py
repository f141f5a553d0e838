"""Driving the real bot against the sandbox: a demo database, the bot running, people acting."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import socket
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

from bot.app import BotSettings, run_bot
from bot.clock import MovableClock
from bot.demo import bundled_scenario
from bot.sandbox.server import Sandbox
from bot.scenario import load_scenario
from bot.store.db import open_db
from bot.store.importer import import_scenario
from bot.store.repository import Repository

User = tuple[int, str, str]  # telegram id, first name, language code
Body = Callable[[Sandbox], Awaitable[None]]


def demo_repo(path: Path) -> Repository:
    """A database at `path` holding the bundled demo organisation."""
    repo = Repository(open_db(path))
    import_scenario(repo, load_scenario(bundled_scenario()))
    return repo


def text_of(message: dict[str, Any]) -> str:
    """What the person reads: the message text without its HTML tags."""
    return re.sub(r"<[^>]+>", "", str(message.get("text", "")))


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_with_bot(
    repo: Repository,
    users: Sequence[User],
    body: Body,
    *,
    now: Callable[[], dt.datetime] | None = None,
    clock: MovableClock | None = None,
) -> None:
    """Runs the sandbox with `users` and the bot on `repo`, then `body`, then stops both.

    With a movable `clock` the bot sees its time, and moving it runs the scheduler."""

    async def main() -> None:
        async with Sandbox() as sandbox:
            for uid, name, lang in users:
                sandbox.add_user(uid, name, language_code=lang)
            stop = asyncio.Event()
            settings = BotSettings(token=sandbox.token, api_url=sandbox.base_url, poll_timeout=1)
            task = asyncio.create_task(run_bot(settings, repo, stop, now=now, clock=clock))
            try:
                await body(sandbox)
            finally:
                stop.set()
                await asyncio.wait_for(task, timeout=15)

    asyncio.run(main())
