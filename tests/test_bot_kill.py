"""No message lost, nothing doubled: the bot killed with SIGKILL while reports are in
flight, then restarted — every report stored exactly once and answered.

The sandbox and the bot run as separate processes, as in production: the test
acts as the reps through the sandbox's HTTP control interface.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from bot.demo import bundled_scenario
from bot.scenario import load_scenario
from bot.store.db import open_db
from bot.store.importer import import_scenario
from bot.store.repository import Repository
from tests.helpers.bot import free_port

REPS = [(9011, "张伟", "zh"), (9012, "陈静", "zh"), (9021, "Amy", "en"), (9022, "Tom", "en")]
TOKEN = "7000000001:AAsandbox-token-for-local-tests-only"
PER_REP = 6


def _control(port: int, name: str, body: dict[str, Any] | None = None, query: str = "") -> Any:
    url = f"http://127.0.0.1:{port}/control/{name}{query}"
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())["result"]


def _wait_until(check: Any, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


def _bot(port: int, db: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bot",
            "run",
            "--db",
            str(db),
            "--token",
            TOKEN,
            "--api-url",
            f"http://127.0.0.1:{port}/bot",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_sigkill_while_reports_are_in_flight_loses_and_doubles_nothing(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    import_scenario(Repository(open_db(db)), load_scenario(bundled_scenario()))
    port = free_port()
    users = [arg for uid, name, lang in REPS for arg in ("--user", f"{uid}:{name}:{lang}")]
    sandbox = subprocess.Popen(
        [sys.executable, "-m", "bot.sandbox", "--port", str(port), *users],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    bot: subprocess.Popen[bytes] | None = None
    try:
        assert _wait_until(lambda: _try(lambda: _control(port, "users")), 20), (
            "sandbox did not start"
        )
        bot = _bot(port, db)
        sent = 0
        for round_ in range(3):
            for i in range(PER_REP // 3):
                for uid, _, lang in REPS:
                    text = (
                        f"拜访{3 + i + round_}家，成交1单"
                        if lang == "zh"
                        else f"Visited {3 + i + round_} stores, 1 order"
                    )
                    _control(port, "send_text", {"user_id": uid, "text": text})
                    sent += 1
            time.sleep(0.3)
            os.kill(bot.pid, signal.SIGKILL)  # mid-flight: some stored, some not yet
            bot.wait(timeout=10)
            bot = _bot(port, db)

        def stored() -> int:
            with sqlite3.connect(db) as conn:
                return int(
                    conn.execute(
                        "SELECT count(*) FROM reports WHERE source = 'telegram'"
                    ).fetchone()[0]
                )

        assert _wait_until(lambda: stored() == sent, 60), f"stored {stored()} of {sent}"

        def answered() -> bool:
            for uid, _, _ in REPS:
                replies = _control(port, "bot_messages", query=f"?chat_id={uid}") or []
                saved = [m for m in replies if "✅" in str(m.get("plain_text") or m.get("text"))]
                if len(saved) < sent // len(REPS):
                    return False
            return True

        assert _wait_until(answered, 60), "not every report was answered"
        time.sleep(1.0)
        assert stored() == sent  # nothing doubled after the restarts settled
        with sqlite3.connect(db) as conn:
            keys = conn.execute(
                "SELECT source_key FROM reports WHERE source = 'telegram'"
            ).fetchall()
        assert len({k for (k,) in keys}) == sent
    finally:
        if bot is not None:
            bot.kill()
            bot.wait(timeout=10)
        sandbox.kill()
        sandbox.wait(timeout=10)


def _try(call: Any) -> Any:
    try:
        return call()
    except OSError:
        return None
