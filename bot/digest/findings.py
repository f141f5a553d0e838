"""The week's findings for a digest: grouped by the five categories, the ones that matter
most first, whether each was acknowledged, and what to focus on next week.

The rule base runs as of the digest's day; findings recorded (sent) earlier in the
week are added, so a problem raised on Tuesday and gone by Sunday still shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from bot.digest.model import CategoryGroup, FindingItem
from bot.findings import run_rules_for_team
from bot.store.repository import Repository
from bot.store.rows import FindingRow, TeamRow
from knowledge.rulebase import PROBLEM_CATEGORIES, rule_defs
from rules.model import Finding

TOP_PER_CATEGORY = 2
FOCUS_ITEMS = 3
SEVERITY_WEIGHT = {"high": 3, "medium": 2, "low": 1}


def _weight(finding: Finding) -> int:
    return SEVERITY_WEIGHT.get(finding.severity, 1)


def _from_row(row: FindingRow, team: TeamRow) -> Finding:
    metric = row.evidence.get("metric")
    return Finding(
        rule=row.rule,
        category=row.category,
        subject=row.subject,
        subject_kind="team" if row.subject == team.id else "person",
        team=team.id,
        audience=row.audience,
        severity=row.severity,
        evidence=dict(row.evidence),
        metric=metric if isinstance(metric, str) else None,
    )


def _key(finding: Finding) -> tuple[str, str, str]:
    return finding.rule, finding.subject, finding.metric or ""


def week_findings(
    repo: Repository, team: TeamRow, start: dt.date, as_of: dt.date, names: dict[str, str]
) -> tuple[tuple[CategoryGroup, ...], list[FindingItem]]:
    """The team's findings of the week: the groups, and every item most serious first."""
    members = {p.id for p in repo.people_in_team(team.id)} | {team.id}
    found: dict[tuple[str, str, str], Finding] = {}
    for finding in run_rules_for_team(repo, team.id, as_of):
        found.setdefault(_key(finding), finding)
    for row in repo.findings(since=start):
        if row.found_on <= as_of and row.subject in members and row.rule in rule_defs():
            found.setdefault(_key(_from_row(row, team)), _from_row(row, team))
    acks = {
        (e.text, e.person_id or e.team_id or "")
        for e in repo.events(kinds=["acknowledgement"], start=start)
    }
    order = {c: i for i, c in enumerate(PROBLEM_CATEGORIES)}
    items = sorted(
        (
            FindingItem(f, names.get(f.subject, f.subject), (f.rule, f.subject) in acks)
            for f in found.values()
        ),
        key=lambda i: (-_weight(i.finding), order.get(i.finding.category, 9), i.name),
    )
    return group(items), items


def group(items: Sequence[FindingItem]) -> tuple[CategoryGroup, ...]:
    """Items (most serious first) grouped by category, in the five categories' order."""
    out = []
    for category in PROBLEM_CATEGORIES:
        mine = [i for i in items if i.finding.category == category]
        if mine:
            out.append(CategoryGroup(category, len(mine), tuple(mine[:TOP_PER_CATEGORY])))
    return tuple(out)


def merge_groups(groups: Iterable[Sequence[CategoryGroup]]) -> tuple[CategoryGroup, ...]:
    """Several teams' groups as one: counts added, the top ones kept (most serious first)."""
    counts: dict[str, int] = {}
    tops: dict[str, list[FindingItem]] = {}
    for team_groups in groups:
        for g in team_groups:
            counts[g.category] = counts.get(g.category, 0) + g.count
            tops.setdefault(g.category, []).extend(g.top)
    out = []
    for category in PROBLEM_CATEGORIES:
        if category in counts:
            top = sorted(tops[category], key=lambda i: -_weight(i.finding))[:TOP_PER_CATEGORY]
            out.append(CategoryGroup(category, counts[category], tuple(top)))
    return tuple(out)


def focus(items: Sequence[FindingItem], audience: str) -> tuple[FindingItem, ...]:
    """Two or three findings whose prompts make next week's focus, one rule at most once:
    the most serious of the categories that dominated (by severity-weighted count), about
    as many different people (or teams) and categories as there are.

    Rounds over the dominant categories, each taking the first item that fits: a new
    subject in a new category; a new subject; a new category; then (up to two) anything."""
    weight: dict[str, int] = {}
    for item in items:
        weight[item.finding.category] = weight.get(item.finding.category, 0) + _weight(item.finding)
    ranked = sorted(weight, key=lambda c: -weight[c])
    usable = [i for i in items if audience_for(i.finding, audience) is not None]
    chosen: list[FindingItem] = []

    def fits(item: FindingItem, round_: int) -> bool:
        if any(c.finding.rule == item.finding.rule for c in chosen):
            return False
        new_subject = all(c.finding.subject != item.finding.subject for c in chosen)
        new_category = all(c.finding.category != item.finding.category for c in chosen)
        return (new_subject and new_category, new_subject, new_category, True)[round_]

    for round_, most in ((0, FOCUS_ITEMS), (1, FOCUS_ITEMS), (2, FOCUS_ITEMS), (3, 2)):
        for category in ranked:
            if len(chosen) >= most:
                break
            pick = next(
                (i for i in usable if i.finding.category == category and fits(i, round_)), None
            )
            if pick is not None:
                chosen.append(pick)
    return tuple(chosen)


def audience_for(finding: Finding, audience: str) -> str | None:
    """The audience whose prompt the recipient reads: theirs when the rule has one."""
    prompts = rule_defs()[finding.rule].prompts
    if audience in prompts:
        return audience
    for other in ("lead", "manager"):
        if other in prompts:
            return other
    return None
