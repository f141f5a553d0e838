"""The bot under load through the sandbox (issue 4): N reps each send a report within
a few seconds; every report must be stored and answered, and the bot's own time per
report (taking the update from the inbox → reply sent) should stay under 50 ms at p99.

Usage: .venv/bin/python bench/bot_load.py [REPS] [SECONDS] [--limits]
  --limits switches Telegram's sending limits on in the sandbox (replies then wait
  for the rate limiter; the bot's own time is then not meaningful, only completeness).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.org import organisation
from bot.app import BotSettings, run_bot
from bot.inbox import Inbox
from bot.sandbox.server import Sandbox
from bot.scenario import load_scenario
from bot.store.db import open_db
from bot.store.importer import import_scenario
from bot.store.repository import Repository

NOON = dt.datetime(2026, 3, 18, 4, 0, tzinfo=dt.UTC)


async def main(reps: int, seconds: float, limits: bool) -> None:
    folder = Path(tempfile.mkdtemp())
    scenario_file = folder / "org.json"
    org = organisation(reps, start=dt.date(2026, 3, 2))
    scenario_file.write_text(json.dumps(org, ensure_ascii=False), "utf-8")
    db = folder / "bot.db"
    repo = Repository(open_db(db))
    import_scenario(repo, load_scenario(scenario_file))
    holder: list[Inbox] = []
    async with Sandbox(rate_limits=limits) as sandbox:
        people = [p for p in org["people"] if p.get("telegram_id")]
        for person in people:
            sandbox.add_user(person["telegram_id"], person["name"], language_code=person["lang"])
        stop = asyncio.Event()
        settings = BotSettings(token=sandbox.token, api_url=sandbox.base_url, poll_timeout=1)
        task = asyncio.create_task(
            run_bot(settings, repo, stop, now=lambda: NOON, on_inbox=holder.append)
        )
        await asyncio.sleep(1.0)
        started = time.perf_counter()
        for i, person in enumerate(people):
            text = (
                "拜访8家，成交3单，销售额2.5万。明天：回访华联"
                if person["lang"] == "zh"
                else "Visited 7 stores, 2 orders, sales 15k. Tomorrow: call Hualian"
            )
            sandbox.send_text(person["telegram_id"], text)
            await asyncio.sleep(
                max(0.0, started + seconds * (i + 1) / len(people) - time.perf_counter())
            )
        sent_in = time.perf_counter() - started

        def stored() -> int:
            with sqlite3.connect(db) as conn:
                return int(
                    conn.execute(
                        "SELECT count(*) FROM reports WHERE source = 'telegram'"
                    ).fetchone()[0]
                )

        def answered() -> int:
            return sum(
                1
                for p in people
                if any(
                    "✅" in str(m.get("plain_text")) for m in sandbox.bot_messages(p["telegram_id"])
                )
            )

        deadline = time.perf_counter() + 120
        while (
            stored() < len(people) or answered() < len(people)
        ) and time.perf_counter() < deadline:
            await asyncio.sleep(0.2)
        done_in = time.perf_counter() - started
        stop.set()
        await asyncio.wait_for(task, timeout=30)
    timings = sorted(holder[0].timings) if holder else []
    reports = timings

    def q(p: float) -> float:
        return reports[int(p * (len(reports) - 1))] * 1000 if reports else float("nan")

    print(
        f"bot load: {len(people)} reps, sent in {sent_in:.1f} s, limits {'on' if limits else 'off'}: "
        f"stored {stored()}/{len(people)}, answered {answered()}/{len(people)}, all done in {done_in:.1f} s"
    )
    print(
        f"bot's own time per update: p50 {q(0.5):.1f} ms, p95 {q(0.95):.1f} ms, p99 {q(0.99):.1f} ms, "
        f"max {q(1.0):.1f} ms, mean {statistics.mean(reports) * 1000 if reports else float('nan'):.1f} ms"
    )


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    asyncio.run(
        main(
            int(args[0]) if args else 200,
            float(args[1]) if len(args) > 1 else 10.0,
            "--limits" in sys.argv,
        )
    )
