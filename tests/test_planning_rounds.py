"""The pure part of planning rounds: a draft answer or a daily report, periods, buttons,
the board's lines; and the plan document's hints as data."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
import yaml

from bot.planning.rounds import Line, read_answer, round_period, suggestions
from bot.report_parser import parse_report
from bot.store.rows import SECTION_NAMES
from knowledge import KnowledgeError
from knowledge.plan_parts import FILE, parse_plan_parts, plan_parts
from tests.conftest import REPO

TODAY = dt.date(2026, 3, 18)


def _read(text: str, replying: bool = False) -> tuple[str, float | None]:
    parsed = parse_report(text, TODAY)
    report_like = bool(parsed.metrics or parsed.blockers or parsed.next_steps)
    found = read_answer(text, money=True, replying=replying, looks_like_report=report_like)
    return found.kind, found.value


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("下个月我能做25万", "answer", 250000),
        ("I can do 250k next month", "answer", 250000),
        ("25万", "answer", 250000),
        ("about 250k", "answer", 250000),
        ("2026-04 我能做20万", "answer", 200000),
        ("下个月一个月能做三十万", "answer", 300000),
        ("拜访8家，成交3单，销售额2.5万", "report", None),
        ("sales 30k", "report", None),
        ("明天计划拜访5家", "report", None),
        ("今天拜访5家，下个月能做30万", "unsure", 300000),
        ("asdf", "garbage", None),
        ("下个月再说", "garbage", None),
        ("x" * 400, "report", None),
    ],
)
def test_a_draft_answer_is_told_from_a_daily_report(
    text: str, kind: str, value: float | None
) -> None:
    assert _read(text) == (kind, value)


def test_a_reply_to_the_question_takes_any_one_amount() -> None:
    assert _read("就这么多 30万", replying=True) == ("answer", 300000)
    assert _read("不知道", replying=True) == ("garbage", None)


@pytest.mark.parametrize(
    ("word", "label"),
    [
        (None, "2026-04"),
        ("下月", "2026-04"),
        ("2026-05", "2026-05"),
        ("本月", "2026-03"),
        ("2026-q3", "2026-Q3"),
        ("next quarter", "2026-Q2"),
    ],
)
def test_round_periods(word: str | None, label: str) -> None:
    assert round_period(word, TODAY).label == label


@pytest.mark.parametrize("word", ["2026-02", "2026-03-20", "soon", "9999-99"])
def test_bad_round_periods_are_refused(word: str) -> None:
    with pytest.raises(ValueError, match=r"period|over|planning round|not a valid|outside"):
        round_period(word, TODAY)


def test_buttons_offer_last_period_and_more() -> None:
    assert suggestions(218_400, money=True) == [218_000, 240_000, 262_000]
    assert suggestions(0, money=True) == []
    assert suggestions(151.4, money=False) == [151, 167, 182]


@pytest.mark.parametrize(
    ("line", "final", "basis"),
    [
        (Line("a", "sales", 300, "top_down", 250, None), 250, "bottom_up"),
        (Line("a", "sales", 300, "top_down", 250, 300), 300, "top_down"),
        (Line("a", "sales", 330, "last_period_plus", None, None), 330, "last_period_plus"),
        (Line("a", "sales", 330, "last_period_plus", 250, 280), 280, "top_down"),
        (Line("a", "sales", None, None, None, None), None, None),
    ],
)
def test_a_line_writes_the_leads_number_else_the_draft_else_top_down(
    line: Line, final: float | None, basis: str | None
) -> None:
    assert (line.final, line.basis) == (final, basis)


def test_every_part_has_a_hint_and_cites_the_article() -> None:
    parts = plan_parts()
    assert tuple(p.id for p in parts) == SECTION_NAMES
    assert all(p.hint["zh"] and p.hint["en"] and "·" in p.source for p in parts)


def _doc() -> dict[str, Any]:
    loaded = yaml.safe_load((REPO / "knowledge" / FILE).read_text("utf-8"))
    return dict(copy.deepcopy(loaded))


@pytest.mark.parametrize(
    ("breaking", "where"),
    [
        (lambda d: d["parts"].pop("timing"), "parts"),
        (lambda d: d["parts"]["timing"].update(cites="method9"), "parts.timing.cites"),
        (lambda d: d["parts"]["timing"]["hint"].pop("zh"), "parts.timing.hint.zh"),
    ],
)
def test_a_broken_parts_file_is_refused(breaking: Any, where: str) -> None:
    doc = _doc()
    breaking(doc)
    with pytest.raises(KnowledgeError, match=where.replace(".", r"\.")):
        parse_plan_parts(doc)
