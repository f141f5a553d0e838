"""Findings over time: stored with their evidence, and no nagging within the cooldown."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from bot.demo import bundled_scenario
from bot.findings import cooldown_days, not_in_cooldown, record, run_rules
from bot.findings_view import finding_to_json, render_prompt
from bot.scenario import load_scenario
from bot.store.db import open_db
from bot.store.importer import import_scenario
from bot.store.repository import Repository
from rules.model import Finding

TODAY = dt.date(2026, 3, 18)


@pytest.fixture(scope="module")
def repo() -> Repository:
    repo = Repository(open_db(":memory:"))
    import_scenario(repo, load_scenario(bundled_scenario()))
    return repo


def _messages(findings: list[Finding]) -> list[str]:
    return [render_prompt(f, f.audience[0], "en", f.subject) for f in findings]


def test_findings_are_stored_with_their_evidence(repo: Repository) -> None:
    findings = run_rules(repo, TODAY)
    assert findings
    ids = record(repo, findings, TODAY, _messages(findings))
    assert len(ids) == len(findings)
    stored = repo.findings(since=TODAY)
    assert {r.cooldown_key for r in stored} >= {f.key for f in findings}
    first = next(r for r in stored if r.cooldown_key == findings[0].key)
    assert dict(first.evidence) == findings[0].evidence
    assert first.message


def test_the_same_finding_is_not_raised_again_within_the_cooldown(repo: Repository) -> None:
    findings = run_rules(repo, TODAY)
    assert not_in_cooldown(repo, findings, TODAY + dt.timedelta(days=1)) == []
    assert not_in_cooldown(repo, findings, TODAY + dt.timedelta(days=2)) == []
    later = not_in_cooldown(repo, findings, TODAY + dt.timedelta(days=3))
    assert later == findings  # three days later the cooldown (3 days) is over


def test_a_finding_that_got_worse_is_raised_again(repo: Repository) -> None:
    findings = run_rules(repo, TODAY)
    target = next(f for f in findings if f.rule == "goal.unreachable_pace")
    needed = float(target.evidence["needed_per_day"])
    a_bit_worse = dataclasses.replace(
        target, evidence={**target.evidence, "needed_per_day": needed * 1.05}
    )
    much_worse = dataclasses.replace(
        target, evidence={**target.evidence, "needed_per_day": needed * 1.5}
    )
    better = dataclasses.replace(
        target, evidence={**target.evidence, "needed_per_day": needed * 0.5}
    )
    tomorrow = TODAY + dt.timedelta(days=1)
    assert not_in_cooldown(repo, [a_bit_worse, better], tomorrow) == []
    assert not_in_cooldown(repo, [much_worse], tomorrow) == [much_worse]
    graver = dataclasses.replace(target, severity="high") if target.severity != "high" else None
    if graver is not None:
        assert not_in_cooldown(repo, [graver], tomorrow) == [graver]


@pytest.mark.parametrize(
    ("value", "days"), [(5, 5), (0, 0), (-3, 0), (500, 90), ("x", 3), (True, 3), (2.7, 2)]
)
def test_cooldown_setting_is_bounded(value: object, days: int) -> None:
    assert cooldown_days({"cooldown_days": value}) == days
    assert cooldown_days({}) == 3


def test_every_finding_renders_in_both_languages(repo: Repository) -> None:
    names = {p.id: p.name for p in repo.people()} | {t.id: t.name for t in repo.teams()}
    for finding in run_rules(repo, TODAY):
        for lang in ("zh", "en"):
            data = finding_to_json(finding, lang, names)
            assert data["message"]
            assert "{" not in data["message"], data["message"]
            assert set(data["messages"]) == set(finding.audience)
            if lang == "zh":
                assert any("\u4e00" <= ch <= "\u9fff" for ch in data["message"])
