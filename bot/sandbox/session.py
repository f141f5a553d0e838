"""`execoach sandbox`: the product with no Telegram account.

The local Bot API server, the real bot connected to it over loopback HTTP, and
the demo organisation in a fresh database; every demo person with a Telegram
id is a sandbox user you can act as through the control interface.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import signal
from pathlib import Path
from typing import TYPE_CHECKING

from bot.i18n import Lang, t
from bot.store.repository import Repository

if TYPE_CHECKING:
    from bot.clock import MovableClock
    from bot.sandbox.page import ChatPage
    from bot.sandbox.server import Sandbox

DEFAULT_DB = Path("data") / "sandbox.db"
MARKER = "sandbox:marker"


class SandboxDbError(ValueError):
    """The --db file holds something other than a sandbox's database."""


class PagePortError(OSError):
    """The chat page's port is taken."""


def _fresh_database(db_path: Path) -> Repository:
    """A new sandbox database; an existing file is replaced only if it was a sandbox's."""
    from bot.store.db import StoreError, open_db, open_readonly

    if db_path.exists():
        try:
            old = Repository(open_readonly(db_path))
            mine = any(e.source_key == MARKER for e in old.events(kinds=["sandbox"]))
            old.db.close()
        except StoreError:
            mine = False
        if not mine:
            raise SandboxDbError(str(db_path))
    for suffix in ("", "-wal", "-shm"):  # a fresh demo every time
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    return Repository(open_db(db_path))


async def run_sandbox(
    port: int,
    db_path: Path,
    lang: Lang,
    stop: asyncio.Event | None = None,
    *,
    page_port: int = 0,
) -> None:
    """Runs the sandbox, the bot on the demo organisation and the chat page (on
    `page_port`, 0: any free port) until `stop` (or Ctrl-C)."""
    from bot.clock import MovableClock
    from bot.demo import bundled_scenario
    from bot.sandbox.page import ChatPage, follow_clock
    from bot.sandbox.server import Sandbox
    from bot.scenario import load_scenario
    from bot.store.importer import import_scenario

    scenario = load_scenario(bundled_scenario())
    sandbox = Sandbox(port)
    await sandbox.start()  # the port first: a second sandbox must not touch the first one's files
    try:
        repo = _fresh_database(db_path)
    except SandboxDbError:
        await sandbox.stop()
        raise
    import_scenario(repo, scenario)
    repo.add_event("sandbox", scenario.today, text="execoach sandbox", source_key=MARKER)
    # the demo's own day (its reports are from March 2026), so the coaching shows;
    # the page moves this clock forward (reminders, the Monday digest)
    clock = MovableClock(dt.datetime.combine(scenario.today, dt.time(4, 0), dt.UTC))
    follow_clock(sandbox, clock)  # message dates follow the bot's clock
    page = ChatPage(sandbox, repo, clock)
    try:
        await page.start(page_port)
    except OSError as exc:
        await sandbox.stop()
        raise PagePortError(exc.errno, exc.strerror) from exc

    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    try:
        await _serve(sandbox, repo, clock, page, db_path, lang, stop)
    finally:
        await page.stop()


async def _serve(
    sandbox: Sandbox,
    repo: Repository,
    clock: MovableClock,
    page: ChatPage,
    db_path: Path,
    lang: Lang,
    stop: asyncio.Event,
) -> None:
    from bot.app import BotSettings, run_bot

    async with sandbox:
        people = [p for p in repo.people() if p.telegram_id]
        for person in people:
            assert person.telegram_id is not None
            sandbox.add_user(person.telegram_id, person.name, language_code=person.lang)
        settings = BotSettings(token=sandbox.token, api_url=sandbox.base_url, poll_timeout=5)
        bot = asyncio.create_task(run_bot(settings, repo, stop, clock=clock))
        rep = next((p for p in people if p.role == "rep" and p.lang == lang), people[0])
        text = (
            "拜访8家，成交3单，销售额2.5万。明天：回访华联"
            if lang == "zh"
            else "Visited 7 stores, 2 orders, sales 15k. Tomorrow: call Hualian"
        )
        send = json.dumps({"user_id": rep.telegram_id, "text": text}, ensure_ascii=False)
        lines = [
            t("sandbox.open_page", lang, url=page.url),
            t("sandbox.ready", lang, url=sandbox.url, db=str(db_path)),
            t(
                "sandbox.people",
                lang,
                people=", ".join(f"{p.name} ({p.role}, {p.telegram_id})" for p in people),
            ),
            t("sandbox.send", lang),
            f"  curl -s {sandbox.url}/control/send_text -H 'Content-Type: application/json' -d '{send}'",
            t("sandbox.read", lang),
            f"  curl -s '{sandbox.url}/control/last_bot_message?chat_id={rep.telegram_id}'",
            t("sandbox.stop", lang),
        ]
        print("\n".join(lines), flush=True)
        await stop.wait()
        await asyncio.wait_for(bot, timeout=20)
