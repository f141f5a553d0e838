"""Faults played during a load run (bench/load.py --fault NAME).

Each starts a third of the way into the sending and lasts a stretch:

  api-500    the Bot API answers 500 to every request for 6 s
  api-429    the Bot API answers 429 (retry_after 1) to every request for 6 s
  api-drop   the Bot API drops every connection unanswered for 6 s
  kill       the bot SIGKILLed three times (restarted a second later each time)
  db-lock    another process holds BEGIN EXCLUSIVE on the database for 8 s
             (longer than the bot's 5 s busy timeout)
  disk-full  the database lives on a small tmpfs, filled to the last byte for 6 s

Each fault is judged by the load run: every report stored exactly once and
answered, and the bot going again on its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.sandbox.server import Sandbox

STRETCH = 6.0
Action = Callable[["Sandbox", Any, Path, float], Awaitable[str]]


@dataclass(frozen=True)
class Fault:
    """A named fault: what it does during the run, and the disk it needs (MB, 0 = none)."""

    name: str
    action: Action
    disk_mb: int = 0
    note: str = ""

    async def run(self, sandbox: Sandbox, bot: Any, db: Path, seconds: float) -> str:
        """Waits a third of the sending time, then plays the fault."""
        await asyncio.sleep(seconds / 3)
        return await self.action(sandbox, bot, db, seconds)


def _failing(status: int) -> Action:
    async def act(sandbox: Sandbox, bot: Any, db: Path, seconds: float) -> str:
        sandbox.fail_next(10**9, status)
        await asyncio.sleep(STRETCH)
        sandbox.clear_faults()
        return f"{status} for {STRETCH:.0f} s"

    return act


async def _dropping(sandbox: Sandbox, bot: Any, db: Path, seconds: float) -> str:
    sandbox.set_drop_connections(True)
    await asyncio.sleep(STRETCH)
    sandbox.set_drop_connections(False)
    return f"connections dropped for {STRETCH:.0f} s"


async def _killing(sandbox: Sandbox, bot: Any, db: Path, seconds: float) -> str:
    for _ in range(3):
        await bot.kill()
        await asyncio.sleep(1.0)
        bot.start()
        await asyncio.sleep(seconds / 6)
    return "SIGKILL ×3"


LOCKER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
conn.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
"""


async def _locking(sandbox: Sandbox, bot: Any, db: Path, seconds: float) -> str:
    hold = 8.0
    locker = await asyncio.create_subprocess_exec(
        sys.executable, "-c", LOCKER, str(db), str(hold), stdout=subprocess.PIPE
    )
    assert locker.stdout is not None
    line = await locker.stdout.readline()
    await locker.wait()
    return f"BEGIN EXCLUSIVE held {hold:.0f} s" if line.startswith(b"locked") else "lock failed"


async def _filling(sandbox: Sandbox, bot: Any, db: Path, seconds: float) -> str:
    filler = db.parent / "filler"
    if not _is_tmpfs(db.parent):
        return "no tmpfs (mount not permitted): skipped"
    written = 0
    with contextlib.suppress(OSError), filler.open("wb") as out:
        chunk = b"\0" * (1 << 20)
        while True:
            out.write(chunk)
            out.flush()
            written += len(chunk)
    with contextlib.suppress(OSError), filler.open("ab") as out:  # the last few bytes
        while True:
            out.write(b"\0" * 4096)
            out.flush()
    await asyncio.sleep(STRETCH)
    filler.unlink()
    return f"tmpfs full for {STRETCH:.0f} s"


def _is_tmpfs(folder: Path) -> bool:
    mounts = Path("/proc/mounts").read_text().splitlines()
    return any(line.split()[1] == str(folder) and line.split()[2] == "tmpfs" for line in mounts)


@contextlib.asynccontextmanager
async def tmpfs(folder: Path, size_mb: int) -> AsyncIterator[Path]:
    """`folder`, a tmpfs of `size_mb` MB when asked and permitted (else a plain folder)."""
    folder.mkdir(parents=True, exist_ok=True)
    mounted = False
    if size_mb:
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs", str(folder)],
            capture_output=True,
            check=False,
        )
        mounted = done.returncode == 0
        if not mounted:
            print(f"tmpfs not mounted ({done.stderr.decode().strip()}); plain folder used")
    try:
        yield folder
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(folder)], check=False)


FAULTS: dict[str, Fault] = {
    f.name: f
    for f in (
        Fault("api-500", _failing(500), note="Bot API answers 500 for 6 s"),
        Fault("api-429", _failing(429), note="Bot API answers 429 for 6 s"),
        Fault("api-drop", _dropping, note="connections dropped for 6 s"),
        Fault("kill", _killing, note="bot SIGKILLed 3× and restarted"),
        Fault("db-lock", _locking, note="BEGIN EXCLUSIVE held 8 s by another process"),
        Fault("disk-full", _filling, disk_mb=200, note="database's tmpfs full for 6 s"),
    )
}
