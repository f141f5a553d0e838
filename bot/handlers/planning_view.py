"""Planning rounds as text and buttons: the question to a rep, the lead's board."""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import Lang, t
from bot.planning.board import Base, is_money, lines, team_reference
from bot.planning.rounds import Line, suggestions, totals
from bot.report_view import format_number, metric_label
from bot.store.planning import DraftRow, RoundRow
from bot.store.repository import Repository
from bot.store.rows import Number

ANSWER = "pa"  # a rep's value button: pa:<draft id>:<value>
LEAD = "pl"  # the lead's buttons: pl:<d|t|n|c>:<id>


def example(metric: str, lang: Lang) -> str:
    """A number to show in "e.g. …" for a metric: an amount of money, or a count."""
    return t("planning.example.money" if is_money(metric) else "planning.example.count", lang)


def money_text(value: Number | float | None, metric: str, lang: Lang) -> str:
    """A figure of a metric as people read it ('25万', '250,000', '—')."""
    if value is None:
        return "—"
    number = int(value) if float(value).is_integer() else value
    return format_number(number, lang, money=is_money(metric))


def ask_text(
    draft: DraftRow, round_: RoundRow, lang: Lang, base: Base | None, reminder: bool
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The question to a rep: what can you do in the period, with value buttons."""
    metric = metric_label(draft.metric, lang)
    lines_out = [
        t("planning.ask.reminder" if reminder else "planning.ask", lang, period=round_.period)
    ]
    lines_out.append(t("planning.ask.metric", lang, metric=metric))
    if base is not None:
        key = "planning.ask.base_forecast" if base.forecast else "planning.ask.base_actual"
        lines_out.append(t(key, lang, value=money_text(round(base.value), draft.metric, lang)))
    lines_out.append(t("planning.ask.how", lang, example=example(draft.metric, lang)))
    values = suggestions(base.value if base else None, is_money(draft.metric))
    if not values:
        return "\n".join(lines_out), None
    labels = ["", "+10% ", "+20% "]
    row = [
        InlineKeyboardButton(
            f"{labels[i]}{money_text(v, draft.metric, lang)}",
            callback_data=f"{ANSWER}:{draft.id}:{v}",
        )
        for i, v in enumerate(values)
    ]
    return "\n".join(lines_out), InlineKeyboardMarkup([row])


def _line_text(line: Line, name: str, lang: Lang) -> str:
    m = line.metric
    parts = [f"<b>{escape(name)}</b>"]
    if line.draft is None:
        parts.append(t("planning.board.no_answer", lang))
    else:
        parts.append(t("planning.board.draft", lang, value=money_text(line.draft, m, lang)))
    parts.append(t("planning.board.reference", lang, value=money_text(line.reference, m, lang)))
    if line.gap:
        sign = "+" if line.gap > 0 else "−"
        parts.append(t("planning.board.gap", lang, value=sign + money_text(abs(line.gap), m, lang)))
    final = line.final
    if final is None:
        parts.append(t("planning.board.nothing", lang))
    else:
        basis = t(f"planning.basis.{line.basis}", lang)
        parts.append(t("planning.board.final", lang, value=money_text(final, m, lang), basis=basis))
    return " · ".join(parts)


def board(
    repo: Repository, round_: RoundRow, lang: Lang
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The lead's board: each rep's draft beside the top-down number, the gap, the
    value a confirmation writes; totals; buttons to pick a side, remind, confirm."""
    drafts = repo.round_drafts(round_.id)
    names = {p.id: p.name for p in repo.people()}
    team = repo.team(round_.team_id)
    status = t(f"planning.status.{round_.status}", lang)
    out = [
        t(
            "planning.board.title",
            lang,
            team=escape(team.name if team else round_.team_id),
            period=round_.period,
            status=status,
        )
    ]
    buttons: list[list[InlineKeyboardButton]] = []
    all_lines = lines(drafts)
    for metric in round_.metrics:
        out.append(f"\n<b>{escape(metric_label(metric, lang))}</b>")
        for draft, line in zip(drafts, all_lines, strict=True):
            if line.metric != metric:
                continue
            name = names.get(line.person_id, line.person_id)
            out.append(_line_text(line, name, lang))
            if round_.status == "open" and line.gap and line.draft is not None:
                buttons.append(_pick_buttons(draft, line, name, lang))
        sums = totals(all_lines, metric)
        team_value = team_reference(repo, round_.team_id, round_.period, metric)
        out.append(
            t(
                "planning.board.totals",
                lang,
                draft=money_text(sums.draft, metric, lang),
                reference=money_text(sums.reference, metric, lang),
                final=money_text(sums.final, metric, lang),
                answered=sums.answered,
                people=sums.people,
            )
        )
        if team_value is not None:
            gap = float(team_value) - sums.final
            out.append(
                t(
                    "planning.board.team",
                    lang,
                    value=money_text(team_value, metric, lang),
                    gap=("+" if gap >= 0 else "−") + money_text(abs(gap), metric, lang),
                )
            )
    if round_.status != "open":
        return "\n".join(out), None
    out.append("\n" + t("planning.board.adjust_hint", lang))
    waiting = sum(1 for d in drafts if d.draft is None)
    last = []
    if waiting:
        last.append(
            InlineKeyboardButton(
                t("planning.button.nudge", lang, count=waiting),
                callback_data=f"{LEAD}:n:{round_.id}",
            )
        )
    last.append(
        InlineKeyboardButton(
            t("planning.button.confirm", lang), callback_data=f"{LEAD}:c:{round_.id}"
        )
    )
    buttons.append(last)
    return "\n".join(out), InlineKeyboardMarkup(buttons)


def _pick_buttons(draft: DraftRow, line: Line, name: str, lang: Lang) -> list[InlineKeyboardButton]:
    m = line.metric
    return [
        InlineKeyboardButton(
            t("planning.button.use_draft", lang, name=name, value=money_text(line.draft, m, lang)),
            callback_data=f"{LEAD}:d:{draft.id}",
        ),
        InlineKeyboardButton(
            t(
                "planning.button.use_reference",
                lang,
                name=name,
                value=money_text(line.reference, m, lang),
            ),
            callback_data=f"{LEAD}:t:{draft.id}",
        ),
    ]
