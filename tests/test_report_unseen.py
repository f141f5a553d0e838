"""Reports written blind by someone who never saw the reader's code (tests/data/unseen_reports.jsonl).

One case was left out as debatable: "Visited 10 outlets, 2 of them new" — visiting a
new outlet is not opening one, so it is not read as new_outlets.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from bot.report_parser import parse_report
from tests.conftest import REPO

CASES = REPO / "tests" / "data" / "unseen_reports.jsonl"


def _cases() -> list[dict[str, Any]]:
    return [json.loads(line) for line in CASES.read_text("utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("case", _cases(), ids=lambda c: str(c["text"])[:30])
def test_unseen_report(case: dict[str, Any]) -> None:
    report = parse_report(case["text"], dt.date.fromisoformat(case["today"]))
    expect = case["expect"]
    assert report.date.isoformat() == expect["date"]
    assert report.metrics == expect["metrics"]
    if "blockers" in expect:
        assert len(report.blockers) == expect["blockers"], report.blockers
    if "next_steps" in expect:
        assert len(report.next_steps) == expect["next_steps"], report.next_steps
