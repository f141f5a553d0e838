"""Findings over time: run the rule base on the database, and keep from nagging.

The same finding (rule, subject, metric, blocker) is not raised again within the
team's cooldown (settings `cooldown_days`, default 3) unless it got worse: its
measure moved the bad way by more than a tenth, or its severity rose.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from bot.facts import build_facts, build_team_facts
from bot.store.repository import Repository
from knowledge.rulebase import rule_defs
from rules.diagnose import Thresholds, diagnose
from rules.model import Finding

DEFAULT_COOLDOWN_DAYS = 3
WORSE_BY = 0.10
_SEVERITY = {"low": 0, "medium": 1, "high": 2}


def run_rules(repo: Repository, today: dt.date) -> list[Finding]:
    """Every finding about the organisation in the database as of `today`."""
    settings = {team.id: team.settings for team in repo.teams()}
    thresholds = Thresholds(settings)
    return diagnose(build_facts(repo, today, thresholds), thresholds)


def run_rules_for_team(repo: Repository, team_id: str, today: dt.date) -> list[Finding]:
    """The findings about one team and its people (after one of them reported)."""
    team = repo.team(team_id)
    if team is None:
        return []
    thresholds = Thresholds({team.id: team.settings})
    return diagnose(build_team_facts(repo, team, today, thresholds), thresholds)


def cooldown_days(settings: Mapping[str, Any]) -> int:
    """The team's cooldown in days (a whole number from 0 to 90)."""
    value = settings.get("cooldown_days", DEFAULT_COOLDOWN_DAYS)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return DEFAULT_COOLDOWN_DAYS
    return int(min(max(value, 0), 90))


def _worse(finding: Finding, before: Mapping[str, Any], severity_before: str) -> bool:
    if _SEVERITY.get(finding.severity, 0) > _SEVERITY.get(severity_before, 0):
        return True
    definition = rule_defs()[finding.rule]
    field = definition.measure_field
    now, then = finding.evidence.get(field), before.get(field)
    if not isinstance(now, int | float) or not isinstance(then, int | float):
        return False
    change = (now - then) if definition.measure_worse == "up" else (then - now)
    return change > abs(then) * WORSE_BY if then else change > 0


def cooldown_key(finding: Finding, audience: str = "") -> str:
    """What a finding's cooldown is kept under: the finding, and whom it is for."""
    return f"{finding.key}@{audience}" if audience else finding.key


def not_in_cooldown(
    repo: Repository, findings: Sequence[Finding], today: dt.date, audience: str = ""
) -> list[Finding]:
    """The findings worth raising today (to `audience`): new ones, and old ones that got worse."""
    teams = (repo.team(team_id) for team_id in {f.team for f in findings if f.team})
    settings = {team.id: team.settings for team in teams if team is not None}
    out: list[Finding] = []
    for finding in findings:
        days = cooldown_days(settings.get(finding.team, {}))
        since = today - dt.timedelta(days=days - 1) if days else today + dt.timedelta(days=1)
        earlier = [
            r
            for r in repo.findings(cooldown_key=cooldown_key(finding, audience), since=since)
            if r.found_on <= today
        ]
        if not earlier or _worse(finding, earlier[-1].evidence, earlier[-1].severity):
            out.append(finding)
    return out


def record(
    repo: Repository,
    findings: Sequence[Finding],
    today: dt.date,
    messages: Sequence[str],
    audience: str = "",
) -> list[int]:
    """Stores findings with their evidence and message; returns their ids."""
    ids = []
    with repo.transaction():
        for finding, message in zip(findings, messages, strict=True):
            ids.append(
                repo.record_finding(
                    rule=finding.rule,
                    category=finding.category,  # type: ignore[arg-type]
                    subject=finding.subject,
                    audience=finding.audience,
                    severity=finding.severity,
                    evidence=finding.evidence,
                    message=message,
                    found_on=today,
                    cooldown_key=cooldown_key(finding, audience),
                )
            )
    return ids
