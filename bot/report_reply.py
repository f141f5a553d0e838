"""The reply to a report: what was read and what to do, as short HTML in the rep's language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

import knowledge
from bot.i18n import Lang, t
from bot.report_parser import ParsedReport
from bot.report_parser.model import Number
from bot.report_view import format_number, metric_label, render_warning

MAX_REPLY = 3500  # Telegram takes 4096 characters; HTML tags and escapes need room


@dataclass(frozen=True, slots=True)
class DayCount:
    """Where a report stands among its author's reports of its day, and the day's totals."""

    position: int  # 1 for the day's first report
    totals: Mapping[str, Number]


def _day(day: dt.date, lang: Lang) -> str:
    return f"{day.month}/{day.day}" if lang == "en" else f"{day.month}月{day.day}日"


def _figures(values: Mapping[str, Number], lang: Lang) -> str:
    """Figures as "visits <b>8</b> · sales <b>25,000</b>"."""
    metrics = knowledge.metrics()
    return " · ".join(
        f"{escape(metric_label(name, lang))} <b>"
        + format_number(value, lang, money=name in metrics and metrics[name].kind == "money")
        + "</b>"
        for name, value in values.items()
    )


def render_reply(
    report: ParsedReport,
    lang: Lang,
    prompts: Sequence[str],
    replaced: bool,
    day: DayCount | None = None,
) -> str:
    """The one message a rep gets back: date, figures, blockers, next steps, warnings, prompts.

    When `day` says it is not the day's first report, a line says it was added to the
    earlier ones, with the day's totals."""
    key = "bot.report.updated" if replaced else "bot.report.saved"
    lines = [t(key, lang, date=_day(report.date, lang))]
    if report.metrics:
        lines.append(_figures(report.metrics, lang))
    if day is not None and day.position > 1:
        added = t("bot.report.nth", lang, n=day.position, date=_day(report.date, lang))
        if day.totals:
            added += " " + t("bot.report.day_total", lang, figures=_figures(day.totals, lang))
        lines.append(added)
    if report.blockers:
        lines.append(
            t(
                "bot.report.blockers",
                lang,
                items=escape(
                    "；".join(report.blockers) if lang == "zh" else "; ".join(report.blockers)
                ),
            )
        )
    if report.next_steps:
        lines.append(
            t(
                "bot.report.next",
                lang,
                items=escape(
                    "；".join(report.next_steps) if lang == "zh" else "; ".join(report.next_steps)
                ),
            )
        )
    for warning in report.warnings:
        lines.append("⚠️ " + escape(render_warning(warning, lang)))
    for prompt in prompts:
        lines.append("💡 " + escape(prompt))
    text = "\n".join(lines)
    return text if len(text) <= MAX_REPLY else text[: MAX_REPLY - 1].rsplit("\n", 1)[0] + "\n…"


def render_withdrawn(report_date: dt.date, figures: Mapping[str, Number], lang: Lang) -> str:
    """The reply to a withdrawn report: withdrawn, with what it said struck through."""
    lines = [t("bot.report.withdrawn", lang, date=_day(report_date, lang))]
    if figures:
        lines.append("<s>" + _figures(figures, lang) + "</s>")
    return "\n".join(lines)
