"""Every line of ../shared/examples/reports.jsonl is read exactly right."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from bot.report_parser import parse_report
from tests.conftest import SHARED

EXAMPLES = SHARED / "examples" / "reports.jsonl"


def _cases() -> list[dict[str, Any]]:
    lines = EXAMPLES.read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_examples_file_is_there() -> None:
    assert EXAMPLES.is_file(), EXAMPLES
    assert len(_cases()) >= 20


@pytest.mark.parametrize("case", _cases(), ids=lambda c: str(c["text"])[:30])
def test_example_read_exactly(case: dict[str, Any]) -> None:
    report = parse_report(case["text"], dt.date.fromisoformat(case["today"]))
    expect = case["expect"]
    assert report.date.isoformat() == expect["date"]
    assert report.metrics == expect["metrics"]  # the same metrics and nothing extra
    if "blockers" in expect:
        assert len(report.blockers) == expect["blockers"], report.blockers
    if "next_steps" in expect:
        assert len(report.next_steps) == expect["next_steps"], report.next_steps
