"""Renders a TeamStatus as short text, in Chinese or English."""

from __future__ import annotations

import knowledge
from bot.i18n import Lang, t
from bot.report_view import format_number, metric_label
from bot.status import MetricStatus, TeamStatus


def _money(metric: str) -> bool:
    spec = knowledge.metrics().get(metric)
    return bool(spec and spec.kind == "money")


def _num(value: float | None, metric: str, lang: Lang) -> str:
    if value is None:
        return t("status.na", lang)
    rounded = round(value) if abs(value) >= 10 else round(value, 1)
    return format_number(rounded, lang, money=_money(metric))


def _ratio(value: float | None, lang: Lang) -> str:
    return t("status.na", lang) if value is None else f"{value:.2f}"


def _percent(value: float | None, lang: Lang) -> str:
    return t("status.na", lang) if value is None else f"{value:.0%}"


def _needed(m: MetricStatus, lang: Lang) -> str:
    fig = m.figures
    if fig.gap <= 0:
        return t("status.met", lang)
    if fig.needed_per_day is None:
        return t("status.missed", lang, gap=_num(fig.gap, m.metric, lang))
    return t("status.needed", lang, value=_num(fig.needed_per_day, m.metric, lang))


def render_metric(m: MetricStatus, lang: Lang) -> str:
    """One line: target, actual, attainment, pace, forecast and what it takes."""
    fig = m.figures
    attainment = fig.actual / fig.target if fig.target else None
    return t(
        "status.metric",
        lang,
        metric=metric_label(m.metric, lang),
        actual=_num(fig.actual, m.metric, lang),
        target=_num(fig.target, m.metric, lang),
        attainment=_percent(attainment, lang),
        pace=_ratio(fig.pace, lang),
        forecast=_num(fig.forecast, m.metric, lang),
        needed=_needed(m, lang),
    )


def render_team_status(status: TeamStatus, lang: Lang, names: dict[str, str]) -> str:
    """The team's block: header, team totals, people slowest first, open blockers."""
    lines = [
        t(
            "status.header",
            lang,
            team=status.team.name,
            period=status.period.label,
            date=status.today.isoformat(),
            elapsed=status.elapsed,
            total=status.total,
        )
    ]
    lines.extend("  " + render_metric(m, lang) for m in status.totals)
    lines.append(t("status.people", lang))
    for person in status.people:
        parts = [
            t(
                "status.person_metric",
                lang,
                metric=metric_label(m.metric, lang),
                actual=_num(m.figures.actual, m.metric, lang),
                target=_num(m.figures.target, m.metric, lang),
                pace=_ratio(m.figures.pace, lang),
            )
            for m in person.metrics
        ] or [t("status.no_target", lang)]
        seen = (
            t("status.last_report", lang, date=person.last_report.isoformat())
            if person.last_report
            else t("status.never_reported", lang)
        )
        lines.append(
            "  "
            + t("status.person", lang, name=person.person.name, metrics=" · ".join(parts))
            + f" · {seen}"
        )
    if status.open_blockers:
        lines.append(t("status.blockers", lang, count=len(status.open_blockers)))
        for b in status.open_blockers:
            lines.append(
                "  "
                + t(
                    "status.blocker",
                    lang,
                    name=names.get(b.person_id, b.person_id),
                    text=b.text,
                    times=b.times_seen,
                    since=b.first_seen.isoformat(),
                )
            )
    else:
        lines.append(t("status.no_blockers", lang))
    return "\n".join(lines)
