"""Renders a Digest as Telegram HTML in Chinese or English, split into messages.

Each section is a block; messages are filled block by block up to Telegram's
4,096 characters, so a list is never cut in the middle. A block longer than a
message on its own is split between lines, its heading repeated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape

import knowledge
from bot.digest.findings import audience_for
from bot.digest.model import Digest, MetricLine, Row, Scope
from bot.findings_view import display_evidence, title
from bot.i18n import Lang, t
from bot.report_view import format_number, metric_label
from knowledge.rulebase import categories, methods, principles, rule_defs
from rules.model import Finding

LIMIT = 4096
MAX_BLOCKERS = 8
MAX_MISSING = 12
ON_PLAN, NEAR = 1.0, 0.8


def _money(metric: str) -> bool:
    spec = knowledge.metrics().get(metric)
    return bool(spec and spec.kind == "money")


def num(value: float | None, metric: str, lang: Lang) -> str:
    """A figure as a phone reads it: 27.5万 / 275k, whole counts, one decimal below ten."""
    if value is None:
        return "—"
    if _money(metric) and lang == "en" and abs(value) >= 10_000:
        if abs(value) >= 1_000_000:
            return f"{value / 1_000_000:.2f}".rstrip("0").rstrip(".") + "M"
        return f"{value / 1000:.0f}k"
    if _money(metric) and lang == "zh" and abs(value) >= 10_000:
        return t("num.wan", lang, value=f"{value / 10_000:.1f}".rstrip("0").rstrip("."))
    rounded = round(value) if abs(value) >= 10 or float(value).is_integer() else round(value, 1)
    return format_number(rounded, lang, money=_money(metric))


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def mark(pace: float | None) -> str:
    """🟢 on plan, 🟡 a little behind, 🔴 well behind, ⚪ no target."""
    if pace is None:
        return "⚪"
    return "🟢" if pace >= ON_PLAN else ("🟡" if pace >= NEAR else "🔴")


def short_date(day: dt.date, lang: Lang) -> str:
    return f"{day.month}月{day.day}日" if lang == "zh" else day.strftime("%b %-d")


def _label(metric: str, lang: Lang) -> str:
    return escape(metric_label(metric, lang))


# ---- blocks ------------------------------------------------------------------------------


def _header(d: Digest, lang: Lang) -> list[str]:
    span = t("digest.span", lang, start=short_date(d.start, lang), end=short_date(d.end, lang))
    key = "digest.title" if d.complete else "digest.title_so_far"
    lines = [t(key, lang, week=d.week, span=span, date=short_date(d.as_of, lang))]
    lines.append(t("digest.for", lang, name=escape(d.recipient_name)))
    return lines


def _metric_line(line: MetricLine, lang: Lang) -> str:
    fig = line.figures
    if fig.gap <= 0:
        needed = t("digest.met", lang)
    elif fig.needed_per_day is None:
        needed = t("digest.missed", lang, gap=num(fig.gap, line.metric, lang))
    else:
        needed = t("digest.needed", lang, value=num(fig.needed_per_day, line.metric, lang))
    return t(
        "digest.metric",
        lang,
        mark=mark(fig.pace),
        metric=_label(line.metric, lang),
        actual=num(fig.actual, line.metric, lang),
        target=num(fig.target, line.metric, lang),
        pace=pct(fig.pace),
        forecast=num(fig.forecast, line.metric, lang),
        needed=needed,
    )


def _row_line(row: Row, lang: Lang) -> str:
    parts = [
        t("digest.row_metric", lang, metric=_label(m.metric, lang), pace=pct(m.figures.pace))
        for m in row.metrics
    ] or [t("digest.no_target", lang)]
    return t(
        "digest.row", lang, mark=mark(row.pace), name=escape(row.name), metrics=" · ".join(parts)
    )


def _plan_block(scope: Scope, lang: Lang) -> list[str]:
    key = "digest.scope_team" if scope.kind == "team" else "digest.scope_total"
    lines = [
        t(
            key,
            lang,
            name=escape(scope.name),
            month=scope.month,
            elapsed=scope.elapsed,
            total=scope.total_days,
        )
    ]
    lines += [_metric_line(m, lang) for m in scope.totals] or [t("digest.no_targets", lang)]
    if scope.rows:
        rows_key = "digest.people" if scope.kind == "team" else "digest.teams"
        lines.append(t(rows_key, lang))
        lines += [_row_line(r, lang) for r in scope.rows]
    return lines


WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def weekday(day: dt.date, lang: Lang) -> str:
    return t(f"digest.day.{WEEKDAY_KEYS[day.weekday()]}", lang)


def _week_title(scope: Scope, d: Digest, lang: Lang) -> str:
    """This week against the week before; a partial week names the days compared."""
    if d.complete and scope.compared_to >= d.end:
        return t("digest.week_title", lang)
    if scope.compared_to < d.start:
        return t("digest.week_none_due", lang)
    first, last = weekday(d.start, lang), weekday(scope.compared_to, lang)
    days = first if scope.compared_to == d.start else t("digest.days", lang, first=first, last=last)
    return t("digest.week_title_so_far", lang, days=days)


def _week_block(scope: Scope, d: Digest, lang: Lang) -> list[str]:
    lines = [_week_title(scope, d, lang)]
    if scope.compared_to < d.start:
        return lines
    for c in scope.compare:
        change = t("digest.change", lang, change=f"{c.change:+.0%}") if c.change is not None else ""
        lines.append(
            t(
                "digest.compare",
                lang,
                metric=_label(c.metric, lang),
                week=num(c.week, c.metric, lang),
                before=num(c.before, c.metric, lang),
                change=change,
            )
        )
    return lines


def _process_block(scope: Scope, lang: Lang) -> list[str]:
    lines = [t("digest.process_title", lang)]
    lines.append(t("digest.completion", lang, rate=pct(scope.completion)))
    per = [
        t("digest.completion_row", lang, name=escape(r.name), done=r.reported_days, due=r.due_days)
        for r in scope.rows
        if r.due_days
    ]
    if per:
        lines.append("  " + " · ".join(per))
    if scope.visits_per_day is not None:
        lines.append(t("digest.activity", lang, value=f"{scope.visits_per_day:.1f}"))
    lines.append(
        t(
            "digest.collections",
            lang,
            week=pct(scope.collections_ratio),
            month=pct(scope.month_collections_ratio),
        )
    )
    return lines


def _findings_block(scope: Scope, lang: Lang) -> list[str]:
    if not scope.findings:
        return [t("digest.findings_none", lang)]
    lines = [t("digest.findings_title", lang, count=scope.finding_count)]
    for g in scope.findings:
        name = categories()[g.category].name[lang]
        lines.append(t("digest.category", lang, name=escape(name), count=g.count))
        if scope.kind == "total":
            continue
        for item in g.top:
            state = "digest.acked" if item.acknowledged else "digest.not_acked"
            lines.append(
                t(
                    "digest.finding",
                    lang,
                    title=escape(title(item.finding, lang)),
                    name=escape(item.name),
                    state=t(state, lang),
                )
            )
    return lines


def _blockers_block(scope: Scope, lang: Lang) -> list[str]:
    if not scope.blockers:
        return [t("digest.blockers_none", lang)]
    if scope.kind == "total":
        oldest = max(b.days_open for b in scope.blockers)
        return [t("digest.blockers_total", lang, count=len(scope.blockers), days=oldest)]
    lines = [t("digest.blockers_title", lang, count=len(scope.blockers))]
    for b in scope.blockers[:MAX_BLOCKERS]:
        lines.append(
            t(
                "digest.blocker",
                lang,
                name=escape(b.name),
                text=escape(b.text[:80]),
                days=b.days_open,
                times=b.times_seen,
            )
        )
    if len(scope.blockers) > MAX_BLOCKERS:
        lines.append(t("digest.more", lang, count=len(scope.blockers) - MAX_BLOCKERS))
    return lines


def _missing_block(scope: Scope, lang: Lang) -> list[str]:
    if not scope.missing:
        return [t("digest.missing_none", lang)]
    if scope.kind == "total":
        return [t("digest.missing_total", lang, count=len(scope.missing))]
    lines = [t("digest.missing_title", lang, count=len(scope.missing))]
    for m in scope.missing[:MAX_MISSING]:
        last = short_date(m.last_report, lang) if m.last_report else t("digest.never", lang)
        lines.append(t("digest.missing", lang, name=escape(m.name), days=m.days, last=last))
    if len(scope.missing) > MAX_MISSING:
        lines.append(t("digest.more", lang, count=len(scope.missing) - MAX_MISSING))
    return lines


def focus_action(finding: Finding, audience: str, lang: Lang, name: str) -> str:
    """The rule's prompt for `audience`, worded for a week's plan (its weekly variant)."""
    template = rule_defs()[finding.rule].weekly_prompt(audience, lang)
    try:
        return template.format_map({**display_evidence(finding, lang), "name": name})
    except (KeyError, IndexError, ValueError):
        return template


def _focus_block(scope: Scope, audience: str, lang: Lang) -> list[str]:
    if not scope.focus:
        return [t("digest.focus_none", lang)]
    lines = [t("digest.focus_title", lang)]
    for n, item in enumerate(scope.focus, 1):
        who = audience_for(item.finding, audience) or item.finding.audience[0]
        source = rule_defs()[item.finding.rule].draws_on
        method = methods().get(source) or principles().get(source)
        lines.append(
            t(
                "digest.focus",
                lang,
                n=n,
                method=escape(method.name[lang] if method else title(item.finding, lang)),
                action=escape(focus_action(item.finding, who, lang, item.name)),
            )
        )
    return lines


def scope_blocks(scope: Scope, d: Digest, lang: Lang) -> list[list[str]]:
    """The blocks of one scope, in reading order."""
    audience = "lead" if d.role == "lead" else "manager"
    return [
        _plan_block(scope, lang),
        _week_block(scope, d, lang),
        _process_block(scope, lang),
        _findings_block(scope, lang),
        _blockers_block(scope, lang),
        _missing_block(scope, lang),
        _focus_block(scope, audience, lang),
    ]


def render_digest(d: Digest, lang: Lang, limit: int = LIMIT) -> list[str]:
    """The digest as Telegram HTML messages, each at most `limit` characters."""
    blocks = [_header(d, lang)]
    for scope in d.scopes:
        blocks.extend(scope_blocks(scope, d, lang))
    return split_blocks(blocks, limit, lang)


def render_text(d: Digest, lang: Lang) -> str:
    """The digest as plain text (the command line): the HTML without its tags."""
    import re
    from html import unescape

    return "\n\n".join(unescape(re.sub(r"<[^>]+>", "", m)) for m in render_digest(d, lang, 10**9))


# ---- splitting -------------------------------------------------------------------------


def _pieces(block: Sequence[str], limit: int, lang: Lang) -> list[str]:
    """A block as one piece, or cut between lines with its heading repeated."""
    text = "\n".join(block)
    if len(text) <= limit:
        return [text]
    heading = block[0] + " " + t("digest.continued", lang) if block else ""
    out: list[str] = []
    current = block[0]
    for line in block[1:]:
        line = line[: limit - len(heading) - 1]
        if len(current) + 1 + len(line) > limit:
            out.append(current)
            current = heading
        current += "\n" + line
    out.append(current)
    return out


def split_blocks(
    blocks: Sequence[Sequence[str]], limit: int = LIMIT, lang: Lang = "en"
) -> list[str]:
    """Packs blocks into messages of at most `limit` characters, cutting only between
    blocks (or, inside a block too long for one message, between its lines)."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        for piece in _pieces(block, limit, lang):
            if current and len(current) + 2 + len(piece) > limit:
                messages.append(current)
                current = ""
            current = f"{current}\n\n{piece}" if current else piece
    if current:
        messages.append(current)
    return messages
