"""Each kind of answer's text, from its data (`answer.py`), in the question's language."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from bot.ask.render import (
    amount,
    bar,
    count,
    days,
    direction,
    focus,
    last_report,
    metric_lines,
    named_period,
    next_action,
    num,
    period_label,
)
from bot.i18n import Lang, t
from bot.report_view import metric_label
from bot.textclip import clip

Names = Mapping[str, str]
Data = Mapping[str, Any]


def _head(key: str, data: Data, names: Names, lang: Lang, **kw: Any) -> str:
    period = period_label(data["period"]["start"], data["period"]["end"], lang)
    return t(key, lang, period=period, **kw)


def progress(data: Data, names: Names, lang: Lang) -> list[str]:
    lines = [
        _head("ask.progress.head", data, names, lang, elapsed=data["elapsed"], total=data["total"])
    ]
    for item in data["items"]:
        lines.append(f"<b>{names.get(item['id'], item['id'])}</b>")
        lines += metric_lines(item["metrics"], lang) or [t("ask.no_target", lang)]
        for metric, value in item.get("untargeted", {}).items():
            lines.append(
                t(
                    "ask.untargeted",
                    lang,
                    metric=metric_label(metric, lang),
                    actual=num(value, metric, lang),
                )
            )
        for metric, value in item["actual_only"].items():
            lines.append(
                t(
                    "ask.actual_only",
                    lang,
                    metric=metric_label(metric, lang),
                    actual=num(value, metric, lang),
                )
            )
    behind = [
        (m, f)
        for item in data["items"]
        for m, f in item["metrics"].items()
        if f["pace"] is not None and f["pace"] < 1.0
    ]
    return [*lines, _advice(focus(behind), data, lang)]


def _advice(chosen: tuple[str, Mapping[str, Any]] | None, data: Data, lang: Lang) -> str:
    """One next action on the metric that matters most (`render.focus`), worded for
    a rep (by customer, by day) or for a lead (by person, by customer)."""
    rep = "_rep" if data.get("audience") == "rep" else ""
    if chosen is None:
        return next_action(f"on_track{rep}", lang)
    metric, f = chosen
    if f["needed_per_day"] is None:
        return next_action("missed", lang)
    return next_action(f"gap{rep}", lang, needed=amount(f["needed_per_day"], metric, lang))


def target_gap(data: Data, names: Names, lang: Lang) -> list[str]:
    left = count("ask.workdays", data["total"] - data["elapsed"], lang)
    lines = [_head("ask.gap.head", data, names, lang, remaining=left)]
    for item in data["items"]:
        for metric, f in item["metrics"].items():
            values = {
                "name": names.get(item["id"], item["id"]),
                "metric": metric_label(metric, lang),
                "gap": num(f["gap"], metric, lang),
                "forecast": num(f["forecast"], metric, lang),
                "target": num(f["target"], metric, lang),
                "bar": bar(f["attainment"]),
            }
            if not f["gap"]:
                lines.append(t("ask.gap.met", lang, **values))
            elif f["needed_per_day"] is None:
                lines.append(t("ask.gap.missed", lang, **values))
            else:
                needed = num(f["needed_per_day"], metric, lang)
                lines.append(t("ask.gap.line", lang, needed=needed, **values))
        if not item["metrics"]:
            lines.append(t("ask.no_target_for", lang, name=names.get(item["id"], item["id"])))
    shown = [(m, f) for item in data["items"] for m, f in item["metrics"].items()]
    return [*lines, _advice(focus(shown), data, lang)]


def behind(data: Data, names: Names, lang: Lang) -> list[str]:
    lines = [_head("ask.behind.head", data, names, lang)]
    for key, label in (("behind", "ask.behind.behind"), ("at_risk", "ask.behind.at_risk")):
        rows = data[key]
        if rows:
            lines.append(t(label, lang, count=len(rows)))
            for r in rows[:8]:
                lines.append(
                    t(
                        "ask.behind.row",
                        lang,
                        name=names.get(r["id"], r["id"]),
                        metric=metric_label(r["metric"], lang),
                        pace=f"{r['pace']:.0%}",
                        actual=num(r["actual"], r["metric"], lang),
                        target=num(r["target"], r["metric"], lang),
                    )
                )
    if not data["behind"] and not data["at_risk"]:
        lines.append(t("ask.behind.none", lang))
        lines.append(next_action("on_track", lang))
    else:
        first = (data["behind"] or data["at_risk"])[0]
        lines.append(
            next_action(
                "behind",
                lang,
                name=names.get(first["id"], first["id"]),
                metric=metric_label(first["metric"], lang),
            )
        )
    return lines


def ranking(data: Data, names: Names, lang: Lang) -> list[str]:
    rows = list(data["ranking"])
    if data["order"] == "worst":
        rows.reverse()
    lines = [_head(f"ask.ranking.head.{data['order']}", data, names, lang)]
    for i, r in enumerate(rows[: data["top"]], 1):
        value = (
            f"{r['pace']:.0%}"
            if data["by"] == "pace"
            else num(r["actual"], r["metric"] or "sales", lang)
        )
        metric = metric_label(r["metric"] or "sales", lang)
        lines.append(f"{i}. {names.get(r['id'], r['id'])} · {metric} {value}")
    if not rows:
        lines.append(t("ask.nothing", lang))
    elif len(rows) > 1:
        lead, last = data["ranking"][0], data["ranking"][-1]
        lines.append(
            next_action(
                "ranking",
                lang,
                name=names.get(lead["id"], lead["id"]),
                last=names.get(last["id"], last["id"]),
            )
        )
    return lines


def not_reported(data: Data, names: Names, lang: Lang) -> list[str]:
    workdays = count("ask.workdays", data["working_days"], lang)
    lines = [_head("ask.missing.head", data, names, lang, days=workdays)]
    if not data["working_days"]:
        return [*lines, t("ask.missing.no_workdays", lang)]
    if not data["missing"]:
        return [*lines, t("ask.missing.none", lang), next_action("all_reported", lang)]
    for m in data["missing"][:10]:
        lines.append(
            t(
                "ask.missing.row",
                lang,
                name=names.get(m["id"], m["id"]),
                missed=days(m["missed_days"], lang),
                last=last_report(m["last_report"], lang),
            )
        )
    who = ("、" if lang == "zh" else ", ").join(
        names.get(m["id"], m["id"]) for m in data["missing"][:3]
    )
    return [*lines, next_action("not_reported", lang, name=who)]


def blockers(data: Data, names: Names, lang: Lang) -> list[str]:
    rows = data["open"]
    lines = [t("ask.blockers.head", lang, count=len(rows))]
    for b in rows[:8]:
        lines.append(
            t(
                "ask.blockers.row",
                lang,
                name=names.get(b["person"], b["person"]),
                text=b["text"],
                days=days(b["days_open"], lang),
                times=b["times_seen"],
            )
        )
    if rows:
        text = rows[0]["text"]
        return [
            *lines,
            next_action("blockers", lang, text=clip(text, 30)),
        ]
    return [*lines, next_action("no_blockers", lang)]


def person(data: Data, names: Names, lang: Lang) -> list[str]:
    lines = progress(data, names, lang)
    action = lines.pop()
    lines.append(
        t(
            "ask.person.reports",
            lang,
            days=count("ask.days", data["reported_days"], lang),
            last=last_report(data["last_report"], lang),
        )
    )
    if data["open_blockers"]:
        lines.append(
            t(
                "ask.person.blockers",
                lang,
                text="；".join(data["open_blockers"])
                if lang == "zh"
                else "; ".join(data["open_blockers"]),
            )
        )
    if data["next_steps"]:
        lines.append(
            t(
                "ask.person.next",
                lang,
                text="；".join(data["next_steps"])
                if lang == "zh"
                else "; ".join(data["next_steps"]),
            )
        )
    return [*lines, action]


def compare(data: Data, names: Names, lang: Lang) -> list[str]:
    cur, prev = data["current"], data["previous"]
    lines = [
        t(
            "ask.compare.head",
            lang,
            current=named_period(cur.get("whole", cur), cur, data["as_of"], lang),
            previous=named_period(prev.get("whole", prev), prev, data["as_of"], lang),
        )
    ]
    for metric, m in data["metrics"].items():
        pct = "" if m["change_pct"] is None else f" ({m['change_pct']:+.0%})"
        arrow = "↑" if m["change"] > 0 else "↓" if m["change"] < 0 else "→"
        lines.append(
            t(
                "ask.compare.row",
                lang,
                metric=metric_label(metric, lang),
                current=num(m["current"], metric, lang),
                previous=num(m["previous"], metric, lang),
                change=f"{arrow}{pct}",
            )
        )
    if not data["metrics"]:
        return [*lines, t("ask.nothing", lang)]
    main, way = direction(data["metrics"], data.get("metric"))
    return [*lines, next_action(f"compare_{way}", lang, metric=metric_label(main, lang))]


def findings(data: Data, names: Names, lang: Lang) -> list[str]:
    rows = data["findings"]
    lines = [t("ask.findings.head", lang, count=len(rows))]
    for f in rows[:5]:
        lines.append(
            f"• <b>{f['title']}</b> — {names.get(f['subject'], f['subject'])}: {f['message']}"
        )
    return [*lines, next_action("findings" if rows else "no_findings", lang)]


RENDERERS: dict[str, Callable[[Data, Names, Lang], list[str]]] = {
    "progress": progress,
    "target_gap": target_gap,
    "behind": behind,
    "ranking": ranking,
    "not_reported": not_reported,
    "blockers": blockers,
    "person": person,
    "compare": compare,
    "findings": findings,
}
