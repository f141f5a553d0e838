"""A newcomer's findings, end to end in the sandbox.

Resolving a blocker edits the /blockers list (and a second press says it is
resolved already); a withdrawn report's reply says so; a second report of the
day says it was added to the first; customer objections are blockers; quoted
blocker texts are cut between words.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from html import unescape
from pathlib import Path

import pytest

from bot.sandbox.server import Sandbox
from bot.store.db import open_db
from bot.store.repository import Repository
from bot.textclip import clip
from tests.helpers.bot import Body, run_with_bot, text_of

ZHANG, LEAD_LI, AMY, LEAD_MIKE, BEN = 9011, 9002, 9021, 9003, 9024
DEMO_NOON = dt.datetime(2026, 3, 18, 4, 0, tzinfo=dt.UTC)  # 12:00 in Shanghai
USERS = (
    (ZHANG, "张伟", "zh"),
    (LEAD_LI, "李娜", "zh"),
    (AMY, "Amy", "en"),
    (LEAD_MIKE, "Mike", "en"),
    (BEN, "Ben", "en"),
)
LONG_BLOCKER = (
    "the Minhang warehouse hasn't shipped the spring displays for Carrefour, "
    "so the promotion cannot start this week"
)


@pytest.fixture
def repo(demo_copy: Path) -> Repository:
    return Repository(open_db(demo_copy))


def _live(repo: Repository, body: Body) -> None:
    run_with_bot(repo, USERS, body, now=lambda: DEMO_NOON)


def _seen(message: dict[str, object]) -> str:
    """What the person reads (entities decoded too)."""
    return unescape(text_of(message))


def _buttons(message: dict[str, object]) -> list[dict[str, str]]:
    markup = message.get("reply_markup") or {}
    assert isinstance(markup, dict)
    return [b for row in markup.get("inline_keyboard", []) for b in row]


def _cut_between_words(shown: str, original: str) -> None:
    """`shown` is `original` cut after a whole word, with "…"."""
    assert shown.endswith("…"), shown
    head = shown[:-1]
    assert original.startswith(head), (shown, original)
    assert original[len(head)] in " ,", (shown, original)  # the next word was left out whole


def test_resolving_edits_the_list_and_a_second_press_says_it_is_resolved(
    repo: Repository,
) -> None:
    async def body(sandbox: Sandbox) -> None:
        sandbox.send_command(ZHANG, "blockers")
        listing = await sandbox.next_message(ZHANG, timeout=10)
        older = listing  # a second listing of the same blockers, shown before the press
        sandbox.send_command(ZHANG, "blockers")
        listing = await sandbox.next_message(ZHANG, timeout=10)
        first = _buttons(listing)[0]
        assert first["text"] == "标记 #1 已解决"
        opened = len(_buttons(listing))
        item = next(line for line in text_of(listing).splitlines() if line.startswith("1. "))
        blocker_text = item[3:].split("（×")[0]

        query = sandbox.press_button(ZHANG, listing["message_id"], data=first["callback_data"])
        answer = await sandbox.wait_for_answer(query["id"], timeout=10)
        assert not answer.get("show_alert")
        edited = await sandbox.next_edit(ZHANG, timeout=10)
        assert edited["message_id"] == listing["message_id"]
        assert text_of(edited).splitlines()[0] == f"✓ 已解决：{blocker_text}"
        assert first["callback_data"] not in [b["callback_data"] for b in _buttons(edited)]
        assert len(_buttons(edited)) == opened - 1

        # the older list still shows the button: pressing it is no permission problem
        query = sandbox.press_button(ZHANG, older["message_id"], data=first["callback_data"])
        answer = await sandbox.wait_for_answer(query["id"], timeout=10)
        assert not answer.get("show_alert")
        assert answer.get("text") == "这个问题已经解决了。"
        refreshed = await sandbox.next_edit(ZHANG, timeout=10)
        assert first["callback_data"] not in [b["callback_data"] for b in _buttons(refreshed)]

        # resolving the rest leaves "none open" and no buttons at all
        current = refreshed
        while _buttons(current):
            data = _buttons(current)[0]["callback_data"]
            query = sandbox.press_button(ZHANG, current["message_id"], data=data)
            await sandbox.wait_for_answer(query["id"], timeout=10)
            current = await sandbox.next_edit(ZHANG, timeout=10)
        assert text_of(current).splitlines()[-1] == "没有未解决的问题。"
        assert "reply_markup" not in current or not _buttons(current)

        # a forged press on someone else's blocker is still a permission error
        others = repo.open_blockers(person_ids=["amy", "tom", "ben"])
        if others:
            forged = f"{first['callback_data'].split(':')[0]}:{others[0].id}"
            query = sandbox.press_button(ZHANG, current["message_id"], data=forged, forged=True)
            answer = await sandbox.wait_for_answer(query["id"], timeout=10)
            assert answer.get("show_alert") and answer.get("text") == "你不能处理这个问题。"

    before = repo.open_blockers(person_ids=["zhang"])
    assert before  # the demo organisation has open blockers for 张伟
    _live(repo, body)
    assert repo.open_blockers(person_ids=["zhang"]) == []


def test_a_withdrawn_reply_says_withdrawn_and_a_second_report_says_it_adds_up(
    repo: Repository,
) -> None:
    day = dt.date(2026, 3, 18)
    earlier = len(repo.reports_between(["amy"], day, day))
    totals_before = repo.metric_totals(["amy"], day, day)["amy"]

    async def body(sandbox: Sandbox) -> None:
        sandbox.send_text(AMY, "Visited 6 stores, 2 orders")
        first = await sandbox.next_message(AMY, timeout=10)
        assert "saved" in text_of(first)
        assert ("added to the earlier ones" in text_of(first)) == (earlier > 0)

        sandbox.send_text(AMY, "Afternoon: visited 3 more stores, 1 order")
        second = await sandbox.next_message(AMY, timeout=10)
        lines = text_of(second).splitlines()
        added = next(line for line in lines if line.startswith("➕"))
        assert added.startswith(f"➕ Report {earlier + 2} for 3/18: added to the earlier ones.")
        visits = totals_before.get("visits", 0) + 9
        orders = totals_before.get("orders", 0) + 3
        assert f"visits {visits}" in added and f"orders {orders}" in added

        button = _buttons(second)[0]
        query = sandbox.press_button(AMY, second["message_id"], data=button["callback_data"])
        assert not (await sandbox.wait_for_answer(query["id"], timeout=10)).get("show_alert")
        withdrawn = await sandbox.next_edit(AMY, timeout=10)
        assert withdrawn["message_id"] == second["message_id"]
        shown = text_of(withdrawn).splitlines()
        assert shown[0] == "↩️ Report for 3/18 withdrawn: it no longer counts."
        assert "saved" not in text_of(withdrawn) and not _buttons(withdrawn)
        assert any(e["type"] == "strikethrough" for e in withdrawn.get("entities", []))

        # a stale second press says what happened, not a permission error
        forged = sandbox.press_button(
            AMY, second["message_id"], data=button["callback_data"], forged=True
        )
        answer = await sandbox.wait_for_answer(forged["id"], timeout=10)
        assert answer.get("text") == "That report is already withdrawn."
        assert not answer.get("show_alert")

        # in Chinese too, with the day's totals
        sandbox.send_text(ZHANG, "上午拜访4家，成交1单")
        await sandbox.next_message(ZHANG, timeout=10)
        sandbox.send_text(ZHANG, "下午拜访3家，成交2单")
        reply = text_of(await sandbox.next_message(ZHANG, timeout=10))
        assert re.search(r"➕ 3月18日 第 \d+ 条日报，已与前面的合计。 当天合计：", reply)

    _live(repo, body)
    after = repo.metric_totals(["amy"], day, day)["amy"]
    assert after.get("visits", 0) == totals_before.get("visits", 0) + 6  # the second withdrawn


def test_a_customer_objection_is_a_blocker_and_long_quotes_are_cut_between_words(
    repo: Repository,
) -> None:
    async def body(sandbox: Sandbox) -> None:
        sandbox.send_text(ZHANG, "今天拜访8家，成交2单，客户说价格太高")
        reply = text_of(await sandbox.next_message(ZHANG, timeout=10))
        assert "问题：客户说价格太高" in reply

        # Amy's long-standing blocker comes back: the lead's alert quotes it cut between words
        (standing,) = [b.text for b in repo.open_blockers(person_ids=["amy"])]
        quoted: list[str] = []
        for visits in (5, 2, 1):  # the lead gets at most two alerts a report, gravest first
            sandbox.send_text(AMY, f"Visited {visits} stores. Blocker: {standing}")
            await sandbox.next_message(AMY, timeout=10)
            with contextlib.suppress(TimeoutError):
                while not quoted:
                    alert = _seen(await sandbox.next_message(LEAD_MIKE, timeout=3))
                    quoted = re.findall(r"“([^”]*)”", alert)
            if quoted:
                break
        assert quoted and len(quoted[0]) < len(standing), quoted
        _cut_between_words(quoted[0], standing)

        # a blocker too long for the /blockers list is cut between words too
        sandbox.send_text(BEN, f"Visited 3 stores. Blocker: {LONG_BLOCKER} {LONG_BLOCKER}")
        await sandbox.next_message(BEN, timeout=10)
        sandbox.send_command(BEN, "blockers")
        listing = _seen(await sandbox.next_message(BEN, timeout=10))
        item = next(line for line in listing.splitlines() if "Minhang" in line)
        _cut_between_words(item.split(". ", 1)[1].split(" (×")[0], f"{LONG_BLOCKER} {LONG_BLOCKER}")

    _live(repo, body)
    assert any(b.text == "客户说价格太高" for b in repo.open_blockers(person_ids=["zhang"]))


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("short", 30, "short"),
        ("finance hasn't approved the discount", 30, "finance hasn't approved the…"),
        ("仓库发货慢，客户已经投诉三次了，财务还没批折扣", 12, "仓库发货慢，客户已经投…"),
        ("a" * 40, 10, "a" * 9 + "…"),  # one long word is cut inside, never shown empty
        ("delivery late, again", 16, "delivery late…"),
    ],
)
def test_clip_cuts_between_words(text: str, limit: int, expected: str) -> None:
    assert clip(text, limit) == expected
    assert len(clip(text, limit)) <= limit
