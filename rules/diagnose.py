"""Runs the whole rule base over an organisation's facts in one pass."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Any

from knowledge.rulebase import RuleDef, rule_defs, threshold
from rules import execution, goal, management, mechanism, process
from rules.engine import Engine, RuleSpec
from rules.facts import Fact
from rules.model import Finding, Rule, threshold_field

ALL_RULES: tuple[Rule, ...] = (
    *goal.RULES,
    *execution.RULES,
    *process.RULES,
    *mechanism.RULES,
    *management.RULES,
)
_SEVERITY = {"high": 0, "medium": 1, "low": 2}
_CATEGORY = {"goal": 0, "execution": 1, "process": 2, "mechanism": 3, "management": 4}
PERSON_KINDS = frozenset({"person_metric", "person", "blocker"})


class Thresholds:
    """Each team's thresholds: the knowledge base's defaults under the team's own settings."""

    def __init__(self, team_settings: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        self._settings = dict(team_settings or {})

    def get(self, team: str, rule_id: str, name: str) -> float:
        """The threshold `name` of `rule_id` for `team`."""
        overrides = self._settings.get(team, {}).get("rules")
        return threshold(rule_id, name, overrides if isinstance(overrides, Mapping) else None)


@cache
def _engine() -> Engine:
    defs = rule_defs()
    missing = [r.id for r in ALL_RULES if r.id not in defs]
    extra = [rid for rid in defs if rid not in {r.id for r in ALL_RULES}]
    if missing or extra:
        raise RuntimeError(f"rules and knowledge disagree: missing {missing}, undefined {extra}")
    return Engine("execoach", [RuleSpec(rule.id, rule.when()) for rule in ALL_RULES])


def _with_thresholds(
    fact: Fact, thresholds: Thresholds, defs: Mapping[str, RuleDef]
) -> dict[str, Any]:
    message = fact.message()
    for rule in ALL_RULES:
        if rule.kind != fact.kind:
            continue
        for name in defs[rule.id].thresholds:
            message[threshold_field(rule.id, name)] = thresholds.get(fact.team, rule.id, name)
    return message


# A person's pace findings say nothing new when the cause is elsewhere: a rep who
# stopped reporting is "behind" only on paper, and when most of a team is behind
# at once it is a system problem, not each person's (article: 机制问题).
PACE_RULES = frozenset(
    {
        "goal.unreachable_pace",
        "execution.behind_streak",
        "execution.no_next_steps",
        "execution.targeted_metric_idle",
        "management.behind_without_coaching",
    }
)


def _root_causes_only(findings: list[Finding], facts: Sequence[Fact]) -> list[Finding]:
    stopped = {f.subject for f in findings if f.rule == "mechanism.reports_stopped"}
    systemic = {f.team for f in findings if f.rule == "mechanism.team_mostly_behind"}
    return [
        f
        for f in findings
        if not (
            f.rule in PACE_RULES
            and (
                f.subject in stopped
                or (f.team in systemic and f.rule != "execution.targeted_metric_idle")
            )
        )
    ]


def _worst_metric_only(findings: Iterable[Finding], defs: Mapping[str, RuleDef]) -> list[Finding]:
    """One finding per rule and person: where several metrics fire, the worst one speaks."""
    best: dict[tuple[str, str, str], Finding] = {}
    for f in findings:
        key = (f.rule, f.subject, f.ref)
        kept = best.get(key)
        if kept is None or _worse_than(f, kept, defs[f.rule]):
            best[key] = f
    return list(best.values())


def _worse_than(a: Finding, b: Finding, definition: RuleDef) -> bool:
    x, y = a.evidence.get(definition.measure_field), b.evidence.get(definition.measure_field)
    if not isinstance(x, int | float) or not isinstance(y, int | float):
        return False
    return x > y if definition.measure_worse == "up" else x < y


def diagnose(facts: Iterable[Fact], thresholds: Thresholds | None = None) -> list[Finding]:
    """Every finding the rule base makes on these facts, most serious first."""
    defs = rule_defs()
    thresholds = thresholds or Thresholds()
    fact_list: Sequence[Fact] = list(facts)
    by_id = {rule.id: rule for rule in ALL_RULES}
    messages = [_with_thresholds(f, thresholds, defs) for f in fact_list]
    findings: dict[str, Finding] = {}
    for match in _engine().evaluate(messages):
        rule, message = by_id[match.rule], match.fact
        definition = defs[rule.id]
        kind = str(message["kind"])
        subject = str(message["person"] if kind in PERSON_KINDS else message["team"])
        finding = Finding(
            rule=rule.id,
            category=rule.category,
            subject=subject,
            subject_kind="person" if kind in PERSON_KINDS else "team",
            team=str(message["team"]),
            audience=tuple(definition.audience),
            severity=definition.severity,
            evidence=rule.evidence(message),
            metric=rule.metric(message),
            ref=str(message.get("blocker_id", "")),
        )
        findings.setdefault(finding.key, finding)
    order = {rule.id: i for i, rule in enumerate(ALL_RULES)}
    return sorted(
        _root_causes_only(_worst_metric_only(findings.values(), defs), fact_list),
        key=lambda f: (
            _SEVERITY.get(f.severity, 9),
            _CATEGORY[f.category],
            order[f.rule],
            f.team,
            f.subject,
            f.metric or "",
            f.ref,
        ),
    )
