"""The weekly digest at scale (issue 5).

1. A manager of 20 teams / 400 reps with a quarter of history: the digest built,
   rendered (both languages) and its chart drawn — target under 2 s.
2. 100 digests sent through the local sandbox with Telegram's limits on (30 messages
   a second overall, about one a second per chat): the time taken against the least
   the limits allow, and how many 429s the sandbox answered.
3. How long the event loop is held up meanwhile (what a rep's report would wait
   before the bot could start on it): a probe asks to wake every 10 ms and notes
   how late it woke, while the manager's digest is built on the loop
   (`build_digest_async`, as /digest and the scheduler do) and while the 100
   digests are built and delivered.

    .venv/bin/python bench/digest_speed.py [--reps 400] [--send 100]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.org import organisation
from bot.digest.build import build_digest, build_digest_async, last_complete_week
from bot.digest.chart import render_chart
from bot.digest.render import render_digest
from bot.plans import Period
from bot.scenario import load_scenario
from bot.store.db import open_db
from bot.store.importer import import_scenario
from bot.store.repository import Repository


def regrouped(reps: int, team_size: int, lead_ids: bool = False) -> dict[str, Any]:
    """bench.org's organisation, with its reps in teams of `team_size`."""
    data = organisation(reps)
    teams = (reps + team_size - 1) // team_size
    people = [p for p in data["people"] if p["role"] != "lead"]
    for p in people:
        if p["role"] == "rep":
            p["team"] = f"t{int(p['id'][1:]) // team_size}"
    data["teams"] = []
    for t in range(teams):
        lead: dict[str, Any] = {
            "id": f"lead{t}",
            "name": f"组长{t}",
            "role": "lead",
            "team": f"t{t}",
            "lang": "zh" if t % 2 else "en",
        }
        if lead_ids:
            lead["telegram_id"] = 500_000 + t
        people.append(lead)
        data["teams"].append(
            {"id": f"t{t}", "name": f"Team {t}", "lead": f"lead{t}", "manager": "boss"}
        )
    data["people"] = people
    data["events"] = [
        e for e in data["events"] if e.get("team", "t0") in {t["id"] for t in data["teams"]}
    ]
    return data


def load(data: dict[str, Any], folder: Path, name: str) -> Repository:
    path = folder / f"{name}.json"
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    repo = Repository(open_db(folder / f"{name}.db"))
    import_scenario(repo, load_scenario(str(path)))
    return repo


class LoopProbe:
    """Wakes every `every` seconds and records how late each wake-up was."""

    def __init__(self, every: float = 0.01) -> None:
        self.every = every
        self.lags: list[float] = []
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            asked = loop.time()
            await asyncio.sleep(self.every)
            self.lags.append(loop.time() - asked - self.every)

    def __enter__(self) -> LoopProbe:
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    def __exit__(self, *_: object) -> None:
        if self._task is not None:
            self._task.cancel()

    def summary(self) -> str:
        if not self.lags:
            return "no wake-ups"
        lags = sorted(self.lags)
        p99 = lags[min(len(lags) - 1, int(len(lags) * 0.99))]
        return (
            f"loop lag p50 {lags[len(lags) // 2] * 1000:.1f} / p99 {p99 * 1000:.1f} / "
            f"max {lags[-1] * 1000:.1f} ms ({len(lags)} wake-ups)"
        )


def bench_build(folder: Path, reps: int) -> None:
    repo = load(regrouped(reps, 20), folder, "manager")
    today = dt.date(2026, 3, 18)
    week = last_complete_week(today)
    runs = []
    for _ in range(3):
        began = time.perf_counter()
        digest = build_digest(repo, "boss", week, today)
        built = time.perf_counter()
        messages = render_digest(digest, "zh") + render_digest(digest, "en")
        rendered = time.perf_counter()
        png = render_chart(digest, "zh") or b""
        done = time.perf_counter()
        runs.append((built - began, rendered - built, done - rendered, done - began))
    best = min(runs, key=lambda r: r[3])
    print(
        f"manager of {len(digest.teams)} teams / {sum(len(s.rows) for s in digest.teams)} reps, "
        f"{week}: build {best[0]:.2f} s, render (zh+en, {len(messages)} messages) "
        f"{best[1] * 1000:.0f} ms, chart {best[2] * 1000:.0f} ms ({len(png) // 1024} KB), "
        f"total {best[3]:.2f} s (first run {runs[0][3]:.2f} s)"
    )

    async def on_loop() -> None:
        await asyncio.sleep(0.05)
        with LoopProbe() as probe:
            began = time.perf_counter()
            await build_digest_async(repo, "boss", week, today)
            took = time.perf_counter() - began
            await asyncio.sleep(0.02)
        print(
            f"the same built on the event loop (build_digest_async) in {took:.2f} s: "
            + probe.summary()
        )

    asyncio.run(on_loop())


async def bench_send(folder: Path, count: int = 100) -> None:
    from bot.app import BotSettings, build_application
    from bot.digest.send import CONCURRENT, deliver, prepare
    from bot.sandbox.server import Sandbox

    repo = load(regrouped(count * 5, 5, lead_ids=True), folder, "send")
    week = Period.parse("2026-W11")
    now = dt.datetime(2026, 3, 16, 1, 0, tzinfo=dt.UTC)
    leads = [p for p in repo.people() if p.role == "lead"][:count]
    async with Sandbox(rate_limits=True) as sandbox:
        for lead in leads:
            sandbox.add_user(int(lead.telegram_id or 0), lead.name, language_code="zh")
        settings = BotSettings(token=sandbox.token, api_url=sandbox.base_url)
        application = build_application(settings, repo, now=lambda: now)
        async with application:
            with LoopProbe() as building:
                began = time.perf_counter()
                prepared = [item for p in leads if (item := await prepare(repo, p, week, now))]
                built = time.perf_counter() - began
            gate = asyncio.Semaphore(CONCURRENT)

            async def one(item: Any) -> bool:
                async with gate:
                    return await deliver(application.bot, repo, item, now)

            with LoopProbe() as delivering:
                began = time.perf_counter()
                sent = sum(await asyncio.gather(*(one(item) for item in prepared)))
                took = time.perf_counter() - began
        calls = sandbox.calls()
    sends = [c for c in calls if c["method"].lower() in ("sendmessage", "sendphoto")]
    refused = sum(1 for c in sends if c.get("status") == 429)
    delivered = sum(1 for c in sends if c.get("status") == 200)
    floor = delivered / 25.0
    print(f"{len(prepared)} lead digests claimed, built, rendered and charted in {built:.1f} s")
    print(f"  while building: {building.summary()}")
    print(
        f"{sent}/{count} digests delivered ({delivered} messages incl. charts) in {took:.1f} s; "
        f"the limits allow it in no less than {floor:.1f} s (25/s, the digests' share of Telegram's 30/s); 429 answers: {refused}"
    )
    print(f"  while delivering: {delivering.summary()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=400, help="the manager's reps (teams of 20)")
    parser.add_argument("--send", type=int, default=100, help="lead digests to send (0: none)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        bench_build(folder, args.reps)
        if args.send > 0:
            asyncio.run(bench_send(folder, args.send))


if __name__ == "__main__":
    main()
