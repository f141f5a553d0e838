"""/health end to end: answered through buttons, resumed, scored, charted, retaken;
forged and foreign presses refused; cancel keeps nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from bot.health.score import element_scores
from bot.sandbox.server import Sandbox
from bot.store.repository import Repository
from knowledge.health import questionnaire
from tests.helpers.bot import demo_repo, run_with_bot, text_of

WANG, LI, MIKE = 9001, 9002, 9003
DEMO_NOON = dt.datetime(2026, 3, 18, 4, 0, tzinfo=dt.UTC)
USERS = ((WANG, "王强", "zh"), (LI, "李娜", "zh"), (MIKE, "Mike", "en"))
Q = questionnaire()
FIRST = [(i % 5) + 1 for i in range(len(Q.questions))]
SECOND = [min(v + 1, 5) for v in FIRST]


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    return demo_repo(tmp_path / "bot.db")


async def _next(sandbox: Sandbox, uid: int) -> dict[str, Any]:
    """The bot's next message to `uid`, past the weekly digest the scheduler may send."""
    while True:
        message = await sandbox.next_message(uid, timeout=15)
        digest = text_of(message).startswith("📊") or (
            message["kind"] == "photo" and message["text"]
        )
        if not digest:
            return message


def _buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for row in message["reply_markup"]["inline_keyboard"] for b in row]


async def _press(
    sandbox: Sandbox, uid: int, message: dict[str, Any], data: str, *, forged: bool = False
) -> dict[str, Any]:
    query = sandbox.press_button(uid, message["message_id"], data=data, forged=forged)
    return await sandbox.wait_for_answer(query["id"], timeout=10)


async def _answer(sandbox: Sandbox, question: dict[str, Any], value: int) -> dict[str, Any]:
    button = next(b for b in _buttons(question) if b["text"] == str(value))
    answer = await _press(sandbox, WANG, question, button["callback_data"])
    assert not answer.get("show_alert")
    return await sandbox.next_edit(WANG, timeout=10)  # the next question replaces this one


def test_the_health_check_through_buttons(repo: Repository) -> None:
    async def body(sandbox: Sandbox) -> None:
        sandbox.send_text(WANG, "/health")
        assert "策略健康检查" in text_of(await _next(sandbox, WANG))
        question = await _next(sandbox, WANG)
        assert f"1/{len(Q.questions)}" in text_of(question)
        assert Q.questions[0].text["zh"] in text_of(question)
        assert "完全符合" in text_of(question)  # the scale's legend
        for value in FIRST[:5]:
            question = await _answer(sandbox, question, value)
        # the organisation's questions show the daily data beside them
        assert f"6/{len(Q.questions)}" in text_of(question)
        assert "涉及其他部门" in text_of(question)
        stale = question

        # forged data: another person, a question not current, a value off the scale
        data = _buttons(question)[0]["callback_data"]
        sandbox.send_text(LI, "/health")
        refused = await _next(sandbox, LI)
        assert "由经理填写" in text_of(refused)
        assert (await _press(sandbox, LI, refused, data, forged=True)).get("show_alert")
        check = data.split(":")[1]
        assert (await _press(sandbox, WANG, question, f"hc:{check}:2:3", forged=True)).get(
            "show_alert"
        )
        assert (await _press(sandbox, WANG, question, f"hc:{check}:5:9", forged=True)).get(
            "show_alert"
        )
        assert (await _press(sandbox, WANG, question, "hc:999999:5:3", forged=True)).get(
            "show_alert"
        )
        assert (await _press(sandbox, WANG, question, "hc:x", forged=True)).get("show_alert")

        # /health again resumes where it stopped
        sandbox.send_text(WANG, "/health")
        question = await _next(sandbox, WANG)
        assert "接着上次的进度继续" in text_of(question)
        assert f"6/{len(Q.questions)}" in text_of(question)
        for value in FIRST[5:-1]:
            question = await _answer(sandbox, question, value)
        # the first message of that question is stale now
        stale_data = _buttons(stale)[0]["callback_data"]
        assert (await _press(sandbox, WANG, stale, stale_data, forged=True)).get("show_alert")
        last = next(b for b in _buttons(question) if b["text"] == str(FIRST[-1]))
        await _press(sandbox, WANG, question, last["callback_data"])
        assert (await sandbox.next_edit(WANG, timeout=10))["reply_markup"] is None
        result = text_of(await _next(sandbox, WANG))
        chart = await _next(sandbox, WANG)
        assert "策略健康检查" in result and "优先改进" in result
        assert "↑" not in result  # no earlier check to compare with
        assert chart["kind"] == "photo"
        assert sandbox.file_bytes(chart["file_id"]).startswith(b"\x89PNG")
        # pressing the last button again finds the check finished
        assert (await _press(sandbox, WANG, question, last["callback_data"], forged=True)).get(
            "show_alert"
        )

        # retake: the change per element is shown
        sandbox.send_text(WANG, "/health")
        await _next(sandbox, WANG)
        question = await _next(sandbox, WANG)
        for value in SECOND[:-1]:
            question = await _answer(sandbox, question, value)
        last = next(b for b in _buttons(question) if b["text"] == str(SECOND[-1]))
        await _press(sandbox, WANG, question, last["callback_data"])
        assert (await sandbox.next_edit(WANG, timeout=10))["reply_markup"] is None
        result = text_of(await _next(sandbox, WANG))
        assert "箭头表示与 2026-03-18 那次相比的变化" in result and "↑" in result
        assert (await _next(sandbox, WANG))["kind"] == "photo"

        # cancel keeps nothing
        sandbox.send_text(WANG, "/health")
        await _next(sandbox, WANG)
        question = await _next(sandbox, WANG)
        question = await _answer(sandbox, question, 3)
        cancel = _buttons(question)[-1]["callback_data"]
        assert not (await _press(sandbox, WANG, question, cancel)).get("show_alert")

        # leads do not take it
        sandbox.send_text(MIKE, "/health")
        assert "for managers" in text_of(await _next(sandbox, MIKE))

    run_with_bot(repo, USERS, body, now=lambda: DEMO_NOON)

    done = repo.finished_health_checks("wang")
    assert len(done) == 2
    for check, values in zip(done, (FIRST, SECOND), strict=True):
        answers = {q.id: v for q, v in zip(Q.questions, values, strict=True)}
        assert dict(check.answers) == answers
        assert dict(check.scores) == element_scores(answers, Q)
        assert check.evidence["teams"] == 2
    assert repo.open_health_check("wang") is None  # the cancelled one is gone
