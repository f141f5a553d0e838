"""The reply to a report: what was read and what to do, as short HTML in the rep's language."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

import knowledge
from bot.i18n import Lang, t
from bot.report_parser import ParsedReport
from bot.report_view import format_number, metric_label, render_warning

MAX_REPLY = 3500  # Telegram takes 4096 characters; HTML tags and escapes need room


def render_reply(report: ParsedReport, lang: Lang, prompts: Sequence[str], replaced: bool) -> str:
    """The one message a rep gets back: date, figures, blockers, next steps, warnings, prompts."""
    metrics = knowledge.metrics()
    key = "bot.report.updated" if replaced else "bot.report.saved"
    lines = [
        t(
            key,
            lang,
            date=f"{report.date.month}/{report.date.day}"
            if lang == "en"
            else f"{report.date.month}月{report.date.day}日",
        )
    ]
    if report.metrics:
        lines.append(
            " · ".join(
                f"{escape(metric_label(name, lang))} <b>"
                + format_number(
                    value, lang, money=name in metrics and metrics[name].kind == "money"
                )
                + "</b>"
                for name, value in report.metrics.items()
            )
        )
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
