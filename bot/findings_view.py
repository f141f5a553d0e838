"""Renders findings: the corrective prompt for each audience, in Chinese or English.

Evidence numbers are shown as a person reads them: paces and ratios as
percentages, money in the team's way (2.5万 / 25,000), the function a blocker
names by its label, plan-document parts by their names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import knowledge
from bot.i18n import Lang, t
from bot.report_view import format_number, metric_label
from bot.textclip import clip
from knowledge.rulebase import categories, lexicons, rule_defs
from rules.model import Finding

NEVER = 9999  # the facts' "never happened" number of days
PERCENT_FIELDS = frozenset({"pace", "share", "rate", "ratio", "over", "uplift"})
MONEY_FIELDS = frozenset({"sales", "collections"})
METRIC_AMOUNT_FIELDS = frozenset(
    {"target", "best_previous", "draft", "gap", "needed_per_day", "daily_rate", "actual"}
)
DATE_FIELDS = frozenset({"since", "oldest", "last_report"})


def _is_money(metric: str | None) -> bool:
    spec = knowledge.metrics().get(metric or "")
    return bool(spec and spec.kind == "money")


def _short_date(value: str, lang: Lang) -> str:
    try:
        day = dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return value
    return f"{day.month}月{day.day}日" if lang == "zh" else day.strftime("%b %-d")


def display_evidence(finding: Finding, lang: Lang) -> dict[str, str]:
    """Every evidence value as text a person reads."""
    out: dict[str, str] = {}
    metric = finding.evidence.get("metric") or finding.metric
    for key, value in finding.evidence.items():
        if key == "metric":
            out[key] = metric_label(str(value), lang)
        elif key == "function":
            function = lexicons().functions.get(str(value))
            out[key] = function.label[lang] if function else str(value)
        elif key == "missing":
            names = [n for n in str(value).split(",") if n]
            out[key] = ("、" if lang == "zh" else ", ").join(
                t(f"plan.section.{n}", lang) for n in names
            )
        elif key in ("blocker", "words"):
            out[key] = clip(str(value), 30)
        elif key in DATE_FIELDS:
            out[key] = _short_date(str(value), lang) if value else t("check.never", lang)
        elif key == "days" and isinstance(value, int | float) and value >= NEVER:
            out[key] = t("check.long_ago", lang)
        elif key == "uplift" and isinstance(value, int | float):
            out[key] = (f"{value:.0f}%" if value >= 10 else f"{value:.1f}%") if value >= 0 else "?"
        elif key in PERCENT_FIELDS and isinstance(value, int | float):
            out[key] = f"{value:.0%}"
        elif isinstance(value, int | float) and not isinstance(value, bool):
            money = key in MONEY_FIELDS or (key in METRIC_AMOUNT_FIELDS and _is_money(metric))
            rounded = (
                round(value) if abs(value) >= 10 or float(value).is_integer() else round(value, 1)
            )
            out[key] = format_number(rounded, lang, money=money)
        else:
            out[key] = str(value)
    return out


def render_prompt(finding: Finding, audience: str, lang: Lang, name: str) -> str:
    """The prompt a rule gives `audience` about this finding, filled from its evidence."""
    template = rule_defs()[finding.rule].prompts[audience][lang]
    values: dict[str, Any] = {**display_evidence(finding, lang), "name": name}
    try:
        return template.format_map(values)
    except (KeyError, IndexError, ValueError):
        return template


def title(finding: Finding, lang: Lang) -> str:
    """The rule's short title."""
    return rule_defs()[finding.rule].title[lang]


def finding_to_json(finding: Finding, lang: Lang, names: Mapping[str, str]) -> dict[str, Any]:
    """The contract's finding object, plus the team, metric, title and every audience's prompt."""
    name = names.get(finding.subject, finding.subject)
    return {
        "rule": finding.rule,
        "category": finding.category,
        "subject": finding.subject,
        "audience": list(finding.audience),
        "severity": finding.severity,
        "evidence": dict(finding.evidence),
        "message": render_prompt(finding, finding.audience[0], lang, name),
        "team": finding.team,
        "metric": finding.metric,
        "title": title(finding, lang),
        "messages": {a: render_prompt(finding, a, lang, name) for a in finding.audience},
    }


def render_findings_text(
    findings: Sequence[Finding], today: dt.date, lang: Lang, names: Mapping[str, str]
) -> str:
    """Findings grouped by the five categories, most serious first within each."""
    if not findings:
        return t("check.none", lang, date=today.isoformat())
    lines = [t("check.header", lang, date=today.isoformat(), count=len(findings))]
    for category_id, category in categories().items():
        group = [f for f in findings if f.category == category_id]
        if not group:
            continue
        lines.append("")
        lines.append(t("check.category", lang, name=category.name[lang], count=len(group)))
        for f in group:
            name = names.get(f.subject, f.subject)
            lines.append(
                t(
                    "check.finding",
                    lang,
                    severity=t(f"check.severity.{f.severity}", lang),
                    name=name,
                    title=title(f, lang),
                    rule=f.rule,
                )
            )
            lines.append("    " + render_prompt(f, f.audience[0], lang, name))
    return "\n".join(lines)
