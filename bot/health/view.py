"""The health check in words: a question with its legend and data, and the result."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from html import escape

from bot.health.evidence import Evidence
from bot.health.score import Weak
from bot.i18n import Lang, t
from knowledge.health import Questionnaire


def _percent(value: float) -> str:
    return f"{round(value * 100)}%"


def evidence_lines(evidence: Evidence | None, element: str, lang: Lang) -> list[str]:
    """The daily data shown beside one element (nothing where there is none)."""
    if evidence is None or evidence.teams == 0:
        return []
    ev = evidence
    lines: list[str] = []
    if element == "A1" and ev.sales_pace is not None:
        lines.append(t("health.data.sales_pace", lang, pace=_percent(ev.sales_pace)))
    elif element == "A2":
        if ev.blockers_open:
            share = _percent(ev.blockers_cross / ev.blockers_open)
            lines.append(
                t(
                    "health.data.blockers",
                    lang,
                    cross=ev.blockers_cross,
                    open=ev.blockers_open,
                    share=share,
                )
            )
        else:
            lines.append(t("health.data.no_blockers", lang))
    elif element == "A3":
        lines.append(t("health.data.plan_parts", lang, filled=ev.plan_parts, total=ev.plan_total))
    elif element == "A4" and ev.outlets_pace is not None:
        lines.append(t("health.data.outlets_pace", lang, pace=_percent(ev.outlets_pace)))
    elif element == "A5":
        if ev.report_rate is not None:
            lines.append(t("health.data.report_rate", lang, rate=_percent(ev.report_rate)))
        lines.append(
            t("health.data.incentive", lang, with_scheme=ev.incentive_teams, teams=ev.teams)
        )
    return lines


def render_question(
    q: Questionnaire, index: int, lang: Lang, evidence: Evidence | None, resumed: bool
) -> str:
    """One question: its number, element, statement, the data beside it and the legend."""
    question = q.questions[index]
    element = q.elements[question.element]
    lines = [t("health.resumed", lang)] if resumed else []
    lines.append(
        t(
            "health.question",
            lang,
            n=index + 1,
            total=len(q.questions),
            element=escape(element.label[lang]),
            text=escape(question.text[lang]),
        )
    )
    lines += [f"📊 {line}" for line in evidence_lines(evidence, question.element, lang)]
    legend = " · ".join(f"{v} {label}" for v, label in zip(q.values, q.labels[lang], strict=True))
    lines.append(f"<i>{escape(legend)}</i>")
    return "\n".join(lines)


def _change(delta: int | None, lang: Lang) -> str:
    if delta is None:
        return ""
    if delta > 0:
        return f" ↑{delta}"
    if delta < 0:
        return f" ↓{-delta}"
    return " " + t("health.same", lang)


def render_result(
    q: Questionnaire,
    scores: Mapping[str, int],
    deltas: Mapping[str, int],
    weak: list[Weak],
    evidence: Evidence | None,
    previous_day: dt.date | None,
    lang: Lang,
) -> str:
    """The result: the score per element with its change and data, then the weakest
    points with the knowledge base's guidance."""
    lines = [t("health.result.title", lang)]
    if previous_day is not None:
        lines.append(t("health.result.since", lang, date=previous_day.isoformat()))
    for element_id, element in q.elements.items():
        if element_id not in scores:
            continue
        lines.append(
            t(
                "health.result.element",
                lang,
                element=escape(element.label[lang]),
                score=scores[element_id],
                change=_change(deltas.get(element_id) if deltas else None, lang),
            )
        )
        lines += [f"   📊 {line}" for line in evidence_lines(evidence, element_id, lang)]
    if weak:
        lines.append("")
        lines.append(t("health.result.focus", lang))
        for i, item in enumerate(weak, 1):
            element = q.elements[item.element]
            lines.append(
                t(
                    "health.result.weak",
                    lang,
                    n=i,
                    element=escape(element.label[lang]),
                    score=item.score,
                    guidance=escape(element.guidance[lang]),
                )
            )
            for question in item.questions[:2]:
                lines.append(f"   · {escape(question.text[lang])}")
    else:
        lines.append(t("health.result.all_good", lang))
    return "\n".join(lines)
