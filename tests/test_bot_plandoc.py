"""The plan document wizard end to end: started, answered, skipped, paused with /cancel,
the bot restarted on the same database file, resumed, finished, shared with the team —
and the share recorded as the team's plan briefing (a `training` event)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from bot.app import BotSettings, run_bot
from bot.sandbox.server import Sandbox
from bot.store.db import open_db
from bot.store.repository import Repository
from bot.store.rows import SECTION_NAMES
from knowledge.plan_parts import plan_parts
from tests.helpers.bot import Body, demo_repo, text_of
from tests.test_bot_planning import alerted, buttons, until

LI, ZHANG, CHEN, ZHAO, LIU, MIKE = 9002, 9011, 9012, 9013, 9014, 9003
DEMO_NOON = dt.datetime(2026, 3, 18, 4, 0, tzinfo=dt.UTC)
USERS = ((LI, "李娜", "zh"), (ZHANG, "张伟", "zh"), (CHEN, "陈静", "zh"), (MIKE, "Mike", "en"))


def _run_restarting(path: Path, bodies: Sequence[Body]) -> Repository:
    """One sandbox (Telegram keeps its update ids); the bot started afresh on the
    database file for each body, as a new process would be. Returns the last repository."""
    repo = demo_repo(path)

    async def main() -> Repository:
        nonlocal repo
        async with Sandbox() as sandbox:
            for uid, name, lang in USERS:
                sandbox.add_user(uid, name, language_code=lang)
            for body in bodies:
                repo.db.close()
                repo = Repository(open_db(path))
                stop = asyncio.Event()
                settings = BotSettings(
                    token=sandbox.token, api_url=sandbox.base_url, poll_timeout=1
                )
                task = asyncio.create_task(run_bot(settings, repo, stop, now=lambda: DEMO_NOON))
                try:
                    await body(sandbox)
                finally:
                    stop.set()
                    await asyncio.wait_for(task, timeout=15)
        return repo

    return asyncio.run(main())


def test_the_wizard_survives_cancel_and_a_restart_and_shares(tmp_path: Path) -> None:
    async def before_restart(sandbox: Sandbox) -> None:
        sandbox.send_command(LI, "plandoc", "garbage")
        await until(sandbox, LI, lambda s: "/plandoc status" in s)
        sandbox.send_command(ZHANG, "plandoc")  # a rep cannot
        assert "组长" in text_of(await sandbox.next_message(ZHANG, timeout=10))

        sandbox.send_command(LI, "plandoc", "2026-04")
        await until(sandbox, LI, lambda s: "2026-04" in s and "十项" in s)
        ask = await until(sandbox, LI, lambda s: "1/10" in s)
        assert "1/10" in text_of(ask) and plan_parts()[0].hint["zh"] in text_of(ask)
        sandbox.send_text(LI, "竞品降价，老客户补货周期变长")
        await until(sandbox, LI, lambda s: "已保存" in s)
        ask = await until(sandbox, LI, lambda s: "2/10" in s)
        sandbox.send_text(LI, "月销售额120万")
        ask = await until(sandbox, LI, lambda s: "3/10" in s)
        # skip the cost target; a forged skip of another part is refused
        assert await alerted(sandbox, LI, ask["message_id"], "pd:k:7")
        sandbox.press_button(LI, ask["message_id"], data=buttons(ask)[0]["callback_data"])
        await until(sandbox, LI, lambda s: "4/10" in s)
        sandbox.send_command(LI, "cancel")
        assert "第 4 项" in text_of(await until(sandbox, LI, lambda s: "暂停" in s))
        # paused: the lead's next text is not taken as a part
        sandbox.send_text(LI, "上海浦东")
        assert "已保存" not in text_of(await until(sandbox, LI, lambda s: "日报" in s))

    async def after_restart(sandbox: Sandbox) -> None:
        sandbox.send_command(LI, "plandoc", "status")
        status = text_of(await until(sandbox, LI, lambda s: "计划执行案：" in s))
        assert "还缺 8 项" in status and "费用目标" in status and "现状分析" not in status
        sandbox.send_command(LI, "plandoc")
        await until(sandbox, LI, lambda s: "继续" in s)
        await until(sandbox, LI, lambda s: "4/10" in s)
        sandbox.send_text(LI, "第4项：sales_area")
        await until(sandbox, LI, lambda s: "5/10" in s)

    async def after_another_restart(sandbox: Sandbox) -> None:
        # the wizard was running when the bot stopped: the next text is part 5
        for n, part in enumerate(SECTION_NAMES[4:], start=5):
            sandbox.send_text(LI, f"第{n}项：{part}")
            await until(sandbox, LI, lambda s: "已保存" in s)
        done = text_of(await until(sandbox, LI, lambda s: "走完" in s))
        assert "还缺 1 项" in done and "费用目标" in done
        sandbox.send_command(LI, "plandoc", "share")
        refused = await until(sandbox, LI, lambda s: "仍要发送" in s)
        sandbox.press_button(LI, refused["message_id"], data=buttons(refused)[0]["callback_data"])
        assert "2 人" in text_of(await until(sandbox, LI, lambda s: "已发给" in s))
        for rep in (ZHANG, CHEN):
            sent = text_of(await until(sandbox, rep, lambda s: "计划执行案" in s))
            assert "月销售额120万" in sent and "第10项" in sent

    repo = _run_restarting(
        tmp_path / "bot.db", [before_restart, after_restart, after_another_restart]
    )
    doc = repo.plan_document("east", "2026-04")
    assert doc is not None
    assert [s for s in SECTION_NAMES if not doc.sections.get(s)] == ["cost_target"]
    assert repo.plandoc_session("li") is None
    briefings = repo.events(kinds=["training"], start=dt.date(2026, 3, 18))
    assert [(e.team_id, e.by_id, e.date) for e in briefings] == [
        ("east", "li", dt.date(2026, 3, 18))
    ]
