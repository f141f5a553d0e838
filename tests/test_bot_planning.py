"""Planning rounds end to end in the sandbox (method 1: drafts bottom-up, set top-down).

李娜 (lead of east) opens a round for April; her four reps answer in Chinese, in
English, with a button and by replying to the question; a daily report sent meanwhile
stays a report; the lead adjusts, reminds, confirms; the targets carry basis and draft;
a later change is recorded as a plan revision. A lead of another team cannot press her
buttons.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

import pytest

from bot.sandbox.server import Sandbox
from bot.store.repository import Repository
from tests.helpers.bot import demo_repo, run_with_bot, text_of

LI, ZHANG, CHEN, ZHAO, LIU, MIKE = 9002, 9011, 9012, 9013, 9014, 9003
ZHAO_NAME = "赵磊 <Z&L"  # a name that is not HTML still reaches the lead
DEMO_NOON = dt.datetime(2026, 3, 18, 4, 0, tzinfo=dt.UTC)  # 12:00 in Shanghai
USERS = (
    (LI, "李娜", "zh"),
    (ZHANG, "张伟", "zh"),
    (CHEN, "陈静", "zh"),
    (ZHAO, "赵磊", "zh"),
    (LIU, "刘洋", "zh"),
    (MIKE, "Mike", "en"),
)


async def until(
    sandbox: Sandbox, chat: int, check: Callable[[str], bool], limit: int = 8
) -> dict[str, Any]:
    """The next bot message in `chat` whose text passes `check` (skipping others)."""
    seen: list[str] = []
    for _ in range(limit):
        try:
            message = await sandbox.next_message(chat, timeout=10)
        except TimeoutError:
            raise AssertionError(f"no such message in {chat}; saw {seen}") from None
        if check(text_of(message)):
            return message
        seen.append(text_of(message))
    raise AssertionError(f"no such message in {chat}: {seen}")


async def alerted(sandbox: Sandbox, user: int, message_id: int, data: str) -> bool:
    """Presses a (possibly forged) button; True when the bot refused it with an alert."""
    query = sandbox.press_button(user, message_id, data=data, forged=True)
    return bool((await sandbox.wait_for_answer(query["id"], timeout=10)).get("show_alert"))


def buttons(message: dict[str, Any]) -> list[dict[str, str]]:
    return [b for row in message.get("reply_markup", {}).get("inline_keyboard", []) for b in row]


Played = tuple[Repository, dict[Any, Any]]


@pytest.fixture(scope="module")
def played(tmp_path_factory: pytest.TempPathFactory) -> Played:
    """One full round, played once; the tests below read what it left."""
    repo = demo_repo(Path(tmp_path_factory.mktemp("round")) / "bot.db")
    # an imported top-down number for 张伟; the others get last period's target + 10 %
    repo.upsert_target(
        person_id="zhang", metric="sales", period="2026-04", value=320000, basis="top_down"
    )
    repo.upsert_person("zhao", ZHAO_NAME, "rep", team_id="east")
    state: dict[Any, Any] = {}

    async def body(sandbox: Sandbox) -> None:
        sandbox.send_command(LI, "round")
        await until(sandbox, LI, lambda s: "2026-04" in s and "4/4" in s)
        board = await until(sandbox, LI, lambda s: "2026-04 计划" in s)
        assert "下达 32万" in text_of(board)  # 张伟's imported number
        assert "下达 24.2万" in text_of(board)  # 陈静: 22万 last period + 10 %
        asks = {
            uid: await sandbox.next_message(uid, timeout=10) for uid in (ZHANG, CHEN, ZHAO, LIU)
        }
        assert all("2026-04" in text_of(m) for m in asks.values())

        # Chinese words
        sandbox.send_text(ZHANG, "下个月我能做25万")
        assert "25万" in text_of(await until(sandbox, ZHANG, lambda s: "收到" in s))

        # a daily report meanwhile is still a report, and the question still waits
        sandbox.send_text(CHEN, "拜访8家，成交3单，销售额2.5万")
        report = await sandbox.next_message(CHEN, timeout=10)
        assert "收到" not in text_of(report)
        assert buttons(report) and buttons(report)[0]["callback_data"].startswith("wd:")
        # … then a button with a suggested value (last period's figure, +10 %, +20 %)
        values = buttons(asks[CHEN])
        assert len(values) == 3
        sandbox.press_button(CHEN, asks[CHEN]["message_id"], data=values[1]["callback_data"])
        await until(sandbox, CHEN, lambda s: "收到" in s)
        state["chen_pressed"] = float(values[1]["callback_data"].split(":")[2])

        # English words, from a rep whose language is Chinese
        sandbox.send_text(ZHAO, "I can do 280k next month")
        await until(sandbox, ZHAO, lambda s: "28万" in s)
        await until(sandbox, LI, lambda s: s.startswith(f"{escape(ZHAO_NAME)}：销售额 28万"))

        # a forged press of the lead's buttons by another team's lead is refused
        round_id = board["reply_markup"]["inline_keyboard"][-1][-1]["callback_data"].split(":")[2]
        mike = sandbox.send_text(MIKE, "hello")
        await until(sandbox, MIKE, lambda s: "report" in s)
        assert await alerted(sandbox, MIKE, mike["message_id"], f"pl:c:{round_id}")
        assert await alerted(sandbox, MIKE, mike["message_id"], f"pl:n:{round_id}")
        # … and a rep cannot answer for someone else
        chen_draft = buttons(asks[CHEN])[0]["callback_data"].split(":")[1]
        assert await alerted(sandbox, ZHANG, asks[ZHANG]["message_id"], f"pa:{chen_draft}:1")

        # the lead reminds those who have not answered
        sandbox.send_command(LI, "round", "nudge")
        reminder = await until(sandbox, LIU, lambda s: "⏰" in s)
        await until(sandbox, LI, lambda s: "已提醒 1 位" in s)
        # garbage gets a short clear message; a reply to the question is an answer
        sandbox.send_text(LIU, "asdf")
        assert "一个数" in text_of(await sandbox.next_message(LIU, timeout=10))
        sandbox.send_text(LIU, "就这么多吧 30万", reply_to=reminder["message_id"])
        await until(sandbox, LIU, lambda s: "收到" in s)

        everyone = await until(sandbox, LI, lambda s: "全员已回复" in s)
        # the lead takes the top-down number for 张伟 with a button, types one for 赵磊
        use_top = next(b for b in buttons(everyone) if b["text"].startswith("张伟：用下达"))
        sandbox.press_button(LI, everyone["message_id"], data=use_top["callback_data"])
        await sandbox.next_edit(LI, timeout=10)
        sandbox.send_text(LI, f"{ZHAO_NAME} 30万")
        adjusted = await until(sandbox, LI, lambda s: "设为" in s)
        assert adjusted["plain_text"].startswith(f"{ZHAO_NAME}：销售额 设为 30万")
        confirm = next(b for b in buttons(adjusted) if b["text"] == "确认")
        sandbox.press_button(LI, adjusted["message_id"], data=confirm["callback_data"])
        await until(sandbox, LI, lambda s: "已确认" in s)
        for uid in (ZHANG, CHEN, ZHAO, LIU):
            state[uid] = text_of(await until(sandbox, uid, lambda s: "🎯" in s))

        # a later change reopens the plan; confirming it again records a revision
        sandbox.send_text(LI, "刘洋 32万")
        await until(sandbox, LI, lambda s: "设为" in s)
        sandbox.send_command(LI, "round", "confirm")
        await until(sandbox, LI, lambda s: "计划修订" in s)
        state["liu_again"] = text_of(await until(sandbox, LIU, lambda s: "🎯" in s))
        state["round_id"] = round_id

    run_with_bot(repo, USERS, body, now=lambda: DEMO_NOON)
    return repo, state


def _april(repo: Repository, person: str) -> tuple[float, float | None, str | None]:
    (target,) = [t for t in repo.targets(person_id=person, metric="sales") if t.period == "2026-04"]
    return float(target.value), target.draft, target.basis


def test_confirmed_targets_carry_basis_and_draft(played: Played) -> None:
    repo, state = played
    assert _april(repo, "zhang") == (320000, 250000, "top_down")  # lead took the top-down
    chen = state["chen_pressed"]
    assert _april(repo, "chen") == (chen, chen, "bottom_up")  # her own button
    assert _april(repo, "zhao") == (300000, 280000, "top_down")  # the lead's number
    assert _april(repo, "liu") == (320000, 300000, "top_down")  # revised after confirmation


def test_reps_are_told_their_target(played: Played) -> None:
    _, state = played
    assert "32万" in state[ZHANG] and "25万" in state[ZHANG]
    assert "30万" in state[ZHAO] and "28万" in state[ZHAO]
    assert "30万" in state[LIU]
    assert "32万" in state["liu_again"]


def test_the_daily_report_during_the_round_was_stored(played: Played) -> None:
    reports = played[0].reports_between(["chen"], dt.date(2026, 3, 18), dt.date(2026, 3, 18))
    (report,) = [r for r in reports if r.raw_text == "拜访8家，成交3单，销售额2.5万"]
    assert report.metrics == {"visits": 8, "orders": 3, "sales": 25000}


def test_a_change_after_confirmation_is_a_plan_revision(played: Played) -> None:
    revisions = played[0].events(kinds=["plan_revised"], start=dt.date(2026, 3, 18))
    assert [(e.team_id, e.by_id) for e in revisions] == [("east", "li")]
    (round_,) = played[0].team_rounds("east", "2026-04")
    assert round_.status == "confirmed" and round_.confirmations == 2


def test_no_target_of_another_team_changed(played: Played) -> None:
    assert not [t for t in played[0].targets(person_id="amy") if t.period == "2026-04"]
