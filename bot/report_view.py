"""Presenting a read report: JSON for machines, short text for people."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import knowledge
from bot.i18n import Lang, t
from bot.report_parser import Number, ParsedReport, ReportWarning
from knowledge import MetricDef


def metric_label(
    metric: str, lang: Lang, team_metrics: Mapping[str, MetricDef] | None = None
) -> str:
    """A metric's display name: the knowledge base's, or the team's own metric's label."""
    spec = (team_metrics or {}).get(metric) or knowledge.metrics().get(metric)
    return spec.label(lang) if spec else metric


def format_number(value: Number, lang: Lang, money: bool = False) -> str:
    """12000 → '12,000' (en) or '1.2万' (zh, money of ten thousand and more)."""
    if lang == "zh" and money and abs(value) >= 10_000:
        wan = f"{value / 10_000:.2f}".rstrip("0").rstrip(".")
        return t("num.wan", lang, value=wan)
    if not math.isfinite(value):
        return str(value)
    if abs(value) >= 1e15:
        return f"{value:.3g}"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{int(value):,}"


def render_warning(warning: ReportWarning, lang: Lang) -> str:
    """One warning as a sentence in `lang`."""
    params = dict(warning.params)
    if "metric" in params:
        params["metric"] = metric_label(str(params["metric"]), lang)
    return t(warning.key, lang, **params)


def report_to_json(report: ParsedReport, lang: Lang) -> dict[str, Any]:
    """The contract's JSON shape of `execoach parse --json`."""
    return {
        "date": report.date.isoformat(),
        "metrics": dict(report.metrics),
        "blockers": list(report.blockers),
        "next_steps": list(report.next_steps),
        "warnings": [render_warning(w, lang) for w in report.warnings],
    }


def render_report_text(report: ParsedReport, lang: Lang) -> str:
    """A short plain-text reading of the report, for the shell."""
    metrics = knowledge.metrics()
    figures = " · ".join(
        f"{metric_label(name, lang)} "
        + format_number(value, lang, money=name in metrics and metrics[name].kind == "money")
        for name, value in report.metrics.items()
    )
    lines = [
        f"{t('parse.label.date', lang)} {report.date.isoformat()}",
        f"{t('parse.label.figures', lang)} {figures or t('parse.none', lang)}",
    ]
    for key, items in (
        ("parse.label.blockers", report.blockers),
        ("parse.label.next_steps", report.next_steps),
    ):
        if items:
            lines.append(t(key, lang))
            lines.extend(f"  {i}. {item}" for i, item in enumerate(items, 1))
    if report.warnings:
        lines.append(t("parse.label.warnings", lang))
        lines.extend(f"  - {render_warning(w, lang)}" for w in report.warnings)
    return "\n".join(lines)
