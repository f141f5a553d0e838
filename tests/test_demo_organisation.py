"""The demo organisation a newcomer meets in the sandbox: its shape, its history in both
languages, every category of finding at least once, and healthy reps who hear nothing."""

from __future__ import annotations

import collections
import datetime as dt
import json
import re

import pytest

from bot.cli import main
from bot.demo import bundled_scenario
from bot.demo.generate import build

CATEGORIES = {"goal", "execution", "process", "mechanism", "management"}


def demo() -> dict[str, object]:
    data: dict[str, object] = json.loads(bundled_scenario().read_text("utf-8"))
    return data


def test_the_bundled_file_is_what_the_generator_writes() -> None:
    assert demo() == json.loads(json.dumps(build(), ensure_ascii=False))


def test_two_teams_a_manager_two_leads_eight_reps_all_reachable_in_the_sandbox() -> None:
    people = demo()["people"]
    assert isinstance(people, list)
    roles = collections.Counter(p["role"] for p in people)
    assert roles == {"manager": 1, "lead": 2, "rep": 8}
    assert len(demo()["teams"]) == 2  # type: ignore[arg-type]
    assert all(p.get("telegram_id") for p in people)  # the page can act as anyone
    assert {p["lang"] for p in people} == {"zh", "en"}


def test_the_history_is_written_in_both_languages_over_the_month_so_far() -> None:
    reports = demo()["reports"]
    assert isinstance(reports, list)
    days = sorted({r["date"] for r in reports})
    assert len(days) >= 12 and days[-1] == demo()["today"]
    texts = [r["text"] for r in reports]
    chinese = [t for t in texts if re.search(r"[\u4e00-\u9fff]", t)]
    assert len(chinese) > 30 and len(texts) - len(chinese) > 30


def test_the_history_reaches_back_through_february_with_its_targets_and_festival() -> None:
    reports, targets = demo()["reports"], demo()["targets"]
    assert isinstance(reports, list) and isinstance(targets, list)
    days = {dt.date.fromisoformat(r["date"]) for r in reports}
    today = dt.date.fromisoformat(str(demo()["today"]))
    assert min(days) <= today.replace(month=today.month - 1)  # a month back and more
    # nobody reports over the Spring Festival (17 February; the office is shut 16–23)
    assert not {d for d in days if dt.date(2026, 2, 16) <= d <= dt.date(2026, 2, 23)}
    assert {d for d in days if d.month == 2 and d > dt.date(2026, 2, 23)}  # back at work
    # whoever has a target in March had one in February, on the same metric
    march = {(t["person"], t["metric"]) for t in targets if t["period"] == "2026-03"}
    february = {(t["person"], t["metric"]) for t in targets if t["period"] == "2026-02"}
    assert march == february


def test_every_category_fires_and_the_healthy_reps_hear_nothing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["check", str(bundled_scenario()), "--json"]) == 0
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert {f["category"] for f in findings} == CATEGORIES
    subjects = {f["subject"] for f in findings}
    reps = {p["id"] for p in demo()["people"] if p["role"] == "rep"}  # type: ignore[attr-defined]
    healthy = reps - subjects
    assert {"chen", "he"} <= healthy  # 陈静 and 何静, on plan every day
    assert len(reps & subjects) >= 5  # the others each show a habit


@pytest.mark.parametrize(
    ("lang", "pattern"), [("en", r"(\d+) teams, (\d+) people"), ("zh", r"(\d+) 个团队，(\d+) 人")]
)
def test_the_demo_header_counts_teams_and_people_apart(
    capsys: pytest.CaptureFixture[str], lang: str, pattern: str
) -> None:
    assert main(["demo", "--lang", lang]) == 0
    header = capsys.readouterr().out.splitlines()[0]
    counted = re.search(pattern, header)
    assert counted, header
    teams, people = demo()["teams"], demo()["people"]
    assert isinstance(teams, list) and isinstance(people, list)
    assert (int(counted[1]), int(counted[2])) == (len(teams), len(people))
