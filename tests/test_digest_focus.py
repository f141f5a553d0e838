""" "Focus next week": distinct people and categories across its items, worded for a week
(the knowledge base's weekly variants of prompts written for a daily alert)."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

import pytest

from bot.demo import bundled_scenario
from bot.digest.build import build_digest, last_complete_week
from bot.digest.findings import focus
from bot.digest.model import FindingItem
from bot.digest.render import render_digest
from bot.organisation import open_organisation
from knowledge import KnowledgeError
from knowledge.rulebase import parse, placeholders, read_documents, rule_defs
from rules.model import Finding

TODAY = re.compile(r"(?i)\btoday\b|今天|今日")
CJK = re.compile(r"[\u3400-\u9fff]")
MAX_LEN = {"zh": 90, "en": 160}


def _item(rule: str, subject: str) -> FindingItem:
    spec = rule_defs()[rule]
    finding = Finding(
        rule=rule,
        category=spec.category,
        subject=subject,
        subject_kind=spec.subject,
        team="south",
        audience=spec.audience,
        severity=spec.severity,
        evidence={},
    )
    return FindingItem(finding, subject.title(), acknowledged=False)


def _ordered(items: list[FindingItem]) -> list[FindingItem]:
    """Most serious first, as the digest hands them over."""
    weight = {"high": 3, "medium": 2, "low": 1}
    return sorted(items, key=lambda i: -weight[i.finding.severity])


def test_one_person_does_not_take_every_item() -> None:
    """Mike's case: Ben tops execution, goal and management; others have findings too."""
    items = _ordered(
        [
            _item("execution.behind_streak", "ben"),
            _item("execution.sales_ahead_of_collections", "ben"),
            _item("goal.unreachable_pace", "ben"),
            _item("management.behind_without_coaching", "ben"),
            _item("execution.busy_without_results", "tom"),
            _item("goal.target_beyond_history", "tom"),
            _item("mechanism.no_review_meeting", "south"),
        ]
    )
    chosen = focus(items, "manager")
    assert len(chosen) == 3
    assert len({i.finding.subject for i in chosen}) == 3
    assert len({i.finding.category for i in chosen}) == 3
    assert chosen[0].finding.category == "execution"  # the category that dominated leads


def test_with_one_person_it_still_spreads_over_categories() -> None:
    items = _ordered(
        [
            _item("execution.behind_streak", "ben"),
            _item("execution.sales_ahead_of_collections", "ben"),
            _item("goal.unreachable_pace", "ben"),
            _item("process.blocker_left_open", "ben"),
        ]
    )
    chosen = focus(items, "lead")
    assert len(chosen) == 3 and len({i.finding.category for i in chosen}) == 3
    # one category, two people: both of them, no rule twice
    pair = focus(
        _ordered(
            [
                _item("execution.behind_streak", "ben"),
                _item("execution.no_next_steps", "ben"),
                _item("execution.busy_without_results", "tom"),
            ]
        ),
        "lead",
    )
    assert [i.finding.subject for i in pair] == ["ben", "tom"]


@pytest.mark.parametrize("who", ["li", "mike", "wang"])
def test_the_demo_focus_is_varied_and_weekly(who: str) -> None:
    org = open_organisation(str(bundled_scenario()), None, None, "en")
    digest = build_digest(org.repo, who, last_complete_week(org.today), org.today)
    for scope in digest.scopes:
        subjects = [i.finding.subject for i in scope.focus]
        assert 2 <= len(subjects) <= 3 and len(set(subjects)) == len(subjects), subjects
    for lang in ("zh", "en"):
        text = render_digest(digest, lang, 10**9)[0]
        title = "下周重点" if lang == "zh" else "Focus next week"
        for block in text.split(title)[1:]:
            focus_lines = block.split("\n\n")[0]
            assert not TODAY.search(focus_lines), focus_lines


def _weekly_cases() -> list[tuple[str, str, str]]:
    return [
        (rule.id, audience, lang)
        for rule in rule_defs().values()
        for audience in rule.weekly
        for lang in ("zh", "en")
    ]


def test_every_daily_lead_or_manager_prompt_has_its_weekly_variant() -> None:
    for rule in rule_defs().values():
        for audience in ("lead", "manager"):
            if audience in rule.prompts and TODAY.search(rule.prompt(audience, "en")):
                assert audience in rule.weekly, (rule.id, audience)
            if audience in rule.prompts:
                assert not TODAY.search(rule.weekly_prompt(audience, "zh"))
                assert not TODAY.search(rule.weekly_prompt(audience, "en"))
    assert len(_weekly_cases()) >= 16


@pytest.mark.parametrize("case", _weekly_cases(), ids="-".join)
def test_weekly_variants_say_the_same_figures_short_and_in_their_language(
    case: tuple[str, str, str],
) -> None:
    rule_id, audience, lang = case
    rule = rule_defs()[rule_id]
    text = rule.weekly[audience][lang]
    assert set(placeholders(text)) == set(placeholders(rule.prompt(audience, lang)))
    assert bool(CJK.search(text)) == (lang == "zh")
    filled = text.format_map(
        dict.fromkeys(placeholders(text), "张伟" if lang == "zh" else "Ben Zhou")
    )
    assert len(filled) <= MAX_LEN[lang], (len(filled), filled)
    assert "!" not in text and "！" not in text and "必须" not in text


Breakage = Callable[[dict[str, Any]], None]


def _prompts(d: dict[str, Any]) -> dict[str, Any]:
    prompts: dict[str, Any] = d["prompts.yaml"]["prompts"]
    return prompts


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        (
            lambda d: _prompts(d)["execution.behind_streak"].pop("weekly"),
            r"execution\.behind_streak\.weekly\.lead: the prompt says today",
        ),
        (
            lambda d: _prompts(d)["execution.behind_streak"]["weekly"]["lead"].update(
                en="Find the cause today."
            ),
            r"weekly\.lead\.en: a weekly variant says today",
        ),
        (
            lambda d: _prompts(d)["execution.behind_streak"]["weekly"].update(
                rep={"zh": "本周找出原因。", "en": "Find the cause this week."}
            ),
            r"weekly\.rep: not a lead or manager prompt",
        ),
        (
            lambda d: _prompts(d)["execution.behind_streak"]["weekly"]["lead"].update(
                zh="{name} 的{ghost}。"
            ),
            r"weekly\.lead\.zh: placeholders \['ghost'\]",
        ),
        (
            lambda d: _prompts(d)["execution.behind_streak"]["weekly"]["lead"].pop("en"),
            r"weekly\.lead\.en: missing",
        ),
    ],
    ids=["missing", "says today", "for the rep", "unknown placeholder", "one language"],
)
def test_the_loader_checks_weekly_variants(breakage: Breakage, message: str) -> None:
    documents = copy.deepcopy(read_documents())
    breakage(documents)
    with pytest.raises(KnowledgeError, match=message):
        parse(documents)
