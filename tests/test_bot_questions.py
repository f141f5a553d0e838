"""Questions in a private chat, end to end against the sandbox: answers with buttons,
"which 静?", a forged button refused, reports still reports, "Is this your daily report?".

One bot run for the whole flow (the demo organisation, seen from its own day).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from bot.sandbox.server import Sandbox
from tests.helpers.bot import demo_repo, run_with_bot, text_of

WANG, LI, MIKE, ZHANG, AMY = 9001, 9002, 9003, 9011, 9021
DEMO_NOON = dt.datetime(2026, 3, 18, 4, 0, tzinfo=dt.UTC)  # 12:00 in Shanghai
USERS = (
    (WANG, "王强", "zh"),
    (LI, "李娜", "zh"),
    (MIKE, "Mike", "en"),
    (ZHANG, "张伟", "zh"),
    (AMY, "Amy", "en"),
)


def _buttons(message: dict[str, Any]) -> list[dict[str, str]]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [button for row in rows for button in row]


async def _reply(sandbox: Sandbox, chat: int, needle: str) -> dict[str, Any]:
    """The bot's next message in a chat that holds `needle`, passing over what else the
    bot sends meanwhile (a lead's alerts about reports, a scheduled digest)."""
    for _ in range(10):
        message = await sandbox.next_message(chat, timeout=10)
        if needle in text_of(message):
            return message
    raise AssertionError(f"no message with {needle!r} in chat {chat}")


def test_questions_in_chat(tmp_path: Path) -> None:
    repo = demo_repo(tmp_path / "bot.db")
    seen: dict[str, Any] = {}

    async def body(sandbox: Sandbox) -> None:
        # a lead asks; numbers, a bar, one next action, follow-up buttons
        sandbox.send_text(LI, "这个月进度怎么样")
        answer = await _reply(sandbox, LI, "个工作日")
        assert "▓" in text_of(answer) and "👉" in text_of(answer)
        buttons = _buttons(answer)
        assert buttons and all(len(b["callback_data"].encode()) <= 64 for b in buttons)
        behind = next(b for b in buttons if "落后" in b["text"])
        press = sandbox.press_button(LI, answer["message_id"], data=behind["callback_data"])
        await sandbox.wait_for_answer(press["id"], timeout=10)
        assert "赵磊" in text_of(await _reply(sandbox, LI, "落后计划"))
        seen["behind_data"] = behind["callback_data"]

        # a manager names someone two people could be: asked which, with buttons
        sandbox.send_text(WANG, "小静怎么样")
        which = await _reply(sandbox, WANG, "哪位")
        he = next(b for b in _buttons(which) if b["text"] == "何静")
        sandbox.press_button(WANG, which["message_id"], data=he["callback_data"])
        assert "何静" in text_of(await _reply(sandbox, WANG, "个工作日"))

        # a rep pressing a lead's button (forged data) is refused with the reason
        sandbox.send_text(AMY, "how am i doing")
        mine = await sandbox.next_message(AMY, timeout=10)
        assert "Amy Chen" in text_of(mine)
        sandbox.press_button(AMY, mine["message_id"], data=seen["behind_data"], forged=True)
        assert "只能看自己" in text_of(await sandbox.next_message(AMY, timeout=10))  # its language
        sandbox.send_text(AMY, "how is tom doing")
        assert "only your own" in text_of(await sandbox.next_message(AMY, timeout=10))

        # a rep's report with a question mark is still a report
        sandbox.send_text(ZHANG, "今天拜访8家，成交2单，销售额1.5万，明天能补货吗?")
        assert "已记录" in text_of(await sandbox.next_message(ZHANG, timeout=10))
        # a lead who sells reports too
        sandbox.send_text(LI, "拜访6家，成交2单")
        await _reply(sandbox, LI, "已记录")

        # figures and a question from a lead: asked, with a button
        sent = sandbox.send_text(LI, "张伟今天拜访8家了吗?")
        ask = await _reply(sandbox, LI, "这是你的日报吗")
        no = next(b for b in _buttons(ask) if "提问" in b["text"])
        sandbox.press_button(LI, ask["message_id"], data=no["callback_data"])
        assert "拜访" in text_of(await _reply(sandbox, LI, "张伟"))
        seen["sent"] = sent["message_id"]

        # a question nobody can read: three readings offered
        sandbox.send_text(WANG, "嗯 那个呢")  # a manager never reports: it is a question
        unclear = await _reply(sandbox, WANG, "没看懂")
        assert len(_buttons(unclear)) == 3

    run_with_bot(repo, USERS, body, now=lambda: DEMO_NOON)
    telegram = [
        r
        for pid in ("zhang", "li", "amy", "wang")
        for r in repo.reports_between([pid], dt.date(2026, 3, 1), dt.date(2026, 3, 31))
        if r.source == "telegram"
    ]
    assert sorted((r.person_id, dict(r.metrics).get("visits")) for r in telegram) == [
        ("li", 6),
        ("zhang", 8),
    ]
