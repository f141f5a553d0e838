"""`execoach sandbox` running in a background thread, for tests of its chat page."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.sandbox.session import run_sandbox
from tests.helpers.bot import free_port


@dataclass(frozen=True)
class RunningSandbox:
    """Where the page and the Bot API of a running sandbox listen."""

    page_url: str
    api_url: str


def http(
    url: str,
    body: Any = None,
    *,
    raw: bytes | None = None,
    content_type: str = "application/json",
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, Any]]:
    """GET (or POST `body` as JSON / `raw` bytes) and return the status and the JSON answer."""
    data = raw if raw is not None else None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        url, data=data, headers={"Content-Type": content_type, **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@contextlib.contextmanager
def running_sandbox(folder: Path) -> Iterator[RunningSandbox]:
    """Runs `execoach sandbox` (Bot API, bot, demo, page) until the block ends."""
    page_port, api_port = free_port(), free_port()
    ready = threading.Event()
    loop_box: dict[str, Any] = {}
    failure: list[BaseException] = []

    def main() -> None:
        async def run() -> None:
            stop = asyncio.Event()
            loop_box["loop"], loop_box["stop"] = asyncio.get_running_loop(), stop
            ready.set()
            await run_sandbox(api_port, folder / "sandbox.db", "en", stop, page_port=page_port)

        try:
            asyncio.run(run())
        except BaseException as exc:  # reported to the test below
            failure.append(exc)
            ready.set()

    thread = threading.Thread(target=main, name="sandbox", daemon=True)
    thread.start()
    ready.wait(10)
    page_url = f"http://127.0.0.1:{page_port}"
    deadline = time.monotonic() + 20
    while not failure:
        with contextlib.suppress(OSError, ValueError):
            status, people = http(f"{page_url}/api/people")
            if status == 200 and people["people"]:
                break
        if time.monotonic() > deadline:
            raise TimeoutError("the sandbox's page did not come up")
        time.sleep(0.1)
    if failure:
        raise failure[0]
    try:
        yield RunningSandbox(page_url, f"http://127.0.0.1:{api_port}")
    finally:
        loop_box["loop"].call_soon_threadsafe(loop_box["stop"].set)
        thread.join(30)


def wait_for(check: Any, timeout: float = 10.0, what: str = "condition") -> Any:
    """Calls `check()` until it returns something truthy; raises TimeoutError after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise TimeoutError(f"no {what} within {timeout} s")
        time.sleep(0.1)
