"""`execoach sandbox`: the local Bot API, the bot and the demo organisation, working together."""

from __future__ import annotations

import asyncio
import json
import re
import urllib.request
from pathlib import Path

import pytest

from bot.cli import main
from bot.sandbox.session import run_sandbox
from tests.helpers.bot import free_port


def _call(url: str, body: dict[str, object] | None = None) -> dict[str, object]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as response:
        result: dict[str, object] = json.loads(response.read())
    return result


def test_the_sandbox_answers_a_report_sent_through_its_control_interface(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    port = free_port()

    async def scenario() -> str:
        stop = asyncio.Event()
        task = asyncio.create_task(run_sandbox(port, tmp_path / "sandbox.db", "en", stop))
        try:
            for _ in range(100):
                await asyncio.sleep(0.05)
                if "curl" in capsys.readouterr().out or task.done():
                    break
            base = f"http://127.0.0.1:{port}/control"
            await asyncio.to_thread(
                _call, f"{base}/send_text", {"user_id": 9021, "text": "Visited 7 stores, 2 orders"}
            )
            for _ in range(100):
                answer = await asyncio.to_thread(_call, f"{base}/last_bot_message?chat_id=9021")
                if answer.get("result"):
                    return str(answer["result"]["plain_text"])  # type: ignore[index]
                await asyncio.sleep(0.05)
            return ""
        finally:
            stop.set()
            await asyncio.wait_for(task, timeout=20)

    text = asyncio.run(scenario())
    assert re.search(r"visits 7", text), text
    assert "orders 2" in text


def test_a_bad_port_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sandbox", "--port", "70000"]) == 2
    assert "--port" in capsys.readouterr().err
