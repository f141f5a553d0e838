"""Asking: a question (text or a button's query) in, a checked answer out.

The one path every entry point takes — the chat, its buttons and `execoach ask` —
so they answer alike and scope is checked the same way on each.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.ask import answer as build
from bot.ask.names import Hit
from bot.ask.query import Query
from bot.ask.scope import Scope, dimension_values, directory_of, scope_of
from bot.ask.spans import Span, whole
from bot.ask.texts import RENDERERS
from bot.ask.understand import Understanding, understand
from bot.i18n import Lang, t
from bot.store.repository import Repository
from bot.store.rows import PersonRow
from knowledge import metrics as canonical_metrics

Button = tuple[str, Query]
_OTHERS = ("behind", "ranking", "not_reported")  # about other people by nature


@dataclass
class Answer:
    """What the asker is told, and the data behind it."""

    intent: str
    start: dt.date
    end: dt.date
    subjects: list[str]
    text: str  # HTML, as the bot sends it
    data: dict[str, Any] = field(default_factory=dict)
    buttons: list[Button] = field(default_factory=list)

    def plain(self) -> str:
        """The text without markup, as the command line prints it."""
        return html.unescape(re.sub(r"<[^>]+>", "", self.text))

    def to_json(self) -> dict[str, Any]:
        return {
            "intent": self.intent,
            "period": {"start": self.start.isoformat(), "end": self.end.isoformat()},
            "subjects": self.subjects,
            "answer": self.plain(),
            "data": self.data,
        }


def team_metric_words(scope: Scope) -> dict[str, str]:
    """A team's own metrics' words (settings["metrics"]), word → metric."""
    out: dict[str, str] = {}
    for team in scope.teams or scope.all_teams.values():
        own = team.settings.get("metrics") if team.settings else None
        if isinstance(own, dict):
            for name, spec in own.items():
                words = spec.get("words") if isinstance(spec, dict) else None
                for word in (
                    (words.get("zh", []) + words.get("en", []))
                    if isinstance(words, dict)
                    else (words or [])
                ):
                    if isinstance(word, str) and word.strip():
                        out[word.strip().lower()] = str(name)
    return out


def ask_text(
    repo: Repository, asker: PersonRow, text: str, today: dt.date, lang: Lang | None = None
) -> Answer:
    """Answers a question written in plain words."""
    scope = scope_of(repo, asker)
    dims = dimension_values(repo, scope)
    directory = directory_of(scope, dims)
    u = understand(text, today, directory, team_metric_words(scope))
    return answer_understood(repo, scope, u, today, lang or u.lang, dims)


def answer_understood(
    repo: Repository,
    scope: Scope,
    u: Understanding,
    today: dt.date,
    lang: Lang,
    dims: dict[str, set[str]],
) -> Answer:
    span = u.periods[0] if u.periods else _default_period(u.intent, today)
    query = Query(
        intent=u.intent if u.intent != "unknown" else "progress",
        start=span.start,
        end=span.end,
        kind=span.kind,
        metric=u.metric,
        category=u.category,
        worst=u.worst,
        lang=lang,
        explicit_period=bool(u.periods),
        against=(
            (u.periods[1].start, u.periods[1].end)
            if u.intent == "compare" and len(u.periods) >= 2
            else None
        ),
    )
    names = _names(scope)
    if u.intent == "unknown":
        return _unknown(query, u, names, lang)
    if u.strangers:
        return _not_found(scope, u, query, names, lang)
    choice = _ambiguity(scope, u, query, names, lang)
    if choice is not None:
        return choice
    subjects = _resolve(scope, u, dims, today)
    if isinstance(subjects, Answer):
        return subjects
    return answer_query(repo, scope, query.but(subjects=subjects), today, top=u.top)


def _default_period(intent: str, today: dt.date) -> Span:
    return whole("day" if intent == "not_reported" else "month", today)


def _names(scope: Scope) -> dict[str, str]:
    names = {p.id: p.name for p in scope.everyone.values()}
    names |= {tid: team.name for tid, team in scope.all_teams.items()}
    return {k: html.escape(v) for k, v in names.items()}


def _ambiguity(
    scope: Scope, u: Understanding, q: Query, names: dict[str, str], lang: Lang
) -> Answer | None:
    """ "Which 静?" — the candidates in scope as buttons (one in scope: no question)."""
    for hit in u.ambiguous:
        inside = [c for c in hit.candidates if scope.sees(c)]
        if len(inside) <= 1:
            continue
        intent = "person" if q.intent == "progress" else q.intent
        buttons = [(names.get(c, c), q.but(intent=intent, subjects=(c,))) for c in inside[:6]]
        text = t("ask.which", lang, name=html.escape(hit.written))
        data = {"ambiguous": hit.written, "candidates": inside}
        return Answer(intent, q.start, q.end, inside, text, data, buttons)
    return None


def _not_found(
    scope: Scope, u: Understanding, q: Query, names: dict[str, str], lang: Lang
) -> Answer:
    """ "No one called 王芳 in your team" — with the closest people in scope as buttons,
    never a silent answer about the whole team."""
    from bot.ask.strangers import candidates

    written = u.strangers[0].written
    directory = directory_of(scope, {})
    allowed = [p for p in scope.people if p != scope.asker.id or scope.asker.role == "rep"]
    close = candidates(directory, written, allowed)
    intent = "person" if q.intent in ("progress", "person") else q.intent
    buttons = [(names.get(c, c), q.but(intent=intent, subjects=(c,))) for c in close]
    where = "ask.not_found.teams" if len(scope.teams) > 1 else "ask.not_found"
    text = t(where, lang, name=html.escape(written))
    if buttons:
        text += "\n" + t("ask.not_found.maybe", lang)
    data = {"not_found": written, "candidates": close}
    return Answer("unknown", q.start, q.end, [], text, data, buttons)


def _pick(scope: Scope, hit: Hit) -> str:
    inside = [c for c in hit.candidates if scope.sees(c)]
    return (inside or list(hit.candidates))[0]


def _resolve(
    scope: Scope, u: Understanding, dims: dict[str, set[str]], today: dt.date
) -> tuple[str, ...] | Answer:
    """The ids the question is about, or a refusal."""
    picked: list[str] = []
    for hit in u.hits:
        if not hit.strong and u.hits and any(h.strong for h in u.hits):
            continue
        ident = _pick(scope, hit)
        if ident in dims:
            members = tuple(
                p for p in sorted(dims[ident]) if p in scope.everyone or p in scope.all_teams
            )
            picked += [p for p in members if scope.sees(p)] or list(members[:1]) or [ident]
        elif ident not in picked:
            picked.append(ident)
    if u.self_ref and scope.asker.id not in picked:
        picked.insert(0, scope.asker.id)
    if not picked:
        if scope.asker.role == "rep" and (u.we_ref or u.everyone or u.intent in _OTHERS):
            return _refusal(scope, (scope.asker.team_id or "",), u, today)
        return scope.default_subjects()
    outside = [p for p in picked if not scope.sees(p)]
    if outside:
        return _refusal(scope, tuple(outside), u, today)
    return tuple(dict.fromkeys(picked))


def _refusal(scope: Scope, outside: tuple[str, ...], u: Understanding, today: dt.date) -> Answer:
    lang = u.lang
    names = _names(scope)
    who = ("、" if lang == "zh" else ", ").join(
        names.get(o, html.escape(o)) or "?" for o in outside
    )
    role = scope.asker.role
    reason = t(
        f"ask.refused.{role}" if role in ("rep", "lead", "manager") else "ask.refused.lead", lang
    )
    text = t("ask.refused", lang, who=who or t("ask.team", lang), reason=reason)
    span = u.periods[0] if u.periods else whole("month", today)
    data = {"reason": role, "outside": [o for o in outside if o]}
    return Answer("refused", span.start, span.end, [o for o in outside if o], text, data)


def answer_query(
    repo: Repository, scope: Scope, q: Query, today: dt.date, top: int | None = None
) -> Answer:
    """Answers a definite query — from text or from a button — after checking its scope."""
    lang: Lang = "zh" if q.lang == "zh" else "en"
    subjects = q.subjects or scope.default_subjects()
    names = _names(scope)
    outside = [s for s in subjects if not scope.sees(s)]
    if outside or (
        scope.asker.role == "rep" and q.intent in _OTHERS and subjects != (scope.asker.id,)
    ):
        u = Understanding(
            intent=q.intent, lang=lang, periods=(Span(q.start, q.end, q.kind, -1, -1),)
        )
        return _refusal(scope, tuple(outside) or (scope.asker.team_id or "",), u, today)
    q = q.but(subjects=subjects)
    if q.intent == "person" and (len(subjects) != 1 or subjects[0] in scope.all_teams):
        q = q.but(intent="progress")
    if q.metric and q.metric not in canonical_metrics() and not team_metric_words(scope):
        q = q.but(metric=None)
    builders: dict[str, Callable[..., dict[str, Any]]] = {
        "progress": build.progress,
        "target_gap": build.progress,
        "behind": build.behind,
        "ranking": build.ranking,
        "not_reported": build.not_reported,
        "blockers": build.blockers,
        "person": build.person,
        "compare": build.compare,
        "findings": build.findings,
    }
    if q.intent == "ranking":
        data = build.ranking(repo, scope, q, today, top=max(1, min(top or 3, 10)))
    else:
        data = builders[q.intent](repo, scope, q, today)
    data["period"] = {"start": q.start.isoformat(), "end": q.end.isoformat()}
    data["as_of"] = today.isoformat()
    data["audience"] = "rep" if scope.asker.role == "rep" else "lead"
    data["to_date"] = q.start <= today < q.end
    if q.metric:
        data["metric"] = q.metric
    text = "\n".join(RENDERERS[q.intent](data, names, lang))
    return Answer(
        q.intent, q.start, q.end, list(subjects), text, data, _follow_ups(scope, q, today)
    )


def _follow_ups(scope: Scope, q: Query, today: dt.date) -> list[Button]:
    """Who is behind? Blockers? This week vs last? — the next questions, as buttons."""
    lang: Lang = "zh" if q.lang == "zh" else "en"
    month = whole("month", today)
    week_q = q.but(subjects=q.subjects, metric=q.metric)
    options: list[Button] = []
    if scope.asker.role != "rep":
        options.append(
            (
                t("ask.button.behind", lang),
                q.but(intent="behind", start=month.start, end=month.end, kind="month"),
            )
        )
    options.append(
        (t("ask.button.blockers", lang), q.but(intent="blockers", explicit_period=False))
    )
    wk = whole("week", today)
    options.append(
        (
            t("ask.button.compare", lang),
            week_q.but(intent="compare", start=wk.start, end=wk.end, kind="week"),
        )
    )
    return [(label, query) for label, query in options if query.intent != q.intent][:3]


def _unknown(q: Query, u: Understanding, names: dict[str, str], lang: Lang) -> Answer:
    buttons = [
        (t(f"ask.reading.{r}", lang), q.but(intent=r)) for r in u.readings[:3] if r != "person"
    ]
    data = {"readings": [b[1].intent for b in buttons]}
    return Answer("unknown", q.start, q.end, [], t("ask.unknown", lang), data, buttons)
