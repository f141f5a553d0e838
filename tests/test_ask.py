"""Questions in plain words, through `execoach ask --json` on the demo organisation.

The table (tests/data/questions.jsonl) holds how leads, managers and reps really
type — half Chinese, half English, abbreviations, typos, 中英 mixed — with the
intent, period and subjects each must be read as. tests/data/questions_heldout.jsonl
was written after the reader was done and never tuned against.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest

from bot.ask.classify import decide
from bot.ask.periods import find_periods
from bot.ask.query import Query
from bot.ask.scope import dimension_values, directory_of, scope_of
from bot.ask.service import answer_query, ask_text
from bot.ask.understand import understand
from bot.cli import main
from bot.demo import bundled_scenario
from bot.report_parser import parse_report
from tests.conftest import REPO
from tests.helpers.bot import demo_repo

DATA = REPO / "tests" / "data"
TODAY = dt.date(2026, 3, 18)
KEYS = {"intent", "period", "subjects", "answer", "data"}


def _table(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (DATA / name).read_text("utf-8").splitlines() if line]


def _ask(who: str, question: str, *extra: str) -> tuple[int, dict[str, Any]]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["ask", str(bundled_scenario()), "--json", *extra, "--as", who, question])
    return code, json.loads(out.getvalue()) if code == 0 else {}


def _check(row: dict[str, Any]) -> None:
    code, got = _ask(row["as"], row["q"])
    assert code == 0
    assert set(got) == KEYS
    assert got["answer"].strip()
    assert (got["intent"], got["period"], sorted(got["subjects"])) == (
        row["intent"],
        row["period"],
        sorted(row["subjects"]),
    ), row["q"]


QUESTIONS = _table("questions.jsonl")


def test_the_table_is_big_and_bilingual() -> None:
    chinese = [r for r in QUESTIONS if any("\u4e00" <= ch <= "\u9fff" for ch in r["q"])]
    assert len(QUESTIONS) >= 80
    assert abs(len(chinese) - len(QUESTIONS) / 2) <= 5
    intents = {r["intent"] for r in QUESTIONS}
    assert intents >= {"progress", "behind", "not_reported", "blockers", "ranking"}
    assert intents >= {"target_gap", "person", "findings", "compare", "refused"}


@pytest.mark.parametrize("row", QUESTIONS, ids=[r["q"] for r in QUESTIONS])
def test_question(row: dict[str, Any]) -> None:
    _check(row)


HELD_OUT = _table("questions_heldout.jsonl") if (DATA / "questions_heldout.jsonl").exists() else []


@pytest.mark.parametrize(
    "row",
    [
        pytest.param(r, marks=pytest.mark.xfail(reason=r["xfail"], strict=True))
        if r.get("xfail")
        else r
        for r in HELD_OUT
    ],
    ids=[r["q"] for r in HELD_OUT],
)
def test_held_out_question(row: dict[str, Any]) -> None:
    _check(row)


# ---- the answers carry numbers -----------------------------------------------------------


def test_progress_answers_with_numbers_a_bar_and_one_next_action() -> None:
    _, got = _ask("li", "这个月进度怎么样")
    sales = got["data"]["items"][0]["metrics"]["sales"]
    assert sales["target"] == 300000 + 220000 + 330000 + 260000
    assert 0 < sales["actual"] < sales["target"]
    assert sales["pace"] == pytest.approx(sales["actual"] / sales["expected"], rel=1e-3)
    assert "▓" in got["answer"] and "%" in got["answer"]
    assert got["answer"].count("👉") == 1
    assert got["data"]["as_of"] == "2026-03-18" and got["data"]["to_date"] is True


def test_a_range_counts_the_target_in_proportion() -> None:
    _, half = _ask("mike", "sales from march 1 to 15")
    _, month = _ask("mike", "sales this month")
    h = half["data"]["items"][0]["metrics"]["sales"]
    m = month["data"]["items"][0]["metrics"]["sales"]
    assert h["target"] == pytest.approx(m["target"] * 10 / 22)  # 10 of March's 22 workdays
    assert h["elapsed"] == h["total"] == 10


def test_not_reported_names_who_is_missing() -> None:
    _, got = _ask("li", "谁没交日报")
    assert [m["id"] for m in got["data"]["missing"]] == ["liu"]
    assert "刘洋" in got["answer"]


def test_the_answer_speaks_the_language_of_the_question() -> None:
    assert "落后" in _ask("mike", "谁落后了")[1]["answer"]
    assert "Behind" in _ask("li", "who is behind")[1]["answer"]


# ---- scope: refused politely, with the reason, through every path ------------------------


@pytest.mark.parametrize(
    ("who", "question", "outside"),
    [
        ("zhang", "陈静这个月多少", ["chen"]),
        ("zhang", "how is the team doing", ["east"]),
        ("amy", "who hasn't reported", ["south"]),
        ("li", "how is tom doing", ["tom"]),
        ("mike", "华东一组进度", ["east"]),
    ],
)
def test_the_cli_refuses_outside_scope(who: str, question: str, outside: list[str]) -> None:
    code, got = _ask(who, question)
    assert code == 0
    assert got["intent"] == "refused" and got["subjects"] == outside
    assert got["data"]["reason"] in ("rep", "lead", "manager")
    assert "只能" in got["answer"] or "only" in got["answer"]


def test_a_forged_query_is_refused_after_the_scope_is_checked_again(tmp_path: Path) -> None:
    repo = demo_repo(tmp_path / "a.db")
    amy = repo.person_by_id("amy")
    assert amy is not None
    forged = Query("person", dt.date(2026, 3, 1), dt.date(2026, 3, 31), "month", ("zhang",))
    got = answer_query(repo, scope_of(repo, amy), forged, TODAY)
    assert got.intent == "refused" and got.subjects == ["zhang"]
    team_wide = Query("behind", dt.date(2026, 3, 1), dt.date(2026, 3, 31), "month", ("south",))
    assert answer_query(repo, scope_of(repo, amy), team_wide, TODAY).intent == "refused"
    mine = Query("progress", dt.date(2026, 3, 1), dt.date(2026, 3, 31), "month", ("amy",))
    assert answer_query(repo, scope_of(repo, amy), mine, TODAY).intent == "progress"


def test_button_data_round_trips_and_junk_is_not_a_query() -> None:
    q = Query("compare", dt.date(2026, 3, 16), dt.date(2026, 3, 22), "week", ("east",), "sales")
    data = q.encode()
    assert len(data.encode()) <= 64
    assert Query.decode(data) == q.but(explicit_period=True)
    for junk in (
        "qa|x",
        "qa|p|20260301|20260231|m|east||||0|z",
        "qa|p|2026|2026|m|a;b|||0|z",
        "",
        "qa|" * 30,
    ):
        assert Query.decode(junk) is None


def test_the_cli_refuses_bad_input_with_one_line() -> None:
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert main(["ask", str(bundled_scenario()), "--as", "nobody", "hi"]) == 2
        assert main(["ask", str(bundled_scenario()), "--as", "li", "x" * 2000]) == 2
    assert len(err.getvalue().strip().splitlines()) == 2


def test_ambiguous_names_are_asked_about(tmp_path: Path) -> None:
    repo = demo_repo(tmp_path / "b.db")
    wang, li = repo.person_by_id("wang"), repo.person_by_id("li")
    assert wang is not None and li is not None
    got = ask_text(repo, wang, "小静怎么样", TODAY)
    assert sorted(got.subjects) == ["chen", "he"]
    assert sorted(q.subjects[0] for _, q in got.buttons) == ["chen", "he"]
    only = ask_text(repo, li, "小静怎么样", TODAY)  # only 陈静 is in 李娜's team
    assert only.intent == "person" and only.subjects == ["chen"]


def test_an_unclear_question_offers_three_readings(tmp_path: Path) -> None:
    repo = demo_repo(tmp_path / "c.db")
    li = repo.person_by_id("li")
    assert li is not None
    got = ask_text(repo, li, "嗯嗯好的", TODAY)
    assert got.intent == "unknown" and len(got.buttons) == 3


# ---- periods and report-or-question ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("本月", "2026-03-01", "2026-03-31"),
        ("这个月", "2026-03-01", "2026-03-31"),
        ("上个月", "2026-02-01", "2026-02-28"),
        ("三月", "2026-03-01", "2026-03-31"),
        ("一季度", "2026-01-01", "2026-03-31"),
        ("q1", "2026-01-01", "2026-03-31"),
        ("最近7天", "2026-03-12", "2026-03-18"),
        ("last 7 days", "2026-03-12", "2026-03-18"),
        ("3月1日到15日", "2026-03-01", "2026-03-15"),
        ("from march 1 to 15", "2026-03-01", "2026-03-15"),
        ("上周五", "2026-03-13", "2026-03-13"),
        ("12月", "2025-12-01", "2025-12-31"),
        ("12月25日", "2025-12-25", "2025-12-25"),
        ("since mar 3", "2026-03-03", "2026-03-18"),
        ("2 weeks ago", "2026-03-02", "2026-03-08"),
    ],
)
def test_periods(text: str, start: str, end: str) -> None:
    (span,) = find_periods(text, TODAY)
    assert (span.start.isoformat(), span.end.isoformat()) == (start, end)


@pytest.mark.parametrize(
    ("role", "text", "expected"),
    [
        ("rep", "今天拜访8家，成交2单，明天能补货吗?", "report"),
        ("rep", "visited 6 stores, 2 orders?", "report"),
        ("lead", "拜访8家，成交3单", "report"),
        ("lead", "张伟今天拜访8家了吗?", "unsure"),
        ("lead", "谁落后了", "question"),
        ("rep", "我这个月还差多少?", "question"),
        ("rep", "仓库发货慢", "report"),
        ("manager", "拜访8家，成交3单", "report"),
    ],
)
def test_report_or_question(role: str, text: str, expected: str, tmp_path: Path) -> None:
    repo = demo_repo(tmp_path / "d.db")
    li = repo.person_by_id("li")
    assert li is not None
    scope = scope_of(repo, li)
    u = understand(text, TODAY, directory_of(scope, dimension_values(repo, scope)))
    assert decide(role, parse_report(text, TODAY), u) == expected
