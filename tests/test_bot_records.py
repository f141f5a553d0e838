"""The records in chat, end to end: /meeting, /training, /incentive, /revise and /coach,
in both languages, with bad input and people out of scope; the rules read them.

The bot's clock is the demo organisation's day. The south team (lead Mike, English)
has no meeting, training, incentive scheme or plan revision on record and is behind,
so the mechanism and management rules speak about it until its lead records them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from bot.findings import run_rules_for_team
from bot.sandbox.server import Sandbox
from bot.store.repository import Repository
from tests.helpers.bot import demo_repo, run_with_bot, text_of

WANG, LI, MIKE, ZHANG, CHEN, AMY, TOM, HE = 9001, 9002, 9003, 9011, 9012, 9021, 9022, 9023
DEMO_NOON = dt.datetime(2026, 3, 18, 4, 0, tzinfo=dt.UTC)  # 12:00 in Shanghai
TODAY = dt.date(2026, 3, 18)
USERS = (
    (WANG, "王强", "zh"),
    (LI, "李娜", "zh"),
    (MIKE, "Mike", "en"),
    (ZHANG, "张伟", "zh"),
    (CHEN, "陈静", "zh"),
    (AMY, "Amy", "en"),
    (TOM, "Tom", "en"),
    (HE, "何静", "zh"),
)
SOUTH_RULES = {
    "mechanism.no_review_meeting",
    "mechanism.no_training",
    "mechanism.no_incentive_scheme",
    "management.gap_without_revision",
}


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    return demo_repo(tmp_path / "bot.db")


def _rules(repo: Repository, team: str) -> set[tuple[str, str]]:
    return {(f.rule, f.subject) for f in run_rules_for_team(repo, team, TODAY)}


async def _next(sandbox: Sandbox, uid: int) -> dict[str, Any]:
    """The bot's next message to `uid`, past the weekly digest the scheduler may send."""
    while True:
        message = await sandbox.next_message(uid, timeout=10)
        digest = text_of(message).startswith("📊") or (
            message["kind"] == "photo" and message["text"]
        )
        if not digest:
            return message


async def _say(sandbox: Sandbox, uid: int, text: str) -> str:
    sandbox.send_text(uid, text)
    return text_of(await _next(sandbox, uid))


async def _said(sandbox: Sandbox, uid: int, text: str) -> dict[str, Any]:
    sandbox.send_text(uid, text)
    return await _next(sandbox, uid)


def test_a_lead_records_in_english_and_the_rules_stop_speaking(repo: Repository) -> None:
    before = _rules(repo, "south")
    assert {(rule, "south") for rule in SOUTH_RULES} <= before
    assert ("management.behind_without_coaching", "tom") in before

    async def body(sandbox: Sandbox) -> None:
        reply = await _say(
            sandbox, MIKE, "/meeting yesterday: weekly review, decided to push Hualian"
        )
        assert "Recorded: review meeting · South Team · 2026-03-17" in reply
        assert "weekly review, decided to push Hualian" in reply

        reply = await _say(sandbox, MIKE, "/training last friday KA negotiation")
        assert "training · South Team · 2026-03-13" in reply

        # bare: recorded at once, then the next message is its notes
        reply = await _say(sandbox, MIKE, "/incentive")
        assert "incentive scheme · South Team · 2026-03-18" in reply
        assert "skip" in reply.lower()
        reply = await _say(sandbox, MIKE, "monthly bonus on attainment, paid on collections")
        assert "Added to the incentive scheme of 2026-03-18" in reply

        # bare, then skipped with the button
        asked = await _said(sandbox, MIKE, "/revise")
        skip = asked["reply_markup"]["inline_keyboard"][0][0]
        query = sandbox.press_button(MIKE, asked["message_id"], data=skip["callback_data"])
        assert not (await sandbox.wait_for_answer(query["id"], timeout=10)).get("show_alert")
        assert "without notes" in text_of(await _next(sandbox, MIKE))
        # the skip button, pressed again (or forged later), is refused
        query = sandbox.press_button(
            MIKE, asked["message_id"], data=skip["callback_data"], forged=True
        )
        assert (await sandbox.wait_for_answer(query["id"], timeout=10)).get("show_alert")

        # coaching: delivered to the rep in the rep's language, and recorded
        reply = await _say(sandbox, MIKE, "/coach Tom follow up the KA reorders every Tuesday")
        assert "Coaching note for Tom Wu recorded (2026-03-18) and sent" in reply
        note = text_of(await _next(sandbox, TOM))
        assert note.startswith("💬 Coaching from Mike Lin")
        assert "follow up the KA reorders every Tuesday" in note

        # out of scope, unknown, no note, bad dates, too long, hostile: short answers
        assert "not in a team you lead or manage" in await _say(
            sandbox, MIKE, "/coach 张伟 多跟KA复购"
        )
        assert "Nobody called" in await _say(sandbox, MIKE, "/coach Nobody call them")
        assert "/coach Amy" in await _say(sandbox, MIKE, "/coach Amy")
        assert "/coach Amy" in await _say(sandbox, MIKE, "/coach")
        assert "does not exist" in await _say(sandbox, MIKE, "/meeting 2/30 review")
        assert "still ahead" in await _say(sandbox, MIKE, "/meeting 2026-04-01 kickoff")
        assert "more than a year back" in await _say(sandbox, MIKE, "/training 2024-01-05 x")
        assert "too long" in await _say(sandbox, MIKE, "/meeting " + "x" * 1200)
        reply = await _say(sandbox, MIKE, "/meeting <b>bold</b> & <script>")
        assert "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;" in reply  # escaped, not markup

        # a rep may not keep these records
        assert "Only team leads and managers" in await _say(sandbox, AMY, "/meeting review")
        assert "Only team leads and managers" in await _say(sandbox, AMY, "/coach Tom hi")

    run_with_bot(repo, USERS, body, now=lambda: DEMO_NOON)

    events = {(e.kind, e.date.isoformat(), e.text) for e in repo.events(team_id="south")}
    assert ("meeting", "2026-03-17", "weekly review, decided to push Hualian") in events
    assert ("training", "2026-03-13", "KA negotiation") in events
    assert (
        "incentive_scheme",
        "2026-03-18",
        "monthly bonus on attainment, paid on collections",
    ) in events
    assert ("plan_revised", "2026-03-18", "") in events
    coaching = repo.events(kinds=["coaching"], person_id="tom")
    assert [(e.by_id, e.text) for e in coaching] == [
        ("mike", "follow up the KA reorders every Tuesday")
    ]
    assert not [
        e for e in repo.events(kinds=["coaching"]) if e.person_id == "zhang" and e.by_id == "mike"
    ]
    assert not repo.reports_between(["mike"], TODAY, TODAY)  # notes are no report

    after = _rules(repo, "south")
    assert not {(rule, "south") for rule in SOUTH_RULES} & after
    assert ("management.behind_without_coaching", "tom") not in after
    assert ("management.behind_without_coaching", "ben") in after  # nobody coached Ben


def test_a_manager_picks_the_team_and_the_person_in_chinese(repo: Repository) -> None:
    async def body(sandbox: Sandbox) -> None:
        # a manager of two teams says which one with a button
        asked = await _said(sandbox, WANG, "/meeting 今天 周会 决定：重点跟进华联")
        assert "记到哪个组" in text_of(asked)
        buttons = [b for row in asked["reply_markup"]["inline_keyboard"] for b in row]
        assert [b["text"] for b in buttons] == ["华东一组", "South Team"]
        # someone else pressing it (forged data) finds nothing
        sandbox.send_text(LI, "/meeting 周会")
        li_reply = await _next(sandbox, LI)
        query = sandbox.press_button(
            LI, li_reply["message_id"], data=buttons[1]["callback_data"], forged=True
        )
        assert (await sandbox.wait_for_answer(query["id"], timeout=10)).get("show_alert")
        # a forged choice out of range is refused too
        token = buttons[0]["callback_data"].rsplit(":", 1)[0]
        query = sandbox.press_button(WANG, asked["message_id"], data=f"{token}:7", forged=True)
        assert (await sandbox.wait_for_answer(query["id"], timeout=10)).get("show_alert")
        query = sandbox.press_button(WANG, asked["message_id"], data=buttons[0]["callback_data"])
        await sandbox.wait_for_answer(query["id"], timeout=10)
        saved = text_of(await _next(sandbox, WANG))
        assert "已记录：例会 · 华东一组 · 2026-03-18" in saved
        assert "周会 决定：重点跟进华联" in saved

        # the given name alone; delivered to the rep in Chinese
        reply = await _say(sandbox, WANG, "/coach 伟 多跟KA复购")
        assert "已记录对 张伟 的辅导（2026-03-18），并已发给本人" in reply
        note = text_of(await _next(sandbox, ZHANG))
        assert note.startswith("💬 王强 的辅导") and "多跟KA复购" in note

        # ambiguous: 陈静 (east) and 何静 (south) → buttons
        asked = await _said(sandbox, WANG, "/coach 昨天 静 多拜访新店")
        assert "有几个人符合“静”" in text_of(asked)
        buttons = [b for row in asked["reply_markup"]["inline_keyboard"] for b in row]
        assert sorted(b["text"] for b in buttons) == ["何静 · South Team", "陈静 · 华东一组"]
        pick = next(b for b in buttons if b["text"].startswith("何静"))
        query = sandbox.press_button(WANG, asked["message_id"], data=pick["callback_data"])
        await sandbox.wait_for_answer(query["id"], timeout=10)
        assert "已记录对 何静 的辅导（2026-03-17）" in text_of(await _next(sandbox, WANG))
        assert "多拜访新店" in text_of(await _next(sandbox, HE))
        await asyncio.sleep(0.3)
        assert not [m for m in sandbox.bot_messages(CHEN) if "辅导" in text_of(m)]

        # a lead coaches only their own team
        assert "不在你带领或管理的团队里" in await _say(sandbox, LI, "/coach 何静 多拜访新店")

        # bare /meeting from the lead of one team: asks for notes, the answer fills them in
        reply = await _say(sandbox, LI, "/meeting")
        assert "已记录：例会 · 华东一组 · 2026-03-18" in reply and "跳过" in reply
        assert "已补充到 2026-03-18 的例会" in await _say(sandbox, LI, "讨论了华联补货，周五前报价")
        assert "没有这一天" in await _say(sandbox, LI, "/training 2月30日 产品培训")

    run_with_bot(repo, USERS, body, now=lambda: DEMO_NOON)

    east = [
        (e.kind, e.date.isoformat(), e.text, e.by_id)
        for e in repo.events(team_id="east", start=TODAY)
    ]
    assert ("meeting", "2026-03-18", "周会 决定：重点跟进华联", "wang") in east
    assert ("meeting", "2026-03-18", "讨论了华联补货，周五前报价", "li") in east
    assert ("meeting", "2026-03-18", "周会", "li") in east
    assert not repo.events(team_id="south", kinds=["meeting"])
    coached = {
        (e.person_id, e.date.isoformat(), e.text)
        for e in repo.events(kinds=["coaching"])
        if e.by_id == "wang"
    }
    assert coached == {("zhang", "2026-03-18", "多跟KA复购"), ("he", "2026-03-17", "多拜访新店")}
    assert not repo.reports_between(["li"], TODAY, TODAY)
