"""The preview of a target file: totals per metric and period, and every row it could not read."""

from __future__ import annotations

from html import escape

import knowledge
from bot.i18n import Lang, t
from bot.planning.import_model import ImportPlan, Problem
from bot.report_view import format_number, metric_label


def problem_text(problem: Problem, lang: Lang, *, note: bool = False) -> str:
    """`Row 7: nobody called “x”` in `lang`."""
    area = "note" if note else "err"
    reason = t(f"plan_import.{area}.{problem.key}", lang, **problem.params)
    return t("plan_import.row", lang, row=problem.row, reason=reason)


def render_preview(
    plan: ImportPlan, file_name: str, lang: Lang, *, html: bool = False, max_problems: int = 0
) -> str:
    """The preview as text (HTML-escaped when `html`); `max_problems` > 0 caps the list."""
    esc = escape if html else (lambda s: s)
    money = {m for m, d in knowledge.metrics().items() if d.kind == "money"}
    lines = [esc(t("plan_import.preview.title", lang, file=file_name[:80], rows=plan.rows))]
    for total in plan.totals:
        value = format_number(total.value, lang, money=total.metric in money)
        label = metric_label(total.metric, lang)
        lines.append(
            "· "
            + esc(
                t("plan_import.preview.total", lang, metric=label, period=total.period, value=value)
            )
        )
    if plan.problems:
        lines.append("")
        lines.append(esc(t("plan_import.preview.errors", lang, count=len(plan.problems))))
        shown = plan.problems[:max_problems] if max_problems > 0 else plan.problems
        lines.extend(esc(problem_text(p, lang)) for p in shown)
        if len(shown) < len(plan.problems):
            lines.append(
                esc(t("plan_import.preview.more", lang, count=len(plan.problems) - len(shown)))
            )
        return "\n".join(lines)
    lines.append(
        esc(t("plan_import.preview.targets", lang, targets=len(plan.targets), people=plan.people))
    )
    if plan.notes:
        lines.append(esc(t("plan_import.preview.notes", lang)))
        lines.extend(esc(problem_text(n, lang, note=True)) for n in plan.notes)
    return "\n".join(lines)
