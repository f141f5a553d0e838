"""The bot under load through the sandbox (issue 8), optionally with a fault on the way.

N reps each send one report within SECONDS through the sandbox, with Telegram's
sending limits on (≈30 messages/s overall, ≈1/s per chat: the sandbox answers 429
with retry_after beyond them). The bot runs as its own process, exactly as in
production (`execoach run --api-url … --db …`), so its peak memory (VmHWM) and
its own time per update (the inbox's summary line in its log, without the waits
for rate limits and retries) are its own. Measured: every report stored exactly
once and answered exactly once, send → reply p50/p95/p99, the bot's own time,
its peak memory, the database size.

Usage:
  .venv/bin/python bench/load.py REPS [--seconds 60] [--no-limits] [--fault NAME]
  faults (bench/faults.py): api-500, api-429, api-drop, kill, db-lock, disk-full
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.faults import FAULTS, Fault, tmpfs
from bench.org import organisation
from bot.sandbox.api import METHODS
from bot.sandbox.server import Sandbox
from bot.scenario import load_scenario
from bot.store.db import open_db
from bot.store.importer import import_scenario
from bot.store.repository import Repository
from bot.store.tables import REPORTS

LEAD_IDS = 900_000
SUMMARY = re.compile(
    r"handled (\d+) updates; own time ms p50 ([\d.]+) p95 ([\d.]+) p99 ([\d.]+) max ([\d.]+)"
)


@dataclass
class Bot:
    """The bot as a separate process; restartable, killable, measured."""

    db: Path
    url: str
    token: str
    log: Path
    process: subprocess.Popen[bytes] | None = None
    peak_kb: int = 0
    starts: int = 0
    profile: str | None = None  # cProfile output of the (last) run

    def start(self) -> None:
        """Starts `execoach run` against the sandbox (its log appended to `log`)."""
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable]
                + (["-m", "cProfile", "-o", self.profile] if self.profile else [])
                + ["-m", "bot", "run", "--db", str(self.db)]
                + ["--token", self.token, "--api-url", self.url],
                stdout=out,
                stderr=out,
            )
        self.starts += 1

    def sample(self) -> None:
        """Keeps the highest VmHWM (peak resident memory) seen in this or earlier runs."""
        if self.process is None:
            return
        try:
            status = Path(f"/proc/{self.process.pid}/status").read_text()
        except OSError:
            return
        found = re.search(r"VmHWM:\s+(\d+) kB", status)
        if found:
            self.peak_kb = max(self.peak_kb, int(found.group(1)))

    async def kill(self) -> None:
        """SIGKILL: no goodbye, no summary."""
        assert self.process is not None
        self.sample()
        self.process.send_signal(signal.SIGKILL)
        await self._ended(30)

    async def stop(self) -> None:
        """SIGTERM: the bot finishes the update in hand and logs its summary."""
        if self.process is None:
            return
        self.sample()
        self.process.send_signal(signal.SIGTERM)
        await self._ended(60)

    async def _ended(self, timeout: float) -> None:
        """Waits for the process without blocking the sandbox it may still be talking to."""
        assert self.process is not None
        deadline = time.monotonic() + timeout
        while self.process.poll() is None:
            if time.monotonic() > deadline:
                self.process.kill()
            await asyncio.sleep(0.05)


@dataclass
class Watch:
    """What the sandbox saw: each reply's time per chat, the bot polling."""

    replies: dict[int, list[float]] = field(default_factory=lambda: defaultdict(list))
    polling: asyncio.Event = field(default_factory=asyncio.Event)

    def install(self) -> None:
        """Wraps the sandbox's sendMessage and getUpdates to take the times."""
        send, poll = METHODS["sendmessage"], METHODS["getupdates"]

        async def watched_send(world: Any, params: Any) -> Any:
            result = await send(world, params)
            if "✅" in str(result.get("text", "")):
                self.replies[int(result["chat"]["id"])].append(time.perf_counter())
            return result

        async def watched_poll(world: Any, params: Any) -> Any:
            self.polling.set()
            return await poll(world, params)

        METHODS["sendmessage"], METHODS["getupdates"] = watched_send, watched_poll


def local_today() -> dt.date:
    """Today in the organisation's zone (the bot process uses the real clock)."""
    return dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()


def prepare(reps: int, db: Path, digests: bool = False) -> dict[str, Any]:
    """A fresh database with `reps` reps (teams of ten, leads on Telegram, a fortnight of
    history up to today) and returns the organisation. Unless `digests`, this week's
    digests count as sent already (the evening when reps report, not Monday morning)."""
    today = local_today()
    org = organisation(reps, start=today - dt.timedelta(days=14), today=today)
    for person in org["people"]:
        if person["role"] == "lead":
            person["telegram_id"] = LEAD_IDS + int(person["id"].removeprefix("lead"))
    scenario = db.parent / "org.json"
    scenario.write_text(json.dumps(org, ensure_ascii=False), "utf-8")
    repo = Repository(open_db(db))
    import_scenario(repo, load_scenario(scenario))
    if not digests:
        from bot.scheduler import due_digests

        now = dt.datetime.now(dt.UTC)
        for person, week in due_digests(repo, now):
            claim = dt.timedelta(hours=1)
            repo.claim_digest(person.id, week.label, now, retry_after=claim, stale_after=claim)
            repo.mark_digest_sent(person.id, week.label, now)
    repo.db.close()
    return org


def report_text(rng: random.Random, lang: str) -> str:
    """A day's report with figures, now and then a blocker."""
    visits, orders, sales = rng.randint(3, 12), rng.randint(0, 4), rng.randint(5, 40)
    if lang == "zh":
        text = f"拜访{visits}家，成交{orders}单，销售额{sales / 10:.1f}万。明天：回访华联"
        return text + ("。问题：仓库发货慢" if rng.random() < 0.1 else "")
    text = f"Visited {visits} stores, {orders} orders, sales {sales}k. Tomorrow: call Hualian"
    return text + (". Blocker: finance approval pending" if rng.random() < 0.1 else "")


def counts(db: Path) -> tuple[int, int, int]:
    """Reports from Telegram: rows, distinct messages, reps with more than one."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as conn:
        rows, keys = conn.execute(
            f"SELECT count(*), count(DISTINCT source_key) FROM {REPORTS} WHERE source = 'telegram'"
        ).fetchone()
        doubled = conn.execute(
            f"SELECT count(*) FROM (SELECT person_id FROM {REPORTS} WHERE source = 'telegram' "
            "GROUP BY person_id HAVING count(*) > 1)"
        ).fetchone()[0]
    return int(rows), int(keys), int(doubled)


def quantile(values: list[float], p: float) -> float:
    """The p-quantile of `values` (nearest rank), NaN when empty."""
    ordered = sorted(values)
    return ordered[round(p * (len(ordered) - 1))] if ordered else float("nan")


async def run(
    reps: int,
    seconds: float,
    limits: bool,
    fault: Fault | None,
    profile: str | None = None,
    digests: bool = False,
) -> dict[str, Any]:
    """One load run; returns the figures."""
    with tempfile.TemporaryDirectory(prefix="execoach-load-") as tmp:
        folder = Path(tmp)
        async with tmpfs(folder / "disk", fault.disk_mb if fault else 0) as disk:
            return await _run(reps, seconds, limits, fault, disk, profile, digests)


async def _run(
    reps: int,
    seconds: float,
    limits: bool,
    fault: Fault | None,
    folder: Path,
    profile: str | None,
    digests: bool,
) -> dict[str, Any]:
    db = folder / "bot.db"
    began = time.perf_counter()
    org = prepare(reps, db, digests)
    prepared_in = time.perf_counter() - began
    rng = random.Random(8)
    watch = Watch()
    watch.install()
    log = folder.parent / "bot.log"
    async with Sandbox(rate_limits=limits) as sandbox:
        people = [p for p in org["people"] if p.get("telegram_id")]
        for person in people:
            sandbox.add_user(person["telegram_id"], person["name"], language_code=person["lang"])
        reps_ = [p for p in people if p["role"] == "rep"]
        bot = Bot(db, sandbox.base_url, sandbox.token, log, profile=profile)
        bot.start()
        await asyncio.wait_for(watch.polling.wait(), timeout=300)  # menus published, polling
        sent: dict[int, float] = {}
        started = time.perf_counter()
        trouble = asyncio.create_task(fault.run(sandbox, bot, db, seconds)) if fault else None
        for i, person in enumerate(reps_):
            sandbox.send_text(person["telegram_id"], report_text(rng, person["lang"]))
            sent[person["telegram_id"]] = time.perf_counter()
            bot.sample()
            await asyncio.sleep(max(0.0, started + seconds * (i + 1) / reps - time.perf_counter()))
        sent_in = time.perf_counter() - started
        if trouble is not None:
            await trouble
        deadline = time.perf_counter() + max(300.0, reps / 10)
        while time.perf_counter() < deadline:
            bot.sample()
            if len(watch.replies) >= reps and counts(db)[0] >= reps:
                break
            await asyncio.sleep(0.5)
        done_in = time.perf_counter() - started
        await asyncio.sleep(2.0)  # anything doubled would show by now
        await bot.stop()
    (Path(tempfile.gettempdir()) / "execoach-load-bot.log").write_bytes(log.read_bytes())
    rows, keys, doubled_reports = counts(db)
    latencies = [watch.replies[c][0] - sent[c] for c in sent if watch.replies.get(c)]
    summary = SUMMARY.findall(log.read_text("utf-8", "replace"))
    handled, p50, p95, p99, top = summary[-1] if summary else ("0", "nan", "nan", "nan", "nan")
    size = sum(Path(f"{db}{s}").stat().st_size for s in ("", "-wal") if Path(f"{db}{s}").exists())
    return {
        "reps": reps,
        "seconds": seconds,
        "limits": limits,
        "fault": fault.name if fault else None,
        "digests": digests,
        "fault_note": fault.note if fault else "",
        "prepared_s": round(prepared_in, 1),
        "sent_in_s": round(sent_in, 1),
        "done_in_s": round(done_in, 1),
        "stored": rows,
        "distinct": keys,
        "reps_doubled": doubled_reports,
        "answered": sum(1 for c in sent if watch.replies.get(c)),
        "answered_twice": sum(1 for c in sent if len(watch.replies.get(c, [])) > 1),
        "reply_p50_ms": round(quantile(latencies, 0.5) * 1000),
        "reply_p95_ms": round(quantile(latencies, 0.95) * 1000),
        "reply_p99_ms": round(quantile(latencies, 0.99) * 1000),
        "bot_starts": bot.starts,
        "last_run_handled": int(handled),
        "own_p50_ms": float(p50),
        "own_p95_ms": float(p95),
        "own_p99_ms": float(p99),
        "own_max_ms": float(top),
        "peak_mb": round(bot.peak_kb / 1024, 1),
        "db_mb": round(size / 1e6, 1),
        "errors_logged": log.read_text("utf-8", "replace").count(" ERROR "),
        "token_in_log": log.read_text("utf-8", "replace").count(sandbox.token.split(":")[1]),
    }


def show(r: dict[str, Any]) -> str:
    """The run as a few readable lines."""
    ok = r["stored"] == r["distinct"] == r["reps"] == r["answered"] and not (
        r["reps_doubled"] or r["answered_twice"]
    )
    return "\n".join(
        [
            f"load: {r['reps']} reps in {r['seconds']:.0f} s, limits {'on' if r['limits'] else 'off'}"
            + (f", fault {r['fault']} ({r['fault_note']})" if r["fault"] else ""),
            f"  {'OK' if ok else 'NOT OK'}: stored {r['stored']} ({r['distinct']} distinct, "
            f"{r['reps_doubled']} reps doubled), answered {r['answered']} "
            f"({r['answered_twice']} twice); sent in {r['sent_in_s']} s, all done in "
            f"{r['done_in_s']} s; bot started {r['bot_starts']}×",
            f"  send → reply: p50 {r['reply_p50_ms']} ms, p95 {r['reply_p95_ms']} ms, "
            f"p99 {r['reply_p99_ms']} ms",
            f"  bot's own time per update (last run, {r['last_run_handled']} updates): "
            f"p50 {r['own_p50_ms']} ms, p95 {r['own_p95_ms']} ms, p99 {r['own_p99_ms']} ms, "
            f"max {r['own_max_ms']} ms",
            f"  peak memory {r['peak_mb']} MB, database {r['db_mb']} MB, "
            f"errors logged {r['errors_logged']}, token in the log {r['token_in_log']}×",
        ]
    )


def main() -> None:
    """Parses the arguments, runs, prints."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("reps", type=int, nargs="?", default=1000)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--no-limits", action="store_true")
    parser.add_argument("--fault", choices=sorted(FAULTS))
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--digests", action="store_true", help="let this week's digests go out during the run"
    )
    parser.add_argument("--profile", metavar="FILE", help="run the bot under cProfile")
    args = parser.parse_args()
    os.environ.pop("TELEGRAM_BOT_TOKEN", None)
    result = asyncio.run(
        run(
            args.reps,
            args.seconds,
            not args.no_limits,
            FAULTS[args.fault] if args.fault else None,
            args.profile,
            args.digests,
        )
    )
    print(json.dumps(result) if args.json else show(result))


if __name__ == "__main__":
    main()
