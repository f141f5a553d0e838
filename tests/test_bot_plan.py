"""Targets in and out through the real bot in the sandbox: a target file sent as a document,
its preview and buttons, `/plan` and `/plan template`, and `/export`."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from bot.plans import Period, calendar_for
from bot.report_view import format_number
from bot.sandbox.server import Sandbox
from bot.store.db import open_db
from bot.store.repository import Repository
from tests.helpers.bot import run_with_bot, text_of
from tests.helpers.sheets import csv_file, not_a_spreadsheet, ten_megabytes

ZHANG, CHEN, LEAD_LI, AMY, MANAGER_WANG, STRANGER = 9011, 9012, 9002, 9021, 9001, 5555
DEMO_NOON = dt.datetime(2026, 3, 18, 4, 0, tzinfo=dt.UTC)  # Wednesday, 12:00 in Shanghai
USERS = (
    (ZHANG, "张伟", "zh"),
    (CHEN, "陈静", "zh"),
    (LEAD_LI, "李娜", "zh"),
    (AMY, "Amy", "en"),
    (MANAGER_WANG, "王强", "zh"),
    (STRANGER, "Eve", "en"),
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def repo(demo_copy: Path) -> Repository:
    return Repository(open_db(demo_copy))


def _targets(repo: Repository) -> list[tuple[Any, ...]]:
    return repo.db.conn.execute(
        "SELECT person_id, team_id, metric, period, value FROM targets ORDER BY 1, 2, 3, 4"
    ).fetchall()


async def _reply(sandbox: Sandbox, chat: int, timeout: float = 10) -> dict[str, Any]:
    """The bot's next message in a chat that answers the person, skipping the weekly digest
    the scheduler may send a lead or manager when the bot starts (its chart and its text)."""
    while True:
        message = await sandbox.next_message(chat, timeout=timeout)
        if message["kind"] == "photo" or str(message.get("plain_text") or "").startswith("📊"):
            continue
        return message


def _buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    markup = message.get("reply_markup") or {}
    return [b for row in markup.get("inline_keyboard", []) for b in row]


async def _press(
    sandbox: Sandbox, user: int, message: dict[str, Any], data: str, **kw: Any
) -> dict[str, Any]:
    query = sandbox.press_button(user, message["message_id"], data=data, **kw)
    return await sandbox.wait_for_answer(query["id"], timeout=10)


def test_a_lead_sends_targets_previews_them_and_stores_them_on_confirm(repo: Repository) -> None:
    before = _targets(repo)
    good = csv_file(
        [
            ["人员", "指标", "期间", "目标"],
            ["张伟", "销售额", "2026-04", "30万"],
            ["陈静", "拜访", "2026-Q2", 600],
        ]
    )
    bad = csv_file(
        [
            ["person", "metric", "period", "value"],
            ["zhang", "sales", "2026-04", "lots"],
            ["amy", "sales", "2026-04", 100],  # Amy is in the south team, not li's
            ["nobody", "sales", "2026-04", 100],
            ["zhang", "sales", "2026-05", 1],
            ["zhang", "sales", "2026-05", 2],
        ]
    )
    seen: dict[str, Any] = {}

    async def body(sandbox: Sandbox) -> None:
        # a file with errors: every bad row listed, no buttons, nothing stored
        sandbox.send_document(LEAD_LI, bad, "targets.csv", mime_type="text/csv")
        reply = await _reply(sandbox, LEAD_LI, timeout=10)
        text = text_of(reply)
        for row, reason in (
            (2, "不是数字"),
            (3, "不是你团队"),
            (4, "没有叫“nobody”"),
            (6, "与第 5 行重复"),
        ):
            assert f"第 {row} 行" in text and reason in text, text
        assert "什么都没保存" in text and not _buttons(reply)

        # files that are not target files at all
        for data, name, expected in (
            (ten_megabytes(), "big.csv", "上限 5 MB"),
            (not_a_spreadsheet()["pdf"], "targets.pdf", "不是表格"),
            (b"", "empty.csv", "是空的"),
            (csv_file([["人员", "指标", "期间", "目标"]]), "header.csv", "没有目标"),
        ):
            sandbox.send_document(LEAD_LI, data, name)
            assert expected in text_of(await _reply(sandbox, LEAD_LI, timeout=10)), name

        # a rep's file, and a stranger's, are refused politely
        sandbox.send_document(ZHANG, good, "mine.csv")
        refused = await _reply(sandbox, ZHANG, timeout=10)
        assert "只有组长或经理" in text_of(refused)
        sandbox.send_document(STRANGER, good, "x.csv")
        await _reply(sandbox, STRANGER, timeout=10)

        # the good file, with a caption (not read as a report): a preview with buttons
        sandbox.send_document(
            LEAD_LI, good, "四月目标.csv", caption="四月目标", mime_type="text/csv"
        )
        preview = await _reply(sandbox, LEAD_LI, timeout=10)
        text = text_of(preview)
        assert "销售额 2026-04：30万" in text and "拜访 2026-Q2：600" in text, text
        buttons = _buttons(preview)
        assert len(buttons) == 2
        seen["after_preview"] = _targets(repo)
        ok = buttons[0]["callback_data"]
        # someone else pressing it (forged) is refused and stores nothing
        answer = await _press(sandbox, ZHANG, refused, ok, forged=True)
        assert answer.get("show_alert")
        seen["after_forged"] = _targets(repo)
        answer = await _press(sandbox, LEAD_LI, preview, ok)
        assert not answer.get("show_alert")
        assert "已保存 4 个目标" in text_of(await _reply(sandbox, LEAD_LI, timeout=10))
        seen["after_confirm"] = _targets(repo)
        # the buttons are gone; a second press that raced the first stores nothing twice
        await _press(sandbox, LEAD_LI, preview, ok, forged=True)
        assert "已经保存" in text_of(await _reply(sandbox, LEAD_LI, timeout=10))

        # another file, cancelled
        sandbox.send_document(
            LEAD_LI,
            csv_file([["person", "metric", "period", "value"], ["zhao", "sales", "2026-06", 5]]),
            "t.csv",
        )
        preview = await _reply(sandbox, LEAD_LI, timeout=10)
        await _press(sandbox, LEAD_LI, preview, _buttons(preview)[1]["callback_data"])
        assert "已取消" in text_of(await _reply(sandbox, LEAD_LI, timeout=10))

    run_with_bot(repo, USERS, body, now=lambda: DEMO_NOON)
    assert seen["after_preview"] == seen["after_forged"] == before
    new = sorted(set(seen["after_confirm"]) - set(before))
    assert ("zhang", None, "sales", "2026-04", 300000) in new
    chen = [r for r in new if r[0] == "chen"]
    assert [r[3] for r in chen] == ["2026-04", "2026-05", "2026-06"] and sum(
        r[4] for r in chen
    ) == 600
    assert _targets(repo) == seen["after_confirm"]  # the cancelled file stored nothing
    assert not [
        r
        for r in repo.reports_between(["li"], dt.date(2026, 3, 1), dt.date(2026, 3, 31))
        if "四月目标" in r.raw_text
    ]


def test_plan_shows_day_week_and_month_and_the_template_comes_as_a_file(repo: Repository) -> None:
    today = DEMO_NOON.date()
    month = Period.containing("month", today)
    zhang_sales = sum(
        float(t.value)
        for t in repo.targets(person_id="zhang", metric="sales")
        if t.period == month.label
    )
    assert zhang_sales > 0
    calendar = calendar_for("mon-fri")
    workdays = calendar.workdays(month.start, month.end)
    replies: dict[str, str] = {}
    files: dict[str, bytes] = {}

    async def body(sandbox: Sandbox) -> None:
        sandbox.send_command(ZHANG, "plan")
        replies["zhang"] = text_of(await _reply(sandbox, ZHANG, timeout=10))
        sandbox.send_command(LEAD_LI, "plan")
        replies["li"] = text_of(await _reply(sandbox, LEAD_LI, timeout=10))
        sandbox.send_command(LEAD_LI, "plan", "nonsense")
        replies["word"] = text_of(await _reply(sandbox, LEAD_LI, timeout=10))
        sandbox.send_command(LEAD_LI, "plan", "template")
        message = await _reply(sandbox, LEAD_LI, timeout=10)
        files["template"] = sandbox.file_bytes(message["file_id"])
        # the template, filled as it comes, goes back in and previews without errors
        sandbox.send_document(LEAD_LI, files["template"], "template.xlsx", mime_type=XLSX)
        replies["back"] = text_of(await _reply(sandbox, LEAD_LI, timeout=10))

    run_with_bot(repo, USERS, body, now=lambda: DEMO_NOON)
    low, high = int(zhang_sales // workdays), int(-(-zhang_sales // workdays))
    line = next(x for x in replies["zhang"].splitlines() if x.startswith("销售额"))
    assert f"本月 {zhang_sales / 10000:g}万" in line, line
    day = line.split("今天 ")[1].split(" ·")[0]
    assert day in (format_number(low, "zh", money=True), format_number(high, "zh", money=True)), (
        line
    )
    for name in ("张伟", "陈静", "刘洋", "赵磊"):
        assert name in replies["li"]
    assert "团队" in replies["li"]
    assert "/plan template" in replies["word"]
    book = openpyxl.load_workbook(io.BytesIO(files["template"]))
    assert [c.value for c in book.worksheets[0][1]][:4] == ["人员", "团队", "指标", "期间"]
    assert "将保存" in replies["back"] and "读不了" not in replies["back"], replies["back"]


def test_export_sends_the_teams_files_and_a_rep_only_their_own(repo: Repository) -> None:
    got: dict[str, Any] = {}

    async def body(sandbox: Sandbox) -> None:
        sandbox.send_command(LEAD_LI, "export", "2026-03")
        docs = [await _reply(sandbox, LEAD_LI, timeout=15) for _ in range(3)]
        got["lead"] = [
            (d["message"]["document"]["file_name"], sandbox.file_bytes(d["file_id"])) for d in docs
        ]
        got["caption"] = text_of({"text": docs[0]["plain_text"]})
        sandbox.send_command(CHEN, "export", "2026-03 csv")
        docs = [await _reply(sandbox, CHEN, timeout=15) for _ in range(2)]
        got["rep"] = sandbox.file_bytes(docs[0]["file_id"])
        got["rep_caption"] = docs[0]["plain_text"]
        sandbox.send_command(MANAGER_WANG, "export", "2026-03 xlsx")
        got["manager"] = sandbox.file_bytes(
            (await _reply(sandbox, MANAGER_WANG, timeout=15))["file_id"]
        )
        sandbox.send_command(AMY, "export", "last-year")
        got["bad"] = text_of(await _reply(sandbox, AMY, timeout=10))
        sandbox.send_command(AMY, "export", "2020-01")
        got["empty"] = text_of(await _reply(sandbox, AMY, timeout=10))
        await asyncio.sleep(0)

    run_with_bot(repo, USERS, body, now=lambda: DEMO_NOON)
    names = [n for n, _ in got["lead"]]
    assert names == [
        "execoach-east-2026-03.xlsx",
        "execoach-east-2026-03-reports.csv",
        "execoach-east-2026-03-findings.csv",
    ]
    east = repo.db.conn.execute(
        "SELECT count(*) FROM reports r JOIN people p ON p.id = r.person_id WHERE p.team_id = 'east' "
        "AND r.withdrawn = 0 AND r.report_date LIKE '2026-03-%'"
    ).fetchone()[0]
    book = openpyxl.load_workbook(io.BytesIO(got["lead"][0][1]))
    assert book.worksheets[0].max_row == east + 1
    assert f"{east} 条日报" in got["caption"]
    rows = list(csv.reader(io.StringIO(got["lead"][1][1].decode("utf-8-sig"))))
    assert len(rows) == east + 1
    mine = list(csv.reader(io.StringIO(got["rep"].decode("utf-8-sig"))))
    assert len(mine) > 1 and {r[2] for r in mine[1:]} == {"chen"}
    assert "本人" in got["rep_caption"]
    everyone = repo.db.conn.execute(
        "SELECT count(*) FROM reports WHERE withdrawn = 0 AND report_date LIKE '2026-03-%'"
    ).fetchone()[0]
    assert openpyxl.load_workbook(io.BytesIO(got["manager"])).worksheets[0].max_row == everyone + 1
    assert "2026-03" in got["bad"] and "last-year" in got["bad"]
    assert "Nothing to export" in got["empty"]


def test_a_restart_between_the_preview_and_the_button_loses_nothing(repo: Repository) -> None:
    from bot.app import BotSettings, run_bot

    before = _targets(repo)
    data = csv_file([["person", "metric", "period", "value"], ["zhao", "orders", "2026-05", 40]])

    async def main() -> None:
        async with Sandbox() as sandbox:
            for uid, name, lang in USERS:
                sandbox.add_user(uid, name, language_code=lang)
            settings = BotSettings(token=sandbox.token, api_url=sandbox.base_url, poll_timeout=1)

            async def start() -> tuple[asyncio.Event, asyncio.Task[None]]:
                stop = asyncio.Event()
                task = asyncio.create_task(run_bot(settings, repo, stop, now=lambda: DEMO_NOON))
                return stop, task

            stop, task = await start()
            sandbox.send_document(LEAD_LI, data, "may.csv")
            preview = await _reply(sandbox, LEAD_LI)
            stop.set()
            await asyncio.wait_for(task, timeout=15)
            assert _targets(repo) == before
            stop, task = await start()  # a new process: the preview's buttons still work
            try:
                await _press(sandbox, LEAD_LI, preview, _buttons(preview)[0]["callback_data"])
                assert "已保存 1 个目标" in text_of(await _reply(sandbox, LEAD_LI))
            finally:
                stop.set()
                await asyncio.wait_for(task, timeout=15)

    asyncio.run(main())
    assert sorted(set(_targets(repo)) - set(before)) == [("zhao", None, "orders", "2026-05", 40)]
